// Gradients of the activations (src/ops/activation.ts) against float64 central differences (check.ts): every
// activation over shapes with sizes 0 and 1 and values away from its kinks, a tensor used twice, softmax and
// logSoftmax along every axis and their second derivatives, exact tests of the conventions at the kinks, every
// activation's second derivative (its gradient in recorded ops inside another gradient call), and a chain sigmoid(x·w + b) averaged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add, div, elu, gelu, grad, hardSigmoid, leakyRelu, logSoftmax, matmul, mul, relu, relu6, selu, sigmoid, silu, softmax,
  softplus, sum, swish, tanh, tensor, Tensor, tidy,
} from '../../src/index';
import { erfc, f32, failOnLeaks, refLogSoftmax, refMatmul, refSoftmax, refUnary, seededValues, size, type Ref } from '../reference';
import { arbGradShape, expectGradients, refOf } from './check';

const RUNS = { numRuns: 12 };
const seed = fc.integer({ min: 1, max: 2 ** 30 });
const SELU_SCALE = 1.0507009873554805, SELU_ALPHA = 1.6732632423543772;
const refSigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface ActivationCase {
  name: string;
  fn: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  /** Where the values are drawn. */
  range: [number, number];
  /** The kinks to stay 0.05 away from. */
  kinks?: number[];
}

const ACTIVATIONS: ActivationCase[] = [
  { name: 'sigmoid', fn: sigmoid, ref: refSigmoid, range: [-4, 4] },
  { name: 'tanh', fn: tanh, ref: Math.tanh, range: [-3, 3] },
  { name: 'relu', fn: relu, ref: (x) => Math.max(x, 0), range: [-2, 2], kinks: [0] },
  { name: 'leakyRelu', fn: (x) => leakyRelu(x), ref: (x) => (x > 0 ? x : Math.fround(0.2) * x), range: [-2, 2], kinks: [0] },
  { name: 'leakyRelu alpha 0', fn: (x) => leakyRelu(x, 0), ref: (x) => Math.max(x, 0), range: [-2, 2], kinks: [0] },
  // A negative slope: the output is positive on both sides, so the gradient must come from x, not from y.
  { name: 'leakyRelu alpha -0.5', fn: (x) => leakyRelu(x, -0.5), ref: (x) => (x > 0 ? x : -0.5 * x), range: [-2, 2], kinks: [0] },
  { name: 'softplus', fn: softplus, ref: (x) => Math.log1p(Math.exp(x)), range: [-5, 5] },
  { name: 'gelu', fn: gelu, ref: (x) => (x * erfc(-x / Math.SQRT2)) / 2, range: [-4, 4] },
  { name: 'elu', fn: elu, ref: (x) => (x > 0 ? x : Math.expm1(x)), range: [-3, 2], kinks: [0] },
  { name: 'selu', fn: selu, ref: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), range: [-3, 2], kinks: [0] },
  { name: 'relu6', fn: relu6, ref: (x) => Math.min(Math.max(x, 0), 6), range: [-2, 8], kinks: [0, 6] },
  { name: 'hardSigmoid', fn: hardSigmoid, ref: (x) => Math.min(Math.max(Math.fround(0.2) * x + 0.5, 0), 1), range: [-4, 4], kinks: [-2.5, 2.5] },
  { name: 'swish', fn: swish, ref: (x) => x * refSigmoid(x), range: [-5, 5] },
  { name: 'silu', fn: silu, ref: (x) => x * refSigmoid(x), range: [-5, 5] },
];

/** d/dx of Σ f(x) at x (as numbers), for the exact tests. */
const gradOf = (f: (x: Tensor) => Tensor, x: number[]): number[] => tidy(() => Array.from(grad((t: Tensor) => sum(f(t)))(tensor(x)).dataSync()));

/** A shape of rank >= 1 and one of its axes. */
const arbShapeAndAxis = arbGradShape().filter((s) => s.length > 0).chain((s) => fc.tuple(fc.constant(s), fc.nat({ max: s.length - 1 })));

/** Float64 Σ_axis w·y for y = softmax(x): the weights' sums along the axis, per element of x (broadcast back). */
function sumAlong(v: Ref, axis: number): Float64Array {
  const outer = size(v.shape.slice(0, axis)), r = v.shape[axis], inner = size(v.shape.slice(axis + 1));
  const out = new Float64Array(v.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let j = 0; j < r; j++) s += v.data[(o * r + j) * inner + i];
      for (let j = 0; j < r; j++) out[(o * r + j) * inner + i] = s;
    }
  }
  return out;
}

failOnLeaks();

describe('element-wise activations', () => {
  for (const op of ACTIVATIONS) {
    it(`${op.name} matches central differences away from its kinks, and adds the gradients of a tensor used twice`, () => {
      const avoid = (v: number): boolean => (op.kinks ?? []).some((k) => Math.abs(v - k) < 0.05);
      fc.assert(fc.property(arbGradShape(), seed, (shape, s) => {
        const x = refOf(shape, s, ...op.range, avoid);
        const ref = (t: Ref): Ref => refUnary(t, op.ref);
        expectGradients({ inputs: [x], f: op.fn, ref, seed: s, name: `${op.name}([${shape}])` });
        expectGradients({ inputs: [x], f: (t) => mul(op.fn(t), t), ref: (t) => refUnary(t, (v) => op.ref(v) * v), seed: s, name: `${op.name}(x)·x` });
        expectGradients({ inputs: [x], f: (t) => { const y = op.fn(t); return mul(y, y); }, ref: (t) => refUnary(t, (v) => op.ref(v) ** 2), seed: s,
          name: `${op.name}(x)²` });
      }), RUNS);
    });
  }

  it('follows the documented conventions at the kinks', () => {
    const f = Math.fround;
    expect(gradOf(relu, [0, -1, 1])).toEqual([0, 0, 1]);
    expect(gradOf((x) => leakyRelu(x, 0.1), [0, -1, 1])).toEqual([f(0.1), f(0.1), 1]);
    expect(gradOf((x) => leakyRelu(x, -0.5), [0, -1, 1])).toEqual([-0.5, -0.5, 1]);
    expect(gradOf(elu, [0])).toEqual([1]);
    // At 0 the negative side's slope SCALE·ALPHA (float32), as TF.js.
    expect(gradOf(selu, [0, 1])).toEqual([f(1.7580993408473766), f(SELU_SCALE)]);
    expect(gradOf(relu6, [0, 6, 3, 7, -1])).toEqual([0, 0, 1, 0, 0]);
    expect(gradOf(hardSigmoid, [-2.5, 2.5, 0, 3, -3])).toEqual([0, 0, f(0.2), 0, 0]);
    expect(gradOf(softplus, [0])).toEqual([0.5]);
    expect(gradOf(swish, [0])).toEqual([0.5]);
    // gelu' = Φ(x) + x·φ(x) within 2^-22 absolute (vmath.ts geluGradV).
    expect(Math.abs(gradOf(gelu, [0])[0] - 0.5)).toBeLessThanOrEqual(2 ** -22);
  });

  it('have second derivatives: their gradient, taken inside another gradient call, is written in recorded ops', () => {
    for (const c of ACTIVATIONS) {
      const [lo, hi] = c.range, kinks = c.kinks ?? [];
      const avoid = (v: number): boolean => kinks.some((k) => Math.abs(v - k) < 0.05);
      // f(x) = act'(x)·w element-wise (the gradient of Σ act(x)·w), against central differences of its float64 form.
      const h = 1e-4;
      const derivative = (v: number): number => (c.ref(v + h) - c.ref(v - h)) / (2 * h);
      const w = refOf([5], 9, -1, 1);
      const wT = tensor(Array.from(w.data));
      expectGradients({
        inputs: [refOf([5], 3, lo, hi, avoid)], name: `${c.name}''`,
        f: (x) => grad((t: Tensor) => sum(mul(c.fn(t), wT)))(x),
        ref: (x) => ({ data: x.data.map((v, i) => derivative(v) * w.data[i]), shape: x.shape }),
      });
      wT.dispose();
    }
  });

  it('give the same first gradient with or without an outer tape', () => {
    for (const c of ACTIVATIONS) {
      const x = tensor(Array.from(refOf([7], 5, ...c.range).data));
      const plain = tidy(() => Array.from(grad((t: Tensor) => sum(c.fn(t)))(x).dataSync()));
      // The inner gradient inside an outer call (which also differentiates it) takes the recorded-ops path.
      const nested = tidy(() => {
        let inner: number[] = [];
        grad((t: Tensor) => {
          const g = grad((u: Tensor) => sum(c.fn(u)))(t);
          inner = Array.from(g.dataSync());
          return sum(g);
        })(x);
        return inner;
      });
      nested.forEach((v, i) => expect(Math.abs(v - plain[i]), `${c.name} at ${i}`).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(plain[i]))));
      x.dispose();
    }
  });
});

describe('softmax and logSoftmax', () => {
  const CASES: [string, (x: Tensor, axis: number) => Tensor, (x: Ref, axis: number) => Ref][] = [
    ['softmax', softmax, refSoftmax],
    ['logSoftmax', logSoftmax, refLogSoftmax],
  ];

  for (const [name, op, ref] of CASES) {
    it(`${name} matches central differences along every axis (sizes 0 and 1 included), positive or negative`, () => {
      fc.assert(fc.property(arbShapeAndAxis, seed, fc.boolean(), ([shape, axis], s, negative) => {
        expectGradients({
          inputs: [refOf(shape, s, -3, 3)], f: (x) => op(x, negative ? axis - shape.length : axis), ref: (x) => ref(x, axis), seed: s,
          name: `${name}([${shape}], ${axis})`,
        });
      }), { numRuns: 25 });
    });

    it(`${name} adds the gradients of a tensor used twice`, () => {
      fc.assert(fc.property(arbShapeAndAxis, seed, ([shape, axis], s) => {
        expectGradients({
          inputs: [refOf(shape, s, -2, 2)], f: (x) => mul(op(x, axis), x),
          ref: (x) => { const y = ref(x, axis); return { data: y.data.map((v, i) => v * x.data[i]), shape: y.shape }; },
          seed: s, name: `${name}(x)·x`,
        });
      }), RUNS);
    });
  }

  it('softmax has second derivatives: the gradient of y·(w − Σ w·y), its first derivative', () => {
    fc.assert(fc.property(arbShapeAndAxis, seed, ([shape, axis], s) => {
      const w = f32(seededValues(size(shape), s + 7, 1));
      const first = (x: Ref): Ref => {
        const y = refSoftmax(x, axis);
        const wy = sumAlong({ data: y.data.map((v, i) => v * w[i]), shape }, axis);
        return { data: y.data.map((v, i) => v * (w[i] - wy[i])), shape };
      };
      expectGradients({
        inputs: [refOf(shape, s, -2, 2)], f: (x) => grad((t: Tensor) => sum(mul(softmax(t, axis), tensor(Array.from(w), shape))))(x),
        ref: first, seed: s, name: `softmax'([${shape}], ${axis})`,
      });
    }), RUNS);
  });

  it('logSoftmax has second derivatives: the gradient of w − softmax(x)·Σ w, its first derivative', () => {
    fc.assert(fc.property(arbShapeAndAxis, seed, ([shape, axis], s) => {
      const w = f32(seededValues(size(shape), s + 7, 1));
      const sums = sumAlong({ data: w, shape }, axis);
      const first = (x: Ref): Ref => ({ data: refSoftmax(x, axis).data.map((v, i) => w[i] - v * sums[i]), shape });
      expectGradients({
        inputs: [refOf(shape, s, -2, 2)], f: (x) => grad((t: Tensor) => sum(mul(logSoftmax(t, axis), tensor(Array.from(w), shape))))(x),
        ref: first, seed: s, name: `logSoftmax'([${shape}], ${axis})`,
      });
    }), RUNS);
  });

  it('gives logSoftmax finite gradients where log(softmax) would divide by an underflowed probability', () => {
    const g = tidy(() => Array.from(grad((x: Tensor) => sum(mul(logSoftmax(x), tensor([0, 1]))))(tensor([0, -200])).dataSync()));
    expect(g).toEqual([-1, 1]);
  });
});

describe('a chain', () => {
  it('differentiates mean(sigmoid(x·w + b)) in x, w and b against its reference', () => {
    // m and n at least 1 (the mean of nothing is NaN); k may be 0 (x·w is then zeros).
    const dims = fc.tuple(fc.constantFrom(1, 2, 4), fc.constantFrom(0, 1, 3), fc.constantFrom(1, 2, 5));
    fc.assert(fc.property(dims, seed, ([m, k, n], s) => {
      const ref = (x: Ref, w: Ref, b: Ref): Ref => {
        const z = refMatmul(x.data, w.data, m, k, n).data;
        let total = 0;
        z.forEach((v, i) => (total += refSigmoid(v + b.data[i % n])));
        return { data: Float64Array.of(total / (m * n)), shape: [] };
      };
      const f = (x: Tensor, w: Tensor, b: Tensor): Tensor => div(sum(sigmoid(add(matmul(x, w), b))), m * n);
      expectGradients({ inputs: [refOf([m, k], s), refOf([k, n], s + 1), refOf([n], s + 2)], f, ref, seed: s, name: `chain ${m}×${k}×${n}` });
    }), RUNS);
  });
});
