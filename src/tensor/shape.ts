import { ShapeError, showShape, showValue } from './errors';

/** Largest number of elements one tensor may hold (its bytes must fit the 1 GiB wasm memory). */
export const MAX_SIZE = 2 ** 28;

/** Product of the dimensions (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d];
  }
  return strides;
}

/** Checks that `shape` is an array of non-negative integers whose product fits a tensor. */
export function checkShape(shape: unknown, op: string, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: ${arg} must be an array of dimensions, got ${showValue(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: ${arg}[${i}] must be a non-negative integer, got ${showValue(d)} in ${showValue(shape)}`);
    }
  }
  const dims = shape as number[];
  const size = sizeOf(dims);
  if (size > MAX_SIZE) throw new RangeError(`${op}: ${arg} ${showShape(dims)} has ${size} elements; the limit is ${MAX_SIZE}`);
  return dims.slice();
}

/** Checks an integer argument (count, index, seed). */
export function checkInteger(value: unknown, op: string, arg: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${op}: ${arg} must be an integer, got ${showValue(value)}`);
  }
  if (value < min || value > max) throw new RangeError(`${op}: ${arg} must be in [${min}, ${max}], got ${value}`);
  return value;
}

/** Checks a finite or infinite number argument (not NaN unless allowed). */
export function checkNumber(value: unknown, op: string, arg: string, allowNaN = true): number {
  if (typeof value !== 'number' || (!allowNaN && Number.isNaN(value))) {
    throw new TypeError(`${op}: ${arg} must be a number, got ${showValue(value)}`);
  }
  return value;
}

/** Normalizes an axis in [-rank, rank) to [0, rank). */
export function checkAxis(axis: unknown, rank: number, op: string, arg = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new TypeError(`${op}: ${arg} must be an integer, got ${showValue(axis)} (tensor of rank ${rank}; valid: ${-rank}..${rank - 1})`);
  }
  if (axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: ${arg} ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes one axis, a list of distinct axes, or undefined (all axes) to a sorted list. */
export function checkAxes(axis: unknown, rank: number, op: string): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const axes = list.map((a, i) => checkAxis(a, rank, op, Array.isArray(axis) ? `axis[${i}]` : 'axis'));
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length !== axes.length) {
    const repeated = axes.find((a, i) => axes.indexOf(a) !== i);
    throw new RangeError(`${op}: axis ${showValue(axis)} repeats an axis (axis ${repeated} of a tensor of rank ${rank})`);
  }
  return sorted;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 1; i <= rank; i++) {
    const da = a.length - i >= 0 ? a[a.length - i] : 1;
    const db = b.length - i >= 0 ? b[b.length - i] : 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${showShape(a)} and ${showShape(b)} do not broadcast (axis ${-i}: ${da} vs ${db})`);
    }
    out[rank - i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` seen from the broadcast shape `out` (0 where a dimension repeats or is missing). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = out.length - shape.length;
  return out.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : own[d - offset]));
}

/**
 * Merges adjacent dimensions that every operand walks contiguously, dropping size-1 dimensions,
 * so strided kernels see the smallest rank. Returns shape and per-operand strides (rank >= 1).
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, o) => out[o][last] === s[d] * shape[d])) {
      dims[last] *= shape[d];
      strides.forEach((s, o) => (out[o][last] = s[d]));
    } else {
      dims.push(shape[d]);
      strides.forEach((s, o) => out[o].push(s[d]));
    }
  }
  if (dims.length === 0) return { shape: [1], strides: strides.map(() => [1]) };
  return { shape: dims, strides: out };
}
