// TensorFlow.js's `tf.losses.*`: the loss of labels and predictions, weighted and reduced as tfjs-core's
// computeWeightedLoss does. Written in simdeep's recorded ops, so each is differentiable and serves as a custom loss
// in `compile({ loss: losses.meanSquaredError })` (fit averages a non-scalar result).
import { abs, add, div, log, minimum, mul, notEqual, square, sub } from '../ops/elementwise';
import { logSoftmax, relu, softplus } from '../ops/activation';
import { mean, sum } from '../ops/reduce';
import { onesLike } from '../tensor/create';
import { showValue } from '../tensor/errors';
import { checkTensor, type Tensor } from '../tensor/tensor';
import { tidy } from '../memory';

/**
 * How a loss is reduced, as TensorFlow.js's `tf.Reduction`: NONE (per element), MEAN (weighted mean), SUM, and
 * SUM_BY_NONZERO_WEIGHTS (the sum over the number of non-zero weights: the default).
 * @example
 * losses.meanSquaredError(tensor([1, 2]), tensor([1, 4]), undefined, Reduction.SUM).item(); // 4
 */
export abstract class Reduction {
  /**
   * The per-element losses, weighted.
   * @example
   * losses.absoluteDifference(tensor([1, 2]), tensor([2, 4]), undefined, Reduction.NONE).toArray(); // [1, 2]
   */
  static readonly NONE = 0;
  /**
   * The weighted sum over the sum of the weights.
   * @example
   * losses.absoluteDifference(tensor([1, 2]), tensor([2, 4]), tensor([1, 3]), Reduction.MEAN).item(); // 1.75
   */
  static readonly MEAN = 1;
  /**
   * The weighted sum.
   * @example
   * losses.absoluteDifference(tensor([1, 2]), tensor([2, 4]), undefined, Reduction.SUM).item(); // 3
   */
  static readonly SUM = 2;
  /**
   * The weighted sum over the number of non-zero weights (the default).
   * @example
   * losses.absoluteDifference(tensor([1, 2]), tensor([2, 4]), tensor([0, 1])).item(); // 2
   */
  static readonly SUM_BY_NONZERO_WEIGHTS = 3;
}
/**
 * One of the values of {@link Reduction}.
 * @example
 * const reduction: ReductionValue = Reduction.MEAN;
 */
export type ReductionValue = 0 | 1 | 2 | 3;

function checkPair(op: string, labels: unknown, predictions: unknown): [Tensor, Tensor] {
  const y = checkTensor(labels, op, 'labels'), p = checkTensor(predictions, op, 'predictions');
  if (y.shape.join() !== p.shape.join()) throw new RangeError(`${op}: labels of shape [${y.shape}] and predictions of shape [${p.shape}] must match`);
  return [y, p];
}

/**
 * Weights and reduces per-element losses as TensorFlow.js's `tf.losses.computeWeightedLoss(losses, weights?, reduction?)`.
 * @throws RangeError for an unknown reduction; TypeError unless losses is a tensor.
 * @example
 * losses.computeWeightedLoss(tensor([1, 3]), tensor([1, 0])).item(); // 1
 */
export function computeWeightedLoss(losses: Tensor, weights?: Tensor | number, reduction: ReductionValue = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor {
  const op = 'computeWeightedLoss';
  checkTensor(losses, op, 'losses');
  if (![0, 1, 2, 3].includes(reduction)) throw new RangeError(`${op}: reduction must be one of Reduction's values, got ${showValue(reduction)}`);
  return tidy(() => {
    const weighted = weights === undefined ? losses : mul(losses, weights);
    if (reduction === Reduction.NONE) return weighted;
    if (reduction === Reduction.SUM) return sum(weighted);
    if (weights === undefined) return reduction === Reduction.MEAN ? mean(weighted) : div(sum(weighted), losses.size);
    if (reduction === Reduction.MEAN) {
      const factor = losses.size / (typeof weights === 'number' ? 1 : weights.size);
      const result = div(sum(weighted), typeof weights === 'number' ? weights : sum(weights));
      return factor > 1 ? div(result, factor) : result;
    }
    const nonZero = sum(notEqual(mul(onesLike(losses), weights), 0));
    return div(sum(weighted), nonZero);
  });
}

/**
 * Mean squared error of predictions, as TensorFlow.js's `tf.losses.meanSquaredError(labels, predictions, weights?, reduction?)`.
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.meanSquaredError(tensor([0, 0]), tensor([1, 3])).item(); // 5
 */
export function meanSquaredError(labels: Tensor, predictions: Tensor, weights?: Tensor | number, reduction?: ReductionValue): Tensor {
  const [y, p] = checkPair('meanSquaredError', labels, predictions);
  return tidy(() => computeWeightedLoss(square(sub(y, p)), weights, reduction));
}

/**
 * Mean absolute difference, as TensorFlow.js's `tf.losses.absoluteDifference(labels, predictions, weights?, reduction?)`.
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.absoluteDifference(tensor([0, 0]), tensor([1, -3])).item(); // 2
 */
export function absoluteDifference(labels: Tensor, predictions: Tensor, weights?: Tensor | number, reduction?: ReductionValue): Tensor {
  const [y, p] = checkPair('absoluteDifference', labels, predictions);
  return tidy(() => computeWeightedLoss(abs(sub(y, p)), weights, reduction));
}

/**
 * Log loss of probabilities, as TensorFlow.js's `tf.losses.logLoss(labels, predictions, weights?, epsilon?, reduction?)`:
 * −y·log(p + ε) − (1 − y)·log(1 − p + ε).
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.logLoss(tensor([1, 0]), tensor([0.5, 0.5])).item(); // ≈ 0.6931
 */
export function logLoss(labels: Tensor, predictions: Tensor, weights?: Tensor | number, epsilon = 1e-7, reduction?: ReductionValue): Tensor {
  const [y, p] = checkPair('logLoss', labels, predictions);
  return tidy(() => {
    const perElement = sub(mul(neg1(y), log(add(p, epsilon))), mul(sub(1, y), log(add(sub(1, p), epsilon))));
    return computeWeightedLoss(perElement, weights, reduction);
  });
}

const neg1 = (x: Tensor): Tensor => mul(x, -1);

/**
 * Hinge loss, as TensorFlow.js's `tf.losses.hingeLoss(labels, predictions, weights?, reduction?)`: labels in {0, 1}
 * are mapped to {−1, 1}, then max(0, 1 − y·p).
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.hingeLoss(tensor([1, 0]), tensor([0.5, -2])).item(); // 0.25
 */
export function hingeLoss(labels: Tensor, predictions: Tensor, weights?: Tensor | number, reduction?: ReductionValue): Tensor {
  const [y, p] = checkPair('hingeLoss', labels, predictions);
  return tidy(() => computeWeightedLoss(relu(sub(1, mul(sub(mul(y, 2), 1), p))), weights, reduction));
}

/**
 * Huber loss, as TensorFlow.js's `tf.losses.huberLoss(labels, predictions, weights?, delta?, reduction?)`: quadratic
 * within delta (default 1) of the label, linear beyond.
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.huberLoss(tensor([0, 0]), tensor([0.5, 3])).item(); // 1.3125
 */
export function huberLoss(labels: Tensor, predictions: Tensor, weights?: Tensor | number, delta = 1, reduction?: ReductionValue): Tensor {
  const [y, p] = checkPair('huberLoss', labels, predictions);
  return tidy(() => {
    const error = abs(sub(p, y));
    const quadratic = minimum(error, delta);
    return computeWeightedLoss(add(mul(square(quadratic), 0.5), mul(sub(error, quadratic), delta)), weights, reduction);
  });
}

/**
 * Cosine distance of unit vectors along `axis`, as TensorFlow.js's `tf.losses.cosineDistance(labels, predictions, axis,
 * weights?, reduction?)`: 1 − Σ labels·predictions.
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.cosineDistance(tensor([[1, 0]]), tensor([[0.6, 0.8]]), 1).item(); // ≈ 0.4
 */
export function cosineDistance(labels: Tensor, predictions: Tensor, axis: number, weights?: Tensor | number, reduction?: ReductionValue): Tensor {
  const [y, p] = checkPair('cosineDistance', labels, predictions);
  return tidy(() => computeWeightedLoss(sub(1, sum(mul(y, p), axis, true)), weights, reduction));
}

/**
 * Sigmoid cross entropy of logits, as TensorFlow.js's `tf.losses.sigmoidCrossEntropy(labels, logits, weights?,
 * labelSmoothing?, reduction?)`: max(x, 0) − x·y + log(1 + e^−|x|), numerically stable.
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.sigmoidCrossEntropy(tensor([1, 0]), tensor([0, 0])).item(); // ≈ 0.6931
 */
export function sigmoidCrossEntropy(labels: Tensor, logits: Tensor, weights?: Tensor | number, labelSmoothing = 0, reduction?: ReductionValue): Tensor {
  const [y0, x] = checkPair('sigmoidCrossEntropy', labels, logits);
  return tidy(() => {
    const y = labelSmoothing > 0 ? add(mul(y0, 1 - labelSmoothing), 0.5 * labelSmoothing) : y0;
    return computeWeightedLoss(add(sub(relu(x), mul(x, y)), softplus(neg1(abs(x)))), weights, reduction);
  });
}

/**
 * Softmax cross entropy of logits over the last axis, as TensorFlow.js's `tf.losses.softmaxCrossEntropy(onehotLabels,
 * logits, weights?, labelSmoothing?, reduction?)`: −Σ y·logSoftmax(x) per sample.
 * @throws RangeError for shapes that differ; TypeError unless both are tensors.
 * @example
 * losses.softmaxCrossEntropy(tensor([[0, 1]]), tensor([[0, 0]])).item(); // ≈ 0.6931
 */
export function softmaxCrossEntropy(onehotLabels: Tensor, logits: Tensor, weights?: Tensor | number, labelSmoothing = 0, reduction?: ReductionValue): Tensor {
  const [y0, x] = checkPair('softmaxCrossEntropy', onehotLabels, logits);
  return tidy(() => {
    const classes = x.shape[x.rank - 1];
    const y = labelSmoothing > 0 ? add(mul(y0, 1 - labelSmoothing), labelSmoothing / classes) : y0;
    return computeWeightedLoss(neg1(sum(mul(y, logSoftmax(x, -1)), -1)), weights, reduction);
  });
}

