// Optimizer steps: new parameters and optimizer state from w[0..n), its state and the gradient g, written to wOut
// and the state's out buffers (each equal to its input for an in-place step, or a distinct buffer); f32, n in
// elements. Each returns whether every new parameter is finite. Each gradient element is clipped as it is read,
// c = min(max(g·scale, −bound), bound) (clip.ts gives a norm's scale; bound is clipValue; Raw skips it when neither
// clips), and wd adds L2 weight decay to the clipped gradient: every step uses g' = c + wd·w (the w before this step)
// in place of g. optimizerStep dispatches on the optimizer code (the training loop's update in train.ts); applyStep
// is the same step in place, for optimizer.applyGradients.
import { OPT_SGD, OPT_ADAM, OPT_RMSPROP } from './layout';

// Lane sums of (x − x) over the new parameters: all zero exactly when every one is finite.
// @ts-ignore: decorator
@inline function allZero(acc: v128, tail: f32): bool {
  return !v128.any_true(f32x4.ne(acc, f32x4.splat(0))) && tail == 0;
}

// The gradient as the steps read it: as it is (no clipping), or scaled and clamped (clipping). A type parameter of
// every step loop, so that the loop without clipping has no extra operation.
// @ts-ignore: decorator
@final @unmanaged export class Raw {
  // @ts-ignore: decorator
  @inline s(g: f32, _scale: f32, _bound: f32): f32 { return g; }
  // @ts-ignore: decorator
  @inline v(g: v128, _scale: v128, _bound: v128): v128 { return g; }
}
// @ts-ignore: decorator
@final @unmanaged export class Clipped {
  // @ts-ignore: decorator
  @inline s(g: f32, scale: f32, bound: f32): f32 { return Mathf.min(Mathf.max(g * scale, -bound), bound); }
  // @ts-ignore: decorator
  @inline v(g: v128, scale: v128, bound: v128): v128 { return f32x4.min(f32x4.max(f32x4.mul(g, scale), f32x4.neg(bound)), bound); }
}

// NOTE: the two momentum rules differ only in the weight increment taken from the new velocity, so they are
// classes passed as a type parameter (one loop each, as in elementwise.ts).

// @ts-ignore: decorator
@final @unmanaged class Classic {
  // @ts-ignore: decorator
  @inline s(v: f32, _g: f32, _mu: f32, _lr: f32): f32 { return v; }
  // @ts-ignore: decorator
  @inline v(v: v128, _g: v128, _mu: v128, _lr: v128): v128 { return v; }
}
// @ts-ignore: decorator
@final @unmanaged class Nesterov {
  // @ts-ignore: decorator
  @inline s(v: f32, g: f32, mu: f32, lr: f32): f32 { return mu * v - lr * g; }
  // @ts-ignore: decorator
  @inline v(v: v128, g: v128, mu: v128, lr: v128): v128 { return f32x4.sub(f32x4.mul(mu, v), f32x4.mul(lr, g)); }
}

// w −= lr·g'.
function sgdPlainLoop<G>(w: usize, g: usize, n: i32, lr: f32, wd: f32, scale: f32, bound: f32, wOut: usize): bool {
  const clip = changetype<G>(0), vscale = f32x4.splat(scale), vbound = f32x4.splat(bound);
  const vlr = f32x4.splat(lr), vwd = f32x4.splat(wd);
  let acc = f32x4.splat(0), tail: f32 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(clip.v(v128.load(g + o), vscale, vbound), f32x4.mul(vwd, wi));
    const nw = f32x4.sub(wi, f32x4.mul(vlr, gi));
    v128.store(wOut + o, nw);
    acc = f32x4.add(acc, f32x4.sub(nw, nw));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = clip.s(load<f32>(g + o), scale, bound) + wd * wi;
    const nw = wi - lr * gi;
    store<f32>(wOut + o, nw);
    tail += nw - nw;
  }
  return allZero(acc, tail);
}

// v = mu·v − lr·g'; w += Rule(v, g').
function sgdMomentumLoop<Rule, G>(w: usize, g: usize, vel: usize, n: i32, lr: f32, mu: f32, wd: f32, scale: f32, bound: f32, wOut: usize,
  velOut: usize): bool {
  const rule = changetype<Rule>(0), clip = changetype<G>(0), vscale = f32x4.splat(scale), vbound = f32x4.splat(bound);
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(mu), vwd = f32x4.splat(wd);
  let acc = f32x4.splat(0), tail: f32 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(clip.v(v128.load(g + o), vscale, vbound), f32x4.mul(vwd, wi));
    const vi = f32x4.sub(f32x4.mul(vmu, v128.load(vel + o)), f32x4.mul(vlr, gi));
    const nw = f32x4.add(wi, rule.v(vi, gi, vmu, vlr));
    v128.store(velOut + o, vi);
    v128.store(wOut + o, nw);
    acc = f32x4.add(acc, f32x4.sub(nw, nw));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = clip.s(load<f32>(g + o), scale, bound) + wd * wi;
    const vi = mu * load<f32>(vel + o) - lr * gi;
    const nw = wi + rule.s(vi, gi, mu, lr);
    store<f32>(velOut + o, vi);
    store<f32>(wOut + o, nw);
    tail += nw - nw;
  }
  return allZero(acc, tail);
}

// SGD as Keras: momentum == 0: w −= lr·g' (velocity is neither read nor written and may be 0); else
// v = momentum·v − lr·g', then w += nesterov ? momentum·v − lr·g' : v.
export function sgdStep<G>(w: usize, g: usize, velocity: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, wd: f32,
  scale: f32, bound: f32, wOut: usize, velocityOut: usize): bool {
  if (momentum == 0) return sgdPlainLoop<G>(w, g, n, lr, wd, scale, bound, wOut);
  if (nesterov) return sgdMomentumLoop<Nesterov, G>(w, g, velocity, n, lr, momentum, wd, scale, bound, wOut, velocityOut);
  return sgdMomentumLoop<Classic, G>(w, g, velocity, n, lr, momentum, wd, scale, bound, wOut, velocityOut);
}

// Adam as TF/Keras, step t >= 1: lrT = lr·sqrt(1−beta2^t)/(1−beta1^t) (in f64, then f32); m = b1·m + (1−b1)·g';
// v = b2·v + (1−b2)·g'²; w −= lrT·m/(sqrt(v) + eps).
export function adamStep<G>(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32,
  t: i32, wd: f32, scale: f32, bound: f32, wOut: usize, mOut: usize, vOut: usize): bool {
  const clip = changetype<G>(0), vscale = f32x4.splat(scale), vbound = f32x4.splat(bound);
  const lrT = <f32>(<f64>lr * Math.sqrt(1 - Math.pow(<f64>beta2, <f64>t)) / (1 - Math.pow(<f64>beta1, <f64>t)));
  const c1: f32 = 1 - beta1, c2: f32 = 1 - beta2;
  const vlr = f32x4.splat(lrT), vb1 = f32x4.splat(beta1), vb2 = f32x4.splat(beta2), vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
  let acc = f32x4.splat(0), tail: f32 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(clip.v(v128.load(g + o), vscale, vbound), f32x4.mul(vwd, wi));
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vc2, f32x4.mul(gi, gi)));
    const nw = f32x4.sub(wi, f32x4.div(f32x4.mul(vlr, mi), f32x4.add(f32x4.sqrt(vi), veps)));
    v128.store(mOut + o, mi);
    v128.store(vOut + o, vi);
    v128.store(wOut + o, nw);
    acc = f32x4.add(acc, f32x4.sub(nw, nw));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = clip.s(load<f32>(g + o), scale, bound) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + c1 * gi;
    const vi = beta2 * load<f32>(v + o) + c2 * (gi * gi);
    const nw = wi - lrT * mi / (Mathf.sqrt(vi) + eps);
    store<f32>(mOut + o, mi);
    store<f32>(vOut + o, vi);
    store<f32>(wOut + o, nw);
    tail += nw - nw;
  }
  return allZero(acc, tail);
}

// RMSprop: ms = rho·ms + (1−rho)·g'²; w −= lr·g'/(sqrt(ms) + eps).
export function rmspropStep<G>(w: usize, g: usize, ms: usize, n: i32, lr: f32, rho: f32, eps: f32, wd: f32, scale: f32, bound: f32,
  wOut: usize, msOut: usize): bool {
  const clip = changetype<G>(0), vscale = f32x4.splat(scale), vbound = f32x4.splat(bound);
  const c: f32 = 1 - rho;
  const vlr = f32x4.splat(lr), vrho = f32x4.splat(rho), vc = f32x4.splat(c), veps = f32x4.splat(eps);
  const vwd = f32x4.splat(wd);
  let acc = f32x4.splat(0), tail: f32 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(clip.v(v128.load(g + o), vscale, vbound), f32x4.mul(vwd, wi));
    const si = f32x4.add(f32x4.mul(vrho, v128.load(ms + o)), f32x4.mul(vc, f32x4.mul(gi, gi)));
    const nw = f32x4.sub(wi, f32x4.div(f32x4.mul(vlr, gi), f32x4.add(f32x4.sqrt(si), veps)));
    v128.store(msOut + o, si);
    v128.store(wOut + o, nw);
    acc = f32x4.add(acc, f32x4.sub(nw, nw));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = clip.s(load<f32>(g + o), scale, bound) + wd * wi;
    const si = rho * load<f32>(ms + o) + c * (gi * gi);
    const nw = wi - lr * gi / (Mathf.sqrt(si) + eps);
    store<f32>(msOut + o, si);
    store<f32>(wOut + o, nw);
    tail += nw - nw;
  }
  return allZero(acc, tail);
}

// Adagrad: sums += g'²; w −= lr·g'/(sqrt(sums) + eps).
export function adagradStep<G>(w: usize, g: usize, sums: usize, n: i32, lr: f32, eps: f32, wd: f32, scale: f32, bound: f32, wOut: usize,
  sumsOut: usize): bool {
  const clip = changetype<G>(0), vscale = f32x4.splat(scale), vbound = f32x4.splat(bound);
  const vlr = f32x4.splat(lr), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
  let acc = f32x4.splat(0), tail: f32 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(clip.v(v128.load(g + o), vscale, vbound), f32x4.mul(vwd, wi));
    const ai = f32x4.add(v128.load(sums + o), f32x4.mul(gi, gi));
    const nw = f32x4.sub(wi, f32x4.div(f32x4.mul(vlr, gi), f32x4.add(f32x4.sqrt(ai), veps)));
    v128.store(sumsOut + o, ai);
    v128.store(wOut + o, nw);
    acc = f32x4.add(acc, f32x4.sub(nw, nw));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = clip.s(load<f32>(g + o), scale, bound) + wd * wi;
    const ai = load<f32>(sums + o) + gi * gi;
    const nw = wi - lr * gi / (Mathf.sqrt(ai) + eps);
    store<f32>(sumsOut + o, ai);
    store<f32>(wOut + o, nw);
    tail += nw - nw;
  }
  return allZero(acc, tail);
}

// One step of optimizer `code` with gradient transform G (Raw or Clipped).
// @ts-ignore: decorator
@inline function stepOf<G>(code: i32, w: usize, g: usize, s0: usize, s1: usize, n: i32, lr: f32, p1: f32, p2: f32, eps: f32,
  t: i32, wd: f32, scale: f32, bound: f32, wOut: usize, s0Out: usize, s1Out: usize): bool {
  switch (code) {
    case OPT_SGD: return sgdStep<G>(w, g, s0, n, lr, p1, p2 != 0, wd, scale, bound, wOut, s0Out);
    case OPT_ADAM: return adamStep<G>(w, g, s0, s1, n, lr, p1, p2, eps, t, wd, scale, bound, wOut, s0Out, s1Out);
    case OPT_RMSPROP: return rmspropStep<G>(w, g, s0, n, lr, p1, eps, wd, scale, bound, wOut, s0Out);
    default: return adagradStep<G>(w, g, s0, n, lr, eps, wd, scale, bound, wOut, s0Out);
  }
}

// One step of optimizer `code` (OPT_ in layout.ts) with the plan's hyperparameter words: p1 is SGD's momentum, Adam's
// beta1 or RMSprop's rho; p2 SGD's nesterov flag (nonzero) or Adam's beta2; t Adam's step count (>= 1). s0 and s1 are
// the state arrays the optimizer has (velocity; m and v; the mean square; the sums), 0 for those it has not. The
// gradient is read clipped, min(max(g·scale, −bound), bound): scale 1 and bound +Infinity leave it as it is.
// Inlined, as the switch was in the training loop's update before it served applyStep too.
// @ts-ignore: decorator
@inline export function optimizerStep(code: i32, w: usize, g: usize, s0: usize, s1: usize, n: i32, lr: f32, p1: f32, p2: f32, eps: f32,
  t: i32, wd: f32, scale: f32, bound: f32, wOut: usize, s0Out: usize, s1Out: usize): bool {
  if (scale == 1 && bound == Infinity) return stepOf<Raw>(code, w, g, s0, s1, n, lr, p1, p2, eps, t, wd, scale, bound, wOut, s0Out, s1Out);
  return stepOf<Clipped>(code, w, g, s0, s1, n, lr, p1, p2, eps, t, wd, scale, bound, wOut, s0Out, s1Out);
}

// optimizerStep in place: w and its state arrays are overwritten (optimizer.applyGradients on a variable).
export function applyStep(code: i32, w: usize, g: usize, s0: usize, s1: usize, n: i32, lr: f32, p1: f32, p2: f32, eps: f32,
  t: i32, wd: f32, scale: f32, bound: f32): bool {
  return optimizerStep(code, w, g, s0, s1, n, lr, p1, p2, eps, t, wd, scale, bound, w, s0, s1);
}
