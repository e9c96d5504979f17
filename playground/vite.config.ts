// The playground: a static Vite app (`npm run playground` serves it, `npm run playground:build` writes it). simdeep is
// the built package (`npm run build` first), whose wasm is inlined, so the output is plain HTML, CSS and JavaScript.
// COOP/COEP make the page cross-origin isolated, so simdeep's thread pool can run; `base: './'` lets the built files
// work from any folder of any static host (without those headers the page runs on one thread and says so).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// SIMDEEP_ENTRY points at another build of simdeep's dist/index.js (the tests use the packed package).
const simdeep = process.env.SIMDEEP_ENTRY ?? fileURLToPath(new URL('../dist/index.js', import.meta.url));
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { simdeep } },
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
});
