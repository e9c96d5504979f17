import { ACT_SIGMOID, ACT_RELU, ACT_LEAKY_RELU } from './layout';
import { expV, lane0, sigmoidV, tanhV } from './vmath';

// NOTE: one class per activation, passed as a type parameter, so each gets its own loop (see elementwise.ts).
// v computes act(x) on four lanes (loop tails run one element through it, so tails and lanes agree: vmath.ts);
// ds/dv compute act'(x) from the forward output y = act(x), which is what backward saves.

// @ts-ignore: decorator
@final @unmanaged class Sigmoid {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return sigmoidV(x); }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y * (1 - y); }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return f32x4.mul(y, f32x4.sub(f32x4.splat(1), y)); }
}
// @ts-ignore: decorator
@final @unmanaged class Tanh {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return tanhV(x); }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return 1 - y * y; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return f32x4.sub(f32x4.splat(1), f32x4.mul(y, y)); }
}
// @ts-ignore: decorator
@final @unmanaged class Relu {
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
    store<f32>(out + o, lane0(op.v(v128.load32_splat(x + o), va)));
  }
}

// out[i] = act(x[i]) for i < n; contiguous f32; alpha is leakyRelu's negative slope; out may equal x. sigmoid and
// tanh: 2 and 1 ULP (vmath.ts); relu and leakyRelu: exact, one rounding. NaN stays NaN for every activation.
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

// @ts-ignore: decorator
@inline function loadLanes(p: usize, one: bool): v128 { return one ? v128.load32_splat(p) : v128.load(p); }
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, one: bool): void { if (one) store<f32>(p, lane0(v)); else v128.store(p, v); }

// Softmax of four adjacent columns (or one, `one`) of an [r, inner] block along r, each lane on its own column.
// @ts-ignore: decorator
@inline function softmaxColumns(px: usize, po: usize, r: i32, step: usize, one: bool): void {
  let m = loadLanes(px, one);
  for (let j = 1; j < r; j++) m = f32x4.max(m, loadLanes(px + <usize>j * step, one));
  let s = f32x4.splat(0);
  for (let j = 0; j < r; j++) {
    const e = expV(f32x4.sub(loadLanes(px + <usize>j * step, one), m));
    storeLanes(po + <usize>j * step, e, one);
    s = f32x4.add(s, e);
  }
  const inv = f32x4.div(f32x4.splat(1), s);
  for (let j = 0; j < r; j++) storeLanes(po + <usize>j * step, f32x4.mul(loadLanes(po + <usize>j * step, one), inv), one);
}

// Softmax of one contiguous row of r: the exps four at a time, then summed in order as the columns are, so a slice
// gives the same bits along any axis.
// @ts-ignore: decorator
@inline function softmaxRow(px: usize, po: usize, r: i32): void {
  let m: f32 = load<f32>(px);
  for (let j = 1; j < r; j++) m = max(m, load<f32>(px + (<usize>j << 2)));
  const vm = f32x4.splat(m);
  let j = 0;
  for (; j + 4 <= r; j += 4) v128.store(po + (<usize>j << 2), expV(f32x4.sub(v128.load(px + (<usize>j << 2)), vm)));
  for (; j < r; j++) store<f32>(po + (<usize>j << 2), lane0(expV(f32x4.sub(v128.load32_splat(px + (<usize>j << 2)), vm))));
  let s: f32 = 0;
  for (j = 0; j < r; j++) s += load<f32>(po + (<usize>j << 2));
  const inv: f32 = 1 / s;
  const vinv = f32x4.splat(inv);
  j = 0;
  for (; j + 4 <= r; j += 4) v128.store(po + (<usize>j << 2), f32x4.mul(v128.load(po + (<usize>j << 2)), vinv));
  for (; j < r; j++) store<f32>(po + (<usize>j << 2), load<f32>(po + (<usize>j << 2)) * inv);
}

// out = softmax of x along the middle axis of an [outer, r, inner] layout: exp(x - max) / sum (exp: vmath.ts, 1 ULP);
// r >= 1. out may equal x.
export function softmax(x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>r * step;
    if (inner == 1) {
      softmaxRow(x + base, out + base, r);
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) softmaxColumns(x + base + (<usize>i << 2), out + base + (<usize>i << 2), r, step, false);
    for (; i < inner; i++) softmaxColumns(x + base + (<usize>i << 2), out + base + (<usize>i << 2), r, step, true);
  }
}
