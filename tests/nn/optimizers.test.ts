// Every optimizer, step by step, against float64 update rules: full-batch fits with shuffle off, the weights read
// after each epoch. Each step of the reference starts from the library's weights before that step (exact float32
// values) and its own float64 optimizer state, so errors never compound; its gradient is the float64
// backpropagation of tests/nn/net-reference.ts, and interval arithmetic carries the float32 rounding of that
// gradient (K·U·bound) and of each float32 operation of the update into a per-weight tolerance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, type LossName } from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';
import { CONFIGS, iv, type Config, type Iv } from '../optim/update-rules';
import { buildModel, flatParams, refGradients, refLayers, roundingFactor, seededLayers, U, type NetSpec, type RefLayer } from './net-reference';

failOnLeaks();

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
