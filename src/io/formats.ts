// The other formats behind model.save and loadModel: a save target or a file picks its format (sniff.ts), and this
// module calls that format's writer or reader. model.save and loadModel import it dynamically, only for a format other
// than simdeep's own, so a bundle that never saves or loads another format leaves every format's code out.
import { showValue } from '../tensor/errors';
import type { Model } from '../nn/model';
import { loadKeras } from './keras';
import { saveKeras } from './keras-save';
import { modelToOnnx } from './onnx/export';
import { modelFromOnnx } from './onnx/import';
import { modelFromSafetensors, modelToSafetensors } from './safetensors-model';
import { loadTfjs, saveTfjs, type ModelArtifacts } from './tfjs';
import type { IOHandler, SaveResult } from './handlers';
import { formatOfBytes, formatOfPath, type ModelFormat } from './sniff';

/** Options of `model.save`. */
export interface SaveOptions {
  /**
   * The format: 'simdeep' (the default), 'tfjs', 'keras', 'onnx' or 'safetensors'. Without it, the target picks:
   * an IOHandler, 'file://…', a path ending in '.json' or '/' TF.js's; '.keras', '.onnx', '.safetensors' theirs.
   */
  format?: ModelFormat;
}

/** Saves `model` in `format` (or the one `target` names): to a path or URL, to an IOHandler, or as bytes. */
export async function saveModel(model: Model, target: string | IOHandler | undefined, format: ModelFormat | undefined): Promise<ArrayBuffer | SaveResult> {
  const op = 'save';
  const named = typeof target === 'string' ? formatOfPath(target) : target === undefined ? 'simdeep' : 'tfjs';
  if (named === 'keras-h5' && format === undefined) throw new RangeError(`${op}: legacy Keras .h5 files are read only; save '.keras' (Keras 3) instead`);
  const chosen = format ?? (named as ModelFormat);
  if (chosen === 'tfjs') {
    if (target === undefined) {
      throw new RangeError(`${op}: TF.js's format is a model.json and weight files: give a directory ('file://dir'), a path ending in model.json, or an IOHandler such as io.withSaveHandler(fn)`);
    }
    return saveTfjs(model, typeof target === 'string' && !/^(file|https?):\/\//i.test(target) ? `file://${target}` : target);
  }
  if (typeof target === 'object') throw new RangeError(`${op}: an IOHandler takes TF.js's format, not ${chosen}; give a path, or no target for the bytes`);
  const bytes = chosen === 'keras' ? await saveKeras(model) : chosen === 'onnx' ? modelToOnnx(model) : chosen === 'safetensors' ? modelToSafetensors(model)
    : new Uint8Array(await model.save());
  const buffer = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer as ArrayBuffer : bytes.slice().buffer as ArrayBuffer;
  if (target === undefined) return buffer;
  const { saveToFile } = await import('../nn/model-file');
  return saveToFile(buffer, target, op);
}

/** The model in `bytes`, of any format but simdeep's own (which loadModel reads itself), recognised by content. */
export async function modelFromBytes(bytes: Uint8Array, op: string): Promise<Model> {
  switch (formatOfBytes(bytes)) {
    case 'keras': case 'keras-h5': return loadKeras(bytes);
    case 'safetensors': return modelFromSafetensors(bytes);
    case 'onnx': return modelFromOnnx(bytes);
    case 'json': {
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch (error) {
        throw new RangeError(`${op}: the bytes start as JSON but do not parse (${(error as Error).message})`);
      }
      if (typeof json === 'object' && json !== null && 'modelTopology' in json && 'weightData' in json) return loadTfjs(json as ModelArtifacts);
      throw new RangeError(`${op}: this JSON is a TF.js model.json without its weights: load it by its path or URL (its weight files are read from beside it), ` +
        'or pass an IOHandler or ModelArtifacts with weightData');
    }
    default:
      throw new RangeError(`${op}: the bytes are no model file of a format simdeep reads (simdeep, TF.js, Keras .keras or .h5, ONNX, safetensors); they start ${showStart(bytes)}`);
  }
}

/** The first bytes in hexadecimal, for errors. */
function showStart(bytes: Uint8Array): string {
  return bytes.length === 0 ? '(no bytes)' : [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The model at `source`, of any format but simdeep's own: a URL or directory of TF.js's format, a TF.js model.json,
 * or a file of another format whose `bytes` loadModel has read.
 */
export async function modelFromLocation(source: string, op: string, bytes?: Uint8Array): Promise<Model> {
  if (bytes === undefined || formatOfBytes(bytes) === 'json') return loadTfjs(/^(https?|file):\/\//i.test(source) ? source : `file://${source}`);
  return modelFromBytes(bytes, op);
}

/** The model an IOHandler (with `load`) or ModelArtifacts describe: TF.js's format. */
export async function modelFromObject(source: object, op: string): Promise<Model> {
  if ('modelTopology' in source || typeof (source as IOHandler).load === 'function') return loadTfjs(source as IOHandler | ModelArtifacts);
  throw new TypeError(`${op}: the source must be a path, a URL, bytes, a Blob, an IOHandler with load() or ModelArtifacts, got ${showValue(source)}`);
}

