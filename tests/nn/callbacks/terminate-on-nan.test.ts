// terminateOnNaN (src/nn/callbacks/terminate-on-nan.ts): a fit that diverges stops and resolves, keeping the weights
// of the last finite step, where fit's default rejects with a DivergedError.
import { describe, expect, it, vi } from 'vitest';
import { dense, DivergedError, sequential, sgd, tensor, terminateOnNaN, type Callbacks, type FitOptions } from '../../../src/index';
import { failOnLeaks } from '../../reference';

failOnLeaks();

/** A model that diverges within a few epochs (learning rate 0.03: above the stable step for inputs this large, so the error grows at each step), and its data. */
function diverging(): { fit: (options: FitOptions & { validate?: boolean }) => Promise<unknown>; weights: () => number[][]; free: () => void; step: () => number } {
  const model = sequential([dense({ units: 3, inputShape: [2] }), dense({ units: 1 })], { seed: 4 });
  model.compile({ optimizer: sgd({ learningRate: 0.03 }), loss: 'meanSquaredError' });
  const x = tensor([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]), y = tensor([[1], [2], [3], [4], [5], [6]]);
  return {
    fit: ({ validate, ...options }) => model.fit(x, y, { epochs: 50, batchSize: 2, seed: 1, ...(validate ? { validationData: [x, y] as [typeof x, typeof y] } : {}), ...options }),
    weights: () => model.getWeights().map((w) => { const a = Array.from(w.dataSync()); w.dispose(); return a; }),
    step: () => model.step,
    free: () => { x.dispose(); y.dispose(); model.dispose(); },
  };
}

describe('terminateOnNaN', () => {
  it.each([['fused epochs', {}], ['per-epoch work (validation)', { validate: true }]] as const)('stops and resolves with the epochs done, with the weights fit keeps when it rejects (%s)', async (_name, extra) => {
    const [stopped, rejected] = [diverging(), diverging()];
    const ends: string[] = [];
    const history = await stopped.fit({ ...extra, callbacks: [terminateOnNaN(), { onTrainEnd: () => void ends.push('end') }] }) as { epoch: number[]; history: Record<string, number[]> };
    const error = await rejected.fit(extra).catch((e: unknown) => e) as DivergedError;
    expect(error).toBeInstanceOf(DivergedError);
    const epoch = Number(/in epoch (\d+), batch (\d+)/.exec(error.message)![1]); // counted from 1
    expect(epoch).toBeGreaterThan(1);
    expect(epoch).toBeLessThan(50);
    expect(history.epoch).toEqual(Array.from({ length: epoch - 1 }, (_, i) => i));
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    expect(stopped.weights()).toEqual(rejected.weights());
    expect(stopped.weights().flat().every(Number.isFinite)).toBe(true);
    expect(stopped.step()).toBe(rejected.step());
    expect(ends).toEqual(['end']);
    stopped.free();
    rejected.free();
  });

  // Node: the epoch lines go to stdout there, which the test silences (browsers print them with console.log).
  it.runIf(typeof process !== 'undefined')("overrides fit's terminateOnNaN: false, and with verbose prints Keras's message", async () => {
    const run = diverging();
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const history = await run.fit({ terminateOnNaN: false, verbose: 2, callbacks: terminateOnNaN() }) as { epoch: number[] };
      expect(history.epoch.length).toBeLessThan(50);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Batch [0-2]: Invalid loss, terminating training$/);
    } finally {
      log.mockRestore();
      write.mockRestore();
    }
    run.free();
  });

  it('a callback with no hooks that fit calls per batch: training stays in the fused loop', () => {
    const callback: Callbacks = terminateOnNaN();
    expect(Object.keys(callback).sort()).toEqual(['setParams']);
  });
});
