// Pruners (src/search/pruners.ts) against hand-worked rung tables: where the rungs are, which reports go on at a rung
// (the best ⌊n/η⌋ of the n scores recorded there, the best one while n < η), Hyperband's brackets and budgets, and
// searches that use them: serial runs repeat their decisions, pruned trials are never best, and ASHA trains fewer
// steps than a full search.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uniform } from '../../src/search/distributions';
import { asha, bracketBudgets, hyperband, memoryRungs, prunerFromJSON, type Pruner } from '../../src/search/pruners';
import { gridSearch, randomSearch, type Objective } from '../../src/search/search';

const fixture = new URL('./fixtures/steps.mjs', import.meta.url);
const { steps } = (await import(/* @vite-ignore */ fixture.href)) as { steps: Objective<{ x: number }> };

/** The decisions of `pruner` for reports [trial, step, score] in order, on one fresh rung store. */
async function decisions(pruner: Pruner, reports: [number, number, number][], direction: 'minimize' | 'maximize' = 'minimize'): Promise<boolean[]> {
  const rungs = memoryRungs();
  const out: boolean[] = [];
  for (const [trial, step, score] of reports) out.push(await pruner.decide(trial, step, score, direction, rungs));
  return out;
}

// Seven trials reporting at step 1 (rung 0). With η = 3, n scores keep the best ⌊n/3⌋ (at least 1):
//   trial  score   n  keep  scores so far, sorted ascending           minimize         maximize
//   0      0.5     1  1     .5                                        go (best)        go (best)
//   1      0.7     2  1     .5 .7                                     prune            go (.7 best)
//   2      0.3     3  1     .3 .5 .7                                  go               prune
//   3      0.4     4  1     .3 .4 .5 .7                               prune            prune
//   4      0.35    5  1     .3 .35 .4 .5 .7                           prune            prune
//   5      0.45    6  2     .3 .35 .4 .45 .5 .7                       prune (> .35)    prune (< .5)
//   6      0.32    7  2     .3 .32 .35 .4 .45 .5 .7                   go (≤ .32)       prune
const RUNG_0: [number, number, number][] = [[0, 1, 0.5], [1, 1, 0.7], [2, 1, 0.3], [3, 1, 0.4], [4, 1, 0.35], [5, 1, 0.45], [6, 1, 0.32]];

describe('asha', () => {
  it('puts rungs at minResource·η^(k + s) below maxResource', () => {
    expect(asha({ maxResource: 30 }).rungSteps(0)).toEqual([1, 3, 9, 27]);
    expect(asha({ maxResource: 27 }).rungSteps(5)).toEqual([1, 3, 9]);
    expect(asha({ minResource: 2, maxResource: 100, reductionFactor: 2, minEarlyStoppingRate: 1 }).rungSteps(0)).toEqual([4, 8, 16, 32, 64]);
  });

  it('keeps the best ⌊n/η⌋ of a rung (the best one while n < η), minimizing and maximizing', async () => {
    const pruner = asha({ maxResource: 30 });
    expect(await decisions(pruner, RUNG_0)).toEqual([true, false, true, false, false, false, true]);
    expect(await decisions(pruner, RUNG_0, 'maximize')).toEqual([true, true, false, false, false, false, false]);
  });

  it('judges each rung apart, goes on at other steps and from maxResource on, and prunes scores that are not finite', async () => {
    const pruner = asha({ maxResource: 30 });
    // Trial 1 is worse at step 1 (pruned), but steps 2 and 4 are not rungs; at step 3 (rung 1) it is alone, so best.
    expect(await decisions(pruner, [[0, 1, 0.1], [1, 1, 0.9], [1, 2, 5], [1, 3, 0.9], [1, 4, 99], [0, 3, 0.5], [2, 3, 0.7], [2, 30, 99], [2, 31, 99]]))
      .toEqual([true, false, true, true, true, true, false, true, true]);
    expect(await decisions(pruner, [[0, 1, NaN], [1, 1, Infinity]])).toEqual([false, false]);
    // With minEarlyStoppingRate 1 the first rung is step 3.
    expect(await decisions(asha({ maxResource: 30, minEarlyStoppingRate: 1 }), [[0, 1, 0.1], [1, 1, 0.9], [0, 3, 0.1], [1, 3, 0.9]]))
      .toEqual([true, true, true, false]);
  });

  it('counts a trial reported twice at a rung once (its last score)', async () => {
    // η = 2. Trial 1 is reported twice (a trial run again): n stays 2, so trial 2 meets n = 3, keep 1, and is pruned.
    // Counted twice it would meet n = 4, keep 2 (.1 .3 .5 .5), and go on.
    const pruner = asha({ maxResource: 10, reductionFactor: 2 });
    expect(await decisions(pruner, [[0, 1, 0.1], [1, 1, 0.5], [1, 1, 0.5], [2, 1, 0.3]])).toEqual([true, false, false, false]);
  });

  it('rejects bad and unknown options, naming them', () => {
    const bad = (options: unknown): (() => unknown) => () => asha(options as never);
    expect(bad({ maxResource: 10, reductionFactor: 1 })).toThrow(new RangeError('asha: reductionFactor must be an integer ≥ 2, got 1'));
    expect(bad({ maxResource: 10, reductionFactor: 2.5 })).toThrow(new RangeError('asha: reductionFactor must be an integer ≥ 2, got 2.5'));
    expect(bad({ maxResource: 10, minResource: 0 })).toThrow(new RangeError('asha: minResource must be an integer ≥ 1, got 0'));
    expect(bad({ maxResource: 3, minResource: 3 })).toThrow(new RangeError('asha: maxResource must be an integer ≥ 4, got 3'));
    expect(bad({ maxResource: '9' })).toThrow(new TypeError('asha: maxResource must be an integer ≥ 2, got "9"'));
    expect(bad({})).toThrow(new TypeError('asha: maxResource (the steps, such as epochs, a trial runs in full) is required'));
    expect(bad(undefined)).toThrow(TypeError);
    expect(bad({ maxResource: 10, minEarlyStoppingRate: -1 })).toThrow(new RangeError('asha: minEarlyStoppingRate must be an integer ≥ 0, got -1'));
    expect(bad({ maxResource: 9, minEarlyStoppingRate: 2 })).toThrow(/^asha: the first rung, step minResource·reductionFactor\^minEarlyStoppingRate = 9, must be below maxResource 9/);
    expect(bad({ maxResource: 10, eta: 3 })).toThrow(new RangeError('asha: unknown option "eta" in options (expected minResource, maxResource, reductionFactor, minEarlyStoppingRate)'));
    expect(() => hyperband({ maxResource: 10, minEarlyStoppingRate: 1 } as never)).toThrow(/^hyperband: unknown option "minEarlyStoppingRate"/);
    expect(() => prunerFromJSON({ type: 'median' })).toThrow(new TypeError("prunerFromJSON: no pruner of type \"median\" (expected 'asha' or 'hyperband')"));
  });
});

describe('hyperband', () => {
  it('has ⌊log_η(max/min)⌋ + 1 brackets with budgets ⌈n·η^s/(s + 1)⌉, as the Hyperband paper allots trials', () => {
    // The paper's Table 1 (R = 81, η = 3): 81, 34, 15, 8 and 5 configurations in brackets s = 4 … 0.
    expect(bracketBudgets(5, 3)).toEqual([81, 34, 15, 8, 5]);
    expect(bracketBudgets(4, 3)).toEqual([27, 12, 6, 4]);
    const bracketsOf = (pruner: ReturnType<typeof hyperband>): number => new Set(Array.from({ length: 500 }, (_, i) => pruner.bracket(i))).size;
    expect(bracketsOf(hyperband({ maxResource: 243 }))).toBe(6); // log3(243) = 5 exactly (in floating point, 4.999…)
    expect(bracketsOf(hyperband({ maxResource: 242 }))).toBe(5);
    expect(bracketsOf(hyperband({ minResource: 2, maxResource: 16, reductionFactor: 2 }))).toBe(4);
  });

  it('places trial i at frac(i·0.618…) among the budget shares, with each bracket its own rungs', () => {
    const pruner = hyperband({ maxResource: 27 });
    // Shares end at 27/49 = .551, 39/49 = .796, 45/49 = .918 and 1; frac(i·0.618034) for i = 0…9 is
    // 0, .618, .236, .854, .472, .090, .708, .326, .944, .562.
    expect(Array.from({ length: 10 }, (_, i) => pruner.bracket(i))).toEqual([0, 1, 0, 2, 0, 0, 1, 0, 3, 1]);
    expect([0, 1, 3, 8].map((trial) => pruner.rungSteps(trial))).toEqual([[1, 3, 9], [3, 9], [9], []]);
    // Over many trials the brackets' shares approach the budgets' 27:12:6:4.
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4900; i++) counts[pruner.bracket(i)]++;
    counts.forEach((count, b) => expect(Math.abs(count - [2700, 1200, 600, 400][b])).toBeLessThanOrEqual(5));
  });

  it('lets trials compete only within their bracket', async () => {
    const pruner = hyperband({ maxResource: 27 });
    // Trials 0 and 2 (bracket 0) meet at step 1; trial 1 (bracket 1) is judged first at step 3, trial 3 (bracket 2) at
    // step 9, trial 8 (bracket 3) never.
    const reports: [number, number, number][] = [[0, 1, 0.5], [1, 1, 0.9], [2, 1, 0.6], [1, 3, 0.9], [3, 3, 5], [3, 9, 0.1], [5, 3, 0.4], [0, 3, 0.45], [8, 9, 99]];
    expect(await decisions(pruner, reports)).toEqual([true, true, false, true, true, true, true, false, true]);
    expect(await decisions(pruner, reports, 'maximize')).toEqual([true, true, true, true, true, true, true, true, true]);
  });

  it('is rebuilt from its JSON into an equal pruner (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 2, max: 5 }),
      fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 30 }),
      async (minResource, extra, reductionFactor, reports) => {
        const pruner = hyperband({ minResource, maxResource: minResource + extra, reductionFactor });
        const copy = prunerFromJSON(JSON.parse(JSON.stringify(pruner)) as never);
        expect(copy.toJSON()).toEqual(pruner.toJSON());
        expect(await decisions(copy, reports)).toEqual(await decisions(pruner, reports));
      }), { numRuns: 60 });
  });
});

describe('searches with a pruner', () => {
  const space = { x: uniform(0, 1) };
  const totalSteps = (trials: readonly { reports: readonly unknown[] }[]): number => trials.reduce((sum, t) => sum + t.reports.length, 0);

  it('repeat their decisions for a seed, keep pruned trials out of best, and train fewer steps than without', async () => {
    const options = { space, trials: 30, seed: 11, progress: false, objective: steps } as const;
    const full = await randomSearch(options);
    const first = await randomSearch({ ...options, pruner: asha({ maxResource: 27 }) });
    const again = await randomSearch({ ...options, pruner: asha({ maxResource: 27 }) });
    const strip = (r: typeof first): unknown => r.trials.map(({ seconds: _, ...t }) => t);
    expect(strip(again)).toEqual(strip(first));
    expect(totalSteps(full.trials)).toBe(30 * 27);
    expect(totalSteps(first.trials)).toBeLessThan(0.4 * 30 * 27);
    expect(first.trials.some((t) => t.status === 'pruned')).toBe(true);
    expect(first.best?.status).toBe('ok');
    expect(first.best?.params).toEqual(full.best?.params); // the smallest x is never pruned: x + 1/step ranks as x does
    // A pruned trial with a better (shorter-trained) score than every finished one is still not the best.
    const lucky = await gridSearch({ space: { x: [0.5, 0.4, 0.9] }, seed: 1, progress: false, pruner: asha({ maxResource: 27 }),
      objective: async ({ x }, { trial, report }) => ((await report(1, x)) ? x : trial === 2 ? -1 : x) });
    expect(lucky.trials.map((t) => [t.params.x, t.status])).toEqual([[0.4, 'ok'], [0.5, 'ok'], [0.9, 'pruned']]);
    expect(lucky.trials[2].score).toBe(-1);
    expect(lucky.best?.params.x).toBe(0.4);
  });

  it('prune in parallel runs too (a module objective on worker threads)', async () => {
    const result = await randomSearch({ space, trials: 12, seed: 3, progress: false, parallel: 2, objective: { module: fixture, export: 'steps' },
      pruner: hyperband({ maxResource: 27 }) });
    expect(result.trials.length).toBe(12);
    expect(result.trials.some((t) => t.status === 'pruned')).toBe(true);
    expect(totalSteps(result.trials)).toBeLessThan(12 * 27);
    expect(result.best?.status).toBe('ok');
    for (const t of result.trials) expect(t.status === 'pruned' ? t.reports.length < 27 : t.reports.length === 27).toBe(true);
  });

  it('reject a pruner that is not one', async () => {
    await expect(randomSearch({ space, trials: 1, seed: 1, objective: steps, pruner: {} as never }))
      .rejects.toThrow(new TypeError('randomSearch: pruner must be a pruner such as asha({ maxResource }) or hyperband({ maxResource }), got an Object'));
  });
});
