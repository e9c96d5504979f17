// Models holding every simdeep layer kind, with seeded random weights (moving variances positive), for the ONNX
// export and import suites.
import { dense, input, layers, model, sequential, tensor, type Model, type Tensor } from '../../../src/index';

/** A seeded uniform stream in [-1, 1) (mulberry32). */
export function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  };
}

/** Gives every weight of `net` random values (variances in [0.5, 1.5)), so that nothing exported is trivial. */
export function randomize(net: Model, seed: number): void {
  const next = uniforms(seed);
  const values = net.weights.map((w) => tensor(Float32Array.from({ length: w.size }, () => (w.name.endsWith('variance') ? 1 + next() / 2 : next())), [...w.shape]));
  net.setWeights(values);
  values.forEach((v) => v.dispose());
}

/** A batch of `rows` samples for each input of `net` (indices for an input an Embedding reads). */
export function batchFor(net: Model, rows: number, seed: number, indices = 0): Tensor[] {
  const next = uniforms(seed);
  return net.inputs.map((t, i) => {
    const n = rows * t.width;
    const data = Float32Array.from({ length: n }, () => (i < indices ? Math.floor((next() + 1) * 4.99) : 2 * next()));
    return tensor(data, [rows, ...t.dims]);
  });
}

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'selu', 'relu6', 'hardSigmoid', 'softplus', 'gelu', 'swish', 'softmax'] as const;

/** Each case: a name, the model, and how many of its inputs take indices (Embedding). */
export function everyLayerModels(): { name: string; net: Model; indices: number }[] {
  const cases: { name: string; net: Model; indices: number }[] = [];
  cases.push({ name: 'dense with every activation', indices: 0,
    net: sequential([dense({ units: 6, inputShape: [5] }), ...ACTIVATIONS.map((activation) => dense({ units: 6, activation }))]) });
  cases.push({ name: 'activation layers, dense on sequences, dropout, flatten', indices: 0,
    net: sequential([dense({ units: 4, activation: 'swish', inputShape: [3, 5] }), layers.dropout({ rate: 0.3 }),
      ...ACTIVATIONS.map((activation) => layers.activation({ activation })), dense({ units: 3, useBias: false }), layers.flatten(), dense({ units: 2 })]) });
  cases.push({ name: 'conv2d, depthwise, separable, pooling 2-D, batch normalization', indices: 0,
    net: sequential([layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [9, 8, 3] }),
      layers.batchNormalization(),
      layers.conv2d({ filters: 3, kernelSize: [2, 3], dilationRate: 2, padding: 'same', useBias: false }),
      layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'tanh' }),
      layers.separableConv2d({ filters: 5, kernelSize: 2, depthMultiplier: 2, activation: 'elu' }),
      layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }), layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.conv2d({ filters: 2, kernelSize: 1 }), layers.flatten(), dense({ units: 3, activation: 'softmax' })]) });
  cases.push({ name: 'conv1d, pooling 1-D, global pooling 1-D', indices: 0,
    net: sequential([layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [11, 2] }), layers.maxPooling1d({ poolSize: 2 }),
      layers.conv1d({ filters: 3, kernelSize: 2, strides: 2, activation: 'gelu' }), layers.averagePooling1d({ poolSize: 2, strides: 1, padding: 'same' }),
      layers.globalMaxPooling1d()]) });
  cases.push({ name: 'conv2dTranspose, up-sampling, zero padding, cropping, global pooling 2-D', indices: 0,
    net: sequential([layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, inputShape: [4, 5, 2] }),
      layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
      layers.conv2dTranspose({ filters: 2, kernelSize: 1, strides: 2 }),
      layers.upSampling2d({ size: [2, 1] }), layers.upSampling2d({ size: [1, 3], interpolation: 'bilinear' }),
      layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), layers.cropping2d({ cropping: [[2, 1], [3, 1]] }),
      layers.globalAveragePooling2d({ keepDims: true }), layers.flatten(), dense({ units: 2 })]) });
  cases.push({ name: 'embedding, layer normalization, repeat vector, permute, reshape, global pooling', indices: 1,
    net: sequential([layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputShape: [6] }), layers.layerNormalization({ epsilon: 1e-3 }),
      layers.globalAveragePooling1d(), layers.repeatVector({ n: 3 }), layers.permute({ dims: [2, 1] }), layers.reshape({ targetShape: [2, 6] }),
      layers.layerNormalization({ center: false }), layers.flatten(), dense({ units: 2 })]) });
  const a = input({ shape: [4] }), b = input({ shape: [4] }), c = input({ shape: [2, 3, 2] });
  const hidden = dense({ units: 4, activation: 'relu' }).apply(a);
  const sum = layers.add().apply([hidden, b, a]), product = layers.multiply().apply([sum, b]), mean = layers.average().apply([product, hidden]);
  const pooled = layers.globalAveragePooling2d().apply(c);
  const joined = layers.concatenate().apply([mean, layers.dense({ units: 3 }).apply(pooled), pooled]);
  cases.push({ name: 'functional: merges, two outputs, three inputs', indices: 0,
    net: model({ inputs: [a, b, c], outputs: [dense({ units: 2, activation: 'softmax' }).apply(joined), layers.add().apply([hidden, a])] }) });
  cases.forEach(({ net }, i) => randomize(net, 1000 + i));
  return cases;
}
