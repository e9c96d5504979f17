// Helpers of the pooling and spatial suites: float64 references of ops that map each output element of a row to
// input elements of that row (a choice or a weighted sum), central differences through them, and kernel calls on
// wasm copies of float64 data with a geometry record.
import { tensor, tidy } from '../../src/index';
import { withGeometry, type Geometry } from '../../src/ops/pool';

/** For each output element of one row: the input elements (indices within the row) and their weights. */
export type Taps = { index: number[]; weight: number[] }[];

/**
 * Float64 forward over `rows` rows: each output is Σ weight·x (mode 'sum'), or the first largest x among its taps
 * ('max'; the first NaN if any), with `arg` the chosen index.
 */
export function forward64(taps: Taps, x: ArrayLike<number>, rows: number, inSize: number, mode: 'sum' | 'max'): { y: Float64Array; arg: Int32Array } {
  const y = new Float64Array(rows * taps.length), arg = new Int32Array(y.length);
  for (let r = 0; r < rows; r++) {
    taps.forEach(({ index, weight }, o) => {
      const at = r * taps.length + o, base = r * inSize;
      if (mode === 'sum') {
        y[at] = index.reduce((s, i, j) => s + weight[j] * x[base + i], 0);
        return;
      }
      let best = index[0];
      for (const i of index) {
        const v = x[base + i], b = x[base + best];
        if (v > b || (Number.isNaN(v) && !Number.isNaN(b))) best = i;
      }
      [y[at], arg[at]] = [x[base + best], best];
    });
  }
  return { y, arg };
}

/**
 * The float32 error bound of a backward that adds each output's dy·weight into its taps (only the chosen tap with
 * `arg`), to `base` if given: (m + 1 + w)·2^-24·Σ|term| per input element that receives m terms (each rounded at
 * most m + 1 times, and w more times where the kernel computes the weight), plus 2^-40 for the central differences'
 * own rounding.
 */
export function adjointBound(taps: Taps, dy: ArrayLike<number>, rows: number, inSize: number, arg?: Int32Array,
  base?: ArrayLike<number>, weightRoundings = 0): Float64Array {
  const sum = Float64Array.from({ length: rows * inSize }, (_, i) => (base ? Math.abs(base[i]) : 0));
  const count = Float64Array.from(sum, () => (base ? 1 : 0));
  for (let r = 0; r < rows; r++) {
    taps.forEach(({ index, weight }, o) => {
      const at = r * taps.length + o;
      index.forEach((i, j) => {
        if (arg && arg[at] !== i) return;
        sum[r * inSize + i] += Math.abs(dy[at] * weight[j]);
        count[r * inSize + i]++;
      });
    });
  }
  return sum.map((s, i) => (count[i] + 1 + weightRoundings) * 2 ** -24 * s * 1.01 + 2 ** -40);
}

/**
 * dL/dx of L(x) = Σ dy·forward64(x) by central differences in float64, step h: for each input element, the outputs
 * whose taps take it are computed at x ± h there (the others do not change and cancel exactly).
 */
export function centralDifferences(taps: Taps, x: Float64Array, dy: ArrayLike<number>, rows: number, inSize: number,
  mode: 'sum' | 'max', h: number): Float64Array {
  const users: number[][] = Array.from({ length: inSize }, () => []);
  taps.forEach(({ index }, o) => new Set(index).forEach((i) => users[i].push(o)));
  const output = (v: Float64Array, r: number, o: number): number => {
    const { index, weight } = taps[o];
    const base = r * inSize;
    if (mode === 'sum') return index.reduce((s, i, j) => s + weight[j] * v[base + i], 0);
    return index.reduce((m, i) => Math.max(m, v[base + i]), -Infinity);
  };
  const v = x.slice();
  return x.map((xi, at) => {
    const r = Math.floor(at / inSize);
    let diff = 0;
    for (const o of users[at % inSize]) {
      v[at] = xi + h;
      const up = output(v, r, o);
      v[at] = xi - h;
      diff += dy[r * taps.length + o] * (up - output(v, r, o));
      v[at] = xi;
    }
    return diff / (2 * h);
  });
}

/**
 * Runs `fn(geometry record, pointers)` on wasm float32 copies of `inputs` followed by `outputs` (arrays whose
 * values the kernel may read and write), and returns the outputs' values afterwards.
 */
export function onWasm(geometry: Geometry, inputs: ArrayLike<number>[], outputs: ArrayLike<number>[],
  fn: (g: number, ptrs: number[]) => void): Float32Array[] {
  return tidy(() => {
    const ins = inputs.map((a) => tensor(Float32Array.from(a)));
    const outs = outputs.map((a) => tensor(Float32Array.from(a)));
    withGeometry(geometry, 'test', (g) => fn(g, [...ins, ...outs].map((t) => t.ptr)));
    return outs.map((t) => Float32Array.from(t.dataSync()));
  });
}

/** The float32 bits of `values` read as int32 (indexes a kernel wrote into a float buffer). */
export const asInt32 = (values: Float32Array): Int32Array => new Int32Array(values.buffer, values.byteOffset, values.length);

/** n distinct float32-exact values k/4 (k a shuffle of −n/2..n/2) from a seeded stream: no ties, gaps of 1/4. */
export function distinctValues(n: number, seed: number): Float64Array {
  const k = Array.from({ length: n }, (_, i) => i - Math.floor(n / 2));
  let state = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [k[i], k[j]] = [k[j], k[i]];
  }
  return Float64Array.from(k, (v) => v / 4);
}

export type Pair = [number, number];
export type Pad = 'valid' | 'same' | number | [Pair, Pair, Pair, Pair];
export type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** Pooling's output size and padding before along one axis (TF.js conv_util), or null where some window takes no input. */
function refAxis(size: number, k: number, s: number, d: number, pad: 'valid' | 'same' | Pair, rounding: Rounding): { out: number; before: number } | null {
  const span = (k - 1) * d + 1;
  const round = rounding === undefined ? Math.trunc : Math[rounding];
  let out: number, before = 0;
  if (pad === 'valid') out = Math.ceil((size - span + 1) / s);
  else if (pad === 'same') {
    out = Math.ceil(size / s);
    before = Math.floor(Math.max(0, (out - 1) * s + span - size) / 2);
  } else {
    out = round((size - span + pad[0] + pad[1]) / s + 1);
    before = pad[0];
  }
  if (out < 1) return null;
  for (let o = 0; o < out; o++) {
    const inside = Array.from({ length: k }, (_, t) => o * s - before + t * d).some((i) => i >= 0 && i < size);
    if (!inside) return null;
  }
  return { out, before };
}

export function refGeometry(shape: readonly number[], k: Pair, s: Pair, pad: Pad, rounding: Rounding, d: Pair = [1, 1]): Geometry | null {
  const [inH, inW, inC] = shape.slice(-3);
  const pads: ['valid' | 'same' | Pair, 'valid' | 'same' | Pair] = typeof pad === 'string' ? [pad, pad]
    : typeof pad === 'number' ? [[pad, pad], [pad, pad]] : [pad[1], pad[2]];
  const h = refAxis(inH, k[0], s[0], d[0], pads[0], rounding), w = refAxis(inW, k[1], s[1], d[1], pads[1], rounding);
  if (!h || !w) return null;
  return { inH, inW, inC, outH: h.out, outW: w.out, outC: inC, kH: k[0], kW: k[1], sH: s[0], sW: s[1], dH: d[0], dW: d[1], padTop: h.before, padLeft: w.before };
}

/** Each output element's taps inside the input, in window order (rows, then columns), weights 1 or 1/count. */
export function poolTaps(g: Geometry, average: boolean): Taps {
  const taps: Taps = [];
  for (let oh = 0; oh < g.outH; oh++) {
    for (let ow = 0; ow < g.outW; ow++) {
      for (let c = 0; c < g.inC; c++) {
        const index: number[] = [];
        for (let kh = 0; kh < g.kH; kh++) {
          const ih = oh * g.sH - g.padTop + kh * g.dH;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const iw = ow * g.sW - g.padLeft + kw * g.dW;
            if (iw >= 0 && iw < g.inW) index.push((ih * g.inW + iw) * g.inC + c);
          }
        }
        taps.push({ index, weight: index.map(() => (average ? 1 / index.length : 1)) });
      }
    }
  }
  return taps;
}

/** A geometry of sizes and the fields given (the rest: windows 1×1, steps 1, no padding). */
export function geometryOf(inH: number, inW: number, c: number, outH: number, outW: number, extra: Partial<Geometry>): Geometry {
  return { inH, inW, inC: c, outH, outW, outC: c, kH: 1, kW: 1, sH: 1, sW: 1, dH: 1, dW: 1, padTop: 0, padLeft: 0, ...extra };
}

/** Output (h, w, c) of a row, for each its taps from `source(h, w)`: [row, column, weight] triples. */
export function tapsOf(g: Geometry, source: (h: number, w: number) => [number, number, number][]): Taps {
  const taps: Taps = [];
  for (let h = 0; h < g.outH; h++) {
    for (let w = 0; w < g.outW; w++) {
      const from = source(h, w).filter(([i, j]) => i >= 0 && i < g.inH && j >= 0 && j < g.inW);
      for (let c = 0; c < g.inC; c++) taps.push({ index: from.map(([i, j]) => (i * g.inW + j) * g.inC + c), weight: from.map(([, , k]) => k) });
    }
  }
  return taps;
}

export const shiftTaps = (g: Geometry): Taps => tapsOf(g, (h, w) => [[h - g.padTop, w - g.padLeft, 1]]);
export const nearestTaps = (g: Geometry): Taps => tapsOf(g, (h, w) => [[Math.floor(h / g.sH), Math.floor(w / g.sW), 1]]);
/** TF.js resizeBilinear: source = output · (in / out); top row ⌊source⌋, bottom min(⌈source⌉, in − 1). */
export function bilinearTaps(g: Geometry): Taps {
  return tapsOf(g, (h, w) => {
    const sy = h * (g.inH / g.outH), sx = w * (g.inW / g.outW);
    const y0 = Math.floor(sy), y1 = Math.min(Math.ceil(sy), g.inH - 1), fy = sy - y0;
    const x0 = Math.floor(sx), x1 = Math.min(Math.ceil(sx), g.inW - 1), fx = sx - x0;
    return [[y0, x0, (1 - fy) * (1 - fx)], [y0, x1, (1 - fy) * fx], [y1, x0, fy * (1 - fx)], [y1, x1, fy * fx]];
  });
}
