// Reading labels, class indices and class probabilities for the label helpers (LabelEncoder, toCategorical,
// confusionMatrix, classificationReport): from arrays, a Tensor or a typed array, into JavaScript values (numbers in
// float64), so that nothing is allocated before the values are checked and a non-integer is seen as written (float32
// would round 2.00000001 to 2); and the order scikit-learn sorts labels in.
import { flatten, inferShape } from '../tensor/create';
import { showShape, showValue, ShapeError } from '../tensor/errors';
import { checkTensor, showOperand, Tensor } from '../tensor/tensor';

/**
 * A class label: a string, a finite number or a boolean. 1 and '1' are different labels.
 * @example
 * const labels: Label[] = ['cat', 'dog', 'cat'];
 * new LabelEncoder().fit(labels).classes; // ['cat', 'dog']
 */
export type Label = string | number | boolean;

/** Values in row-major order, with their shape. */
export interface ShapedValues {
  shape: number[];
  values: Float32Array | Float64Array;
}

/** Reads a Tensor, a number, nested arrays of numbers or a typed array; throws a TypeError naming `arg` for anything else. */
export function readValues(x: unknown, op: string, arg: string): ShapedValues {
  if (x instanceof Tensor) {
    checkTensor(x, op, arg);
    return { shape: x.shape.slice(), values: x.dataSync() };
  }
  if (ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array)) {
    return { shape: [(x as Float64Array).length], values: Float64Array.from(x as Float64Array) };
  }
  if (typeof x === 'number') return { shape: [], values: Float64Array.of(x) };
  if (!Array.isArray(x)) throw new TypeError(`${op}: ${arg} must be a Tensor or an array of numbers, got ${showOperand(x)}`);
  const shape = inferShape(x, op);
  let size = 1;
  for (const d of shape) size *= d;
  const values = new Float64Array(size);
  flatten(x, shape, values, op, arg);
  return { shape, values };
}

/** Where the flat index `i` sits in `shape`, for messages: `y[3]`, `y[1][2]`. */
export function placeOf(arg: string, shape: readonly number[], i: number): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `${arg}${index.map((k) => `[${k}]`).join('')}`;
}

/**
 * Checks that every value is a class index: an integer from 0, below `limit` when given (`limitText` says where the
 * limit comes from). Throws a RangeError naming the first bad value's place and value.
 */
export function checkIndices(v: ShapedValues, op: string, arg: string, limit?: number, limitText?: string): void {
  for (let i = 0; i < v.values.length; i++) {
    const value = v.values[i];
    if (Number.isInteger(value) && value >= 0 && (limit === undefined || value < limit)) continue;
    const why = Number.isInteger(value) && value >= 0 ? `, not below ${limitText}` : ', not a class index (an integer from 0)';
    throw new RangeError(`${op}: ${placeOf(arg, v.shape, i)} is ${value}${why}`);
  }
}

/** The largest value plus one (0 when empty): the class count that integer labels imply. */
export function countImplied(values: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max + 1;
}

/** Class indices per row, and the class count the input fixes (probabilities' width) or null (indices). */
export interface RowClasses {
  indices: Float64Array;
  width: number | null;
}

/**
 * Each row's class: class indices [n] or [n, 1], or the argmax (the first largest) of scores [n, k] with k > 1, such
 * as a softmax's probabilities or one-hot rows. A NaN score, a non-index value or another rank is an error naming
 * the value's place.
 */
export function rowClasses(x: unknown, op: string, arg: string): RowClasses {
  const v = readValues(x, op, arg);
  const { shape, values } = v;
  if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) {
    checkIndices(v, op, arg);
    return { indices: Float64Array.from(values), width: null };
  }
  if (shape.length !== 2 || shape[1] === 0) {
    throw new ShapeError(`${op}: ${arg} must be class indices [n] or [n, 1], or class scores [n, classes], got shape ${showShape(shape)}`);
  }
  return { indices: rowArgmax(v, op, arg), width: shape[1] };
}

/** The index of each row's first largest value in scores [rows, k]; a NaN is an error naming its place. */
export function rowArgmax({ shape: [rows, k], values }: ShapedValues, op: string, arg: string): Float64Array {
  const indices = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 0; c < k; c++) {
      const score = values[r * k + c];
      if (Number.isNaN(score)) throw new RangeError(`${op}: ${arg}[${r}][${c}] is NaN; a row's class is its largest score`);
      if (score > values[r * k + best]) best = c;
    }
    indices[r] = best;
  }
  return indices;
}

/** A label's kind: 'number', 'boolean' or 'string'. */
export const kindOf = (label: unknown): string => (typeof label === 'number' ? 'number' : typeof label === 'boolean' ? 'boolean' : 'string');

/**
 * Orders labels as NumPy's sort (so scikit-learn's LabelEncoder) does: numbers ascending, false before true, strings
 * by Unicode code point. NOTE: JavaScript's `<` compares UTF-16 code units, which puts characters above U+FFFF
 * (surrogate pairs) before U+E000–U+FFFF; shifting the first differing units fixes that.
 */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a !== 'string' || typeof b !== 'string') return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x += x >= 0xe000 ? -0x800 : 0x2000;
      y += y >= 0xe000 ? -0x800 : 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The labels of an array or a rank-1 (or [n, 1]) tensor, checked: strings, finite numbers or booleans, one kind. */
export function readLabels(values: unknown, op: string): Label[] {
  if (values instanceof Tensor) {
    const v = readValues(values, op, 'values');
    if (v.shape.length !== 1 && !(v.shape.length === 2 && v.shape[1] === 1)) {
      throw new ShapeError(`${op}: values must be labels [n] or [n, 1], got shape ${showShape(v.shape)}`);
    }
    values = Array.from(v.values);
  }
  if (!Array.isArray(values)) throw new TypeError(`${op}: values must be an array of labels or a Tensor, got ${showValue(values)}`);
  const labels = values as unknown[];
  labels.forEach((label, row) => {
    if (typeof label === 'string' || typeof label === 'boolean' || (typeof label === 'number' && Number.isFinite(label))) return;
    const why = label === null || label === undefined ? 'missing; remove rows without a label first' : 'not a string, a finite number or a boolean';
    throw new TypeError(`${op}: row ${row} is ${showValue(label)}, ${why}`);
  });
  return labels as Label[];
}
