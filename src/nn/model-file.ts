// Writing model files in Node, atomically. The format is save.ts's; reading them is load.ts's.
import { nodeImport } from '../runtime/node';

const nodeFs = (): Promise<typeof import('node:fs/promises')> => nodeImport('node:fs/promises');

/**
 * Writes the model file `bytes` to `path` atomically, in Node: into a new temporary file beside it, flushed to disk, then
 * renamed over `path`. A crash or a failed write leaves the previous file (or none) and no temporary file; the error
 * names `op` and `path` (not the temporary file).
 */
export async function saveToFile(bytes: ArrayBuffer, path: string, op = 'save'): Promise<ArrayBuffer> {
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
    throw new Error(`${op}: cannot write ${JSON.stringify(path)}: ${reason}`, { cause: error });
  }
  return bytes;
}
