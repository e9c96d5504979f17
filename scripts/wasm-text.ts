// The build plugins that inline each imported .wasm file as the text of src/runtime/wasmText.ts: for esbuild (tsup
// and the thread tests' bundle) and for Vite (vitest in Node and in Chromium).
import { readFileSync } from 'node:fs';
import type { Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin as VitePlugin } from 'vite';
import { encodeWasmText } from '../src/runtime/wasmText';

const moduleOf = (path: string): string => `export default ${JSON.stringify(encodeWasmText(readFileSync(path)))};`;

/** esbuild: .wasm files load as a module whose default export is the text. */
export const wasmTextEsbuild: EsbuildPlugin = {
  name: 'wasm-text',
  setup(build) {
    build.onLoad({ filter: /\.wasm$/ }, (args) => ({ contents: moduleOf(args.path), loader: 'js' }));
  },
};

/** Vite: the same, before Vite's own handling of .wasm. */
export const wasmTextVite = (): VitePlugin => ({
  name: 'wasm-text',
  enforce: 'pre',
  load: (id) => (id.endsWith('.wasm') ? moduleOf(id) : null),
});
