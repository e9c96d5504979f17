// Queue workers as processes against a real redis-server (src/search/queue-worker.ts): a worker killed with SIGKILL
// mid-trial loses nothing (its trial runs again on the other worker, and counts once); a Redis server restarted
// during a search, with its data, pauses the search, which then completes; restarted without its data, the search
// rejects with a clear error instead of waiting for ever. Rung scores in Redis count a trial run twice once.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniform } from '../../src/search/distributions';
import { queue } from '../../src/search/queue';
import { connectRedis, redisRungs } from '../../src/search/redis';
import { randomSearch, type Trial } from '../../src/search/search';
import { startRedis, type RedisServer } from './redis-server';
import { bundleScript, startProcess, until, type Started } from './worker-process';

const objective = { module: new URL('./fixtures/queue-objective.mjs', import.meta.url), export: 'logged' };
const withoutTimes = (trials: readonly Trial<unknown>[]): Omit<Trial<unknown>, 'seconds'>[] => trials.map(({ seconds: _, ...rest }) => rest);
const logFile = join(tmpdir(), `simdeep-queue-worker-${process.pid}.log`);
const logLines = (): string[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : []);

let bundle: { script: string; remove: () => void };
beforeAll(async () => {
  bundle = await bundleScript('tests/search/fixtures/queue-worker-process.mjs', 'queue-worker-process');
}, 60_000);
afterAll(() => {
  bundle.remove();
  rmSync(logFile, { force: true });
});

/** Starts `count` worker processes on the server, and stops them (SIGTERM) after `body`. */
async function withWorkers(redis: RedisServer, count: number, body: (workers: Started[]) => Promise<void>): Promise<void> {
  const workers = Array.from({ length: count }, () => startProcess(bundle.script, [redis.url]));
  try {
    await body(workers);
  } finally {
    for (const worker of workers) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => worker.exited));
  }
}

describe('a worker killed mid-trial (SIGKILL)', () => {
  let redis: RedisServer;
  beforeAll(async () => void (redis = await startRedis()), 20_000);
  afterAll(() => redis.stop());

  it('loses nothing: its trial runs again on the other worker, and the search counts it once', async () => {
    rmSync(logFile, { force: true });
    const options = { space: { x: uniform(-2, 2), log: logFile, wait: 400 }, trials: 6, seed: 4, progress: false, objective } as const;
    await withWorkers(redis, 2, async ([victim, survivor]) => {
      const ended: number[] = [];
      const search = randomSearch({ ...options, executor: queue({ connection: redis.url }), onTrialEnd: (t) => void ended.push(t.index) });
      // The victim's first trial: kill it while the trial runs.
      const pid = victim.child.pid!;
      await until(() => logLines().some((line) => line.endsWith(` ${pid}`)), 10_000, 'the victim starts a trial');
      const killed = Number(logLines().find((line) => line.endsWith(` ${pid}`))!.split(' ')[1]);
      victim.child.kill('SIGKILL');
      const result = await search;
      expect(result.trials.map((t) => t.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(result.trials.every((t) => t.status === 'ok')).toBe(true);
      expect(ended.sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const lines = logLines();
      expect(lines.filter((line) => line.startsWith(`start ${killed} `))).toEqual([`start ${killed} ${pid}`, `start ${killed} ${survivor.child.pid}`]);
      for (let trial = 0; trial < 6; trial++) {
        expect(lines.filter((line) => line === `end ${trial}`)).toHaveLength(1);
        if (trial !== killed) expect(lines.filter((line) => line.startsWith(`start ${trial} `))).toHaveLength(1);
      }
      const local = await randomSearch(options);
      expect(withoutTimes(result.trials)).toEqual(withoutTimes(local.trials));
    });
  }, 40_000);
});

describe('a Redis server restarted during a search', () => {
  it('with its data (append-only file): the workers and the search reconnect, and the search completes', async () => {
    const redis = await startRedis({ persistence: true });
    rmSync(logFile, { force: true });
    const options = { space: { x: uniform(-2, 2), log: logFile, wait: 150 }, trials: 8, seed: 6, progress: false, objective } as const;
    try {
      await withWorkers(redis, 1, async () => {
        const search = randomSearch({ ...options, executor: queue({ connection: redis.url }) });
        await until(() => logLines().filter((line) => line.startsWith('end')).length >= 2, 10_000, 'two trials end');
        await redis.restart();
        const result = await search;
        expect(result.trials.map((t) => t.index).sort()).toEqual([...Array(8).keys()]);
        const local = await randomSearch(options);
        expect(withoutTimes(result.trials)).toEqual(withoutTimes(local.trials));
      });
    } finally {
      await redis.stop();
    }
  }, 40_000);

  it('without its data: the search rejects, saying the jobs are gone', async () => {
    const redis = await startRedis();
    rmSync(logFile, { force: true });
    try {
      await withWorkers(redis, 1, async () => {
        const search = randomSearch({ space: { x: uniform(-2, 2), log: logFile, wait: 150 }, trials: 8, seed: 6, progress: false, objective,
          executor: queue({ connection: redis.url }) });
        search.catch(() => undefined);
        await until(() => logLines().some((line) => line.startsWith('end')), 10_000, 'a trial ends');
        await redis.restart();
        await expect(search).rejects.toThrow(/^randomSearch: the job of trial \d+ is no longer on simdeep-search on redis:\/\/127\.0\.0\.1:\d+: was the Redis server restarted without its data \(persistence off\)\?$/);
      });
    } finally {
      await redis.stop();
    }
  }, 40_000);
});

describe('rung scores in Redis', () => {
  it('keep one score per trial at each rung, shared by every client', async () => {
    const redis = await startRedis();
    const [a, b] = await Promise.all([connectRedis(redis.url, 'test'), connectRedis(redis.url, 'test')]);
    try {
      const [rungsA, rungsB] = [redisRungs(a, 'study'), redisRungs(b, 'study')];
      expect(await rungsA.record(0, 1, 3, 0.5)).toEqual([0.5]);
      expect((await rungsB.record(0, 1, 4, 0.25)).sort()).toEqual([0.25, 0.5]);
      expect((await rungsB.record(0, 1, 3, 0.75)).sort()).toEqual([0.25, 0.75]); // trial 3 run again replaces its score
      expect(await rungsA.record(1, 1, 3, 1 / 3)).toEqual([1 / 3]); // another bracket, another rung
      expect(await redisRungs(a, 'other').record(0, 1, 3, 2)).toEqual([2]); // another study
    } finally {
      await Promise.all([a.quit(), b.quit()]);
      await redis.stop();
    }
  });
});
