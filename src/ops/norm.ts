import { allocBytes, freeBytes } from '../runtime/heap';
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape } from '../tensor/errors';
import { broadcastStrides, checkNumber, sizeOf, stridesOf } from '../tensor/shape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { reduceLayout, type Axis } from './reduce';
import { stridedCopy } from './shape';

/**
 * Mean and variance over one axis, several, or all (omitted), as `mean` takes them: the variance is the biased one,
 * Σ(x − mean)²/n, as tf.moments gives it. Both are summed in float64 (two passes) and rounded once to float32: each
 * within half an ULP of the exact value plus the float64 sums' error, far smaller for counts below millions
 * (assembly/norm.ts states it); an empty axis gives NaN.
 * @throws TypeError for an axis that is not an integer or a keepDims that is not a boolean; RangeError for an axis out
 * of range or repeated; DisposedError if x was disposed.
 * @example
 * const { mean, variance } = moments(tensor([[1, 2], [3, 6]]), 0);
 * mean.toArray(); // [2, 4]
 * variance.toArray(); // [1, 4]
 * moments(tensor([1, 2, 3, 4]), undefined, true).variance.toArray(); // [1.25]
 */
export function moments(x: Tensor, axes?: Axis, keepDims = false): { mean: Tensor; variance: Tensor } {
  const op = 'moments';
  let variance: Tensor | undefined;
  const mean = reduceLayout(op, x, axes, keepDims, false, (src, outer, r, inner, out) => {
    variance = empty(out.shape, op);
    const work = inner > 1 ? allocBytes(16 * inner, op) : 0;
    try {
      kernels().moments(src.ptr, out.ptr, variance.ptr, outer, r, inner, work);
    } finally {
      freeBytes(work);
    }
  });
  return { mean, variance: variance ?? empty(mean.shape, op) };
}

const PARAMETERS = ['mean', 'variance', 'offset', 'scale'] as const;

// The parameter's shape aligned to rank (leading 1s), after checking that it broadcasts to x's shape.
function alignedShape(p: Tensor, name: string, xShape: readonly number[]): number[] {
  const rank = xShape.length;
  const fits = p.rank <= rank && p.shape.every((d, i) => d === 1 || d === xShape[rank - p.rank + i]);
  if (!fits) {
    throw new ShapeError(`batchNorm: ${name} has shape ${showShape(p.shape)} but x has shape ${showShape(xShape)}; ${name} ` +
      `must broadcast to x's shape (a [${xShape[rank - 1] ?? 1}] tensor gives one value per channel, the last axis)`);
  }
  return [...new Array<number>(rank - p.rank).fill(1), ...p.shape];
}

/**
 * Normalizes x with the given statistics, as tf.batchNorm: (x − mean)·scale/√(variance + varianceEpsilon) + offset,
 * with mean, variance and the optional offset (β) and scale (γ) broadcast to x's shape (typically [C] tensors, one value
 * per channel of the last axis). 1/√(variance + ε) is computed in float64 and rounded once, the rest in float32:
 * x̂ = (x − mean)·(1/√(variance + ε)), then x̂·scale + offset.
 * @throws ShapeError if a parameter does not broadcast to x's shape; TypeError unless x, mean and variance are Tensors
 * (offset and scale: Tensors, undefined or null) and varianceEpsilon a number; DisposedError.
 * @example
 * const x = tensor([[1, 2], [3, 6]]);
 * batchNorm(x, tensor([2, 4]), tensor([1, 4]), undefined, undefined, 0).toArray(); // [[-1, -1], [1, 1]]
 * batchNorm(x, tensor([2, 4]), tensor([1, 4]), tensor([10, 20]), tensor([2, 3]), 0).toArray(); // [[8, 17], [12, 23]]
 */
export function batchNorm(x: Tensor, mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null,
  varianceEpsilon = 0.001): Tensor {
  const op = 'batchNorm';
  checkTensor(x, op);
  const given = [mean, variance, offset, scale];
  const params = PARAMETERS.map((name, i) => {
    const p = given[i];
    if (i >= 2 && (p === undefined || p === null)) return null;
    return { tensor: checkTensor(p, op, name), aligned: [] as number[] };
  });
  checkNumber(varianceEpsilon, op, 'varianceEpsilon', false);
  for (const [i, p] of params.entries()) if (p) p.aligned = alignedShape(p.tensor, PARAMETERS[i], x.shape);
  // Rows and channels: the channels are the trailing axes from the first one on which some parameter varies (at
  // least the last axis), so that each parameter is one value per channel.
  const rank = x.rank;
  let from = Math.max(rank - 1, 0);
  for (const p of params) {
    const varies = p ? p.aligned.findIndex((d) => d !== 1) : -1;
    if (varies >= 0) from = Math.min(from, varies);
  }
  const channelShape = x.shape.slice(from), C = sizeOf(channelShape);
  const out = empty(x.shape, op);
  if (out.size === 0) return out;
  const temporary: number[] = [];
  try {
    const pointers = params.map((p) => {
      if (!p) return 0;
      const own = p.aligned.slice(from);
      if (own.every((d, i) => d === channelShape[i])) return p.tensor.ptr;
      const copy = allocBytes(4 * C, op);
      temporary.push(copy);
      stridedCopy(p.tensor.ptr, copy, channelShape, broadcastStrides(own, channelShape), stridesOf(channelShape), op);
      return copy;
    });
    const invStd = allocBytes(4 * C, op);
    temporary.push(invStd);
    kernels().batchNorm(x.ptr, out.ptr, pointers[0], pointers[1], pointers[2], pointers[3], invStd, x.size / C, C, varianceEpsilon);
  } catch (error) {
    out.dispose();
    throw error;
  } finally {
    temporary.forEach(freeBytes);
  }
  return out;
}
