// What the scalers share: reading a [rows, features] tensor, checking it against the fitted width, mapping its
// values column by column in float64, and checking saved statistics.
import { tensor } from '../tensor/create';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkTensor, type Tensor } from '../tensor/tensor';

/** The values of a [rows, features] tensor, checked. */
export interface Matrix {
  rows: number;
  cols: number;
  values: Float32Array;
}

/** Reads x as [rows, features]; with `width`, it must have that many features (the fitted width). */
export function readMatrix(x: Tensor, op: string, width?: number): Matrix {
  checkTensor(x, op, 'x');
  if (x.rank !== 2) throw new ShapeError(`${op}: x must be [rows, features], got shape ${showShape(x.shape)}`);
  const [rows, cols] = x.shape;
  if (width !== undefined && cols !== width) {
    throw new ShapeError(`${op}: x has ${cols} features (shape ${showShape(x.shape)}) but the scaler was fitted on ${width}`);
  }
  return { rows, cols, values: x.dataSync() };
}

/** Reads the data to fit on: at least one row, and no NaN or ±Infinity (the first is named by row and column). */
export function readFitData(x: Tensor, op: string): Matrix {
  const m = readMatrix(x, op);
  if (m.rows === 0) throw new RangeError(`${op}: x has no rows (shape [0,${m.cols}]); fitting needs at least one`);
  const bad = m.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new RangeError(`${op}: x holds ${m.values[bad]} at row ${Math.floor(bad / m.cols)}, column ${bad % m.cols}; clean or fill missing values first`);
  }
  return m;
}

/** A tensor of x's shape whose value at (row, column c) is fn(value, c), computed in float64. */
export function mapColumns(m: Matrix, fn: (value: number, column: number) => number): Tensor {
  const out = new Float32Array(m.values.length);
  for (let i = 0; i < out.length; i++) out[i] = fn(m.values[i], i % m.cols);
  return tensor(out, [m.rows, m.cols]);
}

/** The error for using a scaler before fit (a RangeError, as for a model used before compile). */
export function notFitted(op: string): RangeError {
  return new RangeError(`${op}: the scaler is not fitted; call fit(x) first`);
}

/**
 * Checks saved per-feature statistics: null (not fitted) or finite numbers, the same count for every key, and
 * `valid` for each. Returns them as Float64Arrays, or null when not fitted.
 */
export function readStats(json: Record<string, unknown>, keys: readonly string[], op: string,
  valid: (stats: Float64Array[], c: number) => string | undefined): Float64Array[] | null {
  const given = keys.map((key) => json[key]);
  if (given.every((v) => v === null || v === undefined)) return null;
  const stats = given.map((v, k) => {
    if (!Array.isArray(v) || v.some((n) => typeof n !== 'number' || !Number.isFinite(n))) {
      throw new TypeError(`${op}: json.${keys[k]} must be an array of finite numbers (or null when not fitted), got ${showValue(v)}`);
    }
    return Float64Array.from(v as number[]);
  });
  const width = stats[0].length;
  stats.forEach((s, k) => {
    if (s.length !== width) throw new RangeError(`${op}: json.${keys[k]} has ${s.length} features but json.${keys[0]} has ${width}`);
  });
  for (let c = 0; c < width; c++) {
    const problem = valid(stats, c);
    if (problem) throw new RangeError(`${op}: feature ${c}: ${problem}`);
  }
  return stats;
}

/** Checks that `json` is an object whose `type` is `type` and whose other keys are among `keys`. */
export function checkJSONType(json: unknown, type: string, op: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== type) {
    throw new TypeError(`${op}: expected the JSON of a ${type} ({ type: '${type}', ... }), got ${showValue(json)}` +
      (typeof json === 'object' && json !== null ? ` with type ${showValue((json as { type?: unknown }).type)}` : ''));
  }
  checkOptionKeys(op, json, ['type', ...keys], 'json');
  return json as Record<string, unknown>;
}
