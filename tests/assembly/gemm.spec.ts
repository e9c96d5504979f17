// gemm (assembly/gemm.ts; as-pect compiles the baseline 4×8 build) against an f64 triple loop: every transpose at
// the tile edges, across the KC (256), MC (132) and NC (1024) blocks, padded row strides, accumulate, the bias row,
// each activation epilogue, k = 0, and row ranges. The relaxed-SIMD 6×8 build is tested in tests/runtime/relaxed.test.ts.
//
// Tolerance, per element. Before the epilogue, C is a sum of t = k (+1 with ACCUMULATE, +1 with a bias) float32
// terms in some order: each term passes through at most t - 1 rounded additions and each product through one
// rounded multiply (or one fused multiply-add), so |c - ref| <= e = γ_t·Σ_p |a_ip·b_pj| + γ_{t-1}·(|c0| + |bias_j|)
// + k·2^-149, with γ_r = r·u/(1 - r·u), u = 2^-24 (Higham §3.1; the last term covers underflowing products). The
// activation turns e into L·e (L its Lipschitz constant: 1, sigmoid 1/4, leakyRelu max(1, |alpha|)·(1 + 2u) for
// its rounded multiply) plus its own error: relu 0, leakyRelu u·|ref|, sigmoid and tanh max(1e-7, 1e-6·|ref|) (as
// in activation.spec.ts). So with k = 0 and no bias, C must be exact zeros or exactly unchanged.
import { gemm, gemmTile, gemmWorkBytes } from '../../assembly/gemm';
import {
  GEMM_TRANS_A as TRANS_A, GEMM_TRANS_B as TRANS_B, GEMM_ACCUMULATE as ACCUMULATE, ACT_NONE as NO_ACTIVATION,
  ACT_SIGMOID as SIGMOID, ACT_RELU as RELU, ACT_LEAKY_RELU as LEAKY_RELU, ACT_TANH as TANH,
} from '../../assembly/layout';
import { GUARD, SENTINEL, allocF32, allocF64, getF32, getF64, setF32, setF64, reseed, uniform } from './reference';

// Below, at and above the 4-row / 4-lane and 8-column tile edges.
const DIMS: StaticArray<i32> = [1, 3, 4, 5, 7, 8, 9, 17];
const ACTS: StaticArray<i32> = [NO_ACTIVATION, RELU, SIGMOID, TANH, LEAKY_RELU];
const U: f64 = 1.0 / 16777216.0; // 2^-24
const TINY: f64 = 1.401298464324817e-45; // 2^-149

// The operands of the case under test (allocated by setup, freed by teardown): A, B, C (with its initial copy C0),
// the bias row, snapshots of A and B, the f64 reference and bound, and the workspace (allocated once, with guards).
let A: usize = 0, B: usize = 0, C: usize = 0, C0: usize = 0, BIAS: usize = 0, A0: usize = 0, B0: usize = 0;
let WANT: usize = 0, BOUND: usize = 0, WHOLE: usize = 0;
let SIZE_A = 0, SIZE_B = 0, SIZE_C = 0;
let WORK: usize = 0, WORK_FLOATS = 0;

function work(): usize {
  if (WORK == 0) {
    WORK_FLOATS = gemmWorkBytes() >> 2;
    WORK = allocF32(WORK_FLOATS); // GUARD sentinel words follow the workspace
  }
  return WORK;
}

function actName(act: i32): string {
  switch (act) {
    case NO_ACTIVATION: return 'none';
    case SIGMOID: return 'sigmoid';
    case RELU: return 'relu';
    case LEAKY_RELU: return 'leakyRelu';
    default: return 'tanh';
  }
}

function refAct(act: i32, x: f64, alpha: f64): f64 {
  switch (act) {
    case NO_ACTIVATION: return x;
    case SIGMOID: return 1 / (1 + Math.exp(-x));
    case RELU: return x > 0 ? x : 0;
    case LEAKY_RELU: return x > 0 ? x : x * alpha;
    default: return Math.tanh(x);
  }
}

// γ_r = r·u / (1 - r·u): the relative error bound of r float32 roundings (0 for r <= 0).
function gamma(r: i32): f64 {
  return r <= 0 ? 0 : <f64>r * U / (1 - <f64>r * U);
}

function lipschitz(act: i32, alpha: f64): f64 {
  if (act == SIGMOID) return 0.25;
  if (act == LEAKY_RELU) return Math.max(1, Math.abs(alpha)) * (1 + 2 * U);
  return 1;
}

function actError(act: i32, want: f64): f64 {
  if (act == SIGMOID || act == TANH) return Math.max(1e-7, 1e-6 * Math.abs(want));
  if (act == LEAKY_RELU) return U * Math.abs(want);
  return 0;
}

// A copy of n + GUARD f32 words.
function snapshot(p: usize, n: i32): usize {
  const q = heap.alloc(<usize>(n + GUARD) << 2);
  memory.copy(q, p, <usize>(n + GUARD) << 2);
  return q;
}

// Index of the first of n + GUARD words whose bits differ, or -1.
function firstDiff(p: usize, q: usize, n: i32): i32 {
  for (let i = 0; i < n + GUARD; i++) {
    if (load<u32>(p + (<usize>i << 2)) != load<u32>(q + (<usize>i << 2))) return i;
  }
  return -1;
}

// A rows×cols matrix with row stride ld: values uniform in [-1, 1), padding NaN (so a product that reads it is NaN).
function allocMatrix(rows: i32, cols: i32, ld: i32): usize {
  const p = allocF32(rows * ld, <f32>NaN);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) setF32(p, r * ld + c, uniform(-1, 1));
  }
  return p;
}

// Allocates the operands: A stored [m×k] (or [k×m] with TRANS_A) with row stride lda, B [k×n] (or [n×k]) with ldb,
// C [m×n] with ldc holding uniform values under ACCUMULATE (else NaN, so an element left unwritten fails) and
// SENTINEL padding, and a bias row if asked. Then the f64 reference and bound (see the top) for `act`.
function setup(m: i32, k: i32, n: i32, flags: i32, lda: i32, ldb: i32, ldc: i32, withBias: bool, act: i32, alpha: f32): void {
  const transA = (flags & TRANS_A) != 0, transB = (flags & TRANS_B) != 0, accumulate = (flags & ACCUMULATE) != 0;
  SIZE_A = (transA ? k : m) * lda;
  SIZE_B = (transB ? n : k) * ldb;
  SIZE_C = m * ldc;
  A = allocMatrix(transA ? k : m, transA ? m : k, lda);
  B = allocMatrix(transB ? n : k, transB ? k : n, ldb);
  C = allocF32(SIZE_C);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) setF32(C, i * ldc + j, accumulate ? uniform(-1, 1) : <f32>NaN);
  }
  BIAS = withBias ? allocMatrix(1, n, n) : 0;
  A0 = snapshot(A, SIZE_A);
  B0 = snapshot(B, SIZE_B);
  C0 = snapshot(C, SIZE_C);
  WANT = allocF64(m * n);
  BOUND = allocF64(m * n);
  const terms = k + (accumulate ? 1 : 0) + (withBias ? 1 : 0);
  const gProducts = gamma(terms), gOthers = gamma(terms - 1);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0.0, products = 0.0, others = 0.0;
      for (let p = 0; p < k; p++) {
        const x = <f64>getF32(A, transA ? p * lda + i : i * lda + p) * <f64>getF32(B, transB ? j * ldb + p : p * ldb + j);
        s += x;
        products += Math.abs(x);
      }
      if (accumulate) {
        const c0 = <f64>getF32(C, i * ldc + j);
        s += c0;
        others += Math.abs(c0);
      }
      if (withBias) {
        const bj = <f64>getF32(BIAS, j);
        s += bj;
        others += Math.abs(bj);
      }
      const want = refAct(act, s, alpha);
      const e = gProducts * products + gOthers * others + <f64>k * TINY;
      setF64(WANT, i * n + j, want);
      setF64(BOUND, i * n + j, lipschitz(act, alpha) * e + actError(act, want));
    }
  }
}

function teardown(): void {
  heap.free(A); heap.free(B); heap.free(C); heap.free(C0); heap.free(A0); heap.free(B0);
  heap.free(WANT); heap.free(BOUND);
  if (BIAS) heap.free(BIAS);
  if (WHOLE) heap.free(WHOLE);
  WHOLE = 0;
}

function call(m: i32, k: i32, n: i32, flags: i32, lda: i32, ldb: i32, ldc: i32, act: i32, alpha: f32,
  rowStart: i32, rowEnd: i32): void {
  gemm(A, lda, B, ldb, C, ldc, m, k, n, flags, BIAS, act, alpha, 0, work(), rowStart, rowEnd);
}

function describeCase(m: i32, k: i32, n: i32, flags: i32, lda: i32, ldb: i32, ldc: i32, act: i32, alpha: f32): string {
  return `m=${m} k=${k} n=${n} transA=${(flags & TRANS_A) != 0} transB=${(flags & TRANS_B) != 0} ` +
    `accumulate=${(flags & ACCUMULATE) != 0} bias=${BIAS != 0} act=${actName(act)} alpha=${alpha} lda=${lda} ldb=${ldb} ldc=${ldc}`;
}

// After a whole call: C within the bound of the reference; C's padding and guards, A, B, the bias row and the
// workspace guards untouched.
function checkWhole(m: i32, n: i32, ldc: i32, what: string): void {
  let bad = -1;
  for (let i = 0; i < m && bad < 0; i++) {
    for (let j = 0; j < n; j++) {
      const got = <f64>getF32(C, i * ldc + j), want = getF64(WANT, i * n + j);
      if (!(Math.abs(got - want) <= getF64(BOUND, i * n + j))) { bad = i * n + j; break; }
    }
  }
  if (bad >= 0) {
    const i = bad / n, j = bad % n;
    const got = <f64>getF32(C, i * ldc + j), want = getF64(WANT, bad);
    expect<i32>(bad).toBe(-1,
      `${what}: C[${i}, ${j}] = ${got}, want ${want}, |err| ${Math.abs(got - want)} > bound ${getF64(BOUND, bad)}`);
  }
  bad = -1;
  for (let e = 0; e < SIZE_C + GUARD; e++) {
    const inside = e < SIZE_C && e % ldc < n;
    if (!inside && load<u32>(C + (<usize>e << 2)) != load<u32>(C0 + (<usize>e << 2))) { bad = e; break; }
  }
  expect<i32>(bad).toBe(-1, `${what}: C padding or guard word ${bad} (row stride ${ldc}) was written`);
  expect<i32>(firstDiff(A, A0, SIZE_A)).toBe(-1, `${what}: A (or its guard) changed`);
  expect<i32>(firstDiff(B, B0, SIZE_B)).toBe(-1, `${what}: B (or its guard) changed`);
  let g = -1;
  for (let i = WORK_FLOATS; i < WORK_FLOATS + GUARD; i++) if (getF32(WORK, i) != SENTINEL) { g = i; break; }
  expect<i32>(g).toBe(-1, `${what}: wrote past the ${WORK_FLOATS}-float workspace`);
}

// One whole gemm call against the reference. pad* are the extra floats per stored row of A, B and C.
function check(m: i32, k: i32, n: i32, flags: i32, padA: i32, padB: i32, padC: i32, withBias: bool, act: i32, alpha: f32): void {
  const lda = ((flags & TRANS_A) != 0 ? m : k) + padA, ldb = ((flags & TRANS_B) != 0 ? k : n) + padB, ldc = n + padC;
  setup(m, k, n, flags, lda, ldb, ldc, withBias, act, alpha);
  call(m, k, n, flags, lda, ldb, ldc, act, alpha, 0, m);
  checkWhole(m, n, ldc, describeCase(m, k, n, flags, lda, ldb, ldc, act, alpha));
  teardown();
}

// Calls gemm on [rowStart, rowEnd) starting from C0 and checks C bit for bit: WHOLE's bits in rows
// [rowStart, min(rowEnd, m)) and columns < n, C0's everywhere else (padding and guards included).
function checkRange(m: i32, n: i32, k: i32, flags: i32, lda: i32, ldb: i32, ldc: i32, act: i32, alpha: f32,
  rowStart: i32, rowEnd: i32, what: string): void {
  memory.copy(C, C0, <usize>(SIZE_C + GUARD) << 2);
  call(m, k, n, flags, lda, ldb, ldc, act, alpha, rowStart, rowEnd);
  const end = min(rowEnd, m);
  let bad = -1;
  for (let e = 0; e < SIZE_C + GUARD; e++) {
    const row = e / ldc;
    const inside = e < SIZE_C && e % ldc < n && row >= rowStart && row < end;
    if (load<u32>(C + (<usize>e << 2)) != load<u32>((inside ? WHOLE : C0) + (<usize>e << 2))) { bad = e; break; }
  }
  if (bad >= 0) {
    const where = bad < SIZE_C ? `C[${bad / ldc}, ${bad % ldc}]` : `guard word ${bad - SIZE_C}`;
    expect<i32>(bad).toBe(-1, `${what} rows [${rowStart}, ${rowEnd}): ${where} = ${getF32(C, bad)}, ` +
      `want ${getF32(bad < SIZE_C && bad % ldc < n && bad / ldc >= rowStart && bad / ldc < end ? WHOLE : C0, bad)}`);
  }
}

// Row ranges against the whole call: each range alone, then a partition at odd boundaries applied in turn.
function checkRows(m: i32, k: i32, n: i32, flags: i32, padC: i32, withBias: bool, act: i32, alpha: f32): void {
  const lda = ((flags & TRANS_A) != 0 ? m : k) + 1, ldb = ((flags & TRANS_B) != 0 ? k : n) + 3, ldc = n + padC;
  setup(m, k, n, flags, lda, ldb, ldc, withBias, act, alpha);
  call(m, k, n, flags, lda, ldb, ldc, act, alpha, 0, m);
  const what = describeCase(m, k, n, flags, lda, ldb, ldc, act, alpha);
  checkWhole(m, n, ldc, what);
  WHOLE = snapshot(C, SIZE_C);
  // Boundaries 1, 7 and 13 are off both builds' tiles (4 and 6 rows); m - 1 leaves a one-row range at the end.
  const cuts: StaticArray<i32> = [0, 1, 7, 13, m - 1, m];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const r0 = min(cuts[s], m), r1 = min(cuts[s + 1], m);
    if (r0 < r1) checkRange(m, n, k, flags, lda, ldb, ldc, act, alpha, r0, r1, what);
  }
  checkRange(m, n, k, flags, lda, ldb, ldc, act, alpha, 3, m - 2, what);
  checkRange(m, n, k, flags, lda, ldb, ldc, act, alpha, 5, 5, what); // empty: writes nothing
  checkRange(m, n, k, flags, lda, ldb, ldc, act, alpha, m - 3, m + 7, what); // rowEnd past m is clamped to m
  checkRange(m, n, k, flags, lda, ldb, ldc, act, alpha, m, m + 4, what); // starts at m: writes nothing
  // The partition in turn, from C0: must equal the whole call everywhere.
  memory.copy(C, C0, <usize>(SIZE_C + GUARD) << 2);
  for (let s = 0; s + 1 < cuts.length; s++) {
    const r0 = min(cuts[s], m), r1 = min(cuts[s + 1], m);
    if (r0 < r1) call(m, k, n, flags, lda, ldb, ldc, act, alpha, r0, r1);
  }
  expect<i32>(firstDiff(C, WHOLE, SIZE_C)).toBe(-1, `${what}: rows computed in parts differ from the whole call`);
  teardown();
}

describe('gemm', () => {
  it('has the baseline 4×8 tile and a workspace of whole floats', () => {
    expect<i32>(gemmTile()).toBe(4 | (8 << 16), 'gemmTile of the baseline build');
    expect<i32>(gemmWorkBytes() & 15).toBe(0, 'gemmWorkBytes is a multiple of 16');
  });

  it('matches the f64 loop for every m, k, n in the tile-edge sizes and every transpose', () => {
    reseed(31);
    for (let t = 0; t < 4; t++) {
      for (let x = 0; x < DIMS.length; x++) {
        for (let y = 0; y < DIMS.length; y++) {
          for (let z = 0; z < DIMS.length; z++) check(DIMS[x], DIMS[y], DIMS[z], t, 0, 0, 0, false, NO_ACTIVATION, 0);
        }
      }
    }
  });

  it('reads and writes only the rows of padded strides (lda, ldb, ldc > row length), every transpose', () => {
    reseed(32);
    for (let t = 0; t < 4; t++) {
      for (let x = 0; x < DIMS.length; x++) {
        for (let y = 0; y < DIMS.length; y++) {
          for (let z = 0; z < DIMS.length; z++) {
            check(DIMS[x], DIMS[y], DIMS[z], t, 1 + (x + z) % 5, 1 + (y + x) % 3, 1 + (z + y) % 4, false, NO_ACTIVATION, 0);
          }
        }
      }
    }
  });

  it('matches the f64 loop at 129 and across the MC (132-row) and KC (256-deep) blocks, every transpose', () => {
    reseed(33);
    for (let t = 0; t < 4; t++) {
      check(129, 129, 129, t, 0, 0, 0, false, NO_ACTIVATION, 0);
      check(17, 300, 19, t, 3, 1, 2, false, NO_ACTIVATION, 0); // k = 256 + 44
      check(5, 513, 9, t, 0, 2, 0, false, NO_ACTIVATION, 0); // k = 2·256 + 1: a last block of depth 1
      check(137, 7, 9, t, 1, 0, 3, false, NO_ACTIVATION, 0); // m = 132 + 5
      check(133, 257, 12, t, 0, 0, 0, false, NO_ACTIVATION, 0);
    }
  });

  it('matches the f64 loop across the NC (1024-column) block with small m and k, every transpose', () => {
    reseed(34);
    for (let t = 0; t < 4; t++) {
      check(5, 3, 1031, t, 0, 0, 0, false, NO_ACTIVATION, 0); // n = 1024 + 7
      check(1, 1, 1025, t, 2, 1, 5, false, NO_ACTIVATION, 0);
      check(9, 4, 2056, t, 0, 3, 1, false, NO_ACTIVATION, 0); // n = 2·1024 + 8
    }
  });

  it('accumulates into C (C += op(A)·op(B)), within and across the KC and NC blocks, every transpose', () => {
    reseed(35);
    for (let t = 0; t < 4; t++) {
      for (let x = 0; x < DIMS.length; x++) {
        for (let z = 0; z < DIMS.length; z++) {
          check(DIMS[x], DIMS[(x + z) % DIMS.length], DIMS[z], t | ACCUMULATE, 0, 1, 2, false, NO_ACTIVATION, 0);
        }
      }
      check(129, 129, 129, t | ACCUMULATE, 0, 0, 0, false, NO_ACTIVATION, 0);
      check(13, 300, 17, t | ACCUMULATE, 1, 0, 3, false, NO_ACTIVATION, 0);
      check(6, 5, 1030, t | ACCUMULATE, 0, 0, 1, false, NO_ACTIVATION, 0);
    }
  });

  it('adds the bias row and applies each activation once, after the last KC block, every transpose', () => {
    reseed(36);
    for (let t = 0; t < 4; t++) {
      for (let a = 0; a < ACTS.length; a++) {
        for (let f = 0; f < 4; f++) {
          const bias = (f & 1) != 0, flags = t | ((f & 2) != 0 ? ACCUMULATE : 0);
          const act = ACTS[a];
          if (!bias && act == NO_ACTIVATION) continue;
          check(1, 1, 1, flags, 0, 0, 0, bias, act, 0.1);
          check(5, 7, 9, flags, 1, 2, 3, bias, act, 0.1);
          check(8, 17, 16, flags, 0, 0, 0, bias, act, 0.1);
          check(17, 300, 13, flags, 0, 0, 2, bias, act, 0.1);
          check(3, 2, 1029, flags, 0, 0, 0, bias, act, 0.1); // the bias is indexed per NC block
        }
      }
      check(7, 9, 11, t, 0, 0, 0, true, LEAKY_RELU, 0.3);
      check(7, 9, 11, t, 0, 0, 0, false, LEAKY_RELU, -0.5);
      check(7, 9, 11, t | ACCUMULATE, 0, 0, 0, true, LEAKY_RELU, 2);
    }
  });

  it('writes zeros for k = 0 (leaves C unchanged with ACCUMULATE), then applies the bias and activation', () => {
    reseed(37);
    for (let t = 0; t < 4; t++) {
      for (let x = 0; x < DIMS.length; x++) {
        for (let f = 0; f < 4; f++) {
          const flags = t | ((f & 2) != 0 ? ACCUMULATE : 0), bias = (f & 1) != 0;
          check(DIMS[x], 0, 9, flags, 0, 0, 2, bias, NO_ACTIVATION, 0); // exact: the bound is 0 or one rounding
          for (let a = 1; a < ACTS.length; a++) check(DIMS[x], 0, DIMS[(x + a) % DIMS.length], flags, 1, 1, 1, bias, ACTS[a], 0.1);
        }
      }
      check(3, 0, 1030, t, 0, 0, 0, true, SIGMOID, 0);
    }
  });

  it('writes nothing for m = 0 or n = 0', () => {
    reseed(38);
    for (let t = 0; t < 4; t++) {
      for (let x = 0; x < DIMS.length; x++) {
        check(0, DIMS[x], 9, t, 0, 0, 0, true, RELU, 0);
        check(9, DIMS[x], 0, t | ACCUMULATE, 0, 0, 2, false, NO_ACTIVATION, 0);
      }
    }
  });

  it('gives row ranges at odd boundaries the bits of the whole call and writes nothing outside their rows', () => {
    reseed(39);
    for (let t = 0; t < 4; t++) {
      checkRows(17, 9, 13, t, 0, false, NO_ACTIVATION, 0);
      checkRows(23, 300, 19, t, 3, true, TANH, 0);
      checkRows(29, 7, 11, t | ACCUMULATE, 1, true, LEAKY_RELU, 0.1);
      checkRows(141, 5, 1030, t, 2, true, SIGMOID, 0); // crosses MC = 132 and NC = 1024
      checkRows(16, 260, 9, t | ACCUMULATE, 0, false, RELU, 0);
    }
  });
});
