// Spatial layers on [height, width, channels] samples, as Keras': ZeroPadding2D, Cropping2D and UpSampling2D.
// Kernels: assembly/layers/spatial.ts (cropping is a padding by minus the rows and columns cropped).
import { KIND_CROPPING, KIND_UP_SAMPLING, KIND_ZERO_PADDING } from '../../../assembly/layout';
import { geometryWords, positivePair, type Geometry } from '../../ops/pool';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions, type NodeFields } from './layer';
import { checkDataFormat } from './pooling';

/** Rows or columns on each side, as Keras takes them: one for all four, [height, width] symmetric, or [[top, bottom], [left, right]]. */
export type SidesOption = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

/**
 * Options of `zeroPadding2d`.
 * @example
 * const options: ZeroPadding2DOptions = { padding: [[1, 0], [2, 2]] };
 * layers.zeroPadding2d(options).apply(input({ shape: [3, 3, 1] })).shape; // [null, 4, 7, 1]
 */
export interface ZeroPadding2DOptions extends LayerOptions {
  /** Rows and columns of zeros added (default 1 on every side). */
  padding?: SidesOption;
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
 * Options of `cropping2d`.
 * @example
 * const options: Cropping2DOptions = { cropping: [1, 0] };
 * layers.cropping2d(options).apply(input({ shape: [4, 4, 2] })).shape; // [null, 2, 4, 2]
 */
export interface Cropping2DOptions extends LayerOptions {
  /** Rows and columns removed (default none). */
  cropping?: SidesOption;
  /** 'channelsLast' (the only layout; accepted for Keras configs). */
  dataFormat?: 'channelsLast';
  /** The shape of one input sample [height, width, channels], for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/** [[top, bottom], [left, right]] from the three forms, each a non-negative integer. */
function sidesOf(value: unknown, op: string, arg: string): [[number, number], [number, number]] {
  const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1 << 24;
  if (count(value)) return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    if (count(value[0]) && count(value[1])) return [[value[0], value[0]], [value[1], value[1]]];
    const [h, w] = value as unknown[];
    if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && [...h, ...w].every(count)) {
      return [[h[0], h[1]], [w[0], w[1]]];
    }
  }
  throw new RangeError(`${op}: ${arg} must be a non-negative integer, [height, width] or [[top, bottom], [left, right]], got ${showValue(value)}`);
}

/** A layer that pads (sign 1) or crops (sign −1) each sample's height and width. */
abstract class Sides extends Layer {
  /** [[top, bottom], [left, right]]. */
  protected readonly sides: [[number, number], [number, number]];
  protected abstract readonly sign: 1 | -1;

  protected constructor(options: ZeroPadding2DOptions & Cropping2DOptions, op: string, arg: 'padding' | 'cropping', fallback: number) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['name', arg, 'dataFormat', ...INPUT_SHAPE_KEYS]);
    checkDataFormat(options.dataFormat, op);
    super(options, op);
    this.sides = sidesOf(options[arg] ?? fallback, op, arg);
    this.takeInputShape(options, op, 3);
  }

  /** The geometry for samples of `shape`; a ShapeError naming `op` and the layer. */
  private geometry(shape: readonly number[], op: string): Geometry {
    if (shape.length !== 3) throw this.shapeError(op, `takes samples of shape [height, width, channels], got [${shape.join(', ')}]`);
    const [inH, inW, inC] = shape, [[t, b], [l, r]] = this.sides, s = this.sign;
    const outH = inH + s * (t + b), outW = inW + s * (l + r);
    if (outH < 1 || outW < 1) {
      throw this.shapeError(op, `cannot crop [${t}, ${b}] rows and [${l}, ${r}] columns from samples of shape [${shape.join(', ')}]: nothing would remain`);
    }
    return { inH, inW, inC, outH, outW, outC: inC, kH: 1, kW: 1, sH: 1, sW: 1, dH: 1, dW: 1, padTop: s * t, padLeft: s * l };
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    return [g.outH, g.outW, g.outC];
  }

  /** @internal */
  override nodeFields(): NodeFields {
    return { geom: geometryWords(this.geometry(this.inputDims![0], this.label)) };
  }

  /** The sides as the config saves them, and the input shape if given. */
  protected config(arg: string): Record<string, unknown> {
    return { name: this.name, [arg]: this.sides.map((p) => [...p]), ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }
}

/**
 * Adds rows and columns of zeros around each [height, width, channels] sample, as Keras' ZeroPadding2D. Create it
 * with `layers.zeroPadding2d`.
 * @example
 * layers.zeroPadding2d() instanceof ZeroPadding2D; // true
 */
export class ZeroPadding2D extends Sides {
  /**
   * 'ZeroPadding2D'.
   * @example
   * layers.zeroPadding2d().className; // 'ZeroPadding2D'
   */
  override readonly className = 'ZeroPadding2D';
  /** @internal */
  override readonly kind = KIND_ZERO_PADDING;
  protected readonly sign = 1;

  /**
   * A zero-padding layer; throws a RangeError for an unknown option, or a padding or dataFormat it cannot take.
   * @example
   * new ZeroPadding2D({ padding: 2 }).padding; // [[2, 2], [2, 2]]
   */
  constructor(options: ZeroPadding2DOptions = {}) {
    super(options, 'zeroPadding2d', 'padding', 1);
  }

  /**
   * [[top, bottom], [left, right]] rows and columns added.
   * @example
   * layers.zeroPadding2d({ padding: [1, 2] }).padding; // [[1, 1], [2, 2]]
   */
  get padding(): number[][] {
    return this.sides.map((p) => [...p]);
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.zeroPadding2d().getConfig(); // { name: undefined, padding: [[1, 1], [1, 1]] }
   */
  override getConfig(): Record<string, unknown> {
    return this.config('padding');
  }
}

/**
 * Removes rows and columns from the edges of each [height, width, channels] sample, as Keras' Cropping2D. Create it
 * with `layers.cropping2d`.
 * @example
 * layers.cropping2d({ cropping: 1 }) instanceof Cropping2D; // true
 */
export class Cropping2D extends Sides {
  /**
   * 'Cropping2D'.
   * @example
   * layers.cropping2d().className; // 'Cropping2D'
   */
  override readonly className = 'Cropping2D';
  /** @internal */
  override readonly kind = KIND_CROPPING;
  protected readonly sign = -1;

  /**
   * A cropping layer; throws a RangeError for an unknown option, or a cropping or dataFormat it cannot take.
   * @example
   * new Cropping2D({ cropping: [[1, 0], [0, 2]] }).cropping; // [[1, 0], [0, 2]]
   */
  constructor(options: Cropping2DOptions = {}) {
    super(options, 'cropping2d', 'cropping', 0);
  }

  /**
   * [[top, bottom], [left, right]] rows and columns removed.
   * @example
   * layers.cropping2d({ cropping: 1 }).cropping; // [[1, 1], [1, 1]]
   */
  get cropping(): number[][] {
    return this.sides.map((p) => [...p]);
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.cropping2d().getConfig(); // { name: undefined, cropping: [[0, 0], [0, 0]] }
   */
  override getConfig(): Record<string, unknown> {
    return this.config('cropping');
  }
}

/**
 * Options of `upSampling2d`.
 * @example
 * const options: UpSampling2DOptions = { size: [2, 3], interpolation: 'bilinear' };
 * layers.upSampling2d(options).apply(input({ shape: [2, 2, 1] })).shape; // [null, 4, 6, 1]
 */
export interface UpSampling2DOptions extends LayerOptions {
  /** The factors [height, width], or one for both (default [2, 2]). */
  size?: number | readonly [number, number];
  /**
   * 'nearest' (each value repeated, the default) or 'bilinear' (interpolated as TF.js's resizeBilinear with
   * alignCorners false: source row h / factor, clamped at the last row).
   */
  interpolation?: 'nearest' | 'bilinear';
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
 * Repeats (or interpolates) each [height, width, channels] sample by integer factors, as TF.js's UpSampling2D.
 * Create it with `layers.upSampling2d`.
 * @example
 * const layer = layers.upSampling2d({ size: 3 });
 * layer instanceof UpSampling2D; // true
 * layer.apply(input({ shape: [2, 5, 4] })).shape; // [null, 6, 15, 4]
 */
export class UpSampling2D extends Layer {
  /**
   * 'UpSampling2D'.
   * @example
   * layers.upSampling2d().className; // 'UpSampling2D'
   */
  override readonly className = 'UpSampling2D';
  /** @internal */
  override readonly kind = KIND_UP_SAMPLING;
  /**
   * The factors [height, width].
   * @example
   * layers.upSampling2d().size; // [2, 2]
   */
  readonly size: readonly [number, number];
  /**
   * 'nearest' or 'bilinear'.
   * @example
   * layers.upSampling2d({ interpolation: 'bilinear' }).interpolation; // 'bilinear'
   */
  readonly interpolation: 'nearest' | 'bilinear';

  /**
   * An up-sampling layer; throws a RangeError for an unknown option, or a size, interpolation or dataFormat it cannot
   * take.
   * @example
   * new UpSampling2D({ size: [1, 2] }).size; // [1, 2]
   */
  constructor(options: UpSampling2DOptions = {}) {
    const op = 'upSampling2d';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['name', 'size', 'interpolation', 'dataFormat', ...INPUT_SHAPE_KEYS]);
    checkDataFormat(options.dataFormat, op);
    super(options, op);
    this.size = positivePair(options.size ?? 2, op, 'size');
    const interpolation = options.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new RangeError(`${op}: interpolation must be 'nearest' or 'bilinear', got ${showValue(interpolation)}`);
    }
    this.interpolation = interpolation;
    this.takeInputShape(options, op, 3);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const shape = shapes[0];
    if (shape.length !== 3) throw this.shapeError(op, `takes samples of shape [height, width, channels], got [${shape.join(', ')}]`);
    return [shape[0] * this.size[0], shape[1] * this.size[1], shape[2]];
  }

  /** @internal */
  override nodeFields(): NodeFields {
    const [inH, inW, inC] = this.inputDims![0], [sH, sW] = this.size, taps = this.interpolation === 'bilinear' ? 2 : 1;
    return { geom: geometryWords({ inH, inW, inC, outH: inH * sH, outW: inW * sW, outC: inC, kH: taps, kW: taps, sH, sW, dH: 1, dW: 1, padTop: 0, padLeft: 0 }) };
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.upSampling2d().getConfig(); // { name: undefined, size: [2, 2], interpolation: 'nearest' }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, size: [...this.size], interpolation: this.interpolation, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }
}

/**
 * A zero-padding layer (`layers.zeroPadding2d`): `padding` rows and columns of zeros around each sample (default 1 on
 * every side). Throws as the ZeroPadding2D constructor does.
 * @example
 * const model = sequential([layers.zeroPadding2d({ padding: [[0, 1], [1, 0]], inputShape: [1, 1, 1] })]);
 * model.predict(tensor([5], [1, 1, 1, 1])).reshape([2, 2]).toArray(); // [[0, 5], [0, 0]]
 */
export function zeroPadding2d(options: ZeroPadding2DOptions = {}): ZeroPadding2D {
  return new ZeroPadding2D(options);
}

/**
 * A cropping layer (`layers.cropping2d`): `cropping` rows and columns removed from the edges of each sample.
 * Throws as the Cropping2D constructor does.
 * @example
 * const model = sequential([layers.cropping2d({ cropping: [[1, 0], [0, 1]], inputShape: [2, 2, 1] })]);
 * model.predict(tensor([1, 2, 3, 4], [1, 2, 2, 1])).reshape([1]).toArray(); // [3]
 */
export function cropping2d(options: Cropping2DOptions = {}): Cropping2D {
  return new Cropping2D(options);
}

/**
 * An up-sampling layer (`layers.upSampling2d`): each sample's rows and columns repeated `size` times (nearest) or
 * interpolated (bilinear). Throws as the UpSampling2D constructor does.
 * @example
 * const model = sequential([layers.upSampling2d({ size: [1, 2], inputShape: [1, 2, 1] })]);
 * model.predict(tensor([1, 2], [1, 1, 2, 1])).reshape([4]).toArray(); // [1, 1, 2, 2]
 */
export function upSampling2d(options: UpSampling2DOptions = {}): UpSampling2D {
  return new UpSampling2D(options);
}
