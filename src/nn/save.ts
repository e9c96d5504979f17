// Model files: one binary blob holding the architecture as JSON and then every weight as float32, so a saved model
// loads anywhere (Node file, browser ArrayBuffer or Blob) and predicts bit-identically.
// Layout: "SDPM" | u32 JSON byte length | JSON (UTF-8) | zero padding to 4 bytes | float32 weights in order.
import { f32View } from '../runtime/heap';
import { nodeImport } from '../runtime/node';
import { showValue } from '../tensor/errors';
import { dense, type ActivationName, ACTIVATION_CODES } from './dense';
import { Dropout } from './dropout';
import type { Initializer } from './initializers';
import { sequential, type Sequential } from './sequential';
import type { LossName } from './losses';
import type { MetricName } from './metrics';
import type { OptimizerConfig } from '../optim/optimizers';

const MAGIC = 0x4d504453; // "SDPM" little-endian
const FORMAT_VERSION = 1;
const MAX_UNITS = 1 << 24;

/**
 * The architecture, compile settings and metadata a model file holds (its JSON header), as `model.toJSON()` gives
 * them.
 * @example
 * const model = sequential([dense({ units: 2, activation: 'relu', inputShape: [3] })]);
 * const json: ModelJSON = model.toJSON();
 * json.layers[0].inputDim; // 3
 */
export interface ModelJSON {
  /** Always 'simdeep-model'. */
  format: 'simdeep-model';
  /** The file format version (1). */
  version: number;
  /** The dense layers, in order. */
  layers: {
    /** Always 'Dense'. */
    className: 'Dense';
    /** Output size. */
    units: number;
    /** The activation. */
    activation: ActivationName;
    /** Whether the layer has a bias. */
    useBias: boolean;
    /** Input features. */
    inputDim: number;
    /** Dropout rate on the layer's outputs while training (0 or missing: none). */
    dropout?: number;
    /** The kernel's initializer, as created (a loaded model was rebuilt with zeros). */
    kernelInitializer: Initializer['config'];
    /** The bias' initializer, as created. */
    biasInitializer: Initializer['config'];
  }[];
  /** The compile settings, if the model was compiled. */
  compile?: {
    /** The loss. */
    loss: LossName;
    /** The optimizer's settings. */
    optimizer: OptimizerConfig;
    /** The metrics besides the loss. */
    metrics: MetricName[];
  };
  /** The model's `metadata` (JSON), such as the preprocessing of its inputs. */
  metadata?: Record<string, unknown>;
}

/** The architecture of a model as JSON. */
export function modelToJSON(model: Sequential): ModelJSON {
  return {
    format: 'simdeep-model',
    version: FORMAT_VERSION,
    layers: model.layers.map((layer) => layer.config as ModelJSON['layers'][number]),
    compile: model.loss && model.optimizer ? { loss: model.loss.name, optimizer: model.optimizer.config, metrics: model.metrics } : undefined,
    metadata: model.metadata,
  };
}

/** The model file as bytes. */
export function serialize(model: Sequential): ArrayBuffer {
  const json = new TextEncoder().encode(JSON.stringify(modelToJSON(model)));
  const head = 8 + json.length + ((4 - (json.length % 4)) % 4);
  const params = model.parameters();
  const floats = params.reduce((sum, p) => sum + p.size, 0);
  const bytes = new ArrayBuffer(head + 4 * floats);
  const view = new DataView(bytes);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  new Uint8Array(bytes, 8, json.length).set(json);
  let at = head / 4;
  const out = new Float32Array(bytes);
  for (const p of params) {
    out.set(f32View(p.ptr, p.size), at);
    at += p.size;
  }
  return bytes;
}

function fail(message: string): never {
  throw new RangeError(`loadModel: ${message}`);
}

function checkLayer(value: unknown, i: number, previous: number | undefined): ModelJSON['layers'][number] {
  if (typeof value !== 'object' || value === null) fail(`layers[${i}] is not an object`);
  const layer = value as Record<string, unknown>;
  if (layer.className !== 'Dense') fail(`layers[${i}].className must be 'Dense', got ${showValue(layer.className)}`);
  const units = layer.units, inputDim = layer.inputDim;
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1 || units > MAX_UNITS) fail(`layers[${i}].units is ${showValue(units)}`);
  if (typeof inputDim !== 'number' || !Number.isInteger(inputDim) || inputDim < 1 || inputDim > MAX_UNITS) fail(`layers[${i}].inputDim is ${showValue(inputDim)}`);
  if (previous !== undefined && inputDim !== previous) fail(`layers[${i}].inputDim is ${inputDim} but the previous layer has ${previous} units`);
  if (typeof layer.activation !== 'string' || !Object.hasOwn(ACTIVATION_CODES, layer.activation)) fail(`layers[${i}].activation is ${showValue(layer.activation)}`);
  if (typeof layer.useBias !== 'boolean') fail(`layers[${i}].useBias is ${showValue(layer.useBias)}`);
  const rate = layer.dropout ?? 0;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail(`layers[${i}].dropout is ${showValue(rate)}`);
  return layer as ModelJSON['layers'][number];
}

/** Rebuilds a model from a file's bytes, validating everything before allocating weights. */
export function deserialize(bytes: ArrayBuffer | Uint8Array): Sequential {
  const buffer = bytes instanceof Uint8Array ? bytes.slice().buffer : bytes;
  if (!(buffer instanceof ArrayBuffer)) fail(`expected an ArrayBuffer, Uint8Array, Blob or file path, got ${showValue(bytes)}`);
  if (buffer.byteLength < 8) fail(`the file has ${buffer.byteLength} bytes; it is not a simdeep model`);
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC) fail('the file does not start with SDPM; it is not a simdeep model');
  const length = view.getUint32(4, true);
  if (8 + length > buffer.byteLength) fail(`the JSON header claims ${length} bytes but the file has ${buffer.byteLength}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, length)));
  } catch (error) {
    fail(`the JSON header is corrupt: ${String(error)}`);
  }
  const config = json as Partial<ModelJSON>;
  if (config?.format !== 'simdeep-model') fail(`format is ${showValue(config?.format)}, expected 'simdeep-model'`);
  if (config.version !== FORMAT_VERSION) fail(`format version ${showValue(config.version)} is not supported (this library reads ${FORMAT_VERSION})`);
  if (!Array.isArray(config.layers) || config.layers.length === 0) fail('the model has no layers');
  const metadata = config.metadata;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) fail(`metadata must be an object, got ${showValue(metadata)}`);
  const layers: ModelJSON['layers'] = [];
  config.layers.forEach((layer, i) => layers.push(checkLayer(layer, i, layers[i - 1]?.units)));
  const floats = layers.reduce((sum, l) => sum + l.inputDim * l.units + (l.useBias ? l.units : 0), 0);
  const head = 8 + length + ((4 - (length % 4)) % 4);
  if (buffer.byteLength !== head + 4 * floats) fail(`the layers need ${floats} weights (${head + 4 * floats} bytes in all) but the file has ${buffer.byteLength} bytes`);
  const weights = new Float32Array(buffer, head, floats);
  const bad = weights.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`weight ${bad} is ${weights[bad]}; a model file holds finite weights only`);

  const model = sequential(layers.flatMap((l) => [dense({
    units: l.units, activation: l.activation, useBias: l.useBias, inputShape: [l.inputDim], kernelInitializer: 'zeros', biasInitializer: 'zeros',
  }), ...(l.dropout ? [new Dropout(l.dropout)] : [])]));
  let at = 0;
  for (const p of model.parameters()) {
    f32View(p.ptr, p.size).set(weights.subarray(at, at + p.size));
    at += p.size;
  }
  model.metadata = metadata;
  if (config.compile) {
    try {
      model.compile(config.compile);
    } catch (error) {
      model.dispose();
      fail(`its compile settings are invalid: ${(error as Error).message}`);
    }
  }
  return model;
}

const nodeFs = (): Promise<typeof import('node:fs/promises')> => nodeImport('node:fs/promises');

/** Writes the model file to `path` atomically (a temporary file, then a rename), in Node. */
export async function saveToFile(model: Sequential, path: string): Promise<ArrayBuffer> {
  const bytes = serialize(model);
  const fs = await nodeFs();
  const temporary = `${path}.${Date.now()}.${Math.floor(Math.random() * 1e9)}.tmp`;
  try {
    await fs.writeFile(temporary, new Uint8Array(bytes));
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return bytes;
}

/**
 * Resolves to the model saved with `model.save()` or `toBlob()`, read from a file path (Node), an ArrayBuffer, a
 * Uint8Array or a Blob: its layers and weights, compile settings (so it can train on) and metadata. Everything is
 * validated before weights are allocated; a bad file rejects with a RangeError saying what is wrong, a missing file
 * with the file system's error.
 * @example
 * const model = sequential([dense({ units: 2, activation: 'tanh', inputShape: [3] })]);
 * model.compile({ loss: 'meanSquaredError' });
 * const copy = await loadModel(await model.save());
 * const x = tensor([[1, 2, 3]]);
 * equal(copy.predict(x), model.predict(x)).toArray(); // [[1, 1]]
 * copy.toJSON().compile?.loss; // 'meanSquaredError'
 */
export async function loadModel(source: string | ArrayBuffer | Uint8Array | Blob): Promise<Sequential> {
  if (typeof source === 'string') return deserialize(new Uint8Array(await (await nodeFs()).readFile(source)));
  if (typeof Blob !== 'undefined' && source instanceof Blob) return deserialize(await source.arrayBuffer());
  return deserialize(source as ArrayBuffer | Uint8Array);
}
