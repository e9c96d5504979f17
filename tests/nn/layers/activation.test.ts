// layers.activation: a layer kind added the documented way (ARCHITECTURE.md, "Adding a layer"). Its gradients against
// float64 central differences of an independent forward, its fused output against the dense layer's own activation,
// and its file round trip.
import { describe, expect, it } from 'vitest';
import {
  Activation, dense, dispose, initializers, input, layers, loadModel, model, sequential, sgd, tensor, type ActivationName, type Model, type Tensor,
} from '../../../src/index';
import { expectForward, expectStepIsGradient, type RefPredict } from './check';
import { failOnLeaks, seededValues } from '../../reference';
import { act, softmaxRows } from '../net-reference';

failOnLeaks();


/** x [rows, d] · w [d, n] + b, float64. */
function affine(x: Float64Array, w: Float64Array, b: Float64Array, rows: number, d: number, n: number): Float64Array {
  const z = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let s = b[j];
    for (let p = 0; p < d; p++) s += x[r * d + p] * w[p * n + j];
    z[r * n + j] = s;
  }
  return z;
}

/** Mean squared error of x → dense(hidden) → activation(name) → dense(out), float64, from the four weight arrays. */
function refLoss(params: Float64Array[], name: ActivationName, x: Float64Array, y: Float64Array, rows: number, d: number, hidden: number, out: number): number {
  const z = affine(x, params[0], params[1], rows, d, hidden);
  const a = name === 'softmax' ? softmaxRows(z, rows, hidden) : z.map((v) => act(name, v));
  const p = affine(a, params[2], params[3], rows, hidden, out);
  return p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / p.length;
}

const ROWS = 6, D = 4, HIDDEN = 5, OUT = 3, LR = 0.1, H = 1e-5;

describe('layers.activation', () => {
  it.each(['sigmoid', 'relu', 'leakyRelu', 'tanh', 'elu', 'selu', 'relu6', 'hardSigmoid', 'softplus', 'gelu', 'swish', 'softmax', 'linear'] as const)('%s between two dense layers: the SGD step\'s gradient is the float64 central difference', async (name) => {
    const x = tensor(seededValues(ROWS * D, 1, 2), [ROWS, D]), y = tensor(seededValues(ROWS * OUT, 2), [ROWS, OUT]);
    const net = sequential([dense({ units: HIDDEN, inputShape: [D] }), layers.activation({ activation: name }), dense({ units: OUT })], { seed: 3 });
    net.compile({ optimizer: sgd({ learningRate: LR }), loss: 'meanSquaredError' });
    const before = net.getWeights(), w0 = before.map((t) => Float64Array.from(t.dataSync()));
    await net.fit(x, y, { epochs: 1, batchSize: ROWS, shuffle: false });
    const after = net.getWeights(), w1 = after.map((t) => Float64Array.from(t.dataSync()));
    const xs = Float64Array.from(x.dataSync()), ys = Float64Array.from(y.dataSync());
    const z = affine(xs, w0[0], w0[1], ROWS, D, HIDDEN);
    const kinks = name === 'relu' || name === 'leakyRelu' || name === 'selu' ? [0] : name === 'relu6' ? [0, 6] : name === 'hardSigmoid' ? [-2.5, 2.5] : [];
    for (const k of kinks) expect(Math.min(...z.map((v) => Math.abs(v - k))), `no weighted sum at the kink ${k}`).toBeGreaterThan(10 * H);
    w0.forEach((p, k) => p.forEach((v, i) => {
      const plus = w0.map((q) => q.slice()), minus = w0.map((q) => q.slice());
      plus[k][i] = v + H;
      minus[k][i] = v - H;
      const numeric = (refLoss(plus, name, xs, ys, ROWS, D, HIDDEN, OUT) - refLoss(minus, name, xs, ys, ROWS, D, HIDDEN, OUT)) / (2 * H);
      const applied = (v - w1[k][i]) / LR;
      // float32 forward and backward of a few dozen terms, then (w − w')/lr: a few units of 2^-24 relative to the weight
      expect(Math.abs(applied - numeric), `weight ${k}[${i}]`).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v)) / LR + 1e-4 * Math.abs(numeric));
    }));
    dispose([x, y, ...before, ...after]);
    net.dispose();
  });

  it('softmax as an output layer fuses with the loss: the same bits as a dense layer\'s softmax, in predict and in a training step', async () => {
    const x = tensor(seededValues(ROWS * D, 4, 2), [ROWS, D]), labels = tensor(Array.from({ length: ROWS }, (_, i) => i % OUT));
    const init = { kernelInitializer: initializers.glorotUniform({ seed: 5 }) };
    const fused = sequential([dense({ units: OUT, activation: 'softmax', inputShape: [D], ...init })]);
    const split = sequential([dense({ units: OUT, inputShape: [D], ...init }), layers.activation({ activation: 'softmax' })]);
    const bits = (m: Model<Tensor>): number[][] => { const w = m.getWeights(); const v = w.map((t) => Array.from(t.dataSync())); dispose(w); return v; };
    const predicted = [fused.predict(x), split.predict(x)];
    expect(Array.from(predicted[1].dataSync())).toEqual(Array.from(predicted[0].dataSync()));
    for (const m of [fused, split]) m.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const [a, b] = [await fused.trainOnBatch(x, labels), await split.trainOnBatch(x, labels)];
    expect(b).toEqual(a);
    expect(bits(split)).toEqual(bits(fused));
    dispose([x, labels, ...predicted]);
    fused.dispose();
    split.dispose();
  });

  it('round-trips through a model file and shows in the summary; bad options are errors naming them', async () => {
    const x = tensor(seededValues(3 * D, 6), [3, D]);
    const input = layers.input({ shape: [D] });
    const out = layers.activation({ activation: 'tanh', name: 'squash' }).apply(dense({ units: 2 }).apply(input));
    const net = model({ inputs: input, outputs: out, seed: 2 });
    const copy = await loadModel(await net.save());
    const [p, q] = [net.predict(x), copy.predict(x) as Tensor];
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    expect(copy.getLayer('squash')).toBeInstanceOf(Activation);
    expect(net.summary()).toContain('squash (Activation, tanh)');
    expect(() => layers.activation({ activation: 'mish' as never })).toThrow(/^activation: activation must be one of .*, got "mish"$/);
    // Every activation name, in a dense layer and as a layer, saves and loads with bit-identical predictions.
    for (const name of ['elu', 'selu', 'relu6', 'hardSigmoid', 'softplus', 'gelu', 'swish'] as const) {
      const each = sequential([dense({ units: 3, activation: name, inputShape: [D] }), layers.activation({ activation: name })], { seed: 4 });
      const loaded = await loadModel(await each.save());
      const [a, b] = [each.predict(x), loaded.predict(x) as Tensor];
      expect(Array.from(b.dataSync()), name).toEqual(Array.from(a.dataSync()));
      dispose([a, b]);
      each.dispose();
      loaded.dispose();
    }
    expect(() => layers.activation({ activation: 'relu', alpha: 1 } as never)).toThrow(/^activation: unknown option "alpha"/);
    dispose([x, p, q]);
    net.dispose();
    copy.dispose();
  });

  it('softmax over samples of several axes normalises each last-axis row (as Keras): forward against float64 as an output layer; as a hidden layer, the step against central differences', async () => {
    const T = 3, C = 4, rows = 2;
    // x [rows, T, D] → dense(C) per step → softmax over C (→ dense(2) per step when hidden), float64.
    const ref = (hidden: boolean): RefPredict => (w, x) => {
      const z = affine(x, w[0], w[1], rows * T, D, C), a = softmaxRows(z, rows * T, C);
      return hidden ? affine(a, w[2], w[3], rows * T, C, 2) : a;
    };
    for (const hidden of [false, true]) {
      const x = input({ shape: [T, D] });
      const a = layers.activation({ activation: 'softmax' }).apply(dense({ units: C }).apply(x) as never);
      const net = model({ inputs: x, outputs: (hidden ? dense({ units: 2 }).apply(a as never) : a) as never, seed: 5 });
      const xs = tensor(seededValues(rows * T * D, 7, 2), [rows, T, D]), ys = tensor(seededValues(rows * T * (hidden ? 2 : C), 8), [rows, T, hidden ? 2 : C]);
      const p = expectForward(net, xs, ref(hidden), 1e-6);
      if (!hidden) for (let r = 0; r < rows * T; r++) expect(p.subarray(r * C, (r + 1) * C).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
      if (hidden) await expectStepIsGradient(net, xs, ys, ref(hidden)); // an output softmax takes cross-entropy only
      dispose([xs, ys]);
      net.dispose();
    }
  });
});
