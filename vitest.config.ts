import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { wasmTextVite as wasmText } from './scripts/wasm-text';

// Each imported .wasm is inlined as text (src/runtime/wasmText.ts), as tsup.config.ts does for the bundle.

export default defineConfig({
  plugins: [wasmText()],
  // The examples import the package by name; in tests that name is the TypeScript source, not the built dist/.
  resolve: { alias: [{ find: /^simdeep$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/browser/**', 'node_modules/**'],
    environment: 'node',
    execArgv: ['--expose-gc', '--experimental-wasm-relaxed-simd'], // gc() on demand; relaxed SIMD on Node 20
  },
});
