// Gradients of moments and batchNorm (src/ops/norm.ts) against float64 central differences: moments over any axes
// (each output its own entry, and both used at once), batchNorm with respect to all five tensor inputs with the
// parameters broadcast as the forward takes them (per channel, per position, scalars, size-1 axes), offset and scale
// present or absent, a second use of a tensor, and an empty x. Shapes from arbGradShape (sizes 0, 1, 2, 3, 5).
import fc from 'fast-check';
import { describe, test } from 'vitest';
import { add, batchNorm, moments, type Tensor } from '../../src/index';
import { arbAxisArg, failOnLeaks, normalizeAxes, refBinary, refReduce, refUnary, type Ref } from '../reference';
import { refMoments } from '../ops/norm-reference';
import { arbGradShape, expectGradients, refOf } from './check';

failOnLeaks();

const mean64 = (v: Float64Array): number => v.reduce((s, x) => s + x, 0) / v.length;
const variance64 = (v: Float64Array): number => {
  const m = mean64(v);
  return v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
};
const runs = { numRuns: 40 };

describe('moments gradients', () => {
  test('mean, variance and both at once over any axes, with and without keepDims', () => {
    const arb = arbGradShape(3).chain((shape) => fc.tuple(fc.constant(shape), arbAxisArg(shape.length), fc.boolean(), fc.nat()));
    fc.assert(fc.property(arb, ([shape, axes, keepDims, seed]) => {
      const reduced = normalizeAxes(axes, shape.length), name = JSON.stringify({ shape, axes, keepDims });
      const refMean = (x: Ref): Ref => refReduce(x, reduced, keepDims, mean64);
      const refVariance = (x: Ref): Ref => refReduce(x, reduced, keepDims, variance64);
      const x = refOf(shape, seed);
      expectGradients({ name, inputs: [x], f: (t) => moments(t, axes, keepDims).mean, ref: refMean });
      expectGradients({ name, inputs: [x], f: (t) => moments(t, axes, keepDims).variance, ref: refVariance });
      expectGradients({
        name, inputs: [x],
        f: (t) => { const m = moments(t, axes, keepDims); return add(m.mean, m.variance); },
        ref: (r) => refBinary(refMean(r), refVariance(r), (a, b) => a + b),
      });
    }), runs);
  });

  test('the variance of [n, C] rows per channel, as batch normalization takes it (norm-reference\'s refMoments)', () => {
    expectGradients({
      inputs: [refOf([5, 3], 31)],
      f: (t) => moments(t, 0).variance,
      ref: (x) => ({ data: refMoments({ kind: 'batch', n: 5, C: 3, x: x.data }).variance, shape: [3] }),
    });
  });
});

/** batchNorm in float64 with broadcasting: (x − mean)·scale/√(variance + ε) + offset. */
function refBatchNorm(x: Ref, mean: Ref, variance: Ref, offset: Ref | null, scale: Ref | null, epsilon: number): Ref {
  let y = refBinary(refBinary(x, mean, (a, b) => a - b), refUnary(variance, (v) => 1 / Math.sqrt(v + epsilon)), (a, b) => a * b);
  if (scale) y = refBinary(y, scale, (a, b) => a * b);
  if (offset) y = refBinary(y, offset, (a, b) => a + b);
  return y;
}

/** A parameter shape that broadcasts to `shape`: a suffix of it, some axes 1. */
const arbParameterShape = (shape: number[]): fc.Arbitrary<number[]> =>
  fc.tuple(fc.nat({ max: shape.length }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
    .map(([drop, ones]) => shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)));

describe('batchNorm gradients', () => {
  test('x, mean, variance, offset and scale, broadcast as the forward takes them', () => {
    const arb = arbGradShape(3).filter((s) => s.length > 0).chain((shape) => fc.tuple(
      fc.constant(shape), fc.array(arbParameterShape(shape), { minLength: 4, maxLength: 4 }),
      fc.boolean(), fc.boolean(), fc.constantFrom(0.001, 0.1), fc.nat()));
    fc.assert(fc.property(arb, ([shape, params, withOffset, withScale, epsilon, seed]) => {
      const inputs = [refOf(shape, seed), refOf(params[0], seed + 1), refOf(params[1], seed + 2, 0.2, 2)];
      if (withOffset) inputs.push(refOf(params[2], seed + 3));
      if (withScale) inputs.push(refOf(params[3], seed + 4));
      const at = (xs: (Tensor | Ref)[], i: number, present: boolean) => (present ? xs[i] : null);
      const scaleAt = withOffset ? 4 : 3;
      expectGradients({
        name: JSON.stringify({ shape, params, withOffset, withScale, epsilon }),
        inputs,
        f: (...xs) => batchNorm(xs[0], xs[1], xs[2], at(xs, 3, withOffset) as Tensor | null, at(xs, scaleAt, withScale) as Tensor | null, epsilon),
        ref: (...xs) => refBatchNorm(xs[0], xs[1], xs[2], at(xs, 3, withOffset) as Ref | null, at(xs, scaleAt, withScale) as Ref | null, epsilon),
      });
    }), runs);
  });

  test('a second use: the mean also as the offset; per-channel parameters of [2, 3, 4] data; an empty x', () => {
    const ref = (x: Ref, m: Ref, v: Ref, s: Ref): Ref => refBatchNorm(x, m, v, m, s, 0.001);
    expectGradients({
      inputs: [refOf([2, 3, 4], 41), refOf([4], 42), refOf([4], 43, 0.2, 2), refOf([4], 44)],
      f: (x, m, v, s) => batchNorm(x, m, v, m, s),
      ref,
    });
    expectGradients({
      inputs: [refOf([0, 4], 45), refOf([4], 46), refOf([4], 47, 0.2, 2), refOf([4], 48)],
      f: (x, m, v, s) => batchNorm(x, m, v, m, s),
      ref,
    });
  });
});
