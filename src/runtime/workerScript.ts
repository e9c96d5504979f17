// Which file a Node worker runs. The library's workers are files beside it in dist/ (worker.js, workerTrial.js), found
// by a URL relative to the running module. An app's bundler (esbuild, webpack, Rollup) puts the library into the
// app's own bundle and leaves those files out; then the pool's worker runs the bundle itself, which holds the
// worker's code (see runPoolWorkerHere in workerMain.ts), so there is nothing to copy.
import { nodeBuiltin } from './node';

declare const __filename: string | undefined;

/**
 * The file this code runs from, as Node's Worker takes it: __filename in CommonJS (an app's CommonJS bundle, or
 * dist/index.cjs), else import.meta.url (an ES module bundle, or dist/index.js).
 */
export function ownScript(): string | URL {
  return typeof __filename === 'string' && __filename !== '' ? __filename : new URL(import.meta.url);
}

/** A file URL as a path, for messages. */
export function shownPath(url: URL): string {
  return (url.protocol === 'file:' && nodeBuiltin<typeof import('node:url')>('node:url')?.fileURLToPath(url)) || url.href;
}

/**
 * Whether a worker file is there: false for a missing local file, true otherwise, and undefined where this cannot
 * be known without waiting (no synchronous built-ins).
 */
export function scriptExists(url: URL): boolean | undefined {
  if (url.protocol !== 'file:') return true;
  const fs = nodeBuiltin<typeof import('node:fs')>('node:fs');
  return fs ? fs.existsSync(shownPath(url)) : undefined;
}

/**
 * The URL of a worker file beside this module, from a thunk that makes it with `new URL('./<file>', import.meta.url)`
 * (that literal form is what bundlers and the tests' vitest config recognise); undefined where import.meta.url is
 * empty, as in CommonJS bundles made by esbuild.
 */
export function besideUrl(make: () => URL): URL | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** What to copy where for a missing worker file, for messages. */
export function copyHint(name: string, beside: URL | undefined): string {
  const where = beside ? shownPath(beside) : `the directory of ${String(ownScript())}`;
  return `copy node_modules/simdeep/dist/${name} to ${where}`;
}
