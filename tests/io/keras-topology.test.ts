// The Keras / TF.js topology (src/io/keras-topology.ts): simdeep models out in the form tfjs-layers reads, and in
// from what TF.js and Keras write, for every layer kind; errors name the layer, its class and the key.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, layers, memory, model, sequential, type Model } from '../../src/index';
import { kerasWeightNames, modelFromTopology, modelToTopology } from '../../src/formats';
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

/** A Keras 2 (tf.keras 2.x) functional model_config, as Keras writes it. */
const KERAS2 = {
  class_name: 'Functional', keras_version: '2.13.1', backend: 'tensorflow',
  config: { name: 'model', layers: [
    { class_name: 'InputLayer', name: 'input_1', inbound_nodes: [], config: { batch_input_shape: [null, 4, 4, 2], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
    { class_name: 'Conv2D', name: 'conv2d', inbound_nodes: [[['input_1', 0, 0, {}]]], config: { name: 'conv2d', trainable: true, dtype: 'float32', filters: 3,
      kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
    { class_name: 'BatchNormalization', name: 'batch_normalization', inbound_nodes: [[['conv2d', 0, 0, { training: false }]]], config: { name: 'batch_normalization',
      trainable: true, dtype: 'float32', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true,
      beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} },
      moving_mean_initializer: { class_name: 'Zeros', config: {} }, moving_variance_initializer: { class_name: 'Ones', config: {} },
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null } },
    { class_name: 'GlobalAveragePooling2D', name: 'gap', inbound_nodes: [[['batch_normalization', 0, 0, {}]]], config: { name: 'gap', trainable: true, dtype: 'float32',
      data_format: 'channels_last', keepdims: false } },
    { class_name: 'Dense', name: 'dense', inbound_nodes: [[['gap', 0, 0, {}]]], config: { name: 'dense', trainable: true, dtype: 'float32', units: 2,
      activation: 'softmax', use_bias: true, kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null } },
  ], input_layers: [['input_1', 0, 0]], output_layers: [['dense', 0, 0]] },
};

/** A Keras 3 functional config: batch_shape, dtype policies, { args, kwargs } inbound nodes with keras_history. */
const KERAS3 = {
  module: 'keras', class_name: 'Functional', registered_name: 'Functional',
  config: { name: 'functional', trainable: true, layers: [
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'a', inbound_nodes: [], config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'a' } },
    { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'b', inbound_nodes: [], config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'b' } },
    { module: 'keras.layers', class_name: 'Add', registered_name: null, name: 'add', build_config: { input_shape: [[null, 3], [null, 3]] }, config: { name: 'add', trainable: true,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null } }, inbound_nodes: [{ args: [[
        { class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['a', 0, 0] } },
        { class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['b', 0, 0] } }]], kwargs: {} }] },
    { module: 'keras.layers', class_name: 'Dense', registered_name: null, name: 'dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'silu',
      use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
      bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null }, kernel_regularizer: null, bias_regularizer: null,
      kernel_constraint: null, bias_constraint: null }, inbound_nodes: [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: ['add', 0, 0] } }], kwargs: {} }] },
  ], input_layers: [['a', 0, 0], ['b', 0, 0]], output_layers: [['dense', 0, 0]] },
};

describe('modelFromTopology', () => {
  failOnLeaks();

  it('reads a Keras 2 functional model_config: axis lists, VarianceScaling, call kwargs', () => {
    const net = modelFromTopology(KERAS2, 'load');
    expect(net.layers.map((l) => `${l.name}:${l.className}`)).toEqual(['conv2d:Conv2D', 'batch_normalization:BatchNormalization', 'gap:GlobalAveragePooling2D', 'dense:Dense']);
    expect((net.layers[3] as unknown as { kernelInitializer: { config: { name: string } } }).kernelInitializer.config.name).toBe('heNormal');
    expect(kerasWeightNames(net)).toEqual(['conv2d/kernel', 'conv2d/bias', 'batch_normalization/gamma', 'batch_normalization/beta',
      'batch_normalization/moving_mean', 'batch_normalization/moving_variance', 'dense/kernel', 'dense/bias']);
    net.dispose();
  });

  it('reads a Keras 3 functional config: batch_shape, dtype policies, keras_history, silu', () => {
    const net = modelFromTopology(KERAS3, 'load');
    expect(net.inputs.map((t) => t.shape)).toEqual([[null, 3], [null, 3]]);
    expect(net.layers.map((l) => l.className)).toEqual(['Add', 'Dense']);
    expect(net.layers[1].getConfig().activation).toBe('swish');
    net.dispose();
  });

  it('names the layer, its class and the key for what simdeep cannot build, before allocating', () => {
    const layer = (i: number, change: Record<string, unknown>): unknown => {
      const copy = JSON.parse(JSON.stringify(KERAS2)) as typeof KERAS2;
      Object.assign(copy.config.layers[i], change.entry ?? {});
      Object.assign(copy.config.layers[i].config, change.config ?? {});
      return copy;
    };
    const cases: [unknown, RegExp][] = [
      [layer(1, { config: { kernel_regularizer: { class_name: 'OrthogonalRegularizer', config: { factor: 0.01 } } } }),
        /^load: layer "conv2d" \(Conv2D\): kernel_regularizer is an Object; simdeep has the regularizers L1L2, L1, L2 .*, not "OrthogonalRegularizer"/],
      [layer(1, { config: { kernel_regularizer: { class_name: 'L2', config: { l2: 0.01, l1: 1 } } } }), /kernel_regularizer is .*; a L2 regularizer has no setting "l1"/],
      [layer(1, { config: { kernel_regularizer: { class_name: 'L2', config: { l2: -1 } } } }), /layer "conv2d" \(Conv2D\): conv2d: kernelRegularizer: l2 must be a finite number >= 0, got -1/],
      [layer(1, { config: { kernel_constraint: { class_name: 'MinMaxNorm', config: { min_value: 0, max_value: 1 } } } }),
        /layer "conv2d" \(Conv2D\): kernel_constraint is .*; simdeep has the constraints MaxNorm, NonNeg, UnitNorm, not "MinMaxNorm"/],
      [layer(1, { config: { kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 4 } } } }),
        /conv2d's kernelConstraint \(MaxNorm\), on its kernel of shape \[3, 3, 2, 3\]: axis 4 is out of range for a weight of rank 4/],
      [layer(2, { config: { moving_mean_regularizer: { class_name: 'L2', config: { l2: 1 } } } }),
        /layer "batch_normalization" \(BatchNormalization\): moving_mean_regularizer is .*; simdeep takes regularizers and constraints on the weights the layer has/],
      [layer(1, { config: { trainable: false } }), /^load: layer "conv2d" \(Conv2D\): trainable is false; simdeep trains every layer/],
      [layer(1, { config: { data_format: 'channels_first' } }), /layer "conv2d" \(Conv2D\): data_format is "channels_first"; simdeep layers are channels-last/],
      [layer(1, { config: { groups: 2 } }), /layer "conv2d" \(Conv2D\): groups is 2; simdeep has no grouped convolutions/],
      [layer(4, { config: { activation: 'mish' } }), /layer "dense" \(Dense\): activation is "mish"; simdeep has the activations/],
      [layer(4, { config: { units: 0 } }), /layer "dense" \(Dense\): dense: units/],
      [layer(4, { config: { noise: 1 } }), /layer "dense" \(Dense\): has the key "noise", a setting simdeep does not have/],
      [layer(4, { entry: { class_name: 'Lambda' } }), /layer "dense" \(Lambda\): a Lambda layer holds Python code, which cannot be loaded; .*serialization.registerClass\(Lambda\)/],
      [layer(4, { entry: { class_name: 'MyBlock' } }), /layer "dense" \(MyBlock\): it is not a layer class simdeep has; .*serialization.registerClass\(MyBlock\)/],
      [layer(4, { entry: { class_name: 'Sequential' } }), /layer "dense" \(Sequential\) is a nested model/],
      [layer(3, { config: { keepdims: 'yes' } }), /layer "gap" \(GlobalAveragePooling2D\): keepdims is "yes"; expected true or false/],
      [layer(2, { config: { axis: [1] } }), /layer "batch_normalization" \(BatchNormalization\): axis is \[1\]; simdeep's layer works on the last axis only \(-1 or 3 here\)/],
      [layer(4, { entry: { inbound_nodes: [[['nowhere', 0, 0, {}]]] } }), /layer "dense" \(Dense\): an inbound node names "nowhere" node 0, which the layers do not have/],
      [{ ...KERAS3, keras_version: '3.3.3', config: { ...KERAS3.config, layers: KERAS3.config.layers.map((l) => (l.name === 'dense' ? { ...l, config: { ...l.config, activation: 'hard_sigmoid' } } : l)) } },
        /Keras 3's hard_sigmoid is relu6\(x \+ 3\) \/ 6/],
      [{ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'LeakyReLU', config: { name: 'l', alpha: 0.3, batch_input_shape: [null, 2] } }] } },
        /layer "l" \(LeakyReLU\): alpha is 0.3; simdeep's leaky ReLU has slope 0.2/],
      [{ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }] } },
        /layer "d" \(Dense\): the first layer of a Sequential needs batch_input_shape/],
      [{ class_name: 'Graph', config: {} }, /^load: class_name is "Graph"; expected 'Sequential', 'Model' or 'Functional'/],
    ];
    const before = memory();
    for (const [topology, pattern] of cases) expect(() => modelFromTopology(topology, 'load'), String(pattern)).toThrow(pattern);
    expect(memory().numBytes).toBe(before.numBytes);
  });

  it('reads TF.js\'s standalone activation layers as Activation layers', () => {
    const topology = { class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'ReLU', config: { name: 'r', max_value: 6, batch_input_shape: [null, 2] } }, { class_name: 'ELU', config: { name: 'e', alpha: 1 } },
      { class_name: 'LeakyReLU', config: { name: 'l', negative_slope: 0.2 } }, { class_name: 'Softmax', config: { name: 's', axis: 1 } }] } };
    const net = modelFromTopology(topology, 'load');
    expect(net.layers.map((l) => l.getConfig().activation)).toEqual(['relu6', 'elu', 'leakyRelu', 'softmax']);
    net.dispose();
  });
});
