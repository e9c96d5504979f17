// Symbolic tensors: the values of a model graph before there is data. `input({ shape })` makes one; `layer.apply`
// makes another from its arguments, recording the call; `model({ inputs, outputs })` walks the calls back.
import type { Layer } from './layers/layer';

/**
 * The output of a layer call, or a model input, in a graph being built: its shape ([null, features]; null is the
 * batch) and the call that makes it. Pass it to other layers' `apply`, and to `model({ inputs, outputs })`.
 * @example
 * const x = input({ shape: [8] });
 * x.shape; // [null, 8]
 * x instanceof SymbolicTensor; // true
 */
export class SymbolicTensor {
  /**
   * [null, features]: any number of samples, `features` values each.
   * @example
   * dense({ units: 3 }).apply(input({ shape: [2] })).shape; // [null, 3]
   */
  readonly shape: readonly [null, number];

  /**
   * The output of `call`, `width` features per sample (layers' apply and input make them).
   * @internal
   */
  constructor(
    /**
     * The layer call that makes it.
     * @internal
     */
    readonly call: LayerCall,
    width: number,
  ) {
    this.shape = [null, width];
  }

  /**
   * Features per sample.
   * @example
   * input({ shape: [6] }).width; // 6
   */
  get width(): number {
    return this.shape[1];
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

  constructor(readonly layer: Layer, readonly args: readonly SymbolicTensor[], width: number) {
    this.output = new SymbolicTensor(this, width);
  }
}
