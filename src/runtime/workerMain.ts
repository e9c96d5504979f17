// A thread-pool worker's life, the same wherever it runs: the worker file (worker.ts, dist/worker.js), or the app's
// own bundle started again as a worker (runPoolWorkerHere, below), which is how the pool runs in bundles that
// leave the worker file out.
import { nodeBuiltin } from './node';
import { CTL_INTS, runChunks, type WorkerData } from './workerJob';
import type { GemmKernels } from './wasm';

/**
 * The key of Node's workerData under which a pool worker gets its WorkerData, and the name (the Worker option) of a
 * browser's pool worker started from the page's own bundle.
 */
export const POOL_WORKER = 'simdeepPoolWorker';

/** Instantiates the kernels on the shared memory, reports ready, then sleeps until each new job and joins it. */
export function workerMain(data: WorkerData, post: (message: string) => void): void {
  const env = { memory: data.memory, abort(): never { throw new Error('simdeep: kernel abort'); } };
  // Workers only run products: the training loop's host imports are never called here.
  const imports = { env: { ...env, gemmHost: env.abort, lossHost: env.abort, layerHost: env.abort } };
  const base = new WebAssembly.Instance(data.modules.main, imports).exports as unknown as GemmKernels;
  const relaxed = data.modules.relaxed && (new WebAssembly.Instance(data.modules.relaxed, imports).exports as unknown as GemmKernels);
  const I = new Int32Array(data.memory.buffer, data.ctl, CTL_INTS);
  const F = new Float32Array(data.memory.buffer, data.ctl, CTL_INTS);
  let gen = Atomics.load(I, 0);
  post('ready');
  for (;;) {
    // NOTE: spin about 2 ms before sleeping. Waking a thread that sleeps costs the waker up to 0.5 ms on virtual
    // machines, which is as long as a training step's product; during training the next job comes well within 2 ms.
    const until = performance.now() + 2;
    while (Atomics.load(I, 0) === gen && performance.now() < until);
    Atomics.wait(I, 0, gen);
    gen = Atomics.load(I, 0);
    if (Atomics.load(I, 4) !== data.id) return;
    runChunks(I, F, base, relaxed, data.work, gen & 0xffff);
  }
}

/** The pool's WorkerData if this thread is a Node pool worker; undefined otherwise (or where that cannot be known). */
function poolWorkerData(): { data: WorkerData; post: (message: string) => void } | undefined {
  const threads = nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');
  if (!threads || threads.isMainThread) return undefined;
  const data = (threads.workerData as Record<string, unknown> | null | undefined)?.[POOL_WORKER];
  return data ? { data: data as WorkerData, post: (message) => threads.parentPort?.postMessage(message) } : undefined;
}

/** The scope of a browser's dedicated worker (the DOM typings describe a window). */
export interface WorkerScope {
  name?: string;
  onmessage: ((event: MessageEvent<WorkerData>) => void) | null;
  postMessage(message: unknown): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
}

/** Joins the pool with the WorkerData of the first message (how a browser's pool worker gets it). */
export function workerMainOnMessage(scope: WorkerScope): void {
  scope.onmessage = (event) => {
    scope.onmessage = null;
    workerMain(event.data, (message) => scope.postMessage(message));
  };
}

/**
 * Becomes a pool worker here when this thread was started as one from an app's bundle (workerStart.ts), before the
 * app's own code, which never runs there. Called where the library is first evaluated. In Node it never returns
 * then: the thread ends once its pool is replaced. In a browser it waits for the WorkerData message and throws
 * (the error is kept from the page) to stop the rest of the bundle.
 */
export function runPoolWorkerHere(): void {
  const node = poolWorkerData();
  if (node) {
    workerMain(node.data, node.post);
    process.exit(0);
  }
  const scope = globalThis as unknown as WorkerScope & { WorkerGlobalScope?: unknown };
  if (scope.WorkerGlobalScope === undefined || scope.name !== POOL_WORKER) return;
  workerMainOnMessage(scope);
  const stop = new Error('simdeep: this worker runs the thread pool, not the rest of the bundle');
  scope.addEventListener('error', (event) => {
    if (event.error === stop || event.message?.endsWith(stop.message)) event.preventDefault();
  });
  throw stop;
}
