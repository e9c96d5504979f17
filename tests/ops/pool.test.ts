// Pooling (src/ops/pool.ts, assembly/pool.ts) against float64 references written from TF.js's formulas: output
// sizes and padding for 'valid', 'same', numeric and explicit pads with each rounding mode; max pooling exact (ties
// to the first tap in window order, NaN propagating), average pooling within the float32 bound of its sum; fast-check
// shapes with odd sizes, stride > window, 1×1 windows, batch 1 and empty batches; every backward kernel (with and
// without its add flag, dilated windows included) against float64 central differences; argument errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, avgPool, DisposedError, maxPool, maxPoolWithArgmax, memory, ShapeError, tensor, tidy, zeros, type Tensor } from '../../src/index';
import type { Geometry } from '../../src/ops/pool';
import { kernels } from '../../src/runtime/wasm';
import { expectBounded, expectExact, expectThrowsClean, failOnLeaks, seededValues } from '../reference';
import { expectForeignRejected } from './foreign';
import {
  adjointBound, asInt32, centralDifferences, distinctValues, forward64, onWasm, poolTaps, refGeometry, type Pad, type Rounding, type Taps,
} from './windowed';

const U = 2 ** -24;

/** Float32 bound of a mean of n taps summed in order and divided once: (n − 1)·u·Σ|x|/n + u·|mean|. */
function meanBound(taps: Taps, x: ArrayLike<number>, rows: number, inSize: number): Float64Array {
  const abs = forward64(taps, Array.from(x, Math.abs), rows, inSize, 'sum').y;
  return abs.map((a, i) => ((taps[i % taps.length].index.length - 1) * U * a + U * a) * 1.01);
}

const inSizeOf = (g: Geometry): number => g.inH * g.inW * g.inC;
const outSizeOf = (g: Geometry): number => g.outH * g.outW * g.inC;
const show = (g: Geometry): string => JSON.stringify(g);

failOnLeaks();

describe('hand-picked values', () => {
  it('match TF.js on small images', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]);
      expect(maxPool(x, 2, 1, 'valid').reshape([2, 2]).toArray()).toEqual([[5, 6], [8, 9]]);
      // 'same' on an odd size with stride 2: out 2, padding 1 in total, after the input.
      expect(maxPool(x, 2, 2, 'same').reshape([2, 2]).toArray()).toEqual([[5, 6], [8, 9]]);
      expect(avgPool(x, 2, 2, 'same').reshape([2, 2]).toArray()).toEqual([[3, 4.5], [7.5, 9]]);
      // 'same' on an even size, window 3: one row and column padded on each side, not counted in the mean.
      const y = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
      expect(avgPool(y, 3, 1, 'same').reshape([2, 2]).toArray()).toEqual([[2.5, 2.5], [2.5, 2.5]]);
      expect(maxPool(y, 3, 1, 'same').reshape([2, 2]).toArray()).toEqual([[4, 4], [4, 4]]);
      // A numeric pad with rounding: (3 − 2 + 2)/2 + 1 = 2.5 → 2 toward zero; with 'ceil', 3 windows, the last wholly
      // in the padding (TF.js gives -Infinity there; here it is an error).
      expect(maxPool(x, 2, 2, 1).reshape([2, 2]).toArray()).toEqual([[1, 3], [7, 9]]);
      expectThrowsClean(() => maxPool(x, 2, 2, 1, 'ceil'), ShapeError, ['maxPool: the window of output height index 2 covers only padding'], memory);
      expect(maxPool(arange(16).reshape([4, 4, 1]), 2, 2, 1, 'ceil').reshape([3, 3]).toArray()).toEqual([[0, 2, 3], [8, 10, 11], [12, 14, 15]]);
      expect(avgPool(x, 1, 2, [[0, 0], [0, 0], [0, 1], [0, 0]]).reshape([2, 2]).toArray()).toEqual([[1, 3], [7, 9]]);
    });
  });

  it('are Tensor methods too', () => {
    tidy(() => {
      const x = arange(16).reshape([1, 4, 4, 1]);
      expect(x.maxPool(3, 1, 'same').dataSync()).toEqual(maxPool(x, 3, 1, 'same').dataSync());
      expect(x.avgPool(2, [1, 2], 1, 'ceil').dataSync()).toEqual(avgPool(x, 2, [1, 2], 1, 'ceil').dataSync());
    });
  });

  it('take the first maximum on ties and propagate NaN', () => {
    tidy(() => {
      const { result, indexes } = maxPoolWithArgmax(tensor([2, 3, 1, 3, 2, 1, 0, 3], [1, 2, 2, 2]), 2, 2, 'valid');
      expect(result.reshape([2]).toArray()).toEqual([2, 3]);
      expect(indexes.reshape([2]).toArray()).toEqual([0, 1]);
      expect(maxPool(tensor([1, NaN, 5, NaN], [2, 2, 1]), 2, 2, 'valid').reshape([1]).toArray()).toEqual([NaN]);
      expect(maxPool(tensor([-Infinity, -Infinity], [1, 2, 1]), [1, 2], 1, 'valid').reshape([1]).toArray()).toEqual([-Infinity]);
      // Four channels (one vector): the first NaN of a window wins, whatever follows.
      const nan = maxPoolWithArgmax(tensor([1, NaN, NaN, 3, NaN, 2, NaN, 5], [1, 1, 2, 4]), [1, 2], 1, 'valid');
      expect(nan.result.reshape([4]).toArray()).toEqual([NaN, NaN, NaN, 5]);
      expect(nan.indexes.reshape([4]).toArray()).toEqual([4, 1, 2, 7]);
      const batch = maxPoolWithArgmax(tensor([0, 1, 5, 4], [2, 1, 2, 1]), [1, 2], 1, 'valid', true);
      expect(batch.indexes.reshape([2]).toArray()).toEqual([1, 2]);
    });
  });

  it('keep an empty batch empty and a rank-3 input rank 3', () => {
    tidy(() => {
      expect(maxPool(zeros([0, 4, 4, 2]), 2, 2, 'valid').shape).toEqual([0, 2, 2, 2]);
      expect(avgPool(zeros([0, 5, 3, 1]), 3, 1, 'same').shape).toEqual([0, 5, 3, 1]);
      expect(avgPool(zeros([5, 3, 0]), 3, 1, 'same').shape).toEqual([5, 3, 0]);
      const { result, indexes } = maxPoolWithArgmax(zeros([0, 3, 3, 1]), 2, 1, 'valid');
      expect([result.shape, indexes.shape]).toEqual([[0, 2, 2, 1], [0, 2, 2, 1]]);
    });
  });
});

// Pads, roundings and shapes of the ops; an invalid combination must throw a ShapeError naming the op.
const arbPad: fc.Arbitrary<Pad> = fc.oneof(fc.constant<Pad>('valid'), fc.constant<Pad>('same'), fc.integer({ min: 0, max: 3 }),
  fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
    .map(([t, b, l, r]): Pad => [[0, 0], [t, b], [l, r], [0, 0]]));
const arbCase = fc.record({
  n: fc.constantFrom(0, 1, 2, 3), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }), c: fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9),
  k: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })), s: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
  pad: arbPad, rounding: fc.constantFrom<Rounding>(undefined, 'floor', 'round', 'ceil'), rank3: fc.boolean(), ties: fc.boolean(), seed: fc.integer(),
});

describe('maxPool and avgPool against float64 references (fast-check)', () => {
  it('give TF.js output shapes and values, or a ShapeError where a window takes no input', () => {
    fc.assert(fc.property(arbCase, ({ n, h, w, c, k, s, pad, rounding, rank3, ties, seed }) => {
      const mode = typeof pad === 'string' ? undefined : rounding;
      const rows = rank3 ? 1 : n;
      const shape = rank3 ? [h, w, c] : [n, h, w, c];
      const g = refGeometry(shape, k, s, pad, mode);
      const raw = seededValues(rows * h * w * c, seed, 4);
      const x = ties ? raw.map(Math.round) : raw;
      tidy(() => {
        const t = tensor(Float32Array.from(x), shape);
        const context = `${JSON.stringify(shape)} filter ${k} strides ${s} pad ${JSON.stringify(pad)} ${mode}`;
        if (!g) {
          expectThrowsClean(() => maxPool(t, k, s, pad, mode), ShapeError, ['maxPool: '], memory);
          expectThrowsClean(() => avgPool(t, k, s, pad, mode), ShapeError, ['avgPool: '], memory);
          return;
        }
        const outShape = rank3 ? [g.outH, g.outW, c] : [n, g.outH, g.outW, c];
        const inSize = inSizeOf(g);
        const max64 = forward64(poolTaps(g, false), x, rows, inSize, 'max');
        const maxed = maxPool(t, k, s, pad, mode);
        expect(maxed.shape, context).toEqual(outShape);
        expectExact(maxed.dataSync(), max64.y, `maxPool ${context}`);
        const avgTaps = poolTaps(g, true);
        const averaged = avgPool(t, k, s, pad, mode);
        expect(averaged.shape, context).toEqual(outShape);
        expectBounded(averaged.dataSync(), forward64(avgTaps, x, rows, inSize, 'sum').y, meanBound(avgTaps, x, rows, inSize), `avgPool ${context}`);
        if (!rank3 && !Array.isArray(pad) && mode === undefined) {
          const both = maxPoolWithArgmax(t, k, s, pad, ties);
          expectExact(both.result.dataSync(), max64.y, `maxPoolWithArgmax ${context}`);
          const perRow = max64.arg.length / Math.max(rows, 1);
          expectExact(both.indexes.dataSync(), max64.arg.map((a, i) => a + (ties ? Math.floor(i / perRow) * inSize : 0)), `indexes ${context}`);
        }
      });
    }), { numRuns: 300 });
  });
});

// Geometries of the kernels, dilated windows included (the ops take dilation 1).
const arbGeometry = fc.record({
  rows: fc.constantFrom(1, 2, 3), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), c: fc.constantFrom(1, 3, 4, 5, 8, 9),
  k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), s: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  d: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), pad: arbPad, add: fc.boolean(), seed: fc.integer(),
}).map(({ rows, h, w, c, k, s, d, pad, add, seed }) => ({ rows, g: refGeometry([h, w, c], k, s, pad, undefined, d), add, seed }))
  .filter((t) => t.g !== null) as fc.Arbitrary<{ rows: number; g: Geometry; add: boolean; seed: number }>;

/** What dx starts as: values to add to, or NaN that the kernel must overwrite. */
const startOf = (add: boolean, n: number, seed: number): Float64Array => (add ? seededValues(n, seed + 2) : new Float64Array(n).fill(NaN));
/** The expected dx: the gradient, plus the start when adding. */
const plus = (grad: Float64Array, start: Float64Array, add: boolean): Float64Array => (add ? grad.map((v, i) => v + start[i]) : grad);

describe('backward kernels against float64 central differences (fast-check)', () => {
  it('maxPoolBackward scatters dy to the saved indexes (distinct values, steps of 1/64 below half their gaps)', () => {
    fc.assert(fc.property(arbGeometry, ({ rows, g, add, seed }) => {
      const inSize = inSizeOf(g), outSize = outSizeOf(g), taps = poolTaps(g, false);
      const x = distinctValues(rows * inSize, seed), dy = seededValues(rows * outSize, seed + 1), start = startOf(add, rows * inSize, seed);
      const [y, arg, dx] = onWasm(g, [x, dy], [new Float64Array(rows * outSize), new Float64Array(rows * outSize), start], (gp, [px, pdy, py, parg, pdx]) => {
        kernels().maxPool(px, py, parg, gp, rows);
        kernels().maxPoolBackward(pdy, parg, pdx, gp, rows, add ? 1 : 0);
      });
      const ref = forward64(taps, x, rows, inSize, 'max');
      expectExact(y, ref.y, `maxPool ${show(g)}`);
      expectExact(asInt32(arg), ref.arg, `argmax ${show(g)}`);
      const grad = centralDifferences(taps, x, dy, rows, inSize, 'max', 1 / 64);
      expectBounded(dx, plus(grad, start, add), adjointBound(taps, dy, rows, inSize, ref.arg, add ? start : undefined), `maxPoolBackward ${show(g)} add ${add}`);
    }), { numRuns: 150 });
  });

  it('avgPool and avgPoolBackward: the mean of the taps inside, and its adjoint', () => {
    fc.assert(fc.property(arbGeometry, ({ rows, g, add, seed }) => {
      const inSize = inSizeOf(g), outSize = outSizeOf(g), taps = poolTaps(g, true);
      const x = seededValues(rows * inSize, seed), dy = seededValues(rows * outSize, seed + 1), start = startOf(add, rows * inSize, seed);
      const [y, dx] = onWasm(g, [x, dy], [new Float64Array(rows * outSize), start], (gp, [px, pdy, py, pdx]) => {
        kernels().avgPool(px, py, gp, rows);
        kernels().avgPoolBackward(pdy, pdx, gp, rows, add ? 1 : 0);
      });
      expectBounded(y, forward64(taps, x, rows, inSize, 'sum').y, meanBound(taps, x, rows, inSize), `avgPool ${show(g)}`);
      const grad = centralDifferences(taps, x, dy, rows, inSize, 'sum', 1 / 64);
      expectBounded(dx, plus(grad, start, add), adjointBound(taps, dy, rows, inSize, undefined, add ? start : undefined), `avgPoolBackward ${show(g)} add ${add}`);
    }), { numRuns: 150 });
  });

  it('global pooling: globalAvgPool and its backward, and maxPool over a window of the whole input', () => {
    const arbGlobal = fc.record({ rows: fc.constantFrom(1, 2, 3), h: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 1, max: 9 }),
      c: fc.constantFrom(1, 2, 4, 5, 7, 8, 17), add: fc.boolean(), seed: fc.integer() });
    fc.assert(fc.property(arbGlobal, ({ rows, h, w, c, add, seed }) => {
      const g: Geometry = { inH: h, inW: w, inC: c, outH: 1, outW: 1, outC: c, kH: h, kW: w, sH: 1, sW: 1, dH: 1, dW: 1, padTop: 0, padLeft: 0 };
      const inSize = h * w * c, avgTaps = poolTaps(g, true), maxTaps = poolTaps(g, false);
      const x = distinctValues(rows * inSize, seed), dy = seededValues(rows * c, seed + 1), start = startOf(add, rows * inSize, seed);
      const [avg, dxAvg, max, arg, dxMax] = onWasm(g, [x, dy],
        [new Float64Array(rows * c), start, new Float64Array(rows * c), new Float64Array(rows * c), start], (gp, [px, pdy, pa, pda, pm, parg, pdm]) => {
          kernels().globalAvgPool(px, pa, gp, rows);
          kernels().globalAvgPoolBackward(pdy, pda, gp, rows, add ? 1 : 0);
          kernels().maxPool(px, pm, parg, gp, rows);
          kernels().maxPoolBackward(pdy, parg, pdm, gp, rows, add ? 1 : 0);
        });
      const context = `[${rows},${h},${w},${c}] add ${add}`;
      expectBounded(avg, forward64(avgTaps, x, rows, inSize, 'sum').y, meanBound(avgTaps, x, rows, inSize), `globalAvgPool ${context}`);
      const avgGrad = centralDifferences(avgTaps, x, dy, rows, inSize, 'sum', 1 / 64);
      expectBounded(dxAvg, plus(avgGrad, start, add), adjointBound(avgTaps, dy, rows, inSize, undefined, add ? start : undefined), `globalAvgPoolBackward ${context}`);
      const ref = forward64(maxTaps, x, rows, inSize, 'max');
      expectExact(max, ref.y, `global max ${context}`);
      expectExact(asInt32(arg), ref.arg, `global argmax ${context}`);
      const maxGrad = centralDifferences(maxTaps, x, dy, rows, inSize, 'max', 1 / 64);
      expectBounded(dxMax, plus(maxGrad, start, add), adjointBound(maxTaps, dy, rows, inSize, ref.arg, add ? start : undefined), `global max backward ${context}`);
    }), { numRuns: 100 });
  });
});

describe('argument errors name the op and the argument, and allocate nothing', () => {
  const cases: [string, (t: Tensor) => unknown, abstract new (...args: never[]) => Error, string[], number[]?][] = [
    ['rank 2', (t) => maxPool(t, 2, 2, 'valid'), ShapeError, ['maxPool: x must have rank 4', 'got shape [4,8]'], [4, 8]],
    ['filterSize 0', (t) => maxPool(t, 0, 1, 'valid'), RangeError, ['maxPool: filterSize must be a positive integer or a pair of them, got 0']],
    ['filterSize of three', (t) => avgPool(t, [1, 2, 3] as never, 1, 'valid'), RangeError, ['avgPool: filterSize must be', 'got [1,2,3]']],
    ['strides 1.5', (t) => maxPool(t, 2, 1.5, 'valid'), RangeError, ['maxPool: strides must be a positive integer', 'got 1.5']],
    ['strides [1, 0]', (t) => maxPool(t, 2, [1, 0], 'valid'), RangeError, ['maxPool: strides must be', 'got [1,0]']],
    ['pad "full"', (t) => maxPool(t, 2, 1, 'full' as never), RangeError, ["maxPool: pad must be 'valid', 'same'", 'got "full"']],
    ['pad -1', (t) => avgPool(t, 2, 1, -1), RangeError, ['avgPool: pad must be', 'got -1']],
    ['batch padding', (t) => maxPool(t, 2, 1, [[1, 0], [0, 0], [0, 0], [0, 0]]), RangeError, ['maxPool: pad [[1,0],[0,0],[0,0],[0,0]] pads the batch or channel axis']],
    ['rounding with same', (t) => maxPool(t, 2, 1, 'same', 'ceil'), RangeError, ['maxPool: dimRoundingMode "ceil" needs a numeric or explicit pad, got "same"']],
    ['rounding "up"', (t) => maxPool(t, 2, 1, 1, 'up' as never), RangeError, ["maxPool: dimRoundingMode must be 'floor', 'round' or 'ceil', got \"up\""]],
    ['window larger than the input', (t) => maxPool(t, [5, 2], 1, 'valid'), ShapeError, ["maxPool: the window (5 along height) does not fit the input's height 4", 'x [1,4,4,2]']],
    ['window in the padding', (t) => avgPool(t, 2, 1, [[0, 0], [0, 0], [3, 0], [0, 0]]), ShapeError, ['avgPool: the window of output width index 0 covers only padding (input width 4, 3 padded before, window 2, stride 1)']],
    ['argmax of rank 3', (t) => maxPoolWithArgmax(t, 2, 2, 'valid'), ShapeError, ['maxPoolWithArgmax: x must have rank 4'], [4, 4, 2]],
    ['includeBatchInIndex "yes"', (t) => maxPoolWithArgmax(t, 2, 2, 'valid', 'yes' as never), TypeError, ['maxPoolWithArgmax: includeBatchInIndex must be a boolean, got "yes"']],
  ];
  for (const [what, call, type, fragments, shape] of cases) {
    it(what, () => {
      const t = zeros(shape ?? [1, 4, 4, 2]);
      try {
        expectThrowsClean(() => call(t), type, fragments, memory);
      } finally {
        t.dispose();
      }
    });
  }

  it('disposed and foreign tensors', () => {
    const t = zeros([1, 4, 4, 2]);
    t.dispose();
    expectThrowsClean(() => maxPool(t, 2, 2, 'valid'), DisposedError, ['maxPool: x was disposed'], memory);
    expectThrowsClean(() => avgPool(t, 2, 2, 'valid'), DisposedError, ['avgPool: x was disposed'], memory);
    expectForeignRejected((v) => maxPool(v, 2, 2, 'valid'), 'maxPool', 'x');
    expectForeignRejected((v) => avgPool(v, 2, 2, 'valid'), 'avgPool', 'x');
    expectForeignRejected((v) => maxPoolWithArgmax(v, 2, 2, 'valid'), 'maxPoolWithArgmax', 'x');
  });
});
