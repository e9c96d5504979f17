// The file checks of callbacks that write files (modelCheckpoint, csvLogger): Node only, and a directory that is
// there and writable before training starts, so that a typo fails at once rather than after the first epoch.
import { isNode, nodeBuiltin, nodeImport } from '../../runtime/node';

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

/** Throws unless Node's file system is there. */
export function requireNode(op: string): void {
  if (!isNode()) throw new Error(`${op}: writes files, which needs Node (or Bun, Deno); in a browser, save from a callback of your own with model.save(handler)`);
}

/** Where a file of `path` goes: its directory ('.' for a bare name); for a TF.js target (`file://dir`, `dir/`), the directory's parent. */
function directoryOf(path: string, join: Path): string {
  const plain = path.replace(/^file:\/\//i, '').replace(/[\\/]+$/, '');
  return join.dirname(plain === '' ? '.' : plain);
}

/** The error for a directory that is missing or not writable. */
function directoryError(op: string, option: string, path: string, dir: string, error: NodeJS.ErrnoException): Error {
  const why = error.code === 'ENOENT' ? 'does not exist' : error.code === 'ENOTDIR' ? 'is not a directory'
    : error.code === 'EACCES' || error.code === 'EPERM' || error.code === 'EROFS' ? 'is not writable' : error.message;
  return new Error(`${op}: ${option} ${JSON.stringify(path)}: the directory ${JSON.stringify(dir)} ${why}`, { cause: error });
}

/**
 * Checks, synchronously where the runtime allows it (process.getBuiltinModule), that the directory of `path` exists
 * and is writable; returns false where it could not check (then checkDirectory does, before training).
 */
export function checkDirectoryNow(op: string, option: string, path: string): boolean {
  const fs = nodeBuiltin<Fs>('node:fs'), join = nodeBuiltin<Path>('node:path');
  if (!fs || !join) return false;
  const dir = directoryOf(path, join);
  try {
    if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw directoryError(op, option, path, dir, error as NodeJS.ErrnoException);
  }
  return true;
}

/** checkDirectoryNow, asynchronously (for runtimes without process.getBuiltinModule, and again when training starts). */
export async function checkDirectory(op: string, option: string, path: string): Promise<void> {
  const [fs, join] = await Promise.all([nodeImport<Fs>('node:fs'), nodeImport<Path>('node:path')]);
  const dir = directoryOf(path, join);
  try {
    if (!(await fs.promises.stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    await fs.promises.access(dir, fs.constants.W_OK);
  } catch (error) {
    throw directoryError(op, option, path, dir, error as NodeJS.ErrnoException);
  }
}
