import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { wasmTextEsbuild as wasmText } from './scripts/wasm-text';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// The edge build (dist/workerd.js): runtime/module.workerd.ts and platform.workerd.ts in place of module.ts and
// platform.ts, and the kernels' .wasm files imported as modules from beside the bundle instead of inlined. Workerd
// has no workers: runtime/workerStart.workerd.ts and search/workers.workerd.ts stand in for the modules that start them, so the
// bundle names no worker file.
const edgeModules: Plugin = {
  name: 'workerd-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/(module|platform|workerStart)$/ }, (args) =>
      (args.importer.includes('/src/runtime/') ? { path: join(args.resolveDir, `${args.path}.workerd.ts`) } : undefined));
    build.onResolve({ filter: /^\.\/workers$/ }, (args) =>
      (args.importer.includes('/src/search/') ? { path: join(args.resolveDir, 'workers.workerd.ts') } : undefined));
    build.onResolve({ filter: /^\.\/(kernels|relaxed)\.wasm$/ }, (args) =>
      (args.importer.endsWith('module.workerd.ts') ? { path: args.path, external: true } : undefined));
  },
};

// NOTE: removeNodeProtocol off: tsup would turn import('node:fs') into import('fs'), which browser bundlers and
// edge runtimes do not recognise as Node's and try to resolve.
// The Keras file readers (fflate, jsfive) are optional dependencies imported only when such a file is read: left
// to the user's bundler or runtime (tsup keeps only dependencies and peerDependencies out on its own).
const common: Options = { target: 'es2022', outDir: 'dist', removeNodeProtocol: false, external: [/^node:/, 'fflate', 'jsfive'] };

// ESM + CJS + .d.ts; the kernels' wasm is inlined as text, so the default entry needs no configuration. The
// workers, the edge entry and the command line (Node only) are separate builds. shims: the CJS build gets
// import.meta.url (from __filename), which locates the workers beside it. simdeep/formats (src/formats.ts) is a
// second ESM entry of the same build, so that it shares its chunks (one Model class, one wasm memory) with index.js;
// CommonJS has no shared chunks, so CommonJS code imports it with import().
export default defineConfig([{
  entry: { index: 'src/index.ts', formats: 'src/formats.ts' },
  format: ['esm'],
  dts: true,
  ...common,
  platform: 'neutral',
  sourcemap: true,
  esbuildPlugins: [wasmText],
}, {
  entry: { index: 'src/index.ts' },
  format: ['cjs'],
  dts: true,
  ...common,
  platform: 'neutral',
  shims: true,
  sourcemap: true,
  esbuildPlugins: [wasmText],
}, {
  // The worker files, each one module (no shared chunks): dist/index.js, index.cjs and cli.js start them as
  // new URL('./worker.js', import.meta.url) and new URL('./workerTrial.js', import.meta.url). An app's bundle that
  // leaves them out runs the pool's workers from itself, and the search's from the installed package
  // (src/runtime/workerScript.ts, src/search/workers.ts).
  entry: { worker: 'src/runtime/worker.ts', workerTrial: 'src/search/workerTrial.ts' },
  format: ['esm'],
  ...common,
  platform: 'neutral',
  splitting: false,
}, {
  entry: { workerd: 'src/index.ts', 'workerd-formats': 'src/formats.ts' },
  format: ['esm'],
  ...common,
  platform: 'neutral',
  esbuildPlugins: [edgeModules],
  onSuccess: async () => {
    for (const name of ['kernels.wasm', 'relaxed.wasm']) copyFileSync(join('build', name), join('dist', name));
  },
}, {
  // The `simdeep` command (Node only), and the objective module its searches on a queue send to workers
  // (dist/searchTrial.js, which the command names by its URL beside itself).
  entry: { cli: 'src/cli/bin.ts', searchTrial: 'src/cli/searchTrial.ts' },
  format: ['esm'],
  ...common,
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  esbuildPlugins: [wasmText],
}]);
