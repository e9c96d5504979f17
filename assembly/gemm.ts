// Packed, cache-blocked GEMM: C = op(A)·op(B) (+ C) (+ bias row) then an activation.
// op(B) is packed into NR-column micro-panels (k-major, zero-padded; or packed once beforehand: packWeights), and
// op(A) read in place by MR-row micro-panels, either transpose (the last rows of a block, fewer than two panels,
// are packed), so all four transposes share one register-tiled micro-kernel. Loops: jc (NC) → pc (KC, pack B) →
// ic (MC) → ir (A micro-panel) → jr (B micro-panel). The baseline build tiles 4×8 with mul+add; the relaxed-SIMD build
// 6×8 with relaxed_madd (12 accumulators; V8 gives 15 usable vector registers on x64).
import { activation } from './activation';
import { ACT_NONE, GEMM_TRANS_A, GEMM_TRANS_B, GEMM_ACCUMULATE } from './layout';

const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 132; // a multiple of both tiles' MR
const NC: i32 = 1024;

// Floats of workspace one gemm call needs: a packed A block, a packed B block and an edge tile, sized for the larger
// tile of the two builds (6×8), so that either build's gemm runs in a workspace sized by the other.
export const GEMM_WORK_FLOATS: i32 = MC * KC + KC * NC + 6 * NR;

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function put(c: usize, v: v128, first: bool): void {
  v128.store(c, first ? v : f32x4.add(v128.load(c), v));
}

// C[0..4, 0..8] (=|+=) pa·pb over kc: pa holds 4 rows per k, pb 8 columns per k.
function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    pa += 16;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  put(c, c00, first); put(c + 16, c01, first); c += row;
  put(c, c10, first); put(c + 16, c11, first); c += row;
  put(c, c20, first); put(c + 16, c21, first); c += row;
  put(c, c30, first); put(c + 16, c31, first);
}

// C[0..6, 0..8] (=|+=) pa·pb over kc (relaxed build).
function kernel6x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    x = v128.load32_splat(pa, 16);
    c40 = madd(x, b0, c40); c41 = madd(x, b1, c41);
    x = v128.load32_splat(pa, 20);
    c50 = madd(x, b0, c50); c51 = madd(x, b1, c51);
    pa += 24;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  put(c, c00, first); put(c + 16, c01, first); c += row;
  put(c, c10, first); put(c + 16, c11, first); c += row;
  put(c, c20, first); put(c + 16, c21, first); c += row;
  put(c, c30, first); put(c + 16, c31, first); c += row;
  put(c, c40, first); put(c + 16, c41, first); c += row;
  put(c, c50, first); put(c + 16, c51, first);
}

// Writes (or adds, unless first) the 2·MR rows of a 4-column tile: c0..c3 (and c4, c5 for MR 6), then c6..c9 (c10, c11).
// @ts-ignore: decorator
@inline function put2MRx4(c: usize, ldc: i32, first: bool, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128,
  c7: v128, c8: v128, c9: v128, c10: v128, c11: v128): void {
  const row = <usize>ldc << 2;
  put(c, c0, first); c += row;
  put(c, c1, first); c += row;
  put(c, c2, first); c += row;
  put(c, c3, first); c += row;
  if (MR == 6) {
    put(c, c4, first); c += row;
    put(c, c5, first); c += row;
  }
  put(c, c6, first); c += row;
  put(c, c7, first); c += row;
  put(c, c8, first); c += row;
  put(c, c9, first);
  if (MR == 6) {
    c += row; put(c, c10, first);
    c += row; put(c, c11, first);
  }
}

// C[0..2·MR, 0..4] (=|+=) [pa; pa2]·pb over kc: two A micro-panels against a last B panel of at most 4 columns,
// so the narrow tile still has 2·MR independent accumulators.
function kernel2MRx4(kc: i32, pa: usize, pa2: usize, pb: usize, c: usize, ldc: i32, first: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let c8 = f32x4.splat(0), c9 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa, 4), b0, c1);
    c2 = madd(v128.load32_splat(pa, 8), b0, c2);
    c3 = madd(v128.load32_splat(pa, 12), b0, c3);
    c6 = madd(v128.load32_splat(pa2), b0, c6);
    c7 = madd(v128.load32_splat(pa2, 4), b0, c7);
    c8 = madd(v128.load32_splat(pa2, 8), b0, c8);
    c9 = madd(v128.load32_splat(pa2, 12), b0, c9);
    if (MR == 6) {
      c4 = madd(v128.load32_splat(pa, 16), b0, c4);
      c5 = madd(v128.load32_splat(pa, 20), b0, c5);
      c10 = madd(v128.load32_splat(pa2, 16), b0, c10);
      c11 = madd(v128.load32_splat(pa2, 20), b0, c11);
    }
    pa += MR << 2;
    pa2 += MR << 2;
    pb += 32;
  }
  put2MRx4(c, ldc, first, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}

// The kernels above reading op(A) in place instead of packed (see gemm). Row r of op(A) at step p
// is at a + r·rs + p·ks bytes (A: rs = lda·4, ks = 4; Aᵀ stored: rs = 4, ks = lda·4); the sums run as the packed
// kernels run them (the same bits).

// C[0..MR, 0..8] (=|+=) op(A)·pb over kc, op(A) in place.
function kernelInPlace(kc: i32, a: usize, rs: usize, ks: usize, pb: usize, c: usize, ldc: i32, first: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0), c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  let a1 = a + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(a);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    if (MR == 6) {
      x = v128.load32_splat(a4);
      c40 = madd(x, b0, c40); c41 = madd(x, b1, c41);
      x = v128.load32_splat(a5);
      c50 = madd(x, b0, c50); c51 = madd(x, b1, c51);
      a4 += ks; a5 += ks;
    }
    a += ks; a1 += ks; a2 += ks; a3 += ks;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  put(c, c00, first); put(c + 16, c01, first); c += row;
  put(c, c10, first); put(c + 16, c11, first); c += row;
  put(c, c20, first); put(c + 16, c21, first); c += row;
  put(c, c30, first); put(c + 16, c31, first);
  if (MR == 6) {
    c += row; put(c, c40, first); put(c + 16, c41, first);
    c += row; put(c, c50, first); put(c + 16, c51, first);
  }
}

// C[0..2·MR, 0..4] (=|+=) op(A)·pb over kc, op(A) in place (kernel2MRx4 over 2·MR rows of it).
function kernel2MRx4InPlace(kc: i32, a: usize, rs: usize, ks: usize, pb: usize, c: usize, ldc: i32, first: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  let c8 = f32x4.splat(0), c9 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  const half = <usize>MR * rs;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb), a2 = a + half;
    c0 = madd(v128.load32_splat(a), b0, c0);
    c1 = madd(v128.load32_splat(a + rs), b0, c1);
    c2 = madd(v128.load32_splat(a + 2 * rs), b0, c2);
    c3 = madd(v128.load32_splat(a + 3 * rs), b0, c3);
    c6 = madd(v128.load32_splat(a2), b0, c6);
    c7 = madd(v128.load32_splat(a2 + rs), b0, c7);
    c8 = madd(v128.load32_splat(a2 + 2 * rs), b0, c8);
    c9 = madd(v128.load32_splat(a2 + 3 * rs), b0, c9);
    if (MR == 6) {
      c4 = madd(v128.load32_splat(a + 4 * rs), b0, c4);
      c5 = madd(v128.load32_splat(a + 5 * rs), b0, c5);
      c10 = madd(v128.load32_splat(a2 + 4 * rs), b0, c10);
      c11 = madd(v128.load32_splat(a2 + 5 * rs), b0, c11);
    }
    a += ks;
    pb += 32;
  }
  put2MRx4(c, ldc, first, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
}

// @ts-ignore: decorator
@inline function tile(kc: i32, pa: usize, pb: usize, c: usize, ldc: i32, first: bool): void {
  if (MR == 6) kernel6x8(kc, pa, pb, c, ldc, first);
  else kernel4x8(kc, pa, pb, c, ldc, first);
}

// Writes (or adds, unless first) the valid rows × cols of a scratch tile with row stride lde into C.
// @ts-ignore: decorator
@inline function writeEdge(edge: usize, lde: i32, c: usize, ldc: i32, rows: i32, cols: i32, first: bool): void {
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < cols; q++) {
      const dst = at(c, r * ldc + q);
      const v = load<f32>(at(edge, r * lde + q));
      store<f32>(dst, first ? v : load<f32>(dst) + v);
    }
  }
}

// Packs op(A)[i0..i0+mc, p0..p0+kc] into MR-row micro-panels: out[(panel·kc + p)·MR + r]; rows past mc are 0.
function packA(a: usize, lda: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, out: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = out + <usize>(ir * kc) * 4;
    if (transA) {
      // op(A)[i, p] = a[p·lda + i]: MR consecutive floats per k.
      for (let p = 0; p < kc; p++) {
        const src = at(a, (p0 + p) * lda + i0 + ir);
        const dst = at(panel, p * MR);
        if (rows == MR) {
          v128.store(dst, v128.load(src));
          if (MR == 6) store<u64>(dst + 16, load<u64>(src + 16));
        } else {
          for (let r = 0; r < MR; r++) store<f32>(at(dst, r), r < rows ? load<f32>(at(src, r)) : 0);
        }
      }
    } else if (rows >= 4) {
      // op(A)[i, p] = a[i·lda + p]: rows are strided; transpose 4×4 blocks (rows 0..3), the rest one by one.
      const r0 = at(a, (i0 + ir) * lda + p0), r1 = at(r0, lda), r2 = at(r1, lda), r3 = at(r2, lda);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const v0 = v128.load(r0 + o), v1 = v128.load(r1 + o), v2 = v128.load(r2 + o), v3 = v128.load(r3 + o);
        const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
        const dst = at(panel, p * MR);
        v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
        v128.store(at(dst, MR), i64x2.shuffle(t0, t2, 1, 3));
        v128.store(at(dst, 2 * MR), i64x2.shuffle(t1, t3, 0, 2));
        v128.store(at(dst, 3 * MR), i64x2.shuffle(t1, t3, 1, 3));
      }
      for (; p < kc; p++) {
        const dst = at(panel, p * MR), o = <usize>p << 2;
        store<f32>(dst, load<f32>(r0 + o)); store<f32>(dst, load<f32>(r1 + o), 4);
        store<f32>(dst, load<f32>(r2 + o), 8); store<f32>(dst, load<f32>(r3 + o), 12);
      }
      for (let r = 4; r < MR; r++) {
        const src = at(a, (i0 + ir + r) * lda + p0);
        for (p = 0; p < kc; p++) store<f32>(at(panel, p * MR + r), r < rows ? load<f32>(at(src, p)) : 0);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const src = at(a, (i0 + ir + r) * lda + p0);
        for (let p = 0; p < kc; p++) store<f32>(at(panel, p * MR + r), r < rows ? load<f32>(at(src, p)) : 0);
      }
    }
  }
}

// Packs op(B)[p0..p0+kc, j0..j0+nc] into NR-column micro-panels: out[(panel·kc + p)·NR + c]; columns past nc are 0.
function packB(b: usize, ldb: i32, transB: bool, p0: i32, j0: i32, kc: i32, nc: i32, out: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = out + <usize>(jr * kc) * 4;
    if (!transB) {
      // op(B)[p, j] = b[p·ldb + j]: NR consecutive floats per k.
      for (let p = 0; p < kc; p++) {
        const src = at(b, (p0 + p) * ldb + j0 + jr);
        const dst = at(panel, p * NR);
        if (cols == NR) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        } else {
          for (let c = 0; c < NR; c++) store<f32>(at(dst, c), c < cols ? load<f32>(at(src, c)) : 0);
        }
      }
    } else if (cols == NR) {
      // op(B)[p, j] = b[j·ldb + p]: transpose two 4×4 blocks per 4 k.
      for (let half = 0; half < 2; half++) {
        const r0 = at(b, (j0 + jr + 4 * half) * ldb + p0), r1 = at(r0, ldb), r2 = at(r1, ldb), r3 = at(r2, ldb);
        const base = at(panel, 4 * half);
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          const v0 = v128.load(r0 + o), v1 = v128.load(r1 + o), v2 = v128.load(r2 + o), v3 = v128.load(r3 + o);
          const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
          const dst = at(base, p * NR);
          v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
          v128.store(at(dst, NR), i64x2.shuffle(t0, t2, 1, 3));
          v128.store(at(dst, 2 * NR), i64x2.shuffle(t1, t3, 0, 2));
          v128.store(at(dst, 3 * NR), i64x2.shuffle(t1, t3, 1, 3));
        }
        for (; p < kc; p++) {
          const dst = at(base, p * NR), o = <usize>p << 2;
          store<f32>(dst, load<f32>(r0 + o)); store<f32>(dst, load<f32>(r1 + o), 4);
          store<f32>(dst, load<f32>(r2 + o), 8); store<f32>(dst, load<f32>(r3 + o), 12);
        }
      }
    } else {
      for (let c = 0; c < NR; c++) {
        const src = at(b, (j0 + jr + c) * ldb + p0);
        for (let p = 0; p < kc; p++) store<f32>(at(panel, p * NR + c), c < cols ? load<f32>(at(src, p)) : 0);
      }
    }
  }
}

// Adds the bias row and applies the activation to C[i0..i1, j0..j0+nc].
function epilogue(c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, nc: i32, bias: usize, act: i32, alpha: f32): void {
  for (let i = i0; i < i1; i++) {
    const row = at(c, i * ldc + j0);
    if (bias) {
      const pb = at(bias, j0);
      let j = 0;
      for (; j + 4 <= nc; j += 4) v128.store(at(row, j), f32x4.add(v128.load(at(row, j)), v128.load(at(pb, j))));
      for (; j < nc; j++) store<f32>(at(row, j), load<f32>(at(row, j)) + load<f32>(at(pb, j)));
    }
    if (act != ACT_NONE) activation(act, row, row, nc, alpha);
  }
}

// Address of op(A)[i, p] (A [m×k] with row stride lda, or Aᵀ stored [k×m]); rowStep and kStep: bytes from it to the
// next row of op(A) and to the next k.
// @ts-ignore: decorator
@inline function inPlaceRow(a: usize, lda: i32, transA: bool, i: i32, p: i32): usize {
  return a + (<usize>(transA ? p * lda + i : i * lda + p) << 2);
}
// @ts-ignore: decorator
@inline function rowStep(lda: i32, transA: bool): usize { return transA ? 4 : <usize>lda << 2; }
// @ts-ignore: decorator
@inline function kStep(lda: i32, transA: bool): usize { return transA ? <usize>lda << 2 : 4; }

// Products of at most SMALL multiply-adds skip packing: the plain loop is faster below it.
const SMALL: i64 = 1024;

// s + a·b rounded as the tiles' madd rounds it (fused or not, as relaxed_madd is on this engine), so that a product's
// elements have the same bits whether it takes the small loop or the packed tiles (a row computed alone, or in a
// batch of any size).
// @ts-ignore: decorator
@inline function maddScalar(a: f32, b: f32, s: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.extract_lane(f32x4.relaxed_madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(s)), 0);
  return s + a * b;
}

// Rows [i0, i1) of C = op(A)·op(B) (+ C when accumulate). Each element sums over p in order in blocks of KC from
// zero, added to C block by block, as the packed tiles do: the same bits whichever path a product takes.
function gemmSmall(a: usize, lda: i32, transA: bool, b: usize, ldb: i32, transB: bool, c: usize, ldc: i32, k: i32, n: i32,
  accumulate: bool, i0: i32, i1: i32): void {
  const one: i32 = 1;
  const sa = <usize>(transA ? lda : one) << 2, sb = <usize>(transB ? one : ldb) << 2;
  const ia = <usize>(transA ? one : lda) << 2, jb = <usize>(transB ? ldb : one) << 2;
  for (let i = i0; i < i1; i++) {
    const ra = a + <usize>i * ia;
    let dst = at(c, i * ldc);
    for (let j = 0; j < n; j++) {
      let pa = ra, pb = b + <usize>j * jb;
      if (k <= KC) { // one block: the usual case, kept to one loop (the small products of small networks)
        let s: f32 = 0;
        for (let p = 0; p < k; p++) {
          s = maddScalar(load<f32>(pa), load<f32>(pb), s);
          pa += sa;
          pb += sb;
        }
        store<f32>(dst, accumulate ? load<f32>(dst) + s : s);
        dst += 4;
        continue;
      }
      let total: f32 = accumulate ? load<f32>(dst) : 0;
      for (let p0 = 0; p0 < k; p0 += KC) {
        let s: f32 = 0;
        for (let p = p0, end = min(k, p0 + KC); p < end; p++) {
          s = maddScalar(load<f32>(pa), load<f32>(pb), s);
          pa += sa;
          pb += sb;
        }
        total = p0 == 0 && !accumulate ? s : total + s;
      }
      store<f32>(dst, total);
      dst += 4;
    }
  }
}

// One row of C = a·B (+ C when accumulate) for B [k×n] not transposed, without packing (a batch of one: predict of
// one sample): element a[p] at a + p·sa bytes. Each element's sum runs as the packed tiles run it (blocks of KC
// from zero, madd in p order, added to C block by block), so a row has the same bits alone as in a batch.
function gemv(a: usize, sa: usize, b: usize, ldb: i32, c: usize, k: i32, n: i32, accumulate: bool): void {
  const zero = f32x4.splat(0), row = <usize>ldb << 2;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const pc = at(c, j);
    let c0 = accumulate ? v128.load(pc) : zero, c1 = accumulate ? v128.load(pc, 16) : zero;
    let c2 = accumulate ? v128.load(pc, 32) : zero, c3 = accumulate ? v128.load(pc, 48) : zero;
    for (let p0 = 0; p0 < k; p0 += KC) {
      let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
      let pa = a + <usize>p0 * sa, pb = at(b, p0 * ldb + j);
      for (let p = p0, end = min(k, p0 + KC); p < end; p++) {
        const x = v128.load32_splat(pa);
        s0 = madd(x, v128.load(pb), s0); s1 = madd(x, v128.load(pb, 16), s1);
        s2 = madd(x, v128.load(pb, 32), s2); s3 = madd(x, v128.load(pb, 48), s3);
        pa += sa;
        pb += row;
      }
      const set = p0 == 0 && !accumulate;
      c0 = set ? s0 : f32x4.add(c0, s0); c1 = set ? s1 : f32x4.add(c1, s1);
      c2 = set ? s2 : f32x4.add(c2, s2); c3 = set ? s3 : f32x4.add(c3, s3);
    }
    v128.store(pc, c0); v128.store(pc, c1, 16); v128.store(pc, c2, 32); v128.store(pc, c3, 48);
  }
  for (; j + 4 <= n; j += 4) {
    const pc = at(c, j);
    let c0 = accumulate ? v128.load(pc) : zero;
    for (let p0 = 0; p0 < k; p0 += KC) {
      let s0 = zero;
      let pa = a + <usize>p0 * sa, pb = at(b, p0 * ldb + j);
      for (let p = p0, end = min(k, p0 + KC); p < end; p++) {
        s0 = madd(v128.load32_splat(pa), v128.load(pb), s0);
        pa += sa;
        pb += row;
      }
      c0 = p0 == 0 && !accumulate ? s0 : f32x4.add(c0, s0);
    }
    v128.store(pc, c0);
  }
  if (j < n) gemmSmall(a, <i32>(sa >> 2), true, at(b, j), ldb, false, at(c, j), 0, k, n - j, accumulate, 0, 1);
}

// One row of C = a·op(B) (+ C when accumulate) from op(B) packed whole (packWeights), two 8-column panels at a time
// (a batch of one against kept weights: each panel is one contiguous stream); element a[p] at a + p·sa bytes. The
// sums run as gemv's and the tiles' (blocks of KC from zero, madd in p order, added to C block by block): the same
// bits. `edge` holds 16 floats of scratch for the last columns.
function gemvPacked(a: usize, sa: usize, packed: usize, c: usize, k: i32, n: i32, accumulate: bool, edge: usize): void {
  const zero = f32x4.splat(0);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc), ncp = (nc + NR - 1) / NR * NR;
    for (let jr = 0; jr < nc; jr += 2 * NR) {
      const cols = min(2 * NR, nc - jr), two = jr + NR < ncp, pc = at(c, jc + jr);
      const out = cols == 2 * NR ? pc : edge;
      if (accumulate) for (let q = 0; q < 2 * NR; q++) store<f32>(at(edge, q), q < cols ? load<f32>(at(pc, q)) : 0);
      let t0 = accumulate ? v128.load(out == pc ? pc : edge) : zero, t1 = accumulate ? v128.load(out == pc ? pc : edge, 16) : zero;
      let t2 = accumulate ? v128.load(out == pc ? pc : edge, 32) : zero, t3 = accumulate ? v128.load(out == pc ? pc : edge, 48) : zero;
      for (let p0 = 0; p0 < k; p0 += KC) {
        const kc = min(KC, k - p0), block = at(packed, packedBlock(k, jc, p0, nc));
        let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
        let pa = a + <usize>p0 * sa, pb0 = at(block, jr * kc), pb1 = two ? at(block, (jr + NR) * kc) : pb0;
        for (let p = 0; p < kc; p++) {
          const x = v128.load32_splat(pa);
          s0 = madd(x, v128.load(pb0), s0); s1 = madd(x, v128.load(pb0, 16), s1);
          s2 = madd(x, v128.load(pb1), s2); s3 = madd(x, v128.load(pb1, 16), s3);
          pa += sa;
          pb0 += 32;
          pb1 += 32;
        }
        const set = p0 == 0 && !accumulate;
        t0 = set ? s0 : f32x4.add(t0, s0); t1 = set ? s1 : f32x4.add(t1, s1);
        t2 = set ? s2 : f32x4.add(t2, s2); t3 = set ? s3 : f32x4.add(t3, s3);
      }
      v128.store(out, t0); v128.store(out, t1, 16); v128.store(out, t2, 32); v128.store(out, t3, 48);
      if (out == edge) memory.copy(pc, edge, <usize>cols << 2);
    }
  }
}

// C[m×n] = op(A)·op(B) for rows [rowStart, rowEnd) of C, then + bias[n] (if bias ≠ 0) and activation `act`
// (layout.ts ACT_ codes; ACT_NONE: none). op(A) = A [m×k] (row stride lda) or, with GEMM_TRANS_A, Aᵀ of A [k×m];
// op(B) = B [k×n] (ldb) or, with GEMM_TRANS_B, Bᵀ of B [n×k]; GEMM_ACCUMULATE adds to C instead of overwriting it.
// Row-major f32, sizes and strides in elements, any m, k, n >= 0; C must not alias A or B; `work` holds
// GEMM_WORK_FLOATS floats private to this call. Each element's sum runs over k in the same order whatever the
// row range, so splitting rows across threads gives bit-identical results. `packed`, if not 0, holds op(B) packed
// whole by packWeights, which the packed tiles then read in place of packing B (the same bits).
export function gemm(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32, flags: i32,
  bias: usize, act: i32, alpha: f32, packed: usize, work: usize, rowStart: i32, rowEnd: i32): void {
  const transA = (flags & GEMM_TRANS_A) != 0, transB = (flags & GEMM_TRANS_B) != 0;
  const accumulate = (flags & GEMM_ACCUMULATE) != 0;
  const packedA = work, packedB = at(work, MC * KC), edge = at(packedB, KC * NC);
  rowEnd = min(rowEnd, m);
  if (rowStart >= rowEnd || n <= 0) return;
  if (<i64>m * <i64>k * <i64>n <= SMALL) {
    gemmSmall(a, lda, transA, b, ldb, transB, c, ldc, k, n, accumulate, rowStart, rowEnd);
    epilogue(c, ldc, rowStart, rowEnd, 0, n, bias, act, alpha);
    return;
  }
  if (k <= 0) {
    for (let i = rowStart; i < rowEnd && !accumulate; i++) memory.fill(at(c, i * ldc), 0, <usize>n << 2);
    epilogue(c, ldc, rowStart, rowEnd, 0, n, bias, act, alpha);
    return;
  }
  if (m == 1 && packed != 0) {
    gemvPacked(a, <usize>(transA ? lda : 1 as i32) << 2, packed, c, k, n, accumulate, edge);
    epilogue(c, ldc, 0, 1, 0, n, bias, act, alpha);
    return;
  }
  if (m == 1 && !transB) {
    gemv(a, <usize>(transA ? lda : 1 as i32) << 2, b, ldb, c, k, n, accumulate);
    epilogue(c, ldc, 0, 1, 0, n, bias, act, alpha);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const first = pc == 0 && !accumulate;
      const panels = packed != 0 ? at(packed, packedBlock(k, jc, pc, nc)) : packedB;
      if (packed == 0) packB(b, ldb, transB, pc, jc, kc, nc, packedB);
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        // A is read in place for whole pairs of micro-panels, as XNNPACK reads it: an MR-row slice stays in L1 across the
        // B panels, and packing it cost more than it saved (MLP shapes 3-6 % faster, thin ones up to 1.9×); the rows
        // after them are packed (rows past mc are 0), so no read goes past A.
        const inPlace = mc - mc % (2 * MR);
        if (inPlace < mc) packA(a, lda, transA, ic + inPlace, pc, mc - inPlace, kc, packedA);
        const full = nc - nc % NR, tail = nc - full;
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          const pa = ir < inPlace ? inPlaceRow(a, lda, transA, ic + ir, pc) : at(packedA, (ir - inPlace) * kc);
          for (let jr = 0; jr < full; jr += NR) {
            const pcij = at(c, (ic + ir) * ldc + jc + jr);
            if (ir < inPlace) {
              kernelInPlace(kc, pa, rowStep(lda, transA), kStep(lda, transA), at(panels, jr * kc), pcij, ldc, first);
            } else if (rows == MR) {
              tile(kc, pa, at(panels, jr * kc), pcij, ldc, first);
            } else {
              tile(kc, pa, at(panels, jr * kc), edge, NR, true);
              writeEdge(edge, NR, pcij, ldc, rows, NR, first);
            }
          }
          if (tail > 4) {
            if (ir < inPlace) kernelInPlace(kc, pa, rowStep(lda, transA), kStep(lda, transA), at(panels, full * kc), edge, NR, true);
            else tile(kc, pa, at(panels, full * kc), edge, NR, true);
            writeEdge(edge, NR, at(c, (ic + ir) * ldc + jc + full), ldc, rows, tail, first);
          }
        }
        // A last B panel of at most 4 columns: two A micro-panels at a time (the second may be padding or
        // past the block; its rows are never written).
        for (let ir = 0; ir < mc && tail > 0 && tail <= 4; ir += 2 * MR) {
          const rows = min(2 * MR, mc - ir);
          const pb = at(panels, full * kc);
          const pcij = at(c, (ic + ir) * ldc + jc + full);
          if (ir < inPlace) {
            const pa = inPlaceRow(a, lda, transA, ic + ir, pc);
            if (tail == 4) {
              kernel2MRx4InPlace(kc, pa, rowStep(lda, transA), kStep(lda, transA), pb, pcij, ldc, first);
            } else {
              kernel2MRx4InPlace(kc, pa, rowStep(lda, transA), kStep(lda, transA), pb, edge, 4, true);
              writeEdge(edge, 4, pcij, ldc, rows, tail, first);
            }
            continue;
          }
          const pa = at(packedA, (ir - inPlace) * kc);
          if (rows == 2 * MR && tail == 4) {
            kernel2MRx4(kc, pa, at(pa, MR * kc), pb, pcij, ldc, first);
          } else {
            kernel2MRx4(kc, pa, at(pa, MR * kc), pb, edge, 4, true);
            writeEdge(edge, 4, pcij, ldc, rows, tail, first);
          }
        }
        if (pc + kc == k) epilogue(c, ldc, ic, ic + mc, jc, nc, bias, act, alpha);
      }
    }
  }
}

// Offset in floats of block (jc, pc) of op(B) [k×n] packed whole: the NC-column blocks in order, each its KC-deep
// blocks of nc columns rounded up to NR.
// @ts-ignore: decorator
@inline function packedBlock(k: i32, jc: i32, pc: i32, nc: i32): i32 {
  return jc * k + pc * ((nc + NR - 1) / NR * NR);
}

// Floats of op(B) [k×n] packed whole (packWeights): k·n with n rounded up to NR.
export function packedWeightsFloats(k: i32, n: i32): i32 {
  return k * ((n + NR - 1) / NR * NR);
}

// Packs op(B) [k×n] (B, or Bᵀ with GEMM_TRANS_B in flags; row stride ldb) whole into `out` (packedWeightsFloats
// floats), every KC×NC block as gemm packs it, for gemm's `packed`: weights multiplied many times are packed once.
export function packWeights(b: usize, ldb: i32, flags: i32, k: i32, n: i32, out: usize): void {
  const transB = (flags & GEMM_TRANS_B) != 0;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) packB(b, ldb, transB, pc, jc, min(KC, k - pc), nc, at(out, packedBlock(k, jc, pc, nc)));
  }
}

// Runs the micro-kernel `reps` times on L1-resident panels of depth kc (from `work`): the in-process ceiling
// that gemm is measured against (2·MR·NR·kc·reps flops). Writes a 4×8 or 6×8 tile at the end of work.
export function gemmPeak(kc: i32, reps: i32, work: usize): void {
  const pa = work, pb = at(work, MR * kc), c = at(pb, NR * kc);
  for (let i = 0; i < reps; i++) tile(kc, pa, pb, c, NR, true);
}

// The micro-kernel tile: rows (MR) in the low 16 bits, columns (NR) above.
export function gemmTile(): i32 {
  return MR | (NR << 16);
}

// Bytes of workspace one gemm call needs.
export function gemmWorkBytes(): i32 {
  return GEMM_WORK_FLOATS << 2;
}
