// Threads in Chromium (src/runtime/threads.ts): on a cross-origin isolated page Web Workers share the wasm memory and
// take row chunks of large products, with the one-thread bits; without COOP/COEP simdeep runs on one thread, with the
// same results, and threads() says why. The main thread never blocks: Atomics.wait throws there, products wait by
// spinning, and fit yields to the event loop, so timers fire while it trains.
import { afterEach, describe, expect, inject, test } from 'vitest';
import { adam, dense, dispose, initializers, matmul, preferRelaxedSimd, sequential, setThreads, tensor, threads } from '../../src/index';
import { PARALLEL_FLOPS } from '../../src/runtime/threads';
import { expectExact, failOnLeaks, seededValues } from '../reference';

failOnLeaks();
const isolated = inject('isolated');

afterEach(async () => {
  preferRelaxedSimd(true);
  await setThreads(1);
});

/** Expects two active threads on an isolated page, else one and the reason. */
const expectThreads = (): void => {
  if (isolated) expect(threads()).toMatchObject({ active: 2, requested: 2, reason: '' });
  else expect(threads()).toMatchObject({ active: 1, requested: 2, reason: expect.stringMatching(/not cross-origin isolated/) });
};

describe(`threads in Chromium (${isolated ? 'COOP/COEP' : 'no COOP/COEP'})`, () => {
  test('the page is cross-origin isolated exactly when served with COOP/COEP', () => {
    expect(globalThis.crossOriginIsolated).toBe(isolated);
    expect(typeof SharedArrayBuffer).toBe(isolated ? 'function' : 'undefined');
  });

  test('setThreads(2) starts a worker where memory can be shared, else reports why and does not throw', async () => {
    await setThreads(2);
    expectThreads();
    expect(threads().relaxedSimd).toBe(true); // Chromium runs the relaxed-SIMD GEMM
  });

  test('a product large enough for the pool has the one-thread bits, with either GEMM build', async () => {
    const [m, k, n] = [256, 160, 200];
    expect(2 * m * k * n).toBeGreaterThanOrEqual(PARALLEL_FLOPS);
    const a = tensor(Float32Array.from(seededValues(m * k, 1)), [m, k]);
    const b = tensor(Float32Array.from(seededValues(k * n, 2)), [k, n]);
    for (const relaxed of [true, false]) {
      preferRelaxedSimd(relaxed);
      await setThreads(2);
      expectThreads();
      const many = matmul(a, b);
      await setThreads(1);
      const one = matmul(a, b);
      expectExact(many.dataSync(), one.dataSync(), `relaxed ${relaxed}`);
      dispose([many, one]);
    }
    dispose([a, b]);
  });

  test('thread counts change at will: after each resize, products keep the one-thread bits', async () => {
    // Chromium's terminate() does not stop a worker that sleeps in Atomics.wait: replaced workers must not join
    // later products (one that did shared its workspace with its successor, about 2 products in 100).
    const [m, k, n] = [256, 160, 200];
    const a = tensor(Float32Array.from(seededValues(m * k, 5)), [m, k]);
    const b = tensor(Float32Array.from(seededValues(k * n, 6)), [k, n]);
    await setThreads(1);
    const one = matmul(a, b);
    for (let resize = 0; resize < 20; resize++) {
      await setThreads(2 + (resize % 2));
      for (let repeat = 0; repeat < 5; repeat++) {
        const many = matmul(a, b);
        expectExact(many.dataSync(), one.dataSync(), `resize ${resize}, product ${repeat}`);
        many.dispose();
      }
    }
    dispose([a, b, one]);
  });

  test('Atomics.wait throws on the main thread', () => {
    const word = new Int32Array(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer, 0, 1);
    expect(() => Atomics.wait(word, 0, 0, 0)).toThrow(TypeError);
  });

  test('timers fire while a multi-epoch fit trains, and threads give the one-thread weights', async () => {
    const [rows, inputs, hidden] = [512, 64, 256]; // 2·512·64·256 flops: the forward product goes to the pool
    expect(2 * rows * inputs * hidden).toBeGreaterThanOrEqual(PARALLEL_FLOPS);
    const x = tensor(Float32Array.from(seededValues(rows * inputs, 3)), [rows, inputs]);
    const y = tensor(Float32Array.from(seededValues(rows, 4), (v) => (v > 0 ? 1 : 0)), [rows, 1]);
    const train = async (count: number): Promise<{ weights: Float32Array[]; ticks: number; ms: number }> => {
      await setThreads(count);
      const model = sequential([
        dense({ units: hidden, activation: 'relu', inputShape: [inputs], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
        dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
      ]);
      model.compile({ optimizer: adam({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
      let training = true, ticks = 0;
      const timer = setInterval(() => (ticks += training ? 1 : 0), 0);
      const began = performance.now();
      // NOTE: long enough (about 15 yields) that the count of timer ticks does not hang on one or two yields.
      await model.fit(x, y, { epochs: 200, batchSize: rows, seed: 5 });
      const ms = performance.now() - began;
      training = false;
      clearInterval(timer);
      const weights = model.layers.flatMap((layer) => layer.weights).map((w) => w.dataSync());
      model.dispose();
      return { weights, ticks, ms };
    };
    const many = await train(2);
    expectThreads();
    const one = await train(1);
    for (const run of [many, one]) {
      // fit yields about every 16 ms; allow for a loaded machine, but a blocked event loop gives no tick at all
      expect(run.ticks, `${run.ticks} ticks in ${run.ms.toFixed(0)} ms`).toBeGreaterThanOrEqual(Math.max(2, Math.floor(run.ms / 100)));
    }
    many.weights.forEach((w, i) => expectExact(w, one.weights[i], `weight ${i}`));
    dispose([x, y]);
  });
});
