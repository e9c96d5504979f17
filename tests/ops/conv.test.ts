// Convolutions (src/ops/conv.ts over assembly/conv.ts and the GEMM) against float64 loops (conv-reference.ts): hand
// cases, fast-check properties over shapes (odd sizes, strides above the kernel, dilations, 'same' on even and odd
// sizes, explicit padding, 1×1 kernels, batches of 0 to 3), and the backward kernels (col2im = the input gradient,
// colsᵀ·dY = the filter gradient, both depthwise backwards) against float64 central differences of the forward.
//
// Tolerance. Each output is a float32 sum of products of float32 inputs, rounded in some order; with at most t terms
// it is within γ_t·Σ|products| of the float64 value (sumBounds). A gradient through two sums (dY·Wᵀ over the outputs,
// then col2im over the taps) counts both lengths. The central differences of a function linear in the probed values
// are exact but for float64 rounding (≈ 1e-16 relative), far below these bounds; Σ|products| of a gradient is the
// same central difference taken on absolute values.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  conv1d, conv2d, conv2dTranspose, depthwiseConv2d, DisposedError, matmul, memory, ones, separableConv2d, ShapeError, tensor, zeros, type Tensor,
} from '../../src/index';
import { kernels } from '../../src/runtime/wasm';
import { convolveBackwardInput } from '../../src/ops/conv';
import { withGeometry, type Geometry } from '../../src/ops/pool';
import { describeEachBuild, runs, splitsOverThreads } from '../builds';
import { expectBounded, expectExact, expectThrowsClean, failOnLeaks, seededValues, size, take } from '../reference';
import {
  arbConvCase, centralDifferences, eachTap, refAxis, refConv2d, refConvTranspose, refDepthwise, refWindow, sumBounds, type ConvCase, type Window,
} from './conv-reference';
import { expectForeignRejected } from './foreign';

failOnLeaks();

/** Runs fn on new tensors of the given values and shapes, disposing them afterwards. */
function withTensors<T>(parts: [ArrayLike<number>, number[]][], fn: (...ts: Tensor[]) => T): T {
  const ts = parts.map(([v, s]) => tensor(Float32Array.from(v), s));
  try {
    return fn(...ts);
  } finally {
    for (const t of ts) t.dispose();
  }
}

/** The case's window and values: x [n, h, w, c], a filter of `filterSize` values. */
function setup(t: ConvCase, filterSize: (g: Window) => number): { g: Window; x: Float64Array; f: Float64Array } {
  const g = refWindow([t.n, t.h, t.w, t.c], t.kh, t.kw, t.strides, t.dilations, t.pad)!;
  return { g, x: seededValues(t.n * t.h * t.w * t.c, t.seed, 2), f: seededValues(filterSize(g), t.seed + 1) };
}

/** The kernels' geometry record for window g with outC outputs (or a depthwise multiplier). */
const geometryOf = (g: Window, outC: number, mult = 1): Geometry => ({
  inH: g.h, inW: g.w, inC: g.c, outH: g.outH, outW: g.outW, outC, kH: g.kh, kW: g.kw, sH: g.sh, sW: g.sw, dH: g.dh, dW: g.dw,
  padTop: g.top, padLeft: g.left, mult,
});

const caseText = (t: ConvCase): string => JSON.stringify(t);

describeEachBuild('conv2d', (env) => {
  test('hand cases: valid, same, stride, dilation, explicit padding, one sample of rank 3', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), k = ones([2, 2, 1, 1]);
    expect(take(conv2d(x, k, 1, 'valid'), [1, 2, 2, 1])).toEqual(Float32Array.from([12, 16, 24, 28]));
    // 'same' on 3×3 with a 2×2 window: one zero after each axis (pad before = floor(1/2) = 0).
    expect(take(conv2d(x, k, 1, 'same'), [1, 3, 3, 1])).toEqual(Float32Array.from([12, 16, 9, 24, 28, 15, 15, 17, 9]));
    expect(take(conv2d(x, k, 2, 'same'), [1, 2, 2, 1])).toEqual(Float32Array.from([12, 9, 15, 9]));
    expect(take(conv2d(x, k, 1, 'valid', 'NHWC', 2), [1, 1, 1, 1])).toEqual(Float32Array.from([20]));
    expect(take(conv2d(x, k, 3, 1), [1, 2, 2, 1])).toEqual(Float32Array.from([1, 3, 7, 9]));
    const one = x.reshape([3, 3, 1]);
    expect(take(conv2d(one, k, [1, 2], 'valid'), [2, 1, 1])).toEqual(Float32Array.from([12, 24]));
    for (const t of [x, k, one]) t.dispose();
  });

  test('random shapes and settings against the float64 loops, within the float32 bound (property)', () => {
    fc.assert(fc.property(arbConvCase(), (t) => {
      const { g, x, f } = setup(t, () => t.kh * t.kw * t.c * t.oc);
      const ref = refConv2d(x, f, g, t.oc);
      const got = withTensors([[x, [t.n, t.h, t.w, t.c]], [f, [t.kh, t.kw, t.c, t.oc]]], (tx, tf) =>
        take(conv2d(tx, tf, t.strides, t.pad, 'NHWC', t.dilations), [t.n, g.outH, g.outW, t.oc]));
      expectBounded(got, ref.data, sumBounds(ref.absSum, t.kh * t.kw * t.c), caseText(t));
    }), { numRuns: runs(env, 150, 20) });
  });

  test("'same' on even and odd sizes with even and odd windows and strides", () => {
    for (const size of [4, 5, 6, 7]) {
      for (const k of [1, 2, 3, 4]) {
        for (const s of [1, 2, 3]) {
          const t: ConvCase = { n: 2, h: size, w: size + 1, c: 3, oc: 4, kh: k, kw: k, strides: [s, s], dilations: [1, 1], pad: 'same', seed: size * 100 + k * 10 + s };
          const { g, x, f } = setup(t, () => k * k * 3 * 4);
          expect([g.outH, g.outW]).toEqual([Math.ceil(size / s), Math.ceil((size + 1) / s)]);
          const ref = refConv2d(x, f, g, 4);
          const got = withTensors([[x, [2, size, size + 1, 3]], [f, [k, k, 3, 4]]], (tx, tf) => take(conv2d(tx, tf, s, 'same'), [2, g.outH, g.outW, 4]));
          expectBounded(got, ref.data, sumBounds(ref.absSum, k * k * 3), caseText(t));
        }
      }
    }
  });

  test('a product above PARALLEL_FLOPS (split over the threads) within the bound, and a batch with the bits of its samples alone', () => {
    const [n, h, w, c, oc] = [8, 16, 16, 16, 32];
    expect(splitsOverThreads(n * h * w, 9 * c, oc)).toBe(true);
    const t: ConvCase = { n, h, w, c, oc, kh: 3, kw: 3, strides: [1, 1], dilations: [1, 1], pad: 'same', seed: 5 };
    const { g, x, f } = setup(t, () => 9 * c * oc);
    const ref = refConv2d(x, f, g, oc);
    withTensors([[x, [n, h, w, c]], [f, [3, 3, c, oc]]], (tx, tf) => {
      const all = take(conv2d(tx, tf, 1, 'same'), [n, h, w, oc]);
      expectBounded(all, ref.data, sumBounds(ref.absSum, 9 * c), 'whole batch');
      for (const i of [0, 5]) {
        const sample = tx.slice([i, 0, 0, 0], [1, h, w, c]);
        expectExact(take(conv2d(sample, tf, 1, 'same'), [1, h, w, oc]), all.subarray(i * h * w * oc, (i + 1) * h * w * oc), `sample ${i}`);
        sample.dispose();
      }
    });
  });

  test('a batch whose columns exceed one chunk has the bits of its samples computed alone', () => {
    // 7 samples of 16×16×16 under a 3×3 window: 36,864 column floats each, 7 per 2^18-float chunk; 9 samples of them
    // take two chunks.
    const [n, h, w, c, oc] = [9, 16, 16, 16, 3];
    const x = tensor(Float32Array.from(seededValues(n * h * w * c, 9)), [n, h, w, c]), f = tensor(Float32Array.from(seededValues(9 * c * oc, 10)), [3, 3, c, oc]);
    const all = take(conv2d(x, f, 1, 'same'), [n, h, w, oc]);
    for (const i of [0, 6, 7, 8]) {
      const sample = x.slice([i, 0, 0, 0], [1, h, w, c]);
      expectExact(take(conv2d(sample, f, 1, 'same'), [1, h, w, oc]), all.subarray(i * h * w * oc, (i + 1) * h * w * oc), `sample ${i}`);
      sample.dispose();
    }
    x.dispose();
    f.dispose();
  });

  test('a 1×1 window with stride 1 is the matrix product of x with the filter, bit for bit', () => {
    const x = tensor(Float32Array.from(seededValues(3 * 5 * 7 * 6, 3)), [3, 5, 7, 6]), f = tensor(Float32Array.from(seededValues(6 * 9, 4)), [1, 1, 6, 9]);
    const flat = x.reshape([105, 6]), w = f.reshape([6, 9]), product = matmul(flat, w);
    expectExact(take(conv2d(x, f, 1, 'same'), [3, 5, 7, 9]), product.dataSync());
    for (const t of [x, f, flat, w, product]) t.dispose();
  });
});

describe('conv2d edges and errors', () => {
  test('an empty batch gives an empty output; zero input channels give zeros; zero filters an empty last axis', () => {
    const none = zeros([0, 5, 5, 2]), k = ones([3, 3, 2, 4]);
    expect(take(conv2d(none, k, 1, 'same'), [0, 5, 5, 4])).toEqual(new Float32Array(0));
    const flat = zeros([2, 4, 4, 0]), k0 = zeros([3, 3, 0, 2]);
    expect(take(conv2d(flat, k0, 1, 'valid'), [2, 2, 2, 2])).toEqual(new Float32Array(16));
    const x = ones([1, 4, 4, 2]), kNone = zeros([3, 3, 2, 0]);
    expect(take(conv2d(x, kNone, 1, 'valid'), [1, 2, 2, 0])).toEqual(new Float32Array(0));
    for (const t of [none, k, flat, k0, x, kNone]) t.dispose();
  });

  test('bad arguments throw errors naming the op, the argument and the shapes, before allocating', () => {
    const x = ones([2, 5, 5, 3]), k = ones([3, 3, 3, 4]), k2 = ones([3, 3, 2, 4]), big = ones([6, 3, 3, 4]), r2 = ones([5, 5]), flat = zeros([1, 0, 4, 3]);
    const cases: [() => unknown, abstract new (...args: never[]) => Error, string[]][] = [
      [() => conv2d(x, k2, 1, 'valid'), ShapeError, ['conv2d: filter has shape [3,3,2,4] but x has 3 channels']],
      [() => conv2d(x, big, 1, 'valid'), ShapeError, ["conv2d: the window's height 6 is larger than x's height 5 with pad 'valid'"]],
      [() => conv2d(x, k, 1, 'valid', 'NHWC', 3), ShapeError, ["conv2d: the window's height 7 (3 taps 3 apart) is larger than x's height 5"]],
      [() => conv2d(x, big, 1, 0), ShapeError, ['larger than', 'pad 0 on each side']],
      [() => conv2d(r2, k, 1, 'valid'), ShapeError, ['conv2d: x must have rank 3', 'got shape [5,5]']],
      [() => conv2d(x, r2, 1, 'valid'), ShapeError, ['conv2d: filter must have rank 4', 'got shape [5,5]']],
      [() => conv2d(x, k, 0, 'valid'), RangeError, ['conv2d: strides must be a positive integer or a pair', 'got 0']],
      [() => conv2d(x, k, [1, 2, 3] as never, 'valid'), RangeError, ['conv2d: strides']],
      [() => conv2d(x, k, 1, 'valid', 'NHWC', [1, 0]), RangeError, ['conv2d: dilations must be']],
      [() => conv2d(x, k, 2, 'same', 'NHWC', 2), RangeError, ['conv2d: strides 2 and dilations 2 are both above 1']],
      [() => conv2d(x, k, 1, 'full' as never), RangeError, ["conv2d: pad must be 'valid', 'same' or an integer in [0, 16777216], got \"full\""]],
      [() => conv2d(x, k, 1, 1e38), RangeError, ['conv2d: pad must be', 'got 1e+38']],
      [() => conv2d(x, k, 1, 1 << 24), RangeError, ['conv2d: result shape [2,33554435,33554435,4]', 'the limit is']],
      [() => conv2d(x, k, 1, -1), RangeError, ['conv2d: pad must be']],
      [() => conv2d(x, k, 1, 'valid', 'NCHW'), RangeError, ["conv2d: dataFormat 'NCHW' is not supported; only 'NHWC'"]],
      [() => conv2d(flat, k, 1, 'same'), ShapeError, ['conv2d: x has height 0']],
    ];
    for (const [fn, type, fragments] of cases) expectThrowsClean(fn, type, fragments, memory);
    expectForeignRejected((v) => conv2d(v, k, 1, 'valid'), 'conv2d', 'x');
    expectForeignRejected((v) => conv2d(x, v, 1, 'valid'), 'conv2d', 'filter');
    const gone = ones([1, 3, 3, 3]);
    gone.dispose();
    expectThrowsClean(() => conv2d(gone, k, 1, 'valid'), DisposedError, ['conv2d: x was disposed'], memory);
    for (const t of [x, k, k2, big, r2, flat]) t.dispose();
  });
});

describeEachBuild('conv1d', (env) => {
  test('random widths, strides, dilations and padding against the float64 loops (property)', () => {
    fc.assert(fc.property(arbConvCase(), (t) => {
      const along = refAxis(t.w, t.kw, t.strides[1], t.dilations[1], t.pad);
      fc.pre(along !== null);
      const g: Window = { n: t.n, h: 1, w: t.w, c: t.c, kh: 1, kw: t.kw, sh: 1, sw: t.strides[1], dh: 1, dw: t.dilations[1], top: 0, left: along!.before, outH: 1, outW: along!.out };
      const x = seededValues(t.n * t.w * t.c, t.seed, 2), f = seededValues(t.kw * t.c * t.oc, t.seed + 1);
      const ref = refConv2d(x, f, g, t.oc);
      const got = withTensors([[x, [t.n, t.w, t.c]], [f, [t.kw, t.c, t.oc]]], (tx, tf) =>
        take(conv1d(tx, tf, t.strides[1], t.pad, 'NWC', t.dilations[1]), [t.n, g.outW, t.oc]));
      expectBounded(got, ref.data, sumBounds(ref.absSum, t.kw * t.c), caseText(t));
    }), { numRuns: runs(env, 80, 10) });
  });
});

describe('conv1d edges and errors', () => {
  test('one sample of rank 2; errors name conv1d', () => {
    const x = tensor([1, 2, 4, 8], [4, 1]), f = tensor([1, -1], [2, 1, 1]);
    expect(take(conv1d(x, f, 1, 'valid'), [3, 1])).toEqual(Float32Array.from([-1, -2, -4]));
    expect(take(conv1d(x, f, 1, 1), [5, 1])).toEqual(Float32Array.from([-1, -1, -2, -4, 8]));
    const f2 = ones([2, 2, 1]), f4 = ones([2, 2, 1, 1]);
    expectThrowsClean(() => conv1d(x, f2, 1, 'valid'), ShapeError, ['conv1d: filter has shape [2,2,1] but x has 1 channels'], memory);
    expectThrowsClean(() => conv1d(x, f4, 1, 'valid'), ShapeError, ['conv1d: filter must have rank 3'], memory);
    expectThrowsClean(() => conv1d(x, f, 2, 'valid', 'NWC', 2), RangeError, ['conv1d: stride 2 and dilation 2 are both above 1'], memory);
    expectThrowsClean(() => conv1d(x, f, 1, 'valid', 'NCW'), RangeError, ["conv1d: dataFormat 'NCW' is not supported; only 'NWC'"], memory);
    expectThrowsClean(() => conv1d(x, f, 1, 'valid', 'NWC', 4), ShapeError, ["conv1d: the window's width 5 (2 taps 4 apart) is larger than x's width 4"], memory);
    for (const t of [x, f, f2, f4]) t.dispose();
  });
});

describeEachBuild('depthwiseConv2d and separableConv2d', (env) => {
  test('random shapes, multipliers and settings against the float64 loops (property)', () => {
    fc.assert(fc.property(arbConvCase(3), (t) => {
      const mult = t.oc;
      const { g, x, f } = setup(t, () => t.kh * t.kw * t.c * mult);
      const ref = refDepthwise(x, f, g, mult);
      const got = withTensors([[x, [t.n, t.h, t.w, t.c]], [f, [t.kh, t.kw, t.c, mult]]], (tx, tf) =>
        take(depthwiseConv2d(tx, tf, t.strides, t.pad, 'NHWC', t.dilations), [t.n, g.outH, g.outW, t.c * mult]));
      expectBounded(got, ref.data, sumBounds(ref.absSum, t.kh * t.kw), caseText(t));
    }), { numRuns: runs(env, 150, 20) });
  });

  test('separableConv2d is depthwiseConv2d then a 1×1 conv2d, bit for bit', () => {
    fc.assert(fc.property(arbConvCase(3), fc.integer({ min: 1, max: 6 }), (t, oc) => {
      const mult = t.oc;
      const { x, f } = setup(t, () => t.kh * t.kw * t.c * mult);
      const p = seededValues(t.c * mult * oc, t.seed + 2);
      withTensors([[x, [t.n, t.h, t.w, t.c]], [f, [t.kh, t.kw, t.c, mult]], [p, [1, 1, t.c * mult, oc]]], (tx, tf, tp) => {
        const mid = depthwiseConv2d(tx, tf, t.strides, t.pad, 'NHWC', t.dilations), want = conv2d(mid, tp, 1, 'valid');
        expectExact(take(separableConv2d(tx, tf, tp, t.strides, t.pad, t.dilations), want.shape), want.dataSync(), caseText(t));
        mid.dispose();
        want.dispose();
      });
    }), { numRuns: runs(env, 40, 5) });
  });
});

describe('depthwiseConv2d and separableConv2d errors', () => {
  test('bad filters, strides and formats', () => {
    const x = ones([1, 4, 4, 3]), f = ones([2, 2, 3, 2]), bad = ones([2, 2, 2, 2]), p = ones([1, 1, 6, 5]), p2 = ones([1, 1, 5, 5]), p3 = ones([2, 1, 6, 5]);
    const cases: [() => unknown, abstract new (...args: never[]) => Error, string[]][] = [
      [() => depthwiseConv2d(x, bad, 1, 'valid'), ShapeError, ['depthwiseConv2d: filter has shape [2,2,2,2] but x has 3 channels']],
      [() => depthwiseConv2d(x, f, 2, 'valid', 'NHWC', 2), RangeError, ['depthwiseConv2d: strides 2 and dilations 2 are both above 1']],
      [() => depthwiseConv2d(x, f, 1, 'valid', 'NCHW'), RangeError, ["depthwiseConv2d: dataFormat 'NCHW' is not supported"]],
      [() => separableConv2d(x, bad, p, 1, 'valid'), ShapeError, ['separableConv2d: depthwiseFilter has shape [2,2,2,2] but x has 3 channels']],
      [() => separableConv2d(x, f, p2, 1, 'valid'), ShapeError, ['separableConv2d: pointwiseFilter has shape [1,1,5,5], expected [1, 1, 6, outChannels]']],
      [() => separableConv2d(x, f, p3, 1, 'valid'), ShapeError, ['separableConv2d: pointwiseFilter has shape [2,1,6,5]']],
      [() => separableConv2d(x, f, p, 1, 'valid', 1, 'NCHW'), RangeError, ["separableConv2d: dataFormat 'NCHW' is not supported"]],
    ];
    for (const [fn, type, fragments] of cases) expectThrowsClean(fn, type, fragments, memory);
    expectForeignRejected((v) => separableConv2d(x, f, v, 1, 'valid'), 'separableConv2d', 'pointwiseFilter');
    for (const t of [x, f, bad, p, p2, p3]) t.dispose();
  });
});

describeEachBuild('conv2dTranspose', (env) => {
  test('random shapes against the float64 scatter of the input gradient (property)', () => {
    fc.assert(fc.property(arbConvCase(), (t) => {
      fc.pre(t.dilations[0] === 1 && t.dilations[1] === 1 && typeof t.pad === 'string');
      const { g, f } = setup(t, () => t.kh * t.kw * t.c * t.oc);
      const dy = seededValues(t.n * g.outH * g.outW * t.oc, t.seed + 3, 2);
      const ref = refConvTranspose(dy, f, g, t.oc);
      const got = withTensors([[dy, [t.n, g.outH, g.outW, t.oc]], [f, [t.kh, t.kw, t.c, t.oc]]], (ty, tf) =>
        take(conv2dTranspose(ty, tf, [t.n, t.h, t.w, t.c], t.strides, t.pad as 'valid' | 'same'), [t.n, t.h, t.w, t.c]));
      expectBounded(got, ref.data, sumBounds(ref.absSum, t.oc + t.kh * t.kw), caseText(t));
    }), { numRuns: runs(env, 100, 15) });
  });

  test('hand case, one sample, and errors', () => {
    const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]), k = ones([2, 2, 1, 1]);
    expect(take(conv2dTranspose(x, k, [1, 3, 3, 1], 1, 'valid'), [1, 3, 3, 1])).toEqual(Float32Array.from([1, 3, 2, 4, 10, 6, 3, 7, 4]));
    const one = x.reshape([2, 2, 1]);
    expect(take(conv2dTranspose(one, k, [4, 4, 1], 2, 'valid'), [4, 4, 1])).toEqual(Float32Array.from([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]));
    const k3 = ones([2, 2, 3, 2]);
    const cases: [() => unknown, abstract new (...args: never[]) => Error, string[]][] = [
      [() => conv2dTranspose(x, k3, [1, 3, 3, 3], 1, 'valid'), ShapeError, ['conv2dTranspose: filter has shape [2,2,3,2] but x has 1 channels']],
      [() => conv2dTranspose(x, k, [1, 4, 4, 1], 1, 'valid'), ShapeError, ['conv2dTranspose: x is [1,2,2,1], but conv2d of outputShape [1,4,4,1]', 'gives height 3 and width 3']],
      [() => conv2dTranspose(x, k, [2, 3, 3, 1], 1, 'valid'), ShapeError, ["conv2dTranspose: outputShape [2,3,3,1] must have x's batch 1 and the filter's outDepth 1"]],
      [() => conv2dTranspose(x, k, [3, 3, 1], 1, 'valid'), ShapeError, ["conv2dTranspose: outputShape [3,3,1] must have x's rank 4"]],
      [() => conv2dTranspose(x, k, [1, 3, -3, 1], 1, 'valid'), RangeError, ['conv2dTranspose: outputShape[2] must be a non-negative integer']],
    ];
    for (const [fn, type, fragments] of cases) expectThrowsClean(fn, type, fragments, memory);
    for (const t of [x, k, one, k3]) t.dispose();
  });
});

describe('backward kernels against float64 central differences', () => {
  test('im2col copies each window exactly, zeros where it reads padding', () => {
    fc.assert(fc.property(arbConvCase(), (t) => {
      const { g, x } = setup(t, () => 0);
      const k = t.kh * t.kw * t.c, rows = t.n * g.outH * g.outW, want = new Float64Array(rows * k);
      eachTap(g, (n, oh, ow, i, j, ih, iw) => {
        const row = (n * g.outH + oh) * g.outW + ow;
        for (let ci = 0; ci < g.c; ci++) want[row * k + (i * g.kw + j) * g.c + ci] = x[((n * g.h + ih) * g.w + iw) * g.c + ci];
      });
      withTensors([[x, [t.n, t.h, t.w, t.c]], [new Float64Array(rows * k).fill(NaN), [rows, k]]], (tx, cols) => {
        withGeometry(geometryOf(g, 1), 'test', (geom) => kernels().im2col(tx.ptr, geom, t.n, cols.ptr));
        expectExact(cols.dataSync(), want, caseText(t));
      });
    }), { numRuns: 150 });
  });

  test('col2im of dY·Wᵀ is the input gradient of conv2d (dilations too), and col2imAdd adds to what dx held', () => {
    fc.assert(fc.property(arbConvCase(), fc.boolean(), (t, add) => {
      fc.pre(size([t.n, t.h, t.w, t.c]) <= 400);
      const { g, x, f } = setup(t, () => t.kh * t.kw * t.c * t.oc);
      const dy = seededValues(t.n * g.outH * g.outW * t.oc, t.seed + 3, 2), before = seededValues(x.length, t.seed + 4);
      const grad = centralDifferences(x, dy, (v) => refConv2d(v, f, g, t.oc).data);
      const scale = centralDifferences(x, dy.map(Math.abs), (v) => refConv2d(v, f.map(Math.abs), g, t.oc).data);
      const want = add ? grad.map((d, i) => d + before[i]) : grad;
      const bounds = add ? sumBounds(scale.map((v, i) => v + Math.abs(before[i])), t.oc + t.kh * t.kw + 1) : sumBounds(scale, t.oc + t.kh * t.kw);
      withTensors([[dy, [t.n * g.outH * g.outW, t.oc]], [f, [t.kh * t.kw * t.c, t.oc]], [add ? before : new Float64Array(x.length).fill(NaN), [t.n, t.h, t.w, t.c]]], (ty, tf, dx) => {
        if (add) {
          // col2imAdd with add: the columns dY·Wᵀ made here, added to dx.
          const cols = matmul(ty, tf, { transposeB: true });
          withGeometry(geometryOf(g, t.oc), 'test', (geom) => kernels().col2imAdd(cols.ptr, geom, t.n, dx.ptr, true));
          cols.dispose();
        } else {
          convolveBackwardInput('test', ty.ptr, tf.ptr, geometryOf(g, t.oc), t.n, dx.ptr);
        }
        expectBounded(dx.dataSync(), want, bounds, `${caseText(t)} add ${add}`);
      });
    }), { numRuns: 100 });
  });

  test('colsᵀ·dY is the filter gradient of conv2d', () => {
    fc.assert(fc.property(arbConvCase(), (t) => {
      fc.pre(t.kh * t.kw * t.c * t.oc <= 300);
      const { g, x, f } = setup(t, () => t.kh * t.kw * t.c * t.oc);
      const dy = seededValues(t.n * g.outH * g.outW * t.oc, t.seed + 3, 2);
      const want = centralDifferences(f, dy, (v) => refConv2d(x, v, g, t.oc).data);
      const scale = centralDifferences(f, dy.map(Math.abs), (v) => refConv2d(x.map(Math.abs), v, g, t.oc).data);
      const k = t.kh * t.kw * t.c, rows = t.n * g.outH * g.outW;
      withTensors([[x, [t.n, t.h, t.w, t.c]], [dy, [rows, t.oc]], [new Float64Array(rows * k), [rows, k]]], (tx, ty, cols) => {
        withGeometry(geometryOf(g, t.oc), 'test', (geom) => kernels().im2col(tx.ptr, geom, t.n, cols.ptr));
        expectBounded(take(matmul(cols, ty, { transposeA: true }), [k, t.oc]), want, sumBounds(scale, rows), caseText(t));
      });
    }), { numRuns: 100 });
  });

  test('depthwise backward to the input and to the filter, each writing or adding', () => {
    fc.assert(fc.property(arbConvCase(3), fc.boolean(), (t, add) => {
      fc.pre(size([t.n, t.h, t.w, t.c]) <= 400);
      const mult = t.oc;
      const { g, x, f } = setup(t, () => t.kh * t.kw * t.c * mult);
      const dy = seededValues(t.n * g.outH * g.outW * t.c * mult, t.seed + 3, 2);
      const ax = x.map(Math.abs), af = f.map(Math.abs), ady = dy.map(Math.abs);
      const dx = centralDifferences(x, dy, (v) => refDepthwise(v, f, g, mult).data);
      const dxScale = centralDifferences(x, ady, (v) => refDepthwise(v, af, g, mult).data);
      const df = centralDifferences(f, dy, (v) => refDepthwise(x, v, g, mult).data);
      const dfScale = centralDifferences(f, ady, (v) => refDepthwise(ax, v, g, mult).data);
      const beforeX = seededValues(x.length, t.seed + 5), beforeF = seededValues(f.length, t.seed + 6);
      const plus = (grad: Float64Array, before: Float64Array): Float64Array => (add ? grad.map((d, i) => d + before[i]) : grad);
      const bounds = (scale: Float64Array, terms: number, before: Float64Array): Float64Array =>
        (add ? sumBounds(scale.map((v, i) => v + Math.abs(before[i])), terms + 1) : sumBounds(scale, terms));
      const fill = (before: Float64Array): Float64Array => (add ? before : before.map(() => NaN));
      withTensors([[x, [t.n, t.h, t.w, t.c]], [f, [t.kh, t.kw, t.c, mult]], [dy, [dy.length]], [fill(beforeX), [x.length]], [fill(beforeF), [f.length]]],
        (tx, tf, ty, tdx, tdf) => {
          withGeometry(geometryOf(g, t.c * mult, mult), 'test', (geom) => {
            kernels().depthwiseConvBackwardInput(ty.ptr, tf.ptr, geom, t.n, tdx.ptr, add);
            kernels().depthwiseConvBackwardFilter(tx.ptr, ty.ptr, geom, t.n, tdf.ptr, add);
          });
          const wantX = plus(dx, beforeX), wantF = plus(df, beforeF);
          expectBounded(tdx.dataSync(), wantX, bounds(dxScale, mult + t.kh * t.kw, beforeX), `input ${caseText(t)} add ${add}`);
          expectBounded(tdf.dataSync(), wantF, bounds(dfScale, t.n * g.outH * g.outW, beforeF), `filter ${caseText(t)} add ${add}`);
        });
    }), { numRuns: 100 });
  });
});
