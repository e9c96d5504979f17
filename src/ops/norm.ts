import { allocBytes, freeBytes } from '../runtime/heap';
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape } from '../tensor/errors';
import { broadcastStrides, checkAxes, checkNumber, sizeOf, stridesOf } from '../tensor/shape';
import { record } from '../tensor/tape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { add, div, mul, neg, sqrt, square, sub } from './elementwise';
import { reduceLayout, reduceTo, spread, sum, type Axis } from './reduce';
import { stridedCopy } from './shape';

/**
 * Mean and variance over one axis, several, or all (omitted), as `mean` takes them: the variance is the biased one,
 * Σ(x − mean)²/n, as tf.moments gives it. Both are summed in float64 (two passes) and rounded once to float32: each
 * within half an ULP of the exact value plus the float64 sums' error, far smaller for counts below millions
 * (assembly/norm.ts states it); an empty axis gives NaN. Differentiable with respect to x through both outputs (each
 * its own entry on a gradient tape): the mean's gradient spreads dy/n over its n inputs, the variance's is
 * 2(x − mean)/n·dy; both are written in recorded ops, so gradients of any order work.
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
  // Gradients, each output its own entry: the mean's spreads dy over its n inputs; the (biased) variance's is
  // 2(x − mean)/n·dy (the mean's own dependence on x adds Σ(x − mean) = 0). Written in recorded ops: all orders.
  const n = sizeOf(checkAxes(axes, x.rank, op).map((a) => x.shape[a]));
  record(op, mean, [x], (dy) => [div(spread(dy, x.shape, axes), n)]);
  const v = variance ?? empty(mean.shape, op);
  record(op, v, [x], (dy) => [mul(spread(dy, x.shape, axes), mul(sub(x, div(sum(x, axes, true), n)), 2 / n))]);
  return { mean, variance: v };
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
 * x̂ = (x − mean)·(1/√(variance + ε)), then x̂·scale + offset. Differentiable with respect to all five tensor inputs
 * (x, mean, variance, offset, scale), each gradient summed back to its input's shape, written in element-wise ops.
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
  const inputs = [x, mean, variance, offset ?? null, scale ?? null];
  const recorded = (): Tensor => record(op, out, inputs, (dy, needs) => batchNormGradients(inputs, varianceEpsilon, dy, needs));
  if (out.size === 0) return recorded();
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
  return recorded();
}

/**
 * The gradients of batchNorm's inputs [x, mean, variance, offset, scale] (offset, scale null when absent) from dy,
 * in recorded ops (each reduced back to its input's shape): with k = scale/√(variance + ε), dx = dy·k, dmean = −Σdy·k,
 * dvariance = Σ dy·(x − mean)·k·(−½)/(variance + ε), doffset = Σdy, dscale = Σ dy·(x − mean)/√(variance + ε).
 */
function batchNormGradients(inputs: readonly (Tensor | null)[], epsilon: number, dy: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const [x, mean, variance, offset, scale] = inputs as [Tensor, Tensor, Tensor, Tensor | null, Tensor | null];
  const invStd = div(1, sqrt(add(variance, epsilon)));
  const gain = scale ? mul(invStd, scale) : invStd;
  const dyGain = needs[0] || needs[1] ? mul(dy, gain) : null;
  const dyCentered = needs[2] || needs[4] ? mul(dy, sub(x, mean)) : null;
  return [
    dyGain,
    needs[1] ? reduceTo(neg(dyGain as Tensor), mean.shape) : null,
    needs[2] ? reduceTo(mul(dyCentered as Tensor, mul(gain, mul(square(invStd), -0.5))), variance.shape) : null,
    needs[3] && offset ? reduceTo(dy, offset.shape) : null,
    needs[4] && scale ? reduceTo(mul(dyCentered as Tensor, invStd), scale.shape) : null,
  ];
}
