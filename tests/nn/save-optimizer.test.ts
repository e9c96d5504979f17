// A model compiled with a learning-rate schedule and gradient clipping keeps both in its file: loadModel rebuilds the
// optimizer from the saved config (the schedule's Keras class name and options); a file whose schedule or clipping
// cannot work is refused with the schedule's or optimizer's error, before anything is allocated.
import { describe, expect, it } from 'vitest';
import { adam, cosineDecay, dense, loadModel, memory, piecewiseConstantDecay, sequential, sgd, tensor } from '../../src/index';
import { heapStats } from '../../src/runtime/heap';

/** The file with its JSON header changed by `edit` (the weights after it kept). */
function edited(bytes: Uint8Array, edit: (json: Record<string, any>) => void): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset), length = view.getUint32(4, true);
  const head = 8 + length + ((4 - (length % 4)) % 4);
  const json = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  edit(json);
  const text = new TextEncoder().encode(JSON.stringify(json)), pad = (4 - (text.length % 4)) % 4;
  const out = new Uint8Array(8 + text.length + pad + bytes.length - head);
  out.set(bytes.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, text.length, true);
  out.set(text, 8);
  out.set(bytes.subarray(head), 8 + text.length + pad);
  return out;
}

describe('model files keep the learning-rate schedule and the clipping', () => {
  it('round-trips adam with a warm-up cosine decay and clipNorm, and sgd with piecewise rates and clipValue', async () => {
    const x = tensor([[0, 1], [1, 0], [1, 1]]), y = tensor([[1], [0], [2]]);
    const optimizers = [
      adam({ learningRate: cosineDecay({ initialLearningRate: 0, decaySteps: 20, warmupTarget: 0.1, warmupSteps: 3 }), clipNorm: 0.5 }),
      sgd({ learningRate: piecewiseConstantDecay({ boundaries: [2, 4], values: [0.1, 0.05, 0.01] }), momentum: 0.9, clipValue: 0.1 }),
    ];
    for (const optimizer of optimizers) {
      const model = sequential([dense({ units: 1, inputShape: [2] })], { seed: 3 });
      model.compile({ optimizer, loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 3 });
      const loaded = await loadModel(await model.save());
      expect(loaded.optimizer!.config).toEqual(model.optimizer!.config);
      expect(JSON.parse(JSON.stringify(loaded.optimizer!.config))).toEqual(loaded.optimizer!.config);
      for (const step of [0, 1, 2, 3, 4, 5, 30]) expect(loaded.optimizer!.schedule!.rate(step)).toBe(model.optimizer!.schedule!.rate(step));
      // Both continue with the same steps (the loaded one's step count starts again from 0, as its optimizer state).
      const fresh = sequential([dense({ units: 1, inputShape: [2] })], { seed: 3 });
      fresh.compile({ optimizer: model.optimizer!.config, loss: 'meanSquaredError' });
      fresh.setWeights(model.getWeights());
      loaded.setWeights(model.getWeights());
      await fresh.fit(x, y, { epochs: 2, shuffle: false });
      await loaded.fit(x, y, { epochs: 2, shuffle: false });
      expect(loaded.getWeights().map((t) => t.toArray())).toEqual(fresh.getWeights().map((t) => t.toArray()));
      model.dispose(); loaded.dispose(); fresh.dispose();
    }
    x.dispose(); y.dispose();
  });

  it('refuses a file whose schedule or clipping cannot work, naming it, before allocating', async () => {
    const model = sequential([dense({ units: 1, inputShape: [2] })], { seed: 3 });
    model.compile({ optimizer: adam({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 20 }), clipNorm: 1 }), loss: 'meanSquaredError' });
    const good = new Uint8Array(await model.save());
    model.dispose();
    const cases: [(json: Record<string, any>) => void, RegExp][] = [
      [(j) => { j.compile.optimizer.learningRate.config.decaySteps = 0; }, /^loadModel: .*cosineDecay: decaySteps must be a finite number > 0, got 0/],
      [(j) => { j.compile.optimizer.learningRate.className = 'Eval'; }, /^loadModel: .*learningRate must be a number or a schedule's config/],
      [(j) => { j.compile.optimizer.learningRate = { className: 'PiecewiseConstantDecay', config: { boundaries: [3, 1], values: [1, 2, 3] } }; }, /boundaries must be strictly increasing/],
      [(j) => { j.compile.optimizer.clipNorm = -1; }, /^loadModel: .*adam: clipNorm must be a finite number > 0, got -1/],
      [(j) => { j.compile.optimizer.clipValue = 1; }, /only one of clipNorm, globalClipNorm and clipValue can be set/],
    ];
    const before = { ...memory(), ...heapStats() };
    for (const [edit, message] of cases) await expect(loadModel(edited(good, edit))).rejects.toThrow(message);
    expect({ ...memory(), ...heapStats() }).toEqual(before);
  });
});
