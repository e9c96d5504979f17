// npm run bench [-- name…]: runs the benchmarks (all by default) in this one process against dist/, after a note on
// the machine and its load. A benchmark is a module exporting `run()`; add it to BENCHES.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { otherCpu } from './harness.mjs';

const BENCHES = {
  autograd: () => import('./autograd.mjs'),
  controls: () => import('./controls.mjs'),
  formats: () => import('./formats.mjs'),
  browser: () => import('./browser.mjs'),
  layers: () => import('./layers.mjs'),
  math: () => import('./math.mjs'),
  matmul: () => import('./matmul.mjs'),
  models: () => import('./models.mjs'),
  nn: () => import('./nn.mjs'),
  predict: () => import('./predict.mjs'),
  search: () => import('./search.mjs'),
  reduce: () => import('./reduce.mjs'),
  size: () => import('./size.mjs'),
  steps: () => import('./steps.mjs'),
  startup: () => import('./startup.mjs'),
};

const root = new URL('../', import.meta.url);
const mtime = (path) => statSync(new URL(path, root)).mtimeMs;
const newest = (dir) => Math.max(...readdirSync(new URL(dir, root), { recursive: true }).map((f) => mtime(`${dir}/${f}`)));

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in BENCHES));
if (unknown.length) throw new Error(`bench: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
if (!existsSync(new URL('dist/index.js', root))) throw new Error('bench: dist/index.js is missing: run `npm run build` first');
// The bench measures dist/ (wasm inlined as text) and reads the micro-kernel ceiling from build/: they must agree.
if (mtime('build/kernels.wasm') > mtime('dist/index.js')) {
  console.warn('warning: dist/ is older than the wasm in build/: run `npm run build` to measure the current code\n');
} else if (newest('src') > mtime('dist/index.js') || newest('assembly') > mtime('build/kernels.wasm')) {
  console.warn('warning: src/ or assembly/ changed after the last build: run `npm run build` to measure the current code\n');
}

const cores = os.availableParallelism();
console.log(`simdeep benchmarks, ${new Date().toISOString()}`);
console.log(`Node ${process.version} (V8 ${process.versions.v8}), flags: ${process.execArgv.join(' ') || 'none'}`);
console.log(`${os.cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; load average 1/5/15 min before start: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
console.log(`(other processes' load takes cores from this run: 2-thread numbers on ${cores} cores need it near 0)\n`);

const started = performance.now(), load = otherCpu();
for (const name of names.length ? names : Object.keys(BENCHES)) {
  await (await BENCHES[name]()).run();
  console.log();
}
console.log(`done in ${((performance.now() - started) / 1e3).toFixed(0)} s; other processes used ${load().toFixed(2)} of ${cores} cores on average`);
