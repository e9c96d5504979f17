import kernelsBase64 from '../../build/kernels.wasm';
import relaxedBase64 from '../../build/relaxed.wasm';

/** The compiled kernel modules: the baseline SIMD build and, where the engine accepts it, the relaxed-SIMD GEMM. */
export interface KernelModules {
  main: WebAssembly.Module;
  relaxed: WebAssembly.Module | null;
}

/** Why worker threads cannot run in this build, or '' where they may (see module.workerd.ts). */
export const NO_WORKERS = '';

let compiled: KernelModules | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The modules (inlined in the bundle; compiled once, synchronously, on first use). */
export function kernelModules(): KernelModules {
  if (!compiled) {
    const relaxed = decodeBase64(relaxedBase64);
    compiled = {
      main: new WebAssembly.Module(decodeBase64(kernelsBase64)),
      relaxed: WebAssembly.validate(relaxed) ? new WebAssembly.Module(relaxed) : null,
    };
  }
  return compiled;
}
