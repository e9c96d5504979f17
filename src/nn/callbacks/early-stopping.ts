import { dispose } from '../../memory';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import type { Tensor } from '../../tensor/tensor';
import type { Callbacks, FitParams, Logs } from '../fit';
import type { Model } from '../model';
import { checkMode, missingLog, risesWhenBetter, type MonitorMode } from './monitor';

/**
 * Options of `earlyStopping`.
 * @example
 * const options: EarlyStoppingOptions = { monitor: 'loss', patience: 3, minDelta: 1e-4 };
 * const callbacks = earlyStopping(options);
 */
export interface EarlyStoppingOptions {
  /** The log to watch (default 'val_loss', which needs validation data). */
  monitor?: string;
  /**
   * 'min', 'max', or 'auto' (default): accuracies, precision, recall, AUC, F1 and R² are maximised, other logs
   * minimised.
   */
  mode?: MonitorMode;
  /** Epochs in a row without improvement that stop training (default 0, which stops at the first, as 1 does). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /**
   * When it stops training, put back the weights of the best epoch (default false). Training that runs all its
   * epochs keeps the last weights.
   */
  restoreBestWeights?: boolean;
}

/**
 * Callbacks for `fit` that stop training once the monitored log stops improving, as Keras' EarlyStopping. One
 * object can serve several fits (it resets when each starts). Throws a TypeError for a monitor that is not a
 * string, a RangeError for an unknown option (such as `patiance`), a patience that is not a non-negative integer, a
 * negative minDelta or a mode other than 'auto', 'min' and 'max'; `fit` rejects before training with a RangeError if the logs will have no such entry.
 * @example
 * const x = linspace(-1, 1, 40).reshape([40, 1]), y = x.mul(3);
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'meanSquaredError' });
 * const history = await model.fit(x, y, { epochs: 1000, validationSplit: 0.25, seed: 1,
 *   callbacks: earlyStopping({ patience: 5, minDelta: 1e-4, restoreBestWeights: true }) });
 * history.epoch.length < 1000; // true
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callbacks {
  if (typeof options !== 'object' || options === null) throw new TypeError(`earlyStopping: options must be an object, got ${showValue(options)}`);
  checkOptionKeys('earlyStopping', options, ['monitor', 'mode', 'patience', 'minDelta', 'restoreBestWeights']);
  const { monitor = 'val_loss', mode = 'auto', patience = 0, minDelta = 0, restoreBestWeights = false } = options;
  if (typeof monitor !== 'string') throw new TypeError(`earlyStopping: monitor must be a log name, got ${showValue(monitor)}`);
  if (!Number.isInteger(patience) || patience < 0) throw new RangeError(`earlyStopping: patience must be a non-negative integer, got ${showValue(patience)}`);
  if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new RangeError(`earlyStopping: minDelta must be >= 0, got ${showValue(minDelta)}`);
  if (typeof restoreBestWeights !== 'boolean') throw new TypeError(`earlyStopping: restoreBestWeights must be true or false, got ${showValue(restoreBestWeights)}`);
  const sign = risesWhenBetter(monitor, checkMode('earlyStopping', mode)) ? -1 : 1; // compare as a quantity to minimise
  let model: Model | null = null;
  let best = Infinity, wait = 0;
  let bestWeights: Tensor[] | null = null;
  const release = (): void => {
    if (bestWeights) dispose(bestWeights);
    bestWeights = null;
  };
  return {
    setModel: (m: Model) => {
      model = m;
      best = Infinity;
      wait = 0;
      release();
    },
    setParams: (params: FitParams) => {
      if (!params.metrics.includes(monitor)) throw missingLog('earlyStopping', monitor, params.metrics);
    },
    onEpochEnd: (_epoch: number, logs: Logs) => {
      const value = logs[monitor];
      if (value === undefined) throw missingLog('earlyStopping', monitor, Object.keys(logs));
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
