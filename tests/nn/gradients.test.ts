// The gradient one SGD step applies ((weights before − after) / learningRate, full batch, no shuffle) against
// float64 central differences of each loss computed in JS from getWeights(), for every hidden and output activation
// with every loss, over random shapes. sequential.test.ts checks seven pairings against differences of the
// library's own float32 evaluate(); this suite covers every pairing against an independent float64 loss.
//
// It runs on every kernel build and thread count (tests/builds.ts). Training computes products below PARALLEL_FLOPS
// inside the training kernel (baseline GEMM, one thread) and larger ones on the selected build and the thread pool,
// so each environment also trains a network whose products are that large.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sgd, tensor, threads, type ActivationName, type LossName } from '../../src/index';
import { describeEachBuild, runs, splitsOverThreads } from '../builds';
import { failOnLeaks, seededValues } from '../reference';
import {
  buildModel, denseTargets, flatParams, refForward, refGradients, refLayers, refLoss, roundingFactor, seededLayers, expectAppliedGradient, U, type RefLayer,
} from './net-reference';

failOnLeaks();

const ACTS: ActivationName[] = ['linear', 'sigmoid', 'relu', 'leakyRelu', 'tanh', 'elu', 'selu', 'relu6', 'hardSigmoid', 'softplus', 'gelu', 'swish'];
/** Where each activation has a kink (its derivative jumps). */
const KINKS: Partial<Record<ActivationName, number[]>> = { relu: [0], leakyRelu: [0], selu: [0], relu6: [0, 6], hardSigmoid: [-2.5, 2.5] };
const SIZES = [1, 3, 7, 17];
/** Central-difference step; relu kinks and mae's |p − t| kink are kept KINK away from every weighted sum it moves. */
const H = 1e-5, KINK = 1e-3;

type Targets = 'regression' | 'binary' | 'classes';
interface Case { loss: LossName; hidden: ActivationName; out: ActivationName; unitChoices: number[]; targets: Targets; squash?: boolean }

/** Targets for `rows` samples: in [-1, 1], in [0, 1] (hard 0/1 or soft), or class rows (one-hot or soft) / indices. */
function targetsFor(c: Case, rows: number, cols: number, seed: number, hard: boolean): Float64Array {
  const v = seededValues(rows * cols, seed);
  if (c.targets === 'regression') return v;
  if (c.targets === 'binary') return v.map((x) => (hard ? (x > 0 ? 1 : 0) : Math.fround((x + 1) / 2)));
  const labels = Array.from({ length: rows }, (_, r) => Math.min(cols - 1, Math.floor(((v[r * cols] + 1) / 2) * cols)));
  if (c.loss === 'sparseCategoricalCrossentropy') return Float64Array.from(labels);
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    if (hard) { t[r * cols + labels[r]] = 1; continue; }
    let s = 0;
    for (let j = 0; j < cols; j++) s += t[r * cols + j] = v[r * cols + j] + 1.5;
    for (let j = 0; j < cols; j++) t[r * cols + j] = Math.fround(t[r * cols + j] / s);
  }
  return t;
}

/** Rescales the output layer so every output weighted sum lies in [0.15, 0.85]: probabilities for binaryCrossentropy. */
function squashOutputs(layers: RefLayer[], x: Float64Array, rows: number): void {
  const last = layers[layers.length - 1];
  const hidden = refForward(layers.slice(0, -1), x, rows).a.at(-1)!;
  let maxRow = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let p = 0; p < last.inDim; p++) s += Math.abs(hidden[r * last.inDim + p]);
    maxRow = Math.max(maxRow, s);
  }
  const range = Math.sqrt(6 / (last.inDim + last.units));
  last.w = last.w.map((v) => Math.fround((v / range) * (0.35 / (maxRow + 1e-3))));
  last.b = last.b!.map(() => 0.5);
}

/** True when an activation's kink (KINKS) or mae's kink lies within KINK of a weighted sum or output. */
function nearKink(c: Case, layers: RefLayer[], x: Float64Array, t: Float64Array, rows: number): boolean {
  const f = refForward(layers, x, rows);
  const kinked = layers.some((L, l) => (KINKS[L.act] ?? []).some((k) => f.z[l].some((z) => Math.abs(z - k) < KINK)));
  return kinked || (c.loss === 'meanAbsoluteError' && f.a.at(-1)!.some((p, i) => Math.abs(p - t[i]) < KINK));
}

async function checkCase(c: Case, inDim: number, hiddenUnits: number, rows: number, outUnits: number, seed: number, hard: boolean): Promise<void> {
  const spec = { inDim, hidden: [c.hidden], hiddenUnits: [hiddenUnits], out: c.out, outUnits };
  const layers = seededLayers(spec, seed);
  const xv = seededValues(rows * inDim, seed + 100);
  if (c.squash) squashOutputs(layers, xv, rows);
  const yv = targetsFor(c, rows, outUnits, seed + 200, hard);
  const t = denseTargets(c.loss, yv, rows, outUnits);
  fc.pre(!nearKink(c, layers, xv, t, rows));
  const model = buildModel(layers);
  const x = tensor(xv, [rows, inDim]), y = c.loss === 'sparseCategoricalCrossentropy' ? tensor(yv, [rows]) : tensor(yv, [rows, outUnits]);
  try {
    model.compile({ optimizer: sgd({ learningRate: 1 }), loss: c.loss });
    const before = refLayers(model);
    await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
    const after = flatParams(refLayers(model));
    const params = flatParams(before);
    const lossAt = (): number => refLoss(c.loss, refForward(before, xv, rows), before, t, rows);
    const { g, bound } = refGradients(c.loss, before, xv, t, rows);
    const K = roundingFactor(before, rows);
    expectAppliedGradient(params, after, lossAt, g, bound, K, H, (i, j) => `${c.hidden}/${c.out}/${c.loss} [${inDim},${hiddenUnits},${outUnits}] rows ${rows} seed ${seed}: weights[${i}][${j}]`);
  } finally {
    x.dispose(); y.dispose(); model.dispose();
  }
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const loss of ['meanSquaredError', 'meanAbsoluteError'] as const) {
    for (const hidden of ACTS) for (const o of ACTS) out.push({ loss, hidden, out: o, unitChoices: [1, 3, 7], targets: 'regression' });
  }
  for (const hidden of ACTS) {
    out.push({ loss: 'binaryCrossentropy', hidden, out: 'sigmoid', unitChoices: [1, 3, 7], targets: 'binary' });
    // softplus is left out: over weighted sums in [0.15, 0.85] its outputs pass 1, outside binaryCrossentropy's domain.
    for (const o of ACTS.filter((a) => a !== 'sigmoid' && a !== 'softplus')) {
      out.push({ loss: 'binaryCrossentropy', hidden, out: o, unitChoices: [1, 3, 7], targets: 'binary', squash: true });
    }
    for (const loss of ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const) {
      out.push({ loss, hidden, out: 'softmax', unitChoices: [2, 3, 7], targets: 'classes' });
    }
  }
  return out;
}

/**
 * One sgd step on [rows, inDim] → hidden → outUnits, full batch: the applied gradient against the float64
 * back-propagated one (refGradients, which the finite-difference cases above check) within its float32 bound.
 */
async function checkLarge(c: Case, inDim: number, hidden: number, outUnits: number, rows: number, seed: number): Promise<void> {
  const layers = seededLayers({ inDim, hidden: [c.hidden], hiddenUnits: [hidden], out: c.out, outUnits }, seed);
  const xv = seededValues(rows * inDim, seed + 100), yv = targetsFor(c, rows, outUnits, seed + 200, true);
  const t = denseTargets(c.loss, yv, rows, outUnits);
  const model = buildModel(layers);
  const x = tensor(xv, [rows, inDim]), y = c.loss === 'sparseCategoricalCrossentropy' ? tensor(yv, [rows]) : tensor(yv, [rows, outUnits]);
  try {
    model.compile({ optimizer: sgd({ learningRate: 1 }), loss: c.loss });
    await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
    const after = flatParams(refLayers(model));
    const { g, bound } = refGradients(c.loss, layers, xv, t, rows);
    const K = roundingFactor(layers, rows);
    flatParams(layers).forEach((w, i) => {
      for (let j = 0; j < w.length; j++) {
        const applied = w[j] - after[i][j];
        const tol = K * U * bound[i][j] + 2 * U * (Math.abs(w[j]) + Math.abs(applied));
        if (!(Math.abs(applied - g[i][j]) <= tol)) {
          throw new Error(`${c.hidden}/${c.out}/${c.loss} [${inDim},${hidden},${outUnits}] rows ${rows}: weights[${i}][${j}] ` +
            `applied gradient ${applied}, float64 ${g[i][j]} (tolerance ${tol})`);
        }
      }
    });
  } finally {
    x.dispose(); y.dispose(); model.dispose();
  }
}

describeEachBuild('one sgd step applies the float64 finite-difference gradient', (env) => {
  it('products above PARALLEL_FLOPS (first layer forward and its kernel gradient) on the build and threads in use', async () => {
    const [rows, inDim, hidden] = [120, 300, 128];
    expect(splitsOverThreads(rows, inDim, hidden) && splitsOverThreads(inDim, rows, hidden)).toBe(true);
    expect(threads().active).toBe(env.threads);
    // Smooth activations only: a float32 weighted sum next to a relu kink may fall on the other side of it.
    await checkLarge({ loss: 'categoricalCrossentropy', hidden: 'tanh', out: 'softmax', unitChoices: [], targets: 'classes' }, inDim, hidden, 5, rows, 7);
    await checkLarge({ loss: 'meanSquaredError', hidden: 'sigmoid', out: 'linear', unitChoices: [], targets: 'regression' }, inDim, hidden, 3, rows, 8);
  }, 30_000);

  for (const c of cases()) {
    const name = `${c.hidden} hidden, ${c.out} output${c.squash ? ' in (0, 1)' : ''}, ${c.loss}`;
    it(name, async () => {
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(...c.unitChoices),
        fc.integer({ min: 1, max: 1e6 }), fc.boolean(),
        (inDim, hidden, rows, outUnits, seed, hard) => checkCase(c, inDim, hidden, rows, outUnits, seed, hard),
      ), { numRuns: runs(env, 6, 2) });
    });
  }
});
