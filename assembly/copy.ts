import { metaAt, resetCounter, rowCount, rowOffset, nextRow } from './strided';

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
