// Limits: requests beyond what the 1 GiB wasm memory (MAXIMUM_PAGES in src/runtime/wasm.ts) can grow to throw a
// RangeError naming the requested bytes and the limit, before or at the failed growth, and leave the library usable:
// nothing leaked, memory() consistent, products exact. And a fit that diverges stops with a DivergedError unless
// terminateOnNaN is false.
import { afterAll, describe, expect, test } from 'vitest';
import {
  dense, dispose, DivergedError, initializers, matmul, memory, sequential, setThreads, sgd, tensor, threads, zeros, type Tensor,
} from '../../src/index';
import { allocBytes, freeBytes, heapStats, MAXIMUM_BYTES } from '../../src/runtime/heap';
import { PARALLEL_FLOPS } from '../../src/runtime/threads';
import { gemmWorkBytes, MAXIMUM_PAGES } from '../../src/runtime/wasm';
import { expectExact, failOnLeaks, seededValues } from '../reference';

failOnLeaks();

const MB = 1e6;
const LIMIT = 'the wasm memory is limited to 1073741824 bytes';

/** The live counts a failed request must leave as they were (the mapped bytes only ever grow). */
const counts = (): number[] => {
  const { numTensors, numBytes } = memory();
  return [numTensors, numBytes, heapStats().blocks];
};

/** Expects fn to throw (or reject with) a RangeError for `bytes` from `op`; 'mapped' when the growth itself failed. */
async function expectLimit(fn: () => unknown, op: string, bytes: number, mapped: boolean): Promise<string> {
  const before = counts(), wasm = memory().wasmBytes;
  const error = await (async () => fn())().then(() => null, (e: unknown) => e);
  expect(error, `${op} of ${bytes} bytes`).toBeInstanceOf(RangeError);
  const message = (error as Error).message;
  expect(message).toContain(`${op}: cannot allocate ${bytes} bytes; ${LIMIT}`);
  expect(message.endsWith(`and ${memory().wasmBytes} are mapped`), message).toBe(mapped);
  expect(counts(), `after ${message}`).toEqual(before);
  expect(memory().wasmBytes, 'a failed growth maps nothing').toBe(wasm);
  return message;
}

const [m, k, n] = [300, 500, 260];
const av = seededValues(m * k, 7).map((v) => Math.round(2 * v)), bv = seededValues(k * n, 8).map((v) => Math.round(2 * v));
let want: Float64Array | undefined;

/** A 300×500·500×260 product of small integers (exact in float32) on two threads, against a float64 loop. */
async function expectExactProduct(): Promise<void> {
  expect(2 * m * k * n).toBeGreaterThanOrEqual(PARALLEL_FLOPS);
  if (!want) {
    want = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) want[i * n + j] += av[i * k + p] * bv[p * n + j];
  }
  await setThreads(2);
  const a = tensor(Float32Array.from(av), [m, k]), b = tensor(Float32Array.from(bv), [k, n]);
  const c = matmul(a, b);
  expectExact(c.dataSync(), want, 'product after the failures');
  dispose([a, b, c]);
}

afterAll(async () => {
  await setThreads(1);
});

describe('near the limit', () => {
  // First in the file: the memory never shrinks, and this needs it small.
  test('a growth that cannot double grows by what is needed: 600 MB, then 300 MB, then 200 MB fails', async () => {
    expect(memory().wasmBytes).toBeLessThan(100 * MB);
    const first = zeros([600 * MB / 4]);
    const then = zeros([300 * MB / 4]);
    expect(memory().wasmBytes).toBeGreaterThan(900 * MB);
    expect(memory().wasmBytes).toBeLessThan(MAXIMUM_BYTES - 100 * MB);
    await expectLimit(() => zeros([200 * MB / 4]), 'zeros', 200 * MB, true);
    dispose([first, then]);
    await expectExactProduct();
  }, 20_000);

  test('900 MB held, 200 MB more fails and maps nothing, 100 MB still fits; freed, products are exact', async () => {
    const big = zeros([900 * MB / 4]);
    const mapped = memory().wasmBytes;
    expect(mapped).toBeGreaterThan(900 * MB);
    await expectLimit(() => zeros([200 * MB / 4]), 'zeros', 200 * MB, true);
    const small = zeros([100 * MB / 4]);
    small.set(3, 100 * MB / 4 - 1);
    expect(small.get(100 * MB / 4 - 1)).toBe(3);
    dispose([big, small]);
    await expectExactProduct();
    expect(memory().wasmBytes).toBeLessThanOrEqual(MAXIMUM_BYTES);
  }, 20_000);
});

describe('requests beyond the 1 GiB memory', () => {
  test('the limit is MAXIMUM_PAGES pages of 64 KiB', () => {
    expect(MAXIMUM_BYTES).toBe(MAXIMUM_PAGES * 65536);
    expect(MAXIMUM_BYTES).toBe(2 ** 30);
  });

  test('tensor creation: a RangeError naming the bytes and the limit', async () => {
    await expectLimit(() => zeros([2 ** 28]), 'zeros', 2 ** 30, false);
    await expectLimit(() => zeros([2 ** 14, 2 ** 14 - 1]), 'zeros', 4 * 2 ** 14 * (2 ** 14 - 1), true);
    // Past 2^28 elements the shape check names elements (4 bytes each).
    expect(() => zeros([2 ** 28 + 1])).toThrow(/zeros: .*268435457 elements; the limit is 268435456/);
  });

  test('matmul output: a RangeError naming the bytes and the limit', async () => {
    const a = zeros([2 ** 14, 1]), b = zeros([1, 2 ** 14]), held = zeros([200 * MB / 4]);
    await expectLimit(() => matmul(a, b), 'matmul', 2 ** 30, false);
    // 900 MB fits the limit, not the memory left beside the 200 MB held.
    const c = zeros([15_000, 1]), d = zeros([1, 15_000]);
    await expectLimit(() => matmul(c, d), 'matmul', 900 * MB, true);
    dispose([a, b, c, d, held]);
    await expectExactProduct();
  }, 20_000);

  test('fit buffers: the plan fails, frees what it took, and the model can train afterwards', async () => {
    // Batches of 200 rows through 1,000,000 units: 800 MB per activation buffer; the second cannot grow the memory.
    const kernelInitializer = initializers.glorotUniform({ seed: 1 });
    const model = sequential([dense({ units: 1_000_000, inputShape: [1], kernelInitializer }), dense({ units: 1, kernelInitializer })]);
    model.compile({ optimizer: sgd({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const x = tensor(seededValues(200, 1), [200, 1]), y = tensor(seededValues(200, 2), [200, 1]);
    await expectLimit(() => model.fit(x, y, { epochs: 1, batchSize: 200 }), 'fit', 800 * MB, true);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 8 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
    model.dispose();
    dispose([x, y]);
  }, 20_000);

  test('setThreads workspaces: a RangeError, threads() says why, and a later setThreads works', async () => {
    await setThreads(2); // the pool's control block and one workspace; a third thread needs one more
    await setThreads(1);
    const work = gemmWorkBytes(), held: number[] = [];
    // Fill the memory: halving blocks down to one workspace, then workspaces until none fits.
    for (let bytes = 2 ** 29; bytes >= work; ) {
      try {
        held.push(allocBytes(bytes, 'test'));
      } catch {
        bytes = bytes > work ? Math.max(work, bytes / 2) : 0;
      }
    }
    expect(memory().wasmBytes).toBeGreaterThan(MAXIMUM_BYTES - 2 * work);
    const message = await expectLimit(() => setThreads(3), 'setThreads', work, true);
    expect(threads()).toEqual({ active: 1, requested: 3, reason: message, relaxedSimd: threads().relaxedSimd, gemm: threads().gemm });
    held.forEach(freeBytes);
    await setThreads(3);
    expect(threads()).toMatchObject({ active: 3, requested: 3, reason: '' });
    await expectExactProduct();
  }, 20_000);
});

describe('a fit that diverges', () => {
  const diverging = async (terminateOnNaN?: boolean): Promise<unknown> => {
    const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: initializers.ones() })]);
    model.compile({ optimizer: sgd({ learningRate: 1e30 }), loss: 'meanSquaredError' });
    const x = tensor(seededValues(16, 3), [8, 2]), y = tensor(seededValues(8, 4), [8, 1]);
    try {
      return await model.fit(x, y, { epochs: 5, batchSize: 2, shuffle: false, terminateOnNaN });
    } catch (error) {
      return error;
    } finally {
      model.dispose();
      dispose([x, y] as Tensor[]);
    }
  };

  test('stops by default with a DivergedError naming the epoch and batch', async () => {
    const error = await diverging();
    expect(error).toBeInstanceOf(DivergedError);
    const { epoch, batch, message } = error as DivergedError;
    expect(message).toContain(`became NaN or Infinity in epoch ${epoch}, batch ${batch}`);
    expect([epoch >= 1 && epoch <= 5, batch >= 1 && batch <= 4]).toEqual([true, true]);
  });

  test('terminateOnNaN: false trains every epoch', async () => {
    const history = await diverging(false);
    expect((history as { epoch: number[] }).epoch).toEqual([0, 1, 2, 3, 4]);
    expect((history as { history: { loss: number[] } }).history.loss.some((v) => !Number.isFinite(v))).toBe(true);
  });
});
