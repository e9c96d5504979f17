// Model files: one binary blob holding the architecture as JSON and then every weight as float32, so a saved model
// loads anywhere (Node file, browser ArrayBuffer or Blob) and predicts bit-identically.
// Layout: "SDPM" | u32 JSON byte length | JSON (UTF-8) | zero padding to 4 bytes | float32 weights in order.
import { f32View } from '../runtime/heap';
import { showValue } from '../tensor/errors';
import { dense, type ActivationName, ACTIVATION_CODES } from './dense';
import { Dropout } from './dropout';
import type { Initializer } from './initializers';
import { compileSettings, type CompileOptions } from './compile';
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

/** The model file as bytes; a RangeError for a model without layers, which no file can hold. */
export function serialize(model: Sequential, op: string): ArrayBuffer {
  if (model.layers.length === 0) throw new RangeError(`${op}: the model has no layers; add layers before saving it`);
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

/** Throws a RangeError prefixed with loadModel. */
export function fail(message: string): never {
  throw new RangeError(`loadModel: ${message}`);
}

/** A value for an error message, cut short (a hostile file may hold megabytes in one string). */
const show = (value: unknown): string => {
  const text = showValue(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
const size = (bytes: number): string => (bytes >= 1e6 ? `${+(bytes / 1e6).toPrecision(3)} MB` : `${count(bytes)} byte${bytes === 1 ? '' : 's'}`);

/** Parameters a file may declare: 512 MB of float32, half the wasm memory, so loading never asks for more. */
export const MAX_PARAMETERS = 2 ** 27;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const TOP_KEYS = new Set(['format', 'version', 'layers', 'compile', 'metadata']);
const LAYER_KEYS = new Set(['className', 'units', 'activation', 'useBias', 'inputDim', 'dropout', 'kernelInitializer', 'biasInitializer']);
const COMPILE_KEYS = new Set(['loss', 'optimizer', 'metrics']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Rejects keys that could reach a prototype (`__proto__`, `constructor`, `prototype`) and numbers JSON cannot hold
 * (1e999 parses to Infinity) anywhere in the header. Iterative, so deep nesting cannot overflow the stack.
 */
function checkTree(root: unknown): void {
  const stack: [unknown, string][] = [[root, '']];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, path] = item;
    if (typeof value === 'number' && !Number.isFinite(value)) fail(`${path} is ${value}; a model file holds finite numbers only`);
    if (typeof value !== 'object' || value === null) continue;
    const array = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const at = array ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!array && FORBIDDEN_KEYS.has(key)) fail(`the JSON header has the key ${JSON.stringify(key)} (at ${at}), which is never saved`);
      stack.push([(value as Record<string, unknown>)[key], at]);
    }
  }
}

function checkKeys(value: Record<string, unknown>, known: Set<string>, where: string): void {
  const unknown = Object.keys(value).find((key) => !known.has(key));
  if (unknown !== undefined) fail(`${where} has the unknown key ${show(unknown)} (expected ${[...known].join(', ')})`);
}

const isUnits = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_UNITS;

function checkLayer(value: unknown, i: number, previous: number | undefined): ModelJSON['layers'][number] {
  const at = `layers[${i}]`;
  if (!isRecord(value)) fail(`${at} is ${show(value)}, not an object`);
  checkKeys(value, LAYER_KEYS, at);
  if (value.className !== 'Dense') fail(`${at}.className must be 'Dense', got ${show(value.className)}`);
  const { units, inputDim } = value;
  if (!isUnits(units)) fail(`${at}.units is ${show(units)}, not an integer in [1, ${MAX_UNITS}]`);
  if (!isUnits(inputDim)) fail(`${at}.inputDim is ${show(inputDim)}, not an integer in [1, ${MAX_UNITS}]`);
  if (previous !== undefined && inputDim !== previous) fail(`${at}.inputDim is ${inputDim} but layers[${i - 1}] has ${previous} units`);
  if (typeof value.activation !== 'string' || !Object.hasOwn(ACTIVATION_CODES, value.activation)) {
    fail(`${at}.activation is ${show(value.activation)}, not one of ${Object.keys(ACTIVATION_CODES).join(', ')}`);
  }
  if (typeof value.useBias !== 'boolean') fail(`${at}.useBias is ${show(value.useBias)}, not a boolean`);
  const rate = value.dropout ?? 0;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail(`${at}.dropout is ${show(rate)}, not a rate in [0, 1)`);
  for (const key of ['kernelInitializer', 'biasInitializer']) {
    const init = value[key];
    if (init !== undefined && !(isRecord(init) && typeof init.name === 'string')) fail(`${at}.${key} is ${show(init)}, not an initializer's config`);
  }
  return value as unknown as ModelJSON['layers'][number];
}

/** The weight count the layers declare, checked against the parameter limit and the file's weight bytes. */
function checkWeightBytes(layers: ModelJSON['layers'], bytes: number): number {
  const own = layers.map((l) => l.inputDim * l.units + (l.useBias ? l.units : 0));
  const floats = own.reduce((a, b) => a + b, 0);
  if (floats > MAX_PARAMETERS) fail(`the layers declare ${count(floats)} parameters (${size(4 * floats)}); a model file holds at most ${count(MAX_PARAMETERS)}`);
  if (4 * floats === bytes) return floats;
  const need = `the layers need ${count(floats)} weights (${size(4 * floats)}) but the file holds ${size(bytes)} of weights`;
  if (4 * floats < bytes) fail(`${need}: ${size(bytes - 4 * floats)} too many`);
  let left = bytes, i = 0;
  while (4 * own[i] <= left) left -= 4 * own[i++];
  const l = layers[i];
  fail(`${need}: layers[${i}] declares ${l.inputDim}×${l.units} weights${l.useBias ? ` and ${l.units} biases` : ''} (${size(4 * own[i])}) and ${size(left)} are left for it`);
}

/** The compile section, checked as `compile` checks it, allocating nothing. */
function checkCompile(value: unknown, layers: ModelJSON['layers']): ModelJSON['compile'] {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(`compile is ${show(value)}, not an object`);
  checkKeys(value, COMPILE_KEYS, 'compile');
  const optimizer = value.optimizer;
  // NOTE: an object with `config` and `stateArrays` would pass for an Optimizer; a file holds its config only.
  if (!isRecord(optimizer) || typeof optimizer.name !== 'string' || Object.hasOwn(optimizer, 'config') || Object.hasOwn(optimizer, 'stateArrays')) {
    fail(`compile.optimizer is ${show(optimizer)}, not an optimizer's config such as { name: 'adam', learningRate: 0.001 }`);
  }
  if (!Array.isArray(value.metrics)) fail(`compile.metrics is ${show(value.metrics)}, not an array`);
  try {
    compileSettings(layers.map((l) => ({ activation: l.activation, units: l.units, dropout: l.dropout ?? 0 })), value as unknown as CompileOptions, 'compile');
  } catch (error) {
    fail(`the compile section is invalid: ${(error as Error).message}`);
  }
  return value as ModelJSON['compile'];
}

/** The file's bytes as an ArrayBuffer of its own (a Node Buffer may be a view into a larger pool). */
function ownBuffer(bytes: unknown): ArrayBuffer {
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes).buffer;
  if (bytes instanceof ArrayBuffer) return bytes;
  fail(`expected an ArrayBuffer, Uint8Array, Blob or file path, got ${show(bytes)}`);
}

/** What a model file's header holds, checked: the layers, compile settings, metadata, and where the weights are. */
export interface ModelHeader {
  /** Bytes before the weights: the prefix, the JSON and its padding. */
  head: number;
  /** Float32 weights the layers declare (the file holds exactly these after `head`). */
  floats: number;
  layers: ModelJSON['layers'];
  compile: ModelJSON['compile'];
  metadata: Record<string, unknown> | undefined;
}

/**
 * Checks the header of a model file of `fileBytes` bytes from its first bytes (`buffer`: at least the prefix and
 * the padded JSON, or the whole file if shorter): the magic, version and lengths, the JSON (plain objects, no
 * prototype keys), layers, shapes, the compile section and metadata, the parameter count (at most MAX_PARAMETERS)
 * and a weight byte count of exactly what the layers declare. Reads nothing after the header.
 */
export function parseHeader(buffer: ArrayBuffer, fileBytes: number): ModelHeader {
  if (fileBytes < 8) fail(`the file has ${fileBytes} bytes; it is not a simdeep model`);
  const view = new DataView(buffer);
  if (view.getUint32(0, true) !== MAGIC) fail('the file does not start with SDPM; it is not a simdeep model');
  const length = view.getUint32(4, true);
  const head = 8 + length + ((4 - (length % 4)) % 4);
  if (head > fileBytes) fail(`the JSON header claims ${count(length)} bytes (padded to ${count(head - 8)}) but the file has ${count(fileBytes)} in all`);
  const padding = new Uint8Array(buffer, 8 + length, head - 8 - length);
  if (padding.some((b) => b !== 0)) fail('the padding after the JSON header is not zero');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, 8, length)));
  } catch (error) {
    fail(`the JSON header is corrupt: ${String(error)}`);
  }
  if (!isRecord(json)) fail(`the JSON header is ${show(json)}, not an object`);
  checkTree(json);
  checkKeys(json, TOP_KEYS, 'the JSON header');
  if (json.format !== 'simdeep-model') fail(`format is ${show(json.format)}, expected 'simdeep-model'`);
  if (json.version !== FORMAT_VERSION) fail(`format version ${show(json.version)} is not supported (this library reads ${FORMAT_VERSION})`);
  if (!Array.isArray(json.layers) || json.layers.length === 0) fail(`layers is ${show(json.layers)}; the model has no layers`);
  const metadata = json.metadata;
  if (metadata !== undefined && !isRecord(metadata)) fail(`metadata is ${show(metadata)}, not an object`);
  const layers: ModelJSON['layers'] = [];
  json.layers.forEach((layer: unknown, i) => layers.push(checkLayer(layer, i, layers[i - 1]?.units)));
  const compile = checkCompile(json.compile, layers);
  const floats = checkWeightBytes(layers, fileBytes - head);
  return { head, floats, layers, compile, metadata };
}

/**
 * Rebuilds a model from a file's bytes. Everything is checked before the first wasm allocation: the header (see
 * parseHeader) and finite weights.
 */
export function deserialize(bytes: ArrayBuffer | Uint8Array): Sequential {
  const buffer = ownBuffer(bytes);
  const { head, floats, layers, compile, metadata } = parseHeader(buffer, buffer.byteLength);
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
  if (compile) model.compile(compile);
  return model;
}
