// The Keras file readers in workerd (the edge runtime), without eval: zip.ts (fflate for deflated entries) and
// keras-h5.ts (jsfive) bundled by esbuild for workerd, as a Worker in Miniflare, reading a deflated .keras fixture.
// (The edge suite, edge/, runs the packed library; this checks the optional readers' dependencies alone.)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { expect, it } from 'vitest';

const src = (path: string): string => fileURLToPath(new URL(`../../src/io/${path}`, import.meta.url));

it('reads the zip and the HDF5 weights of a .keras file inside workerd', async () => {
  const keras = readFileSync(new URL('../fixtures/keras/functional.keras', import.meta.url)).toString('base64');
  const entry = `import { readZip } from ${JSON.stringify(src('zip'))};
import { H5Reader } from ${JSON.stringify(src('keras-h5'))};
export default { async fetch() {
  const bytes = Uint8Array.from(atob(${JSON.stringify(keras)}), (c) => c.charCodeAt(0));
  const fail = (m) => { throw new RangeError(m); };
  const entries = await readZip(bytes, [{ name: 'config.json', maxBytes: 1 << 20 }, { name: 'model.weights.h5', maxBytes: 1 << 20 }], fail);
  const h5 = await H5Reader.open(entries.get('model.weights.h5'), 'model.weights.h5', fail);
  const out = {};
  for (const key of h5.keys('layers')) for (const v of h5.keys('layers/' + key + '/vars')) out[key + '/' + v] = h5.dataset('layers/' + key + '/vars/' + v, v, { left: 1e6 }).shape;
  return Response.json(out);
} };`;
  // The kernels' .wasm files are never instantiated here (MAX_PARAMETERS's module imports the runtime): left empty.
  const bundle = await build({ stdin: { contents: entry, resolveDir: src('.'), loader: 'js' }, bundle: true, write: false, format: 'esm', platform: 'neutral',
    mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'browser'], loader: { '.wasm': 'empty' }, logLevel: 'error' });
  const code = bundle.outputFiles[0].text;
  expect(code).not.toMatch(/\bnew Function\(|\beval\(/);
  const mf = new Miniflare({ modules: true, script: code, compatibilityDate: '2024-09-23' });
  try {
    const response = await mf.dispatchFetch('http://edge.test/');
    expect(await response.json()).toEqual({ 'dense/0': [5, 6], 'dense/1': [6], 'dense_1/0': [5, 6], 'dense_1/1': [6], 'dense_2/0': [11, 2], 'dense_2/1': [2] });
  } finally {
    await mf.dispose();
  }
}, 60_000);
