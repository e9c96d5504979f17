// Gradients of the reductions (src/ops/reduce.ts): sum, mean, max and min over any axis argument (one, several,
// none, all; keepDims), against float64 central differences of refReduce (tests/autograd/check.ts). max and min
// follow TF.js: dy goes to every element equal to the result, so ties share it whole; argmax and argmin carry none.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { add, argmax, argmin, grad, max, mean, min, mul, sum, tensor, type Tensor } from '../../src/index';
import { arbAxisArg, failOnLeaks, normalizeAxes, refReduce, seededValues, size, type Ref } from '../reference';
import { arbGradShape, expectGradients, refOf } from './check';

failOnLeaks();

type Axis = number | number[] | undefined;
const RUNS = { numRuns: 40 };

const refSum = (v: Float64Array): number => v.reduce((s, x) => s + x, 0);
const refMean = (v: Float64Array): number => refSum(v) / v.length;
const refMax = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, x), -Infinity);
const refMin = (v: Float64Array): number => v.reduce((m, x) => Math.min(m, x), Infinity);

/** A shape, an axis argument for it, keepDims and a seed. */
const arbCase = (nonEmpty: boolean): fc.Arbitrary<[number[], Axis, boolean, number]> =>
  arbGradShape(3).filter((s) => !nonEmpty || size(s) > 0)
    .chain((shape) => fc.tuple(fc.constant(shape), arbAxisArg(shape.length), fc.boolean(), fc.nat()));

/** Distinct values (a shuffled grid 0.0371 apart): no ties, and no two within a central difference's step. */
function distinct(shape: readonly number[], seed: number): Ref {
  const n = size(shape);
  const keys = seededValues(n, seed, 1);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => keys[i] - keys[j] || i - j);
  const data = new Float64Array(n);
  order.forEach((i, rank) => (data[i] = Math.fround(-1 + 0.0371 * rank)));
  return { data, shape: [...shape] };
}

/** Asserts grad(f)(x) is exactly `expected`, disposing what it made. */
function expectGrad(f: (x: Tensor) => Tensor, x: number[][] | number[], expected: unknown): void {
  const t = tensor(x);
  const g = grad(f)(t);
  try {
    expect(g.toArray()).toEqual(expected);
  } finally {
    g.dispose();
    t.dispose();
  }
}

/** Checks the gradient of grad Σ g(x)² (whose float64 value, 2·g(x)·∂g/∂x, is `first`): a gradient of a gradient. */
function expectGradOfSquare(x: Ref, g: (u: Tensor) => Tensor, first: (r: Ref) => Ref): void {
  expectGradients({ inputs: [x], f: (t) => grad((u) => { const m = g(u); return sum(mul(m, m)); })(t), ref: first });
}

describe('sum and mean', () => {
  test('sum spreads dy over the reduced axes: any axis argument, keepDims, no axes, all axes (property)', () => {
    fc.assert(fc.property(arbCase(false), ([shape, axis, keepDims, seed]) => {
      expectGradients({
        name: `sum ${shape} axis ${JSON.stringify(axis)} keepDims ${keepDims}`, inputs: [refOf(shape, seed)], seed,
        f: (t) => sum(t, axis, keepDims), ref: (r) => refReduce(r, normalizeAxes(axis, shape.length), keepDims, refSum),
      });
    }), RUNS);
  });

  test('mean spreads dy divided by the count (property)', () => {
    fc.assert(fc.property(arbCase(false), ([shape, axis, keepDims, seed]) => {
      expectGradients({
        name: `mean ${shape} axis ${JSON.stringify(axis)} keepDims ${keepDims}`, inputs: [refOf(shape, seed)], seed,
        f: (t) => t.mean(axis, keepDims), ref: (r) => refReduce(r, normalizeAxes(axis, shape.length), keepDims, refMean),
      });
    }), RUNS);
  });

  test('exact values: sum over [] is the identity, mean of a [2, 4] over axis 1 gives 1/4 each, x used twice adds', () => {
    expectGrad((x) => sum(x, []).mul(tensor([[1, 2], [3, 4]])).sum(), [[5, 6], [7, 8]], [[1, 2], [3, 4]]);
    expectGrad((x) => mean(x, 1).sum(), [[1, 2, 3, 4], [5, 6, 7, 8]], [[0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25]]);
    expectGrad((x) => add(sum(x), mean(x)), [1, 2, 3, 4], [1.25, 1.25, 1.25, 1.25]);
    expectGrad((x) => mean(x), [[]], [[]]);
  });

  test('gradients of gradients: grad Σ mean(x, 0)² (2·mean / r, spread over axis 0) is differentiated in turn', () => {
    expectGradOfSquare(refOf([3, 4], 6), (u) => mean(u, 0), (r) => {
      const m = refReduce(r, [0], false, refMean);
      return { data: r.data.map((_, i) => (2 * m.data[i % 4]) / 3), shape: r.shape };
    });
  });
});

describe('max and min', () => {
  test('dy goes to the extreme element of each reduced block (property, distinct values)', () => {
    fc.assert(fc.property(arbCase(true), ([shape, axis, keepDims, seed]) => {
      const axes = normalizeAxes(axis, shape.length);
      if (axes.some((a) => shape[a] === 0) && size(shape) > 0) return; // an empty axis has no extreme: it throws
      const x = distinct(shape, seed);
      expectGradients({ name: `max ${shape} ${JSON.stringify(axis)}`, inputs: [x], seed, f: (t) => max(t, axis, keepDims), ref: (r) => refReduce(r, axes, keepDims, refMax) });
      expectGradients({ name: `min ${shape} ${JSON.stringify(axis)}`, inputs: [x], seed, f: (t) => t.min(axis, keepDims), ref: (r) => refReduce(r, axes, keepDims, refMin) });
    }), RUNS);
  });

  test('ties: as TF.js, every element equal to the result gets the whole of dy; NaN results give none', () => {
    expectGrad((x) => max(x, 1).mul(tensor([10, 1])).sum(), [[1, 3, 3], [2, 2, 2]], [[0, 10, 10], [1, 1, 1]]);
    expectGrad((x) => min(x, 0).sum(), [[1, 3], [1, 0]], [[1, 0], [1, 1]]);
    expectGrad((x) => max(x), [[4, -1], [4, 4]], [[1, 0], [1, 1]]);
    expectGrad((x) => max(x, 0), [-0, 0], [1, 1]);
    expectGrad((x) => max(x).add(min(x, 0, true).sum()), [NaN, 2, 1], [0, 0, 0]);
    expectGrad((x) => max(x, 1, true).sum(), [[Infinity, 1], [-Infinity, -Infinity]], [[1, 0], [1, 1]]);
  });

  test('x used twice: max(x) + min(x) adds both masks', () => {
    expectGradients({
      inputs: [distinct([3, 4], 2)], f: (t) => add(max(t, 1), min(t, 1)),
      ref: (r) => { const a = refReduce(r, [1], false, refMax), b = refReduce(r, [1], false, refMin); return { data: a.data.map((v, i) => v + b.data[i]), shape: a.shape }; },
    });
  });

  test('gradients of gradients: grad Σ max(x, 1)² (2·max on the mask) is differentiated in turn, the mask a constant', () => {
    expectGradOfSquare(distinct([3, 4], 8), (u) => max(u, 1), (r) => {
      const m = refReduce(r, [1], false, refMax);
      return { data: r.data.map((v, i) => (v === m.data[Math.floor(i / 4)] ? 2 * v : 0)), shape: r.shape };
    });
  });
});

describe('argmax and argmin', () => {
  test('carry no gradient: a result that depends on x only through them is constant', () => {
    expectGrad((x) => argmax(x).mul(1), [3, 1, 2], [0, 0, 0]);
    expectGrad((x) => add(sum(x), argmin(x, 0)), [3, 1, 2], [1, 1, 1]);
    expectGrad((x) => mul(x.argmax(1), x.sum(1)).sum(), [[1, 2], [4, 3]], [[1, 1], [0, 0]]);
  });
});
