// Gradient clipping by norm (an optimizer's clipNorm and globalClipNorm, as Keras 3's base optimizer): the squared
// norm of a gradient, and the factor that brings a norm within a bound. The optimizer steps (optim.ts) apply the
// factor, or clipValue's clamp, to each gradient element as they read it, so clipping writes no gradient.

// Σ g² over g[0..n) (f32), each square and sum in f64: exact squares (no f32 overflow), ≤ n·2^-53 relative error,
// and NaN or +Infinity exactly when some element is NaN or ±Infinity, so the sum doubles as the finite check.
export function sumOfSquares(g: usize, n: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(g + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    a = f64x2.add(a, f64x2.mul(lo, lo));
    b = f64x2.add(b, f64x2.mul(hi, hi));
  }
  const sums = f64x2.add(a, b);
  let sum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
  for (; i < n; i++) {
    const x = <f64>load<f32>(g + (<usize>i << 2));
    sum += x * x;
  }
  return sum;
}

// The factor scaling gradients whose squared norm (summed) is `squares` to a norm of at most `bound`: bound/norm
// (f64, rounded to f32) above it, exactly 1 at or below it (the gradient is left as it is), NaN for a non-finite norm.
export function normScale(squares: f64, bound: f32): f32 {
  const norm = Math.sqrt(squares);
  if (!isFinite(norm)) return NaN;
  return norm > <f64>bound ? <f32>(<f64>bound / norm) : 1;
}
