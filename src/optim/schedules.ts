// The learning-rate schedules of Keras 3 (keras/src/optimizers/schedules/learning_rate_schedule.py), each a
// factory that checks its options and gives a LearningRateSchedule (schedule.ts); scheduleFromConfig rebuilds one from
// its config (an optimizer's saved learningRate).
import {
  DECAY_COSINE, DECAY_COSINE_RESTARTS, DECAY_EXPONENTIAL, DECAY_INVERSE_TIME, DECAY_PIECEWISE_CONSTANT, DECAY_POLYNOMIAL,
} from '../../assembly/layout';
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { LearningRateSchedule, type ScheduleConfig } from './schedule';

/** What an option must be: a rate (>= 0), steps (> 0), a count of steps (>= 0), a fraction in [0, 1], a factor >= 1, a flag. */
type Kind = 'rate' | 'steps' | 'count' | 'fraction' | 'growth' | 'flag' | 'target';
const RULES: Record<Exclude<Kind, 'flag'>, [(v: number) => boolean, string]> = {
  rate: [(v) => v >= 0, '>= 0'], steps: [(v) => v > 0, '> 0'], count: [(v) => v >= 0, '>= 0'], fraction: [(v) => v >= 0 && v <= 1, 'in [0, 1]'],
  growth: [(v) => v >= 1, '>= 1'], target: [(v) => v >= 0, '>= 0 (or null: no warm-up)'],
};

/**
 * The options of schedule `op`, checked against `spec` (an unknown key names the nearest valid one; a missing one
 * without a default, a value of the wrong type or out of range is an error naming it and the value), defaults filled in.
 */
function settings<K extends string>(op: string, options: unknown, spec: Record<K, Kind>, defaults: Partial<Record<K, number | boolean | null>>): Record<K, number> & Record<string, number | boolean | null> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, Object.keys(spec));
  const out: Record<string, number | boolean | null> = {};
  for (const [key, kind] of Object.entries(spec) as [K, Kind][]) {
    const given = (options as Record<string, unknown>)[key];
    const value = given === undefined ? defaults[key] : given;
    if (kind === 'flag') {
      if (typeof value !== 'boolean') throw new TypeError(`${op}: ${key} must be true or false, got ${showValue(value)}`);
    } else if (!(kind === 'target' && value === null)) {
      const [ok, range] = RULES[kind];
      if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
        throw new RangeError(`${op}: ${key} must be a finite number ${range}, got ${showValue(value)}`);
      }
    }
    out[key] = value as number | boolean | null;
  }
  return out as Record<K, number> & Record<string, number | boolean | null>;
}

/**
 * Options of `exponentialDecay`.
 * @inline
 */
export interface ExponentialDecayOptions {
  /** The rate at step 0, >= 0. */
  initialLearningRate: number;
  /** Steps over which the rate is multiplied by decayRate, > 0. */
  decaySteps: number;
  /** The factor per decaySteps steps, >= 0. */
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (default false). */
  staircase?: boolean;
}

/**
 * Exponential decay, as Keras's ExponentialDecay: initialLearningRate · decayRate^(step / decaySteps), the exponent
 * floored with `staircase`.
 * @throws RangeError for an unknown or missing option, or one out of range (decaySteps <= 0, a negative rate);
 * TypeError if staircase is not a boolean.
 * @example
 * const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5 });
 * schedule.rate(200); // ≈ 0.025
 * schedule.config.className; // 'ExponentialDecay'
 */
export function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  const o = settings('exponentialDecay', options, { initialLearningRate: 'rate', decaySteps: 'steps', decayRate: 'rate', staircase: 'flag' }, { staircase: false });
  return new LearningRateSchedule({ className: 'ExponentialDecay', config: o },
    { kind: DECAY_EXPONENTIAL, flag: Boolean(o.staircase), initial: o.initialLearningRate, steps: o.decaySteps, p1: o.decayRate });
}

/**
 * Options of `piecewiseConstantDecay`.
 * @inline
 */
export interface PiecewiseConstantDecayOptions {
  /** Step counts, strictly increasing (at least one). */
  boundaries: number[];
  /** The rates, each >= 0, one more than the boundaries: values[0] while step <= boundaries[0], …, the last after the last boundary. */
  values: number[];
}

/**
 * A rate constant between boundaries, as Keras's PiecewiseConstantDecay: values[i] for boundaries[i−1] < step <=
 * boundaries[i].
 * @throws RangeError for unsorted or non-finite boundaries, a negative or non-finite value, or values.length other
 * than boundaries.length + 1; TypeError unless both are arrays.
 * @example
 * const schedule = piecewiseConstantDecay({ boundaries: [100, 200], values: [0.1, 0.01, 0.001] });
 * [schedule.rate(100), schedule.rate(101), schedule.rate(500)]; // ≈ [0.1, 0.01, 0.001]
 */
export function piecewiseConstantDecay(options: PiecewiseConstantDecayOptions): LearningRateSchedule {
  const op = 'piecewiseConstantDecay';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['boundaries', 'values']);
  const { boundaries, values } = options;
  for (const [key, list] of [['boundaries', boundaries], ['values', values]] as const) {
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new TypeError(`${op}: ${key} must be an array of finite numbers, got ${showValue(list)}`);
    }
  }
  if (boundaries.length === 0) throw new RangeError(`${op}: boundaries must hold at least one step, got []`);
  const i = boundaries.findIndex((b, j) => j > 0 && !(b > boundaries[j - 1]));
  if (i > 0) throw new RangeError(`${op}: boundaries must be strictly increasing, got ${showValue(boundaries)} (boundaries[${i}] = ${boundaries[i]})`);
  if (values.length !== boundaries.length + 1) {
    throw new RangeError(`${op}: values must hold boundaries.length + 1 = ${boundaries.length + 1} rates, got ${values.length}: ${showValue(values)}`);
  }
  const negative = values.findIndex((v) => v < 0);
  if (negative >= 0) throw new RangeError(`${op}: values[${negative}] must be >= 0, got ${values[negative]}`);
  const table = { boundaries: [...boundaries], values: [...values] };
  return new LearningRateSchedule({ className: 'PiecewiseConstantDecay', config: { boundaries: [...boundaries], values: [...values] } },
    { kind: DECAY_PIECEWISE_CONSTANT, flag: false, initial: 0, steps: 0, table });
}

/**
 * Options of `polynomialDecay`.
 * @inline
 */
export interface PolynomialDecayOptions {
  /** The rate at step 0, >= 0. */
  initialLearningRate: number;
  /** Steps to reach endLearningRate, > 0. */
  decaySteps: number;
  /** The rate from decaySteps on, >= 0 (default 0.0001). */
  endLearningRate?: number;
  /** The polynomial's power, >= 0 (default 1: linear). */
  power?: number;
  /** Start again after decaySteps, over the first multiple of decaySteps past the step (default false). */
  cycle?: boolean;
}

/**
 * Polynomial decay, as Keras's PolynomialDecay: (initial − end)·(1 − step/decaySteps)^power + end, step capped at
 * decaySteps (with `cycle`, decaySteps becomes the first multiple of it at or past step).
 * @throws RangeError for an unknown or missing option, or one out of range; TypeError if cycle is not a boolean.
 * @example
 * polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0 }).rate(5); // ≈ 0.05
 */
export function polynomialDecay(options: PolynomialDecayOptions): LearningRateSchedule {
  const o = settings('polynomialDecay', options, { initialLearningRate: 'rate', decaySteps: 'steps', endLearningRate: 'rate', power: 'rate', cycle: 'flag' },
    { endLearningRate: 0.0001, power: 1, cycle: false });
  return new LearningRateSchedule({ className: 'PolynomialDecay', config: o },
    { kind: DECAY_POLYNOMIAL, flag: Boolean(o.cycle), initial: o.initialLearningRate, steps: o.decaySteps, p1: o.endLearningRate, p2: o.power });
}

/**
 * Options of `inverseTimeDecay`.
 * @inline
 */
export interface InverseTimeDecayOptions {
  /** The rate at step 0, >= 0. */
  initialLearningRate: number;
  /** The step unit, > 0. */
  decaySteps: number;
  /** The decay per unit, >= 0. */
  decayRate: number;
  /** Decay at whole multiples of decaySteps only (default false). */
  staircase?: boolean;
}

/**
 * Inverse time decay, as Keras's InverseTimeDecay: initialLearningRate / (1 + decayRate · step / decaySteps), the
 * quotient floored with `staircase`.
 * @throws RangeError for an unknown or missing option, or one out of range; TypeError if staircase is not a boolean.
 * @example
 * inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }).rate(2); // ≈ 0.05
 */
export function inverseTimeDecay(options: InverseTimeDecayOptions): LearningRateSchedule {
  const o = settings('inverseTimeDecay', options, { initialLearningRate: 'rate', decaySteps: 'steps', decayRate: 'rate', staircase: 'flag' }, { staircase: false });
  return new LearningRateSchedule({ className: 'InverseTimeDecay', config: o },
    { kind: DECAY_INVERSE_TIME, flag: Boolean(o.staircase), initial: o.initialLearningRate, steps: o.decaySteps, p1: o.decayRate });
}

/**
 * Options of `cosineDecay`.
 * @inline
 */
export interface CosineDecayOptions {
  /** The rate at step 0, >= 0 (where the warm-up starts, with one). */
  initialLearningRate: number;
  /** Steps of the decay (after the warm-up), > 0. */
  decaySteps: number;
  /** The final rate as a fraction of the decay's start, in [0, 1] (default 0). */
  alpha?: number;
  /** The rate the warm-up reaches and the decay starts from, >= 0 (default null: no warm-up). */
  warmupTarget?: number | null;
  /** Steps of the linear warm-up, >= 0 (default 0). */
  warmupSteps?: number;
}

/**
 * Cosine decay with an optional linear warm-up, as Keras 3's CosineDecay: with a warmupTarget, the rate goes
 * linearly from initialLearningRate to warmupTarget over warmupSteps, then decays from it as
 * from·((1 − alpha)·½(1 + cos(π·s/decaySteps)) + alpha), s the steps since the warm-up capped at decaySteps.
 * @throws RangeError for an unknown or missing option, or one out of range.
 * @example
 * const schedule = cosineDecay({ initialLearningRate: 0, decaySteps: 100, warmupTarget: 0.1, warmupSteps: 10 });
 * [schedule.rate(5), schedule.rate(10), schedule.rate(110)]; // ≈ [0.05, 0.1, 0]
 */
export function cosineDecay(options: CosineDecayOptions): LearningRateSchedule {
  const o = settings('cosineDecay', options, { initialLearningRate: 'rate', decaySteps: 'steps', alpha: 'fraction', warmupTarget: 'target', warmupSteps: 'count' },
    { alpha: 0, warmupTarget: null, warmupSteps: 0 });
  const warm = o.warmupTarget !== null;
  return new LearningRateSchedule({ className: 'CosineDecay', config: o },
    { kind: DECAY_COSINE, flag: warm, initial: o.initialLearningRate, steps: o.decaySteps, p1: o.alpha, p2: warm ? o.warmupTarget : 0, p3: o.warmupSteps });
}

/**
 * Options of `cosineDecayRestarts`.
 * @inline
 */
export interface CosineDecayRestartsOptions {
  /** The rate at step 0, >= 0. */
  initialLearningRate: number;
  /** Steps of the first period, > 0. */
  firstDecaySteps: number;
  /** Each period's length over the one before, >= 1 (default 2). */
  tMul?: number;
  /** Each period's starting rate over the one before, in [0, 1] (default 1). */
  mMul?: number;
  /** The rate at a period's end as a fraction of its start, in [0, 1] (default 0). */
  alpha?: number;
}

/**
 * Cosine decay with warm restarts (SGDR, Loshchilov & Hutter), as Keras's CosineDecayRestarts: period i lasts
 * firstDecaySteps·tMul^i steps and decays from initialLearningRate·mMul^i as cosineDecay does. tMul must be >= 1
 * (below 1 the periods add up to a finite number of steps, past which Keras's rate is NaN) and mMul at most 1 (a rate
 * that grows without bound at each restart would overflow).
 * @throws RangeError for an unknown or missing option, or one out of range.
 * @example
 * const schedule = cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 10, tMul: 1, mMul: 0.5 });
 * [schedule.rate(5), schedule.rate(10)]; // ≈ [0.05, 0.05]
 */
export function cosineDecayRestarts(options: CosineDecayRestartsOptions): LearningRateSchedule {
  const o = settings('cosineDecayRestarts', options, { initialLearningRate: 'rate', firstDecaySteps: 'steps', tMul: 'growth', mMul: 'fraction', alpha: 'fraction' },
    { tMul: 2, mMul: 1, alpha: 0 });
  return new LearningRateSchedule({ className: 'CosineDecayRestarts', config: o },
    { kind: DECAY_COSINE_RESTARTS, flag: false, initial: o.initialLearningRate, steps: o.firstDecaySteps, p1: o.alpha, p2: o.tMul, p3: o.mMul });
}

const FACTORIES: Record<string, (options: never) => LearningRateSchedule> = {
  ExponentialDecay: exponentialDecay, PiecewiseConstantDecay: piecewiseConstantDecay, PolynomialDecay: polynomialDecay,
  InverseTimeDecay: inverseTimeDecay, CosineDecay: cosineDecay, CosineDecayRestarts: cosineDecayRestarts,
};

/**
 * The schedule a ScheduleConfig describes (an optimizer config's learningRate, from a model file or `compile`).
 * Throws a RangeError naming `op` unless it is { className, config } with a known className; the config is checked
 * by the schedule's factory.
 */
export function scheduleFromConfig(value: unknown, op: string): LearningRateSchedule {
  const { className, config } = (typeof value === 'object' && value !== null ? value : {}) as Partial<ScheduleConfig>;
  if (typeof className !== 'string' || !Object.hasOwn(FACTORIES, className) || typeof config !== 'object' || config === null) {
    throw new RangeError(`${op}: learningRate must be a number or a schedule's config { className, config } (className one of ${Object.keys(FACTORIES).join(', ')}), got ${showValue(value)}`);
  }
  return FACTORIES[className](config as never);
}
