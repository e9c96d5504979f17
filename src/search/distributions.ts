// Distributions of a search space: what randomSearch draws each hyperparameter from. Each is a small object with
// `sample(random)` and a JSON description. Bad bounds are reported by the search, with the parameter's name
// (`randomSearch: space.learningRate: lo 0.1 > hi 0.01`), before any trial runs.
import { showValue } from '../tensor/errors';

/** What JSON.stringify writes for a distribution, e.g. `{ "type": "logUniform", "lo": 0.0001, "hi": 0.1 }`. */
export type DistributionJSON =
  | { type: 'uniform' | 'logUniform' | 'int'; lo: number; hi: number }
  | { type: 'choice'; values: readonly unknown[] }
  | { type: string; [key: string]: unknown };

/** Something a search can draw a hyperparameter from. Your own objects with `kind` and `sample` work too. */
export interface Distribution<T = unknown> {
  readonly kind: string;
  /** Draws one value; `random` returns numbers in [0, 1) (the search passes its seeded generator). */
  sample(random: () => number): T;
  /** Why this distribution cannot be sampled (such as `lo 0.1 > hi 0.01`), or '' when it can. */
  problem?(): string;
  toJSON(): DistributionJSON;
}

/** A choice among listed values; gridSearch enumerates them. */
export interface Choice<T> extends Distribution<T> {
  readonly kind: 'choice';
  readonly values: readonly T[];
}

/** Whether a space entry is a distribution (anything else is a constant). */
export function isDistribution(value: unknown): value is Distribution {
  const d = value as Distribution | null;
  return typeof d === 'object' && d !== null && typeof d.kind === 'string' && typeof d.sample === 'function';
}

function boundsProblem(lo: unknown, hi: unknown): string {
  if (typeof lo !== 'number' || !Number.isFinite(lo)) return `lo ${showValue(lo)} is not a finite number`;
  if (typeof hi !== 'number' || !Number.isFinite(hi)) return `hi ${showValue(hi)} is not a finite number`;
  return lo > hi ? `lo ${lo} > hi ${hi}` : '';
}

// A distribution over [lo, hi] whose sample throws (naming the function) if the bounds are bad.
function ranged(kind: 'uniform' | 'logUniform' | 'int', lo: number, hi: number, problem: string, draw: (r: number) => number): Distribution<number> {
  return {
    kind,
    sample: (random) => {
      if (problem) throw new RangeError(`${kind}: ${problem}`);
      return Math.min(Math.max(draw(random()), lo), hi);
    },
    problem: () => problem,
    toJSON: () => ({ type: kind, lo, hi }),
  };
}

/**
 * Real numbers spread evenly between lo and hi, such as a dropout rate.
 * @example
 * const rate = uniform(0, 0.5);
 * rate.sample(Math.random); // e.g. 0.31
 */
export function uniform(lo: number, hi: number): Distribution<number> {
  return ranged('uniform', lo, hi, boundsProblem(lo, hi), (r) => lo * (1 - r) + hi * r);
}

/**
 * Positive numbers whose logarithm is uniform between log(lo) and log(hi): each decade is equally likely, as
 * suits learning rates and weight decays. lo must be > 0.
 * @example
 * const learningRate = logUniform(1e-4, 1e-1);
 * learningRate.sample(Math.random); // e.g. 0.0021
 */
export function logUniform(lo: number, hi: number): Distribution<number> {
  const problem = boundsProblem(lo, hi) || (lo <= 0 ? `lo ${lo} must be > 0 (the scale is logarithmic)` : '');
  const [a, b] = problem ? [0, 0] : [Math.log(lo), Math.log(hi)];
  return ranged('logUniform', lo, hi, problem, (r) => Math.exp(a + (b - a) * r));
}

/**
 * Integers from lo to hi, both included, each equally likely, such as a layer count.
 * @example
 * const layers = int(1, 3);
 * layers.sample(Math.random); // 1, 2 or 3
 */
export function int(lo: number, hi: number): Distribution<number> {
  const notInteger = (name: string, v: number): string => (Number.isSafeInteger(v) ? '' : `${name} ${v} is not an integer`);
  const problem = boundsProblem(lo, hi) || notInteger('lo', lo) || notInteger('hi', hi);
  return ranged('int', lo, hi, problem, (r) => lo + Math.floor(r * (hi - lo + 1)));
}

/**
 * One of the given values, each equally likely; gridSearch tries each in turn.
 * @example
 * const activation = choice(['relu', 'tanh']);
 * activation.sample(Math.random); // 'relu' or 'tanh'
 */
export function choice<const T>(values: readonly T[]): Choice<T> {
  const problem = Array.isArray(values) && values.length > 0 ? '' : `values must be a non-empty array, got ${showValue(values)}`;
  const list: readonly T[] = problem ? [] : [...values];
  return {
    kind: 'choice',
    values: list,
    sample: (random) => {
      if (problem) throw new RangeError(`choice: ${problem}`);
      return list[Math.floor(random() * list.length)];
    },
    problem: () => problem,
    toJSON: () => ({ type: 'choice', values: list }),
  };
}
