// The contract every layer kind keeps (see ARCHITECTURE.md, "Adding a layer"): options checked in its constructor,
// its output width from its arguments' widths, its weights built for those widths, its config for model files, the
// node fields its kernels read, and a registry entry (registry.ts). Its forward and backward kernels are in
// assembly/layers/.
import { KIND_CUSTOM } from '../../../assembly/layout';
import { ShapeError, showValue } from '../../tensor/errors';
import { checkInteger } from '../../tensor/shape';
import type { Tensor } from '../../tensor/tensor';
import type { Variable } from '../../tensor/variable';
import { LayerCall, SymbolicTensor } from '../symbolic';
import type { Initializer } from '../initializers';
import { addLayerWeight, buildCustomLayer, customOutputShape, type SymbolicShape } from './custom';
import { NO_RULES, type LayerRules } from './regularization';
import type { RegularizerIdentifier } from '../regularizers';
import type { ConstraintIdentifier } from '../constraints';

/** The most values one sample of any layer's input or output may hold (2^24). */
export const MAX_SAMPLE_VALUES = 1 << 24;

/** Options every layer takes. */
export interface LayerOptions {
  /** The layer's name, unique in its model (default: its class in snake case and a count, such as `dense_2`). */
  name?: string;
}

/**
 * The options that give the shape of one input sample, for the first layer of a Sequential: `inputShape`, or
 * TensorFlow.js's `batchInputShape` and `inputDim`.
 * @example
 * const options: InputShapeOptions = { batchInputShape: [null, 4] };
 * dense({ units: 2, ...options }).inputShape; // [4]
 */
export interface InputShapeOptions {
  /** The shape of one input sample, without the batch axis. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/** The option keys of {@link InputShapeOptions}, for layers' option checks. */
export const INPUT_SHAPE_KEYS = ['inputShape', 'batchInputShape', 'inputDim'] as const;

/**
 * What a custom layer's constructor passes on to `super(config)`, as TF.js's LayerArgs: its name, and the shape of
 * one input sample when it is the first layer of a Sequential. Other keys are the subclass's own.
 * @example
 * const args: LayerArgs = { name: 'scale', inputShape: [4] };
 */
export type LayerArgs = LayerOptions & InputShapeOptions;

/** The words of a node record a layer kind sets itself (the plan writes the rest). */
export interface NodeFields {
  /** Activation code (assembly/layout.ts `ACT_`), default ACT_NONE. */
  act?: number;
  /** Dropout rate (or another f32 the kind reads, such as an epsilon). */
  rate?: number;
  /** The geometry record's words (GEOM_WORDS, by the GEOM_ offsets of layout.ts), for kinds that read one. */
  geom?: readonly number[];
}

/**
 * A buffer a layer kind asks the plan for (Layer.nodeBuffers): `floats` f32 (or i32) words, its address in node word
 * `field` (NODE_BUF0…NODE_BUF3, or NODE_MASK, NODE_Z). A `scratch` buffer lives within one forward or backward of the
 * node, so all nodes' scratch buffers share one allocation (the largest).
 */
export interface NodeBuffer {
  field: number;
  floats: number;
  scratch?: boolean;
}

/** What a plan is built for (see plan.ts). */
export type PlanPurpose = 'train' | 'evaluate' | 'predict';

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
   * The class name saved in model files, as Keras and TensorFlow.js name it ('Dense', 'Dropout', 'Add', …); a custom
   * layer's is its class's static `className`, else the class's name.
   * @example
   * dense({ units: 1 }).className; // 'Dense'
   */
  readonly className: string;
  /**
   * The kernel's layer kind (assembly/layout.ts `KIND_`): KIND_CUSTOM for a custom layer.
   * @internal
   */
  readonly kind: number = KIND_CUSTOM;
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
  /**
   * The layer's regularizers and constraints (kernelRegularizer, biasConstraint, activityRegularizer, …).
   * @internal
   */
  rules: LayerRules = NO_RULES;
  /** The argument shapes (per sample) of the first call; later calls (a shared layer) must match them. */
  private argDims: (readonly number[])[] | undefined;

  /**
   * The weights `addWeight` made (a custom layer's).
   * @internal
   */
  readonly addedWeights: Variable[] = [];
  /**
   * Seeds of the weights addWeight makes while the model builds the layer.
   * @internal
   */
  seedOfWeight: ((weight: number) => number | undefined) | undefined;

  /**
   * Checks the options every layer takes (the name), naming `op` in errors. A custom layer (a subclass that defines
   * `call`) passes its config on as TF.js layers do, `super(config)`: its `name` and `inputShape` are taken, other
   * keys are the subclass's own.
   * @throws RangeError for a name that is not letters, digits, _ . or -, or an inputShape that is not sizes.
   * @example
   * class Double extends Layer {
   *   static className = 'Double';
   *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).mul(2); }
   * }
   * new Double({ name: 'twice' }).name; // 'twice'
   */
  constructor(options: LayerArgs = {}, op?: string) {
    const known = op !== undefined;
    op ??= new.target.name || 'Layer';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    const name = options.name;
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z_][\w.-]{0,127}$/.test(name))) {
      throw new RangeError(`${op}: name must be letters, digits, _ . or - (starting with a letter or _), got ${showValue(name)}`);
    }
    this.name = name;
    const given = (new.target as { className?: unknown }).className;
    this.className = typeof given === 'string' && given !== '' ? given : new.target.name;
    if (!known) this.takeInputShape(options, op);
  }

  /**
   * A custom layer's forward, written in ops (TF.js's `call`): the output for `inputs` (one tensor [batch, ...dims],
   * or an array for a layer called on several), without a tape in `fit`'s forward and under one in its backward
   * (so it must give the same values each time for the same inputs and weights). `kwargs.training` is true in
   * training. A subclass that defines it is a custom layer; the built-in layers run in wasm and have none.
   * @example
   * class AddOne extends Layer {
   *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).add(1); }
   * }
   * new AddOne().call(tensor([[1, 2]])).toArray(); // [[2, 3]]
   */
  call?(inputs: Tensor | Tensor[], kwargs?: { training?: boolean }): Tensor;

  /**
   * A custom layer's output shape for an input shape ([null, ...dims], or an array of them for several inputs), as
   * TF.js's: without it, a custom layer keeps its (first) input's shape.
   * @example
   * class Sum extends Layer {
   *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).sum(-1, true); }
   *   override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape { return [null, 1]; }
   * }
   * new Sum().apply(input({ shape: [3] })).shape; // [null, 1]
   */
  computeOutputShape?(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape;

  /**
   * Makes a weight of a custom layer (call it from `build`), as TF.js's addWeight: a Variable named
   * `<layer>/<name>` of `shape` with the initializer's values (default glorotUniform; the model's seed seeds a
   * random one without a seed of its own), trained by the optimizer unless `trainable` is false. The layer owns it:
   * the model that builds the layer frees it.
   * A `regularizer` adds its penalty to the loss, a `constraint` applies after each update (as a built-in layer's).
   * @throws RangeError for a dtype other than 'float32', an unknown regularizer or constraint, a shape that is not sizes,
   * an unknown initializer name; TypeError for a trainable that is not a boolean.
   * @example
   * class Scale extends Layer {
   *   w!: Variable;
   *   override build(inputShape: SymbolicShape | SymbolicShape[]): void {
   *     this.w = this.addWeight('w', [(inputShape as SymbolicShape).at(-1)!], 'float32', initializers.ones());
   *   }
   *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).mul(this.w); }
   * }
   * const net = sequential([new Scale({ inputShape: [2] })]);
   * net.getWeights()[0].toArray(); // [1, 1]
   */
  addWeight(name: string, shape: readonly number[], dtype: 'float32' = 'float32', initializer?: Initializer | string,
    regularizer?: RegularizerIdentifier, trainable = true, constraint?: ConstraintIdentifier): Variable {
    return addLayerWeight(this, name, shape, dtype, initializer, regularizer, trainable, constraint);
  }

  /**
   * Whether this is a custom layer: a subclass that defines `call`, which the plan runs on the host (KIND_CUSTOM).
   * @internal
   */
  get isCustom(): boolean {
    return typeof this.call === 'function';
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
    if (this.isCustom ? list.length === 0 : this.arity === 'many' ? list.length < 2 : list.length !== 1 || Array.isArray(args)) {
      throw new TypeError(`${op}: ${this.arity === 'many' ? 'takes an array of two or more symbolic tensors' : 'takes one symbolic tensor'}, got ${
        Array.isArray(args) ? `an array of ${list.length}` : 'one'}`);
    }
    const shapes = list.map((a) => a.dims);
    if (this.argDims && showShapes(this.argDims) !== showShapes(shapes)) {
      throw new ShapeError(`${op}: ${this.label} was first called on ${showShapes(this.argDims)} and shares its weights; it cannot take ${showShapes(shapes)}`);
    }
    const dims = this.outputShape(shapes, op);
    const values = dims.reduce((a, b) => a * b, 1);
    // NOTE: a huge factor (an up-sampling size of 10^19 read from a damaged file, say) would otherwise reach the
    // geometry loops of the plan; no layer's sample may outgrow what an input may hold.
    if (!(values <= MAX_SAMPLE_VALUES)) {
      throw new ShapeError(`${op}: ${this.label} would give samples of shape [${dims.join(', ')}], ${values} values; at most 2^24 per sample`);
    }
    this.argDims ??= shapes;
    const call = new LayerCall(this, list, dims);
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
   * The shape of one output sample for arguments of these sample shapes; a ShapeError naming `op`, the layer and the
   * shapes if it cannot take them. By default the shape of the one argument (a layer that keeps its argument's shape,
   * such as dropout).
   * @internal
   */
  outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    if (this.isCustom) return customOutputShape(this, shapes, op);
    return [...shapes[0]];
  }

  /**
   * The sample shapes of the arguments of the layer's first call (undefined before it is called).
   * @internal
   */
  get inputDims(): readonly (readonly number[])[] | undefined {
    return this.argDims;
  }

  /**
   * The shape of one input sample given as the `inputShape` option (undefined without): the first layer of a
   * Sequential needs it. Layers that take the option set it with `takeInputShape`.
   * @internal
   */
  inputShape: number[] | undefined;

  /**
   * Checks and keeps the sample shape the options give (none: undefined): `inputShape`, a non-empty array of integers
   * in [1, 2^24], or TensorFlow.js's forms of it, `batchInputShape` ([batch size or null, ...inputShape]; simdeep
   * takes any batch size) and `inputDim` (inputShape [inputDim]); at most one of them.
   */
  protected takeInputShape(options: InputShapeOptions, op: string, rank?: number): void {
    const { inputShape, batchInputShape, inputDim } = options as Record<string, unknown>;
    const given = INPUT_SHAPE_KEYS.filter((key) => (options as Record<string, unknown>)[key] !== undefined);
    if (given.length > 1) throw new RangeError(`${op}: give one of inputShape, batchInputShape and inputDim, got ${given.join(' and ')}`);
    let value = inputShape, arg = 'inputShape';
    if (batchInputShape !== undefined) {
      if (!Array.isArray(batchInputShape) || batchInputShape.length < 2 || !(batchInputShape[0] === null || Number.isInteger(batchInputShape[0]))) {
        throw new RangeError(`${op}: batchInputShape must be [batch size or null, ...sizes of one sample], got ${showValue(batchInputShape)}`);
      }
      [value, arg] = [batchInputShape.slice(1), 'batchInputShape'];
    } else if (inputDim !== undefined) {
      [value, arg] = [[checkInteger(inputDim, op, 'inputDim', 1, 1 << 24)], 'inputDim'];
    }
    if (value === undefined) return;
    if (!Array.isArray(value) || value.length === 0 || (rank !== undefined && value.length !== rank)) {
      const sizes = rank === undefined ? 'a non-empty array of sizes' : `an array of ${rank} sizes`;
      const what = arg === 'batchInputShape' ? `[null, ...${sizes}]` : arg === 'inputDim' ? `given for a layer whose samples have ${rank} axes` : sizes;
      throw new RangeError(`${op}: ${arg} must be ${what} (the shape of one sample), got ${showValue(arg === 'inputShape' ? value : (options as Record<string, unknown>)[arg])}`);
    }
    const offset = arg === 'batchInputShape' ? 1 : 0;
    this.inputShape = value.map((v, i) => checkInteger(v, op, arg === 'inputDim' ? 'inputDim' : `${arg}[${i + offset}]`, 1, 1 << 24));
  }

  /**
   * The error for arguments this layer cannot take: a ShapeError naming `op`, the layer and `why`.
   * @internal
   */
  shapeError(op: string, why: string): ShapeError {
    return new ShapeError(`${op}: ${this.name ? `${this.name} (${this.className})` : this.className} ${why}`);
  }

  /**
   * Creates the weights. A built-in layer gets its arguments' sample shapes and `seedOf(i)`, which seeds weight i's
   * initializer if it has no seed of its own (the model's seed). A custom layer's `build(inputShape)` is TF.js's:
   * the input's shape [null, ...dims] (an array of them for several inputs), making its weights with `addWeight`.
   * Layers without weights do nothing.
   * @example
   * class Bias extends Layer {
   *   b!: Variable;
   *   override build(inputShape: SymbolicShape | SymbolicShape[]): void {
   *     this.b = this.addWeight('b', [(inputShape as SymbolicShape)[1]!], 'float32', initializers.zeros());
   *   }
   *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).add(this.b); }
   * }
   * sequential([new Bias({ inputShape: [3] })]).getWeights()[0].shape; // [3]
   */
  build(inputShape: SymbolicShape | SymbolicShape[] | readonly (readonly number[])[], seedOf?: (weight: number) => number | undefined): void {
    void inputShape;
    void seedOf;
  }

  /**
   * Builds a custom layer for arguments of these sample shapes: its `build` with TF.js's input shape, the model's
   * seeds for its addWeight calls.
   * @internal
   */
  buildCustom(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined): void {
    buildCustomLayer(this, shapes, seedOf);
  }

  /**
   * The layer's weights, in order (the model's own variables, named `<layer>/<weight>` as Keras names them; empty
   * before it is built and for layers without weights; a custom layer's: those addWeight made).
   * @example
   * const model = sequential([dense({ units: 2, inputShape: [3] })]);
   * model.layers[0].weights.map((w) => w.shape); // [[3, 2], [2]]
   * model.layers[0].weights.map((w) => w.name); // ['dense_1/kernel', 'dense_1/bias']
   */
  get weights(): Variable[] {
    return this.addedWeights;
  }

  /**
   * The weights an optimizer does not update (a batch normalization's moving statistics), a subset of `weights`;
   * their values change only through the layer's own kernels (a custom layer's: addWeight's with trainable false).
   * @example
   * dense({ units: 2 }).nonTrainableWeights; // []
   */
  get nonTrainableWeights(): Variable[] {
    return this.addedWeights.length === 0 ? [] : this.addedWeights.filter((w) => !w.trainable);
  }

  /**
   * The weights the optimizer updates: `weights` without `nonTrainableWeights`.
   * @example
   * sequential([dense({ units: 2, inputShape: [3] })]).layers[0].trainableWeights.length; // 2
   */
  get trainableWeights(): Variable[] {
    const fixed = this.nonTrainableWeights;
    return fixed.length === 0 ? this.weights : this.weights.filter((w) => !fixed.includes(w));
  }

  /**
   * The shapes of the weights for arguments of these sample shapes (model files check them before allocating).
   * @internal
   */
  weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    void shapes;
    return this.addedWeights.map((w) => [...w.shape]); // a custom layer's, once built
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
   * The options that rebuild the layer (`fromConfig` of its registry entry), as model files save them; a custom
   * layer's default is its name (override it to add its own settings, as in TF.js).
   * @example
   * dropout({ rate: 0.5 }).getConfig(); // { name: undefined, rate: 0.5 }
   */
  getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /**
   * Checks the values of a model input this layer takes directly (`arg` names it in errors), before anything is
   * allocated; layers that read values as more than numbers (an embedding's indices) override it.
   * @internal
   */
  checkArgument(values: Tensor, op: string, arg: string): void {
    void values;
    void op;
    void arg;
  }

  /**
   * The node fields of this kind's kernels.
   * @internal
   */
  nodeFields(): NodeFields {
    return {};
  }

  /**
   * The weights the node's NODE_KERNEL and NODE_BIAS point at: by default the first two (a separable convolution's
   * are its pointwise kernel and its bias).
   * @internal
   */
  get kernelAndBias(): [Tensor | undefined, Tensor | undefined] {
    const [kernel, bias] = this.weights;
    return [kernel, bias];
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
   * Other buffers this kind's kernels need in a plan of `purpose` for `rows` rows, for a call on arguments of these
   * sample shapes (see NodeBuffer).
   * @internal
   */
  nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    void shapes;
    void rows;
    void purpose;
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
    this.addedWeights.splice(0).forEach((w) => w.dispose());
    this.owner = null;
  }
}


/** Sample shapes as the shapes of symbolic tensors: [null, 4] and [null, 3]. */
export function showShapes(shapes: readonly (readonly number[])[]): string {
  return shapes.map((d) => `[${['null', ...d].join(', ')}]`).join(shapes.length === 2 ? ' and ' : ', ');
}
