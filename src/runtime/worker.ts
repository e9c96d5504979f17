// A thread-pool worker (started by src/runtime/workerStart.ts): in Node, Bun and Deno a worker_threads Worker given
// its WorkerData as workerData, in browsers a module Worker given it as the first message. It instantiates the
// compiled kernel modules on the shared memory, says 'ready', then joins each job of the pool.
import { isNode, nodeImport } from './node';
import { CTL_INTS, runChunks, type WorkerData } from './workerJob';
import type { GemmKernels } from './wasm';

/** A worker's life: instantiate on the shared memory, report ready, then sleep until each new job and join it. */
function workerMain(data: WorkerData, post: (message: string) => void): void {
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

/** The scope of a browser's dedicated worker (the DOM typings describe a window). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerData>) => void) | null;
  postMessage(message: unknown): void;
}

// NOTE: with then(), not a top-level await, since bundlers may emit workers as classic scripts.
if (isNode()) {
  void nodeImport<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort, workerData }) =>
    workerMain(workerData as WorkerData, (message) => parentPort?.postMessage(message)));
} else {
  const scope = globalThis as unknown as WorkerScope;
  scope.onmessage = (event) => {
    scope.onmessage = null;
    workerMain(event.data, (message) => scope.postMessage(message));
  };
}
