// Targets a loss cannot take (src/nn/targets.ts): binaryCrossentropy outside [0, 1], negative categorical targets.
// fit, evaluate and validationData reject them naming the row and column, before any work and with memory unchanged;
// targets in range (soft labels included) train as before.
import { describe, expect, it } from 'vitest';
import { dense, initializers, sequential, tensor, type LossName, type Sequential, type Tensor } from '../../src/index';
import { failOnLeaks } from '../reference';
import { expectFailsClean } from './expect-fails';

failOnLeaks();

const expectRejected = (run: () => unknown, message: string): Promise<Error> => expectFailsClean(run, RangeError, message);

const model = (units: number, activation: 'sigmoid' | 'linear' | 'softmax', loss: LossName): Sequential => {
  const m = sequential([dense({ units, activation, inputShape: [2], kernelInitializer: initializers.glorotUniform({ seed: 1 }) })]);
  m.compile({ loss });
  return m;
};


describe('binaryCrossentropy targets', () => {
  it('outside [0, 1] are rejected by fit, evaluate and validationData, naming the row and column', async () => {
    for (const activation of ['sigmoid', 'linear'] as const) {
      const m = model(2, activation, 'binaryCrossentropy'), x = tensor([[0, 1], [1, 0], [1, 1]]), good = tensor([[0, 1], [1, 0.5], [0, 0]]);
      for (const [bad, row, col] of [[1.5, 2, 1], [-0.25, 0, 0], [2, 1, 0]] as const) {
        const values = [[0, 1], [1, 0], [0, 1]];
        values[row][col] = bad;
        const y = tensor(values);
        const need = `binaryCrossentropy needs targets in [0, 1]`;
        await expectRejected(() => m.fit(x, y), `fit: y holds ${bad} at row ${row}, column ${col}; ${need}`);
        await expectRejected(() => m.evaluate(x, y), `evaluate: y holds ${bad} at row ${row}, column ${col}; ${need}`);
        await expectRejected(() => m.fit(x, good, { validationData: [x, y] }), `fit: validationData[1] holds ${bad} at row ${row}, column ${col}; ${need}`);
        y.dispose();
      }
      expect(m.step).toBe(0);
      // In range, soft labels included: trains, and the loss is not negative.
      const history = await m.fit(x, good, { epochs: 2, seed: 1 });
      expect(history.history.loss.every((v) => v >= 0)).toBe(true);
      // NaN is still named as a missing value.
      const nan = tensor([[0, 1], [NaN, 0], [0, 1]]);
      await expectRejected(() => m.fit(x, nan), 'fit: y holds NaN at row 1, column 0; clean or fill missing values first');
      [x, good, nan].forEach((t: Tensor) => t.dispose());
      m.dispose();
    }
  });
});

describe('categorical targets', () => {
  it('negative ones are rejected by fit and evaluate, naming the row and column; soft labels are taken', async () => {
    const m = model(3, 'softmax', 'categoricalCrossentropy'), x = tensor([[0, 1], [1, 0]]);
    const y = tensor([[0, 1, 0], [1.5, -0.5, 0]]);
    const need = 'categoricalCrossentropy needs targets >= 0 (one-hot or class probabilities)';
    await expectRejected(() => m.fit(x, y), `fit: y holds -0.5 at row 1, column 1; ${need}`);
    await expectRejected(() => m.evaluate(x, y), `evaluate: y holds -0.5 at row 1, column 1; ${need}`);
    const soft = tensor([[0.2, 0.8, 0], [1, 0, 0]]);
    expect(m.evaluate(x, soft).loss).toBeGreaterThan(0);
    [x, y, soft].forEach((t) => t.dispose());
    m.dispose();
  });

  it('sparse labels keep their own check (an index in range), and mean squared error takes any finite target', async () => {
    const sparse = model(3, 'softmax', 'sparseCategoricalCrossentropy'), x = tensor([[0, 1], [1, 0]]), labels = tensor([2, -1]);
    await expectRejected(() => sparse.evaluate(x, labels), 'evaluate: y[1] is -1, not a class index in [0, 3)');
    const mse = model(2, 'linear', 'meanSquaredError'), y = tensor([[-5, 7], [3, -2]]);
    expect(Number.isFinite(mse.evaluate(x, y).loss)).toBe(true);
    [x, labels, y].forEach((t) => t.dispose());
    sparse.dispose();
    mse.dispose();
  });
});
