// The packed library in a plain Node app (tests/bundler/node-app), bundled by esbuild, webpack and Rollup as ES
// modules and CommonJS, each bundle run by Node from a directory of its own with only what the bundler emitted (no
// node_modules, no file copied): setThreads(2) runs two threads, threads() says so (and, before, why none runs
// yet), and a product split over them is exact. Bundlers leave the library's worker files out; the pool's worker is
// then the bundle itself (src/runtime/workerScript.ts).
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { build } from 'esbuild';
import { rollup, type OutputOptions } from 'rollup';
import webpack, { type Configuration } from 'webpack';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomSearch, uniform } from '../../src/index';
import { packedTarball, run } from '../package/tarball';

let dir = '';
let app = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'simdeep-node-bundles-'));
  app = join(dir, 'app');
  cpSync(join(import.meta.dirname, 'node-app'), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'node-app', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', packedTarball()], app);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Copies a bundler's output to a directory of its own, outside the app, and runs `file` there with `args`. */
async function runAlone(out: string, file: string, args: string[] = []): Promise<Run> {
  const alone = mkdtempSync(join(dir, 'run-'));
  cpSync(out, alone, { recursive: true });
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file, ...args], { cwd: alone, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code = 1, stdout = '', stderr = '' } = error as { code?: number; stdout?: string; stderr?: string };
    return { code, stdout, stderr: `${stderr}\n${String(error)}` };
  }
}

/** What node-app/main.js prints. */
interface Printed {
  before: { active: number; requested: number; reason: string };
  after: { active: number; requested: number; reason: string };
  wrong: number;
}

/** Runs node-app/main.js bundled into `out` as `file`: two threads, threads() true before and after, exact product. */
async function expectTwoThreads(out: string, file: string): Promise<void> {
  // Only the bundle and its chunks: the library's worker files are not among them.
  expect(readdirSync(out).filter((f) => /^worker(Trial)?\.js$/.test(f))).toEqual([]);
  const result = await runAlone(out, file);
  expect(result.code, result.stderr).toBe(0);
  // The app's code ran once: not again in the workers, which run the bundle itself.
  expect(result.stdout.trim().split('\n')).toHaveLength(1);
  const printed = JSON.parse(result.stdout) as Printed;
  const cores = Math.min(availableParallelism(), 16);
  expect(printed.before).toMatchObject({ active: 1, requested: cores,
    reason: cores > 1 ? 'not started yet: starts on the first large product or setThreads()' : '' });
  expect(printed.after).toMatchObject({ active: 2, requested: 2, reason: '' });
  expect(printed.wrong, 'elements of the threaded product that differ from a plain loop').toBe(0);
}

const entry = (): string => join(app, 'main.js');

const OBJECTIVE = 'export const objective = ({ x }) => (x - 2) ** 2;\n';

/**
 * Runs node-app/search.js bundled into `out` as `file`, on an objective module in the app: the scores of a serial
 * search with the same seed, here, from the sources.
 */
async function expectSearch(out: string, file: string): Promise<void> {
  writeFileSync(join(app, 'objective.mjs'), OBJECTIVE);
  const found = await runAlone(out, file, [join(app, 'objective.mjs')]);
  expect(found.code, found.stderr).toBe(0);
  const serial = await randomSearch({ space: { x: uniform(0, 4) }, trials: 6, seed: 1, progress: false,
    objective: ({ x }) => (x - 2) ** 2 });
  expect(JSON.parse(found.stdout)).toEqual(serial.trials.map((t) => t.score));
}

describe('esbuild', () => {
  for (const format of ['esm', 'cjs'] as const) {
    test(`${format.toUpperCase()} output runs two threads with nothing copied`, async () => {
      const out = join(app, 'out', `esbuild-${format}`);
      const file = `main.${format === 'esm' ? 'mjs' : 'cjs'}`;
      const { warnings } = await build({ entryPoints: [entry()], bundle: true, platform: 'node', format, target: 'es2022',
        outfile: join(out, file), logLevel: 'silent' });
      expect(warnings.map((w) => w.text)).toEqual([]);
      await expectTwoThreads(out, file);
    }, 30_000);
  }

  test('a parallel search from a bundle uses the search worker of the simdeep the objective module imports', async () => {
    const out = join(app, 'out', 'esbuild-search');
    await build({ entryPoints: [join(app, 'search.js')], bundle: true, platform: 'node', format: 'esm', target: 'es2022',
      outfile: join(out, 'search.mjs'), logLevel: 'silent' });
    await expectSearch(out, 'search.mjs');

    // An objective module with no simdeep installed where it lies: the error says what to copy where.
    const lone = mkdtempSync(join(dir, 'lone-'));
    writeFileSync(join(lone, 'objective.mjs'), OBJECTIVE);
    const missing = await runAlone(out, 'search.mjs', [join(lone, 'objective.mjs')]);
    expect(missing.code, missing.stderr).toBe(0);
    expect(JSON.parse(missing.stdout)).toEqual({ error: expect.stringMatching(
      /^randomSearch: parallel runs need the search worker workerTrial\.js, which this bundle left out: copy node_modules\/simdeep\/dist\/workerTrial\.js to \/\S+\/workerTrial\.js, or install simdeep where the objective module imports it, or pass parallel: false$/) });
  }, 30_000);
});

/** Bundles `input` with webpack for Node into `out` as `file` (CommonJS, or an ES module); expects no errors or warnings. */
async function webpackBuild(input: string, out: string, file: string, format: 'commonjs' | 'module'): Promise<void> {
  const ext = format === 'module' ? 'mjs' : 'cjs';
  // Minifying would only slow the test down.
  const config: Configuration = { mode: 'production', target: 'node', context: app, entry: input, optimization: { minimize: false },
    output: { path: out, filename: file, chunkFilename: `[id].${ext}`, module: format === 'module', library: { type: format } },
    experiments: { outputModule: format === 'module' } };
  const stats = await new Promise<webpack.Stats>((resolve, reject) => webpack(config, (error, result) =>
    (error || !result ? reject(error ?? new Error('webpack gave no stats')) : resolve(result))));
  const { errors = [], warnings = [] } = stats.toJson({ all: false, errors: true, warnings: true });
  expect([...errors, ...warnings].map((e) => e.message)).toEqual([]);
}

describe('webpack', () => {
  for (const format of ['commonjs', 'module'] as const) {
    test(`${format === 'module' ? 'ES module' : 'CommonJS'} output for Node runs two threads with nothing copied`, async () => {
      const out = join(app, 'out', `webpack-${format}`);
      const file = `main.${format === 'module' ? 'mjs' : 'cjs'}`;
      await webpackBuild(entry(), out, file, format);
      await expectTwoThreads(out, file);
    }, 30_000);
  }

  test('a parallel search from a bundle runs its trials in workers', async () => {
    const out = join(app, 'out', 'webpack-search');
    await webpackBuild(join(app, 'search.js'), out, 'search.cjs', 'commonjs');
    await expectSearch(out, 'search.cjs');
  }, 30_000);
});

describe('Rollup', () => {
  for (const format of ['es', 'cjs'] as const) {
    test(`${format.toUpperCase()} output runs two threads with nothing copied`, async () => {
      const out = join(app, 'out', `rollup-${format}`);
      const ext = format === 'es' ? 'mjs' : 'cjs';
      const warnings: string[] = [];
      const bundle = await rollup({ input: entry(), plugins: [nodeResolve({ preferBuiltins: true }), commonjs()],
        onwarn: (warning) => warnings.push(warning.message) });
      const output: OutputOptions = { dir: out, format, entryFileNames: `main.${ext}`, chunkFileNames: `[name]-[hash].${ext}` };
      await bundle.write(output);
      await bundle.close();
      expect(warnings).toEqual([]);
      await expectTwoThreads(out, `main.${ext}`);
    }, 30_000);
  }
});
