// The Keras / TF.js topology (src/io/keras-topology.ts): simdeep models out in the form tfjs-layers reads, and in
// from what TF.js and Keras write, for every layer kind; errors name the layer, its class and the key.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, kerasWeightNames, layers, memory, model, modelFromTopology, modelToTopology, sequential, type Model } from '../../src/index';
import { failOnLeaks } from '../reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A TF.js model of the simdeep model's topology, with its weights. */
async function inTfjs(net: Model): Promise<tfl.LayersModel> {
  const topology = modelToTopology(net);
  const weights = net.weights;
  const specs = weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const }));
  const data = new Float32Array(weights.reduce((s, w) => s + w.size, 0));
  let at = 0;
  for (const w of weights) {
    data.set(w.dataSync(), at);
    at += w.size;
  }
  return tfl.loadLayersModel(tf.io.fromMemory(topology as never, specs, data.buffer));
}

describe('modelToTopology', () => {
  failOnLeaks();

  it('writes a Sequential that tfjs-layers loads, leaky ReLU as its own layer', async () => {
    const net = sequential([dense({ units: 4, activation: 'leakyRelu', inputShape: [3] }), dense({ units: 2, activation: 'softmax' })]);
    const topology = modelToTopology(net);
    expect(topology.config.layers.map((l) => l.class_name)).toEqual(['Dense', 'LeakyReLU', 'Dense']);
    const peer = await inTfjs(net);
    expect(peer.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_1_leaky_re_lu', 'dense_2']);
    expect(kerasWeightNames(net)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    peer.dispose();
    net.dispose();
  });

  it('round-trips a functional model through modelFromTopology', () => {
    const x = input({ shape: [4] });
    const a = dense({ units: 3, activation: 'relu' }).apply(x);
    const b = dense({ units: 3, activation: 'leakyRelu' }).apply(x);
    const net = model({ inputs: x, outputs: layers.add().apply([a, b]) });
    const before = memory();
    const copy = modelFromTopology(modelToTopology(net), 'load');
    expect(copy.layers.map((l) => l.className)).toEqual(net.layers.map((l) => l.className).flatMap((c, i) => (i === 1 ? [c, 'Activation'] : [c])));
    copy.dispose();
    expect(memory().numBytes).toBe(before.numBytes);
    net.dispose();
  });
});
