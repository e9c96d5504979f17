import { showValue } from '../tensor/errors';

/** Saved form of an optimizer. */
export interface OptimizerConfig {
  name: 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
  learningRate: number;
  [option: string]: number | boolean | string;
}

/** An optimizer's settings; the training kernel (assembly/train.ts) applies its updates in place. */
export interface Optimizer {
  readonly config: OptimizerConfig;
  /** Arrays of optimizer state each parameter needs (momentum, Adam's m and v, …). */
  readonly stateArrays: number;
}

function checkOptions(op: string, options: Record<string, unknown>, ranges: Record<string, [number, number]>): void {
  for (const [key, value] of Object.entries(options)) {
    if (key === 'nesterov') {
      if (typeof value !== 'boolean') throw new TypeError(`${op}: nesterov must be a boolean, got ${showValue(value)}`);
      continue;
    }
    const range = ranges[key];
    if (!range) throw new RangeError(`${op}: unknown option ${JSON.stringify(key)} (expected ${Object.keys(ranges).join(', ')})`);
    if (typeof value !== 'number' || !(value >= range[0] && value <= range[1])) {
      throw new RangeError(`${op}: ${key} must be a number in [${range[0]}, ${range[1]}], got ${showValue(value)}`);
    }
  }
}

const RATE: [number, number] = [0, Infinity];
const FRACTION: [number, number] = [0, 1];

/** Options of `sgd`. */
export interface SgdOptions { learningRate?: number; momentum?: number; nesterov?: boolean; weightDecay?: number }

/**
 * Stochastic gradient descent, with optional momentum (Nesterov or classic, as Keras). Every optimizer's
 * `weightDecay` is an L2 penalty folded into the gradient, g + weightDecay·w (as an l2(weightDecay/2) kernel
 * regularizer would add), not Keras 3's decoupled decay.
 * @example
 * model.compile({ optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'meanSquaredError' });
 */
export function sgd(options: SgdOptions = {}): Optimizer {
  checkOptions('sgd', { ...options }, { learningRate: RATE, momentum: FRACTION, weightDecay: RATE });
  const { learningRate = 0.01, momentum = 0, nesterov = false, weightDecay = 0 } = options;
  return {
    config: { name: 'sgd', learningRate, momentum, nesterov, weightDecay },
    stateArrays: momentum > 0 ? 1 : 0,
  };
}

/** Options of `adam`. */
export interface AdamOptions { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number }

/**
 * Adam (Kingma & Ba), with Keras' defaults and bias correction folded into the step size.
 * @example
 * model.compile({ optimizer: adam({ learningRate: 0.001 }), loss: 'categoricalCrossentropy' });
 */
export function adam(options: AdamOptions = {}): Optimizer {
  checkOptions('adam', { ...options }, { learningRate: RATE, beta1: [0, 0.999999], beta2: [0, 0.999999], epsilon: RATE, weightDecay: RATE });
  const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, weightDecay = 0 } = options;
  return {
    config: { name: 'adam', learningRate, beta1, beta2, epsilon, weightDecay },
    stateArrays: 2,
  };
}

/** Options of `rmsprop`. */
export interface RmspropOptions { learningRate?: number; rho?: number; epsilon?: number; weightDecay?: number }

/**
 * RMSprop: steps scaled by a running root mean square of the gradients, w −= lr·g/(√ms + ε) (ε outside the root,
 * as PyTorch; Keras and TensorFlow.js put it inside, which differs only while ms is near ε).
 * @example
 * model.compile({ optimizer: rmsprop({ learningRate: 0.001 }), loss: 'meanSquaredError' });
 */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  checkOptions('rmsprop', { ...options }, { learningRate: RATE, rho: FRACTION, epsilon: RATE, weightDecay: RATE });
  const { learningRate = 0.001, rho = 0.9, epsilon = 1e-7, weightDecay = 0 } = options;
  return {
    config: { name: 'rmsprop', learningRate, rho, epsilon, weightDecay },
    stateArrays: 1,
  };
}

/** Options of `adagrad`. */
export interface AdagradOptions { learningRate?: number; epsilon?: number; weightDecay?: number }

/**
 * Adagrad: steps scaled by the accumulated squared gradients, w −= lr·g/(√acc + ε), acc starting at 0 (Duchi et
 * al.; Keras and TensorFlow.js start it at 0.1 and put ε inside the root).
 * @example
 * model.compile({ optimizer: adagrad({ learningRate: 0.01 }), loss: 'meanSquaredError' });
 */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  checkOptions('adagrad', { ...options }, { learningRate: RATE, epsilon: RATE, weightDecay: RATE });
  const { learningRate = 0.01, epsilon = 1e-7, weightDecay = 0 } = options;
  return {
    config: { name: 'adagrad', learningRate, epsilon, weightDecay },
    stateArrays: 1,
  };
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
