import { ACT_SIGMOID, ACT_RELU, ACT_LEAKY_RELU } from './layout';

// NOTE: one class per activation, passed as a type parameter, so each gets its own loop (see elementwise.ts).
// s/v compute act(x); ds/dv compute act'(x) from the forward output y = act(x), which is what backward saves.

// @ts-ignore: decorator
@inline function sigmoid1(x: f32): f32 { return 1 / (1 + Mathf.exp(-x)); }

// @ts-ignore: decorator
@final @unmanaged class Sigmoid {
  // @ts-ignore: decorator
  @inline s(x: f32, _alpha: f32): f32 { return sigmoid1(x); }
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 {
    let r = f32x4.splat(sigmoid1(f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, sigmoid1(f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, sigmoid1(f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(r, 3, sigmoid1(f32x4.extract_lane(x, 3)));
  }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y * (1 - y); }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return f32x4.mul(y, f32x4.sub(f32x4.splat(1), y)); }
}
// @ts-ignore: decorator
@final @unmanaged class Tanh {
  // @ts-ignore: decorator
  @inline s(x: f32, _alpha: f32): f32 { return Mathf.tanh(x); }
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 {
    let r = f32x4.splat(Mathf.tanh(f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, Mathf.tanh(f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, Mathf.tanh(f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(r, 3, Mathf.tanh(f32x4.extract_lane(x, 3)));
  }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return 1 - y * y; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return f32x4.sub(f32x4.splat(1), f32x4.mul(y, y)); }
}
// @ts-ignore: decorator
@final @unmanaged class Relu {
  // @ts-ignore: decorator
  @inline s(x: f32, _alpha: f32): f32 { return x > 0 ? x : x != x ? x : 0; }
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return v128.bitselect(f32x4.splat(0), x, f32x4.le(x, f32x4.splat(0))); }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y > 0 ? 1 : 0; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.splat(1)); }
}
// @ts-ignore: decorator
@final @unmanaged class LeakyRelu {
  // @ts-ignore: decorator
  @inline s(x: f32, alpha: f32): f32 { return x > 0 ? x : x * alpha; }
  // @ts-ignore: decorator
  @inline v(x: v128, alpha: v128): v128 { return v128.bitselect(f32x4.mul(x, alpha), x, f32x4.le(x, f32x4.splat(0))); }
  // NOTE: y > 0 exactly when x > 0 only for alpha > 0, hence the contract's alpha > 0.
  // @ts-ignore: decorator
  @inline ds(y: f32, alpha: f32): f32 { return y > 0 ? 1 : alpha; }
  // @ts-ignore: decorator
  @inline dv(y: v128, alpha: v128): v128 { return v128.bitselect(f32x4.splat(1), alpha, f32x4.gt(y, f32x4.splat(0))); }
}

function activationLoop<Op>(x: usize, out: usize, n: i32, alpha: f32): void {
  const op = changetype<Op>(0);
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, op.v(v128.load(x + o), va));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, op.s(load<f32>(x + o), alpha));
  }
}

// out[i] = act(x[i]) for i < n; contiguous f32; alpha is leakyRelu's negative slope; out may equal x.
// NaN stays NaN for every activation.
export function activation(op: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  switch (op) {
    case ACT_SIGMOID: activationLoop<Sigmoid>(x, out, n, alpha); break;
    case ACT_RELU: activationLoop<Relu>(x, out, n, alpha); break;
    case ACT_LEAKY_RELU: activationLoop<LeakyRelu>(x, out, n, alpha); break;
    default: activationLoop<Tanh>(x, out, n, alpha);
  }
}

function activationBackwardLoop<Op>(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  const op = changetype<Op>(0);
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), op.dv(v128.load(y + o), va)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dy + o) * op.ds(load<f32>(y + o), alpha));
  }
}

// dx[i] = dy[i]·act'(x[i]) from the forward output y[i] = act(x[i]), i < n: sigmoid y(1−y), relu (y > 0 ? 1 : 0),
// leakyRelu (y > 0 ? 1 : alpha; alpha > 0), tanh 1−y²; contiguous f32; dx may equal dy or y.
export function activationBackward(op: i32, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  switch (op) {
    case ACT_SIGMOID: activationBackwardLoop<Sigmoid>(y, dy, dx, n, alpha); break;
    case ACT_RELU: activationBackwardLoop<Relu>(y, dy, dx, n, alpha); break;
    case ACT_LEAKY_RELU: activationBackwardLoop<LeakyRelu>(y, dy, dx, n, alpha); break;
    default: activationBackwardLoop<Tanh>(y, dy, dx, n, alpha);
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
