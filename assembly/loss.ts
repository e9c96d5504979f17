// Losses: each returns the mean loss over its n elements (or rows) as f64 and, when grad != 0, writes the gradient
// of that mean with respect to its input. n = 0 (rows = 0) returns NaN, the mean of nothing, as tf.reduce_mean does.
// NOTE: the sums run in f64, in order: |error| ≤ n·2^-53·Σ|term|, ≤ 3e-8 relative for the largest tensor (2^28
// elements), below one f32 rounding and tighter than a pairwise f32 sum, so no drift over large batches. The logs
// and exps are f64 Math, so the loss is near f64 accurate, and each gradient element is rounded to f32 once, except
// in the SIMD mse/mae gradients, which are a few f32 operations (error stated on each).
// Row weights (Keras's sample weights, "sum over batch size"): with weights != 0, f32 per row of `cols` elements, each
// loss is Σ_r w_r·loss_r / rows (the same divisor as unweighted) and row r's gradient is w_r times its unweighted one;
// weights 0 takes the unweighted path unchanged.

// The weight of row r (1 when weights == 0).
// @ts-ignore: decorator
@inline function rowWeight(weights: usize, r: i32): f64 { return weights == 0 ? 1.0 : <f64>load<f32>(weights + (<usize>r << 2)); }

// @ts-ignore: decorator
@inline function lowHalf(x: v128): v128 { return f64x2.promote_low_f32x4(x); }
// @ts-ignore: decorator
@inline function highHalf(x: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3)); }
// @ts-ignore: decorator
@inline function laneSum(x: v128): f64 { return f64x2.extract_lane(x, 0) + f64x2.extract_lane(x, 1); }

// Σ (p−t)² in f64; grad[i] = (p−t)·scale in f32 when write.
// @ts-ignore: decorator
@inline function squaredErrorSum(pred: usize, target: usize, grad: usize, n: i32, scale: f32, write: bool): f64 {
  const vs = f32x4.splat(scale);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(pred + o), t = v128.load(target + o);
    const dlo = f64x2.sub(lowHalf(p), lowHalf(t)), dhi = f64x2.sub(highHalf(p), highHalf(t));
    lo = f64x2.add(lo, f64x2.mul(dlo, dlo));
    hi = f64x2.add(hi, f64x2.mul(dhi, dhi));
    if (write) v128.store(grad + o, f32x4.mul(f32x4.sub(p, t), vs));
  }
  let sum = laneSum(f64x2.add(lo, hi));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(pred + o), t = load<f32>(target + o);
    const d = <f64>p - <f64>t;
    sum += d * d;
    if (write) store<f32>(grad + o, (p - t) * scale);
  }
  return sum;
}

// Mean (pred−target)² over n f32 elements, as f64; grad[i] = 2(p−t)/n (three f32 roundings, ≤ 1.8e-7 relative) when
// grad != 0; grad may equal pred or target. With row weights (rows of `cols`): Σ_r w_r·Σ_row (p−t)² / n, and
// grad[i] = (p−t)·f32(2w_r/n) (the same three roundings; w_r = 1 gives the unweighted bits).
export function meanSquaredError(pred: usize, target: usize, grad: usize, n: i32, weights: usize = 0, cols: i32 = 1): f64 {
  if (weights == 0) {
    const scale = <f32>(2.0 / <f64>n);
    const sum = grad != 0
      ? squaredErrorSum(pred, target, grad, n, scale, true)
      : squaredErrorSum(pred, target, 0, n, scale, false);
    return sum / <f64>n;
  }
  let sum = 0.0;
  for (let r = 0, rows = n / cols; r < rows; r++) {
    const o = <usize>(r * cols) << 2, w = rowWeight(weights, r), scale = <f32>(2.0 * w / <f64>n);
    sum += w * (grad != 0
      ? squaredErrorSum(pred + o, target + o, grad + o, cols, scale, true)
      : squaredErrorSum(pred + o, target + o, 0, cols, scale, false));
  }
  return sum / <f64>n;
}

// sign(d)·s, 0 at d = ±0, NaN for NaN d (d·0).
// @ts-ignore: decorator
@inline function signScaled(d: f32, s: f32): f32 { return d > 0 ? s : d < 0 ? -s : d * 0; }

// @ts-ignore: decorator
@inline function signScaledV(d: v128, s: v128): v128 {
  const zero = f32x4.splat(0);
  const signed = v128.or(v128.and(d, i32x4.splat(0x80000000)), s);
  return v128.bitselect(signed, f32x4.mul(d, zero), f32x4.gt(f32x4.abs(d), zero));
}

// Σ |p−t| in f64; grad[i] = sign(p−t)·scale in f32 when write.
// @ts-ignore: decorator
@inline function absoluteErrorSum(pred: usize, target: usize, grad: usize, n: i32, scale: f32, write: bool): f64 {
  const vs = f32x4.splat(scale);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const p = v128.load(pred + o), t = v128.load(target + o);
    lo = f64x2.add(lo, f64x2.abs(f64x2.sub(lowHalf(p), lowHalf(t))));
    hi = f64x2.add(hi, f64x2.abs(f64x2.sub(highHalf(p), highHalf(t))));
    if (write) v128.store(grad + o, signScaledV(f32x4.sub(p, t), vs));
  }
  let sum = laneSum(f64x2.add(lo, hi));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const p = load<f32>(pred + o), t = load<f32>(target + o);
    sum += Math.abs(<f64>p - <f64>t);
    if (write) store<f32>(grad + o, signScaled(p - t, scale));
  }
  return sum;
}

// Mean |pred−target| over n f32 elements, as f64; grad[i] = sign(p−t)/n (0 where p == t; 1/n rounded to f32 once)
// when grad != 0; grad may equal pred or target. With row weights (rows of `cols`): Σ_r w_r·Σ_row |p−t| / n, and
// grad[i] = sign(p−t)·f32(w_r/n).
export function meanAbsoluteError(pred: usize, target: usize, grad: usize, n: i32, weights: usize = 0, cols: i32 = 1): f64 {
  if (weights == 0) {
    const scale = <f32>(1.0 / <f64>n);
    const sum = grad != 0
      ? absoluteErrorSum(pred, target, grad, n, scale, true)
      : absoluteErrorSum(pred, target, 0, n, scale, false);
    return sum / <f64>n;
  }
  let sum = 0.0;
  for (let r = 0, rows = n / cols; r < rows; r++) {
    const o = <usize>(r * cols) << 2, w = rowWeight(weights, r), scale = <f32>(w / <f64>n);
    sum += w * (grad != 0
      ? absoluteErrorSum(pred + o, target + o, grad + o, cols, scale, true)
      : absoluteErrorSum(pred + o, target + o, 0, cols, scale, false));
  }
  return sum / <f64>n;
}

// Mean −(t·log p + (1−t)·log(1−p)) over n f32 elements with p clipped to [eps, 1−eps] (1−eps rounded to f32, as
// Keras clips in float32), as f64; grad[i] = (p−t)/(p(1−p))/n on the clipped p, 0 where p < eps or p > 1−eps (the
// clip's gradient), when grad != 0; grad may equal prob or target. NaN p gives NaN loss and gradient. With row
// weights (rows of `cols`), each element's term and gradient times its row's weight.
export function binaryCrossentropy(prob: usize, target: usize, grad: usize, n: i32, eps: f32, weights: usize = 0, cols: i32 = 1): f64 {
  const hi: f32 = 1 - eps;
  const inv = 1.0 / <f64>n;
  let sum = 0.0;
  for (let r = 0, i = 0, rows = weights == 0 ? 1 : n / cols; r < rows; r++) {
    const w = rowWeight(weights, r), scale = w * inv;
    let rowSum = 0.0;
    for (const end = weights == 0 ? n : i + cols; i < end; i++) {
      const o = <usize>i << 2;
      const raw = load<f32>(prob + o);
      const p = <f64>min(max(raw, eps), hi), t = <f64>load<f32>(target + o);
      // 1 − p is exact in f64 for an f32 p.
      rowSum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      if (grad != 0) store<f32>(grad + o, raw < eps || raw > hi ? 0 : <f32>((p - t) / (p * (1 - p)) * scale));
    }
    sum += weights == 0 ? rowSum : w * rowSum;
  }
  return sum * inv;
}

// Mean of max(x,0) − x·t + log1p(exp(−|x|)) over n f32 logits x and targets t, as f64; finite for any finite x;
// grad[i] = (sigmoid(x) − t)/n when grad != 0; grad may equal logits or target. With row weights (rows of `cols`),
// each element's term and gradient times its row's weight.
export function sigmoidCrossEntropy(logits: usize, target: usize, grad: usize, n: i32, weights: usize = 0, cols: i32 = 1): f64 {
  const inv = 1.0 / <f64>n;
  let sum = 0.0;
  for (let r = 0, i = 0, rows = weights == 0 ? 1 : n / cols; r < rows; r++) {
    const w = rowWeight(weights, r), scale = w * inv;
    let rowSum = 0.0;
    for (const end = weights == 0 ? n : i + cols; i < end; i++) {
      const o = <usize>i << 2;
      const x = <f64>load<f32>(logits + o), t = <f64>load<f32>(target + o);
      // x·t is exact in f64 (two 24-bit significands).
      const e = Math.exp(-Math.abs(x));
      rowSum += Math.max(x, 0) - x * t + Math.log1p(e);
      if (grad != 0) {
        // sigmoid(x) from e = exp(−|x|) without overflow: 1/(1+e) for x >= 0, e/(1+e) below.
        const s = x >= 0 ? 1 / (1 + e) : e / (1 + e);
        store<f32>(grad + o, <f32>((s - t) * scale));
      }
    }
    sum += weights == 0 ? rowSum : w * rowSum;
  }
  return sum * inv;
}

// Mean over rows of −Σ_j t_j·log softmax(x)_j for row-major logits[rows×classes], as f64, with the row max
// subtracted (finite for any finite logits); labels are rows×classes target probabilities, or if sparse `rows` class
// indices stored as f32 (in range; TS validates); grad[rows×classes] = (softmax − t)/rows when grad != 0, the
// gradient of the mean when each label row sums to 1. grad may equal logits, and labels when not sparse. With row
// weights, each row's loss and gradient times its weight.
export function softmaxCrossEntropy(logits: usize, labels: usize, grad: usize, rows: i32, classes: i32, sparse: bool, weights: usize = 0): f64 {
  const inv = 1.0 / <f64>rows;
  const step = <usize>classes << 2;
  let sum = 0.0;
  for (let r = 0; r < rows; r++) {
    const x = logits + <usize>r * step;
    const t = labels + <usize>r * step;
    let m = load<f32>(x);
    for (let j = 1; j < classes; j++) m = max(m, load<f32>(x + (<usize>j << 2)));
    const mx = <f64>m;
    let s = 0.0;
    for (let j = 0; j < classes; j++) s += Math.exp(<f64>load<f32>(x + (<usize>j << 2)) - mx);
    const logS = Math.log(s);
    // −log softmax_j = log s − (x_j − m) >= 0; summing it with the weights t_j avoids cancelling large terms.
    let row = 0.0;
    const label = sparse ? <i32>load<f32>(labels + (<usize>r << 2)) : -1;
    if (sparse) {
      row = logS - (<f64>load<f32>(x + (<usize>label << 2)) - mx);
    } else {
      for (let j = 0; j < classes; j++) {
        const tj = <f64>load<f32>(t + (<usize>j << 2));
        // NOTE: skipping t_j = 0 keeps 0·log 0 = 0 for logits of −Infinity.
        if (tj != 0) row += tj * (logS - (<f64>load<f32>(x + (<usize>j << 2)) - mx));
      }
    }
    const w = rowWeight(weights, r), scale = w * inv;
    sum += weights == 0 ? row : w * row;
    if (grad != 0) {
      const g = grad + <usize>r * step;
      const invS = 1 / s;
      for (let j = 0; j < classes; j++) {
        const o = <usize>j << 2;
        const tj = sparse ? (j == label ? 1.0 : 0.0) : <f64>load<f32>(t + o);
        store<f32>(g + o, <f32>((Math.exp(<f64>load<f32>(x + o) - mx) * invS - tj) * scale));
      }
    }
  }
  return sum * inv;
}
