// Keras model files: `.keras` (Keras 3: a zip of config.json, metadata.json and model.weights.h5) and legacy `.h5`
// (Keras 2 / tf.keras: the model_config attribute and a model_weights group). Everything in the file is checked
// (the zip's entries and sizes, the JSON, every weight dataset's datatype and shape within MAX_PARAMETERS) before
// the model is built; weights that do not fit the built model (missing, extra, another shape) dispose it again and
// are errors naming the layer, the weight and both shapes. The zip and HDF5 readers (fflate, jsfive) are imported
// only here, when such a file is read.
import { f32View } from '../runtime/heap';
import { nodeImport } from '../runtime/node';
import type { Model } from '../nn/model';
import { checkTree, MAX_PARAMETERS } from '../nn/parse';
import { H5Reader, show, type Dataset } from './keras-h5';
import { keras3ToTopology } from './keras3';
import { kerasWeightNames, parseTopology } from './keras-topology';
import { readZip } from './zip';

const OP = 'loadKeras';
const fail: (message: string) => never = (message) => {
  throw new RangeError(`${OP}: ${message}`);
};
/** The largest file or archive entry read: the weights of MAX_PARAMETERS in float64, and room for the rest. */
const MAX_FILE_BYTES = MAX_PARAMETERS * 8 + (64 << 20);
const MAX_JSON_BYTES = 64 << 20;

/** The weights read from a file, by layer name, in the file's order for that layer. */
type FileWeights = Map<string, Dataset[]>;

/**
 * Loads a Keras model file: a `.keras` archive (Keras 3) or a legacy `.h5` (Keras 2 / tf.keras), recognised by
 * content, from bytes or (in Node) a path. Sequential and functional models of the layers simdeep has are read,
 * with their weights (float32 or float64 datasets, read as float32).
 *
 * @throws {RangeError} `loadKeras: ...` for a file that is not a Keras model, is damaged or hostile (a truncated or
 *   altered archive, a zip bomb, a weight of another datatype or a shape beyond MAX_PARAMETERS), holds a layer or
 *   setting simdeep does not have (named with its class), or whose weights do not fit the layers (naming the layer,
 *   the weight and both shapes); nothing stays allocated.
 * @throws {TypeError} when `source` is neither a path nor bytes.
 * @example
 * const net = sequential([dense({ units: 2, inputShape: [3] })]);
 * const copy = await loadKeras(await saveKeras(net));
 * (copy.predict(ones([1, 3])) as Tensor).shape; // [1, 2]
 */
export async function loadKeras(source: string | Uint8Array | ArrayBuffer): Promise<Model> {
  const bytes = typeof source === 'string' ? await readFile(source) : source instanceof Uint8Array ? source
    : source instanceof ArrayBuffer ? new Uint8Array(source) : undefined;
  if (!bytes) throw new TypeError(`${OP}: source must be a path or bytes (Uint8Array or ArrayBuffer); got ${typeof source}`);
  if (bytes.length > MAX_FILE_BYTES) fail(`the file has ${bytes.length} bytes; at most ${MAX_FILE_BYTES} are read`);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return loadArchive(bytes);
  if (bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return loadLegacy(bytes);
  return fail('the file is neither a .keras archive (a zip) nor an HDF5 .h5 file (by its first bytes)');
}

async function loadArchive(bytes: Uint8Array): Promise<Model> {
  const entries = await readZip(bytes, [{ name: 'config.json', maxBytes: MAX_JSON_BYTES }, { name: 'metadata.json', maxBytes: 1 << 20, optional: true },
    { name: 'model.weights.h5', maxBytes: MAX_FILE_BYTES }], fail);
  const config = parseJson(entries.get('config.json')!, 'config.json');
  const metadata = entries.has('metadata.json') ? parseJson(entries.get('metadata.json')!, 'metadata.json') : {};
  const topology = { ...keras3ToTopology(config, fail), keras_version: versionOf(metadata), backend: 'tensor_flow.js' };
  const h5 = await H5Reader.open(entries.get('model.weights.h5')!, 'model.weights.h5', fail);
  // Keras 3 stores model.layers in order under layers/<snake_case class name, numbered when repeated>/vars/<i>.
  const found: FileWeights = new Map();
  const used = new Map<string, number>();
  const budget = { left: MAX_PARAMETERS };
  const paths = new Set<string>();
  for (const layer of topology.config.layers) {
    const name = (layer.name ?? layer.config.name) as string;
    if (topology.class_name === 'Sequential' && layer.class_name === 'InputLayer') continue;
    if (layer.class_name === 'Sequential' || layer.class_name === 'Functional' || layer.class_name === 'Model') fail(`layer "${name}" is a nested model; its weights are not read`);
    const key = uniqueName(snakeCase(layer.class_name), used);
    paths.add(key);
    const vars = `layers/${key}/vars`;
    const count = h5.keys(vars).length;
    found.set(name, Array.from({ length: count }, (_, i) => h5.dataset(`${vars}/${i}`, `layer "${name}" (${layer.class_name}): variable ${i}`, budget)));
  }
  for (const key of h5.keys('layers')) {
    if (!paths.has(key) && h5.keys(`layers/${key}/vars`).length > 0) fail(`model.weights.h5 holds weights under layers/${key}, which no layer of config.json has`);
  }
  const model = build(topology, found, (_layer, got) => `variable ${got}`);
  // simdeep keeps a model's metadata (the command line's preparation) beside Keras's in metadata.json.
  const kept = metadata.simdeep_metadata;
  if (typeof kept === 'object' && kept !== null && !Array.isArray(kept)) model.metadata = kept as Record<string, unknown>;
  return model;
}

async function loadLegacy(bytes: Uint8Array): Promise<Model> {
  const h5 = await H5Reader.open(bytes, 'the .h5 file', fail);
  const text = h5.text('', 'model_config');
  if (text === undefined) fail('the .h5 file has no model_config attribute (a weights-only file holds no architecture)');
  const topology = { ...keras3ToTopology(parseJson(new TextEncoder().encode(text), 'model_config'), fail), keras_version: h5.text('', 'keras_version') ?? '2' };
  const root = h5.keys('').includes('model_weights') ? 'model_weights' : '';
  const budget = { left: MAX_PARAMETERS };
  const found: FileWeights = new Map();
  const names = new Map<string, string[]>();
  for (const layer of topology.config.layers) {
    const name = (layer.name ?? layer.config.name) as string;
    const weightNames = h5.strings(`${root}/${name}`, 'weight_names') ?? [];
    names.set(name, weightNames);
    found.set(name, weightNames.map((w) => h5.dataset(`${root}/${name}/${w}`, `layer "${name}" (${layer.class_name}): weight ${w}`, budget)));
  }
  for (const name of h5.strings(root, 'layer_names') ?? []) {
    if (!found.has(name) && (h5.strings(`${root}/${name}`, 'weight_names') ?? []).length > 0) fail(`the .h5 file holds weights of a layer "${name}", which model_config does not have`);
  }
  // Weights are matched in order, as Keras does; each stored name ("dense/kernel:0", perhaps under a model's name)
  // must also end in the weight's own name.
  return build(topology, found, (layer, got, expected) => {
    const stored = names.get(layer)![got];
    const base = stored.replace(/:\d+$/, '').split('/').pop();
    if (base !== expected && expected !== '?') fail(`layer "${layer}": the file's weight ${got} is ${JSON.stringify(stored)} where the layer's is ${expected}`);
    return JSON.stringify(stored);
  });
}

/**
 * Builds the model and writes the file's weights into it. The weights are matched per layer, in order, to the ones
 * the parsed topology needs (count and shapes) before anything is allocated; only a custom layer's weights are known
 * after the build, and a mismatch there disposes the model again. Errors name the layer, the weight and both shapes.
 */
function build(topology: unknown, found: FileWeights, label: Label): Model {
  const parsed = parseTopology(topology, OP);
  const plan = parsed.custom ? undefined : match(parsed.weights, found, label);
  const model = parsed.build();
  try {
    const weights = model.weights;
    const values = plan ?? match(kerasWeightNames(model).map((name, i) => ({ name, shape: weights[i].shape })), found, label);
    weights.forEach((w, i) => f32View(w.ptr, w.size).set(values[i]));
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** How a file names its i-th weight of a layer in errors (and checks the name, where the file has one). */
type Label = (layer: string, index: number, expected: string) => string;

/** The file's values for each expected weight (`<layer>/<weight>` and shape), in order; every mismatch an error. */
function match(expected: { name: string; shape: readonly number[] }[], found: FileWeights, label: Label): Float32Array[] {
  const next = new Map<string, number>();
  const values = expected.map(({ name, shape }) => {
    const cut = name.lastIndexOf('/');
    const layer = name.slice(0, cut), short = name.slice(cut + 1);
    const index = next.get(layer) ?? 0;
    next.set(layer, index + 1);
    const stored = found.get(layer)?.[index];
    if (!stored) return fail(`layer "${layer}": the weight ${short} ${show(shape)} is missing from the file`);
    const where = label(layer, index, short);
    if (stored.shape.length !== shape.length || stored.shape.some((d, k) => d !== shape[k])) {
      fail(`layer "${layer}": the weight ${short} has shape ${show(stored.shape)} in the file (${where}), but the layer needs ${show(shape)}`);
    }
    return stored.values;
  });
  for (const [layer, list] of found) {
    const needed = next.get(layer) ?? 0;
    if (list.length > needed) fail(`layer "${layer}": the file holds ${list.length} weights for it, and the layer has ${needed} (${label(layer, needed, '?')} is extra)`);
  }
  return values;
}

/** Parses a JSON document of the file: a plain object, no key reaching a prototype, only finite numbers. */
function parseJson(bytes: Uint8Array, part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    return fail(`${part} is not valid JSON (${(error as Error).message.slice(0, 100)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${part} is not a JSON object`);
  // parse.ts's walk (prototype keys, non-finite numbers), its messages naming this part of the file.
  checkTree(value, (message) => fail(message.startsWith('the JSON header ') ? `${part} ${message.slice('the JSON header '.length)}` : `${part}: ${message}`));
  return value as Record<string, unknown>;
}

const versionOf = (metadata: Record<string, unknown>): string => (typeof metadata.keras_version === 'string' ? metadata.keras_version : '3');

/** Keras's naming.to_snake_case: Conv2D → conv2d, BatchNormalization → batch_normalization. */
export const snakeCase = (name: string): string =>
  name.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** saving_lib's _get_unique_name: the first `name`, then name_1, name_2, ... */
export function uniqueName(name: string, used: Map<string, number>): string {
  const n = used.get(name);
  used.set(name, n === undefined ? 0 : n + 1);
  return n === undefined ? name : `${name}_${n + 1}`;
}

/** A file's bytes in Node: a regular file of at most MAX_FILE_BYTES. */
async function readFile(path: string): Promise<Uint8Array> {
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
  const stats = await fs.stat(path).catch((error: Error) => fail(`cannot read ${JSON.stringify(path)}: ${error.message}`));
  if (!stats.isFile()) fail(`${JSON.stringify(path)} is not a regular file`);
  if (stats.size > MAX_FILE_BYTES) fail(`${JSON.stringify(path)} has ${stats.size} bytes; at most ${MAX_FILE_BYTES} are read`);
  return new Uint8Array(await fs.readFile(path));
}
