import { dispose } from '../memory';
import { showValue } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import type { Callbacks, Logs } from './fit';
import type { Sequential } from './sequential';

/** Options of `earlyStopping`. */
export interface EarlyStoppingOptions {
  /** The log to watch (default 'val_loss'; accuracy logs are maximised, others minimised). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops `fit` once the monitored value stops improving, as Keras' EarlyStopping.
 * @example
 * await model.fit(x, y, { epochs: 1000, validationSplit: 0.2, callbacks: earlyStopping({ patience: 10, restoreBestWeights: true }) });
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callbacks {
  const { monitor = 'val_loss', patience = 0, minDelta = 0, restoreBestWeights = false } = options;
  if (typeof monitor !== 'string') throw new TypeError(`earlyStopping: monitor must be a log name, got ${showValue(monitor)}`);
  if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`earlyStopping: patience must be a non-negative integer, got ${showValue(patience)}`);
  if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new RangeError(`earlyStopping: minDelta must be >= 0, got ${showValue(minDelta)}`);
  const sign = /acc/.test(monitor) ? -1 : 1; // compare as a quantity to minimise
  let model: Sequential | null = null;
  let best = Infinity, wait = 0;
  let bestWeights: Tensor[] | null = null;
  const release = (): void => {
    if (bestWeights) dispose(bestWeights);
    bestWeights = null;
  };
  return {
    setModel: (m: Sequential) => {
      model = m;
      best = Infinity;
      wait = 0;
      release();
    },
    onEpochEnd: (_epoch: number, logs: Logs) => {
      const value = logs[monitor];
      if (value === undefined) throw new RangeError(`earlyStopping: the logs have no ${monitor} (they have ${Object.keys(logs).join(', ')})`);
      if (sign * value < best - minDelta) {
        best = sign * value;
        wait = 0;
        if (restoreBestWeights && model) {
          release();
          bestWeights = model.getWeights();
        }
        return false;
      }
      if (++wait < Math.max(1, patience)) return false;
      if (bestWeights && model) model.setWeights(bestWeights);
      return true;
    },
    onTrainEnd: release,
  };
}
