// Keras 3 config.json in the Keras 2 topology form (src/io/keras3.ts): the envelope dropped, policies as names,
// calls as [layer, node, tensor, kwargs], Keras 3 settings dropped at their defaults and refused otherwise.
import { describe, expect, it } from 'vitest';
import { keras3ToTopology } from '../../src/formats';

const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 2], dtype: 'float32', keras_history: [layer, 0, 0] } });
const dense = (name: string, extra: Record<string, unknown> = {}) => ({
  module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 2] },
  config: { name, trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, units: 2,
    kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
    quantization_config: null, ...extra },
});
const functional = (layers: unknown[]) => ({ module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
  config: { name: 'f', trainable: true, layers, input_layers: ['x', 0, 0], output_layers: ['d', 0, 0] } });
const inputX = { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'x', inbound_nodes: [],
  config: { batch_shape: [null, 2], dtype: 'float32', sparse: false, ragged: false, name: 'x', optional: false } };

describe('keras3ToTopology', () => {
  it('gives the Keras 2 form of a functional model', () => {
    const topology = keras3ToTopology(functional([inputX, { ...dense('d'), name: 'd', inbound_nodes: [{ args: [tensor('x')], kwargs: {} }] }]));
    expect(topology).toEqual({ class_name: 'Functional', config: { name: 'f', input_layers: [['x', 0, 0]], output_layers: [['d', 0, 0]], layers: [
      { class_name: 'InputLayer', name: 'x', inbound_nodes: [], config: { batch_input_shape: [null, 2], dtype: 'float32', sparse: false, ragged: false, name: 'x' } },
      { class_name: 'Dense', name: 'd', inbound_nodes: [[['x', 0, 0, {}]]], config: { name: 'd', trainable: true, dtype: 'float32', units: 2,
        kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } } } }] } });
  });

  it('refuses Keras 3 settings away from their defaults, tensors as keyword arguments, and calls on other values', () => {
    expect(() => keras3ToTopology(functional([inputX, { ...dense('d', { lora_rank: 4 }), name: 'd', inbound_nodes: [] }])))
      .toThrow('keras3ToTopology: layer "d" (Dense): lora_rank is 4, a Keras 3 setting simdeep does not have');
    expect(() => keras3ToTopology(functional([inputX, { ...dense('d'), name: 'd', inbound_nodes: [{ args: [tensor('x')], kwargs: { mask: tensor('x') } }] }])))
      .toThrow('keras3ToTopology: layer "d" (Dense): call 0: the keyword argument mask is a tensor');
    expect(() => keras3ToTopology(functional([inputX, { ...dense('d'), name: 'd', inbound_nodes: [{ args: [tensor('x'), 3], kwargs: {} }] }])))
      .toThrow('keras3ToTopology: layer "d" (Dense): call 0: the argument 3 is not a tensor');
    expect(() => keras3ToTopology({ class_name: 'MyModel', config: {} })).toThrow(/holds a "MyModel"; Sequential and Functional models are read/);
  });
});
