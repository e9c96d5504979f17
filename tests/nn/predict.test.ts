// predict gives the same bits at any batch size, on every build and thread count: prediction plans run every
// product through the host's GEMM (the relaxed build where it runs), so a row computed alone, in a small chunk or in
// the whole batch takes the same kernel; and evaluate agrees with the losses of those predictions.
import { describe, expect, it } from 'vitest';
import { adam, dense, dispose, layers, model, sequential, tensor, type Model, type Tensor } from '../../src/index';
import { describeEachBuild, splitsOverThreads } from '../builds';
import { failOnLeaks, seededValues } from '../reference';

failOnLeaks();

describeEachBuild('predict at any batch size', () => {
  it('an MLP: the whole batch (a product past PARALLEL_FLOPS), chunks of 7 and single rows give the same bits', () => {
    expect(splitsOverThreads(64, 300, 256)).toBe(true);
    const rows = 64, x = tensor(seededValues(rows * 300, 1), [rows, 300]);
    const net = sequential([dense({ units: 256, activation: 'relu', inputShape: [300] }), dense({ units: 10, activation: 'softmax' })], { seed: 2 });
    const whole = net.predict(x), chunked = net.predict(x, { batchSize: 7 }), batch = net.predictOnBatch(x);
    const bits = Array.from(whole.dataSync());
    expect(Array.from(chunked.dataSync())).toEqual(bits);
    expect(Array.from(batch.dataSync())).toEqual(bits);
    for (const r of [0, 31, 63]) {
      const row = tensor(Array.from(x.dataSync().subarray(r * 300, (r + 1) * 300)), [1, 300]);
      const alone = net.predict(row);
      expect(Array.from(alone.dataSync())).toEqual(bits.slice(r * 10, (r + 1) * 10));
      dispose([row, alone]);
    }
    dispose([x, whole, chunked, batch]);
    net.dispose();
  });

  it('a graph with two outputs: chunks of 5 give the bits of the whole batch', () => {
    const rows = 33, a = layers.input({ shape: [40] }), b = layers.input({ shape: [12] });
    const h = dense({ units: 24, activation: 'tanh' }).apply(layers.concatenate().apply([a, b]));
    const net = model({ inputs: [a, b], outputs: [dense({ units: 3 }).apply(h), dense({ units: 1, activation: 'sigmoid' }).apply(h)], seed: 4 });
    const xs = [tensor(seededValues(rows * 40, 5), [rows, 40]), tensor(seededValues(rows * 12, 6), [rows, 12])];
    const whole = net.predict(xs), chunked = net.predict(xs, { batchSize: 5 });
    whole.forEach((t: Tensor, i) => expect(Array.from(chunked[i].dataSync())).toEqual(Array.from(t.dataSync())));
    dispose([...xs, ...whole, ...chunked]);
    net.dispose();
  });
});

// Prediction plans keep each dense kernel packed for the GEMM (plan.ts NODE_PACKED) and pack it again only when some
// weights changed: a kept plan must then give the bits of a fresh plan, which packs the current weights.
describe('kernels packed once per weight version', () => {
  const x = tensor(seededValues(16 * 40, 7), [16, 40]), y = tensor(seededValues(16 * 3, 8), [16, 3]);
  const bits = (net: Model, input: Tensor = x): number[] => {
    const out = net.predict(input) as Tensor;
    try {
      return Array.from(out.dataSync());
    } finally {
      out.dispose();
    }
  };
  /** Bits of a fresh plan: setWeights frees the kept plans. */
  const freshBits = (net: Model, input: Tensor = x): number[] => {
    const weights = net.getWeights();
    net.setWeights(weights);
    dispose(weights);
    return bits(net, input);
  };

  it('a kept plan packs again after trainOnBatch and fit, and gives the bits of a fresh plan', async () => {
    const net = sequential([dense({ units: 24, activation: 'relu', inputShape: [40] }), dense({ units: 3 })], { seed: 3 });
    net.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const before = bits(net);
    expect(bits(net)).toEqual(before);
    net.trainOnBatch(x, y);
    const afterStep = bits(net);
    expect(afterStep).not.toEqual(before);
    expect(freshBits(net)).toEqual(afterStep);
    await net.fit(x, y, { epochs: 2, batchSize: 8 });
    const afterFit = bits(net);
    expect(afterFit).not.toEqual(afterStep);
    expect(freshBits(net)).toEqual(afterFit);
    net.dispose();
  });

  it('a layer shared by two models: training or setWeights through one repacks the other\'s kept plan', () => {
    const shared = dense({ units: 24, activation: 'tanh' });
    const a = layers.input({ shape: [40] }), b = layers.input({ shape: [40] });
    const first = model({ inputs: a, outputs: dense({ units: 3 }).apply(shared.apply(a)), seed: 4 });
    const second = model({ inputs: b, outputs: dense({ units: 3 }).apply(shared.apply(b)), seed: 5 });
    second.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const before = bits(first);
    second.trainOnBatch(x, y);
    const trained = bits(first);
    expect(trained).not.toEqual(before);
    const third = sequential([dense({ units: 24, activation: 'tanh', inputShape: [40] }), dense({ units: 3 })], { seed: 6 });
    const weights = third.getWeights(), own = second.getWeights();
    second.setWeights([weights[0], weights[1], own[2], own[3]]);
    const set = bits(first);
    expect(set).not.toEqual(trained);
    expect(freshBits(first)).toEqual(set);
    dispose([...weights, ...own]);
    for (const net of [first, second, third]) net.dispose();
  });
});
