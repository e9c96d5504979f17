// The gradient one SGD step applies to a functional model ((weights before − after) / learningRate, full batch, no
// shuffle) against float64 central differences of the weighted total loss, computed in JS by an independent forward
// of the same graph from getWeights() (graph-reference.ts): residual blocks, two inputs joined by each merge, a layer
// shared by several calls (one set of parameters, its gradient summed over the calls), several outputs with a loss
// and a weight each (a softmax head among them), an output another layer also takes (its loss then works on
// probabilities, unfused), a merge as the output, and one tensor passed twice to a merge.
//
// It runs on every kernel build and thread count (tests/builds.ts). Training computes products below PARALLEL_FLOPS
// inside the training kernel (baseline GEMM, one thread) and larger ones on the selected build and the thread pool,
// so each environment also trains a residual network whose products are that large.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { dispose, sgd, tensor, threads, type LossName, type Model, type Tensor } from '../../src/index';
import { describeEachBuild, runs, splitsOverThreads } from '../builds';
import { failOnLeaks, seededValues } from '../reference';
import {
  denseTargetsOf, GraphBuilder, graphGradients, graphParams, graphRoundingFactor, nearKink, totalLoss, U, weightsOf, widths, type RefGraph,
} from './graph-reference';
import { expectAppliedGradient } from './net-reference';

failOnLeaks();

const SIZES = [1, 3, 7];
const ROWS = [1, 3, 7, 17];
/** Central-difference step; relu kinks and mae's |p − t| kink are kept KINK away from every weighted sum it moves. */
const H = 1e-5, KINK = 1e-3;

/**
 * Targets of `loss` for `rows` samples: in [-1, 1] for regression, in [0, 1] (hard 0/1 or soft) for
 * binaryCrossentropy, one-hot or soft class rows for categoricalCrossentropy.
 */
function targetsFor(loss: LossName, rows: number, cols: number, seed: number, hard: boolean): Float64Array {
  const v = seededValues(rows * cols, seed);
  if (loss === 'binaryCrossentropy') return v.map((x) => (hard ? (x > 0 ? 1 : 0) : Math.fround((x + 1) / 2)));
  if (loss !== 'categoricalCrossentropy') return v;
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    if (hard) { t[r * cols + Math.min(cols - 1, Math.floor(((v[r * cols] + 1) / 2) * cols))] = 1; continue; }
    let s = 0;
    for (let j = 0; j < cols; j++) s += t[r * cols + j] = v[r * cols + j] + 1.5;
    for (let j = 0; j < cols; j++) t[r * cols + j] = Math.fround(t[r * cols + j] / s);
  }
  return t;
}

/** The data of a graph: seeded inputs and targets as the library takes them, and the targets as dense arrays. */
function dataFor(ref: RefGraph, rows: number, seed: number, hard: boolean): { xs: Float64Array[]; ys: Float64Array[]; ts: Float64Array[] } {
  const W = widths(ref);
  const xs = ref.inputs.map((i, k) => seededValues(rows * W[i], seed + 100 + k));
  const ys = ref.outputs.map((o, k) => targetsFor(o.loss, rows, W[o.node], seed + 200 + k, hard));
  return { xs, ys, ts: ref.outputs.map((o, k) => denseTargetsOf(o.loss, ys[k], rows, W[o.node])) };
}

/** The tensors of `data`: one tensor for one input or output, else an array. */
function tensorsOf(ref: RefGraph, data: { xs: Float64Array[]; ys: Float64Array[] }, rows: number): { x: Tensor[]; y: Tensor[] } {
  const W = widths(ref);
  return { x: data.xs.map((v, k) => tensor(v, [rows, W[ref.inputs[k]]])), y: data.ys.map((v, k) => tensor(v, [rows, W[ref.outputs[k].node]])) };
}
const one = (list: Tensor[]): Tensor | Tensor[] => (list.length === 1 ? list[0] : list);

/** Compiles with SGD (learning rate 1) and each output's loss and weight: one name for one output, else lists. */
function compileFor(net: Model, ref: RefGraph): void {
  const losses = ref.outputs.map((o) => o.loss), weights = ref.outputs.map((o) => o.weight);
  net.compile({ optimizer: sgd({ learningRate: 1 }), loss: losses.length === 1 ? losses[0] : losses,
    ...(weights.every((w) => w === 1) ? {} : { lossWeights: weights }) });
}

/**
 * Builds the model of `build` with seeded weights, takes one full-batch SGD step on seeded data and checks every
 * applied gradient against the float64 central difference of the weighted total loss (and the float64
 * backpropagated gradient against it too, which validates the reference and its rounding bound).
 */
async function checkGraph(name: string, build: (b: GraphBuilder) => Model, rows: number, seed: number, hard: boolean): Promise<void> {
  const b = new GraphBuilder();
  const net = build(b);
  const ref = b.ref, data = dataFor(ref, rows, seed, hard), { xs, ts } = data;
  const { x, y } = tensorsOf(ref, data, rows);
  try {
    fc.pre(!nearKink(ref, xs, ts, rows, KINK));
    compileFor(net, ref);
    await net.fit(one(x), one(y), { epochs: 1, batchSize: rows, shuffle: false });
    const after = weightsOf(net), params = graphParams(ref);
    const lossAt = (): number => totalLoss(ref, xs, ts, rows);
    const { g, bound } = graphGradients(ref, xs, ts, rows);
    const K = graphRoundingFactor(ref, rows);
    expect(after.map((w) => w.length)).toEqual(params.map((p) => p.length));
    expectAppliedGradient(params, after, lossAt, g, bound, K, H, (i, j) => `${name} rows ${rows} seed ${seed}: weights[${i}][${j}]`);
  } finally {
    dispose([...x, ...y]);
    net.dispose();
  }
}

type Dims = { a: number; b: number; h: number; o: number };
const arbDims = fc.record({ a: fc.constantFrom(...SIZES), b: fc.constantFrom(...SIZES), h: fc.constantFrom(...SIZES), o: fc.constantFrom(...SIZES) });

/** The graphs under test, each built from drawn widths and a seed for its weights. */
const GRAPHS: [string, (b: GraphBuilder, d: Dims, seed: number) => Model][] = [
  ...(['relu', 'tanh'] as const).map((act): [string, (b: GraphBuilder, d: Dims, seed: number) => Model] => [
    `residual MLP x → dense(${act}) → dense, + x (layers.add) → dense, meanSquaredError`, (b, d, seed) => {
      const x = b.input(d.a), h = b.dense(x, d.h, act), r = b.dense(h, d.a, 'linear'), s = b.merge('add', [x, r]);
      return b.model([x], [{ node: b.dense(s, d.o, 'linear'), loss: 'meanSquaredError', weight: 1 }], seed);
    }]),
  ['two inputs, each through its dense, layers.concatenate, dense output, meanSquaredError', (b, d, seed) => {
    const xa = b.input(d.a), xb = b.input(d.b), ha = b.dense(xa, d.h, 'tanh'), hb = b.dense(xb, d.o, 'sigmoid');
    return b.model([xa, xb], [{ node: b.dense(b.merge('concatenate', [ha, hb]), d.o, 'linear'), loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['two inputs, layers.multiply, sigmoid output, binaryCrossentropy', (b, d, seed) => {
    const xa = b.input(d.a), xb = b.input(d.b), ha = b.dense(xa, d.h, 'tanh'), hb = b.dense(xb, d.h, 'linear');
    return b.model([xa, xb], [{ node: b.dense(b.merge('multiply', [ha, hb]), d.o, 'sigmoid'), loss: 'binaryCrossentropy', weight: 1 }], seed);
  }],
  ['two inputs, layers.average, meanAbsoluteError', (b, d, seed) => {
    const xa = b.input(d.a), xb = b.input(d.b), ha = b.dense(xa, d.h, 'leakyRelu'), hb = b.dense(xb, d.h, 'tanh');
    return b.model([xa, xb], [{ node: b.dense(b.merge('average', [ha, hb]), d.o, 'tanh'), loss: 'meanAbsoluteError', weight: 1 }], seed);
  }],
  ['a dense layer shared by two inputs and applied twice in sequence (three calls, one set of weights), merged', (b, d, seed) => {
    const xa = b.input(d.a), xb = b.input(d.a);
    const sa = b.dense(xa, d.a, 'tanh'), shared = b.layers.length - 1;
    const sb = b.again(shared, xb), ssa = b.again(shared, sa);
    const joined = b.merge('concatenate', [b.merge('add', [ssa, sb]), sa]);
    return b.model([xa, xb], [{ node: b.dense(joined, d.o, 'linear'), loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['a shared layer without bias on both inputs, multiplied, and its output used twice', (b, d, seed) => {
    const xa = b.input(d.a), xb = b.input(d.a);
    const sa = b.dense(xa, d.h, 'sigmoid', { useBias: false }), sb = b.again(b.layers.length - 1, xb);
    const m = b.merge('multiply', [sa, sb]);
    return b.model([xa, xb], [{ node: b.dense(b.merge('add', [m, sa]), d.o, 'linear'), loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['one tensor passed twice to a merge (layers.multiply [h, h], then layers.add [m, m, h])', (b, d, seed) => {
    const x = b.input(d.a), h = b.dense(x, d.h, 'tanh'), m = b.merge('multiply', [h, h]);
    return b.model([x], [{ node: b.dense(b.merge('add', [m, m, h]), d.o, 'linear'), loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['a merge layer as the output: layers.average of two dense layers on the input, meanSquaredError', (b, d, seed) => {
    const x = b.input(d.a), p = b.dense(x, d.o, 'tanh'), q = b.dense(x, d.o, 'linear');
    return b.model([x], [{ node: b.merge('average', [p, q]), loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['two outputs: meanSquaredError head and sigmoid binaryCrossentropy head, lossWeights [1, 0.5]', (b, d, seed) => {
    const x = b.input(d.a), h = b.dense(x, d.h, 'tanh');
    return b.model([x], [{ node: b.dense(h, d.o, 'linear'), loss: 'meanSquaredError', weight: 1 },
      { node: b.dense(h, d.b, 'sigmoid'), loss: 'binaryCrossentropy', weight: 0.5 }], seed);
  }],
  ['a sigmoid output (binaryCrossentropy, weight 0.5) that a layers.multiply feeding a second output takes too', (b, d, seed) => {
    const x = b.input(d.a), s = b.dense(x, d.h, 'sigmoid'), m = b.merge('multiply', [s, b.dense(x, d.h, 'tanh')]);
    return b.model([x], [{ node: s, loss: 'binaryCrossentropy', weight: 0.5 }, { node: m, loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['two inputs, two outputs: a softmax head (categoricalCrossentropy, weight 2) and a meanSquaredError head on a concatenation', (b, d, seed) => {
    const xa = b.input(d.a), xb = b.input(d.b), h = b.merge('concatenate', [b.dense(xa, d.h, 'relu'), xb]);
    return b.model([xa, xb], [{ node: b.dense(h, d.o + 1, 'softmax'), loss: 'categoricalCrossentropy', weight: 2 },
      { node: b.dense(h, d.o, 'linear'), loss: 'meanSquaredError', weight: 1 }], seed);
  }],
  ['an output another layer takes too: dense(sigmoid) with binaryCrossentropy (unfused) feeding a meanSquaredError output', (b, d, seed) => {
    const x = b.input(d.a), h = b.dense(x, d.h, 'sigmoid'), out = b.dense(h, d.o, 'linear');
    return b.model([x], [{ node: out, loss: 'meanSquaredError', weight: 1 }, { node: h, loss: 'binaryCrossentropy', weight: 0.75 }], seed);
  }],
];

describeEachBuild('one sgd step of a functional model applies the float64 finite-difference gradient', (env) => {
  it('a residual network with products above PARALLEL_FLOPS on the build and threads in use (against the float64 backpropagated gradient)', async () => {
    const [rows, inDim, hidden, out] = [120, 300, 128, 3];
    expect(splitsOverThreads(rows, inDim, hidden) && splitsOverThreads(rows, hidden, inDim) && splitsOverThreads(inDim, rows, hidden)).toBe(true);
    expect(threads().active).toBe(env.threads);
    const b = new GraphBuilder();
    // Smooth activations only: a float32 weighted sum next to a relu kink may fall on the other side of it.
    const x0 = b.input(inDim), h = b.dense(x0, hidden, 'tanh'), s = b.merge('add', [x0, b.dense(h, inDim, 'linear')]);
    const net = b.model([x0], [{ node: b.dense(s, out, 'linear'), loss: 'meanSquaredError', weight: 1 }], 11);
    const ref = b.ref, data = dataFor(ref, rows, 11, false), { x, y } = tensorsOf(ref, data, rows);
    try {
      compileFor(net, ref);
      await net.fit(x[0], y[0], { epochs: 1, batchSize: rows, shuffle: false });
      const after = weightsOf(net);
      const { g, bound } = graphGradients(ref, data.xs, data.ts, rows);
      const K = graphRoundingFactor(ref, rows);
      graphParams(ref).forEach((w, i) => {
        for (let j = 0; j < w.length; j++) {
          const applied = w[j] - after[i][j];
          const tol = K * U * bound[i][j] + 2 * U * (Math.abs(w[j]) + Math.abs(applied));
          if (!(Math.abs(applied - g[i][j]) <= tol)) throw new Error(`weights[${i}][${j}]: applied gradient ${applied}, float64 ${g[i][j]} (tolerance ${tol})`);
        }
      });
    } finally {
      dispose([...x, ...y]);
      net.dispose();
    }
  }, 60_000);

  for (const [name, build] of GRAPHS) {
    it(name, async () => {
      await fc.assert(fc.asyncProperty(arbDims, fc.constantFrom(...ROWS), fc.integer({ min: 1, max: 1e6 }), fc.boolean(),
        (d, rows, seed, hard) => checkGraph(`${name} ${JSON.stringify(d)}`, (b) => build(b, d, seed), rows, seed, hard),
      ), { numRuns: runs(env, 8, 3) });
    });
  }
});
