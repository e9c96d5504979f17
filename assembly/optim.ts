// Optimizer steps: update the parameters w[0..n) and the optimizer state in place from the gradient g; f32, n in
// elements; w, g and each state buffer are distinct. wd adds L2 weight decay: every step uses g' = g + wd·w (the
// w before this step) in place of g.

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
function sgdPlainLoop(w: usize, g: usize, n: i32, lr: f32, wd: f32): void {
  const vlr = f32x4.splat(lr), vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, wi));
    v128.store(w + o, f32x4.sub(wi, f32x4.mul(vlr, gi)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    store<f32>(w + o, wi - lr * gi);
  }
}

// v = mu·v − lr·g'; w += Rule(v, g').
function sgdMomentumLoop<Rule>(w: usize, g: usize, vel: usize, n: i32, lr: f32, mu: f32, wd: f32): void {
  const rule = changetype<Rule>(0);
  const vlr = f32x4.splat(lr), vmu = f32x4.splat(mu), vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, wi));
    const vi = f32x4.sub(f32x4.mul(vmu, v128.load(vel + o)), f32x4.mul(vlr, gi));
    v128.store(vel + o, vi);
    v128.store(w + o, f32x4.add(wi, rule.v(vi, gi, vmu, vlr)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const vi = mu * load<f32>(vel + o) - lr * gi;
    store<f32>(vel + o, vi);
    store<f32>(w + o, wi + rule.s(vi, gi, mu, lr));
  }
}

// SGD as Keras: momentum == 0: w −= lr·g' (velocity is neither read nor written and may be 0); else
// v = momentum·v − lr·g', then w += nesterov ? momentum·v − lr·g' : v.
export function sgdStep(w: usize, g: usize, velocity: usize, n: i32, lr: f32, momentum: f32, nesterov: bool, wd: f32): void {
  if (momentum == 0) sgdPlainLoop(w, g, n, lr, wd);
  else if (nesterov) sgdMomentumLoop<Nesterov>(w, g, velocity, n, lr, momentum, wd);
  else sgdMomentumLoop<Classic>(w, g, velocity, n, lr, momentum, wd);
}

// Adam as TF/Keras, step t >= 1: lrT = lr·sqrt(1−beta2^t)/(1−beta1^t) (in f64, then f32); m = b1·m + (1−b1)·g';
// v = b2·v + (1−b2)·g'²; w −= lrT·m/(sqrt(v) + eps).
export function adamStep(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32,
  t: i32, wd: f32): void {
  const lrT = <f32>(<f64>lr * Math.sqrt(1 - Math.pow(<f64>beta2, <f64>t)) / (1 - Math.pow(<f64>beta1, <f64>t)));
  const c1: f32 = 1 - beta1, c2: f32 = 1 - beta2;
  const vlr = f32x4.splat(lrT), vb1 = f32x4.splat(beta1), vb2 = f32x4.splat(beta2), vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, wi));
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vc2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(w + o, f32x4.sub(wi, f32x4.div(f32x4.mul(vlr, mi), f32x4.add(f32x4.sqrt(vi), veps))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + c1 * gi;
    const vi = beta2 * load<f32>(v + o) + c2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, wi - lrT * mi / (Mathf.sqrt(vi) + eps));
  }
}

// RMSprop: ms = rho·ms + (1−rho)·g'²; w −= lr·g'/(sqrt(ms) + eps).
export function rmspropStep(w: usize, g: usize, ms: usize, n: i32, lr: f32, rho: f32, eps: f32, wd: f32): void {
  const c: f32 = 1 - rho;
  const vlr = f32x4.splat(lr), vrho = f32x4.splat(rho), vc = f32x4.splat(c), veps = f32x4.splat(eps);
  const vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, wi));
    const si = f32x4.add(f32x4.mul(vrho, v128.load(ms + o)), f32x4.mul(vc, f32x4.mul(gi, gi)));
    v128.store(ms + o, si);
    v128.store(w + o, f32x4.sub(wi, f32x4.div(f32x4.mul(vlr, gi), f32x4.add(f32x4.sqrt(si), veps))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const si = rho * load<f32>(ms + o) + c * (gi * gi);
    store<f32>(ms + o, si);
    store<f32>(w + o, wi - lr * gi / (Mathf.sqrt(si) + eps));
  }
}

// Adagrad: acc += g'²; w −= lr·g'/(sqrt(acc) + eps).
export function adagradStep(w: usize, g: usize, acc: usize, n: i32, lr: f32, eps: f32, wd: f32): void {
  const vlr = f32x4.splat(lr), veps = f32x4.splat(eps), vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(vwd, wi));
    const ai = f32x4.add(v128.load(acc + o), f32x4.mul(gi, gi));
    v128.store(acc + o, ai);
    v128.store(w + o, f32x4.sub(wi, f32x4.div(f32x4.mul(vlr, gi), f32x4.add(f32x4.sqrt(ai), veps))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const ai = load<f32>(acc + o) + gi * gi;
    store<f32>(acc + o, ai);
    store<f32>(w + o, wi - lr * gi / (Mathf.sqrt(ai) + eps));
  }
}
