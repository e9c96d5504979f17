// Pairwise (blocked) float32 summation, as NumPy's pairwise_sum: leaves of a few elements are summed by plain
// accumulators, and the leaves' sums are added in a balanced binary tree, so each element passes through
// O(log n) roundings instead of O(n).
//
// Error bound (first order, ε = 2^-24, exact sum S = Σ x_i, no overflow):
//   contiguous rows (inner = 1): |computed − S| ≤ (23 + d)·ε·Σ|x_i|, d = ⌈log2(n / 1024)⌉ (0 for n ≤ 1024);
//   down columns (inner > 1):    |computed − S| ≤ (17 + d)·ε·Σ|x_i|, d = ⌈log2(r / 16)⌉ (0 for r ≤ 16).
// Rows: an element takes ≤ 1 rounding in a sum of two vectors, ≤ 16 in its accumulator's chain, 3 in
// combining the eight accumulators, d in the tree of leaves, 2 in combining the four lanes, and 1 in adding the
// ≤ 15 elements after the last multiple of 16 (which take ≤ 14 among themselves). Columns: 16 columns at a time
// add ≤ 16 rows in order (15 roundings), 4 or 1 at a time keep four chains of ≤ 18 rows combined in 2 levels over
// leaves of 64 rows (≤ 19 + ⌈log2(r / 64)⌉); the tree adds d levels. For sum(full([1e7], 0.1)) the row bound is
// 37ε·S ≈ 2.2e-6·S (the plain loop this replaced allowed (1e7 / 16)·ε·S and was 0.6 % off).
// NaN and ±Infinity propagate as in any order of f32 additions (Infinity + −Infinity is NaN).

// Elements per leaf of a contiguous row, and rows per leaf of a column sum taken four rows apart (four chains) or
// one after another (16 columns at a time).
const BLOCK = 1024;
const ROW_BLOCK = 64;
const ROW_BLOCK16 = 16;

// The largest block·2^k below n (n > block): the left part of a split, so that all leaves but the last are full.
// @ts-ignore: decorator
@inline function splitPoint(n: i32, block: i32): i32 {
  return block << (31 - clz((n - 1) / block));
}

// Σ of x[0..n), n a positive multiple of 16 up to BLOCK, as four lane sums: eight independent chains (two vector
// adds in flight per cycle) of at most 16 + 1 adds, each adding the sum of two vectors while 64 elements remain.
// NOTE: not @inline: a leaf inlined into rowLanes ran at half the speed in V8.
function rowLeaf(x: usize, n: i32): v128 {
  let j = 0;
  let v0 = f32x4.splat(0), v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0, v6 = v0, v7 = v0;
  for (; j + 64 <= n; j += 64) {
    const p = x + (<usize>j << 2);
    v0 = f32x4.add(v0, f32x4.add(v128.load(p, 0), v128.load(p, 128)));
    v1 = f32x4.add(v1, f32x4.add(v128.load(p, 16), v128.load(p, 144)));
    v2 = f32x4.add(v2, f32x4.add(v128.load(p, 32), v128.load(p, 160)));
    v3 = f32x4.add(v3, f32x4.add(v128.load(p, 48), v128.load(p, 176)));
    v4 = f32x4.add(v4, f32x4.add(v128.load(p, 64), v128.load(p, 192)));
    v5 = f32x4.add(v5, f32x4.add(v128.load(p, 80), v128.load(p, 208)));
    v6 = f32x4.add(v6, f32x4.add(v128.load(p, 96), v128.load(p, 224)));
    v7 = f32x4.add(v7, f32x4.add(v128.load(p, 112), v128.load(p, 240)));
  }
  if (j + 32 <= n) {
    const p = x + (<usize>j << 2);
    v0 = f32x4.add(v0, v128.load(p, 0));
    v1 = f32x4.add(v1, v128.load(p, 16));
    v2 = f32x4.add(v2, v128.load(p, 32));
    v3 = f32x4.add(v3, v128.load(p, 48));
    v4 = f32x4.add(v4, v128.load(p, 64));
    v5 = f32x4.add(v5, v128.load(p, 80));
    v6 = f32x4.add(v6, v128.load(p, 96));
    v7 = f32x4.add(v7, v128.load(p, 112));
    j += 32;
  }
  if (j < n) {
    // 16 left (n is a multiple of 16).
    const p = x + (<usize>j << 2);
    v0 = f32x4.add(v0, v128.load(p));
    v1 = f32x4.add(v1, v128.load(p, 16));
    v2 = f32x4.add(v2, v128.load(p, 32));
    v3 = f32x4.add(v3, v128.load(p, 48));
  }
  return f32x4.add(f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3)), f32x4.add(f32x4.add(v4, v5), f32x4.add(v6, v7)));
}

// Σ of x[0..n), n a positive multiple of 16, as four lane sums: leaves added pairwise.
function rowLanes(x: usize, n: i32): v128 {
  if (n <= BLOCK) return rowLeaf(x, n);
  const left = splitPoint(n, BLOCK);
  return f32x4.add(rowLanes(x, left), rowLanes(x + (<usize>left << 2), n - left));
}

// Σ x[0..n) over a contiguous row, n >= 0 (0 for n = 0); error bound above.
// @ts-ignore: decorator
@inline function sumRow(x: usize, n: i32): f32 {
  const whole = n & ~15;
  let tail: f32 = 0;
  for (let j = whole; j < n; j++) tail += load<f32>(x + (<usize>j << 2));
  if (whole == 0) return tail;
  const v = rowLanes(x, whole);
  return ((f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))) + tail;
}

// dst[0..16) = Σ_j p[j·step + 0..16) over rows j in [0, rows), 1 <= rows <= ROW_BLOCK16, in order; step in bytes.
// @ts-ignore: decorator
@inline function leaf16(p: usize, rows: i32, step: usize, dst: usize): void {
  let v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32), v3 = v128.load(p, 48);
  for (let j = 1; j < rows; j++) {
    const q = p + <usize>j * step;
    v0 = f32x4.add(v0, v128.load(q));
    v1 = f32x4.add(v1, v128.load(q, 16));
    v2 = f32x4.add(v2, v128.load(q, 32));
    v3 = f32x4.add(v3, v128.load(q, 48));
  }
  v128.store(dst, v0); v128.store(dst, v1, 16); v128.store(dst, v2, 32); v128.store(dst, v3, 48);
}

// dst[0..16) = Σ_j p[j·step + 0..16) over rows j in [0, rows), rows > ROW_BLOCK16, pairwise.
function columns16(p: usize, rows: i32, step: usize, dst: usize): void {
  const left = splitPoint(rows, ROW_BLOCK16), right = rows - left;
  if (left <= ROW_BLOCK16) leaf16(p, left, step, dst);
  else columns16(p, left, step, dst);
  // The left part's sums wait in locals (this frame) while the right part reuses dst.
  const a0 = v128.load(dst), a1 = v128.load(dst, 16), a2 = v128.load(dst, 32), a3 = v128.load(dst, 48);
  const q = p + <usize>left * step;
  if (right <= ROW_BLOCK16) leaf16(q, right, step, dst);
  else columns16(q, right, step, dst);
  v128.store(dst, f32x4.add(a0, v128.load(dst)));
  v128.store(dst, f32x4.add(a1, v128.load(dst, 16)), 16);
  v128.store(dst, f32x4.add(a2, v128.load(dst, 32)), 32);
  v128.store(dst, f32x4.add(a3, v128.load(dst, 48)), 48);
}

// Σ_j p[j·step + 0..4) over rows j in [0, rows), rows >= 1: four chains (rows j ≡ 0, 1, 2, 3 mod 4) up to
// ROW_BLOCK rows, else pairwise.
function columns4(p: usize, rows: i32, step: usize): v128 {
  if (rows <= ROW_BLOCK) return leaf4(p, rows, step);
  const left = splitPoint(rows, ROW_BLOCK);
  return f32x4.add(columns4(p, left, step), columns4(p + <usize>left * step, rows - left, step));
}

// columns4's leaf: 1 <= rows <= ROW_BLOCK. NOTE: inlined, so that the few rows of a training batch's bias
// gradient cost no call.
// @ts-ignore: decorator
@inline function leaf4(p: usize, rows: i32, step: usize): v128 {
  let v0 = f32x4.splat(0), v1 = v0, v2 = v0, v3 = v0;
  let j = 0;
  for (; j + 4 <= rows; j += 4) {
    const q = p + <usize>j * step;
    v0 = f32x4.add(v0, v128.load(q));
    v1 = f32x4.add(v1, v128.load(q + step));
    v2 = f32x4.add(v2, v128.load(q + 2 * step));
    v3 = f32x4.add(v3, v128.load(q + 3 * step));
  }
  for (; j < rows; j++) v0 = f32x4.add(v0, v128.load(p + <usize>j * step));
  return f32x4.add(f32x4.add(v0, v1), f32x4.add(v2, v3));
}

// Σ_j p[j·step] over rows j in [0, rows), rows >= 1, as columns4 with scalar chains.
function columns1(p: usize, rows: i32, step: usize): f32 {
  if (rows <= ROW_BLOCK) return leaf1(p, rows, step);
  const left = splitPoint(rows, ROW_BLOCK);
  return columns1(p, left, step) + columns1(p + <usize>left * step, rows - left, step);
}

// columns1's leaf: 1 <= rows <= ROW_BLOCK (inlined, as leaf4).
// @ts-ignore: decorator
@inline function leaf1(p: usize, rows: i32, step: usize): f32 {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let j = 0;
  for (; j + 4 <= rows; j += 4) {
    const q = p + <usize>j * step;
    s0 += load<f32>(q);
    s1 += load<f32>(q + step);
    s2 += load<f32>(q + 2 * step);
    s3 += load<f32>(q + 3 * step);
  }
  for (; j < rows; j++) s0 += load<f32>(p + <usize>j * step);
  return (s0 + s1) + (s2 + s3);
}

// dst[i] = Σ_j src[j·inner + i] for i in [0, inner), j in [0, r), r >= 1: the sums down the columns of an
// [r, inner] block, 16, then 4, then 1 column at a time; error bound above.
// @ts-ignore: decorator
@inline function sumColumns(src: usize, dst: usize, r: i32, inner: i32): void {
  const step = <usize>inner << 2;
  let i = 0;
  if (r <= ROW_BLOCK16) {
    for (; i + 16 <= inner; i += 16) leaf16(src + (<usize>i << 2), r, step, dst + (<usize>i << 2));
  } else {
    for (; i + 16 <= inner; i += 16) columns16(src + (<usize>i << 2), r, step, dst + (<usize>i << 2));
  }
  if (r <= ROW_BLOCK) {
    for (; i + 4 <= inner; i += 4) v128.store(dst + (<usize>i << 2), leaf4(src + (<usize>i << 2), r, step));
    for (; i < inner; i++) store<f32>(dst + (<usize>i << 2), leaf1(src + (<usize>i << 2), r, step));
  } else {
    for (; i + 4 <= inner; i += 4) v128.store(dst + (<usize>i << 2), columns4(src + (<usize>i << 2), r, step));
    for (; i < inner; i++) store<f32>(dst + (<usize>i << 2), columns1(src + (<usize>i << 2), r, step));
  }
}

// out[o, i] = Σ_j x[o, j, i] over an [outer, r, inner] layout (out is [outer, inner]), pairwise; 0 for r = 0.
export function sumLayout(x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) store<f32>(out + (<usize>o << 2), sumRow(x + <usize>o * (<usize>r << 2), r));
    return;
  }
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>r * step, dst = out + <usize>o * step;
    if (r == 0) memory.fill(dst, 0, step);
    else sumColumns(src, dst, r, inner);
  }
}
