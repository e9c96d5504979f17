// `simdeep train --search-strategy` (src/cli/searchStrategy.ts): asha and hyperband train the search's trials up to
// --epochs, stop the worse ones early on their validation loss, and say how many epochs the search trained.
import { describe, expect, it } from 'vitest';
import { choice } from '../../src/search/distributions';
import type { RungPruner } from '../../src/search/pruners';
import { strategySearch } from '../../src/cli/searchStrategy';
import { fixture, run, temporaryFiles } from './run';

const tmp = temporaryFiles();

describe('--search-strategy', () => {
  it('derives the rungs from --epochs: from epochs / 27, three rungs ×3 below it', () => {
    const space = { units: choice([8, 16]), epochs: 50 };
    expect(strategySearch('random', space, 200)).toEqual({ space });
    const ashaSearch = strategySearch('asha', space, 200);
    expect(ashaSearch.space).toEqual({ units: space.units, epochs: 200 });
    expect((ashaSearch.pruner as RungPruner).rungSteps(0)).toEqual([7, 21, 63, 189]);
    expect(ashaSearch.pruner?.toJSON()).toEqual({ type: 'asha', minResource: 7, maxResource: 200, reductionFactor: 3, minEarlyStoppingRate: 0 });
    const band = strategySearch('hyperband', space, 200).pruner as RungPruner;
    expect(new Set(Array.from({ length: 100 }, (_, i) => band.rungSteps(i)[0] ?? 'none'))).toEqual(new Set([7, 21, 63, 189]));
    expect((strategySearch('asha', space, 10).pruner as RungPruner).rungSteps(0)).toEqual([1, 3, 9]);
    expect(() => strategySearch('asha', space, 1)).toThrow(new RangeError('--search-strategy asha stops trials early, so it needs --epochs of 2 or more, got 1'));
  });

  it('asha: trains 9 trials of up to 27 epochs, stops some early, and trains the best', async () => {
    const { status, out } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('a.json'), '--search', '9', '--epochs', '27',
      '--search-strategy', 'asha', '--seed', '1', '--report', tmp('a.html'));
    expect(status).toBe(0);
    const [, stopped, epochs, best] = /search: 9 trials \(asha: (\d+) stopped early; (\d+) epochs trained\); best (\{.*\}) \(validation mse/.exec(out)!;
    expect(Number(stopped)).toBeGreaterThanOrEqual(3);
    expect(Number(epochs)).toBeLessThan(9 * 27 * 0.75);
    expect(JSON.parse(best).epochs).toBe(27);
    expect(out).toMatch(/saved .*a\.json/);
  });

  it('hyperband runs too, and a strategy that is not one is refused', async () => {
    const { status, out } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('h.json'), '--search', '4', '--epochs', '9',
      '--search-strategy', 'hyperband', '--seed', '2');
    expect(status).toBe(0);
    expect(out).toMatch(/search: 4 trials \(hyperband: \d+ stopped early; \d+ epochs trained\); best/);
    const bad = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('x.json'), '--search', '2', '--search-strategy', 'bohb');
    expect(bad.status).toBe(1);
    expect(bad.err).toContain("option '--search-strategy <name>' argument 'bohb' is invalid. Allowed choices are random, asha, hyperband.");
  });
});
