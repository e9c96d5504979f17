// The learning rate between epochs: optimizer.learningRate (read by the training plan at each call, so that a
// change takes effect at the next step, in fit and in trainOnBatch's kept plans), learningRateScheduler (the rates
// fit used, seen through the weights of an SGD model whose step is hand-checkable) and reduceLROnPlateau (Keras 3's
// patience, cooldown and minLr on a scripted sequence of logs); their errors, before training.
import { describe, expect, it } from 'vitest';
import {
  adam, cosineDecay, dense, learningRateScheduler, reduceLROnPlateau, sequential, sgd, tensor, type Callbacks, type Sequential,
} from '../../../src/index';
import { failOnLeaks } from '../../reference';

failOnLeaks();

/** w·x with w = 1, mean squared error against 0 on x = 1: the gradient is 2w, so an SGD step at rate lr multiplies w by 1 − 2·lr. */
function line(lr: number): Sequential {
  const model = sequential([dense({ units: 1, inputShape: [1], useBias: false })]);
  const w = tensor([[1]]);
  model.setWeights([w]);
  w.dispose();
  model.compile({ optimizer: sgd({ learningRate: lr }), loss: 'meanSquaredError' });
  return model;
}
const data = (): [ReturnType<typeof tensor>, ReturnType<typeof tensor>] => [tensor([[1]]), tensor([[0]])];
const weightOf = (model: Sequential): number => model.getWeights().map((t) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
})[0];
/** float32 steps w ← w − lr·(2w), as the kernel rounds them (the gradient 2w is exact). */
const stepped = (w: number, lr: number): number => Math.fround(w - Math.fround(Math.fround(lr) * 2 * w));

describe('optimizer.learningRate', () => {
  it('is read by the training plan at each call: a rate set between trainOnBatch calls (kept plans) takes effect', async () => {
    const model = line(0.1), [x, y] = data();
    await model.trainOnBatch(x, y);
    model.optimizer!.learningRate = 0.25;
    expect(model.optimizer!.learningRate).toBe(0.25);
    expect(model.optimizer!.config.learningRate).toBe(0.25);
    await model.trainOnBatch(x, y);
    expect(weightOf(model)).toBe(stepped(stepped(1, 0.1), 0.25));
    x.dispose(); y.dispose(); model.dispose();
  });

  it('refuses a schedule\'s optimizer, and rates that are not finite numbers >= 0', () => {
    const scheduled = adam({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }) });
    expect(() => { scheduled.learningRate = 0.1; }).toThrow(/^learningRate: this optimizer's learning rate follows a schedule \(CosineDecay\) and cannot be set/);
    expect(scheduled.learningRate).toBe(Math.fround(0.1));
    const plain = sgd();
    for (const bad of [-1, NaN, Infinity, '0.1']) expect(() => { plain.learningRate = bad as number; }).toThrow(RangeError);
    expect(plain.learningRate).toBe(0.01);
  });
});

describe('learningRateScheduler', () => {
  it('sets each epoch\'s rate before it: the weights follow the scheduled steps, and the logs carry learning_rate', async () => {
    const model = line(0.1), [x, y] = data(), seen: [number, number][] = [];
    const rates = [0.1, 0.2, 0.05, 0.3];
    const history = await model.fit(x, y, { epochs: 4, callbacks: learningRateScheduler((epoch, lr) => { seen.push([epoch, lr]); return rates[epoch]; }) });
    expect(seen).toEqual([[0, 0.1], [1, 0.1], [2, 0.2], [3, 0.05]]);
    expect(history.history.learning_rate).toEqual(rates);
    expect(weightOf(model)).toBe(rates.reduce(stepped, 1));
    expect(model.optimizer!.learningRate).toBe(0.3);
    x.dispose(); y.dispose(); model.dispose();
  });

  it('a schedule returning anything but a finite rate >= 0 rejects fit, naming the epoch and the value', async () => {
    const model = line(0.1), [x, y] = data();
    await expect(model.fit(x, y, { epochs: 5, callbacks: learningRateScheduler((epoch) => (epoch < 2 ? 0.1 : NaN)) }))
      .rejects.toThrow(/^learningRateScheduler: the schedule returned NaN for epoch 2; it must return a finite learning rate >= 0$/);
    expect(model.step).toBe(2);
    await expect(model.fit(x, y, { callbacks: learningRateScheduler(() => -1) })).rejects.toThrow(/returned -1 for epoch 0/);
    expect(() => learningRateScheduler(0.1 as never)).toThrow(TypeError);
    x.dispose(); y.dispose(); model.dispose();
  });
});

describe('reduceLROnPlateau', () => {
  /** The rate after each epoch end of `callbacks` on a scripted sequence of logs, and the learning_rate each logged. */
  function script(callbacks: Callbacks, model: Sequential, values: number[], monitor = 'loss'): { rates: number[]; logged: number[] } {
    callbacks.setModel!(model);
    void callbacks.onTrainBegin!();
    const rates: number[] = [], logged: number[] = [];
    values.forEach((v, epoch) => {
      const logs: Record<string, number> = { [monitor]: v };
      void callbacks.onEpochEnd!(epoch, logs);
      rates.push(model.optimizer!.learningRate);
      logged.push(logs.learning_rate);
    });
    return { rates, logged };
  }

  it('follows Keras 3: patience, cooldown (counting resumes the epoch it ends), minLr, reductions from the float32 rate', () => {
    const model = line(0.1);
    const callbacks = reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.02, minDelta: 0 });
    const { rates, logged } = script(callbacks, model, [1, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]);
    const half = Math.fround(0.1) * 0.5, quarter = Math.fround(half) * 0.5;
    expect(rates).toEqual([0.1, 0.1, 0.1, half, half, quarter, quarter, quarter, quarter, 0.02, 0.02, 0.02, 0.02]);
    expect(logged).toEqual([0.1, ...rates.slice(0, -1)]); // each epoch logs the rate it trained with
    // The same object in a second fit starts afresh (best, wait and cooldown reset at onTrainBegin).
    model.optimizer!.learningRate = 0.1;
    expect(script(callbacks, model, [1, 1, 1]).rates).toEqual([0.1, 0.1, half]);
    model.dispose();
  });

  it('minDelta: a change smaller than it is no improvement; auto mode maximises accuracies', () => {
    const model = line(1);
    const minimising = reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 1, minDelta: 0.1 });
    expect(script(minimising, model, [1, 0.95, 0.8, 0.75], 'val_loss').rates).toEqual([1, 0.5, 0.5, 0.25]);
    model.optimizer!.learningRate = 1;
    const maximising = reduceLROnPlateau({ monitor: 'val_accuracy', factor: 0.5, patience: 1 });
    expect(script(maximising, model, [0.5, 0.6, 0.55, 0.7], 'val_accuracy').rates).toEqual([1, 1, 0.5, 0.5]);
    // A name auto mode does not know is minimised, as Keras's callbacks (and earlyStopping, modelCheckpoint) do.
    model.optimizer!.learningRate = 1;
    expect(script(reduceLROnPlateau({ monitor: 'score', patience: 0, factor: 0.5 }), model, [1, 2], 'score').rates).toEqual([1, 0.5]);
    expect(script(reduceLROnPlateau({ monitor: 'score', mode: 'max', patience: 0, factor: 0.5 }), model, [1, 0], 'score').rates).toEqual([0.5, 0.25]);
    model.dispose();
  });

  it('reduces the rate fit trains with', async () => {
    const model = line(0.1), [x, y] = data();
    // The loss only falls (w shrinks by 0.8 a step), but never by minDelta 1: every epoch after the first is a plateau.
    const history = await model.fit(x, y, { epochs: 3, callbacks: reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 1 }) });
    const half = Math.fround(0.1) * 0.5, quarter = Math.fround(half) * 0.5;
    expect(history.history.learning_rate).toEqual([0.1, 0.1, half]);
    expect(model.optimizer!.learningRate).toBe(quarter);
    expect(weightOf(model)).toBe([0.1, 0.1, half].reduce(stepped, 1));
    x.dispose(); y.dispose(); model.dispose();
  });

  it('bad options are errors naming them; a schedule\'s optimizer rejects fit before training', async () => {
    const cases: [object, RegExp][] = [
      [{ factor: 1 }, /^reduceLROnPlateau: factor must be in \[0, 1\), got 1$/],
      [{ factor: 1.5 }, /factor must be in \[0, 1\), got 1.5/],
      [{ patience: -1 }, /^reduceLROnPlateau: patience must be an integer >= 0, got -1$/],
      [{ cooldown: 0.5 }, /^reduceLROnPlateau: cooldown must be an integer >= 0, got 0.5$/],
      [{ minLr: -1 }, /minLr must be a finite number >= 0, got -1/],
      [{ mode: 'up' }, /mode must be 'auto', 'min' or 'max', got "up"/],
      [{ min_lr: 0.1 }, /min_lr/],
    ];
    for (const [options, message] of cases) expect(() => reduceLROnPlateau(options as never)).toThrow(message);
    const model = sequential([dense({ units: 1, inputShape: [1] })]), [x, y] = data();
    model.compile({ optimizer: sgd({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 10 }) }), loss: 'meanSquaredError' });
    for (const callbacks of [reduceLROnPlateau(), learningRateScheduler((_, lr) => lr)]) {
      await expect(model.fit(x, y, { epochs: 2, callbacks })).rejects.toThrow(/: the optimizer's learning rate follows a schedule \(CosineDecay\), which cannot be set/);
    }
    expect(model.step).toBe(0);
    const plain = line(0.1);
    await expect(plain.fit(x, y, { callbacks: reduceLROnPlateau() })).rejects.toThrow(/^reduceLROnPlateau: the logs have no val_loss \(they have loss, learning_rate\)$/);
    x.dispose(); y.dispose(); model.dispose(); plain.dispose();
  });
});
