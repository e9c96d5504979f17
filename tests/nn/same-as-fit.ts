// The reference of the trainOnBatch tests (batches.test.ts, batches-mnist.test.ts): fit itself, compared bit for bit.
import { expect } from 'vitest';
import { dispose, type Sequential, type Tensor } from '../../src/index';

/** The weights' bits, one Uint32Array per tensor. */
export function bits(model: Sequential): Uint32Array[] {
  const weights = model.getWeights();
  const out = weights.map((w) => new Uint32Array(Float32Array.from(w.dataSync()).buffer));
  dispose(weights);
  return out;
}

/** Expects the two models' weights to be bit-identical, naming the first tensor and index that differ. */
export function expectSameBits(a: Sequential, b: Sequential): void {
  const [wa, wb] = [bits(a), bits(b)];
  expect(wa.length).toBe(wb.length);
  wa.forEach((w, t) => {
    const i = w.findIndex((v, j) => v !== wb[t][j]);
    expect(i, `weights[${t}] first differ at ${i}`).toBe(-1);
  });
}

/** Rows [from, to) of x as a new tensor. */
export const rows = (x: Tensor, from: number, to: number): Tensor => x.slice([from], [to - from]);

/**
 * Expects fit's onBatchEnd logs (running means over the epoch so far, as Keras's) to be the running means of
 * trainOnBatch's values over the same batches (each batch's own; `sizes`: the rows of each batch of an epoch): the
 * same bits at each epoch's first batch; later, means rebuilt from the batches' rounded means, which differ from the
 * kernel's f64 sums by a few roundings (≤ 1e-13).
 */
export function expectRunningLogs(returned: readonly number[][], logs: readonly number[][], sizes: readonly number[]): void {
  expect(returned.length).toBe(logs.length);
  let sums: number[] = [], done = 0;
  returned.forEach((values, i) => {
    const b = i % sizes.length;
    if (b === 0) [sums, done] = [[], 0];
    sums = values.map((v, j) => (sums[j] ?? 0) + v * sizes[b]);
    done += sizes[b];
    if (b === 0) expect(values).toEqual(logs[i]);
    else sums.forEach((v, j) => expect(Math.abs(v / done - logs[i][j]), `batch ${i} log ${j}`).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(logs[i][j]))));
  });
}

/** The rows of each batch of an epoch of `total` rows in batches of `batchSize`. */
export const batchSizes = (total: number, batchSize: number): number[] =>
  Array.from({ length: Math.ceil(total / batchSize) }, (_, b) => Math.min(batchSize, total - b * batchSize));

/**
 * Trains `a` with fit (one epoch per call, shuffle off) and `b` with trainOnBatch over the same batches, `epochs`
 * times; expects the same bits, and fit's onBatchEnd logs to be the running means of trainOnBatch's values.
 */
export async function expectFitEquals(a: Sequential, b: Sequential, x: Tensor, y: Tensor, batchSize: number, epochs: number): Promise<void> {
  const logs: number[][] = [];
  await a.fit(x, y, { epochs, batchSize, shuffle: false, callbacks: { onBatchEnd: (_, l) => { logs.push(Object.values(l)); } } });
  const returned: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    for (let from = 0; from < x.shape[0]; from += batchSize) {
      const to = Math.min(from + batchSize, x.shape[0]);
      const xb = rows(x, from, to), yb = rows(y, from, to); // fresh tensors each step, disposed after it
      const value = await b.trainOnBatch(xb, yb);
      dispose([xb, yb]);
      returned.push(typeof value === 'number' ? [value] : value);
    }
  }
  expect(b.step).toBe(a.step);
  expectRunningLogs(returned, logs, batchSizes(x.shape[0], batchSize));
  expectSameBits(a, b);
}
