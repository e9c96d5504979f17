import { kernels } from '../runtime/wasm';
import { allocBytes, f32View, freeBytes, i32View } from '../runtime/heap';
import { ShapeError, showShape } from '../tensor/errors';
import { checkAxis, checkInteger, sizeOf } from '../tensor/shape';
import { checkTensor, empty, showOperand, Tensor } from '../tensor/tensor';
import { record, recording } from '../tensor/tape';
import { reshape, transpose } from './shape';

/** Largest count of rows an index held as f32 can name exactly (2^24): every integer below it is a float32. */
export const MAX_F32_INDEX_RANGE = 2 ** 24;

/** `[i, j, …]`: the multi-index of flat position `flat` in `shape` (`[flat]` for a rank-0 or rank-1 shape). @internal */
export function showPosition(flat: number, shape: readonly number[]): string {
  if (shape.length <= 1) return `[${flat}]`;
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Position of the first value that is not an integer in [min, max] (NaN included), or -1. A plain loop, so that a
 * million indices cost a million comparisons and no strings. @internal
 */
export function firstBadIndex(values: ArrayLike<number>, min: number, max: number): number {
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (!(v >= min && v <= max && Number.isInteger(v))) return t;
  }
  return -1;
}

/** The index values and their shape, from an array or a live Tensor. */
function indexList(indices: unknown, op: string, arg: string): { list: ArrayLike<number>; shape: readonly number[] } {
  if (indices instanceof Tensor) return { list: checkTensor(indices, op, arg).dataSync(), shape: indices.shape };
  if (Array.isArray(indices)) return { list: indices, shape: [indices.length] };
  throw new TypeError(`${op}: ${arg} must be an array of integers or a Tensor, got ${showOperand(indices)}`);
}

/** Checks every index is an integer in [min, max]; the error names its position in `shape`. */
function checkIndices(list: ArrayLike<number>, shape: readonly number[], min: number, max: number, op: string, what: string): void {
  const t = firstBadIndex(list, min, max);
  if (t >= 0) checkInteger(list[t], op, `indices${showPosition(t, shape)}${what}`, min, max);
}

/**
 * The entries of x at `indices` along `axis` (default 0), repeats allowed, as TF.js's `gather`. The indices are an
 * array or a tensor, whose shape (after its first `batchDims` axes) replaces that axis; negative ones count from the
 * end. With `batchDims` b (default 0; negative counts from the indices' rank), the first b axes of x and indices are
 * batch axes of the same sizes, and batch i takes its entries from x's batch i only: out shape is
 * `[...x.shape[0, axis), ...indices.shape[b, ), ...x.shape(axis, )]`. Its gradient adds dy into zeros of x's shape at
 * the gathered positions (repeated indices add up); the indices get none.
 * @throws RangeError for an index, axis or batchDims out of range; ShapeError for batch axes that differ; TypeError for
 * an index that is not an integer or indices that are not an array or Tensor; DisposedError.
 * @example
 * gather(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * gather(tensor([[1, 2], [3, 4]]), tensor([[1], [0]]), 1).shape; // [2, 2, 1]
 * gather(tensor([[1, 2], [3, 4]]), tensor([[1], [0]]), 1, 1).toArray(); // [[2], [3]]
 */
export function gather(x: Tensor, indices: readonly number[] | Tensor, axis = 0, batchDims = 0): Tensor {
  const op = 'gather';
  checkTensor(x, op);
  const a = checkAxis(axis, x.rank, op);
  const { list, shape: indexShape } = indexList(indices, op, 'indices');
  const q = indexShape.length;
  let b = checkInteger(batchDims, op, `batchDims for indices of rank ${q}`, -q, q);
  if (b < 0) b += q;
  if (b > a) throw new RangeError(`${op}: batchDims ${b} must not exceed axis ${a}`);
  for (let d = 0; d < b; d++) {
    if (x.shape[d] !== indexShape[d]) {
      throw new ShapeError(`${op}: batch axis ${d} has size ${x.shape[d]} in x ${showShape(x.shape)} but ${indexShape[d]} in indices ${showShape(indexShape)}`);
    }
  }
  const n = x.shape[a];
  checkIndices(list, indexShape, -n, n - 1, op, ` for axis ${a} of ${showShape(x.shape)}`);
  const count = sizeOf(indexShape.slice(b)), batches = sizeOf(x.shape.slice(0, b));
  const outer = sizeOf(x.shape.slice(b, a)), inner = sizeOf(x.shape.slice(a + 1));
  const shape = [...x.shape.slice(0, a), ...indexShape.slice(b), ...x.shape.slice(a + 1)];
  const positions = Int32Array.from(list, (i) => (i < 0 ? i + n : i));
  const idx = allocBytes(4 * list.length, op);
  let out: Tensor;
  try {
    out = empty(shape, op);
    i32View(idx, list.length).set(positions);
    // Batch i: x from i·outer·n·inner, out from i·outer·count·inner, indices from i·count.
    for (let i = 0; i < batches && out.size > 0; i++) {
      kernels().gather(x.ptr + 4 * i * outer * n * inner, out.ptr + 4 * i * outer * count * inner, idx + 4 * i * count, count, outer, n, inner);
    }
  } finally {
    freeBytes(idx);
  }
  return record(op, out, [x], (dy) => [scatterAdd(dy, x.shape, positions, { batches, outer, count, n, inner })]);
}

/**
 * The gradient of gather: dy (viewed as [batches, outer, count, inner]) added into zeros of x's shape (viewed as
 * [batches, outer, n, inner]) at the gathered positions, repeats adding up. Moves the count axis first, sums rows
 * into segments batch·n + position with unsortedSegmentSum, and moves the n axis back: all recorded ops, so the
 * gradient has gradients of its own.
 */
function scatterAdd(dy: Tensor, shape: readonly number[], positions: Int32Array,
  { batches, outer, count, n, inner }: { batches: number; outer: number; count: number; n: number; inner: number }): Tensor {
  const ids = Array.from(positions, (p, t) => Math.floor(t / count) * n + p);
  // t viewed as [batches, p, q, inner], as [batches, q, p, inner] (a reshape when outer, p or q, is 1).
  const swap = (t: Tensor, p: number, q: number): Tensor =>
    outer === 1 ? reshape(t, [batches, q, p, inner]) : transpose(reshape(t, [batches, p, q, inner]), [0, 2, 1, 3]);
  const sums = unsortedSegmentSum(reshape(swap(dy, outer, count), [batches * count, outer * inner]), ids, batches * n);
  return reshape(swap(sums, n, outer), shape);
}

/**
 * Sums the rows of x into `numSegments` segments: out[s] is the sum of the x[i] whose segmentIds[i] is s (zeros
 * where none is), as TF.js's `unsortedSegmentSum`. It is the adjoint of gather along axis 0: the gradient of
 * `gather(table, ids)` with respect to table is `unsortedSegmentSum(dy, ids, table.shape[0])`, which is how an
 * embedding layer's table gets its gradient (the same kernel). Rows are added in order, so the bits do not vary.
 * Unlike TF, whose kernels drop negative ids, every id must be an integer in [0, numSegments). Its gradient is dy
 * gathered by the ids.
 * @throws RangeError for an id out of range (naming its position), a numSegments that is not an integer in
 * [0, 2^24], or a scalar x; ShapeError unless segmentIds has one entry per row of x; TypeError for an id that is not
 * an integer; DisposedError.
 * @example
 * unsortedSegmentSum(tensor([[1, 2], [3, 4], [5, 6]]), [1, 0, 1], 3).toArray(); // [[3, 4], [6, 8], [0, 0]]
 */
export function unsortedSegmentSum(x: Tensor, segmentIds: readonly number[] | Tensor, numSegments: number): Tensor {
  const op = 'unsortedSegmentSum';
  checkTensor(x, op);
  if (x.rank === 0) throw new RangeError(`${op}: x must have at least one axis, got a scalar`);
  const { list, shape: idShape } = indexList(segmentIds, op, 'segmentIds');
  if (idShape.length !== 1 || idShape[0] !== x.shape[0]) {
    throw new ShapeError(`${op}: segmentIds has shape ${showShape(idShape)} but x ${showShape(x.shape)} needs one id per row: [${x.shape[0]}]`);
  }
  const segments = checkInteger(numSegments, op, 'numSegments', 0, MAX_F32_INDEX_RANGE);
  const t = firstBadIndex(list, 0, segments - 1);
  if (t >= 0) checkInteger(list[t], op, `segmentIds[${t}]`, 0, segments - 1);
  const n = x.shape[0], dim = sizeOf(x.shape.slice(1));
  // The gradient of row i is row segmentIds[i] of dy (the ids copied now, when a tape records: the caller may
  // change them).
  const copy = recording() ? Array.from(list) : [];
  const backward = (dy: Tensor): Tensor[] => [gather(dy, copy)];
  const ids = segmentIds instanceof Tensor ? 0 : allocBytes(4 * n, op);
  try {
    const out = empty([segments, ...x.shape.slice(1)], op);
    if (out.size === 0) return record(op, out, [x], backward);
    if (ids) f32View(ids, n).set(list);
    kernels().embeddingBackward(segmentIds instanceof Tensor ? segmentIds.ptr : ids, x.ptr, out.ptr, n, segments, dim, 0, 0);
    return record(op, out, [x], backward);
  } finally {
    freeBytes(ids);
  }
}
