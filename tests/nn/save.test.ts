// Model files (src/nn/save.ts) and early stopping (src/nn/callbacks.ts).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dense, dispose, earlyStopping, initializers, loadModel, memory, sequential, sgd, tensor } from '../../src/index';

const build = () => {
  const model = sequential([
    dense({ units: 5, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotNormal({ seed: 1 }), biasInitializer: initializers.randomNormal({ seed: 2 }) }),
    dense({ units: 2, activation: 'sigmoid', kernelInitializer: initializers.glorotNormal({ seed: 3 }) }),
  ]);
  model.compile({ optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
};
const x = () => tensor([[0.1, 0.2, 0.3], [1, -1, 0.5], [0, 0, 0]]);

describe('save and loadModel', () => {
  it('round-trips through bytes and a file, predicting bit-identically, with compile settings', async () => {
    const model = build();
    const input = x();
    const expected = model.predict(input);
    model.metadata = { scaler: { name: 'minMax', min: [0, 1, 2] }, features: ['a', 'b', 'c'] };
    const bytes = await model.save();
    const fromBytes = await loadModel(bytes);
    const dir = mkdtempSync(join(tmpdir(), 'simdeep-save-'));
    await model.save(join(dir, 'model.sdpm'));
    expect(readdirSync(dir)).toEqual(['model.sdpm']); // the temporary file was renamed
    const fromFile = await loadModel(join(dir, 'model.sdpm'));
    for (const copy of [fromBytes, fromFile]) {
      const p = copy.predict(input);
      expect(Array.from(p.dataSync())).toEqual(Array.from(expected.dataSync()));
      expect(copy.toJSON()).toEqual({ ...model.toJSON(), layers: copy.toJSON().layers });
      expect(copy.optimizer?.config).toEqual(model.optimizer?.config);
      expect(copy.metadata).toEqual(model.metadata);
      p.dispose();
      copy.dispose();
    }
    dispose([input, expected]);
    model.dispose();
  });

  it('rejects truncated, corrupt and hostile files with a clear error and no leak', async () => {
    const model = build();
    const good = new Uint8Array(await model.save());
    model.dispose();
    const before = memory();
    const header = (json: object): Uint8Array => {
      const text = new TextEncoder().encode(JSON.stringify(json));
      const out = new Uint8Array(8 + text.length + ((4 - (text.length % 4)) % 4));
      new DataView(out.buffer).setUint32(0, 0x4d504453, true);
      new DataView(out.buffer).setUint32(4, text.length, true);
      out.set(text, 8);
      return out;
    };
    const layer = { className: 'Dense', units: 2, activation: 'relu', useBias: true, inputDim: 3 };
    const cases: [Uint8Array, RegExp][] = [
      [good.slice(0, good.length - 4), /need 32 weights/],
      [good.slice(0, 6), /not a simdeep model/],
      [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), /does not start with SDPM/],
      [header({ format: 'simdeep-model', version: 99, layers: [layer] }), /version 99 is not supported/],
      [header({ format: 'simdeep-model', version: 1, layers: [{ ...layer, units: 1e12 }] }), /units is 1000000000000/],
      [header({ format: 'simdeep-model', version: 1, layers: [{ ...layer, className: '__proto__' }] }), /className must be 'Dense'/],
      [header({ format: 'simdeep-model', version: 1, layers: [{ ...layer, activation: 'eval' }] }), /activation is "eval"/],
      [header({ format: 'simdeep-model', version: 1, layers: [layer] }), /need 8 weights/],
    ];
    for (const [bytes, message] of cases) await expect(loadModel(bytes)).rejects.toThrow(message);
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
    await expect(loadModel(nan)).rejects.toThrow(/weight 31 is NaN/);
    expect(memory()).toEqual(before);
  });
});

describe('earlyStopping', () => {
  it('stops when the monitored loss stops improving and restores the best weights', async () => {
    const model = build();
    const input = x(), target = tensor([[1, 0], [0, 1], [1, 1]]);
    const history = await model.fit(input, target, {
      epochs: 500, batchSize: 3, validationData: [input, target],
      callbacks: earlyStopping({ monitor: 'val_loss', patience: 3, minDelta: 1e-3, restoreBestWeights: true }),
    });
    const epochs = history.history.val_loss.length;
    expect(epochs).toBeLessThan(500);
    let best = Infinity; // the loss of the last epoch that improved by more than minDelta, as Keras keeps
    for (const v of history.history.val_loss) if (v < best - 1e-3) best = v;
    expect(model.evaluate(input, target).loss).toBe(best);
    await expect(model.fit(input, target, { callbacks: earlyStopping({ monitor: 'nope' }) })).rejects.toThrow(/the logs have no nope/);
    dispose([input, target]);
    model.dispose();
  });
});
