// First SIMD matrix multiply: unpacked 4x8 register tiles (the packed, blocked GEMM replaces it).
// Element (i, p) of A is at a + (i*ars + p*acs)*4; B rows are contiguous (stride brs);
// element (i, j) of C is at c + (i*crs + j*ccs)*4.

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

// @ts-ignore: decorator
@inline function storeLanes(c: usize, ccs: i32, v: v128): void {
  if (ccs == 1) { v128.store(c, v); return; }
  store<f32>(c, f32x4.extract_lane(v, 0));
  store<f32>(at(c, ccs), f32x4.extract_lane(v, 1));
  store<f32>(at(c, 2 * ccs), f32x4.extract_lane(v, 2));
  store<f32>(at(c, 3 * ccs), f32x4.extract_lane(v, 3));
}

// C[i0..i0+4, j0..j0+8] from a 4x8 tile of eight accumulators.
function tile4x8(a: usize, ars: i32, acs: i32, b: usize, brs: i32, c: usize, crs: i32, ccs: i32, k: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const pb = at(b, p * brs);
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    const pa = at(a, p * acs);
    let x = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x, b0)); c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(at(pa, ars));
    c10 = f32x4.add(c10, f32x4.mul(x, b0)); c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(at(pa, 2 * ars));
    c20 = f32x4.add(c20, f32x4.mul(x, b0)); c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(at(pa, 3 * ars));
    c30 = f32x4.add(c30, f32x4.mul(x, b0)); c31 = f32x4.add(c31, f32x4.mul(x, b1));
  }
  const c4 = 4 * ccs;
  storeLanes(c, ccs, c00); storeLanes(at(c, c4), ccs, c01);
  storeLanes(at(c, crs), ccs, c10); storeLanes(at(c, crs + c4), ccs, c11);
  storeLanes(at(c, 2 * crs), ccs, c20); storeLanes(at(c, 2 * crs + c4), ccs, c21);
  storeLanes(at(c, 3 * crs), ccs, c30); storeLanes(at(c, 3 * crs + c4), ccs, c31);
}

// C[i0, j0..j0+8] from a 1x8 tile.
function tile1x8(a: usize, acs: i32, b: usize, brs: i32, c: usize, ccs: i32, k: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const pb = at(b, p * brs);
    const x = v128.load32_splat(at(a, p * acs));
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(pb)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(pb, 16)));
  }
  storeLanes(c, ccs, c0); storeLanes(at(c, 4 * ccs), ccs, c1);
}

// One element of C: a scalar dot product over k.
// @ts-ignore: decorator
@inline function element(a: usize, acs: i32, b: usize, brs: i32, k: i32): f32 {
  let s: f32 = 0;
  for (let p = 0; p < k; p++) s += load<f32>(at(a, p * acs)) * load<f32>(at(b, p * brs));
  return s;
}

// C = A·B with the strides above; B rows contiguous; any m, k, n >= 0.
function gemmTiled(a: usize, ars: i32, acs: i32, b: usize, brs: i32, c: usize, crs: i32, ccs: i32, m: i32, k: i32, n: i32): void {
  const n8 = n & ~7;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const pa = at(a, i * ars), pc = at(c, i * crs);
    for (let j = 0; j < n8; j += 8) tile4x8(pa, ars, acs, at(b, j), brs, at(pc, j * ccs), crs, ccs, k);
    for (let j = n8; j < n; j++) {
      for (let r = 0; r < 4; r++) store<f32>(at(pc, r * crs + j * ccs), element(at(pa, r * ars), acs, at(b, j), brs, k));
    }
  }
  for (; i < m; i++) {
    const pa = at(a, i * ars), pc = at(c, i * crs);
    for (let j = 0; j < n8; j += 8) tile1x8(pa, acs, at(b, j), brs, at(pc, j * ccs), ccs, k);
    for (let j = n8; j < n; j++) store<f32>(at(pc, j * ccs), element(pa, acs, at(b, j), brs, k));
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// C[i, j] = dot(A row i, B row j) for A [m×k] and B [n×k], both row-major: C = A·Bᵀ.
function gemmDot(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32): void {
  const k4 = k & ~3;
  for (let i = 0; i < m; i++) {
    const pa = at(a, i * k), pc = at(c, i * n);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = at(b, j * k), b1 = at(b0, k), b2 = at(b1, k), b3 = at(b2, k);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = <usize>p << 2;
        const x = v128.load(pa + o);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b0 + o)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + o)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + o)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + o)));
      }
      let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (let p = k4; p < k; p++) {
        const x = load<f32>(at(pa, p));
        t0 += x * load<f32>(at(b0, p)); t1 += x * load<f32>(at(b1, p));
        t2 += x * load<f32>(at(b2, p)); t3 += x * load<f32>(at(b3, p));
      }
      store<f32>(at(pc, j), t0); store<f32>(at(pc, j + 1), t1);
      store<f32>(at(pc, j + 2), t2); store<f32>(at(pc, j + 3), t3);
    }
    for (; j < n; j++) {
      const pb = at(b, j * k);
      let s = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) s = f32x4.add(s, f32x4.mul(v128.load(at(pa, p)), v128.load(at(pb, p))));
      let t = hsum(s);
      for (let p = k4; p < k; p++) t += load<f32>(at(pa, p)) * load<f32>(at(pb, p));
      store<f32>(at(pc, j), t);
    }
  }
}

// c[m×n] = op(a)·op(b), op(a) = transA ? aᵀ (a is [k×m]) : a ([m×k]), op(b) = transB ? bᵀ (b is [n×k]) : b ([k×n]);
// row-major f32, sizes in elements, any m, k, n >= 0; c must not alias a or b; no transpose is materialised.
export function matmul(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: bool, transB: bool): void {
  if (!transB) {
    if (transA) gemmTiled(a, 1, m, b, n, c, n, 1, m, k, n);
    else gemmTiled(a, k, 1, b, n, c, n, 1, m, k, n);
  } else if (!transA) {
    gemmDot(a, b, c, m, k, n);
  } else {
    // C[i, j] = Σp A[p, i]·B[j, p]: the product B·A ([n×m]) written transposed.
    gemmTiled(b, k, 1, a, m, c, 1, n, n, k, m);
  }
}
