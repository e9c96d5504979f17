// Geometry of convolutions, channels-last, as TensorFlow computes it: strides and dilations, padding 'valid', 'same'
// or a number of zeros on each side, the output size (the record itself, Geometry, and its writing are pool.ts's).
import { ShapeError, showValue } from '../tensor/errors';
import type { Geometry } from './pool';

/**
 * Padding of a windowed op, as in TensorFlow.js: 'valid' (windows inside the input only), 'same' (ceil(size / stride)
 * outputs along each axis, the zeros split evenly with the extra one after), or a number of zeros added before and
 * after each spatial axis.
 * @example
 * const pad: Padding = 'same';
 * conv2d(ones([1, 5, 5, 1]), ones([3, 3, 1, 1]), 2, pad).shape; // [1, 3, 3, 1]
 */
export type Padding = 'valid' | 'same' | number;

/**
 * Checks strides and dilations (checked pairs of the arguments `given`) together: TensorFlow takes dilations above 1
 * only with stride 1. @internal
 */
export function checkStridesDilations(op: string, strides: readonly number[], dilations: readonly number[], given: readonly unknown[],
  names = ['strides', 'dilations']): void {
  if (strides.some((s) => s > 1) && dilations.some((d) => d > 1)) {
    throw new RangeError(`${op}: ${names[0]} ${showValue(given[0])} and ${names[1]} ${showValue(given[1])} are both above 1; dilations above 1 need stride 1`);
  }
}

/** The most zeros a numeric pad adds on each side (2^24, as other sizes are bounded). */
const MAX_PAD = 1 << 24;

/** Checks a padding argument. @internal */
export function checkPadding(pad: unknown, op: string): Padding {
  if (pad === 'valid' || pad === 'same') return pad;
  if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0 && pad <= MAX_PAD) return pad;
  throw new RangeError(`${op}: pad must be 'valid', 'same' or an integer in [0, ${MAX_PAD}], got ${showValue(pad)}`);
}

/** How errors name the input and the padding: an op's `x` and `pad`, a layer's input and `padding`. @internal */
export interface WindowTerms {
  input: string;
  pad: string;
}
const OP_TERMS: WindowTerms = { input: 'x', pad: 'pad' };

/**
 * Output size and zeros before the first window along one axis of `size` (named `axis` in errors) for a window of k
 * taps `dilation` apart moving by `stride`; a ShapeError when no window fits or the output is empty.
 * @internal
 */
export function windowAxis(op: string, axis: string, size: number, k: number, stride: number, dilation: number, pad: Padding,
  terms = OP_TERMS): { out: number; before: number } {
  const span = (k - 1) * dilation + 1;
  const spanText = dilation > 1 ? `${span} (${k} taps ${dilation} apart)` : `${k}`;
  if (size === 0) throw new ShapeError(`${op}: ${terms.input} has ${axis} 0, so the output would have ${axis} 0`);
  if (pad === 'same') {
    const out = Math.ceil(size / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + span - size, 0) / 2) };
  }
  const padded = size + 2 * (pad === 'valid' ? 0 : pad);
  if (padded < span) {
    const padText = pad === 'valid' ? `${terms.pad} 'valid'` : `${terms.pad} ${pad} on each side`;
    throw new ShapeError(`${op}: the window's ${axis} ${spanText} is larger than ${terms.input}'s ${axis} ${size} with ${padText}`);
  }
  return { out: Math.floor((padded - span) / stride) + 1, before: pad === 'valid' ? 0 : pad };
}

/**
 * The geometry of a 2-D window of kh×kw over [inH, inW, inC] samples. `outC` and `mult` are written as given.
 * @internal
 */
export function windowGeometry(op: string, inH: number, inW: number, inC: number, kh: number, kw: number,
  strides: readonly [number, number], dilations: readonly [number, number], pad: Padding, outC: number, mult = 1,
  terms = OP_TERMS): Geometry {
  const h = windowAxis(op, 'height', inH, kh, strides[0], dilations[0], pad, terms);
  const w = windowAxis(op, 'width', inW, kw, strides[1], dilations[1], pad, terms);
  return { inH, inW, inC, outH: h.out, outW: w.out, outC, kH: kh, kW: kw, sH: strides[0], sW: strides[1], dH: dilations[0],
    dW: dilations[1], padTop: h.before, padLeft: w.before, mult };
}

/**
 * Floats of im2col columns made at a time (1 MiB), so that the product reads them from the cache: 3×3×32 → 64 over
 * 64 samples ran at 35-40 GFLOP/s in such chunks, 12-20 on the whole batch's 9 MB of columns.
 */
const COLUMN_FLOATS = 2 ** 18;

/** Samples whose im2col columns under `g` fit COLUMN_FLOATS (at least one). @internal */
export function columnChunk(g: Geometry): number {
  return Math.max(1, Math.floor(COLUMN_FLOATS / (g.outH * g.outW * g.kH * g.kW * g.inC)));
}

/** Whether the window is one pixel moving by one without padding: the im2col columns are the input itself. @internal */
export function pointwise(g: Geometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.sH === 1 && g.sW === 1 && g.padTop === 0 && g.padLeft === 0;
}
