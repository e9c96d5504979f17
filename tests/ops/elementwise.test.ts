// Element-wise ops (src/ops/elementwise.ts) against float64 references computed on the float32-rounded inputs:
// hand-picked exact cases, fast-check properties over shapes with 0, 1, 3, 7, 17 and 129 and broadcasting corners,
// special values in the SIMD body and in the scalar tail, and bad input that must throw without leaking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abs, add, div, DisposedError, equal, exp, greater, greaterEqual, less, lessEqual, log, maximum, memory, minimum, mul, neg,
  notEqual, pow, scalar, ShapeError, sign, sqrt, square, sub, tensor, Tensor, tidy, zeros, type Operand,
} from '../../src/index';
import {
  arbBroadcastPair, arbMutualBroadcastPair, arbRef, arbShape, arbSpecialValues, arbValues, expectClose, expectExact,
  expectThrowsClean, f32, overflow32, refBinary, refUnary, size, SPECIALS, type Ref, type Tolerance,
  failOnLeaks,
} from '../reference';
import { expectForeignRejected } from './foreign';

// Correctly rounded IEEE operations: one round-to-nearest, so 2^-24 relative (half of 2^-149 among subnormals).
const ROUNDED: Tolerance = { abs: 2 ** -150, rel: 2 ** -24 };
const RUNS = { numRuns: 30 };

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'greater' | 'less' | 'equal' | 'greaterEqual'
  | 'lessEqual' | 'notEqual';
type UnaryName = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square' | 'sign';

interface BinaryOp {
  name: BinaryName;
  fn: (a: Operand, b: Operand) => Tensor;
  method: (a: Tensor, b: Operand) => Tensor;
  ref: (x: number, y: number) => number;
  /** 'exact' when the result must be bit-identical to the reference (-0 told from +0). */
  tol: Tolerance | 'exact';
}

const BINARY: BinaryOp[] = [
  { name: 'add', fn: add, method: (a, b) => a.add(b), ref: (x, y) => x + y, tol: ROUNDED },
  { name: 'sub', fn: sub, method: (a, b) => a.sub(b), ref: (x, y) => x - y, tol: ROUNDED },
  { name: 'mul', fn: mul, method: (a, b) => a.mul(b), ref: (x, y) => x * y, tol: ROUNDED },
  { name: 'div', fn: div, method: (a, b) => a.div(b), ref: (x, y) => x / y, tol: ROUNDED },
  // Documented as a ** b (JS semantics: 1 ** NaN is NaN); AS powf_lut states 0.82 ulp, and an ulp is <= 2^-23·|y|.
  { name: 'pow', fn: pow, method: (a, b) => a.pow(b), ref: (x, y) => x ** y, tol: { abs: 2 ** -149, rel: 2 ** -23 } },
  // Selections and comparisons compute nothing new: exact, with NaN propagating and -0 < +0 (IEEE 754-2019 maximum).
  { name: 'maximum', fn: maximum, method: (a, b) => a.maximum(b), ref: Math.max, tol: 'exact' },
  { name: 'minimum', fn: minimum, method: (a, b) => a.minimum(b), ref: Math.min, tol: 'exact' },
  { name: 'greater', fn: greater, method: (a, b) => a.greater(b), ref: (x, y) => (x > y ? 1 : 0), tol: 'exact' },
  { name: 'less', fn: less, method: (a, b) => a.less(b), ref: (x, y) => (x < y ? 1 : 0), tol: 'exact' },
  { name: 'equal', fn: equal, method: (a, b) => a.equal(b), ref: (x, y) => (x === y ? 1 : 0), tol: 'exact' },
  { name: 'greaterEqual', fn: greaterEqual, method: (a, b) => a.greaterEqual(b), ref: (x, y) => (x >= y ? 1 : 0), tol: 'exact' },
  { name: 'lessEqual', fn: lessEqual, method: (a, b) => a.lessEqual(b), ref: (x, y) => (x <= y ? 1 : 0), tol: 'exact' },
  { name: 'notEqual', fn: notEqual, method: (a, b) => a.notEqual(b), ref: (x, y) => (x !== y ? 1 : 0), tol: 'exact' },
];

interface UnaryOp {
  name: UnaryName;
  fn: (x: Tensor) => Tensor;
  method: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  tol: Tolerance | 'exact';
  /** Half-width of the random input range; log and sqrt also draw from |x| so most inputs are in their domain. */
  range: number;
  positive?: boolean;
}

const UNARY: UnaryOp[] = [
  { name: 'neg', fn: neg, method: (x) => x.neg(), ref: (x) => -x, tol: 'exact', range: 10 },
  { name: 'abs', fn: abs, method: (x) => x.abs(), ref: Math.abs, tol: 'exact', range: 10 },
  // vmath.ts expV: 1 ULP, measured <= 1.28·2^-24 relative (tests/ops/vmath.test.ts); range 100 reaches overflow to Infinity and subnormal results.
  { name: 'exp', fn: exp, method: (x) => x.exp(), ref: Math.exp, tol: { abs: 2 ** -149, rel: 2 ** -23 }, range: 100 },
  // vmath.ts logV: 1 ULP, measured <= 1.72·2^-24 relative (tests/ops/vmath.test.ts).
  { name: 'log', fn: log, method: (x) => x.log(), ref: Math.log, tol: { abs: 0, rel: 2 ** -23 }, range: 10, positive: true },
  // f32.sqrt is correctly rounded.
  { name: 'sqrt', fn: sqrt, method: (x) => x.sqrt(), ref: Math.sqrt, tol: ROUNDED, range: 10, positive: true },
  // One multiply: one rounding.
  { name: 'square', fn: square, method: (x) => x.square(), ref: (x) => x * x, tol: ROUNDED, range: 10 },
  // A selection: exact, ±0 and NaN kept (Math.sign).
  { name: 'sign', fn: sign, method: (x) => x.sign(), ref: Math.sign, tol: 'exact', range: 10 },
];

const run = (fn: () => Tensor): number[] => tidy(() => Array.from(fn().dataSync()));
const make = (r: Ref): Tensor => tensor(Float32Array.from(r.data), r.shape);
const asRef = (x: Ref | number): Ref => (typeof x === 'number' ? { data: f32([x]), shape: [] } : x);
const show = (x: Ref | number): string => (typeof x === 'number' ? `number ${x}` : `[${x.shape.join(',')}]`);
// Calls an op with arguments its types forbid, to test the run-time checks.
const loose = (fn: (...args: never[]) => unknown): ((...args: unknown[]) => unknown) => fn as (...args: unknown[]) => unknown;

function compare(tol: Tolerance | 'exact', actual: Float32Array, expected: Float64Array, context: string): void {
  if (tol === 'exact') expectExact(actual, expected, context);
  else expectClose(actual, overflow32(expected), tol, context);
}

/** Runs a binary op on references (tensors, or numbers kept as JS numbers) and checks shape and values. */
function checkBinary(op: BinaryOp, a: Ref | number, b: Ref | number, useMethod: boolean): void {
  tidy(() => {
    const ta = typeof a === 'number' ? a : make(a);
    const tb = typeof b === 'number' ? b : make(b);
    const out = useMethod && ta instanceof Tensor ? op.method(ta, tb) : op.fn(ta, tb);
    const ref = refBinary(asRef(a), asRef(b), op.ref);
    const context = `${op.name}(${show(a)}, ${show(b)})${useMethod ? ' as a method' : ''}`;
    expect(out.shape, context).toEqual(ref.shape);
    compare(op.tol, out.dataSync(), ref.data, context);
  });
}

failOnLeaks();

describe('binary ops: hand-picked values', () => {
  it('add broadcasts a column against a row, as the docs show', () => {
    tidy(() => {
      const out = add(tensor([[1], [2]]), tensor([10, 20]));
      expect(out.shape).toEqual([2, 2]);
      expect(out.toArray()).toEqual([[11, 21], [12, 22]]);
    });
  });

  it('computes each op on small integers exactly', () => {
    const a = [1, -2, 3, 4, -5, 6, 0];
    const b = [2, 2, -3, 8, 5, -4, 0];
    tidy(() => {
      const ta = tensor(a), tb = tensor(b);
      expect(Array.from(add(ta, tb).dataSync())).toEqual([3, 0, 0, 12, 0, 2, 0]);
      expect(Array.from(sub(ta, tb).dataSync())).toEqual([-1, -4, 6, -4, -10, 10, 0]);
      expect(Array.from(mul(ta, tb).dataSync())).toEqual([2, -4, -9, 32, -25, -24, 0]);
      expect(Array.from(div(ta, tb).dataSync())).toEqual([0.5, -1, -1, 0.5, -1, -1.5, NaN]);
      expect(Array.from(pow(ta, tb).dataSync())).toEqual([1, 4, 1 / 27, 65536, -3125, 1 / 1296, 1].map(Math.fround));
      expect(Array.from(maximum(ta, tb).dataSync())).toEqual([2, 2, 3, 8, 5, 6, 0]);
      expect(Array.from(minimum(ta, tb).dataSync())).toEqual([1, -2, -3, 4, -5, -4, 0]);
      expect(Array.from(greater(ta, tb).dataSync())).toEqual([0, 0, 1, 0, 0, 1, 0]);
      expect(Array.from(less(ta, tb).dataSync())).toEqual([1, 1, 0, 1, 1, 0, 0]);
      expect(Array.from(equal(ta, tb).dataSync())).toEqual([0, 0, 0, 0, 0, 0, 1]);
      expect(Array.from(greaterEqual(ta, tb).dataSync())).toEqual([0, 0, 1, 0, 0, 1, 1]);
      expect(Array.from(lessEqual(ta, tb).dataSync())).toEqual([1, 1, 0, 1, 1, 0, 1]);
      expect(Array.from(notEqual(ta, tb).dataSync())).toEqual([1, 1, 1, 1, 1, 1, 0]);
    });
  });

  it('matches the JSDoc examples', () => {
    expect(run(() => sub(tensor([5, 6]), 1))).toEqual([4, 5]);
    expect(run(() => mul(tensor([1, 2]), 3))).toEqual([3, 6]);
    expect(run(() => div(tensor([1, 2]), 2))).toEqual([0.5, 1]);
    expect(run(() => pow(tensor([2, 3]), 2))).toEqual([4, 9]);
    expect(run(() => maximum(tensor([1, 5]), 3))).toEqual([3, 5]);
    expect(run(() => minimum(tensor([1, 5]), 3))).toEqual([1, 3]);
    expect(run(() => greater(tensor([1, 5]), 3))).toEqual([0, 1]);
    expect(run(() => less(tensor([1, 5]), 3))).toEqual([1, 0]);
    expect(run(() => equal(tensor([1, 3]), 3))).toEqual([0, 1]);
    expect(run(() => greaterEqual(tensor([1, 3, 5]), 3))).toEqual([0, 1, 1]);
    expect(run(() => lessEqual(tensor([1, 3, 5]), 3))).toEqual([1, 1, 0]);
    expect(run(() => notEqual(tensor([1, 3, NaN]), 3))).toEqual([1, 0, 1]);
  });

  it('takes a number on either side, and two numbers give a rank-0 tensor', () => {
    expect(run(() => sub(10, tensor([1, 2, 3])))).toEqual([9, 8, 7]);
    expect(run(() => div(1, tensor([2, 4, 8])))).toEqual([0.5, 0.25, 0.125]);
    expect(run(() => pow(2, tensor([-1, 0, 10])))).toEqual([0.5, 1, 1024]);
    tidy(() => {
      const out = add(2, 3);
      expect(out.shape).toEqual([]);
      expect(out.item()).toBe(5);
      expect(sub(scalar(2), 3).shape).toEqual([]);
      expect(sub(scalar(2), 3).item()).toBe(-1);
    });
  });

  it('rounds a number operand to float32 before the op, as a tensor would store it', () => {
    expect(run(() => mul(tensor([1]), 0.1))).toEqual([Math.fround(0.1)]);
    expect(run(() => sub(tensor([0.1]), 0.1))).toEqual([0]);
    expect(run(() => equal(tensor([0.1, 1 / 3]), 1 / 3))).toEqual([0, 1]);
    expect(run(() => add(tensor([1]), 1e39))).toEqual([Infinity]);
  });

  it('broadcasts across rank differences and size-1 axes on either side', () => {
    tidy(() => {
      const a = tensor([[[1, 2, 3]], [[4, 5, 6]]]); // [2,1,3]
      const b = tensor([[10], [20], [30], [40]]); // [4,1]
      const out = add(a, b);
      expect(out.shape).toEqual([2, 4, 3]);
      expect(out.toArray()).toEqual([
        [[11, 12, 13], [21, 22, 23], [31, 32, 33], [41, 42, 43]],
        [[14, 15, 16], [24, 25, 26], [34, 35, 36], [44, 45, 46]],
      ]);
      expect(sub(b, a).toArray()).toEqual([
        [[9, 8, 7], [19, 18, 17], [29, 28, 27], [39, 38, 37]],
        [[6, 5, 4], [16, 15, 14], [26, 25, 24], [36, 35, 34]],
      ]);
      expect(mul(tensor([[2]]), tensor([1, 2, 3])).toArray()).toEqual([[2, 4, 6]]);
      expect(add(scalar(1), tensor([[1, 2]])).toArray()).toEqual([[2, 3]]);
      expect(add(tensor([[1, 2]]), scalar(1)).shape).toEqual([1, 2]);
    });
  });

  it('gives empty results for empty shapes, with the broadcast shape', () => {
    tidy(() => {
      expect(add(zeros([0, 3]), zeros([3])).shape).toEqual([0, 3]);
      expect(add(zeros([2, 0]), 1).shape).toEqual([2, 0]);
      expect(mul(zeros([0]), zeros([1])).shape).toEqual([0]);
      expect(pow(zeros([1, 0]), zeros([5, 1])).shape).toEqual([5, 0]);
      expect(equal(3, zeros([0, 1, 2])).shape).toEqual([0, 1, 2]);
      expect(add(zeros([0, 3]), zeros([3])).dataSync().length).toBe(0);
    });
  });

  it('leaves its inputs alone and returns a new tensor', () => {
    tidy(() => {
      const a = tensor([1, 2, 3]);
      const out = a.add(a);
      expect(out).not.toBe(a);
      expect(a.disposed).toBe(false);
      expect(Array.from(a.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(out.dataSync())).toEqual([2, 4, 6]);
    });
  });

  it('gives the same results as Tensor methods and as functions', () => {
    tidy(() => {
      const a = tensor([[1.5, -2, 0], [4, NaN, -0]]), b = tensor([3, -2, 0.25]);
      for (const op of BINARY) {
        expectExact(op.method(a, b).dataSync(), op.fn(a, b).dataSync(), `${op.name}: tensor`);
        expectExact(op.method(a, 2.5).dataSync(), op.fn(a, 2.5).dataSync(), `${op.name}: number`);
      }
    });
  });
});

describe('binary ops: special values', () => {
  it('divides by zero to ±Infinity or NaN', () => {
    expectExact(run(() => div(tensor([1, -1, 0, 1, -1, NaN, Infinity]), tensor([0, 0, 0, -0, -0, 0, 0]))),
      [Infinity, -Infinity, NaN, -Infinity, Infinity, NaN, Infinity]);
  });

  it('follows IEEE for infinities and signed zeros in add, sub and mul', () => {
    expectExact(run(() => add(tensor([Infinity, Infinity, -0, -0, 0]), tensor([-Infinity, 1, -0, 0, -0]))), [NaN, Infinity, -0, 0, 0]);
    expectExact(run(() => sub(tensor([Infinity, 0, -0]), tensor([Infinity, 0, 0]))), [NaN, 0, -0]);
    expectExact(run(() => mul(tensor([Infinity, -0, 0, -2]), tensor([0, 5, -5, -0]))), [NaN, -0, -0, 0]);
  });

  it('computes pow as JS a ** b does', () => {
    const x = [2, -8, 0, -0, -0, NaN, 1, 1, -1, 4, -2, Infinity, 0.5];
    const y = [0.5, 1 / 3, -1, -1, -2, 0, NaN, Infinity, Infinity, -0.5, 3, -1, Infinity];
    expectExact(run(() => pow(tensor(x), tensor(y))), x.map((v, i) => Math.fround(Math.fround(v) ** Math.fround(y[i]))));
    expectExact(run(() => pow(tensor([-0, NaN, -Infinity]), 0.5)), [0, NaN, Infinity]);
  });

  it('propagates NaN through maximum and minimum, and orders -0 below +0', () => {
    // Nine elements: the first eight go through the SIMD body, the last through the scalar tail.
    const a = [NaN, 1, NaN, -0, 0, -Infinity, 3, -0, NaN];
    const b = [1, NaN, NaN, 0, -0, Infinity, 3, -0, 2];
    expectExact(run(() => maximum(tensor(a), tensor(b))), [NaN, NaN, NaN, 0, 0, Infinity, 3, -0, NaN]);
    expectExact(run(() => minimum(tensor(a), tensor(b))), [NaN, NaN, NaN, -0, -0, -Infinity, 3, -0, NaN]);
    expectExact(run(() => maximum(tensor([1, 2, 3, 4, 5]), NaN)), [NaN, NaN, NaN, NaN, NaN]);
    expectExact(run(() => minimum(NaN, tensor([1, 2, 3, 4, 5]))), [NaN, NaN, NaN, NaN, NaN]);
  });

  it('compares NaN as unequal and unordered, and -0 equal to +0', () => {
    const a = [NaN, NaN, 1, -0, Infinity, -Infinity, NaN, 0, NaN];
    const b = [NaN, 1, NaN, 0, Infinity, -Infinity, -Infinity, -0, NaN];
    expect(run(() => equal(tensor(a), tensor(b)))).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 0]);
    expect(run(() => greater(tensor(a), tensor(b)))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(run(() => less(tensor(a), tensor(b)))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(run(() => greaterEqual(tensor(a), tensor(b)))).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 0]);
    expect(run(() => lessEqual(tensor(a), tensor(b)))).toEqual([0, 0, 0, 1, 1, 1, 0, 1, 0]);
    expect(run(() => notEqual(tensor(a), tensor(b)))).toEqual([1, 1, 1, 0, 0, 0, 1, 0, 1]);
    expect(run(() => equal(NaN, NaN))).toEqual([0]);
    expect(run(() => equal(tensor([NaN, NaN, NaN, NaN, NaN]), NaN))).toEqual([0, 0, 0, 0, 0]);
  });

  it('gives the same bits in the SIMD body as in the scalar tail, for tensor and number operands', () => {
    fc.assert(fc.property(arbSpecialValues(8), arbSpecialValues(8), fc.constantFrom(...SPECIALS), (xs, ys, n) => {
      const x = Array.from(xs), y = Array.from(ys);
      // Each element alone goes through the scalar tail; eight together through the SIMD body.
      const each = (f: (i: number) => Tensor): number[] => x.map((_, i) => run(() => f(i))[0]);
      for (const op of BINARY) {
        expectExact(run(() => op.fn(tensor(x), tensor(y))), each((i) => op.fn(tensor([x[i]]), tensor([y[i]]))), `${op.name} tensors`);
        expectExact(run(() => op.fn(tensor(x), n)), each((i) => op.fn(tensor([x[i]]), n)), `${op.name}(tensor, ${n})`);
        expectExact(run(() => op.fn(n, tensor(y))), each((i) => op.fn(n, tensor([y[i]]))), `${op.name}(${n}, tensor)`);
      }
      for (const op of UNARY) {
        expectExact(run(() => op.fn(tensor(x))), each((i) => op.fn(tensor([x[i]]))), op.name);
      }
    }), { numRuns: 40 });
  });

  it('matches the reference on special values in every broadcasting layout', () => {
    fc.assert(fc.property(
      arbMutualBroadcastPair(3, 64).chain(([sa, sb]) =>
        fc.tuple(arbSpecialValues(size(sa)).map((data) => ({ data, shape: sa })), arbSpecialValues(size(sb)).map((data) => ({ data, shape: sb })))),
      ([a, b]) => {
        for (const op of BINARY) checkBinary(op, a, b, false);
      }), { numRuns: 60 });
  });

  it('matches the reference with special numbers as operands', () => {
    fc.assert(fc.property(arbShape(2, 64).chain((s) => arbSpecialValues(size(s)).map((data) => ({ data, shape: s }))),
      fc.constantFrom(...SPECIALS), fc.boolean(), (x, n, left) => {
        for (const op of BINARY) checkBinary(op, left ? n : x, left ? x : n, false);
      }), { numRuns: 40 });
  });
});

describe('binary ops: random shapes against the float64 reference', () => {
  for (const op of BINARY) {
    describe(op.name, () => {
      it('broadcasts pairs with size-1 axes on either side and rank differences', () => {
        fc.assert(fc.property(
          arbMutualBroadcastPair(4, 4096).chain(([sa, sb]) => fc.tuple(arbRef(sa), arbRef(sb), fc.boolean())),
          ([a, b, useMethod]) => checkBinary(op, a, b, useMethod)), RUNS);
      });

      it('broadcasts a shape against its trailing axes', () => {
        fc.assert(fc.property(arbBroadcastPair(4).filter(([sa, sb]) => size(sa) + size(sb) <= 8192)
          .chain(([sa, sb]) => fc.tuple(arbRef(sa), arbRef(sb))),
        ([a, b]) => checkBinary(op, a, b, true)), { numRuns: 15 });
      });

      it('takes scalars as numbers, rank-0 tensors and size-1 tensors on either side', () => {
        const operand = fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom('number', 'rank0', 'ones'))
          .map(([v, kind]): Ref | number => (kind === 'number' ? v : { data: f32([v]), shape: kind === 'rank0' ? [] : [1, 1] }));
        fc.assert(fc.property(arbShape(4, 4096).chain((s) => arbRef(s)), operand, fc.boolean(), (x, n, left) =>
          checkBinary(op, left ? n : x, left ? x : n, !left)), RUNS);
      });
    });
  }
});

describe('unary ops', () => {
  it('computes hand-picked values: exactly where the result is representable, else within tolerance', () => {
    expect(run(() => neg(tensor([1, -2])))).toEqual([-1, 2]);
    expect(run(() => abs(tensor([-1, 2])))).toEqual([1, 2]);
    expect(run(() => exp(tensor([0, -0])))).toEqual([1, 1]);
    expect(run(() => log(tensor([1, 0.5 ** 0])))).toEqual([0, 0]);
    expect(run(() => sqrt(tensor([4, 9, 0.25, 2 ** -148])))).toEqual([2, 3, 0.5, 2 ** -74]);
    // Irrational results: within each op's tolerance of the float64 value on the float32 input.
    const near = (op: UnaryName, x: number[]): void => {
      const spec = UNARY.find((u) => u.name === op);
      if (!spec || spec.tol === 'exact') throw new Error(`no tolerance for ${op}`);
      expectClose(run(() => spec.fn(tensor(x))), f32(x).map(spec.ref), spec.tol, op);
    };
    near('exp', [1, -1, 2, 0.5, -20]);
    near('log', [Math.E, 0.5, 1024, 1 + 2 ** -23, 2 ** -149]);
    near('sqrt', [2, 3, 1e-30, 3.4e38]);
    expect(run(() => square(tensor([3, -4, 0.5])))).toEqual([9, 16, 0.25]);
    tidy(() => {
      expect(neg(scalar(3)).shape).toEqual([]);
      expect(exp(zeros([0, 5])).shape).toEqual([0, 5]);
      expect(sqrt(zeros([3, 0])).dataSync().length).toBe(0);
    });
  });

  it('handles NaN, ±Infinity and ±0 in the SIMD body and the scalar tail', () => {
    // Length 11: eight elements through the SIMD body, three through the tail.
    const x = [NaN, Infinity, -Infinity, 0, -0, -1, 89, -104, NaN, -0, Infinity];
    expectExact(run(() => neg(tensor(x))), [NaN, -Infinity, Infinity, -0, 0, 1, -89, 104, NaN, 0, -Infinity]);
    expectExact(run(() => abs(tensor(x))), [NaN, Infinity, Infinity, 0, 0, 1, 89, 104, NaN, 0, Infinity]);
    expectExact(run(() => exp(tensor(x))), [NaN, Infinity, 0, 1, 1, Math.fround(1 / Math.E), Infinity, 0, NaN, 1, Infinity]);
    expectExact(run(() => log(tensor(x))), [NaN, Infinity, NaN, -Infinity, -Infinity, NaN, Math.fround(Math.log(89)), NaN, NaN, -Infinity, Infinity]);
    expectExact(run(() => sqrt(tensor(x))), [NaN, Infinity, NaN, 0, -0, NaN, Math.fround(Math.sqrt(89)), NaN, NaN, -0, Infinity]);
    expectExact(run(() => square(tensor(x))), [NaN, Infinity, Infinity, 0, 0, 1, 7921, 10816, NaN, 0, Infinity]);
    expectExact(run(() => sign(tensor(x))), [NaN, 1, -1, 0, -0, -1, 1, -1, NaN, -0, 1]);
    expectExact(run(() => sign(tensor([2 ** -149, -(2 ** -149), 3e38, -3e38, 0.5]))), [1, -1, 1, -1, 1]);
    expectExact(run(() => exp(tensor([88, 88.5, 88.8, -87, -103, -200, 0, 0, 0]))),
      [Math.exp(88), Math.exp(88.5), Infinity, Math.exp(-87), Math.exp(-103), 0, 1, 1, 1].map(Math.fround));
    expectExact(run(() => square(tensor([2e19, -2e19, 1e-23, 3, 3, 3, 3, 3, 1e-23]))),
      [Infinity, Infinity, 0, 9, 9, 9, 9, 9, 0]);
  });

  for (const op of UNARY) {
    it(`${op.name} matches the float64 reference on random shapes, as a function and a method`, () => {
      fc.assert(fc.property(
        arbShape(4, 4096).chain((s) => fc.tuple(arbValues(size(s), op.range).map((data) => ({ data, shape: s })), fc.boolean())),
        ([x0, useMethod]) => {
          const x = op.positive ? refUnary(x0, Math.abs) : x0;
          tidy(() => {
            const out = useMethod ? op.method(make(x)) : op.fn(make(x));
            const context = `${op.name}([${x.shape.join(',')}])`;
            expect(out.shape, context).toEqual(x.shape);
            compare(op.tol, out.dataSync(), refUnary(x, op.ref).data, context);
          });
        }), RUNS);
    });
  }

  it('matches the reference on special values', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 19 }).chain((n) => arbSpecialValues(n)), (data) => {
      const x: Ref = { data, shape: [data.length] };
      for (const op of UNARY) {
        tidy(() => compare(op.tol, op.fn(make(x)).dataSync(), refUnary(x, op.ref).data, `${op.name}([${Array.from(data).join(',')}])`));
      }
    }), { numRuns: 60 });
  });
});

describe('bad input', () => {
  const counts = memory;
  const BAD: [unknown, string][] = [['1', 'got "1"'], [null, 'got null'], [undefined, 'got undefined'], [[1, 2], 'got [1,2]'],
    [true, 'got true'], [{ shape: [2] }, 'got an Object'], [new Float32Array(2), 'got a Float32Array']];

  it('every op rejects foreign objects (plain, TF.js-like, another copy\'s Tensor, nested 100,000 deep) naming op and argument', () => {
    tidy(() => {
      const t = tensor([1, 2]);
      for (const op of BINARY) {
        expectForeignRejected((x) => op.fn(x, t), op.name, 'a');
        expectForeignRejected((x) => op.fn(t, x), op.name, 'b');
        expectForeignRejected((x) => op.method(t, x), op.name, 'b');
      }
      for (const op of UNARY) expectForeignRejected((x) => op.fn(x), op.name, 'x');
    });
  });

  for (const op of BINARY) {
    it(`${op.name} rejects operands that are neither tensors nor numbers`, () => {
      tidy(() => {
        const t = tensor([1, 2]);
        for (const [value, got] of BAD) {
          expectThrowsClean(() => loose(op.fn)(value, t), TypeError, [`${op.name}: a must be a Tensor or a number`, got], counts);
          expectThrowsClean(() => loose(op.fn)(t, value), TypeError, [`${op.name}: b must be a Tensor or a number`, got], counts);
          expectThrowsClean(() => loose(op.method)(t, value), TypeError, [`${op.name}: b must be a Tensor or a number`, got], counts);
        }
      });
    });

    it(`${op.name} rejects disposed tensors`, () => {
      tidy(() => {
        const live = tensor([1, 2]), gone = tensor([3, 4]);
        gone.dispose();
        expectThrowsClean(() => op.fn(gone, live), DisposedError, [`${op.name}: a was disposed`], counts);
        expectThrowsClean(() => op.fn(live, gone), DisposedError, [`${op.name}: b was disposed`], counts);
        expectThrowsClean(() => op.fn(1, gone), DisposedError, [`${op.name}: b was disposed`], counts);
        expectThrowsClean(() => op.method(gone, 1), DisposedError, [`${op.name}: a was disposed`], counts);
        expectThrowsClean(() => op.method(live, gone), DisposedError, [`${op.name}: b was disposed`], counts);
      });
    });

    it(`${op.name} rejects shapes that do not broadcast, naming both`, () => {
      tidy(() => {
        const pairs: [number[], number[]][] = [[[2, 3], [4]], [[2, 3, 4], [3, 2]], [[0], [3]], [[3], [0]], [[2, 1], [3, 1]], [[5, 2, 1], [4, 2, 7]]];
        for (const [sa, sb] of pairs) {
          const a = zeros(sa), b = zeros(sb);
          const shapes = [`[${sa.join(',')}]`, `[${sb.join(',')}]`];
          expectThrowsClean(() => op.fn(a, b), ShapeError, [`${op.name}:`, ...shapes, 'do not broadcast'], counts);
          expectThrowsClean(() => op.method(b, a), ShapeError, [`${op.name}:`, ...shapes.reverse(), 'do not broadcast'], counts);
        }
      });
    });
  }

  for (const op of UNARY) {
    it(`${op.name} rejects non-tensors (numbers included) and disposed tensors`, () => {
      for (const [value, got] of [...BAD, [3, 'got 3'] as [unknown, string]]) {
        expectThrowsClean(() => loose(op.fn)(value), TypeError, [`${op.name}: x must be a Tensor`, got], counts);
      }
      const gone = tensor([1, 2]);
      gone.dispose();
      expectThrowsClean(() => op.fn(gone), DisposedError, [`${op.name}: x was disposed`], counts);
      expectThrowsClean(() => op.method(gone), DisposedError, [`${op.name}: x was disposed`], counts);
    });
  }
});
