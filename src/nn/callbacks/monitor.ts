// What the callbacks that watch a log share: which way is better, and the error for a log fit does not give.
import { showValue } from '../../tensor/errors';

/** Which way the monitored log improves: 'min', 'max', or 'auto' (from its name). */
export type MonitorMode = 'auto' | 'min' | 'max';

/** Log names that grow as a model improves (after any `val_` and output prefix). */
const RISING = /(acc|precision|recall|auc|f1|r2)/;

/** Checks `mode` of callback `op`. */
export function checkMode(op: string, mode: unknown): MonitorMode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new RangeError(`${op}: mode must be 'auto', 'min' or 'max', got ${showValue(mode)}`);
  return mode;
}

/**
 * Whether a larger `monitor` is better: as `mode` says, or with 'auto' as Keras infers it: losses and errors fall,
 * accuracies, precision, recall, AUC, F1 and R² rise.
 */
export function risesWhenBetter(monitor: string, mode: MonitorMode): boolean {
  if (mode !== 'auto') return mode === 'max';
  return !/loss$/.test(monitor) && RISING.test(monitor.replace(/^val_/, ''));
}

/** The RangeError for logs without `monitor`. */
export function missingLog(op: string, monitor: string, names: readonly string[]): RangeError {
  return new RangeError(`${op}: the logs have no ${monitor} (they have ${names.join(', ')})`);
}
