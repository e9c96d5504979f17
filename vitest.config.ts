import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

// Inline each imported .wasm as a base64 string, as tsup's base64 loader does for the bundle.
const wasmBase64 = (): Plugin => ({
  name: 'wasm-base64',
  enforce: 'pre',
  load: (id) => (id.endsWith('.wasm') ? `export default ${JSON.stringify(readFileSync(id).toString('base64'))};` : null),
});

export default defineConfig({
  plugins: [wasmBase64()],
  // The examples import the package by name; in tests that name is the TypeScript source, not the built dist/.
  resolve: { alias: [{ find: /^simdeep$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/browser/**', 'node_modules/**'],
    environment: 'node',
    execArgv: ['--expose-gc', '--experimental-wasm-relaxed-simd'], // gc() on demand; relaxed SIMD on Node 20
  },
});
