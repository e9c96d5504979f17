// The metric kernels (assembly/metrics.ts, metric-values.ts) called directly on known probabilities, targets and row
// weights, the rows split into random batches (empty ones and batches of 1 included): every metric's value after
// streaming equals the float64 reference of Keras's definition over all rows at once (tests/nn/metric-reference.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOSS_MSE, OUTPUT_METRICS, OUTPUT_METRIC_COUNT, OUTPUT_WORDS } from '../../assembly/layout';
import { allocBytes, f32View, freeBytes, i32View } from '../../src/runtime/heap';
import { kernels, wasmMemory } from '../../src/runtime/wasm';
import { metrics as m } from '../../src/index';
import { toLoss } from '../../src/nn/losses';
import { logLayout, metricSpecs } from '../../src/nn/metric-specs';
import { toMetrics, type Metric } from '../../src/nn/metrics';
import { writeMetricRecords } from '../../src/nn/plan';
import { aucRef, confusion, f1, meanMetric, r2, topK, type Rows } from '../nn/metric-reference';

/** Runs the kernels over `d` in batches ending at `cuts`, with row weights when `weighted`; returns the logs' values. */
export function runKernels(list: readonly (string | Metric)[], d: Rows, cuts: readonly number[], weighted: boolean): number[] {
  const specs = metricSpecs(toMetrics(list, 'test'), { name: 'out', activation: 'sigmoid', width: d.cols }, toLoss('meanSquaredError', 'sigmoid', 'test'), 'test');
  const layout = logLayout(['out'], [specs]), n = d.rows * d.cols;
  const ptrs: number[] = [];
  const take = (bytes: number): number => { const p = allocBytes(Math.max(16, bytes), 'test'); ptrs.push(p); return p; };
  try {
    const out = take(4 * n), target = take(4 * n), weights = take(4 * d.rows), scratch = take(24 * d.cols);
    const R = take(4 * OUTPUT_WORDS), records = take(40 * specs.length), state = take(layout.stateBytes), logs = take(8 * layout.slots);
    f32View(out, n).set(d.p);
    f32View(target, n).set(d.t);
    f32View(weights, d.rows).set(d.w);
    new Float64Array(wasmMemory().buffer, state, layout.stateBytes / 8).fill(0);
    writeMetricRecords(records, layout.outputs[0]);
    const I = i32View(R, OUTPUT_WORDS);
    I[OUTPUT_METRICS] = records;
    I[OUTPUT_METRIC_COUNT] = specs.length;
    let from = 0;
    for (const to of [...cuts, d.rows]) {
      kernels().updateMetrics(R, state, LOSS_MSE, out + 4 * from * d.cols, target + 4 * from * d.cols, to - from, d.cols, weighted ? weights + 4 * from : 0, scratch);
      from = to;
    }
    kernels().metricValues(R, state, logs, d.cols);
    return Array.from(new Float64Array(wasmMemory().buffer, logs + 8, layout.slots - 1));
  } finally {
    ptrs.forEach(freeBytes);
  }
}

/** Rows of f32 probabilities (from a few levels, so that ties occur, or any), 0/1 targets (one-hot with `oneHot`), weights. */
const arbRows = (oneHot: boolean): fc.Arbitrary<{ d: Rows; cuts: number[]; weighted: boolean }> =>
  fc.record({ rows: fc.integer({ min: 0, max: 40 }), cols: fc.integer({ min: oneHot ? 2 : 1, max: 7 }), seed: fc.integer(), levels: fc.constantFrom(3, 7, 0),
    weighted: fc.boolean(), cutSeed: fc.integer() })
    .map(({ rows, cols, seed, levels, weighted, cutSeed }) => {
      const rand = mulberry(seed), n = rows * cols;
      const p = Float64Array.from({ length: n }, () => Math.fround(levels ? Math.floor(rand() * levels) / (levels - 1) : rand()));
      const t = new Float64Array(n);
      for (let r = 0; r < rows; r++) {
        if (oneHot) t[r * cols + Math.floor(rand() * cols)] = 1;
        else for (let j = 0; j < cols; j++) t[r * cols + j] = rand() < 0.4 ? 1 : 0;
      }
      const w = Float64Array.from({ length: rows }, () => (weighted ? Math.fround(rand() < 0.2 ? 0 : rand() * 3) : 1));
      const cr = mulberry(cutSeed), cuts: number[] = [];
      for (let at = 0; at < rows;) cuts.push((at = Math.min(rows, at + Math.floor(cr() * 9)))); // batches of 0 to 8 rows
      return { d: { p, t, w, rows, cols }, cuts, weighted };
    });

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** f64 sums in another order than the reference's: equal to ~1e-13 for these sizes. */
const close = (actual: number, expected: number, what: string): void => {
  if (Number.isNaN(expected)) expect(actual, what).toBeNaN();
  else expect(Math.abs(actual - expected), `${what}: ${actual}, expected ${expected}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected)));
};

describe('metric kernels against float64 references of Keras 3, streamed over random batches', () => {
  it('binary metrics: accuracy, precision, recall (thresholds, classId, topK), F1 (each average), AUC (ROC, PR, multi-label), errors, R², cross-entropy', () => {
    fc.assert(fc.property(arbRows(false), ({ d, cuts, weighted }) => {
      const classId = d.cols - 1, k = d.cols - 1; // recall of the top k: columns but the last (none with one column)
      const list: (string | Metric)[] = ['binary_accuracy', 'precision', 'recall', m.precision({ thresholds: 0.3, classId, name: 'p2' }),
        k > 0 ? m.recall({ topK: k, name: 'r2' }) : m.recall({ name: 'r2' }), m.f1Score({ average: 'micro', name: 'f_micro' }), m.f1Score({ average: 'weighted', threshold: 0.5, name: 'f_w' }),
        m.f1Score({ average: null, name: 'f_none' }), 'f1_score', 'auc', m.auc({ curve: 'PR', name: 'pr' }), m.auc({ multiLabel: true, numThresholds: 7, name: 'ml' }),
        'mse', 'mae', 'binary_crossentropy', 'r2_score'];
      const got = runKernels(list, d, cuts, weighted);
      const c = confusion(d, 0.5), c2 = confusion(d, 0.3, undefined, classId), c3 = k > 0 ? confusion(d, -1e10, k) : confusion(d, 0.5);
      const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
      const want = [meanMetric('binary_accuracy', d), ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn), ratio(c2.tp, c2.tp + c2.fp),
        ratio(c3.tp, c3.tp + c3.fn), f1(d, 'micro', null) as number, f1(d, 'weighted', 0.5) as number, ...(f1(d, null, null) as number[]),
        f1(d, 'macro', null) as number, aucRef(d, 200, 'ROC', false), aucRef(d, 200, 'PR', false), aucRef(d, 7, 'ROC', true),
        meanMetric('mean_squared_error', d), meanMetric('mean_absolute_error', d), meanMetric('binary_crossentropy', d), r2(d)];
      expect(got.length).toBe(want.length);
      want.forEach((v, i) => close(got[i], v, `value ${i} of ${JSON.stringify(d.rows)} rows × ${d.cols}`));
    }), { numRuns: 60 });
  });

  it('class metrics: categorical accuracy, top-k, categorical cross-entropy, AUC of one-hot rows', () => {
    fc.assert(fc.property(arbRows(true), ({ d, cuts, weighted }) => {
      const k = Math.max(1, d.cols - 1);
      const got = runKernels(['categorical_accuracy', m.topKCategoricalAccuracy({ k }), 'categorical_crossentropy', 'auc'], d, cuts, weighted);
      [meanMetric('categorical_accuracy', d), topK(d, k), meanMetric('categorical_crossentropy', d), aucRef(d, 200, 'ROC', false)]
        .forEach((v, i) => close(got[i], v, `value ${i}`));
    }), { numRuns: 60 });
  });

  it('no rows: every ratio 0 (divide-no-nan), R² NaN (0/0, as Keras)', () => {
    const empty: Rows = { p: new Float64Array(), t: new Float64Array(), w: new Float64Array(), rows: 0, cols: 2 };
    expect(runKernels(['binary_accuracy', 'precision', 'recall', 'auc', 'mse', 'r2_score'], empty, [], false)).toEqual([0, 0, 0, 0, 0, NaN]);
  });
});
