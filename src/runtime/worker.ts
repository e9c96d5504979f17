// The thread-pool worker file (dist/worker.js; started by src/runtime/workerStart.ts): in Node, Bun and Deno a
// worker_threads Worker given its WorkerData in workerData (under POOL_WORKER), in browsers a module Worker given
// it as the first message. The worker's life is workerMain in workerMain.ts.
import { isNode, nodeImport } from './node';
import { POOL_WORKER, runPoolWorkerHere, workerMain } from './workerMain';
import type { WorkerData } from './workerJob';

/** The scope of a browser's dedicated worker (the DOM typings describe a window). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerData>) => void) | null;
  postMessage(message: unknown): void;
}

// NOTE: with then(), not a top-level await, since bundlers may emit workers as classic scripts.
if (isNode()) {
  runPoolWorkerHere();
  // Where Node's built-ins cannot be had synchronously (Node before 20.16), runPoolWorkerHere could not tell.
  void nodeImport<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort, workerData }) =>
    workerMain((workerData as Record<string, WorkerData>)[POOL_WORKER], (message) => parentPort?.postMessage(message)));
} else {
  const scope = globalThis as unknown as WorkerScope;
  scope.onmessage = (event) => {
    scope.onmessage = null;
    workerMain(event.data, (message) => scope.postMessage(message));
  };
}
