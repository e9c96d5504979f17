// Geometry of windowed ops (convolutions), channels-last, as TensorFlow computes it: strides and dilations, padding
// 'valid', 'same' or a number of zeros on each side, the output size; and the geometry record the kernels read
// (assembly/layout.ts GEOM_), written into wasm memory for the duration of a call.
import {
  GEOM_DH, GEOM_DW, GEOM_IN_C, GEOM_IN_H, GEOM_IN_W, GEOM_KH, GEOM_KW, GEOM_MULT, GEOM_OUT_C, GEOM_OUT_H, GEOM_OUT_W,
  GEOM_PAD_LEFT, GEOM_PAD_TOP, GEOM_SH, GEOM_SW, GEOM_WORDS,
} from '../../assembly/layout';
import { allocBytes, freeBytes, i32View } from '../runtime/heap';
import { ShapeError, showValue } from '../tensor/errors';

/**
 * Padding of a windowed op, as in TensorFlow.js: 'valid' (windows inside the input only), 'same' (ceil(size / stride)
 * outputs along each axis, the zeros split evenly with the extra one after), or a number of zeros added before and
 * after each spatial axis.
 * @example
 * const pad: Padding = 'same';
 * conv2d(ones([1, 5, 5, 1]), ones([3, 3, 1, 1]), 2, pad).shape; // [1, 3, 3, 1]
 */
export type Padding = 'valid' | 'same' | number;

/** A window's geometry over one sample: what the kernels' GEOM_ record holds. @internal */
export interface Geometry {
  inH: number; inW: number; inC: number;
  outH: number; outW: number; outC: number;
  kh: number; kw: number;
  sh: number; sw: number;
  dh: number; dw: number;
  top: number; left: number;
  mult: number;
}

/** A size per spatial axis: a positive integer for both, or [height, width]. @internal */
export function checkPair(value: unknown, op: string, arg: string): [number, number] {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (ok(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && ok(value[0]) && ok(value[1])) return [value[0], value[1]];
  throw new RangeError(`${op}: ${arg} must be a positive integer or a pair [height, width] of them, got ${showValue(value)}`);
}

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

/** Checks a padding argument. @internal */
export function checkPadding(pad: unknown, op: string): Padding {
  if (pad === 'valid' || pad === 'same') return pad;
  if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0) return pad;
  throw new RangeError(`${op}: pad must be 'valid', 'same' or a non-negative integer, got ${showValue(pad)}`);
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
  return { inH, inW, inC, outH: h.out, outW: w.out, outC, kh, kw, sh: strides[0], sw: strides[1], dh: dilations[0],
    dw: dilations[1], top: h.before, left: w.before, mult };
}

/**
 * Floats of im2col columns made at a time (1 MiB), so that the product reads them from the cache: 3×3×32 → 64 over
 * 64 samples ran at 35-40 GFLOP/s in such chunks, 12-20 on the whole batch's 9 MB of columns.
 */
const COLUMN_FLOATS = 2 ** 18;

/** Samples whose im2col columns under `g` fit COLUMN_FLOATS (at least one). @internal */
export function columnChunk(g: Geometry): number {
  return Math.max(1, Math.floor(COLUMN_FLOATS / (g.outH * g.outW * g.kh * g.kw * g.inC)));
}

/** The geometry record's words (GEOM_WORDS, by the GEOM_ offsets of layout.ts) of `g`. @internal */
export function geometryWords(g: Geometry): number[] {
  const I = new Array<number>(GEOM_WORDS).fill(0);
  I[GEOM_IN_H] = g.inH; I[GEOM_IN_W] = g.inW; I[GEOM_IN_C] = g.inC;
  I[GEOM_OUT_H] = g.outH; I[GEOM_OUT_W] = g.outW; I[GEOM_OUT_C] = g.outC;
  I[GEOM_KH] = g.kh; I[GEOM_KW] = g.kw; I[GEOM_SH] = g.sh; I[GEOM_SW] = g.sw; I[GEOM_DH] = g.dh; I[GEOM_DW] = g.dw;
  I[GEOM_PAD_TOP] = g.top; I[GEOM_PAD_LEFT] = g.left; I[GEOM_MULT] = g.mult;
  return I;
}

/** Runs `fn` with the geometry record of `g` in wasm memory (freed afterwards). @internal */
export function withGeometry<T>(g: Geometry, op: string, fn: (geom: number) => T): T {
  const geom = allocBytes(GEOM_WORDS * 4, op);
  try {
    i32View(geom, GEOM_WORDS).set(geometryWords(g));
    return fn(geom);
  } finally {
    freeBytes(geom);
  }
}
