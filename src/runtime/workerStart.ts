// Starting a thread-pool worker. In browsers it is the file worker.js beside the bundle (dist/worker.js), started
// as `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`, the form Vite and webpack recognise,
// so an app's bundler emits the worker with the app. Node, Bun and Deno run that file where it is there (the
// library as installed), else the running bundle itself (workerScript.ts): esbuild, webpack and Rollup bundles
// need no file copied.
// The workerd build puts workerStart.workerd.ts in its place (tsup.config.ts).
import { isNode, nodeImport } from './node';
import { POOL_WORKER } from './workerMain';
import { besideUrl, copyHint, ownScript, scriptExists, shownPath } from './workerScript';
import type { WorkerData } from './workerJob';

/** A running worker. */
export interface WorkerHandle {
  terminate(): unknown;
}

/** Starts a worker on `data` and resolves once it is ready to join jobs; rejects if it fails to start. */
export async function startWorker(data: WorkerData): Promise<WorkerHandle> {
  return isNode() ? startNodeWorker(data) : startWebWorker(data);
}

async function startNodeWorker(data: WorkerData): Promise<WorkerHandle> {
  const { Worker: NodeWorker } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  // @vite-ignore: browser builds would carry this Node-only URL as an asset (a small one inlined as a data: URL).
  const beside = besideUrl(() => new URL(/* @vite-ignore */ './worker.js', import.meta.url));
  const exists = beside ? scriptExists(beside) : false;
  const script = beside && exists !== false ? beside : ownScript();
  // NOTE: no Node options. The worker needs none (V8's, such as --experimental-wasm-relaxed-simd, hold for the
  // whole process), and an inherited --input-type (node --input-type=module -e …) stops a worker run from a file.
  const worker = new NodeWorker(script, { workerData: { [POOL_WORKER]: data }, execArgv: [] });
  worker.unref(); // idle workers never keep the process alive
  await new Promise<void>((resolve, reject) => {
    const failed = (why: string): void => {
      const hint = beside && exists === undefined ? `; if ${shownPath(beside)} is missing, ${copyHint('worker.js', beside)}` : '';
      reject(new Error(`simdeep worker ${String(script)} ${why}${hint}`));
    };
    worker.once('message', () => resolve());
    worker.once('error', (error) => failed(`failed: ${String(error)}`));
    worker.once('exit', (code) => failed(`exited (code ${code}) before it was ready`));
  });
  return worker;
}

async function startWebWorker(data: WorkerData): Promise<WorkerHandle> {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.postMessage(data);
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => {
      // A script that did not load gives an event without a message: a bundler that does not emit workers
      // (esbuild, Rollup without a plugin) left the file out.
      const beside = String(import.meta.url).replace(/[^/]*$/, 'worker.js');
      reject(new Error(event.message ? `simdeep worker failed: ${event.message}`
        : `simdeep worker ${beside} did not load; ${copyHint('worker.js', new URL(beside))} (a bundler that emits no workers, such as esbuild, leaves it out)`));
    };
  });
  return worker;
}
