// Reading a Keras / TF.js topology into simdeep layers called on symbolic tensors: a Sequential's chain, or a
// functional model's nodes (Keras 2 / TF.js inbound nodes [layer, node, tensor, kwargs], Keras 3's { args, kwargs }
// with keras_history), in topological order. Nothing here allocates wasm memory: `build` does, once all is checked.
import { graphOf } from '../nn/graph';
import { InputLayer } from '../nn/layers/input';
import type { Layer } from '../nn/layers/layer';
import { Model } from '../nn/model';
import { checkTree, MAX_PARAMETERS } from '../nn/parse';
import { layerFromConfig } from '../nn/registry';
import { registeredClass } from '../nn/custom-classes';
import { sequential } from '../nn/sequential';
import type { SymbolicTensor } from '../nn/symbolic';
import { topologicalOrder } from '../nn/graph';
import { KerasConfig, isRecord, show } from './keras-config';
import { KERAS_LAYERS, convertCase } from './keras-layers';

/**
 * A topology checked and made into layers and a symbolic graph, before any weight exists.
 * @example
 * const parsed: ParsedTopology = parseTopology(modelToTopology(sequential([dense({ units: 1, inputShape: [2] })])), 'load');
 * parsed.weights[0].shape; // [2, 1]
 */
export interface ParsedTopology {
  /** Whether it describes a Sequential. */
  sequential: boolean;
  /** The weights of the built-in layers, `<layer>/<weight>` and shape, in `model.weights` order. */
  weights: { name: string; shape: number[] }[];
  /** Whether a custom layer is among them (its weights are known only once its build ran). */
  custom: boolean;
  /** The model, its weights made by their initializers (allocates). */
  build(): Model;
}

const MAX_LAYERS = 1 << 16;
const NESTED = new Set(['Sequential', 'Model', 'Functional']);
type Entry = { className: string; config: Record<string, unknown>; name: string; where: string; raw: Record<string, unknown> };

/** Weight names of the built-in kinds, in their order (absent ones dropped by their flags). */
function weightNames(layer: Layer): string[] {
  const c = layer.getConfig();
  const bias = c.useBias === false ? [] : ['bias'];
  const names: Record<string, string[]> = {
    Dense: ['kernel', ...bias], Conv1D: ['kernel', ...bias], Conv2D: ['kernel', ...bias], Conv2DTranspose: ['kernel', ...bias],
    DepthwiseConv2D: ['depthwise_kernel', ...bias], SeparableConv2D: ['depthwise_kernel', 'pointwise_kernel', ...bias], Embedding: ['embeddings'],
    LayerNormalization: [...(c.scale === false ? [] : ['gamma']), ...(c.center === false ? [] : ['beta'])],
  };
  names.BatchNormalization = [...names.LayerNormalization, 'moving_mean', 'moving_variance'];
  return names[layer.className] ?? [];
}

/** The sample shape of a batch shape [null, ...sizes] (the batch may also be a number). */
function sampleDims(value: unknown, where: string, key: string): number[] {
  const ok = Array.isArray(value) && value.length >= 2 && value.length <= 9 && (value[0] === null || Number.isInteger(value[0])) &&
    value.slice(1).every((v) => Number.isInteger(v) && v >= 1 && v <= 1 << 24);
  if (!ok) throw new RangeError(`${where}: ${key} is ${show(value)}; expected [null, ...sizes] (sizes: integers in [1, 2^24])`);
  return (value as number[]).slice(1);
}

/** The input shape a layer config declares (batch_input_shape, or Keras 3's batch_shape), or undefined. */
function declaredDims(entry: Entry): number[] | undefined {
  const key = ['batch_input_shape', 'batch_shape'].find((k) => entry.config[k] !== undefined && entry.config[k] !== null);
  return key === undefined ? undefined : sampleDims(entry.config[key], entry.where, key);
}

/** An input layer of the topology, checked. */
function inputLayer(entry: Entry, keras3: boolean): InputLayer {
  const r = new KerasConfig(entry.config, entry.where, [], keras3);
  r.only('dtype', ['float32', 'int32', 'int64'], 'simdeep inputs are numbers (float32, or integer indices)');
  for (const key of ['sparse', 'ragged', 'optional']) r.only(key, [false], 'simdeep inputs are dense tensors');
  const dims = declaredDims(entry);
  if (!dims) throw new RangeError(`${entry.where}: has no batch_input_shape (or batch_shape)`);
  r.finish();
  try {
    return new InputLayer({ shape: dims, name: entry.name });
  } catch (error) {
    throw new RangeError(`${entry.where}: ${(error as Error).message}`);
  }
}

/** A simdeep layer for a non-input entry called on arguments of sample shape `dims`: mapped, or a registered custom class. */
function makeLayer(entry: Entry, dims: readonly number[], keras3: boolean): Layer {
  const { className, config, where } = entry;
  if (NESTED.has(className)) throw new RangeError(`${where} is a nested model; simdeep reads flat models (put its layers in the outer model)`);
  const mapping = KERAS_LAYERS.get(className);
  let made: [string, Record<string, unknown>];
  if (mapping) {
    const r = new KerasConfig(config, where, dims, keras3);
    made = mapping.in(r);
    r.finish();
  } else if (registeredClass(className)) {
    const { trainable, dtype: _d, batchInputShape: _b, batchShape: _s, ...own } = convertCase(config, true) as Record<string, unknown>;
    if (trainable === false) throw new RangeError(`${where}: trainable is false; simdeep trains every layer (frozen layers are not supported)`);
    made = [className, own];
  } else {
    const why = className === 'Lambda' ? 'a Lambda layer holds Python code, which cannot be loaded' : 'it is not a layer class simdeep has';
    throw new RangeError(`${where}: ${why}; write it as a custom Layer subclass and register it with serialization.registerClass(${/^\w+$/.test(className) ? className : 'TheClass'})`);
  }
  const options = Object.fromEntries(Object.entries(made[1]).filter(([, v]) => v !== undefined));
  try {
    return layerFromConfig(made[0], { ...options, name: entry.name }, where);
  } catch (error) {
    throw new RangeError((error as Error).message.startsWith(where) ? (error as Error).message : `${where}: ${(error as Error).message}`);
  }
}

/** `layer` called on `args`, errors naming the entry. */
function call(layer: Layer, args: SymbolicTensor[], where: string): SymbolicTensor {
  try {
    return layer.apply(layer.arity === 'many' || (layer.isCustom && args.length > 1) ? args : args[0]);
  } catch (error) {
    throw new RangeError(`${where}: ${(error as Error).message}`);
  }
}

/** One [layer, node, tensor] reference of an inbound node (Keras 2 list, or Keras 3 keras tensor). */
function reference(value: unknown, where: string): [string, number, number] {
  const history = isRecord(value) && isRecord(value.config) ? value.config.keras_history : value;
  if (!Array.isArray(history) || typeof history[0] !== 'string' || !Number.isInteger(history[1]) || history[2] !== 0) {
    throw new RangeError(`${where} is ${show(value)}; expected [layer name, node index, 0] (simdeep layers have one output)`);
  }
  const kwargs = Array.isArray(value) ? value[3] : undefined;
  if (kwargs !== undefined && !(isRecord(kwargs) && Object.entries(kwargs).every(([k, v]) => v === null || (k === 'training' && typeof v === 'boolean')))) {
    throw new RangeError(`${where} passes the call arguments ${show(kwargs)}, which simdeep's layers do not take`);
  }
  return [history[0], history[1] as number, 0];
}

/** The references of one inbound node, either form. */
function inboundRefs(node: unknown, where: string): [string, number, number][] {
  if (Array.isArray(node)) return node.map((ref, i) => reference(ref, `${where}[${i}]`));
  if (!isRecord(node) || !Array.isArray(node.args)) throw new RangeError(`${where} is ${show(node)}; expected a list of references or { args, kwargs }`);
  if (node.kwargs !== undefined && !(isRecord(node.kwargs) && Object.values(node.kwargs).every((v) => v === null || typeof v === 'boolean'))) {
    throw new RangeError(`${where}.kwargs is ${show(node.kwargs)}; simdeep's layers take no call arguments`);
  }
  return node.args.flatMap((a: unknown, i) => (Array.isArray(a) ? a.map((t: unknown, k) => reference(t, `${where}.args[${i}][${k}]`)) : [reference(a, `${where}.args[${i}]`)]));
}

/** The checked entries of the layers list. */
function entries(list: unknown, functional: boolean, op: string): Entry[] {
  if (!Array.isArray(list) || list.length === 0) throw new RangeError(`${op}: config.layers is ${show(list)}; the model has no layers`);
  if (list.length > MAX_LAYERS) throw new RangeError(`${op}: the topology has ${list.length} layers; at most ${MAX_LAYERS}`);
  return list.map((raw: unknown, i): Entry => {
    const at = `${op}: config.layers[${i}]`;
    if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config)) throw new RangeError(`${at} is ${show(raw)}; expected { class_name, config }`);
    const name = functional ? raw.name : raw.config.name;
    if (typeof name !== 'string') throw new RangeError(`${at}${functional ? '' : '.config'}.name is ${show(name)}, not a string`);
    return { className: raw.class_name, config: raw.config, name, where: `${op}: layer ${JSON.stringify(name)} (${raw.class_name})`, raw };
  });
}

/** The node ids of input_layers / output_layers ([name, node, tensor], or one such list alone). */
function ends(value: unknown, key: string, ids: Map<string, number>, op: string): number[] {
  const list = Array.isArray(value) && typeof value[0] === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) throw new RangeError(`${op}: config.${key} is ${show(value)}; expected [[layer, node, tensor], ...]`);
  return list.map((v: unknown, i) => {
    const [name, node] = reference(v, `${op}: config.${key}[${i}]`);
    const id = ids.get(`${name}\u0000${node}`);
    if (id === undefined) throw new RangeError(`${op}: config.${key}[${i}] names ${JSON.stringify(name)} node ${node}, which the layers do not have`);
    return id;
  });
}

/** Checks a topology and makes its layers and symbolic graph (see ParsedTopology). */
export function parseGraph(topology: unknown, op: string): ParsedTopology {
  if (!isRecord(topology)) throw new RangeError(`${op}: the topology is ${show(topology)}, not an object`);
  checkTree(topology, (message) => { throw new RangeError(`${op}: ${message.replace('the JSON header', 'the topology')}`); });
  const { class_name: kind, config } = topology;
  const functional = kind === 'Model' || kind === 'Functional';
  if (!functional && kind !== 'Sequential') throw new RangeError(`${op}: class_name is ${show(kind)}; expected 'Sequential', 'Model' or 'Functional'`);
  const list = entries(Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined, functional, op);
  const keras3 = /^3\./.test(String(topology.keras_version ?? '')) || list.some((e) => 'module' in e.raw || 'batch_shape' in e.config);
  let inputs: SymbolicTensor[], outputs: SymbolicTensor[], rebuild: (() => Model) | undefined;
  if (!functional) {
    const first = list[0].className === 'InputLayer' ? inputLayer(list[0], keras3) : undefined;
    const rest = first ? list.slice(1) : list;
    if (rest.length === 0) throw new RangeError(`${op}: the Sequential has no layers after its input`);
    // Keras 3 keeps the input shape of a Sequential built without an InputLayer as config.build_input_shape.
    const built = isRecord(config) && config.build_input_shape != null ? sampleDims(config.build_input_shape, `${op}: config`, 'build_input_shape') : undefined;
    const dims = first ? [...first.dims] : declaredDims(rest[0]) ?? built;
    if (!dims) throw new RangeError(`${rest[0].where}: the first layer of a Sequential needs batch_input_shape (or batch_shape, or an InputLayer before it)`);
    const argDims: (readonly number[])[] = [];
    let x = (first ?? new InputLayer({ shape: dims })).calls[0].output;
    inputs = [x];
    rest.forEach((entry, i) => {
      argDims.push(x.shape.slice(1) as number[]);
      const layer = makeLayer(entry, argDims[i], keras3);
      if (i === 0) layer.inputShape = [...dims];
      x = call(layer, [x], entry.where);
    });
    outputs = [x];
    // Loaded as a Sequential, from fresh layers of the same entries (these were called once already).
    rebuild = () => sequential(rest.map((entry, i) => {
      const layer = makeLayer(entry, argDims[i], keras3);
      if (i === 0) layer.inputShape = [...dims];
      return layer;
    }));
  } else {
    const ids = new Map<string, number>();
    const nodes: { entry: Entry; refs: [string, number, number][] }[] = [];
    for (const entry of list) {
      if (ids.has(`${entry.name}\u00000`)) throw new RangeError(`${entry.where}: two layers are named ${JSON.stringify(entry.name)}`);
      const inbound = entry.raw.inbound_nodes ?? [];
      if (!Array.isArray(inbound)) throw new RangeError(`${entry.where}: inbound_nodes is ${show(inbound)}, not a list`);
      const calls = entry.className === 'InputLayer' ? [[]] : inbound;
      calls.forEach((node: unknown, k) => {
        ids.set(`${entry.name}\u0000${k}`, nodes.length);
        nodes.push({ entry, refs: entry.className === 'InputLayer' ? [] : inboundRefs(node, `${entry.where}: inbound_nodes[${k}]`) });
      });
    }
    const args = nodes.map((n) => n.refs.map(([name, node]) => {
      const id = ids.get(`${name}\u0000${node}`);
      if (id === undefined) throw new RangeError(`${n.entry.where}: an inbound node names ${JSON.stringify(name)} node ${node}, which the layers do not have`);
      return id;
    }));
    const inputIds = ends(isRecord(config) ? config.input_layers : undefined, 'input_layers', ids, op);
    const outputIds = ends(isRecord(config) ? config.output_layers : undefined, 'output_layers', ids, op);
    const order = topologicalOrder(nodes.length, [...inputIds, ...outputIds], (id) => args[id], (id) => JSON.stringify(nodes[id].entry.name), op);
    const tensors: SymbolicTensor[] = [];
    const made = new Map<Entry, Layer>();
    for (const id of order) {
      const { entry } = nodes[id];
      if (entry.className === 'InputLayer') {
        tensors[id] = inputLayer(entry, keras3).calls[0].output;
        continue;
      }
      const argTensors = args[id].map((a) => tensors[a]);
      if (argTensors.length === 0) throw new RangeError(`${entry.where}: a call has no arguments`);
      const layer = made.get(entry) ?? makeLayer(entry, argTensors[0].shape.slice(1) as number[], keras3);
      made.set(entry, layer);
      tensors[id] = call(layer, argTensors, entry.where);
    }
    inputs = inputIds.map((id) => tensors[id]);
    outputs = outputIds.map((id) => tensors[id]);
  }
  let graph;
  try {
    graph = graphOf(inputs, outputs, op);
  } catch (error) {
    throw new RangeError((error as Error).message);
  }
  const weights = graph.layers.flatMap((layer) => {
    const shapes = layer.weightShapes(layer.inputDims ?? []), names = weightNames(layer);
    return layer.isCustom ? [] : shapes.map((shape, i) => ({ name: `${layer.name}/${names[i]}`, shape }));
  });
  const total = weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
  if (total > MAX_PARAMETERS) throw new RangeError(`${op}: the layers declare ${total} parameters; a model holds at most ${MAX_PARAMETERS}`);
  return { sequential: !functional, weights, custom: graph.layers.some((l) => l.isCustom),
    build: rebuild ?? (() => new Model({ inputs, outputs })) };
}
