// Regularization in the training loop (Keras's definitions): weight penalties l1·Σ|w| + l2·Σw² with their gradients
// added to the parameters' (after the backward, before the update), activity penalties (l1·Σ|a| + l2·Σa²) / rows of a
// node's outputs with their gradients added to its NODE_DELTA (before its backward), and the weight constraints run
// after each update (MaxNorm, NonNeg, UnitNorm). Penalties and norms are summed in f64 (relative error ≤ n·2^-53).
import { paramAt, ptr, real, word, weights } from './plan';
import {
  ACT_SOFTMAX, CONSTRAINT_MAX_NORM, CONSTRAINT_NON_NEG, CONSTRAINT_UNIT_NORM, NODE_ACT, NODE_ACTIVITY_L1, NODE_ACTIVITY_L2, NODE_DELTA, NODE_LOGITS, NODE_OUT,
  NODE_WIDTH,
  PARAM_CONSTRAINT, PARAM_GRAD, PARAM_L1, PARAM_L2, PARAM_MAX_VALUE, PARAM_NORM_LENGTH, PARAM_NORM_OUTER, PARAM_SIZE,
  PLAN_ACTIVITY, PLAN_INPUTS, PLAN_NODES, PLAN_REGULARIZED,
} from './layout';

// Keras's backend.epsilon(), added to a norm before dividing by it.
const NORM_EPSILON: f64 = 1e-7;

// scale · (l1·Σ|x| + l2·Σx²) over n floats of x; when g != 0, g[i] += scale · (l1·sign(x[i]) + 2·l2·x[i]) (sign(0) = 0,
// as the gradient of TensorFlow's abs). One pass.
export function penalty(x: usize, g: usize, n: i32, l1: f32, l2: f32, scale: f64): f64 {
  const k1 = <f32>(<f64>l1 * scale), k2 = <f32>(2 * <f64>l2 * scale);
  const c1 = f32x4.splat(k1), c2 = f32x4.splat(k2), zero = f32x4.splat(0), one = f32x4.splat(1);
  let abs = f64x2.splat(0), sq = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2, v = v128.load(x + o);
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
    abs = f64x2.add(abs, f64x2.add(f64x2.abs(lo), f64x2.abs(hi)));
    sq = f64x2.add(sq, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
    if (g == 0) continue;
    // sign(v): +1 where v > 0, -1 where v < 0, 0 at 0 (and NaN).
    const sign = f32x4.sub(v128.and(f32x4.gt(v, zero), one), v128.and(f32x4.lt(v, zero), one));
    v128.store(g + o, f32x4.add(v128.load(g + o), f32x4.add(f32x4.mul(c1, sign), f32x4.mul(c2, v))));
  }
  let a = f64x2.extract_lane(abs, 0) + f64x2.extract_lane(abs, 1), s = f64x2.extract_lane(sq, 0) + f64x2.extract_lane(sq, 1);
  for (; i < n; i++) {
    const o = <usize>i << 2, v = load<f32>(x + o), d = <f64>v;
    a += Math.abs(d);
    s += d * d;
    if (g == 0) continue;
    const sign: f32 = v > 0 ? 1 : v < 0 ? -1 : 0;
    store<f32>(g + o, load<f32>(g + o) + (k1 * sign + k2 * v));
  }
  return scale * (<f64>l1 * a + <f64>l2 * s);
}

// Node N's activity penalty over `rows` rows of its outputs, (l1·Σ|a| + l2·Σa²) / rows (Keras divides by the batch
// size); with `gradients` and a NODE_DELTA, its gradient added there. 0 for a node without activity regularization.
// A node whose forward leaves its weighted sums for a fused loss (NODE_LOGITS) is penalized on their softmax or
// sigmoid, and its NODE_DELTA (dLoss/dZ) takes the gradient through that activation.
export function activityPenalty(N: usize, rows: i32, gradients: bool): f64 {
  const l1 = real(N, NODE_ACTIVITY_L1), l2 = real(N, NODE_ACTIVITY_L2);
  if ((l1 == 0 && l2 == 0) || rows == 0) return 0;
  const delta = gradients ? ptr(N, NODE_DELTA) : 0, cols = word(N, NODE_WIDTH), scale = 1 / <f64>rows;
  if (word(N, NODE_LOGITS) != 0) return logitsPenalty(ptr(N, NODE_OUT), delta, rows, cols, word(N, NODE_ACT) == ACT_SOFTMAX, l1, l2, scale);
  return penalty(ptr(N, NODE_OUT), delta, rows * cols, l1, l2, scale);
}

// scale · (l1·Σ|a| + l2·Σa²) of a = softmax(z) over each row of `cols` (softmax) or sigmoid(z), z [rows, cols]; when
// dz != 0, its gradient with respect to z added there: a ⊙ (g − Σ a·g) per row (softmax) or g·a·(1 − a), with
// g = scale · (l1·sign(a) + 2·l2·a). In f64 (the output layer of a fused loss only).
function logitsPenalty(z: usize, dz: usize, rows: i32, cols: i32, softmax: bool, l1: f32, l2: f32, scale: f64): f64 {
  let sum = 0.0;
  for (let r = 0; r < rows; r++) {
    const row = z + (<usize>(r * cols) << 2), drow = dz + (<usize>(r * cols) << 2);
    let max = -Infinity, exps = 0.0, dot = 0.0;
    if (softmax) {
      for (let j = 0; j < cols; j++) max = Math.max(max, <f64>load<f32>(row + (<usize>j << 2)));
      for (let j = 0; j < cols; j++) exps += Math.exp(<f64>load<f32>(row + (<usize>j << 2)) - max);
    }
    for (let pass = 0; pass < (dz != 0 ? 2 : 1); pass++) {
      for (let j = 0; j < cols; j++) {
        const v = <f64>load<f32>(row + (<usize>j << 2));
        const a = softmax ? Math.exp(v - max) / exps : 1 / (1 + Math.exp(-v));
        const g = scale * (<f64>l1 * (a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0) + 2 * <f64>l2 * a);
        if (pass == 0) { sum += <f64>l1 * Math.abs(a) + <f64>l2 * a * a; dot += a * g; continue; }
        const p = drow + (<usize>j << 2);
        store<f32>(p, load<f32>(p) + <f32>(softmax ? a * (g - dot) : g * a * (1 - a)));
      }
    }
  }
  return scale * sum;
}

// The weight penalties of the plan's regularized parameters (their current weights), summed; with `gradients`, each
// one's gradient added to its PARAM_GRAD (after the backward wrote it).
export function weightPenalties(plan: usize, gradients: bool): f64 {
  let sum = 0.0;
  for (let i = 0, n = word(plan, PLAN_REGULARIZED); i < n; i++) {
    const P = paramAt(plan, i), l1 = real(P, PARAM_L1), l2 = real(P, PARAM_L2);
    if (l1 == 0 && l2 == 0) continue;
    sum += penalty(weights(P), gradients ? ptr(P, PARAM_GRAD) : 0, word(P, PARAM_SIZE), l1, l2, 1);
  }
  return sum;
}

// w = w · clip(‖w‖, 0, max) / (ε + ‖w‖) (MaxNorm) or w / (ε + ‖w‖) (UnitNorm, unit < 0), each norm over the middle axis
// of w viewed as [outer, length, inner]. Four inner columns at a time; norms in f64, the scaling in f32 as Keras's.
export function normConstraint(w: usize, outer: i32, length: i32, inner: i32, max: f64, unit: bool): void {
  for (let o = 0; o < outer; o++) {
    const base = w + (<usize>(o * length * inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      let lo = f64x2.splat(0), hi = f64x2.splat(0);
      for (let k = 0; k < length; k++) {
        const v = v128.load(base + (<usize>(k * inner + i) << 2));
        const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
        lo = f64x2.add(lo, f64x2.mul(a, a));
        hi = f64x2.add(hi, f64x2.mul(b, b));
      }
      const f = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(normFactor(f64x2.extract_lane(lo, 0), max, unit)),
        1, normFactor(f64x2.extract_lane(lo, 1), max, unit)), 2, normFactor(f64x2.extract_lane(hi, 0), max, unit)), 3, normFactor(f64x2.extract_lane(hi, 1), max, unit));
      for (let k = 0; k < length; k++) {
        const p = base + (<usize>(k * inner + i) << 2);
        v128.store(p, f32x4.mul(v128.load(p), f));
      }
    }
    for (; i < inner; i++) {
      let s = 0.0;
      for (let k = 0; k < length; k++) { const v = <f64>load<f32>(base + (<usize>(k * inner + i) << 2)); s += v * v; }
      const f = normFactor(s, max, unit);
      for (let k = 0; k < length; k++) { const p = base + (<usize>(k * inner + i) << 2); store<f32>(p, load<f32>(p) * f); }
    }
  }
}

// The factor a norm constraint scales by, from the squared norm: desired / (ε + norm), desired = 1 (UnitNorm) or
// min(norm, max) (MaxNorm).
// @ts-ignore: decorator
@inline function normFactor(squares: f64, max: f64, unit: bool): f32 {
  const norm = Math.sqrt(squares);
  return <f32>((unit ? 1 : Math.min(norm, max)) / (NORM_EPSILON + norm));
}

// w = w where w ≥ 0, else 0 (NonNeg; NaN becomes 0), n floats.
export function nonNegative(w: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = w + (<usize>i << 2), v = v128.load(p);
    v128.store(p, v128.and(v, f32x4.ge(v, zero)));
  }
  for (; i < n; i++) {
    const p = w + (<usize>i << 2);
    if (!(load<f32>(p) >= 0)) store<f32>(p, 0);
  }
}

// Each regularized parameter's constraint on its current weights (after an update).
export function constrain(plan: usize): void {
  for (let i = 0, n = word(plan, PLAN_REGULARIZED); i < n; i++) {
    const P = paramAt(plan, i), code = word(P, PARAM_CONSTRAINT), w = weights(P);
    if (code == CONSTRAINT_NON_NEG) nonNegative(w, word(P, PARAM_SIZE));
    else if (code == CONSTRAINT_MAX_NORM || code == CONSTRAINT_UNIT_NORM) {
      const outer = word(P, PARAM_NORM_OUTER), length = word(P, PARAM_NORM_LENGTH);
      if (outer * length == 0) continue;
      normConstraint(w, outer, length, word(P, PARAM_SIZE) / (outer * length), <f64>real(P, PARAM_MAX_VALUE), code == CONSTRAINT_UNIT_NORM);
    }
  }
}
