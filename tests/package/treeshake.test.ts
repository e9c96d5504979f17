// Tree-shaking of the packed library: a minified browser bundle (esbuild) of an app that imports only `tensor` and
// `matmul` leaves out the data readers, papaparse, search, cli-progress and the training code. Each part is
// recognised by strings its code holds (error messages, a package's own names); a bundle of everything shows that
// they all do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packedTarball, root, run } from './tarball';

const MARKERS = {
  'data readers': ["reading files needs Node's fs module", 'write any " inside as ""', 'dropMissing or fillMissing first'],
  search: ['could not be imported', 'functions cannot be sent to worker threads', 'search |{bar}|'],
  'cli-progress': ['cli-progress'],
  training: ['layers were added since the last compile', 'validationSplit must be in [0, 1)', 'the model is already training',
    'needs a softmax output layer', 'trainEpochs'],
  papaparse: ['IS_PAPA_WORKER'],
};

let dir = '';
const bundles: Record<string, string> = {};

async function bundle(name: string, source: string): Promise<string> {
  writeFileSync(join(dir, `${name}.js`), source);
  const result = await build({ entryPoints: [join(dir, `${name}.js`)], bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', write: false, external: ['node:*'], logLevel: 'silent',
    nodePaths: [join(root, 'node_modules')] }); // the library's dependencies
  return result.outputFiles[0].text;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'simdeep-shake-'));
  const pkg = join(dir, 'node_modules', 'simdeep');
  mkdirSync(pkg, { recursive: true });
  run('tar', ['-xzf', packedTarball(), '-C', pkg, '--strip-components=1'], dir);
  bundles.all = await bundle('all', "import * as sd from 'simdeep';\nconsole.log(sd);\n");
  bundles.matmul = await bundle('matmul', "import { tensor, matmul } from 'simdeep';\nconsole.log(matmul(tensor([[1, 2]]), tensor([[3], [4]])).item());\n");
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a bundle of the whole library holds every marker', () => {
  for (const [part, markers] of Object.entries(MARKERS)) {
    for (const marker of markers) expect(bundles.all.includes(marker), `${part}: ${marker}`).toBe(true);
  }
});

test('a bundle of tensor and matmul leaves out the data readers, search, cli-progress and training', () => {
  expect(bundles.matmul).toContain('inner sizes'); // matmul's own error message
  for (const part of ['data readers', 'search', 'cli-progress', 'training'] as const) {
    for (const marker of MARKERS[part]) expect(bundles.matmul.includes(marker), `${part}: ${marker}`).toBe(false);
  }
});

// papaparse is CommonJS (no "sideEffects": false), so a bundler keeps it once anything imports it statically; the
// library imports it with a dynamic import() in parseCsv and readCsv only, which shakes away with them.
test('a bundle of tensor and matmul leaves out papaparse', () => {
  expect(bundles.matmul.includes(MARKERS.papaparse[0])).toBe(false);
});
