// Gradients of the convolutions (src/ops/conv.ts) with respect to every tensor input, against float64 central
// differences of the references in tests/ops/conv-reference.ts: fast-check over small geometries (odd sizes, strides
// above the window, dilations, 'same' on even and odd sizes, numeric padding, 1×1 windows, batches of 0 to 2), hand
// cases (one sample of rank 3, a second use of a tensor), a gradient of a gradient, and conv2d → relu → maxPool → sum.
import fc from 'fast-check';
import { describe, test } from 'vitest';
import {
  conv1d, conv2d, conv2dTranspose, depthwiseConv2d, greater, maxPool, mul, ones, separableConv2d, sum, tensor, type Tensor,
} from '../../src/index';
import { grads } from '../../src/autograd/gradients';
import { expectBounded, failOnLeaks, size, take, type Ref } from '../reference';
import {
  eachTap, refAxis, refConv2d, refConvTranspose, refDepthwise, refWindow, sumBounds, type Pad, type Window,
} from '../ops/conv-reference';
import { forward64, poolTaps, refGeometry } from '../ops/windowed';
import { expectGradients, refOf } from './check';

failOnLeaks();

/** A small convolution: x [n, h, w, c], a kh×kw window, oc outputs (or a multiplier), strides, dilations, pad. */
interface Small {
  n: number; h: number; w: number; c: number; oc: number;
  kh: number; kw: number; strides: [number, number]; dilations: [number, number]; pad: Pad; seed: number;
}

/** Small cases whose window fits, with at most `maxX` values in x and `maxFilter` in the filter (`filterSize`). */
function arbSmall(filterSize: (t: Small) => number, maxX = 60, maxFilter = 60): fc.Arbitrary<Small> {
  const side = fc.integer({ min: 1, max: 5 }), k = fc.integer({ min: 1, max: 3 }), step = fc.integer({ min: 1, max: 4 });
  return fc.record({
    n: fc.constantFrom(0, 1, 2), h: side, w: side, c: fc.integer({ min: 1, max: 3 }), oc: fc.integer({ min: 1, max: 3 }),
    kh: k, kw: k, sh: step, sw: step, dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
    pad: fc.oneof(fc.constant<Pad>('valid'), fc.constant<Pad>('same'), fc.integer({ min: 0, max: 2 })), seed: fc.nat(),
  }).map(({ sh, sw, dh, dw, ...rest }): Small => {
    const strided = sh > 1 || sw > 1; // TensorFlow takes dilations above 1 only with stride 1
    return { ...rest, strides: [sh, sw], dilations: strided ? [1, 1] : [dh, dw] };
  }).filter((t) => t.n * t.h * t.w * t.c <= maxX && filterSize(t) <= maxFilter &&
    refWindow([t.n, t.h, t.w, t.c], t.kh, t.kw, t.strides, t.dilations, t.pad) !== null);
}

const windowOf = (t: Small): Window => refWindow([t.n, t.h, t.w, t.c], t.kh, t.kw, t.strides, t.dilations, t.pad)!;
const xOf = (t: Small): Ref => refOf([t.n, t.h, t.w, t.c], t.seed);
const runs = { numRuns: 25 };

/** Checks op's gradients of x and a [kh, kw, c, oc] filter against `ref` (x, filter, window → values) over small cases. */
function checkWindowed(op: (x: Tensor, f: Tensor, t: Small) => Tensor, ref: (x: Ref, f: Ref, g: Window, t: Small) => Float64Array,
  outC: (t: Small) => number): void {
  fc.assert(fc.property(arbSmall((t) => t.kh * t.kw * t.c * t.oc), (t) => {
    const g = windowOf(t);
    expectGradients({
      name: JSON.stringify(t),
      inputs: [xOf(t), refOf([t.kh, t.kw, t.c, t.oc], t.seed + 1)],
      f: (x, f) => op(x, f, t),
      ref: (x, f) => ({ data: ref(x, f, g, t), shape: [t.n, g.outH, g.outW, outC(t)] }),
    });
  }), runs);
}

describe('conv2d gradients', () => {
  test('x and filter, over small geometries', () => {
    checkWindowed((x, f, t) => conv2d(x, f, t.strides, t.pad, 'NHWC', t.dilations),
      (x, f, g, t) => refConv2d(x.data, f.data, g, t.oc).data, (t) => t.oc);
  });

  test('one sample of rank 3, a 1×1 window (x itself is the columns), and a second use of x as the filter', () => {
    const g = refWindow([1, 4, 5, 3], 3, 2, [2, 1], [1, 1], 'same')!;
    expectGradients({
      inputs: [refOf([4, 5, 3], 3), refOf([3, 2, 3, 2], 4)],
      f: (x, f) => conv2d(x, f, [2, 1], 'same'),
      ref: (x, f) => ({ data: refConv2d(x.data, f.data, g, 2).data, shape: [g.outH, g.outW, 2] }),
    });
    const one = refWindow([2, 3, 5, 4], 1, 1, [1, 1], [1, 1], 'valid')!;
    expectGradients({
      inputs: [refOf([2, 3, 5, 4], 5), refOf([1, 1, 4, 3], 6)],
      f: (x, f) => conv2d(x, f, 1, 'valid'),
      ref: (x, f) => ({ data: refConv2d(x.data, f.data, one, 3).data, shape: [2, 3, 5, 3] }),
    });
    // x [2, 2, 2, 2] is also a [2, 2, 2, 2] filter: the gradients of both uses add up.
    const self = refWindow([2, 2, 2, 2], 2, 2, [1, 1], [1, 1], 'same')!;
    expectGradients({
      inputs: [refOf([2, 2, 2, 2], 7)],
      f: (x) => conv2d(x, x, 1, 'same'),
      ref: (x) => ({ data: refConv2d(x.data, x.data, self, 2).data, shape: [2, 2, 2, 2] }),
    });
  });

  test('a gradient of a gradient: d/dx of Σ w·(∂/∂f Σ dy·conv2d(x, f)) = d/dx Σ dy·conv2d(x, w)', () => {
    const g = refWindow([1, 4, 3, 2], 2, 2, [1, 1], [2, 1], 1)!;
    const w = refOf([2, 2, 2, 3], 8), dyIn = refOf([1, g.outH, g.outW, 3], 9);
    const [wT, dyT] = [tensor(Array.from(w.data), w.shape), tensor(Array.from(dyIn.data), dyIn.shape)];
    try {
      // f's result is the filter gradient itself (bilinear in x and dy, so exactly Σ dy·conv2d(x, e_i) for each i).
      expectGradients({
        inputs: [refOf([1, 4, 3, 2], 10)],
        f: (x) => grads((f: Tensor) => conv2d(x, f, 1, 1, 'NHWC', [2, 1]))([wT], dyT)[0],
        ref: (x) => {
          const data = new Float64Array(size(w.shape));
          for (let i = 0; i < data.length; i++) {
            const e = new Float64Array(data.length);
            e[i] = 1;
            const y = refConv2d(x.data, e, g, 3).data;
            for (let o = 0; o < y.length; o++) data[i] += dyIn.data[o] * y[o];
          }
          return { data, shape: w.shape };
        },
      });
    } finally {
      wT.dispose();
      dyT.dispose();
    }
  });
});

describe('conv2d filter gradient over several chunks of columns', () => {
  test('x [3, 40, 40, 8] with a 3×3 window: its columns take two chunks, the second product added to the first', () => {
    const g = refWindow([3, 40, 40, 8], 3, 3, [1, 1], [1, 1], 'same')!;
    const x = refOf([3, 40, 40, 8], 13), dy = refOf([3, 40, 40, 4], 14);
    const expected = new Float64Array(3 * 3 * 8 * 4), absSum = new Float64Array(expected.length);
    eachTap(g, (n, oh, ow, i, j, ih, iw) => {
      const o = ((n * 40 + oh) * 40 + ow) * 4, xi = ((n * 40 + ih) * 40 + iw) * 8;
      for (let c = 0; c < 8; c++) {
        for (let q = 0; q < 4; q++) {
          const product = x.data[xi + c] * dy.data[o + q];
          expected[((i * 3 + j) * 8 + c) * 4 + q] += product;
          absSum[((i * 3 + j) * 8 + c) * 4 + q] += Math.abs(product);
        }
      }
    });
    const [xT, fT, dyT] = [tensor(Array.from(x.data), x.shape), ones([3, 3, 8, 4]), tensor(Array.from(dy.data), dy.shape)];
    try {
      const [df] = grads((f: Tensor) => conv2d(xT, f, 1, 'same'))([fT], dyT);
      expectBounded(take(df, [3, 3, 8, 4]), expected, sumBounds(absSum, 3 * 40 * 40), 'filter gradient');
    } finally {
      for (const t of [xT, fT, dyT]) t.dispose();
    }
  });
});

describe('conv1d gradients', () => {
  test('x and filter, over small geometries (batched and one sample)', () => {
    fc.assert(fc.property(arbSmall((t) => t.kw * t.c * t.oc), fc.boolean(), (t, single) => {
      const along = refAxis(t.w, t.kw, t.strides[1], t.dilations[1], t.pad);
      if (!along || (single && t.n !== 1)) return;
      const g: Window = { n: t.n, h: 1, w: t.w, c: t.c, kh: 1, kw: t.kw, sh: 1, sw: t.strides[1], dh: 1, dw: t.dilations[1],
        top: 0, left: along.before, outH: 1, outW: along.out };
      const batch = single ? [] : [t.n];
      expectGradients({
        name: JSON.stringify(t),
        inputs: [refOf([...batch, t.w, t.c], t.seed), refOf([t.kw, t.c, t.oc], t.seed + 1)],
        f: (x, f) => conv1d(x, f, t.strides[1], t.pad, 'NWC', t.dilations[1]),
        ref: (x, f) => ({ data: refConv2d(x.data, f.data, g, t.oc).data, shape: [...batch, g.outW, t.oc] }),
      });
    }), runs);
  });
});

describe('depthwiseConv2d and separableConv2d gradients', () => {
  test('depthwiseConv2d: x and filter (multipliers 1 to 3)', () => {
    checkWindowed((x, f, t) => depthwiseConv2d(x, f, t.strides, t.pad, 'NHWC', t.dilations),
      (x, f, g, t) => refDepthwise(x.data, f.data, g, t.oc).data, (t) => t.c * t.oc);
  });

  test('separableConv2d: x, the depthwise and the pointwise filter', () => {
    fc.assert(fc.property(arbSmall((t) => t.kh * t.kw * t.c * t.oc), fc.integer({ min: 1, max: 3 }), (t, out) => {
      const g = windowOf(t), mid = t.c * t.oc;
      const point = refWindow([t.n, g.outH, g.outW, mid], 1, 1, [1, 1], [1, 1], 'valid')!;
      expectGradients({
        name: JSON.stringify(t),
        inputs: [xOf(t), refOf([t.kh, t.kw, t.c, t.oc], t.seed + 1), refOf([1, 1, mid, out], t.seed + 2)],
        f: (x, d, p) => separableConv2d(x, d, p, t.strides, t.pad, t.dilations),
        ref: (x, d, p) => ({ data: refConv2d(refDepthwise(x.data, d.data, g, t.oc).data, p.data, point, out).data, shape: [t.n, g.outH, g.outW, out] }),
      });
    }), runs);
  });
});

describe('conv2dTranspose gradients', () => {
  test('x and filter, over small output geometries', () => {
    // The case's x is conv2dTranspose's output (conv2d's input); its c the output depth, oc x's depth.
    fc.assert(fc.property(arbSmall((t) => t.kh * t.kw * t.c * t.oc).filter((t) => t.dilations[0] === 1 && t.dilations[1] === 1), (t) => {
      const g = windowOf(t);
      expectGradients({
        name: JSON.stringify(t),
        inputs: [refOf([t.n, g.outH, g.outW, t.oc], t.seed), refOf([t.kh, t.kw, t.c, t.oc], t.seed + 1)],
        f: (x, f) => conv2dTranspose(x, f, [t.n, t.h, t.w, t.c], t.strides, t.pad),
        ref: (x, f) => ({ data: refConvTranspose(x.data, f.data, g, t.oc).data, shape: [t.n, t.h, t.w, t.c] }),
      });
    }), runs);
  });
});

describe('a chain', () => {
  test('conv2d → relu → maxPool → sum: gradients of x and the filter', () => {
    // relu as y·(y > 0): the comparison records nothing, so its gradient is relu's (dy where y > 0).
    const cg = refWindow([2, 5, 4, 2], 2, 2, [1, 1], [1, 1], 'same')!;
    const pg = refGeometry([2, 5, 4, 3], [2, 2], [2, 2], 'same', undefined)!;
    const taps = poolTaps(pg, false), inSize = 5 * 4 * 3;
    expectGradients({
      inputs: [refOf([2, 5, 4, 2], 11), refOf([2, 2, 2, 3], 12)],
      f: (x, f) => {
        const y = conv2d(x, f, 1, 'same');
        return sum(maxPool(mul(y, greater(y, 0)), 2, 2, 'same'));
      },
      ref: (x, f) => {
        const y = refConv2d(x.data, f.data, cg, 3).data.map((v) => Math.max(v, 0));
        return { data: Float64Array.of(forward64(taps, y, 2, inSize, 'max').y.reduce((s, v) => s + v, 0)), shape: [] };
      },
    });
  });
});
