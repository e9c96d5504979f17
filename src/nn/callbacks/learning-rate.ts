// Callbacks that change the optimizer's learning rate between epochs, as Keras 3's LearningRateScheduler and
// ReduceLROnPlateau (keras/src/callbacks/): they set `optimizer.learningRate`, which the training plan reads at each
// call into the loop. Both refuse an optimizer whose rate follows a schedule (its rate is not settable), before
// training, and add `learning_rate` to the epoch logs as Keras does.
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import type { Optimizer } from '../../optim/optimizers';
import type { Callbacks, Logs } from '../fit';
import type { Model } from '../model';
import { checkMode, missingLog, risesWhenBetter, type MonitorMode } from './monitor';

/** The model's optimizer, checked to take a learning rate that can be set (not a schedule), or an error naming `op`. */
function settableOptimizer(model: Model, op: string): Optimizer {
  const optimizer = model.optimizer;
  if (!optimizer) throw new RangeError(`${op}: the model has no optimizer; call compile first`);
  if (optimizer.schedule) {
    throw new RangeError(`${op}: the optimizer's learning rate follows a schedule (${optimizer.schedule.config.className}), which cannot be set; `
      + 'make the optimizer with a number as its learningRate to use this callback');
  }
  return optimizer;
}

/**
 * Callbacks for `fit` that set the learning rate at the start of each epoch to `fn(epoch, lr)`, lr the current rate
 * (epochs counted from 0), as Keras's LearningRateScheduler. The epoch logs get the rate as `learning_rate`.
 * @throws TypeError unless fn is a function; `fit` rejects with a RangeError, before training, if the optimizer's
 * rate follows a schedule, and with one naming the epoch and the value if fn returns anything but a finite number >= 0.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
 * const history = await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 3,
 *   callbacks: learningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr / 2)) });
 * history.history.learning_rate; // [0.1, 0.05, 0.025]
 */
export function learningRateScheduler(fn: (epoch: number, lr: number) => number): Callbacks {
  const op = 'learningRateScheduler';
  if (typeof fn !== 'function') throw new TypeError(`${op}: the schedule must be a function (epoch, lr) => lr, got ${showValue(fn)}`);
  let optimizer: Optimizer | null = null;
  return {
    setModel: (model: Model) => {
      optimizer = settableOptimizer(model, op);
    },
    onEpochBegin: (epoch: number) => {
      const lr = fn(epoch, optimizer!.learningRate);
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
        throw new RangeError(`${op}: the schedule returned ${showValue(lr)} for epoch ${epoch}; it must return a finite learning rate >= 0`);
      }
      optimizer!.learningRate = lr;
    },
    onEpochEnd: (_epoch: number, logs: Logs) => {
      logs.learning_rate = optimizer!.learningRate;
    },
  };
}

/**
 * Options of `reduceLROnPlateau`.
 * @example
 * const options: ReduceLROnPlateauOptions = { monitor: 'loss', factor: 0.5, patience: 2, minLr: 1e-4 };
 */
export interface ReduceLROnPlateauOptions {
  /** The log to watch (default 'val_loss', which needs validation data). */
  monitor?: string;
  /** The factor the rate is multiplied by, in [0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement after which the rate is reduced, an integer >= 0 (default 10). */
  patience?: number;
  /**
   * 'min' (the log should fall), 'max' (rise) or 'auto' (default: 'max' for accuracies, AUC, precision, recall, F1
   * and R², 'min' for anything else, as earlyStopping and modelCheckpoint decide).
   */
  mode?: MonitorMode;
  /** The least change that counts as an improvement (default 1e-4; its magnitude is used, as Keras). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting epochs without improvement again, an integer >= 0 (default 0). */
  cooldown?: number;
  /** The rate is never reduced below it, >= 0 (default 0). */
  minLr?: number;
}

/**
 * Callbacks for `fit` that multiply the learning rate by `factor` once the monitored log has not improved (by more
 * than minDelta) for `patience` epochs, then wait `cooldown` epochs, never going below `minLr`: Keras 3's
 * ReduceLROnPlateau, step for step. One object can serve several fits (it resets when each starts). The epoch
 * logs get the rate (before this epoch's reduction) as `learning_rate`.
 * @throws RangeError for an unknown option, a factor outside [0, 1), a patience or cooldown that is not an integer
 * >= 0, a non-finite minDelta, a negative minLr or an unknown mode; TypeError for a monitor that is not a string.
 * `fit` rejects, before training, if the optimizer's rate follows a schedule, and at the first epoch's end if the
 * logs have no such entry.
 * @example
 * const x = linspace(-1, 1, 32).reshape([32, 1]), y = x.mul(2);
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
 * // No epoch improves the loss by 10: each one after the first halves the rate, down to minLr.
 * const history = await model.fit(x, y, { epochs: 5, seed: 1,
 *   callbacks: reduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 10, minLr: 0.1 }) });
 * history.history.learning_rate; // [0.5, 0.5, 0.25, 0.125, 0.1]
 * model.optimizer?.learningRate; // 0.1
 */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): Callbacks {
  const op = 'reduceLROnPlateau';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['monitor', 'factor', 'patience', 'mode', 'minDelta', 'cooldown', 'minLr']);
  const { monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0 } = options;
  if (typeof monitor !== 'string') throw new TypeError(`${op}: monitor must be a log name, got ${showValue(monitor)}`);
  if (typeof factor !== 'number' || !(factor >= 0 && factor < 1)) throw new RangeError(`${op}: factor must be in [0, 1), got ${showValue(factor)}`);
  for (const [key, value] of [['patience', patience], ['cooldown', cooldown]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${op}: ${key} must be an integer >= 0, got ${showValue(value)}`);
  }
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta)) throw new RangeError(`${op}: minDelta must be a finite number, got ${showValue(minDelta)}`);
  if (typeof minLr !== 'number' || !Number.isFinite(minLr) || minLr < 0) throw new RangeError(`${op}: minLr must be a finite number >= 0, got ${showValue(minLr)}`);
  const rises = risesWhenBetter(monitor, checkMode(op, mode));
  const delta = Math.abs(minDelta);
  let optimizer: Optimizer | null = null;
  let best: number | null = null, wait = 0, cooling = 0;
  return {
    setModel: (model: Model) => {
      optimizer = settableOptimizer(model, op);
    },
    onTrainBegin: () => {
      best = null;
      wait = 0;
      cooling = 0;
    },
    onEpochEnd: (_epoch: number, logs: Logs) => {
      const lr = optimizer!.learningRate;
      logs.learning_rate = lr;
      const current = logs[monitor];
      if (current === undefined) throw missingLog(op, monitor, Object.keys(logs));
      if (cooling > 0) {
        cooling--;
        wait = 0;
      }
      const improved = best === null || (rises ? current - delta > best : current + delta < best);
      if (improved) {
        best = current;
        wait = 0;
      } else if (cooling === 0 && ++wait >= patience) {
        // NOTE: as Keras, whose rate is a float32 variable: compared and reduced from its float32 value.
        const old = Math.fround(lr);
        if (old > Math.fround(minLr)) {
          optimizer!.learningRate = Math.max(old * factor, minLr);
          cooling = cooldown;
          wait = 0;
        }
      }
    },
  };
}
