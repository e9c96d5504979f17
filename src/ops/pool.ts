import {
  GEOM_IN_H, GEOM_IN_W, GEOM_IN_C, GEOM_OUT_H, GEOM_OUT_W, GEOM_OUT_C, GEOM_KH, GEOM_KW, GEOM_SH, GEOM_SW, GEOM_DH,
  GEOM_DW, GEOM_PAD_TOP, GEOM_PAD_LEFT, GEOM_MULT, GEOM_WORDS,
} from '../../assembly/layout';
import { allocBytes, f32View, freeBytes, i32View } from '../runtime/heap';
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { record } from '../tensor/tape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';

/** Padding of [batch, height, width, channels] as TF.js takes it: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * How a pooling window meets the edges, as in TF.js: 'valid' (windows inside the input), 'same' (out = ⌈in /
 * stride⌉, padded evenly, the extra row or column after), a number of rows and columns on every side, or
 * explicit padding.
 */
export type PoolPadding = 'valid' | 'same' | number | ExplicitPadding;

/** How TF.js rounds an output size computed from a numeric or explicit padding (default: toward zero). */
export type DimRoundingMode = 'floor' | 'round' | 'ceil';

/**
 * The geometry of a windowed op over channels-last rows [inH, inW, c] → [outH, outW, outC], as the GEOM_ record
 * holds it (assembly/layout.ts).
 * @internal
 */
export interface Geometry {
  inH: number; inW: number; inC: number; outH: number; outW: number; outC: number;
  kH: number; kW: number; sH: number; sW: number; dH: number; dW: number; padTop: number; padLeft: number;
  mult?: number;
}

/**
 * Writes `geometry` into a GEOM_ record in wasm memory, runs `fn` with its address, and frees it.
 * @internal
 */
export function withGeometry<T>(geometry: Geometry, op: string, fn: (ptr: number) => T): T {
  const ptr = allocBytes(GEOM_WORDS * 4, op);
  try {
    writeGeometry(geometry, ptr);
    return fn(ptr);
  } finally {
    freeBytes(ptr);
  }
}

/**
 * Writes `geometry` into the GEOM_ record at `ptr`.
 * @internal
 */
export function writeGeometry(geometry: Geometry, ptr: number): void {
  i32View(ptr, GEOM_WORDS).set(geometryWords(geometry));
}

/**
 * The GEOM_ record's words of `geometry` (GEOM_WORDS of them; the unused ones 0).
 * @internal
 */
export function geometryWords(g: Geometry): number[] {
  const words = new Array<number>(GEOM_WORDS).fill(0);
  words[GEOM_IN_H] = g.inH; words[GEOM_IN_W] = g.inW; words[GEOM_IN_C] = g.inC;
  words[GEOM_OUT_H] = g.outH; words[GEOM_OUT_W] = g.outW; words[GEOM_OUT_C] = g.outC;
  words[GEOM_KH] = g.kH; words[GEOM_KW] = g.kW; words[GEOM_SH] = g.sH; words[GEOM_SW] = g.sW;
  words[GEOM_DH] = g.dH; words[GEOM_DW] = g.dW; words[GEOM_PAD_TOP] = g.padTop; words[GEOM_PAD_LEFT] = g.padLeft;
  words[GEOM_MULT] = g.mult ?? 1;
  return words;
}

/**
 * A number or a [height, width] pair of positive integers, as TF.js takes filter sizes and strides.
 * @internal
 */
export function positivePair(value: unknown, op: string, arg: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${op}: ${arg} must be a positive integer or a pair of them, got ${showValue(value)}`);
  }
  return [pair[0] as number, pair[1] as number];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** [before, after] padding along height and width from `pad`, or 'valid'/'same'. */
function padsOf(pad: unknown, op: string): 'valid' | 'same' | [[number, number], [number, number]] {
  if (pad === 'valid' || pad === 'same') return pad;
  if (isCount(pad)) return [[pad, pad], [pad, pad]];
  const explicit = Array.isArray(pad) && pad.length === 4 && pad.every((p) => Array.isArray(p) && p.length === 2 && p.every(isCount));
  if (!explicit) {
    throw new RangeError(`${op}: pad must be 'valid', 'same', a non-negative integer or [[0, 0], [top, bottom], [left, right], [0, 0]], got ${showValue(pad)}`);
  }
  const p = pad as ExplicitPadding;
  if (p[0][0] || p[0][1] || p[3][0] || p[3][1]) throw new RangeError(`${op}: pad ${showValue(pad)} pads the batch or channel axis; only height and width can be padded`);
  return [p[1], p[2]];
}

const ROUNDING: Record<DimRoundingMode, (v: number) => number> = { floor: Math.floor, round: Math.round, ceil: Math.ceil };

/**
 * One spatial axis of a pooling window: output size and padding before, as TF.js computes them, checked so that
 * every window takes at least one input element.
 */
function axisGeometry(op: string, name: string, size: number, k: number, s: number, d: number,
  pad: 'valid' | 'same' | [number, number], round: (v: number) => number, describe: string): { out: number; before: number } {
  const span = (k - 1) * d + 1;
  let out: number, before: number;
  if (pad === 'valid') {
    [out, before] = [Math.ceil((size - span + 1) / s), 0];
  } else if (pad === 'same') {
    out = Math.ceil(size / s);
    before = Math.floor(Math.max((out - 1) * s + span - size, 0) / 2);
  } else {
    [out, before] = [round((size - span + pad[0] + pad[1]) / s + 1), pad[0]];
  }
  if (!(out >= 1)) {
    throw new ShapeError(`${op}: the window (${span} along ${name}) does not fit the input's ${name} ${size} with ${describe}: no output`);
  }
  for (let o = 0; o < out; o++) {
    const start = o * s - before;
    let taps = 0;
    for (let t = 0; t < k && taps === 0; t++) if (start + t * d >= 0 && start + t * d < size) taps++;
    if (taps === 0) {
      throw new ShapeError(`${op}: the window of output ${name} index ${o} covers only padding (input ${name} ${size}, ` +
        `${before} padded before, window ${span}, stride ${s}) with ${describe}`);
    }
  }
  return { out, before };
}

/**
 * The geometry of pooling x [batch, height, width, channels] (or without batch) as TF.js's maxPool and avgPool
 * take their arguments; throws naming the op and the argument for bad sizes, strides, padding, or a window that
 * leaves no output or covers only padding.
 * @internal
 */
export function poolGeometry(op: string, shape: readonly number[], filterSize: unknown, strides: unknown, pad: unknown,
  dimRoundingMode?: unknown, dilations: unknown = 1): Geometry {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new ShapeError(`${op}: x must have rank 4 [batch, height, width, channels] or 3 [height, width, channels], got shape ${showShape(shape)}`);
  }
  const [kH, kW] = positivePair(filterSize, op, 'filterSize');
  const [sH, sW] = positivePair(strides, op, 'strides');
  const [dH, dW] = positivePair(dilations, op, 'dilations');
  const pads = padsOf(pad, op);
  let round = Math.trunc;
  if (dimRoundingMode !== undefined) {
    if (dimRoundingMode !== 'floor' && dimRoundingMode !== 'round' && dimRoundingMode !== 'ceil') {
      throw new RangeError(`${op}: dimRoundingMode must be 'floor', 'round' or 'ceil', got ${showValue(dimRoundingMode)}`);
    }
    if (typeof pad === 'string') throw new RangeError(`${op}: dimRoundingMode ${showValue(dimRoundingMode)} needs a numeric or explicit pad, got ${showValue(pad)}`);
    round = ROUNDING[dimRoundingMode];
  }
  const [inH, inW, inC] = shape.slice(-3);
  const describe = `filterSize [${kH},${kW}], strides [${sH},${sW}], pad ${showValue(pad)} (x ${showShape(shape)})`;
  const h = axisGeometry(op, 'height', inH, kH, sH, dH, typeof pads === 'string' ? pads : pads[0], round, describe);
  const w = axisGeometry(op, 'width', inW, kW, sW, dW, typeof pads === 'string' ? pads : pads[1], round, describe);
  return { inH, inW, inC, outH: h.out, outW: w.out, outC: inC, kH, kW, sH, sW, dH, dW, padTop: h.before, padLeft: w.before };
}

/** A checked pooling of x: its geometry, samples (rows) and output shape. */
interface Pooling {
  g: Geometry;
  rows: number;
  shape: number[];
}

/** Checks x and the pooling arguments. */
function poolingOf(op: string, x: Tensor, filterSize: unknown, strides: unknown, pad: unknown, dimRoundingMode: unknown): Pooling {
  checkTensor(x, op);
  const g = poolGeometry(op, x.shape, filterSize, strides, pad, dimRoundingMode);
  const rows = x.rank === 4 ? x.shape[0] : 1;
  return { g, rows, shape: x.rank === 4 ? [rows, g.outH, g.outW, g.outC] : [g.outH, g.outW, g.outC] };
}

/** A new tensor of `shape` filled by `fill(geometry record, out)` unless it is empty; freed if that throws. */
function filled(op: string, shape: readonly number[], g: Geometry, fill: (geom: number, out: Tensor) => void): Tensor {
  const out = empty(shape, op);
  if (out.size === 0) return out;
  try {
    withGeometry(g, op, (geom) => fill(geom, out));
  } catch (error) {
    out.dispose();
    throw error;
  }
  return out;
}

/**
 * The gradient of max pooling x under p from dy: each dy added to the input it took (the first maximum of its window).
 * The maxima's positions are found again from x (the forward keeps nothing).
 */
function maxPoolGradient(op: string, x: Tensor, dy: Tensor, p: Pooling): Tensor {
  const bytes = 4 * dy.size, scratch = dy.size > 0 ? allocBytes(2 * bytes, op) : 0; // the maxima, then their indexes
  try {
    return filled(op, x.shape, p.g, (geom, dx) => {
      kernels().maxPool(x.ptr, scratch, scratch + bytes, geom, p.rows);
      kernels().maxPoolBackward(dy.ptr, scratch + bytes, dx.ptr, geom, p.rows, 0);
    });
  } finally {
    freeBytes(scratch);
  }
}

/** Average pooling of x under p, recorded with its gradient (whose own gradient is this again: all orders). */
function averagePool(op: string, x: Tensor, p: Pooling): Tensor {
  const out = filled(op, p.shape, p.g, (geom, y) => kernels().avgPool(x.ptr, y.ptr, geom, p.rows));
  return record(op, out, [x], (dy) => [averagePoolGradient(dy, x.shape, p)]);
}

/** The gradient of averagePool (its adjoint: each window's dy shared among its taps), recorded. */
function averagePoolGradient(dy: Tensor, shape: readonly number[], p: Pooling): Tensor {
  const op = 'avgPoolGrad';
  const dx = filled(op, shape, p.g, (geom, out) => kernels().avgPoolBackward(dy.ptr, out.ptr, geom, p.rows, 0));
  return record(op, dx, [dy], (u) => [averagePool('avgPool', u, p)]);
}

/**
 * 2-D max pooling of x [batch, height, width, channels] (or [height, width, channels]), as TF.js's maxPool: the
 * largest value of each filterSize window, windows strides apart; padding is never taken (NaN in a window gives NaN).
 * Its gradient adds each dy to the input its window took (the first maximum on ties), found again from x by the
 * forward's kernel: first-order only (the gradient itself is not recorded).
 * @param filterSize window [height, width], or one number for both
 * @param strides steps between windows [height, width], or one number for both
 * @param pad 'valid', 'same', a padding on every side, or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]
 * @param dimRoundingMode how an output size computed from a numeric or explicit pad is rounded (default: toward zero)
 * @throws ShapeError for x of another rank, or a window that leaves no output or covers only padding; RangeError for
 * bad sizes, strides or padding; TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * maxPool(arange(16).reshape([4, 4, 1]), 2, 2, 'valid').reshape([2, 2]).toArray(); // [[5, 7], [13, 15]]
 * maxPool(zeros([8, 5, 5, 3]), 3, 2, 'same').shape; // [8, 3, 3, 3]
 * grad((x) => maxPool(x, 2, 2, 'valid').sum())(tensor([1, 4, 3, 2], [2, 2, 1])).reshape([4]).toArray(); // [0, 1, 0, 0]
 */
export function maxPool(x: Tensor, filterSize: number | [number, number], strides: number | [number, number],
  pad: PoolPadding, dimRoundingMode?: DimRoundingMode): Tensor {
  const op = 'maxPool', p = poolingOf(op, x, filterSize, strides, pad, dimRoundingMode);
  const out = filled(op, p.shape, p.g, (geom, y) => kernels().maxPool(x.ptr, y.ptr, 0, geom, p.rows));
  return record(op, out, [x], (dy) => [maxPoolGradient(op, x, dy, p)]);
}

/**
 * 2-D average pooling of x [batch, height, width, channels] (or [height, width, channels]), as TF.js's avgPool: the
 * mean of each filterSize window over the elements inside x (padding is not counted), in float32 (the sum of the
 * window in order, divided once). Its gradient shares each dy equally among its window's taps inside x, and is
 * itself recorded (its gradient is avgPool again), so gradients of any order work.
 * @param filterSize window [height, width], or one number for both
 * @param strides steps between windows [height, width], or one number for both
 * @param pad 'valid', 'same', a padding on every side, or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]
 * @param dimRoundingMode how an output size computed from a numeric or explicit pad is rounded (default: toward zero)
 * @throws ShapeError for x of another rank, or a window that leaves no output or covers only padding; RangeError for
 * bad sizes, strides or padding; TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * avgPool(tensor([1, 2, 3, 4], [2, 2, 1]), 2, 1, 'same').reshape([2, 2]).toArray(); // [[2.5, 3], [3.5, 4]]
 */
export function avgPool(x: Tensor, filterSize: number | [number, number], strides: number | [number, number],
  pad: PoolPadding, dimRoundingMode?: DimRoundingMode): Tensor {
  const op = 'avgPool';
  return averagePool(op, x, poolingOf(op, x, filterSize, strides, pad, dimRoundingMode));
}

/**
 * Max pooling of x [batch, height, width, channels] as {@link maxPool}, with the position of each maximum, as TF.js's
 * maxPoolWithArgmax: `indexes` holds ((y·width + x)·channels + c), plus batch·height·width·channels when
 * includeBatchInIndex is true, as float32 values (the first maximum in the window on ties). The result's gradient is
 * {@link maxPool}'s; the indexes carry none.
 * @throws ShapeError unless x has rank 4, or for a window that leaves no output or covers only padding; RangeError for
 * bad sizes, strides or padding, or indexes beyond 2^24 (not exact in float32); TypeError unless x is a Tensor;
 * DisposedError if it was disposed.
 * @example
 * const { result, indexes } = maxPoolWithArgmax(tensor([1, 4, 3, 2], [1, 2, 2, 1]), 2, 2, 'valid');
 * result.reshape([1]).toArray(); // [4]
 * indexes.reshape([1]).toArray(); // [1]
 */
export function maxPoolWithArgmax(x: Tensor, filterSize: number | [number, number], strides: number | [number, number],
  pad: 'valid' | 'same' | number, includeBatchInIndex = false): { result: Tensor; indexes: Tensor } {
  const op = 'maxPoolWithArgmax';
  checkTensor(x, op);
  if (x.rank !== 4) throw new ShapeError(`${op}: x must have rank 4 [batch, height, width, channels], got shape ${showShape(x.shape)}`);
  if (typeof includeBatchInIndex !== 'boolean') throw new TypeError(`${op}: includeBatchInIndex must be a boolean, got ${showValue(includeBatchInIndex)}`);
  const last = includeBatchInIndex ? x.size : x.size / Math.max(x.shape[0], 1);
  if (last > 2 ** 24) throw new RangeError(`${op}: x ${showShape(x.shape)} has indexes up to ${last - 1}, beyond 2^24 where float32 indexes stop being exact`);
  const p = poolingOf(op, x, filterSize, strides, pad, undefined);
  let indexes: Tensor | undefined;
  const result = filled(op, p.shape, p.g, (geom, out) => {
    indexes = empty(out.shape, op);
    kernels().maxPool(x.ptr, out.ptr, indexes.ptr, geom, p.rows);
    // The kernel wrote i32 indexes within each input row; as float32 values, in place.
    const ints = i32View(indexes.ptr, out.size), floats = f32View(indexes.ptr, out.size);
    const perRow = out.size / p.rows, rowSize = x.size / p.rows;
    for (let i = 0; i < out.size; i++) floats[i] = ints[i] + (includeBatchInIndex ? Math.floor(i / perRow) * rowSize : 0);
  });
  return { result: record(op, result, [x], (dy) => [maxPoolGradient(op, x, dy, p)]), indexes: indexes ?? empty(result.shape, op) };
}
