// The kernels for edge runtimes (workerd): they compile no wasm from bytes, so the modules are imported as
// WebAssembly.Module objects (dist/kernels.wasm and dist/relaxed.wasm beside dist/workerd.js, which wrangler and
// other Workers bundlers load as compiled modules). tsup puts this file in place of module.ts for that entry.
import main from './kernels.wasm';
import relaxed from './relaxed.wasm';
import type { KernelModules } from './module';

/** Why worker threads cannot run in this build, or '' where they may. */
export const NO_WORKERS = 'edge runtimes (workerd) run one thread and have no Worker';

/** The imported modules (compiled by the runtime before the Worker starts). */
export function kernelModules(): KernelModules {
  return { main: main as unknown as WebAssembly.Module, relaxed: relaxed as unknown as WebAssembly.Module };
}
