// TensorFlow.js's `tf.loadLayersModel`: the TF.js layers format (and, since loadModel recognises files by content,
// every other format simdeep reads) from a path, a URL or an IOHandler.
import type { IOHandler } from '../io/handlers';
import { loadModel } from '../nn/load';
import type { Model } from '../nn/model';
import { checkOptionKeys } from '../tensor/options';

/** Options of `loadLayersModel`, as TF.js's LoadOptions. */
export interface LoadLayersOptions {
  /** Fetches the model.json and its shards of an http(s) URL (default: the global fetch). */
  fetchFunc?: typeof fetch;
  /** Passed to each fetch of an http(s) URL. */
  requestInit?: RequestInit;
  /** Must be true (the default): simdeep loads every weight the model needs and refuses others. */
  strict?: boolean;
}

/**
 * Loads a model as TensorFlow.js's `tf.loadLayersModel(pathOrIOHandler, options)` does: a 'file://…/model.json' path
 * (Node), an 'http(s)://' URL (the shards fetched relative to it) or an IOHandler (`tf.io.fromMemory(…)`,
 * `io.fromMemory(…)`); anything `loadModel` reads works too. A TF.js program's `tf.loadLayersModel` runs unchanged.
 * @throws RangeError (as a rejection) for `strict: false` (simdeep always loads strictly), an unknown option, or a
 * file loadModel refuses (naming the field).
 * @example
 * const net = sequential({ layers: [layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })] });
 * let saved: ModelArtifacts | undefined;
 * await net.save(io.withSaveHandler(async (artifacts) => { saved = artifacts; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
 * const copy = await loadLayersModel(io.fromMemory(saved!));
 * (copy.predict(tensor([[1, 2]])) as Tensor).toArray(); // [[3]]
 */
export async function loadLayersModel(pathOrIOHandler: string | IOHandler, options: LoadLayersOptions = {}): Promise<Model> {
  const op = 'loadLayersModel';
  checkOptionKeys(op, options, ['fetchFunc', 'requestInit', 'strict']);
  if (options.strict === false) throw new RangeError(`${op}: strict: false is not supported: simdeep loads every weight the model needs and refuses files with others`);
  if (typeof pathOrIOHandler === 'string' && /^https?:\/\//i.test(pathOrIOHandler) && (options.fetchFunc || options.requestInit)) {
    const { http } = await import('../io/handlers');
    return loadModel(http(pathOrIOHandler, { fetchFunc: options.fetchFunc, requestInit: options.requestInit }));
  }
  return loadModel(pathOrIOHandler);
}
