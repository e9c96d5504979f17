// Model inputs: an input layer has no kernels; the plan gathers each batch into its node's outputs.
import { KIND_INPUT } from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { checkInteger } from '../../tensor/shape';
import { LayerCall, type SymbolicTensor } from '../symbolic';
import { Layer, MAX_SAMPLE_VALUES, type LayerOptions } from './layer';

/**
 * Options of `input`.
 * @example
 * const options: InputOptions = { shape: [4], name: 'features' };
 * input(options).shape; // [null, 4]
 */
export interface InputOptions extends LayerOptions {
  /** The shape of one sample: [features], or more axes such as [28, 28, 1] (each size in [1, 2^24]). */
  shape: readonly number[];
}

/**
 * The layer behind a model input (`input({ shape })` makes one and gives its symbolic tensor).
 * @example
 * const x = input({ shape: [2] });
 * x.call.layer instanceof InputLayer; // true
 */
export class InputLayer extends Layer {
  /**
   * 'InputLayer'.
   * @example
   * new InputLayer({ shape: [2] }).className; // 'InputLayer'
   */
  override readonly className = 'InputLayer';
  /** @internal */
  override readonly kind = KIND_INPUT;
  /**
   * Values per sample (the product of `dims`).
   * @example
   * new InputLayer({ shape: [5] }).features; // 5
   */
  readonly features: number;
  /**
   * The shape of one sample.
   * @example
   * new InputLayer({ shape: [28, 28, 1] }).dims; // [28, 28, 1]
   */
  readonly dims: readonly number[];

  /**
   * An input of `options.shape`; throws a RangeError for a shape that is not a non-empty array of sizes in [1, 2^24]
   * (or holds more than 2^24 values per sample), or an unknown option.
   * @example
   * new InputLayer({ shape: [3] }).features; // 3
   */
  constructor(options: InputOptions) {
    const op = 'input';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be { shape: [features] }, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['shape', 'name']);
    super(options, op);
    if (!Array.isArray(options.shape) || options.shape.length === 0 || options.shape.length > 8) {
      throw new RangeError(`${op}: shape must be the shape of one sample, such as [features] or [28, 28, 1], got ${showValue(options.shape)}`);
    }
    this.dims = options.shape.map((v, i) => checkInteger(v, op, `shape[${i}]`, 1, MAX_SAMPLE_VALUES));
    this.features = this.dims.reduce((a, b) => a * b, 1);
    if (this.features > MAX_SAMPLE_VALUES) throw new RangeError(`${op}: shape ${showValue(options.shape)} holds ${this.features} values per sample; at most 2^24`);
    this.calls.push(new LayerCall(this, [], this.dims));
  }

  /** @internal */
  override callOn(_args: unknown, op: string): SymbolicTensor {
    throw new TypeError(`${op}: an input layer is not applied; use the symbolic tensor input({ shape }) gives`);
  }

  /**
   * The options that rebuild it.
   * @example
   * new InputLayer({ shape: [3] }).getConfig(); // { name: undefined, shape: [3] }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, shape: [...this.dims] };
  }
}

/**
 * A model input of `shape` [features] (also `layers.input`): the symbolic tensor to apply layers to, then list in
 * `model({ inputs })`. Throws as the InputLayer constructor does.
 * @example
 * const x = input({ shape: [3] });
 * const y = dense({ units: 1 }).apply(dense({ units: 4, activation: 'relu' }).apply(x));
 * model({ inputs: x, outputs: y }).predict(tensor([[1, 2, 3]])).shape; // [1, 1]
 */
export function input(options: InputOptions): SymbolicTensor {
  return new InputLayer(options).calls[0].output;
}
