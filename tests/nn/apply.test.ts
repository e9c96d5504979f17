// Model.apply on tensors: the outputs of predict (bits), and gradients through the model's wasm backward when a tape
// records the call, against float64 central differences of a float64 forward of the model.
import { describe, expect, it } from 'vitest';
import {
  dense, dispose, grad, grads, input, layers, memory, model, ones, sequential, tensor, tidy, Variable, type Model, type Tensor,
} from '../../src/index';
import { f32, failOnLeaks, seededValues } from '../reference';

failOnLeaks();

/** A float64 forward of a model: its outputs (flat, output after output) from its weights (getWeights order) and inputs. */
type Ref = (w: readonly Float64Array[], xs: readonly Float64Array[]) => Float64Array;

const bits = (t: Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer));
const values = (t: Tensor): Float64Array => Float64Array.from(t.dataSync());
const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);
const act = {
  linear: (v: number) => v, relu: (v: number) => Math.max(v, 0), sigmoid: (v: number) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh,
};

/** Float64 dense layer on the rows of x [rows, d]: act(x · w [d, n] + b), or a softmax over each row. */
function denseRef(x: Float64Array, w: Float64Array, b: Float64Array, n: number, f: keyof typeof act | 'softmax'): Float64Array {
  const d = w.length / n, rows = x.length / d, z = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let s = b[j];
      for (let p = 0; p < d; p++) s += x[r * d + p] * w[p * n + j];
      z[r * n + j] = f === 'softmax' ? s : act[f](s);
    }
    if (f !== 'softmax') continue;
    const row = z.subarray(r * n, (r + 1) * n), m = Math.max(...row);
    let sum = 0;
    row.forEach((v, j) => { row[j] = Math.exp(v - m); sum += row[j]; });
    row.forEach((v, j) => { row[j] = v / sum; });
  }
  return z;
}

/** The model's weights as float64 arrays, in getWeights order. */
function weightsOf(net: Model): Float64Array[] {
  return net.layers.flatMap((l) => l.weights).map(values);
}

/**
 * The gradients of Σ dy·net.apply(xs) with respect to each x and each trainable weight (from one `grads` call) against
 * float64 central differences of `ref`, within 1e-3·(|expected| + mean |expected|) + 1e-5 (as tests/autograd/check.ts).
 */
function expectModelGradients(net: Model, xs: Tensor[], ref: Ref, name: string, training = false): void {
  const all = net.layers.flatMap((l) => l.weights), trainable = net.trainableWeights;
  const w0 = weightsOf(net), x0 = xs.map(values);
  const out = ref(w0, x0), dyValues = f32(seededValues(out.length, 7, 1));
  const loss = (w: readonly Float64Array[], x: readonly Float64Array[]): number => ref(w, x).reduce((s, v, i) => s + v * dyValues[i], 0);
  const outs = list(net.apply(xs.length === 1 ? xs[0] : xs, { training }));
  const dys: Tensor[] = [];
  let at = 0;
  for (const o of outs) {
    dys.push(tensor(Array.from(dyValues.subarray(at, at + o.size)), o.shape));
    at += o.size;
  }
  dispose(outs);
  const f = (): Tensor => list(net.apply(xs.length === 1 ? xs[0] : xs, { training })).reduce<Tensor>((s, y, i) => s.add(y.mul(dys[i]).sum()), tensor(0));
  const got = grads(f)([...xs, ...trainable]);
  const expected = [
    ...x0.map((x, j) => central(x, (v) => loss(w0, x0.map((q, k) => (k === j ? v : q))))),
    ...trainable.map((t) => {
      const k = all.indexOf(t);
      return central(w0[k], (v) => loss(w0.map((q, i) => (i === k ? v : q)), x0));
    }),
  ];
  got.forEach((g, k) => {
    const actual = g.dataSync(), want = expected[k];
    expect(g.shape, `${name}: gradient ${k} shape`).toEqual(k < xs.length ? xs[k].shape : trainable[k - xs.length].shape);
    const scale = want.reduce((s, v) => s + Math.abs(v), 0) / Math.max(1, want.length);
    want.forEach((v, i) => {
      const bound = 1e-3 * (Math.abs(v) + scale) + 1e-5;
      if (!(Math.abs(actual[i] - v) <= bound)) expect.fail(`${name}: gradient ${k}[${i}] = ${actual[i]}, central differences ${v}`);
    });
  });
  dispose([...got, ...dys]);
}

/** Float64 central differences of fn at each element of v. */
function central(v: Float64Array, fn: (v: Float64Array) => number): Float64Array {
  return v.map((x, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(x)), p = v.slice(), m = v.slice();
    p[i] = x + h;
    m[i] = x - h;
    return (fn(p) - fn(m)) / (2 * h);
  });
}

/** A [rows, cols] tensor of seeded values in (-range, range), away from 0 by at least `gap` (relu's kink). */
function data(rows: number, cols: number, seed: number, range = 1): Tensor {
  return tensor(Array.from(seededValues(rows * cols, seed, range)), [rows, cols]);
}

/** apply (outside and inside a gradient call) and predict give the same bits. */
function expectSameAsPredict(net: Model, x: Tensor | Tensor[]): void {
  const want = list(net.predict(x)), outside = list(net.apply(x));
  let inside: number[][] = [];
  const firstInput = Array.isArray(x) ? x[0] : x;
  const g = grad((v) => {
    const ys = list(net.apply(Array.isArray(x) ? [v, ...x.slice(1)] : v));
    inside = ys.map(bits);
    return ys.reduce<Tensor>((s, y) => s.add(y.sum()), tensor(0));
  })(firstInput);
  want.forEach((w, i) => {
    expect(outside[i].shape).toEqual(w.shape);
    expect(bits(outside[i])).toEqual(bits(w));
    expect(inside[i]).toEqual(bits(w));
  });
  dispose([...want, ...outside, g]);
}

function stack(seed: number, hidden: 'relu' | 'sigmoid' | 'tanh', out: 'linear' | 'softmax' | 'sigmoid'): Model {
  return sequential([dense({ units: 4, activation: hidden, inputShape: [3] }), dense({ units: 3, activation: out })], { seed });
}
const stackRef = (hidden: keyof typeof act, out: keyof typeof act | 'softmax'): Ref => (w, [x]) =>
  denseRef(denseRef(x, w[0], w[1], 4, hidden), w[2], w[3], 3, out);

/** Two inputs [3] and [2], concatenated, a hidden tanh layer, and two outputs: linear [2] and sigmoid [1]. */
function twoWay(seed: number): Model {
  const a = input({ shape: [3] }), b = input({ shape: [2] });
  const h = dense({ units: 4, activation: 'tanh' }).apply(layers.concatenate().apply([a, b]));
  return model({ inputs: [a, b], outputs: [dense({ units: 2 }).apply(h), dense({ units: 1, activation: 'sigmoid' }).apply(h)], seed });
}
const twoWayRef: Ref = (w, [a, b]) => {
  const rows = a.length / 3, x = new Float64Array(rows * 5);
  for (let r = 0; r < rows; r++) {
    x.set(a.subarray(r * 3, r * 3 + 3), r * 5);
    x.set(b.subarray(r * 2, r * 2 + 2), r * 5 + 3);
  }
  const h = denseRef(x, w[0], w[1], 4, 'tanh');
  return Float64Array.from([...denseRef(h, w[2], w[3], 2, 'linear'), ...denseRef(h, w[4], w[5], 1, 'sigmoid')]);
};

/** Conv2d 2×2 (2 filters, relu, valid) on [3, 3, 1] images, flattened into a dense layer of 2 units. */
function convNet(seed: number): Model {
  return sequential([layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh', inputShape: [3, 3, 1] }), layers.flatten(), dense({ units: 2 })], { seed });
}
const convRef: Ref = (w, [x]) => {
  const rows = x.length / 9, [k, kb, d, db] = w, h = new Float64Array(rows * 8);
  for (let r = 0; r < rows; r++) {
    for (let oh = 0; oh < 2; oh++) {
      for (let ow = 0; ow < 2; ow++) {
        for (let c = 0; c < 2; c++) {
          let s = kb[c];
          for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) s += x[r * 9 + (oh + i) * 3 + ow + j] * k[(i * 2 + j) * 2 + c];
          h[r * 8 + (oh * 2 + ow) * 2 + c] = Math.tanh(s);
        }
      }
    }
  }
  return denseRef(h, d, db, 2, 'linear');
};

describe('model.apply on tensors', () => {
  it('gives the bits of predict for sequential, graph (two inputs, two outputs) and conv models, inside a gradient call too', () => {
    const nets = [stack(1, 'relu', 'softmax'), twoWay(2), convNet(3)];
    const x1 = data(5, 3, 11), x2 = data(5, 2, 12), img = data(4, 9, 13);
    const image = img.reshape([4, 3, 3, 1]);
    expectSameAsPredict(nets[0], x1);
    expectSameAsPredict(nets[1], [x1, x2]);
    expectSameAsPredict(nets[2], image);
    dispose([x1, x2, img, image]);
    nets.forEach((n) => n.dispose());
  });

  it('takes one tensor or an array, returns [rows, ...dims], and checks its arguments', () => {
    const net = twoWay(1), x1 = data(2, 3, 1), x2 = data(2, 2, 2);
    const [y1, y2] = net.apply([x1, x2]) as Tensor[];
    expect([y1.shape, y2.shape]).toEqual([[2, 2], [2, 1]]);
    expect(() => net.apply(x1)).toThrow(/apply: x must be an array of 2 tensors/);
    expect(() => net.apply([x1, x2], { train: true } as never)).toThrow(/apply.*train/);
    expect(() => net.apply([x1, x2], { training: 1 } as never)).toThrow(/apply: training must be true or false, got 1/);
    expect(() => net.apply(net.inputs as never)).toThrow(/apply: x holds symbolic tensors/);
    const none = [tensor([], [0, 3]), tensor([], [0, 2])], empty = net.apply(none) as Tensor[];
    expect(empty.map((t) => t.shape)).toEqual([[0, 2], [0, 1]]);
    dispose([y1, y2, x1, x2, ...none, ...empty]);
    net.dispose();
    expect(() => net.apply([x1, x2])).toThrow(/apply: the model was disposed/);
  });
});

describe('gradients through model.apply', () => {
  it('dense stacks with relu, sigmoid and tanh, and softmax and sigmoid outputs', () => {
    for (const [hidden, out, seed] of [['relu', 'softmax', 1], ['sigmoid', 'linear', 2], ['tanh', 'sigmoid', 3], ['tanh', 'softmax', 4]] as const) {
      const net = stack(seed, hidden, out), x = data(4, 3, seed + 20);
      expectModelGradients(net, [x], stackRef(hidden, out), `${hidden}/${out}`);
      x.dispose();
      net.dispose();
    }
  });

  it('a graph model with two inputs and two outputs', () => {
    const net = twoWay(5), a = data(3, 3, 31), b = data(3, 2, 32);
    expectModelGradients(net, [a, b], twoWayRef, 'two inputs, two outputs');
    dispose([a, b]);
    net.dispose();
  });

  it('a convolution model', () => {
    const net = convNet(6), flat = data(3, 9, 41), x = flat.reshape([3, 3, 3, 1]);
    expectModelGradients(net, [x], convRef, 'conv2d');
    dispose([flat, x]);
    net.dispose();
  });

  it('batch normalization and dropout with training false (moving statistics, no dropout)', () => {
    const net = sequential([dense({ units: 3, activation: 'tanh', inputShape: [2] }), layers.batchNormalization(), layers.dropout({ rate: 0.5 }),
      dense({ units: 2 })], { seed: 7 });
    // Moving statistics other than 0 and 1, so that they matter.
    const w = net.getWeights();
    const moved = [w[0], w[1], tensor([1.5, 0.5, 2]), tensor([0.1, -0.2, 0.3]), tensor([0.2, -0.1, 0.05]), tensor([0.5, 1.5, 2]), w[6], w[7]];
    net.setWeights(moved);
    const ref: Ref = (p, [x]) => {
      const h = denseRef(x, p[0], p[1], 3, 'tanh');
      const n = h.map((v, i) => (v - p[4][i % 3]) / Math.sqrt(p[5][i % 3] + 1e-3) * p[2][i % 3] + p[3][i % 3]);
      return denseRef(n, p[6], p[7], 2, 'linear');
    };
    const x = data(4, 2, 51);
    expectModelGradients(net, [x], ref, 'batch normalization');
    expect(net.trainableWeights.length).toBe(6);
    dispose([...w, ...moved.slice(2, 6), x]);
    net.dispose();
  });

  it('a GAN-like composition: gradients into the generator through the discriminator, the discriminator applied twice', () => {
    const g = sequential([dense({ units: 3, activation: 'tanh', inputShape: [2] })], { seed: 8 });
    const d = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [3] })], { seed: 9 });
    const z = data(4, 2, 61), real = data(4, 3, 62), dy = tensor(Array.from(f32(seededValues(4, 3, 1))), [4, 1]);
    const [gk, gb] = weightsOf(g), [dk, db] = weightsOf(d), zs = values(z), rs = values(real);
    // f = Σ dy·D(real) + Σ dy·D(G(z)): D's plan runs twice under one tape, so the first call's backward runs its forward again.
    const f = (): Tensor => d.apply(real).mul(dy).sum().add(d.apply(g.apply(z)).mul(dy).sum());
    const ref = (w: Float64Array[]): number => {
      const fake = denseRef(zs, w[0], w[1], 3, 'tanh');
      return [...denseRef(rs, w[2], w[3], 1, 'sigmoid'), ...denseRef(fake, w[2], w[3], 1, 'sigmoid')].reduce((s, v, i) => s + v * dy.dataSync()[i % 4], 0);
    };
    const ws = [...g.trainableWeights, ...d.trainableWeights], w0 = [gk, gb, dk, db];
    const got = grads(f)(ws);
    got.forEach((t, k) => {
      const want = central(w0[k], (v) => ref(w0.map((q, i) => (i === k ? v : q))));
      const scale = want.reduce((s, v) => s + Math.abs(v), 0) / want.length;
      Array.from(t.dataSync()).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-3 * (Math.abs(want[i]) + scale) + 1e-5));
    });
    dispose([...got, z, real, dy]);
    g.dispose();
    d.dispose();
  });

  it('training true: dropout masks, the same ones in a backward that runs its forward again', () => {
    const v8 = input({ shape: [8] }), net = model({ inputs: v8, outputs: layers.dropout({ rate: 0.5 }).apply(v8), seed: 3 });
    const x = ones([3, 8]), dy = data(3, 8, 71);
    let first: Float32Array = new Float32Array(), second: Float32Array = new Float32Array();
    const g = grad((v) => {
      const a = net.apply(v, { training: true }) as Tensor, b = net.apply(v, { training: true }) as Tensor;
      first = a.dataSync().slice();
      second = b.dataSync().slice();
      return a.mul(dy).sum().add(b.mul(dy).mul(2).sum());
    })(x);
    expect(first.some((v) => v === 0) && first.some((v) => v === 2)).toBe(true);
    expect(Array.from(first)).not.toEqual(Array.from(second));
    // Each call's gradient is dy times its own mask (the output over the input, ones here).
    const want = Array.from(dy.dataSync(), (v, i) => v * first[i] + 2 * v * second[i]);
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    dispose([x, dy, g]);
    net.dispose();
  });

  it('training true updates the moving statistics once per call, also when its backward runs the forward again', () => {
    const make = (): Model => sequential([layers.batchNormalization({ inputShape: [2] })], { seed: 1 });
    const [a, b] = [make(), make()], x = data(4, 2, 81);
    dispose([a.apply(x, { training: true }) as Tensor, a.apply(x, { training: true }) as Tensor]);
    const g = grad((v) => (b.apply(v, { training: true }) as Tensor).add(b.apply(v, { training: true }) as Tensor).sum())(x);
    const stats = (m: Model): number[][] => weightsOf(m).slice(2).map((v) => Array.from(v));
    expect(stats(b)).toEqual(stats(a));
    expect(stats(a)[0].some((v) => v !== 0)).toBe(true);
    dispose([x, g]);
    a.dispose();
    b.dispose();
  });
});

describe('custom training loops', () => {
  /** One plain SGD step on the model's trainable weights from the gradient of loss(); returns the loss. */
  function sgdStep(net: Model, loss: () => Tensor, lr: number): number {
    const weights = net.trainableWeights;
    let value = 0;
    const gs = grads(() => {
      const l = loss();
      value = l.dataSync()[0];
      return l;
    })(weights);
    if (weights.every((w) => w instanceof Variable)) { // layers' weights as Variables: updated in place, as TF.js loops do
      weights.forEach((w, k) => tidy(() => (w as Variable).assign(w.sub(gs[k].mul(lr)))));
      dispose(gs);
      return value;
    }
    const next = tidy(() => net.layers.flatMap((l) => l.weights).map((w) => {
      const k = weights.indexOf(w);
      return k < 0 ? w.clone() : w.sub(gs[k].mul(lr));
    }));
    net.setWeights(next);
    dispose([...gs, ...next]);
    return value;
  }

  it('lowers the loss of a regression and keeps memory flat over 1000 steps', () => {
    const net = sequential([dense({ units: 8, activation: 'tanh', inputShape: [2] }), dense({ units: 1 })], { seed: 2 });
    const x = data(16, 2, 91), y = tidy(() => x.mul(tensor([[1.5, -0.5]])).sum(1, true));
    const mse = (): Tensor => {
      const e = (net.apply(x) as Tensor).sub(y);
      return e.mul(e).sum().div(16);
    };
    const first = sgdStep(net, mse, 0.1);
    for (let i = 0; i < 20; i++) sgdStep(net, mse, 0.1);
    const before = memory();
    let last = 0;
    for (let i = 0; i < 1000; i++) last = sgdStep(net, mse, 0.1);
    const after = memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    expect(last).toBeLessThan(first / 10);
    dispose([x, y]);
    net.dispose();
  });
});
