// Keras 3's config.json (serialization_lib.serialize_keras_object of a model) in the Keras 2 / TF.js topology form
// that modelFromTopology reads. Keras 3 differs in its envelope, not its layer settings: every object carries
// `module` and `registered_name` beside `class_name` and `config`, layers carry `build_config`, dtypes are policy
// objects, inputs declare `batch_shape`, a functional layer's inbound node is the call's `{args, kwargs}` with each
// tensor as `{class_name: "__keras_tensor__", config: {keras_history: [layer, node, tensor]}}`, and a model of one
// input or output names it as one `[layer, node, tensor]` rather than a list of them. Settings Keras 3 added are
// dropped at their defaults and refused otherwise, naming the layer.
import { isRecord } from '../nn/parse';

type Fail = (message: string) => never;
type Json = Record<string, unknown>;

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/** Keras 3 settings with no Keras 2 counterpart, and the values at which they change nothing. */
const KERAS3_ONLY: Record<string, readonly unknown[]> = {
  quantization_config: [null],
  lora_rank: [null, 0],
  synchronized: [false],
  renorm: [false],
  renorm_clipping: [null, {}],
  optional: [false],
};
/** Settings that only mean something beside one of those (dropped with it). */
const COMPANIONS = new Set(['lora_alpha', 'renorm_momentum']);
const MODELS = new Set(['Sequential', 'Functional', 'Model']);

/**
 * The Keras 2 / TF.js topology (`{class_name, config: {name, layers, input_layers, output_layers}}`, layers as
 * `{class_name, config, name, inbound_nodes: [[[layer, node, tensor, kwargs], ...]]}`) of a Keras 3 config.json.
 * Structure is checked here (records where records belong, tensors in calls); each layer's settings are checked by
 * modelFromTopology.
 *
 * @throws {RangeError} through `fail` when the config is not a Keras 3 model: a missing or wrong-typed part, a
 *   call whose arguments are not tensors, or a Keras 3 setting simdeep does not have (named with its layer).
 * @example
 * const t = keras3ToTopology({ module: 'keras', class_name: 'Sequential', config: { name: 's', layers: [
 *   { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 3], dtype: 'float32', name: 'x' } }] } });
 * t.config.layers[0].config.batch_input_shape; // [null, 3]
 */
export function keras3ToTopology(config: unknown, fail: Fail = (m) => { throw new RangeError(`keras3ToTopology: ${m}`); }): Keras2Topology {
  return model(config, 'config.json', fail);
}

/** The Keras 2 form produced. */
export interface Keras2Topology {
  class_name: string;
  config: { name: string; layers: Keras2Layer[]; input_layers?: unknown[]; output_layers?: unknown[] };
}
/** One layer of it. */
export interface Keras2Layer {
  class_name: string;
  config: Json;
  name?: string;
  inbound_nodes?: unknown[];
}

function model(entry: unknown, where: string, fail: Fail): Keras2Topology {
  if (!isRecord(entry) || typeof entry.class_name !== 'string' || !isRecord(entry.config)) fail(`${where} is not a serialized Keras model ({class_name, config})`);
  const className = entry.class_name;
  if (!MODELS.has(className)) fail(`${where} holds a ${show(className)}; Sequential and Functional models are read (a subclassed model's code is not in the file)`);
  const c = entry.config;
  if (typeof c.name !== 'string' || !Array.isArray(c.layers)) fail(`${where}'s config has no name or no layers list`);
  const functional = className !== 'Sequential';
  const layers = c.layers.map((l, i) => layer(l, `${where}: layer ${i}`, functional, fail));
  const out: Keras2Topology = { class_name: className, config: { name: c.name, layers } };
  if (!functional) {
    // A Sequential built from a shape and not an Input has no InputLayer; its build shape then goes on the first layer.
    const first = layers[0];
    const shape = Array.isArray(c.build_input_shape) ? c.build_input_shape : isRecord(entry.build_config) ? entry.build_config.input_shape : undefined;
    if (first && first.class_name !== 'InputLayer' && first.config.batch_input_shape === undefined && Array.isArray(shape)) first.config.batch_input_shape = shape;
    return out;
  }
  out.config.input_layers = endpoints(c.input_layers, `${where}'s input_layers`, fail);
  out.config.output_layers = endpoints(c.output_layers, `${where}'s output_layers`, fail);
  return out;
}

function layer(entry: unknown, where: string, functional: boolean, fail: Fail): Keras2Layer {
  if (!isRecord(entry) || typeof entry.class_name !== 'string' || !isRecord(entry.config)) fail(`${where} is not a serialized layer ({class_name, config})`);
  const name = typeof entry.name === 'string' ? entry.name : entry.config.name;
  if (typeof name !== 'string') fail(`${where} has no name`);
  const at = `layer "${name}" (${entry.class_name})`;
  const out: Keras2Layer = MODELS.has(entry.class_name) ? { ...model(entry, at, fail) } : { class_name: entry.class_name, config: settings(entry.config, at, fail) };
  if (!functional) return out;
  if (!Array.isArray(entry.inbound_nodes)) fail(`${at} has no inbound_nodes list`);
  return { ...out, name, inbound_nodes: entry.inbound_nodes.map((node, i) => inboundNode(node, `${at}: call ${i}`, fail)) };
}

/** A layer's settings in Keras 2 form: policy objects as their names, serialized objects without their envelope. */
function settings(config: Json, at: string, fail: Fail): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (Object.hasOwn(KERAS3_ONLY, key)) {
      if (!KERAS3_ONLY[key].some((d) => show(d) === show(value))) fail(`${at}: ${key} is ${show(value)}, a Keras 3 setting simdeep does not have`);
      continue;
    }
    if (COMPANIONS.has(key)) continue; // its setting above was at its default, or refused
    if (key === 'batch_shape') out.batch_input_shape ??= value;
    else if (key === 'dtype' && isRecord(value)) out.dtype = isRecord(value.config) && typeof value.config.name === 'string' ? value.config.name : fail(`${at}: dtype ${show(value)} is not a dtype policy`);
    else out[key] = unwrap(value);
  }
  return out;
}

/** A serialized Keras object without `module` and `registered_name` (initializers, regularizers, nested configs). */
function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (!isRecord(value)) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'module' || key === 'registered_name' || key === 'shared_object_id') continue;
    out[key] = unwrap(v);
  }
  return out;
}

/** One call of a layer: `{args, kwargs}` (Keras 3) as `[[layer, node, tensor, kwargs], ...]` (Keras 2); a Keras 2 node is kept. */
function inboundNode(node: unknown, at: string, fail: Fail): unknown[] {
  if (Array.isArray(node)) return node;
  if (!isRecord(node) || !Array.isArray(node.args)) fail(`${at} is not a call ({args, kwargs})`);
  const kwargs = node.kwargs === undefined ? {} : node.kwargs;
  if (!isRecord(kwargs)) fail(`${at}: kwargs is ${show(kwargs)}, not an object`);
  for (const [key, value] of Object.entries(kwargs)) {
    if (containsTensor(value)) fail(`${at}: the keyword argument ${key} is a tensor; simdeep layers take tensors as positional arguments only`);
  }
  const tensors: unknown[] = [];
  const walk = (arg: unknown): void => {
    if (Array.isArray(arg)) arg.forEach(walk);
    else if (isRecord(arg) && arg.class_name === '__keras_tensor__') tensors.push([...history(arg, at, fail), unwrap(kwargs)]);
    else fail(`${at}: the argument ${show(arg)} is not a tensor; simdeep layers are called on tensors only`);
  };
  walk(node.args);
  if (tensors.length === 0) fail(`${at} has no tensor arguments`);
  return tensors;
}

function history(tensor: Json, at: string, fail: Fail): [string, number, number] {
  const h = isRecord(tensor.config) ? tensor.config.keras_history : undefined;
  if (!isTriple(h)) fail(`${at}: a tensor's keras_history is ${show(h)}, not [layer, node, tensor]`);
  return h;
}

const isTriple = (h: unknown): h is [string, number, number] =>
  Array.isArray(h) && h.length === 3 && typeof h[0] === 'string' && Number.isInteger(h[1]) && Number.isInteger(h[2]) && (h[1] as number) >= 0 && (h[2] as number) >= 0;

const containsTensor = (value: unknown): boolean =>
  Array.isArray(value) ? value.some(containsTensor) : isRecord(value) && (value.class_name === '__keras_tensor__' || Object.values(value).some(containsTensor));

/** input_layers / output_layers: one `[layer, node, tensor]`, a list of them, or a dict of them (in its order). */
function endpoints(value: unknown, at: string, fail: Fail): unknown[] {
  if (isTriple(value)) return [value];
  const list = isRecord(value) ? Object.values(value) : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every(isTriple)) fail(`${at} is ${show(value)}, not [layer, node, tensor] entries`);
  return list;
}
