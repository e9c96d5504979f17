// Quasi-random samplers for random search: Halton and Sobol points spread more evenly over the space than independent
// uniform draws, so a few trials cover it better. Trial i of a search is point i of the sequence; each coordinate
// goes to one distribution of the space, in key order. A seed randomizes the sequence (a digital shift) so that
// different seeds give different trials while keeping its evenness.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { JOE_KUO } from './joe-kuo';
import { mulberry32, trialSeed } from './space';

/** How randomSearch draws its trials: independent uniform draws, or a Halton or Sobol sequence. */
export type SamplerName = 'random' | 'halton' | 'sobol';

/**
 * A quasi-random sequence of points in [0, 1)^dimensions, as `halton` and `sobol` make.
 * @example
 * const sequence: QuasiRandom = halton(2);
 * sequence.point(1); // [0.5, 0.3333333333333333]
 */
export interface QuasiRandom {
  /** The number of coordinates of each point. */
  readonly dimensions: number;
  /** Point `index` (from 0), each coordinate in [0, 1). Throws a RangeError for an index that is not an integer ≥ 0. */
  point(index: number): number[];
}

/**
 * Options of `halton` and `sobol`.
 * @example
 * const options: QuasiRandomOptions = { seed: 7 };
 * sobol(3, options).point(0).length; // 3
 */
export interface QuasiRandomOptions {
  /** Randomizes the sequence with a digital shift drawn from this seed (an integer ≥ 0); without it, the plain sequence. */
  seed?: number;
}

/** The number of dimensions `sobol` supports (those of the Joe–Kuo direction numbers it carries): 128. */
export const SOBOL_DIMENSIONS = 1 + JOE_KUO.split(',').length;

function checkArguments(op: string, dimensions: unknown, options: QuasiRandomOptions, max: number): number | undefined {
  if (typeof dimensions !== 'number' || !Number.isSafeInteger(dimensions) || dimensions < 1 || dimensions > max) {
    throw new RangeError(`${op}: dimensions must be an integer from 1 to ${max}, got ${showValue(dimensions)}`);
  }
  checkOptionKeys(op, options, ['seed']);
  const { seed } = options;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)) {
    throw new RangeError(`${op}: seed must be an integer ≥ 0, got ${showValue(seed)}`);
  }
  return seed;
}

function checkIndex(op: string, index: unknown, max: number): number {
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index > max) {
    throw new RangeError(`${op}: index must be an integer from 0 to ${max}, got ${showValue(index)}`);
  }
  return index;
}

/** The first `count` primes. */
function primes(count: number): number[] {
  const found: number[] = [];
  for (let n = 2; found.length < count; n++) if (found.every((p) => p * p > n || n % p !== 0)) found.push(n);
  return found;
}

/**
 * The Halton sequence: coordinate j of point i is the radical inverse of i in the j-th prime (2, 3, 5, …), i's base-p
 * digits mirrored about the point: i = Σ a_k p^k gives Σ a_k p^−(k+1). Point 0 is the origin, as in SciPy's
 * `qmc.Halton(scramble=False)`. With a seed, each of the first ⌈53 / log2 p⌉ digits of coordinate j is shifted
 * by a seeded amount modulo p (a random digital shift in base p), which keeps each coordinate's stratification.
 * Throws a RangeError for dimensions that are not an integer from 1 to 1000 or a bad seed.
 * @example
 * const plain = halton(2);
 * [plain.point(0), plain.point(1), plain.point(2), plain.point(3)]; // [[0, 0], [0.5, 0.3333333333333333], [0.25, 0.6666666666666666], [0.75, 0.1111111111111111]]
 * halton(2, { seed: 1 }).point(5).every((x) => x >= 0 && x < 1); // true
 */
export function halton(dimensions: number, options: QuasiRandomOptions = {}): QuasiRandom {
  const seed = checkArguments('halton', dimensions, options, 1000);
  const bases = primes(dimensions);
  const random = seed === undefined ? undefined : mulberry32(trialSeed(seed, 0x48414c54));
  const shifts = bases.map((p) => (random ? Array.from({ length: Math.ceil(53 / Math.log2(p)) }, () => Math.floor(random() * p)) : []));
  const coordinate = (index: number, p: number, shift: readonly number[]): number => {
    let value = 0, scale = 1 / p;
    for (let i = index, k = 0; i > 0 || k < shift.length; i = Math.floor(i / p), k++, scale /= p) value += (((i % p) + (shift[k] ?? 0)) % p) * scale;
    return Math.min(value, 1 - 2 ** -53);
  };
  return {
    dimensions,
    point: (index) => {
      checkIndex('halton', index, Number.MAX_SAFE_INTEGER);
      return bases.map((p, j) => coordinate(index, p, shifts[j]));
    },
  };
}

/** The 32 direction numbers V_k (as 32-bit integers) of each Sobol dimension up to `dimensions`. */
function directionNumbers(dimensions: number): Uint32Array[] {
  const entries = JOE_KUO.split(',').slice(0, dimensions - 1).map((entry) => entry.split(' ').map(Number));
  const first = Uint32Array.from({ length: 32 }, (_, k) => 2 ** (31 - k));
  return [first, ...entries.map(([s, a, ...m]) => {
    const v = new Uint32Array(32);
    for (let k = 0; k < 32; k++) {
      if (k < s) {
        v[k] = m[k] * 2 ** (31 - k);
        continue;
      }
      let x = v[k - s] ^ (v[k - s] >>> s);
      for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
      v[k] = x;
    }
    return v;
  })];
}

/**
 * The Sobol sequence with Joe and Kuo's direction numbers (new-joe-kuo-6.21201), up to SOBOL_DIMENSIONS (128)
 * dimensions, in Gray-code order as SciPy's `qmc.Sobol(scramble=False)` gives it: point 0 is the origin and is not
 * skipped, point i XORs the direction numbers of the bits of i ^ (i >> 1). Coordinates have 32 bits, so points go to
 * index 2^32 − 1. With a seed, each coordinate is XORed with a seeded 32-bit shift (a random digital shift), which
 * keeps the sequence's nets. Throws a RangeError for more dimensions than it supports (naming the count) or a bad seed.
 * @example
 * const plain = sobol(2);
 * [1, 2, 3].map((i) => plain.point(i)); // [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75]]
 */
export function sobol(dimensions: number, options: QuasiRandomOptions = {}): QuasiRandom {
  const seed = checkArguments('sobol', dimensions, options, SOBOL_DIMENSIONS);
  const directions = directionNumbers(dimensions);
  const random = seed === undefined ? undefined : mulberry32(trialSeed(seed, 0x534f424c));
  const shifts = directions.map(() => (random ? Math.floor(random() * 2 ** 32) : 0));
  return {
    dimensions,
    point: (index) => {
      const gray = checkIndex('sobol', index, 2 ** 32 - 1) ^ Math.floor(index / 2);
      return directions.map((v, j) => {
        let x = shifts[j];
        for (let k = 0, bits = gray >>> 0; bits > 0; k++, bits >>>= 1) if (bits & 1) x ^= v[k];
        return (x >>> 0) / 2 ** 32;
      });
    },
  };
}

/**
 * The random numbers of each trial's draws: `draws(index)` gives, for the distribution at position j of the space
 * (counting distributions only), the function its `sample` receives. With 'halton' or 'sobol' its first call returns
 * coordinate j of point `index`, and later calls (a custom distribution drawing more than once) numbers from a
 * generator seeded with the search seed, shared by all trials in order. Throws a RangeError when the sampler
 * cannot cover `dimensions` (Sobol: over SOBOL_DIMENSIONS).
 */
export function quasiDraws(sampler: 'halton' | 'sobol', dimensions: number, seed: number, op: string): (index: number) => (j: number) => () => number {
  if (sampler === 'sobol' && dimensions > SOBOL_DIMENSIONS) {
    throw new RangeError(`${op}: sampler 'sobol' supports up to ${SOBOL_DIMENSIONS} distributions; the space has ${dimensions} (use 'halton' or 'random')`);
  }
  const extra = mulberry32(trialSeed(seed, 0x45585452));
  if (dimensions === 0) return () => () => extra;
  const sequence = (sampler === 'sobol' ? sobol : halton)(dimensions, { seed });
  return (index) => {
    const point = sequence.point(index);
    return (j) => {
      let first = true;
      return () => (first ? ((first = false), point[j]) : extra());
    };
  };
}

/** Checks randomSearch's `sampler` option. */
export function checkSampler(sampler: unknown, op: string): SamplerName {
  if (sampler === 'random' || sampler === 'halton' || sampler === 'sobol') return sampler;
  throw new RangeError(`${op}: sampler must be 'random', 'halton' or 'sobol', got ${showValue(sampler)}`);
}
