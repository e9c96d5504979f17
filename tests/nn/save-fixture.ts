// A small compiled model and the round-trip check shared by the model-file tests (save.test.ts, save-file.test.ts
// and, in browsers, tests/browser/blob.browser.test.ts).
import { expect } from 'vitest';
import { dense, dispose, initializers, sequential, sgd, tensor, type Model, type Sequential, type Tensor } from '../../src/index';

export const build = (): Sequential => {
  const model = sequential([
    dense({ units: 5, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotNormal({ seed: 1 }), biasInitializer: initializers.randomNormal({ seed: 2 }) }),
    dense({ units: 2, activation: 'sigmoid', kernelInitializer: initializers.glorotNormal({ seed: 3 }) }),
  ]);
  model.compile({ optimizer: sgd({ learningRate: 0.5, momentum: 0.9 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
};
export const x = () => tensor([[0.1, 0.2, 0.3], [1, -1, 0.5], [0, 0, 0]]);

/** Stores a model (with metadata) through `roundTrip` and checks the copy predicts bit-identically, with compile settings. */
export async function expectRoundTrip(roundTrip: (model: Sequential) => Promise<Model>): Promise<void> {
  const model = build();
  const input = x();
  const expected = model.predict(input);
  model.metadata = { scaler: { name: 'minMax', min: [0, 1, 2] }, features: ['a', 'b', 'c'] };
  const copy = await roundTrip(model);
  const p = copy.predict(input) as Tensor;
  expect(Array.from(p.dataSync())).toEqual(Array.from(expected.dataSync()));
  expect(copy.toJSON()).toEqual({ ...model.toJSON(), layers: copy.toJSON().layers });
  expect(copy.optimizer?.config).toEqual(model.optimizer?.config);
  expect(copy.metadata).toEqual(model.metadata);
  dispose([p, input, expected]);
  copy.dispose();
  model.dispose();
}
