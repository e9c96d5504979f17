import {
  METRIC_ACCURACY, METRIC_MAE, METRIC_MSE, SLOT_ACCURACY, SLOT_LOSS, SLOT_MAE, SLOT_MSE,
} from '../../assembly/layout';
import { showValue } from '../tensor/errors';

/** f64 values the kernel writes per epoch or batch: the loss, then the three metrics. */
export { SLOTS } from '../../assembly/layout';

/**
 * Metrics `compile` takes, reported besides the loss. 'accuracy' (or 'acc'): with a softmax output, whether the
 * largest output is the target class; otherwise the share of outputs on the same side of 0.5 as their targets.
 * 'mae' and 'mse': mean absolute and squared error of the outputs (probabilities for the fused losses).
 * @example
 * const metrics: MetricName[] = ['accuracy', 'mse'];
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2], kernelInitializer: 'zeros' })]);
 * model.compile({ loss: 'binaryCrossentropy', metrics });
 * model.evaluate(tensor([[1, 1]]), tensor([[1]])); // ≈ { loss: 0.6931, accuracy: 0, mse: 0.25 }
 */
export type MetricName = 'accuracy' | 'acc' | 'mae' | 'mse';

/** Normalizes the metric list ('acc' → 'accuracy'). */
export function toMetrics(list: unknown, op: string): MetricName[] {
  if (!Array.isArray(list)) throw new TypeError(`${op}: metrics must be an array such as ['accuracy'], got ${showValue(list)}`);
  return list.map((m: unknown, i) => {
    if (m !== 'accuracy' && m !== 'acc' && m !== 'mae' && m !== 'mse') {
      throw new RangeError(`${op}: metrics[${i}] must be 'accuracy', 'mae' or 'mse', got ${showValue(m)}`);
    }
    return m === 'acc' ? 'accuracy' : m;
  });
}

/** Kernel bit of each metric in train.ts's metric mask (assembly/layout.ts). */
const BIT = { accuracy: METRIC_ACCURACY, acc: METRIC_ACCURACY, mae: METRIC_MAE, mse: METRIC_MSE } as const;
/** The f64 slot of each metric's sum, after the loss's. */
const SLOT = { accuracy: SLOT_ACCURACY, acc: SLOT_ACCURACY, mae: SLOT_MAE, mse: SLOT_MSE } as const;

/** Bits of train.ts's metric mask. */
export function metricMask(metrics: readonly MetricName[]): number {
  return metrics.reduce((mask, name) => mask | BIT[name], 0);
}

/** [log name, slot] of the loss and each metric. */
export function metricSlots(metrics: readonly MetricName[]): [string, number][] {
  return [['loss', SLOT_LOSS], ...metrics.map((name): [string, number] => [name, SLOT[name]])];
}

/** Logs from the kernel's slots: { loss, metric… }. */
export function toLogs(metrics: readonly MetricName[], slots: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(metricSlots(metrics).map(([key, slot]) => [key, slots[slot]]));
}
