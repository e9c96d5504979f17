// Weight and activity regularizers, as Keras's and TensorFlow.js's: a penalty l1·Σ|x| + l2·Σx² added to the loss. A
// layer takes them as kernelRegularizer, biasRegularizer, activityRegularizer (…); the training loop computes the
// penalties and their gradients in wasm (assembly/regularize.ts).
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';

/** Keras's default factor of the 'l1', 'l2' and 'l1l2' regularizers (and of TF.js's l1, l2, l1l2 without one). */
const DEFAULT_FACTOR = 0.01;

/**
 * A regularizer: the penalty l1·Σ|x| + l2·Σx² over a weight (or, as an activity regularizer, over a layer's outputs,
 * divided by the batch's rows as Keras does), added to the training loss. Made by `regularizers.l1`, `l2` or `l1l2`.
 * @example
 * const reg = regularizers.l2({ l2: 0.001 });
 * reg instanceof regularizers.L1L2; // true
 * reg.getConfig(); // { l1: 0, l2: 0.001 }
 */
export class L1L2 {
  /**
   * 'L1L2', the class name TF.js saves every l1, l2 and l1l2 regularizer under.
   * @example
   * regularizers.l1().className; // 'L1L2'
   */
  readonly className = 'L1L2';
  /**
   * The factor of Σ|x|.
   * @example
   * regularizers.l1({ l1: 0.5 }).l1; // 0.5
   */
  readonly l1: number;
  /**
   * The factor of Σx².
   * @example
   * regularizers.l1l2({ l1: 0.5, l2: 0.25 }).l2; // 0.25
   */
  readonly l2: number;

  /**
   * A regularizer of these factors (each a finite number ≥ 0, finite as float32).
   * @throws RangeError for a negative or non-finite factor, naming `op` and the option; TypeError for a non-number.
   * @example
   * new regularizers.L1L2(0.1, 0).l1; // 0.1
   */
  constructor(l1: number, l2: number, op = 'regularizers.l1l2') {
    this.l1 = checkFactor(l1, op, 'l1');
    this.l2 = checkFactor(l2, op, 'l2');
  }

  /**
   * The options that make it again, as TF.js's getConfig.
   * @example
   * regularizers.l1l2().getConfig(); // { l1: 0.01, l2: 0.01 }
   */
  getConfig(): { l1: number; l2: number } {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** A regularizer (see {@link L1L2}). */
export type Regularizer = L1L2;

/** What a layer's regularizer options take: a regularizer, Keras's name ('l1', 'l2', 'l1l2'), or a saved config. */
export type RegularizerIdentifier = Regularizer | 'l1' | 'l2' | 'l1l2' | 'l1_l2' | { className: string; config?: Record<string, unknown> };

function checkFactor(value: unknown, op: string, arg: string): number {
  if (typeof value !== 'number') throw new TypeError(`${op}: ${arg} must be a number, got ${showValue(value)}`);
  if (!(value >= 0) || !Number.isFinite(Math.fround(value))) {
    throw new RangeError(`${op}: ${arg} must be a finite number >= 0, got ${showValue(value)}`);
  }
  return value;
}

/**
 * An L1 regularizer: the penalty l1·Σ|x| (l1 default 0.01, as Keras and TF.js).
 * @throws RangeError for an unknown option or a negative or non-finite l1.
 * @example
 * const layer = dense({ units: 2, kernelRegularizer: regularizers.l1({ l1: 0.001 }) });
 * layer.getConfig().kernelRegularizer; // { className: 'L1L2', config: { l1: 0.001, l2: 0 } }
 */
export function l1(options: { l1?: number } = {}): L1L2 {
  checkOptionKeys('regularizers.l1', options, ['l1']);
  return new L1L2(options.l1 ?? DEFAULT_FACTOR, 0, 'regularizers.l1');
}

/**
 * An L2 regularizer (weight decay through the loss): the penalty l2·Σx² (l2 default 0.01, as Keras and TF.js).
 * @throws RangeError for an unknown option or a negative or non-finite l2.
 * @example
 * regularizers.l2().getConfig(); // { l1: 0, l2: 0.01 }
 */
export function l2(options: { l2?: number } = {}): L1L2 {
  checkOptionKeys('regularizers.l2', options, ['l2']);
  return new L1L2(0, options.l2 ?? DEFAULT_FACTOR, 'regularizers.l2');
}

/**
 * An L1 and L2 regularizer: l1·Σ|x| + l2·Σx² (each factor default 0.01, as TF.js's l1l2 and Keras's 'l1l2').
 * @throws RangeError for an unknown option or a negative or non-finite factor.
 * @example
 * regularizers.l1l2({ l1: 0.001 }).getConfig(); // { l1: 0.001, l2: 0.01 }
 */
export function l1l2(options: { l1?: number; l2?: number } = {}): L1L2 {
  checkOptionKeys('regularizers.l1l2', options, ['l1', 'l2']);
  return new L1L2(options.l1 ?? DEFAULT_FACTOR, options.l2 ?? DEFAULT_FACTOR, 'regularizers.l1l2');
}

const NAMES: Record<string, () => L1L2> = { l1: () => l1(), l2: () => l2(), l1l2: () => l1l2(), l1_l2: () => l1l2() };
/** Saved class names: TF.js's L1L2, and Keras's L1 and L2 (whose configs hold one factor). */
const CLASSES = ['L1L2', 'L1', 'L2'];

/**
 * A regularizer from a layer option (`arg` of `op` in errors): a regularizer, a name, or a saved config
 * `{ className, config: { l1, l2 } }`; undefined and null give none.
 * @internal
 */
export function toRegularizer(value: unknown, op: string, arg: string): Regularizer | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof L1L2) return value;
  if (typeof value === 'string') {
    if (Object.hasOwn(NAMES, value)) return NAMES[value]();
    throw new RangeError(`${op}: ${arg} must be a regularizer (regularizers.l1, l2, l1l2) or one of ${Object.keys(NAMES).join(', ')}, got ${showValue(value)}`);
  }
  const { className, config = {} } = (typeof value === 'object' ? value : {}) as { className?: unknown; config?: unknown };
  if (typeof className !== 'string' || !CLASSES.includes(className)) {
    throw new RangeError(`${op}: ${arg} must be a regularizer (regularizers.l1, l2, l1l2), one of ${Object.keys(NAMES).join(', ')}, or { className: 'L1L2', config }, got ${showValue(value)}`);
  }
  checkOptionKeys(op, config, className === 'L1L2' ? ['l1', 'l2'] : [className.toLowerCase()], `${arg}.config`);
  const { l1: a = 0, l2: b = 0 } = config as { l1?: number; l2?: number };
  return new L1L2(a, b, `${op}: ${arg}`);
}

/** The saved form of a regularizer, as TF.js serializes it (camelCase keys; the Keras formats convert them). @internal */
export function regularizerConfig(reg: Regularizer): { className: string; config: Record<string, number> } {
  return { className: reg.className, config: reg.getConfig() };
}
