// The contract every layer kind keeps (see ARCHITECTURE.md, "Adding a layer"): options checked in its constructor,
// its output width from its arguments' widths, its weights built for those widths, its config for model files, the
// node fields its kernels read, and a registry entry (registry.ts). Its forward and backward kernels are in
// assembly/layers/.
import { ShapeError, showValue } from '../../tensor/errors';
import type { Tensor } from '../../tensor/tensor';
import { LayerCall, SymbolicTensor } from '../symbolic';

/** Options every layer takes. */
export interface LayerOptions {
  /** The layer's name, unique in its model (default: its class in snake case and a count, such as `dense_2`). */
  name?: string;
}

/** The words of a node record a layer kind sets itself (the plan writes the rest). */
export interface NodeFields {
  /** Activation code (assembly/layout.ts `ACT_`), default ACT_NONE. */
  act?: number;
  /** Dropout rate. */
  rate?: number;
}

/**
 * A layer: what a model is made of. Call `apply` on symbolic tensors to build a graph (`input`, `model`), or list
 * layers in `sequential`. Its weights are created when a model is made of it, and belong to that model.
 * @example
 * const x = input({ shape: [3] });
 * const layer = dense({ units: 2 });
 * layer.apply(x).shape; // [null, 2]
 * layer instanceof Layer; // true
 */
export abstract class Layer {
  /**
   * The class name saved in model files, as Keras and TensorFlow.js name it ('Dense', 'Dropout', 'Add', …).
   * @example
   * dense({ units: 1 }).className; // 'Dense'
   */
  abstract readonly className: string;
  /**
   * The kernel's layer kind (assembly/layout.ts `KIND_`).
   * @internal
   */
  abstract readonly kind: number;
  /**
   * Arguments the layer takes: 1, or 'many' (a merge layer: two or more).
   * @internal
   */
  readonly arity: 1 | 'many' = 1;
  /**
   * The name given in the options, or the one the model gave it (undefined until then).
   * @example
   * dense({ units: 1, name: 'out' }).name; // 'out'
   */
  name: string | undefined;
  /**
   * The model whose graph built the weights (null before).
   * @internal
   */
  owner: object | null = null;
  /**
   * The symbolic calls made so far, in order.
   * @internal
   */
  readonly calls: LayerCall[] = [];
  /** The argument widths of the first call; later calls (a shared layer) must match them. */
  private argWidths: number[] | undefined;

  /** Checks the options every layer takes (the name), naming `op` in errors. */
  protected constructor(options: LayerOptions, op: string) {
    const name = options.name;
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z_][\w.-]{0,127}$/.test(name))) {
      throw new RangeError(`${op}: name must be letters, digits, _ . or - (starting with a letter or _), got ${showValue(name)}`);
    }
    this.name = name;
  }

  /**
   * The layer called on symbolic tensors (one, or an array for a merge layer): the symbolic tensor of its output.
   * Calling a layer again shares its weights (their gradient sums over the calls). Throws a TypeError for anything
   * but symbolic tensors, a ShapeError for widths the layer cannot take (naming the layer and the shapes).
   * @example
   * const a = input({ shape: [4] }), b = input({ shape: [4] });
   * layers.add().apply([a, b]).shape; // [null, 4]
   * const shared = dense({ units: 3 });
   * shared.apply(a).shape; // [null, 3]
   * shared.apply(b).shape; // [null, 3]
   */
  apply(args: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    return this.callOn(args, `${this.label}.apply`);
  }

  /**
   * `apply`, naming `op` in errors (Sequential.add calls it as 'add').
   * @internal
   */
  callOn(args: SymbolicTensor | readonly SymbolicTensor[], op: string): SymbolicTensor {
    const list = Array.isArray(args) ? [...args] : [args];
    list.forEach((a, i) => {
      if (!(a instanceof SymbolicTensor)) {
        throw new TypeError(`${op}: ${Array.isArray(args) ? `args[${i}]` : 'the argument'} must be a symbolic tensor (from input({ shape }) or another layer's apply), got ${showValue(a)}`);
      }
    });
    if (this.arity === 'many' ? list.length < 2 : list.length !== 1 || Array.isArray(args)) {
      throw new TypeError(`${op}: ${this.arity === 'many' ? 'takes an array of two or more symbolic tensors' : 'takes one symbolic tensor'}, got ${
        Array.isArray(args) ? `an array of ${list.length}` : 'one'}`);
    }
    const widths = list.map((a) => a.width);
    if (this.argWidths && this.argWidths.join() !== widths.join()) {
      throw new ShapeError(`${op}: ${this.label} was first called on ${showWidths(this.argWidths)} and shares its weights; it cannot take ${showWidths(widths)}`);
    }
    const width = this.outputWidth(widths, op);
    this.argWidths ??= widths;
    const call = new LayerCall(this, list, width);
    this.calls.push(call);
    return call.output;
  }

  /**
   * The layer's name or, before it has one, its class (as error messages name it).
   * @example
   * dense({ units: 1 }).label; // 'Dense'
   * sequential([dense({ units: 1, inputShape: [2] })]).layers[0].label; // 'dense_1'
   */
  get label(): string {
    return this.name ?? this.className;
  }

  /**
   * The output width for arguments of these widths (features per sample); a ShapeError if it cannot take them. By
   * default the width of the one argument (a layer that keeps its argument's shape, such as dropout).
   * @internal
   */
  outputWidth(widths: readonly number[], op: string): number {
    void op;
    return widths[0];
  }

  /**
   * Creates the weights for arguments of these widths; `seedOf(i)` seeds weight i's initializer if it has no seed of
   * its own (the model's seed). Layers without weights do nothing.
   * @internal
   */
  build(widths: readonly number[], seedOf: (weight: number) => number | undefined): void {
    void widths;
    void seedOf;
  }

  /**
   * The layer's weights, in order (the model's own tensors; empty before it is built and for layers without weights).
   * @example
   * const model = sequential([dense({ units: 2, inputShape: [3] })]);
   * model.layers[0].weights.map((w) => w.shape); // [[3, 2], [2]]
   */
  get weights(): Tensor[] {
    return [];
  }

  /**
   * The shapes of the weights for arguments of these widths (model files check them before allocating).
   * @internal
   */
  weightShapes(widths: readonly number[]): number[][] {
    void widths;
    return [];
  }

  /**
   * Trainable values: the sizes of the weights summed (0 before it is built).
   * @example
   * sequential([dense({ units: 4, inputShape: [3] })]).layers[0].parameterCount; // 16
   */
  get parameterCount(): number {
    return this.weights.reduce((sum, w) => sum + w.size, 0);
  }

  /**
   * The options that rebuild the layer (`fromConfig` of its registry entry), as model files save them.
   * @example
   * dropout({ rate: 0.5 }).getConfig(); // { name: undefined, rate: 0.5 }
   */
  abstract getConfig(): Record<string, unknown>;

  /**
   * The node fields of this kind's kernels.
   * @internal
   */
  nodeFields(): NodeFields {
    return {};
  }

  /**
   * Whether the forward multiplies its argument by weights[0] as a [inputs, units] matrix, so that prediction and
   * evaluation plans keep that kernel packed for the GEMM (NODE_PACKED), packed again only when weights change.
   * @internal
   */
  get packsKernel(): boolean {
    return false;
  }

  /**
   * Node-record words of buffers of [batch, width] floats a training step keeps for this kind (dropout: its mask).
   * @internal
   */
  get trainingBuffers(): readonly number[] {
    return [];
  }

  /**
   * What the summary prints after the class (the activation, the rate), or ''.
   * @internal
   */
  get detail(): string {
    return '';
  }

  /**
   * Frees the weights; the owning model's dispose calls it.
   * @internal
   */
  dispose(): void {
    this.owner = null;
  }
}

/** Widths as the shapes of symbolic tensors: [null, 4] and [null, 3]. */
export function showWidths(widths: readonly number[]): string {
  return widths.map((w) => `[null, ${w}]`).join(widths.length === 2 ? ' and ' : ', ');
}
