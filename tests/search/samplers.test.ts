// Quasi-random samplers (src/search/samplers.ts) against their definitions: Halton coordinates are radical inverses
// in the first primes (worked by hand), Sobol points those of Joe and Kuo's direction numbers (the first points as
// SciPy's unscrambled qmc.Sobol gives them, which follow new-joe-kuo-6.21201); seeded sequences keep the sequences'
// stratification, spread more evenly than uniform draws, and repeat for a seed; randomSearch draws its trials from them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choice, int, uniform, type Distribution } from '../../src/search/distributions';
import { halton, sobol, type QuasiRandom } from '../../src/search/samplers';
import { randomSearch } from '../../src/search/search';
import { mulberry32 } from '../../src/search/space';

const pointsOf = (sequence: QuasiRandom, n: number): number[][] => Array.from({ length: n }, (_, i) => sequence.point(i));

/** The L2-star discrepancy of points in [0, 1)^d (Warnock's formula): lower is more even. */
function l2Discrepancy(points: number[][]): number {
  const n = points.length, d = points[0].length;
  let single = 0, pairs = 0;
  for (const x of points) single += x.reduce((p, v) => p * (1 - v * v), 1);
  for (const x of points) for (const y of points) pairs += x.reduce((p, v, k) => p * (1 - Math.max(v, y[k])), 1);
  return Math.sqrt(3 ** -d - (2 ** (1 - d) / n) * single + pairs / n ** 2);
}

/** Whether each coordinate of the points has exactly one point in each of `cells` equal intervals of [0, 1). */
const stratified = (points: number[][], dimension: number, cells: number): boolean =>
  new Set(points.map((x) => Math.floor(x[dimension] * cells))).size === cells && points.length === cells;

describe('halton', () => {
  it('gives radical inverses in the first primes, point 0 the origin (worked by hand)', () => {
    const plain = halton(4);
    // 5 = 101₂ = 12₃ = 10₅ = 5₇ → .101₂ = 5/8, .21₃ = 7/9, .01₅ = 1/25, .5₇ = 5/7
    // 11 = 1011₂ = 102₃ = 21₅ = 14₇ → .1101₂ = 13/16, .201₃ = 19/27, .12₅ = 7/25, .41₇ = 29/49
    const expected = [[0, [0, 0, 0, 0]], [1, [1 / 2, 1 / 3, 1 / 5, 1 / 7]], [5, [5 / 8, 7 / 9, 1 / 25, 5 / 7]], [11, [13 / 16, 19 / 27, 7 / 25, 29 / 49]]] as const;
    for (const [index, point] of expected) plain.point(index).forEach((v, j) => expect(v).toBeCloseTo(point[j], 15));
    // The fifth coordinate is base 11; SciPy's qmc.Halton(d=5, scramble=False) row 4 is [.125, .4444, .8, .5714, .3636].
    halton(5).point(4).forEach((v, j) => expect(v).toBeCloseTo([1 / 8, 4 / 9, 4 / 5, 4 / 7, 4 / 11][j], 15));
  });

  it('seeded: one point per interval of p^m per coordinate, in [0, 1), repeatable (property)', () => {
    fc.assert(fc.property(fc.nat(2 ** 40), fc.integer({ min: 1, max: 6 }), (seed, dimensions) => {
      const a = halton(dimensions, { seed }), points = pointsOf(a, 125);
      expect(points.flat().every((v) => v >= 0 && v < 1)).toBe(true);
      expect(stratified(points.slice(0, 64), 0, 64)).toBe(true);
      if (dimensions > 1) expect(stratified(points.slice(0, 81), 1, 81)).toBe(true);
      if (dimensions > 2) expect(stratified(points, 2, 125)).toBe(true);
      expect(pointsOf(halton(dimensions, { seed }), 125)).toEqual(points);
    }), { numRuns: 30 });
    expect(halton(2, { seed: 1 }).point(3)).not.toEqual(halton(2, { seed: 2 }).point(3));
  });
});

describe('sobol', () => {
  it("gives SciPy's unscrambled first points in 2 to 5 dimensions (Gray-code order, point 0 not skipped)", () => {
    const scipy = [[0, 0, 0, 0, 0], [0.5, 0.5, 0.5, 0.5, 0.5], [0.75, 0.25, 0.25, 0.25, 0.75], [0.25, 0.75, 0.75, 0.75, 0.25],
      [0.375, 0.375, 0.625, 0.875, 0.375], [0.875, 0.875, 0.125, 0.375, 0.875], [0.625, 0.125, 0.875, 0.625, 0.625], [0.125, 0.625, 0.375, 0.125, 0.125]];
    for (const d of [2, 3, 4, 5]) expect(pointsOf(sobol(d), 8)).toEqual(scipy.map((row) => row.slice(0, d)));
    // Dimensions 65 and 128 (the last the table holds), at points SciPy 1.17 gives for qmc.Sobol(d=128, scramble=False).
    const wide = sobol(128);
    expect([1, 2, 3, 5, 100, 999].map((i) => wide.point(i)[127])).toEqual([0.5, 0.25, 0.75, 0.125, 0.4609375, 0.9814453125]);
    expect([7, 513, 999].map((i) => wide.point(i)[64])).toEqual([0.125, 0.0458984375, 0.5673828125]);
  });

  it('refuses more dimensions than it has direction numbers for, naming the count', () => {
    expect(() => sobol(129)).toThrow(new RangeError('sobol: dimensions must be an integer from 1 to 128, got 129'));
    expect(() => sobol(2, { seed: -1 })).toThrow(new RangeError('sobol: seed must be an integer ≥ 0, got -1'));
    expect(() => sobol(2, { scramble: true } as never)).toThrow(/^sobol: unknown option "scramble"/);
    expect(() => sobol(2).point(-1)).toThrow(new RangeError('sobol: index must be an integer from 0 to 4294967295, got -1'));
  });

  it('seeded: one point per interval of 2^m per coordinate, in [0, 1), repeatable (property)', () => {
    fc.assert(fc.property(fc.nat(2 ** 40), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (seed, dimensions, m) => {
      const points = pointsOf(sobol(dimensions, { seed }), 2 ** m);
      expect(points.flat().every((v) => v >= 0 && v < 1)).toBe(true);
      for (let j = 0; j < dimensions; j++) expect(stratified(points, j, 2 ** m)).toBe(true);
      expect(pointsOf(sobol(dimensions, { seed }), 2 ** m)).toEqual(points);
    }), { numRuns: 40 });
    expect(sobol(3, { seed: 1 }).point(0)).not.toEqual(sobol(3, { seed: 2 }).point(0));
  });
});

describe('randomSearch samplers', () => {
  it('spread trials more evenly than uniform draws (L2-star discrepancy, 64 trials in 3 dimensions, property)', async () => {
    // Over 1,500 seeds: uniform draws 0.020-0.090 (mean 0.036), Halton 0.012-0.024 (mean 0.015), Sobol 0.011-0.014
    // (mean 0.012). A shifted sequence can be beaten by lucky uniform draws now and then, so each seed is held to the
    // root mean square of independent points, and 20 seeds' mean to half the uniform draws' mean.
    const space = { a: uniform(0, 1), b: uniform(0, 1), c: uniform(0, 1) };
    const expectedRandom = Math.sqrt((2 ** -3 - 3 ** -3) / 64); // the root mean square for independent uniform points
    const draw = async (seed: number, sampler: 'random' | 'halton' | 'sobol'): Promise<number> => l2Discrepancy((await randomSearch({
      space, trials: 64, seed, sampler, progress: false, objective: () => 0 })).trials.map((t) => [t.params.a, t.params.b, t.params.c]));
    await fc.assert(fc.asyncProperty(fc.array(fc.nat(2 ** 32 - 1), { minLength: 20, maxLength: 20 }), async (seeds) => {
      const mean = async (sampler: 'random' | 'halton' | 'sobol'): Promise<number> => {
        const values = await Promise.all(seeds.map((seed) => draw(seed, sampler)));
        if (sampler !== 'random') for (const v of values) expect(v).toBeLessThan(expectedRandom);
        return values.reduce((a, b) => a + b, 0) / values.length;
      };
      const random = await mean('random');
      for (const sampler of ['halton', 'sobol'] as const) expect(await mean(sampler)).toBeLessThan(random / 2);
    }), { numRuns: 3 });
  });

  it('give each distribution (in key order) its coordinate at the first call, and uniform numbers after', async () => {
    const twice: Distribution<number[]> = { kind: 'twice', sample: (random) => [random(), random()], toJSON: () => ({ type: 'twice' }) };
    const space = { a: uniform(2, 4), fixed: 'x', b: int(0, 9), c: choice(['p', 'q']), d: twice };
    for (const sampler of ['halton', 'sobol'] as const) {
      const { trials } = await randomSearch({ space, trials: 9, seed: 21, sampler, progress: false, objective: () => 0 });
      const sequence = (sampler === 'halton' ? halton : sobol)(4, { seed: 21 });
      for (const t of [...trials].sort((x, y) => x.index - y.index)) {
        const [a, b, c, d] = sequence.point(t.index);
        expect(t.params).toEqual({ a: 2 * (1 - a) + 4 * a, fixed: 'x', b: Math.floor(b * 10), c: c < 0.5 ? 'p' : 'q', d: [d, expect.any(Number)] });
        expect(t.params.d[1]).toBeGreaterThanOrEqual(0);
        expect(t.params.d[1]).toBeLessThan(1);
      }
    }
  });

  it('repeat for a seed and change with it; the default sampler is unchanged', async () => {
    const space = { a: uniform(0, 1), b: int(1, 5) };
    const run = async (sampler: 'random' | 'halton' | 'sobol' | undefined, seed: number): Promise<unknown> =>
      (await randomSearch({ space, trials: 7, seed, sampler, progress: false, objective: () => 0 })).trials.map((t) => t.params);
    for (const sampler of ['halton', 'sobol'] as const) {
      expect(await run(sampler, 4)).toEqual(await run(sampler, 4));
      expect(await run(sampler, 4)).not.toEqual(await run(sampler, 5));
    }
    expect(await run(undefined, 4)).toEqual(await run('random', 4));
    // The default draws: a seeded mulberry32 stream, a then b for each trial in turn.
    const random = mulberry32(4);
    expect(await run(undefined, 4)).toEqual(Array.from({ length: 7 }, () => ({ a: random(), b: 1 + Math.floor(random() * 5) })));
  });

  it('reject an unknown sampler, and Sobol over more distributions than it supports', async () => {
    await expect(randomSearch({ space: { a: uniform(0, 1) }, trials: 1, sampler: 'lhs' as never, objective: () => 0 }))
      .rejects.toThrow(new RangeError("randomSearch: sampler must be 'random', 'halton' or 'sobol', got \"lhs\""));
    const wide = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`p${i}`, uniform(0, 1)]));
    await expect(randomSearch({ space: wide, trials: 1, sampler: 'sobol', objective: () => 0 }))
      .rejects.toThrow(new RangeError("randomSearch: sampler 'sobol' supports up to 128 distributions; the space has 129 (use 'halton' or 'random')"));
    expect((await randomSearch({ space: wide, trials: 2, sampler: 'halton', seed: 1, progress: false, objective: () => 0 })).trials.length).toBe(2);
  });
});
