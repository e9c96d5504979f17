// TensorFlow.js's optimizer factories with positional arguments (`tf.train.sgd(0.1)`, `tf.train.adam(lr, beta1,
// beta2, epsilon)`), as aliases of simdeep's option-object factories. Where simdeep's optimizer cannot take a
// setting (centered RMSprop, Adagrad's initial accumulator, Adadelta, Adamax), the error says so.
import { adagrad as adagradOf, adam as adamOf, rmsprop as rmspropOf, sgd as sgdOf, type Optimizer } from '../optim/optimizers';
import type { LearningRateSchedule } from '../optim/schedule';
import { showValue } from '../tensor/errors';

// TF.js's epsilon default is the backend's epsilon(): 1e-7 for float32, simdeep's default too.
const withEpsilon = <T extends object>(options: T, epsilon: number | null | undefined): T => (epsilon == null ? options : { ...options, epsilon });

/**
 * Gradient descent, as TensorFlow.js's `tf.train.sgd(learningRate)`. Every factory here also takes a schedule
 * (such as `cosineDecay({...})`) where it takes a learning rate, which TF.js's do not.
 * @throws RangeError for a learning rate that is not a finite number >= 0 or a schedule.
 * @example
 * const optimizer = train.sgd(0.1);
 * optimizer.config.learningRate; // 0.1
 * train.sgd(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 })).learningRate; // 0.1
 */
export function sgd(learningRate: number | LearningRateSchedule): Optimizer {
  return sgdOf({ learningRate });
}

/**
 * Gradient descent with momentum, as TensorFlow.js's `tf.train.momentum(learningRate, momentum, useNesterov?)`
 * (velocity v = momentum·v + g, w −= lr·v: the same steps as Keras' SGD for a fixed learning rate).
 * @throws RangeError for a learning rate below 0 or a momentum outside [0, 1].
 * @example
 * train.momentum(0.01, 0.9, true).config.nesterov; // true
 */
export function momentum(learningRate: number | LearningRateSchedule, momentum: number, useNesterov = false): Optimizer {
  return sgdOf({ learningRate, momentum, nesterov: useNesterov });
}

/**
 * Adam, as TensorFlow.js's `tf.train.adam(learningRate?, beta1?, beta2?, epsilon?)` (defaults 0.001, 0.9, 0.999, 1e-7).
 * @throws RangeError for a setting out of range.
 * @example
 * train.adam(0.01).config; // { name: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 }
 */
export function adam(learningRate: number | LearningRateSchedule = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number | null): Optimizer {
  return adamOf(withEpsilon({ learningRate, beta1, beta2 }, epsilon));
}

/**
 * RMSprop, as TensorFlow.js's `tf.train.rmsprop(learningRate, decay?, momentum?, epsilon?, centered?)` (decay is
 * simdeep's rho). simdeep's RMSprop has no momentum and is not centered: a non-zero momentum or centered = true is
 * an error that says so. ε is added outside the root (see `rmsprop`).
 * @throws RangeError for a setting out of range, a momentum other than 0 or centered = true.
 * @example
 * train.rmsprop(0.01, 0.95).config.rho; // 0.95
 */
export function rmsprop(learningRate: number | LearningRateSchedule, decay = 0.9, momentum = 0, epsilon?: number | null, centered = false): Optimizer {
  if (momentum !== 0) throw new RangeError(`train.rmsprop: momentum ${showValue(momentum)} is not supported: simdeep's RMSprop has no momentum (use 0)`);
  if (centered !== false) throw new RangeError(`train.rmsprop: centered ${showValue(centered)} is not supported: simdeep's RMSprop is not centered`);
  return rmspropOf(withEpsilon({ learningRate, rho: decay }, epsilon));
}

/**
 * Adagrad, as TensorFlow.js's `tf.train.adagrad(learningRate, initialAccumulatorValue?)`. simdeep's accumulator
 * starts at 0 (TF.js's at 0.1): leave initialAccumulatorValue out or give 0; another value is an error that says so.
 * @throws RangeError for a learning rate below 0 or an initialAccumulatorValue other than 0.
 * @example
 * train.adagrad(0.1).config.learningRate; // 0.1
 */
export function adagrad(learningRate: number | LearningRateSchedule, initialAccumulatorValue?: number): Optimizer {
  if (initialAccumulatorValue !== undefined && initialAccumulatorValue !== 0) {
    throw new RangeError(`train.adagrad: initialAccumulatorValue ${showValue(initialAccumulatorValue)} is not supported: simdeep's Adagrad accumulator starts at 0`);
  }
  return adagradOf({ learningRate });
}

/**
 * TensorFlow.js's Adadelta, which simdeep does not have: always throws, naming the optimizers it has.
 * @throws RangeError always.
 * @example
 * let message = '';
 * try { train.adadelta(); } catch (error) { message = String(error); }
 * message.includes('not supported'); // true
 */
export function adadelta(..._args: unknown[]): Optimizer {
  throw new RangeError('train.adadelta: Adadelta is not supported by simdeep; use train.sgd, momentum, adam, rmsprop or adagrad');
}

/**
 * TensorFlow.js's Adamax, which simdeep does not have: always throws, naming the optimizers it has.
 * @throws RangeError always.
 * @example
 * let message = '';
 * try { train.adamax(); } catch (error) { message = String(error); }
 * message.includes('not supported'); // true
 */
export function adamax(..._args: unknown[]): Optimizer {
  throw new RangeError('train.adamax: Adamax is not supported by simdeep; use train.sgd, momentum, adam, rmsprop or adagrad');
}
