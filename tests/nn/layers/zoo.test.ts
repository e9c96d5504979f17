// Every layer kind together in two models (an image model and a sequence model): they train in fit, the same bits on
// one thread and two (products large enough to be split), a steady-state training step allocates nothing, and a saved
// model predicts the same bits. Each kind's values and gradients are checked in its own suite.
import { describe, expect, it } from 'vitest';
import { adam, dense, dispose, layers, loadModel, memory, model, setThreads, tensor, threads, type Model, type Tensor } from '../../../src/index';
import { heapStats } from '../../../src/runtime/heap';
import { splitsOverThreads } from '../../builds';
import { failOnLeaks, seededValues } from '../../reference';
import { weightsOf } from './check';

failOnLeaks();

const ROWS = 32, SIDE = 16, LENGTH = 12, VOCAB = 30;

/** conv2d → batch norm → pooling → depthwise → separable → padding, cropping, up-sampling → transposed conv → … */
function imageModel(): Model {
  const x = layers.input({ shape: [SIDE, SIDE, 3] });
  let h = layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  h = layers.batchNormalization().apply(h);
  h = layers.maxPooling2d().apply(h); // [8, 8, 32]
  h = layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1 }).apply(h);
  h = layers.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'swish' }).apply(h);
  h = layers.cropping2d({ cropping: 1 }).apply(layers.zeroPadding2d({ padding: 1 }).apply(h)); // [8, 8, 8]
  h = layers.upSampling2d({ size: 2 }).apply(layers.averagePooling2d({ poolSize: 2 }).apply(h)); // [8, 8, 8]
  h = layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }).apply(h); // [16, 16, 4]
  h = layers.layerNormalization().apply(layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, dilationRate: 1 }).apply(h)); // [7, 7, 6]
  const pooled = layers.concatenate().apply([layers.globalAveragePooling2d().apply(h), layers.globalMaxPooling2d().apply(h)]);
  return model({ inputs: x, outputs: dense({ units: 3, activation: 'softmax' }).apply(pooled), seed: 11 });
}

/** embedding → conv1d → pooling → permute → repeatVector → reshape → flatten → dense. */
function sequenceModel(): Model {
  const x = layers.input({ shape: [LENGTH] });
  let h = layers.embedding({ inputDim: VOCAB, outputDim: 8 }).apply(x); // [12, 8]
  h = layers.conv1d({ filters: 6, kernelSize: 3, activation: 'elu' }).apply(h); // [10, 6]
  h = layers.averagePooling1d({ poolSize: 1 }).apply(layers.maxPooling1d().apply(h)); // [5, 6]
  h = layers.globalMaxPooling1d().apply(layers.permute({ dims: [2, 1] }).apply(h)); // [5]
  h = layers.flatten().apply(layers.reshape({ targetShape: [5, 3] }).apply(layers.repeatVector({ n: 3 }).apply(h)));
  h = layers.globalAveragePooling1d().apply(layers.reshape({ targetShape: [3, 5] }).apply(h));
  return model({ inputs: x, outputs: dense({ units: 1, activation: 'sigmoid' }).apply(h), seed: 12 });
}

const cases = [
  { name: 'image model', make: imageModel, loss: 'sparseCategoricalCrossentropy' as const,
    data: (): Tensor[] => [tensor(seededValues(ROWS * SIDE * SIDE * 3, 1, 2), [ROWS, SIDE, SIDE, 3]), tensor(Array.from({ length: ROWS }, (_, i) => i % 3))] },
  { name: 'sequence model', make: sequenceModel, loss: 'binaryCrossentropy' as const,
    data: (): Tensor[] => [tensor(Array.from({ length: ROWS * LENGTH }, (_, i) => (i * 7 + (i >> 3)) % VOCAB), [ROWS, LENGTH]),
      tensor(Array.from({ length: ROWS }, (_, i) => i % 2), [ROWS, 1])] },
];

/** The weights after 2 epochs of fit (batch 16, no shuffle) from the model's seeded start, as bits. */
async function trained(make: () => Model, loss: 'sparseCategoricalCrossentropy' | 'binaryCrossentropy', x: Tensor, y: Tensor): Promise<number[][]> {
  const net = make();
  net.compile({ optimizer: adam({ learningRate: 0.01 }), loss });
  const history = await net.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false });
  expect(history.history.loss.every(Number.isFinite)).toBe(true);
  const bits = weightsOf(net).map((w) => Array.from(new Uint32Array(Float32Array.from(w).buffer)));
  net.dispose();
  return bits;
}

describe('every layer kind in one model', () => {
  it('the image model\'s first convolution is split over threads (forward and filter gradient)', () => {
    expect(splitsOverThreads(ROWS * SIDE * SIDE, 27, 32)).toBe(true);
    expect(splitsOverThreads(27, ROWS * SIDE * SIDE, 32)).toBe(true);
  });

  it.each(cases)('$name: fit gives the same bits on one thread and two', async ({ make, loss, data }) => {
    const [x, y] = data();
    await setThreads(1);
    const one = await trained(make, loss, x, y);
    await setThreads(2);
    const two = threads().active === 2 ? await trained(make, loss, x, y) : one;
    await setThreads(1);
    expect(two).toEqual(one);
    dispose([x, y]);
  });

  it.each(cases)('$name: a steady-state training step allocates nothing; predict repeats its bits, and so does a saved model', async ({ make, loss, data }) => {
    const [x, y] = data(), net = make();
    await setThreads(2); // (the pool's state is what an instance's gemm at address 0 overwrote)
    net.compile({ optimizer: adam({ learningRate: 0.01 }), loss });
    await net.trainOnBatch(x, y);
    const before = { ...memory(), ...heapStats() };
    for (let i = 0; i < 5; i++) await net.trainOnBatch(x, y);
    expect({ ...memory(), ...heapStats() }).toEqual(before);
    const loaded = await loadModel(await net.save());
    const [a, again, b] = [net.predict(x) as Tensor, net.predict(x) as Tensor, loaded.predict(x) as Tensor];
    // Predicting again gives the same bits: a prediction plan's small products run on the host (it has no GEMM
    // workspace of its own; a transposed convolution's once ran in the instance on a workspace at address 0).
    expect(Array.from(again.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    await setThreads(1);
    dispose([x, y, a, again, b]);
    net.dispose();
    loaded.dispose();
  });

  it('a prediction plan runs its small products on the host: a transposed convolution predicts the same bits twice', () => {
    // Its products once ran in the instance on the GEMM workspace of a prediction plan, which has none (address 0).
    const x = layers.input({ shape: [SIDE, SIDE, 3] });
    let h = layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(layers.maxPooling2d().apply(x));
    h = layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }).apply(h);
    const net = model({ inputs: x, outputs: dense({ units: 3 }).apply(layers.flatten().apply(h)), seed: 11 });
    const data = tensor(Array.from({ length: ROWS * SIDE * SIDE * 3 }, (_, i) => Math.sin(i * 0.37) * 2), [ROWS, SIDE, SIDE, 3]);
    const [a, b] = [net.predict(data) as Tensor, net.predict(data) as Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    dispose([data, a, b]);
    net.dispose();
  });
});
