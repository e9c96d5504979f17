// The relaxed-SIMD GEMM (assembly/relaxed.ts: f32x4.relaxed_madd, 6×8 tile), which vitest loads on Node 20 through
// --experimental-wasm-relaxed-simd (vitest.config.ts). It is the default where the engine accepts it and runs it
// faster (V8 13 on; relaxedIsFaster); preferRelaxedSimd switches between the builds. Results stay within the float32 dot-product bound of the
// float64 reference (a fused multiply-add rounds once where mul+add rounds twice, so the bound of
// tests/ops/matmul.test.ts holds for either), and are bit-identical for any thread count. matmul's public suites run
// on this build too (tests/ops/matmul.test.ts over tests/builds.ts, 6×8 tile edges included); this file keeps the
// selection, the kernel called directly, and the bits across thread counts.
import { afterAll, describe, expect, test } from 'vitest';
import { matmul, preferRelaxedSimd, setThreads, tensor, threads, type MatmulOptions } from '../../src/index';
import {
  ACT_LEAKY_RELU as LEAKY_RELU, ACT_NONE as NONE, ACT_RELU as RELU, ACT_SIGMOID as SIGMOID, ACT_TANH as TANH,
  GEMM_ACCUMULATE as ACCUMULATE, GEMM_TRANS_A as TRANS_A, GEMM_TRANS_B as TRANS_B,
} from '../../assembly/layout';
import { allocBytes, f32View, freeBytes } from '../../src/runtime/heap';
import { compiledModules, gemmKernels, gemmWorkBytes, kernels, relaxedIsFaster, type GemmKernels } from '../../src/runtime/wasm';
import { expectBounded, expectExact, failOnLeaks, refMatmul, seededValues, size } from '../reference';

failOnLeaks();

afterAll(async () => {
  preferRelaxedSimd(true);
  await setThreads(1);
});

const U = 2 ** -24;
const TINY = 2 ** -149;
/** γ_r = r·u / (1 - r·u), the relative error bound of r float32 roundings (0 for r <= 0). */
const gamma = (r: number): number => (r <= 0 ? 0 : (r * U) / (1 - r * U));

/** γ_k·Σ_p |a_ip·b_pj| + k·2^-149 per element (tests/ops/matmul.test.ts). */
const bounds = (absSum: Float64Array, k: number): Float64Array => absSum.map((s) => gamma(k) * s + k * TINY);

const stored = (rows: number, cols: number, trans: boolean): number[] => (trans ? [cols, rows] : [rows, cols]);
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const tile = (g: GemmKernels): [number, number] => [g.gemmTile() & 0xffff, g.gemmTile() >>> 16];

/** matmul on fresh tensors of the given stored shapes (all disposed). */
function run(a: Float64Array, aShape: number[], b: Float64Array, bShape: number[], options: MatmulOptions = {}): Float32Array {
  const ta = tensor(Float32Array.from(a), aShape), tb = tensor(Float32Array.from(b), bShape);
  const out = matmul(ta, tb, options);
  try {
    return out.dataSync();
  } finally {
    for (const t of [ta, tb, out]) t.dispose();
  }
}

describe('selection', () => {
  test('the relaxed-SIMD build is compiled (6×8 tile), and in use by default from V8 13 on, where it is the faster', () => {
    expect(compiledModules().relaxed).not.toBeNull();
    expect(relaxedIsFaster()).toBe(Number.parseInt(process.versions.v8, 10) >= 13);
    expect([relaxedIsFaster('11.3.244.8-node.38'), relaxedIsFaster('12.4.254.21-node.33'), relaxedIsFaster('13.6.233.10-node.28'),
      relaxedIsFaster('14.1'), relaxedIsFaster(null)]).toEqual([false, false, true, true, true]);
    expect(threads().relaxedSimd, 'the default of a fresh module (this file runs in its own)').toBe(relaxedIsFaster());
    const v8 = process.versions.v8;
    expect(threads().gemm).toBe(relaxedIsFaster()
      ? `relaxed-SIMD 6×8: the default on V8 ${v8}, where the relaxed-SIMD kernel is the faster`
      : `baseline SIMD 4×8: the default on V8 ${v8}, where the relaxed-SIMD kernel runs slower than this one`);
    preferRelaxedSimd(true);
    expect(threads().relaxedSimd).toBe(true);
    expect(threads().gemm).toBe('relaxed-SIMD 6×8: preferRelaxedSimd(true)');
    expect(gemmKernels()).not.toBe(kernels());
    expect(tile(gemmKernels())).toEqual([6, 8]);
    expect(tile(kernels())).toEqual([4, 8]);
  });

  test('preferRelaxedSimd(false) switches matmul to the baseline build, and true switches back', () => {
    // op(a)·op(b) = -1·1 + (1 + 2^-12)²: the first product sets the sum to -1, the second is 1 + 2^-11 + 2^-24.
    // mul+add rounds it first (a tie, to even: 1 + 2^-11), giving exactly 2^-11; a fused multiply-add keeps the
    // 2^-24. relaxed_madd may fuse or not, so the relaxed build may give either, and must give what its kernel gives.
    const x = 1 + 2 ** -12;
    const a = Float64Array.of(-1, x), b = Float64Array.of(1, x);
    const unfused = 2 ** -11, fused = 2 ** -11 + 2 ** -24;
    preferRelaxedSimd(false);
    expect(threads().relaxedSimd).toBe(false);
    expect(threads().gemm).toBe('baseline SIMD 4×8: preferRelaxedSimd(false)');
    expect(gemmKernels()).toBe(kernels());
    expect(run(a, [1, 2], b, [2, 1])[0]).toBe(unfused);
    preferRelaxedSimd(true);
    expect(threads().relaxedSimd).toBe(true);
    expect(gemmKernels()).not.toBe(kernels());
    const relaxed = run(a, [1, 2], b, [2, 1])[0];
    expect([unfused, fused]).toContain(relaxed);
    // The same product through the relaxed kernel directly (one row, 8 floats of workspace per the 6×8 edge tile).
    const work = allocBytes(gemmWorkBytes(), 'test'), p = allocBytes(32, 'test');
    try {
      f32View(p, 5).set([-1, x, 1, x, NaN]);
      gemmKernels().gemm(p, 2, p + 8, 1, p + 16, 1, 1, 2, 1, 0, 0, NONE, 0, 0, work, 0, 1);
      expect(f32View(p + 16, 1)[0]).toBe(relaxed);
    } finally {
      freeBytes(p);
      freeBytes(work);
    }
  });
});

// ---- The relaxed kernel called directly: padded strides, accumulate, bias, activations, k = 0, row ranges. ----

const GUARD = 4;
const SENTINEL = Math.fround(-31415.926);

/** One gemm call: stored operands with NaN row padding, C with SENTINEL padding and guards, and the reference. */
interface KernelCase {
  what: string;
  m: number; k: number; n: number; flags: number; lda: number; ldb: number; ldc: number; act: number; alpha: number;
  a: Float32Array; b: Float32Array; c0: Float32Array; bias: Float32Array | null;
  want: Float64Array; bound: Float64Array;
}

function refAct(act: number, x: number, alpha: number): number {
  if (act === SIGMOID) return 1 / (1 + Math.exp(-x));
  if (act === RELU) return x > 0 ? x : 0;
  if (act === LEAKY_RELU) return x > 0 ? x : x * alpha;
  if (act === TANH) return Math.tanh(x);
  return x;
}

/** The bound of tests/assembly/gemm.spec.ts: the sum's bound through the activation's Lipschitz constant, plus its own error. */
function actBound(act: number, alpha: number, e: number, want: number): number {
  if (act === SIGMOID) return 0.25 * e + Math.max(1e-7, 1e-6 * Math.abs(want));
  if (act === TANH) return e + Math.max(1e-7, 1e-6 * Math.abs(want));
  if (act === LEAKY_RELU) return Math.max(1, Math.abs(alpha)) * (1 + 2 * U) * e + U * Math.abs(want);
  return e;
}

function kernelCase(m: number, k: number, n: number, flags: number, pads: [number, number, number], withBias: boolean,
  act: number, alpha: number, seed: number): KernelCase {
  const transA = (flags & TRANS_A) !== 0, transB = (flags & TRANS_B) !== 0, accumulate = (flags & ACCUMULATE) !== 0;
  const lda = (transA ? m : k) + pads[0], ldb = (transB ? k : n) + pads[1], ldc = n + pads[2];
  const matrix = (rows: number, cols: number, ld: number, s: number): Float32Array => {
    const values = seededValues(rows * cols, s, 1), out = new Float32Array(rows * ld).fill(NaN);
    for (let r = 0; r < rows; r++) out.set(values.subarray(r * cols, (r + 1) * cols), r * ld);
    return out;
  };
  const a = matrix(transA ? k : m, transA ? m : k, lda, seed), b = matrix(transB ? n : k, transB ? k : n, ldb, seed + 1);
  const c0 = new Float32Array(m * ldc + GUARD).fill(SENTINEL);
  const start = seededValues(m * n, seed + 2, 1);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c0[i * ldc + j] = accumulate ? start[i * n + j] : NaN;
  const bias = withBias ? Float32Array.from(seededValues(n, seed + 3, 1)) : null;
  const want = new Float64Array(m * n), bound = new Float64Array(m * n);
  const terms = k + (accumulate ? 1 : 0) + (withBias ? 1 : 0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, products = 0, others = 0;
      for (let p = 0; p < k; p++) {
        const x = a[transA ? p * lda + i : i * lda + p] * b[transB ? j * ldb + p : p * ldb + j];
        s += x;
        products += Math.abs(x);
      }
      if (accumulate) { s += c0[i * ldc + j]; others += Math.abs(c0[i * ldc + j]); }
      if (bias) { s += bias[j]; others += Math.abs(bias[j]); }
      want[i * n + j] = refAct(act, s, Math.fround(alpha)); // the kernel takes alpha as f32
      bound[i * n + j] = actBound(act, alpha, gamma(terms) * products + gamma(terms - 1) * others + k * TINY, want[i * n + j]);
    }
  }
  const what = `m ${m} k ${k} n ${n} transA ${transA} transB ${transB} accumulate ${accumulate} bias ${withBias} ` +
    `act ${act} alpha ${alpha} lda ${lda} ldb ${ldb} ldc ${ldc}`;
  return { what, m, k, n, flags, lda, ldb, ldc, act, alpha, a, b, c0, bias, want, bound };
}

/** Runs the relaxed gemm on rows [rowStart, rowEnd) of the case; returns C (with its guard words) afterwards. */
function callKernel(g: GemmKernels, c: KernelCase, rowStart: number, rowEnd: number): Float32Array {
  const bytes = (x: Float32Array | null): number => Math.max(16, 4 * (x?.length ?? 0));
  const pa = allocBytes(bytes(c.a), 'test'), pb = allocBytes(bytes(c.b), 'test'), pc = allocBytes(bytes(c.c0), 'test');
  const pbias = c.bias ? allocBytes(bytes(c.bias), 'test') : 0, work = allocBytes(gemmWorkBytes() + 4 * GUARD, 'test');
  try {
    f32View(pa, c.a.length).set(c.a);
    f32View(pb, c.b.length).set(c.b);
    f32View(pc, c.c0.length).set(c.c0);
    if (c.bias) f32View(pbias, c.bias.length).set(c.bias);
    f32View(work + gemmWorkBytes(), GUARD).fill(SENTINEL);
    g.gemm(pa, c.lda, pb, c.ldb, pc, c.ldc, c.m, c.k, c.n, c.flags, pbias, c.act, c.alpha, 0, work, rowStart, rowEnd);
    expectExact(f32View(pa, c.a.length), c.a, `${c.what}: A changed`);
    expectExact(f32View(pb, c.b.length), c.b, `${c.what}: B changed`);
    const guards = new Float32Array(GUARD).fill(SENTINEL);
    expectExact(f32View(work + gemmWorkBytes(), GUARD), guards, `${c.what}: wrote past the workspace`);
    return f32View(pc, c.c0.length).slice();
  } finally {
    for (const p of [pa, pb, pc, pbias, work]) freeBytes(p);
  }
}

/** C of a whole call: the valid elements within the bound, everything else (padding, guards) unchanged. */
function checkWhole(c: KernelCase, out: Float32Array): void {
  const valid = new Float32Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) valid.set(out.subarray(i * c.ldc, i * c.ldc + c.n), i * c.n);
  expectBounded(valid, c.want, c.bound, c.what);
  const rest = out.map((v, e) => (e < c.m * c.ldc && e % c.ldc < c.n ? SENTINEL : v));
  expectExact(rest, c.c0.map((v, e) => (e < c.m * c.ldc && e % c.ldc < c.n ? SENTINEL : v)), `${c.what}: padding or guards`);
}

describe('the relaxed kernel directly', () => {
  const relaxed = (): GemmKernels => {
    preferRelaxedSimd(true);
    const g = gemmKernels();
    expect(tile(g)).toEqual([6, 8]);
    return g;
  };

  test('tile edges with padded strides, every transpose, across the KC block', () => {
    const g = relaxed();
    let seed = 1;
    for (let t = 0; t < 4; t++) {
      for (const m of [1, 5, 6, 7, 12, 13]) {
        for (const n of [1, 4, 5, 8, 9, 13]) {
          for (const k of [1, 6, 257]) {
            const c = kernelCase(m, k, n, t, [1 + (seed % 3), 2 + (seed % 2), 1 + (seed % 4)], false, NONE, 0, seed++);
            checkWhole(c, callKernel(g, c, 0, m));
          }
        }
      }
      const wide = kernelCase(7, 3, 1030, t, [0, 1, 2], false, NONE, 0, seed++); // across NC = 1024
      checkWhole(wide, callKernel(g, wide, 0, 7));
    }
  });

  test('accumulate, bias and each activation, every transpose; k = 0 gives zeros or leaves C, then the epilogue', () => {
    const g = relaxed();
    let seed = 1000;
    for (let t = 0; t < 4; t++) {
      for (const act of [NONE, RELU, SIGMOID, TANH, LEAKY_RELU]) {
        for (const f of [0, 1, 2, 3]) {
          const withBias = (f & 1) !== 0, flags = t | ((f & 2) !== 0 ? ACCUMULATE : 0);
          for (const [m, k, n] of [[7, 13, 9], [13, 300, 6], [6, 0, 13], [5, 2, 1029]]) {
            const c = kernelCase(m, k, n, flags, [1, 0, 3], withBias, act, 0.1, seed++);
            checkWhole(c, callKernel(g, c, 0, m));
          }
        }
      }
    }
  });

  test('row ranges at odd boundaries give the bits of the whole call and write nothing outside their rows', () => {
    const g = relaxed();
    let seed = 2000;
    for (let t = 0; t < 4; t++) {
      for (const [m, k, n, flags, withBias, act] of [[29, 300, 13, 0, true, TANH], [31, 7, 11, ACCUMULATE, true, LEAKY_RELU],
        [139, 5, 1030, 0, true, SIGMOID]] as const) {
        const c = kernelCase(m, k, n, t | flags, [1, 3, 2], withBias, act, 0.1, seed++);
        const whole = callKernel(g, c, 0, m);
        checkWhole(c, whole);
        for (const [r0, r1] of [[0, 1], [1, 7], [7, 13], [13, m - 1], [m - 1, m], [3, m - 2], [5, 5], [m - 3, m + 7]]) {
          const part = callKernel(g, c, r0, r1);
          const expected = c.c0.map((v, e) => {
            const row = Math.floor(e / c.ldc);
            return e < c.m * c.ldc && e % c.ldc < c.n && row >= r0 && row < Math.min(r1, m) ? whole[e] : v;
          });
          expectExact(part, expected, `${c.what} rows [${r0}, ${r1})`);
        }
      }
    }
  });
});

describe('relaxed results across thread counts', () => {
  test('bit-identical on 1, 2 and 3 threads for large products, every transpose, 2-D and batched', async () => {
    preferRelaxedSimd(true);
    // 301 rows: not a multiple of either tile or of the 12-row chunk alignment.
    const m = 301, k = 257, n = 263;
    const shapes: [number[], number[], boolean, boolean][] = [];
    for (const [transA, transB] of TRANSPOSES) {
      shapes.push([stored(m, k, transA), stored(k, n, transB), transA, transB]);
      shapes.push([[2, ...stored(m, k, transA)], [1, ...stored(k, n, transB)], transA, transB]);
    }
    const data = shapes.map(([aShape, bShape], i) =>
      [seededValues(size(aShape), 3 * i, 1), seededValues(size(bShape), 3 * i + 1, 1)]);
    const results: Float32Array[][] = [];
    for (const threadCount of [1, 2, 3]) {
      await setThreads(threadCount);
      expect(threads()).toMatchObject({ active: threadCount, relaxedSimd: true });
      results.push(shapes.map(([aShape, bShape, transA, transB], i) =>
        run(data[i][0], aShape, data[i][1], bShape, { transposeA: transA, transposeB: transB })));
    }
    shapes.forEach(([aShape, bShape, transA, transB], i) => {
      const what = `a [${aShape}] b [${bShape}] transA ${transA} transB ${transB}`;
      expectExact(results[1][i], results[0][i], `2 threads vs 1: ${what}`);
      expectExact(results[2][i], results[0][i], `3 threads vs 1: ${what}`);
      const batch = aShape.length === 3 ? aShape[0] : 1;
      for (let t = 0; t < batch; t++) {
        const ref = refMatmul(data[i][0].subarray(t * m * k, (t + 1) * m * k), data[i][1], m, k, n, transA, transB);
        expectBounded(results[0][i].subarray(t * m * n, (t + 1) * m * n), ref.data, bounds(ref.absSum, k), `${what} batch ${t}`);
      }
    });
  }, 60_000);
});
