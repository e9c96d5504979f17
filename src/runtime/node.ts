// Node's built-ins where the runtime has them: Node, and Bun and Deno, which provide them. Edge runtimes with Node
// compatibility report a Node version too, but the edge build runs no workers and reads no files. The built-ins
// are imported on demand by a variable specifier, so browser and edge bundlers never try to resolve them.
import { NO_WORKERS } from './platform';

/** Whether Node's built-ins (worker_threads, fs, os) are there to use. */
export const isNode = (): boolean => !NO_WORKERS && typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * A Node built-in (or a module by a name bundlers leave alone): synchronously where the runtime has
 * process.getBuiltinModule, else by an import() that Vite and webpack are told not to resolve.
 */
export function nodeImport<T>(name: string): Promise<T> {
  const builtin = name.startsWith('node:') ? nodeBuiltin<T>(name) : undefined;
  return builtin ? Promise.resolve(builtin) : (import(/* webpackIgnore: true */ /* @vite-ignore */ name) as Promise<T>);
}

/**
 * A Node built-in, synchronously, by process.getBuiltinModule (Node ≥ 20.16 and 22.3, Bun, Deno); undefined where
 * that is missing (older Node, browsers, edge runtimes).
 */
export function nodeBuiltin<T>(name: string): T | undefined {
  if (!isNode()) return undefined;
  const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return typeof get === 'function' ? (get.call(process, name) as T | undefined) : undefined;
}
