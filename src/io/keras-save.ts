// Saving `.keras` files as Keras 3 writes them (keras/src/saving/saving_lib.py): a zip of stored entries,
// metadata.json, config.json (the model as serialize_keras_object gives it) and model.weights.h5 (each layer of
// model.layers under layers/<snake_case class name, numbered when repeated>/vars/<i>). The config comes from the
// TF.js / Keras 2 topology of modelToTopology, put in Keras 3's envelope: `module` and `registered_name` on every
// object, dtype policies, an InputLayer with `batch_shape` first, and calls as `{args, kwargs}` of Keras tensors.
import type { Model } from '../nn/model';
import { f32View } from '../runtime/heap';
import { writeH5, type H5Group } from './h5-write';
import { snakeCase, uniqueName } from './keras';
import { KERAS_LAYERS } from './keras-layers';
import { kerasWeightNames, modelToTopology, type KerasLayerJSON } from './keras-topology';
import { writeZip } from './zip';

type Json = Record<string, unknown>;
/** The Keras release whose `.keras` layout this writes. */
const KERAS_VERSION = '3.16.0';
const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const MODULES: Record<string, string> = { initializer: 'keras.initializers', regularizer: 'keras.regularizers', constraint: 'keras.constraints' };

/**
 * The model as a Keras 3 `.keras` file (bytes), which `keras.saving.load_model` reads; in Node, also written to
 * `path` when given (atomically: a temporary file renamed). Every layer simdeep has that Keras has is written; the
 * rest is an error naming the layer and its class.
 *
 * @throws {RangeError} `saveKeras: ...` for a layer Keras cannot express (a custom layer, or hard_sigmoid, which
 *   Keras 3 computes differently), or a path that cannot be written.
 * @throws {DisposedError} for a disposed model.
 * @example
 * const net = sequential([dense({ units: 2, inputShape: [3] })]);
 * const bytes = await saveKeras(net); // a zip: 'PK' first
 * [bytes[0], bytes[1]]; // [80, 75]
 */
export async function saveKeras(model: Model, path?: string): Promise<Uint8Array> {
  if (path !== undefined && typeof path !== 'string') throw new TypeError(`saveKeras: path must be a string, got ${typeof path}`);
  let topology;
  try {
    topology = modelToTopology(model);
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`saveKeras: ${error.message.replace(/^\w+: /, '')}`, { cause: error });
    throw error;
  }
  const sequential = topology.class_name === 'Sequential';
  const shapes = outputShapes(model);
  const layers = topology.config.layers.map((l) => layer(l, sequential, shapes));
  if (sequential && layers[0]?.class_name !== 'InputLayer') {
    const first = topology.config.layers[0].config;
    layers.unshift(inputLayer(`${first.name as string}_input`, first.batch_input_shape as unknown[]));
    delete (layers[1].config as Json).batch_input_shape;
  }
  const config: Json = sequential
    ? { module: 'keras', class_name: 'Sequential', config: { name: topology.config.name, trainable: true, dtype: POLICY, layers }, registered_name: null }
    : { module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional', config: { name: topology.config.name, trainable: true, layers,
      input_layers: ends(topology.config.input_layers ?? []), output_layers: ends(topology.config.output_layers ?? []) } };
  const bytes = writeZip([
    ['metadata.json', json({ keras_version: KERAS_VERSION, date_saved: dateSaved(), ...(model.metadata ? { simdeep_metadata: model.metadata } : {}) })],
    ['config.json', json(config)],
    ['model.weights.h5', writeH5(weightsTree(model, topology.config.layers, sequential))],
  ]);
  if (path !== undefined) {
    const { saveToFile } = await import('../nn/model-file');
    await saveToFile(bytes.buffer as ArrayBuffer, path).catch((error: Error) => {
      throw new RangeError(`saveKeras: ${error.message.replace(/^save: /, '')}`, { cause: error });
    });
  }
  return bytes;
}

/** layers/<unique snake_case class>/vars/<i>, over model.layers in the config's order (Sequential: no InputLayer). */
function weightsTree(model: Model, layers: KerasLayerJSON[], sequential: boolean): H5Group {
  const names = kerasWeightNames(model);
  const byLayer = new Map<string, H5Group>();
  model.weights.forEach((w, i) => {
    const layer = names[i].slice(0, names[i].lastIndexOf('/'));
    const vars = byLayer.get(layer) ?? {};
    vars[String(Object.keys(vars).length)] = { shape: w.shape, values: f32View(w.ptr, w.size).slice() };
    byLayer.set(layer, vars);
  });
  const tree: H5Group = {};
  const used = new Map<string, number>();
  for (const l of layers) {
    if (sequential && l.class_name === 'InputLayer') continue;
    const key = uniqueName(snakeCase(l.class_name), used);
    const vars = byLayer.get((l.name ?? l.config.name) as string);
    if (vars) tree[key] = { vars };
  }
  return { layers: tree, vars: {} };
}

/** Each simdeep layer's output shape per call, by name, for the Keras tensors of calls. */
function outputShapes(model: Model): Map<string, unknown[][]> {
  return new Map(model.layers.map((l) => [l.name as string, l.calls.map((c) => [...c.output.shape] as unknown[])]));
}

function layer(l: KerasLayerJSON, sequential: boolean, shapes: Map<string, unknown[][]>): Json {
  const name = (l.name ?? l.config.name) as string;
  if (l.class_name === 'InputLayer') {
    const shape = l.config.batch_input_shape as unknown[];
    shapes.set(name, [shape]);
    return sequential ? inputLayer(name, shape) : { ...inputLayer(name, shape), name, inbound_nodes: [] };
  }
  const where = `saveKeras: layer "${name}" (${l.class_name})`;
  if (!KERAS_LAYERS.has(l.class_name)) throw new RangeError(`${where} is a custom layer; Keras cannot load it without its code`);
  if (l.config.activation === 'hard_sigmoid') throw new RangeError(`${where}: Keras 3's hard_sigmoid is relu6(x + 3) / 6, not simdeep's (TF.js's) 0.2·x + 0.5 clipped`);
  const config: Json = { name, trainable: true, dtype: POLICY };
  for (const [key, value] of Object.entries(l.config)) {
    if (key === 'name' || key === 'trainable' || key === 'dtype' || (key === 'batch_input_shape' && !sequential)) continue;
    config[key === 'alpha' && l.class_name === 'LeakyReLU' ? 'negative_slope' : key] = wrap(key, value);
  }
  const out: Json = { module: 'keras.layers', class_name: l.class_name, config, registered_name: null };
  if (sequential) return out;
  const calls = (l.inbound_nodes ?? []).map((node) => call(node as unknown[][], shapes));
  // A layer simdeep does not have as such (the LeakyReLU after a leaky dense) keeps its argument's shape.
  if (!shapes.has(name)) shapes.set(name, calls.map((c) => tensorsOf(c)[0]?.config.shape as unknown[]));
  return { ...out, name, inbound_nodes: calls };
}

function inputLayer(name: string, batchShape: unknown[]): Json {
  return { module: 'keras.layers', class_name: 'InputLayer', registered_name: null,
    config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name, optional: false } };
}

/** An initializer, regularizer or constraint ({class_name, config}) in Keras 3's envelope. */
function wrap(key: string, value: unknown): unknown {
  const kind = Object.keys(MODULES).find((k) => key.endsWith(`_${k}`));
  if (!kind || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return { module: MODULES[kind], ...(value as Json), registered_name: null };
}

/** A Keras 2 call ([[layer, node, tensor, kwargs], ...]) as Keras 3's {args, kwargs} of Keras tensors. */
function call(node: unknown[][], shapes: Map<string, unknown[][]>): Json {
  const tensors = node.map(([layer, index, tensor]) => ({ class_name: '__keras_tensor__', config: {
    shape: shapes.get(layer as string)?.[index as number] ?? null, dtype: 'float32', keras_history: [layer, index, tensor] } }));
  const kwargs = (node[0]?.[3] ?? {}) as Json;
  return { args: [tensors.length === 1 ? tensors[0] : tensors], kwargs };
}

const tensorsOf = (c: Json): { config: Json }[] => [(c.args as unknown[])[0]].flat() as { config: Json }[];
/** input_layers / output_layers: one [layer, node, tensor] alone, as Keras 3 writes a single input or output. */
const ends = (list: unknown[]): unknown => (list.length === 1 ? list[0] : list);
const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const dateSaved = (): string => new Date().toISOString().slice(0, 19).replace('T', '@');
