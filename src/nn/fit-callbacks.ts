// The callbacks of fit: their interface (as TensorFlow.js names them), the logs and params they get, checking them
// and calling them in turn.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import type { Model } from './model';

/**
 * Logs of an epoch or batch: the mean loss and metrics by name, and with validation their `val_` versions
 * (`{ loss, accuracy, val_loss, val_accuracy }`).
 * @example
 * const logs: Logs = { loss: 0.25, val_loss: 0.3 };
 */
export type Logs = Record<string, number>;

/**
 * What a fit runs with, as TensorFlow.js gives callbacks (`setParams`) and the history (`history.params`): epochs,
 * steps (batches) per epoch, training samples, batch size, verbose, whether it validates, and the names of the logs
 * each epoch gives (`val_` ones included).
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
 * const { params } = await model.fit(tensor([[1], [2], [3]]), tensor([[2], [4], [6]]), { epochs: 2, batchSize: 2 });
 * params; // { epochs: 2, steps: 2, samples: 3, batchSize: 2, verbose: 0, doValidation: false, metrics: ['loss', 'mae'] }
 */
export interface FitParams {
  epochs: number;
  steps: number;
  samples: number;
  batchSize: number;
  verbose: 0 | 1 | 2;
  doValidation: boolean;
  metrics: string[];
}

/**
 * The key of a callback's handler that makes fit stop, rather than reject with a DivergedError, when a step's loss
 * or gradient is NaN or ±Infinity: fit calls it with the epoch and the batch (from 0), keeps the weights of the last
 * finite step, runs onTrainEnd and resolves with the history of the epochs that finished. `terminateOnNaN()` makes
 * such a callback.
 * @example
 * const callback: Callbacks = { [ON_NON_FINITE]: (epoch, batch) => console.log(`stopped at epoch ${epoch}, batch ${batch}`) };
 * typeof callback[ON_NON_FINITE]; // 'function'
 */
export const ON_NON_FINITE: unique symbol = Symbol('simdeep.onNonFinite');

/**
 * Callbacks `fit` calls (pass one or an array as `callbacks`), as TensorFlow.js names them. Each may be async: `fit`
 * awaits it before going on. An error a callback throws, or a promise it returns that rejects, rejects `fit` with
 * that error; the model keeps the weights of the last finished step and stays usable. Returning true from
 * onEpochEnd, or setting `model.stopTraining = true`, stops training after the epoch. An unknown name (such as
 * `onEpochEnds`) is an error. Batch callbacks make the training kernel run one batch per call (slower); the others
 * run between epochs. Ready-made ones: `earlyStopping`, `modelCheckpoint`, `csvLogger`, `terminateOnNaN`.
 * @example
 * const losses: number[] = [];
 * const callbacks: Callbacks = { onEpochEnd: (epoch, logs) => { losses.push(logs.loss); return epoch === 2; } };
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ loss: 'meanSquaredError' });
 * await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 10, callbacks });
 * losses.length; // 3
 */
export interface Callbacks {
  /** Called once before training with the model being trained. */
  setModel?: (model: Model) => void | Promise<void>;
  /** Called once before training, after setModel, with what the fit runs with (see FitParams). */
  setParams?: (params: FitParams) => void | Promise<void>;
  /** Called once before the first epoch. */
  onTrainBegin?: () => void | Promise<void>;
  /** Called before each epoch with its index (from 0). */
  onEpochBegin?: (epoch: number) => void | Promise<void>;
  /**
   * Called after each epoch with its index (from 0) and logs (validation included). Returning true (or a promise of
   * true) stops training after this epoch.
   */
  onEpochEnd?: (epoch: number, logs: Logs) => void | boolean | Promise<void | boolean>;
  /** Called before each batch with its index within the epoch (from 0). */
  onBatchBegin?: (batch: number) => void | Promise<void>;
  /**
   * Called after each batch with its index within the epoch (from 0) and its logs (with it, the training kernel
   * runs one batch per call).
   */
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  /** Called once when training ends, however it ends (if training failed, fit rejects with that error). */
  onTrainEnd?: () => void | Promise<void>;
  /** See ON_NON_FINITE. */
  [ON_NON_FINITE]?: (epoch: number, batch: number) => void;
}
export const CALLBACK_NAMES = ['setModel', 'setParams', 'onTrainBegin', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onTrainEnd'] as const;

/** Checks fit's `callbacks` option (one object or an array), allocating nothing; returns them as an array. */
export function checkCallbacks(given: unknown, op: string): readonly Callbacks[] {
  const callbacks = given === undefined ? [] : Array.isArray(given) ? given : [given as Callbacks];
  callbacks.forEach((c: unknown, i) => {
    const arg = `callbacks[${i}]`;
    if (typeof c !== 'object' || c === null) throw new TypeError(`${op}: ${arg} must be an object such as { onEpochEnd }, got ${showValue(c)}`);
    checkOptionKeys(op, c, CALLBACK_NAMES, arg);
    for (const [name, f] of Object.entries(c)) {
      if (f !== undefined && typeof f !== 'function') throw new TypeError(`${op}: ${arg}.${name} must be a function, got ${showValue(f)}`);
    }
  });
  return callbacks as readonly Callbacks[];
}

export /** Awaits `name` of every callback in turn; returns whether any returned true. */
async function notify<K extends (typeof CALLBACK_NAMES)[number]>(callbacks: readonly Callbacks[], name: K,
  ...args: Parameters<NonNullable<Callbacks[K]>>): Promise<boolean> {
  let stop = false;
  for (const c of callbacks) {
    const f = c[name] as ((...a: typeof args) => unknown) | undefined;
    if (f) stop = (await f.apply(c, args)) === true || stop;
  }
  return stop;
}
