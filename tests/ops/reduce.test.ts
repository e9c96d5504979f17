// Reductions (src/ops/reduce.ts) against float64 references computed on the float32-rounded inputs: hand-picked
// values, fast-check properties over shapes with 0, 1, 3, 7, 17 and 129 and every kind of axis argument (one, several
// adjacent or not, all, negative, keepDims), empty axes, special values, and bad input that must throw without leaking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange, argmax, argmin, DisposedError, full, max, mean, memory, min, randomUniform, scalar, sum, tensor, Tensor, tidy, zeros,
} from '../../src/index';
import {
  arbAxisArg, arbShape, arbSpecialValues, arbValues, expectBounded, expectExact, expectThrowsClean, normalizeAxes,
  refReduce, size, type Ref,
  failOnLeaks,
} from '../reference';
import { expectForeignRejected } from './foreign';

type Axis = number | number[] | undefined;
type ReduceName = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin';

interface ReduceOp {
  name: ReduceName;
  fn: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor;
  method: (x: Tensor, axis?: Axis, keepDims?: boolean) => Tensor;
  ref: (values: Float64Array) => number;
  /** Error bound of one output from its reduced values (count n, Σ|x|); 0 means exact, -0 and +0 told apart. */
  bound: (n: number, sumAbs: number) => number;
  /** max, min, argmax, argmin have no value over an empty axis and must throw there. */
  needsValues: boolean;
}

const refSum = (v: Float64Array): number => v.reduce((s, x) => s + x, 0);
const refMax = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, x), -Infinity);
const refMin = (v: Float64Array): number => v.reduce((m, x) => Math.min(m, x), Infinity);
// First NaN if any, else the first index of the extreme value.
const refArg = (better: (x: number, y: number) => boolean) => (v: Float64Array): number => {
  const nan = v.findIndex(Number.isNaN);
  if (nan >= 0) return nan;
  let at = 0;
  for (let j = 1; j < v.length; j++) if (better(v[j], v[at])) at = j;
  return at;
};

// Pairwise float32 summation (assembly/sum.ts): |error| ≤ k·2^-24·Σ|x| with k the larger of its row bound
// 23 + ⌈log2(n/1024)⌉ and its column bound 17 + ⌈log2(n/16)⌉; 1.01 leaves room for second-order terms.
const levels = (n: number, leaf: number): number => (n > leaf ? Math.ceil(Math.log2(n / leaf)) : 0);
const pairwiseBound = (n: number): number => Math.max(23 + levels(n, 1024), 17 + levels(n, 16)) * 1.01 * 2 ** -24;

const REDUCE: ReduceOp[] = [
  { name: 'sum', fn: sum, method: (x, a, k) => x.sum(a, k), ref: refSum, bound: (n, s) => pairwiseBound(n) * s, needsValues: false },
  // The sum's bound over n, plus the rounding of the quotient (|mean| ≤ Σ|x|/n; 2^-150 if the mean is subnormal).
  { name: 'mean', fn: mean, method: (x, a, k) => x.mean(a, k), ref: (v) => refSum(v) / v.length,
    bound: (n, s) => ((pairwiseBound(n) + 2 ** -24) * s) / n + 2 ** -150, needsValues: false },
  // Selections: exact.
  { name: 'max', fn: max, method: (x, a, k) => x.max(a, k), ref: refMax, bound: () => 0, needsValues: true },
  { name: 'min', fn: min, method: (x, a, k) => x.min(a, k), ref: refMin, bound: () => 0, needsValues: true },
  { name: 'argmax', fn: argmax, method: (x, a, k) => x.argmax(a, k), ref: refArg((x, y) => x > y), bound: () => 0, needsValues: true },
  { name: 'argmin', fn: argmin, method: (x, a, k) => x.argmin(a, k), ref: refArg((x, y) => x < y), bound: () => 0, needsValues: true },
];

const make = (r: Ref): Tensor => tensor(Float32Array.from(r.data), r.shape);
const values = (t: Tensor): number[] => Array.from(t.dataSync());
// Calls an op with arguments its types forbid, to test the run-time checks.
const loose = (fn: (...args: never[]) => unknown): ((...args: unknown[]) => unknown) => fn as (...args: unknown[]) => unknown;
const showAxis = (axis: Axis): string => (axis === undefined ? 'all' : JSON.stringify(axis));

/** Runs a reduction and checks it against the float64 reference, or that it throws over an empty axis. */
function checkReduce(op: ReduceOp, x: Ref, axis: Axis, keepDims: boolean, useMethod: boolean): void {
  const axes = normalizeAxes(axis, x.shape.length);
  const ref = refReduce(x, axes, keepDims, op.ref);
  const context = `${op.name}([${x.shape.join(',')}], ${showAxis(axis)}, keepDims ${keepDims})`;
  tidy(() => {
    const t = make(x);
    const call = (): Tensor => (useMethod ? op.method(t, axis, keepDims) : op.fn(t, axis, keepDims));
    const reduced = size(axes.map((d) => x.shape[d]));
    if (op.needsValues && reduced === 0 && size(ref.shape) > 0) {
      expectThrowsClean(call, RangeError, [`${op.name}: cannot reduce over axes [${axes.join(',')}] of [${x.shape.join(',')}]`], memory);
      return;
    }
    const out = call();
    expect(out.shape, context).toEqual(ref.shape);
    const sumAbs = refReduce({ data: x.data.map(Math.abs), shape: x.shape }, axes, keepDims, refSum).data;
    const bounds = sumAbs.map((s) => op.bound(reduced, s));
    if (op.bound(reduced, 1) === 0) expectExact(out.dataSync(), ref.data, context);
    else expectBounded(out.dataSync(), ref.data, bounds, context);
  });
}

failOnLeaks();

describe('hand-picked values', () => {
  it('match the JSDoc examples', () => {
    tidy(() => {
      const x = tensor([[1, 2], [3, 4]]);
      expect(sum(x, 0).toArray()).toEqual([4, 6]);
      expect(mean(x, 1).toArray()).toEqual([1.5, 3.5]);
      expect(max(tensor([[1, 5], [3, 4]])).item()).toBe(5);
      expect(min(tensor([[1, 5], [3, 4]]), 1).toArray()).toEqual([1, 3]);
      expect(argmax(tensor([[1, 5], [7, 4]]), 1).toArray()).toEqual([1, 0]);
      expect(argmin(tensor([3, 1, 2])).item()).toBe(1);
    });
  });

  it('reduce everything to a rank-0 tensor by default, or keep every axis as 1', () => {
    tidy(() => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      expect(sum(x).shape).toEqual([]);
      expect(sum(x).item()).toBe(21);
      expect(mean(x).item()).toBe(3.5);
      expect(max(x).item()).toBe(6);
      expect(min(x).item()).toBe(1);
      expect(argmax(x).item()).toBe(5);
      expect(argmin(x).item()).toBe(0);
      expect(sum(x, undefined, true).shape).toEqual([1, 1]);
      expect(sum(x, undefined, true).toArray()).toEqual([[21]]);
      expect(x.sum(1, true).toArray()).toEqual([[6], [15]]);
      expect(x.mean(0, true).toArray()).toEqual([[2.5, 3.5, 4.5]]);
    });
  });

  it('reduce adjacent, non-adjacent and negative axes of a 3-D tensor', () => {
    tidy(() => {
      const x = arange(24).reshape([2, 3, 4]); // x[i,j,k] = 12i + 4j + k
      expect(sum(x, [0, 2]).toArray()).toEqual([60, 92, 124]);
      expect(sum(x, [-1, -3]).toArray()).toEqual([60, 92, 124]);
      expect(sum(x, [2, 0], true).shape).toEqual([1, 3, 1]);
      expect(max(x, [0, 2], true).toArray()).toEqual([[[15], [19], [23]]]);
      expect(min(x, [0, 2]).toArray()).toEqual([0, 4, 8]);
      expect(mean(x, [0, 1]).toArray()).toEqual([10, 11, 12, 13]);
      expect(mean(x, [1, 2]).toArray()).toEqual([5.5, 17.5]);
      expect(sum(x, -1).toArray()).toEqual([[6, 22, 38], [54, 70, 86]]);
      expect(sum(x, 1).toArray()).toEqual([[12, 15, 18, 21], [48, 51, 54, 57]]);
      // Over several axes, argmax is the flat row-major index over the reduced axes (in increasing axis order).
      expect(argmax(x, [0, 2]).toArray()).toEqual([7, 7, 7]);
      expect(argmax(x, [2, 0]).toArray()).toEqual([7, 7, 7]);
      expect(argmin(x, [0, 2]).toArray()).toEqual([0, 0, 0]);
      expect(argmax(x, [1, 2]).toArray()).toEqual([11, 11]);
      expect(argmax(x).item()).toBe(23);
      expect(argmax(x.neg(), [0, 1], true).toArray()).toEqual([[[0, 0, 0, 0]]]);
    });
  });

  it('treat an empty axis list as reducing nothing (NumPy axis=())', () => {
    tidy(() => {
      const x = tensor([[1, -2], [3, 4]]);
      for (const op of [sum, mean, max, min]) {
        const out = op(x, []);
        expect(out.shape).toEqual([2, 2]);
        expect(out.toArray()).toEqual([[1, -2], [3, 4]]);
      }
      expect(argmax(x, []).toArray()).toEqual([[0, 0], [0, 0]]);
    });
  });

  it('reduce a rank-0 tensor to itself', () => {
    tidy(() => {
      const s = scalar(-2.5);
      for (const op of [sum, mean, max, min]) {
        expect(op(s).shape).toEqual([]);
        expect(op(s).item()).toBe(-2.5);
        expect(op(s, [], true).item()).toBe(-2.5);
      }
      expect(argmax(s).item()).toBe(0);
      expect(argmin(s).shape).toEqual([]);
    });
  });

  it('give results for float32 sums of many values within the pairwise bound', () => {
    tidy(() => {
      const n = 129 * 129;
      expect(sum(zeros([129, 129]).add(1)).item()).toBe(n);
      expect(mean(zeros([17, 129, 7]).add(0.5), [0, 1]).toArray()).toEqual(Array(7).fill(0.5));
      const big = sum(arange(n)).item();
      const exact = (n * (n - 1)) / 2;
      expect(Math.abs(big - exact)).toBeLessThanOrEqual(pairwiseBound(n) * exact);
    });
  });
});

describe('pairwise summation: no float32 drift over long sums', () => {
  // Each element is f32(0.1), so the exact sum of n of them is n·f32(0.1) in float64.
  const tenth = Math.fround(0.1);
  const relativeError = (got: number, n: number): number => Math.abs(got - n * tenth) / (n * tenth);

  it('sum(full([1e7], 0.1)) is within 1e-6 of 1e7·f32(0.1)', () => {
    tidy(() => {
      // A plain float32 loop gives 1005958.56 here (0.6 % off).
      expect(relativeError(sum(full([1e7], 0.1)).item(), 1e7)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('mean of a 4000×4000 tensor of 0.1 is within 1e-6 of f32(0.1), over all axes and over each', () => {
    tidy(() => {
      const x = full([4000, 4000], 0.1);
      expect(Math.abs(mean(x).item() - tenth) / tenth).toBeLessThanOrEqual(1e-6);
      for (const axis of [0, 1]) {
        const worst = mean(x, axis).dataSync().reduce((w, v) => Math.max(w, Math.abs(v - tenth) / tenth), 0);
        expect(worst, `mean over axis ${axis}`).toBeLessThanOrEqual(1e-6);
      }
    });
  });

  it('axis sums of long columns and rows ([1e6, 3], [1e6, 21], [3, 1e6], [1000, 3, 1000]) are within 1e-6', () => {
    tidy(() => {
      // Columns 1, then 4 + 1, then 16 + 4 + 1 at a time down 1e6 rows; rows of 1e6; non-adjacent axes (moved last).
      const cases: [number[], number | number[], number][] = [[[1e6, 3], 0, 1e6], [[1e6, 21], 0, 1e6], [[3, 1e6], 1, 1e6],
        [[1000, 3, 1000], [0, 2], 1e6], [[1e6, 3], 1, 3]];
      for (const [shape, axis, n] of cases) {
        const worst = sum(full(shape, 0.1), axis).dataSync().reduce((w, v) => Math.max(w, relativeError(v, n)), 0);
        expect(worst, `sum(full([${shape}]), ${JSON.stringify(axis)})`).toBeLessThanOrEqual(1e-6);
      }
    });
  });

  it('random values over 2^20 + 7 elements stay within the pairwise bound of the float64 sum', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(0, 1), (seed, axis) => {
      tidy(() => {
        const shape = axis === 0 ? [(2 ** 20 + 7) / 3 | 0, 3] : [2, 2 ** 20 + 7];
        const x = randomUniform(shape, -1, 3, { seed });
        const data = x.dataSync(), [rows, cols] = shape;
        const got = sum(x, axis).dataSync();
        const outputs = axis === 0 ? cols : rows, n = axis === 0 ? rows : cols;
        for (let o = 0; o < outputs; o++) {
          let exact = 0, abs = 0;
          for (let j = 0; j < n; j++) {
            const v = data[axis === 0 ? j * cols + o : o * cols + j];
            exact += v;
            abs += Math.abs(v);
          }
          expect(Math.abs(got[o] - exact), `output ${o} of [${shape}] over axis ${axis}`).toBeLessThanOrEqual(pairwiseBound(n) * abs);
        }
      });
    }), { numRuns: 4 });
  });
});

describe('empty axes', () => {
  const counts = memory;

  it('sum to 0 and mean to NaN over an empty axis', () => {
    tidy(() => {
      expect(sum(zeros([0])).shape).toEqual([]);
      expect(sum(zeros([0])).item()).toBe(0);
      expect(mean(zeros([0])).item()).toBeNaN();
      expect(values(sum(zeros([2, 0]), 1))).toEqual([0, 0]);
      expect(values(mean(zeros([2, 0]), 1))).toEqual([NaN, NaN]);
      expect(sum(zeros([2, 0]), 1, true).toArray()).toEqual([[0], [0]]);
      expect(values(sum(zeros([2, 0, 3]), [1, 2]))).toEqual([0, 0]);
      expect(values(mean(zeros([5, 0, 3]), [0, 1]))).toEqual([NaN, NaN, NaN]);
      // Five columns: one four-lane block and a tail.
      expect(values(mean(zeros([0, 5]), 0))).toEqual([NaN, NaN, NaN, NaN, NaN]);
      expect(values(sum(zeros([0, 5]), 0))).toEqual([0, 0, 0, 0, 0]);
      // Non-adjacent axes, one of them empty.
      expect(values(sum(zeros([0, 2, 3]), [0, 2]))).toEqual([0, 0]);
      expect(values(mean(zeros([3, 2, 0, 1]), [0, 2]))).toEqual([NaN, NaN]);
    });
  });

  it('give an empty result when a kept axis is empty', () => {
    tidy(() => {
      for (const op of REDUCE) {
        expect(op.fn(zeros([0, 3]), 1).shape).toEqual([0]);
        expect(op.fn(zeros([2, 0]), 0).shape).toEqual([0]);
        expect(op.fn(zeros([2, 0]), 0, true).shape).toEqual([1, 0]);
        expect(op.fn(zeros([0, 3, 4]), [1, 2]).shape).toEqual([0]);
      }
    });
  });

  for (const name of ['max', 'min', 'argmax', 'argmin'] as const) {
    it(`${name} throws a RangeError over an empty axis, naming the axes and the shape`, () => {
      const op = REDUCE.find((r) => r.name === name);
      if (!op) throw new Error(name);
      tidy(() => {
        const empty1 = zeros([0]), empty2 = zeros([2, 0]), empty3 = zeros([0, 2, 3]);
        expectThrowsClean(() => op.fn(empty1), RangeError, [`${name}: cannot reduce over axes [0] of [0]`, 'empty'], counts);
        expectThrowsClean(() => op.fn(empty2, 1), RangeError, [`${name}: cannot reduce over axes [1] of [2,0]`], counts);
        expectThrowsClean(() => op.fn(empty2, -1, true), RangeError, [`${name}: cannot reduce over axes [1] of [2,0]`], counts);
        expectThrowsClean(() => op.fn(empty2), RangeError, [`${name}: cannot reduce over axes [0,1] of [2,0]`], counts);
        expectThrowsClean(() => op.fn(empty3, [0, 2]), RangeError, [`${name}: cannot reduce over axes [0,2] of [0,2,3]`], counts);
        expectThrowsClean(() => op.method(empty3, [0, 1]), RangeError, [`${name}: cannot reduce over axes [0,1] of [0,2,3]`], counts);
      });
    });
  }
});

describe('special values', () => {
  // Lengths 5 (scalar loop), 17 (one 16-wide SIMD block and a tail) and 129 (several blocks and a tail).
  const row = (n: number, at: Record<number, number>): number[] => Array.from({ length: n }, (_, i) => at[i] ?? (i % 7) - 3);

  it('sum propagates NaN and Infinity, and Infinity - Infinity is NaN', () => {
    tidy(() => {
      for (const n of [5, 17, 129]) {
        expect(sum(tensor(row(n, { 3: NaN }))).item()).toBeNaN();
        expect(sum(tensor(row(n, { [n - 1]: Infinity }))).item()).toBe(Infinity);
        expect(sum(tensor(row(n, { 0: -Infinity }))).item()).toBe(-Infinity);
        expect(sum(tensor(row(n, { 1: Infinity, [n - 2]: -Infinity }))).item()).toBeNaN();
        expect(mean(tensor(row(n, { 4: NaN }))).item()).toBeNaN();
      }
    });
  });

  it('max and min propagate NaN along rows and columns, in SIMD blocks and tails', () => {
    tidy(() => {
      for (const n of [5, 17, 129]) {
        for (const at of [0, 2, n - 1]) {
          const x = tensor(row(n, { [at]: NaN }));
          expect(max(x).item()).toBeNaN();
          expect(min(x).item()).toBeNaN();
          // As a column of a [n, 6] tensor: four lanes at a time, then a two-column tail.
          const cols = tensor(row(n, { [at]: NaN }).flatMap((v, i) => [i, v, -i, v, 1, v]), [n, 6]);
          expectExact(values(max(cols, 0)), [n - 1, NaN, -0, NaN, 1, NaN]);
          expectExact(values(min(cols, 0)), [0, NaN, -(n - 1), NaN, 1, NaN]);
        }
      }
      expectExact(values(max(tensor([-Infinity, -Infinity]))), [-Infinity]);
      expectExact(values(min(tensor([Infinity, 3]))), [3]);
    });
  });

  it('argmax and argmin return the first NaN if any, else the first of tied extremes', () => {
    tidy(() => {
      expect(argmax(tensor([1, NaN, 3, NaN])).item()).toBe(1);
      expect(argmin(tensor([1, NaN, -3, NaN])).item()).toBe(1);
      expect(argmax(tensor([NaN, 100])).item()).toBe(0);
      expect(argmax(tensor([100, 5, NaN, 200])).item()).toBe(2);
      expect(argmax(tensor([3, 7, 7, 1])).item()).toBe(1);
      expect(argmin(tensor([2, 1, 1, 1])).item()).toBe(1);
      expect(argmax(tensor([5, 5, 5])).item()).toBe(0);
      expect(argmax(tensor([-Infinity, -Infinity])).item()).toBe(0);
      expect(argmax(tensor([0, -0])).item()).toBe(0);
      expect(argmin(tensor([-0, 0])).item()).toBe(0);
      expect(argmax(tensor([1, Infinity, Infinity])).item()).toBe(1);
      expect(argmax(tensor(row(129, { 40: 50, 90: 50, 100: NaN, 120: NaN }))).item()).toBe(100);
      expect(argmax(tensor(row(129, { 40: 50, 90: 50 }))).item()).toBe(40);
      expect(argmax(tensor([[1, 5], [NaN, 2], [7, NaN]]), 0).toArray()).toEqual([1, 2]);
      expect(argmin(tensor([[4, 4, 1], [1, 4, 1]]), 1).toArray()).toEqual([2, 0]);
    });
  });

  it('match the reference on special values over random axes', () => {
    // No float32 maximum here: partial sums could overflow in an order-dependent way.
    const pool = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, 0.5, 2 ** -149];
    fc.assert(fc.property(arbShape(3, 512).chain((s) => fc.tuple(arbSpecialValues(size(s), pool).map((data) => ({ data, shape: s })),
      arbAxisArg(s.length), fc.boolean())), ([x, axis, keepDims]) => {
      for (const op of REDUCE) checkReduce(op, x, axis, keepDims, false);
    }), { numRuns: 60 });
  });
});

describe('random shapes and axes against the float64 reference', () => {
  for (const op of REDUCE) {
    it(`${op.name} over one, several, all or no axes, negative or not, with keepDims, as a function and a method`, () => {
      fc.assert(fc.property(arbShape(4, 4096).chain((s) => fc.tuple(arbValues(size(s)).map((data) => ({ data, shape: s })),
        arbAxisArg(s.length), fc.boolean(), fc.boolean())), ([x, axis, keepDims, useMethod]) =>
        checkReduce(op, x, axis, keepDims, useMethod)), { numRuns: 40 });
    });
  }

  it('keepDims keeps the same values with size-1 axes', () => {
    fc.assert(fc.property(arbShape(4, 2048).chain((s) => fc.tuple(arbValues(size(s)).map((data) => ({ data, shape: s })),
      arbAxisArg(s.length))), ([x, axis]) => {
      tidy(() => {
        const t = make(x);
        const axes = normalizeAxes(axis, x.shape.length);
        for (const op of REDUCE) {
          if (op.needsValues && t.size === 0) continue;
          const kept = op.fn(t, axis, true), dropped = op.fn(t, axis);
          expect(kept.shape).toEqual(x.shape.map((n, d) => (axes.includes(d) ? 1 : n)));
          expectExact(kept.dataSync(), dropped.dataSync(), `${op.name} keepDims`);
        }
      });
    }), { numRuns: 30 });
  });
});

describe('bad input', () => {
  const counts = memory;

  it('every reduction rejects foreign objects (plain, TF.js-like, another copy\'s Tensor, nested 100,000 deep) naming op and argument', () => {
    for (const op of REDUCE) expectForeignRejected((x) => op.fn(x), op.name, 'x');
  });

  for (const op of REDUCE) {
    it(`${op.name} rejects non-tensors and disposed tensors`, () => {
      for (const [value, got] of [['1', 'got "1"'], [null, 'got null'], [[1, 2], 'got [1,2]'], [3, 'got 3'], [undefined, 'got undefined']] as [unknown, string][]) {
        expectThrowsClean(() => loose(op.fn)(value), TypeError, [`${op.name}: x must be a Tensor`, got], counts);
      }
      const gone = tensor([1, 2]);
      gone.dispose();
      expectThrowsClean(() => op.fn(gone), DisposedError, [`${op.name}: x was disposed`], counts);
      expectThrowsClean(() => op.method(gone, 0), DisposedError, [`${op.name}: x was disposed`], counts);
    });

    it(`${op.name} rejects axes out of range, naming the axis and the rank`, () => {
      tidy(() => {
        const x = zeros([2, 3]), s = scalar(1);
        expectThrowsClean(() => op.fn(x, 2), RangeError, [`${op.name}: axis 2 is out of range`, 'rank 2'], counts);
        expectThrowsClean(() => op.fn(x, -3), RangeError, [`${op.name}: axis -3 is out of range`, 'rank 2'], counts);
        expectThrowsClean(() => op.fn(x, [0, 5]), RangeError, [`${op.name}: axis[1] 5 is out of range`, 'rank 2'], counts);
        expectThrowsClean(() => op.method(x, [-4], true), RangeError, [`${op.name}: axis[0] -4 is out of range`, 'rank 2'], counts);
        expectThrowsClean(() => op.fn(s, 0), RangeError, [`${op.name}: axis 0 is out of range`, 'rank 0'], counts);
      });
    });

    it(`${op.name} rejects repeated axes, naming them and the rank`, () => {
      tidy(() => {
        const x = zeros([2, 3, 4]);
        expectThrowsClean(() => op.fn(x, [1, 1]), RangeError, [`${op.name}: axis [1,1] repeats`, 'axis 1 of a tensor of rank 3'], counts);
        expectThrowsClean(() => op.fn(x, [0, -3]), RangeError, [`${op.name}: axis [0,-3] repeats`, 'axis 0 of a tensor of rank 3'], counts);
        expectThrowsClean(() => op.method(x, [2, 0, -1]), RangeError, [`${op.name}: axis [2,0,-1] repeats`, 'axis 2 of a tensor of rank 3'], counts);
      });
    });

    it(`${op.name} rejects fractional and non-number axes with a TypeError naming the axis and the rank`, () => {
      tidy(() => {
        const x = zeros([2, 3]);
        const cases: [unknown, string, string][] = [[0.5, 'axis', 'got 0.5'], ['0', 'axis', 'got "0"'], [NaN, 'axis', 'got NaN'],
          [[0, 1.5], 'axis[1]', 'got 1.5'], [['1'], 'axis[0]', 'got "1"'], [true, 'axis', 'got true'], [Infinity, 'axis', 'got Infinity']];
        for (const [axis, arg, got] of cases) {
          expectThrowsClean(() => loose(op.fn)(x, axis), TypeError, [`${op.name}: ${arg} must be an integer`, got, 'rank 2'], counts);
        }
      });
    });
  }
});
