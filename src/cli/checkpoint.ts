// --checkpoint: the model of the best epoch so far (lowest val_loss), saved as training goes, so that an interrupted
// run leaves its best model behind.
import type { Callbacks, Logs } from '../nn/fit';
import type { Model } from '../nn/model';
import { saveCliModel } from './files';

/**
 * A callback that saves the model to `path` after each epoch whose val_loss is the lowest so far, atomically (a
 * temporary file renamed over the path) in the command's format, with the metadata the model carries.
 */
export function bestEpochCheckpoint(path: string): Callbacks {
  let model: Model | undefined, best = Infinity;
  return {
    setModel: (m: Model) => {
      model = m;
    },
    onEpochEnd: async (_epoch: number, logs: Logs) => {
      const loss = logs.val_loss;
      if (!(loss < best)) return;
      best = loss;
      await saveCliModel(model!, path);
    },
  };
}
