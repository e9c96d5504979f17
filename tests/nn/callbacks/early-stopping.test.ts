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

  it('maximises the logs that rise as a model improves (auc, precision, accuracies), and takes mode', () => {
    // The epoch at which a scripted series of logs stops training: patience 1, so the first epoch without improvement.
    const stopsAt = (options: Parameters<typeof earlyStopping>[0], values: number[]): number => {
      const callbacks = earlyStopping(options);
      callbacks.setModel?.(null as never);
      return values.findIndex((v, epoch) => callbacks.onEpochEnd!(epoch, { [options!.monitor!]: v }) === true);
    };
    expect(stopsAt({ monitor: 'val_auc', patience: 1 }, [0.6, 0.7, 0.8, 0.75])).toBe(3);
    expect(stopsAt({ monitor: 'val_precision', patience: 1 }, [0.6, 0.5])).toBe(1);
    expect(stopsAt({ monitor: 'val_loss', patience: 1 }, [0.6, 0.7])).toBe(1);
    expect(stopsAt({ monitor: 'score', mode: 'max', patience: 1 }, [1, 2, 3, 2])).toBe(3);
    expect(stopsAt({ monitor: 'score', patience: 1 }, [3, 2, 1, 2])).toBe(3);
    expect(() => earlyStopping({ mode: 'up' as never })).toThrow(new RangeError(`earlyStopping: mode must be 'auto', 'min' or 'max', got "up"`));
  });
});
