// Sample and class weights in the loss kernels: one fit step with weights against the float64 weighted loss and its
// gradient for every loss (sigmoid and softmax fused), constant weights as a scaled loss (exactly, for a power of 2),
// integer weights as duplicated rows, class weights as the equivalent sample weights, evaluate's weighted loss and
// metrics against float64 references, and random shapes and weights (zeros included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispose, tensor, type Model, type Tensor } from '../../src/index';
import { expectClose, failOnLeaks } from '../reference';
import { KINDS, modelFor, problem, weightedLoss, type Kind, type Problem } from './weights-reference';

failOnLeaks();

const flatWeights = (model: Model): number[] => {
  const w = model.getWeights();
  const out = w.flatMap((t) => Array.from(t.dataSync()));
  dispose(w);
  return out;
};
const tensorsOf = (p: Problem): [Tensor, Tensor] => [tensor(p.x), tensor(p.y)];

/** One full-batch SGD step (lr 1, no shuffle) with the fit options given: the loss before it and the step taken. */
async function step(p: Problem, options: Record<string, unknown>, lr = 1): Promise<{ loss: number; delta: number[] }> {
  const model = modelFor(p, lr), [x, y] = tensorsOf(p);
  const before = flatWeights(model);
  const history = await model.fit(x, y, { epochs: 1, batchSize: p.n, shuffle: false, ...options });
  const after = flatWeights(model);
  dispose([x, y]);
  model.dispose();
  return { loss: history.history.loss[0], delta: before.map((w, i) => w - after[i]) };
}

/** Checks a step against the f64 reference: the loss, and the step as lr·gradient (kernel then bias). */
async function expectReferenceStep(p: Problem, w: number[], context: string): Promise<void> {
  const { loss, delta } = await step(p, { sampleWeight: w });
  const ref = weightedLoss(p, w);
  // The model's z is f32 (a few 2^-24 relative), the step's subtraction rounds to the weights' ulp (≤ 2^-24·2).
  expectClose([loss], [ref.loss], { abs: 1e-7, rel: 2e-6 }, `${context} loss`);
  expectClose(delta, [...ref.dKernel.flat(), ...ref.dBias], { abs: 3e-7, rel: 1e-5 }, `${context} gradient`);
}

describe('a weighted step against the float64 weighted loss and gradient', () => {
  it.each(KINDS)('%s', async (kind) => {
    const p = problem(kind, 7, 3, kind === 'cce' || kind === 'sparse' ? 4 : 2, 11);
    await expectReferenceStep(p, [0.5, 2, 0, 1, 3.25, 0.125, 1], kind);
  });

  it('random shapes, kinds and weights (zeros included)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...KINDS), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 1e6 }), fc.array(fc.constantFrom(0, 0.25, 1, 1.5, 3, 7), { minLength: 9, maxLength: 9 }),
      async (kind: Kind, n, d, units, seed, pool) => {
        const u = kind === 'cce' || kind === 'sparse' ? Math.max(units, 2) : units;
        const w: number[] = pool.slice(0, n);
        if (!w.some((v) => v > 0)) w[0] = 1;
        await expectReferenceStep(problem(kind, n, d, u, seed), w, `${kind} n=${n} d=${d} u=${u} w=${w}`);
      }), { numRuns: 60, seed: 18 });
  });
});

describe('weights as scaled losses and duplicated rows', () => {
  it.each(KINDS)('%s: sampleWeight 4·1 takes the step of the unweighted loss at 4× the rate, bit for bit', async (kind) => {
    const p = problem(kind, 6, 3, kind === 'cce' || kind === 'sparse' ? 3 : 2, 5);
    const weighted = await step(p, { sampleWeight: new Array(p.n).fill(4) });
    const scaled = await step(p, {}, 4);
    expect(weighted.delta).toEqual(scaled.delta);
    const plain = await step(p, {});
    // The same f64 terms summed per row instead of in SIMD lanes: a few 2^-53 apart.
    expect(Math.abs(weighted.loss - 4 * plain.loss)).toBeLessThanOrEqual(1e-14 * weighted.loss);
  });

  it.each(KINDS)('%s: integer weights are the rows repeated (loss, metrics, gradient direction)', async (kind) => {
    const p = problem(kind, 5, 3, kind === 'cce' || kind === 'sparse' ? 3 : 2, 9), w = [2, 1, 0, 3, 1];
    const rows = w.flatMap((k, r) => new Array<number>(k).fill(r));
    const dup: Problem = { ...p, n: rows.length, x: rows.map((r) => p.x[r]), y: rows.map((r) => p.y[r]) as Problem['y'] };
    const total = w.reduce((a, b) => a + b, 0);
    // Keras's sum over batch size: Σ w·loss / n against Σ loss / Σ w of the repeated rows.
    const weighted = await step(p, { sampleWeight: w }), repeated = await step(dup, {});
    expect(weighted.loss * p.n / total).toBeCloseTo(repeated.loss, 12);
    expectClose(weighted.delta.map((v) => v * p.n / total), repeated.delta, { abs: 3e-7, rel: 1e-5 }, 'gradient');
    const model = modelFor(p, 1, ['accuracy', 'mae', 'mse']), [x, y] = tensorsOf(p), [xd, yd] = tensorsOf(dup);
    const a = model.evaluate(x, y, { sampleWeight: w }), b = model.evaluate(xd, yd);
    for (const m of ['accuracy', 'mae', 'mse']) expect(a[m], m).toBeCloseTo(b[m], 6);
    expect(a.loss * p.n / total).toBeCloseTo(b.loss, 6);
    dispose([x, y, xd, yd]);
    model.dispose();
  });
});

describe('class weights', () => {
  const classOf = (p: Problem, r: number): number => (p.kind === 'sparse' ? (p.y as number[])[r]
    : p.u > 1 ? (p.y as number[][])[r].indexOf(Math.max(...(p.y as number[][])[r])) : Math.round((p.y as number[][])[r][0]));
  const cases: [Kind, number, Record<number, number>][] = [
    ['cce', 4, { 0: 0.5, 1: 3, 3: 2 }], // class 2 left out: weight 1
    ['sparse', 3, { 0: 2, 2: 0.25 }],
    ['bce', 1, { 0: 1, 1: 5 }],
  ];
  it.each(cases)('%s (%i columns): classWeight is the sampleWeight of each row\'s class, also times a sampleWeight', async (kind, u, table) => {
    const p = problem(kind, 8, 2, u, 3), sw = [1, 2, 0.5, 1, 3, 1, 0, 2];
    const byClass = Array.from({ length: p.n }, (_, r) => table[classOf(p, r)] ?? 1);
    const seeded = { epochs: 3, batchSize: 3, seed: 4 };
    const a = await step(p, { ...seeded, classWeight: table }), b = await step(p, { ...seeded, sampleWeight: byClass });
    expect(a).toEqual(b);
    const c = await step(p, { ...seeded, classWeight: table, sampleWeight: sw });
    const d = await step(p, { ...seeded, sampleWeight: byClass.map((v, r) => Math.fround(v * sw[r])) });
    expect(c).toEqual(d);
  });
});

describe('evaluate', () => {
  it('weighted loss and metrics of a softmax classifier against float64 references', () => {
    const p = problem('cce', 9, 3, 3, 21), w = [1, 0, 2.5, 1, 0.5, 3, 0, 1, 2];
    const model = modelFor(p, 1, ['accuracy', 'mae', 'mse']), [x, y] = tensorsOf(p);
    const weights = tensor(w), result = model.evaluate(x, y, { sampleWeight: weights, batchSize: 4 });
    const total = w.reduce((a, b) => a + b, 0);
    let acc = 0, mae = 0, mse = 0;
    for (let r = 0; r < p.n; r++) {
      const z = p.bias.map((b, j) => b + p.x[r].reduce((s, xi, i) => s + xi * p.kernel[i][j], 0));
      const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0), prob = e.map((v) => v / s);
      const t = (p.y as number[][])[r];
      acc += w[r] * (prob.indexOf(Math.max(...prob)) === t.indexOf(1) ? 1 : 0);
      mae += w[r] * prob.reduce((a, v, j) => a + Math.abs(v - t[j]), 0) / p.u;
      mse += w[r] * prob.reduce((a, v, j) => a + (v - t[j]) ** 2, 0) / p.u;
    }
    expectClose([result.loss], [weightedLoss(p, w).loss], { abs: 1e-7, rel: 2e-6 }, 'loss');
    expect(result.accuracy).toBe(acc / total);
    expectClose([result.mae, result.mse], [mae / total, mse / total], { abs: 1e-7, rel: 2e-6 }, 'mae, mse');
    dispose([x, y, weights]);
    model.dispose();
  });

  it('unweighted, weights of 1 and no weights give the same bits', () => {
    const p = problem('sparse', 6, 2, 3, 2), model = modelFor(p, 1, ['accuracy', 'mse']), [x, y] = tensorsOf(p);
    const plain = model.evaluate(x, y), ones = model.evaluate(x, y, { sampleWeight: new Array(6).fill(1) });
    expect({ ...ones }).toEqual({ ...plain });
    dispose([x, y]);
    model.dispose();
  });
});
