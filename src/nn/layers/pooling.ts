// Pooling layers, as Keras': max and average pooling over windows (1-D on [steps, channels] samples, 2-D on
// [height, width, channels]), and global max and average pooling over all positions. Kernels:
// assembly/layers/pool.ts (1-D samples run as 2-D ones of height 1).
import { KIND_AVG_POOL, KIND_GLOBAL_AVG_POOL, KIND_GLOBAL_MAX_POOL, KIND_MAX_POOL, NODE_BUF0 } from '../../../assembly/layout';
import { geometryWords, poolGeometry, positivePair, type Geometry } from '../../ops/pool';
import { ShapeError, showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions, type NodeBuffer, type NodeFields, type PlanPurpose } from './layer';

/**
 * Options of the 2-D pooling layers (`maxPooling2d`, `averagePooling2d`).
 * @example
 * const options: Pooling2DOptions = { poolSize: 3, strides: 2, padding: 'same' };
 * layers.maxPooling2d(options).apply(input({ shape: [5, 5, 1] })).shape; // [null, 3, 3, 1]
 */
export interface Pooling2DOptions extends LayerOptions {
  /** The window [height, width], or one size for both (default [2, 2]). */
  poolSize?: number | readonly [number, number];
  /** Steps between windows [height, width], or one for both (default, or null as TF.js configs have it: poolSize). */
  strides?: number | readonly [number, number];
  /** 'valid' (windows inside the input, the default) or 'same' (out = ⌈in / stride⌉; padding left out of the pool). */
  padding?: 'valid' | 'same';
  /** 'channelsLast' (the only layout; accepted for Keras configs). */
  dataFormat?: 'channelsLast';
  /** The shape of one input sample [height, width, channels], for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * Options of the 1-D pooling layers (`maxPooling1d`, `averagePooling1d`).
 * @example
 * const options: Pooling1DOptions = { poolSize: 2 };
 * layers.averagePooling1d(options).apply(input({ shape: [7, 3] })).shape; // [null, 3, 3]
 */
export interface Pooling1DOptions extends LayerOptions {
  /** The window's length (default 2). */
  poolSize?: number | readonly [number];
  /** The step between windows (default, or null: poolSize). */
  strides?: number | readonly [number];
  /** 'valid' (the default) or 'same'. */
  padding?: 'valid' | 'same';
  /** 'channelsLast' (the only layout; accepted for Keras configs). */
  dataFormat?: 'channelsLast';
  /** The shape of one input sample [steps, channels], for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/** The class names of the windowed pooling layers. */
export type PoolingClass = 'MaxPooling1D' | 'MaxPooling2D' | 'AveragePooling1D' | 'AveragePooling2D';

/**
 * The factory name of a layer class ('MaxPooling2D' → 'maxPooling2d'), as errors name it.
 * @internal
 */
export const factoryOf = (className: string): string => className[0].toLowerCase() + className.slice(1, -1) + 'd';

/**
 * Checks the dataFormat option (only channels-last).
 * @internal
 */
export function checkDataFormat(value: unknown, op: string): void {
  if (value !== undefined && value !== 'channelsLast') {
    throw new RangeError(`${op}: dataFormat must be 'channelsLast' (samples are channels-last), got ${showValue(value)}`);
  }
}

/**
 * Max or average pooling over windows of each sample, as Keras' MaxPooling1D/2D and AveragePooling1D/2D. Create it
 * with `layers.maxPooling2d`, `layers.averagePooling2d`, `layers.maxPooling1d` or `layers.averagePooling1d`.
 * @example
 * const layer = layers.maxPooling2d({ poolSize: 2 });
 * layer instanceof Pooling; // true
 * layer.apply(input({ shape: [4, 6, 3] })).shape; // [null, 2, 3, 3]
 */
export class Pooling extends Layer {
  /**
   * 'MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D' or 'AveragePooling2D'.
   * @example
   * layers.averagePooling1d().className; // 'AveragePooling1D'
   */
  declare readonly className: PoolingClass;
  /** @internal */
  declare readonly kind: number;
  /**
   * The window: [length] for 1-D, [height, width] for 2-D.
   * @example
   * layers.maxPooling2d({ poolSize: 3 }).poolSize; // [3, 3]
   */
  readonly poolSize: readonly number[];
  /**
   * Steps between windows, as poolSize.
   * @example
   * layers.maxPooling2d({ poolSize: 3 }).strides; // [3, 3]
   */
  readonly strides: readonly number[];
  /**
   * 'valid' or 'same'.
   * @example
   * layers.maxPooling1d({ padding: 'same' }).padding; // 'same'
   */
  readonly padding: 'valid' | 'same';

  /**
   * A pooling layer of `className`; throws a RangeError for an unknown option or a bad poolSize, strides, padding or
   * dataFormat, naming the option.
   * @example
   * new Pooling('MaxPooling2D', { poolSize: [2, 3] }).poolSize; // [2, 3]
   */
  constructor(className: PoolingClass, options: Pooling1DOptions | Pooling2DOptions = {}) {
    const op = factoryOf(className);
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['name', 'poolSize', 'strides', 'padding', 'dataFormat', ...INPUT_SHAPE_KEYS]);
    checkDataFormat(options.dataFormat, op);
    super(options, op);
    this.className = className;
    this.kind = className.startsWith('Max') ? KIND_MAX_POOL : KIND_AVG_POOL;
    const oneD = className.endsWith('1D');
    const sizes = (value: unknown, arg: string): number[] => {
      if (!oneD) return positivePair(value, op, arg);
      const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${op}: ${arg} must be a positive integer, got ${showValue(value)}`);
      return [v];
    };
    this.poolSize = sizes(options.poolSize ?? 2, 'poolSize');
    this.strides = options.strides == null ? [...this.poolSize] : sizes(options.strides, 'strides');
    const padding = options.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same') throw new RangeError(`${op}: padding must be 'valid' or 'same', got ${showValue(padding)}`);
    this.padding = padding;
    this.takeInputShape(options, op, oneD ? 2 : 3);
  }

  /** The geometry for samples of `shape`, as a 2-D pooling (1-D: height 1); a ShapeError naming `op` and the layer. */
  private geometry(shape: readonly number[], op: string): Geometry {
    const oneD = this.className.endsWith('1D');
    if (shape.length !== (oneD ? 2 : 3)) {
      throw this.shapeError(op, `takes samples of shape ${oneD ? '[steps, channels]' : '[height, width, channels]'}, got [${shape.join(', ')}]`);
    }
    const [k, s] = oneD ? [[1, this.poolSize[0]], [1, this.strides[0]]] : [this.poolSize, this.strides];
    try {
      return poolGeometry(this.label, oneD ? [1, ...shape] : shape, k, s, this.padding);
    } catch (error) {
      if (error instanceof ShapeError) throw this.shapeError(op, `cannot pool samples of shape [${shape.join(', ')}] with poolSize [${this.poolSize.join(', ')}], strides [${this.strides.join(', ')}] and padding '${this.padding}': the window does not fit`);
      throw error;
    }
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    return this.className.endsWith('1D') ? [g.outW, g.outC] : [g.outH, g.outW, g.outC];
  }

  /** @internal */
  override nodeFields(): NodeFields {
    return { geom: geometryWords(this.geometry(this.inputDims![0], this.label)) };
  }

  /** @internal */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    if (this.kind !== KIND_MAX_POOL || purpose !== 'train') return [];
    const g = this.geometry(shapes[0], this.label);
    return [{ field: NODE_BUF0, floats: rows * g.outH * g.outW * g.outC }];
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.maxPooling2d().getConfig(); // { name: undefined, poolSize: [2, 2], strides: [2, 2], padding: 'valid' }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding,
      ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }

  /** @internal */
  override get detail(): string {
    return `pool [${this.poolSize.join(', ')}], strides [${this.strides.join(', ')}], ${this.padding}`;
  }
}

/**
 * Options of the global pooling layers.
 * @example
 * const options: GlobalPoolingOptions = { keepDims: true };
 * layers.globalMaxPooling2d(options).apply(input({ shape: [4, 4, 3] })).shape; // [null, 1, 1, 3]
 */
export interface GlobalPoolingOptions extends LayerOptions {
  /** Keep the pooled axes with size 1 (default false: samples become [channels]). */
  keepDims?: boolean;
  /** 'channelsLast' (the only layout; accepted for Keras configs). */
  dataFormat?: 'channelsLast';
  /** The shape of one input sample, for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/** The class names of the global pooling layers. */
export type GlobalPoolingClass = 'GlobalMaxPooling1D' | 'GlobalMaxPooling2D' | 'GlobalAveragePooling1D' | 'GlobalAveragePooling2D';

/**
 * The maximum or mean of each channel over all positions of a sample, as Keras' GlobalMaxPooling1D/2D and
 * GlobalAveragePooling1D/2D: [steps, channels] or [height, width, channels] → [channels]. Create it with
 * `layers.globalMaxPooling2d` and its siblings.
 * @example
 * const layer = layers.globalAveragePooling1d();
 * layer instanceof GlobalPooling; // true
 * layer.apply(input({ shape: [100, 32] })).shape; // [null, 32]
 */
export class GlobalPooling extends Layer {
  /**
   * 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D' or 'GlobalAveragePooling2D'.
   * @example
   * layers.globalMaxPooling1d().className; // 'GlobalMaxPooling1D'
   */
  declare readonly className: GlobalPoolingClass;
  /** @internal */
  declare readonly kind: number;
  /**
   * Whether the pooled axes stay, with size 1.
   * @example
   * layers.globalAveragePooling2d({ keepDims: true }).keepDims; // true
   */
  readonly keepDims: boolean;

  /**
   * A global pooling layer of `className`; throws a RangeError for an unknown option or a bad dataFormat, a TypeError
   * for a keepDims that is not a boolean.
   * @example
   * new GlobalPooling('GlobalMaxPooling2D').keepDims; // false
   */
  constructor(className: GlobalPoolingClass, options: GlobalPoolingOptions = {}) {
    const op = factoryOf(className);
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['name', 'keepDims', 'dataFormat', ...INPUT_SHAPE_KEYS]);
    checkDataFormat(options.dataFormat, op);
    super(options, op);
    this.className = className;
    this.kind = className.startsWith('GlobalMax') ? KIND_GLOBAL_MAX_POOL : KIND_GLOBAL_AVG_POOL;
    const keepDims = options.keepDims ?? false;
    if (typeof keepDims !== 'boolean') throw new TypeError(`${op}: keepDims must be a boolean, got ${showValue(keepDims)}`);
    this.keepDims = keepDims;
    this.takeInputShape(options, op, className.endsWith('1D') ? 2 : 3);
  }

  /** The geometry of a window over the whole sample of `shape` (1-D: height 1); a ShapeError naming `op` and the layer. */
  private geometry(shape: readonly number[], op: string): Geometry {
    const oneD = this.className.endsWith('1D');
    if (shape.length !== (oneD ? 2 : 3)) {
      throw this.shapeError(op, `takes samples of shape ${oneD ? '[steps, channels]' : '[height, width, channels]'}, got [${shape.join(', ')}]`);
    }
    const [inH, inW, inC] = oneD ? [1, ...shape] : shape;
    return { inH, inW, inC, outH: 1, outW: 1, outC: inC, kH: inH, kW: inW, sH: 1, sW: 1, dH: 1, dW: 1, padTop: 0, padLeft: 0 };
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    if (!this.keepDims) return [g.inC];
    return this.className.endsWith('1D') ? [1, g.inC] : [1, 1, g.inC];
  }

  /** @internal */
  override nodeFields(): NodeFields {
    return { geom: geometryWords(this.geometry(this.inputDims![0], this.label)) };
  }

  /** @internal */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    if (this.kind !== KIND_GLOBAL_MAX_POOL || purpose !== 'train') return [];
    return [{ field: NODE_BUF0, floats: rows * this.geometry(shapes[0], this.label).inC }];
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.globalMaxPooling2d().getConfig(); // { name: undefined, keepDims: false }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, keepDims: this.keepDims, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }
}

/**
 * A 2-D max pooling layer (`layers.maxPooling2d`): the largest value of each poolSize window per channel of
 * [height, width, channels] samples, as Keras' MaxPooling2D (poolSize [2, 2], strides poolSize, padding 'valid' by
 * default). Throws as the Pooling constructor does.
 * @example
 * const model = sequential([layers.maxPooling2d({ poolSize: 2, inputShape: [2, 2, 1] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 2, 2, 1])).toArray(); // [[[[4]]]]
 */
export function maxPooling2d(options: Pooling2DOptions = {}): Pooling {
  return new Pooling('MaxPooling2D', options);
}

/**
 * A 2-D average pooling layer (`layers.averagePooling2d`): the mean of each window per channel, over the values inside
 * the sample (padding 'same' does not count the padding), as Keras' AveragePooling2D.
 * @example
 * const model = sequential([layers.averagePooling2d({ poolSize: 2, inputShape: [2, 2, 1] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 2, 2, 1])).toArray(); // [[[[2.5]]]]
 */
export function averagePooling2d(options: Pooling2DOptions = {}): Pooling {
  return new Pooling('AveragePooling2D', options);
}

/**
 * A 1-D max pooling layer (`layers.maxPooling1d`) over the steps of [steps, channels] samples, as Keras'
 * MaxPooling1D (poolSize 2, strides poolSize, padding 'valid' by default).
 * @example
 * const model = sequential([layers.maxPooling1d({ inputShape: [4, 1] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 4, 1])).toArray(); // [[[4], [3]]]
 */
export function maxPooling1d(options: Pooling1DOptions = {}): Pooling {
  return new Pooling('MaxPooling1D', options);
}

/**
 * A 1-D average pooling layer (`layers.averagePooling1d`) over the steps of [steps, channels] samples, as Keras'
 * AveragePooling1D.
 * @example
 * const model = sequential([layers.averagePooling1d({ inputShape: [4, 1] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 4, 1])).toArray(); // [[[2.5], [2.5]]]
 */
export function averagePooling1d(options: Pooling1DOptions = {}): Pooling {
  return new Pooling('AveragePooling1D', options);
}

/**
 * A global average pooling layer over [height, width, channels] samples (`layers.globalAveragePooling2d`): each
 * channel's mean, as Keras' GlobalAveragePooling2D.
 * @example
 * const model = sequential([layers.globalAveragePooling2d({ inputShape: [2, 2, 1] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 2, 2, 1])).toArray(); // [[2.5]]
 */
export function globalAveragePooling2d(options: GlobalPoolingOptions = {}): GlobalPooling {
  return new GlobalPooling('GlobalAveragePooling2D', options);
}

/**
 * A global average pooling layer over [steps, channels] samples (`layers.globalAveragePooling1d`), as Keras'
 * GlobalAveragePooling1D.
 * @example
 * const model = sequential([layers.globalAveragePooling1d({ inputShape: [2, 2] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 2, 2])).toArray(); // [[2, 3]]
 */
export function globalAveragePooling1d(options: GlobalPoolingOptions = {}): GlobalPooling {
  return new GlobalPooling('GlobalAveragePooling1D', options);
}

/**
 * A global max pooling layer over [height, width, channels] samples (`layers.globalMaxPooling2d`), as Keras'
 * GlobalMaxPooling2D.
 * @example
 * const model = sequential([layers.globalMaxPooling2d({ inputShape: [2, 2, 1] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 2, 2, 1])).toArray(); // [[4]]
 */
export function globalMaxPooling2d(options: GlobalPoolingOptions = {}): GlobalPooling {
  return new GlobalPooling('GlobalMaxPooling2D', options);
}

/**
 * A global max pooling layer over [steps, channels] samples (`layers.globalMaxPooling1d`), as Keras'
 * GlobalMaxPooling1D.
 * @example
 * const model = sequential([layers.globalMaxPooling1d({ inputShape: [2, 2] })]);
 * model.predict(tensor([1, 4, 3, 2], [1, 2, 2])).toArray(); // [[3, 4]]
 */
export function globalMaxPooling1d(options: GlobalPoolingOptions = {}): GlobalPooling {
  return new GlobalPooling('GlobalMaxPooling1D', options);
}
