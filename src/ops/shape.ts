import { kernels } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { broadcastShapes, broadcastStrides, checkAxis, checkInteger, checkNumber, checkShape, collapse, MAX_SIZE, sizeOf, stridesOf } from '../tensor/shape';
import { f32View } from '../runtime/heap';
import { record } from '../tensor/tape';
import { reduceTo } from './reduce';
import { checkTensor, empty, Tensor, wrap } from '../tensor/tensor';
import { writeMeta } from './strided';

/** Copies `shape` elements read at srcStrides from src to dstStrides from dst (pointers in bytes). */
export function stridedCopy(src: number, dst: number, shape: readonly number[], srcStrides: readonly number[], dstStrides: readonly number[], op: string): void {
  if (sizeOf(shape) === 0) return;
  const merged = collapse(shape, [srcStrides, dstStrides]);
  kernels().copy(src, dst, merged.shape.length, writeMeta(merged.shape, merged.strides, op));
}

/**
 * A copy of x with its own storage (changes to one do not show in the other).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * clone(tensor([1, 2])).toArray(); // [1, 2]
 */
export function clone(x: Tensor): Tensor {
  checkTensor(x, 'clone');
  const out = empty(x.shape, 'clone');
  stridedCopy(x.ptr, out.ptr, [x.size], [1], [1], 'clone');
  return record('clone', out, [x], (dy) => [dy]);
}

/**
 * The same values in a new shape with the same number of elements; one dimension may be -1 (inferred). Shares x's
 * storage, like a NumPy view: `set` on one shows in the other.
 * @throws ShapeError if the sizes differ; RangeError for a dimension that is not a non-negative integer or -1, or
 * more than one -1; TypeError unless shape is an array; DisposedError if x was disposed.
 * @example
 * const x = arange(6);
 * const m = reshape(x, [2, -1]);
 * m.shape; // [2, 3]
 * m.set(9, 0, 0);
 * x.get(0); // 9
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'reshape';
  const storage = checkTensor(x, op).storage(op, 'x');
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of dimensions, got ${showValue(shape)}`);
  const dims = shape.map((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) {
      throw new RangeError(`${op}: shape[${i}] must be a non-negative integer or -1, got ${showValue(d)} in ${showValue(shape)}`);
    }
    return d;
  });
  const unknown = dims.indexOf(-1);
  if (unknown !== dims.lastIndexOf(-1)) throw new RangeError(`${op}: shape ${showShape(dims)} has more than one -1`);
  if (unknown >= 0) {
    const known = sizeOf(dims.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(`${op}: cannot reshape ${showShape(x.shape)} (${x.size} elements) into ${showShape(dims)}`);
    }
    dims[unknown] = x.size / known;
  }
  if (sizeOf(dims) !== x.size) {
    throw new ShapeError(`${op}: cannot reshape ${showShape(x.shape)} (${x.size} elements) into ${showShape(dims)} (${sizeOf(dims)} elements)`);
  }
  return record(op, wrap(storage, dims), [x], (dy) => [reshape(dy, x.shape)]);
}

/**
 * A copy of x broadcast to `shape` (NumPy broadcasting: x's shape must broadcast to it), as tf.broadcastTo.
 * @throws ShapeError if x's shape does not broadcast to shape; RangeError for a shape that is not an array of
 * non-negative integers; TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * broadcastTo(tensor([1, 2]), [2, 2]).toArray(); // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'broadcastTo';
  checkTensor(x, op);
  const dims = checkShape(shape, op);
  const joint = broadcastShapes(x.shape, dims, op);
  if (joint.length !== dims.length || joint.some((n, d) => n !== dims[d])) {
    throw new ShapeError(`${op}: x has shape ${showShape(x.shape)}, which does not broadcast to ${showShape(dims)}`);
  }
  const out = empty(dims, op);
  stridedCopy(x.ptr, out.ptr, dims, broadcastStrides(x.shape, dims), stridesOf(dims), op);
  return record(op, out, [x], (dy) => [reduceTo(dy, x.shape)]);
}

/**
 * A copy with the axes permuted: output axis d is input axis perm[d] (default: reversed, the matrix transpose).
 * @throws RangeError unless perm lists each axis once; TypeError for an axis that is not an integer;
 * DisposedError if x was disposed.
 * @example
 * transpose(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const op = 'transpose';
  checkTensor(x, op);
  const order = perm ?? x.shape.map((_, d) => x.rank - 1 - d);
  if (!Array.isArray(order) || order.length !== x.rank) {
    throw new RangeError(`${op}: perm ${showValue(perm)} must list each of the ${x.rank} axes of ${showShape(x.shape)} once`);
  }
  const axes = order.map((p, d) => checkAxis(p, x.rank, op, `perm[${d}]`));
  if (new Set(axes).size !== axes.length) throw new RangeError(`${op}: perm ${showValue(perm)} repeats an axis`);
  const strides = stridesOf(x.shape);
  const shape = axes.map((p) => x.shape[p]);
  const out = empty(shape, op);
  stridedCopy(x.ptr, out.ptr, shape, axes.map((p) => strides[p]), stridesOf(shape), op);
  return record(op, out, [x], (dy) => {
    const inverse = new Array<number>(axes.length);
    axes.forEach((p, d) => (inverse[p] = d));
    return [transpose(dy, inverse)];
  });
}

/**
 * x without size-1 axes: all of them, or the ones listed in `axis`. Shares x's storage.
 * @throws ShapeError if a listed axis does not have size 1; TypeError or RangeError for an axis that is not an
 * integer in [-rank, rank); DisposedError if x was disposed.
 * @example
 * squeeze(zeros([1, 3, 1])).shape; // [3]
 * squeeze(zeros([1, 3, 1]), 0).shape; // [3, 1]
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const op = 'squeeze';
  checkTensor(x, op);
  let drop: number[];
  if (axis === undefined) drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    if (typeof axis !== 'number' && !Array.isArray(axis)) {
      throw new TypeError(`${op}: axis must be an integer or an array of integers, got ${showValue(axis)}`);
    }
    drop = (typeof axis === 'number' ? [axis] : [...axis]).map((a, i) => checkAxis(a, x.rank, op, typeof axis === 'number' ? 'axis' : `axis[${i}]`));
    for (const a of drop) {
      if (x.shape[a] !== 1) throw new ShapeError(`${op}: axis ${a} of ${showShape(x.shape)} has size ${x.shape[a]}, not 1`);
    }
  }
  return record(op, wrap(x.storage(op, 'x'), x.shape.filter((_, i) => !drop.includes(i))), [x], (dy) => [reshape(dy, x.shape)]);
}

/**
 * x with a size-1 axis inserted at `axis` (default 0; in [-rank-1, rank], negative from the end). Shares x's
 * storage.
 * @throws TypeError or RangeError for another axis; DisposedError if x was disposed.
 * @example
 * expandDims(zeros([3]), 1).shape; // [3, 1]
 * expandDims(zeros([3]), -1).shape; // [3, 1]
 */
export function expandDims(x: Tensor, axis = 0): Tensor {
  const op = 'expandDims';
  checkTensor(x, op);
  const a = checkAxis(axis, x.rank + 1, op);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return record(op, wrap(x.storage(op, 'x'), shape), [x], (dy) => [reshape(dy, x.shape)]);
}

function listFor(value: number | readonly number[] | undefined, rank: number, fill: number, op: string, arg: string): number[] {
  if (value === undefined) return new Array<number>(rank).fill(fill);
  if (typeof value === 'number') return [value, ...new Array<number>(rank - 1).fill(fill)];
  if (!Array.isArray(value)) throw new TypeError(`${op}: ${arg} must be an integer or an array of integers, got ${showValue(value)}`);
  if (value.length > rank) throw new RangeError(`${op}: ${arg} ${showValue(value)} must have at most ${rank} entries`);
  return [...value, ...new Array<number>(rank - value.length).fill(fill)];
}

/**
 * A copy of the block that starts at `begin` and spans `size` along each axis (-1 or omitted: to the end). A
 * number, or a list shorter than the rank, applies to the first axes; the others start at 0 and run to the end.
 * @throws RangeError for a scalar x, or a begin or size out of range; TypeError for one that is not an integer;
 * DisposedError if x was disposed.
 * @example
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, 2]).toArray(); // [[2, 3], [5, 6]]
 * slice(arange(5), 1, 2).toArray(); // [1, 2]
 */
export function slice(x: Tensor, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const op = 'slice';
  checkTensor(x, op);
  if (x.rank === 0) throw new RangeError(`${op}: cannot slice a scalar`);
  const starts = listFor(begin, x.rank, 0, op, 'begin');
  const sizes = listFor(size, x.rank, -1, op, 'size');
  const shape = x.shape.map((n, d) => {
    const b = checkInteger(starts[d], op, `begin[${d}] for ${showShape(x.shape)}`, 0, n);
    const s = sizes[d] === -1 ? n - b : checkInteger(sizes[d], op, `size[${d}] for ${showShape(x.shape)} from ${b}`, 0, n - b);
    return s;
  });
  const strides = stridesOf(x.shape);
  const offset = starts.reduce((sum, b, d) => sum + b * strides[d], 0);
  const out = empty(shape, op);
  stridedCopy(x.ptr + 4 * offset, out.ptr, shape, strides, stridesOf(shape), op);
  // The gradient: dy put back where the block came from, zeros elsewhere.
  return record(op, out, [x], (dy) => [pad(dy, x.shape.map((n, d) => [starts[d], n - starts[d] - shape[d]]))]);
}

/**
 * A copy of entry `index` (negative from the end) along `axis`, with that axis removed: `x.row(i)` and
 * `x.column(j)` call it. `op` is the name its errors give (default 'indexAxis').
 * @throws RangeError for an axis or index out of range; TypeError for one that is not an integer; DisposedError.
 * @example
 * indexAxis(tensor([[1, 2], [3, 4]]), 1, 0).toArray(); // [1, 3]
 */
export function indexAxis(x: Tensor, axis: number, index: number, op = 'indexAxis'): Tensor {
  checkTensor(x, op);
  const a = checkAxis(axis, x.rank, op);
  const n = x.shape[a];
  const i = checkInteger(index, op, `index for axis ${a} of ${showShape(x.shape)}`, -n, n - 1);
  const at = i < 0 ? i + n : i;
  const strides = stridesOf(x.shape);
  const shape = x.shape.filter((_, d) => d !== a);
  const out = empty(shape, op);
  stridedCopy(x.ptr + 4 * at * strides[a], out.ptr, shape, strides.filter((_, d) => d !== a), stridesOf(shape), op);
  // The gradient: dy as entry `at` of axis a, zeros in the other entries.
  return record(op, out, [x], (dy) => [
    pad(reshape(dy, x.shape.map((m, d) => (d === a ? 1 : m))), x.shape.map((_, d) => (d === a ? [at, n - 1 - at] : [0, 0]))),
  ]);
}

function checkList(tensors: unknown, op: string): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`${op}: tensors must be a non-empty array of Tensors, got ${showValue(tensors)}`);
  return Array.from(tensors, (t, i) => checkTensor(t, op, `tensors[${i}]`)); // holes are undefined, not skipped
}

/**
 * A new tensor joining `tensors` along an existing `axis` (default 0); all other dimensions must agree.
 * @throws ShapeError if they do not; RangeError for scalars or an axis out of range; TypeError for an empty list or
 * an entry that is not a Tensor; DisposedError.
 * @example
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
 * concat([zeros([1, 2]), ones([1, 2])], 1).toArray(); // [[0, 0, 1, 1]]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  const list = checkList(tensors, op);
  const first = list[0];
  if (first.rank === 0) throw new RangeError(`${op}: cannot concatenate scalars; use stack`);
  const a = checkAxis(axis, first.rank, op);
  list.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ShapeError(`${op}: tensors[${i}] has shape ${showShape(t.shape)}, which does not match ${showShape(first.shape)} outside axis ${a}`);
    }
  });
  const shape = [...first.shape];
  shape[a] = list.reduce((sum, t) => sum + t.shape[a], 0);
  const out = empty(shape, op);
  const outStrides = stridesOf(shape);
  const offsets: number[] = [];
  let offset = 0;
  for (const t of list) {
    stridedCopy(t.ptr, out.ptr + 4 * offset * outStrides[a], t.shape, stridesOf(t.shape), outStrides, op);
    offsets.push(offset);
    offset += t.shape[a];
  }
  // The gradient of tensors[i]: its block of dy along the axis.
  return record(op, out, list, (dy, needs) =>
    list.map((t, i) => (needs[i] ? slice(dy, t.shape.map((_, d) => (d === a ? offsets[i] : 0)), t.shape) : null)));
}

/**
 * A new tensor stacking same-shape `tensors` along a new axis `axis` (default 0, in [-rank-1, rank]).
 * @throws ShapeError if the shapes differ; RangeError for an axis out of range; TypeError for an empty list or an
 * entry that is not a Tensor; DisposedError.
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'stack';
  const list = checkList(tensors, op);
  const first = list[0];
  const a = checkAxis(axis, first.rank + 1, op);
  list.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, k) => d !== first.shape[k])) {
      throw new ShapeError(`${op}: tensors[${i}] has shape ${showShape(t.shape)}, expected ${showShape(first.shape)}`);
    }
  });
  const shape = [...first.shape];
  shape.splice(a, 0, list.length);
  const out = empty(shape, op);
  const outStrides = stridesOf(shape);
  const dstStrides = outStrides.filter((_, d) => d !== a);
  list.forEach((t, i) => stridedCopy(t.ptr, out.ptr + 4 * i * outStrides[a], t.shape, stridesOf(t.shape), dstStrides, op));
  return record(op, out, list, (dy, needs) => list.map((_, i) => (needs[i] ? indexAxis(dy, a, i) : null)));
}

/**
 * x with `paddings[d] = [before, after]` entries of `constantValue` (default 0) added before and after it along
 * each axis d, as TF.js's `pad` (mode 'constant'). Paddings are non-negative integers, one pair per axis (none for a
 * scalar, which is copied). The gradient is the slice of dy where x was.
 * @throws TypeError unless x is a Tensor, paddings an array of [before, after] pairs of integers and constantValue a
 * number; RangeError for a negative padding, a list whose length is not x's rank, or a result over the size limit;
 * DisposedError if x was disposed.
 * @example
 * pad(tensor([[1, 2]]), [[1, 0], [0, 1]]).toArray(); // [[0, 0, 0], [1, 2, 0]]
 * pad(tensor([1, 2]), [[2, 1]], 9).toArray(); // [9, 9, 1, 2, 9]
 */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor {
  const op = 'pad';
  checkTensor(x, op);
  if (!Array.isArray(paddings)) throw new TypeError(`${op}: paddings must be an array of [before, after] pairs, got ${showValue(paddings)}`);
  if (paddings.length !== x.rank) {
    throw new RangeError(`${op}: paddings has ${paddings.length} pairs; x ${showShape(x.shape)} needs one [before, after] pair per axis (${x.rank})`);
  }
  const pairs = Array.from(paddings, (p: unknown, d) => {
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError(`${op}: paddings[${d}] must be a [before, after] pair, got ${showValue(p)}`);
    return [0, 1].map((k) => checkInteger(p[k], op, `paddings[${d}][${k}]`, 0, MAX_SIZE));
  });
  checkNumber(constantValue, op, 'constantValue');
  const shape = x.shape.map((n, d) => pairs[d][0] + n + pairs[d][1]);
  const out = empty(shape, op);
  if (out.size > 0) f32View(out.ptr, out.size).fill(constantValue);
  const outStrides = stridesOf(shape);
  const offset = pairs.reduce((sum, [before], d) => sum + before * outStrides[d], 0);
  stridedCopy(x.ptr, out.ptr + 4 * offset, x.shape, stridesOf(x.shape), outStrides, op);
  return record(op, out, [x], (dy) => [x.rank === 0 ? dy : slice(dy, pairs.map(([before]) => before), x.shape)]);
}
