// What the TF.js format suites share: the real tfjs-layers on its CPU backend, models of every layer kind trained a
// few steps in simdeep, and predictions compared within 1e-6 relative (|a − b| ≤ 1e-6·(1 + |b|)).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { dense, dropout, layers, model, sequential, tensor, type Model, type ModelArtifacts, type Tensor } from '../../src/index';
import { seededValues } from '../reference';

export { tf, tfl };

/** TF.js's CPU backend, once. */
export async function tfReady(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Values a and b agree within 1e-6 relative. */
export function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, context: string): void {
  expect(got.length, context).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = 1e-6 * (1 + Math.abs(want[i]));
    if (!(Math.abs(got[i] - want[i]) <= bound)) throw new Error(`${context}: output ${i} is ${got[i]}, expected ${want[i]} (|diff| ${Math.abs(got[i] - want[i])})`);
  }
}

/** One model input: its sample shape and, for indices, the vocabulary. */
export interface InputSpec {
  shape: number[];
  vocab?: number;
}

/** Seeded inputs of `rows` rows: uniform in [-1, 1], or integer indices below `vocab`. */
export function inputValues(spec: InputSpec, rows: number, seed: number): Float64Array {
  const n = rows * spec.shape.reduce((a, b) => a * b, 1);
  const v = seededValues(n, seed);
  return spec.vocab ? v.map((x) => Math.floor(((x + 1) / 2) * spec.vocab!) % spec.vocab!) : v;
}

/** A model of some layer kinds, its inputs and its output width. */
export interface Case {
  name: string;
  build: () => Model;
  inputs: InputSpec[];
  outputs: number;
  /** TF.js has no gradient for some of its layers (dilated convolutions): its copy gets random weights instead of training. */
  untrainableInTfjs?: boolean;
  /** The loss trained on (default meanSquaredError; targets are then made rows of probabilities for a softmax). */
  loss?: 'categoricalCrossentropy';
}

const img = (shape: number[]): InputSpec => ({ shape });

/** Models covering every layer kind both libraries have. */
export const CASES: Case[] = [
  { name: 'dense, dropout and every activation', inputs: [img([5])], outputs: 3, loss: 'categoricalCrossentropy', build: () => sequential([
    dense({ units: 8, activation: 'relu', inputShape: [5] }), dropout({ rate: 0.2 }), dense({ units: 6, activation: 'leakyRelu' }),
    layers.activation({ activation: 'tanh' }), dense({ units: 6, activation: 'gelu' }), dense({ units: 6, activation: 'swish' }),
    dense({ units: 6, activation: 'elu' }), dense({ units: 6, activation: 'selu' }), dense({ units: 6, activation: 'relu6' }),
    dense({ units: 6, activation: 'hardSigmoid' }), dense({ units: 6, activation: 'softplus' }), layers.activation({ activation: 'leakyRelu' }),
    dense({ units: 6, activation: 'sigmoid' }), dense({ units: 3, activation: 'softmax' }),
  ], { seed: 1 }) },
  { name: 'conv1d, 1-D pooling, permute, repeatVector, reshape', inputs: [img([8, 3])], outputs: 2, build: () => sequential([
    layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'elu', inputShape: [8, 3] }), layers.maxPooling1d({ poolSize: 2 }),
    layers.averagePooling1d({ poolSize: 2, strides: 1 }), layers.permute({ dims: [2, 1] }), layers.globalAveragePooling1d(),
    layers.repeatVector({ n: 3 }), layers.reshape({ targetShape: [9, 1] }), layers.conv1d({ filters: 2, kernelSize: 2 }),
    layers.globalMaxPooling1d(),
  ], { seed: 2 }) },
  { name: 'conv2d, 2-D pooling, padding, cropping, up-sampling, flatten', inputs: [img([6, 6, 2])], outputs: 2, build: () => sequential([
    layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2] }), layers.zeroPadding2d({ padding: [[1, 0], [0, 2]] }),
    layers.cropping2d({ cropping: [[0, 1], [1, 1]] }), layers.maxPooling2d({ poolSize: 2 }), layers.upSampling2d({ size: 2, interpolation: 'bilinear' }),
    layers.upSampling2d({ size: [2, 1] }), layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    layers.conv2d({ filters: 2, kernelSize: 2, strides: 2 }), layers.flatten(), dense({ units: 2 }),
  ], { seed: 3 }) },
  { name: 'depthwise, separable and transposed convolutions, global 2-D pooling', inputs: [img([5, 5, 2])], outputs: 6, build: () => {
    const x = layers.input({ shape: [5, 5, 2] });
    let h = layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'tanh' }).apply(x);
    h = layers.separableConv2d({ filters: 3, kernelSize: 2, activation: 'swish' }).apply(h);
    h = layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(h);
    const out = layers.concatenate().apply([layers.globalAveragePooling2d().apply(h), layers.globalMaxPooling2d().apply(h)]);
    return model({ inputs: x, outputs: out, seed: 4 });
  } },
  { name: 'dilated convolutions', inputs: [img([7, 7, 2])], outputs: 6, untrainableInTfjs: true, build: () => sequential([
    layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, inputShape: [7, 7, 2] }), layers.separableConv2d({ filters: 3, kernelSize: 2, dilationRate: [1, 2], padding: 'same' }),
    layers.reshape({ targetShape: [9, 3] }), layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 3, activation: 'softplus' }), layers.flatten(),
  ], { seed: 8 }) },
  { name: 'embedding and normalization', inputs: [{ shape: [6], vocab: 7 }], outputs: 1, build: () => sequential([
    layers.embedding({ inputDim: 7, outputDim: 4, inputShape: [6] }), layers.batchNormalization({ momentum: 0.5 }), layers.layerNormalization({ epsilon: 1e-4 }),
    layers.flatten(), dense({ units: 1, activation: 'sigmoid' }),
  ], { seed: 5 }) },
  { name: 'merge layers on two inputs', inputs: [img([4]), img([4])], outputs: 9, build: () => {
    const a = layers.input({ shape: [4], name: 'left' }), b = layers.input({ shape: [4], name: 'right' });
    const shared = dense({ units: 3, activation: 'tanh' });
    const [sa, sb] = [shared.apply(a), shared.apply(b)];
    const out = layers.concatenate().apply([layers.add().apply([sa, sb]), layers.multiply().apply([sa, sb]), layers.average().apply([sa, sb])]);
    return model({ inputs: [a, b], outputs: out, seed: 6 });
  } },
];

/** The case's model, trained a few steps on seeded data (so no weight keeps its initial value). */
export async function trained(c: Case): Promise<Model> {
  const net = c.build();
  net.compile({ loss: c.loss ?? 'meanSquaredError', optimizer: 'adam' });
  const xs = c.inputs.map((s, i) => tensor(Array.from(inputValues(s, 16, 10 + i)), [16, ...s.shape]));
  const targets = Array.from(seededValues(16 * c.outputs, 99), (v, i) => (c.loss ? (i % c.outputs === 0 ? 1 : 0) : v));
  const y = tensor(targets, [16, c.outputs]);
  await net.fit(xs.length === 1 ? xs[0] : xs, y, { epochs: 3, batchSize: 4, seed: 7 });
  [...xs, y].forEach((t) => t.dispose());
  return net;
}

/** simdeep's predictions for the case's test inputs (8 rows, seeds apart from training's). */
export function simdeepPredict(net: Model, c: Case): Float32Array {
  const xs = c.inputs.map((s, i) => tensor(Array.from(inputValues(s, 8, 50 + i)), [8, ...s.shape]));
  const out = net.predict(xs.length === 1 ? xs[0] : xs) as Tensor;
  const values = out.dataSync().slice();
  [...xs, out].forEach((t) => t.dispose());
  return values;
}

/** TF.js's predictions of a loaded model for the case's test inputs. */
export function tfjsPredict(peer: tfl.LayersModel, c: Case): Float32Array {
  const xs = c.inputs.map((s, i) => tf.tensor(Array.from(inputValues(s, 8, 50 + i)), [8, ...s.shape]));
  const out = peer.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  tf.dispose([...xs, out]);
  return values;
}

/** What tf.io.withSaveHandler hands over when a TF.js model saves. */
export async function tfjsArtifacts(peer: tfl.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await peer.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts as ModelArtifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}
