// What fit gives callbacks (src/nn/fit-callbacks.ts): params through setParams and history.params, as TF.js gives
// them; model.stopTraining and model.history, as Keras.
import { describe, expect, it } from 'vitest';
import { dense, memory, sequential, tensor, type FitParams } from '../../src/index';
import { failOnLeaks } from '../reference';

failOnLeaks();

function fixture() {
  const model = sequential([dense({ units: 1, inputShape: [2] })], { seed: 1 });
  model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
  const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0], [2, 1]]), y = tensor([[1], [1], [2], [0], [3]]);
  return { model, x, y, free: () => { x.dispose(); y.dispose(); model.dispose(); } };
}

describe('params', () => {
  it('setParams gets them before training, and the history holds them', async () => {
    const { model, x, y, free } = fixture();
    const seen: [string, FitParams | number][] = [];
    const history = await model.fit(x, y, { epochs: 3, batchSize: 2, validationSplit: 0.4, callbacks: {
      setParams: (p) => void seen.push(['setParams', p]), onTrainBegin: () => void seen.push(['onTrainBegin', 0]) } });
    const params = { epochs: 3, steps: 2, samples: 3, batchSize: 2, verbose: 0, doValidation: true, metrics: ['loss', 'mae', 'val_loss', 'val_mae'] };
    expect(seen).toEqual([['setParams', params], ['onTrainBegin', 0]]);
    expect(history.params).toEqual(params);
    const plain = await model.fit(x, y, { epochs: 1 });
    expect(plain.params).toEqual({ epochs: 1, steps: 1, samples: 5, batchSize: 32, verbose: 0, doValidation: false, metrics: ['loss', 'mae'] });
    free();
  });

  it('verbose must be 0, 1 or 2, checked before training', async () => {
    const { model, x, y, free } = fixture();
    const before = memory();
    await expect(model.fit(x, y, { verbose: 3 as never })).rejects.toThrow(new RangeError('fit: verbose must be 0, 1 or 2, got 3'));
    expect(memory()).toEqual(before);
    expect(model.step).toBe(0);
    free();
  });
});

describe('model.stopTraining and model.history', () => {
  it('stopTraining set in a callback stops at the end of the epoch; fit resets it', async () => {
    const { model, x, y, free } = fixture();
    const first = await model.fit(x, y, { epochs: 10, batchSize: 2, callbacks: { onBatchEnd: (batch) => { if (batch === 1) model.stopTraining = true; } } });
    expect(first.epoch).toEqual([0]);
    expect(model.step).toBe(3); // the epoch's three batches
    expect(model.history).toBe(first);
    const second = await model.fit(x, y, { epochs: 4, callbacks: { onEpochEnd: (epoch) => { if (epoch === 1) model.stopTraining = true; } } });
    expect(second.epoch).toEqual([0, 1]);
    expect(model.history).toBe(second);
    expect(model.stopTraining).toBe(true);
    await model.fit(x, y, { epochs: 2 });
    expect(model.stopTraining).toBe(false);
    free();
  });
});
