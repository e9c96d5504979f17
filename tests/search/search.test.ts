// randomSearch and gridSearch run one trial at a time (src/search/search.ts, run.ts, space.ts, trial.ts): a seed
// repeats a search, the best region of a quadratic is found, trials come back best first and failed last, a failing
// trial does not stop the search, grids enumerate their full product, and bad spaces or options throw before any
// trial runs, naming the parameter.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { choice, int, logUniform, uniform } from '../../src/search/distributions';
import { gridSearch, randomSearch, type Trial } from '../../src/search/search';

const quadratic = ({ x, y }: { x: number; y: number }): number => (x - 1) ** 2 + (y + 2) ** 2;
const space = { x: uniform(-5, 5), y: uniform(-5, 5) };
const withoutTimes = (trials: readonly Trial<unknown>[]): Omit<Trial<unknown>, 'seconds'>[] => trials.map(({ seconds: _, ...rest }) => rest);

describe('randomSearch', () => {
  it('finds the region of the minimum of a quadratic', async () => {
    const { best, trials } = await randomSearch({ space, trials: 300, seed: 7, objective: quadratic, progress: false });
    expect(trials).toHaveLength(300);
    expect(best).toBe(trials[0]);
    expect(best!.status).toBe('ok');
    expect(Math.abs(best!.params.x - 1)).toBeLessThan(0.5);
    expect(Math.abs(best!.params.y + 2)).toBeLessThan(0.5);
    expect(best!.score).toBe(quadratic(best!.params));
  });

  it('repeats itself for the same seed, and differs for another', async () => {
    const run = (seed: number) => randomSearch({ space: { ...space, n: int(1, 9), a: choice(['p', 'q']), fixed: 'c' }, trials: 20, seed, objective: quadratic, progress: false });
    const [a, b, c] = await Promise.all([run(3), run(3), run(4)]);
    expect(withoutTimes(a.trials)).toEqual(withoutTimes(b.trials));
    expect(a.seed).toBe(3);
    expect(a.trials.map((t) => t.params)).not.toEqual(c.trials.map((t) => t.params));
    expect(a.trials.every((t) => t.params.fixed === 'c')).toBe(true);
  });

  it('keeps the first trials when more are asked for', async () => {
    const few = await randomSearch({ space, trials: 5, seed: 9, objective: quadratic, progress: false });
    const many = await randomSearch({ space, trials: 50, seed: 9, objective: quadratic, progress: false });
    const byIndex = (trials: readonly Trial<unknown>[]) => [...withoutTimes(trials)].sort((p, q) => p.index - q.index);
    expect(byIndex(many.trials).slice(0, 5)).toEqual(byIndex(few.trials));
  });

  it('passes each trial its index and its own seed, and reports a random search seed when none is given', async () => {
    const seen: [number, number][] = [];
    const result = await randomSearch({ space, trials: 10, objective: (_p, { trial, seed }) => (seen.push([trial, seed]), 0), progress: false });
    expect(seen.map(([trial]) => trial)).toEqual([...Array(10).keys()]);
    expect(new Set(seen.map(([, seed]) => seed)).size).toBe(10);
    expect(result.trials.map((t) => t.seed)).toEqual(seen.map(([, seed]) => seed));
    const again = await randomSearch({ space, trials: 10, seed: result.seed, objective: () => 0, progress: false });
    expect(again.trials.map((t) => [t.params, t.seed])).toEqual(result.trials.map((t) => [t.params, t.seed]));
  });

  it('sorts best first: ascending scores when minimizing, descending when maximizing, ties by index', async () => {
    const objective = ({ x }: { x: number }) => Math.round(x); // many ties
    const low = await randomSearch({ space, trials: 40, seed: 1, objective, progress: false });
    const high = await randomSearch({ space, trials: 40, seed: 1, objective, direction: 'maximize', progress: false });
    for (const [result, sign] of [[low, 1], [high, -1]] as const) {
      result.trials.slice(1).forEach((t, i) => {
        const previous = result.trials[i];
        expect(sign * (t.score - previous.score)).toBeGreaterThanOrEqual(0);
        if (t.score === previous.score) expect(t.index).toBeGreaterThan(previous.index);
      });
    }
    expect(low.best!.score).toBe(-5);
    expect(high.best!.score).toBe(5);
  });

  it('records a throwing objective or a non-finite score as a failed trial and goes on', async () => {
    const calls: number[] = [];
    const ends: [number, number | undefined][] = [];
    const result = await randomSearch({
      space: { x: uniform(-5, 5) }, trials: 30, seed: 2, progress: false,
      objective: async ({ x }, { trial }) => {
        calls.push(trial);
        if (x > 3) throw new Error(`x ${x} is too large`);
        if (x < -3) return x < -4 ? NaN : Infinity;
        return x * x;
      },
      onTrialEnd: (trial, best) => void ends.push([trial.index, best?.index]),
    });
    expect(calls).toEqual([...Array(30).keys()]);
    const failed = result.trials.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(3);
    expect(result.trials.slice(-failed.length)).toEqual(failed); // failed last
    expect(failed.map((t) => t.index)).toEqual([...failed.map((t) => t.index)].sort((a, b) => a - b));
    for (const t of failed) {
      expect(t.score).toBeNaN();
      const x = t.params.x;
      expect(t.error).toBe(x > 3 ? `x ${x} is too large` : `the objective returned ${x < -4 ? 'NaN' : 'Infinity'}, not a finite number`);
    }
    const ok = result.trials.filter((t) => t.status === 'ok');
    expect(ok.every((t) => t.error === undefined && t.score === t.params.x ** 2)).toBe(true);
    expect(result.best).toBe(ok[0]);
    // onTrialEnd saw every trial in order, each with the best of the trials so far.
    expect(ends.map(([index]) => index)).toEqual([...Array(30).keys()]);
    const byIndex = [...result.trials].sort((a, b) => a.index - b.index);
    ends.forEach(([index, bestIndex]) => {
      const soFar = byIndex.slice(0, index + 1).filter((t) => t.status === 'ok').sort((a, b) => a.score - b.score || a.index - b.index);
      expect(bestIndex).toBe(soFar[0]?.index);
    });
  });

  it.each([
    [undefined, 'undefined'], [null, 'null'], ['0.5', 'a string'], [{ loss: 1 }, 'an object'], [true, 'a boolean'], [-Infinity, '-Infinity'],
  ])('fails a trial whose objective returns %o, saying what it returned', async (value, shown) => {
    const result = await randomSearch({ space, trials: 1, seed: 1, progress: false, objective: () => value as number });
    expect(result.trials[0].error).toBe(`the objective returned ${shown}, not a finite number`);
  });

  it('reports no best when every trial fails, with each message', async () => {
    const result = await randomSearch({ space, trials: 3, seed: 1, progress: false, objective: () => { throw 'plain string'; } });
    expect(result.best).toBeUndefined();
    expect(result.trials.map((t) => [t.status, t.error])).toEqual(Array(3).fill(['failed', 'plain string']));
  });

  it('stops and rejects when onTrialEnd throws', async () => {
    const objective = vi.fn(() => 1);
    await expect(randomSearch({ space, trials: 10, seed: 1, objective, progress: false, onTrialEnd: (t) => { if (t.index === 2) throw new Error('enough'); } }))
      .rejects.toThrow('enough');
    expect(objective).toHaveBeenCalledTimes(3);
  });
});

describe('gridSearch', () => {
  it('tries every combination once, in nested-loop order, with constants and per-trial seeds', async () => {
    const result = await gridSearch({
      space: { units: [8, 16, 32], activation: choice(['relu', 'tanh']), epochs: 50, shape: [[2, 2]] },
      seed: 4, progress: false,
      objective: ({ units, activation }) => units + (activation === 'relu' ? 0 : 0.5),
    });
    const inOrder = [...result.trials].sort((a, b) => a.index - b.index).map((t) => t.params);
    expect(inOrder).toEqual([8, 16, 32].flatMap((units) => ['relu', 'tanh'].map((activation) => ({ units, activation, epochs: 50, shape: [2, 2] }))));
    expect(result.trials.map((t) => t.score)).toEqual([8, 8.5, 16, 16.5, 32, 32.5]);
    expect(new Set(result.trials.map((t) => t.seed)).size).toBe(6);
    expect(result.best!.params).toEqual({ units: 8, activation: 'relu', epochs: 50, shape: [2, 2] });
  });

  it('maximizes when asked, and runs an empty space once', async () => {
    const max = await gridSearch({ space: { a: [1, 3, 2] }, objective: ({ a }) => a, direction: 'maximize', progress: false });
    expect(max.trials.map((t) => t.params.a)).toEqual([3, 2, 1]);
    const single = await gridSearch({ space: {}, objective: () => 1, progress: false });
    expect(single.trials.map((t) => t.params)).toEqual([{}]);
  });
});

describe('bad spaces and options', () => {
  const objective = vi.fn(() => 0);
  afterEach(() => expect(objective).not.toHaveBeenCalled());

  it.each([
    ['randomSearch: space.learningRate: lo 0.1 > hi 0.01', { learningRate: uniform(0.1, 0.01) }],
    ['randomSearch: space.dropout: lo NaN is not a finite number', { dropout: uniform(NaN, 0.5) }],
    ['randomSearch: space.dropout: hi Infinity is not a finite number', { dropout: uniform(0, Infinity) }],
    ['randomSearch: space.learningRate: lo 0 must be > 0 (the scale is logarithmic)', { learningRate: logUniform(0, 0.1) }],
    ['randomSearch: space.learningRate: lo -1 must be > 0 (the scale is logarithmic)', { learningRate: logUniform(-1, 0.1) }],
    ['randomSearch: space.layers: lo 1.5 is not an integer', { layers: int(1.5, 3) }],
    ['randomSearch: space.layers: lo 3 > hi 1', { layers: int(3, 1) }],
    ['randomSearch: space.units: values must be a non-empty array, got []', { units: choice([]) }],
    ['randomSearch: space.units: values must be a non-empty array, got "abc"', { units: choice('abc' as unknown as string[]) }],
  ])('%s', async (message, badSpace) => {
    await expect(randomSearch({ space: { ok: uniform(0, 1), ...badSpace }, trials: 5, seed: 1, objective, progress: false })).rejects.toThrow(new RangeError(message));
  });

  it.each([
    ['gridSearch: space.learningRate is uniform, which has no list of values to try; give an array of values or choice([...])', { learningRate: uniform(0, 1) }],
    ['gridSearch: space.layers is int, which has no list of values to try; give an array of values or choice([...])', { layers: int(1, 3) }],
    ['gridSearch: space.units is an empty array; give at least one value', { units: [] }],
    ['gridSearch: space.units: values must be a non-empty array, got []', { units: choice([]) }],
  ])('%s', async (message, badSpace) => {
    await expect(gridSearch({ space: badSpace, objective, progress: false })).rejects.toThrow(new RangeError(message));
  });

  it('gridSearch rejects unknown option keys, and trials (random search only)', async () => {
    await expect(gridSearch({ space: { x: [1] }, objective, progress: false, directon: 'maximize' } as never)).rejects.toThrow(
      new RangeError('gridSearch: unknown option "directon" in options; did you mean "direction"? (expected space, objective, seed, parallel, direction, onTrialEnd, progress, pruner, executor, signal)'));
    await expect(gridSearch({ space: { x: [1] }, objective, progress: false, trials: 3 } as never)).rejects.toThrow('gridSearch: unknown option "trials" in options');
  });

  it.each([
    ['randomSearch: trials must be in [1, 10000000], got 0', { trials: 0 }, RangeError],
    ['randomSearch: trials must be an integer, got 2.5', { trials: 2.5 }, TypeError],
    ['randomSearch: seed must be in [0, 9007199254740991], got -1', { seed: -1 }, RangeError],
    [`randomSearch: direction must be 'minimize' or 'maximize', got "down"`, { direction: 'down' }, RangeError],
    ['randomSearch: parallel must be in [1, 1024], got 0', { parallel: 0 }, RangeError],
    ['randomSearch: a parallel search needs objective as { module, export }: functions cannot be sent to worker threads', { parallel: 2 }, TypeError],
    ['randomSearch: objective must be a function or { module, export }, got 42', { objective: 42 }, TypeError],
    ['randomSearch: objective.module must be a module path or URL, got ""', { objective: { module: '' } }, TypeError],
    ['randomSearch: objective.export must be a string, got 3', { objective: { module: 'x.mjs', export: 3 } }, TypeError],
    ['randomSearch: onTrialEnd must be a function, got "log"', { onTrialEnd: 'log' }, TypeError],
    ['randomSearch: progress must be true or false, got "yes"', { progress: 'yes' }, TypeError],
    ['randomSearch: space must be an object of hyperparameters, got null', { space: null }, TypeError],
    ['randomSearch: unknown option "trial" in options; did you mean "trials"? (expected space, trials, sampler, objective, seed, parallel, direction, onTrialEnd, progress, pruner, executor, signal)', { trial: 5 }, RangeError],
    ['randomSearch: unknown option "n_iter" in options (expected space, trials, sampler, objective, seed, parallel, direction, onTrialEnd, progress, pruner, executor, signal)', { n_iter: 5 }, RangeError],
    ['randomSearch: unknown option "onTrialEnds" in options; did you mean "onTrialEnd"? (expected space, trials, sampler, objective, seed, parallel, direction, onTrialEnd, progress, pruner, executor, signal)', { onTrialEnds: () => undefined }, RangeError],
    ['randomSearch: unknown option "exports" in objective; did you mean "export"? (expected module, export)', { objective: { module: 'x.mjs', exports: 'f' } }, RangeError],
  ])('%s', async (message, bad, type) => {
    const options = { space, trials: 5, seed: 1, objective, progress: false, ...bad } as Parameters<typeof randomSearch>[0];
    await expect(randomSearch(options)).rejects.toThrow(new type(message));
  });

  it('rejects values that cannot reach a worker before starting one', async () => {
    const options = { space: { callback: () => 1 }, trials: 2, seed: 1, parallel: 2, objective: { module: 'never-imported.mjs' }, progress: false };
    await expect(randomSearch(options)).rejects.toThrow(
      'randomSearch: space.callback gives a function, which cannot be sent to a worker thread; parallel runs need values structuredClone can copy (no functions)');
  });
});

describe('progress', () => {
  it('draws a cli-progress bar on stderr with the trial count and the best score when asked', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let text = '';
    try {
      await randomSearch({ space, trials: 4, seed: 7, objective: quadratic, progress: true });
      text = write.mock.calls.map(([chunk]) => String(chunk)).join('');
    } finally {
      write.mockRestore();
    }
    expect(text).toMatch(/search \|.*\| trial 0\/4 \| best - \| ETA/);
    expect(text).toMatch(/trial 4\/4 \| best \d+\.\d{3}/);
  });

  it('writes nothing when progress is false', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let calls = -1;
    try {
      await randomSearch({ space, trials: 4, seed: 7, objective: quadratic, progress: false });
      calls = write.mock.calls.length;
    } finally {
      write.mockRestore();
    }
    expect(calls).toBe(0);
  });
});
