// Symbolic tensors: the values of a model graph before there is data. `input({ shape })` makes one; `layer.apply`
// makes another from its arguments, recording the call; `model({ inputs, outputs })` walks the calls back.
import type { Layer } from './layers/layer';

/**
 * The output of a layer call, or a model input, in a graph being built: its shape ([null, ...dims]; null is the
 * batch, dims the shape of one sample, such as [null, 28, 28, 1] for images) and the call that makes it. Pass it to other layers' `apply`, and to `model({ inputs, outputs })`.
 * @example
 * const x = input({ shape: [8] });
 * x.shape; // [null, 8]
 * x instanceof SymbolicTensor; // true
 */
export class SymbolicTensor {
  /**
   * [null, ...dims]: any number of samples, each of shape `dims`.
   * @example
   * dense({ units: 3 }).apply(input({ shape: [2] })).shape; // [null, 3]
   * input({ shape: [28, 28, 1] }).shape; // [null, 28, 28, 1]
   */
  readonly shape: readonly [null, ...number[]];
  /**
   * Values per sample: the product of the sample's dims.
   * @example
   * input({ shape: [6] }).width; // 6
   * input({ shape: [4, 3] }).width; // 12
   */
  readonly width: number;

  /**
   * The output of `call`, samples of shape `dims` (layers' apply and input make them).
   * @internal
   */
  constructor(
    /**
     * The layer call that makes it.
     * @internal
     */
    readonly call: LayerCall,
    dims: readonly number[],
  ) {
    this.shape = [null, ...dims];
    this.width = dims.reduce((a, b) => a * b, 1);
  }

  /**
   * The shape of one sample (the shape without the batch).
   * @example
   * input({ shape: [28, 28, 1] }).dims; // [28, 28, 1]
   */
  get dims(): number[] {
    return this.shape.slice(1) as number[];
  }

  /**
   * The name of the layer that makes it, with the call's index if the layer is called more than once.
   * @example
   * const shared = dense({ units: 2, name: 'shared' }), x = input({ shape: [2] });
   * shared.apply(shared.apply(x)).label; // 'shared (call 2)'
   */
  get label(): string {
    const { layer } = this.call;
    const i = layer.calls.indexOf(this.call);
    return i > 0 ? `${layer.label} (call ${i + 1})` : layer.label;
  }
}

/**
 * One call of a layer on symbolic arguments.
 * @internal
 */
export class LayerCall {
  readonly output: SymbolicTensor;

  constructor(readonly layer: Layer, readonly args: readonly SymbolicTensor[], dims: readonly number[]) {
    this.output = new SymbolicTensor(this, dims);
  }
}
