// The training controls together, in a functional graph as in a Sequential: a learning-rate schedule, clipping,
// class and sample weights, regularizers, a constraint and streaming metrics take the same steps through either kind
// of model (the same plan, lowered from equal graphs), and a graph of two inputs and two outputs trains with all of
// them, logging each output's metrics by Keras's names, as evaluate does.
import { describe, expect, it } from 'vitest';
import {
  adam, constraints, cosineDecay, dense, dispose, input, layers, metrics, model, randomUniform,
  regularizers, sequential, tensor, type Model, type Tensor,
} from '../../src/index';
import { failOnLeaks } from '../reference';

failOnLeaks();

const ROWS = 48, FEATURES = 5, CLASSES = 3;

/** The compile settings every model here takes: a cosine-decay rate with clipping, and three streaming metrics. */
function compileWithControls(net: Model, loss: string | string[] = 'sparseCategoricalCrossentropy'): void {
  net.compile({
    optimizer: adam({ learningRate: cosineDecay({ initialLearningRate: 0.05, decaySteps: 40, alpha: 0.1 }), clipNorm: 0.5 }),
    loss: loss as never,
    metrics: ['accuracy', metrics.auc(), metrics.f1Score({ average: 'macro' })],
  });
}

/**
 * The two layers both models take, alike in form: a regularized, constrained hidden layer (with `inputShape` first in a
 * Sequential) and a softmax output.
 */
function hiddenAndOutput(inputShape?: number[]): [ReturnType<typeof dense>, ReturnType<typeof dense>] {
  return [
    dense({ units: 8, activation: 'tanh', ...(inputShape ? { inputShape } : {}), kernelRegularizer: regularizers.l1l2({ l1: 1e-3, l2: 1e-2 }),
      activityRegularizer: regularizers.l2({ l2: 1e-3 }), kernelConstraint: constraints.maxNorm({ maxValue: 1.5 }) }),
    dense({ units: CLASSES, activation: 'softmax', biasRegularizer: 'l2' }),
  ];
}

function data(): { x: Tensor; y: Tensor; sampleWeight: number[] } {
  const x = randomUniform([ROWS, FEATURES], -1, 1, { seed: 3 });
  const rows = x.toArray() as number[][];
  const y = tensor(rows.map((r) => (r[0] + r[1] > 0.5 ? 0 : r[2] > 0 ? 1 : 2)));
  return { x, y, sampleWeight: rows.map((_, i) => 0.5 + (i % 4) / 2) };
}

describe('training controls in a functional graph', () => {
  it('take the same steps as in a Sequential of the same layers, bit for bit', async () => {
    const { x, y, sampleWeight } = data();
    const [h1, o1] = hiddenAndOutput([FEATURES]), [h2, o2] = hiddenAndOutput();
    const chain = sequential([h1, o1], { seed: 7 });
    const inp = input({ shape: [FEATURES] });
    const graph = model({ inputs: inp, outputs: o2.apply(h2.apply(inp) as never) as never });
    const start = chain.getWeights();
    graph.setWeights(start);
    dispose(start);
    const runs = [];
    for (const net of [chain, graph]) {
      compileWithControls(net);
      const history = await net.fit(x, y, { epochs: 6, batchSize: 10, seed: 5, sampleWeight, classWeight: { 0: 2, 2: 0.5 }, validationSplit: 0.25 });
      const weights = net.getWeights();
      runs.push({ history: history.history, weights: weights.map((w) => Array.from(w.dataSync())) });
      dispose(weights);
    }
    expect(runs[1].history).toEqual(runs[0].history);
    expect(runs[1].weights).toEqual(runs[0].weights);
    expect(Object.keys(runs[0].history).sort()).toEqual(['accuracy', 'auc', 'f1_score', 'loss', 'val_accuracy', 'val_auc', 'val_f1_score', 'val_loss']);
    // The constraint held after every step: each unit's incoming weights have a norm of at most 1.5.
    const kernel = runs[0].weights[0];
    for (let unit = 0; unit < 8; unit++) {
      let sq = 0;
      for (let i = 0; i < FEATURES; i++) sq += kernel[i * 8 + unit] ** 2;
      expect(Math.sqrt(sq)).toBeLessThanOrEqual(1.5 * (1 + 1e-6));
    }
    chain.dispose();
    graph.dispose();
    dispose([x, y]);
  });

  it('train a graph of two inputs and two outputs; the last epoch logs what evaluate gives of the final weights', async () => {
    const { x, y, sampleWeight } = data();
    const [a, b] = [input({ shape: [FEATURES] }), input({ shape: [FEATURES] })];
    const [hidden, head] = hiddenAndOutput();
    const joined = layers.concatenate().apply([hidden.apply(a) as never, dense({ units: 4, activation: 'relu' }).apply(b) as never]);
    const net = model({ inputs: [a, b], outputs: [head.apply(joined as never) as never,
      dense({ units: 1, activation: 'sigmoid', name: 'flag' }).apply(joined as never) as never], seed: 2 } as never);
    compileWithControls(net, ['sparseCategoricalCrossentropy', 'binaryCrossentropy']);
    const flag = tensor((y.toArray() as number[]).map((c) => [c === 0 ? 1 : 0]));
    const history = await net.fit([x, x], [y, flag], { epochs: 4, batchSize: 12, shuffle: false, sampleWeight });
    const logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[3]]));
    expect(Object.keys(logs).sort()).toEqual(['dense_3_accuracy', 'dense_3_auc', 'dense_3_f1_score', 'dense_3_loss', 'flag_accuracy', 'flag_auc', 'flag_f1_score', 'flag_loss', 'loss']
      .map((k) => k.replace('dense_3', (head as unknown as { name: string }).name)).sort());
    for (const [key, v] of Object.entries(logs)) expect(Number.isFinite(v) && v >= 0 && (!/auc|accuracy|f1/.test(key) || v <= 1), `${key} ${v}`).toBe(true);
    const evaluated = net.evaluate([x, x], [y, flag], { sampleWeight }) as Record<string, number>;
    expect(Object.keys(evaluated).sort()).toEqual(Object.keys(logs).sort());
    net.dispose();
    dispose([x, y, flag]);
  });
});
