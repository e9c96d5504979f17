// Weights across fit's paths: validation data with its own weights and validationSplit's held-out rows (their sample
// weights, not the class weights), trainOnBatch, custom losses, models of several outputs, and memory: a weighted
// epoch allocates nothing once running, and trainOnBatch with weights returns what it takes.
import { describe, expect, it } from 'vitest';
import {
  dense, dispose, input, memory, model, sgd, tensor, type LossFunction, type Model, type Tensor,
} from '../../src/index';
import { heapStats } from '../../src/runtime/heap';
import { expectClose, failOnLeaks } from '../reference';
import { modelFor, problem, weightedLoss, type Problem } from './weights-reference';

failOnLeaks();

const tensorsOf = (p: Problem): [Tensor, Tensor] => [tensor(p.x), tensor(p.y)];
const flatWeights = (net: Model): number[] => {
  const w = net.getWeights();
  const out = w.flatMap((t) => Array.from(t.dataSync()));
  dispose(w);
  return out;
};

describe('validation', () => {
  it('validationData [x, y, sampleWeight] gives evaluate\'s weighted logs of the weights after each epoch', async () => {
    const p = problem('cce', 12, 3, 3, 7), v = problem('cce', 5, 3, 3, 8), vw = [1, 0, 2, 0.5, 3];
    const net = modelFor(p, 0.1, ['accuracy', 'mse']), [x, y] = tensorsOf(p), [vx, vy] = tensorsOf(v);
    const history = await net.fit(x, y, { epochs: 2, batchSize: 5, seed: 1, sampleWeight: new Array(12).fill(2), validationData: [vx, vy, vw] });
    const evaluated = net.evaluate(vx, vy, { sampleWeight: vw, batchSize: 5 });
    expect(history.history.val_loss[1]).toBe(evaluated.loss);
    expect(history.history.val_accuracy[1]).toBe(evaluated.accuracy);
    expect(history.history.val_mse[1]).toBe(evaluated.mse);
    dispose([x, y, vx, vy]);
    net.dispose();
  });

  it('validationSplit holds out rows with their sample weights; the class weights apply to the training rows only', async () => {
    const p = problem('sparse', 10, 2, 3, 3), sw = [1, 2, 1, 0.5, 1, 2, 1, 3, 0.25, 2];
    const net = modelFor(p, 0.1, ['accuracy']), [x, y] = tensorsOf(p);
    const history = await net.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, validationSplit: 0.2, sampleWeight: sw, classWeight: { 0: 5, 1: 0.5, 2: 3 } });
    const [hx, hy] = tensorsOf({ ...p, n: 2, x: p.x.slice(8), y: (p.y as number[]).slice(8) });
    const heldOut = net.evaluate(hx, hy, { sampleWeight: sw.slice(8), batchSize: 8 });
    expect(history.history.val_loss[0]).toBe(heldOut.loss);
    expect(history.history.val_accuracy[0]).toBe(heldOut.accuracy);
    dispose([x, y, hx, hy]);
    net.dispose();
  });
});

describe('trainOnBatch', () => {
  it('takes the step of a fit on that batch with the same weights, and returns the weighted loss', async () => {
    const p = problem('bce', 6, 3, 2, 4), w = [1, 3, 0, 2, 0.5, 1];
    const a = modelFor(p), b = modelFor(p), [x, y] = tensorsOf(p);
    const history = await a.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, sampleWeight: w });
    const loss = await b.trainOnBatch(x, y, { sampleWeight: w });
    expect(loss).toBe(history.history.loss[0]);
    expectClose([loss as number], [weightedLoss(p, w).loss], { abs: 1e-7, rel: 2e-6 }, 'loss');
    expect(flatWeights(b)).toEqual(flatWeights(a));
    dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('with weights, allocates nothing that outlives the call', async () => {
    const p = problem('mse', 8, 3, 2, 5), net = modelFor(p, 0.01), [x, y] = tensorsOf(p), w = tensor([1, 2, 0, 1, 1, 3, 1, 1]);
    await net.trainOnBatch(x, y, { sampleWeight: w });
    const before = { ...memory(), ...heapStats() };
    for (let i = 0; i < 20; i++) await net.trainOnBatch(x, y, { sampleWeight: w, classWeight: undefined });
    expect({ ...memory(), ...heapStats() }).toEqual(before);
    dispose([x, y, w]);
    net.dispose();
  });
});

describe('a weighted fit', () => {
  it('allocates nothing from epoch to epoch, and leaves memory as it found it', async () => {
    const p = problem('cce', 40, 3, 3, 6), net = modelFor(p, 0.05, ['accuracy']), [x, y] = tensorsOf(p);
    const before = memory(), heaps: unknown[] = [];
    await net.fit(x, y, {
      epochs: 6, batchSize: 7, seed: 2, validationSplit: 0.25, classWeight: { 0: 2, 2: 0.5 }, sampleWeight: p.x.map((_, r) => (r % 4) / 2),
      callbacks: { onEpochEnd: () => { heaps.push({ ...memory(), ...heapStats() }); } },
    });
    expect(heaps.slice(1)).toEqual(heaps.slice(0, -1));
    expect(memory()).toEqual(before);
    dispose([x, y]);
    net.dispose();
  });

  it('with a custom loss: per-sample values weighted per row, as the built-in loss; a scalar loss times the mean weight', async () => {
    const p = problem('mse', 6, 2, 3, 12), w = [2, 0, 1, 0.5, 3, 1];
    const perSample: LossFunction = (t, q) => q.sub(t).square().mean(-1);
    const scalarLoss: LossFunction = (t, q) => q.sub(t).square().mean();
    const run = async (loss: LossFunction | 'meanSquaredError', weights: number[]): Promise<[number, number[]]> => {
      const net = modelFor(p, 0.1);
      net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss });
      const [x, y] = tensorsOf(p);
      const h = await net.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, sampleWeight: weights });
      const out: [number, number[]] = [h.history.loss[0], flatWeights(net)];
      dispose([x, y]);
      net.dispose();
      return out;
    };
    const [builtIn, builtInWeights] = await run('meanSquaredError', w);
    const [custom, customWeights] = await run(perSample, w);
    expect(custom).toBeCloseTo(builtIn, 6);
    expectClose(customWeights, builtInWeights, { abs: 1e-6, rel: 1e-5 }, 'weights after the step');
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const [scalar] = await run(scalarLoss, w), [unweighted] = await run(scalarLoss, new Array(6).fill(1));
    expect(scalar).toBeCloseTo(unweighted * mean, 6);
  });
});

describe('several outputs', () => {
  it('one sampleWeight weighs every output\'s loss and metrics', async () => {
    const a = input({ shape: [2] }), h = dense({ units: 3, kernelInitializer: 'ones', name: 'h' }).apply(a);
    const net = model({ inputs: a, outputs: [dense({ units: 1, name: 'o1' }).apply(h), dense({ units: 2, name: 'o2' }).apply(h)] });
    net.compile({ loss: ['meanSquaredError', 'meanAbsoluteError'], lossWeights: [1, 0.5], metrics: ['mae'] });
    const x = tensor([[1, 0], [0, 1], [1, 1]]), y1 = tensor([[1], [2], [0]]), y2 = tensor([[0, 1], [1, 0], [2, 2]]);
    const weighted = net.evaluate(x, [y1, y2], { sampleWeight: [3, 1, 0] });
    const repeated = [tensor([[1, 0], [1, 0], [1, 0], [0, 1]]), tensor([[1], [1], [1], [2]]), tensor([[0, 1], [0, 1], [0, 1], [1, 0]])];
    const reference = net.evaluate(repeated[0], [repeated[1], repeated[2]]);
    for (const key of Object.keys(reference)) {
      const scale = key.endsWith('loss') ? 4 / 3 : 1; // Σ w·loss / rows against the mean over the repeated rows
      expect(weighted[key], key).toBeCloseTo(reference[key] * scale, 6);
    }
    dispose([x, y1, y2, ...repeated]);
    net.dispose();
  });
});
