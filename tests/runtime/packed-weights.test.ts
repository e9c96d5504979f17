// Weights packed once (assembly/gemm.ts packWeights): gemm with `packed` reads the panels packWeights wrote in place
// of packing B itself, and must give exactly the bits it gives without them, on each build, for every shape the
// packed tiles take (across the KC and NC blocks, narrow last panels, B transposed or not), with accumulate, bias and
// activation, and for any row range (the thread pool's chunks). One row (a batch of one) reads the panels in its own
// loop (gemvPacked); products the small loop takes ignore them and read B.
import { afterAll, describe, expect, test } from 'vitest';
import { preferRelaxedSimd } from '../../src/index';
import { ACT_NONE, ACT_RELU, ACT_TANH, GEMM_ACCUMULATE, GEMM_TRANS_B } from '../../assembly/layout';
import { allocBytes, f32View, freeBytes } from '../../src/runtime/heap';
import { compiledModules, gemmKernels, gemmWorkBytes, kernels } from '../../src/runtime/wasm';
import { expectExact, failOnLeaks, seededValues } from '../reference';

failOnLeaks();

const engineDefault = gemmKernels() !== kernels();
afterAll(() => preferRelaxedSimd(engineDefault));

const builds = compiledModules().relaxed ? [false, true] : [false];

/** C of gemm over rows [r0, r1) from C = c0, with B packed whole first (packed) or packed by gemm (not). */
function run(m: number, k: number, n: number, flags: number, act: number, packed: boolean, r0 = 0, r1 = m): Float32Array {
  const transB = (flags & GEMM_TRANS_B) !== 0, seed = m * 1000 + k * 10 + n;
  const a = seededValues(m * k, seed), b = seededValues(k * n, seed + 1), c0 = seededValues(m * n, seed + 2), bias = seededValues(n, seed + 3);
  const g = gemmKernels(), K = kernels();
  const panels = K.packedWeightsFloats(k, n);
  const pa = allocBytes(4 * a.length + 16, 'test'), pb = allocBytes(4 * b.length + 16, 'test'), pc = allocBytes(4 * c0.length + 16, 'test');
  const pbias = allocBytes(4 * n + 16, 'test'), pp = allocBytes(4 * panels + 16, 'test'), work = allocBytes(gemmWorkBytes(), 'test');
  try {
    f32View(pa, a.length).set(a);
    f32View(pb, b.length).set(b);
    f32View(pc, c0.length).set(c0);
    f32View(pbias, n).set(bias);
    f32View(pp, panels).fill(NaN); // every float gemm reads must be written by packWeights
    const ldb = transB ? k : n;
    if (packed) K.packWeights(pb, ldb, flags, k, n, pp);
    g.gemm(pa, k, pb, ldb, pc, n, m, k, n, flags, pbias, act, 0.1, packed ? pp : 0, work, r0, r1);
    return f32View(pc, c0.length).slice();
  } finally {
    for (const p of [pa, pb, pc, pbias, pp, work]) freeBytes(p);
  }
}

describe('gemm with weights packed once', () => {
  for (const relaxed of builds) {
    test(`gives the bits of packing per call, every shape the tiles take (${relaxed ? 'relaxed' : 'baseline'} build)`, () => {
      preferRelaxedSimd(relaxed);
      let products = 0;
      for (const flags of [0, GEMM_TRANS_B, GEMM_ACCUMULATE, GEMM_TRANS_B | GEMM_ACCUMULATE]) {
        for (const [m, k, n] of [[2, 600, 3], [7, 257, 13], [13, 256, 8], [12, 5, 1030], [31, 300, 129], [64, 784, 10], [3, 1, 2050],
          [1, 600, 3], [1, 257, 17], [1, 784, 128], [1, 784, 10], [1, 5, 1030], [1, 300, 2050]]) {
          for (const act of [ACT_NONE, ACT_RELU, ACT_TANH]) {
            const what = `m ${m} k ${k} n ${n} flags ${flags} act ${act}`;
            expectExact(run(m, k, n, flags, act, true), run(m, k, n, flags, act, false), what);
            products++;
          }
        }
      }
      expect(products).toBe(156);
    });

    test(`row ranges give the rows of the whole call (${relaxed ? 'relaxed' : 'baseline'} build)`, () => {
      preferRelaxedSimd(relaxed);
      const [m, k, n] = [139, 300, 1030], whole = run(m, k, n, 0, ACT_RELU, false);
      for (const [r0, r1] of [[0, 13], [13, 100], [100, m]]) {
        const part = run(m, k, n, 0, ACT_RELU, true, r0, r1), c0 = seededValues(m * n, m * 1000 + k * 10 + n + 2);
        expectExact(part, whole.map((v, e) => (e >= r0 * n && e < r1 * n ? v : Math.fround(c0[e]))), `rows [${r0}, ${r1})`);
      }
    });
  }

  test('packedWeightsFloats: k times n rounded up to the 8-column panels', () => {
    const K = kernels();
    expect([K.packedWeightsFloats(784, 128), K.packedWeightsFloats(128, 10), K.packedWeightsFloats(3, 1), K.packedWeightsFloats(0, 5)])
      .toEqual([784 * 128, 128 * 16, 3 * 8, 0]);
  });
});
