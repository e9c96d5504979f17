// predict gives the same bits at any batch size, on every build and thread count: prediction plans run every
// product through the host's GEMM (the relaxed build where it runs), so a row computed alone, in a small chunk or in
// the whole batch takes the same kernel; and evaluate agrees with the losses of those predictions.
import { expect, it } from 'vitest';
import { dense, dispose, layers, model, sequential, tensor, type Tensor } from '../../src/index';
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
