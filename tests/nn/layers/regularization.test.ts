// A layer's regularizers and constraints in the training loop: activity penalties (their loss and gradient against a
// float64 backward checked by central differences, with linear and softmax outputs), evaluate's loss, every layer
// kind's options, save/load round trips, and a steady-state epoch that allocates nothing.
import { describe, expect, it } from 'vitest';
import {
  constraints, dense, initializers, Layer, layers, loadModel, memory, regularizers, sequential, sgd, tensor, type ActivationName, type LossName,
  type Sequential, type SymbolicShape, type Tensor, type Variable,
} from '../../../src/index';
import { heapStats } from '../../../src/runtime/heap';
import { failOnLeaks, seededValues } from '../../reference';
import {
  actGrad, denseTargets, expectAppliedGradient, flatParams, refForward, refGradients, refLayers, refLoss, roundingFactor, seededLayers, type RefLayer,
} from '../net-reference';
import { weightsOf } from './check';

failOnLeaks();

type Factors = { l1: number; l2: number };

/** A model of these layers and weights, each with the activity regularizer given (none for zeros). */
function activityModel(refs: readonly RefLayer[], activity: readonly Factors[]): Sequential {
  const model = sequential(refs.map((L, i) => dense({
    units: L.units, activation: L.act, ...(i === 0 ? { inputShape: [L.inDim] } : {}), kernelInitializer: initializers.zeros(),
    ...(activity[i].l1 || activity[i].l2 ? { activityRegularizer: regularizers.l1l2(activity[i]) } : {}),
  })));
  const w = refs.flatMap((L) => [tensor(L.w, [L.inDim, L.units]), tensor(L.b!, [L.units])]);
  model.setWeights(w);
  w.forEach((t) => t.dispose());
  return model;
}

/**
 * The activity penalties Σ (l1·Σ|a| + l2·Σa²) / rows of each layer's outputs, and their gradient with respect to every
 * weight by a float64 backward (with its rounding bound from absolute values, as refGradients').
 */
function activityReference(refs: readonly RefLayer[], activity: readonly Factors[], x: Float64Array, rows: number): { penalty: number; g: Float64Array[]; bound: Float64Array[] } {
  const f = refForward(refs, x, rows);
  let penalty = 0, d = new Float64Array(0), m = new Float64Array(0);
  const g: Float64Array[][] = [], bound: Float64Array[][] = [];
  for (let l = refs.length - 1; l >= 0; l--) {
    const L = refs[l], a = f.a[l], { l1, l2 } = activity[l];
    penalty += a.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0) / rows;
    const da = a.map((v, i) => (d[i] ?? 0) + (l1 * Math.sign(v) + 2 * l2 * v) / rows);
    const ma = a.map((v, i) => (m[i] ?? 0) + (l1 + 2 * l2 * Math.abs(v)) / rows);
    let dz: Float64Array, mz: Float64Array;
    if (L.act === 'softmax') {
      dz = new Float64Array(a.length); mz = new Float64Array(a.length);
      for (let r = 0; r < rows; r++) {
        let dot = 0, dotAbs = 0;
        for (let j = 0; j < L.units; j++) { dot += a[r * L.units + j] * da[r * L.units + j]; dotAbs += a[r * L.units + j] * ma[r * L.units + j]; }
        for (let j = 0; j < L.units; j++) {
          const i = r * L.units + j;
          dz[i] = a[i] * (da[i] - dot);
          mz[i] = a[i] * (ma[i] + dotAbs) * (L.units + 4);
        }
      }
    } else {
      dz = da.map((v, i) => v * actGrad(L.act, f.z[l][i]));
      mz = ma.map((v, i) => v * (Math.abs(actGrad(L.act, f.z[l][i])) + f.zAbs[l][i] + 1));
    }
    const input = l === 0 ? x : f.a[l - 1], gw = new Float64Array(L.inDim * L.units), mw = new Float64Array(L.inDim * L.units);
    const gb = new Float64Array(L.units), mb = new Float64Array(L.units);
    d = new Float64Array(rows * L.inDim); m = new Float64Array(rows * L.inDim);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < L.units; j++) {
        const dj = dz[r * L.units + j], mj = mz[r * L.units + j];
        gb[j] += dj; mb[j] += mj;
        for (let p = 0; p < L.inDim; p++) {
          gw[p * L.units + j] += input[r * L.inDim + p] * dj;
          mw[p * L.units + j] += Math.abs(input[r * L.inDim + p]) * mj;
          d[r * L.inDim + p] += dj * L.w[p * L.units + j];
          m[r * L.inDim + p] += mj * Math.abs(L.w[p * L.units + j]);
        }
      }
    }
    g.unshift([gw, gb]);
    bound.unshift([mw, mb]);
  }
  return { penalty, g: g.flat(), bound: bound.flat() };
}

async function checkActivity(out: ActivationName, loss: LossName, activity: Factors[], seed: number): Promise<void> {
  const rows = 6, inDim = 4, outUnits = 3;
  const refs = seededLayers({ inDim, hidden: ['tanh'], hiddenUnits: [5], out, outUnits }, seed);
  const xv = seededValues(rows * inDim, seed + 1);
  const yv = loss === 'categoricalCrossentropy' ? Float64Array.from({ length: rows * outUnits }, (_, i) => (i % outUnits === (i / outUnits | 0) % outUnits ? 1 : 0))
    : seededValues(rows * outUnits, seed + 2).map((v) => (loss === 'binaryCrossentropy' ? (v + 1) / 2 : v));
  const t = denseTargets(loss, yv, rows, outUnits);
  const model = activityModel(refs, activity), x = tensor(xv, [rows, inDim]), y = tensor(yv, [rows, outUnits]);
  try {
    model.compile({ optimizer: sgd({ learningRate: 1 }), loss });
    const before = refLayers(model), params = flatParams(before);
    const lossAt = (): number => refLoss(loss, refForward(before, xv, rows), before, t, rows) + activityReference(before, activity, xv, rows).penalty;
    const L0 = lossAt();
    const evaluated = model.evaluate(x, y, { batchSize: 4 }) as { dataSync(): Float32Array; dispose(): void };
    expect(Math.abs(evaluated.dataSync()[0] - L0), 'evaluate, 4 rows at a time').toBeLessThanOrEqual(1e-5 * (1 + L0));
    evaluated.dispose();
    const history = await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
    expect(Math.abs(history.history.loss[0] - L0), 'fit\'s loss').toBeLessThanOrEqual(1e-5 * (1 + L0));
    const data = refGradients(loss, before, xv, t, rows), act = activityReference(before, activity, xv, rows);
    const g = data.g.map((v, i) => v.map((d, j) => d + act.g[i][j]));
    const bound = data.bound.map((v, i) => v.map((d, j) => d + act.bound[i][j]));
    expectAppliedGradient(params, flatParams(refLayers(model)), lossAt, g, bound, roundingFactor(before, rows), 1e-5,
      (i, j) => `${out}/${loss} activity ${JSON.stringify(activity)}: weights[${i}][${j}]`);
  } finally {
    model.dispose();
    x.dispose();
    y.dispose();
  }
}

describe('activity regularization', () => {
  it('adds (l1·Σ|a| + l2·Σa²) / rows to fit\'s and evaluate\'s loss, and its gradient before each layer\'s backward', async () => {
    await checkActivity('linear', 'meanSquaredError', [{ l1: 0.05, l2: 0.1 }, { l1: 0, l2: 0 }], 1);
    await checkActivity('linear', 'meanSquaredError', [{ l1: 0, l2: 0 }, { l1: 0.02, l2: 0.3 }], 2);
    await checkActivity('tanh', 'meanSquaredError', [{ l1: 0.01, l2: 0 }, { l1: 0.1, l2: 0.05 }], 3);
  });

  it('on outputs whose loss is fused (softmax, sigmoid): the gradient through their activation', async () => {
    await checkActivity('softmax', 'categoricalCrossentropy', [{ l1: 0, l2: 0 }, { l1: 0.05, l2: 0.2 }], 4);
    await checkActivity('sigmoid', 'binaryCrossentropy', [{ l1: 0.03, l2: 0.01 }, { l1: 0.05, l2: 0.2 }], 5);
  });
});

describe('every regularized layer kind', () => {
  const rules = { activityRegularizer: 'l2' } as const;
  const kinds = (): Sequential => sequential([
    layers.conv2d({ filters: 4, kernelSize: 2, inputShape: [5, 5, 2], kernelRegularizer: 'l1', biasConstraint: 'nonNeg', ...rules }),
    layers.depthwiseConv2d({ kernelSize: 2, depthwiseRegularizer: regularizers.l2({ l2: 0.02 }), depthwiseConstraint: constraints.maxNorm({ axis: [0, 1, 2] }) }),
    layers.separableConv2d({ filters: 3, kernelSize: 2, pointwiseRegularizer: 'l1l2', pointwiseConstraint: 'unitNorm', depthwiseRegularizer: 'l2' }),
    layers.batchNormalization({ gammaRegularizer: 'l2', betaConstraint: 'nonNeg' }),
    layers.conv2dTranspose({ filters: 2, kernelSize: 2, kernelConstraint: constraints.unitNorm({ axis: [0, 1, 2] }), biasRegularizer: 'l1' }),
    layers.flatten(),
    layers.layerNormalization({ betaRegularizer: regularizers.l1({ l1: 0.1 }), gammaConstraint: constraints.maxNorm({ maxValue: 1 }) }),
    layers.reshape({ targetShape: [6, 3] }),
    layers.conv1d({ filters: 2, kernelSize: 3, kernelConstraint: 'nonNeg', ...rules }),
    layers.flatten(),
    dense({ units: 2, kernelRegularizer: regularizers.l1l2({ l1: 0.001, l2: 0.002 }), ...rules }),
  ], { seed: 3 });

  it('save and load keep every option, and the loaded model trains to the same bits', async () => {
    const model = kinds(), copy = await loadModel(await model.save());
    const x = tensor(seededValues(4 * 50, 6), [4, 5, 5, 2]), y = tensor(seededValues(8, 7), [4, 2]);
    try {
      expect(copy.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(model.layers[0].getConfig().activityRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.01 } });
      for (const m of [model, copy]) m.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
      const [a, b] = [await model.fit(x, y, { epochs: 2, batchSize: 3, seed: 1 }), await copy.fit(x, y, { epochs: 2, batchSize: 3, seed: 1 })];
      expect(b.history).toEqual(a.history);
      expect(weightsOf(copy)).toEqual(weightsOf(model));
      expect(a.history.loss.every(Number.isFinite)).toBe(true);
    } finally {
      model.dispose();
      copy.dispose();
      x.dispose();
      y.dispose();
    }
  });

  it('a steady-state epoch allocates nothing', async () => {
    const model = kinds(), x = tensor(seededValues(8 * 50, 8), [8, 5, 5, 2]), y = tensor(seededValues(16, 9), [8, 2]);
    try {
      model.compile({ optimizer: sgd({ learningRate: 0.01 }), loss: 'meanSquaredError' });
      const seen: string[] = [];
      await model.fit(x, y, { epochs: 4, batchSize: 3, callbacks: { onEpochEnd: () => { seen.push(JSON.stringify({ ...memory(), ...heapStats() })); } } });
      expect(new Set(seen.slice(1)).size).toBe(1);
      expect(seen[1]).toBe(seen[0]);
    } finally {
      model.dispose();
      x.dispose();
      y.dispose();
    }
  });
});

describe('a custom layer\'s addWeight', () => {
  class Scale extends Layer {
    w!: Variable;
    override build(inputShape: SymbolicShape | SymbolicShape[]): void {
      this.w = this.addWeight('w', [(inputShape as SymbolicShape).at(-1)!], 'float32', 'ones', regularizers.l2({ l2: 0.25 }), true, constraints.nonNeg());
    }
    override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).mul(this.w); }
  }

  it('takes a regularizer (its penalty joins the loss, its gradient the step) and a constraint (after the step)', async () => {
    const net = sequential([new Scale({ inputShape: [3] })]);
    const x = tensor([[1, -2, 0.5], [2, 1, -1]]), y = tensor([[0, 0, 0], [0, 0, 0]]);
    try {
      const start = [-1, 2, 0.5], scale = net.getWeights()[0];
      scale.dispose();
      const w = tensor(start, [3]);
      net.setWeights([w]);
      w.dispose();
      net.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
      const history = await net.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false });
      const xs = [[1, -2, 0.5], [2, 1, -1]];
      // mse = mean over 6 values of (x·w)²; penalty 0.25·Σw²; the step w − 0.5·g, then negatives to 0.
      const mse = xs.flat().reduce((s, v, i) => s + (v * start[i % 3]) ** 2, 0) / 6, penalty = 0.25 * start.reduce((s, v) => s + v * v, 0);
      expect(Math.abs(history.history.loss[0] - (mse + penalty))).toBeLessThanOrEqual(1e-6);
      const g = start.map((v, j) => xs.reduce((s, row) => s + (2 * row[j] * row[j] * v) / 6, 0) + 0.5 * v);
      const want = start.map((v, j) => Math.max(v - 0.5 * g[j], 0));
      weightsOf(net)[0].forEach((v, j) => expect(Math.abs(v - want[j]), `w[${j}]`).toBeLessThanOrEqual(1e-6));
    } finally {
      net.dispose();
      x.dispose();
      y.dispose();
    }
  });
});
