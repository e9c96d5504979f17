import {
  GEOM_IN_H, GEOM_IN_W, GEOM_IN_C, GEOM_OUT_H, GEOM_OUT_W, GEOM_OUT_C, GEOM_KH, GEOM_KW, GEOM_SH, GEOM_SW, GEOM_DH,
  GEOM_DW, GEOM_PAD_TOP, GEOM_PAD_LEFT, GEOM_MULT, GEOM_WORDS,
} from '../../assembly/layout';
import { allocBytes, f32View, freeBytes, i32View } from '../runtime/heap';
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
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

/** Checks x, computes the geometry, allocates the output and runs `run(geometry record, rows, out)`. */
function pooled(op: string, x: Tensor, filterSize: unknown, strides: unknown, pad: unknown, dimRoundingMode: unknown,
  run: (g: number, rows: number, out: Tensor) => void): Tensor {
  checkTensor(x, op);
  const geometry = poolGeometry(op, x.shape, filterSize, strides, pad, dimRoundingMode);
  const rows = x.rank === 4 ? x.shape[0] : 1;
  const shape = [geometry.outH, geometry.outW, geometry.outC];
  return withGeometry(geometry, op, (g) => {
    const out = empty(x.rank === 4 ? [rows, ...shape] : shape, op);
    if (out.size > 0) run(g, rows, out);
    return out;
  });
}

/**
 * 2-D max pooling of x [batch, height, width, channels] (or [height, width, channels]), as TF.js's maxPool: the
 * largest value of each filterSize window, windows strides apart; padding is never taken (NaN in a window gives NaN).
 * @param filterSize window [height, width], or one number for both
 * @param strides steps between windows [height, width], or one number for both
 * @param pad 'valid', 'same', a padding on every side, or explicit [[0, 0], [top, bottom], [left, right], [0, 0]]
 * @param dimRoundingMode how an output size computed from a numeric or explicit pad is rounded (default: toward zero)
 * @throws ShapeError for x of another rank, or a window that leaves no output or covers only padding; RangeError for
 * bad sizes, strides or padding; TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * maxPool(arange(16).reshape([4, 4, 1]), 2, 2, 'valid').reshape([2, 2]).toArray(); // [[5, 7], [13, 15]]
 * maxPool(zeros([8, 5, 5, 3]), 3, 2, 'same').shape; // [8, 3, 3, 3]
 */
export function maxPool(x: Tensor, filterSize: number | [number, number], strides: number | [number, number],
  pad: PoolPadding, dimRoundingMode?: DimRoundingMode): Tensor {
  return pooled('maxPool', x, filterSize, strides, pad, dimRoundingMode, (g, rows, out) => kernels().maxPool(x.ptr, out.ptr, 0, g, rows));
}

/**
 * 2-D average pooling of x [batch, height, width, channels] (or [height, width, channels]), as TF.js's avgPool: the
 * mean of each filterSize window over the elements inside x (padding is not counted), in float32 (the sum of the
 * window in order, divided once).
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
  return pooled('avgPool', x, filterSize, strides, pad, dimRoundingMode, (g, rows, out) => kernels().avgPool(x.ptr, out.ptr, g, rows));
}

/**
 * Max pooling of x [batch, height, width, channels] as {@link maxPool}, with the position of each maximum, as TF.js's
 * maxPoolWithArgmax: `indexes` holds ((y·width + x)·channels + c), plus batch·height·width·channels when
 * includeBatchInIndex is true, as float32 values (the first maximum in the window on ties).
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
  let indexes: Tensor | undefined;
  const result = pooled(op, x, filterSize, strides, pad, undefined, (g, rows, out) => {
    indexes = empty(out.shape, op);
    kernels().maxPool(x.ptr, out.ptr, indexes.ptr, g, rows);
    // The kernel wrote i32 indexes within each input row; as float32 values, in place.
    const ints = i32View(indexes.ptr, out.size), floats = f32View(indexes.ptr, out.size);
    const perRow = out.size / rows, rowSize = x.size / rows;
    for (let i = 0; i < out.size; i++) floats[i] = ints[i] + (includeBatchInIndex ? Math.floor(i / perRow) * rowSize : 0);
  });
  return { result, indexes: indexes ?? empty(result.shape, op) };
}
