// layers.embedding: a model's forward against float64 loops, the gradient of a training step (the table's scatter-add
// included, with maskZero and with the layer shared by two inputs) against float64 central differences, file round
// trips, option errors naming the option, and index checks naming the sample and position when the data arrive.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dense, dispose, Embedding, input, layers, memory, model, sequential, sgd, tensor, zeros, type Tensor } from '../../../src/index';
import { heapStats } from '../../../src/runtime/heap';
import { expectThrowsClean, failOnLeaks, seededValues } from '../../reference';
import { denseRef, expectForward, expectRoundTrip, expectStepIsGradient, weightsOf } from './check';

failOnLeaks();

/** Rows of `table` [, dim] for each index in ids (zeros for 0 under maskZero), float64. */
function lookup(table: Float64Array, ids: ArrayLike<number>, dim: number, maskZero: boolean): Float64Array {
  const out = new Float64Array(ids.length * dim);
  Array.from(ids).forEach((id, t) => {
    if (!(maskZero && id === 0)) out.set(table.subarray(id * dim, id * dim + dim), t * dim);
  });
  return out;
}

/** Indices in [0, inputDim), with some zeros and repeats: n of them from a seeded stream. */
const indices = (n: number, inputDim: number, seed: number): number[] =>
  Array.from(seededValues(n, seed), (v) => Math.min(inputDim - 1, Math.floor(Math.abs(v) * inputDim)));

const ROWS = 6, T = 5, VOCAB = 7, DIM = 3;

describe('layers.embedding', () => {
  it('predicts each index\'s row of the table exactly, over odd sizes, one row, and maskZero (property)', () => {
    const arbCase = fc.record({
      rows: fc.constantFrom(1, 2, 5), t: fc.constantFrom(1, 3, 7), inputDim: fc.constantFrom(1, 2, 17), outputDim: fc.constantFrom(1, 3, 4, 5, 9),
      maskZero: fc.boolean(), seed: fc.nat({ max: 1000 }),
    });
    fc.assert(fc.property(arbCase, ({ rows, t, inputDim, outputDim, maskZero, seed }) => {
      const net = sequential([layers.embedding({ inputDim, outputDim, maskZero, inputLength: t })], { seed });
      const ids = indices(rows * t, inputDim, seed + 1), x = tensor(ids, [rows, t]);
      const out = net.predict(x) as Tensor;
      expect(out.shape).toEqual([rows, t, outputDim]);
      expect(Array.from(out.dataSync())).toEqual(Array.from(lookup(weightsOf(net)[0], ids, outputDim, maskZero)));
      dispose([x, out]);
      net.dispose();
    }), { numRuns: 60 });
  });

  for (const maskZero of [false, true]) {
    it(`embedding → flatten → dense(tanh) → dense: forward, training-step gradient and round trip (maskZero ${maskZero})`, async () => {
      const net = sequential([layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: T, maskZero }), layers.flatten(),
        dense({ units: 4, activation: 'tanh' }), dense({ units: 2 })], { seed: 3 });
      const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array =>
        denseRef(denseRef(lookup(w[0], x, DIM, maskZero), w[1], w[2], T * DIM, 4, true), w[3], w[4], 4, 2, false);
      const ids = indices(ROWS * T, VOCAB, 1);
      ids[0] = 0; // padding in the first sample under maskZero
      const x = tensor(ids, [ROWS, T]), y = tensor(seededValues(ROWS * 2, 2), [ROWS, 2]);
      // float32 sums of ≤ 15 terms of magnitude ≤ 0.05·0.6: far below 1e-6 relative
      expectForward(net, x, ref, 1e-6);
      await expectStepIsGradient(net, x, y, ref);
      await expectRoundTrip(net, x);
      dispose([x, y]);
      net.dispose();
    });
  }

  it('a table shared by two inputs adds both calls\' scatter-adds; samples of two axes give [null, 2, 3, outputDim]', async () => {
    const a = input({ shape: [2, 3], name: 'a' }), b = input({ shape: [2, 3], name: 'b' });
    const shared = layers.embedding({ inputDim: VOCAB, outputDim: DIM, name: 'words' });
    const ea = shared.apply(a), eb = shared.apply(b);
    expect(ea.shape).toEqual([null, 2, 3, DIM]);
    const joined = layers.concatenate().apply([layers.flatten().apply(ea), layers.flatten().apply(eb)]);
    const net = model({ inputs: [a, b], outputs: dense({ units: 2 }).apply(joined), seed: 5 });
    const xa = tensor(indices(ROWS * 6, VOCAB, 3), [ROWS, 2, 3]), xb = tensor(indices(ROWS * 6, VOCAB, 4), [ROWS, 2, 3]);
    const y = tensor(seededValues(ROWS * 2, 6), [ROWS, 2]);
    // Weights: the table, then the dense kernel and bias. x below is the two inputs' values, a's then b's.
    const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array => {
      const rows = x.length / 12, joinedRows = new Float64Array(rows * 12 * DIM);
      for (let r = 0; r < rows; r++) {
        joinedRows.set(lookup(w[0], x.subarray(r * 6, r * 6 + 6), DIM, false), r * 12 * DIM);
        joinedRows.set(lookup(w[0], x.subarray(rows * 6 + r * 6, rows * 6 + r * 6 + 6), DIM, false), r * 12 * DIM + 6 * DIM);
      }
      return denseRef(joinedRows, w[1], w[2], 12 * DIM, 2, false);
    };
    // check.ts takes one x tensor: compare by hand here, through the same reference.
    const w = net.getWeights(), weights = w.map((t) => Float64Array.from(t.dataSync()));
    dispose(w);
    const flat = Float64Array.of(...xa.dataSync(), ...xb.dataSync());
    const want = ref(weights, flat), got = net.predict([xa, xb]) as Tensor;
    got.dataSync().forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i]))));
    got.dispose();
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    await net.fit([xa, xb], y, { epochs: 1, batchSize: ROWS, shuffle: false });
    const w1 = net.getWeights(), after = Float64Array.from(w1[0].dataSync());
    dispose(w1);
    const h = 1e-5, loss = (table: Float64Array): number => {
      const p = ref([table, weights[1], weights[2]], flat);
      return p.reduce((s, v, i) => s + (v - y.dataSync()[i]) ** 2, 0) / p.length;
    };
    weights[0].forEach((v, i) => {
      const up = weights[0].slice(), down = weights[0].slice();
      up[i] = v + h;
      down[i] = v - h;
      const numeric = (loss(up) - loss(down)) / (2 * h), applied = (v - after[i]) / 0.1;
      expect(Math.abs(applied - numeric), `table[${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v)) / 0.1 + 1e-4 * Math.abs(numeric));
    });
    dispose([xa, xb, y]);
    net.dispose();
  });

  it('fit, evaluate and predict name the sample and position of an index out of range or not an integer', async () => {
    const net = sequential([layers.embedding({ inputDim: 10000, outputDim: 2, inputLength: 20 }), layers.flatten(), dense({ units: 1 })]);
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const data = new Float32Array(4 * 20);
    data[3 * 20 + 17] = 10000;
    const x = tensor(data, [4, 20]), y = zeros([4, 1]);
    await expect(net.fit(x, y)).rejects.toThrow('fit: x[3, 17] is 10000, not an index in [0, 10000) of embedding_1');
    expectThrowsClean(() => net.evaluate(x, y), RangeError, ['evaluate: x[3, 17] is 10000, not an index in [0, 10000) of embedding_1'], memory);
    const bad = tensor([[...new Array(19).fill(1), -1], [...new Array(19).fill(2), 0.5]]);
    expectThrowsClean(() => net.predict(bad), RangeError, ['predict: x[0, 19] is -1, not an index'], memory);
    const nan = tensor([[...new Array(19).fill(1), NaN]]);
    expectThrowsClean(() => net.predict(nan), RangeError, ['predict: x[0, 19] is NaN'], memory);
    dispose([x, y, bad, nan]);
    net.dispose();
  });

  it('options: defaults as Keras, errors naming the option', () => {
    const e = layers.embedding({ inputDim: 4, outputDim: 2 });
    expect(e).toBeInstanceOf(Embedding);
    expect(e.embeddingsInitializer.config).toEqual({ name: 'randomUniform', min: -0.05, max: 0.05 });
    expect(e.maskZero).toBe(false);
    const net = sequential([layers.embedding({ inputDim: 50, outputDim: 8, inputShape: [3] })], { seed: 1 });
    const [table] = net.getWeights();
    expect(Math.max(...Array.from(table.dataSync(), Math.abs))).toBeLessThanOrEqual(0.05);
    dispose([table]);
    net.dispose();
    expect(() => layers.embedding({ inputDim: 0, outputDim: 2 })).toThrow(/embedding: inputDim must be in \[1, 16777216\], got 0/);
    expect(() => layers.embedding({ inputDim: 2 ** 24 + 1, outputDim: 2 })).toThrow(/embedding: inputDim/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 1.5 })).toThrow(/embedding: outputDim must be an integer, got 1.5/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, maskZero: 'yes' as unknown as boolean })).toThrow(/embedding: maskZero must be true or false/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, inputLength: 4, inputShape: [5] })).toThrow(/embedding: inputLength 4 disagrees with inputShape \[5\]/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, embeddingsRegularizer: 'l3' } as never)).toThrow(/embedding: .*embeddingsRegularizer/);
    expect(() => layers.embedding({ inputDim: 3, outputDim: 2, embeddingsInitializer: 'nope' })).toThrow(/embedding: embeddingsInitializer must be one of/);
  });
});

describe('layers.embedding in steady state', () => {
  it('trainOnBatch through embedding, permute and repeatVector allocates nothing after the first steps', async () => {
    const net = sequential([layers.embedding({ inputDim: VOCAB, outputDim: DIM, inputLength: T, maskZero: true }), layers.permute({ dims: [2, 1] }),
      dense({ units: 1 }), layers.flatten(), layers.repeatVector({ n: 2 }), layers.flatten(), dense({ units: 2 })], { seed: 8 });
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const x = tensor(indices(ROWS * T, VOCAB, 9), [ROWS, T]), y = tensor(seededValues(ROWS * 2, 10), [ROWS, 2]);
    await net.trainOnBatch(x, y);
    const before = { ...memory(), ...heapStats() };
    for (let i = 0; i < 20; i++) await net.trainOnBatch(x, y);
    expect({ ...memory(), ...heapStats() }).toEqual(before);
    dispose([x, y]);
    net.dispose();
  });
});
