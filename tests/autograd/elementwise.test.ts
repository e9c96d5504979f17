// Gradients of the element-wise ops (src/ops/elementwise.ts) against float64 central differences (check.ts): every
// differentiable op over shapes with sizes 0 and 1 and broadcasting corners, number operands, a tensor used twice,
// gradients of gradients, and exact tests of the conventions at kinks and ties (maximum's tie goes to a, abs' is 0
// at 0, clipByValue's edges pass dy, comparisons pass nothing).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abs, add, clipByValue, div, equal, exp, grad, grads, greater, greaterEqual, less, lessEqual, log, maximum, minimum, mul, neg,
  notEqual, pow, sign, sqrt, square, sub, sum, tensor, Tensor, tidy, where, type Operand,
} from '../../src/index';
import { f32, failOnLeaks, refBinary, refUnary, size, strides, unravel, type Ref } from '../reference';
import { arbGradBroadcastPair, arbGradShape, expectGradients, refOf } from './check';

const RUNS = { numRuns: 15 };
const num = (v: number): Ref => ({ data: f32([v]), shape: [] });
const seed = fc.integer({ min: 1, max: 2 ** 30 });

/** Values on a grid of quarters (b of maximum and minimum) and values at least 0.05 away from it (a). */
const onQuarters = (r: Ref): Ref => ({ data: f32(r.data.map((v) => Math.round(v * 4) / 4)), shape: r.shape });
const offQuarters = (v: number): boolean => Math.abs(v * 4 - Math.round(v * 4)) < 0.2;

interface BinaryCase {
  name: string;
  fn: (a: Operand, b: Operand) => Tensor;
  ref: (x: number, y: number) => number;
  /** Operand values: a and b of the given shapes, from a seed, away from the op's kinks and poles. */
  values: (sa: number[], sb: number[], seed: number) => [Ref, Ref];
}

const plain = (sa: number[], sb: number[], s: number): [Ref, Ref] => [refOf(sa, s), refOf(sb, s + 1)];
const BINARY: BinaryCase[] = [
  { name: 'add', fn: add, ref: (x, y) => x + y, values: plain },
  { name: 'sub', fn: sub, ref: (x, y) => x - y, values: plain },
  { name: 'mul', fn: mul, ref: (x, y) => x * y, values: plain },
  { name: 'div', fn: div, ref: (x, y) => x / y, values: (sa, sb, s) => [refOf(sa, s), refOf(sb, s + 1, -2, 2, (v) => Math.abs(v) < 0.5)] },
  { name: 'pow', fn: pow, ref: (x, y) => x ** y, values: (sa, sb, s) => [refOf(sa, s, 0.5, 2), refOf(sb, s + 1, -2, 2)] },
  { name: 'maximum', fn: maximum, ref: Math.max, values: (sa, sb, s) => [refOf(sa, s, -2, 2, offQuarters), onQuarters(refOf(sb, s + 1))] },
  { name: 'minimum', fn: minimum, ref: Math.min, values: (sa, sb, s) => [refOf(sa, s, -2, 2, offQuarters), onQuarters(refOf(sb, s + 1))] },
];

interface UnaryCase {
  name: string;
  fn: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  lo: number;
  hi: number;
  avoid?: (v: number) => boolean;
}

const UNARY: UnaryCase[] = [
  { name: 'neg', fn: neg, ref: (x) => -x, lo: -2, hi: 2 },
  { name: 'abs', fn: abs, ref: Math.abs, lo: -2, hi: 2, avoid: (v) => Math.abs(v) < 0.05 },
  { name: 'exp', fn: exp, ref: Math.exp, lo: -2, hi: 2 },
  { name: 'log', fn: log, ref: Math.log, lo: 0.25, hi: 3 },
  { name: 'sqrt', fn: sqrt, ref: Math.sqrt, lo: 0.25, hi: 3 },
  { name: 'square', fn: square, ref: (x) => x * x, lo: -2, hi: 2 },
  { name: 'clipByValue', fn: (x) => clipByValue(x, -1, 0.5), ref: (x) => Math.min(Math.max(x, -1), 0.5), lo: -2, hi: 2,
    avoid: (v) => Math.abs(v + 1) < 0.05 || Math.abs(v - 0.5) < 0.05 },
];

/** Three shapes that broadcast together (each keeps or sets to 1 every axis of a base shape, may drop leading axes). */
const arbGradTriple = arbGradShape().chain((shape) => {
  const one = fc.tuple(fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.nat({ max: shape.length }))
    .map(([ones, drop]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
  return fc.tuple(one, one, one);
});

/** condition ? a : b with NumPy broadcasting of all three, in float64. */
function refWhere(c: Ref, a: Ref, b: Ref): Ref {
  const xs = [c, a, b];
  const rank = Math.max(...xs.map((x) => x.shape.length));
  const dim = (x: Ref, d: number): number => x.shape[x.shape.length - rank + d] ?? 1;
  const shape = Array.from({ length: rank }, (_, d) => xs.map((x) => dim(x, d)).find((n) => n !== 1) ?? 1);
  const pick = (x: Ref, idx: number[]): number =>
    x.data[x.shape.reduce((p, n, d) => p + (n === 1 ? 0 : idx[d + rank - x.shape.length]) * strides(x.shape)[d], 0)];
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    data[i] = pick(c, idx) !== 0 ? pick(a, idx) : pick(b, idx);
  }
  return { data, shape };
}

/** A gradient's values, -0 read as 0 (the sign of a zero gradient is not part of any convention here). */
const values = (t: Tensor): number[] => Array.from(t.dataSync(), (v) => v + 0);
/** d/dx of Σ f(x) at x (as numbers), for the exact tests. */
const gradOf = (f: (x: Tensor) => Tensor, x: number[]): number[] => tidy(() => values(grad((t: Tensor) => sum(f(t)))(tensor(x))));
const gradsOf = (f: (a: Tensor, b: Tensor) => Tensor, a: number[], b: number[]): number[][] =>
  tidy(() => grads((s: Tensor, t: Tensor) => sum(f(s, t)))([tensor(a), tensor(b)]).map(values));

failOnLeaks();

describe('binary ops', () => {
  for (const op of BINARY) {
    describe(op.name, () => {
      it('matches central differences over broadcast pairs (sizes 0 and 1, rank differences)', () => {
        fc.assert(fc.property(arbGradBroadcastPair(), seed, ([sa, sb], s) => {
          const [a, b] = op.values(sa, sb, s);
          expectGradients({ inputs: [a, b], f: (x, y) => op.fn(x, y), ref: (x, y) => refBinary(x, y, op.ref), seed: s, name: `${op.name}([${sa}], [${sb}])` });
        }), RUNS);
      });

      it('gives a number operand no gradient and the tensor its own, on either side', () => {
        fc.assert(fc.property(arbGradShape(), seed, (shape, s) => {
          const [a, b] = op.values(shape, [], s);
          const n = b.data[0];
          expectGradients({ inputs: [a], f: (x) => op.fn(x, n), ref: (x) => refBinary(x, num(n), op.ref), seed: s, name: `${op.name}(x, ${n})` });
          // As the left operand, the number takes a's range (pow's base must stay positive).
          const m = a.data.length ? a.data[0] : 1.25;
          const [, right] = op.values([], shape, s);
          expectGradients({ inputs: [right], f: (y) => op.fn(m, y), ref: (y) => refBinary(num(m), y, op.ref), seed: s, name: `${op.name}(${m}, y)` });
        }), RUNS);
      });

      it('adds both gradients of a tensor used twice: f(x) = op(x, x)', () => {
        fc.assert(fc.property(arbGradShape(), seed, (shape, s) => {
          const [x] = op.values(shape, shape, s);
          const safe = op.name === 'div' ? refOf(shape, s, 0.5, 2) : x;
          expectGradients({ inputs: [safe], f: (t) => op.fn(t, t), ref: (t) => refBinary(t, t, op.ref), seed: s, name: `${op.name}(x, x)` });
        }), RUNS);
      });
    });
  }

  it('gives maximum\'s tie to a and minimum\'s tie to a, and a NaN pair to neither (as TF.js)', () => {
    const a = [1, 2, 3, NaN, 5], b = [1, 0, 4, 1, NaN];
    expect(gradsOf(maximum, a, b)).toEqual([[1, 1, 0, 0, 0], [0, 0, 1, 0, 0]]);
    expect(gradsOf(minimum, a, b)).toEqual([[1, 0, 1, 0, 0], [0, 1, 0, 0, 0]]);
    expect(gradOf((x) => maximum(x, x), [1, -2])).toEqual([1, 1]);
    expect(gradOf((x) => minimum(x, 0), [0, -1, 1])).toEqual([1, 1, 0]);
    // Broadcast: a [1] tied with two of three elements and above the third takes all three.
    expect(gradsOf(maximum, [2], [2, 1, 3])).toEqual([[2], [0, 0, 1]]);
    expect(gradsOf(minimum, [2], [2, 1, 3])).toEqual([[2], [0, 1, 0]]);
  });

  it('gives pow\'s exponent gradient 0 where the base is <= 0, and its base gradient b·a^(b−1)', () => {
    const [da, db] = gradsOf(pow, [0, -2, 2, 4], [2, 2, 3, 0.5]);
    expect(da).toEqual([0, -4, 12, 0.25]);
    expect(db.slice(0, 2)).toEqual([0, 0]);
    expect(db[2]).toBeCloseTo(8 * Math.log(2), 5);
    expect(gradOf((x) => pow(-2, x), [1, 2])).toEqual([0, 0]);
    expect(gradOf((x) => pow(x, 0), [3, -1])).toEqual([0, 0]);
  });

  it('passes only finite gradients where dy is selected away (no Infinity·0 = NaN)', () => {
    // maximum routes dy exactly: an infinite dy for the other operand does not make NaN.
    tidy(() => {
      const dy = tensor([Infinity, 1]);
      const [da, db] = grads((a: Tensor, b: Tensor) => maximum(a, b))([tensor([1, 0]), tensor([0, 1])], dy);
      expect(Array.from(da.dataSync())).toEqual([Infinity, 0]);
      expect(Array.from(db.dataSync())).toEqual([0, 1]);
    });
  });
});

describe('unary ops', () => {
  for (const op of UNARY) {
    it(`${op.name} matches central differences over shapes with sizes 0 and 1, and used twice`, () => {
      fc.assert(fc.property(arbGradShape(), seed, (shape, s) => {
        const x = refOf(shape, s, op.lo, op.hi, op.avoid);
        expectGradients({ inputs: [x], f: op.fn, ref: (t) => refUnary(t, op.ref), seed: s, name: `${op.name}([${shape}])` });
        expectGradients({ inputs: [x], f: (t) => mul(op.fn(t), t), ref: (t) => refUnary(t, (v) => op.ref(v) * v), seed: s, name: `${op.name}(x)·x` });
      }), RUNS);
    });
  }

  it('gives abs a gradient of 0 at 0 and ±1 elsewhere', () => {
    expect(gradOf(abs, [0, -0, 2, -3])).toEqual([0, 0, 1, -1]);
  });

  it('gives clipByValue dy on both edges (inclusive, as TF.js) and 0 outside or at NaN', () => {
    expect(gradOf((x) => clipByValue(x, -1, 1), [-1, 1, -1.5, 1.5, 0, NaN])).toEqual([1, 1, 0, 0, 1, 0]);
    expect(gradOf((x) => clipByValue(x, 2, 2), [2, 1, 3])).toEqual([1, 0, 0]);
  });
});

describe('where', () => {
  it('sends dy to a where the condition holds and to b elsewhere, over three-way broadcasting; none to the condition', () => {
    fc.assert(fc.property(arbGradTriple, seed, ([sc, sa, sb], s) => {
      const c = refOf(sc, s + 2, -1, 1);
      const cond: Ref = { data: c.data.map((v) => (v > 0 ? 1 : 0)), shape: sc };
      expectGradients({
        inputs: [cond, refOf(sa, s), refOf(sb, s + 1)], wrt: [1, 2], f: (k, a, b) => where(k, a, b), ref: refWhere, seed: s,
        name: `where([${sc}], [${sa}], [${sb}])`,
      });
    }), { numRuns: 25 });
  });

  it('adds both branches of a tensor used twice, takes numbers, and gives the condition zeros', () => {
    expect(gradOf((x) => where(tensor([1, 0, 1]), x, x), [1, 2, 3])).toEqual([1, 1, 1]);
    expect(gradOf((x) => where(tensor([1, 0, NaN]), x, 5), [1, 2, 3])).toEqual([1, 0, 1]);
    expect(gradOf((x) => where(tensor([1, 0, 0]), 5, x.mul(2)), [1, 2, 3])).toEqual([0, 2, 2]);
    expect(gradsOf((c, a) => where(c, a, 0), [1, 0], [3, 4])).toEqual([[0, 0], [1, 0]]);
    // An infinite value in the branch not taken stays out of the gradient (a blend by multiplying would give NaN).
    tidy(() => {
      const g = grads((a: Tensor, b: Tensor) => where(tensor([1, 0]), a, b))([tensor([1, 2]), tensor([3, 4])], tensor([Infinity, NaN]));
      expect(g.map((t) => Array.from(t.dataSync()))).toEqual([[Infinity, 0], [0, NaN]]);
    });
  });
});

describe('comparisons and sign', () => {
  // Each comparison, and its mask of [-1, 1, 2] against 0.5.
  const COMPARISONS: [string, (a: Operand, b: Operand) => Tensor, number[]][] = [
    ['greater', greater, [0, 1, 1]], ['less', less, [1, 0, 0]], ['equal', equal, [0, 0, 0]],
    ['greaterEqual', greaterEqual, [0, 1, 1]], ['lessEqual', lessEqual, [1, 0, 0]], ['notEqual', notEqual, [1, 1, 1]],
  ];

  it('give zero gradients, and act as constants inside a product', () => {
    for (const [name, op, mask] of COMPARISONS) {
      expect(gradsOf(op, [1, 2, 3], [2, 2, 2]), name).toEqual([[0, 0, 0], [0, 0, 0]]);
      expect(gradOf((x) => mul(x, op(x, 0.5)), [-1, 1, 2]), name).toEqual(mask);
    }
    expect(gradOf(sign, [-1, 0, 2])).toEqual([0, 0, 0]);
    expect(gradOf((x) => mul(x, sign(x)), [-1, 3])).toEqual([-1, 1]);
  });
});

describe('chains and gradients of gradients', () => {
  it('differentiates a chain of element-wise ops against its reference', () => {
    fc.assert(fc.property(arbGradBroadcastPair(), seed, ([sa, sb], s) => {
      const f = (x: Tensor, y: Tensor): Tensor => div(sqrt(add(square(x), 1)), add(exp(neg(abs(y))), 0.5)).sub(log(add(mul(x, x), 2)));
      const ref = (x: Ref, y: Ref): Ref => refBinary(x, y, (u, v) => Math.sqrt(u * u + 1) / (Math.exp(-Math.abs(v)) + 0.5) - Math.log(u * u + 2));
      expectGradients({ inputs: [refOf(sa, s), refOf(sb, s + 1, -2, 2, (v) => Math.abs(v) < 0.05)], f, ref, seed: s, name: `chain([${sa}], [${sb}])` });
    }), RUNS);
  });

  it('gives second derivatives: the backwards are made of recorded ops', () => {
    const d2 = (f: (x: Tensor) => Tensor, at: number[]): number[] =>
      tidy(() => values(grad((x: Tensor) => sum(grad((t: Tensor) => sum(f(t)))(x)))(tensor(at))));
    const close = (actual: number[], expected: number[]): void => actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    close(d2(exp, [0, 1]), [1, Math.E]);
    close(d2(log, [1, 2]), [-1, -0.25]);
    close(d2(sqrt, [1, 4]), [-0.25, -1 / 32]);
    close(d2(square, [3]), [2]);
    close(d2((x) => pow(x, 3), [1, 2]), [6, 12]);
    close(d2((x) => pow(2, x), [1]), [2 * Math.LN2 ** 2]);
    close(d2((x) => div(1, x), [2]), [0.25]);
    close(d2((x) => maximum(mul(x, x), 1), [2, 0.5]), [2, 0]);
    close(d2((x) => where(tensor([1, 0]), mul(x, mul(x, x)), x), [1, 1]), [6, 0]);
    close(d2((x) => clipByValue(mul(x, x), 0, 2), [1, 3]), [2, 0]);
  });
});
