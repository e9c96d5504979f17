// Selections of src/ops/elementwise.ts, where and clipByValue, against float64 references: hand-picked values,
// fast-check properties over three-way broadcasting (sizes 0 and 1, rank differences) with special values (exact:
// both copy bits), and bad input that must throw without leaking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipByValue, DisposedError, memory, ShapeError, tensor, Tensor, tidy, where, zeros, type Operand } from '../../src/index';
import { arbShape, arbSpecialValues, expectExact, expectThrowsClean, f32, size, SPECIALS, strides, unravel, failOnLeaks, type Ref } from '../reference';
import { expectForeignRejected } from './foreign';

const make = (r: Ref): Tensor => tensor(Float32Array.from(r.data), r.shape);
const run = (fn: () => Tensor): number[] => tidy(() => Array.from(fn().dataSync()));
const loose = (fn: (...args: never[]) => unknown): ((...args: unknown[]) => unknown) => fn as (...args: unknown[]) => unknown;
const CONDITIONS = [0, -0, 1, -1, 2, NaN, Infinity, 2 ** -149];

/** Three shapes that broadcast together: each keeps or sets to 1 every axis of a base shape, and may drop leading axes. */
function arbTripleBroadcast(maxRank = 4, maxSize = 4096): fc.Arbitrary<[number[], number[], number[]]> {
  return arbShape(maxRank, maxSize).chain((shape) => {
    const one = fc.tuple(fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.nat({ max: shape.length }))
      .map(([ones, drop]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
    return fc.tuple(one, one, one);
  });
}

/** out[idx] = fn of the three operands at idx, NumPy broadcasting, in float64. */
function refTernary(xs: readonly Ref[], fn: (c: number, a: number, b: number) => number): Ref {
  const rank = Math.max(...xs.map((x) => x.shape.length));
  const dim = (x: Ref, d: number): number => x.shape[x.shape.length - rank + d] ?? 1;
  const shape = Array.from({ length: rank }, (_, d) => xs.map((x) => dim(x, d)).find((n) => n !== 1) ?? 1);
  if (xs.some((x) => x.shape.some((n, d) => n !== 1 && n !== shape[d + rank - x.shape.length]))) throw new Error('no broadcast');
  const pick = (x: Ref, idx: number[]): number => {
    const s = strides(x.shape);
    return x.data[x.shape.reduce((p, n, d) => p + (n === 1 ? 0 : idx[d + rank - x.shape.length]) * s[d], 0)];
  };
  const data = new Float64Array(size(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    data[i] = fn(pick(xs[0], idx), pick(xs[1], idx), pick(xs[2], idx));
  }
  return { data, shape };
}

const select = (c: number, a: number, b: number): number => (c !== 0 ? a : b);

failOnLeaks();

describe('where', () => {
  it('matches the JSDoc examples, as a function and a method', () => {
    tidy(() => {
      expect(where(tensor([1, 0, 1]), tensor([1, 2, 3]), tensor([-1, -2, -3])).toArray()).toEqual([1, -2, 3]);
      expect(where(tensor([[1], [0]]), tensor([1, 2]), 0).toArray()).toEqual([[1, 2], [0, 0]]);
      expect(tensor([1, 2, 3]).where(tensor([1, 0, 1]), 0).toArray()).toEqual([1, 0, 3]);
    });
  });

  it('counts NaN, Infinity and subnormal conditions as true, ±0 as false, and copies values as bits', () => {
    // Nine elements: eight through the SIMD body, one through the scalar tail.
    const c = [NaN, 0, -0, Infinity, 2 ** -149, -1, 0, 1, -0];
    const a = [1, Infinity, NaN, -0, NaN, -Infinity, 5, 0, 7];
    const b = [NaN, -0, 3, 0, 4, 1, NaN, 9, Infinity];
    expectExact(run(() => where(tensor(c), tensor(a), tensor(b))), [1, -0, 3, -0, NaN, -Infinity, NaN, 0, Infinity]);
    expectExact(run(() => where(tensor(c), -0, Infinity)), [-0, Infinity, Infinity, -0, -0, -0, Infinity, -0, Infinity]);
  });

  it('matches the reference over three-way broadcasting with special values, each operand a tensor or a number', () => {
    fc.assert(fc.property(
      arbTripleBroadcast().chain(([sc, sa, sb]) => fc.tuple(
        arbSpecialValues(size(sc), CONDITIONS).map((data) => ({ data, shape: sc })),
        arbSpecialValues(size(sa)).map((data) => ({ data, shape: sa })),
        arbSpecialValues(size(sb)).map((data) => ({ data, shape: sb })),
        fc.constantFrom(...SPECIALS), fc.constantFrom('tensors', 'a number', 'b number', 'method'))),
      ([c, a, b, n, kind]) => {
        tidy(() => {
          const numberA = kind === 'a number', numberB = kind === 'b number';
          const ra: Ref = numberA ? { data: f32([n]), shape: [] } : a, rb: Ref = numberB ? { data: f32([n]), shape: [] } : b;
          const oa: Operand = numberA ? n : make(a), ob: Operand = numberB ? n : make(b);
          const out = kind === 'method' ? (oa as Tensor).where(make(c), ob) : where(make(c), oa, ob);
          const ref = refTernary([c, ra, rb], select);
          const context = `where([${c.shape}], ${numberA ? n : `[${a.shape}]`}, ${numberB ? n : `[${b.shape}]`})`;
          expect(out.shape, context).toEqual(ref.shape);
          expectExact(out.dataSync(), ref.data, context);
        });
      }), { numRuns: 80 });
  });

  it('gives empty results of the broadcast shape', () => {
    tidy(() => {
      expect(where(zeros([0, 1]), zeros([3]), 1).shape).toEqual([0, 3]);
      expect(where(zeros([1]), zeros([2, 0]), zeros([1, 1])).shape).toEqual([2, 0]);
    });
  });

  it('rejects a condition that is not a tensor, operands that are neither, disposed tensors and shapes that do not broadcast', () => {
    tidy(() => {
      const t = tensor([1, 2]);
      expectForeignRejected((x) => where(x, t, t), 'where', 'condition');
      expectForeignRejected((x) => where(t, x, t), 'where', 'a');
      expectForeignRejected((x) => where(t, t, x), 'where', 'b');
      expectThrowsClean(() => loose(where)(1, t, t), TypeError, ['where: condition must be a Tensor', 'got 1'], memory);
      expectThrowsClean(() => loose(where)(t, '1', t), TypeError, ['where: a must be a Tensor or a number', 'got "1"'], memory);
      expectThrowsClean(() => loose(where)(t, t, null), TypeError, ['where: b must be a Tensor or a number', 'got null'], memory);
      const gone = tensor([1, 2]);
      gone.dispose();
      expectThrowsClean(() => where(gone, t, t), DisposedError, ['where: condition was disposed'], memory);
      expectThrowsClean(() => where(t, gone, t), DisposedError, ['where: a was disposed'], memory);
      expectThrowsClean(() => where(t, t, gone), DisposedError, ['where: b was disposed'], memory);
      const three = zeros([3]), column = zeros([2, 1]), wide = zeros([3, 2]);
      expectThrowsClean(() => where(three, t, t), ShapeError, ['where: shapes [3] (condition), [2] (a) and [2] (b) do not broadcast'], memory);
      expectThrowsClean(() => where(t, column, wide), ShapeError, ['[2] (condition), [2,1] (a) and [3,2] (b)'], memory);
    });
  });
});

describe('clipByValue', () => {
  const refClip = (lo: number, hi: number) => (x: number): number => (Number.isNaN(x) ? x : Math.min(Math.max(x, lo), hi));

  it('matches the JSDoc examples, as a function and a method', () => {
    expect(run(() => clipByValue(tensor([-2, 0.5, 3]), 0, 1))).toEqual([0, 0.5, 1]);
    expect(run(() => tensor([-2, 0.5, 3]).clipByValue(0, 1))).toEqual([0, 0.5, 1]);
  });

  it('keeps NaN, takes infinite bounds and equal bounds, and rounds bounds to float32', () => {
    const x = [NaN, -Infinity, Infinity, -0, 0, 5, -5, 0.1, NaN];
    expectExact(run(() => clipByValue(tensor(x), -1, 1)), [NaN, -1, 1, -0, 0, 1, -1, Math.fround(0.1), NaN]);
    expectExact(run(() => clipByValue(tensor(x), -Infinity, Infinity)), f32(x));
    expectExact(run(() => clipByValue(tensor(x), 2, 2)), [NaN, 2, 2, 2, 2, 2, 2, 2, NaN]);
    expectExact(run(() => clipByValue(tensor([0.2, 0.05]), 0.1, 0.1)), [Math.fround(0.1), Math.fround(0.1)]);
  });

  it('matches the reference on random shapes and special values', () => {
    const bound = fc.oneof(fc.constantFrom(...SPECIALS.filter((v) => !Number.isNaN(v))), fc.double({ min: -3, max: 3, noNaN: true }));
    fc.assert(fc.property(arbShape(4, 4096).chain((s) => fc.tuple(
      fc.oneof(arbSpecialValues(size(s)), fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: size(s), maxLength: size(s) })
        .map((v) => Float64Array.from(v))).map((data) => ({ data: f32(data), shape: s })), bound, bound)),
    ([x, p, q]) => {
      const [lo, hi] = p <= q ? [p, q] : [q, p];
      tidy(() => {
        const out = clipByValue(make(x), lo, hi);
        expect(out.shape).toEqual(x.shape);
        expectExact(out.dataSync(), x.data.map(refClip(Math.fround(lo), Math.fround(hi))), `clipByValue([${x.shape}], ${lo}, ${hi})`);
      });
    }), { numRuns: 60 });
  });

  it('rejects bad input before any work, naming the argument', () => {
    tidy(() => {
      const t = tensor([1, 2]);
      expectForeignRejected((x) => clipByValue(x, 0, 1), 'clipByValue', 'x');
      expectThrowsClean(() => clipByValue(t, 2, 1), RangeError, ['clipByValue: clipValueMin (2) must be <= clipValueMax (1)'], memory);
      expectThrowsClean(() => loose(clipByValue)(t, NaN, 1), TypeError, ['clipByValue: clipValueMin must be a number', 'got NaN'], memory);
      expectThrowsClean(() => loose(clipByValue)(t, 0, '1'), TypeError, ['clipByValue: clipValueMax must be a number', 'got "1"'], memory);
      expectThrowsClean(() => loose(clipByValue)(t, 0), TypeError, ['clipByValue: clipValueMax must be a number', 'got undefined'], memory);
      const gone = tensor([1]);
      gone.dispose();
      expectThrowsClean(() => clipByValue(gone, 0, 1), DisposedError, ['clipByValue: x was disposed'], memory);
    });
  });
});
