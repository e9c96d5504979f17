// Stopping local searches with `signal` (src/search/run.ts): one by one or in worker threads, no trial starts after
// the signal aborts, and the search rejects with its reason at once; a signal aborted before the search starts
// runs nothing. (Queue searches: tests/search/queue.test.ts.)
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniform } from '../../src/search/distributions';
import { randomSearch } from '../../src/search/search';

const objective = { module: new URL('./fixtures/queue-objective.mjs', import.meta.url), export: 'logged' };
const logFile = join(tmpdir(), `simdeep-signal-${process.pid}.log`);
const starts = (): number => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter((l) => l.startsWith('start')).length : 0);

describe('a local search stopped by its signal', () => {
  it.each([false, 2] as const)('starts no trial after it and rejects with its reason (parallel: %s)', async (parallel) => {
    rmSync(logFile, { force: true });
    const stop = new AbortController();
    const began = performance.now();
    const search = randomSearch({ space: { x: uniform(-2, 2), log: logFile, wait: 200 }, trials: 10, seed: 1, progress: false, parallel, objective, signal: stop.signal,
      onTrialEnd: () => stop.abort(new Error('enough')) });
    await expect(search).rejects.toThrow('enough');
    const started = starts();
    expect(started).toBe(parallel === false ? 1 : 2); // the first trial, or the first one on each thread
    expect(performance.now() - began).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(starts()).toBe(started);
    rmSync(logFile, { force: true });
  });

  it('runs nothing when the signal aborted before', async () => {
    rmSync(logFile, { force: true });
    const search = randomSearch({ space: { x: uniform(-2, 2), log: logFile }, trials: 3, seed: 1, progress: false, objective, signal: AbortSignal.abort() });
    await expect(search).rejects.toThrow('This operation was aborted');
    expect(starts()).toBe(0);
  });

  it('rejects a signal that is not an AbortSignal', async () => {
    await expect(randomSearch({ space: { x: uniform(-2, 2) }, trials: 3, objective: ({ x }) => x, signal: 'stop' as never })).rejects.toThrow(
      new TypeError('randomSearch: signal must be an AbortSignal, got "stop"'));
  });
});
