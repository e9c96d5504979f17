// earlyStopping (src/nn/callbacks/early-stopping.ts).
import { describe, expect, it } from 'vitest';
import { dispose, earlyStopping, tensor } from '../../../src/index';
import { build, x } from '../save-fixture';

describe('earlyStopping', () => {
  it('stops when the monitored loss stops improving and restores the best weights', async () => {
    const model = build();
    const input = x(), target = tensor([[1, 0], [0, 1], [1, 1]]);
    const history = await model.fit(input, target, {
      epochs: 500, batchSize: 3, validationData: [input, target],
      callbacks: earlyStopping({ monitor: 'val_loss', patience: 3, minDelta: 1e-3, restoreBestWeights: true }),
    });
    const epochs = history.history.val_loss.length;
    expect(epochs).toBeLessThan(500);
    let best = Infinity; // the loss of the last epoch that improved by more than minDelta, as Keras keeps
    for (const v of history.history.val_loss) if (v < best - 1e-3) best = v;
    expect(model.evaluate(input, target).loss).toBe(best);
    await expect(model.fit(input, target, { callbacks: earlyStopping({ monitor: 'nope' }) })).rejects.toThrow(/the logs have no nope/);
    dispose([input, target]);
    model.dispose();
  });
});
