// The functional graph API (src/nn/model.ts, graph.ts, layers/merge.ts) beyond its gradients (graph-gradients.test.ts)
// and errors (graph-errors.test.ts): residual and two-input models train through fit; several outputs log each loss,
// metric and the weighted total as Keras names them, with values checked against a float64 reference; trainOnBatch
// over an epoch's batches gives fit's bits; a seeded fit repeats bit for bit, on one thread or two; a graph model
// round-trips through its file; layers shared across models; and the summary of a graph.
import { describe, expect, it } from 'vitest';
import {
  adam, dense, dispose, DisposedError, dropout, input, layers, loadModel, memory, Model, model, Sequential, setThreads, sgd, tensor, threads,
  type Tensor,
} from '../../src/index';
import { heapStats } from '../../src/runtime/heap';
import { describeEachBuild, splitsOverThreads } from '../builds';
import { failOnLeaks, seededValues } from '../reference';
import {
  GraphBuilder, graphForward, graphLosses, graphRoundingFactor, lossBounds, U, type RefGraph,
} from './graph-reference';
import { batchSizes, expectRunningLogs } from './same-as-fit';

failOnLeaks();

/** The weights' bits, one Uint32Array per tensor. */
function bits(net: Model): Uint32Array[] {
  const weights = net.getWeights();
  const out = weights.map((w) => new Uint32Array(Float32Array.from(w.dataSync()).buffer));
  dispose(weights);
  return out;
}

/** Expects two models' weights to be bit-identical, naming the first tensor and index that differ. */
function expectSameBits(a: Model, b: Model, context = ''): void {
  const [wa, wb] = [bits(a), bits(b)];
  expect(wa.length, context).toBe(wb.length);
  wa.forEach((w, t) => expect(w.findIndex((v, j) => v !== wb[t][j]), `${context} weights[${t}] first differ at`).toBe(-1));
}

const rowsOf = (t: Tensor, from: number, to: number): Tensor => t.slice([from], [to - from]);

/** y = tanh(x·A)·B for seeded A [inDim, 6] and B [6, outDim], float32-rounded: a smooth regression target. */
function regression(x: Float64Array, rows: number, inDim: number, outDim: number, seed: number): Float64Array {
  const A = seededValues(inDim * 6, seed, 1), B = seededValues(6 * outDim, seed + 1, 1), y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 6; k++) {
      let s = 0;
      for (let p = 0; p < inDim; p++) s += x[r * inDim + p] * A[p * 6 + k];
      const h = Math.tanh(s);
      for (let j = 0; j < outDim; j++) y[r * outDim + j] += h * B[k * outDim + j];
    }
  }
  return y.map(Math.fround);
}

describeEachBuild('functional models train through fit', () => {
  it('a residual MLP x → dense(tanh) → dense, + x (layers.add) → dense: the loss falls below a tenth of its start', async () => {
    const rows = 64, xv = seededValues(rows * 8, 1);
    const x = tensor(xv, [rows, 8]), y = tensor(regression(xv, rows, 8, 2, 2), [rows, 2]);
    const xi = input({ shape: [8] });
    const h = dense({ units: 16, activation: 'tanh' }).apply(xi);
    const s = layers.add().apply([xi, dense({ units: 8 }).apply(h)]);
    const net = model({ inputs: xi, outputs: dense({ units: 2 }).apply(s), seed: 3 });
    net.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const start = net.evaluate(x, y).loss;
    const history = await net.fit(x, y, { epochs: 150, batchSize: 16 });
    const end = net.evaluate(x, y).loss;
    expect(start).toBeGreaterThan(0.05);
    expect(end).toBeLessThan(start / 10);
    expect(history.history.loss).toHaveLength(150);
    expect(history.history.loss[149]).toBeLessThan(history.history.loss[0] / 5);
    dispose([x, y]);
    net.dispose();
  });

  for (const merge of ['concatenate', 'multiply', 'average'] as const) {
    it(`two inputs joined by layers.${merge}: fit([xa, xb], y) brings the loss below a tenth of its start`, async () => {
      const rows = 64, av = seededValues(rows * 4, 5), bv = seededValues(rows * 3, 6);
      const joined = Float64Array.from({ length: rows * 7 }, (_, i) => (i % 7 < 4 ? av[Math.floor(i / 7) * 4 + (i % 7)] : bv[Math.floor(i / 7) * 3 + (i % 7) - 4]));
      const xa = tensor(av, [rows, 4]), xb = tensor(bv, [rows, 3]), y = tensor(regression(joined, rows, 7, 1, 7), [rows, 1]);
      const a = input({ shape: [4] }), b = input({ shape: [3] });
      const ha = dense({ units: 8, activation: 'tanh' }).apply(a), hb = dense({ units: 8, activation: 'tanh' }).apply(b);
      const m = layers[merge]().apply([ha, hb]);
      const net = model({ inputs: [a, b], outputs: dense({ units: 1 }).apply(dense({ units: 8, activation: 'tanh' }).apply(m)), seed: 4 });
      net.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
      const start = net.evaluate([xa, xb], y).loss;
      await net.fit([xa, xb], y, { epochs: 200, batchSize: 16 });
      const end = net.evaluate([xa, xb], y).loss;
      expect(end).toBeLessThan(start / 10);
      dispose([xa, xb, y]);
      net.dispose();
    });
  }
});

describe('several outputs', () => {
  /** x(3) → dense(5, tanh) → reg: dense(2, linear) and cls: dense(2, sigmoid) (names given or not), weights seeded. */
  function twoHeads(named: boolean, seed: number): { net: Model; ref: RefGraph } {
    const b = new GraphBuilder(), x = b.input(3), h = b.dense(x, 5, 'tanh');
    const reg = b.dense(h, 2, 'linear', named ? { name: 'reg' } : {}), cls = b.dense(h, 2, 'sigmoid', named ? { name: 'cls' } : {});
    return { net: b.model([x], [{ node: reg, loss: 'meanSquaredError', weight: 1 }, { node: cls, loss: 'binaryCrossentropy', weight: 0.5 }], seed), ref: b.ref };
  }
  const rows = 9;
  const data = (): { xv: Float64Array; ts: Float64Array[] } => ({
    xv: seededValues(rows * 3, 21), ts: [seededValues(rows * 2, 22), seededValues(rows * 2, 23).map((v) => (v > 0 ? 1 : 0))],
  });

  it('evaluate logs loss, <name>_loss and <name>_<metric>: each loss and metric, and Σ weight·loss, against float64', () => {
    const { net, ref } = twoHeads(true, 31), { xv, ts } = data();
    const x = tensor(xv, [rows, 3]), y = ts.map((t) => tensor(t, [rows, 2]));
    net.compile({ optimizer: 'sgd', loss: { reg: 'mse', cls: 'binaryCrossentropy' }, lossWeights: { cls: 0.5 }, metrics: ['mae', 'accuracy'] });
    expect(net.toJSON().compile).toMatchObject({ loss: ['meanSquaredError', 'binaryCrossentropy'], lossWeights: [1, 0.5], metrics: ['mae', 'accuracy'] });
    const logs = net.evaluate(x, y);
    expect(Object.keys(logs)).toEqual(['loss', 'reg_loss', 'reg_mae', 'reg_accuracy', 'cls_loss', 'cls_mae', 'cls_accuracy']);
    const f = graphForward(ref, [xv], rows), { each, total } = graphLosses(ref, f, ts, rows);
    const K = graphRoundingFactor(ref, rows), bounds = lossBounds(ref, f, ts, rows, K);
    expect(Math.abs(logs.reg_loss - each[0]), `reg_loss ${logs.reg_loss} vs ${each[0]}`).toBeLessThanOrEqual(bounds[0]);
    expect(Math.abs(logs.cls_loss - each[1]), `cls_loss ${logs.cls_loss} vs ${each[1]}`).toBeLessThanOrEqual(bounds[1]);
    expect(Math.abs(logs.loss - total), `loss ${logs.loss} vs ${total}`).toBeLessThanOrEqual(bounds[0] + 0.5 * bounds[1] + 4 * U * total);
    // The logged total is the weighted sum of the logged per-output losses (the per-output ones are not weighted).
    expect(logs.loss).toBeCloseTo(logs.reg_loss + 0.5 * logs.cls_loss, 12);
    // mae on the outputs (probabilities for the sigmoid head): first-order error K·U·scale / n per element.
    ref.outputs.forEach((o, k) => {
      const p = f.v[o.node], s = f.s[o.node];
      let mae = 0, bound = 0, correct = 0;
      for (let i = 0; i < p.length; i++) {
        mae += Math.abs(p[i] - ts[k][i]) / p.length;
        bound += (K * U * s[i]) / p.length;
        correct += (p[i] > 0.5 ? 1 : 0) === ts[k][i] ? 1 : 0; // Keras: the thresholded output equals the target
      }
      const name = ['reg', 'cls'][k];
      expect(Math.abs(logs[`${name}_mae`] - mae), `${name}_mae ${logs[`${name}_mae`]} vs ${mae}`).toBeLessThanOrEqual(bound + 8 * U * mae);
      // No output lies within rounding of 0.5 here, so accuracy is exact.
      expect(p.every((v, i) => Math.abs(v - 0.5) > K * U * s[i])).toBe(true);
      expect(logs[`${name}_accuracy`]).toBeCloseTo(correct / p.length, 12);
    });
    dispose([x, ...y]);
    net.dispose();
  });

  it('fit, trainOnBatch and a loss by array name the outputs by their layers\' auto names (dense_2, dense_3)', async () => {
    const { net, ref } = twoHeads(false, 32), { xv, ts } = data();
    expect(net.layers.map((l) => l.name)).toEqual(['dense_1', 'dense_2', 'dense_3']);
    const x = tensor(xv, [rows, 3]), y = ts.map((t) => tensor(t, [rows, 2]));
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: ['meanSquaredError', 'binaryCrossentropy'], lossWeights: [1, 0.5], metrics: ['mse'] });
    const names = ['loss', 'dense_2_loss', 'dense_2_mse', 'dense_3_loss', 'dense_3_mse'];
    expect(Object.keys(net.evaluate(x, y))).toEqual(names);
    const f = graphForward(ref, [xv], rows), { each, total } = graphLosses(ref, f, ts, rows);
    const bounds = lossBounds(ref, f, ts, rows, graphRoundingFactor(ref, rows));
    // trainOnBatch gives [loss, ...] of the outputs before its step, in log order.
    const values = await net.trainOnBatch(x, y) as number[];
    expect(values).toHaveLength(5);
    expect(Math.abs(values[0] - total), `loss ${values[0]} vs ${total}`).toBeLessThanOrEqual(bounds[0] + 0.5 * bounds[1] + 4 * U * total);
    expect(Math.abs(values[1] - each[0]), `dense_2_loss ${values[1]} vs ${each[0]}`).toBeLessThanOrEqual(bounds[0]);
    expect(Math.abs(values[3] - each[1]), `dense_3_loss ${values[3]} vs ${each[1]}`).toBeLessThanOrEqual(bounds[1]);
    const history = await net.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.3 });
    expect(Object.keys(history.history)).toEqual([...names, ...names.map((n) => `val_${n}`)]);
    expect(history.history.loss).toHaveLength(2);
    dispose([x, ...y]);
    net.dispose();
  });
});

/** Two inputs (a: 5, b: 3), each through a dense layer, dropout on one, concatenated, a dense output of 2. */
function twoInputNet(seed: number): Model {
  const a = input({ shape: [5] }), b = input({ shape: [3] });
  const ha = dropout({ rate: 0.3 }).apply(dense({ units: 8, activation: 'relu' }).apply(a));
  const hb = dense({ units: 4, activation: 'tanh' }).apply(b);
  const out = dense({ units: 2 }).apply(dropout({ rate: 0.2 }).apply(layers.concatenate().apply([ha, hb])));
  const net = model({ inputs: [a, b], outputs: out, seed });
  net.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] });
  return net;
}

describeEachBuild('trainOnBatch gives the weights of fit for a graph model', () => {
  it('two inputs with dropout, Adam, two epochs of batches of 10 (the last of 7): same bits, losses and metrics', async () => {
    const n = 37, xa = tensor(seededValues(n * 5, 41), [n, 5]), xb = tensor(seededValues(n * 3, 42), [n, 3]), y = tensor(seededValues(n * 2, 43), [n, 2]);
    const a = twoInputNet(9), b = twoInputNet(9), batchSize = 10, epochs = 2;
    const logs: number[][] = [];
    await a.fit([xa, xb], y, { epochs, batchSize, shuffle: false, callbacks: { onBatchEnd: (_, l) => { logs.push(Object.values(l)); } } });
    const returned: number[][] = [];
    for (let e = 0; e < epochs; e++) {
      for (let from = 0; from < n; from += batchSize) {
        const to = Math.min(from + batchSize, n);
        const batch = [rowsOf(xa, from, to), rowsOf(xb, from, to), rowsOf(y, from, to)];
        const value = await b.trainOnBatch([batch[0], batch[1]], batch[2]);
        dispose(batch);
        returned.push(typeof value === 'number' ? [value] : value);
      }
    }
    expect(logs).toHaveLength(8);
    expect(b.step).toBe(a.step);
    expectRunningLogs(returned, logs, batchSizes(n, batchSize));
    expectSameBits(a, b);
    dispose([xa, xb, y]);
    a.dispose();
    b.dispose();
  });
});

describeEachBuild('a seeded fit of a graph model repeats bit for bit', (env) => {
  /** Two inputs of 256 and 32 features, products of batches of 64 above PARALLEL_FLOPS, dropout, shuffled batches. */
  async function trained(): Promise<Model> {
    const a = input({ shape: [256] }), b = input({ shape: [32] });
    const ha = dropout({ rate: 0.25 }).apply(dense({ units: 256, activation: 'relu' }).apply(a));
    const hb = dense({ units: 256, activation: 'tanh' }).apply(b);
    const h = dense({ units: 256, activation: 'tanh' }).apply(layers.add().apply([ha, hb]));
    const net = model({ inputs: [a, b], outputs: [dense({ units: 4 }).apply(h), dense({ units: 1, activation: 'sigmoid' }).apply(h)], seed: 17 });
    net.compile({ optimizer: adam({ learningRate: 0.001 }), loss: ['mse', 'binaryCrossentropy'], lossWeights: [1, 0.5] });
    const n = 192, xa = tensor(seededValues(n * 256, 51), [n, 256]), xb = tensor(seededValues(n * 32, 52), [n, 32]);
    const y = [tensor(seededValues(n * 4, 53), [n, 4]), tensor(seededValues(n, 54).map((v) => (v > 0 ? 1 : 0)), [n, 1])];
    try {
      await net.fit([xa, xb], y, { epochs: 2, batchSize: 64 });
    } finally {
      dispose([xa, xb, ...y]);
    }
    return net;
  }

  it('twice with the same seed, and on one thread as on the threads in use', async () => {
    expect(threads().active).toBe(env.threads);
    expect(splitsOverThreads(64, 256, 256) && splitsOverThreads(256, 64, 256)).toBe(true);
    const first = await trained(), second = await trained();
    expectSameBits(first, second, 'run twice');
    await setThreads(1);
    let single: Model | undefined;
    try {
      single = await trained();
    } finally {
      await setThreads(env.threads);
    }
    expectSameBits(first, single, `${env.threads} threads against 1`);
    first.dispose();
    second.dispose();
    single.dispose();
  }, 60_000);
});

describe('model files of graph models', () => {
  /** Two inputs, a dense layer shared by both, a concatenation, two outputs with their losses and weights. */
  function graphNet(): Model {
    const a = input({ shape: [4], name: 'left' }), b = input({ shape: [4], name: 'right' });
    const shared = dense({ units: 3, activation: 'tanh', name: 'shared' });
    const joined = layers.concatenate({ name: 'join' }).apply([shared.apply(a), shared.apply(b)]);
    const h = dropout({ rate: 0.1 }).apply(dense({ units: 5, activation: 'relu' }).apply(joined));
    const net = model({ inputs: [a, b], outputs: [dense({ units: 2, name: 'value' }).apply(h), dense({ units: 1, activation: 'sigmoid', name: 'flag' }).apply(h)], seed: 8 });
    net.compile({ optimizer: sgd({ learningRate: 0.05, momentum: 0.5 }), loss: { value: 'mse', flag: 'binaryCrossentropy' }, lossWeights: [1, 0.25], metrics: ['mae'] });
    return net;
  }

  it('save and loadModel: predict gives the same bits, the compile section, names and summary survive, training goes on alike', async () => {
    const net = graphNet();
    const xa = tensor(seededValues(6 * 4, 61), [6, 4]), xb = tensor(seededValues(6 * 4, 62), [6, 4]);
    const y = [tensor(seededValues(12, 63), [6, 2]), tensor([[0], [1], [1], [0], [1], [0]])];
    await net.fit([xa, xb], y, { epochs: 3, batchSize: 3, seed: 1 });
    net.metadata = { note: 'graph' };
    const copy = await loadModel(await net.save());
    expect(copy).toBeInstanceOf(Model);
    expect(copy).not.toBeInstanceOf(Sequential);
    const [p, q] = [net.predict([xa, xb]) as Tensor[], copy.predict([xa, xb]) as Tensor[]];
    expect(p).toHaveLength(2);
    p.forEach((t, i) => expect(new Uint32Array(Float32Array.from(q[i].dataSync()).buffer)).toEqual(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));
    const json = net.toJSON();
    expect(json).toMatchObject({ version: 2, className: 'Model', inputs: [0, 1] });
    // Each layer once (two inputs, shared, join, dense, dropout, value, flag); the shared layer's two calls are two nodes.
    expect(json.layers.map((l) => l.className)).toEqual(['InputLayer', 'InputLayer', 'Dense', 'Concatenate', 'Dense', 'Dropout', 'Dense', 'Dense']);
    expect(json.nodes.filter((n) => n.layer === 2).map((n) => n.args)).toEqual([[0], [1]]);
    expect(json.nodes).toHaveLength(9);
    expect(json.outputs.map((o) => json.layers[json.nodes[o].layer].config.name)).toEqual(['value', 'flag']);
    expect(copy.toJSON()).toEqual(json);
    expect(copy.toJSON().compile).toEqual({ loss: ['meanSquaredError', 'binaryCrossentropy'], lossWeights: [1, 0.25],
      optimizer: net.optimizer?.config, metrics: ['mae'] });
    expect(copy.summary()).toBe(net.summary());
    expect(copy.layers.map((l) => l.name)).toEqual(net.layers.map((l) => l.name));
    expect(copy.metadata).toEqual({ note: 'graph' });
    expect(bits(copy)).toEqual(bits(net));
    expect(bits(copy)).toHaveLength(8); // the shared layer's kernel and bias once
    expect(copy.evaluate([xa, xb], y)).toEqual(net.evaluate([xa, xb], y));
    // The optimizer state is not saved: compiled afresh, both take the same steps.
    net.compile({ optimizer: sgd({ learningRate: 0.05, momentum: 0.5 }), loss: { value: 'mse', flag: 'binaryCrossentropy' }, lossWeights: [1, 0.25], metrics: ['mae'] });
    await net.fit([xa, xb], y, { epochs: 2, batchSize: 4, seed: 2 });
    await copy.fit([xa, xb], y, { epochs: 2, batchSize: 4, seed: 2 });
    expectSameBits(net, copy, 'after training both');
    dispose([...p, ...q]);
    dispose([xa, xb, ...y]);
    copy.dispose();
    net.dispose();
  });

  /** A model file of this header and `floats` weights: "SDPM", u32 JSON length, JSON, zero padding to 4, float32s. */
  function file(header: object, floats: number): Uint8Array {
    const text = new TextEncoder().encode(JSON.stringify(header));
    const head = 8 + text.length + ((4 - (text.length % 4)) % 4);
    const out = new Uint8Array(head + 4 * floats);
    const view = new DataView(out.buffer);
    view.setUint32(0, 0x4d504453, true);
    view.setUint32(4, text.length, true);
    out.set(text, 8);
    for (let i = 0; i < floats; i++) view.setFloat32(head + 4 * i, 0.25, true);
    return out;
  }

  it('refuses a version 2 header whose nodes form a cycle, with a RangeError naming it, allocating nothing', async () => {
    const denseConfig = (name: string) => ({ name, units: 2, activation: 'tanh', useBias: true, kernelInitializer: { name: 'zeros' }, biasInitializer: { name: 'zeros' } });
    const header = (nodes: { layer: number; args: number[] }[]) => ({
      format: 'simdeep-model', version: 2, className: 'Model',
      layers: [{ className: 'InputLayer', config: { name: 'x', shape: [2] } }, { className: 'Dense', config: denseConfig('d1') },
        { className: 'Dense', config: denseConfig('d2') }, { className: 'Add', config: { name: 'sum' } }],
      nodes, inputs: [0], outputs: [3],
    });
    // The well-formed graph loads: x → d1 → d2, sum = x + d2 (12 weights).
    const good = await loadModel(file(header([{ layer: 0, args: [] }, { layer: 1, args: [0] }, { layer: 2, args: [1] }, { layer: 3, args: [0, 2] }]), 12));
    expect(good.layers.map((l) => l.name)).toEqual(['d1', 'd2', 'sum']);
    good.dispose();
    const before = { ...memory(), ...heapStats() };
    // d1 takes sum, which takes d2, which takes d1.
    const cyclic = file(header([{ layer: 0, args: [] }, { layer: 1, args: [3] }, { layer: 2, args: [1] }, { layer: 3, args: [0, 2] }]), 12);
    const error = await loadModel(cyclic).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/^loadModel: /);
    expect((error as Error).message).toContain('cycle');
    expect((error as Error).message).toMatch(/nodes\[\d\] \((d1|d2|sum)\)/);
    // A node that takes itself.
    const self = file(header([{ layer: 0, args: [] }, { layer: 1, args: [1] }, { layer: 2, args: [1] }, { layer: 3, args: [0, 2] }]), 12);
    await expect(loadModel(self)).rejects.toThrow(/cycle/);
    expect({ ...memory(), ...heapStats() }).toEqual(before);
  });
});

describe('layers shared across models', () => {
  it('a model of another\'s layers uses its weights (trained by either), and the model that built them frees them', async () => {
    const x = input({ shape: [3] });
    const hidden = dense({ units: 4, activation: 'tanh' }), head = dense({ units: 1 });
    const h = hidden.apply(x);
    const owner = model({ inputs: x, outputs: head.apply(h), seed: 1 });
    // A second model over the hidden layer alone, and one reusing both on a new input.
    const encoder = model({ inputs: x, outputs: h });
    const x2 = input({ shape: [3] });
    const again = model({ inputs: x2, outputs: dense({ units: 2 }).apply(hidden.apply(x2)), seed: 2 });
    expect(again.getWeights().map((w) => { const shape = w.shape; w.dispose(); return shape; })).toEqual([[3, 4], [4], [4, 2], [2]]);
    const data = tensor(seededValues(5 * 3, 71), [5, 3]), target = tensor(seededValues(5, 72), [5, 1]);
    const before = encoder.predict(data) as Tensor;
    owner.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'mse' });
    await owner.fit(data, target, { epochs: 2, batchSize: 5 });
    const after = encoder.predict(data) as Tensor;
    expect(Array.from(after.dataSync())).not.toEqual(Array.from(before.dataSync()));
    // encoder's weights are owner's hidden layer: the same bits.
    expect(bits(encoder)).toEqual(bits(owner).slice(0, 2));
    // Training the third model moves the shared hidden layer of all three.
    const hiddenBefore = bits(owner).slice(0, 2);
    again.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'mse' });
    const target2 = tensor(seededValues(5 * 2, 73), [5, 2]);
    await again.fit(data, target2, { epochs: 1, batchSize: 5 });
    expect(bits(owner).slice(0, 2)).not.toEqual(hiddenBefore);
    expect(bits(again).slice(0, 2)).toEqual(bits(owner).slice(0, 2));
    expect(bits(encoder)).toEqual(bits(owner).slice(0, 2));
    const p = owner.predict(data) as Tensor, tensors = memory().numTensors;
    encoder.dispose(); // built nothing: frees no weight
    expect(memory().numTensors).toBe(tensors);
    again.dispose(); // frees its own head's kernel and bias only
    expect(memory().numTensors).toBe(tensors - 2);
    const user = model({ inputs: x, outputs: h });
    owner.dispose();
    expect(memory().numTensors).toBe(tensors - 2 - 4);
    expect(() => user.predict(data)).toThrow(DisposedError);
    expect(() => user.predict(data)).toThrow(/^predict: layer dense_\d+ was disposed$/);
    user.dispose();
    // A model made after the owner is gone builds the layer afresh, and owns it.
    const rebuilt = model({ inputs: x, outputs: h });
    expect(memory().numTensors).toBe(tensors - 2 - 4 + 2);
    dispose(rebuilt.predict(data) as Tensor);
    rebuilt.dispose();
    expect(memory().numTensors).toBe(tensors - 2 - 4);
    dispose([data, target, target2, before, after, p]);
  });
});

describe('summary of a functional model', () => {
  it('lists the input layers, each call (a shared layer\'s second without parameters) and a Connected to column', () => {
    const a = input({ shape: [3] }), b = input({ shape: [3] });
    const shared = dense({ units: 2, activation: 'relu' });
    const sum = layers.add().apply([shared.apply(a), shared.apply(b)]);
    const net = model({ inputs: [a, b], outputs: dense({ units: 1, activation: 'sigmoid' }).apply(layers.concatenate().apply([sum, a])) });
    const lines = net.summary().split('\n');
    expect(lines[1]).toMatch(/^Layer \(type\)\s+Output shape\s+Param #\s+Connected to$/);
    const rows = lines.slice(3, -2).map((line) => line.split(/\s{3,}/));
    expect(rows).toEqual([
      ['input_1 (InputLayer)', '[null, 3]', '0'],
      ['input_2 (InputLayer)', '[null, 3]', '0'],
      ['dense_1 (Dense, relu)', '[null, 2]', '8', 'input_1'],
      ['dense_1 (call 2) (Dense, relu)', '[null, 2]', '0', 'input_2'],
      ['add_1 (Add)', '[null, 2]', '0', 'dense_1, dense_1 (call 2)'],
      ['concatenate_1 (Concatenate)', '[null, 5]', '0', 'add_1, input_1'],
      ['dense_2 (Dense, sigmoid)', '[null, 1]', '6', 'concatenate_1'],
    ]);
    expect(lines.at(-1)).toBe('Total params: 14');
    net.dispose();
  });
});
