// Loading model files: bytes, Blobs, or a path in Node (read only as far as the header declares), checked completely
// (parse.ts) before the first wasm allocation, then rebuilt as the Model or Sequential they describe.
import { f32View } from '../runtime/heap';
import { nodeImport } from '../runtime/node';
import { Model } from './model';
import { fail, ownBuffer, parseHeader, type ParsedModel } from './parse';
import { layerFromConfig } from './registry';
import { MAGIC } from './save';
import { showValue } from '../tensor/errors';
import type { IOHandler } from '../io/handlers';
import type { ModelArtifacts } from '../io/tfjs';
import { sequential } from './sequential';

const nodeFs = (): Promise<typeof import('node:fs/promises')> => nodeImport('node:fs/promises');

/**
 * The bytes of the model file at `path`, in Node. Only a regular file is read (a device such as /dev/zero, a FIFO
 * or a directory is refused before reading), and only as much as its header declares: the 8-byte prefix, then the
 * JSON header of the length it states, which is checked (parseHeader) before the weights it declares are read; a
 * file of any other size is refused unread. With `otherFormats` > 0, a file that is not simdeep's (its first 4 bytes are
 * not "SDPM") is read whole if it holds at most that many bytes, and refused unread otherwise.
 */
export async function readModelFile(path: string, otherFormats = 0): Promise<Uint8Array> {
  const fs = await nodeFs();
  const where = `loadModel: cannot read ${JSON.stringify(path)}`;
  const notRegular = (stats: { isDirectory(): boolean }): never => {
    throw new RangeError(`${where}: it is ${stats.isDirectory() ? 'a directory' : 'not a regular file (a device, FIFO or socket)'}`);
  };
  let file: Awaited<ReturnType<typeof fs.open>> | undefined;
  try {
    const before = await fs.stat(path);
    if (!before.isFile()) notRegular(before); // before open: opening a FIFO would block until a writer came
    const { constants } = await nodeImport<typeof import('node:fs')>('node:fs');
    file = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = await file.stat();
    if (!stats.isFile()) notRegular(stats);
    const bytes = new Uint8Array(Math.min(stats.size, 8));
    await readFully(file, bytes, 0, path);
    if (bytes.length < 8) return bytes; // deserialize says it is too short
    if (otherFormats > 0 && new DataView(bytes.buffer).getUint32(0, true) !== MAGIC) {
      if (stats.size > otherFormats) fail(`${JSON.stringify(path)} holds ${stats.size} bytes, more than a model file of ${otherFormats} bytes at most`);
      const whole = new Uint8Array(stats.size);
      await readFully(file, whole, 0, path);
      return whole;
    }
    const length = new DataView(bytes.buffer).getUint32(4, true);
    const header = new Uint8Array(Math.min(stats.size, 8 + length + ((4 - (length % 4)) % 4)));
    header.set(bytes);
    await readFully(file, header, 8, path);
    const { head, floats } = parseHeader(header.buffer, stats.size); // refuses a size other than the header declares
    const whole = new Uint8Array(head + 4 * floats);
    whole.set(header);
    await readFully(file, whole, head, path);
    return whole;
  } catch (error) {
    if ((error as Error).message.startsWith('loadModel: ')) throw error;
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  } finally {
    await file?.close();
  }
}

/** Reads into bytes[from..] from the same offset of the file, to the end of `bytes`. */
async function readFully(file: { read(b: Uint8Array, o: number, l: number, p: number): Promise<{ bytesRead: number }> }, bytes: Uint8Array, from: number,
  path: string): Promise<void> {
  for (let at = from; at < bytes.length;) {
    const { bytesRead } = await file.read(bytes, at, bytes.length - at, at);
    if (bytesRead === 0) fail(`${JSON.stringify(path)} ended after ${at} bytes while it was read (was it being written?)`);
    at += bytesRead;
  }
}

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
  const model = modelOf(parsed);
  let at = 0;
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      f32View(w.ptr, w.size).set(weights.subarray(at, at + w.size));
      at += w.size;
    }
  }
  return model;
}

/** The model a parsed architecture describes (weights as initialized), with its metadata, compiled if it was. */
export function modelOf(parsed: ParsedModel): Model {
  // A sequential model is rebuilt from fresh layers of the same configs: the parsed ones were called once already.
  // (A custom layer's getConfig may leave its input shape out: the first one keeps the parsed layer's.)
  const model = parsed.sequential ? sequential(parsed.layers.map((layer) => {
    const fresh = layerFromConfig(layer.className, layer.getConfig(), 'loadModel');
    fresh.inputShape ??= layer.inputShape;
    return fresh;
  }))
    : new Model({ inputs: parsed.inputs, outputs: parsed.outputs });
  // A custom layer's build made its weights just now: they must be the ones the file declared.
  const wrong = model.layers.findIndex((layer, i) => parsed.customShapes[i] !== undefined &&
    JSON.stringify(layer.weights.map((w) => w.shape)) !== JSON.stringify(parsed.customShapes[i]));
  if (wrong >= 0) {
    const layer = model.layers[wrong];
    model.dispose();
    fail(`layer ${layer.label} (${layer.className}) built weights of shapes ${JSON.stringify(layer.weights.map((w) => w.shape))}; the file declares ${JSON.stringify(parsed.customShapes[wrong])}`);
  }
  model.metadata = parsed.metadata;
  if (parsed.compile) model.compile(parsed.compile);
  return model;
}

/**
 * Resolves to a saved model, read from a file path or URL, bytes (an ArrayBuffer, a Uint8Array or a Blob), or a
 * TF.js IOHandler or ModelArtifacts; its format is recognised by content. simdeep's own files (`model.save()`,
 * `toBlob()`) give back its layers, graph and weights, compile settings (so it can train on) and metadata, a
 * Sequential if it was saved as one; files of the previous format (version 1, dense stacks) load as the Sequential
 * they describe. Other formats: TF.js's layers format (a model.json path, its directory, 'file://…', an 'http(s)://'
 * URL read with `fetch`, weight shards beside it, quantized weights dequantized), Keras 3 `.keras` and legacy Keras
 * `.h5`, ONNX (the operators simdeep exports), and safetensors files simdeep wrote (weights alone need a model:
 * `loadSafetensors`). Everything is checked before anything is allocated: the lengths, the JSON (plain objects
 * without `__proto__`, `constructor` or `prototype` keys), the layers (each config as its options are checked), the
 * graph (no cycle, shapes that fit), weights of exactly the count and shapes the layers declare, finite weights, the
 * compile settings and metadata, and at most 2^27 parameters. A truncated, corrupt or hostile file rejects with a
 * RangeError naming the field and the value; a path that is not a regular file (a device such as /dev/zero, a
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
export async function loadModel(source: string | ArrayBuffer | Uint8Array | Blob | IOHandler | ModelArtifacts): Promise<Model> {
  const op = 'loadModel';
  if (typeof source === 'string') {
    if (/^(https?|file):\/\//i.test(source)) return (await import('../io/formats')).modelFromLocation(source, op);
    const fs = await nodeFs();
    if ((await fs.stat(source).catch(() => undefined))?.isDirectory()) {
      // A TF.js model's directory holds its model.json; any other directory is refused unread.
      if (!(await fs.stat(`${source}/model.json`).catch(() => undefined))?.isFile()) {
        throw new RangeError(`${op}: cannot read ${JSON.stringify(source)}: it is a directory, and no TF.js model's (it has no model.json)`);
      }
      return (await import('../io/formats')).modelFromLocation(source, op);
    }
    const bytes = await readModelFile(source, MAX_FOREIGN_FILE);
    return isOwnFile(bytes) ? deserialize(bytes) : (await import('../io/formats')).modelFromLocation(source, op, bytes);
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return loadModel(await source.arrayBuffer());
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
    return isOwnFile(bytes) ? deserialize(source) : (await import('../io/formats')).modelFromBytes(bytes, op);
  }
  if (typeof source === 'object' && source !== null) return (await import('../io/formats')).modelFromObject(source, op);
  throw new TypeError(`${op}: the source must be a path, a URL, bytes, a Blob, an IOHandler or ModelArtifacts, got ${showValue(source)}`);
}

/** Bytes of the largest file of another format read: 2^27 float32 weights with room for the architecture. */
const MAX_FOREIGN_FILE = 2 ** 29 + 2 ** 26;

/** Whether the bytes start as simdeep's own files do (or are too short to be any other format's). */
function isOwnFile(bytes: Uint8Array): boolean {
  return bytes.length < 8 || new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === MAGIC;
}
