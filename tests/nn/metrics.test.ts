// Metrics (accuracy, mae, mse) reported by evaluate() and fit's history against float64 JS on predict() outputs
// (probabilities for the fused losses), losses against float64 JS on the same float32 outputs or logits, validation
// logs against evaluate(); seeded fits repeat bit for bit (with dropout and shuffling, on one thread or two); dropout
// acts in fit only. The metric suite runs on every kernel build and thread count (tests/builds.ts): predict and
// evaluate use the selected GEMM, and fit does for products of at least PARALLEL_FLOPS.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { adam, dense, initializers, layers as nnLayers, setThreads, sequential, tensor, threads, type ActivationName, type LossName, type Sequential, type Tensor } from '../../src/index';
import { describeEachBuild, runs, splitsOverThreads } from '../builds';
import { failOnLeaks, seededValues } from '../reference';
import { buildModel, denseTargets, refForward, refLayers, refLoss, roundingFactor, seededLayers, U, type RefLayer } from './net-reference';

failOnLeaks();

interface Kind { loss: LossName; out: ActivationName; targets: 'binary' | 'regression' | 'classes' }
const KINDS: Kind[] = [
  { loss: 'meanSquaredError', out: 'sigmoid', targets: 'binary' },
  { loss: 'meanAbsoluteError', out: 'linear', targets: 'regression' },
  { loss: 'binaryCrossentropy', out: 'sigmoid', targets: 'binary' },
  { loss: 'binaryCrossentropy', out: 'tanh', targets: 'binary' },
  { loss: 'categoricalCrossentropy', out: 'softmax', targets: 'classes' },
  { loss: 'sparseCategoricalCrossentropy', out: 'softmax', targets: 'classes' },
];
const SIZES = [1, 3, 7, 17];
const fused = (k: Kind): boolean => k.out === 'softmax' || (k.loss === 'binaryCrossentropy' && k.out === 'sigmoid');

function targets(k: Kind, rows: number, cols: number, seed: number): Float64Array {
  const v = seededValues(rows * cols, seed);
  if (k.targets === 'regression') return v;
  if (k.targets === 'binary') return v.map((x) => (x > 0 ? 1 : 0));
  const labels = Array.from({ length: rows }, (_, r) => Math.min(cols - 1, Math.floor(((v[r * cols] + 1) / 2) * cols)));
  return k.loss === 'sparseCategoricalCrossentropy' ? Float64Array.from(labels) : denseTargets('sparseCategoricalCrossentropy', labels, rows, cols);
}

const read = (t: Tensor): Float64Array => { const v = Float64Array.from(t.dataSync()); t.dispose(); return v; };

interface Expected { accuracy: number; mae: number; mse: number; slack: { accuracy: number; mae: number; mse: number } }

/**
 * The metrics as documented, from probabilities p each known to within delta[i]: accuracy is the argmax of p
 * against the label (first maximum of a target row) for the softmax losses, else p thresholded at 0.5 (1 above, else
 * 0) equal to t, averaged over the columns; mae and mse average |p − t| and (p − t)² over the columns, then over the rows. The slack
 * counts samples whose accuracy delta could flip and the error delta can cause.
 */
function expectedMetrics(p: Float64Array, t: Float64Array, rows: number, cols: number, classes: boolean, delta: Float64Array): Expected {
  let hits = 0, abs = 0, sq = 0;
  const slack = { accuracy: 0, mae: 0, mse: 0 };
  for (let r = 0; r < rows; r++) {
    const at = (j: number): number => r * cols + j;
    let top = 0, label = 0;
    for (let j = 1; j < cols; j++) {
      if (p[at(j)] > p[at(top)]) top = j;
      if (t[at(j)] > t[at(label)]) label = j;
    }
    if (classes) {
      hits += top === label ? 1 : 0;
      for (let j = 0; j < cols; j++) if (j !== top && p[at(top)] - p[at(j)] <= delta[at(top)] + delta[at(j)]) { slack.accuracy += 1; break; }
    }
    for (let j = 0; j < cols; j++) {
      const e = p[at(j)] - t[at(j)], d = delta[at(j)];
      if (!classes) {
        hits += (p[at(j)] > 0.5 ? 1 : 0) === t[at(j)] ? 1 / cols : 0; // Keras: the thresholded output equals the target
        if (Math.abs(p[at(j)] - 0.5) <= d) slack.accuracy += 1 / cols;
      }
      abs += Math.abs(e) / cols; sq += (e * e) / cols;
      slack.mae += d / cols; slack.mse += (2 * Math.abs(e) * d + d * d) / cols;
    }
  }
  // Both sides sum float64 terms; their orders differ by at most ~1e-13 relative here.
  const n = (v: number): number => v / rows;
  return { accuracy: n(hits), mae: n(abs), mse: n(sq), slack: { accuracy: n(slack.accuracy) + 1e-12, mae: n(slack.mae) + 1e-12, mse: n(slack.mse) + 1e-12 } };
}

function expectLogs(logs: Record<string, number>, want: Expected, context: string): void {
  for (const key of ['accuracy', 'mae', 'mse'] as const) {
    if (!(Math.abs(logs[key] - want[key]) <= want.slack[key])) {
      throw new Error(`${context}: ${key} ${logs[key]}, expected ${want[key]} ± ${want.slack[key]}`);
    }
  }
}

/** predict()'s rounding of the output activation: sigmoid ≤ 4 roundings, softmax ≤ cols + 4 (exp, sum, reciprocal, product). */
function activationDelta(k: Kind, p: Float64Array, cols: number): Float64Array {
  return p.map((v) => (fused(k) ? (k.out === 'softmax' ? 2 * (cols + 4) : 4) * U * Math.abs(v) : 0));
}

async function checkKind(k: Kind, inDim: number, hidden: number, cols: number, rows: number, seed: number): Promise<void> {
  const layers = seededLayers({ inDim, hidden: ['tanh'], hiddenUnits: [hidden], out: k.out, outUnits: cols }, seed);
  const xv = seededValues(rows * inDim, seed + 100), yv = targets(k, rows, cols, seed + 200), t = denseTargets(k.loss, yv, rows, cols);
  const sparse = k.loss === 'sparseCategoricalCrossentropy';
  const x = tensor(xv, [rows, inDim]), y = sparse ? tensor(yv, [rows]) : tensor(yv, [rows, cols]);
  const model = buildModel(layers);
  const twin = buildModel(layers.map((L, i): RefLayer => (i === layers.length - 1 ? { ...L, act: 'linear' } : L))); // logits
  const context = `${k.loss}/${k.out} [${inDim},${hidden},${cols}] rows ${rows} seed ${seed}`;
  try {
    model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: k.loss, metrics: ['acc', 'mae', 'mse'] });
    const p = read(model.predict(x)), z = read(twin.predict(x));
    const logs = model.evaluate(x, y);
    expect(Object.keys(logs)).toEqual(['loss', 'accuracy', 'mae', 'mse']);
    const classes = k.out === 'softmax';
    expectLogs(logs, expectedMetrics(p, t, rows, cols, classes, activationDelta(k, p, cols)), `evaluate ${context}`);
    // The loss from the same float32 values: logits when fused (probabilities then in float64), else the outputs.
    const probs = !fused(k) ? p : classes ? softmax(z, rows, cols) : z.map((v) => 1 / (1 + Math.exp(-v)));
    const loss = refLoss(k.loss, { z: [z], a: [probs], zAbs: [] }, layers, t, rows);
    expect(Math.abs(logs.loss - loss), `${context}: loss ${logs.loss}, float64 ${loss}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(loss)));
    // fit reports the metrics of its batch before the update; its forward pass may round differently from predict's
    // (another gemm build), by at most K·U·Σ|a·w| in a weighted sum, which moves an output no more than that.
    const zAbs = refForward(refLayers(model), xv, rows).zAbs[1];
    const K = roundingFactor(layers, rows);
    const history = await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
    const rowMax = (i: number): number => Math.max(...zAbs.subarray(i - (i % cols), i - (i % cols) + cols));
    const delta = activationDelta(k, p, cols).map((d, i) => d + K * U * (classes ? rowMax(i) : zAbs[i]));
    expectLogs(Object.fromEntries(Object.entries(history.history).map(([key, v]) => [key, v[0]])), expectedMetrics(p, t, rows, cols, classes, delta), `fit ${context}`);
  } finally {
    x.dispose(); y.dispose(); model.dispose(); twin.dispose();
  }
}

function softmax(z: Float64Array, rows: number, cols: number): Float64Array {
  return refForward([{ inDim: cols, units: cols, act: 'softmax', w: identity(cols), b: null }], z, rows).a[0];
}
const identity = (n: number): Float64Array => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

describeEachBuild('evaluate and fit report metrics and losses as float64 JS computes them', (env) => {
  it('every kind on a network whose products are split over the threads in use', async () => {
    const [inDim, hidden, rows] = [300, 128, 120];
    expect(splitsOverThreads(rows, inDim, hidden)).toBe(true);
    expect(threads().active).toBe(env.threads);
    for (const [i, k] of KINDS.entries()) await checkKind(k, inDim, hidden, 7, rows, 40 + i);
  }, 30_000);

  for (const k of KINDS) {
    it(`${k.loss} with a ${k.out} output`, async () => {
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(...(k.out === 'softmax' ? [2, 3, 7] : [1, 3, 7])), fc.constantFrom(...SIZES),
        fc.integer({ min: 1, max: 1e6 }), (inDim, hidden, cols, rows, seed) => checkKind(k, inDim, hidden, cols, rows, seed),
      ), { numRuns: runs(env, 12, 4) });
    });
  }
});

describe('validation logs', () => {
  const make = (): Sequential => {
    const model = buildModel(seededLayers({ inDim: 5, hidden: ['relu'], hiddenUnits: [7], out: 'softmax', outUnits: 3 }, 11));
    model.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', 'mae', 'mse'] });
    return model;
  };
  const rows = 20;
  const xv = seededValues(rows * 5, 12), labels = targets(KINDS[5], rows, 3, 13);

  it('validationData logs are evaluate() on that data after the epoch, bit for bit', async () => {
    const model = make(), x = tensor(xv, [rows, 5]), y = tensor(labels, [rows]);
    const xv2 = tensor(seededValues(7 * 5, 14), [7, 5]), yv2 = tensor([0, 1, 2, 2, 1, 0, 1]);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 6, seed: 1, validationData: [xv2, yv2] });
    // NOTE: fit validates in chunks of its batchSize, and a loss is summed in float64 chunk by chunk (mean·rows):
    // evaluate in the same chunks gives the same bits; in others it may differ in the last bit (validationSplit below).
    const logs = model.evaluate(xv2, yv2, { batchSize: 6 });
    for (const key of ['loss', 'accuracy', 'mae', 'mse']) expect(history.history[`val_${key}`].at(-1)).toBe(logs[key]);
    [x, y, xv2, yv2].forEach((t) => t.dispose());
    model.dispose();
  });

  it('validationSplit logs are evaluate() on the last rows (float64 sums in other chunks: 1e-12)', async () => {
    const model = make(), x = tensor(xv, [rows, 5]), y = tensor(labels, [rows]);
    const heldX = tensor(xv.subarray(15 * 5), [5, 5]), heldY = tensor(labels.subarray(15), [5]);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 4, seed: 2, validationSplit: 0.25 });
    const logs = model.evaluate(heldX, heldY);
    for (const key of ['loss', 'accuracy', 'mae', 'mse']) {
      expect(Math.abs(history.history[`val_${key}`].at(-1)! - logs[key])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(logs[key])));
    }
    [x, y, heldX, heldY].forEach((t) => t.dispose());
    model.dispose();
  });
});

/** Every weight of `model` as one array (getWeights copies, disposed here). */
const weightsOf = (model: Sequential): number[] => {
  const w = model.getWeights();
  const out = w.flatMap((t) => Array.from(t.dataSync()));
  w.forEach((t) => t.dispose());
  return out;
};

/** relu → dropout → tanh → dropout → softmax, seeded initializers. */
function dropoutNet(inDim: number, hidden: number, classes: number, rate: number): Sequential {
  const model = sequential([
    dense({ units: hidden, activation: 'relu', inputShape: [inDim], kernelInitializer: initializers.heNormal({ seed: 1 }), biasInitializer: initializers.randomNormal({ seed: 2 }) }),
    nnLayers.dropout({ rate }),
    dense({ units: hidden, activation: 'tanh', kernelInitializer: initializers.glorotUniform({ seed: 3 }) }),
    nnLayers.dropout({ rate }),
    dense({ units: classes, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 4 }) }),
  ]);
  model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy', 'mae'] });
  return model;
}

describe('repeatability', () => {
  afterAll(() => setThreads(1));

  it('a seeded fit with dropout and shuffling gives bit-identical weights and history on two runs', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(0.2, 0.5),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      async (inDim, hidden, rows, batchSize, rate, seed) => {
        const x = tensor(seededValues(rows * inDim, 5), [rows, inDim]), y = tensor(Array.from({ length: rows }, (_, i) => i % 3));
        const run = async (): Promise<[number[], unknown]> => {
          const model = dropoutNet(inDim, hidden, 3, rate);
          const history = await model.fit(x, y, { epochs: 3, batchSize, seed });
          const w = weightsOf(model);
          model.dispose();
          return [w, history];
        };
        const [a, b] = [await run(), await run()];
        expect(a[0]).toEqual(b[0]);
        expect(a[1]).toEqual(b[1]);
        x.dispose(); y.dispose();
      },
    ), { numRuns: 15 });
  });

  it('the seed matters: another seed shuffles and drops differently', async () => {
    const x = tensor(seededValues(40 * 6, 6), [40, 6]), y = tensor(Array.from({ length: 40 }, (_, i) => i % 3));
    const run = async (seed: number): Promise<number[]> => {
      const model = dropoutNet(6, 8, 3, 0.3);
      await model.fit(x, y, { epochs: 2, batchSize: 8, seed });
      const w = weightsOf(model);
      model.dispose();
      return w;
    };
    expect(await run(1)).not.toEqual(await run(2));
    x.dispose(); y.dispose();
  });

  // Pages without COOP/COEP run one thread (tests/browser/threads.browser.test.ts checks that fallback).
  it.skipIf(globalThis.crossOriginIsolated === false)('two threads give the bits of one on a model whose products use them (2·64·512·256 flops ≥ 2^23)', async () => {
    const x = tensor(seededValues(256 * 512, 7), [256, 512]), y = tensor(Array.from({ length: 256 }, (_, i) => i % 10));
    const run = async (n: number): Promise<[number[], number[]]> => {
      await setThreads(n);
      expect(threads()).toMatchObject({ active: n, reason: '' });
      const model = dropoutNet(512, 256, 10, 0.2);
      await model.fit(x, y, { epochs: 2, batchSize: 64, seed: 3 });
      const p = model.predict(x);
      const out: [number[], number[]] = [weightsOf(model), Array.from(p.dataSync())];
      p.dispose();
      model.dispose();
      return out;
    };
    const one = await run(1), two = await run(2);
    expect(two[0]).toEqual(one[0]);
    expect(two[1]).toEqual(one[1]);
    x.dispose(); y.dispose();
  }, 60_000);
});

describe('dropout', () => {
  it('does not act in predict or evaluate: a twin without dropout and the same weights gives the same bits', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), async (inDim, hidden, rows) => {
      const model = dropoutNet(inDim, hidden, 3, 0.5), twin = dropoutNet(inDim, hidden, 3, 0);
      const x = tensor(seededValues(rows * inDim, 8), [rows, inDim]), y = tensor(Array.from({ length: rows }, (_, i) => i % 3));
      await model.fit(x, y, { epochs: 2, batchSize: 4, seed: 9 });
      const w = model.getWeights();
      twin.setWeights(w);
      const [p, q, p2] = [model.predict(x), twin.predict(x), model.predict(x)];
      expect(Array.from(p.dataSync())).toEqual(Array.from(q.dataSync()));
      expect(Array.from(p2.dataSync())).toEqual(Array.from(p.dataSync()));
      expect(model.evaluate(x, y)).toEqual(twin.evaluate(x, y));
      // And the outputs are the plain float64 forward pass (no 1/(1 − rate) scaling), within its rounding bound.
      const ref = refForward(refLayers(model), Float64Array.from(x.dataSync()), rows);
      const K = roundingFactor(refLayers(model), rows);
      const out = p.dataSync();
      ref.a[2].forEach((v, i) => expect(Math.abs(out[i] - v)).toBeLessThanOrEqual(K * U * (Math.max(...ref.zAbs[2]) + 1)));
      [x, y, p, q, p2, ...w].forEach((t) => t.dispose());
      model.dispose(); twin.dispose();
    }), { numRuns: 12 });
  });
});
