// The model formats simdeep reads and writes, and how a target or a file picks one: by the `format` option, by the
// target's extension when saving, by the content when loading (each format's first bytes differ). model.save and
// loadModel reach this module through a dynamic import, so a bundle that only uses simdeep's own format leaves the
// other formats' readers and writers out.
import { showValue } from '../tensor/errors';
import type { Model } from '../nn/model';
import { deserialize } from '../nn/load';
import { formatOfBytes, formatOfPath, MODEL_FORMATS, type ModelFormat } from './sniff';
import { loadKeras, saveKeras } from './keras';
import { modelFromOnnx, modelToOnnx } from './onnx';
import { modelFromSafetensors, modelToSafetensors } from './safetensors';
import { isSaveHandler, isLoadHandler, loadTfjs, saveTfjs, type IOHandler, type ModelArtifacts, type SaveResult } from './tfjs';
import { nodeImport } from '../runtime/node';

export interface SaveOptions {
  /** The format; by default the target's extension picks it ('.json' or 'file://' TF.js, '.keras', '.onnx', '.safetensors'), else simdeep's own. */
  format?: ModelFormat;
}

/** Saves in the chosen format: to a path (Node), an IOHandler (TF.js format), or as bytes with no target. */
export async function saveModel(model: Model, target: string | IOHandler | undefined, format: ModelFormat | undefined): Promise<ArrayBuffer | SaveResult> {
  const chosen = format ?? (typeof target === 'string' ? formatOfPath(target) : target === undefined ? 'simdeep' : 'tfjs') ?? 'simdeep';
  if (target !== undefined && typeof target !== 'string' && !isSaveHandler(target)) {
    throw new TypeError(`save: target must be a path, a URL or an IOHandler with a save method, got ${showValue(target)}`);
  }
  if (chosen === 'tfjs') {
    if (target === undefined) throw new RangeError("save: the TF.js format is a model.json with weight files: give a path (a directory, 'file://dir' or '…/model.json') or an IOHandler");
    return saveTfjs(model, target);
  }
  if (typeof target !== 'string' && target !== undefined) throw new RangeError(`save: an IOHandler takes the TF.js format, not ${chosen}`);
  const bytes = chosen === 'keras' ? await saveKeras(model) : chosen === 'onnx' ? modelToOnnx(model) : chosen === 'safetensors' ? modelToSafetensors(model, { names: 'keras' })
    : await model.save();
  const buffer = bytes instanceof ArrayBuffer ? bytes : (bytes.slice().buffer as ArrayBuffer);
  if (target === undefined) return buffer;
  const { saveToFile } = await import('../nn/model-file');
  return saveToFile(buffer, target);
}

/** Loads a model from bytes of any format, recognised by content. */
export async function modelFromBytes(bytes: Uint8Array, op: string): Promise<Model> {
  const format = formatOfBytes(bytes);
  switch (format) {
    case 'simdeep': return deserialize(bytes);
    case 'keras': case 'keras-h5': return loadKeras(bytes);
    case 'safetensors': return modelFromSafetensors(bytes);
    case 'onnx': return modelFromOnnx(bytes);
    case 'json': {
      const text = new TextDecoder().decode(bytes);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new RangeError(`${op}: the file is not valid JSON (${(error as Error).message})`);
      }
      if (isArtifacts(json)) return loadTfjs(json as ModelArtifacts);
      throw new RangeError(`${op}: this JSON is a TF.js model.json without its weights; load it from its path or URL (the weight files are read beside it), or pass its artifacts with weightData`);
    }
    default:
      throw new RangeError(`${op}: the bytes are not a model file of a known format (simdeep, TF.js, Keras .keras/.h5, ONNX, safetensors); they start ${showStart(bytes)}`);
  }
}

function isArtifacts(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'modelTopology' in json && 'weightData' in json;
}

function showStart(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || '(empty)';
}

/** Loads a model from a path or URL: TF.js directories, model.json files and http(s) URLs, or any file by content. */
export async function modelFromLocation(source: string, op: string): Promise<Model> {
  if (/^https?:\/\//i.test(source)) return loadTfjs(source);
  if (/^file:\/\//i.test(source)) return loadTfjs(source);
  const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
  const stats = await fs.stat(source).catch(() => undefined);
  if (stats?.isDirectory()) return loadTfjs(`file://${source}`);
  const { readModelFile } = await import('../nn/load');
  const bytes = await readModelFile(source, MAX_FOREIGN_FILE);
  if (formatOfBytes(bytes) === 'json') return loadTfjs(`file://${source}`);
  return modelFromBytes(bytes, op);
}

/** Bytes of the largest file of another format read: 2^27 float32 weights with room for the architecture. */
export const MAX_FOREIGN_FILE = 2 ** 29 + 2 ** 26;

export { isLoadHandler };
