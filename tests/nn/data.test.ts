// The data of a model's inputs and outputs (src/nn/data.ts): one tensor, an array in order, or an object by layer
// name; each form gives the same results, and a wrong name is an error naming it and the model's names.
import { describe, expect, it } from 'vitest';
import { dense, dispose, input, layers, memory, model, sgd, tensor, type Tensor } from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';

failOnLeaks();

function twoByTwo() {
  const a = input({ shape: [3], name: 'a' }), b = input({ shape: [2], name: 'b' });
  const h = dense({ units: 4, activation: 'tanh' }).apply(layers.concatenate().apply([a, b]));
  const net = model({ inputs: [a, b], outputs: [dense({ units: 2, name: 'value' }).apply(h), dense({ units: 1, activation: 'sigmoid', name: 'flag' }).apply(h)], seed: 3 });
  net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: { value: 'meanSquaredError', flag: 'binaryCrossentropy' } });
  return net;
}

describe('inputs and targets by layer name', () => {
  it('an object by name gives the bits of the array in order: predict, evaluate and a fit', async () => {
    const xa = tensor(seededValues(15, 1), [5, 3]), xb = tensor(seededValues(10, 2), [5, 2]);
    const yv = tensor(seededValues(10, 3), [5, 2]), yf = tensor([[0], [1], [1], [0], [1]]);
    const [byName, inOrder] = [twoByTwo(), twoByTwo()];
    const p = byName.predict({ b: xb, a: xa }), q = inOrder.predict([xa, xb]);
    p.forEach((t: Tensor, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(q[i].dataSync())));
    expect(byName.evaluate({ a: xa, b: xb }, { flag: yf, value: yv })).toEqual(inOrder.evaluate([xa, xb], [yv, yf]));
    await byName.fit({ a: xa, b: xb }, { value: yv, flag: yf }, { epochs: 2, batchSize: 2, seed: 1 });
    await inOrder.fit([xa, xb], [yv, yf], { epochs: 2, batchSize: 2, seed: 1 });
    const [w1, w2] = [byName.getWeights(), inOrder.getWeights()];
    w1.forEach((t, i) => expect(Array.from(t.dataSync())).toEqual(Array.from(w2[i].dataSync())));
    dispose([xa, xb, yv, yf, ...p, ...q, ...w1, ...w2]);
    byName.dispose();
    inOrder.dispose();
  });

  it("an unknown or missing name is an error naming it and the model's names, before any work", () => {
    const net = twoByTwo(), xa = tensor(seededValues(6, 1), [2, 3]), xb = tensor(seededValues(4, 2), [2, 2]);
    const before = memory().numTensors;
    expect(() => net.predict({ a: xa, c: xb })).toThrow('predict: x names "c", which is not an input of the model (inputs: a, b)');
    expect(() => net.predict({ a: xa })).toThrow('predict: x gives no tensor for the input b');
    expect(() => net.evaluate({ a: xa, b: xb }, { value: xb })).toThrow('evaluate: y gives no tensor for the output flag');
    expect(() => net.predict({ a: xb, b: xb })).toThrow('predict: x.a has shape [2,2]; the model takes [samples, 3] for input a');
    expect(memory().numTensors).toBe(before);
    dispose([xa, xb]);
    net.dispose();
  });
});
