// IO handlers in TF.js's shape (`tf.io`): objects with save(artifacts) and/or load(). In memory, a save function,
// http(s) (model.json fetched, its shards fetched relative to it; saving as TF.js's multipart POST) and the file
// system in Node (dir/model.json + dir/weights.bin, atomic; loading reads the shards beside model.json).
import { nodeImport } from '../runtime/node';
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { saveToFile } from '../nn/model-file';
import { isRecord, show } from './keras-config';
import { manifestSpecs, type WeightSpec } from './tfjs-weights';
import type { ModelArtifacts } from './tfjs';

/**
 * What a save reports, as TF.js's `SaveResult`.
 * @example
 * const result: SaveResult = { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
 */
export interface SaveResult {
  modelArtifactsInfo: { dateSaved: Date; modelTopologyType: 'JSON' | 'GraphDef'; modelTopologyBytes?: number; weightSpecsBytes?: number; weightDataBytes?: number };
  responses?: Response[];
}

/**
 * A TF.js-style IO handler: `save` takes a model's artifacts, `load` gives them. TF.js's own handlers
 * (`tf.io.fromMemory`, `tf.io.withSaveHandler`, …) work wherever simdeep takes one.
 * @example
 * const handler: IOHandler = io.fromMemory(toTfjsArtifacts(sequential([dense({ units: 1, inputShape: [1] })])));
 * typeof handler.load; // 'function'
 */
export interface IOHandler {
  save?(artifacts: ModelArtifacts): Promise<SaveResult>;
  load?(): Promise<ModelArtifacts>;
}

/** The model.json of artifacts whose weights are the shard files `paths` (in order). */
export function modelJSON(artifacts: ModelArtifacts, paths: string[]): Record<string, unknown> {
  const { weightData: _, weightSpecs, ...rest } = artifacts;
  return { ...rest, weightsManifest: [{ paths, weights: weightSpecs ?? [] }] };
}

/** Bytes a model.json may have (its topology and manifest, not the weights). */
const MAX_JSON_BYTES = 64 << 20;
/** Weight bytes a model may have: 2^27 float32 values. */
const MAX_WEIGHT_BYTES = 2 ** 29;

/** The save result of artifacts. */
function saveInfo(artifacts: ModelArtifacts): SaveResult {
  const data = artifacts.weightData;
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
    weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length, weightDataBytes: data instanceof ArrayBuffer ? data.byteLength : 0 } };
}

/**
 * A handler whose load gives these artifacts (or, as TF.js's older form, a topology, weight specs and weight data).
 * @example
 * const copy = await loadTfjs(io.fromMemory(toTfjsArtifacts(sequential([dense({ units: 1, inputShape: [2] })]))));
 * copy.layers.length; // 1
 */
export function fromMemory(artifacts: ModelArtifacts | Record<string, unknown>, weightSpecs?: WeightSpec[], weightData?: ArrayBuffer): IOHandler {
  if (typeof artifacts !== 'object' || artifacts === null) throw new TypeError(`io.fromMemory: artifacts must be an object, got ${showValue(artifacts)}`);
  const all = weightSpecs === undefined && 'modelTopology' in artifacts ? artifacts as ModelArtifacts : { modelTopology: artifacts as Record<string, unknown>, weightSpecs, weightData };
  return { load: () => Promise.resolve(all) };
}

/**
 * A handler whose save calls `fn` with the artifacts and resolves to its result.
 * @example
 * let names: string[] = [];
 * await saveTfjs(sequential([dense({ units: 1, inputShape: [2] })]), io.withSaveHandler(async (a) => {
 *   names = (a.weightSpecs ?? []).map((s) => s.name);
 *   return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
 * }));
 * names; // ['dense_1/kernel', 'dense_1/bias']
 */
export function withSaveHandler(fn: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  if (typeof fn !== 'function') throw new TypeError(`io.withSaveHandler: fn must be a function, got ${showValue(fn)}`);
  return { save: fn };
}

/** Checks a parsed model.json and gives its artifacts (without weight data) and shard paths. */
function readModelJSON(text: string, where: string): { artifacts: ModelArtifacts; paths: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`${where} is not JSON: ${String(error)}`);
  }
  if (!isRecord(json) || !isRecord(json.modelTopology)) throw new RangeError(`${where} is ${show(json)}, not a TF.js model.json with a modelTopology`);
  const { specs, paths } = json.weightsManifest === undefined ? { specs: [], paths: [] } : manifestSpecs(json.weightsManifest, where);
  const { weightsManifest: _, ...rest } = json;
  return { artifacts: { ...rest, weightSpecs: specs as WeightSpec[] }, paths };
}

/**
 * A handler for a model.json at an http(s) URL: load fetches it, then its weight shards at paths relative to it
 * (each checked to arrive whole); save POSTs the model as TF.js's http handler does (multipart: model.json and
 * model.weights.bin). `fetchFunc` replaces the global fetch; `requestInit` is passed to each request.
 * @throws (load and save reject) Error naming the URL and status of a failed request; RangeError for a model.json
 * that is not one.
 * @example
 * const handler = io.http('https://example.com/model.json');
 * typeof handler.load; // 'function'
 */
export function http(url: string, options: { fetchFunc?: typeof fetch; requestInit?: RequestInit } = {}): IOHandler {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new TypeError(`io.http: url must be an http(s) URL, got ${showValue(url)}`);
  checkOptionKeys('io.http', options, ['fetchFunc', 'requestInit']);
  const get = options.fetchFunc ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const request = async (at: string, init?: RequestInit): Promise<Response> => {
    const response = await get(at, { ...options.requestInit, ...init });
    if (!response.ok) throw new Error(`loadTfjs: ${at} answered ${response.status} ${response.statusText}`);
    return response;
  };
  return {
    async load() {
      const text = await (await request(url)).text();
      if (text.length > MAX_JSON_BYTES) throw new RangeError(`loadTfjs: ${url} holds ${text.length} characters; a model.json holds at most ${MAX_JSON_BYTES}`);
      const { artifacts, paths } = readModelJSON(text, `loadTfjs: ${url}`);
      const shards: ArrayBuffer[] = [];
      let total = 0;
      for (const path of paths) {
        const bytes = await (await request(new URL(path, url).href)).arrayBuffer();
        total += bytes.byteLength;
        if (total > MAX_WEIGHT_BYTES) throw new RangeError(`loadTfjs: the weight shards of ${url} hold more than ${MAX_WEIGHT_BYTES} bytes`);
        shards.push(bytes);
      }
      return { ...artifacts, weightData: shards };
    },
    async save(artifacts) {
      const form = new FormData();
      form.append('model.json', new Blob([JSON.stringify(modelJSON(artifacts, ['./model.weights.bin']))], { type: 'application/json' }), 'model.json');
      form.append('model.weights.bin', new Blob([artifacts.weightData as ArrayBuffer], { type: 'application/octet-stream' }), 'model.weights.bin');
      const response = await request(url, { method: 'POST', body: form });
      return { ...saveInfo(artifacts), responses: [response] };
    },
  };
}

const fsp = (): Promise<typeof import('node:fs/promises')> => nodeImport('node:fs/promises');
const pathModule = (): Promise<typeof import('node:path')> => nodeImport('node:path');

/** A regular file's bytes, at most `limit` of them (refused unread beyond). */
async function readRegular(path: string, limit: number, op: string): Promise<Uint8Array> {
  const fs = await fsp();
  const stats = await fs.stat(path);
  if (!stats.isFile()) throw new RangeError(`${op}: ${JSON.stringify(path)} is not a regular file`);
  if (stats.size > limit) throw new RangeError(`${op}: ${JSON.stringify(path)} holds ${stats.size} bytes; at most ${limit}`);
  return new Uint8Array(await fs.readFile(path));
}

/**
 * A handler for the file system, in Node (`'file://'` prefix optional): save writes `<dir>/model.json` and
 * `<dir>/weights.bin` (the directory made if needed; each file atomic, the weights first); load reads a model.json, or
 * `<dir>/model.json`, and its shards beside it (paths inside its directory only).
 * @throws (load and save reject) Error naming the path and the file system's reason; RangeError for a file that is
 * not a regular file, too large, or a shard path that leaves the directory.
 * @example
 * const handler = io.fileSystem('file:///tmp/model');
 * typeof handler.save; // 'function'
 */
export function fileSystem(path: string): IOHandler {
  if (typeof path !== 'string' || path === '') throw new TypeError(`io.fileSystem: path must be a non-empty string, got ${showValue(path)}`);
  const target = path.replace(/^file:\/\//, '');
  return {
    async save(artifacts) {
      const fs = await fsp(), { join } = await pathModule();
      await fs.mkdir(target, { recursive: true }).catch((error: Error) => { throw new Error(`saveTfjs: cannot make the directory ${JSON.stringify(target)}: ${error.message}`); });
      const weights = artifacts.weightData as ArrayBuffer;
      await saveToFile(weights, join(target, 'weights.bin'), 'saveTfjs');
      await saveToFile(new TextEncoder().encode(JSON.stringify(modelJSON(artifacts, ['weights.bin']))).buffer as ArrayBuffer, join(target, 'model.json'), 'saveTfjs');
      return saveInfo(artifacts);
    },
    load: () => readFiles(target).catch((error: Error) => {
      throw error.message.startsWith('loadTfjs') ? error : new Error(`loadTfjs: cannot read ${JSON.stringify(target)}: ${error.message}`, { cause: error });
    }),
  };
}

/** The artifacts of the model.json at `target` (or in that directory) with its shards. */
async function readFiles(target: string): Promise<ModelArtifacts> {
  const fs = await fsp(), { join, dirname, resolve, sep } = await pathModule();
  const file = (await fs.stat(target)).isDirectory() ? join(target, 'model.json') : target;
  const text = new TextDecoder('utf-8', { fatal: true }).decode(await readRegular(file, MAX_JSON_BYTES, 'loadTfjs'));
  const { artifacts, paths } = readModelJSON(text, `loadTfjs: ${JSON.stringify(file)}`);
  const dir = resolve(dirname(file));
  const shards = paths.map((p) => {
    const at = resolve(dir, p);
    if (!at.startsWith(dir + sep)) throw new RangeError(`loadTfjs: the weight path ${JSON.stringify(p)} leaves the directory of ${JSON.stringify(file)}`);
    return at;
  });
  const sizes = await Promise.all(shards.map(async (s) => (await fs.stat(s)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_WEIGHT_BYTES) throw new RangeError(`loadTfjs: the weight shards of ${JSON.stringify(file)} hold ${total} bytes; at most ${MAX_WEIGHT_BYTES}`);
  const data: ArrayBuffer[] = [];
  for (const s of shards) data.push((await readRegular(s, MAX_WEIGHT_BYTES, 'loadTfjs')).slice().buffer);
  return { ...artifacts, weightData: data };
}
