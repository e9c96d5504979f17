// Model files of the command line: the library's model file (architecture, weights and the preparation in its
// metadata), inside a JSON document when the name ends in .json, else as the binary file itself. Reading also takes
// any format loadModel reads (TF.js model.json or its directory, .keras, .h5, .onnx, .safetensors).
import { constants } from 'node:fs';
import { access, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadModel } from '../nn/load';
import type { Model } from '../nn/model';

const FORMAT = 'simdeep-model-base64';
/** Bytes of the largest model file: 2^27 float32 weights in base64, with room for the architecture and metadata. */
const MAX_MODEL_FILE = 2 ** 30;

/** Writes the model atomically (a temporary file, then a rename). */
export async function saveCliModel(model: Model, path: string): Promise<void> {
  const bytes = new Uint8Array(await model.save());
  const content = path.endsWith('.json') ? `${JSON.stringify({ format: FORMAT, model: Buffer.from(bytes).toString('base64') })}\n` : bytes;
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Throws, naming `flag` and the path, unless `path` can be written: an existing regular file that is writable, or a
 * new file in an existing, writable directory. The command checks its outputs before it trains.
 */
export async function checkWritable(path: string, flag: string): Promise<void> {
  const cannot = (why: string): Error => new Error(`${flag}: cannot write ${path}: ${why}`);
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw cannot(error.message);
  });
  if (found && !found.isFile()) throw cannot(found.isDirectory() ? 'it is a directory' : 'it is not a regular file');
  const directory = dirname(resolve(path));
  if (!found) {
    const parent = await stat(directory).catch(() => undefined);
    if (!parent) throw cannot(`the directory ${directory} does not exist`);
    if (!parent.isDirectory()) throw cannot(`${directory} is not a directory`);
  }
  // A new file needs a writable directory; so does the temporary file saveCliModel renames over an existing one.
  await access(directory, constants.W_OK | constants.X_OK).catch(() => {
    throw cannot(`the directory ${directory} is not writable`);
  });
  if (found) await access(path, constants.W_OK).catch(() => {
    throw cannot('permission denied');
  });
}

/** Reads a model written by saveCliModel or model.save. */
export async function loadCliModel(path: string): Promise<Model> {
  const notFound = (error: NodeJS.ErrnoException): never => {
    throw new Error(error.code === 'ENOENT' ? `the model file ${path} does not exist` : `cannot read ${path}: ${error.message}`);
  };
  const stats = await stat(path).catch(notFound);
  if (stats.isDirectory()) return loadModel(path); // a TF.js model: model.json and its weight files
  // NOTE: a device (/dev/zero) or FIFO would never end or fail late: refused before reading.
  if (!stats.isFile()) throw new Error(`cannot read ${path}: it is not a regular file (a device, FIFO or socket)`);
  if (stats.size > MAX_MODEL_FILE) throw new Error(`${path} is not a simdeep model (${stats.size} bytes; a model file has at most ${MAX_MODEL_FILE})`);
  const bytes = await readFile(path).catch(notFound);
  if (bytes[0] !== 0x7b) return loadModel(new Uint8Array(bytes)); // not '{': a binary file of any format loadModel reads
  let document: { format?: unknown; model?: unknown; modelTopology?: unknown };
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`${path} is not a simdeep model (its JSON is malformed)`);
  }
  if (document.modelTopology !== undefined) return loadModel(path); // a TF.js model.json, its weight files beside it
  if (document.format !== FORMAT || typeof document.model !== 'string') throw new Error(`${path} is not a simdeep model (format ${JSON.stringify(document.format)})`);
  return loadModel(new Uint8Array(Buffer.from(document.model, 'base64')));
}
