// Metrics `compile` takes: Keras 3's names as strings, and metric objects with options (auc, precision, recall,
// f1Score, topKCategoricalAccuracy, sparseTopKCategoricalAccuracy, r2Score) that save as Keras's { className, config }.
// metric-specs.ts resolves them against each output; assembly/metrics.ts computes them in the training loop.
import { showValue } from '../tensor/errors';
import { nearestKey } from '../tensor/options';
import { auc, f1Score, Metric, precision, r2Score, recall, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy, type MetricClass } from './metric-objects';

export {
  auc, f1Score, Metric, precision, r2Score, recall, sparseTopKCategoricalAccuracy, topKCategoricalAccuracy,
  type AucOptions, type ConfusionOptions, type F1Options, type MetricClass, type MetricConfig, type MetricOptions, type TopKOptions,
} from './metric-objects';

/**
 * Metric names `compile` takes (Keras 3's), each logged under that name. 'accuracy' (or 'acc', listed as
 * 'accuracy') is categorical accuracy with a softmax cross-entropy loss (the largest output is the target class),
 * else binary accuracy (the share of outputs whose value thresholded at 0.5, 1 above and 0 else, equals the target,
 * as Keras). The top-k accuracies take k = 5;
 * precision, recall and f1_score (macro average), auc (ROC, 200 thresholds) and r2_score take their defaults (the
 * factories such as `metrics.auc({ curve: 'PR' })` take options). The error and cross-entropy metrics average over the
 * outputs' columns, on probabilities for the fused losses. The sparse and non-sparse forms read the targets the loss
 * takes (class indices for sparseCategoricalCrossentropy, else rows), so either works with either.
 * @example
 * const metrics: MetricName[] = ['accuracy', 'mse'];
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2], kernelInitializer: 'zeros' })]);
 * model.compile({ loss: 'binaryCrossentropy', metrics });
 * model.evaluate(tensor([[1, 1]]), tensor([[1]])); // ≈ { loss: 0.6931, accuracy: 0, mse: 0.25 }
 */
export type MetricName = 'accuracy' | 'acc' | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy'
  | 'top_k_categorical_accuracy' | 'sparse_top_k_categorical_accuracy' | 'precision' | 'recall' | 'f1_score' | 'auc'
  | 'mse' | 'mean_squared_error' | 'mae' | 'mean_absolute_error' | 'r2_score' | 'binary_crossentropy'
  | 'categorical_crossentropy' | 'sparse_categorical_crossentropy';

/** Each name's class (Accuracy: binary or categorical by the loss). */
const CLASS_OF: Readonly<Record<MetricName, MetricClass>> = {
  accuracy: 'Accuracy', acc: 'Accuracy', binary_accuracy: 'BinaryAccuracy', categorical_accuracy: 'CategoricalAccuracy',
  sparse_categorical_accuracy: 'SparseCategoricalAccuracy', top_k_categorical_accuracy: 'TopKCategoricalAccuracy',
  sparse_top_k_categorical_accuracy: 'SparseTopKCategoricalAccuracy', precision: 'Precision', recall: 'Recall', f1_score: 'F1Score',
  auc: 'AUC', mse: 'MeanSquaredError', mean_squared_error: 'MeanSquaredError', mae: 'MeanAbsoluteError', mean_absolute_error: 'MeanAbsoluteError',
  r2_score: 'R2Score', binary_crossentropy: 'BinaryCrossentropy', categorical_crossentropy: 'CategoricalCrossentropy',
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
};
const NAMES = Object.keys(CLASS_OF) as MetricName[];

/** Factories by Keras class, for configs read from model files. */
const FROM_CONFIG: Partial<Record<MetricClass, (config: Record<string, unknown>) => Metric>> = {
  AUC: (c) => auc(c), Precision: (c) => precision(c), Recall: (c) => recall(c), F1Score: (c) => f1Score(c),
  TopKCategoricalAccuracy: (c) => topKCategoricalAccuracy(c), SparseTopKCategoricalAccuracy: (c) => sparseTopKCategoricalAccuracy(c),
  R2Score: (c) => r2Score(c),
};

/** A metric from its name ('acc' is 'accuracy'). */
function fromName(name: MetricName): Metric {
  const source = name === 'acc' ? 'accuracy' : name, className = CLASS_OF[name];
  const options = className === 'TopKCategoricalAccuracy' || className === 'SparseTopKCategoricalAccuracy' ? { k: 5 }
    : className === 'AUC' ? auc().config : className === 'Precision' || className === 'Recall' ? precision().config
    : className === 'F1Score' ? f1Score().config : {};
  return new Metric(className, { ...options, name: source }, source);
}

/** The metrics list of compile options (or of a model file): names, Metrics, or { className, config } records. */
export function toMetrics(list: unknown, op: string): Metric[] {
  if (!Array.isArray(list)) throw new TypeError(`${op}: metrics must be an array such as ['accuracy'], got ${showValue(list)}`);
  const metrics = list.map((m: unknown, i): Metric => {
    if (m instanceof Metric) return m;
    if (typeof m === 'string') {
      if (Object.hasOwn(CLASS_OF, m)) return fromName(m as MetricName);
      const near = nearestKey(m, NAMES);
      throw new RangeError(`${op}: metrics[${i}] is ${showValue(m)}, not a metric${near ? `; did you mean ${JSON.stringify(near)}?` : ''} (metrics: ${NAMES.join(', ')})`);
    }
    const record = m as { className?: unknown; config?: unknown } | null;
    const make = typeof record?.className === 'string' && Object.hasOwn(FROM_CONFIG, record.className) ? FROM_CONFIG[record.className as MetricClass] : undefined;
    if (!make || typeof record!.config !== 'object' || record!.config === null) {
      throw new TypeError(`${op}: metrics[${i}] must be a metric name such as 'accuracy' or a metric such as metrics.auc(), got ${showValue(m)}`);
    }
    try {
      return make(record!.config as Record<string, unknown>);
    } catch (error) {
      throw new RangeError(`${op}: metrics[${i}]: ${(error as Error).message}`);
    }
  });
  const names = metrics.map((m) => m.name), twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new RangeError(`${op}: two metrics log as ${JSON.stringify(twice)}; give one another name, such as metrics.auc({ name: 'auc_2' })`);
  return metrics;
}
