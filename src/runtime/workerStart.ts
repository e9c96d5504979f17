// Starting a thread-pool worker: the file src/runtime/worker.ts, beside the bundle as worker.js (dist/worker.js). In
// browsers it is `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`, the form Vite, webpack and
// esbuild plugins recognise, so an app's bundler emits the worker with the app; Node, Bun and Deno resolve the same
// URL next to this module.
// The workerd build puts workerStart.workerd.ts in its place (tsup.config.ts).
import { isNode, nodeImport } from './node';
import type { WorkerData } from './workerJob';

/** A running worker. */
export interface WorkerHandle {
  terminate(): unknown;
}

/** Starts a worker on `data` and resolves once it is ready to join jobs; rejects if it fails to start. */
export async function startWorker(data: WorkerData): Promise<WorkerHandle> {
  if (isNode()) {
    const { Worker: NodeWorker } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
    // NOTE: no Node options. The worker needs none (V8's, such as --experimental-wasm-relaxed-simd, hold for the
    // whole process), and an inherited --input-type (node --input-type=module -e …) stops a worker run from a file.
    // @vite-ignore: browser builds would carry this Node-only URL as an asset (a small one inlined as a data: URL).
    const url = new URL(/* @vite-ignore */ './worker.js', import.meta.url);
    const worker = new NodeWorker(url, { workerData: data, execArgv: [] });
    worker.unref(); // idle workers never keep the process alive
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return worker;
  }
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.postMessage(data);
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => reject(new Error(`simdeep worker failed: ${event.message}`));
  });
  return worker;
}
