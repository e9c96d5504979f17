// Distributions of a search space: what randomSearch draws each hyperparameter from. Each is a small object with
// `sample(random)` and a JSON description. Bad bounds are reported by the search, with the parameter's name
// (`randomSearch: space.learningRate: lo 0.1 > hi 0.01`), before any trial runs.
import { showValue } from '../tensor/errors';

/**
 * What JSON.stringify writes for a distribution, e.g. `{ "type": "logUniform", "lo": 0.0001, "hi": 0.1 }`.
 * @example
 * const json: DistributionJSON = int(1, 3).toJSON();
 * json; // { type: 'int', lo: 1, hi: 3 }
 */
export type DistributionJSON =
  | {
    /** The kind of range. */
    type: 'uniform' | 'logUniform' | 'int';
    /** The lower bound. */
    lo: number;
    /** The upper bound. */
    hi: number;
  }
  | {
    /** A choice. */
    type: 'choice';
    /** The values to choose from. */
    values: readonly unknown[];
  }
  | {
    /** The kind of a distribution of your own. */
    type: string;
    /** Its settings. */
    [key: string]: unknown;
  };

/**
 * Something a search can draw a hyperparameter from: `uniform`, `logUniform`, `int` and `choice` make them, and
 * your own objects with `kind` and `sample` work too.
 * @example
 * const powerOfTwo: Distribution<number> = {
 *   kind: 'powerOfTwo',
 *   sample: (random) => 2 ** (3 + Math.floor(random() * 4)), // 8, 16, 32 or 64
 *   toJSON: () => ({ type: 'powerOfTwo' }),
 * };
 * const { trials } = await randomSearch({ space: { units: powerOfTwo }, trials: 4, seed: 1, objective: ({ units }) => units });
 * trials.every((t) => [8, 16, 32, 64].includes(t.params.units)); // true
 */
export interface Distribution<T = unknown> {
  /** The kind, such as 'uniform' (a choice has 'choice'). */
  readonly kind: string;
  /** Draws one value; `random` returns numbers in [0, 1) (the search passes its seeded generator). */
  sample(random: () => number): T;
  /** Why this distribution cannot be sampled (such as `lo 0.1 > hi 0.01`), or '' when it can. */
  problem?(): string;
  /** The distribution as JSON, for reports. */
  toJSON(): DistributionJSON;
}

/**
 * A choice among listed values, as `choice` makes it; gridSearch enumerates them.
 * @example
 * const sizes: Choice<number> = choice([16, 32]);
 * sizes.values; // [16, 32]
 */
export interface Choice<T> extends Distribution<T> {
  /** Always 'choice'. */
  readonly kind: 'choice';
  /** The values, in order (a copy of those given). */
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
 * Real numbers spread evenly between lo and hi, such as a dropout rate. Bad bounds (not finite, lo > hi) make the
 * search that uses it throw before any trial runs, and `sample` throw a RangeError.
 * @example
 * const rate = uniform(0, 0.5);
 * // sample maps what the search's seeded generator returns, a number in [0, 1), into the range:
 * rate.sample(() => 0.5); // 0.25
 * rate.toJSON(); // { type: 'uniform', lo: 0, hi: 0.5 }
 */
export function uniform(lo: number, hi: number): Distribution<number> {
  return ranged('uniform', lo, hi, boundsProblem(lo, hi), (r) => lo * (1 - r) + hi * r);
}

/**
 * Positive numbers whose logarithm is uniform between log(lo) and log(hi): each decade is equally likely, as
 * suits learning rates and weight decays. lo must be > 0; bad bounds are reported as `uniform`'s are.
 * @example
 * const learningRate = logUniform(1e-4, 1e-2);
 * learningRate.sample(() => 0.5); // ≈ 0.001 (halfway on the logarithmic scale)
 */
export function logUniform(lo: number, hi: number): Distribution<number> {
  const problem = boundsProblem(lo, hi) || (lo <= 0 ? `lo ${lo} must be > 0 (the scale is logarithmic)` : '');
  const [a, b] = problem ? [0, 0] : [Math.log(lo), Math.log(hi)];
  return ranged('logUniform', lo, hi, problem, (r) => Math.exp(a + (b - a) * r));
}

/**
 * Integers from lo to hi, both included, each equally likely, such as a layer count. Bounds that are not integers
 * are reported as `uniform`'s bad bounds are.
 * @example
 * const layerCount = int(1, 3);
 * [0, 0.5, 0.99].map((r) => layerCount.sample(() => r)); // [1, 2, 3]
 */
export function int(lo: number, hi: number): Distribution<number> {
  const notInteger = (name: string, v: number): string => (Number.isSafeInteger(v) ? '' : `${name} ${v} is not an integer`);
  const problem = boundsProblem(lo, hi) || notInteger('lo', lo) || notInteger('hi', hi);
  return ranged('int', lo, hi, problem, (r) => lo + Math.floor(r * (hi - lo + 1)));
}

/**
 * One of the given values, each equally likely; gridSearch tries each in turn. An empty list is reported as
 * `uniform`'s bad bounds are.
 * @example
 * const activation = choice(['relu', 'tanh']);
 * activation.sample(() => 0.7); // 'tanh'
 * activation.values; // ['relu', 'tanh']
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
