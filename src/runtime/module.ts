import kernelsText from '../../build/kernels.wasm';
import relaxedText from '../../build/relaxed.wasm';
import { decodeWasmText } from './wasmText';

/** The compiled kernel modules: the baseline SIMD build and, where the engine accepts it, the relaxed-SIMD GEMM. */
export interface KernelModules {
  main: WebAssembly.Module;
  relaxed: WebAssembly.Module | null;
}

let main: WebAssembly.Module | undefined;
let relaxed: WebAssembly.Module | null | undefined;

/** The baseline module (inlined in the bundle as text; compiled once, synchronously, on first use). */
export function mainModule(): WebAssembly.Module {
  main ??= new WebAssembly.Module(decodeWasmText(kernelsText));
  return main;
}

/**
 * The relaxed-SIMD GEMM module, or null where the engine does not validate it: decoded and compiled on first use
 * only, so that engines whose default is the baseline build (Node 20 and 22) spend nothing on it at start-up.
 */
export function relaxedModule(): WebAssembly.Module | null {
  if (relaxed === undefined) {
    const bytes = decodeWasmText(relaxedText);
    relaxed = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return relaxed;
}
