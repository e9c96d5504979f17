import kernelsText from '../../build/kernels.wasm';
import relaxedText from '../../build/relaxed.wasm';
import { decodeWasmText } from './wasmText';

/** The compiled kernel modules: the baseline SIMD build and, where the engine accepts it, the relaxed-SIMD GEMM. */
export interface KernelModules {
  main: WebAssembly.Module;
  relaxed: WebAssembly.Module | null;
}

let compiled: KernelModules | undefined;

/** The modules (inlined in the bundle as text; compiled once, synchronously, on first use). */
export function kernelModules(): KernelModules {
  if (!compiled) {
    const relaxed = decodeWasmText(relaxedText);
    compiled = {
      main: new WebAssembly.Module(decodeWasmText(kernelsText)),
      relaxed: WebAssembly.validate(relaxed) ? new WebAssembly.Module(relaxed) : null,
    };
  }
  return compiled;
}
