// Weight regularizers in fit and evaluate: one SGD step against a float64 reference (the reported loss includes the
// penalty; the applied gradient against central differences of loss + penalty), the options and their errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dense, initializers, input, memory, model, regularizers, sequential, sgd, tensor, type Model, type Sequential } from '../../src/index';
import { expectThrowsClean, failOnLeaks, seededValues } from '../reference';
import {
  denseTargets, expectAppliedGradient, flatParams, refForward, refGradients, refLayers, refLoss, roundingFactor, seededLayers, type RefLayer,
} from './net-reference';

failOnLeaks();

type Factors = { l1: number; l2: number };

/** A model of these layers and weights, with the kernel and bias regularizers given. */
function regularizedModel(layers: readonly RefLayer[], kernel: Factors, bias: Factors): Sequential {
  const model = sequential(layers.map((L, i) => dense({
    units: L.units, activation: L.act, ...(i === 0 ? { inputShape: [L.inDim] } : {}), kernelInitializer: initializers.zeros(),
    kernelRegularizer: regularizers.l1l2(kernel), biasRegularizer: regularizers.l1l2(bias),
  })));
  const weights = layers.flatMap((L) => [tensor(L.w, [L.inDim, L.units]), tensor(L.b!, [L.units])]);
  model.setWeights(weights);
  weights.forEach((w) => w.dispose());
  return model;
}

/** l1·Σ|w| + l2·Σw² over the kernels and biases, in float64. */
function refPenalty(params: readonly Float64Array[], kernel: Factors, bias: Factors): number {
  return params.reduce((sum, w, i) => {
    const f = i % 2 === 0 ? kernel : bias;
    return sum + w.reduce((s, v) => s + f.l1 * Math.abs(v) + f.l2 * v * v, 0);
  }, 0);
}

/** The penalty's gradient l1·sign(w) + 2·l2·w of each array. */
const penaltyGradient = (params: readonly Float64Array[], kernel: Factors, bias: Factors): Float64Array[] =>
  params.map((w, i) => { const f = i % 2 === 0 ? kernel : bias; return w.map((v) => f.l1 * Math.sign(v) + 2 * f.l2 * v); });

async function checkStep(kernel: Factors, bias: Factors, inDim: number, hidden: number, outUnits: number, rows: number, seed: number): Promise<void> {
  const layers = seededLayers({ inDim, hidden: ['tanh'], hiddenUnits: [hidden], out: 'linear', outUnits }, seed);
  const xv = seededValues(rows * inDim, seed + 100), yv = seededValues(rows * outUnits, seed + 200);
  const t = denseTargets('meanSquaredError', yv, rows, outUnits);
  const model = regularizedModel(layers, kernel, bias);
  const x = tensor(xv, [rows, inDim]), y = tensor(yv, [rows, outUnits]);
  try {
    model.compile({ optimizer: sgd({ learningRate: 1 }), loss: 'meanSquaredError' });
    const before = refLayers(model), params = flatParams(before);
    const lossAt = (): number => refLoss('meanSquaredError', refForward(before, xv, rows), before, t, rows) + refPenalty(params, kernel, bias);
    const L0 = lossAt();
    const history = await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
    const where = `[${inDim},${hidden},${outUnits}] rows ${rows} seed ${seed} l1 ${kernel.l1}/${bias.l1} l2 ${kernel.l2}/${bias.l2}`;
    // The reported loss is the data loss plus the penalty of the weights the step started from (Keras's `loss`).
    expect(Math.abs(history.history.loss[0] - L0), where).toBeLessThanOrEqual(1e-5 * (1 + L0));
    const after = flatParams(refLayers(model));
    const data = refGradients('meanSquaredError', before, xv, t, rows);
    const pg = penaltyGradient(params, kernel, bias);
    const g = data.g.map((d, i) => d.map((v, j) => v + pg[i][j]));
    const bound = data.bound.map((b, i) => b.map((v, j) => v + 2 * Math.abs(pg[i][j])));
    expectAppliedGradient(params, after, lossAt, g, bound, roundingFactor(before, rows), 1e-5, (i, j) => `${where}: weights[${i}][${j}]`);
  } finally {
    model.dispose();
    x.dispose();
    y.dispose();
  }
}

describe('weight regularizers in a fit step', () => {
  it('l1, l2 and l1l2 on kernels and biases: the loss includes the penalty, the step its gradient', async () => {
    await checkStep({ l1: 0.01, l2: 0 }, { l1: 0, l2: 0 }, 3, 4, 2, 5, 1);
    await checkStep({ l1: 0, l2: 0.05 }, { l1: 0, l2: 0.1 }, 5, 7, 3, 9, 2);
    await checkStep({ l1: 0.02, l2: 0.03 }, { l1: 0.01, l2: 0.02 }, 4, 9, 1, 6, 3);
  });

  it('matches over random shapes and factors', async () => {
    const factor = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 0.2, noNaN: true }));
    await fc.assert(fc.asyncProperty(
      fc.record({ l1: factor, l2: factor }), fc.record({ l1: factor, l2: factor }),
      fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 13 }),
      fc.integer({ min: 0, max: 1000 }),
      // The kink of |w| at 0: a weight within the difference step of it has no derivative there.
      async (k, b, inDim, hidden, out, rows, seed) => {
        const params = flatParams(seededLayers({ inDim, hidden: ['tanh'], hiddenUnits: [hidden], out: 'linear', outUnits: out }, seed));
        fc.pre(params.every((w) => w.every((v) => Math.abs(v) > 1e-3)));
        await checkStep(k, b, inDim, hidden, out, rows, seed);
      }), { numRuns: 25 });
  });
});

describe('evaluate', () => {
  it('adds the penalty of the current weights to the loss, as validation does', async () => {
    const kernel = { l1: 0.03, l2: 0.02 }, bias = { l1: 0, l2: 0.5 };
    const layers = seededLayers({ inDim: 3, hidden: ['relu'], hiddenUnits: [5], out: 'linear', outUnits: 2 }, 7);
    const xv = seededValues(11 * 3, 8), yv = seededValues(11 * 2, 9);
    const model = regularizedModel(layers, kernel, bias);
    const x = tensor(xv, [11, 3]), y = tensor(yv, [11, 2]);
    try {
      model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      const ref = refLayers(model);
      const want = refLoss('meanSquaredError', refForward(ref, xv, 11), ref, denseTargets('meanSquaredError', yv, 11, 2), 11)
        + refPenalty(flatParams(ref), kernel, bias);
      const loss = model.evaluate(x, y, { batchSize: 4 }) as { dataSync(): Float32Array; dispose(): void };
      expect(Math.abs(loss.dataSync()[0] - want)).toBeLessThanOrEqual(1e-5 * (1 + want));
      loss.dispose();
      // Validation on the training data right after an epoch: val_loss is evaluate's loss with the new weights.
      const history = await model.fit(x, y, { epochs: 1, batchSize: 11, shuffle: false, validationData: [x, y] });
      const after = refLayers(model);
      const val = refLoss('meanSquaredError', refForward(after, xv, 11), after, denseTargets('meanSquaredError', yv, 11, 2), 11)
        + refPenalty(flatParams(after), kernel, bias);
      expect(Math.abs(history.history.val_loss[0] - val)).toBeLessThanOrEqual(1e-5 * (1 + val));
    } finally {
      model.dispose();
      x.dispose();
      y.dispose();
    }
  });
});

describe('several outputs', () => {
  it('the penalty joins the total loss, not each output\'s', async () => {
    const heads = (penalized: boolean): Model => {
      const x = input({ shape: [3] });
      const h = dense({ units: 4, activation: 'tanh', ...(penalized ? { kernelRegularizer: regularizers.l1l2({ l1: 0.02, l2: 0.05 }) } : {}) }).apply(x);
      return model({ inputs: x, outputs: [dense({ units: 2, name: 'reg' }).apply(h), dense({ units: 1, activation: 'sigmoid', name: 'cls' }).apply(h)], seed: 5 });
    };
    const [plain, penalized] = [heads(false), heads(true)];
    const weights = plain.getWeights();
    penalized.setWeights(weights);
    const kernel = Float64Array.from(weights[0].dataSync()), penalty = kernel.reduce((s, v) => s + 0.02 * Math.abs(v) + 0.05 * v * v, 0);
    weights.forEach((w) => w.dispose());
    const x = tensor(seededValues(10 * 3, 1), [10, 3]), y = [tensor(seededValues(20, 2), [10, 2]), tensor(seededValues(10, 3).map((v) => (v > 0 ? 1 : 0)), [10, 1])];
    try {
      for (const m of [plain, penalized]) m.compile({ optimizer: sgd({ learningRate: 0 }), loss: ['meanSquaredError', 'binaryCrossentropy'], lossWeights: [1, 0.5] });
      const [a, b] = [plain.evaluate(x, y) as Record<string, number>, penalized.evaluate(x, y) as Record<string, number>];
      expect([b.reg_loss, b.cls_loss]).toEqual([a.reg_loss, a.cls_loss]);
      expect(Math.abs(b.loss - a.loss - penalty)).toBeLessThanOrEqual(1e-6 * (1 + penalty));
      const [fa, fb] = [await plain.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false }), await penalized.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false })];
      expect([fb.history.reg_loss, fb.history.cls_loss]).toEqual([fa.history.reg_loss, fa.history.cls_loss]);
      expect(Math.abs(fb.history.loss[0] - fa.history.loss[0] - penalty)).toBeLessThanOrEqual(1e-6 * (1 + penalty));
    } finally {
      plain.dispose();
      penalized.dispose();
      x.dispose();
      y.forEach((t) => t.dispose());
    }
  });
});

describe('regularizer options', () => {
  it('makes l1, l2 and l1l2 with Keras\'s defaults, and takes Keras\'s names and saved configs', () => {
    expect(regularizers.l1().getConfig()).toEqual({ l1: 0.01, l2: 0 });
    expect(regularizers.l2({ l2: 0.5 }).getConfig()).toEqual({ l1: 0, l2: 0.5 });
    expect(regularizers.l1l2().getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    const config = (r: unknown): unknown => dense({ units: 1, kernelRegularizer: r as never }).getConfig().kernelRegularizer;
    expect(config('l2')).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.01 } });
    expect(config('l1_l2')).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0.01 } });
    expect(config({ className: 'L2', config: { l2: 0.3 } })).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.3 } });
    expect(dense({ units: 1 }).getConfig()).not.toHaveProperty('kernelRegularizer');
  });

  it('rejects negative, non-finite and unknown factors, names and keys, allocating nothing', () => {
    const bad: [() => unknown, new (...args: never[]) => Error, string[]][] = [
      [() => regularizers.l1({ l1: -1 }), RangeError, ['regularizers.l1: l1 must be a finite number >= 0, got -1']],
      [() => regularizers.l2({ l2: Infinity }), RangeError, ['regularizers.l2: l2 must be a finite number >= 0, got Infinity']],
      [() => regularizers.l1l2({ l1: NaN }), RangeError, ['l1 must be a finite number >= 0, got NaN']],
      [() => regularizers.l1l2({ l2: 1e39 }), RangeError, ['l2 must be a finite number >= 0']],
      [() => regularizers.l2({ l1: 1 } as never), RangeError, ['regularizers.l2: unknown option "l1"']],
      [() => regularizers.l1({ l1: '1' as never }), TypeError, ['regularizers.l1: l1 must be a number, got "1"']],
      [() => dense({ units: 1, kernelRegularizer: 'l3' as never }), RangeError, ['dense: kernelRegularizer must be a regularizer', 'got "l3"']],
      [() => dense({ units: 1, biasRegularizer: { className: 'Orthogonal' } }), RangeError, ['dense: biasRegularizer must be']],
      [() => dense({ units: 1, kernelRegularizer: { className: 'L1L2', config: { l3: 1 } } }), RangeError, ['unknown option "l3" in kernelRegularizer.config']],
      [() => dense({ units: 1, kernelRegularizer: { className: 'L1L2', config: { l1: -2 } } }), RangeError, ['dense: kernelRegularizer: l1 must be a finite number >= 0, got -2']],
      [() => dense({ units: 1, kernelRegulariser: 'l2' } as never), RangeError, ['did you mean "kernelRegularizer"']],
      [() => dense({ units: 2, useBias: false, biasRegularizer: 'l2' }), RangeError,
        ['dense: biasRegularizer applies to the bias, which the layer has not (useBias is false)']],
    ];
    for (const [fn, type, fragments] of bad) expectThrowsClean(fn, type, fragments, memory);
  });
});
