// The TF.js layers format: a model as TF.js ModelArtifacts (the Keras topology, weight specs and float32 weight
// data) and back, and saveTfjs / loadTfjs over any TF.js-style IO handler (an object with save or load), simdeep's
// own (handlers.ts: memory, http(s), file://) or a URL or path. Reading checks the topology, the specs against the
// weights the architecture needs and the byte count before any wasm memory is used.
import { f32View } from '../runtime/heap';
import { showValue } from '../tensor/errors';
import type { Model } from '../nn/model';
import { kerasName } from '../nn/layers/weight';
import { isRecord, show } from './keras-config';
import { parseTopology, topologyOf, type KerasTopology } from './keras-topology';
import { decodeWeights, encodeWeights, manifestSpecs, planWeights, type Quantization, type WeightSpec, type WeightsManifestGroup } from './tfjs-weights';
import { checkOptionKeys } from '../tensor/options';
import { fileSystem, http, type IOHandler, type SaveResult } from './handlers';

export type { Quantization, WeightSpec, WeightsManifestGroup };

/**
 * A model as TF.js hands it to and takes it from IO handlers (`tf.io.ModelArtifacts`): the topology, the weight specs
 * and the weights' bytes (one buffer, or TF.js's list of buffers), with `weightsManifest` in its file form.
 * @example
 * const artifacts: ModelArtifacts = toTfjsArtifacts(sequential([dense({ units: 1, inputShape: [2] })]));
 * artifacts.format; // 'layers-model'
 */
export interface ModelArtifacts {
  modelTopology?: KerasTopology | object | ArrayBuffer;
  weightSpecs?: WeightSpec[];
  weightData?: ArrayBuffer | ArrayBuffer[];
  weightsManifest?: WeightsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  userDefinedMetadata?: Record<string, unknown>;
  trainingConfig?: object;
}

/**
 * Options of toTfjsArtifacts and saveTfjs.
 * @example
 * const options: TfjsSaveOptions = { quantization: 'float16' };
 */
export interface TfjsSaveOptions {
  /** Store the weights as float16, or as uint8 / uint16 codes of each weight's range (default: float32, exact). */
  quantization?: Quantization;
}

/** toTfjsArtifacts, naming `op` in errors. */
export function artifactsOf(model: Model, op: string, options: TfjsSaveOptions = {}): ModelArtifacts {
  checkOptionKeys(op, options, ['quantization']);
  const { quantization } = options;
  if (quantization !== undefined && !['float16', 'uint8', 'uint16'].includes(quantization)) {
    throw new RangeError(`${op}: quantization must be 'float16', 'uint8' or 'uint16', got ${showValue(quantization)}`);
  }
  const modelTopology = topologyOf(model, op);
  const embedding = model.layers.find((l) => l.className === 'Embedding' && l.getConfig().maskZero === true);
  if (embedding) {
    throw new RangeError(`${op}: layer ${JSON.stringify(embedding.name)} (Embedding) has maskZero, whose zero vectors TF.js does not give (its mask_zero passes a mask on instead)`);
  }
  // NOTE: tfjs-layers' DepthwiseConv2D ignores its dilation_rate (a TODO in its call), so it would compute another thing.
  const dilated = model.layers.find((l) => l.className === 'DepthwiseConv2D' && (l.getConfig().dilationRate as number[]).some((d) => d > 1));
  if (dilated) throw new RangeError(`${op}: layer ${JSON.stringify(dilated.name)} (DepthwiseConv2D) has dilationRate above 1, which TF.js's DepthwiseConv2D ignores`);
  const weights = model.weights;
  const data = new Float32Array(weights.reduce((sum, w) => sum + w.size, 0));
  let at = 0;
  for (const w of weights) {
    data.set(f32View(w.ptr, w.size), at);
    at += w.size;
  }
  const weightSpecs = weights.map((w): WeightSpec => ({ name: kerasName(w), shape: [...w.shape], dtype: 'float32' }));
  let weightData = data.buffer;
  if (quantization) {
    let from = 0;
    weightData = encodeWeights(weights.map((w) => data.subarray(from, (from += w.size))), weightSpecs, quantization, op);
  }
  return { modelTopology, weightSpecs, weightData, format: 'layers-model', generatedBy: 'simdeep', convertedBy: null,
    ...(model.metadata ? { userDefinedMetadata: JSON.parse(JSON.stringify(model.metadata)) as Record<string, unknown> } : {}) };
}

/**
 * The model as TF.js ModelArtifacts: `modelTopology` (see modelToTopology), `weightSpecs` (every weight, named
 * `<layer>/<weight>`, float32), `weightData` (their little-endian bytes in that order), `format: 'layers-model'`,
 * `generatedBy`, `convertedBy`, and the model's metadata as `userDefinedMetadata`. `tf.loadLayersModel(
 * tf.io.fromMemory(artifacts))` loads it and predicts as simdeep does. `options.quantization` stores the weights
 * as float16 (half the bytes) or as uint8 / uint16 codes spanning each weight's range (a quarter or half; values
 * within half a step), as TF.js's converter quantizes.
 * @throws RangeError for a layer TF.js has no equivalent for (naming it and its class: an unregistered custom layer,
 * an embedding with maskZero, a global pooling with keepDims, a dilated depthwise convolution), an unknown option or
 * quantization, a weight beyond float16's range; DisposedError for a disposed model.
 * @example
 * const net = sequential([dense({ units: 2, inputShape: [3] })]);
 * const artifacts = toTfjsArtifacts(net);
 * artifacts.weightSpecs?.map((s) => s.name); // ['dense_1/kernel', 'dense_1/bias']
 * (artifacts.weightData as ArrayBuffer).byteLength; // 32
 * (toTfjsArtifacts(net, { quantization: 'float16' }).weightData as ArrayBuffer).byteLength; // 16
 */
export function toTfjsArtifacts(model: Model, options: TfjsSaveOptions = {}): ModelArtifacts {
  return artifactsOf(model, 'toTfjsArtifacts', options);
}

/** The weight data as one byte array: a buffer, a typed array, or TF.js's list of buffers (concatenated). */
function weightBytes(data: unknown, op: string): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data) && data.length <= 1 << 16 && data.every((b) => b instanceof ArrayBuffer)) {
    const out = new Uint8Array(data.reduce((sum: number, b: ArrayBuffer) => sum + b.byteLength, 0));
    let at = 0;
    for (const b of data as ArrayBuffer[]) {
      out.set(new Uint8Array(b), at);
      at += b.byteLength;
    }
    return out;
  }
  throw new RangeError(`${op}: weightData is ${show(data)}; expected an ArrayBuffer or a list of them`);
}

/**
 * The simdeep model that TF.js ModelArtifacts describe (what `model.save` hands a TF.js IO handler, or a model.json
 * with its weights): its topology read as modelFromTopology reads it (TF.js, Keras 2, Keras 3, and a converter's
 * `model_config`), its weights matched to the specs by name (Keras 3's prefixed names such as
 * `sequential/dense/kernel` by their last segments) and decoded (float32, int32, and float16 / uint8 / uint16
 * quantized weights dequantized as TF.js does), `userDefinedMetadata` as the model's metadata. Everything is checked
 * before any wasm allocation.
 * @throws RangeError naming the field: a graph model, a layer simdeep cannot build (naming it, its class and the key),
 * a missing, extra or wrong-shaped weight (naming it and both shapes), a bad spec or quantization, weight data of
 * another length than the specs declare, a weight that is not finite.
 * @example
 * const source = sequential([dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' })]);
 * const copy = modelFromTfjsArtifacts(toTfjsArtifacts(source));
 * (copy.predict(tensor([[1, 2, 3]])) as Tensor).toArray(); // [[6, 6]]
 */
export function modelFromTfjsArtifacts(artifacts: ModelArtifacts, op = 'modelFromTfjsArtifacts'): Model {
  if (!isRecord(artifacts)) throw new RangeError(`${op}: artifacts is ${show(artifacts)}, not TF.js ModelArtifacts`);
  const { modelTopology, format } = artifacts;
  if (format !== undefined && format !== null && format !== 'layers-model') {
    throw new RangeError(`${op}: format is ${show(format)}; simdeep reads TF.js layers models ('layers-model'), not graph models`);
  }
  if (modelTopology instanceof ArrayBuffer) throw new RangeError(`${op}: modelTopology is binary (a graph model's GraphDef); simdeep reads layers models`);
  // A converted Keras file holds { keras_version, backend, model_config, training_config }.
  const topology = isRecord(modelTopology) && isRecord(modelTopology.model_config)
    ? { ...modelTopology.model_config, keras_version: modelTopology.keras_version } : modelTopology;
  const parsed = parseTopology(topology, op);
  const specs = artifacts.weightSpecs ?? (artifacts.weightsManifest !== undefined ? manifestSpecs(artifacts.weightsManifest, op).specs : []);
  const data = weightBytes(artifacts.weightData, op);
  const metadata = artifacts.userDefinedMetadata;
  if (metadata !== undefined && !isRecord(metadata)) throw new RangeError(`${op}: userDefinedMetadata is ${show(metadata)}, not an object`);
  let values: Float32Array[] | undefined;
  if (!parsed.custom) values = decodeWeights(planWeights(specs, parsed.weights, op), data, op);
  const model = parsed.build();
  try {
    // A custom layer's weights are known once its build ran: check them now, and free the model if they do not fit.
    values ??= decodeWeights(planWeights(specs, model.weights.map((w) => ({ name: kerasName(w), shape: [...w.shape] })), op), data, op);
  } catch (error) {
    model.dispose();
    throw error;
  }
  model.weights.forEach((w, i) => f32View(w.ptr, w.size).set(values[i]));
  if (metadata) model.metadata = metadata;
  return model;
}

/** A TF.js-style handler for a save or load target: the object itself, or one of simdeep's for a URL or path. */
function handlerOf(target: unknown, op: string): IOHandler {
  if (typeof target === 'string') {
    if (/^https?:\/\//i.test(target)) return http(target);
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1];
    if (scheme !== undefined && scheme.toLowerCase() !== 'file') {
      throw new RangeError(`${op}: ${JSON.stringify(target)} has the scheme ${scheme}://; simdeep takes http(s):// and file:// URLs, and IO handlers (objects with save or load) for anything else`);
    }
    return fileSystem(target);
  }
  if (typeof target === 'object' && target !== null && (typeof (target as IOHandler).save === 'function' || typeof (target as IOHandler).load === 'function')) {
    return target as IOHandler;
  }
  throw new TypeError(`${op}: expected a URL ('http(s)://…'), a path ('file://…' in Node) or an IO handler (an object with save or load), got ${showValue(target)}`);
}

/**
 * Saves the model in the TF.js layers format to `target`: `'file://dir'` or a directory path in Node (dir/model.json
 * and dir/weights.bin, each written atomically), an `http(s)://` URL (a multipart POST as TF.js's http handler
 * sends), or any IO handler with `save(artifacts)` (`io.withSaveHandler(fn)`, `tf.io.withSaveHandler(fn)`); options
 * as toTfjsArtifacts's (quantization). Resolves to the handler's SaveResult. `tf.loadLayersModel` loads what it
 * writes.
 * @throws RangeError (rejects) as toTfjsArtifacts throws; Error naming the path or URL when writing fails.
 * @example
 * const net = sequential([dense({ units: 1, inputShape: [2] })]);
 * let saved: ModelArtifacts | undefined;
 * await saveTfjs(net, io.withSaveHandler(async (artifacts) => { saved = artifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
 * saved?.weightSpecs?.length; // 2
 */
export async function saveTfjs(model: Model, target: string | IOHandler, options: TfjsSaveOptions = {}): Promise<SaveResult> {
  const op = 'saveTfjs';
  const handler = handlerOf(target, op);
  if (typeof handler.save !== 'function') throw new TypeError(`${op}: the handler has no save method`);
  return handler.save(artifactsOf(model, op, options));
}

/**
 * Loads a model saved in the TF.js layers format (by TF.js or by saveTfjs) from `source`: `'file://…/model.json'`,
 * its directory or a path in Node (the weight shards read from beside it), an `http(s)://` URL of a model.json
 * (shards fetched relative to it), any IO handler with `load()` (`io.fromMemory(…)`, `tf.io.fromMemory(…)`), or the
 * ModelArtifacts themselves. Checked as modelFromTfjsArtifacts checks.
 * @throws RangeError (rejects) naming the field for anything simdeep cannot read (see modelFromTfjsArtifacts); Error
 * naming the path or URL when reading fails.
 * @example
 * const source = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
 * const copy = await loadTfjs(io.fromMemory(toTfjsArtifacts(source)));
 * (copy.predict(tensor([[1, 2]])) as Tensor).toArray(); // [[3]]
 */
export async function loadTfjs(source: string | IOHandler | ModelArtifacts): Promise<Model> {
  const op = 'loadTfjs';
  if (isRecord(source) && 'modelTopology' in source) return modelFromTfjsArtifacts(source as ModelArtifacts, op);
  const handler = handlerOf(source, op);
  if (typeof handler.load !== 'function') throw new TypeError(`${op}: the handler has no load method`);
  return modelFromTfjsArtifacts(await handler.load(), op);
}
