import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import type { Tensor } from '../tensor/tensor';
import { checkJSONType, mapColumns, notFitted, readFitData, readMatrix, readStats } from './scaling';

/**
 * Options of `StandardScaler`.
 * @example
 * const options: StandardScalerOptions = { withStd: false };
 * new StandardScaler(options).fitTransform(tensor([[1], [5]])).toArray(); // [[-2], [2]]
 */
export interface StandardScalerOptions {
  /** Subtract each feature's mean (default true). */
  withMean?: boolean;
  /** Divide by each feature's standard deviation (default true). */
  withStd?: boolean;
}

/**
 * A StandardScaler as JSON: its options and, once fitted, each feature's mean and scale.
 * @example
 * const json: StandardScalerJSON = { type: 'StandardScaler', withMean: true, withStd: true, mean: [10], scale: [2] };
 * StandardScaler.fromJSON(json).transform(tensor([[14]])).toArray(); // [[2]]
 */
export interface StandardScalerJSON {
  /** Always 'StandardScaler'. */
  type: 'StandardScaler';
  /** Whether transform subtracts the mean. */
  withMean: boolean;
  /** Whether transform divides by the standard deviation. */
  withStd: boolean;
  /** Each feature's mean in the fitted data (null before fit). */
  mean: number[] | null;
  /** Each feature's standard deviation, 1 for a constant feature (null before fit). */
  scale: number[] | null;
}

/**
 * Standardizes each feature (column) of [rows, features] data to mean 0 and standard deviation 1 over the data seen
 * in `fit`, as scikit-learn's StandardScaler: (x - mean) / std, with the population standard deviation. A constant
 * feature is centred at 0 and keeps scale 1. Statistics are computed in float64; `toJSON` saves them with a model.
 * @example
 * const scaler = new StandardScaler();
 * scaler.fitTransform(tensor([[1], [3]])).toArray(); // [[-1], [1]]
 */
export class StandardScaler {
  /**
   * Whether transform subtracts the mean.
   * @example
   * new StandardScaler().withMean; // true
   */
  readonly withMean: boolean;
  /**
   * Whether transform divides by the standard deviation.
   * @example
   * new StandardScaler({ withStd: false }).withStd; // false
   */
  readonly withStd: boolean;
  #mean: Float64Array | null = null;
  #scale: Float64Array | null = null;

  /**
   * An unfitted scaler with `options` (both default true). Throws a TypeError unless options is an object and its
   * values booleans.
   * @example
   * new StandardScaler({ withMean: false }).fitted; // false
   */
  constructor(options: StandardScalerOptions = {}) {
    const op = 'StandardScaler';
    checkOptionKeys(op, options, ['withMean', 'withStd']);
    const { withMean = true, withStd = true } = options;
    if (typeof withMean !== 'boolean') throw new TypeError(`${op}: withMean must be true or false, got ${showValue(withMean)}`);
    if (typeof withStd !== 'boolean') throw new TypeError(`${op}: withStd must be true or false, got ${showValue(withStd)}`);
    [this.withMean, this.withStd] = [withMean, withStd];
  }

  /**
   * Whether `fit` was called (or the scaler was loaded fitted).
   * @example
   * new StandardScaler().fitted; // false
   */
  get fitted(): boolean {
    return this.#mean !== null;
  }

  /**
   * Each feature's mean in the fitted data (a copy; undefined before fit).
   * @example
   * new StandardScaler().fit(tensor([[1, 10], [3, 10]])).mean; // [2, 10]
   */
  get mean(): number[] | undefined {
    return this.#mean ? Array.from(this.#mean) : undefined;
  }

  /**
   * Each feature's standard deviation in the fitted data, 1 for a constant feature (a copy; undefined before fit).
   * @example
   * new StandardScaler().fit(tensor([[1, 10], [3, 10]])).scale; // [1, 1]
   */
  get scale(): number[] | undefined {
    return this.#scale ? Array.from(this.#scale) : undefined;
  }

  /**
   * Learns each feature's mean and standard deviation from x [rows, features] (no NaN or ±Infinity); returns the
   * scaler. Throws a ShapeError unless x is [rows, features], a RangeError for no rows or a NaN or ±Infinity (naming its
   * row and column).
   * @example
   * new StandardScaler().fit(tensor([[1], [3]])).scale; // [1]
   */
  fit(x: Tensor): this {
    const { rows, cols, values } = readFitData(x, 'StandardScaler.fit');
    const mean = new Float64Array(cols), variance = new Float64Array(cols);
    for (let i = 0; i < values.length; i++) mean[i % cols] += values[i];
    for (let c = 0; c < cols; c++) mean[c] /= rows;
    // NOTE: two passes (the mean, then squared deviations from it) stay accurate where E[x²] - E[x]² cancels.
    for (let i = 0; i < values.length; i++) variance[i % cols] += (values[i] - mean[i % cols]) ** 2;
    [this.#mean, this.#scale] = [mean, variance.map((v) => Math.sqrt(v / rows) || 1)];
    return this;
  }

  /**
   * A new tensor: x [rows, features] standardized with the fitted statistics. Throws an Error before fit, a
   * ShapeError unless x has the fitted number of features.
   * @example
   * new StandardScaler().fit(tensor([[1], [3]])).transform(tensor([[5]])).toArray(); // [[3]]
   */
  transform(x: Tensor): Tensor {
    const [shift, scale] = this.#affine('StandardScaler.transform');
    return mapColumns(readMatrix(x, 'StandardScaler.transform', shift.length), (v, c) => (v - shift[c]) / scale[c]);
  }

  /**
   * Fits on x, then standardizes it; throws as `fit` does.
   * @example
   * new StandardScaler().fitTransform(tensor([[0], [2], [4]])).toArray(); // ≈ [[-1.2247], [0], [1.2247]]
   */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /**
   * A new tensor: standardized values mapped back to the original units; throws as `transform` does.
   * @example
   * new StandardScaler().fit(tensor([[1], [3]])).inverseTransform(tensor([[0.5]])).toArray(); // [[2.5]]
   */
  inverseTransform(x: Tensor): Tensor {
    const [shift, scale] = this.#affine('StandardScaler.inverseTransform');
    return mapColumns(readMatrix(x, 'StandardScaler.inverseTransform', shift.length), (v, c) => v * scale[c] + shift[c]);
  }

  /**
   * The scaler as JSON (see `StandardScaler.fromJSON` and `scalerFromJSON`).
   * @example
   * new StandardScaler().fit(tensor([[1], [3]])).toJSON(); // { type: 'StandardScaler', withMean: true, withStd: true, mean: [2], scale: [1] }
   */
  toJSON(): StandardScalerJSON {
    return { type: 'StandardScaler', withMean: this.withMean, withStd: this.withStd, mean: this.mean ?? null, scale: this.scale ?? null };
  }

  /**
   * A scaler from `toJSON()` output, checked: a TypeError for another type or statistics that are not arrays of
   * finite numbers, a RangeError for lists of different lengths or a scale that is not positive.
   * @example
   * StandardScaler.fromJSON({ type: 'StandardScaler', withMean: true, withStd: true, mean: [2], scale: [1] }).mean; // [2]
   */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const op = 'StandardScaler.fromJSON';
    const saved = checkJSONType(json, 'StandardScaler', op, ['withMean', 'withStd', 'mean', 'scale']);
    const scaler = new StandardScaler({ withMean: saved.withMean as boolean, withStd: saved.withStd as boolean });
    const stats = readStats(saved, ['mean', 'scale'], op, ([, scale], c) => (scale[c] > 0 ? undefined : `scale ${scale[c]} is not positive`));
    if (stats) [scaler.#mean, scaler.#scale] = stats;
    return scaler;
  }

  // Per feature: what transform subtracts and divides by, after withMean and withStd.
  #affine(op: string): [Float64Array, Float64Array] {
    if (!this.#mean || !this.#scale) throw notFitted(op);
    return [this.withMean ? this.#mean : new Float64Array(this.#mean.length), this.withStd ? this.#scale : new Float64Array(this.#scale.length).fill(1)];
  }
}
