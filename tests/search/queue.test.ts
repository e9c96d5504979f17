// Searches on a BullMQ queue against a real redis-server (src/search/queue.ts): the same trials, scores and
// failures as a local run with the same seed; each trial reported once as it finishes; stopping (signal) removes the
// waiting jobs, and running the same search again resumes it without running finished trials again; a server that
// cannot be reached rejects in under 5 s naming it; bad options are named. The workers run in this process here
// (runWorker); tests/search/queue-worker.test.ts runs them as processes.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniform } from '../../src/search/distributions';
import { asha, hyperband } from '../../src/search/pruners';
import { queue } from '../../src/search/queue';
import { runWorker } from '../../src/search/queue-worker';
import { connectRedis } from '../../src/search/redis';
import { gridSearch, randomSearch, type Objective, type Trial } from '../../src/search/search';
import { freePort, startRedis, type RedisServer } from './redis-server';

const fixture = new URL('./fixtures/objective.mjs', import.meta.url);
const queueFixture = new URL('./fixtures/queue-objective.mjs', import.meta.url);
const { objective } = (await import(/* @vite-ignore */ fixture.href)) as { objective: Objective<{ x: number; y: number }> };
const withoutTimes = (trials: readonly Trial<unknown>[]): Omit<Trial<unknown>, 'seconds'>[] => trials.map(({ seconds: _, ...rest }) => rest);
const logFile = join(tmpdir(), `simdeep-queue-${process.pid}.log`);
const starts = (): number[] => readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('start')).map((l) => Number(l.split(' ')[1]));

let redis: RedisServer;
const stopWorkers = new AbortController();
let workers: Promise<void>[] = [];
beforeAll(async () => {
  redis = await startRedis();
  workers = [runWorker({ connection: redis.url, concurrency: 2, signal: stopWorkers.signal }),
    runWorker({ connection: redis.url, name: 'grid', signal: stopWorkers.signal }),
    runWorker({ connection: redis.url, name: 'pruned', signal: stopWorkers.signal })];
}, 20_000);
afterAll(async () => {
  stopWorkers.abort();
  await Promise.all(workers);
  await redis.stop();
  rmSync(logFile, { force: true });
}, 20_000);

describe('a search on the queue', () => {
  it('gives the trials, scores, failures and order of a local run with the same seed', async () => {
    const options = { space: { x: uniform(-5, 5), y: uniform(-5, 5) }, trials: 30, seed: 5, progress: false } as const;
    const local = await randomSearch({ ...options, objective });
    const ended: number[] = [];
    const remote = await randomSearch({ ...options, objective: { module: fixture }, executor: queue({ connection: redis.url }),
      onTrialEnd: (trial, best) => {
        ended.push(trial.index);
        expect(best === undefined || best.status === 'ok').toBe(true);
      } });
    expect(local.trials.filter((t) => t.status === 'failed').length).toBeGreaterThan(2);
    expect(withoutTimes(remote.trials)).toEqual(withoutTimes(local.trials));
    expect(remote.best?.index).toBe(local.best?.index);
    expect(remote.seed).toBe(5);
    expect([...ended].sort((a, b) => a - b)).toEqual([...Array(30).keys()]); // each once
  }, 30_000);

  it('grid searches on a named queue as locally', async () => {
    const options = { space: { x: [-4.5, 0, 1, 3.5], y: [-2, 0, 4.5] }, seed: 3, progress: false } as const;
    const local = await gridSearch({ ...options, objective });
    const remote = await gridSearch({ ...options, objective: { module: fixture }, executor: queue({ connection: redis.url, name: 'grid' }) });
    expect(withoutTimes(remote.trials)).toEqual(withoutTimes(local.trials));
  }, 30_000);

  it('keeps the scores a trial reports', async () => {
    const options = { space: { x: [3, 1, 2] }, seed: 1, progress: false, objective: { module: queueFixture, export: 'reports' } } as const;
    const remote = await gridSearch({ ...options, executor: queue({ connection: redis.url }) });
    expect(remote.trials.map((t) => [t.params.x, t.reports])).toEqual([1, 2, 3].map((x) => [x, [1, 2, 3].map((step) => ({ step, score: x * step }))]));
    expect(withoutTimes(remote.trials)).toEqual(withoutTimes((await gridSearch(options)).trials));
  }, 30_000);

  it('prunes as a local run does, the rung scores kept in Redis (one worker takes the trials in order)', async () => {
    const options = { space: { x: [3, 1, 2, 4, 0.5, 5] }, seed: 1, progress: false, objective: { module: queueFixture, export: 'reports' } } as const;
    for (const pruner of [asha({ maxResource: 3 }), hyperband({ maxResource: 3 })]) {
      const local = await gridSearch({ ...options, pruner });
      const remote = await gridSearch({ ...options, pruner, executor: queue({ connection: redis.url, name: 'pruned' }) });
      expect(withoutTimes(remote.trials)).toEqual(withoutTimes(local.trials));
      if (pruner.kind === 'asha') {
        // Rung 1 (step 1) in order: 3 and 1 are each the best so far; 2, 4 and 5 are not in the best third; 0.5 is.
        expect(remote.trials.map((t) => [t.params.x, t.status])).toEqual([[0.5, 'ok'], [1, 'ok'], [3, 'ok'], [2, 'pruned'], [4, 'pruned'], [5, 'pruned']]);
      }
    }
  }, 30_000);

  it('fails a trial whose objective throws alone, with its error', async () => {
    rmSync(logFile, { force: true });
    const result = await gridSearch({ space: { x: [0, 5, 1.5], log: logFile }, seed: 2, progress: false,
      objective: { module: queueFixture, export: 'logged' }, executor: queue({ connection: redis.url }) });
    expect(result.trials.map((t) => [t.index, t.status, t.error])).toEqual([[2, 'ok', undefined], [0, 'ok', undefined], [1, 'failed', 'x 5 is out of range']]);
    expect(starts().sort()).toEqual([0, 1, 2]);
  }, 30_000);

  it('stops on its signal, removing its waiting jobs, and resumes without running finished trials again', async () => {
    rmSync(logFile, { force: true });
    const options = { space: { x: uniform(-2, 2), log: logFile, wait: 100 }, trials: 12, seed: 9, progress: false,
      objective: { module: queueFixture, export: 'logged' } } as const;
    const stop = new AbortController();
    const first = randomSearch({ ...options, executor: queue({ connection: redis.url }), signal: stop.signal,
      onTrialEnd: (_, __) => void (starts().length >= 4 && stop.abort(new Error('stopped here'))) });
    await expect(first).rejects.toThrow('stopped here');
    await new Promise((resolve) => setTimeout(resolve, 400)); // trials running when it stopped finish on the workers
    const before = starts();
    expect(before.length).toBeLessThan(12); // the waiting jobs were removed
    const ended: number[] = [];
    const resumed = await randomSearch({ ...options, executor: queue({ connection: redis.url }), onTrialEnd: (t) => void ended.push(t.index) });
    const after = starts();
    expect(after.slice(0, before.length)).toEqual(before);
    expect([...after].sort((a, b) => a - b)).toEqual([...Array(12).keys()]); // every trial ran once over both runs
    expect(ended.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    const local = await randomSearch(options);
    expect(withoutTimes(resumed.trials)).toEqual(withoutTimes(local.trials));
    // Run again: every trial is read back, none runs.
    const again = await randomSearch({ ...options, executor: queue({ connection: redis.url }) });
    expect(withoutTimes(again.trials)).toEqual(withoutTimes(resumed.trials));
    expect(starts().length).toBe(12 + 12); // the local run's 12
  }, 30_000);
});

describe('errors', () => {
  it('a module without the objective rejects the search, which leaves no job waiting', async () => {
    const search = randomSearch({ space: { x: uniform(0, 1) }, trials: 40, seed: 1, progress: false, objective: { module: fixture, export: 'missing' },
      executor: queue({ connection: redis.url, name: 'missing' }) });
    const missing = runWorker({ connection: redis.url, name: 'missing', signal: stopWorkers.signal });
    await expect(search).rejects.toThrow(new RegExp(`^randomSearch: trial \\d+ failed on missing on ${redis.url}: runWorker: objective.module ${fixture.href} has no function export "missing" \\(it exports: exitsOnTrial2, objective, threadId\\)$`));
    const client = await connectRedis(redis.url, 'test');
    const left = new Queue('missing', { connection: client as never });
    expect(await left.getWaitingCount()).toBe(0);
    await left.close();
    await client.quit();
    workers.push(missing);
  }, 20_000);

  it('an unreachable server rejects in under 5 s, naming it', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const began = performance.now();
    const search = randomSearch({ space: { x: uniform(0, 1) }, trials: 2, seed: 1, progress: false, objective: { module: fixture }, executor: queue({ connection: url }) });
    await expect(search).rejects.toThrow(`randomSearch: cannot reach the Redis server at ${url} within 3 s`);
    await expect(runWorker({ connection: url, connectTimeout: 1000 })).rejects.toThrow(`runWorker: cannot reach the Redis server at ${url} within 1 s`);
    expect(performance.now() - began).toBeLessThan(5000 + 1000);
  }, 10_000);

  it('a function objective, and bad options, are rejected before any work', async () => {
    const executor = queue({ connection: 'redis://127.0.0.1:1' });
    await expect(randomSearch({ space: { x: uniform(0, 1) }, trials: 2, objective: ({ x }) => x, executor })).rejects.toThrow(
      new TypeError('randomSearch: a search on the queue simdeep-search on redis://127.0.0.1:1 needs objective as { module, export }: functions cannot be sent to queue workers'));
    await expect(randomSearch({ space: { x: uniform(0, 1) }, trials: 2, objective: { module: fixture }, executor, parallel: 2 })).rejects.toThrow(
      new TypeError('randomSearch: parallel and executor cannot be given together: the executor decides where trials run'));
    await expect(gridSearch({ space: { f: [() => 1] }, objective: { module: fixture }, executor })).rejects.toThrow(
      'gridSearch: space.f gives a function, which JSON cannot carry to a queue worker');
    expect(() => queue({ connection: 'http://x' })).toThrow(new RangeError('queue: connection must be a redis:// or rediss:// URL, got "http://x"'));
    expect(() => queue({ connection: redis.url, name: 'a:b' })).toThrow(new RangeError('queue: name must be a non-empty string without \':\', got "a:b"'));
    await expect(runWorker({ connection: redis.url, concurrency: 0 })).rejects.toThrow(RangeError);
  });
});
