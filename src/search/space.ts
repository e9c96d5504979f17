// Search spaces turned into the list of trials, all drawn before the first trial runs, so a seed gives the same
// trials however they are run (one by one, or several at once in workers).
import { showValue } from '../tensor/errors';
import { isDistribution, type Distribution } from './distributions';
import { quasiDraws, type SamplerName } from './samplers';

/**
 * A random-search space: a distribution per hyperparameter, or a constant value passed to every trial as is.
 * @example
 * const space: Space = { learningRate: logUniform(1e-4, 1e-1), layers: int(1, 3), epochs: 100 };
 */
export type Space = Record<string, unknown>;

/**
 * A grid-search space: per hyperparameter an array of values, a `choice([...])`, or a constant (not an array).
 * @example
 * const grid: GridSpace = { units: [16, 32], activation: choice(['relu', 'tanh']), hidden: choice([[16, 8]]), epochs: 50 };
 */
export type GridSpace = Record<string, unknown>;

/**
 * The hyperparameters a trial of a random-search `space` receives: a distribution's values, or the constant.
 * @example
 * const space = { learningRate: logUniform(1e-4, 1e-1), epochs: 100 };
 * const params: ParamsOf<typeof space> = { learningRate: 0.01, epochs: 100 };
 */
export type ParamsOf<S> = { [K in keyof S]: S[K] extends Distribution<infer T> ? T : S[K] };

/**
 * The hyperparameters a trial of a grid `space` receives: an array's elements, a choice's values, or the constant.
 * @example
 * const grid = { units: [16, 32], activation: choice(['relu', 'tanh']) };
 * const params: GridParamsOf<typeof grid> = { units: 16, activation: 'tanh' };
 */
export type GridParamsOf<S> = {
  [K in keyof S]: S[K] extends Distribution<infer T> ? T : S[K] extends readonly (infer T)[] ? T : S[K];
};

/** One trial to run: its index, its hyperparameters, and its seed (for the model's initial weights and shuffling). */
export interface Job {
  index: number;
  params: Record<string, unknown>;
  seed: number;
}

/** mulberry32: a small, fast 32-bit generator; numbers in [0, 1), the same on every engine. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Folds a seed up to 2^53 into 32 bits. */
function fold(seed: number): number {
  return (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9);
}

/** The seed of trial `index` of a search seeded with `seed`: a splitmix32 hash, an integer in [0, 2^32). */
export function trialSeed(seed: number, index: number): number {
  let z = (fold(seed) + Math.imul(index + 1, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Throws unless `space` is an object; returns its entries. */
function entriesOf(space: unknown, op: string): [string, unknown][] {
  if (typeof space !== 'object' || space === null || Array.isArray(space)) {
    throw new TypeError(`${op}: space must be an object of hyperparameters, got ${showValue(space)}`);
  }
  return Object.entries(space);
}

function checkDistribution(name: string, d: Distribution, op: string): void {
  const problem = d.problem?.() ?? '';
  if (problem) throw new RangeError(`${op}: space.${name}: ${problem}`);
}

/**
 * The trials of a random search: `trials` draws from `space` by a generator seeded with `seed`. Trial i's draws
 * come before trial i + 1's, so asking for more trials keeps the first ones.
 */
export function randomJobs(space: unknown, trials: number, seed: number, op: string, sampler: SamplerName = 'random'): Job[] {
  const entries = entriesOf(space, op);
  for (const [name, value] of entries) if (isDistribution(value)) checkDistribution(name, value, op);
  if (sampler !== 'random') return quasiJobs(entries, trials, seed, op, sampler);
  const random = mulberry32(fold(seed));
  return Array.from({ length: trials }, (_, index) => ({
    index,
    params: Object.fromEntries(entries.map(([name, value]) => [name, isDistribution(value) ? value.sample(random) : value])),
    seed: trialSeed(seed, index),
  }));
}

/** Trial i at point i of a Halton or Sobol sequence, one coordinate per distribution (in key order). */
function quasiJobs(entries: [string, unknown][], trials: number, seed: number, op: string, sampler: 'halton' | 'sobol'): Job[] {
  const positions = new Map<string, number>();
  for (const [name, value] of entries) if (isDistribution(value)) positions.set(name, positions.size);
  const draws = quasiDraws(sampler, positions.size, seed, op);
  return Array.from({ length: trials }, (_, index) => {
    const random = draws(index);
    return {
      index,
      params: Object.fromEntries(entries.map(([name, value]) => [name, isDistribution(value) ? value.sample(random(positions.get(name)!)) : value])),
      seed: trialSeed(seed, index),
    };
  });
}

/** The values a grid tries for one hyperparameter. */
function gridValues(name: string, value: unknown, op: string): readonly unknown[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RangeError(`${op}: space.${name} is an empty array; give at least one value`);
    return value;
  }
  if (!isDistribution(value)) return [value];
  checkDistribution(name, value, op);
  const values = (value as { values?: unknown }).values;
  if (value.kind !== 'choice' || !Array.isArray(values)) {
    throw new RangeError(`${op}: space.${name} is ${value.kind}, which has no list of values to try; give an array of values or choice([...])`);
  }
  return values;
}

/** Every combination of the grid's values, in the order of nested loops over the keys (the last varies fastest). */
export function gridJobs(space: unknown, seed: number, op: string): Job[] {
  const axes = entriesOf(space, op).map(([name, value]) => [name, gridValues(name, value, op)] as const);
  let combos: [string, unknown][][] = [[]];
  for (const [name, values] of axes) combos = combos.flatMap((combo) => values.map((v) => [...combo, [name, v] as [string, unknown]]));
  return combos.map((combo, index) => ({ index, params: Object.fromEntries(combo), seed: trialSeed(seed, index) }));
}

/** For runs in worker threads: throws, naming the hyperparameter, if a value cannot be copied to a worker. */
export function checkCloneable(jobs: readonly Job[], op: string): void {
  for (const job of jobs) {
    for (const [name, value] of Object.entries(job.params)) {
      try {
        structuredClone(value);
      } catch {
        throw new TypeError(`${op}: space.${name} gives ${typeof value === 'function' ? 'a function' : showValue(value)}, which cannot be sent to a worker thread; parallel runs need values structuredClone can copy (no functions)`);
      }
    }
  }
}
