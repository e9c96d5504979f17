// What a browser downloads, gzip-compressed (level 9): minified esbuild bundles (ESM, es2022, browser, code splitting) of two apps,
// one using the training API and one importing everything, with the kernels' wasm as shipped (inlined as text in dist/).
// TensorFlow.js (core + layers + wasm backend) is measured the same way, plus the .wasm file its backend fetches.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { ratio, table } from './harness.mjs';

const require = createRequire(import.meta.url);
const root = new URL('../', import.meta.url).pathname;
const TARGET_KB = 40;

const APPS = {
  simdeep: {
    training: `import { adam, dense, sequential, tensor } from 'simdeep';
      const model = sequential([dense({ units: 8, activation: 'relu', inputShape: [2] }), dense({ units: 1 })]);
      model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      const x = tensor([[0, 1]]), y = tensor([[1]]);
      model.fit(x, y, { epochs: 10 }).then(() => console.log(model.predict(x).dataSync()));`,
    everything: "import * as sd from 'simdeep';\nconsole.log(sd);",
  },
  'tfjs-wasm': {
    training: `import { setBackend, tensor2d, train } from '@tensorflow/tfjs-core';
      import { layers, sequential } from '@tensorflow/tfjs-layers';
      import '@tensorflow/tfjs-backend-wasm';
      await setBackend('wasm');
      const model = sequential({ layers: [layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), layers.dense({ units: 1 })] });
      model.compile({ optimizer: train.adam(0.1), loss: 'meanSquaredError' });
      const x = tensor2d([[0, 1]]), y = tensor2d([[1]]);
      await model.fit(x, y, { epochs: 10 });
      console.log(model.predict(x).dataSync());`,
    everything: `import * as core from '@tensorflow/tfjs-core';
      import * as layers from '@tensorflow/tfjs-layers';
      import * as wasm from '@tensorflow/tfjs-backend-wasm';
      console.log(core, layers, wasm);`,
  },
};

const gzip = (text) => gzipSync(text, { level: 9 }).length;
const kb = (bytes) => (bytes / 1024).toFixed(1);
// The inlined wasm: string literals of 5,000 or more characters of src/runtime/wasmText.ts's alphabet (printable ASCII
// but quotes, \ and <), assigned or passed (so a stretch of code between two other literals does not match).
const INLINED = /(?<=[=(,:])"[ !#$%&()*+,\-./0-9:;=>?@A-Z[\]^_a-z{|}~]{5000,}"/g;

/**
 * The app bundled with code splitting, as Vite, Rollup and webpack bundle apps: `code` is what the page loads at
 * start (the entry and the chunks it imports statically); `lazy` what it loads only on a dynamic import (simdeep's
 * other model formats, loaded by model.save or loadModel for such a file).
 */
async function bundle(contents) {
  const result = await build({ stdin: { contents, resolveDir: root, loader: 'js', sourcefile: 'app.js' }, bundle: true, minify: true, format: 'esm',
    splitting: true, outdir: '/bundle', platform: 'browser', target: 'es2022', write: false, external: ['node:*'], logLevel: 'error', metafile: true });
  const outputs = result.metafile.outputs, text = new Map(result.outputFiles.map((f) => [f.path, f.text]));
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint);
  const eager = new Set([entry]);
  for (const path of eager) for (const i of outputs[path].imports) if (i.kind === 'import-statement' && !i.external) eager.add(i.path);
  // Metafile paths are relative to the working directory; output files' are absolute.
  const pick = (paths) => paths.map((path) => text.get(resolve(path))).join('\n');
  const lazy = Object.keys(outputs).filter((path) => !eager.has(path) && path.endsWith('.js'));
  const inputs = Object.assign({}, ...[...eager].map((path) => outputs[path].inputs));
  return { code: pick([...eager]), lazy: pick(lazy), inputs };
}

/** The .wasm a browser with SIMD fetches from tfjs-backend-wasm (the threaded build needs COOP/COEP). */
function tfjsWasm() {
  const dir = require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/');
  return readFileSync(`${dir}tfjs-backend-wasm-simd.wasm`);
}

/** Sizes in bytes of one app: { total, js, wasm, minified, papaparse }. */
async function measure(lib, contents) {
  const { code, lazy, inputs } = await bundle(contents);
  const inlined = (code.match(INLINED) ?? []).join('');
  const file = lib === 'tfjs-wasm' ? tfjsWasm() : null;
  const papaparse = Object.entries(inputs).filter(([path]) => path.includes('papaparse')).reduce((s, [, v]) => s + v.bytesInOutput, 0);
  return {
    total: gzip(code) + (file ? gzip(file) : 0),
    js: gzip(file ? code : code.replace(INLINED, '""')),
    wasm: file ? gzip(file) : gzip(inlined),
    minified: code.length + (file?.length ?? 0),
    lazy: lazy.length ? gzip(lazy) : 0,
    papaparse,
  };
}

export async function run() {
  console.log(`Bundle size: what a browser downloads, KB gzip -9 (minified esbuild bundles; simdeep's wasm is inlined as text in the JS,`);
  console.log(`tfjs-wasm's is the separate tfjs-backend-wasm-simd.wasm). Target for simdeep: ≤ ${TARGET_KB} KB all in.`);
  let peers = true;
  try {
    require.resolve('@tensorflow/tfjs-layers');
    require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch {
    peers = false;
  }
  const row = table([['app', 22], ['all in', 8], ['JS', 8], ['wasm', 8], ['minified', 10], ['papaparse', 10], ['vs simdeep', 11], ['lazy', 8]]);
  const totals = {};
  for (const [lib, apps] of Object.entries(APPS)) {
    if (lib !== 'simdeep' && !peers) continue;
    for (const [app, contents] of Object.entries(apps)) {
      const s = await measure(lib, contents);
      totals[`${lib} ${app}`] = s.total;
      row([`${lib} ${app}`, kb(s.total), kb(s.js), kb(s.wasm), kb(s.minified), s.papaparse ? kb(s.papaparse) : '',
        lib === 'simdeep' ? '' : ratio(s.total, totals[`simdeep ${app}`]), s.lazy ? kb(s.lazy) : '']);
    }
  }
  if (!peers) console.log('(@tensorflow/tfjs-layers or tfjs-backend-wasm not installed: no comparison)');
  console.log('JS and wasm are compressed apart (their sum exceeds "all in"); minified and papaparse: KB before gzip. Bundled with');
  console.log('code splitting, as app bundlers do: the columns count what the page loads at start; lazy: the chunks it loads only');
  console.log("on first use (simdeep's other model formats, for model.save or loadModel of such a file), KB gzip.");
}
