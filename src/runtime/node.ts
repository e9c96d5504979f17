// Node's built-ins where the runtime has them: Node, and Bun and Deno, which provide them. Edge runtimes with Node
// compatibility report a Node version too, but the edge build runs no workers and reads no files. The built-ins
// are imported on demand by a variable specifier, so browser and edge bundlers never try to resolve them.
import { NO_WORKERS } from './platform';

/** Whether Node's built-ins (worker_threads, fs, os) are there to use. */
export const isNode = (): boolean => !NO_WORKERS && typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Imports a module by a name bundlers do not resolve (Node built-ins, optional packages). */
export const nodeImport = <T>(name: string): Promise<T> => import(/* @vite-ignore */ name) as Promise<T>;
