import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import type { Tensor } from '../tensor/tensor';
import { checkJSONType, mapColumns, notFitted, readFitData, readMatrix, readStats } from './scaling';

/**
 * Options of `MinMaxScaler`.
 * @example
 * const options: MinMaxScalerOptions = { featureRange: [-1, 1] };
 * new MinMaxScaler(options).fitTransform(tensor([[0], [5], [10]])).toArray(); // [[-1], [0], [1]]
 */
export interface MinMaxScalerOptions {
  /** The [low, high] range each feature is mapped to (default [0, 1]; low < high). */
  featureRange?: readonly [number, number];
}

/**
 * A MinMaxScaler as JSON: its range and, once fitted, each feature's minimum and maximum.
 * @example
 * const json: MinMaxScalerJSON = { type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [0], dataMax: [10] };
 * MinMaxScaler.fromJSON(json).transform(tensor([[5]])).toArray(); // [[0.5]]
 */
export interface MinMaxScalerJSON {
  /** Always 'MinMaxScaler'. */
  type: 'MinMaxScaler';
  /** The [low, high] range features are mapped to. */
  featureRange: [number, number];
  /** Each feature's minimum in the fitted data (null before fit). */
  dataMin: number[] | null;
  /** Each feature's maximum in the fitted data (null before fit). */
  dataMax: number[] | null;
}

/**
 * Scales each feature (column) of [rows, features] data linearly so that its minimum seen in `fit` maps to the low
 * end of `featureRange` and its maximum to the high end, as scikit-learn's MinMaxScaler. A constant feature maps
 * to the low end. Statistics are computed in float64; `toJSON` saves them with a model.
 * @example
 * const scaler = new MinMaxScaler();
 * scaler.fitTransform(tensor([[1, 10], [3, 30], [2, 20]])).toArray(); // [[0, 0], [1, 1], [0.5, 0.5]]
 */
export class MinMaxScaler {
  /**
   * The [low, high] range features are mapped to.
   * @example
   * new MinMaxScaler().featureRange; // [0, 1]
   */
  readonly featureRange: readonly [number, number];
  #min: Float64Array | null = null;
  #max: Float64Array | null = null;

  /**
   * An unfitted scaler to `options.featureRange` (default [0, 1]). Throws a TypeError unless options is an object,
   * a RangeError unless featureRange is [low, high] with finite low < high.
   * @example
   * new MinMaxScaler({ featureRange: [-1, 1] }).fitted; // false
   */
  constructor(options: MinMaxScalerOptions = {}) {
    const op = 'MinMaxScaler';
    checkOptionKeys(op, options, ['featureRange']);
    const range: unknown = options.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(range[0] < range[1])) {
      throw new RangeError(`${op}: featureRange must be [low, high] with finite low < high, got ${showValue(range)}`);
    }
    this.featureRange = Object.freeze([range[0], range[1]] as [number, number]);
  }

  /**
   * Whether `fit` was called (or the scaler was loaded fitted).
   * @example
   * new MinMaxScaler().fit(tensor([[1], [2]])).fitted; // true
   */
  get fitted(): boolean {
    return this.#min !== null;
  }

  /**
   * Each feature's minimum in the fitted data (a copy; undefined before fit).
   * @example
   * new MinMaxScaler().fit(tensor([[1, 20], [3, 10]])).dataMin; // [1, 10]
   */
  get dataMin(): number[] | undefined {
    return this.#min ? Array.from(this.#min) : undefined;
  }

  /**
   * Each feature's maximum in the fitted data (a copy; undefined before fit).
   * @example
   * new MinMaxScaler().fit(tensor([[1, 20], [3, 10]])).dataMax; // [3, 20]
   */
  get dataMax(): number[] | undefined {
    return this.#max ? Array.from(this.#max) : undefined;
  }

  /**
   * Learns each feature's minimum and maximum from x [rows, features] (no NaN or ±Infinity); returns the scaler. Throws a ShapeError unless x is [rows, features], a RangeError for no rows or a NaN or ±Infinity (naming its
   * row and column).
   * @example
   * new MinMaxScaler().fit(tensor([[1], [5]])).dataMax; // [5]
   */
  fit(x: Tensor): this {
    const { rows, cols, values } = readFitData(x, 'MinMaxScaler.fit');
    const min = new Float64Array(cols).fill(Infinity), max = new Float64Array(cols).fill(-Infinity);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = values[r * cols + c];
        if (v < min[c]) min[c] = v;
        if (v > max[c]) max[c] = v;
      }
    }
    [this.#min, this.#max] = [min, max];
    return this;
  }

  /**
   * A new tensor: x [rows, features] scaled with the fitted minimum and maximum (values outside them land outside
   * the range). Throws an Error before fit, a ShapeError unless x has the fitted number of features.
   * @example
   * new MinMaxScaler({ featureRange: [-1, 1] }).fit(tensor([[0], [10]])).transform(tensor([[5]])).toArray(); // [[0]]
   */
  transform(x: Tensor): Tensor {
    const [min, factor] = this.#affine('MinMaxScaler.transform');
    const [low] = this.featureRange;
    return mapColumns(readMatrix(x, 'MinMaxScaler.transform', min.length), (v, c) => (v - min[c]) * factor[c] + low);
  }

  /**
   * Fits on x, then scales it; throws as `fit` does.
   * @example
   * new MinMaxScaler().fitTransform(tensor([[2], [4]])).toArray(); // [[0], [1]]
   */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /**
   * A new tensor: scaled values mapped back to the original units; throws as `transform` does.
   * @example
   * const s = new MinMaxScaler().fit(tensor([[2], [4]]));
   * s.inverseTransform(tensor([[0.5]])).toArray(); // [[3]]
   */
  inverseTransform(x: Tensor): Tensor {
    const [min, factor] = this.#affine('MinMaxScaler.inverseTransform');
    const [low] = this.featureRange;
    return mapColumns(readMatrix(x, 'MinMaxScaler.inverseTransform', min.length), (v, c) => (v - low) / factor[c] + min[c]);
  }

  /**
   * The scaler as JSON (see `MinMaxScaler.fromJSON` and `scalerFromJSON`).
   * @example
   * JSON.stringify(new MinMaxScaler().fit(tensor([[1], [3]]))); // '{"type":"MinMaxScaler","featureRange":[0,1],"dataMin":[1],"dataMax":[3]}'
   */
  toJSON(): MinMaxScalerJSON {
    return { type: 'MinMaxScaler', featureRange: [...this.featureRange], dataMin: this.dataMin ?? null, dataMax: this.dataMax ?? null };
  }

  /**
   * A scaler from `toJSON()` output, checked: a TypeError for another type or statistics that are not arrays of
   * finite numbers, a RangeError for a bad range, lists of different lengths or a minimum above its maximum.
   * @example
   * MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [1], dataMax: [3] }).dataMax; // [3]
   */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const op = 'MinMaxScaler.fromJSON';
    const saved = checkJSONType(json, 'MinMaxScaler', op, ['featureRange', 'dataMin', 'dataMax']);
    const scaler = new MinMaxScaler({ featureRange: saved.featureRange as [number, number] });
    const stats = readStats(saved, ['dataMin', 'dataMax'], op, ([min, max], c) =>
      (min[c] <= max[c] ? undefined : `dataMin ${min[c]} is above dataMax ${max[c]}`));
    if (stats) [scaler.#min, scaler.#max] = stats;
    return scaler;
  }

  // Per feature: the minimum, and the factor from data units to range units (a constant feature's range counts as 1).
  #affine(op: string): [Float64Array, Float64Array] {
    if (!this.#min || !this.#max) throw notFitted(op);
    const [low, high] = this.featureRange;
    const max = this.#max;
    return [this.#min, this.#min.map((min, c) => (high - low) / (max[c] - min || 1))];
  }
}
