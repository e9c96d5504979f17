import { defineConfig } from 'tsup';

// ESM + CJS + .d.ts; the kernels' wasm is inlined as base64, so the default entry needs no configuration.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  sourcemap: true,
  loader: { '.wasm': 'base64' },
});
