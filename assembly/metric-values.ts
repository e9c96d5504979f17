// The values of streaming metrics (assembly/metrics.ts keeps their state), as Keras 3's `result()` computes them:
// a ratio that is 0/0 is 0 (divide_no_nan), the F1 score adds Keras's ε to its denominators, R² gives 0 where Keras's
// gives ±∞ (a constant target column), and the AUC sums trapezoids over its thresholds (ROC), or Keras's interpolation
// of precision between thresholds (PR, after Davis & Goadrich).
import { ptr, slot, word } from './plan';
import { f64At } from './metrics';
import {
  AVERAGE_MICRO, AVERAGE_NONE, AVERAGE_WEIGHTED, CURVE_ROC, METRIC_AVERAGE, METRIC_BUCKETS, METRIC_CURVE, METRIC_KIND, METRIC_MULTI_LABEL,
  METRIC_STATE, METRIC_VALUE, METRIC_WORDS, OUTPUT_METRICS, OUTPUT_METRIC_COUNT, SCORE_AUC, SCORE_F1, SCORE_PRECISION,
  SCORE_R2, SCORE_RECALL,
} from './layout';

const EPSILON: f64 = 1e-7; // Keras's backend epsilon, in the F1 score's denominators

// a / b, 0 where b is 0 (Keras's divide_no_nan).
// @ts-ignore: decorator
@inline function ratio(a: f64, b: f64): f64 { return b == 0 ? 0 : a / b; }

// Writes the values of output record R's metrics, from their state in block `base`, to their METRIC_VALUE slots of
// `logs` (f64); `cols` is the output's width.
export function metricValues(R: usize, base: usize, logs: usize, cols: i32): void {
  const list = ptr(R, OUTPUT_METRICS);
  for (let m = 0, count = word(R, OUTPUT_METRIC_COUNT); m < count; m++) {
    const M = list + (<usize>(m * METRIC_WORDS) << 2), s = base + ptr(M, METRIC_STATE), out = slot(logs, word(M, METRIC_VALUE));
    switch (word(M, METRIC_KIND)) {
      case SCORE_PRECISION: store<f64>(out, ratio(f64At(s, 0), f64At(s, 0) + f64At(s, 1))); break;
      case SCORE_RECALL: store<f64>(out, ratio(f64At(s, 0), f64At(s, 0) + f64At(s, 2))); break;
      case SCORE_F1: f1Values(M, s, out, cols); break;
      case SCORE_AUC: store<f64>(out, aucValue(M, s, cols)); break;
      case SCORE_R2: store<f64>(out, r2Value(s, cols)); break;
      default: store<f64>(out, ratio(f64At(s, 0), f64At(s, 1))); // a mean: Σ w·m / Σ w
    }
  }
}

// F1 per class (one for micro): 2·P·R / (P + R + ε) with P = tp / (tp + fp + ε), R = tp / (tp + fn + ε); written per
// class (AVERAGE_NONE), or their mean (micro, macro), or their mean weighted by each class's Σ w·t (weighted).
function f1Values(M: usize, s: usize, out: usize, cols: i32): void {
  const average = word(M, METRIC_AVERAGE), n = average == AVERAGE_MICRO ? 1 : cols;
  let sum = 0.0, weighted = 0.0, support = 0.0;
  for (let c = 0; c < n; c++) {
    const tp = f64At(s, c), fp = f64At(s, n + c), fn = f64At(s, 2 * n + c), w = f64At(s, 3 * n + c);
    const precision = tp / (tp + fp + EPSILON), recall = tp / (tp + fn + EPSILON);
    const f1 = 2 * (precision * recall) / (precision + recall + EPSILON);
    if (average == AVERAGE_NONE) store<f64>(out + (<usize>c << 3), f1);
    sum += f1;
    weighted += f1 * w;
    support += w;
  }
  if (average == AVERAGE_WEIGHTED) store<f64>(out, weighted / (support + EPSILON));
  else if (average != AVERAGE_NONE) store<f64>(out, sum / <f64>n);
}

// Uniform average over the columns of 1 − Σ w(t − p)² / (Σ w·t² − (Σ w·t)²/Σ w), ±∞ counted as 0 (Keras's R2Score).
function r2Value(s: usize, cols: i32): f64 {
  let sum = 0.0;
  for (let j = 0; j < cols; j++) {
    const total = f64At(s, j), mean = total / f64At(s, 3 * cols + j);
    const score = 1 - f64At(s, 2 * cols + j) / (f64At(s, cols + j) - total * mean);
    sum += isFinite(score) || score != score ? score : 0;
  }
  return sum / <f64>cols;
}

// The AUC: of the one histogram, or the mean over the classes' (METRIC_MULTI_LABEL).
function aucValue(M: usize, s: usize, cols: i32): f64 {
  const buckets = word(M, METRIC_BUCKETS), roc = word(M, METRIC_CURVE) == CURVE_ROC;
  const curves = word(M, METRIC_MULTI_LABEL) != 0 ? cols : 1, negatives = s + (<usize>(buckets * curves) << 3);
  let sum = 0.0;
  for (let c = 0; c < curves; c++) {
    const tp = s + (<usize>(c * buckets) << 3), fp = negatives + (<usize>(c * buckets) << 3);
    sum += roc ? rocArea(tp, fp, buckets) : prArea(tp, fp, buckets);
  }
  return sum / <f64>curves;
}

// Σ over thresholds i of the trapezoid (FPR_i − FPR_i+1)·(TPR_i + TPR_i+1)/2, from the bucket counts: threshold i's
// true (false) positives are the positives (negatives) in buckets ≥ i, walked from the last threshold down.
function rocArea(tpBuckets: usize, fpBuckets: usize, buckets: i32): f64 {
  let positives = 0.0, negatives = 0.0;
  for (let b = 0; b < buckets; b++) { positives += f64At(tpBuckets, b); negatives += f64At(fpBuckets, b); }
  let area = 0.0, tp = f64At(tpBuckets, buckets - 1), fp = f64At(fpBuckets, buckets - 1);
  for (let i = buckets - 2; i >= 0; i--) {
    const tpA = tp + f64At(tpBuckets, i), fpA = fp + f64At(fpBuckets, i);
    area += (ratio(fpA, negatives) - ratio(fp, negatives)) * (ratio(tpA, positives) + ratio(tp, positives)) / 2;
    tp = tpA; fp = fpA;
  }
  return area;
}

// Keras's interpolate_pr_auc: between thresholds A = i and B = i + 1, with P = tp + fp, precision varies as
// tp = intercept + slope·P (slope = dtp / dP), so the area of the interval is
// slope·(dtp + intercept·log(P_A / P_B)) / positives (log term 0 when either P is 0).
function prArea(tpBuckets: usize, fpBuckets: usize, buckets: i32): f64 {
  let positives = 0.0;
  for (let b = 0; b < buckets; b++) positives += f64At(tpBuckets, b);
  let area = 0.0, tpB = f64At(tpBuckets, buckets - 1), pB = tpB + f64At(fpBuckets, buckets - 1);
  for (let i = buckets - 2; i >= 0; i--) {
    const tpA = tpB + f64At(tpBuckets, i), pA = pB + f64At(tpBuckets, i) + f64At(fpBuckets, i);
    const dtp = tpA - tpB, slope = ratio(dtp, max(pA - pB, 0)), intercept = tpB - slope * pB;
    const logRatio = pA > 0 && pB > 0 ? Math.log(ratio(pA, max(pB, 0))) : 0;
    area += ratio(slope * (dtp + intercept * logRatio), max(positives, 0));
    tpB = tpA; pB = pA;
  }
  return area;
}
