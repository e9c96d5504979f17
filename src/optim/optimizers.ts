import { showValue } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { SlotOptimizer } from './optimizer';
import { LearningRateSchedule, type ScheduleConfig } from './schedule';
import { checkClip, checkOptions, checkRate, FRACTION, RATE, type ClipOptions } from './settings';

export type { ClipOptions } from './settings';

/**
 * An optimizer's settings as JSON, as model files save them: its name, learning rate (a number, or a schedule's
 * config) and other options (clipNorm, globalClipNorm and clipValue only when set). `compile` takes one in place
 * of an optimizer.
 * @example
 * const config: OptimizerConfig = { name: 'adam', learningRate: 0.01 };
 * const model = sequential([dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: config, loss: 'meanSquaredError' });
 * model.optimizer?.config.beta1; // 0.9
 */
export interface OptimizerConfig {
  /** Which optimizer. */
  name: 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
  /** The step size, or the config of the schedule it follows. */
  learningRate: number | ScheduleConfig;
  /** The optimizer's other options, such as momentum or beta1. */
  [option: string]: number | boolean | string | ScheduleConfig;
}

/**
 * A variable's gradient by name, as TF.js's NamedTensor: one entry of the list `applyGradients` takes.
 * @example
 * const w = variable(tensor([1, 2]), { name: 'named_w' });
 * const entry: NamedTensor = { name: w.name, tensor: tensor([0.5, 0.5]) };
 * sgd({ learningRate: 1 }).applyGradients([entry]);
 * w.toArray(); // [0.5, 1.5]
 */
export interface NamedTensor {
  /** The variable's name. */
  name: string;
  /** Its gradient, of the variable's shape. */
  tensor: Tensor;
}

/**
 * An optimizer: its settings, for `compile`, and TF.js's methods for training variables in a loop of your own
 * (`minimize`, `computeGradients`, `applyGradients`). Make one with `sgd`, `adam`, `rmsprop` or `adagrad`. Its steps
 * run in the training loop's own kernels, so a custom loop and `fit` with the same settings take identical steps.
 * @example
 * const optimizer: Optimizer = rmsprop({ learningRate: 0.01 });
 * optimizer.stateArrays; // 1
 */
export interface Optimizer {
  /** The settings, every option filled in with its default. */
  readonly config: OptimizerConfig;
  /**
   * The learning rate of the next step: the number given (or last set), or the schedule's rate at `iterations`.
   * Setting it (between fit's epochs, from a callback, or between applyGradients calls) changes the steps that
   * follow, and the config. Throws a RangeError when set to anything but a finite number >= 0, or on an optimizer
   * made with a schedule (whose rate is not settable, as Keras).
   */
  learningRate: number;
  /** The schedule the learning rate follows, or null for a rate that is a number. */
  readonly schedule: LearningRateSchedule | null;
  /** Arrays of optimizer state each parameter needs (momentum, Adam's m and v, …). */
  readonly stateArrays: number;
  /**
   * Steps applied so far (applyGradients calls, or a model's training steps for the optimizer `compile` gave it;
   * the same as `model.step`): Adam's bias correction uses t = iterations + 1. `dispose` resets it to 0.
   */
  readonly iterations: number;
  /**
   * The optimizer's state for `weight` (stateArrays tensors of its shape: momentum, Adam's m and v, …), created
   * zeroed on first use and kept by the optimizer: `compile` gives a model an optimizer of its own, and the
   * model's training updates them in place.
   */
  getSlots(weight: Tensor): Tensor[];
  /**
   * One step on the variables that f (a function of no arguments returning a scalar tensor, the cost) depends on,
   * as TF.js's minimize: their gradients from `variableGrads(f, varList)` (default: every live trainable variable),
   * applied with `applyGradients` and disposed. Returns the cost when `returnCost`, else null.
   * Throws what variableGrads throws (a TypeError unless f returns a scalar tensor; a RangeError if f depends on no
   * listed trainable variable), and a TypeError unless returnCost is a boolean; the variables are then unchanged.
   */
  minimize(f: () => Tensor, returnCost?: boolean, varList?: readonly Variable[]): Tensor | null;
  /**
   * The cost f returns and its gradients by variable name, `variableGrads(f, varList)` (see there), for
   * `applyGradients` after looking at or changing them (clipping, say). Dispose both when done.
   */
  computeGradients(f: () => Tensor, varList?: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> };
  /**
   * One step (counted in `iterations`) on each variable named in `grads` (a record by variable name, as
   * computeGradients gives, or a list of { name, tensor }), written into the variable in place; non-trainable
   * variables are skipped, as TF.js does. The gradients stay the caller's. Everything is checked before the first
   * variable changes: a TypeError for grads of another form or an entry that is not a tensor, a RangeError for a name
   * no live variable has (disposed, or never made) or listed twice, a ShapeError for a gradient of another shape than
   * its variable, a DisposedError for a disposed gradient.
   */
  applyGradients(grads: Record<string, Tensor> | readonly NamedTensor[]): void;
  /**
   * Frees the state of every weight and resets `iterations` (a later step starts from zeros); `compile` and the
   * model's dispose call it.
   */
  dispose(): void;
}

/** An optimizer `name` of checked `settings` with the learning rate (default `rate`) and clipping of `options`. */
function optimizerOf(name: OptimizerConfig['name'], options: object, rate: number, settings: Record<string, number | boolean>, stateArrays: number): Optimizer {
  const given = options as Record<string, unknown>;
  const learningRate = checkRate(name, given.learningRate ?? rate), clip = checkClip(name, given);
  const schedule = learningRate instanceof LearningRateSchedule ? learningRate : null;
  return new SlotOptimizer({ name, learningRate: schedule ? schedule.config : learningRate as number, ...settings, ...clip }, stateArrays, schedule);
}

/**
 * Options of `sgd`.
 * @inline
 */
export interface SgdOptions extends ClipOptions {
  /** Step size, >= 0 (default 0.01), or a schedule such as `cosineDecay({...})`. */
  learningRate?: number | LearningRateSchedule;
  /** Momentum in [0, 1] (default 0: plain gradient descent). */
  momentum?: number;
  /** Nesterov momentum instead of classic (default false). */
  nesterov?: boolean;
  /** L2 penalty factor, >= 0 (default 0). */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent, with optional momentum (Nesterov or classic, as Keras). Every optimizer's
 * `weightDecay` is an L2 penalty folded into the gradient, g + weightDecay·w (as an l2(weightDecay/2) kernel
 * regularizer would add), not Keras 3's decoupled decay; clipping (clipNorm, globalClipNorm or clipValue, see
 * ClipOptions) acts on g before it. Every optimizer takes a schedule as its learningRate.
 * @throws RangeError for an unknown option (naming the nearest valid one) or a value out of range, a learningRate
 * that is neither a number >= 0 nor a schedule, or more than one clipping option; TypeError if nesterov is not a
 * boolean.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'meanSquaredError' });
 * sgd().config; // { name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0 }
 * sgd({ learningRate: cosineDecay({ initialLearningRate: 0.1, decaySteps: 1000 }), clipNorm: 1 }).config.clipNorm; // 1
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  checkOptions('sgd', options, { momentum: FRACTION, weightDecay: RATE }, ['nesterov']);
  const { momentum = 0, nesterov = false, weightDecay = 0 } = options;
  return optimizerOf('sgd', options, 0.01, { momentum, nesterov, weightDecay }, momentum > 0 ? 1 : 0);
}

/**
 * Options of `adam`.
 * @inline
 */
export interface AdamOptions extends ClipOptions {
  /** Step size, >= 0 (default 0.001), or a schedule such as `cosineDecay({...})`. */
  learningRate?: number | LearningRateSchedule;
  /** Decay of the running mean of the gradients, in [0, 0.999999] (default 0.9). */
  beta1?: number;
  /** Decay of the running mean of the squared gradients, in [0, 0.999999] (default 0.999). */
  beta2?: number;
  /** Added to the root of the squared-gradient mean, >= 0 (default 1e-7). */
  epsilon?: number;
  /** L2 penalty factor, >= 0 (default 0; see `sgd`). */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba), with Keras' defaults and bias correction folded into the step size. `compile` uses it with
 * the defaults when no optimizer is given.
 * @throws RangeError for an unknown option (naming the nearest valid one) or a value out of range.
 * @example
 * const model = sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
 * model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
 * adam().config; // { name: 'adam', learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 }
 */
export function adam(options: AdamOptions = {}): Optimizer {
  checkOptions('adam', options, { beta1: [0, 0.999999], beta2: [0, 0.999999], epsilon: RATE, weightDecay: RATE });
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0 } = options;
  return optimizerOf('adam', options, 0.001, { beta1, beta2, epsilon, weightDecay }, 2);
}

/**
 * Options of `rmsprop`.
 * @inline
 */
export interface RmspropOptions extends ClipOptions {
  /** Step size, >= 0 (default 0.001), or a schedule such as `cosineDecay({...})`. */
  learningRate?: number | LearningRateSchedule;
  /** Decay of the running mean of the squared gradients, in [0, 1] (default 0.9). */
  rho?: number;
  /** Added to the root mean square, >= 0 (default 1e-7). */
  epsilon?: number;
  /** L2 penalty factor, >= 0 (default 0; see `sgd`). */
  weightDecay?: number;
}

/**
 * RMSprop: steps scaled by a running root mean square of the gradients, w −= lr·g/(√ms + ε) (ε outside the root,
 * as PyTorch; Keras and TensorFlow.js put it inside, which differs only while ms is near ε).
 * @throws RangeError for an unknown option (naming the nearest valid one) or a value out of range.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: rmsprop({ learningRate: 0.01 }), loss: 'meanSquaredError' });
 * rmsprop().config; // { name: 'rmsprop', learningRate: 0.001, rho: 0.9, epsilon: 1e-7, weightDecay: 0 }
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  checkOptions('rmsprop', options, { rho: FRACTION, epsilon: RATE, weightDecay: RATE });
  const { rho = 0.9, epsilon = 1e-7, weightDecay = 0 } = options;
  return optimizerOf('rmsprop', options, 0.001, { rho, epsilon, weightDecay }, 1);
}

/**
 * Options of `adagrad`.
 * @inline
 */
export interface AdagradOptions extends ClipOptions {
  /** Step size, >= 0 (default 0.01), or a schedule such as `cosineDecay({...})`. */
  learningRate?: number | LearningRateSchedule;
  /** Added to the root of the accumulated squares, >= 0 (default 1e-7). */
  epsilon?: number;
  /** L2 penalty factor, >= 0 (default 0; see `sgd`). */
  weightDecay?: number;
}

/**
 * Adagrad: steps scaled by the accumulated squared gradients, w −= lr·g/(√acc + ε), acc starting at 0 (Duchi et
 * al.; Keras and TensorFlow.js start it at 0.1 and put ε inside the root).
 * @throws RangeError for an unknown option (naming the nearest valid one) or a value out of range.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: adagrad({ learningRate: 0.1 }), loss: 'meanSquaredError' });
 * adagrad().config; // { name: 'adagrad', learningRate: 0.01, epsilon: 1e-7, weightDecay: 0 }
 */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  checkOptions('adagrad', options, { epsilon: RATE, weightDecay: RATE });
  const { epsilon = 1e-7, weightDecay = 0 } = options;
  return optimizerOf('adagrad', options, 0.01, { epsilon, weightDecay }, 1);
}

const factories = { sgd, adam, rmsprop, adagrad } as const;

/** An optimizer from a name ('adam'), a saved config, or an Optimizer. */
export function toOptimizer(value: unknown, op: string): Optimizer {
  const optimizer = typeof value === 'object' && value !== null && 'config' in value && 'stateArrays' in value;
  const config = (typeof value === 'string' ? { name: value } : optimizer ? value.config : value) as { name?: unknown } | null;
  const name = config?.name;
  if (typeof name !== 'string' || !Object.hasOwn(factories, name)) {
    throw new RangeError(`${op}: optimizer must be one of ${Object.keys(factories).join(', ')} or an optimizer object, got ${showValue(value)}`);
  }
  const { name: _, ...options } = config as Record<string, unknown>;
  return (factories[name as keyof typeof factories] as (o: Record<string, unknown>) => Optimizer)(options);
}
