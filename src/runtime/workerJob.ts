// The job the thread pool shares (src/runtime/threads.ts posts it, src/runtime/worker.ts joins it): a control block
// in wasm memory, and the loop that claims and runs its chunks, the same on the calling thread and in each worker.
import type { KernelModules } from './module';
import type { GemmKernels } from './wasm';

// Control block (Int32 words): 0 generation, 1 claim (tag << 16 | next chunk), 2 chunks done, 3 error flag,
// 4 pool id (workers of an older pool return), 5 chunk count, 6 rows per chunk, 7 relaxed build, 8..21 gemm
// arguments (alpha as f32 at 20).
export const CTL_INTS = 32;

/** What a worker is started with (workerData in Node, the first message in browsers). */
export interface WorkerData {
  modules: KernelModules;
  memory: WebAssembly.Memory;
  ctl: number;
  work: number;
  /** The pool this worker belongs to (control word 4): it returns once a newer pool replaces it. */
  id: number;
}

/** Runs claimed chunks of the job tagged `tag` until none is left. */
export function runChunks(I: Int32Array, F: Float32Array, base: GemmKernels, relaxed: GemmKernels | null, work: number, tag: number): void {
  for (;;) {
    const v = Atomics.load(I, 1);
    if (v >>> 16 !== tag || (v & 0xffff) >= I[5]) return;
    if (Atomics.compareExchange(I, 1, v, v + 1) !== v) continue;
    const start = (v & 0xffff) * I[6];
    try {
      (I[7] && relaxed ? relaxed : base).gemm(I[8], I[9], I[10], I[11], I[12], I[13], I[14], I[15], I[16], I[17], I[18],
        I[19], F[20], I[21], work, start, Math.min(I[14], start + I[6]));
    } catch {
      Atomics.store(I, 3, 1);
    }
    Atomics.add(I, 2, 1);
    Atomics.notify(I, 2);
  }
}
