// A layer's regularizers and constraints: options named as Keras's and TF.js's (`kernelRegularizer`,
// `biasConstraint`, `depthwiseRegularizer`, `activityRegularizer`, …), each tied to one of the layer's weights by its
// Keras name. The plan writes them into the parameter and node records (PARAM_L1…, NODE_ACTIVITY_…).
import {
  CONSTRAINT_MAX_NORM, CONSTRAINT_NON_NEG, CONSTRAINT_NONE, CONSTRAINT_UNIT_NORM, PARAM_CONSTRAINT, PARAM_L1, PARAM_L2, PARAM_MAX_VALUE,
  PARAM_NORM_LENGTH, PARAM_NORM_OUTER,
} from '../../../assembly/layout';
import type { Tensor } from '../../tensor/tensor';
import type { Variable } from '../../tensor/variable';
import { constraintConfig, toConstraint, type Constraint, type ConstraintIdentifier } from '../constraints';
import { regularizerConfig, toRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers';
import { weightNameOf } from './weight';

/** A weight's regularizer and constraint: `option` is the options' prefix (`kernel`), `weight` its Keras name. */
export interface WeightRule {
  readonly option: string;
  readonly weight: string;
  readonly regularizer: Regularizer | undefined;
  readonly constraint: Constraint | undefined;
}

/** The weights a layer kind regularizes: option prefix → the weight's Keras name ({ kernel: 'kernel', bias: 'bias' }). */
export type RuleTargets = Readonly<Record<string, string>>;

/** Dense's and the convolutions' targets. */
export const KERNEL_AND_BIAS: RuleTargets = { kernel: 'kernel', bias: 'bias' };

/** The option keys of these targets: `<prefix>Regularizer`, `<prefix>Constraint`, and `activityRegularizer`. */
export function ruleKeys(targets: RuleTargets): string[] {
  return [...Object.keys(targets).flatMap((p) => [`${p}Regularizer`, `${p}Constraint`]), 'activityRegularizer'];
}

/** A layer's regularizers and constraints (none by default). */
export class LayerRules {
  constructor(readonly weights: readonly WeightRule[] = [], readonly activity: Regularizer | undefined = undefined) {}

  /** The rule of the weight of this Keras name, if it has a regularizer or constraint. */
  of(weight: Variable): WeightRule | undefined {
    const name = weightNameOf(weight);
    return this.weights.find((r) => r.weight === name);
  }

  /** These rules and `rule` (a custom layer's addWeight with a regularizer or constraint). */
  with(rule: WeightRule): LayerRules {
    return new LayerRules([...this.weights, rule], this.activity);
  }

  /** The options that rebuild them, in their saved form (only those set, so configs without any are unchanged). */
  config(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.weights) {
      if (r.regularizer) out[`${r.option}Regularizer`] = regularizerConfig(r.regularizer);
      if (r.constraint) out[`${r.option}Constraint`] = constraintConfig(r.constraint);
    }
    if (this.activity) out.activityRegularizer = regularizerConfig(this.activity);
    return out;
  }

  /**
   * Checks them against the built layer's weights (`label` names it, `op` the call): each names a weight the layer
   * has, and each constraint's axes are in range for it.
   * @throws RangeError naming the layer, the option and its value.
   */
  check(weights: readonly Variable[], label: string, op: string): void {
    for (const r of this.weights) {
      const w = weights.find((v) => weightNameOf(v) === r.weight);
      const option = r.constraint ? `${r.option}Constraint` : `${r.option}Regularizer`;
      if (!w) throw new RangeError(`${op}: layer ${label} has no ${r.weight} (useBias false?), so its ${option} cannot apply`);
      r.constraint?.axesOf(w.rank, `${op}: layer ${label}'s ${r.option}Constraint (${r.constraint.className}), on its ${r.weight} of shape [${w.shape.join(', ')}]`);
    }
  }
}

const CONSTRAINT_CODES = { MaxNorm: CONSTRAINT_MAX_NORM, NonNeg: CONSTRAINT_NON_NEG, UnitNorm: CONSTRAINT_UNIT_NORM };

/**
 * Writes a parameter record's regularization words (PARAM_L1 … PARAM_NORM_LENGTH) at word `at` of a plan's i32 and
 * f32 views, for `weight` and its rule (none: zeros).
 */
export function writeParamRules(I: Int32Array, F: Float32Array, at: number, weight: Tensor, rule: WeightRule | undefined): void {
  F[at + PARAM_L1] = rule?.regularizer?.l1 ?? 0;
  F[at + PARAM_L2] = rule?.regularizer?.l2 ?? 0;
  const c = rule?.constraint;
  I[at + PARAM_CONSTRAINT] = c ? CONSTRAINT_CODES[c.className] : CONSTRAINT_NONE;
  if (!c || c.className === 'NonNeg') return;
  // The norms run over axes [first, last]: the weight viewed as [outer, length, inner].
  const [first, last] = c.axesOf(weight.rank, 'plan');
  const size = (from: number, to: number): number => weight.shape.slice(from, to).reduce((a, b) => a * b, 1);
  F[at + PARAM_MAX_VALUE] = c.maxValue ?? 0;
  I[at + PARAM_NORM_OUTER] = size(0, first);
  I[at + PARAM_NORM_LENGTH] = size(first, last + 1);
}

/** No regularizer or constraint. */
export const NO_RULES = new LayerRules();

/**
 * The rules the options give for these targets (errors name `op` and the option); `absent` maps the prefixes of
 * weights the layer's options leave out to why (`{ bias: 'useBias is false' }`): a rule on one of them is an error.
 */
export function takeRules(options: object, op: string, targets: RuleTargets, absent: Record<string, string> = {}): LayerRules {
  const given = options as Record<string, unknown>;
  const weights: WeightRule[] = [];
  for (const [option, weight] of Object.entries(targets)) {
    const regularizer = toRegularizer(given[`${option}Regularizer`], op, `${option}Regularizer`);
    const constraint = toConstraint(given[`${option}Constraint`], op, `${option}Constraint`);
    if ((regularizer || constraint) && Object.hasOwn(absent, option)) {
      throw new RangeError(`${op}: ${option}${regularizer ? 'Regularizer' : 'Constraint'} applies to the ${weight}, which the layer has not (${absent[option]})`);
    }
    if (regularizer || constraint) weights.push({ option, weight, regularizer, constraint });
  }
  const activity = toRegularizer(given.activityRegularizer, op, 'activityRegularizer');
  return weights.length === 0 && !activity ? NO_RULES : new LayerRules(weights, activity);
}

/**
 * The activity regularizer every regularized layer takes: a penalty on its outputs, divided by the batch's rows.
 * @example
 * const options: ActivityRegularizerOptions = { activityRegularizer: regularizers.l1({ l1: 1e-4 }) };
 * dense({ units: 2, ...options }).getConfig().activityRegularizer; // { className: 'L1L2', config: { l1: 0.0001, l2: 0 } }
 */
export interface ActivityRegularizerOptions {
  /** A penalty on the layer's outputs, (l1·Σ|a| + l2·Σa²) / rows: a regularizer or a name ('l1', 'l2', 'l1l2'). */
  activityRegularizer?: RegularizerIdentifier;
}

/**
 * A kernel's regularizer and constraint (Dense, Conv1D, Conv2D, Conv2DTranspose).
 * @example
 * const options: KernelRuleOptions = { kernelRegularizer: 'l2', kernelConstraint: 'maxNorm' };
 * dense({ units: 2, ...options }).getConfig().kernelConstraint; // { className: 'MaxNorm', config: { maxValue: 2, axis: 0 } }
 */
export interface KernelRuleOptions {
  /** A penalty on the kernel: a regularizer or a name ('l1', 'l2', 'l1l2': factor 0.01). */
  kernelRegularizer?: RegularizerIdentifier;
  /** A constraint applied to the kernel after each update: a constraint or a name ('maxNorm', 'nonNeg', 'unitNorm'). */
  kernelConstraint?: ConstraintIdentifier;
}

/**
 * A bias's regularizer and constraint.
 * @example
 * const options: BiasRuleOptions = { biasConstraint: constraints.nonNeg() };
 * dense({ units: 2, ...options }).getConfig().biasConstraint; // { className: 'NonNeg', config: {} }
 */
export interface BiasRuleOptions {
  /** A penalty on the bias. */
  biasRegularizer?: RegularizerIdentifier;
  /** A constraint applied to the bias after each update. */
  biasConstraint?: ConstraintIdentifier;
}
