import {
  METRIC_ACCURACY, METRIC_MAE, METRIC_MSE, SLOT_ACCURACY, SLOT_LOSS, SLOT_MAE, SLOT_MSE, SLOTS,
} from '../../assembly/layout';
import { showValue } from '../tensor/errors';


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

/**
 * [log name, f64 slot in a block of sums] of the loss and each metric (see plan.ts slotsOf): `loss` and the metrics
 * for one output; for several, `loss` (the weighted total) and each output's `<name>_loss` and `<name>_<metric>`,
 * as Keras names them.
 */
export function logSlots(outputs: readonly string[], metrics: readonly MetricName[]): [string, number][] {
  if (outputs.length === 1) return [['loss', SLOT_LOSS], ...metrics.map((name): [string, number] => [name, SLOT[name]])];
  return [['loss', SLOT_LOSS], ...outputs.flatMap((output, o): [string, number][] => [[`${output}_loss`, SLOTS * (o + 1) + SLOT_LOSS],
    ...metrics.map((name): [string, number] => [`${output}_${name}`, SLOTS * (o + 1) + SLOT[name]])])];
}

/** Logs from a block of sums: { loss, metric… } (see logSlots). */
export function toLogs(outputs: readonly string[], metrics: readonly MetricName[], slots: ArrayLike<number>): Record<string, number> {
  return Object.fromEntries(logSlots(outputs, metrics).map(([key, slot]) => [key, slots[slot]]));
}
