// Float64 references of Keras 3's metrics (keras/src/metrics/), written from their definitions independently of the
// kernels: the AUC compares every prediction with every threshold (no histogram), and every metric sees all rows at
// once (no streaming). p: probabilities [rows, cols]; t: targets [rows, cols]; w: row weights.

export interface Rows {
  readonly p: Float64Array;
  readonly t: Float64Array;
  readonly w: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const at = (d: Rows, r: number, j: number): [number, number] => [d.p[r * d.cols + j], d.t[r * d.cols + j]];
const firstMax = (v: ArrayLike<number>, from: number, n: number): number => {
  let top = 0;
  for (let j = 1; j < n; j++) if (v[from + j] > v[from + top]) top = j;
  return top;
};

/**
 * Σ w·m / Σ w of a per-row value (Keras's MeanMetricWrapper; 0 without weight). A row of weight 0 counts nowhere
 * (Keras multiplies a NaN of it by 0).
 */
export function weightedMean(d: Rows, m: (r: number) => number): number {
  let num = 0, den = 0;
  for (let r = 0; r < d.rows; r++) if (d.w[r] !== 0) { num += d.w[r] * m(r); den += d.w[r]; }
  return ratio(num, den);
}

/** Per-row values of the mean metrics, by Keras's name. */
const ROW_METRICS: Record<string, (d: Rows, r: number) => number> = {
  binary_accuracy: (d, r) => cols(d, r, (p, t) => ((p > 0.5 ? 1 : 0) === t ? 1 : 0)),
  categorical_accuracy: (d, r) => (firstMax(d.p, r * d.cols, d.cols) === firstMax(d.t, r * d.cols, d.cols) ? 1 : 0),
  mean_squared_error: (d, r) => cols(d, r, (p, t) => (p - t) ** 2),
  mean_absolute_error: (d, r) => cols(d, r, (p, t) => Math.abs(p - t)),
  binary_crossentropy: (d, r) => cols(d, r, (p, t) => {
    const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
    return -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
  }),
  categorical_crossentropy: (d, r) => {
    let s = 0, loss = 0;
    for (let j = 0; j < d.cols; j++) s += at(d, r, j)[0];
    for (let j = 0; j < d.cols; j++) { const [p, t] = at(d, r, j); if (t !== 0) loss -= t * Math.log(Math.min(Math.max(p / s, 1e-7), 1 - 1e-7)); }
    return loss;
  },
};
/** The mean over row r's columns of f(p, t). */
function cols(d: Rows, r: number, f: (p: number, t: number) => number): number {
  let s = 0;
  for (let j = 0; j < d.cols; j++) s += f(...at(d, r, j));
  return s / d.cols;
}

/** A mean metric by name over all rows. */
export function meanMetric(name: string, d: Rows): number {
  return weightedMean(d, (r) => ROW_METRICS[name](d, r));
}

/** Keras's in_top_k: fewer than k predictions exceed the label's. */
export function topK(d: Rows, k: number): number {
  return weightedMean(d, (r) => {
    const label = firstMax(d.t, r * d.cols, d.cols), v = d.p[r * d.cols + label];
    let above = 0;
    for (let j = 0; j < d.cols; j++) if (d.p[r * d.cols + j] > v) above++;
    return above < k ? 1 : 0;
  });
}

/** Weighted confusion counts at one threshold, as Keras's update_confusion_matrix_variables (top_k, class_id). */
export function confusion(d: Rows, threshold: number, topK?: number, classId?: number): { tp: number; fp: number; fn: number } {
  let tp = 0, fp = 0, fn = 0;
  for (let r = 0; r < d.rows; r++) {
    const row = Array.from(d.p.subarray(r * d.cols, (r + 1) * d.cols));
    // Keras's top_k: the k largest, the lower index first on ties (a stable sort by value, descending).
    const kept = topK === undefined ? null : new Set(row.map((v, j) => [v, j]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, topK).map(([, j]) => j));
    for (let j = 0; j < d.cols; j++) {
      if (classId !== undefined && j !== classId) continue;
      const v = kept && !kept.has(j) ? -1e10 : row[j], positive = v > threshold, actual = d.t[r * d.cols + j] !== 0;
      if (positive && actual) tp += d.w[r]; else if (positive) fp += d.w[r]; else if (actual) fn += d.w[r];
    }
  }
  return { tp, fp, fn };
}

/** Keras's F1Score (beta 1, ε = 1e-7 in each denominator). */
export function f1(d: Rows, average: 'micro' | 'macro' | 'weighted' | null, threshold: number | null): number | number[] {
  const n = average === 'micro' ? 1 : d.cols, tp = new Float64Array(n), fp = new Float64Array(n), fn = new Float64Array(n), sw = new Float64Array(n);
  for (let r = 0; r < d.rows; r++) {
    let top = -Infinity;
    for (let j = 0; j < d.cols; j++) top = Math.max(top, d.p[r * d.cols + j]);
    for (let j = 0; j < d.cols; j++) {
      const [p, t] = at(d, r, j), c = average === 'micro' ? 0 : j, w = d.w[r];
      const pred = (threshold === null ? p >= top && Math.abs(p) > 1e-9 : p > threshold) ? 1 : 0;
      tp[c] += w * pred * t; fp[c] += w * pred * (1 - t); fn[c] += w * (1 - pred) * t; sw[c] += w * t;
    }
  }
  const e = 1e-7;
  const scores = Array.from(tp, (x, c) => {
    const P = x / (x + fp[c] + e), R = x / (x + fn[c] + e);
    return (2 * P * R) / (P + R + e);
  });
  if (average === null) return scores;
  if (average === 'weighted') return scores.reduce((s, f, c) => s + f * sw[c], 0) / (sw.reduce((a, b) => a + b, 0) + e);
  return scores.reduce((a, b) => a + b, 0) / n;
}

/** Keras's R2Score (uniform average over the columns; ±∞ → 0). */
export function r2(d: Rows): number {
  let sum = 0;
  for (let j = 0; j < d.cols; j++) {
    let sw = 0, st = 0, stt = 0, res = 0;
    for (let r = 0; r < d.rows; r++) {
      const [p, t] = at(d, r, j), w = d.w[r];
      sw += w; st += w * t; stt += w * t * t; res += w * (t - p) ** 2;
    }
    const score = 1 - res / (stt - st * (st / sw));
    sum += Number.isFinite(score) || Number.isNaN(score) ? score : 0;
  }
  return sum / d.cols;
}

/**
 * Keras's AUC with `n` thresholds (−ε, 1/(n−1), …, 1 + ε): counts at each threshold from every prediction (clipped to
 * [0, 1]) compared with it, then the ROC trapezoids or Keras's PR interpolation; multiLabel: the mean over columns.
 */
export function aucRef(d: Rows, n: number, curve: 'ROC' | 'PR', multiLabel: boolean): number {
  const th = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7];
  const area = (columns: number[]): number => {
    const tp = th.map(() => 0), fp = th.map(() => 0);
    let P = 0, N = 0;
    for (let r = 0; r < d.rows; r++) {
      for (const j of columns) {
        const [raw, t] = at(d, r, j), p = Math.min(Math.max(raw, 0), 1), w = d.w[r];
        if (t !== 0) P += w; else N += w;
        th.forEach((x, i) => { if (p > x) { if (t !== 0) tp[i] += w; else fp[i] += w; } });
      }
    }
    let sum = 0;
    for (let i = 0; i < n - 1; i++) {
      if (curve === 'ROC') {
        sum += (ratio(fp[i], N) - ratio(fp[i + 1], N)) * (ratio(tp[i], P) + ratio(tp[i + 1], P)) / 2;
      } else {
        const dtp = tp[i] - tp[i + 1], pA = tp[i] + fp[i], pB = tp[i + 1] + fp[i + 1];
        const slope = ratio(dtp, Math.max(pA - pB, 0)), intercept = tp[i + 1] - slope * pB;
        const logRatio = pA > 0 && pB > 0 ? Math.log(ratio(pA, Math.max(pB, 0))) : 0;
        sum += ratio(slope * (dtp + intercept * logRatio), Math.max(P, 0));
      }
    }
    return sum;
  };
  const all = Array.from({ length: d.cols }, (_, j) => j);
  return multiLabel ? all.reduce((s, j) => s + area([j]), 0) / d.cols : area(all);
}

/**
 * scikit-learn's roc_auc_score (unweighted): the chance that a positive scores above a negative, ties counting
 * half (the trapezoids over the distinct scores); NaN without both classes (scikit-learn raises).
 */
export function exactRocAuc(scores: readonly number[], labels: readonly number[]): number {
  let wins = 0, pos = 0, neg = 0;
  scores.forEach((s, i) => {
    if (labels[i] === 0) return;
    pos++;
    scores.forEach((u, k) => { if (labels[k] === 0) wins += s > u ? 1 : s === u ? 0.5 : 0; });
  });
  labels.forEach((l) => { if (l === 0) neg++; });
  return wins / (pos * neg);
}
