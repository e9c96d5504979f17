// Metrics resolved against an output (what its kernels in assembly/metrics.ts need: kind code, options, state size,
// how many values), checked before anything is allocated, and where each lands in a block of logs.
import {
  AVERAGE_MACRO, AVERAGE_MICRO, AVERAGE_NONE, AVERAGE_WEIGHTED, CURVE_PR, CURVE_ROC, SCORE_AUC, SCORE_BCE, SCORE_BINARY_ACCURACY,
  SCORE_CATEGORICAL_ACCURACY, SCORE_CCE, SCORE_F1, SCORE_MAE, SCORE_MSE, SCORE_PRECISION, SCORE_R2, SCORE_RECALL, SCORE_TOP_K,
} from '../../assembly/layout';
import type { Loss } from './losses';
import type { Metric, MetricClass } from './metrics';

/** A metric of one output, as its kernels take it. */
export interface MetricSpec {
  /** The name it logs under (without the output's prefix). */
  readonly name: string;
  /** Its SCORE_ code. */
  readonly kind: number;
  /** The one column it counts (-1: all), the k of a top-k (0: none), the threshold (NaN: the row's largest). */
  readonly classId: number;
  readonly topK: number;
  readonly threshold: number;
  /** An AUC's thresholds, CURVE_ code and whether it keeps a curve per column. */
  readonly buckets: number;
  readonly curve: number;
  readonly multiLabel: boolean;
  /** An F1 score's AVERAGE_ code. */
  readonly average: number;
  /** Values it logs (an F1 score without average: one per column), and f64 of state. */
  readonly values: number;
  readonly stateFloats: number;
}

/** Keras's metrics_utils.NEG_INF: precision's and recall's threshold with topK (any top-k prediction is positive). */
const NEG_INF = -1e10;

const KINDS: Readonly<Partial<Record<MetricClass, number>>> = {
  BinaryAccuracy: SCORE_BINARY_ACCURACY, CategoricalAccuracy: SCORE_CATEGORICAL_ACCURACY, SparseCategoricalAccuracy: SCORE_CATEGORICAL_ACCURACY,
  TopKCategoricalAccuracy: SCORE_TOP_K, SparseTopKCategoricalAccuracy: SCORE_TOP_K, Precision: SCORE_PRECISION, Recall: SCORE_RECALL,
  F1Score: SCORE_F1, AUC: SCORE_AUC, MeanSquaredError: SCORE_MSE, MeanAbsoluteError: SCORE_MAE, R2Score: SCORE_R2,
  BinaryCrossentropy: SCORE_BCE, CategoricalCrossentropy: SCORE_CCE, SparseCategoricalCrossentropy: SCORE_CCE,
};
const AVERAGES = { micro: AVERAGE_MICRO, macro: AVERAGE_MACRO, weighted: AVERAGE_WEIGHTED } as const;
/** Metrics of classes, meaningless on a regression output's values. */
const CLASSIFYING = new Set<number>([SCORE_PRECISION, SCORE_RECALL, SCORE_F1, SCORE_AUC]);

/** What metricSpecs needs of an output. */
export interface MetricOutput {
  readonly name: string;
  readonly activation: string;
  readonly width: number;
}

/**
 * The metrics of one output with loss `loss`, resolved ('accuracy': categorical with a softmax cross-entropy, else
 * binary) and checked: a classifying metric on a regression output (an mse, mae or custom loss on a linear
 * activation), a top-k accuracy with k not below the classes, a classId or topK outside the columns are RangeErrors
 * naming the metric and the output.
 */
export function metricSpecs(metrics: readonly Metric[], output: MetricOutput, loss: Loss, op: string): MetricSpec[] {
  const width = output.width, softmaxLoss = loss.name === 'categoricalCrossentropy' || loss.name === 'sparseCategoricalCrossentropy';
  return metrics.map((m): MetricSpec => {
    const c = m.config as Record<string, unknown>;
    const kind = m.className === 'Accuracy' ? (softmaxLoss ? SCORE_CATEGORICAL_ACCURACY : SCORE_BINARY_ACCURACY) : KINDS[m.className]!;
    const regression = (loss.name === 'meanSquaredError' || loss.name === 'meanAbsoluteError' || loss.name === 'custom') && output.activation === 'linear';
    if (CLASSIFYING.has(kind) && regression) {
      throw new RangeError(`${op}: metric ${m.name} needs probabilities, but output ${output.name} is a regression output (loss ${loss.name}, ` +
        'activation linear); use r2_score, mse or mae there, or give it a sigmoid or softmax activation');
    }
    const k = kind === SCORE_TOP_K ? c.k as number : (c.topK as number | null) ?? 0;
    if (k > 0 && k >= width) {
      throw new RangeError(`${op}: metric ${m.name} takes the top ${k} of output ${output.name}, which has ${width} ${width === 1 ? 'column' : 'columns'}; ` +
        `k must be below ${width}${kind === SCORE_TOP_K ? ' (top-k accuracy would be 1 always)' : ''}`);
    }
    const classId = (c.classId as number | null) ?? -1;
    if (classId >= width) throw new RangeError(`${op}: metric ${m.name} has classId ${classId}, but output ${output.name} has ${width} columns (classes 0 to ${width - 1})`);
    const average = kind === SCORE_F1 ? (c.average === null ? AVERAGE_NONE : AVERAGES[c.average as keyof typeof AVERAGES]) : 0;
    const buckets = kind === SCORE_AUC ? c.numThresholds as number : 0, multiLabel = c.multiLabel === true;
    const threshold = kind === SCORE_F1 ? (c.threshold as number | null) ?? NaN
      : (c.thresholds as number | null | undefined) ?? (k > 0 ? NEG_INF : 0.5);
    const stateFloats = kind === SCORE_AUC ? 2 * buckets * (multiLabel ? width : 1) : kind === SCORE_F1 ? 4 * (average === AVERAGE_MICRO ? 1 : width)
      : kind === SCORE_R2 ? 4 * width : kind === SCORE_PRECISION || kind === SCORE_RECALL ? 3 : 2;
    return { name: m.name, kind, classId, topK: k, threshold, buckets, curve: c.curve === 'PR' ? CURVE_PR : CURVE_ROC, multiLabel, average,
      values: kind === SCORE_F1 && average === AVERAGE_NONE ? width : 1, stateFloats };
  });
}

/** The log names of a metric's values: its name, or `<name>_<column>` for each of several. */
export function valueNames(spec: MetricSpec): string[] {
  return spec.values === 1 ? [spec.name] : Array.from({ length: spec.values }, (_, i) => `${spec.name}_${i}`);
}

/** Where an output's loss and metrics land in a block of logs, and its metrics' state. */
export interface OutputLogs {
  readonly lossSlot: number;
  readonly metrics: readonly { readonly spec: MetricSpec; readonly valueSlot: number; readonly stateOffset: number }[];
}

/** A block of logs: [name, slot] in log order, f64 per block, each output's slots, bytes of metric state. */
export interface LogLayout {
  readonly names: readonly (readonly [string, number])[];
  readonly slots: number;
  readonly outputs: readonly OutputLogs[];
  readonly stateBytes: number;
}

/**
 * The block of logs of outputs `names` with metrics `specs` (per output): with one output, `loss` then its metrics'
 * values; with several, `loss` (the weighted total) then per output `<output>_loss` and `<output>_<metric>`, as
 * Keras names them.
 */
export function logLayout(names: readonly string[], specs: readonly (readonly MetricSpec[])[]): LogLayout {
  const single = names.length === 1, list: [string, number][] = [['loss', 0]];
  let next = 1, state = 0;
  const outputs = names.map((output, o): OutputLogs => {
    const lossSlot = single ? 0 : next++;
    if (!single) list.push([`${output}_loss`, lossSlot]);
    const metrics = specs[o].map((spec) => {
      const at = { spec, valueSlot: next, stateOffset: state };
      valueNames(spec).forEach((name, i) => list.push([single ? name : `${output}_${name}`, next + i]));
      next += spec.values;
      state += 8 * spec.stateFloats;
      return at;
    });
    return { lossSlot, metrics };
  });
  return { names: list, slots: next, outputs, stateBytes: state };
}

/** Logs from a block (see logLayout): { loss, metric… }. */
export function toLogs(layout: LogLayout, block: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(layout.names.map(([key, slot]) => [key, block[slot]]));
}
