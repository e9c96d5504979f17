import { sumLayout } from './sum';

import { REDUCE_SUM, REDUCE_MEAN, REDUCE_MAX, REDUCE_MIN, ARG_MAX } from './layout';

// @ts-ignore: decorator
@inline function combine(op: i32, x: f32, y: f32): f32 {
  return op == REDUCE_MAX ? max(x, y) : min(x, y);
}

// @ts-ignore: decorator
@inline function combineV(op: i32, x: v128, y: v128): v128 {
  return op == REDUCE_MAX ? f32x4.max(x, y) : f32x4.min(x, y);
}

// The largest (MAX) or smallest (MIN) of the contiguous row x[0..r), r >= 1, with four vector accumulators.
// @ts-ignore: decorator
@inline function extremumRow(op: i32, x: usize, r: i32): f32 {
  let j = 0;
  let acc = load<f32>(x);
  if (r >= 16) {
    let v0 = v128.load(x), v1 = v128.load(x, 16), v2 = v128.load(x, 32), v3 = v128.load(x, 48);
    for (j = 16; j + 16 <= r; j += 16) {
      const p = x + (<usize>j << 2);
      v0 = combineV(op, v0, v128.load(p));
      v1 = combineV(op, v1, v128.load(p, 16));
      v2 = combineV(op, v2, v128.load(p, 32));
      v3 = combineV(op, v3, v128.load(p, 48));
    }
    const v = combineV(op, combineV(op, v0, v1), combineV(op, v2, v3));
    const h = combine(op, combine(op, f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
                          combine(op, f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
    acc = combine(op, acc, h);
  }
  for (; j < r; j++) acc = combine(op, acc, load<f32>(x + (<usize>j << 2)));
  return acc;
}

// @ts-ignore: decorator
@inline function extremaLoop(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>r * step;
    const dst = out + <usize>o * step;
    if (inner == 1) {
      store<f32>(dst, extremumRow(op, src, r));
      continue;
    }
    // Columns: out[i] = reduce_j src[j*inner + i], four lanes of i at a time.
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const p = src + (<usize>i << 2);
      let v = v128.load(p);
      for (let j = 1; j < r; j++) v = combineV(op, v, v128.load(p + <usize>j * step));
      v128.store(dst + (<usize>i << 2), v);
    }
    for (; i < inner; i++) {
      const p = src + (<usize>i << 2);
      let s = load<f32>(p);
      for (let j = 1; j < r; j++) s = combine(op, s, load<f32>(p + <usize>j * step));
      store<f32>(dst + (<usize>i << 2), s);
    }
  }
}

// out[o, i] = reduce_j x[o, j, i] over an [outer, r, inner] layout; out is [outer, inner]; r >= 1 for MAX/MIN;
// NaN propagates through MAX/MIN (f32.max). SUM and MEAN are pairwise sums in f32 (assembly/sum.ts states the error bound);
// MEAN multiplies each sum by 1/r in f64 and rounds once to f32 (relative error ≤ 2^-24 + 2^-52 over the sum's).
export function reduce(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  switch (op) {
    case REDUCE_SUM: sumLayout(x, out, outer, r, inner); break;
    case REDUCE_MEAN: {
      sumLayout(x, out, outer, r, inner);
      const n = outer * inner, inv = 1 / <f64>r;
      for (let i = 0; i < n; i++) {
        const p = out + (<usize>i << 2);
        store<f32>(p, <f32>(<f64>load<f32>(p) * inv));
      }
      break;
    }
    case REDUCE_MAX: extremaLoop(REDUCE_MAX, x, out, outer, r, inner); break;
    default: extremaLoop(REDUCE_MIN, x, out, outer, r, inner);
  }
}

// out[o, i] = index j of the largest (ARGMAX) or smallest (ARGMIN) x[o, j, i], first on ties, first NaN if any,
// stored as f32; r >= 1.
export function argReduce(op: i32, x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>r * step;
    for (let i = 0; i < inner; i++) {
      const p = src + (<usize>i << 2);
      let best = load<f32>(p);
      let at = 0;
      for (let j = 1; j < r && best == best; j++) {
        const v = load<f32>(p + <usize>j * step);
        if (v != v || (op == ARG_MAX ? v > best : v < best)) { best = v; at = j; }
      }
      store<f32>(out + (<usize>(o * inner + i) << 2), <f32>at);
    }
  }
}
