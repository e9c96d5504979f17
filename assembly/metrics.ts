// Streaming metrics, as Keras 3 defines them (keras/src/metrics/): each metric of an output (a metric record,
// METRIC_ in layout.ts) keeps f64 state at its METRIC_STATE offset from a state block's base, which updateMetrics adds
// a batch's rows to and metric-values.ts reads. Weighted as Keras weights: a mean metric keeps Σ w·m and Σ w; the
// confusion metrics weighted counts; an AUC a histogram of weighted positives and negatives over its threshold
// buckets (O(1) per value, cumulated when read). A row's weight w comes from the batch's f32 row weights (0: every
// row weighs 1). f64 sums: ≤ n·2^-53 relative error over n rows, below f32 rounding for any dataset that fits memory.
import { ptr, real, word } from './plan';
import {
  LOSS_SIGMOID_CE, LOSS_SOFTMAX_CE, LOSS_SPARSE_SOFTMAX_CE, METRIC_CLASS, METRIC_KIND, METRIC_MULTI_LABEL, METRIC_BUCKETS,
  METRIC_STATE, METRIC_THRESHOLD, METRIC_TOP_K, METRIC_WORDS, METRIC_AVERAGE, AVERAGE_MICRO, OUTPUT_METRICS, OUTPUT_METRIC_COUNT,
  SCORE_AUC, SCORE_BCE, SCORE_BINARY_ACCURACY, SCORE_CATEGORICAL_ACCURACY, SCORE_CCE, SCORE_F1, SCORE_MAE, SCORE_MSE,
  SCORE_PRECISION, SCORE_R2, SCORE_RECALL, SCORE_TOP_K,
} from './layout';

// Keras's backend epsilon (cross-entropy clipping) and metrics_utils.NEG_INF (a prediction outside a top-k).
const EPSILON: f64 = 1e-7;
const NEG_INF: f64 = -1e10;

// @ts-ignore: decorator
@inline export function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }
// @ts-ignore: decorator
@inline function addAt(p: usize, i: i32, v: f64): void { const a = p + (<usize>i << 3); store<f64>(a, load<f64>(a) + v); }

// One row of outputs `x` as probabilities into p (cols f64), as the loss sees them: softmax of the logits for the
// softmax cross-entropies, sigmoid of them for the sigmoid one, else the outputs themselves.
function rowProbabilities(loss: i32, x: usize, cols: i32, p: usize): void {
  if (loss == LOSS_SOFTMAX_CE || loss == LOSS_SPARSE_SOFTMAX_CE) {
    let m = load<f32>(x);
    for (let j = 1; j < cols; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
    let s = 0.0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(<f64>load<f32>(x + (<usize>j << 2)) - <f64>m);
      store<f64>(p + (<usize>j << 3), e);
      s += e;
    }
    const inv = 1 / s; // one division: a product rounds once more (≤ 2^-52 relative), far below the f32 outputs' own
    for (let j = 0; j < cols; j++) store<f64>(p + (<usize>j << 3), f64At(p, j) * inv);
  } else if (loss == LOSS_SIGMOID_CE) {
    for (let j = 0; j < cols; j++) store<f64>(p + (<usize>j << 3), 1 / (1 + Math.exp(-<f64>load<f32>(x + (<usize>j << 2)))));
  } else {
    for (let j = 0; j < cols; j++) store<f64>(p + (<usize>j << 3), <f64>load<f32>(x + (<usize>j << 2)));
  }
}

// One row's targets into t (cols f64; a sparse class index as its one-hot row); returns the label: the class index,
// or the first largest target (Keras's argmax of y_true).
function rowTargets(sparse: bool, y: usize, cols: i32, t: usize): i32 {
  if (sparse) {
    const label = <i32>load<f32>(y);
    for (let j = 0; j < cols; j++) store<f64>(t + (<usize>j << 3), j == label ? 1.0 : 0.0);
    return label;
  }
  let label = 0;
  for (let j = 0; j < cols; j++) {
    const v = <f64>load<f32>(y + (<usize>j << 2));
    store<f64>(t + (<usize>j << 3), v);
    if (v > f64At(t, label)) label = j;
  }
  return label;
}

// Adds the rows [0, rows) of one output to the state of its metrics (output record R, state block `base`): outputs
// `out` [rows, cols] as `loss` gives them (logits for the fused losses), targets `target` ([rows, cols], or [rows]
// class indices for the sparse loss), f32 row weights `weights` (0: all 1), `scratch` 3·cols f64.
export function updateMetrics(R: usize, base: usize, loss: i32, out: usize, target: usize, rows: i32, cols: i32, weights: usize, scratch: usize): void {
  const count = word(R, OUTPUT_METRIC_COUNT), list = ptr(R, OUTPUT_METRICS), sparse = loss == LOSS_SPARSE_SOFTMAX_CE;
  const p = scratch, t = p + (<usize>cols << 3), marks = t + (<usize>cols << 3);
  for (let r = 0; r < rows; r++) {
    const w = weights == 0 ? 1.0 : <f64>load<f32>(weights + (<usize>r << 2));
    if (w == 0) continue; // adds nothing to any sum
    rowProbabilities(loss, out + (<usize>(r * cols) << 2), cols, p);
    const label = rowTargets(sparse, target + (<usize>(r * (sparse ? 1 : cols)) << 2), cols, t);
    for (let m = 0; m < count; m++) {
      const M = list + (<usize>(m * METRIC_WORDS) << 2);
      updateRow(M, base + ptr(M, METRIC_STATE), p, t, label, cols, w, marks);
    }
  }
}

// Adds one row (probabilities p, targets t, label) of weight w to metric M's state s.
function updateRow(M: usize, s: usize, p: usize, t: usize, label: i32, cols: i32, w: f64, marks: usize): void {
  const n = <f64>cols;
  switch (word(M, METRIC_KIND)) {
    case SCORE_BINARY_ACCURACY: { // the share of columns whose thresholded prediction equals the target
      const threshold = <f64>real(M, METRIC_THRESHOLD);
      let hits = 0;
      for (let j = 0; j < cols; j++) if ((f64At(p, j) > threshold ? 1.0 : 0.0) == f64At(t, j)) hits++;
      addMean(s, <f64>hits / n, w);
      break;
    }
    case SCORE_CATEGORICAL_ACCURACY: addMean(s, argmax(p, cols) == label ? 1 : 0, w); break;
    case SCORE_TOP_K: addMean(s, inTopK(p, cols, label, word(M, METRIC_TOP_K)) ? 1 : 0, w); break;
    case SCORE_PRECISION: case SCORE_RECALL: addConfusion(M, s, p, t, cols, w, marks); break;
    case SCORE_F1: addF1(M, s, p, t, cols, w); break;
    case SCORE_AUC: addAuc(M, s, p, t, cols, w); break;
    case SCORE_MSE: case SCORE_MAE: {
      const squared = word(M, METRIC_KIND) == SCORE_MSE;
      let sum = 0.0;
      for (let j = 0; j < cols; j++) { const d = f64At(p, j) - f64At(t, j); sum += squared ? d * d : Math.abs(d); }
      addMean(s, sum / n, w);
      break;
    }
    case SCORE_R2: // per column: Σ w·t, Σ w·t², Σ w·(t − p)², Σ w
      for (let j = 0; j < cols; j++) {
        const tj = f64At(t, j), d = tj - f64At(p, j);
        addAt(s, j, w * tj); addAt(s, cols + j, w * tj * tj); addAt(s, 2 * cols + j, w * d * d); addAt(s, 3 * cols + j, w);
      }
      break;
    case SCORE_BCE: { // Keras's binary_crossentropy of probabilities: clipped to [ε, 1 − ε], averaged over the columns
      let sum = 0.0;
      for (let j = 0; j < cols; j++) {
        const q = min(max(f64At(p, j), EPSILON), 1 - EPSILON), tj = f64At(t, j);
        sum -= tj * Math.log(q) + (1 - tj) * Math.log(1 - q);
      }
      addMean(s, sum / n, w);
      break;
    }
    default: { // SCORE_CCE: Keras's categorical_crossentropy of probabilities: scaled to sum 1, clipped to [ε, 1 − ε]
      let total = 0.0, sum = 0.0;
      for (let j = 0; j < cols; j++) total += f64At(p, j);
      for (let j = 0; j < cols; j++) {
        const tj = f64At(t, j);
        if (tj != 0) sum -= tj * Math.log(min(max(f64At(p, j) / total, EPSILON), 1 - EPSILON));
      }
      addMean(s, sum, w);
    }
  }
}

// A mean metric's state: Σ w·m, Σ w.
// @ts-ignore: decorator
@inline function addMean(s: usize, m: f64, w: f64): void { addAt(s, 0, w * m); addAt(s, 1, w); }

// The first index of the largest of n values (NaN never wins).
function argmax(p: usize, n: i32): i32 {
  let top = 0;
  for (let j = 1; j < n; j++) if (f64At(p, j) > f64At(p, top)) top = j;
  return top;
}

// Whether the label's prediction is among the k largest: fewer than k predictions exceed it (ties count in its
// favour, as Keras's in_top_k); a NaN prediction counts as −∞.
function inTopK(p: usize, n: i32, label: i32, k: i32): bool {
  let v = f64At(p, label), above = 0;
  if (v != v) v = -Infinity;
  for (let j = 0; j < n; j++) if (f64At(p, j) > v) above++;
  return above < k;
}

// Precision's and recall's state: weighted true positives, false positives, false negatives. A value is positive
// when above the threshold, a target when nonzero; with METRIC_TOP_K, predictions outside the row's k largest (the
// first k on ties, as Keras's top_k) count as NEG_INF; with METRIC_CLASS, only that column counts.
function addConfusion(M: usize, s: usize, p: usize, t: usize, cols: i32, w: f64, marks: usize): void {
  const k = word(M, METRIC_TOP_K), c = word(M, METRIC_CLASS), threshold = <f64>real(M, METRIC_THRESHOLD);
  if (k > 0) {
    for (let j = 0; j < cols; j++) store<f64>(marks + (<usize>j << 3), 0);
    for (let i = 0; i < k; i++) {
      let best = -1;
      for (let j = 0; j < cols; j++) if (f64At(marks, j) == 0 && (best < 0 || f64At(p, j) > f64At(p, best))) best = j;
      store<f64>(marks + (<usize>best << 3), 1);
    }
  }
  for (let j = c < 0 ? 0 : c, end = c < 0 ? cols : c + 1; j < end; j++) {
    const v = k > 0 && f64At(marks, j) == 0 ? NEG_INF : f64At(p, j);
    const positive = v > threshold, actual = f64At(t, j) != 0;
    if (positive && actual) addAt(s, 0, w);
    else if (positive) addAt(s, 1, w);
    else if (actual) addAt(s, 2, w);
  }
}

// F1's state, per class (one sum for METRIC_AVERAGE micro): Σ w·pred·t, Σ w·pred·(1 − t), Σ w·(1 − pred)·t, Σ w·t,
// where pred is 1 above the threshold or, with none (NaN), for the row's largest values (and not ≈ 0), as Keras.
function addF1(M: usize, s: usize, p: usize, t: usize, cols: i32, w: f64): void {
  const threshold = <f64>real(M, METRIC_THRESHOLD), micro = word(M, METRIC_AVERAGE) == AVERAGE_MICRO, n = micro ? 1 : cols;
  let top = -Infinity;
  if (threshold != threshold) for (let j = 0; j < cols; j++) top = max(top, f64At(p, j));
  for (let j = 0; j < cols; j++) {
    const v = f64At(p, j), tj = f64At(t, j), at = micro ? 0 : j;
    const pred = (threshold != threshold ? v >= top && Math.abs(v) > 1e-9 : v > threshold) ? 1.0 : 0.0;
    addAt(s, at, w * pred * tj); addAt(s, n + at, w * pred * (1 - tj)); addAt(s, 2 * n + at, w * (1 - pred) * tj); addAt(s, 3 * n + at, w * tj);
  }
}

// An AUC's state: weighted positives, then negatives, per bucket (one histogram, or one per class with
// METRIC_MULTI_LABEL). Of B thresholds −ε, 1/(B−1), …, (B−2)/(B−1), 1 + ε, a prediction q (clipped to [0, 1]) exceeds
// those below index ⌈q·(B−1)⌉ (at least the first): it goes to bucket max(⌈q·(B−1)⌉ − 1, 0), and threshold i's counts
// are the sums over buckets ≥ i. q·(B−1) is exact in f64 for q from an f32. NaN predictions count nowhere.
function addAuc(M: usize, s: usize, p: usize, t: usize, cols: i32, w: f64): void {
  const buckets = word(M, METRIC_BUCKETS), multi = word(M, METRIC_MULTI_LABEL) != 0;
  const negatives = buckets * (multi ? cols : 1);
  for (let j = 0; j < cols; j++) {
    const v = f64At(p, j);
    if (v != v) continue;
    const b = max(<i32>Math.ceil(min(max(v, 0), 1) * <f64>(buckets - 1)) - 1, 0) + (multi ? j * buckets : 0);
    addAt(s, f64At(t, j) != 0 ? b : negatives + b, w);
  }
}
