// Metrics as fit, evaluate and trainOnBatch report them, on models whose outputs are known exactly (an activation
// layer over the inputs: the inputs are the logits): hand cases whose values scikit-learn's definitions give,
// evaluate in chunks equal to the float64 reference over all rows, fit's epochs equal to evaluate, onBatchEnd's
// running logs equal to the reference over the rows seen so far, and trainOnBatch's values those of its batch.
import { describe, expect, it } from 'vitest';
import { input, layers, metrics as m, model, sgd, tensor, type CompileOptions, type LossName } from '../../src/index';
import { heapStats } from '../../src/runtime/heap';
import { failOnLeaks, seededValues } from '../reference';
import { aucRef, exactRocAuc, f1, meanMetric, type Rows } from './metric-reference';

failOnLeaks();

/** A model whose outputs are `activation` of its inputs, compiled with `loss` and `metrics` (SGD at rate 0). */
function probe(cols: number, activation: 'sigmoid' | 'softmax' | 'linear', loss: LossName, metrics: CompileOptions['metrics']) {
  const x = input({ shape: [cols] });
  const net = model({ inputs: x, outputs: layers.activation({ activation }).apply(x) as ReturnType<typeof input> });
  net.compile({ optimizer: sgd({ learningRate: 0 }), loss, metrics });
  return net;
}

/** Evaluates `net` on rows x [rows, cols] and targets y (rows, or labels with `sparse`), disposing the tensors. */
function evaluate(net: ReturnType<typeof probe>, x: number[][], y: number[][] | number[], batchSize?: number): Record<string, number> {
  const xs = tensor(x), ys = tensor(y);
  try {
    return { ...net.evaluate(xs, ys, batchSize ? { batchSize } : {}) };
  } finally {
    xs.dispose(); ys.dispose();
  }
}

const logit = (p: number): number => Math.log(p / (1 - p));

describe('hand cases (scikit-learn definitions)', () => {
  it('ROC AUC with ties equals roc_auc_score when distinct scores fall in distinct buckets; PR AUC of a perfect and a constant ranking', () => {
    // Scores on bucket centres of 200 thresholds, with ties (the Mann-Whitney count gives them half).
    const scores = [3, 3, 10, 10, 50, 120, 120, 150, 199, 40].map((k) => (k - 0.5) / 199), labels = [0, 1, 0, 0, 1, 1, 0, 1, 1, 0];
    const net = probe(1, 'sigmoid', 'binaryCrossentropy', ['auc', m.auc({ curve: 'PR', name: 'pr' })]);
    const x = scores.map((p) => [Math.fround(logit(p))]), y = labels.map((l) => [l]);
    const logs = evaluate(net, x, y);
    expect(exactRocAuc(scores, labels)).toBeCloseTo(0.76, 12); // 19 of 25 pairs won; ties (3, 120) count half
    expect(Math.abs(logs.auc - 0.76)).toBeLessThan(1e-12);
    // Perfect ranking: PR AUC 1 (precision 1 at every recall); one score for all: the prevalence (Keras's interpolation).
    expect(evaluate(net, [[3], [2], [-1], [-2]], [[1], [1], [0], [0]]).pr).toBeCloseTo(1, 12);
    const flat = evaluate(net, [[0.3], [0.3], [0.3], [0.3], [0.3]], [[1], [0], [0], [1], [0]]);
    expect(flat.pr).toBeCloseTo(0.4, 12);
    expect(flat.auc).toBeCloseTo(0.5, 12);
    // One class only: no false-positive rate (0/0 is 0), so Keras's ROC AUC is 0 (scikit-learn refuses it).
    expect(evaluate(net, [[1], [2]], [[1], [1]]).auc).toBe(0);
    net.dispose();
  });

  it('a batch of one class inside an epoch of both: streaming gives the whole epoch\'s AUC, whatever the chunks', () => {
    const net = probe(1, 'sigmoid', 'meanSquaredError', ['auc']);
    const x = [[2], [1.5], [1], [0.5], [-0.3], [0.2], [-1], [-2]], y = [[1], [1], [1], [1], [0], [1], [0], [0]];
    const whole = evaluate(net, x, y).auc;
    expect(evaluate(net, x, y, 4).auc).toBe(whole); // the first chunk holds positives only
    expect(evaluate(net, x, y, 1).auc).toBe(whole);
    expect(whole).toBeCloseTo(exactRocAuc(x.map((r) => 1 / (1 + Math.exp(-r[0]))), y.map((r) => r[0])), 2); // within Keras's buckets
    net.dispose();
  });

  it('precision, recall and F1 of a hand case, as precision_score, recall_score and f1_score (Keras adds ε = 1e-7)', () => {
    // Thresholded at 0.5: predicted [0, 1, 0, 0, 1, 1], true [0, 1, 1, 0, 1, 1]: precision 3/3, recall 3/4, F1 6/7.
    const net = probe(1, 'sigmoid', 'binaryCrossentropy', ['precision', 'recall', m.f1Score({ threshold: 0.5 }), 'binary_accuracy']);
    const logs = evaluate(net, [[-1], [2], [-0.5], [-3], [0.1], [4]], [[0], [1], [1], [0], [1], [1]]);
    expect(logs.precision).toBe(1);
    expect(logs.recall).toBe(0.75);
    expect(Math.abs(logs.f1_score - 6 / 7)).toBeLessThan(1e-6);
    expect(logs.binary_accuracy).toBeCloseTo(5 / 6, 15);
    net.dispose();
  });

  it('multi-class F1 (macro, micro, weighted, per class) and top-k accuracy of softmax rows', () => {
    // argmax predictions [0, 1, 1, 2, 2, 0] against labels [0, 1, 2, 2, 2, 1].
    const net = probe(3, 'softmax', 'sparseCategoricalCrossentropy', [m.f1Score({ average: null, name: 'f' }), m.f1Score({ average: 'micro', name: 'fm' }),
      m.f1Score({ average: 'weighted', name: 'fw' }), m.topKCategoricalAccuracy({ k: 2 }), 'accuracy']);
    const x = [[3, 1, 0], [0, 2, 1], [0, 2, 1.5], [0, 1, 2], [1, 0, 3], [2, 1, 0]], labels = [0, 1, 2, 2, 2, 1];
    const logs = evaluate(net, x, labels);
    // scikit-learn: class 0: P 1/2, R 1 → 2/3; class 1: P 1/2, R 1/2 → 1/2; class 2: P 1, R 2/3 → 4/5.
    [2 / 3, 1 / 2, 4 / 5].forEach((v, c) => expect(Math.abs(logs[`f_${c}`] - v)).toBeLessThan(1e-6));
    expect(Math.abs(logs.fm - 4 / 6)).toBeLessThan(1e-6); // micro F1 = accuracy for one label per row
    expect(Math.abs(logs.fw - (2 / 3 + 2 / 2 + 3 * 4 / 5) / 6)).toBeLessThan(1e-6);
    expect(logs.accuracy).toBeCloseTo(4 / 6, 15);
    expect(logs.top_k_categorical_accuracy).toBeCloseTo(6 / 6, 15); // each label is among its row's 2 largest
    net.dispose();
  });
});

/** Softmax rows in float64 of f32 logits (what the kernels compute for the fused losses). */
function softmaxRows(z: Float64Array, rows: number, cols: number): Float64Array {
  const p = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = z.subarray(r * cols, (r + 1) * cols), top = Math.max(...row);
    const e = Array.from(row, (v) => Math.exp(v - top)), s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, j) => { p[r * cols + j] = v / s; });
  }
  return p;
}

describe('streaming in evaluate, fit and trainOnBatch', () => {
  const rows = 37, cols = 4;
  const z = Float64Array.from(seededValues(rows * cols, 3), (v) => Math.fround(3 * v));
  const labels = Array.from({ length: rows }, (_, r) => Math.floor(((seededValues(rows, 4)[r] + 1) / 2) * cols) % cols);
  const t = new Float64Array(rows * cols);
  labels.forEach((l, r) => { t[r * cols + l] = 1; });
  const d = (n: number): Rows => ({ p: softmaxRows(z, n, cols), t: t.subarray(0, n * cols), w: new Float64Array(n).fill(1), rows: n, cols });
  const list: CompileOptions['metrics'] = ['accuracy', 'auc', m.auc({ curve: 'PR', name: 'pr' }), m.f1Score({ average: 'macro' }), 'categorical_crossentropy', 'mse'];
  const want = (n: number): Record<string, number> => ({ accuracy: meanMetric('categorical_accuracy', d(n)), auc: aucRef(d(n), 200, 'ROC', false),
    pr: aucRef(d(n), 200, 'PR', false), f1_score: f1(d(n), 'macro', null) as number, categorical_crossentropy: meanMetric('categorical_crossentropy', d(n)),
    mse: meanMetric('mean_squared_error', d(n)) });
  const expectClose = (got: Record<string, number>, expected: Record<string, number>, what: string): void => {
    for (const [key, v] of Object.entries(expected)) expect(Math.abs(got[key] - v), `${what} ${key}: ${got[key]}, expected ${v}`).toBeLessThanOrEqual(1e-12);
  };
  const x2d = (): number[][] => Array.from({ length: rows }, (_, r) => Array.from(z.subarray(r * cols, (r + 1) * cols)));

  it('evaluate in chunks of 1, 5 or all rows gives the reference over all rows', () => {
    const net = probe(cols, 'softmax', 'sparseCategoricalCrossentropy', list);
    for (const batchSize of [1, 5, rows]) expectClose(evaluate(net, x2d(), labels, batchSize), want(rows), `batchSize ${batchSize}`);
    net.dispose();
  });

  it('fit: each epoch (shuffled batches) and its validation give the reference; onBatchEnd gives the running epoch so far', async () => {
    const net = probe(cols, 'softmax', 'sparseCategoricalCrossentropy', list);
    const x = tensor(x2d()), y = tensor(labels);
    const running: Record<string, number>[] = [];
    const history = await net.fit(x, y, { epochs: 2, batchSize: 8, seed: 5, shuffle: false, validationData: [x, y],
      callbacks: { onBatchEnd: (_, logs) => { running.push(logs); } } });
    for (const e of [0, 1]) {
      expectClose(Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[e]])), want(rows), `epoch ${e}`);
      expectClose(Object.fromEntries(Object.keys(want(rows)).map((k) => [k, history.history[`val_${k}`][e]])), want(rows), `validation ${e}`);
    }
    expect(running.length).toBe(10);
    running.forEach((logs, i) => expectClose(logs, want(Math.min(rows, 8 * ((i % 5) + 1))), `batch ${i}`));
    const shuffled = await net.fit(x, y, { epochs: 1, batchSize: 8, seed: 6 });
    expectClose(Object.fromEntries(Object.entries(shuffled.history).map(([k, v]) => [k, v[0]])), want(rows), 'shuffled');
    [x, y].forEach((v) => v.dispose());
    net.dispose();
  });

  it('an epoch with metrics allocates nothing: the heap is the same at each epoch\'s end and at each batch\'s', async () => {
    const net = probe(cols, 'softmax', 'sparseCategoricalCrossentropy', list);
    const x = tensor(x2d()), y = tensor(labels), seen: string[] = [];
    await net.fit(x, y, { epochs: 3, batchSize: 8, validationSplit: 0.2, callbacks: {
      onEpochEnd: () => { seen.push(JSON.stringify(heapStats())); }, onBatchEnd: () => { seen.push(JSON.stringify(heapStats())); } } });
    expect(new Set(seen).size).toBe(1);
    [x, y].forEach((v) => v.dispose());
    net.dispose();
  });

  it('trainOnBatch gives its batch\'s values alone (the state reset before it, as Keras\'s reset_metrics)', async () => {
    const net = probe(cols, 'softmax', 'sparseCategoricalCrossentropy', list);
    const x = tensor(x2d()), y = tensor(labels);
    await net.trainOnBatch(x, y); // a first batch whose state must not carry over
    const xa = x.slice([0], [8]), ya = y.slice([0], [8]);
    const values = await net.trainOnBatch(xa, ya) as number[];
    expectClose(Object.fromEntries(Object.keys(want(8)).map((k, i) => [k, values[i + 1]])), want(8), 'trainOnBatch');
    [x, y, xa, ya].forEach((v) => v.dispose());
    net.dispose();
  });
});
