// Each TF.js alias of src/compat/ (and the TF.js forms of simdeep's own API) against TensorFlow.js 4.22 run side by
// side (cpu backend): the same arguments give the same values, shapes and printed text.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import * as sd from '../../src/index';
import { failOnLeaks } from '../reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => vi.restoreAllMocks());

/** Values of a TF.js tensor and a simdeep one, disposing both. */
function pair(a: tf.Tensor, b: sd.Tensor): [number[], number[], number[], number[]] {
  const out: [number[], number[], number[], number[]] = [Array.from(a.dataSync()), Array.from(b.dataSync()), a.shape, [...b.shape]];
  a.dispose();
  b.dispose();
  return out;
}
const close = (actual: number[], expected: number[], tolerance = 1e-6): void => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i]))));
};

describe('tensor factories and methods', () => {
  failOnLeaks();

  test('tensor1d/2d/3d/4d with and without a shape: the same shapes and values; other ranks and dtypes are errors', () => {
    const cases: [tf.Tensor, sd.Tensor][] = [
      [tf.tensor1d([1, 2, 3]), sd.tensor1d([1, 2, 3])],
      [tf.tensor2d([[1, 2], [3, 4]]), sd.tensor2d([[1, 2], [3, 4]])],
      [tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), sd.tensor2d([1, 2, 3, 4, 5, 6], [3, 2])],
      [tf.tensor3d([1, 2, 3, 4], [2, 2, 1]), sd.tensor3d([1, 2, 3, 4], [2, 2, 1])],
      [tf.tensor4d(new Float32Array(8).map((_, i) => i), [2, 2, 2, 1]), sd.tensor4d(new Float32Array(8).map((_, i) => i), [2, 2, 2, 1])],
      [tf.tensor1d([1, 2], 'int32'), sd.tensor1d([1, 2], 'int32')],
    ];
    for (const [a, b] of cases) {
      const [va, vb, sa, sb] = pair(a, b);
      expect(vb).toEqual(va);
      expect(sb).toEqual(sa);
    }
    expect(() => sd.tensor2d([1, 2, 3])).toThrow(/tensor2d: values must be 2-D, got values of shape \[3\]; give a shape/);
    expect(() => tf.tensor2d([1, 2, 3])).toThrow();
    expect(() => sd.tensor1d([true] as never, 'bool' as never)).toThrow(/dtype "bool" is not supported: simdeep tensors are float32/);
  });

  test("print logs TF.js's text (rank 0 to 3, summarised rows, verbose)", () => {
    const values: [number[] | number, number[]][] = [[5, []], [[1.5, -2, 3], [3]], [[1, 22, 333, 4, 5, 6], [2, 3]],
      [Array.from({ length: 24 }, (_, i) => i / 3), [2, 3, 4]], [Array.from({ length: 30 }, (_, i) => i), [30]],
      [Array.from({ length: 50 }, (_, i) => i * 1.25), [25, 2]], [[1, 2], [1, 2]]];
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    for (const [v, shape] of values) {
      for (const verbose of [false, true]) {
        log.mockClear();
        const a = tf.tensor(v, shape), b = sd.tensor(v, shape);
        a.print(verbose);
        b.print(verbose);
        expect(log.mock.calls[1][0]).toBe(log.mock.calls[0][0]);
        a.dispose();
        b.dispose();
      }
    }
  });

  test('data, array, arraySync, argMax, argMin (default axis 0) as TF.js', async () => {
    const a = tf.tensor2d([[1, 9, 3], [8, 2, 7]]), b = sd.tensor2d([[1, 9, 3], [8, 2, 7]]);
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    expect(await b.array()).toEqual(await a.array());
    expect(b.arraySync()).toEqual(a.arraySync());
    for (const axis of [undefined, 0, 1, -1]) {
      expect(pair(a.argMax(axis), b.argMax(axis))[1]).toEqual(Array.from(a.argMax(axis).dataSync()));
      expect(pair(tf.argMin(a, axis), sd.argMin(b, axis))[1]).toEqual(Array.from(tf.argMin(a, axis).dataSync()));
    }
    tf.dispose(a);
    b.dispose();
    tf.disposeVariables();
  });

  test('oneHot (out-of-range indices give a row of offValue), randomNormal and randomUniform positional forms', () => {
    sd.tidy(() => {
      const [va, vb, sa, sb] = pair(tf.oneHot(tf.tensor1d([0, 2, 5, -1], 'int32'), 3, 4, -1), sd.oneHot(sd.tensor1d([0, 2, 5, -1]), 3, 4, -1));
      expect(vb).toEqual(va);
      expect(sb).toEqual(sa);
      const [ma, mb] = pair(tf.oneHot(tf.tensor2d([[0, 1]], [1, 2], 'int32'), 2), sd.oneHot(sd.tensor2d([[0, 1]]), 2));
      expect(mb).toEqual(ma);
      const normal = sd.randomNormal([20000], 2, 0.5, 'float32', 3);
      expect(Math.abs(normal.mean().item() - 2)).toBeLessThan(0.02);
      expect(Math.abs(sd.moments(normal).variance.sqrt().item() - 0.5)).toBeLessThan(0.02);
      const uniform = sd.randomUniform([1000], -1, 1, 'float32', 3);
      expect(uniform.min().item()).toBeGreaterThanOrEqual(-1);
      expect(sd.randomUniform([4], 0, 1, 'float32', 3).dataSync()).toEqual(sd.randomUniform([4], 0, 1, { seed: 3 }).dataSync());
      expect(() => sd.randomUniform([2], 0, 1, 'int32' as never)).toThrow(/dtype "int32" is not supported/);
    });
  });

  test('cast to float32, int32 and bool gives the values TF.js gives (held as float32)', () => {
    sd.tidy(() => {
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const [va, vb] = pair(tf.tidy(() => tf.tensor1d([1.7, -1.7, 0, 2.5]).cast(dtype)), sd.cast(sd.tensor1d([1.7, -1.7, 0, 2.5]), dtype));
        close(vb, va.map((v) => Math.fround(v)));
      }
      expect(() => sd.tensor1d([1]).cast('complex64' as never)).toThrow(/cast: dtype "complex64" is not supported/);
    });
  });

  test('memory() names numTensors and numBytes as TF.js; util.shuffle keeps the elements; backend functions', async () => {
    const before = sd.memory();
    const t = sd.tensor1d([1, 2, 3]);
    expect(sd.memory().numTensors - before.numTensors).toBe(1);
    expect(sd.memory().numBytes - before.numBytes).toBe(12);
    t.dispose();
    const items = Array.from({ length: 50 }, (_, i) => i);
    sd.util.shuffle(items);
    expect([...items].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(sd.getBackend()).toBe('wasm');
    await expect(sd.setBackend('cpu')).resolves.toBe(true);
    await expect(sd.setBackend('webgl')).rejects.toThrow(/setBackend: backend "webgl" is not available: simdeep runs its own SIMD wasm kernels/);
    await expect(sd.ready()).resolves.toBeUndefined();
  });
});

describe('train, losses and metrics', () => {
  failOnLeaks();

  test('train.* give the optimizers TF.js names, and their steps match TF.js on a quadratic (sgd, momentum, adam)', () => {
    const make: [string, () => tf.Optimizer, () => sd.Optimizer][] = [
      ['sgd', () => tf.train.sgd(0.1), () => sd.train.sgd(0.1)],
      ['momentum', () => tf.train.momentum(0.1, 0.9), () => sd.train.momentum(0.1, 0.9)],
      ['adam', () => tf.train.adam(0.05, 0.8, 0.99, 1e-7), () => sd.train.adam(0.05, 0.8, 0.99, 1e-7)],
    ];
    for (const [name, tfOptimizer, sdOptimizer] of make) {
      const init = sd.tensor1d([1, -2, 3]);
      const a = tf.variable(tf.tensor1d([1, -2, 3])), b = sd.variable(init);
      init.dispose(); // the variable holds a copy
      const ta = tfOptimizer(), tb = sdOptimizer();
      for (let step = 0; step < 5; step++) {
        ta.minimize(() => a.square().sum() as tf.Scalar);
        tb.minimize(() => b.square().sum());
      }
      close(Array.from(b.dataSync()), Array.from(a.dataSync()), 1e-5);
      expect(name).toBe(name);
      a.dispose();
      ta.dispose();
      sd.dispose([b]);
      tb.dispose();
    }
    expect(sd.train.rmsprop(0.01, 0.95).config).toEqual({ name: 'rmsprop', learningRate: 0.01, rho: 0.95, epsilon: 1e-7, weightDecay: 0 });
    expect(() => sd.train.rmsprop(0.01, 0.9, 0.5)).toThrow(/train.rmsprop: momentum 0.5 is not supported/);
    expect(() => sd.train.adagrad(0.1, 0.1)).toThrow(/initialAccumulatorValue 0.1 is not supported/);
    expect(sd.train.adagrad(0.1).config.learningRate).toBe(0.1);
  });

  test('losses.* equal tf.losses.* with and without weights, for every reduction', () => {
    const labels = [[1, 0, 1], [0, 1, 0]], preds = [[0.8, 0.3, 0.4], [0.1, 0.6, 0.9]], weights = [[1, 0, 2], [0.5, 1, 0]];
    const names = ['meanSquaredError', 'absoluteDifference', 'logLoss', 'hingeLoss', 'huberLoss', 'sigmoidCrossEntropy', 'softmaxCrossEntropy'] as const;
    for (const name of names) {
      for (const reduction of [undefined, 0, 1, 2, 3] as const) {
        for (const w of [undefined, weights]) {
          if (name === 'softmaxCrossEntropy' && w) continue; // its weights are per sample: below
          const tfLoss = (tf.losses as unknown as Record<string, (...a: unknown[]) => tf.Tensor>)[name];
          const sdLoss = (sd.losses as unknown as Record<string, (...a: unknown[]) => sd.Tensor>)[name];
          const extra = name === 'logLoss' || name === 'huberLoss' ? [undefined] : name.endsWith('CrossEntropy') ? [0] : [];
          const expected = tf.tidy(() => Array.from(tfLoss(tf.tensor2d(labels), tf.tensor2d(preds), w && tf.tensor2d(w), ...extra, reduction).dataSync()));
          const actual = sd.tidy(() => Array.from(sdLoss(sd.tensor2d(labels), sd.tensor2d(preds), w && sd.tensor2d(w), ...extra, reduction).dataSync()));
          close(actual, expected);
        }
      }
    }
    const expected = tf.tidy(() => Array.from(tf.losses.softmaxCrossEntropy(tf.tensor2d(labels), tf.tensor2d(preds), tf.tensor1d([1, 3]), 0.1).dataSync()));
    close(sd.tidy(() => Array.from(sd.losses.softmaxCrossEntropy(sd.tensor2d(labels), sd.tensor2d(preds), sd.tensor1d([1, 3]), 0.1).dataSync())), expected);
    const cosine = tf.tidy(() => Array.from(tf.losses.cosineDistance(tf.tensor2d([[0.6, 0.8]]), tf.tensor2d([[1, 0]]), 1).dataSync()));
    close(sd.tidy(() => Array.from(sd.losses.cosineDistance(sd.tensor2d([[0.6, 0.8]]), sd.tensor2d([[1, 0]]), 1).dataSync())), cosine);
  });

  test('metrics.* equal tf.metrics.*', () => {
    const yTrue = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], yPred = [[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3]];
    const names = ['binaryAccuracy', 'categoricalAccuracy', 'meanSquaredError', 'meanAbsoluteError', 'meanAbsolutePercentageError',
      'binaryCrossentropy', 'categoricalCrossentropy', 'cosineProximity', 'precision', 'recall', 'r2Score', 'mse', 'MSE', 'mape', 'MAPE'];
    for (const name of names) {
      const round = name === 'precision' || name === 'recall'; // TF.js counts exact 0s and 1s: threshold first
      const p = round ? yPred.map((r) => r.map((v) => (v > 0.5 ? 1 : 0))) : yPred;
      const expected = tf.tidy(() => Array.from((tf.metrics as unknown as Record<string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor>)[name](tf.tensor2d(yTrue), tf.tensor2d(p)).dataSync()));
      const actual = sd.tidy(() => Array.from((sd.metrics as unknown as Record<string, (a: sd.Tensor, b: sd.Tensor) => sd.Tensor>)[name](sd.tensor2d(yTrue), sd.tensor2d(p)).dataSync()));
      close(actual, expected, 1e-5);
    }
    const expected = tf.tidy(() => Array.from(tf.metrics.sparseCategoricalAccuracy(tf.tensor1d([0, 1, 2, 1]), tf.tensor2d(yPred)).dataSync()));
    expect(sd.tidy(() => Array.from(sd.metrics.sparseCategoricalAccuracy(sd.tensor1d([0, 1, 2, 1]), sd.tensor2d(yPred)).dataSync()))).toEqual(expected);
  });

  test('a loss of losses.* as compile\'s loss trains as the built-in one (its gradient flows)', async () => {
    const x = sd.tensor2d([[0], [1], [2], [3]]), y = sd.tensor2d([[1], [3], [5], [7]]);
    const fits = [];
    for (const loss of ['meanSquaredError', sd.losses.meanSquaredError] as const) {
      const model = sd.sequential({ layers: [sd.layers.dense({ units: 1, inputDim: 1, kernelInitializer: 'zeros' })] });
      model.compile({ optimizer: sd.train.sgd(0.05), loss });
      const history = await model.fit(x, y, { epochs: 20, batchSize: 4, shuffle: false });
      fits.push(history.history.loss.at(-1)!);
      model.dispose();
    }
    expect(Math.abs(fits[1] - fits[0])).toBeLessThanOrEqual(1e-5 * fits[0]);
    sd.dispose([x, y]);
  });
});

describe('models in TF.js forms', () => {
  failOnLeaks();

  test('sequential({ layers }), inputDim and batchInputShape build the model inputShape builds', () => {
    const a = sd.sequential({ layers: [sd.layers.dense({ units: 3, inputDim: 4 })] });
    const b = sd.sequential([sd.layers.dense({ units: 3, batchInputShape: [null, 4] })]);
    const c = sd.sequential([sd.layers.conv2d({ filters: 2, kernelSize: 3, batchInputShape: [8, 6, 6, 1] })]);
    expect(a.inputDim).toBe(4);
    expect(b.inputDim).toBe(4);
    expect(c.inputs[0].shape).toEqual([null, 6, 6, 1]);
    expect(() => sd.layers.dense({ units: 1, inputDim: 2, inputShape: [2] })).toThrow(/dense: give one of inputShape, batchInputShape and inputDim, got inputShape and inputDim/);
    expect(() => sd.layers.dense({ units: 1, batchInputShape: [3] })).toThrow(/dense: batchInputShape must be \[batch size or null/);
    expect(() => sd.sequential({ layers: [], name: 'x' } as never)).toThrow(/unknown option "name" in config/);
    [a, b, c].forEach((m) => m.dispose());
  });

  test('evaluate reads as TF.js: a Scalar with only the loss, [loss, ...metrics] otherwise; summary prints and returns', async () => {
    const x = sd.tensor2d([[1], [2]]), y = sd.tensor2d([[1], [5]]);
    const tx = tf.tensor2d([[1], [2]]), ty = tf.tensor2d([[1], [5]]);
    const ours = sd.sequential([sd.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' })]);
    const theirs = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
    for (const metrics of [[], ['mae']]) {
      ours.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: metrics as sd.MetricName[] });
      theirs.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics });
      const a = theirs.evaluate(tx, ty), b = ours.evaluate(x, y);
      if (metrics.length === 0) {
        expect(b.dataSync()).toEqual((a as tf.Scalar).dataSync());
        expect(b.arraySync()).toBe((a as tf.Scalar).arraySync());
        expect(b.loss).toBe(4.5);
      } else {
        const list = a as tf.Scalar[];
        expect([...b].map((s) => s.dataSync()[0])).toEqual(list.map((s) => s.dataSync()[0]));
        expect(b[1].arraySync()).toBe(list[1].arraySync());
        expect(b.length).toBe(2);
        expect(() => b.dataSync()).toThrow(/evaluate: dataSync reads the loss of a model compiled without metrics/);
        expect({ ...b }).toEqual({ loss: 4.5, mae: 1.5 });
      }
      tf.dispose(a);
    }
    const lines: string[] = [];
    const text = ours.summary(undefined, undefined, (line) => lines.push(line));
    expect(lines.join('\n')).toBe(text);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    ours.summary();
    expect(log).toHaveBeenCalledTimes(text.split('\n').length);
    ours.dispose();
    theirs.dispose();
    sd.dispose([x, y]);
    tf.dispose([tx, ty]);
  });
});
