// A thread-pool worker's life, the same wherever it runs: the worker file (worker.ts, dist/worker.js), or the app's
// own bundle started again as a worker (runPoolWorkerHere, below), which is how the pool runs in bundles that
// leave the worker file out.
import { nodeBuiltin } from './node';
import { CTL_INTS, runChunks, type WorkerData } from './workerJob';
import type { GemmKernels } from './wasm';

/** The key of Node's workerData under which a pool worker gets its WorkerData. */
export const POOL_WORKER = 'simdeepPoolWorker';

/** Instantiates the kernels on the shared memory, reports ready, then sleeps until each new job and joins it. */
export function workerMain(data: WorkerData, post: (message: string) => void): void {
  const env = { memory: data.memory, abort(): never { throw new Error('simdeep: kernel abort'); } };
  const imports = { env: { ...env, gemmHost: env.abort } };
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

/**
 * Runs here as a pool worker when this thread was started as one, and never returns then. Called where the library
 * is first evaluated, so in an app's bundle started again as a worker, the worker runs before the app's own code,
 * which never runs there: the thread ends once its pool is replaced.
 */
export function runPoolWorkerHere(): void {
  const worker = poolWorkerData();
  if (!worker) return;
  workerMain(worker.data, worker.post);
  process.exit(0);
}
