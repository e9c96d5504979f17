import { f32View, MAX_RANK } from '../runtime/heap';
import { ShapeError, showShape, showValue } from './errors';
import { checkInteger, checkNumber, checkShape, MAX_SIZE, sizeOf } from './shape';
import { checkTensor, empty, showOperand, type NestedArray, type Tensor } from './tensor';

/**
 * Values `tensor()` accepts: a number, nested arrays of numbers, or a typed array of numbers (not BigInt64Array,
 * BigUint64Array or DataView).
 * @example
 * const values: TensorValues = new Int32Array([1, 2, 3]);
 * tensor(values).toArray(); // [1, 2, 3]
 */
export type TensorValues = number | NestedArray | readonly NestedArray[] | Float32Array | Float64Array | Int32Array
  | Int16Array | Int8Array | Uint32Array | Uint16Array | Uint8Array | Uint8ClampedArray;

/** Internal: the shape of nested arrays, from the first element at each level (a loop, so any depth is safe to look at). */
export function inferShape(values: unknown, op: string): number[] {
  const shape: number[] = [];
  let level = values;
  while (Array.isArray(level)) {
    if (shape.length === MAX_RANK) {
      throw new RangeError(`${op}: values are nested deeper than ${MAX_RANK} levels, the largest rank a tensor can have`);
    }
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/** Internal: copies nested arrays into `out` in row-major order, checking that each level has the inferred length. */
export function flatten(values: unknown, shape: readonly number[], out: Float32Array | Float64Array, op: string, arg = 'values'): void {
  let at = 0;
  const walk = (node: unknown, d: number, path: string): void => {
    if (d === shape.length) {
      if (Array.isArray(node)) {
        throw new ShapeError(`${op}: values are ragged: ${arg}${path} is an array of length ${node.length}, expected a number`);
      }
      if (typeof node !== 'number') throw new TypeError(`${op}: ${arg}${path} must be a number, got ${showValue(node)}`);
      out[at++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[d]) {
      const got = Array.isArray(node) ? `length ${node.length}` : showValue(node);
      throw new ShapeError(`${op}: values are ragged: ${arg}${path} has ${got}, expected an array of length ${shape[d]}`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], d + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
}

function fromFlat(flat: ArrayLike<number>, shape: number[], op: string): Tensor {
  const out = empty(shape, op);
  if (out.size > 0) f32View(out.ptr, out.size).set(flat);
  return out;
}

/**
 * A new tensor holding `values` (a number, nested arrays or a typed array), converted to float32. Its shape is that
 * of the nesting, or `shape` when given, which must hold the same number of values (a typed array is flat).
 * Throws a ShapeError for ragged arrays or values that do not fill `shape`, a TypeError for values that are not
 * numbers, a TypeError or RangeError for a bad `shape`, and a RangeError for more than 2^28 elements or arrays
 * nested deeper than 32 levels.
 * @example
 * tensor([[1, 2, 3], [4, 5, 6]]).shape; // [2, 3]
 * tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).get(1, 0); // 3
 * tensor([1, 2, 3, 4], [2, 2]).toArray(); // [[1, 2], [3, 4]]
 */
export function tensor(values: TensorValues, shape?: readonly number[]): Tensor {
  const op = 'tensor';
  const given = shape === undefined ? undefined : checkShape(shape, op);
  if (ArrayBuffer.isView(values)) {
    if (values instanceof BigInt64Array || values instanceof BigUint64Array || values instanceof DataView) {
      throw new TypeError(`${op}: values must hold numbers, got ${showValue(values)}`);
    }
    const flat = values as ArrayLike<number>;
    const dims = given ?? [flat.length];
    if (sizeOf(dims) !== flat.length) {
      throw new ShapeError(`${op}: ${flat.length} values do not fill shape ${showShape(dims)} (${sizeOf(dims)} elements)`);
    }
    return fromFlat(flat, dims, op);
  }
  if (typeof values !== 'number' && !Array.isArray(values)) {
    throw new TypeError(`${op}: values must be a number, nested arrays of numbers or a typed array, got ${showOperand(values)}`);
  }
  const inferred = inferShape(values, op);
  const size = sizeOf(inferred);
  if (size > MAX_SIZE) throw new RangeError(`${op}: values hold ${size} elements; the limit is ${MAX_SIZE}`);
  const flat = new Float32Array(size);
  flatten(values, inferred, flat, op);
  if (given === undefined) return fromFlat(flat, inferred, op);
  if (sizeOf(given) !== size) {
    throw new ShapeError(`${op}: ${size} values (shape ${showShape(inferred)}) do not fill shape ${showShape(given)} (${sizeOf(given)} elements)`);
  }
  return fromFlat(flat, given, op);
}

/**
 * A rank-0 tensor (shape []) holding `value`; throws a TypeError if it is not a number.
 * @example
 * scalar(3).item(); // 3
 */
export function scalar(value: number): Tensor {
  return fromFlat([checkNumber(value, 'scalar', 'value')], [], 'scalar');
}

/**
 * A tensor of `shape` with every element `value`. Throws as `zeros` does for a bad shape, and a TypeError if value
 * is not a number.
 * @example
 * full([2, 2], 7).toArray(); // [[7, 7], [7, 7]]
 */
export function full(shape: readonly number[], value: number): Tensor {
  return filled(shape, value, 'full');
}

function filled(shape: readonly number[], value: number, op: string): Tensor {
  const dims = checkShape(shape, op);
  checkNumber(value, op, 'value');
  const out = empty(dims, op);
  if (out.size > 0) f32View(out.ptr, out.size).fill(value);
  return out;
}

/**
 * A tensor of `shape` filled with zeros. Throws a TypeError if shape is not an array, a RangeError if a dimension is
 * not a non-negative integer or the tensor would exceed 2^28 elements.
 * @example
 * zeros([2, 3]).toArray(); // [[0, 0, 0], [0, 0, 0]]
 */
export function zeros(shape: readonly number[]): Tensor {
  return filled(shape, 0, 'zeros');
}

/**
 * A tensor of `shape` filled with ones; throws as `zeros` does.
 * @example
 * ones([2, 3]).sum().item(); // 6
 */
export function ones(shape: readonly number[]): Tensor {
  return filled(shape, 1, 'ones');
}

/**
 * An identity matrix of n rows and m columns (m defaults to n): ones on the diagonal, zeros elsewhere. Throws a
 * TypeError or RangeError unless n and m are non-negative integers.
 * @example
 * eye(2).toArray(); // [[1, 0], [0, 1]]
 */
export function eye(n: number, m = n): Tensor {
  checkInteger(n, 'eye', 'n', 0);
  checkInteger(m, 'eye', 'm', 0);
  if (n * m > MAX_SIZE) throw new RangeError(`eye: n ${n} by m ${m} gives ${n * m} elements; the limit is ${MAX_SIZE}`);
  const out = empty([n, m], 'eye');
  if (out.size > 0) f32View(out.ptr, out.size).fill(0);
  const view = f32View(out.ptr, out.size);
  for (let i = 0; i < Math.min(n, m); i++) view[i * m + i] = 1;
  return out;
}

/**
 * A 1-D tensor of evenly spaced values in [start, stop) by `step` (default 1), like NumPy: `arange(stop)` counts
 * from 0. Empty when the step points away from stop. Throws a RangeError for a zero or infinite step, or too many
 * values; a TypeError for NaN or a non-number.
 * @example
 * arange(5).toArray();        // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25).toArray(); // [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, stop?: number, step = 1): Tensor {
  const op = 'arange';
  if (stop === undefined) [start, stop] = [0, start];
  checkNumber(start, op, 'start', false);
  checkNumber(stop, op, 'stop', false);
  checkNumber(step, op, 'step', false);
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`${op}: step must be finite and non-zero, got ${step}`);
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (!Number.isFinite(length) || length > MAX_SIZE) throw new RangeError(`${op}: ${start}..${stop} by ${step} has too many values`);
  return fromFlat(Array.from({ length }, (_, i) => start + i * step), [length], op);
}

/**
 * A 1-D tensor of `num` (default 50) evenly spaced values from start to stop, both included (just start when num
 * is 1). Throws a TypeError for a NaN bound or a num that is not an integer, a RangeError for an infinite bound or
 * num outside [0, 2^28].
 * @example
 * linspace(0, 1, 5).toArray(); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50): Tensor {
  const op = 'linspace';
  checkNumber(start, op, 'start', false);
  checkNumber(stop, op, 'stop', false);
  checkInteger(num, op, 'num', 0, MAX_SIZE);
  for (const [name, value] of [['start', start], ['stop', stop]] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`${op}: ${name} must be finite, got ${value}`);
  }
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  return fromFlat(Array.from({ length: num }, (_, i) => (num === 1 ? start : i === num - 1 ? stop : start + i * step)), [num], op);
}

/**
 * Zeros with the shape of `x`; throws a TypeError unless x is a Tensor, a DisposedError if it was disposed.
 * @example
 * zerosLike(ones([2])).toArray(); // [0, 0]
 */
export function zerosLike(x: Tensor): Tensor {
  return zeros(checkTensor(x, 'zerosLike').shape);
}

/**
 * Ones with the shape of `x`; throws as `zerosLike` does.
 * @example
 * onesLike(zeros([2])).toArray(); // [1, 1]
 */
export function onesLike(x: Tensor): Tensor {
  return ones(checkTensor(x, 'onesLike').shape);
}
