import { defineConfig } from 'tsup';

// ESM + CJS + .d.ts; the kernels' wasm is inlined as base64, so the default entry needs no configuration. The
// command line is a second, Node-only build.
export default defineConfig([{
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  sourcemap: true,
  loader: { '.wasm': 'base64' },
}, {
  // The `simdeep` command (Node only).
  entry: { cli: 'src/cli/bin.ts' },
  format: ['esm'],
  target: 'es2022',
  platform: 'node',
  outDir: 'dist',
  banner: { js: '#!/usr/bin/env node' },
  loader: { '.wasm': 'base64' },
}]);
