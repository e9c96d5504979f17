import { f32View } from '../runtime/heap';
import { showValue } from '../tensor/errors';
import type { Loss } from './losses';

/** Metrics `compile` takes. */
export type MetricName = 'accuracy' | 'acc' | 'mae' | 'mse';

/** Normalizes the metric list ('acc' → 'accuracy'). */
export function toMetrics(list: unknown, op: string): MetricName[] {
  if (!Array.isArray(list)) throw new TypeError(`${op}: metrics must be an array such as ['accuracy'], got ${showValue(list)}`);
  return list.map((m: unknown, i) => {
    if (m !== 'accuracy' && m !== 'acc' && m !== 'mae' && m !== 'mse') {
      throw new RangeError(`${op}: metrics[${i}] must be 'accuracy', 'mae' or 'mse', got ${showValue(m)}`);
    }
    return m === 'acc' ? 'accuracy' : m;
  });
}

// Probabilities (or plain outputs) of one row: softmax or sigmoid undone from fused weighted sums.
function rowOutputs(out: Float32Array, r: number, cols: number, loss: Loss): Float64Array {
  const row = Float64Array.from(out.subarray(r * cols, (r + 1) * cols));
  if (!loss.fused) return row;
  if (loss.name === 'binaryCrossentropy') return row.map((z) => 1 / (1 + Math.exp(-z)));
  const top = Math.max(...row);
  const e = row.map((z) => Math.exp(z - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

const argmax = (v: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
};

/** Metric values over `rows` samples of the last layer's outputs (weighted sums when the loss is fused). */
export function computeMetrics(metrics: readonly MetricName[], loss: Loss, outPtr: number, targetPtr: number, rows: number, cols: number): Record<string, number> {
  if (metrics.length === 0 || rows === 0) return Object.fromEntries(metrics.map((m) => [m, NaN]));
  const out = f32View(outPtr, rows * cols);
  const target = f32View(targetPtr, loss.sparse ? rows : rows * cols);
  const classes = loss.name === 'categoricalCrossentropy' || loss.sparse;
  let hits = 0, abs = 0, sq = 0;
  for (let r = 0; r < rows; r++) {
    const p = rowOutputs(out, r, cols, loss);
    const t = loss.sparse ? null : target.subarray(r * cols, (r + 1) * cols);
    if (classes) hits += argmax(p) === (t ? argmax(t) : target[r]) ? 1 : 0;
    else for (let c = 0; c < cols; c++) hits += (p[c] > 0.5) === ((t?.[c] ?? 0) > 0.5) ? 1 / cols : 0;
    for (let c = 0; c < cols; c++) {
      const d = p[c] - (t ? t[c] : c === target[r] ? 1 : 0);
      abs += Math.abs(d);
      sq += d * d;
    }
  }
  const values: Record<MetricName, number> = { accuracy: hits / rows, acc: hits / rows, mae: abs / (rows * cols), mse: sq / (rows * cols) };
  return Object.fromEntries(metrics.map((m) => [m, values[m]]));
}
