// Activations (src/ops/activation.ts) against float64 references computed on the float32-rounded inputs:
// hand-picked values, fast-check properties over shapes with 0, 1, 3, 7, 17 and 129, softmax along every axis,
// special values in the SIMD body and in the scalar tail, and bad input that must throw without leaking.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DisposedError, elu, hardSigmoid, leakyRelu, logSoftmax, memory, relu, relu6, scalar, selu, sigmoid, silu, softmax, swish, tanh, tensor, Tensor, tidy,
  transpose, zeros,
} from '../../src/index';
import {
  arbShape, arbSpecialValues, arbValues, expectBounded, expectClose, expectExact, expectThrowsClean, f32, refLogSoftmax, refReduce, refSoftmax, refUnary, size,
  type Ref, type Tolerance,
  failOnLeaks,
} from '../reference';
import { expectForeignRejected } from './foreign';

const RUNS = { numRuns: 30 };

interface ActivationOp {
  name: 'sigmoid' | 'relu' | 'leakyRelu' | 'tanh' | 'elu' | 'selu' | 'relu6' | 'hardSigmoid' | 'swish';
  fn: (x: Tensor) => Tensor;
  method: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  tol: Tolerance | 'exact';
}

const LEAKY_ALPHA = Math.fround(0.2);
const refSigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const refRelu = (x: number): number => (x > 0 ? x : Number.isNaN(x) ? x : 0);
const refLeaky = (alpha: number) => (x: number): number => (x > 0 ? x : x * alpha);
const refElu = (x: number): number => (x > 0 ? x : Math.expm1(x));
const SELU_SCALE = Math.fround(1.0507009873554805), SELU_SCALE_ALPHA = Math.fround(1.0507009873554805 * 1.6732632423543772);
// The product rounded to float32 above 0: scale·x overflows to Infinity past about 3.24e38, as float32 must.
const refSelu = (x: number): number => (x > 0 ? Math.fround(SELU_SCALE * x) : SELU_SCALE_ALPHA * Math.expm1(x));
const refRelu6 = (x: number): number => (Number.isNaN(x) ? x : Math.min(Math.max(x, 0), 6));
const refHardSigmoid = (x: number): number => (Number.isNaN(x) ? x : Math.min(Math.max(Math.fround(0.2) * x + 0.5, 0), 1));

const ACTIVATIONS: ActivationOp[] = [
  // vmath.ts sigmoidV: 2 ULP, measured <= 2.98·2^-24 relative over the float32 range (tests/ops/vmath.test.ts). Below
  // x ≈ -87.3 the true value is under 2^-126, where only an absolute 2^-126 is asked for.
  { name: 'sigmoid', fn: sigmoid, method: (x) => x.sigmoid(), ref: refSigmoid, tol: { abs: 2 ** -126, rel: 2 ** -22 } },
  // A selection: exact (NaN stays NaN, -0 and negatives give +0).
  { name: 'relu', fn: relu, method: (x) => x.relu(), ref: refRelu, tol: 'exact' },
  // x or one multiply by alpha (float32 0.2): one rounding.
  { name: 'leakyRelu', fn: (x) => leakyRelu(x), method: (x) => x.leakyRelu(), ref: refLeaky(LEAKY_ALPHA), tol: { abs: 2 ** -150, rel: 2 ** -24 } },
  // vmath.ts tanhV: 1 ULP, measured <= 2.32·2^-24 relative over the float32 range (tests/ops/vmath.test.ts).
  { name: 'tanh', fn: tanh, method: (x) => x.tanh(), ref: Math.tanh, tol: { abs: 0, rel: 2 ** -21 } },
  // e^x − 1 below 0: expV's 1 ULP, and a subtraction exact for e^x in [0.5, 1] or one rounding of a result in
  // [-1, -0.5]: at most 2^-24 absolute; x itself above 0.
  { name: 'elu', fn: elu, method: (x) => x.elu(), ref: refElu, tol: { abs: 2 ** -24, rel: 0 } },
  // As elu, times float32 constants: two more roundings.
  { name: 'selu', fn: selu, method: (x) => x.selu(), ref: refSelu, tol: { abs: 2 ** -22, rel: 2 ** -23 } },
  // Exact: clamps only.
  { name: 'relu6', fn: relu6, method: (x) => x.relu6(), ref: refRelu6, tol: 'exact' },
  // 0.2·x + 0.5 rounds twice (float32 0.2), then clamps.
  { name: 'hardSigmoid', fn: hardSigmoid, method: hardSigmoid, ref: refHardSigmoid, tol: { abs: 2 ** -24, rel: 2 ** -23 } },
  // sigmoid's bound and one rounding of the product.
  { name: 'swish', fn: swish, method: silu, ref: (x) => x * refSigmoid(x), tol: { abs: 2 ** -126, rel: 2 ** -21 } },
];

const make = (r: Ref): Tensor => tensor(Float32Array.from(r.data), r.shape);
const run = (fn: () => Tensor): number[] => tidy(() => Array.from(fn().dataSync()));
// Calls an op with arguments its types forbid, to test the run-time checks.
const loose = (fn: (...args: never[]) => unknown): ((...args: unknown[]) => unknown) => fn as (...args: unknown[]) => unknown;

function compare(tol: Tolerance | 'exact', actual: Float32Array, expected: Float64Array, context: string): void {
  if (tol === 'exact') expectExact(actual, expected, context);
  else expectClose(actual, expected, tol, context);
}

/**
 * softmax's error bound relative to each output: x - max rounds (2^-24·D, amplified by exp to D·2^-24 with D the
 * largest spread max - x of a slice), vmath.ts expV adds <= 1.28·2^-24, and each output and the sum of r of them carry that;
 * the f32 sum of r positive terms adds (r - 1)·2^-24, then 1/sum and the product round once each.
 */
function softmaxTolerance(x: Ref, axis: number): Tolerance {
  const finite = Array.from(x.data).filter(Number.isFinite);
  const spread = finite.length ? Math.max(...finite) - Math.min(...finite) : 0;
  return { abs: 0, rel: (2 * spread + x.shape[axis] + 4) * 2 ** -24 };
}

failOnLeaks();

describe('sigmoid, relu, leakyRelu, tanh', () => {
  it('compute hand-picked values', () => {
    expect(run(() => sigmoid(tensor([0, -0])))).toEqual([0.5, 0.5]);
    expect(run(() => relu(tensor([-1, 2, 0, -3.5, 7])))).toEqual([0, 2, 0, 0, 7]);
    expect(run(() => leakyRelu(tensor([-1, 2]), 0.1))).toEqual([-Math.fround(0.1), 2]);
    expect(run(() => leakyRelu(tensor([-4, 3, 0, -1e-3, 8]), 0.5))).toEqual([-2, 3, 0, Math.fround(-1e-3) / 2, 8]);
    expect(run(() => tanh(tensor([0])))).toEqual([0]);
    // Irrational results: within each op's tolerance of the float64 value on the float32 input.
    const x = [1, -1, 2.5, -7, 0.25, 20, -20, 1e-3, -1e-30];
    for (const op of ACTIVATIONS) {
      tidy(() => compare(op.tol, op.fn(tensor(x)).dataSync(), f32(x).map(op.ref), op.name));
    }
  });

  it('leakyRelu defaults alpha to 0.2 (float32), as TensorFlow.js does', () => {
    expect(run(() => leakyRelu(tensor([-1, 2, -5, -10])))).toEqual([Math.fround(-LEAKY_ALPHA), 2, -1, -2]);
    tidy(() => {
      const x = tensor([-3, -1, 0, 1, 3, -0.5, -7]);
      expectExact(leakyRelu(x).dataSync(), leakyRelu(x, 0.2).dataSync(), 'default vs 0.2');
      expectExact(x.leakyRelu().dataSync(), leakyRelu(x, 0.2).dataSync(), 'method default');
      expectExact(x.leakyRelu(0.3).dataSync(), leakyRelu(x, 0.3).dataSync(), 'method with alpha');
    });
  });

  it('leakyRelu takes any alpha, matching x > 0 ? x : alpha·x', () => {
    fc.assert(fc.property(arbShape(3, 2048).chain((s) => arbValues(size(s)).map((data) => ({ data, shape: s }))),
      fc.double({ min: -2, max: 2, noNaN: true }), (x, alpha) => {
        tidy(() => compare({ abs: 2 ** -150, rel: 2 ** -24 }, leakyRelu(make(x), alpha).dataSync(),
          refUnary(x, refLeaky(Math.fround(alpha))).data, `leakyRelu alpha ${alpha}`));
      }), RUNS);
  });

  it('keep NaN, saturate at ±Infinity and keep the sign of zero where defined, in the SIMD body and the tail', () => {
    // Nine elements: the first eight go through the SIMD body, the last through the scalar tail.
    const x = [NaN, Infinity, -Infinity, 0, -0, -100, 100, 1e-40, NaN];
    expectExact(run(() => relu(tensor(x))), [NaN, Infinity, 0, 0, 0, 0, 100, Math.fround(1e-40), NaN]);
    expectExact(run(() => leakyRelu(tensor(x), 0.5)), [NaN, Infinity, -Infinity, 0, -0, -50, 100, Math.fround(1e-40), NaN]);
    expectExact(run(() => tanh(tensor(x))), [NaN, 1, -1, 0, -0, -1, 1, Math.fround(1e-40), NaN]);
    const sig = run(() => sigmoid(tensor(x)));
    expectExact(sig.filter((_, i) => i !== 5), [NaN, 1, 0, 0.5, 0.5, 1, 0.5, NaN], 'sigmoid');
    // sigmoid(-100) ≈ 3.7e-44 is below 2^-126: only the absolute bound holds there.
    expect(sig[5]).toBeGreaterThanOrEqual(0);
    expect(sig[5]).toBeLessThan(2 ** -126);
    expectExact(run(() => relu6(tensor(x))), [NaN, 6, 0, 0, 0, 0, 6, Math.fround(1e-40), NaN]);
    expectExact(run(() => hardSigmoid(tensor(x))), [NaN, 1, 0, 0.5, 0.5, 0, 1, 0.5, NaN]);
    expectExact(run(() => elu(tensor(x))), [NaN, Infinity, -1, 0, 0, -1, 100, Math.fround(1e-40), NaN]);
    // swish(-Infinity) = -Infinity · 0 = NaN, as x·sigmoid(x) gives it in TensorFlow.js.
    expectExact(run(() => swish(tensor(x))).filter((_, i) => i !== 5), [NaN, Infinity, NaN, 0, -0, 100, Math.fround(Math.fround(1e-40) / 2), NaN], 'swish');
  });

  it('give the same bits in the SIMD body as in the scalar tail', () => {
    fc.assert(fc.property(arbSpecialValues(8), fc.double({ min: -100, max: 100, noNaN: true }), (specials, v) => {
      const values = Array.from(specials).map((s, i) => (i % 3 === 0 ? v : s));
      for (const op of ACTIVATIONS) {
        const body = run(() => op.fn(tensor(values)));
        const tail = values.map((value) => run(() => op.fn(tensor([value])))[0]);
        expectExact(body, tail, `${op.name}([${values.join(',')}])`);
      }
      // A negative alpha tells the SIMD select (x <= 0) from the scalar one (x > 0) at +0: both must give -0.
      const alpha = v / 50;
      expectExact(run(() => leakyRelu(tensor(values), alpha)), values.map((value) => run(() => leakyRelu(tensor([value]), alpha))[0]),
        `leakyRelu([${values.join(',')}], ${alpha})`);
    }), { numRuns: 40 });
  });

  it('keep shapes, including rank 0 and empty ones', () => {
    tidy(() => {
      for (const op of ACTIVATIONS) {
        expect(op.fn(scalar(-2)).shape).toEqual([]);
        expect(op.fn(zeros([0])).shape).toEqual([0]);
        expect(op.fn(zeros([3, 0, 2])).shape).toEqual([3, 0, 2]);
        expect(op.method(zeros([2, 0])).dataSync().length).toBe(0);
      }
    });
  });

  for (const op of ACTIVATIONS) {
    it(`${op.name} matches the float64 reference on random shapes, as a function and a method`, () => {
      // Range 100 reaches the saturated regions of sigmoid and tanh.
      fc.assert(fc.property(arbShape(4, 4096).chain((s) =>
        fc.tuple(fc.constantFrom(10, 100).chain((range) => arbValues(size(s), range)).map((data) => ({ data, shape: s })), fc.boolean())),
      ([x, useMethod]) => {
        tidy(() => {
          const out = useMethod ? op.method(make(x)) : op.fn(make(x));
          const context = `${op.name}([${x.shape.join(',')}])`;
          expect(out.shape, context).toEqual(x.shape);
          compare(op.tol, out.dataSync(), refUnary(x, op.ref).data, context);
        });
      }), RUNS);
    });
  }

  it('match the reference on special values', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 19 }).chain((n) => arbSpecialValues(n)), (data) => {
      const x: Ref = { data, shape: [data.length] };
      for (const op of ACTIVATIONS) {
        tidy(() => compare(op.tol, op.fn(make(x)).dataSync(), refUnary(x, op.ref).data, `${op.name}([${Array.from(data).join(',')}])`));
      }
    }), { numRuns: 60 });
  });
});

describe('softmax', () => {
  it('computes hand-picked values', () => {
    tidy(() => {
      expect(softmax(tensor([[1, 1]])).toArray()).toEqual([[0.5, 0.5]]);
      // Stable: the maximum is subtracted first, so large inputs do not overflow.
      expect(softmax(tensor([[1000, 1000, 1000, 1000], [-1000, 0, -1000, -1000]])).toArray()).toEqual([[0.25, 0.25, 0.25, 0.25], [0, 1, 0, 0]]);
      expect(softmax(tensor([3.5])).toArray()).toEqual([1]);
      expect(softmax(tensor([[1, 2], [3, 4]]), 0).toArray()).toEqual(softmax(tensor([[1, 3], [2, 4]]), 1).T.toArray());
      const two = softmax(tensor([0, Math.log(3)])).dataSync();
      expectClose(two, [0.25, 0.75], { abs: 0, rel: 8 * 2 ** -24 }, 'softmax [0, ln 3]');
    });
  });

  it('gives -Infinity zero weight and makes a slice with NaN all NaN, leaving other slices alone', () => {
    tidy(() => {
      expectExact(softmax(tensor([[0, -Infinity, 0, -Infinity, 0, -Infinity, -Infinity, 0, -Infinity]])).dataSync(),
        [0.25, 0, 0.25, 0, 0.25, 0, 0, 0.25, 0]);
      const out = softmax(tensor([[1, NaN, 2], [0, 0, 0], [5, 5, 5]]), 1).dataSync();
      expectExact(out.slice(0, 3), [NaN, NaN, NaN], 'NaN slice');
      expectClose(out.slice(3), [1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3], { abs: 0, rel: 7 * 2 ** -24 }, 'other slices');
      expectExact(softmax(tensor([[1, 0], [NaN, 0], [2, 0]]), 0).dataSync().filter((_, i) => i % 2 === 0), [NaN, NaN, NaN], 'NaN column');
    });
  });

  it('matches the float64 reference along every axis, positive or negative, as a function and a method', () => {
    fc.assert(fc.property(arbShape(4, 4096).filter((s) => s.length > 0).chain((s) =>
      fc.tuple(arbValues(size(s)).map((data) => ({ data, shape: s })), fc.integer({ min: 0, max: s.length - 1 }))),
    ([x, axis]) => {
      tidy(() => {
        const t = make(x);
        const out = softmax(t, axis);
        const context = `softmax([${x.shape.join(',')}], ${axis})`;
        expect(out.shape, context).toEqual(x.shape);
        expectClose(out.dataSync(), refSoftmax(x, axis).data, softmaxTolerance(x, axis), context);
        expectExact(softmax(t, axis - x.shape.length).dataSync(), out.dataSync(), `${context} vs negative axis`);
        expectExact(t.softmax(axis).dataSync(), out.dataSync(), `${context} as a method`);
        if (axis === x.shape.length - 1) expectExact(softmax(t).dataSync(), out.dataSync(), `${context} vs the default axis`);
      });
    }), { numRuns: 60 });
  });

  it('keeps empty shapes along any axis', () => {
    tidy(() => {
      for (const [shape, axis] of [[[0], 0], [[3, 0], 0], [[3, 0], 1], [[0, 4], -1], [[2, 0, 5], 1]] as [number[], number][]) {
        for (const op of [softmax, logSoftmax]) {
          const out = op(zeros(shape), axis);
          expect(out.shape).toEqual(shape);
          expect(out.dataSync().length).toBe(0);
        }
      }
    });
  });
});

/**
 * logSoftmax's error bound per output y = (x − max) − log s: x − max rounds (2^-24·|x − max|), the f32 sum s of r
 * terms in [0, 1] carries (r + 1)·2^-24 relative (each exp 1.28·2^-24 and r − 1 additions), which log turns into as
 * much absolute error, logV adds 1 ULP of log s, and the last subtraction rounds once (2^-24·|y|).
 */
function logSoftmaxBounds(x: Ref, axis: number, y: Ref): number[] {
  const r = x.shape[axis];
  const maxes = refReduce(x, [axis], true, (v) => Math.max(...v));
  const inner = size(x.shape.slice(axis + 1)), block = r * inner;
  return Array.from(y.data, (v, k) => {
    const m = maxes.data[Math.floor(k / block) * inner + (k % inner)];
    const lse = x.data[k] - m - v;
    return 2 ** -23 * (Math.abs(x.data[k] - m) + (r + 2) + 2 * lse + Math.abs(v));
  });
}

describe('logSoftmax', () => {
  it('matches the JSDoc examples and stays finite where log(softmax) underflows', () => {
    tidy(() => {
      expectClose(logSoftmax(tensor([0, 0])).dataSync(), [-Math.LN2, -Math.LN2], { abs: 0, rel: 2 ** -23 }, '[0, 0]');
      expect(logSoftmax(tensor([[0, -200]])).toArray()).toEqual([[0, -200]]);
      expect(tensor([[0, 0]]).logSoftmax().toArray()).toEqual([[Math.fround(-Math.LN2), Math.fround(-Math.LN2)]]);
      expectClose(logSoftmax(tensor([[1000, 1000], [-1000, -1000]])).dataSync(), [-Math.LN2, -Math.LN2, -Math.LN2, -Math.LN2],
        { abs: 0, rel: 2 ** -23 }, 'large logits');
      expectExact(logSoftmax(tensor([3.5])).dataSync(), [0]);
      expectExact(logSoftmax(tensor([[1, 0], [1, 0]]), 0).dataSync(), [Math.fround(-Math.LN2), Math.fround(-Math.LN2), Math.fround(-Math.LN2), Math.fround(-Math.LN2)]);
    });
  });

  it('gives -Infinity to -Infinity and makes a slice with NaN all NaN, leaving other slices alone', () => {
    tidy(() => {
      expectExact(logSoftmax(tensor([[0, -Infinity, 0, -Infinity, 0, -Infinity, -Infinity, 0, -Infinity]])).dataSync(),
        [0, -Infinity, 0, -Infinity, 0, -Infinity, -Infinity, 0, -Infinity].map((v) => (v === 0 ? Math.fround(-Math.log(4)) : v)));
      const out = logSoftmax(tensor([[1, NaN, 2], [5, 5, 5]]), 1).dataSync();
      expectExact(out.slice(0, 3), [NaN, NaN, NaN], 'NaN slice');
      expectClose(out.slice(3), [-Math.log(3), -Math.log(3), -Math.log(3)], { abs: 0, rel: 2 ** -22 }, 'other slice');
    });
  });

  it('matches the float64 reference along every axis, positive or negative, as a function and a method', () => {
    fc.assert(fc.property(arbShape(4, 4096).filter((s) => s.length > 0).chain((s) =>
      fc.tuple(arbValues(size(s)).map((data) => ({ data, shape: s })), fc.integer({ min: 0, max: s.length - 1 }))),
    ([x, axis]) => {
      tidy(() => {
        const t = make(x);
        const out = logSoftmax(t, axis);
        const context = `logSoftmax([${x.shape.join(',')}], ${axis})`;
        const ref = refLogSoftmax(x, axis);
        expect(out.shape, context).toEqual(x.shape);
        expectBounded(out.dataSync(), ref.data, logSoftmaxBounds(x, axis, ref), context);
        expectExact(logSoftmax(t, axis - x.shape.length).dataSync(), out.dataSync(), `${context} vs negative axis`);
        expectExact(t.logSoftmax(axis).dataSync(), out.dataSync(), `${context} as a method`);
        if (axis === x.shape.length - 1) expectExact(logSoftmax(t).dataSync(), out.dataSync(), `${context} vs the default axis`);
      });
    }), { numRuns: 60 });
  });

  it('rejects bad input naming the op', () => {
    tidy(() => {
      const x = zeros([2, 3]), s = scalar(1);
      expectForeignRejected((v) => logSoftmax(v), 'logSoftmax', 'x');
      expectThrowsClean(() => logSoftmax(x, 2), RangeError, ['logSoftmax: axis 2', 'rank 2'], memory);
      expectThrowsClean(() => logSoftmax(s), RangeError, ['logSoftmax: axis -1', 'rank 0'], memory);
      expectThrowsClean(() => loose(logSoftmax)(x, 0.5), TypeError, ['logSoftmax: axis must be an integer', 'got 0.5'], memory);
      const gone = tensor([1, 2]);
      gone.dispose();
      expectThrowsClean(() => gone.logSoftmax(), DisposedError, ['logSoftmax: x was disposed'], memory);
    });
  });
});

describe('softmax and logSoftmax', () => {
  for (const [name, op] of [['softmax', softmax], ['logSoftmax', logSoftmax]] as const) {
    it(`${name} computes each slice the same way whatever its axis: ${name}(x, a) is ${name} of x with a moved last`, () => {
      fc.assert(fc.property(arbShape(4, 2048).filter((s) => s.length > 0).chain((s) =>
        fc.tuple(arbValues(size(s)).map((data) => ({ data, shape: s })), fc.integer({ min: 0, max: s.length - 1 }))),
      ([x, axis]) => {
        tidy(() => {
          const rank = x.shape.length;
          const last = [...Array(rank).keys()].filter((d) => d !== axis).concat(axis);
          const back = last.map((_, d) => last.indexOf(d));
          const moved = transpose(op(transpose(make(x), last), -1), back);
          expectExact(moved.dataSync(), op(make(x), axis).dataSync(), `${name}([${x.shape.join(',')}], ${axis})`);
        });
      }), RUNS);
    });
  }
});

describe('bad input', () => {
  const counts = memory;
  const BAD: [unknown, string][] = [['1', 'got "1"'], [null, 'got null'], [undefined, 'got undefined'], [[1, 2], 'got [1,2]'],
    [3, 'got 3'], [{ shape: [2] }, 'got an Object']];
  const ALL: [string, (x: Tensor) => Tensor][] = [...ACTIVATIONS.map((op): [string, (x: Tensor) => Tensor] => [op.name, op.fn]), ['softmax', (x) => softmax(x)]];

  it('every activation rejects foreign objects (plain, TF.js-like, another copy\'s Tensor, nested 100,000 deep) naming op and argument', () => {
    for (const [name, fn] of ALL) expectForeignRejected((x) => fn(x), name, 'x');
  });

  for (const [name, fn] of ALL) {
    it(`${name} rejects non-tensors and disposed tensors`, () => {
      for (const [value, got] of BAD) expectThrowsClean(() => loose(fn)(value), TypeError, [`${name}: x must be a Tensor`, got], counts);
      const gone = tensor([1, 2]);
      gone.dispose();
      expectThrowsClean(() => fn(gone), DisposedError, [`${name}: x was disposed`], counts);
    });
  }

  it('methods on a disposed tensor throw DisposedError naming the op', () => {
    const gone = tensor([1, 2]);
    gone.dispose();
    expectThrowsClean(() => gone.sigmoid(), DisposedError, ['sigmoid: x was disposed'], counts);
    expectThrowsClean(() => gone.relu(), DisposedError, ['relu: x was disposed'], counts);
    expectThrowsClean(() => gone.leakyRelu(), DisposedError, ['leakyRelu: x was disposed'], counts);
    expectThrowsClean(() => gone.tanh(), DisposedError, ['tanh: x was disposed'], counts);
    expectThrowsClean(() => gone.softmax(0), DisposedError, ['softmax: x was disposed'], counts);
  });

  it('leakyRelu rejects an alpha that is not a number, or NaN', () => {
    tidy(() => {
      const x = tensor([-1, 1]);
      for (const [alpha, got] of [[NaN, 'got NaN'], ['0.1', 'got "0.1"'], [null, 'got null'], [[0.1], 'got [0.1]']] as [unknown, string][]) {
        expectThrowsClean(() => loose(leakyRelu)(x, alpha), TypeError, ['leakyRelu: alpha must be a number', got], counts);
        expectThrowsClean(() => loose((t: Tensor, a: number) => t.leakyRelu(a))(x, alpha), TypeError, ['leakyRelu: alpha', got], counts);
      }
    });
  });

  it('softmax rejects an axis out of range, naming the axis and the rank', () => {
    tidy(() => {
      const x = zeros([2, 3]), s = scalar(1);
      expectThrowsClean(() => softmax(x, 2), RangeError, ['softmax: axis 2', 'rank 2'], counts);
      expectThrowsClean(() => softmax(x, -3), RangeError, ['softmax: axis -3', 'rank 2'], counts);
      expectThrowsClean(() => x.softmax(7), RangeError, ['softmax: axis 7', 'rank 2'], counts);
      // A scalar has no axis, not even the default last one.
      expectThrowsClean(() => softmax(s), RangeError, ['softmax: axis -1', 'rank 0'], counts);
      expectThrowsClean(() => softmax(s, 0), RangeError, ['softmax: axis 0', 'rank 0'], counts);
    });
  });

  it('softmax rejects a fractional or non-number axis with a TypeError naming the axis and the rank', () => {
    tidy(() => {
      const x = zeros([2, 3]);
      for (const [axis, got] of [[0.5, 'got 0.5'], ['1', 'got "1"'], [NaN, 'got NaN'], [null, 'got null'], [[1], 'got [1]'], [Infinity, 'got Infinity']] as [unknown, string][]) {
        expectThrowsClean(() => loose(softmax)(x, axis), TypeError, ['softmax: axis must be an integer', got, 'rank 2'], counts);
      }
    });
  });
});
