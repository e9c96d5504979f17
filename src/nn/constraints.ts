// Weight constraints, as Keras's and TensorFlow.js's: a projection applied to a weight after each optimizer update
// (kernelConstraint, biasConstraint, …), in wasm (assembly/regularize.ts `constrain`).
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';

/** The constraint classes, by the name TF.js and Keras save them under. */
export type ConstraintClass = 'MaxNorm' | 'NonNeg' | 'UnitNorm';

/**
 * A weight constraint: after each update, MaxNorm scales each norm above maxValue down to it, UnitNorm scales each
 * norm to 1 (both norms over `axis`, with Keras's ε = 1e-7 added before dividing), NonNeg sets negative weights to 0.
 * Made by `constraints.maxNorm`, `nonNeg` or `unitNorm`.
 * @example
 * const c = constraints.maxNorm({ maxValue: 3 });
 * c instanceof constraints.Constraint; // true
 * c.getConfig(); // { maxValue: 3, axis: 0 }
 */
export class Constraint {
  /**
   * The constraint's class: 'MaxNorm', 'NonNeg' or 'UnitNorm'.
   * @example
   * constraints.nonNeg().className; // 'NonNeg'
   */
  readonly className: ConstraintClass;
  /**
   * MaxNorm's bound on each norm (undefined for the others).
   * @example
   * constraints.maxNorm().maxValue; // 2
   */
  readonly maxValue: number | undefined;
  /**
   * The axes each norm runs over (MaxNorm, UnitNorm): an axis or several adjacent ones, negative from the end; for a
   * Dense kernel [inputs, units], 0 (the default) bounds each unit's incoming weights.
   * @example
   * constraints.unitNorm({ axis: [0, 1, 2] }).axis; // [0, 1, 2]
   */
  readonly axis: number | readonly number[] | undefined;

  /**
   * A constraint of class `className` with its settings (see the factories).
   * @throws RangeError for a maxValue that is not a finite number ≥ 0, or an axis that is not an integer or a
   * non-empty array of adjacent integers.
   * @example
   * new constraints.Constraint('UnitNorm', undefined, 1).axis; // 1
   */
  constructor(className: ConstraintClass, maxValue?: number, axis?: number | readonly number[], op = `constraints.${className}`) {
    this.className = className;
    if (className === 'MaxNorm' && (typeof maxValue !== 'number' || !(maxValue >= 0) || !Number.isFinite(Math.fround(maxValue)))) {
      throw new RangeError(`${op}: maxValue must be a finite number >= 0, got ${showValue(maxValue)}`);
    }
    this.maxValue = className === 'MaxNorm' ? maxValue : undefined;
    if (className !== 'NonNeg') {
      const list = typeof axis === 'number' ? [axis] : axis;
      const sorted = Array.isArray(list) ? [...list].sort((a, b) => a - b) : [];
      if (!Array.isArray(list) || list.length === 0 || !list.every((a) => Number.isInteger(a)) || sorted.some((a, i) => i > 0 && a !== sorted[i - 1] + 1)) {
        throw new RangeError(`${op}: axis must be an integer or a non-empty array of adjacent integers (such as [0, 1, 2]), got ${showValue(axis)}`);
      }
      this.axis = typeof axis === 'number' ? axis : [...list];
    }
  }

  /**
   * The options that make it again, as TF.js's getConfig.
   * @example
   * constraints.unitNorm().getConfig(); // { axis: 0 }
   */
  getConfig(): Record<string, unknown> {
    if (this.className === 'NonNeg') return {};
    return this.className === 'MaxNorm' ? { maxValue: this.maxValue, axis: this.axis } : { axis: this.axis };
  }

  /**
   * The axes of a weight of `rank` axes each norm runs over, as [first, last] (inclusive, non-negative).
   * @throws RangeError naming `what` for an axis outside [-rank, rank).
   * @internal
   */
  axesOf(rank: number, what: string): [number, number] {
    const list = (typeof this.axis === 'number' ? [this.axis] : this.axis ?? [0]).map((a) => (a < 0 ? a + rank : a));
    if (list.some((a) => a < 0 || a >= rank)) {
      throw new RangeError(`${what}: axis ${showValue(this.axis)} is out of range for a weight of rank ${rank} (valid: ${-rank}..${rank - 1})`);
    }
    return [Math.min(...list), Math.max(...list)];
  }
}

/**
 * MaxNorm: after each update, each norm over `axis` (default 0) above `maxValue` (default 2) is scaled down to it
 * (w · min(‖w‖, maxValue) / (ε + ‖w‖), as Keras).
 * @throws RangeError for an unknown option, a maxValue that is not finite and ≥ 0, or a bad axis.
 * @example
 * const layer = dense({ units: 4, kernelConstraint: constraints.maxNorm({ maxValue: 1 }) });
 * layer.getConfig().kernelConstraint; // { className: 'MaxNorm', config: { maxValue: 1, axis: 0 } }
 */
export function maxNorm(options: { maxValue?: number; axis?: number | readonly number[] } = {}): Constraint {
  checkOptionKeys('constraints.maxNorm', options, ['maxValue', 'axis']);
  return new Constraint('MaxNorm', options.maxValue ?? 2, options.axis ?? 0, 'constraints.maxNorm');
}

/**
 * NonNeg: after each update, negative weights become 0.
 * @throws RangeError for any option.
 * @example
 * constraints.nonNeg().getConfig(); // {}
 */
export function nonNeg(options: Record<string, never> = {}): Constraint {
  checkOptionKeys('constraints.nonNeg', options, []);
  return new Constraint('NonNeg');
}

/**
 * UnitNorm: after each update, each norm over `axis` (default 0) is scaled to 1 (w / (ε + ‖w‖), as Keras).
 * @throws RangeError for an unknown option or a bad axis.
 * @example
 * constraints.unitNorm({ axis: -1 }).getConfig(); // { axis: -1 }
 */
export function unitNorm(options: { axis?: number | readonly number[] } = {}): Constraint {
  checkOptionKeys('constraints.unitNorm', options, ['axis']);
  return new Constraint('UnitNorm', undefined, options.axis ?? 0, 'constraints.unitNorm');
}

/** Names a layer option takes: Keras's strings and TF.js's identifiers. */
const NAMES: Record<string, () => Constraint> = {
  maxNorm: () => maxNorm(), max_norm: () => maxNorm(), nonNeg: () => nonNeg(), non_neg: () => nonNeg(),
  unitNorm: () => unitNorm(), unit_norm: () => unitNorm(),
};
const CLASSES: Record<string, readonly string[]> = { MaxNorm: ['maxValue', 'axis'], NonNeg: [], UnitNorm: ['axis'] };

/** What a layer's constraint options take: a constraint, a name ('maxNorm', 'max_norm', …), or a saved config. */
export type ConstraintIdentifier = Constraint | string | { className: string; config?: Record<string, unknown> };

/**
 * A constraint from a layer option (`arg` of `op` in errors): a Constraint, a name, or a saved config
 * `{ className, config }`; undefined and null give none.
 * @internal
 */
export function toConstraint(value: unknown, op: string, arg: string): Constraint | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Constraint) return value;
  if (typeof value === 'string' && Object.hasOwn(NAMES, value)) return NAMES[value]();
  const { className, config = {} } = (typeof value === 'object' ? value : {}) as { className?: unknown; config?: unknown };
  if (typeof className !== 'string' || !Object.hasOwn(CLASSES, className)) {
    throw new RangeError(`${op}: ${arg} must be a constraint (constraints.maxNorm, nonNeg, unitNorm), one of ${Object.keys(NAMES).join(', ')}, or { className: 'MaxNorm', config }, got ${showValue(value)}`);
  }
  checkOptionKeys(op, config, CLASSES[className], `${arg}.config`);
  const { maxValue = 2, axis = 0 } = config as { maxValue?: number; axis?: number | number[] };
  return new Constraint(className as ConstraintClass, maxValue, axis, `${op}: ${arg}`);
}

/** The saved form of a constraint, as TF.js serializes it (camelCase keys). @internal */
export function constraintConfig(c: Constraint): { className: string; config: Record<string, unknown> } {
  return { className: c.className, config: c.getConfig() };
}
