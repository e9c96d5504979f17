import { ACT_SIGMOID, ACT_RELU, ACT_LEAKY_RELU, ACT_TANH, ACT_ELU, ACT_SELU, ACT_RELU6, ACT_HARD_SIGMOID, ACT_SOFTPLUS, ACT_SWISH, ACT_GELU } from './layout';
import { expV, geluGradV, geluV, lane0, logV, sigmoidV, softplusV, tanhV } from './vmath';

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

// ELU with alpha 1 (tf.elu): x for x > 0, else e^x − 1 (the exp's 1 ULP plus one subtraction: absolute error below
// 2^-24 near 0); act'(x) = y + 1 below 0.
// @ts-ignore: decorator
@final @unmanaged class Elu {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return v128.bitselect(x, f32x4.sub(expV(x), f32x4.splat(1)), f32x4.gt(x, f32x4.splat(0))); }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y > 0 ? 1 : y + 1; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return v128.bitselect(f32x4.splat(1), f32x4.add(y, f32x4.splat(1)), f32x4.gt(y, f32x4.splat(0))); }
}
// SELU (Klambauer et al., as tf.selu): SCALE·x for x > 0, else SCALE·ALPHA·(e^x − 1); act'(x) = y + SCALE·ALPHA below 0.
const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.7580993408473766; // SCALE·ALPHA, ALPHA = 1.6732632423543772
// @ts-ignore: decorator
@final @unmanaged class Selu {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 {
    return v128.bitselect(f32x4.mul(x, f32x4.splat(SELU_SCALE)), f32x4.mul(f32x4.sub(expV(x), f32x4.splat(1)), f32x4.splat(SELU_SCALE_ALPHA)), f32x4.gt(x, f32x4.splat(0)));
  }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y > 0 ? SELU_SCALE : y + SELU_SCALE_ALPHA; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 {
    return v128.bitselect(f32x4.splat(SELU_SCALE), f32x4.add(y, f32x4.splat(SELU_SCALE_ALPHA)), f32x4.gt(y, f32x4.splat(0)));
  }
}
// relu6 (tf.relu6): min(max(x, 0), 6), exact; act'(x) = 1 strictly between 0 and 6.
// @ts-ignore: decorator
@final @unmanaged class Relu6 {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return f32x4.min(f32x4.max(x, f32x4.splat(0)), f32x4.splat(6)); }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y > 0 && y < 6 ? 1 : 0; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return v128.and(v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, f32x4.splat(6))), f32x4.splat(1)); }
}
// hardSigmoid as TF.js and Keras 2 define it: min(max(0.2·x + 0.5, 0), 1), one rounding each for the product and
// the sum; act'(x) = 0.2 strictly between 0 and 1.
// @ts-ignore: decorator
@final @unmanaged class HardSigmoid {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 {
    return f32x4.min(f32x4.max(f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5)), f32x4.splat(0)), f32x4.splat(1));
  }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return y > 0 && y < 1 ? 0.2 : 0; }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return v128.and(v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, f32x4.splat(1))), f32x4.splat(0.2)); }
}
// softplus log(1 + e^x) (vmath.ts, 2 ULP); act'(x) = sigmoid(x) = 1 − e^−y, or from x (the tensor op's gradient) sigmoid(x).
// @ts-ignore: decorator
@final @unmanaged class Softplus {
  // @ts-ignore: decorator
  @inline dx(x: v128): v128 { return sigmoidV(x); }
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return softplusV(x); }
  // @ts-ignore: decorator
  @inline ds(y: f32, _alpha: f32): f32 { return 1 - lane0(expV(f32x4.splat(-y))); }
  // @ts-ignore: decorator
  @inline dv(y: v128, _alpha: v128): v128 { return f32x4.sub(f32x4.splat(1), expV(f32x4.neg(y))); }
}
// swish, or silu: x·sigmoid(x) (sigmoid's 2 ULP and one rounding); its derivative needs x: s + x·s·(1 − s), s = sigmoid(x).
// @ts-ignore: decorator
@final @unmanaged class Swish {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return f32x4.mul(x, sigmoidV(x)); }
  // @ts-ignore: decorator
  @inline dx(x: v128): v128 {
    const s = sigmoidV(x);
    return f32x4.add(s, f32x4.mul(f32x4.mul(x, s), f32x4.sub(f32x4.splat(1), s)));
  }
}
// gelu, the exact erf form (vmath.ts, 4 ULP); its derivative needs x: Φ(x) + x·φ(x) (vmath.ts geluGradV).
// @ts-ignore: decorator
@final @unmanaged class Gelu {
  // @ts-ignore: decorator
  @inline v(x: v128, _alpha: v128): v128 { return geluV(x); }
  // @ts-ignore: decorator
  @inline dx(x: v128): v128 { return geluGradV(x); }
}

// Whether act's derivative needs its input x rather than its output (activationBackwardFromInput).
export function needsInput(act: i32): bool {
  return act == ACT_SWISH || act == ACT_GELU;
}

function activationLoop<Op>(x: usize, out: usize, n: i32, alpha: f32): void {
  const op = changetype<Op>(0);
  const va = f32x4.splat(alpha);
  let i = 0;
  // NOTE: two vectors per iteration let the long exp-based chains of sigmoid and tanh overlap.
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const a = op.v(v128.load(x + o), va), b = op.v(v128.load(x + o, 16), va);
    v128.store(out + o, a);
    v128.store(out + o, b, 16);
  }
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
// tanh: 2 and 1 ULP (vmath.ts); relu, relu6 and leakyRelu: exact, one rounding; elu, selu, hardSigmoid, softplus
// and swish: see their classes. NaN stays NaN for every activation.
export function activation(op: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  switch (op) {
    case ACT_SIGMOID: activationLoop<Sigmoid>(x, out, n, alpha); break;
    case ACT_RELU: activationLoop<Relu>(x, out, n, alpha); break;
    case ACT_LEAKY_RELU: activationLoop<LeakyRelu>(x, out, n, alpha); break;
    case ACT_TANH: activationLoop<Tanh>(x, out, n, alpha); break;
    case ACT_ELU: activationLoop<Elu>(x, out, n, alpha); break;
    case ACT_SELU: activationLoop<Selu>(x, out, n, alpha); break;
    case ACT_RELU6: activationLoop<Relu6>(x, out, n, alpha); break;
    case ACT_HARD_SIGMOID: activationLoop<HardSigmoid>(x, out, n, alpha); break;
    case ACT_SOFTPLUS: activationLoop<Softplus>(x, out, n, alpha); break;
    case ACT_SWISH: activationLoop<Swish>(x, out, n, alpha); break;
    default: activationLoop<Gelu>(x, out, n, alpha);
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
// leakyRelu (y > 0 ? 1 : alpha; alpha > 0), tanh 1−y², elu, selu, relu6, hardSigmoid and softplus as their classes
// say (swish and gelu take activationBackwardFromInput); contiguous f32; dx may equal dy or y.
export function activationBackward(op: i32, y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
  switch (op) {
    case ACT_SIGMOID: activationBackwardLoop<Sigmoid>(y, dy, dx, n, alpha); break;
    case ACT_RELU: activationBackwardLoop<Relu>(y, dy, dx, n, alpha); break;
    case ACT_LEAKY_RELU: activationBackwardLoop<LeakyRelu>(y, dy, dx, n, alpha); break;
    case ACT_ELU: activationBackwardLoop<Elu>(y, dy, dx, n, alpha); break;
    case ACT_SELU: activationBackwardLoop<Selu>(y, dy, dx, n, alpha); break;
    case ACT_RELU6: activationBackwardLoop<Relu6>(y, dy, dx, n, alpha); break;
    case ACT_HARD_SIGMOID: activationBackwardLoop<HardSigmoid>(y, dy, dx, n, alpha); break;
    case ACT_SOFTPLUS: activationBackwardLoop<Softplus>(y, dy, dx, n, alpha); break;
    default: activationBackwardLoop<Tanh>(y, dy, dx, n, alpha);
  }
}

// @ts-ignore: decorator
@inline function loadLanes(p: usize, one: bool): v128 { return one ? v128.load32_splat(p) : v128.load(p); }
// @ts-ignore: decorator
@inline function storeLanes(p: usize, v: v128, one: bool): void { if (one) store<f32>(p, lane0(v)); else v128.store(p, v); }

// NOTE: the maxima run on pmax (one x64 instruction; f32x4.max is seven, a long chain through the running maximum)
// with NaNs tracked apart; they may differ from max only in the sign of a zero maximum, which leaves x − max and its
// exp unchanged. A slice's exps are summed in four partial sums (j mod 4, each in order of j), added as ((s0 + s1) + s2) + s3,
// then the last r mod 4 in order: the same additions for a contiguous row (the four lanes of one vector) and for a
// column (four vectors, one column per lane), so a slice has the same bits along any axis.

// Softmax (or, `log`, log-softmax) of four adjacent columns (or one, `one`) of an [r, inner] block along r, each
// lane on its own column. log-softmax writes nothing before its last pass, which reads x: out may equal x.
// @ts-ignore: decorator
@inline function softmaxColumns(px: usize, po: usize, r: i32, step: usize, one: bool, log: bool): void {
  let m = loadLanes(px, one), nan = f32x4.ne(m, m);
  for (let j = 1; j < r; j++) {
    const v = loadLanes(px + <usize>j * step, one);
    m = f32x4.pmax(m, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  m = v128.bitselect(f32x4.splat(NaN), m, nan);
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let j = 0;
  for (; j + 4 <= r; j += 4) {
    const p = <usize>j * step;
    const e0 = expV(f32x4.sub(loadLanes(px + p, one), m)), e1 = expV(f32x4.sub(loadLanes(px + p + step, one), m));
    const e2 = expV(f32x4.sub(loadLanes(px + p + 2 * step, one), m)), e3 = expV(f32x4.sub(loadLanes(px + p + 3 * step, one), m));
    if (!log) {
      storeLanes(po + p, e0, one); storeLanes(po + p + step, e1, one);
      storeLanes(po + p + 2 * step, e2, one); storeLanes(po + p + 3 * step, e3, one);
    }
    s0 = f32x4.add(s0, e0); s1 = f32x4.add(s1, e1); s2 = f32x4.add(s2, e2); s3 = f32x4.add(s3, e3);
  }
  let s = f32x4.add(f32x4.add(f32x4.add(s0, s1), s2), s3);
  for (; j < r; j++) {
    const e = expV(f32x4.sub(loadLanes(px + <usize>j * step, one), m));
    if (!log) storeLanes(po + <usize>j * step, e, one);
    s = f32x4.add(s, e);
  }
  if (log) {
    const ls = logV(s);
    for (j = 0; j < r; j++) storeLanes(po + <usize>j * step, f32x4.sub(f32x4.sub(loadLanes(px + <usize>j * step, one), m), ls), one);
    return;
  }
  const inv = f32x4.div(f32x4.splat(1), s);
  for (j = 0; j < r; j++) storeLanes(po + <usize>j * step, f32x4.mul(loadLanes(po + <usize>j * step, one), inv), one);
}

// Softmax (or, `log`, log-softmax) of one contiguous row of r: the max and the exps four at a time, the partial sums
// in the lanes.
// @ts-ignore: decorator
@inline function softmaxRow(px: usize, po: usize, r: i32, log: bool): void {
  let m0 = v128.load32_splat(px), m1 = m0, nan = f32x4.ne(m0, m0);
  let j = 0;
  for (; j + 8 <= r; j += 8) {
    const a = v128.load(px + (<usize>j << 2)), b = v128.load(px + (<usize>j << 2), 16);
    m0 = f32x4.pmax(m0, a);
    m1 = f32x4.pmax(m1, b);
    nan = v128.or(nan, v128.or(f32x4.ne(a, a), f32x4.ne(b, b)));
  }
  for (; j + 4 <= r; j += 4) {
    const a = v128.load(px + (<usize>j << 2));
    m0 = f32x4.pmax(m0, a);
    nan = v128.or(nan, f32x4.ne(a, a));
  }
  m0 = f32x4.pmax(m0, m1);
  let m = max(max(f32x4.extract_lane(m0, 0), f32x4.extract_lane(m0, 1)), max(f32x4.extract_lane(m0, 2), f32x4.extract_lane(m0, 3)));
  for (; j < r; j++) m = max(m, load<f32>(px + (<usize>j << 2)));
  if (v128.any_true(nan)) m = NaN;
  let vm = f32x4.splat(m);
  let acc = f32x4.splat(0);
  for (j = 0; j + 4 <= r; j += 4) {
    const e = expV(f32x4.sub(v128.load(px + (<usize>j << 2)), vm));
    if (!log) v128.store(po + (<usize>j << 2), e);
    acc = f32x4.add(acc, e);
  }
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; j < r; j++) {
    const e = lane0(expV(f32x4.sub(v128.load32_splat(px + (<usize>j << 2)), vm)));
    if (!log) store<f32>(po + (<usize>j << 2), e);
    s += e;
  }
  if (log) {
    const ls = logV(f32x4.splat(s));
    for (j = 0; j + 4 <= r; j += 4) v128.store(po + (<usize>j << 2), f32x4.sub(f32x4.sub(v128.load(px + (<usize>j << 2)), vm), ls));
    for (; j < r; j++) store<f32>(po + (<usize>j << 2), lane0(f32x4.sub(f32x4.sub(v128.load32_splat(px + (<usize>j << 2)), vm), ls)));
    return;
  }
  const inv: f32 = 1 / s;
  const vinv = f32x4.splat(inv);
  for (j = 0; j + 4 <= r; j += 4) v128.store(po + (<usize>j << 2), f32x4.mul(v128.load(po + (<usize>j << 2)), vinv));
  for (; j < r; j++) store<f32>(po + (<usize>j << 2), load<f32>(po + (<usize>j << 2)) * inv);
}

// dx = a ⊙ (dy − Σ_row dy ⊙ a) for softmax outputs a [rows, width] (the row sums in f32, in order); dx may equal dy.
export function softmaxBackward(a: usize, dy: usize, dx: usize, rows: i32, width: i32): void {
  for (let r = 0; r < rows; r++) {
    const at = <usize>(r * width) << 2;
    let dot: f32 = 0;
    for (let j = 0; j < width; j++) dot += load<f32>(dy + at + (<usize>j << 2)) * load<f32>(a + at + (<usize>j << 2));
    for (let j = 0; j < width; j++) {
      const o = at + (<usize>j << 2);
      store<f32>(dx + o, load<f32>(a + o) * (load<f32>(dy + o) - dot));
    }
  }
}

// Softmax or log-softmax (`log`) of x along the middle axis of an [outer, r, inner] layout.
// @ts-ignore: decorator
@inline function softmaxBlocks(x: usize, out: usize, outer: i32, r: i32, inner: i32, log: bool): void {
  const step = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>r * step;
    if (inner == 1) {
      softmaxRow(x + base, out + base, r, log);
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) softmaxColumns(x + base + (<usize>i << 2), out + base + (<usize>i << 2), r, step, false, log);
    for (; i < inner; i++) softmaxColumns(x + base + (<usize>i << 2), out + base + (<usize>i << 2), r, step, true, log);
  }
}

// out = softmax of x along the middle axis of an [outer, r, inner] layout: exp(x - max) / sum (exp: vmath.ts, 1 ULP);
// r >= 1. out may equal x.
export function softmax(x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  softmaxBlocks(x, out, outer, r, inner, false);
}

// out = log-softmax of x along the middle axis of an [outer, r, inner] layout: (x − max) − log Σ exp(x − max), with
// softmax's maxima and sums (exp and log: vmath.ts, 1 ULP each); r >= 1. out may equal x.
export function logSoftmax(x: usize, out: usize, outer: i32, r: i32, inner: i32): void {
  softmaxBlocks(x, out, outer, r, inner, true);
}

function activationBackwardFromInputLoop<Op>(x: usize, dy: usize, dx: usize, n: i32): void {
  const op = changetype<Op>(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), op.dx(v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dy + o) * lane0(op.dx(v128.load32_splat(x + o))));
  }
}

// dx[i] = dy[i]·act'(x[i]) from the input x[i], i < n: swish and gelu (whose derivative needs it: needsInput; gelu'
// within 2^-22 absolute, see geluGradV) and softplus (sigmoid(x), 2 ULP), then one rounding; contiguous f32; dx may
// equal dy or x.
export function activationBackwardFromInput(op: i32, x: usize, dy: usize, dx: usize, n: i32): void {
  if (op == ACT_SWISH) activationBackwardFromInputLoop<Swish>(x, dy, dx, n);
  else if (op == ACT_SOFTPLUS) activationBackwardFromInputLoop<Softplus>(x, dy, dx, n);
  else activationBackwardFromInputLoop<Gelu>(x, dy, dx, n);
}
