// reportEpochs (src/search/report-epochs.ts): a real model's fit reports each epoch's monitored log as step epoch + 1,
// stops after the epoch its pruner prunes at, and errors like the other callbacks for a log fit does not give.
import { afterAll, describe, expect, it } from 'vitest';
import { adam, dense, dispose, initializers, randn, sequential, sgd, type TrialContext } from '../../src/index';
import { asha } from '../../src/search/pruners';
import { reportEpochs } from '../../src/search/report-epochs';
import { gridSearch } from '../../src/search/search';

const x = randn([48, 3], { seed: 2 }), y = x.sum(1, true);
afterAll(() => dispose([x, y]));

function model(learningRate: number, seed: number, optimizer: 'adam' | 'sgd' = 'adam'): ReturnType<typeof sequential> {
  const m = sequential([dense({ units: 4, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotUniform({ seed }) }),
    dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 1 }) })]);
  m.compile({ optimizer: optimizer === 'adam' ? adam({ learningRate }) : sgd({ learningRate }), loss: 'meanSquaredError', metrics: ['mae'] });
  return m;
}

/** A context whose report records its calls and says stop at step `stopAt`. */
function contextStoppingAt(stopAt: number): { context: TrialContext; reports: [number, number][] } {
  const reports: [number, number][] = [];
  return { reports, context: { trial: 0, seed: 1, report: async (step, score) => (reports.push([step, score]), step < stopAt) } };
}

describe('reportEpochs', () => {
  it("reports each epoch's val_loss as step epoch + 1 and stops fit after the epoch told to stop", async () => {
    const m = model(0.01, 1);
    const { context, reports } = contextStoppingAt(3);
    const history = await m.fit(x, y, { epochs: 10, seed: 1, validationSplit: 0.25, callbacks: reportEpochs(context) });
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(reports).toEqual(history.history.val_loss.map((loss, epoch) => [epoch + 1, loss]));
    const other = contextStoppingAt(99);
    await m.fit(x, y, { epochs: 4, seed: 1, validationSplit: 0.25, callbacks: reportEpochs(other.context, { monitor: 'mae' }) });
    expect(other.reports.map(([step]) => step)).toEqual([1, 2, 3, 4]); // a new fit trains on (stopTraining reset)
    m.dispose();
  });

  it('lets a search with asha stop a bad trial at a rung', async () => {
    // Rungs at epochs 1 and 3 (maxResource 9). The first trial is alone at each rung and goes on; the second, with a
    // learning rate too small to move, is worse at epoch 1 than the first and is pruned there after one epoch.
    const { trials } = await gridSearch({
      space: { learningRate: [0.05, 1e-7] }, seed: 1, progress: false, pruner: asha({ maxResource: 9 }),
      objective: async ({ learningRate }, context) => {
        const m = model(learningRate, 1, 'sgd'); // the same initial weights and shuffling: only the learning rate differs
        const history = await m.fit(x, y, { epochs: 9, seed: 1, validationSplit: 0.25, callbacks: reportEpochs(context) });
        m.dispose();
        return history.history.val_loss.at(-1)!;
      },
    });
    const [good, bad] = trials;
    expect([good.params.learningRate, good.status, good.reports.length]).toEqual([0.05, 'ok', 9]);
    expect([bad.params.learningRate, bad.status, bad.reports.length]).toEqual([1e-7, 'pruned', 1]);
    expect(bad.reports[0].score).toBeGreaterThan(good.reports[0].score);
    expect(bad.score).toBe(bad.reports[0].score);
  });

  it('rejects a monitor the logs lack, a bad context and unknown options, as the other callbacks do', async () => {
    const m = model(0.01, 1);
    const { context } = contextStoppingAt(99);
    await expect(m.fit(x, y, { epochs: 1, callbacks: reportEpochs(context) })).rejects.toThrow(new RangeError('reportEpochs: the logs have no val_loss (they have loss, mae)'));
    await expect(m.fit(x, y, { epochs: 1, validationSplit: 0.25, callbacks: reportEpochs(context, { monitor: 'val_accuracy' }) }))
      .rejects.toThrow(new RangeError('reportEpochs: the logs have no val_accuracy (they have loss, mae, val_loss, val_mae)'));
    expect(() => reportEpochs({} as never)).toThrow(new TypeError('reportEpochs: context must be the trial context the objective receives (with report), got an Object'));
    expect(() => reportEpochs(context, { monitr: 'loss' } as never)).toThrow(/^reportEpochs: unknown option "monitr" in options; did you mean "monitor"\?/);
    expect(() => reportEpochs(context, { monitor: 3 } as never)).toThrow(new TypeError('reportEpochs: monitor must be a log name, got 3'));
    m.dispose();
  });
});
