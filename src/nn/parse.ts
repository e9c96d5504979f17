// Checking model files (the format is save.ts's) before anything is allocated: the prefix and lengths, the JSON (plain
// objects, no prototype keys, finite numbers), layers (each config checked by its own options), the graph (no cycle,
// shapes that fit), the compile section and the weight byte count. Version 1 headers become the Sequential they
// describe.
import { showValue } from '../tensor/errors';
import { compileSettings, outputsOf, type CompileOptions } from './compile';
import { graphOf, topologicalOrder, type Graph } from './graph';
import { ACTIVATION_CODES, Dense, dense } from './layers/dense';
import { Dropout } from './layers/dropout';
import { InputLayer } from './layers/input';
import type { Layer } from './layers/layer';
import { layerFromConfig } from './registry';
import { FORMAT_VERSION, MAGIC, type LegacyLayer, type ModelJSON } from './save';
import type { SymbolicTensor } from './symbolic';

const MAX_UNITS = 1 << 24;
/** Layers and nodes a file may declare. */
const MAX_NODES = 1 << 16;

/** The weight shapes a custom layer's entry declares (its build makes them only once the model is made). */
const declaredShapes = new WeakMap<Layer, number[][]>();

/** A custom layer's declared weight shapes: at most 4,096 weights of at most 8 sizes each, integers in [0, 2^27]. */
function weightShapesOf(value: unknown, at: string): number[][] {
  const ok = Array.isArray(value) && value.length <= 4096 && value.every((s) => Array.isArray(s) && s.length <= 8 &&
    s.every((v) => Number.isInteger(v) && v >= 0 && v <= MAX_PARAMETERS));
  if (!ok) fail(`${at} is ${show(value)}; a custom layer's entry lists its weights' shapes (integers in [0, 2^27])`);
  const shapes = value as number[][];
  if (shapes.some((s) => s.reduce((a, b) => a * b, 1) > MAX_PARAMETERS)) fail(`${at} declares a weight of more than ${count(MAX_PARAMETERS)} values`);
  return shapes;
}

/** Throws a RangeError prefixed with loadModel. */
export function fail(message: string): never {
  throw new RangeError(`loadModel: ${message}`);
}

/** A value for an error message, cut short (a hostile file may hold megabytes in one string). */
export const show = (value: unknown): string => {
  const text = showValue(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
const size = (bytes: number): string => (bytes >= 1e6 ? `${+(bytes / 1e6).toPrecision(3)} MB` : `${count(bytes)} byte${bytes === 1 ? '' : 's'}`);

/** Parameters a file may declare: 512 MB of float32, half the wasm memory, so loading never asks for more. */
export const MAX_PARAMETERS = 2 ** 27;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const TOP_KEYS_V1 = new Set(['format', 'version', 'layers', 'compile', 'metadata']);
const TOP_KEYS = new Set(['format', 'version', 'className', 'layers', 'nodes', 'inputs', 'outputs', 'compile', 'metadata']);
const LAYER_KEYS = new Set(['className', 'units', 'activation', 'useBias', 'inputDim', 'dropout', 'kernelInitializer', 'biasInitializer']);
const COMPILE_KEYS = new Set(['loss', 'lossWeights', 'optimizer', 'metrics']);

/** A plain JSON object (not an array, not a class instance, no prototype tricks). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/**
 * Rejects keys that could reach a prototype (`__proto__`, `constructor`, `prototype`) and numbers JSON cannot hold
 * (1e999 parses to Infinity) anywhere in the header. Iterative, so deep nesting cannot overflow the stack.
 */
export function checkTree(root: unknown, failWith: (message: string) => never = fail): void {
  const stack: [unknown, string][] = [[root, '']];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, path] = item;
    if (typeof value === 'number' && !Number.isFinite(value)) failWith(`${path} is ${value}; a model file holds finite numbers only`);
    if (typeof value !== 'object' || value === null) continue;
    const array = Array.isArray(value);
    for (const key of Object.keys(value)) {
      const at = array ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!array && FORBIDDEN_KEYS.has(key)) failWith(`the JSON header has the key ${JSON.stringify(key)} (at ${at}), which is never saved`);
      stack.push([(value as Record<string, unknown>)[key], at]);
    }
  }
}

function checkKeys(value: Record<string, unknown>, known: Set<string>, where: string): void {
  const unknown = Object.keys(value).find((key) => !known.has(key));
  if (unknown !== undefined) fail(`${where} has the unknown key ${show(unknown)} (expected ${[...known].join(', ')})`);
}

const isUnits = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_UNITS;

function checkLayer(value: unknown, i: number, previous: number | undefined): LegacyLayer {
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
  return value as unknown as LegacyLayer;
}

/** The weight count the layers declare, checked against the parameter limit and the file's weight bytes. */
function checkWeightBytes(layers: LegacyLayer[], bytes: number): number {
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

/** The weight count the layers declare, checked against the parameter limit and the file's weight bytes. */
function checkWeightCount(perLayer: readonly { name: string; floats: number; shapes: string }[], bytes: number): number {
  const floats = perLayer.reduce((a, b) => a + b.floats, 0);
  if (floats > MAX_PARAMETERS) fail(`the layers declare ${count(floats)} parameters (${size(4 * floats)}); a model file holds at most ${count(MAX_PARAMETERS)}`);
  if (4 * floats === bytes) return floats;
  const need = `the layers need ${count(floats)} weights (${size(4 * floats)}) but the file holds ${size(bytes)} of weights`;
  if (4 * floats < bytes) fail(`${need}: ${size(bytes - 4 * floats)} too many`);
  let left = bytes, i = 0;
  while (4 * perLayer[i].floats <= left) left -= 4 * perLayer[i++].floats;
  const l = perLayer[i];
  fail(`${need}: ${l.name} declares ${l.shapes} (${size(4 * l.floats)}) and ${size(left)} are left for it`);
}

/** The compile section's shape (its settings are checked against the graph by compileSettings). */
function checkCompileShape(value: unknown): ModelJSON['compile'] {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(`compile is ${show(value)}, not an object`);
  checkKeys(value, COMPILE_KEYS, 'compile');
  const optimizer = value.optimizer;
  // NOTE: an object with `config` and `stateArrays` would pass for an Optimizer; a file holds its config only.
  if (!isRecord(optimizer) || typeof optimizer.name !== 'string' || Object.hasOwn(optimizer, 'config') || Object.hasOwn(optimizer, 'stateArrays')) {
    fail(`compile.optimizer is ${show(optimizer)}, not an optimizer's config such as { name: 'adam', learningRate: 0.001 }`);
  }
  if (!Array.isArray(value.metrics) && !isRecord(value.metrics)) fail(`compile.metrics is ${show(value.metrics)}, not an array or an object by output`);
  return value as ModelJSON['compile'];
}

/** Checks the compile section against the graph, as `compile` checks it, allocating nothing. */
function checkCompile(compile: ModelJSON['compile'], graph: Graph): void {
  if (!compile) return;
  const { outputs, softmaxHidden } = outputsOf(graph);
  try {
    compileSettings(outputs, softmaxHidden, compile as unknown as CompileOptions, 'compile');
  } catch (error) {
    fail(`the compile section is invalid: ${(error as Error).message}`);
  }
}

/** The file's bytes as an ArrayBuffer of its own (a Node Buffer may be a view into a larger pool). */
export function ownBuffer(bytes: unknown): ArrayBuffer {
  if (bytes instanceof Uint8Array) return new Uint8Array(bytes).buffer;
  if (bytes instanceof ArrayBuffer) return bytes;
  fail(`expected an ArrayBuffer, Uint8Array, Blob or file path, got ${show(bytes)}`);
}

/** A model as a file describes it, checked, with its layers made (no weights yet) and its graph built. */
export interface ParsedModel {
  /** Bytes before the weights: the prefix, the JSON and its padding. */
  head: number;
  /** Float32 weights the layers declare (the file holds exactly these after `head`). */
  floats: number;
  /** Whether it is a Sequential, and its layers in order (inputs left out). */
  sequential: boolean;
  /** The layers, each once, in graph order (inputs left out); the weights follow this order. */
  layers: Layer[];
  /** Per layer, a custom layer's declared weight shapes (its build must make exactly these), else undefined. */
  customShapes: (number[][] | undefined)[];
  /** The graph's inputs and outputs. */
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  compile: ModelJSON['compile'];
  metadata: Record<string, unknown> | undefined;
}

/**
 * Checks the header of a model file of `fileBytes` bytes from its first bytes (`buffer`: at least the prefix and
 * the padded JSON, or the whole file if shorter): the magic, version and lengths, the JSON (plain objects, no
 * prototype keys), layers (their configs checked as their options are), the graph (no cycle, arguments before
 * their nodes, shapes that fit), the compile section and metadata, the parameter count (at most MAX_PARAMETERS) and a
 * weight byte count of exactly what the layers declare. Reads nothing after the header; allocates no wasm memory.
 */
export function parseHeader(buffer: ArrayBuffer, fileBytes: number): ParsedModel {
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
  const { parsed, compile, metadata } = checkArchitecture(json);
  const floats = parsed.legacy ? checkWeightBytes(parsed.legacy, fileBytes - head) : checkWeightCount(parsed.graph.layers.map((layer) => {
    const node = parsed.graph.nodes.find((n) => n.layer === layer)!;
    const shapes = declaredShapes.get(layer) ?? layer.weightShapes(node.args.map((a) => parsed.graph.nodes[a].dims));
    return { name: `layer ${layer.label}`, floats: shapes.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0),
      shapes: shapes.map((s) => s.join('×')).join(' and ') + ' weights' };
  }), fileBytes - head);
  const graph = parsed.graph;
  return { head, floats, sequential: parsed.sequential, layers: [...graph.layers], customShapes: graph.layers.map((l) => declaredShapes.get(l)),
    inputs: graph.inputs.map((i) => graph.nodes[i].call.output), outputs: graph.outputs.map((i) => graph.nodes[i].call.output), compile, metadata };
}

/** The architecture JSON (a file's header, or `model.toJSON()` kept elsewhere) checked, its layers made and called. */
function checkArchitecture(json: unknown): { parsed: ReturnType<typeof parseGraph> | ReturnType<typeof parseLegacy>; compile: ModelJSON['compile'];
  metadata: Record<string, unknown> | undefined; } {
  if (!isRecord(json)) fail(`the JSON header is ${show(json)}, not an object`);
  checkTree(json);
  if (json.format !== 'simdeep-model') fail(`format is ${show(json.format)}, expected 'simdeep-model'`);
  if (json.version !== 1 && json.version !== FORMAT_VERSION) fail(`format version ${show(json.version)} is not supported (this library reads 1 and ${FORMAT_VERSION})`);
  const metadata = json.metadata;
  if (metadata !== undefined && !isRecord(metadata)) fail(`metadata is ${show(metadata)}, not an object`);
  const parsed = json.version === 1 ? parseLegacy(json) : parseGraph(json);
  const compile = checkCompileShape(json.compile);
  checkCompile(compile, parsed.graph);
  return { parsed, compile, metadata: metadata as Record<string, unknown> | undefined };
}

/**
 * A model's architecture as `model.toJSON()` gives it (held in another container, such as a safetensors file's
 * metadata), checked as a model file's header is (see parseHeader), allocating nothing; `head` and `floats` are 0
 * (the weights are the container's). Throws RangeErrors starting with "loadModel: ".
 */
export function parseArchitecture(json: unknown): ParsedModel {
  const { parsed: { graph, sequential }, compile, metadata } = checkArchitecture(json);
  return { head: 0, floats: 0, sequential, layers: [...graph.layers], customShapes: graph.layers.map((l) => declaredShapes.get(l)),
    inputs: graph.inputs.map((i) => graph.nodes[i].call.output), outputs: graph.outputs.map((i) => graph.nodes[i].call.output), compile, metadata };
}

/** A version 1 header (a dense stack) as the graph of the Sequential it describes. */
function parseLegacy(json: Record<string, unknown>): { graph: Graph; sequential: boolean; legacy: LegacyLayer[] } {
  checkKeys(json, TOP_KEYS_V1, 'the JSON header');
  if (!Array.isArray(json.layers) || json.layers.length === 0) fail(`layers is ${show(json.layers)}; the model has no layers`);
  const layers: LegacyLayer[] = [];
  json.layers.forEach((layer: unknown, i) => layers.push(checkLayer(layer, i, layers[i - 1]?.units)));
  let x = new InputLayer({ shape: [layers[0].inputDim] }).calls[0].output;
  const input = x;
  for (const l of layers) {
    x = dense({ units: l.units, activation: l.activation, useBias: l.useBias, kernelInitializer: 'zeros', biasInitializer: 'zeros',
      ...(x === input ? { inputShape: [l.inputDim] } : {}) }).apply(x);
    if (l.dropout) x = new Dropout(l.dropout).apply(x);
  }
  return { graph: graphOf([input], [x], 'loadModel'), sequential: true, legacy: layers };
}

/** A version 2 header's layers and graph, checked, with the layers made and called on symbolic tensors. */
function parseGraph(json: Record<string, unknown>): { graph: Graph; sequential: boolean; legacy?: undefined } {
  checkKeys(json, TOP_KEYS, 'the JSON header');
  if (json.className !== 'Sequential' && json.className !== 'Model') fail(`className is ${show(json.className)}, expected 'Sequential' or 'Model'`);
  const { layers: layerList, nodes: nodeList, inputs, outputs } = json;
  if (!Array.isArray(layerList) || layerList.length === 0) fail(`layers is ${show(layerList)}; the model has no layers`);
  if (!Array.isArray(nodeList) || nodeList.length === 0) fail(`nodes is ${show(nodeList)}; the model has no layers`);
  if (layerList.length > MAX_NODES || nodeList.length > MAX_NODES) fail(`the file declares ${count(Math.max(layerList.length, nodeList.length))} layers or nodes; at most ${count(MAX_NODES)}`);
  const index = (value: unknown, below: number, at: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= below) fail(`${at} is ${show(value)}, not an index in [0, ${below})`);
    return value;
  };
  const layers = layerList.map((entry: unknown, i): Layer => {
    const at = `layers[${i}]`;
    if (!isRecord(entry)) fail(`${at} is ${show(entry)}, not an object`);
    checkKeys(entry, new Set(['className', 'config', 'weightShapes']), at);
    if (typeof entry.className !== 'string') fail(`${at}.className is ${show(entry.className)}, not a string`);
    if (!isRecord(entry.config)) fail(`${at}.config is ${show(entry.config)}, not an object`);
    let layer: Layer;
    try {
      layer = layerFromConfig(entry.className, entry.config, `${at} (${entry.className})`);
    } catch (error) {
      fail((error as Error).message);
    }
    if (layer.isCustom) declaredShapes.set(layer, weightShapesOf(entry.weightShapes, `${at}.weightShapes`));
    else if (entry.weightShapes !== undefined) fail(`${at} has weightShapes, which only a custom layer's entry holds`);
    return layer;
  });
  const nodes = nodeList.map((entry: unknown, i) => {
    const at = `nodes[${i}]`;
    if (!isRecord(entry)) fail(`${at} is ${show(entry)}, not an object`);
    checkKeys(entry, new Set(['layer', 'args']), at);
    if (!Array.isArray(entry.args)) fail(`${at}.args is ${show(entry.args)}, not an array`);
    return { layer: index(entry.layer, layers.length, `${at}.layer`), args: entry.args.map((a: unknown, k) => index(a, nodeList.length, `${at}.args[${k}]`)) };
  });
  const list = (value: unknown, name: string): number[] => {
    if (!Array.isArray(value) || value.length === 0) fail(`${name} is ${show(value)}, not a list of node indices`);
    return value.map((v: unknown, k) => index(v, nodes.length, `${name}[${k}]`));
  };
  const inputNodes = list(inputs, 'inputs'), outputNodes = list(outputs, 'outputs');
  const nameOf = (i: number): string => `nodes[${i}] (${layers[nodes[i].layer].label})`;
  const calls = new Map<Layer, number>();
  const tensors: (SymbolicTensor | undefined)[] = [];
  const order = topologicalOrder(nodes.length, [...inputNodes, ...outputNodes], (i) => nodes[i].args, nameOf, 'loadModel');
  for (const i of order) {
    const layer = layers[nodes[i].layer];
    if (layer instanceof InputLayer) {
      if (nodes[i].args.length !== 0 || calls.has(layer)) fail(`${nameOf(i)} calls an input layer, which takes no arguments and is used once`);
      calls.set(layer, 1);
      tensors[i] = layer.calls[0].output;
      continue;
    }
    try {
      const args = nodes[i].args.map((a) => tensors[a]!);
      tensors[i] = layer.apply(layer.arity === 'many' ? args : args[0]);
    } catch (error) {
      fail(`${nameOf(i)}: ${(error as Error).message}`);
    }
  }
  let graph: Graph;
  try {
    graph = graphOf(inputNodes.map((i) => tensors[i]), outputNodes.map((i) => tensors[i]), 'loadModel');
  } catch (error) {
    fail((error as Error).message.replace(/^loadModel: /, ''));
  }
  const sequential = json.className === 'Sequential';
  if (sequential) {
    // Loaded as a Sequential, rebuilt from its layers' configs: a chain whose first layer takes the input's shape.
    const chain = graph.inputs.length === 1 && graph.nodes.every((n, i) => (i === 0 ? n.args.length === 0 : n.args.length === 1 && n.args[0] === i - 1));
    if (!chain) fail('className is \'Sequential\' but the nodes are not a chain from one input');
    const first = graph.nodes[1]?.layer, dims = graph.nodes[0].dims;
    if (!first || first.inputShape?.join() !== dims.join()) fail(`the first layer of a Sequential must have inputShape [${dims.join(', ')}], the input's`);
  }
  return { graph, sequential };
}
