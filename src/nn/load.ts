// Loading model files: bytes, Blobs, or a path in Node (read only as far as the header declares, model-file.ts),
// checked completely (save.ts parseHeader) before the first wasm allocation, then rebuilt as the Model or Sequential
// they describe.
import { f32View } from '../runtime/heap';
import { Model } from './model';
import { readModelFile } from './model-file';
import { layerFromConfig } from './registry';
import { fail, ownBuffer, parseHeader } from './save';
import { sequential } from './sequential';

/**
 * Rebuilds a model from a file's bytes. Everything is checked before the first wasm allocation: the header (see
 * parseHeader) and finite weights.
 */
export function deserialize(bytes: ArrayBuffer | Uint8Array): Model {
  const buffer = ownBuffer(bytes);
  const parsed = parseHeader(buffer, buffer.byteLength);
  const weights = new Float32Array(buffer, parsed.head, parsed.floats);
  const bad = weights.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`weight ${bad} is ${weights[bad]}; a model file holds finite weights only`);
  // A sequential model is rebuilt from fresh layers of the same configs: the parsed ones were called once already.
  const model = parsed.sequential ? sequential(parsed.layers.map((layer) => layerFromConfig(layer.className, layer.getConfig(), 'loadModel')))
    : new Model({ inputs: parsed.inputs, outputs: parsed.outputs });
  let at = 0;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      f32View(w.ptr, w.size).set(weights.subarray(at, at + w.size));
      at += w.size;
    }
  }
  model.metadata = parsed.metadata;
  if (parsed.compile) model.compile(parsed.compile);
  return model;
}

/**
 * Resolves to the model saved with `model.save()` or `toBlob()`, read from a file path (Node), an ArrayBuffer, a
 * Uint8Array or a Blob: its layers, graph and weights, compile settings (so it can train on) and metadata; a
 * Sequential if it was saved as one. Files of the previous format (version 1, dense stacks) load as the Sequential
 * they describe. Everything is checked before anything is allocated: the lengths, the JSON (plain objects without
 * `__proto__`, `constructor` or `prototype` keys), the layers (each config as its options are checked), the graph
 * (no cycle, shapes that fit), a weight byte count of exactly what the layers declare, finite weights, the compile
 * settings and metadata, and at most 2^27 parameters. A truncated, corrupt or hostile file rejects with a RangeError
 * naming the field and the value; a path that is not a regular file (a directory, a device such as /dev/zero, a
 * FIFO) or holds more bytes than its header allows with a RangeError naming it, before reading it; a missing file
 * with an Error naming the path and the file system's reason.
 * @example
 * const model = sequential([dense({ units: 2, activation: 'tanh', inputShape: [3] })]);
 * model.compile({ loss: 'meanSquaredError' });
 * const copy = await loadModel(await model.save());
 * const x = tensor([[1, 2, 3]]);
 * equal(copy.predict(x) as Tensor, model.predict(x)).toArray(); // [[1, 1]]
 * copy.toJSON().compile?.loss; // 'meanSquaredError'
 */
export async function loadModel(source: string | ArrayBuffer | Uint8Array | Blob): Promise<Model> {
  if (typeof source === 'string') return deserialize(await readModelFile(source));
  if (typeof Blob !== 'undefined' && source instanceof Blob) return deserialize(await source.arrayBuffer());
  return deserialize(source as ArrayBuffer | Uint8Array);
}
