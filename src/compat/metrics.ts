// TensorFlow.js's `tf.metrics.*` (tfjs-layers' metrics): per-sample values over the last axis (binaryAccuracy,
// meanSquaredError, ...) or a scalar (precision, recall, r2Score), in simdeep's ops. The error metrics are
// differentiable and serve as custom losses in `compile`; accuracies, precision and recall go through comparisons,
// which pass no gradient (as in TF.js). Called without tensors, precision, recall and r2Score make the streaming
// metrics `compile` takes (src/nn/metrics.ts), as do auc, f1Score and the top-k accuracies.
import { abs, clipByValue, div, equal, greater, log, maximum, mul, sqrt, square, sub, where } from '../ops/elementwise';
import { argmax, mean, sum } from '../ops/reduce';
import { squeeze } from '../ops/shape';
import { checkTensor, Tensor } from '../tensor/tensor';
import {
  precision as precisionMetric, r2Score as r2ScoreMetric, recall as recallMetric, type ConfusionOptions, type Metric, type MetricOptions,
} from '../nn/metrics';

export { auc, f1Score, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy } from '../nn/metrics';

/** Whether a call with these arguments asks for a metric object (options or nothing) rather than TF.js's tensor function. */
const wantsMetric = (args: readonly unknown[]): boolean => args.length < 2 && !(args[0] instanceof Tensor);
import { tidy } from '../memory';

const EPSILON = 1e-7; // TF.js's backend epsilon for float32

function pair(op: string, yTrue: unknown, yPred: unknown): [Tensor, Tensor] {
  return [checkTensor(yTrue, op, 'yTrue'), checkTensor(yPred, op, 'yPred')];
}

/**
 * Share of outputs on the same side of 0.5 as their 0/1 targets, per sample, as TensorFlow.js's `tf.metrics.binaryAccuracy`.
 * @throws TypeError unless both are tensors; ShapeError for shapes that do not broadcast.
 * @example
 * metrics.binaryAccuracy(tensor([[1, 0], [1, 1]]), tensor([[0.9, 0.2], [0.3, 0.8]])).toArray(); // [1, 0.5]
 */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('binaryAccuracy', yTrue, yPred);
  return tidy(() => mean(equal(t, greater(p, 0.5)), -1));
}

/**
 * Whether the largest output is the one-hot target's class, per sample (1 or 0), as TensorFlow.js's `tf.metrics.categoricalAccuracy`.
 * @throws TypeError unless both are tensors.
 * @example
 * metrics.categoricalAccuracy(tensor([[0, 1], [1, 0]]), tensor([[0.2, 0.8], [0.3, 0.7]])).toArray(); // [1, 0]
 */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('categoricalAccuracy', yTrue, yPred);
  return tidy(() => equal(argmax(t, -1), argmax(p, -1)));
}

/**
 * Whether the largest output is the target class index, per sample, as TensorFlow.js's `tf.metrics.sparseCategoricalAccuracy`.
 * @throws TypeError unless both are tensors.
 * @example
 * metrics.sparseCategoricalAccuracy(tensor([1, 0]), tensor([[0.2, 0.8], [0.3, 0.7]])).toArray(); // [1, 0]
 */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('sparseCategoricalAccuracy', yTrue, yPred);
  return tidy(() => equal(t.rank === p.rank ? squeeze(t, [t.rank - 1]) : t, argmax(p, -1)));
}

function counts(t: Tensor, p: Tensor, label: number, predicted: number): Tensor {
  return sum(mul(equal(t, label), equal(p, predicted)));
}

/**
 * True positives over predicted positives (0 when there are none), as TensorFlow.js's `tf.metrics.precision`: values
 * count as positive or negative only when exactly 1 or 0, as TF.js (threshold probabilities first). Without tensors
 * (options or nothing): the streaming metric `compile` takes (Keras's Precision: see the Metric factories in the
 * documentation of `compile`).
 * @throws TypeError unless both are tensors, or for bad options.
 * @example
 * metrics.precision(tensor([1, 0, 1, 1]), tensor([1, 1, 0, 1])).item(); // ≈ 0.6667
 * metrics.precision({ thresholds: 0.7 }).name; // 'precision'
 */
export function precision(yTrue: Tensor, yPred: Tensor): Tensor;
export function precision(options?: ConfusionOptions): Metric;
export function precision(...args: unknown[]): Tensor | Metric {
  if (wantsMetric(args)) return precisionMetric(args[0] as ConfusionOptions | undefined);
  const [t, p] = pair('precision', args[0], args[1]);
  return tidy(() => {
    const tp = counts(t, p, 1, 1), denominator = tp.add(counts(t, p, 0, 1));
    return where(greater(denominator, 0), div(tp, maximum(denominator, 1)), 0);
  });
}

/**
 * True positives over actual positives (0 when there are none), as TensorFlow.js's `tf.metrics.recall` (values
 * exactly 0 or 1, as precision). Without tensors (options or nothing): the streaming metric `compile` takes
 * (Keras's Recall).
 * @throws TypeError unless both are tensors, or for bad options.
 * @example
 * metrics.recall(tensor([1, 0, 1, 1]), tensor([1, 1, 0, 0])).item(); // ≈ 0.3333
 * metrics.recall({ classId: 2 }).config.classId; // 2
 */
export function recall(yTrue: Tensor, yPred: Tensor): Tensor;
export function recall(options?: ConfusionOptions): Metric;
export function recall(...args: unknown[]): Tensor | Metric {
  if (wantsMetric(args)) return recallMetric(args[0] as ConfusionOptions | undefined);
  const [t, p] = pair('recall', args[0], args[1]);
  return tidy(() => {
    const tp = counts(t, p, 1, 1), denominator = tp.add(counts(t, p, 1, 0));
    return where(greater(denominator, 0), div(tp, maximum(denominator, 1)), 0);
  });
}

/**
 * Mean squared error per sample (over the last axis), as TensorFlow.js's `tf.metrics.meanSquaredError` (also `mse`, `MSE`).
 * @throws TypeError unless both are tensors; ShapeError for shapes that do not broadcast.
 * @example
 * metrics.meanSquaredError(tensor([[0, 0]]), tensor([[1, 3]])).toArray(); // [5]
 */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('meanSquaredError', yTrue, yPred);
  return tidy(() => mean(square(sub(p, t)), -1));
}

/**
 * Mean absolute error per sample (over the last axis), as TensorFlow.js's `tf.metrics.meanAbsoluteError`.
 * @throws TypeError unless both are tensors; ShapeError for shapes that do not broadcast.
 * @example
 * metrics.meanAbsoluteError(tensor([[0, 0]]), tensor([[1, -3]])).toArray(); // [2]
 */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('meanAbsoluteError', yTrue, yPred);
  return tidy(() => mean(abs(sub(p, t)), -1));
}

/**
 * Mean absolute percentage error per sample, as TensorFlow.js's `tf.metrics.meanAbsolutePercentageError` (also `mape`, `MAPE`).
 * @throws TypeError unless both are tensors; ShapeError for shapes that do not broadcast.
 * @example
 * metrics.meanAbsolutePercentageError(tensor([[2, 4]]), tensor([[1, 5]])).toArray(); // [37.5]
 */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('meanAbsolutePercentageError', yTrue, yPred);
  return tidy(() => mul(mean(abs(div(sub(t, p), clipByValue(abs(t), EPSILON, 3.4e38))), -1), 100));
}

/**
 * Binary cross entropy of probabilities per sample (clipped to [ε, 1 − ε]), as TensorFlow.js's `tf.metrics.binaryCrossentropy`.
 * @throws TypeError unless both are tensors.
 * @example
 * metrics.binaryCrossentropy(tensor([[1, 0]]), tensor([[0.5, 0.5]])).toArray(); // ≈ [0.6931]
 */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('binaryCrossentropy', yTrue, yPred);
  return tidy(() => {
    const q = clipByValue(p, EPSILON, 1 - EPSILON);
    return mean(sub(0, mul(t, log(q)).add(mul(sub(1, t), log(sub(1, q))))), -1);
  });
}

/**
 * Categorical cross entropy of probabilities per sample (rescaled to sum to 1, clipped to [ε, 1 − ε]), as
 * TensorFlow.js's `tf.metrics.categoricalCrossentropy`.
 * @throws TypeError unless both are tensors.
 * @example
 * metrics.categoricalCrossentropy(tensor([[0, 1]]), tensor([[0.5, 0.5]])).toArray(); // ≈ [0.6931]
 */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('categoricalCrossentropy', yTrue, yPred);
  return tidy(() => {
    const q = clipByValue(div(p, sum(p, -1, true)), EPSILON, 1 - EPSILON);
    return mul(sum(mul(t, log(q)), -1), -1);
  });
}

/**
 * Negated cosine similarity per sample, as TensorFlow.js's `tf.metrics.cosineProximity`.
 * @throws TypeError unless both are tensors.
 * @example
 * metrics.cosineProximity(tensor([[1, 0]]), tensor([[3, 4]])).toArray(); // ≈ [-0.6]
 */
export function cosineProximity(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = pair('cosineProximity', yTrue, yPred);
  const unit = (x: Tensor): Tensor => div(x, sqrt(maximum(sum(square(x), -1, true), EPSILON)));
  return tidy(() => mul(sum(mul(unit(t), unit(p)), -1), -1));
}

/**
 * The coefficient of determination over all values, 1 − SS_res / SS_tot, as TensorFlow.js's `tf.metrics.r2Score`.
 * Without tensors: the streaming metric `compile` takes (Keras's R2Score, per output column then averaged).
 * @throws TypeError unless both are tensors, or for bad options.
 * @example
 * metrics.r2Score(tensor([1, 2, 3]), tensor([1, 2, 4])).item(); // 0.5
 * metrics.r2Score().name; // 'r2_score'
 */
export function r2Score(yTrue: Tensor, yPred: Tensor): Tensor;
export function r2Score(options?: MetricOptions): Metric;
export function r2Score(...args: unknown[]): Tensor | Metric {
  if (wantsMetric(args)) return r2ScoreMetric(args[0] as MetricOptions | undefined);
  const [t, p] = pair('r2Score', args[0], args[1]);
  return tidy(() => sub(1, div(sum(square(sub(t, p))), sum(square(sub(t, mean(t)))))));
}

/**
 * TensorFlow.js's short names of the metrics above.
 * @example
 * metrics.mse(tensor([[0]]), tensor([[2]])).toArray(); // [4]
 */
export function mse(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanSquaredError(yTrue, yPred);
}
/**
 * TensorFlow.js's `MSE`: {@link meanSquaredError}.
 * @example
 * metrics.MSE(tensor([[0]]), tensor([[2]])).toArray(); // [4]
 */
export function MSE(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanSquaredError(yTrue, yPred);
}
/**
 * TensorFlow.js's `mape`: {@link meanAbsolutePercentageError}.
 * @example
 * metrics.mape(tensor([[4]]), tensor([[2]])).toArray(); // [50]
 */
export function mape(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanAbsolutePercentageError(yTrue, yPred);
}
/**
 * TensorFlow.js's `MAPE`: {@link meanAbsolutePercentageError}.
 * @example
 * metrics.MAPE(tensor([[4]]), tensor([[2]])).toArray(); // [50]
 */
export function MAPE(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanAbsolutePercentageError(yTrue, yPred);
}
