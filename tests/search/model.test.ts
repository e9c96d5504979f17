// A random search whose objective trains a real simdeep model (src/search with src/nn): each trial seeds its
// initial weights and shuffling from its trial seed and stops itself with earlyStopping, so the search repeats
// bit for bit by seed, beats a deliberately poor setting, and leaves no tensors behind.
import { describe, expect, it } from 'vitest';
import { adam, dense, earlyStopping, initializers, sequential, tensor, tidy, type Tensor } from '../../src/index';
import { choice, logUniform } from '../../src/search/distributions';
import { randomSearch } from '../../src/search/search';
import { failOnLeaks, seededValues } from '../reference';

failOnLeaks();

const ROWS = 96;

/** y = 0.8·x0 − 0.5·x1 + 0.3·x0·x2 on inputs in [-1, 1]. */
function data(): { x: Tensor; y: Tensor } {
  const v = seededValues(ROWS * 3, 21);
  const target = Array.from({ length: ROWS }, (_, i) => [0.8 * v[3 * i] - 0.5 * v[3 * i + 1] + 0.3 * v[3 * i] * v[3 * i + 2]]);
  return { x: tensor(v, [ROWS, 3]), y: tensor(target) };
}

/** Trains a 3-units-1 network; returns its best validation loss. */
async function train(x: Tensor, y: Tensor, { learningRate, units }: { learningRate: number; units: number }, seed: number): Promise<number> {
  const model = sequential([
    dense({ units, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotUniform({ seed }) }),
    dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 1 }) }),
  ]);
  try {
    model.compile({ optimizer: adam({ learningRate }), loss: 'meanSquaredError' });
    const history = await model.fit(x, y, { epochs: 300, batchSize: 16, seed, validationSplit: 0.25,
      callbacks: earlyStopping({ patience: 10, restoreBestWeights: true }) });
    return Math.min(...history.history.val_loss);
  } finally {
    model.dispose();
  }
}

describe('a search that trains simdeep models', () => {
  it('is repeatable by seed, scores every trial, and finds a setting better than a poor one', async () => {
    const { x, y } = data();
    try {
      const search = () => randomSearch({
        space: { learningRate: logUniform(1e-3, 0.1), units: choice([4, 8]) },
        trials: 5, seed: 11, progress: false,
        objective: (params, { seed }) => train(x, y, params, seed),
      });
      const first = await search();
      const second = await search();
      expect(first.trials.map((t) => [t.index, t.status, t.score])).toEqual(second.trials.map((t) => [t.index, t.status, t.score]));
      expect(first.trials.every((t) => t.status === 'ok' && t.score > 0)).toBe(true);
      const variance = tidy(() => y.square().mean().item()); // the loss of predicting 0
      const poor = await train(x, y, { learningRate: 1e-4, units: 4 }, 1);
      expect(first.best!.score).toBeLessThan(0.1 * variance);
      expect(first.best!.score).toBeLessThan(poor);
    } finally {
      x.dispose();
      y.dispose();
    }
  }, 60_000);
});
