// Float64 update rules of every optimizer, in interval arithmetic: each rule takes a weight (exact), its gradient as an
// interval and its own float64 state, and gives the new weight with the float32 rounding of each operation of the
// library's update carried as a radius. tests/nn/optimizers.test.ts checks fit's steps with them,
// tests/optim/optimizers.test.ts applyGradients'.
import { adagrad, adam, rmsprop, sgd, type Optimizer } from '../../src/index';
import { U } from '../nn/net-reference';

/** A value known to lie within r of c. Each op rounds its float32 result once: r grows by U·(|c| + r). */
export interface Iv { c: number; r: number }
export const iv = (c: number, r = 0): Iv => ({ c, r });
export const rounded = (c: number, r: number): Iv => ({ c, r: r + U * (Math.abs(c) + r) });
const add = (a: Iv, b: Iv): Iv => rounded(a.c + b.c, a.r + b.r);
const sub = (a: Iv, b: Iv): Iv => rounded(a.c - b.c, a.r + b.r);
export const mul = (a: Iv, b: Iv): Iv => rounded(a.c * b.c, Math.abs(a.c) * b.r + Math.abs(b.c) * a.r + a.r * b.r);
const sqrt = (a: Iv): Iv => {
  const c = Math.sqrt(a.c);
  return rounded(c, Math.max(Math.sqrt(a.c + a.r) - c, c - Math.sqrt(Math.max(a.c - a.r, 0))));
};
/** a / b for b > 0 throughout: the extreme corner of the quotient. */
const div = (a: Iv, b: Iv): Iv => {
  const c = a.c / b.c, lo = b.c - b.r;
  if (!(lo > 0)) return { c, r: Infinity };
  const corners = [(a.c - a.r) / lo, (a.c + a.r) / lo, (a.c - a.r) / (b.c + b.r), (a.c + a.r) / (b.c + b.r)];
  return rounded(c, Math.max(...corners.map((v) => Math.abs(v - c))));
};

/** One optimizer step on one weight: w (exact), its gradient interval, its state (mutated), the step count t ≥ 1. */
export type Rule = (w: number, g: Iv, state: Iv[], t: number) => Iv;

export interface Config { name: string; make: () => Optimizer; rule: Rule; weightDecay: number }

// The plan stores hyperparameters as float32, so the reference takes them rounded likewise.
const f = Math.fround;

/** g' = g + wd·w: L2 weight decay as the library documents it (README: "each with L2 weightDecay"). */
const decayed = (g: Iv, w: number, wd: number): Iv => add(g, mul(iv(f(wd)), iv(w)));

export function sgdRule(lr: number, momentum: number, nesterov: boolean, wd: number): Rule {
  const [vlr, mu] = [iv(f(lr)), iv(f(momentum))];
  return (w, g0, state) => {
    const g = decayed(g0, w, wd);
    if (momentum === 0) return sub(iv(w), mul(vlr, g));
    // Sutskever et al. / Keras: v = μ·v − lr·g; w += v, or w += μ·v − lr·g with Nesterov.
    const v = (state[0] = sub(mul(mu, state[0] ?? iv(0)), mul(vlr, g)));
    return add(iv(w), nesterov ? sub(mul(mu, v), mul(vlr, g)) : v);
  };
}

/**
 * Kingma & Ba, section 2's efficient form (TF and Keras): α_t = α·√(1−β2^t)/(1−β1^t); m = β1·m + (1−β1)·g;
 * v = β2·v + (1−β2)·g²; w −= α_t·m/(√v + ε̂), ε̂ the epsilon given.
 */
export function adamRule(lr: number, beta1: number, beta2: number, eps: number, wd: number): Rule {
  const [b1, b2] = [f(beta1), f(beta2)];
  return (w, g0, state, t) => {
    const g = decayed(g0, w, wd);
    const m = (state[0] = add(mul(iv(b1), state[0] ?? iv(0)), mul(iv(f(1 - b1)), g)));
    const v = (state[1] = add(mul(iv(b2), state[1] ?? iv(0)), mul(iv(f(1 - b2)), mul(g, g))));
    const alpha = rounded((f(lr) * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t), 0);
    return sub(iv(w), div(mul(alpha, m), add(sqrt(v), iv(f(eps)))));
  };
}

/** RMSprop (Hinton, with ε outside the root as the library documents): s = ρ·s + (1−ρ)·g²; w −= lr·g/(√s + ε). */
export function rmspropRule(lr: number, rho: number, eps: number, wd: number): Rule {
  return (w, g0, state) => {
    const g = decayed(g0, w, wd);
    const s = (state[0] = add(mul(iv(f(rho)), state[0] ?? iv(0)), mul(iv(f(1 - f(rho))), mul(g, g))));
    return sub(iv(w), div(mul(iv(f(lr)), g), add(sqrt(s), iv(f(eps)))));
  };
}

/** Adagrad (Duchi et al.: δ + √Σg², accumulator from 0): a += g²; w −= lr·g/(√a + ε). */
export function adagradRule(lr: number, eps: number, wd: number): Rule {
  return (w, g0, state) => {
    const g = decayed(g0, w, wd);
    const a = (state[0] = add(state[0] ?? iv(0), mul(g, g)));
    return sub(iv(w), div(mul(iv(f(lr)), g), add(sqrt(a), iv(f(eps)))));
  };
}

export const CONFIGS: Config[] = [0, 0.05].flatMap((weightDecay) => [
  { name: 'sgd', make: () => sgd({ learningRate: 0.1, weightDecay }), rule: sgdRule(0.1, 0, false, weightDecay) },
  { name: 'sgd momentum', make: () => sgd({ learningRate: 0.1, momentum: 0.9, weightDecay }), rule: sgdRule(0.1, 0.9, false, weightDecay) },
  { name: 'sgd nesterov', make: () => sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay }), rule: sgdRule(0.05, 0.8, true, weightDecay) },
  { name: 'adam defaults', make: () => adam({ weightDecay }), rule: adamRule(0.001, 0.9, 0.999, 1e-7, weightDecay) },
  { name: 'adam', make: () => adam({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-3, weightDecay }), rule: adamRule(0.05, 0.8, 0.99, 1e-3, weightDecay) },
  { name: 'rmsprop defaults', make: () => rmsprop({ weightDecay }), rule: rmspropRule(0.001, 0.9, 1e-7, weightDecay) },
  { name: 'rmsprop', make: () => rmsprop({ learningRate: 0.02, rho: 0.5, epsilon: 1e-3, weightDecay }), rule: rmspropRule(0.02, 0.5, 1e-3, weightDecay) },
  { name: 'adagrad defaults', make: () => adagrad({ weightDecay }), rule: adagradRule(0.01, 1e-7, weightDecay) },
  { name: 'adagrad', make: () => adagrad({ learningRate: 0.2, epsilon: 1e-3, weightDecay }), rule: adagradRule(0.2, 1e-3, weightDecay) },
].map((c) => ({ ...c, weightDecay, name: weightDecay ? `${c.name}, weightDecay ${weightDecay}` : c.name })));

