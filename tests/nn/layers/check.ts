// Checks every layer kind's tests share: a model's predictions against a float64 forward of the whole model, the
// gradient a training step applies against float64 central differences of that forward's loss, and a save/load
// round trip with bit-identical predictions.
import { expect } from 'vitest';
import { dispose, loadModel, sgd, type LossOption, type Model, type Tensor } from '../../../src/index';

/** A float64 forward of the whole model: its outputs for `x` (flat, row-major) with the weights `w` (getWeights order). */
export type RefPredict = (w: readonly Float64Array[], x: Float64Array) => Float64Array;

/** A model's inputs: one tensor, or one per input (the reference then takes their values one after the other). */
export type Inputs = Tensor | Tensor[];

/** The values of the inputs as one float64 array, input after input. */
function valuesOf(x: Inputs): Float64Array {
  return Float64Array.from((Array.isArray(x) ? x : [x]).flatMap((t) => Array.from(t.dataSync())));
}

/** The model's weights as float64 arrays, in getWeights order. */
export function weightsOf(net: Model): Float64Array[] {
  const w = net.getWeights();
  const values = w.map((t) => Float64Array.from(t.dataSync()));
  dispose(w);
  return values;
}

/**
 * predict(x) against `ref` from the model's own weights: |error| ≤ tol · (1 + |reference|) per value (tol from the
 * float32 rounding of the sums involved, stated by the caller).
 */
export function expectForward(net: Model, x: Inputs, ref: RefPredict, tol: number): Float64Array {
  const out = net.predict(x) as Tensor;
  const got = out.dataSync(), want = ref(weightsOf(net), valuesOf(x));
  out.dispose();
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => expect(Math.abs(got[i] - v), `output ${i}: ${got[i]} vs ${v}`).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
  return want;
}

/** Mean squared error of `ref`'s outputs against y. */
function mse(ref: RefPredict, w: readonly Float64Array[], x: Float64Array, y: Float64Array): number {
  const p = ref(w, x);
  return p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / p.length;
}

/**
 * One full-batch SGD step of `net` (compiled here with SGD of rate `lr` and meanSquaredError, or `loss`: a loss
 * function equal to it, such as one written in ops) on x, y: the change of
 * every trainable weight, divided by lr, against the float64 central difference (step h) of the reference's loss.
 * Weights listed in `fixed` (indices in getWeights order, such as moving statistics) are skipped. The bound:
 * |applied − numeric| ≤ abs · (1 + |w|) / lr + rel · |numeric| (the float32 rounding of the forward and backward sums
 * and of the update itself, relative to the weight).
 */
export async function expectStepIsGradient(net: Model, x: Inputs, y: Tensor, ref: RefPredict,
  { lr = 0.1, h = 1e-5, abs = 1e-6, rel = 1e-4, fixed = [] as number[], loss = 'meanSquaredError' as LossOption } = {}): Promise<void> {
  net.compile({ optimizer: sgd({ learningRate: lr }), loss });
  const w0 = weightsOf(net), xs = valuesOf(x), ys = Float64Array.from(y.dataSync());
  await net.fit(x, y, { epochs: 1, batchSize: y.shape[0], shuffle: false });
  const w1 = weightsOf(net);
  w0.forEach((p, k) => {
    if (fixed.includes(k)) return;
    p.forEach((v, i) => {
      const plus = w0.map((q) => q.slice()), minus = w0.map((q) => q.slice());
      plus[k][i] = v + h;
      minus[k][i] = v - h;
      const numeric = (mse(ref, plus, xs, ys) - mse(ref, minus, xs, ys)) / (2 * h);
      const applied = (v - w1[k][i]) / lr;
      expect(Math.abs(applied - numeric), `weight ${k}[${i}]: applied ${applied}, numeric ${numeric}`)
        .toBeLessThanOrEqual(abs * (1 + Math.abs(v)) / lr + rel * Math.abs(numeric));
    });
  });
}

/** Saves and loads the model: the loaded one predicts the same bits for x, and its layers' configs are the same. */
export async function expectRoundTrip(net: Model, x: Inputs): Promise<void> {
  const loaded = await loadModel(await net.save());
  const [a, b] = [net.predict(x) as Tensor, loaded.predict(x) as Tensor];
  const bitsOf = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
  expect(bitsOf(b)).toEqual(bitsOf(a));
  expect(loaded.layers.map((l) => l.getConfig())).toEqual(net.layers.map((l) => l.getConfig()));
  dispose([a, b]);
  loaded.dispose();
}

/** Float64 dense layer on the rows of x [rows, d]: x · w [d, n] + b, then tanh (tanh true) or not. */
export function denseRef(x: Float64Array, w: Float64Array, b: Float64Array, d: number, n: number, tanh: boolean): Float64Array {
  const rows = x.length / d, z = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) {
    let s = b[j];
    for (let p = 0; p < d; p++) s += x[r * d + p] * w[p * n + j];
    z[r * n + j] = tanh ? Math.tanh(s) : s;
  }
  return z;
}
