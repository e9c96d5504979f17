// Determinism of training (src/nn/fit.ts over the kernels and the thread pool of src/runtime/threads.ts): a seeded
// `fit` gives bit-identical weights
// - across runs in one process, for either GEMM build (below);
// - across thread counts 1 and 2, for products large enough to be split over the pool (below): every output
//   element is computed by the same code whichever thread computes it;
// - across Node 20/22/24, Bun and Deno (tests/runtimes/runtimes.test.ts) and Chromium (tests/browser/
//   smoke.browser.test.ts): both compare the digest of tests/smoke/smoke.mjs, whose results include the weights of a
//   seeded fit on two threads, with Node's.
// The condition is one kernel build. Across engines that means preferRelaxedSimd(false): the relaxed-SIMD GEMM
// fuses multiply-adds and is used only where the engine has relaxed SIMD, so its bits differ from the baseline's.
import { afterAll, describe, expect, test } from 'vitest';
import {
  adam, dense, dispose, initializers, layers, preferRelaxedSimd, sequential, setThreads, tensor, threads, type Tensor,
} from '../../src/index';
import { gemm, PARALLEL_FLOPS } from '../../src/runtime/threads';
import { setHostGemm } from '../../src/runtime/wasm';
import { failOnLeaks } from '../reference';

failOnLeaks();
afterAll(async () => {
  preferRelaxedSimd(true);
  await setThreads(1);
});

const SAMPLES = 512, INPUTS = 256, UNITS = 128, CLASSES = 10, BATCH = 256;

/** Deterministic values in [-1, 1) from a linear congruential generator. */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1);
}

/** The float32 bits of every weight after a seeded fit: relu with dropout, then softmax, Adam, shuffled batches. */
async function trainedBits(): Promise<Uint32Array> {
  const x = tensor(values(SAMPLES * INPUTS, 1), [SAMPLES, INPUTS]);
  const y = tensor(values(SAMPLES, 2).flatMap((v) => Array.from({ length: CLASSES }, (_, c) => (c === Math.floor((v + 1) * 5) ? 1 : 0))), [SAMPLES, CLASSES]);
  const model = sequential([
    dense({ units: UNITS, activation: 'relu', inputShape: [INPUTS], kernelInitializer: initializers.heNormal({ seed: 3 }) }),
    layers.dropout({ rate: 0.2 }),
    dense({ units: CLASSES, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 4 }) }),
  ]);
  model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await model.fit(x, y, { epochs: 4, batchSize: BATCH, seed: 5 });
  const weights = model.getWeights();
  const all = new Float32Array(weights.reduce((n: number, w: Tensor) => n + w.size, 0));
  let at = 0;
  for (const w of weights) {
    all.set(w.dataSync(), at);
    at += w.size;
  }
  dispose([x, y, ...weights]);
  model.dispose();
  return new Uint32Array(all.buffer);
}

function expectSameBits(a: Uint32Array, b: Uint32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  const first = a.findIndex((bits, i) => bits !== b[i]);
  expect(first, `${what}: first differing weight`).toBe(-1);
}

describe('a seeded fit is bit-identical', () => {
  for (const relaxed of [false, true]) {
    test(`across two runs in one process (${relaxed ? 'relaxed-SIMD' : 'baseline'} build)`, async () => {
      preferRelaxedSimd(relaxed);
      await setThreads(1);
      const first = await trainedBits();
      expectSameBits(await trainedBits(), first, 'second run');
      expect(new Set(first).size).toBeGreaterThan(1000); // trained weights, not a constant
    }, 30_000);
  }

  for (const relaxed of [false, true]) {
    test(`across 1 and 2 threads, the products split over the pool (${relaxed ? 'relaxed-SIMD' : 'baseline'} build)`, async () => {
      expect(2 * BATCH * INPUTS * UNITS).toBeGreaterThanOrEqual(PARALLEL_FLOPS); // forward x·W and gradient xᵀ·dZ
      preferRelaxedSimd(relaxed);
      const split: number[] = [];
      setHostGemm((...args) => {
        if (2 * args[6] * args[7] * args[8] >= PARALLEL_FLOPS) split.push(threads().active);
        gemm(...args);
      });
      try {
        await setThreads(1);
        const one = await trainedBits();
        await setThreads(2);
        expect(threads()).toMatchObject({ active: 2, reason: '' });
        split.length = 0;
        const two = await trainedBits();
        expect(split.length, 'large products during the two-thread fit').toBeGreaterThanOrEqual(8);
        expect(split.every((active) => active === 2)).toBe(true);
        expectSameBits(two, one, '2 threads vs 1');
      } finally {
        setHostGemm(gemm);
      }
    }, 30_000);
  }
});
