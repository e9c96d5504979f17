// Starting a thread-pool worker. In browsers it is the file worker.js beside the bundle (dist/worker.js), started
// as `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`, the form Vite and webpack recognise,
// so an app's bundler emits the worker with the app; where it does not load (esbuild and Rollup emit no workers),
// the page's own ES module bundle. Node, Bun and Deno run that file where it is there (the library as installed),
// else the running bundle itself (workerScript.ts). Either way, esbuild, webpack and Rollup bundles need no file
// copied: the bundle holds the worker's code, which runPoolWorkerHere (workerMain.ts) runs first.
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

// Set once worker.js failed to load beside the bundle: later workers start from the bundle itself at once.
let besideMissing = false;

/** A failure to load a worker's script (an error event without a message), as opposed to an error it threw. */
class ScriptNotLoaded extends Error {}

async function startWebWorker(data: WorkerData): Promise<WorkerHandle> {
  const bundle: unknown = import.meta.url;
  if (typeof bundle !== 'string' || bundle === '') {
    throw new Error('simdeep worker: this bundle is not an ES module (import.meta.url is empty), so neither worker.js beside it nor the bundle itself can be started: bundle as an ES module (esbuild: --format=esm), or with Vite or webpack, which emit the worker');
  }
  if (!besideMissing) {
    try {
      return await ready(new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), data);
    } catch (error) {
      if (!(error instanceof ScriptNotLoaded)) throw error;
      besideMissing = true;
    }
  }
  // A bundler that emits no workers (esbuild, Rollup) left worker.js out: the page's own ES module bundle is the
  // worker then (runPoolWorkerHere in workerMain.ts).
  try {
    return await ready(new Worker(bundle, { type: 'module', name: POOL_WORKER }), data);
  } catch (error) {
    const beside = bundle.replace(/[^/]*$/, 'worker.js');
    throw new Error(`simdeep worker ${beside} did not load, nor did ${bundle} as a worker (${String(error)}); ${copyHint('worker.js', new URL(beside))}`);
  }
}

/** Posts the WorkerData to a web worker and resolves once it is ready; rejects if it fails. */
async function ready(worker: Worker, data: WorkerData): Promise<Worker> {
  worker.postMessage(data);
  try {
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => reject(event.message ? new Error(`simdeep worker failed: ${event.message}`) : new ScriptNotLoaded('the script did not load'));
    });
  } catch (error) {
    worker.terminate();
    throw error;
  }
  return worker;
}
