import { ON_NON_FINITE, type Callbacks, type FitParams } from '../fit';

/**
 * A callback that stops training when a batch's loss (or gradient) is NaN or ±Infinity, as Keras's TerminateOnNaN:
 * `fit` resolves with the history of the epochs that finished (the epoch that diverged is not in it) and the model
 * keeps the weights of the last finite step. Without it, fit's option `terminateOnNaN` (on by default) rejects with
 * a DivergedError instead. The check runs in the training kernel, batch by batch, at no cost per batch; the callback
 * only tells fit (by its `ON_NON_FINITE` handler) to stop rather than reject. With verbose on, it prints Keras's
 * message `Batch 3: Invalid loss, terminating training`.
 * @example
 * const x = tensor([[1], [2], [3], [4]]), y = tensor([[1e3], [2e3], [3e3], [4e3]]);
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: sgd({ learningRate: 10 }), loss: 'meanSquaredError' });
 * const history = await model.fit(x, y, { epochs: 100, batchSize: 4, callbacks: terminateOnNaN() });
 * history.epoch.length < 100; // true
 * model.getWeights().every((w) => Array.from(w.dataSync()).every(Number.isFinite)); // true
 */
export function terminateOnNaN(): Callbacks {
  let verbose = 0;
  return {
    setParams: (params: FitParams) => {
      verbose = params.verbose;
    },
    [ON_NON_FINITE]: (_epoch: number, batch: number) => {
      if (verbose > 0) console.log(`Batch ${batch}: Invalid loss, terminating training`);
    },
  };
}
