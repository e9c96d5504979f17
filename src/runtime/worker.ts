// The thread-pool worker file (dist/worker.js; started by src/runtime/workerStart.ts): in Node, Bun and Deno a
// worker_threads Worker given its WorkerData in workerData (under POOL_WORKER), in browsers a module Worker given
// it as the first message. The worker's life is workerMain in workerMain.ts.
import { isNode, nodeImport } from './node';
import { POOL_WORKER, runPoolWorkerHere, workerMain, workerMainOnMessage, type WorkerScope } from './workerMain';
import type { WorkerData } from './workerJob';

// NOTE: with then(), not a top-level await, since bundlers may emit workers as classic scripts.
if (isNode()) {
  runPoolWorkerHere();
  // Where Node's built-ins cannot be had synchronously (Node before 20.16), runPoolWorkerHere could not tell.
  void nodeImport<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort, workerData }) =>
    workerMain((workerData as Record<string, WorkerData>)[POOL_WORKER], (message) => parentPort?.postMessage(message)));
} else {
  workerMainOnMessage(globalThis as unknown as WorkerScope);
}
