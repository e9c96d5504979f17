// The training loop's contract with its caller (src/nn/fit.ts): callbacks are awaited and their errors reject fit,
// leaving the weights of the last finished step; fit on no rows and a second fit on a model that is training are
// rejected at once; predict, evaluate, save and setWeights between steps do not disturb training.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dense, dispose, initializers, memory, sequential, sgd, tensor, type Callbacks, type Sequential, type Tensor } from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';

failOnLeaks();

const model = (): Sequential => {
  const m = sequential([
    dense({ units: 4, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
    dense({ units: 2, kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
  ]);
  m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  return m;
};
const data = (rows = 12): [Tensor, Tensor] => [tensor(seededValues(rows * 3, 1), [rows, 3]), tensor(seededValues(rows * 2, 2), [rows, 2])];
const weights = (m: Sequential): number[][] => {
  const w = m.getWeights();
  const out = w.map((t) => Array.from(t.dataSync()));
  dispose(w);
  return out;
};

// An unhandled rejection would surface here, after fit settled: Node's process event, or a page's window event.
let unhandled: unknown[] = [];
const inNode = typeof process !== 'undefined' && typeof process.on === 'function';
const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
const onPageUnhandled = (event: PromiseRejectionEvent): void => onUnhandled(event.reason);
beforeEach(() => {
  unhandled = [];
  if (inNode) process.on('unhandledRejection', onUnhandled);
  else globalThis.addEventListener('unhandledrejection', onPageUnhandled);
});
afterEach(() => {
  if (inNode) process.off('unhandledRejection', onUnhandled);
  else globalThis.removeEventListener('unhandledrejection', onPageUnhandled);
});
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('callbacks', () => {
  it('a rejecting onBatchEnd rejects fit with its error; no unhandled rejection; the weights are those of the last finished step', async () => {
    const m = model(), [x, y] = data();
    const seen: number[][][] = [];
    const boom = new Error('boom in batch 2');
    const error = await m.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, callbacks: {
      onBatchEnd: (batch) => {
        seen.push(weights(m));
        return batch === 2 && seen.length === 3 ? Promise.reject(boom) : Promise.resolve();
      },
    } }).then(() => null, (e: unknown) => e);
    expect(error).toBe(boom);
    expect(seen).toHaveLength(3);
    expect(weights(m)).toEqual(seen[2]);
    expect(m.step).toBe(3);
    await settle();
    expect(unhandled).toEqual([]);
    // The model stays usable: predict, and fit again.
    const p = m.predict(x);
    expect(p.shape).toEqual([12, 2]);
    const history = await m.fit(x, y, { epochs: 2, batchSize: 4, seed: 1 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
    dispose([p, x, y]);
    m.dispose();
  });

  it('every callback is awaited in order, and a throw or rejection from any of them rejects fit', async () => {
    const [x, y] = data(8);
    const events: string[] = [];
    const later = (event: string): Promise<void> => new Promise((resolve) => setTimeout(() => { events.push(event); resolve(); }, 1));
    const m = model();
    await m.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, callbacks: {
      setModel: () => later('setModel'), onTrainBegin: () => later('trainBegin'), onEpochBegin: (e) => later(`epochBegin ${e}`),
      onBatchBegin: (b) => later(`batchBegin ${b}`), onBatchEnd: (b) => later(`batchEnd ${b}`), onEpochEnd: (e) => later(`epochEnd ${e}`).then(() => false),
      onTrainEnd: () => later('trainEnd'),
    } });
    expect(events).toEqual(['setModel', 'trainBegin', 'epochBegin 0', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 0',
      'epochBegin 1', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 1', 'trainEnd']);
    for (const name of ['setModel', 'onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const) {
      for (const async of [false, true]) {
        const error = new Error(`${name} failed`);
        const callbacks = { [name]: () => { if (async) return Promise.reject(error); throw error; } } as Callbacks;
        const before = memory();
        await expect(m.fit(x, y, { epochs: 2, batchSize: 4, callbacks }), `${name}, ${async ? 'rejecting' : 'throwing'}`).rejects.toBe(error);
        expect(memory(), `memory after ${name} failed`).toEqual(before);
      }
    }
    await settle();
    expect(unhandled).toEqual([]);
    dispose([x, y]);
    m.dispose();
  });

  it('an unknown callback name, or one that is not a function, is an error naming it', async () => {
    const m = model(), [x, y] = data(4);
    await expect(m.fit(x, y, { callbacks: { onEpochEnds: () => undefined } as never })).rejects.toThrow(
      new RangeError('fit: unknown option "onEpochEnds" in callbacks[0]; did you mean "onEpochEnd"? (expected setModel, setParams, onTrainBegin, onEpochBegin, ' +
        'onEpochEnd, onBatchBegin, onBatchEnd, onTrainEnd)'));
    await expect(m.fit(x, y, { callbacks: [{}, { onbatchend: () => undefined } as never] })).rejects.toThrow(/^fit: unknown option "onbatchend" in callbacks\[1\]; did you mean "onBatchEnd"\?/);
    await expect(m.fit(x, y, { callbacks: { onEpochEnd: 3 } as never })).rejects.toThrow(new TypeError('fit: callbacks[0].onEpochEnd must be a function, got 3'));
    expect(m.step).toBe(0);
    dispose([x, y]);
    m.dispose();
  });
});

describe('fit on no rows, and fits at once', () => {
  it('x of 0 rows (or validationData of 0 rows) rejects naming x and its shape, training nothing', async () => {
    const m = model(), x = tensor(new Float32Array(0), [0, 3]), y = tensor(new Float32Array(0), [0, 2]), [vx, vy] = data(4);
    const before = memory();
    await expect(m.fit(x, y, { epochs: 3 })).rejects.toThrow(new RangeError('fit: x has shape [0,3]: no samples to train on'));
    await expect(m.fit(vx, vy, { validationData: [x, y] })).rejects.toThrow(new RangeError('fit: validationData[0] has shape [0,3]: no samples to validate on'));
    expect(memory()).toEqual(before);
    expect(m.step).toBe(0);
    dispose([x, y, vx, vy]);
    m.dispose();
  });

  it('a second fit while the first runs rejects at once; the first gives what it gives alone', async () => {
    const [x, y] = data(16);
    const alone = model();
    const expected = await alone.fit(x, y, { epochs: 20, batchSize: 4, seed: 5 });
    const m = model();
    let during: unknown = null;
    const first = m.fit(x, y, { epochs: 20, batchSize: 4, seed: 5, callbacks: {
      onEpochEnd: async (epoch) => { if (epoch === 3) during = await m.fit(x, y).catch((e: unknown) => e); },
    } });
    const second = await m.fit(x, y, { epochs: 5 }).then(() => null, (e: unknown) => e);
    expect(second).toEqual(new RangeError('fit: the model is already training; await the first fit'));
    const history = await first;
    expect(during).toEqual(new RangeError('fit: the model is already training; await the first fit'));
    expect(history).toEqual(expected);
    expect(weights(m)).toEqual(weights(alone));
    await m.fit(x, y, { epochs: 1 }); // the model trains again once the first fit ended
    dispose([x, y]);
    m.dispose();
    alone.dispose();
  });

  it('predict, evaluate, save and getWeights/setWeights in callbacks leave training as it would be without them', async () => {
    const [x, y] = data(16);
    const quiet = model(), busy = model();
    const expected = await quiet.fit(x, y, { epochs: 6, batchSize: 4, seed: 2, validationSplit: 0.25 });
    const history = await busy.fit(x, y, { epochs: 6, batchSize: 4, seed: 2, validationSplit: 0.25, callbacks: {
      onBatchEnd: async () => {
        busy.predict(x).dispose();
        busy.evaluate(x, y);
        await busy.save();
        const w = busy.getWeights();
        busy.setWeights(w);
        dispose(w);
      },
    } });
    expect(history).toEqual(expected);
    expect(weights(busy)).toEqual(weights(quiet));
    dispose([x, y]);
    quiet.dispose();
    busy.dispose();
  });
});
