// The fit callback that connects training to a search's pruner: each epoch's monitored log is reported as the trial's
// intermediate score, and training stops when the pruner says the trial should stop.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import type { Callbacks, FitParams, Logs } from '../nn/fit';
import type { Model } from '../nn/model';
import { missingLog } from '../nn/callbacks/monitor';
import type { TrialContext } from './trial';

/**
 * Options of `reportEpochs`.
 * @example
 * const options: ReportEpochsOptions = { monitor: 'val_accuracy' };
 */
export interface ReportEpochsOptions {
  /**
   * The log to report (default 'val_loss', which needs validation data). Its direction is the search's: with a log
   * that rises as the model improves, such as val_accuracy, search with `direction: 'maximize'`.
   */
  monitor?: string;
}

/**
 * Callbacks for `fit` inside a search objective: at the end of each epoch it reports `logs[monitor]` through
 * `context.report` as step epoch + 1 (epoch 0 is step 1), and when the search's pruner answers that the trial
 * should stop, it sets `model.stopTraining`, so `fit` ends after that epoch; the objective then returns as usual and
 * the search records the trial as 'pruned'. Use a new one per fit. Throws a TypeError for a context without
 * `report` or a monitor that is not a string, a RangeError for an unknown option; `fit` rejects before training with
 * a RangeError if the logs will have no such entry.
 * @example
 * const x = randn([32, 2], { seed: 1 }), y = x.sum(1, true);
 * const { trials } = await gridSearch({
 *   space: { learningRate: [0.1, 0.05, 1e-5] }, seed: 1, pruner: asha({ maxResource: 9 }),
 *   objective: async ({ learningRate }, context) => {
 *     const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: initializers.zeros() })]);
 *     model.compile({ optimizer: sgd({ learningRate }), loss: 'meanSquaredError' });
 *     const history = await model.fit(x, y, { epochs: 9, seed: context.seed, validationSplit: 0.25,
 *       callbacks: reportEpochs(context) });
 *     model.dispose();
 *     return history.history.val_loss.at(-1)!;
 *   },
 * });
 * trials.find((t) => t.params.learningRate === 1e-5)?.status; // 'pruned'
 */
export function reportEpochs(context: TrialContext, options: ReportEpochsOptions = {}): Callbacks {
  const op = 'reportEpochs';
  if (typeof context !== 'object' || context === null || typeof context.report !== 'function') {
    throw new TypeError(`${op}: context must be the trial context the objective receives (with report), got ${showValue(context)}`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['monitor']);
  const { monitor = 'val_loss' } = options;
  if (typeof monitor !== 'string') throw new TypeError(`${op}: monitor must be a log name, got ${showValue(monitor)}`);
  let model: Model | null = null;
  return {
    setModel: (m: Model) => {
      model = m;
    },
    setParams: (params: FitParams) => {
      if (!params.metrics.includes(monitor)) throw missingLog(op, monitor, params.metrics);
    },
    onEpochEnd: async (epoch: number, logs: Logs) => {
      const value = logs[monitor];
      if (value === undefined) throw missingLog(op, monitor, Object.keys(logs));
      const goOn = await context.report(epoch + 1, value);
      if (!goOn && model) model.stopTraining = true;
      return !goOn;
    },
  };
}
