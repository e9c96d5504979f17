// Metrics with options, as Keras's metric classes: a Metric holds its class and checked config; the factories (auc,
// precision, recall, f1Score, the top-k accuracies, r2Score) check their options and make one.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import type { MetricName } from './metrics';

/** Keras's class of each metric a Metric can be. */
export type MetricClass = 'Accuracy' | 'BinaryAccuracy' | 'CategoricalAccuracy' | 'SparseCategoricalAccuracy' | 'TopKCategoricalAccuracy'
  | 'SparseTopKCategoricalAccuracy' | 'Precision' | 'Recall' | 'F1Score' | 'AUC' | 'MeanSquaredError' | 'MeanAbsoluteError'
  | 'R2Score' | 'BinaryCrossentropy' | 'CategoricalCrossentropy' | 'SparseCategoricalCrossentropy';

/**
 * A metric with its settings, made by `metrics.auc(...)`, `metrics.precision(...)` and the other factories (or from a
 * name); `compile({ metrics: [...] })` takes it beside names. It logs as its `name` and saves as Keras's
 * `{ className, config }` (a name given as a string saves as that string).
 * @example
 * const m: Metric = metrics.auc({ curve: 'PR', name: 'pr_auc' });
 * m.className; // 'AUC'
 * m.name; // 'pr_auc'
 */
export class Metric {
  /**
   * Keras's class of the metric.
   * @example
   * metrics.recall().className; // 'Recall'
   */
  readonly className: MetricClass;
  /**
   * Its settings, as Keras's get_config gives them (frozen).
   * @example
   * metrics.auc().config; // { name: 'auc', curve: 'ROC', numThresholds: 200, multiLabel: false }
   */
  readonly config: Readonly<MetricConfig>;
  /**
   * The name it was given as in `compile` ('acc' as 'accuracy'), or undefined for a metric made by a factory.
   * @example
   * metrics.auc().source; // undefined
   */
  readonly source: MetricName | undefined;

  /** @internal A metric of Keras's class `className` with checked settings `config` (its name included). */
  constructor(className: MetricClass, config: MetricConfig, source?: MetricName) {
    this.className = className;
    this.config = Object.freeze(config);
    this.source = source;
  }

  /**
   * The name it logs under (per output `<output>_<name>` with several outputs).
   * @example
   * metrics.f1Score({ average: 'weighted' }).name; // 'f1_score'
   */
  get name(): string {
    return this.config.name;
  }

  /**
   * What a model file holds: the name it was given as, else `{ className, config }`.
   * @example
   * metrics.topKCategoricalAccuracy({ k: 3 }).toJSON(); // { className: 'TopKCategoricalAccuracy', config: { name: 'top_k_categorical_accuracy', k: 3 } }
   */
  toJSON(): MetricName | { className: MetricClass; config: MetricConfig } {
    return this.source ?? { className: this.className, config: { ...this.config } };
  }
}

/** A metric's settings (those of its class; see the factories). */
export interface MetricConfig {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** Options every metric factory takes: the name it logs under (default: Keras's). */
export interface MetricOptions {
  /** The name it logs under (default: Keras's, such as 'auc'). */
  name?: string;
}

/** Options of `metrics.auc`. */
export interface AucOptions extends MetricOptions {
  /** 'ROC' (default): the area under the true- against the false-positive rate; 'PR': under precision against recall. */
  curve?: 'ROC' | 'PR';
  /** Thresholds the curve is taken at (default 200, at least 2): −ε, 1/(n−1), …, (n−2)/(n−1), 1 + ε, as Keras. */
  numThresholds?: number;
  /** True: one curve per output column, their areas averaged; false (default): every column's values pooled. */
  multiLabel?: boolean;
}

/** Options of `metrics.precision` and `metrics.recall`. */
export interface ConfusionOptions extends MetricOptions {
  /** A prediction above it is positive (default 0.5; with topK, every prediction in the top k). */
  thresholds?: number | null;
  /** Only this column (class) counts (null: every column). */
  classId?: number | null;
  /** Only each row's k largest predictions can be positive (null: no limit). */
  topK?: number | null;
}

/** Options of `metrics.f1Score`. */
export interface F1Options extends MetricOptions {
  /**
   * How the classes' scores combine: 'macro' (default: their mean), 'micro' (one score of the pooled counts),
   * 'weighted' (mean weighted by each class's positives), or null (one log per class, `<name>_<class>`, Keras's
   * default vector).
   */
  average?: 'micro' | 'macro' | 'weighted' | null;
  /** A prediction above it is positive; null (default): each row's largest predictions. */
  threshold?: number | null;
}

/** Options of `metrics.topKCategoricalAccuracy`. */
export interface TopKOptions extends MetricOptions {
  /** How many of the largest predictions may hold the target class (default 5). */
  k?: number;
}

/** The name a factory's metric logs under: `options.name`, checked, or Keras's. */
function nameOf(op: string, options: MetricOptions | undefined, keys: readonly string[], name: string): string {
  checkOptionKeys(op, options, ['name', ...keys]);
  const given = options?.name;
  if (given === undefined) return name;
  if (typeof given !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(given)) throw new TypeError(`${op}: name must be a string of letters, digits, _ . or -, got ${showValue(given)}`);
  return given;
}

/** A probability threshold in [0, 1]. */
function checkThreshold(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new RangeError(`${op}: ${arg} must be a number in [0, 1], got ${showValue(value)}`);
  return value;
}

/**
 * The area under the ROC or precision-recall curve (Keras's AUC): counts at `numThresholds` thresholds, the ROC area
 * by trapezoids, the PR area by Keras's interpolation of precision. Predictions are clipped to [0, 1], targets other
 * than 0 are positive; a softmax output's columns count as one binary prediction each (one-hot targets).
 * @throws TypeError or RangeError for an unknown option or a bad value (numThresholds below 2, curve not 'ROC'/'PR').
 * @example
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'binaryCrossentropy', metrics: [metrics.auc()] });
 * model.evaluate(tensor([[-2], [1], [-1], [2]]), tensor([[0], [1], [0], [1]])).auc; // 1
 */
export function auc(options?: AucOptions): Metric {
  const op = 'auc', name = nameOf(op, options, ['curve', 'numThresholds', 'multiLabel'], 'auc');
  const curve = options?.curve ?? 'ROC', multiLabel = options?.multiLabel ?? false;
  if (curve !== 'ROC' && curve !== 'PR') throw new RangeError(`${op}: curve must be 'ROC' or 'PR', got ${showValue(curve)}`);
  const numThresholds = checkInteger(options?.numThresholds ?? 200, op, 'numThresholds', 2, 1 << 20);
  if (typeof multiLabel !== 'boolean') throw new TypeError(`${op}: multiLabel must be true or false, got ${showValue(multiLabel)}`);
  return new Metric('AUC', { name, curve, numThresholds, multiLabel });
}

function confusion(op: 'precision' | 'recall', options: ConfusionOptions | undefined): Metric {
  const name = nameOf(op, options, ['thresholds', 'classId', 'topK'], op);
  const thresholds = options?.thresholds == null ? null : checkThreshold(op, 'thresholds', options.thresholds);
  const classId = options?.classId == null ? null : checkInteger(options.classId, op, 'classId', 0, 1 << 24);
  const topK = options?.topK == null ? null : checkInteger(options.topK, op, 'topK', 1, 1 << 24);
  return new Metric(op === 'precision' ? 'Precision' : 'Recall', { name, thresholds, classId, topK });
}

/**
 * Precision (Keras's): weighted true positives over predicted positives (0 when none), a prediction being positive
 * above `thresholds` and a target when not 0; over every column, or the column `classId`; with `topK`, only each
 * row's k largest predictions (the first on ties) can be positive.
 * @throws TypeError or RangeError for an unknown option or a bad value (thresholds outside [0, 1], topK below 1).
 * @example
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'binaryCrossentropy', metrics: [metrics.precision()] });
 * model.evaluate(tensor([[2], [1], [-1]]), tensor([[1], [0], [0]])).precision; // 0.5
 */
export function precision(options?: ConfusionOptions): Metric {
  return confusion('precision', options);
}

/**
 * Recall (Keras's): weighted true positives over actual positives (0 when none); options as precision's.
 * @throws TypeError or RangeError for an unknown option or a bad value (thresholds outside [0, 1], topK below 1).
 * @example
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'binaryCrossentropy', metrics: [metrics.recall({ thresholds: 0.8 })] });
 * model.evaluate(tensor([[2], [1], [-1]]), tensor([[1], [1], [0]])).recall; // 0.5
 */
export function recall(options?: ConfusionOptions): Metric {
  return confusion('recall', options);
}

/**
 * The F1 score (Keras's F1Score): per class 2·P·R / (P + R), P and R counted over the epoch (with Keras's ε in each
 * denominator), combined by `average`.
 * @throws TypeError or RangeError for an unknown option or a bad value (average not 'micro'/'macro'/'weighted'/null,
 * threshold outside [0, 1]).
 * @example
 * const x = input({ shape: [2] });
 * const net = model({ inputs: x, outputs: layers.activation({ activation: 'softmax' }).apply(x) as SymbolicTensor });
 * net.compile({ loss: 'categoricalCrossentropy', metrics: [metrics.f1Score({ average: 'micro' })] });
 * net.evaluate(tensor([[1, 0], [0, 1]]), tensor([[1, 0], [1, 0]])).f1_score; // ≈ 0.5
 */
export function f1Score(options?: F1Options): Metric {
  const op = 'f1Score', name = nameOf(op, options, ['average', 'threshold'], 'f1_score');
  const average = options?.average === undefined ? 'macro' : options.average;
  if (average !== null && average !== 'micro' && average !== 'macro' && average !== 'weighted') {
    throw new RangeError(`${op}: average must be 'micro', 'macro', 'weighted' or null, got ${showValue(average)}`);
  }
  const threshold = options?.threshold == null ? null : checkThreshold(op, 'threshold', options.threshold);
  return new Metric('F1Score', { name, average, threshold });
}

function topK(op: string, className: MetricClass, name: string, options: TopKOptions | undefined): Metric {
  const k = checkInteger(options?.k ?? 5, op, 'k', 1, 1 << 24);
  return new Metric(className, { name: nameOf(op, options, ['k'], name), k });
}

/**
 * Top-k categorical accuracy (Keras's): whether the target class is among each row's k largest predictions (fewer
 * than k predictions exceed its own).
 * @throws TypeError or RangeError for an unknown option or k below 1 (compile: k not below the classes).
 * @example
 * const x = input({ shape: [3] });
 * const net = model({ inputs: x, outputs: layers.activation({ activation: 'softmax' }).apply(x) as SymbolicTensor });
 * net.compile({ loss: 'categoricalCrossentropy', metrics: [metrics.topKCategoricalAccuracy({ k: 2 })] });
 * net.evaluate(tensor([[3, 2, 1], [3, 2, 1]]), tensor([[0, 1, 0], [0, 0, 1]])).top_k_categorical_accuracy; // 0.5
 */
export function topKCategoricalAccuracy(options?: TopKOptions): Metric {
  return topK('topKCategoricalAccuracy', 'TopKCategoricalAccuracy', 'top_k_categorical_accuracy', options);
}

/**
 * Top-k categorical accuracy logged as Keras's sparse form (the targets are whatever the loss takes).
 * @throws TypeError or RangeError for an unknown option or k below 1 (compile: k not below the classes).
 * @example
 * metrics.sparseTopKCategoricalAccuracy({ k: 2 }).name; // 'sparse_top_k_categorical_accuracy'
 */
export function sparseTopKCategoricalAccuracy(options?: TopKOptions): Metric {
  return topK('sparseTopKCategoricalAccuracy', 'SparseTopKCategoricalAccuracy', 'sparse_top_k_categorical_accuracy', options);
}

/**
 * R² (Keras's R2Score): per output column 1 − Σ w(t − p)² / Σ w(t − t̄)² over the epoch, averaged over the columns; a
 * column whose targets are constant scores 0 (NaN when its predictions are exact too), as Keras.
 * @throws RangeError for an unknown option.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'meanSquaredError', metrics: [metrics.r2Score()] });
 * model.evaluate(tensor([[1], [2], [4]]), tensor([[1], [2], [3]])).r2_score; // 0.5
 */
export function r2Score(options?: MetricOptions): Metric {
  return new Metric('R2Score', { name: nameOf('r2Score', options, [], 'r2_score') });
}

