// Float64 references for the convolutions, in plain loops over flat channels-last arrays: the window geometry as
// TensorFlow defines it (written here again, not taken from the library), conv2d, depthwise and the transposed
// convolution (the scatter of conv2d's input gradient), each with Σ|products| per output, the scale of any float32
// summation's error; and the float32 error bound used with it.
import fc from 'fast-check';

/** One window over [n, h, w, c] samples: the kernel, strides, dilations, zeros before, and the output size. */
export interface Window {
  n: number; h: number; w: number; c: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  top: number; left: number; outH: number; outW: number;
}

export type Pad = 'valid' | 'same' | number;

/** Output size and zeros before along one axis (TensorFlow's rules), or null when no window fits or it is empty. */
export function refAxis(size: number, k: number, stride: number, dilation: number, pad: Pad): { out: number; before: number } | null {
  const span = dilation * (k - 1) + 1;
  if (size === 0) return null;
  if (pad === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + span - size, 0);
    return { out, before: Math.floor(total / 2) };
  }
  const p = pad === 'valid' ? 0 : pad;
  // Count the window starts that fit: start = o·stride − p with start + span ≤ size + p.
  let out = 0;
  while (out * stride - p + span <= size + p) out++;
  return out === 0 ? null : { out, before: p };
}

/** The window of a kh×kw kernel over x [n, h, w, c], or null if it does not fit. */
export function refWindow(x: readonly number[], kh: number, kw: number, strides: [number, number], dilations: [number, number], pad: Pad): Window | null {
  const [n, h, w, c] = x;
  const a = refAxis(h, kh, strides[0], dilations[0], pad), b = refAxis(w, kw, strides[1], dilations[1], pad);
  if (!a || !b) return null;
  return { n, h, w, c, kh, kw, sh: strides[0], sw: strides[1], dh: dilations[0], dw: dilations[1], top: a.before, left: b.before, outH: a.out, outW: b.out };
}

/** Calls fn for every output pixel and window tap that reads inside the input, in order. */
export function eachTap(g: Window, fn: (n: number, oh: number, ow: number, i: number, j: number, ih: number, iw: number) => void): void {
  for (let n = 0; n < g.n; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        for (let i = 0; i < g.kh; i++) {
          for (let j = 0; j < g.kw; j++) {
            const ih = oh * g.sh - g.top + i * g.dh, iw = ow * g.sw - g.left + j * g.dw;
            if (ih >= 0 && ih < g.h && iw >= 0 && iw < g.w) fn(n, oh, ow, i, j, ih, iw);
          }
        }
      }
    }
  }
}

export interface Sums {
  data: Float64Array;
  absSum: Float64Array;
}

/** Calls fn(o, xi, fi) for every product x[xi]·f[fi] that conv2d with f [kh, kw, c, oc] adds into output o, in order. */
function eachProduct(g: Window, oc: number, fn: (o: number, xi: number, fi: number) => void): void {
  eachTap(g, (n, oh, ow, i, j, ih, iw) => {
    const o = ((n * g.outH + oh) * g.outW + ow) * oc, xi = ((n * g.h + ih) * g.w + iw) * g.c;
    for (let ci = 0; ci < g.c; ci++) {
      for (let q = 0; q < oc; q++) fn(o + q, xi + ci, ((i * g.kw + j) * g.c + ci) * oc + q);
    }
  });
}

/** out [n, outH, outW, oc] = conv2d(x, f) with f [kh, kw, c, oc]. */
export function refConv2d(x: ArrayLike<number>, f: ArrayLike<number>, g: Window, oc: number): Sums {
  const size = g.n * g.outH * g.outW * oc;
  const data = new Float64Array(size), absSum = new Float64Array(size);
  eachProduct(g, oc, (o, xi, fi) => {
    data[o] += x[xi] * f[fi];
    absSum[o] += Math.abs(x[xi] * f[fi]);
  });
  return { data, absSum };
}

/** out [n, outH, outW, c·mult] = depthwiseConv2d(x, f) with f [kh, kw, c, mult]. */
export function refDepthwise(x: ArrayLike<number>, f: ArrayLike<number>, g: Window, mult: number): Sums {
  const oc = g.c * mult, size = g.n * g.outH * g.outW * oc;
  const data = new Float64Array(size), absSum = new Float64Array(size);
  eachTap(g, (n, oh, ow, i, j, ih, iw) => {
    const o = ((n * g.outH + oh) * g.outW + ow) * oc, xi = ((n * g.h + ih) * g.w + iw) * g.c;
    for (let ci = 0; ci < g.c; ci++) {
      for (let m = 0; m < mult; m++) {
        const product = x[xi + ci] * f[((i * g.kw + j) * g.c + ci) * mult + m];
        data[o + ci * mult + m] += product;
        absSum[o + ci * mult + m] += Math.abs(product);
      }
    }
  });
  return { data, absSum };
}

/** dx [n, h, w, c] = Σ over taps of dy[pixel, q]·f[i, j, ci, q]: conv2d's input gradient, f [kh, kw, c, oc]. */
export function refConvTranspose(dy: ArrayLike<number>, f: ArrayLike<number>, g: Window, oc: number): Sums {
  const size = g.n * g.h * g.w * g.c;
  const data = new Float64Array(size), absSum = new Float64Array(size);
  eachProduct(g, oc, (o, xi, fi) => {
    data[xi] += dy[o] * f[fi];
    absSum[xi] += Math.abs(dy[o] * f[fi]);
  });
  return { data, absSum };
}

/**
 * The float32 bound of a sum of at most `terms` products in any order and grouping, each rounded (Higham §3.1):
 * γ_terms·Σ|products| + terms·2^-149 (underflow).
 */
export function sumBounds(absSum: Float64Array, terms: number): Float64Array {
  const u = 2 ** -24, t = Math.max(terms, 1), gamma = (t * u) / (1 - t * u);
  return absSum.map((s) => gamma * s + t * 2 ** -149);
}

/** Σ a·b in float64. */
export function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Central differences of L(v) = Σ weights ⊙ forward(v) with respect to each element of v, in float64 (forward is
 * the float64 reference; step h).
 */
export function centralDifferences(v: Float64Array, weights: ArrayLike<number>, forward: (v: Float64Array) => ArrayLike<number>, h = 2 ** -6): Float64Array {
  const grad = new Float64Array(v.length), probe = v.slice();
  for (let i = 0; i < v.length; i++) {
    probe[i] = v[i] + h;
    const up = dot64(weights, forward(probe));
    probe[i] = v[i] - h;
    const down = dot64(weights, forward(probe));
    probe[i] = v[i];
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** A convolution's shapes and settings: x [n, h, w, c], a kh×kw window, outC outputs (or a multiplier), values' seed. */
export interface ConvCase {
  n: number; h: number; w: number; c: number; oc: number;
  kh: number; kw: number; strides: [number, number]; dilations: [number, number]; pad: Pad; seed: number;
}

/**
 * Convolutions over small random shapes: odd sizes, strides above the kernel, dilations (with stride 1, as
 * TensorFlow requires), 'valid', 'same' and explicit padding, 1×1 kernels, batches of 0 to 3; only those whose window
 * fits the padded input.
 */
export function arbConvCase(maxOutC = 9): fc.Arbitrary<ConvCase> {
  const dim = fc.integer({ min: 1, max: 9 }), k = fc.integer({ min: 1, max: 4 }), step = fc.integer({ min: 1, max: 4 });
  return fc.record({
    n: fc.constantFrom(0, 1, 2, 3), h: dim, w: dim, c: fc.constantFrom(1, 2, 3, 4, 5, 8), oc: fc.integer({ min: 1, max: maxOutC }),
    kh: k, kw: k, sh: step, sw: step, dh: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 3 }),
    pad: fc.oneof(fc.constant<Pad>('valid'), fc.constant<Pad>('same'), fc.integer({ min: 0, max: 2 })), seed: fc.nat(),
  }).map(({ sh, sw, dh, dw, ...rest }): ConvCase => {
    const strided = sh > 1 || sw > 1;
    return { ...rest, strides: [sh, sw], dilations: strided ? [1, 1] : [dh, dw] };
  }).filter((t) => refWindow([t.n, t.h, t.w, t.c], t.kh, t.kw, t.strides, t.dilations, t.pad) !== null);
}
