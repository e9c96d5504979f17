// Regularizers and constraints in the Keras / TF.js topology (src/io/keras-layers.ts, keras-config.ts): written as
// tfjs-layers 4.22 writes them and loaded by it, read back from its own toJSON, and read from Keras 3's form; a
// weight-regularized Dense trained one epoch here and in TF.js gives the same loss and weights.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { constraints, dense, layers, loadModel, regularizers, sequential, sgd, tensor, type Model, type Tensor } from '../../src/index';
import { kerasWeightNames, modelFromTopology, modelToTopology } from '../../src/formats';
import { failOnLeaks, seededValues } from '../reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

failOnLeaks();

/** A TF.js model of the simdeep model's topology, with its weights. */
async function inTfjs(net: Model): Promise<tfl.LayersModel> {
  const weights = net.weights, names = kerasWeightNames(net);
  const specs = weights.map((w, i) => ({ name: names[i], shape: [...w.shape], dtype: 'float32' as const }));
  const data = new Float32Array(weights.reduce((s, w) => s + w.size, 0));
  let at = 0;
  for (const w of weights) { data.set(w.dataSync(), at); at += w.size; }
  return tfl.loadLayersModel(tf.io.fromMemory(modelToTopology(net) as never, specs, data.buffer));
}

/** A model with a regularizer or constraint on every weight kind (and activity penalties with `activity`). */
const ruled = (activity: boolean): Model => sequential([
  layers.embedding({ inputDim: 9, outputDim: 4, inputLength: 6, embeddingsRegularizer: regularizers.l1({ l1: 0.002 }), embeddingsConstraint: 'unitNorm' }),
  layers.reshape({ targetShape: [6, 4, 1] }),
  layers.conv2d({ filters: 3, kernelSize: 2, kernelRegularizer: 'l2', biasConstraint: constraints.maxNorm({ maxValue: 1.5, axis: 0 }),
    ...(activity ? { activityRegularizer: regularizers.l1l2({ l1: 0.001, l2: 0.003 }) } : {}) }),
  layers.depthwiseConv2d({ kernelSize: 2, depthwiseRegularizer: regularizers.l2({ l2: 0.02 }), ...(activity ? { depthwiseConstraint: 'nonNeg' as const } : {}) }),
  layers.separableConv2d({ filters: 2, kernelSize: 1, pointwiseConstraint: constraints.unitNorm({ axis: 2 }), biasRegularizer: 'l1' }),
  layers.batchNormalization({ gammaRegularizer: 'l2', betaConstraint: 'nonNeg' }),
  layers.flatten(),
  dense({ units: 3, kernelRegularizer: regularizers.l1l2({ l1: 0.01, l2: 0.02 }), kernelConstraint: constraints.maxNorm({ maxValue: 2 }),
    biasConstraint: 'nonNeg', ...(activity ? { activityRegularizer: 'l2' as const } : {}) }),
], { seed: 4 });

describe('regularizers and constraints in the TF.js topology', () => {
  it('written as tfjs-layers writes them: it loads each, and its own toJSON reads back to the same options', async () => {
    const net = ruled(false);
    const peer = await inTfjs(net);
    try {
      const dense1 = peer.layers.at(-1)!.getConfig();
      expect(dense1.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0.02 } });
      expect(dense1.kernelConstraint).toEqual({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } });
      expect(dense1.biasConstraint).toEqual({ className: 'NonNeg', config: {} });
      expect(peer.layers[0].getConfig().embeddingsConstraint).toEqual({ className: 'UnitNorm', config: { axis: 0 } });
      expect(peer.layers[3].getConfig().depthwiseRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.02 } });
      expect(peer.layers[5].getConfig().gammaRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.01 } });
      const back = modelFromTopology(peer.toJSON(null, false), 'load');
      // (TF.js 4.22 writes a depthwise convolution's regularizer as its depthwise_constraint too, and drops the constraint.)
      expect(back.layers.map(configOf)).toEqual(net.layers.map(configOf));
      back.dispose();
    } finally {
      peer.dispose();
      net.dispose();
    }
  });

  it('writes activity regularizers as Keras does (TF.js 4.22 refuses to call a layer that has one) and reads them back', async () => {
    const net = ruled(true);
    const topology = modelToTopology(net) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(topology.config.layers.filter((l) => l.class_name === 'Dense')[0].config.activity_regularizer).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    await expect(inTfjs(net)).rejects.toThrow('Layer invocation in the presence of activity regularizer(s) is not supported yet');
    const back = modelFromTopology(topology, 'load');
    try {
      expect(back.layers.map(configOf)).toEqual(net.layers.map(configOf));
    } finally {
      back.dispose();
      net.dispose();
    }
  });

  it('reads Keras 3\'s { module, class_name, config, registered_name } and Keras\'s names', () => {
    const keras3 = (cls: string, config: object): object => ({ module: 'keras.regularizers', class_name: cls, config, registered_name: null });
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3],
      kernel_regularizer: keras3('L2', { l2: 0.05 }), bias_regularizer: keras3('L1', { l1: 0.25 }), activity_regularizer: 'l1_l2',
      kernel_constraint: { module: 'keras.constraints', class_name: 'UnitNorm', config: { axis: 1 }, registered_name: null }, bias_constraint: 'non_neg' } }] } };
    const net = modelFromTopology(topology, 'load');
    const c = net.layers[0].getConfig();
    expect([c.kernelRegularizer, c.biasRegularizer, c.activityRegularizer, c.kernelConstraint, c.biasConstraint]).toEqual([
      { className: 'L1L2', config: { l1: 0, l2: 0.05 } }, { className: 'L1L2', config: { l1: 0.25, l2: 0 } }, { className: 'L1L2', config: { l1: 0.01, l2: 0.01 } },
      { className: 'UnitNorm', config: { axis: 1 } }, { className: 'NonNeg', config: {} }]);
    net.dispose();
  });

  it('trains as TF.js does: one epoch of a Dense with l1l2 kernel and l2 bias penalties gives the same loss and weights', async () => {
    const xv = seededValues(8 * 3, 1), yv = seededValues(8 * 2, 2);
    const net = sequential([dense({ units: 2, inputShape: [3], kernelRegularizer: regularizers.l1l2({ l1: 0.05, l2: 0.1 }), biasRegularizer: regularizers.l2({ l2: 0.3 }),
      biasInitializer: 'ones' })], { seed: 3 });
    const peer = await inTfjs(net);
    const x = tensor(xv, [8, 3]), y = tensor(yv, [8, 2]);
    const [px, py] = [tf.tensor(Array.from(xv), [8, 3]), tf.tensor(Array.from(yv), [8, 2])];
    try {
      net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      peer.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const ours = await net.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false });
      const theirs = await peer.fit(px, py, { epochs: 1, batchSize: 8, shuffle: false });
      expect(Math.abs(ours.history.loss[0] - (theirs.history.loss[0] as number))).toBeLessThanOrEqual(1e-6);
      const mine = net.weights.map((w) => Array.from(w.dataSync())), peers = peer.getWeights().map((w) => Array.from(w.dataSync()));
      mine.flat().forEach((v, i) => expect(Math.abs(v - peers.flat()[i]), `weight ${i}`).toBeLessThanOrEqual(1e-6));
    } finally {
      tf.dispose([px, py]);
      peer.dispose();
      net.dispose();
      x.dispose();
      y.dispose();
    }
  });
});

describe('every format that holds a model\'s layers', () => {
  it('simdeep, Keras and safetensors files keep them; ONNX carries the weights alone', async () => {
    const net = ruled(true), x = tensor(seededValues(2 * 6, 5).map((v) => Math.floor((v + 1) * 4)), [2, 6]);
    const rulesOf = (m: Model): unknown[] => m.layers.map((l) => Object.fromEntries(Object.entries(l.getConfig()).filter(([k]) => /Regularizer|Constraint/.test(k))));
    try {
      for (const format of ['simdeep', 'keras', 'safetensors', 'onnx'] as const) {
        const copy = await loadModel(await net.save(undefined, { format }));
        try {
          if (format !== 'onnx') expect(rulesOf(copy), format).toEqual(rulesOf(net));
          const [a, b] = [net.predict(x) as Tensor, copy.predict(x) as Tensor];
          const [va, vb] = [a.dataSync(), b.dataSync()];
          va.forEach((v, i) => expect(Math.abs(v - vb[i]), `${format} output ${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v))));
          a.dispose();
          b.dispose();
        } finally {
          copy.dispose();
        }
      }
    } finally {
      net.dispose();
      x.dispose();
    }
  });
});

/** A layer's config without its input shape (the topology keeps it on an InputLayer of its own). */
function configOf(layer: { getConfig(): Record<string, unknown> }): Record<string, unknown> {
  return Object.fromEntries(Object.entries(layer.getConfig()).filter(([k, v]) => v !== undefined && k !== 'inputShape'));
}
