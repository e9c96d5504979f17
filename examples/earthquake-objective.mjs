// The earthquake example's search objective as a module, for searches whose trials run elsewhere: in worker threads
// (`parallel`) or in `simdeep worker` processes taking them from a queue. Each process prepares the events once (the
// same rows everywhere: the preparation is seeded), trains one network per trial, reports its validation loss after
// every epoch (for ASHA or Hyperband to stop it early) and scores it by its final validation loss.
import { reportEpochs, setThreads } from 'simdeep';
import { prepareEarthquakes, trainNetwork } from './earthquake.mjs';

let prepared;

/** The validation loss of the network of `params`, trained with the trial's seed. */
export async function objective(params, context) {
  return score(params, context.seed, [reportEpochs(context)]);
}

/** The same, reporting nothing (for searches that give objectives no `report`). */
export async function silentObjective(params, context) {
  return score(params, context.seed, []);
}

async function score(params, seed, callbacks) {
  if (!prepared) {
    await setThreads(1);
    prepared = prepareEarthquakes({ seed: 7, log: () => undefined });
  }
  const { data } = prepared;
  const model = await trainNetwork(params, data, seed, callbacks);
  const { loss } = model.evaluate(data.xVal, data.yVal);
  model.dispose();
  return loss;
}
