// The kernels for edge runtimes (workerd): they compile no wasm from bytes, so the modules are imported as
// WebAssembly.Module objects (dist/kernels.wasm and dist/relaxed.wasm beside dist/workerd.js, which wrangler and
// other Workers bundlers load as compiled modules). tsup puts this file in place of module.ts for that entry.
import main from './kernels.wasm';
import relaxed from './relaxed.wasm';


// The import's type is declared for the inlining builds (src/wasm.d.ts: text); here it is whatever the
// bundler made of the file, which must be a compiled module.
function compiledModule(imported: unknown, file: string): WebAssembly.Module {
  if (imported instanceof WebAssembly.Module) return imported;
  throw new TypeError(`simdeep: ${file} was imported as ${Object.prototype.toString.call(imported)}, not a WebAssembly.Module; ` +
    'load .wasm files as compiled modules (wrangler\'s default rule for **/*.wasm, type CompiledWasm)');
}

/** The baseline module (imported: compiled by the runtime before the Worker starts). */
export function mainModule(): WebAssembly.Module {
  return compiledModule(main, 'kernels.wasm');
}

/** The relaxed-SIMD GEMM module (imported, as the baseline). */
export function relaxedModule(): WebAssembly.Module | null {
  return compiledModule(relaxed, 'relaxed.wasm');
}
