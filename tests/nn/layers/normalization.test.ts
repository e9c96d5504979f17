// layers.batchNormalization and layers.layerNormalization in models: predictions against float64 forwards (batch
// normalization by its moving statistics), the gradient of a training step against float64 central differences of
// the training-mode forward (batch statistics), the moving statistics after steps of fit against a float64 simulation
// of the same batches, validation and evaluate in inference mode, a shared layer and a gradient added from two
// consumers in a graph, file round trips with bit-identical weights, steady-state steps that allocate nothing, and
// option errors that name the option.
import { describe, expect, it } from 'vitest';
import {
  dense, dispose, layers, loadModel, memory, model, sequential, sgd, ShapeError, tensor, type Model, type Tensor,
} from '../../../src/index';
import { heapStats } from '../../../src/runtime/heap';
import { expectBounded, failOnLeaks, seededValues } from '../../reference';
import { refMoments, refNorm, U } from '../../ops/norm-reference';
import { expectRoundTrip, expectStepIsGradient, weightsOf } from './check';

failOnLeaks();

/** Samples [P, C]: P positions of C channels. */
const P = 2, C = 3, ROWS = 6;
const EPSILON = Math.fround(1e-3); // the kernels read ε as a float32

interface Affine { gamma: Float64Array | null; beta: Float64Array | null }

/** x̂·γ + β with x̂ = (x − mean)/√(variance + ε) per channel, float64, and each value's scale |x̂·γ| + |β|. */
function normalizeBy(x: Float64Array, mean: ArrayLike<number>, variance: ArrayLike<number>, { gamma, beta }: Affine, epsilon = EPSILON) {
  const y = new Float64Array(x.length), scale = new Float64Array(x.length);
  x.forEach((v, i) => {
    const c = i % mean.length, xh = (v - mean[c]) / Math.sqrt(variance[c] + epsilon), g = gamma ? gamma[c] : 1, b = beta ? beta[c] : 0;
    y[i] = xh * g + b;
    scale[i] = Math.abs(xh * g) + Math.abs(b);
  });
  return { y, scale };
}

/** Rows of h [rows, d] times w [d, n] plus b, float64, with each output's Σ|h·w| + |b| (the error scale of its sum). */
function denseRef(h: Float64Array, hScale: Float64Array, w: Float64Array, b: Float64Array, d: number, n: number) {
  const rows = h.length / d, out = new Float64Array(rows * n), scale = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let s = b[j], a = Math.abs(b[j]), e = 0;
    for (let p = 0; p < d; p++) {
      s += h[r * d + p] * w[p * n + j];
      a += Math.abs(h[r * d + p] * w[p * n + j]);
      e += hScale[r * d + p] * Math.abs(w[p * n + j]);
    }
    out[r * n + j] = s;
    // The sum's roundings (≤ d + 1, with margin) over a, and the normalization's (≤ 6 each, see tests/ops/norm) over e.
    scale[r * n + j] = (d + 2) * a + 6.1 * e;
  }
  return { out, scale };
}

/** predict(x) within U·scale of the float64 forward `ref` (which gives outputs and their error scales). */
function expectPredict(net: Model, x: Tensor, ref: (w: readonly Float64Array[], x: Float64Array) => { out: Float64Array; scale: Float64Array }): void {
  const got = net.predict(x) as Tensor, want = ref(weightsOf(net), Float64Array.from(x.dataSync()));
  expectBounded(got.dataSync(), want.out, want.scale.map((s) => U * s + 2 ** -140), 'predict');
  got.dispose();
}

/** The BN model: batchNormalization on [P, C] samples, flatten, dense(2); weights gamma, beta, moving mean and variance, W, b. */
function batchNet(options: Parameters<typeof layers.batchNormalization>[0] = {}): Model {
  return sequential([layers.batchNormalization({ inputShape: [P, C], ...options }), layers.flatten(), dense({ units: 2 })], { seed: 3 });
}

/**
 * Its float64 forward: by the moving statistics (inference) or by the statistics of the rows given (training); weights
 * [gamma,] [beta,] moving mean, moving variance, W, b.
 */
const batchRef = (training: boolean, scale = true, center = true, features = P * C) => (w: readonly Float64Array[], x: Float64Array) => {
  const k = (scale ? 1 : 0) + (center ? 1 : 0);
  const stats = training ? refMoments({ kind: 'batch', n: x.length / C, C, x }) : { mean: w[k], variance: w[k + 1] };
  const h = normalizeBy(x, stats.mean, stats.variance, { gamma: scale ? w[0] : null, beta: center ? w[scale ? 1 : 0] : null });
  return denseRef(h.y, h.scale, w[k + 2], w[k + 3], features, 2);
};

/** Sets a model's weights from float64 arrays (each rounded to float32). */
function setWeightsFrom(net: Model, values: readonly ArrayLike<number>[]): void {
  const w = net.getWeights(), fresh = values.map((v, i) => tensor(Float32Array.from(v), w[i].shape));
  net.setWeights(fresh);
  dispose([...w, ...fresh]);
}

describe('layers.batchNormalization', () => {
  const x = (): Tensor => tensor(seededValues(ROWS * P * C, 11, 2).map((v, i) => v + (i % C) - 1), [ROWS, P, C]);
  const y = (): Tensor => tensor(seededValues(ROWS * 2, 12), [ROWS, 2]);

  it('has Keras weights and defaults: gamma, beta, moving_mean, moving_variance (the last two not trainable)', () => {
    const net = batchNet(), layer = net.layers[0];
    expect(layer.weights.map((w) => w.shape)).toEqual([[C], [C], [C], [C]]);
    expect(layer.nonTrainableWeights).toEqual(layer.weights.slice(2));
    expect(layer.trainableWeights).toEqual(layer.weights.slice(0, 2));
    expect(weightsOf(net).slice(0, 4).map((w) => Array.from(w))).toEqual([[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    expect(layer.getConfig()).toEqual({
      name: 'batch_normalization_1', axis: -1, epsilon: 1e-3, center: true, scale: true, momentum: 0.99, inputShape: [P, C],
      betaInitializer: { name: 'zeros' }, gammaInitializer: { name: 'ones' }, movingMeanInitializer: { name: 'zeros' }, movingVarianceInitializer: { name: 'ones' },
    });
    expect(net.summary()).toMatch(/Total params: 26\nTrainable params: 20\nNon-trainable params: 6$/);
    const bare = sequential([layers.batchNormalization({ inputShape: [C], center: false, scale: false })]);
    expect(bare.layers[0].weights.length).toBe(2);
    expect(bare.layers[0].trainableWeights.length).toBe(0);
    net.dispose();
    bare.dispose();
  });

  it('predicts by the moving statistics, and a training step applies the gradient of the batch statistics', async () => {
    for (const [scale, center] of [[true, true], [false, true], [true, false], [false, false]]) {
      const net = batchNet({ scale, center }), data = x(), targets = y(), k = (scale ? 1 : 0) + (center ? 1 : 0);
      const w = weightsOf(net);
      setWeightsFrom(net, [...(scale ? [[1.5, -0.5, 2]] : []), ...(center ? [[0.25, -1, 0.5]] : []), [0.5, -0.25, 1], [2, 0.5, 3], w[k + 2], w[k + 3]]);
      expectPredict(net, data, batchRef(false, scale, center));
      await expectStepIsGradient(net, data, targets, (w2, x2) => batchRef(true, scale, center)(w2, x2).out, { fixed: [k, k + 1] });
      dispose([data, targets]);
      net.dispose();
    }
  });

  it('normalizes [height, width, channels] samples per channel over every position', async () => {
    const net = sequential([layers.batchNormalization({ inputShape: [2, 2, C] }), layers.flatten(), dense({ units: 2 })], { seed: 5 });
    const data = tensor(seededValues(5 * 4 * C, 13, 2), [5, 2, 2, C]), targets = tensor(seededValues(10, 14), [5, 2]);
    const w = weightsOf(net);
    setWeightsFrom(net, [[1.5, -0.5, 2], [0.25, -1, 0.5], [0.5, -0.25, 1], [2, 0.5, 3], w[4], w[5]]);
    expectPredict(net, data, batchRef(false, true, true, 4 * C));
    await expectStepIsGradient(net, data, targets, (w2, x2) => batchRef(true, true, true, 4 * C)(w2, x2).out, { fixed: [2, 3] });
    dispose([data, targets]);
    net.dispose();
  });

  it('with momentum 0, a step leaves the batch mean and biased variance as the moving statistics', async () => {
    const net = batchNet({ momentum: 0 }), data = x(), targets = y();
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    await net.trainOnBatch(data, targets);
    const { mean, variance } = refMoments({ kind: 'batch', n: ROWS * P, C, x: Float64Array.from(data.dataSync()) });
    const w = weightsOf(net);
    expectBounded(w[2], mean, mean.map((m) => U * Math.abs(m) + 2 ** -60), 'moving mean');
    expectBounded(w[3], variance, variance.map((v) => U * v + 2 ** -60), 'moving variance');
    dispose([data, targets]);
    net.dispose();
  });

  it('moving statistics after steps of fit (shuffle false, a last batch of one row) match a float64 simulation', async () => {
    const rows = 10, batchSize = 3, epochs = 2, momentum = 0.9;
    const net = batchNet({ momentum, movingMeanInitializer: 'ones' }), data = tensor(seededValues(rows * P * C, 5, 3), [rows, P, C]);
    const targets = tensor(seededValues(rows * 2, 6), [rows, 2]);
    net.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    await net.fit(data, targets, { epochs, batchSize, shuffle: false });
    // The layer reads 1 − momentum as a float32 (TF.js's decay scalar).
    const decay = Math.fround(1 - momentum), xs = Float64Array.from(data.dataSync()), values = P * C;
    const mean = new Float64Array(C).fill(1), variance = new Float64Array(C).fill(1);
    let steps = 0, largest = 1;
    for (let e = 0; e < epochs; e++) {
      for (let start = 0; start < rows; start += batchSize) {
        const batch = xs.subarray(start * values, Math.min(rows, start + batchSize) * values);
        const s = refMoments({ kind: 'batch', n: batch.length / C, C, x: batch });
        for (let c = 0; c < C; c++) {
          mean[c] = Math.fround(mean[c] - (mean[c] - s.mean[c]) * decay);
          variance[c] = Math.fround(variance[c] - (variance[c] - s.variance[c]) * decay);
          largest = Math.max(largest, Math.abs(mean[c]), variance[c]);
        }
        steps++;
      }
    }
    expect(steps).toBe(8);
    // Each step rounds once to float32 (as the simulation does, so the two differ only where the f64 statistics'
    // errors, far below 2^-40 here, cross a rounding boundary): at most an ULP per step.
    const w = weightsOf(net), bound = new Float64Array(C).fill(2 * steps * U * largest);
    expectBounded(w[2], mean, bound, 'moving mean');
    expectBounded(w[3], variance, bound, 'moving variance');
    dispose([data, targets]);
    net.dispose();
  });

  it('validation and evaluate use the moving statistics (inference), not the batch statistics', async () => {
    const net = batchNet({ momentum: 0.5 }), data = x(), targets = y();
    const xv = tensor(seededValues(4 * P * C, 21, 2), [4, P, C]), yv = tensor(seededValues(8, 22), [4, 2]);
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const history = await net.fit(data, targets, { epochs: 2, batchSize: 3, shuffle: false, validationData: [xv, yv] });
    const evaluated = net.evaluate(xv, yv).loss;
    expect(history.history.val_loss[1]).toBeCloseTo(evaluated, 12);
    const w = weightsOf(net), xs = Float64Array.from(xv.dataSync()), ys = Float64Array.from(yv.dataSync());
    const lossOf = (ref: { out: Float64Array; scale: Float64Array }) => ({
      loss: ref.out.reduce((s, p, i) => s + (p - ys[i]) ** 2, 0) / ys.length,
      bound: ref.out.reduce((s, p, i) => s + 2 * Math.abs(p - ys[i]) * U * ref.scale[i] + (U * ref.scale[i]) ** 2, 0) / ys.length + 2 ** -40,
    });
    const inference = lossOf(batchRef(false)(w, xs)), training = lossOf(batchRef(true)(w, xs));
    expect(Math.abs(evaluated - inference.loss)).toBeLessThanOrEqual(inference.bound);
    expect(Math.abs(training.loss - inference.loss)).toBeGreaterThan(100 * inference.bound);
    dispose([data, targets, xv, yv]);
    net.dispose();
  });

  it('saves and loads: moving statistics bit-identical, the same predictions', async () => {
    const net = batchNet({ momentum: 0.7, center: false }), data = x(), targets = y();
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    await net.fit(data, targets, { epochs: 3, batchSize: 4, shuffle: false });
    await expectRoundTrip(net, data);
    const loaded = await loadModel(await net.save());
    const bits = (m: Model): number[][] => weightsOf(m).map((w) => Array.from(new Uint32Array(Float32Array.from(w).buffer)));
    expect(bits(loaded)).toEqual(bits(net));
    expect(loaded.layers[0].nonTrainableWeights.length).toBe(2);
    loaded.dispose();
    dispose([data, targets]);
    net.dispose();
  });

  it('takes the last axis by its index too, and refuses other axes and bad options, naming them', () => {
    const sample = layers.input({ shape: [P, C] });
    expect(layers.batchNormalization({ axis: 2 }).apply(sample).shape).toEqual([null, P, C]);
    expect(() => layers.batchNormalization({ axis: 1, name: 'bn' }).apply(sample)).toThrow(ShapeError);
    expect(() => layers.batchNormalization({ axis: 1, name: 'bn' }).apply(sample)).toThrow(/bn \(BatchNormalization\) normalizes the last axis only; axis 1 of \[null, 2, 3\]/);
    expect(() => layers.batchNormalization({ axis: 0 })).toThrow(/batchNormalization: axis must be -1 or the index of the last axis/);
    expect(() => layers.batchNormalization({ momentum: 1.5 })).toThrow(/batchNormalization: momentum must be in \[0, 1\], got 1.5/);
    expect(() => layers.batchNormalization({ epsilon: 0 })).toThrow(/batchNormalization: epsilon must be a positive number \(from 1.4e-45 to 3.4e38, a float32\), got 0/);
    expect(() => layers.batchNormalization({ epsilon: 1e-50 })).toThrow(/batchNormalization: epsilon must be a positive number/);
    expect(() => layers.batchNormalization({ center: 'yes' as unknown as boolean })).toThrow(/batchNormalization: center must be true or false/);
    expect(() => layers.batchNormalization({ movingVarianceInitializer: 'twos' })).toThrow(/batchNormalization: movingVarianceInitializer must be one of/);
    expect(() => layers.batchNormalization({ momentun: 0.9 } as never)).toThrow(/batchNormalization: unknown option "momentun".*did you mean "momentum"/);
    expect(() => layers.batchNormalization({ betaRegularizer: 'l3' } as never)).toThrow(/batchNormalization: betaRegularizer must be a regularizer/);
  });
});

describe('layers.layerNormalization', () => {
  const lnNet = (options: Parameters<typeof layers.layerNormalization>[0] = {}): Model =>
    sequential([layers.layerNormalization({ inputShape: [P, C], ...options }), layers.flatten(), dense({ units: 2 })], { seed: 4 });
  /** Its float64 forward: each position over its channels, then the dense layer (weights [gamma,] [beta,] W, b). */
  const lnRef = (scale: boolean, center: boolean) => (w: readonly Float64Array[], x: Float64Array) => {
    const gamma = scale ? w[0] : null, beta = center ? w[scale ? 1 : 0] : null, k = (scale ? 1 : 0) + (center ? 1 : 0);
    const norm = refNorm({ kind: 'layer', n: x.length / C, C, x, gamma, beta, epsilon: EPSILON });
    const sizes = norm.xh.map((v, i) => Math.abs(v * (gamma ? gamma[i % C] : 1)) + (beta ? Math.abs(beta[i % C]) : 0));
    return denseRef(norm.y, sizes, w[k], w[k + 1], P * C, 2);
  };

  it('predicts the float64 forward and a training step applies its gradient; files round-trip', async () => {
    for (const [scale, center] of [[true, true], [true, false], [false, true]]) {
      const net = lnNet({ scale, center }), k = (scale ? 1 : 0) + (center ? 1 : 0);
      const data = tensor(seededValues(ROWS * P * C, 31, 3), [ROWS, P, C]), targets = tensor(seededValues(ROWS * 2, 32), [ROWS, 2]);
      const w = weightsOf(net);
      setWeightsFrom(net, [...(scale ? [[1.5, -0.5, 2]] : []), ...(center ? [[0.25, -1, 0.5]] : []), w[k], w[k + 1]]);
      expectPredict(net, data, lnRef(scale, center));
      await expectStepIsGradient(net, data, targets, (w2, x2) => lnRef(scale, center)(w2, x2).out);
      await expectRoundTrip(net, data);
      dispose([data, targets]);
      net.dispose();
    }
  });

  it('has Keras defaults and refuses bad options, naming them', () => {
    const layer = layers.layerNormalization();
    expect(layer.getConfig()).toEqual({ name: undefined, axis: -1, epsilon: 1e-3, center: true, scale: true, betaInitializer: { name: 'zeros' }, gammaInitializer: { name: 'ones' } });
    expect(() => layers.layerNormalization({ momentum: 0.9 } as never)).toThrow(/layerNormalization: unknown option "momentum"/);
    expect(() => layers.layerNormalization({ epsilon: -1 })).toThrow(/layerNormalization: epsilon must be a positive number .*, got -1/);
    expect(() => layers.layerNormalization({ scale: 1 as unknown as boolean })).toThrow(/layerNormalization: scale must be true or false, got 1/);
    expect(() => layers.layerNormalization({ gammaInitializer: 'nope' })).toThrow(/layerNormalization: gammaInitializer must be one of/);
    expect(() => layers.layerNormalization({ axis: 1 }).apply(layers.input({ shape: [P, C] }))).toThrow(/LayerNormalization normalizes the last axis only/);
  });
});

describe('normalization in a graph', () => {
  // x [4] → h = dense(4, tanh) → a = batchNormalization(h); s = add(h, a) (h's gradient from two consumers);
  // c = ln(s); d = ln(c) (one layer called twice: its gradients add) → dense(2).
  const build = (): Model => {
    const x = layers.input({ shape: [4] }), h = dense({ units: 4, activation: 'tanh' }).apply(x);
    const ln = layers.layerNormalization(), s = layers.add().apply([h, layers.batchNormalization().apply(h)]);
    return model({ inputs: x, outputs: dense({ units: 2 }).apply(ln.apply(ln.apply(s))), seed: 9 });
  };
  // Weights: dense W, b; bn gamma, beta, moving mean, moving variance; ln gamma, beta; dense W, b.
  const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array => {
    const rows = x.length / 4, h = denseRef(x, new Float64Array(x.length), w[0], w[1], 4, 4).out.map(Math.tanh);
    const { mean, variance } = refMoments({ kind: 'batch', n: rows, C: 4, x: h });
    const a = normalizeBy(h, mean, variance, { gamma: w[2], beta: w[3] }).y, s = h.map((v, i) => v + a[i]);
    const layer = (v: Float64Array): Float64Array => refNorm({ kind: 'layer', n: rows, C: 4, x: v, gamma: w[6], beta: w[7], epsilon: EPSILON }).y;
    return denseRef(layer(layer(s)), new Float64Array(rows * 4), w[8], w[9], 4, 2).out;
  };

  it('a training step applies the float64 gradient', async () => {
    const net = build();
    expect(net.layers.map((l) => l.className)).toEqual(['Dense', 'BatchNormalization', 'Add', 'LayerNormalization', 'Dense']);
    const x = tensor(seededValues(5 * 4, 41, 2), [5, 4]), y = tensor(seededValues(10, 42), [5, 2]);
    await expectStepIsGradient(net, x, y, ref, { fixed: [4, 5] });
    dispose([x, y]);
    net.dispose();
  });

  it('steady-state training steps allocate nothing', async () => {
    const net = build(), x = tensor(seededValues(5 * 4, 43, 2), [5, 4]), y = tensor(seededValues(10, 44), [5, 2]);
    const [xs, ys] = [tensor(seededValues(2 * 4, 45), [2, 4]), tensor(seededValues(4, 46), [2, 2])];
    net.compile({ optimizer: sgd({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    await net.trainOnBatch(x, y);
    await net.trainOnBatch(xs, ys);
    const before = { ...memory(), ...heapStats() };
    for (let i = 0; i < 20; i++) {
      await net.trainOnBatch(x, y);
      await net.trainOnBatch(xs, ys);
    }
    expect({ ...memory(), ...heapStats() }).toEqual(before);
    dispose([x, y, xs, ys]);
    net.dispose();
  });
});
