// `simdeep worker` and `simdeep train … --search N --workers <url>` as processes against a real redis-server: the
// search on the queue finds the best trial, with the same score, that the local search with the same seed finds;
// the worker stops cleanly on SIGTERM; an unreachable server or a URL that is not redis:// is an error naming it.
// The command runs bundled as tsup bundles dist/ (cli.js, with searchTrial.js and workerTrial.js beside it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmTextEsbuild } from '../../scripts/wasm-text';
import { freePort, startRedis, type RedisServer } from '../search/redis-server';
import { startProcess, until } from '../search/worker-process';
import { fixture, temporaryFiles } from './run';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = temporaryFiles();
let dir: string;
let cli: string;
let redis: RedisServer;

beforeAll(async () => {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, 'simdeep-cli-worker-'));
  await build({ entryPoints: { cli: join(root, 'src', 'cli', 'bin.ts'), searchTrial: join(root, 'src', 'cli', 'searchTrial.ts'),
    workerTrial: join(root, 'src', 'search', 'workerTrial.ts') }, outdir: dir, bundle: true, format: 'esm', platform: 'node', target: 'es2022',
  packages: 'external', plugins: [wasmTextEsbuild], logLevel: 'error' });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  cli = join(dir, 'cli.js');
  redis = await startRedis();
}, 60_000);
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the command to its end; resolves to its status and output (stdout and stderr). */
async function simdeep(...args: string[]): Promise<{ status: number | null; output: string }> {
  const started = startProcess(cli, args);
  const status = await started.exited;
  return { status, output: started.output() };
}

const searchLine = (output: string): string | undefined => output.split('\n').find((line) => line.startsWith('search: '));

describe('simdeep train --workers', () => {
  it('finds, on the queue, the best trial and score of the local search with the same seed', async () => {
    const worker = startProcess(cli, ['worker', '--redis', redis.url, '--concurrency', '2']);
    try {
      const train = ['train', fixture('houses.csv'), '--target', 'y', '--search', '4', '--seed', '3'];
      const [remote, local] = await Promise.all([simdeep(...train, '--out', tmp('remote.json'), '--workers', redis.url), simdeep(...train, '--out', tmp('local.json'))]);
      expect([remote.status, local.status]).toEqual([0, 0]);
      expect(searchLine(remote.output)).toBe(searchLine(local.output)!.replace('search: 4 trials;', `search: 4 trials on ${redis.url};`));
      expect(searchLine(local.output)).toMatch(/^search: 4 trials; best \{"layers":\d/);
      const tables = [remote, local].map(({ output }) => output.slice(output.indexOf('test (')));
      expect(tables[0]).toBe(tables[1].replaceAll('local.json', 'remote.json'));
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
    expect(worker.output()).toBe(`worker: running trials of the queue simdeep-search on ${redis.url}, 2 at a time\n`
      + 'worker: SIGTERM: stopping after the trials it is running (again to stop at once)\nworker: stopped\n');
  }, 60_000);
});

describe('simdeep worker', () => {
  it('stops on SIGINT', async () => {
    const worker = startProcess(cli, ['worker', '--redis', redis.url, '--queue', 'other']);
    await until(() => worker.output().includes('running trials'), 10_000, 'the worker starts');
    await new Promise((resolve) => setTimeout(resolve, 300));
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('worker: SIGINT: stopping after the trials it is running (again to stop at once)\nworker: stopped\n');
  }, 20_000);

  it('fails in under 5 s naming a server it cannot reach, and rejects a URL that is not redis://', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const began = performance.now();
    const unreachable = await simdeep('worker', '--redis', url);
    expect(performance.now() - began).toBeLessThan(5000);
    expect(unreachable.status).toBe(1);
    expect(unreachable.output).toContain(`simdeep: runWorker: cannot reach the Redis server at ${url} within 3 s`);
    const bad = await simdeep('worker', '--redis', 'localhost:6379');
    expect(bad.status).toBe(1);
    expect(bad.output).toContain("option '--redis <url>' argument 'localhost:6379' is invalid. must be a redis:// URL, got localhost:6379");
  }, 20_000);
});
