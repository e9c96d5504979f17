// Distributions of search spaces (src/search/distributions.ts) and the seeded generator that draws from them
// (src/search/space.ts): samples stay within their bounds, a seed repeats them, logUniform spreads evenly over
// decades, int and choice hit every value about equally often, and bad bounds fail when sampled directly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choice, int, logUniform, uniform } from '../../src/search/distributions';
import { mulberry32, trialSeed } from '../../src/search/space';

const draw = <T>(sample: (random: () => number) => T, seed: number, n: number): T[] => {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => sample(random));
};

/** Counts of each bin of `values` (bins by `binOf`), checked to be within `tolerance` (a fraction) of n / bins. */
const expectEvenBins = (values: readonly number[], bins: number, binOf: (v: number) => number, tolerance: number): void => {
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[binOf(v)]++;
  const expected = values.length / bins;
  counts.forEach((c, i) => expect(Math.abs(c - expected), `bin ${i}: ${c} of ${values.length}, expected ${expected}`).toBeLessThan(tolerance * expected));
};

describe('mulberry32', () => {
  it('gives numbers in [0, 1), the same for the same seed and different for another', () => {
    const a = draw((r) => r(), 42, 1000);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(draw((r) => r(), 42, 1000)).toEqual(a);
    expect(draw((r) => r(), 43, 1000)).not.toEqual(a);
    expect(new Set(a).size).toBe(1000);
  });

  it('derives distinct 32-bit trial seeds from one search seed', () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => trialSeed(7, i));
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(new Set(seeds).size).toBe(1000);
    expect(trialSeed(7, 3)).toBe(seeds[3]);
    expect(trialSeed(8, 3)).not.toBe(seeds[3]);
    expect(trialSeed(2 ** 40 + 7, 3)).not.toBe(seeds[3]); // high bits of large seeds count
  });
});

describe('bounds', () => {
  const finite = fc.double({ min: -1e12, max: 1e12, noNaN: true });
  const pair = fc.tuple(finite, finite).map(([a, b]) => (a <= b ? [a, b] : [b, a]));

  it('uniform stays in [lo, hi] and repeats by seed', () => {
    fc.assert(fc.property(pair, fc.nat(), ([lo, hi], seed) => {
      const values = draw(uniform(lo, hi).sample, seed, 50);
      expect(values.every((v) => v >= lo && v <= hi)).toBe(true);
      expect(draw(uniform(lo, hi).sample, seed, 50)).toEqual(values);
    }));
  });

  it('logUniform stays in [lo, hi] for positive bounds', () => {
    const positive = fc.tuple(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1e-300, max: 1e300, noNaN: true }))
      .map(([a, b]) => (a <= b ? [a, b] : [b, a]));
    fc.assert(fc.property(positive, fc.nat(), ([lo, hi], seed) => {
      expect(draw(logUniform(lo, hi).sample, seed, 50).every((v) => v >= lo && v <= hi)).toBe(true);
    }));
  });

  it('int gives integers from lo to hi, both included', () => {
    const ints = fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 20 })).map(([lo, width]) => [lo, lo + width]);
    fc.assert(fc.property(ints, fc.nat(), ([lo, hi], seed) => {
      const values = draw(int(lo, hi).sample, seed, 400);
      expect(values.every((v) => Number.isInteger(v) && v >= lo && v <= hi)).toBe(true);
      expect(new Set(values).size, 'every integer of a range of at most 21 shows up in 400 draws').toBe(hi - lo + 1);
    }));
  });

  it('a degenerate range gives its one value', () => {
    expect(draw(uniform(2.5, 2.5).sample, 1, 5)).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    expect(draw(logUniform(3, 3).sample, 1, 3)).toEqual([3, 3, 3]);
    expect(draw(int(-4, -4).sample, 1, 3)).toEqual([-4, -4, -4]);
  });
});

describe('spread', () => {
  it('logUniform puts the same share of draws in every half-decade', () => {
    // 1e-4..1 is 8 half-decades, 2000 draws expected in each (standard deviation ≈ 42). A linear uniform over the
    // same range would put 68% of the draws in the top half-decade and 0.002% in the bottom one.
    const values = draw(logUniform(1e-4, 1).sample, 11, 16000);
    expectEvenBins(values, 8, (v) => Math.min(7, Math.floor((Math.log10(v) + 4) * 2)), 0.1);
    const linear = draw(uniform(1e-4, 1).sample, 11, 16000);
    expect(linear.filter((v) => v < 10 ** -3.5).length).toBeLessThan(10);
  });

  it('uniform, int and choice draw every part of their range about equally often', () => {
    expectEvenBins(draw(uniform(-3, 5).sample, 12, 8000), 8, (v) => Math.min(7, Math.floor(v + 3)), 0.12);
    expectEvenBins(draw(int(1, 6).sample, 13, 6000), 6, (v) => v - 1, 0.12);
    const letters = ['a', 'b', 'c', 'd'] as const;
    expectEvenBins(draw(choice(letters).sample, 14, 4000).map((v) => letters.indexOf(v)), 4, (i) => i, 0.12);
  });
});

describe('descriptions and bad bounds', () => {
  it('describe themselves as JSON', () => {
    const space = { learningRate: logUniform(1e-4, 0.1), dropout: uniform(0, 0.5), layers: int(1, 3), activation: choice(['relu', 'tanh']) };
    expect(JSON.parse(JSON.stringify(space))).toEqual({
      learningRate: { type: 'logUniform', lo: 1e-4, hi: 0.1 },
      dropout: { type: 'uniform', lo: 0, hi: 0.5 },
      layers: { type: 'int', lo: 1, hi: 3 },
      activation: { type: 'choice', values: ['relu', 'tanh'] },
    });
  });

  it('keep a copy of the choice values', () => {
    const values = [1, 2];
    const d = choice(values);
    values.push(3);
    expect(d.values).toEqual([1, 2]);
  });

  it('throw a RangeError naming the function and the bounds when sampled directly', () => {
    const random = mulberry32(1);
    expect(() => uniform(0.1, 0.01).sample(random)).toThrow(new RangeError('uniform: lo 0.1 > hi 0.01'));
    expect(() => uniform(NaN, 1).sample(random)).toThrow('uniform: lo NaN is not a finite number');
    expect(() => logUniform(0, 1).sample(random)).toThrow('logUniform: lo 0 must be > 0 (the scale is logarithmic)');
    expect(() => int(1, 2.5).sample(random)).toThrow('int: hi 2.5 is not an integer');
    expect(() => choice([]).sample(random)).toThrow('choice: values must be a non-empty array, got []');
  });
});
