import { metaAt, resetCounter, rowCount, rowOffset, nextRow } from './strided';
import { putOrAdd } from './plan';

// dst[...] = src[...] over meta.shape, src read through meta.strides0, dst written through meta.strides1
// (elements; src strides may be 0 to repeat); meta holds 5*rank i32 (strided.ts); rank >= 1; no overlap.
export function copy(src: usize, dst: usize, rank: i32, meta: usize): void {
  const n = metaAt(meta, rank - 1);
  const ss = metaAt(meta, 2 * rank - 1), ds = metaAt(meta, 3 * rank - 1);
  const rows = rowCount(meta, rank);
  resetCounter(meta, rank);
  for (let r = 0; r < rows; r++) {
    const ps = src + (<usize>rowOffset(meta, rank, 0) << 2);
    const pd = dst + (<usize>rowOffset(meta, rank, 1) << 2);
    if (ss == 1 && ds == 1) {
      memory.copy(pd, ps, <usize>n << 2);
    } else if (ss == 0 && ds == 1) {
      const v = v128.load32_splat(ps), x = load<f32>(ps);
      let i = 0;
      for (; i + 4 <= n; i += 4) v128.store(pd + (<usize>i << 2), v);
      for (; i < n; i++) store<f32>(pd + (<usize>i << 2), x);
    } else {
      for (let i = 0; i < n; i++) store<f32>(pd + (<usize>(i * ds) << 2), load<f32>(ps + (<usize>(i * ss) << 2)));
    }
    nextRow(meta, rank);
  }
}

// dst[o, t, i] = src[o, idx[t], i] for an [outer, axisLen, inner] src, t < count; idx is i32, each in [0, axisLen).
export function gather(src: usize, dst: usize, idx: usize, count: i32, outer: i32, axisLen: i32, inner: i32): void {
  const row = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const s = src + <usize>o * <usize>axisLen * row;
    const d = dst + <usize>o * <usize>count * row;
    for (let t = 0; t < count; t++) {
      memory.copy(d + <usize>t * row, s + <usize>load<i32>(idx + (<usize>t << 2)) * row, row);
    }
  }
}

// dst[r, i, j, k] = src[r·n + i·s0 + j·s1 + k·s2] (or += with add) for a dst [rows, d0, d1, d2], n = d0·d1·d2: each
// row (sample) permuted; strides in elements. A permute layer's forward and, with the inverse permutation and add
// when the gradient is shared, its backward. dst must not overlap src.
export function permuteRows(src: usize, dst: usize, rows: i32, d0: i32, d1: i32, d2: i32, s0: i32, s1: i32, s2: i32, add: bool): void {
  const n = d0 * d1 * d2;
  for (let r = 0; r < rows; r++) {
    const ps = src + (<usize>(r * n) << 2);
    let pd = dst + (<usize>(r * n) << 2);
    for (let i = 0; i < d0; i++) {
      for (let j = 0; j < d1; j++) {
        const line = ps + (<usize>(i * s0 + j * s1) << 2);
        if (s2 == 1) {
          putOrAdd(pd, line, d2, add);
        } else {
          for (let k = 0; k < d2; k++) {
            const v = load<f32>(line + (<usize>(k * s2) << 2));
            const o = pd + (<usize>k << 2);
            store<f32>(o, add ? load<f32>(o) + v : v);
          }
        }
        pd += <usize>d2 << 2;
      }
    }
  }
}

// out[r, t, :] = x[r, :] for t < n, x [rows, f], out [rows, n, f]: a repeatVector layer's forward.
export function repeatRows(x: usize, out: usize, rows: i32, n: i32, f: i32): void {
  const row = <usize>f << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * row;
    for (let t = 0; t < n; t++) memory.copy(out + (<usize>(r * n + t)) * row, src, row);
  }
}

// dx[r, :] = Σ_t dOut[r, t, :] (t in order; or added to dx with add): the backward of repeatRows, which saved nothing.
export function repeatRowsBackward(dOut: usize, dx: usize, rows: i32, n: i32, f: i32, add: bool): void {
  const row = <usize>f << 2;
  for (let r = 0; r < rows; r++) {
    const d = dx + <usize>r * row, src = dOut + <usize>(r * n) * row;
    if (!add) {
      if (n == 0) memory.fill(d, 0, row);
      else memory.copy(d, src, row);
    }
    for (let t = add ? 0 : 1; t < n; t++) putOrAdd(d, src + <usize>t * row, f, true);
  }
}
