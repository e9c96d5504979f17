import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { wasmTextEsbuild as wasmText } from './scripts/wasm-text';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

// The edge build (dist/workerd.js): runtime/module.workerd.ts in place of runtime/module.ts, and the kernels'
// .wasm files imported as modules from beside the bundle instead of inlined.
const edgeModules: Plugin = {
  name: 'workerd-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/module$/ }, (args) =>
      (args.importer.includes('/src/runtime/') ? { path: join(args.resolveDir, 'module.workerd.ts') } : undefined));
    build.onResolve({ filter: /^\.\/(kernels|relaxed)\.wasm$/ }, (args) =>
      (args.importer.endsWith('module.workerd.ts') ? { path: args.path, external: true } : undefined));
  },
};

// NOTE: removeNodeProtocol off: tsup would turn import('node:fs') into import('fs'), which browser bundlers and
// edge runtimes do not recognise as Node's and try to resolve.
const common: Options = { target: 'es2022', outDir: 'dist', removeNodeProtocol: false, external: [/^node:/] };

// ESM + CJS + .d.ts; the kernels' wasm is inlined as text, so the default entry needs no configuration. The
// edge entry and the command line (Node only) are separate builds.
export default defineConfig([{
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  ...common,
  platform: 'neutral',
  sourcemap: true,
  esbuildPlugins: [wasmText],
}, {
  entry: { workerd: 'src/index.ts' },
  format: ['esm'],
  ...common,
  platform: 'neutral',
  esbuildPlugins: [edgeModules],
  onSuccess: async () => {
    for (const name of ['kernels.wasm', 'relaxed.wasm']) copyFileSync(join('build', name), join('dist', name));
  },
}, {
  // The `simdeep` command (Node only).
  entry: { cli: 'src/cli/bin.ts' },
  format: ['esm'],
  ...common,
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  esbuildPlugins: [wasmText],
}]);
