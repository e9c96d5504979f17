import { kernels } from '../runtime/wasm';
import { showShape, showValue } from '../tensor/errors';
import { checkAxes, sizeOf } from '../tensor/shape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { ArgReduce, Reduce } from './codes';
import { broadcastTo, reshape, transpose } from './shape';
import { record } from '../tensor/tape';
import { equal, mul } from './elementwise';

/**
 * One axis, several, or undefined for all of them.
 * @inline
 */
export type Axis = number | readonly number[] | undefined;

// Lays x out as [outer, r, inner] over the reduced axes (transposing them last when they are not adjacent)
// and calls `run` with that layout and the output it allocated (not when that output is empty); returns the output.
export function reduceLayout(op: string, x: Tensor, axis: Axis, keepDims: boolean, needsValues: boolean,
  run: (src: Tensor, outer: number, r: number, inner: number, out: Tensor) => void): Tensor {
  checkTensor(x, op);
  if (typeof keepDims !== 'boolean') throw new TypeError(`${op}: keepDims must be a boolean, got ${showValue(keepDims)}`);
  const axes = checkAxes(axis, x.rank, op);
  const r = sizeOf(axes.map((a) => x.shape[a]));
  const kept = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const shape = keepDims ? x.shape.map((n, d) => (axes.includes(d) ? 1 : n)) : kept.map((d) => x.shape[d]);
  if (needsValues && r === 0 && sizeOf(shape) > 0) {
    throw new RangeError(`${op}: cannot reduce over axes [${axes.join(',')}] of ${showShape(x.shape)}: they are empty and ${op} has no identity`);
  }
  const adjacent = axes.length === 0 || axes[axes.length - 1] - axes[0] === axes.length - 1;
  const outer = sizeOf(x.shape.slice(0, adjacent && axes.length ? axes[0] : 0));
  const out = empty(shape, op);
  if (out.size === 0) return out;
  if (adjacent) {
    const inner = axes.length ? sizeOf(x.shape.slice(axes[axes.length - 1] + 1)) : x.size;
    run(x, axes.length ? outer : 1, r, inner, out);
    return out;
  }
  const moved = transpose(x, [...kept, ...axes]);
  try {
    run(moved, sizeOf(kept.map((d) => x.shape[d])), r, 1, out);
  } finally {
    moved.dispose();
  }
  return out;
}

function reduce(op: keyof typeof Reduce, x: Tensor, axis: Axis, keepDims: boolean): Tensor {
  return reduceLayout(op, x, axis, keepDims, op === 'max' || op === 'min', (src, outer, r, inner, out) =>
    kernels().reduce(Reduce[op], src.ptr, out.ptr, outer, r, inner));
}

function argReduce(op: keyof typeof ArgReduce, x: Tensor, axis: Axis, keepDims: boolean): Tensor {
  return reduceLayout(op, x, axis, keepDims, true, (src, outer, r, inner, out) =>
    kernels().argReduce(ArgReduce[op], src.ptr, out.ptr, outer, r, inner));
}

/**
 * Sum over one axis, several (an array), or all (omitted; a scalar results). Axes may be negative (from the end).
 * The result lacks the reduced axes, or keeps them with size 1 when `keepDims` is true. An empty axis sums to 0.
 * Values are added pairwise in float32 (as NumPy does), along any axis: the error of a sum of n values is at most
 * about (23 + log2 n)·2^-24·Σ|x| (assembly/sum.ts states the exact bound), so `sum(full([1e7], 0.1))` is within
 * 3e-6 of 1e6 where a running float32 sum drifts by 0.6 %.
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 0).toArray(); // [4, 6]
 * sum(tensor([[1, 2], [3, 4]]), -1, true).toArray(); // [[3], [7]]
 * sum(ones([2, 3, 4]), [0, 2]).toArray(); // [8, 8, 8]
 */
export function sum(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  return record('sum', reduce('sum', x, axis, keepDims), [x], (dy) => [spread(dy, x.shape, axis)]);
}

/** dy of a reduction over `axis` of a tensor of `shape`, repeated along the reduced axes (the gradient of a sum). */
export function spread(dy: Tensor, shape: readonly number[], axis: Axis): Tensor {
  const axes = checkAxes(axis, shape.length, 'spread');
  return broadcastTo(reshape(dy, shape.map((n, d) => (axes.includes(d) ? 1 : n))), shape);
}

/**
 * The gradient of a broadcast: dy (of a shape `shape` broadcasts to) summed over the broadcast axes, in `shape`.
 * dy itself when nothing was broadcast.
 */
export function reduceTo(dy: Tensor, shape: readonly number[]): Tensor {
  if (dy.shape.length === shape.length && dy.shape.every((n, d) => n === shape[d])) return dy;
  const lead = dy.rank - shape.length;
  const axes = dy.shape.map((_, d) => d).filter((d) => d < lead || (shape[d - lead] === 1 && dy.shape[d] !== 1));
  return reshape(sum(dy, axes, true), shape);
}

/**
 * Mean over one axis, several, or all, as `sum` takes them (NaN over an empty axis): the pairwise sum times 1/n,
 * rounded once.
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * mean(tensor([[1, 2], [3, 4]]), 1).toArray(); // [1.5, 3.5]
 */
export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  const out = reduce('mean', x, axis, keepDims);
  return record('mean', out, [x], (dy) => {
    const count = sizeOf(checkAxes(axis, x.rank, 'mean').map((a) => x.shape[a]));
    return [mul(spread(dy, x.shape, axis), 1 / count)];
  });
}

/**
 * Maximum over one axis, several, or all, as `sum` takes them (NaN if any value is NaN). Reducing an empty axis
 * throws a RangeError. As in TF.js, the gradient goes whole to every element equal to the maximum (to each of tied
 * ones), and to none where it is NaN.
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * max(tensor([[1, 5], [3, 4]])).item(); // 5
 */
export function max(x: Tensor, axis?: Axis, keepDims = false): Tensor { return extreme('max', x, axis, keepDims); }

/**
 * Minimum over one axis, several, or all, as `max` (NaN if any value is NaN; an empty axis throws a RangeError; the
 * gradient goes to every element equal to the minimum).
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * min(tensor([[1, 5], [3, 4]]), 1).toArray(); // [1, 3]
 */
export function min(x: Tensor, axis?: Axis, keepDims = false): Tensor { return extreme('min', x, axis, keepDims); }

// max or min, recorded: as in TF.js, dy goes to every element equal to the result (all of them on ties), and to none
// where the result is NaN. The mask is a constant to higher derivatives (equal is not recorded).
function extreme(op: 'max' | 'min', x: Tensor, axis: Axis, keepDims: boolean): Tensor {
  const out = reduce(op, x, axis, keepDims);
  return record(op, out, [x], (dy) => [mul(spread(dy, x.shape, axis), equal(x, spread(out, x.shape, axis)))]);
}

/**
 * Index of the largest value over one axis, or a flat (row-major) index over several or all axes (the default):
 * the first one on ties, the first NaN if any. Indices are float32 values (exact up to 2^24). An empty axis throws a
 * RangeError. Not differentiable: gradients through it are zero, as in TF.js.
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * argmax(tensor([[1, 5], [7, 4]]), 1).toArray(); // [1, 0]
 * argmax(tensor([[1, 5], [7, 4]])).item(); // 2
 */
export function argmax(x: Tensor, axis?: Axis, keepDims = false): Tensor { return argReduce('argmax', x, axis, keepDims); }

/**
 * Index of the smallest value over one axis, or a flat index over several or all axes, as `argmax` (the first on
 * ties, the first NaN if any).
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * argmin(tensor([3, 1, 2])).item(); // 1
 */
export function argmin(x: Tensor, axis?: Axis, keepDims = false): Tensor { return argReduce('argmin', x, axis, keepDims); }
