// Every optimizer, step by step, against float64 update rules: full-batch fits with shuffle off, the weights read
// after each epoch. Each step of the reference starts from the library's weights before that step (exact float32
// values) and its own float64 optimizer state, so errors never compound; its gradient is the float64
// backpropagation of tests/nn/net-reference.ts, and interval arithmetic carries the float32 rounding of that
// gradient (K·U·bound) and of each float32 operation of the update into a per-weight tolerance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adagrad, adam, rmsprop, sgd, tensor, type LossName, type Optimizer } from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';
import { buildModel, flatParams, refGradients, refLayers, roundingFactor, seededLayers, U, type NetSpec, type RefLayer } from './net-reference';

failOnLeaks();

/** A value known to lie within r of c. Each op rounds its float32 result once: r grows by U·(|c| + r). */
interface Iv { c: number; r: number }
const iv = (c: number, r = 0): Iv => ({ c, r });
const rounded = (c: number, r: number): Iv => ({ c, r: r + U * (Math.abs(c) + r) });
const add = (a: Iv, b: Iv): Iv => rounded(a.c + b.c, a.r + b.r);
const sub = (a: Iv, b: Iv): Iv => rounded(a.c - b.c, a.r + b.r);
const mul = (a: Iv, b: Iv): Iv => rounded(a.c * b.c, Math.abs(a.c) * b.r + Math.abs(b.c) * a.r + a.r * b.r);
const sqrt = (a: Iv): Iv => {
  const c = Math.sqrt(a.c);
  return rounded(c, Math.max(Math.sqrt(a.c + a.r) - c, c - Math.sqrt(Math.max(a.c - a.r, 0))));
};
/** a / b for b > 0 throughout: the extreme corner of the quotient. */
const div = (a: Iv, b: Iv): Iv => {
  const c = a.c / b.c, lo = b.c - b.r;
  if (!(lo > 0)) return { c, r: Infinity };
  const corners = [(a.c - a.r) / lo, (a.c + a.r) / lo, (a.c - a.r) / (b.c + b.r), (a.c + a.r) / (b.c + b.r)];
  return rounded(c, Math.max(...corners.map((v) => Math.abs(v - c))));
};

/** One optimizer step on one weight: w (exact), its gradient interval, its state (mutated), the step count t ≥ 1. */
type Rule = (w: number, g: Iv, state: Iv[], t: number) => Iv;

interface Config { name: string; make: () => Optimizer; rule: Rule; weightDecay: number }

// The plan stores hyperparameters as float32, so the reference takes them rounded likewise.
const f = Math.fround;

/** g' = g + wd·w: L2 weight decay as the library documents it (README: "each with L2 weightDecay"). */
const decayed = (g: Iv, w: number, wd: number): Iv => add(g, mul(iv(f(wd)), iv(w)));

function sgdRule(lr: number, momentum: number, nesterov: boolean, wd: number): Rule {
  const [vlr, mu] = [iv(f(lr)), iv(f(momentum))];
  return (w, g0, state) => {
    const g = decayed(g0, w, wd);
    if (momentum === 0) return sub(iv(w), mul(vlr, g));
    // Sutskever et al. / Keras: v = μ·v − lr·g; w += v, or w += μ·v − lr·g with Nesterov.
    const v = (state[0] = sub(mul(mu, state[0] ?? iv(0)), mul(vlr, g)));
    return add(iv(w), nesterov ? sub(mul(mu, v), mul(vlr, g)) : v);
  };
}

/**
 * Kingma & Ba, section 2's efficient form (TF and Keras): α_t = α·√(1−β2^t)/(1−β1^t); m = β1·m + (1−β1)·g;
 * v = β2·v + (1−β2)·g²; w −= α_t·m/(√v + ε̂), ε̂ the epsilon given.
 */
function adamRule(lr: number, beta1: number, beta2: number, eps: number, wd: number): Rule {
  const [b1, b2] = [f(beta1), f(beta2)];
  return (w, g0, state, t) => {
    const g = decayed(g0, w, wd);
    const m = (state[0] = add(mul(iv(b1), state[0] ?? iv(0)), mul(iv(f(1 - b1)), g)));
    const v = (state[1] = add(mul(iv(b2), state[1] ?? iv(0)), mul(iv(f(1 - b2)), mul(g, g))));
    const alpha = rounded((f(lr) * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t), 0);
    return sub(iv(w), div(mul(alpha, m), add(sqrt(v), iv(f(eps)))));
  };
}

/** RMSprop (Hinton, with ε outside the root as the library documents): s = ρ·s + (1−ρ)·g²; w −= lr·g/(√s + ε). */
function rmspropRule(lr: number, rho: number, eps: number, wd: number): Rule {
  return (w, g0, state) => {
    const g = decayed(g0, w, wd);
    const s = (state[0] = add(mul(iv(f(rho)), state[0] ?? iv(0)), mul(iv(f(1 - f(rho))), mul(g, g))));
    return sub(iv(w), div(mul(iv(f(lr)), g), add(sqrt(s), iv(f(eps)))));
  };
}

/** Adagrad (Duchi et al.: δ + √Σg², accumulator from 0): a += g²; w −= lr·g/(√a + ε). */
function adagradRule(lr: number, eps: number, wd: number): Rule {
  return (w, g0, state) => {
    const g = decayed(g0, w, wd);
    const a = (state[0] = add(state[0] ?? iv(0), mul(g, g)));
    return sub(iv(w), div(mul(iv(f(lr)), g), add(sqrt(a), iv(f(eps)))));
  };
}

const CONFIGS: Config[] = [0, 0.05].flatMap((weightDecay) => [
  { name: 'sgd', make: () => sgd({ learningRate: 0.1, weightDecay }), rule: sgdRule(0.1, 0, false, weightDecay) },
  { name: 'sgd momentum', make: () => sgd({ learningRate: 0.1, momentum: 0.9, weightDecay }), rule: sgdRule(0.1, 0.9, false, weightDecay) },
  { name: 'sgd nesterov', make: () => sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay }), rule: sgdRule(0.05, 0.8, true, weightDecay) },
  { name: 'adam defaults', make: () => adam({ weightDecay }), rule: adamRule(0.001, 0.9, 0.999, 1e-7, weightDecay) },
  { name: 'adam', make: () => adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, weightDecay }), rule: adamRule(0.05, 0.8, 0.99, 1e-3, weightDecay) },
  { name: 'rmsprop defaults', make: () => rmsprop({ weightDecay }), rule: rmspropRule(0.001, 0.9, 1e-7, weightDecay) },
  { name: 'rmsprop', make: () => rmsprop({ learningRate: 0.02, rho: 0.5, epsilon: 1e-3, weightDecay }), rule: rmspropRule(0.02, 0.5, 1e-3, weightDecay) },
  { name: 'adagrad defaults', make: () => adagrad({ weightDecay }), rule: adagradRule(0.01, 1e-7, weightDecay) },
  { name: 'adagrad', make: () => adagrad({ learningRate: 0.2, epsilon: 1e-3, weightDecay }), rule: adagradRule(0.2, 1e-3, weightDecay) },
].map((c) => ({ ...c, weightDecay, name: weightDecay ? `${c.name}, weightDecay ${weightDecay}` : c.name })));

const MODELS: { name: string; loss: LossName; spec: (d: number, h: number, o: number) => NetSpec; binary: boolean }[] = [
  { name: 'one linear layer, mse', loss: 'meanSquaredError', binary: false, spec: (d, _h, o) => ({ inDim: d, hidden: [], hiddenUnits: [], out: 'linear', outUnits: o }) },
  { name: 'tanh hidden layer, sigmoid output, binaryCrossentropy', loss: 'binaryCrossentropy', binary: true,
    spec: (d, h, o) => ({ inDim: d, hidden: ['tanh'], hiddenUnits: [h], out: 'sigmoid', outUnits: o }) },
];
const SIZES = [1, 3, 7, 17];
const STEPS = 5;

async function checkSteps(config: Config, model: (typeof MODELS)[number], d: number, h: number, o: number, rows: number, seed: number): Promise<void> {
  const layers = seededLayers(model.spec(d, h, o), seed);
  const xv = seededValues(rows * d, seed + 100), yv = seededValues(rows * o, seed + 200).map((v) => (model.binary ? (v > 0 ? 1 : 0) : v));
  const x = tensor(xv, [rows, d]), y = tensor(yv, [rows, o]);
  const net = buildModel(layers), again = buildModel(layers);
  try {
    net.compile({ optimizer: config.make(), loss: model.loss });
    again.compile({ optimizer: config.make(), loss: model.loss });
    const seen: RefLayer[][] = [refLayers(net)];
    await net.fit(x, y, { epochs: STEPS, batchSize: rows, shuffle: false, callbacks: { onEpochEnd: () => { seen.push(refLayers(net)); } } });
    expect(seen).toHaveLength(STEPS + 1);
    const state = flatParams(seen[0]).map((p) => Array.from(p, (): Iv[] => []));
    let loose = 0;
    for (let t = 1; t <= STEPS; t++) {
      const before = flatParams(seen[t - 1]), after = flatParams(seen[t]);
      const { g, bound } = refGradients(model.loss, seen[t - 1], xv, yv, rows);
      const K = roundingFactor(seen[t - 1], rows);
      before.forEach((w, i) => {
        for (let j = 0; j < w.length; j++) {
          const want = config.rule(w[j], iv(g[i][j], K * U * bound[i][j]), state[i][j], t);
          if (!(Math.abs(after[i][j] - want.c) <= want.r)) {
            throw new Error(`${config.name}, ${model.name} [${d},${h},${o}] rows ${rows} seed ${seed}: step ${t}, weights[${i}][${j}] ` +
              `${w[j]} → ${after[i][j]}, reference ${want.c} ± ${want.r}`);
          }
          const step = Math.abs(want.c - w[j]), gradientKnown = K * U * bound[i][j] <= 1e-3 * Math.abs(g[i][j] + config.weightDecay * w[j]);
          if (t === 1 && want.r > 0.01 * step && gradientKnown && step > 200 * U * Math.abs(w[j])) loose++;
        }
      });
    }
    // The tolerances are no blanket: each first step is resolved to 1% unless float32 cannot know its gradient
    // (with decay) to 0.1% or the step is within 200 units of roundoff of the weight (the float32 rounding of the
    // new weight alone is about one, so 1% of a step below 100 of them cannot be resolved). Later ones widen legitimately: a fit
    // converged on few samples leaves gradients as small as their rounding, and optimizer state carries old rounding.
    expect(loose).toBe(0);
    // Optimizer state and Adam's step count carry over between fits: five one-epoch fits give the same bits.
    for (let t = 0; t < STEPS; t++) await again.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
    expect(flatParams(refLayers(again))).toEqual(flatParams(seen[STEPS]));
  } finally {
    x.dispose(); y.dispose(); net.dispose(); again.dispose();
  }
}

describe('optimizer steps match float64 update rules', () => {
  for (const config of CONFIGS) {
    for (const model of MODELS) {
      it(`${config.name}: ${model.name}`, async () => {
        await fc.assert(fc.asyncProperty(
          fc.constantFrom(...SIZES), fc.constantFrom(...SIZES), fc.constantFrom(1, 3, 7), fc.constantFrom(...SIZES), fc.integer({ min: 1, max: 1e6 }),
          (d, h, o, rows, seed) => checkSteps(config, model, d, h, o, rows, seed),
        ), { numRuns: 8 });
      });
    }
  }
});
