// Parallel searches (src/search/workers.ts): trials in worker_threads give exactly the trials of a serial run with
// the same seed, failures included; each worker runs one trial at a time; a worker that dies fails only its
// trial; a module without the objective rejects the search; and the process ends on its own afterwards. The
// objectives are plain JavaScript in fixtures/objective.mjs (workers import it with Node, not through vitest).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { threadId as mainThreadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { uniform } from '../../src/search/distributions';
import { randomSearch, gridSearch, type Objective, type Trial } from '../../src/search/search';
import { wasmTextEsbuild } from '../../scripts/wasm-text';

const fixture = new URL('./fixtures/objective.mjs', import.meta.url);
const { objective } = (await import(/* @vite-ignore */ fixture.href)) as { objective: Objective<{ x: number; y: number }> };
const space = { x: uniform(-5, 5), y: uniform(-5, 5) };
const withoutTimes = (trials: readonly Trial<unknown>[]): Omit<Trial<unknown>, 'seconds'>[] => trials.map(({ seconds: _, ...rest }) => rest);

describe('parallel runs', () => {
  it('give the same trials, scores, failures and order as a serial run with the same seed', async () => {
    const options = { space, trials: 40, seed: 5, progress: false } as const;
    const serial = await randomSearch({ ...options, objective });
    const serialModule = await randomSearch({ ...options, objective: { module: fixture } });
    const parallel = await randomSearch({ ...options, objective: { module: fixture }, parallel: 2 });
    const allCores = await randomSearch({ ...options, objective: { module: fixture.href }, parallel: true });
    expect(serial.trials.filter((t) => t.status === 'failed').length).toBeGreaterThan(2);
    expect(serial.trials.some((t) => t.error === 'the objective returned NaN, not a finite number')).toBe(true);
    expect(serial.trials.some((t) => t.error?.endsWith('is out of range'))).toBe(true);
    expect(serial.trials.some((t) => t.error === 'the objective returned a string, not a finite number')).toBe(true);
    expect(serial.trials.some((t) => t.error === 'the objective returned an object, not a finite number')).toBe(true);
    for (const run of [serialModule, parallel, allCores]) {
      expect(withoutTimes(run.trials)).toEqual(withoutTimes(serial.trials));
      expect(run.best?.index).toBe(serial.best?.index);
    }
  });

  it('grid searches in parallel as serially', async () => {
    const options = { space: { x: [-4.5, 0, 1, 3.5], y: [-2, 0] }, seed: 3, progress: false } as const;
    const serial = await gridSearch({ ...options, objective });
    const parallel = await gridSearch({ ...options, objective: { module: fixture }, parallel: 2 });
    expect(withoutTimes(parallel.trials)).toEqual(withoutTimes(serial.trials));
  });

  it('run trials on worker threads, one at a time in each, reporting each as it ends', async () => {
    const ended: number[] = [];
    const result = await randomSearch({ space, trials: 8, seed: 1, progress: false, parallel: 2,
      objective: { module: fixture, export: 'threadId' }, onTrialEnd: (trial) => void ended.push(trial.index) });
    expect(result.trials.map((t) => t.error)).toEqual(Array(8).fill(undefined));
    const threads = new Set(result.trials.map((t) => t.score));
    expect(threads.size).toBe(2);
    expect(threads.has(mainThreadId)).toBe(false);
    expect([...ended].sort((a, b) => a - b)).toEqual([...Array(8).keys()]);
  });

  it('fail only the trial whose worker dies, and go on with a new worker', async () => {
    const result = await randomSearch({ space, trials: 6, seed: 1, progress: false, parallel: 2, objective: { module: fixture, export: 'exitsOnTrial2' } });
    const failed = result.trials.filter((t) => t.status === 'failed');
    expect(failed.map((t) => [t.index, t.error])).toEqual([[2, 'the worker running this trial stopped: exit code 3']]);
    expect(result.trials.filter((t) => t.status === 'ok').map((t) => t.score)).toEqual(
      result.trials.filter((t) => t.index !== 2).map((t) => t.params.x).sort((a, b) => a - b));
  });

  it('accept a file path relative to the working directory', async () => {
    const result = await randomSearch({ space, trials: 3, seed: 5, progress: false, parallel: 2, objective: { module: 'tests/search/fixtures/objective.mjs' } });
    const serial = await randomSearch({ space, trials: 3, seed: 5, progress: false, objective });
    expect(withoutTimes(result.trials)).toEqual(withoutTimes(serial.trials));
  });
});

describe('objective modules', () => {
  const exports = 'exitsOnTrial2, objective, threadId';

  it.each([false, 2] as const)('without the export reject the search (parallel: %s)', async (parallel) => {
    await expect(randomSearch({ space, trials: 4, seed: 1, progress: false, parallel, objective: { module: fixture, export: 'missing' } }))
      .rejects.toThrow(new TypeError(`randomSearch: objective.module ${fixture.href} has no function export "missing" (it exports: ${exports})`));
  });

  it.each([false, 2] as const)('that cannot be imported reject the search (parallel: %s)', async (parallel) => {
    const missing = new URL('./fixtures/no-such-file.mjs', import.meta.url);
    const search = randomSearch({ space, trials: 4, seed: 1, progress: false, parallel, objective: { module: missing } });
    await expect(search).rejects.toThrow(`randomSearch: objective.module ${missing.href} could not be imported: `);
    await expect(search).rejects.toBeInstanceOf(TypeError);
  });
});

describe('the process', () => {
  it('ends on its own after a parallel search, completed or stopped by an error', async () => {
    // The fixture runs bundled with the search worker beside it, where new URL('./workerTrial.js', import.meta.url)
    // finds it, and with the objective module it names.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'simdeep-search-'));
    await build({ entryPoints: { 'search-then-exit': fileURLToPath(new URL('./fixtures/search-then-exit.mjs', import.meta.url)),
      workerTrial: join(root, 'src', 'search', 'workerTrial.ts') }, bundle: true, format: 'esm', target: 'es2022', platform: 'node',
    outdir: dir, plugins: [wasmTextEsbuild], packages: 'external', logLevel: 'error' });
    copyFileSync(fileURLToPath(new URL('./fixtures/objective.mjs', import.meta.url)), join(dir, 'objective.mjs'));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const script = join(dir, 'search-then-exit.js');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [script], { timeout: 15_000 }, (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
    });
    expect(stderr).toBe('');
    expect(stdout).toBe('completed 6\nrejected: stop here\n');
    expect(code).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 25_000);
});
