// Activation op codes (src/ops/codes.ts mirrors them).
export const SIGMOID = 0, RELU = 1, LEAKY_RELU = 2, TANH = 3;

// @ts-ignore: decorator
@inline function activationScalar(op: i32, x: f32, alpha: f32): f32 {
  switch (op) {
    case SIGMOID: return 1 / (1 + Mathf.exp(-x));
    case RELU: return x > 0 ? x : x != x ? x : 0;
    case LEAKY_RELU: return x > 0 ? x : x * alpha;
    default: return Mathf.tanh(x);
  }
}

// @ts-ignore: decorator
@inline function activationVector(op: i32, x: v128, alpha: v128): v128 {
  switch (op) {
    case RELU: return v128.bitselect(f32x4.splat(0), x, f32x4.le(x, f32x4.splat(0)));
    case LEAKY_RELU: return v128.bitselect(f32x4.mul(x, alpha), x, f32x4.le(x, f32x4.splat(0)));
    default: {
      const a = f32x4.extract_lane(alpha, 0);
      let r = f32x4.splat(activationScalar(op, f32x4.extract_lane(x, 0), a));
      r = f32x4.replace_lane(r, 1, activationScalar(op, f32x4.extract_lane(x, 1), a));
      r = f32x4.replace_lane(r, 2, activationScalar(op, f32x4.extract_lane(x, 2), a));
      return f32x4.replace_lane(r, 3, activationScalar(op, f32x4.extract_lane(x, 3), a));
    }
  }
}

// @ts-ignore: decorator
@inline function activationLoop(op: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, activationVector(op, v128.load(x + o), va));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, activationScalar(op, load<f32>(x + o), alpha));
  }
}

// out[i] = act(x[i]) for i < n; contiguous f32; alpha is leakyRelu's negative slope; out may equal x.
// NaN stays NaN for every activation.
export function activation(op: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  switch (op) {
    case SIGMOID: activationLoop(SIGMOID, x, out, n, alpha); break;
    case RELU: activationLoop(RELU, x, out, n, alpha); break;
    case LEAKY_RELU: activationLoop(LEAKY_RELU, x, out, n, alpha); break;
    default: activationLoop(TANH, x, out, n, alpha);
  }
}

// out = softmax of x along the middle axis of an [outer, r, inner] layout: exp(x - max) / sum; r >= 1.
// out may equal x.
export function softmax(x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>r * step;
    for (let i = 0; i < inner; i++) {
      const px = x + base + (<usize>i << 2);
      const po = out + base + (<usize>i << 2);
      let m = load<f32>(px);
      for (let j = 1; j < r; j++) m = max(m, load<f32>(px + <usize>j * step));
      let s: f32 = 0;
      for (let j = 0; j < r; j++) {
        const e = Mathf.exp(load<f32>(px + <usize>j * step) - m);
        store<f32>(po + <usize>j * step, e);
        s += e;
      }
      const inv: f32 = 1 / s;
      for (let j = 0; j < r; j++) store<f32>(po + <usize>j * step, load<f32>(po + <usize>j * step) * inv);
    }
  }
}
