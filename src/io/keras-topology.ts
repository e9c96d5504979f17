// The Keras / TF.js model topology (the `modelTopology` of a TF.js model.json, the `model_config` of a Keras 2 .h5):
// simdeep models out (the form tfjs-layers 4.22 writes) and in (TF.js, Keras 2, and Keras 3's batch_shape and
// inbound nodes). Reading checks everything, layer by layer through keras-layers.ts, before any wasm memory is used;
// the per-layer configs are keras-layers.ts's, the graph reading keras-graph.ts's.
import { showValue } from '../tensor/errors';
import type { Model } from '../nn/model';
import type { Layer } from '../nn/layers/layer';
import { registeredClass } from '../nn/custom-classes';
import { KERAS_LAYERS, convertCase } from './keras-layers';
import { LEAKY_ALPHA } from '../nn/layers/dense';
import { kerasName } from '../nn/layers/weight';
import { parseGraph, type ParsedTopology } from './keras-graph';

/** One layer of a topology: its class and snake_case config (a functional model's also its name and inbound nodes). */
export interface KerasLayerJSON {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

/**
 * A model's architecture as Keras and TF.js write it: `modelTopology` in a TF.js model.json.
 * @example
 * const net = sequential([dense({ units: 2, inputShape: [3] })]);
 * const topology: KerasTopology = modelToTopology(net);
 * topology.class_name; // 'Sequential'
 */
export interface KerasTopology {
  /** 'Sequential', or 'Model' for a functional model. */
  class_name: 'Sequential' | 'Model';
  /** The layers (and a functional model's inputs and outputs as [layer, node, tensor]). */
  config: { name: string; layers: KerasLayerJSON[]; input_layers?: [string, number, number][]; output_layers?: [string, number, number][] };
  /** 'tfjs-layers 4.22.0': the reader whose format this is. */
  keras_version: string;
  /** 'tensor_flow.js'. */
  backend: string;
}

export type { ParsedTopology };

/** A simdeep layer's Keras entries: its own, and a LeakyReLU after it where its activation is leakyRelu (no such string in TF.js). */
function kerasEntries(layer: Layer, className: string, config: Record<string, unknown>, unique: (base: string) => string, op: string): KerasLayerJSON[] {
  const name = config.name as string;
  if (className === 'InputLayer') {
    return [{ class_name: 'InputLayer', config: { batch_input_shape: [null, ...(config.shape as number[])], dtype: 'float32', sparse: false, name } }];
  }
  if (layer.isCustom) {
    if (!registeredClass(className)) {
      throw new RangeError(`${op}: layer ${JSON.stringify(name)} is a custom layer of class ${className}, which is not registered; call ` +
        `serialization.registerClass(${className}) so that it can be saved and loaded (here and in TF.js)`);
    }
    const { inputShape: _, ...own } = config;
    return [{ class_name: className, config: { ...(convertCase(own, false) as Record<string, unknown>), name, trainable: true } }];
  }
  const leaky = config.activation === 'leakyRelu';
  if (className === 'Activation' && leaky) return [{ class_name: 'LeakyReLU', config: { alpha: LEAKY_ALPHA, name, trainable: true } }];
  const out = KERAS_LAYERS.get(className)?.out;
  if (!out) throw new RangeError(`${op}: layer ${JSON.stringify(name)} of class ${className} has no Keras / TF.js equivalent`);
  if (config.keepDims) throw new RangeError(`${op}: layer ${JSON.stringify(name)} (${className}) has keepDims, which TF.js's ${className} does not have`);
  const own: KerasLayerJSON = { class_name: className, config: { ...out(leaky ? { ...config, activation: 'linear' } : config), name, trainable: true } };
  return leaky ? [own, { class_name: 'LeakyReLU', config: { alpha: LEAKY_ALPHA, name: unique(`${name}_leaky_re_lu`), trainable: true } }] : [own];
}

/**
 * The model's architecture as the Keras / TF.js topology tfjs-layers 4.22 writes (`modelTopology` of a model.json):
 * a Sequential's layers with the first one's `batch_input_shape`, or a functional model's layers with their
 * `inbound_nodes`, `input_layers` and `output_layers`; snake_case configs, activations by TF.js's names (a
 * leakyRelu activation as a LeakyReLU layer after its layer, alpha 0.2), initializers as `{ class_name, config }`,
 * layer names kept so that weights named `<layer>/<weight>` match. A registered custom layer keeps its class name
 * and its getConfig (in snake_case, as TF.js converts configs).
 * @throws RangeError for a layer with no Keras equivalent (such as an unregistered custom layer, naming its class
 * and how to register it) or a setting TF.js cannot express; DisposedError for a disposed model.
 * @example
 * const net = sequential([dense({ units: 2, activation: 'leakyRelu', inputShape: [3] })]);
 * modelToTopology(net).config.layers.map((l) => l.class_name); // ['Dense', 'LeakyReLU']
 * modelToTopology(net).config.layers[0].config.batch_input_shape; // [null, 3]
 */
export function modelToTopology(model: Model): KerasTopology {
  return topologyOf(model, 'modelToTopology');
}

/** modelToTopology, naming `op` in errors. */
export function topologyOf(model: Model, op: string): KerasTopology {
  if (typeof model !== 'object' || model === null || typeof (model as Partial<Model>).toJSON !== 'function') throw new TypeError(`${op}: model must be a Model, got ${showValue(model)}`);
  const json = model.toJSON();
  const names = new Set(json.layers.map((l) => l.config.name as string));
  const unique = (base: string): string => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    return name;
  };
  const entries = json.layers.map((l) => kerasEntries(model.getLayer(l.config.name as string)!, l.className, l.config, unique, op));
  const version = { keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  if (json.className === 'Sequential') {
    const input = json.layers[json.nodes[0].layer];
    const layers = entries.filter((_, i) => json.layers[i].className !== 'InputLayer').flat();
    layers[0] = { ...layers[0], config: { ...layers[0].config, batch_input_shape: [null, ...(input.config.shape as number[])], dtype: 'float32' } };
    return { class_name: 'Sequential', config: { name: 'sequential', layers }, ...version };
  }
  // A node's reference: [layer, its call index, tensor 0]; a layer with a LeakyReLU after it is referred to by that.
  const callIndex = json.nodes.map((n, i) => json.nodes.slice(0, i).filter((m) => m.layer === n.layer).length);
  const ref = (node: number): [string, number, number] => [entries[json.nodes[node].layer].at(-1)!.config.name as string, callIndex[node], 0];
  const layers = entries.flatMap((list, l) => {
    const calls = json.nodes.map((n, i) => [n, i] as const).filter(([n]) => n.layer === l);
    const own = calls.map(([n]) => n.args.map((a) => [...ref(a), {}]));
    return list.map((entry, k): KerasLayerJSON => ({ name: entry.config.name as string, class_name: entry.class_name, config: entry.config,
      inbound_nodes: k === 0 ? own : calls.map((_, c) => [[list[0].config.name, c, 0, {}]]) }));
  });
  return { class_name: 'Model', config: { name: 'model', layers, input_layers: json.inputs.map(ref), output_layers: json.outputs.map(ref) }, ...version };
}

/**
 * Checks a Keras / TF.js topology (TF.js's `modelTopology`, Keras 2's `model_config`, or Keras 3's config with
 * `batch_shape` and its inbound-node form) and makes its layers and graph, allocating no wasm memory: see
 * ParsedTopology. `op` starts every error.
 * @throws RangeError naming the layer, its class and the key for anything simdeep cannot build.
 * @example
 * const parsed = parseTopology(modelToTopology(sequential([dense({ units: 2, inputShape: [3] })])), 'load');
 * parsed.weights.map((w) => w.name); // ['dense_1/kernel', 'dense_1/bias']
 */
export function parseTopology(topology: unknown, op: string): ParsedTopology {
  return parseGraph(topology, op);
}

/**
 * The simdeep model a Keras / TF.js topology describes (see parseTopology), with the weights its initializers give:
 * a Sequential for 'Sequential', else a functional Model; layer names kept. TF.js's standalone activation layers
 * (ReLU, LeakyReLU with alpha 0.2, ELU, Softmax) become Activation layers; registered custom classes
 * (`serialization.registerClass`) are rebuilt from their configs.
 * @throws RangeError before any allocation for anything simdeep cannot build, naming the layer, its class and the
 * key: a regularizer or constraint that is not null, a frozen layer, a Lambda or unregistered class, a nested model,
 * a shape it cannot take.
 * @example
 * const source = sequential([dense({ units: 2, activation: 'relu', inputShape: [3] })]);
 * const copy = modelFromTopology(modelToTopology(source), 'load');
 * copy.layers.map((l) => l.name); // ['dense_1']
 */
export function modelFromTopology(topology: unknown, op: string): Model {
  return parseGraph(topology, op).build();
}

/**
 * The Keras names of the model's weights, `<layer>/<weight>` (`dense_1/kernel`), in `model.weights` order: the names
 * a TF.js weights manifest or a Keras file gives them (a weight's variable name may carry a suffix such as
 * `dense_1/kernel_1` while another live variable has its name; these never do).
 * @throws DisposedError for a disposed model.
 * @example
 * kerasWeightNames(sequential([dense({ units: 2, inputShape: [3] })])); // ['dense_1/kernel', 'dense_1/bias']
 */
export function kerasWeightNames(model: Model): string[] {
  if (typeof model !== 'object' || model === null || !('weights' in model)) throw new TypeError(`kerasWeightNames: model must be a Model, got ${showValue(model)}`);
  model.toJSON(); // DisposedError for a disposed model
  return model.weights.map(kerasName);
}
