// Model files in Node: written atomically, read only as far as their header declares. The format itself is
// save.ts's; loading is load.ts's.
import { nodeImport } from '../runtime/node';
import { fail, parseHeader } from './save';

const nodeFs = (): Promise<typeof import('node:fs/promises')> => nodeImport('node:fs/promises');

/**
 * Writes the model file `bytes` to `path` atomically, in Node: into a new temporary file beside it, flushed to disk, then
 * renamed over `path`. A crash or a failed write leaves the previous file (or none) and no temporary file; the error
 * names `path` (not the temporary file).
 */
export async function saveToFile(bytes: ArrayBuffer, path: string): Promise<ArrayBuffer> {
  const fs = await nodeFs();
  const temporary = `${path}.${Date.now()}.${Math.floor(Math.random() * 1e9)}.tmp`;
  let created = false;
  try {
    const file = await fs.open(temporary, 'wx'); // never an existing file, nor one a symbolic link points to
    created = true;
    try {
      await file.writeFile(new Uint8Array(bytes));
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temporary, path);
  } catch (error) {
    if (created) await fs.rm(temporary, { force: true });
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = code === 'ENOENT' && !created ? `its directory does not exist (${code})` : message.split(temporary).join(path);
    throw new Error(`save: cannot write ${JSON.stringify(path)}: ${reason}`, { cause: error });
  }
  return bytes;
}

/**
 * The bytes of the model file at `path`, in Node. Only a regular file is read (a device such as /dev/zero, a FIFO
 * or a directory is refused before reading), and only as much as its header declares: the 8-byte prefix, then the
 * JSON header of the length it states, which is checked (parseHeader) before the weights it declares are read; a
 * file of any other size is refused unread.
 */
export async function readModelFile(path: string): Promise<Uint8Array> {
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
