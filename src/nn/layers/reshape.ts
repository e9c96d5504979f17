// Flatten and Reshape: each sample's values unchanged, in the same (row-major) order, under another shape.
// Kernels: assembly/layers/reshape.ts.
import { KIND_FLATTEN, KIND_RESHAPE } from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions } from './layer';

/**
 * Options of `flatten`.
 * @example
 * const options: FlattenOptions = { inputShape: [4, 4, 2] };
 * sequential([layers.flatten(options)]).outputs[0].shape; // [null, 32]
 */
export interface FlattenOptions extends LayerOptions {
  /** 'channelsLast' (the only layout; accepted for Keras configs). */
  dataFormat?: 'channelsLast';
  /** The shape of one input sample, for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * Flattens each sample to one axis, as Keras' Flatten: [null, 4, 4, 2] → [null, 32], values in row-major order.
 * Create it with `layers.flatten()`.
 * @example
 * layers.flatten().apply(input({ shape: [3, 2] })).shape; // [null, 6]
 * layers.flatten() instanceof Flatten; // true
 */
export class Flatten extends Layer {
  /**
   * 'Flatten'.
   * @example
   * layers.flatten().className; // 'Flatten'
   */
  override readonly className = 'Flatten';
  /** @internal */
  override readonly kind = KIND_FLATTEN;

  /**
   * A flatten layer; throws a RangeError for an unknown option or a dataFormat other than 'channelsLast'.
   * @example
   * new Flatten().className; // 'Flatten'
   */
  constructor(options: FlattenOptions = {}) {
    const op = 'flatten';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['name', 'dataFormat', ...INPUT_SHAPE_KEYS]);
    if (options.dataFormat !== undefined && options.dataFormat !== 'channelsLast') {
      throw new RangeError(`${op}: dataFormat must be 'channelsLast' (samples are channels-last), got ${showValue(options.dataFormat)}`);
    }
    super(options, op);
    this.takeInputShape(options, op);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[]): number[] {
    return [shapes[0].reduce((a, b) => a * b, 1)];
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.flatten({ name: 'f' }).getConfig(); // { name: 'f' }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }
}

/**
 * Options of `reshape`.
 * @example
 * const options: ReshapeOptions = { targetShape: [2, -1] };
 * layers.reshape(options).apply(input({ shape: [6] })).shape; // [null, 2, 3]
 */
export interface ReshapeOptions extends LayerOptions {
  /** The shape of one output sample; one size may be -1, inferred from the others (as Keras). */
  targetShape: readonly number[];
  /** The shape of one input sample, for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * Gives each sample another shape with the same number of values, as Keras' Reshape (row-major order kept).
 * Create it with `layers.reshape({ targetShape })`.
 * @example
 * layers.reshape({ targetShape: [3, 2] }).apply(input({ shape: [6] })).shape; // [null, 3, 2]
 * layers.reshape({ targetShape: [4] }) instanceof Reshape; // true
 */
export class Reshape extends Layer {
  /**
   * 'Reshape'.
   * @example
   * layers.reshape({ targetShape: [2] }).className; // 'Reshape'
   */
  override readonly className = 'Reshape';
  /** @internal */
  override readonly kind = KIND_RESHAPE;
  /**
   * The shape of one output sample as given (-1 for an inferred size).
   * @example
   * layers.reshape({ targetShape: [-1, 4] }).targetShape; // [-1, 4]
   */
  readonly targetShape: readonly number[];

  /**
   * A reshape layer; throws a RangeError for a targetShape that is not an array of positive integers with at most
   * one -1, or an unknown option.
   * @example
   * new Reshape({ targetShape: [2, 2] }).targetShape; // [2, 2]
   */
  constructor(options: ReshapeOptions) {
    const op = 'reshape';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be { targetShape }, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['name', 'targetShape', ...INPUT_SHAPE_KEYS]);
    super(options, op);
    const target = options.targetShape;
    const ok = Array.isArray(target) && target.length > 0 && target.length <= 8 && target.filter((v) => v === -1).length <= 1 &&
      target.every((v) => v === -1 || (Number.isInteger(v) && v >= 1 && v <= 1 << 24));
    if (!ok) throw new RangeError(`${op}: targetShape must be an array of sizes >= 1 (one may be -1), got ${showValue(target)}`);
    this.targetShape = [...target];
    this.takeInputShape(options, op);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const size = shapes[0].reduce((a, b) => a * b, 1), known = this.targetShape.reduce((a, b) => (b === -1 ? a : a * b), 1);
    const free = this.targetShape.indexOf(-1);
    if (free < 0 ? known !== size : size % known !== 0) {
      throw this.shapeError(op, `cannot give samples of ${size} values (shape [${shapes[0].join(', ')}]) the shape [${this.targetShape.join(', ')}]`);
    }
    return this.targetShape.map((v) => (v === -1 ? size / known : v));
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.reshape({ targetShape: [2, 3] }).getConfig(); // { name: undefined, targetShape: [2, 3] }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, targetShape: [...this.targetShape], ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }

  /** @internal */
  override get detail(): string {
    return `to [${this.targetShape.join(', ')}]`;
  }
}

/**
 * A flatten layer (`layers.flatten`): [null, ...dims] → [null, values per sample]. Throws as the Flatten
 * constructor does.
 * @example
 * const model = sequential([layers.flatten({ inputShape: [2, 2] }), dense({ units: 1 })]);
 * model.predict(ones([1, 2, 2])).shape; // [1, 1]
 */
export function flatten(options: FlattenOptions = {}): Flatten {
  return new Flatten(options);
}

/**
 * A reshape layer (`layers.reshape`; the top-level `reshape` is the tensor op): each sample takes `targetShape`.
 * Throws as the Reshape constructor does.
 * @example
 * const model = sequential([layers.reshape({ targetShape: [2, 2], inputShape: [4] }), layers.flatten()]);
 * model.predict(tensor([[1, 2, 3, 4]])).toArray(); // [[1, 2, 3, 4]]
 */
export function reshape(options: ReshapeOptions): Reshape {
  return new Reshape(options);
}
