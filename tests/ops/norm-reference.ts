// Float64 references for batch and layer normalization over [n, C] data (rows × channels), the error bounds of the
// float32 kernels (assembly/norm.ts) derived from their roundings, and central differences of a float64 loss.
// 'batch' takes statistics per channel over the rows, 'layer' per row over the channels.

/** Unit roundoff of float32 (half an ULP of 1). */
export const U = 2 ** -24;
/** The smallest float32 subnormal: a floor for bounds on results that may underflow. */
export const TINY = 2 ** -149;
/** The absolute error a float32 rounding may add besides U relative: half the smallest subnormal (underflow). */
export const FLOOR = 2 ** -150;

export type NormKind = 'batch' | 'layer';

export interface NormData {
  kind: NormKind;
  n: number;
  C: number;
  /** [n, C] row-major, float32 values. */
  x: Float64Array;
  /** [C] or null (γ = 1, β = 0). */
  gamma: Float64Array | null;
  beta: Float64Array | null;
  epsilon: number;
}

export interface NormReference {
  /** Per group (channel for 'batch', row for 'layer'): mean, biased variance, 1/√(variance + ε). */
  mean: Float64Array;
  variance: Float64Array;
  invStd: Float64Array;
  /** [n, C]: x̂ = (x − mean)·invStd, and y = x̂·γ + β. */
  xh: Float64Array;
  y: Float64Array;
  /** [n, C]: the error bound of the kernels' float32 x̂ (from the f32 mean and invStd, two roundings). */
  xhError: Float64Array;
}

export const groupOf = (kind: NormKind, C: number) => (i: number): number => (kind === 'batch' ? i % C : Math.floor(i / C));
const groups = (d: { kind: NormKind; n: number; C: number }): number => (d.kind === 'batch' ? d.C : d.n);

/** Mean and biased variance per group, two passes in float64. */
export function refMoments(d: { kind: NormKind; n: number; C: number; x: Float64Array }): { mean: Float64Array; variance: Float64Array } {
  const g = groupOf(d.kind, d.C), count = d.kind === 'batch' ? d.n : d.C;
  const mean = new Float64Array(groups(d)), variance = new Float64Array(groups(d));
  d.x.forEach((v, i) => (mean[g(i)] += v));
  mean.forEach((s, k) => (mean[k] = s / count));
  d.x.forEach((v, i) => (variance[g(i)] += (v - mean[g(i)]) ** 2));
  variance.forEach((s, k) => (variance[k] = s / count));
  return { mean, variance };
}

/** The float64 forward, and the error bound of the float32 x̂. */
export function refNorm(d: NormData): NormReference {
  const { mean, variance } = refMoments(d);
  const invStd = variance.map((v) => 1 / Math.sqrt(v + d.epsilon));
  const g = groupOf(d.kind, d.C);
  const xh = d.x.map((v, i) => (v - mean[g(i)]) * invStd[g(i)]);
  const y = xh.map((v, i) => v * (d.gamma ? d.gamma[i % d.C] : 1) + (d.beta ? d.beta[i % d.C] : 0));
  // The f32 mean is off by its f64 sum's error (count·2^-52·max|x|: terms of opposite signs may cancel x's smallest
  // values out of it, as the mean's own check allows) and u·|μ|, x − m rounds once, invStd (from f64) once and the
  // product once; each rounding may also underflow (FLOOR), the first two amplified by invStd.
  const count = d.kind === 'batch' ? d.n : d.C, sumError = count * 2 ** -52 * d.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const xhError = d.x.map((v, i) => invStd[g(i)] * (sumError + U * (Math.abs(mean[g(i)]) + 3.01 * Math.abs(v - mean[g(i)])) + 2 * FLOOR) + FLOOR);
  return { mean, variance, invStd, xh, y, xhError };
}

/** Bound of the float32 y = fl(fl(x̂·γ) + β): x̂'s error times |γ|, then one rounding each. */
export function outputBound(d: NormData, r: NormReference): Float64Array {
  return r.y.map((y, i) => {
    const gamma = d.gamma ? Math.abs(d.gamma[i % d.C]) : 1;
    return 1.01 * (gamma * r.xhError[i] + U * Math.abs(r.xh[i]) * gamma + U * Math.abs(y)) + 2 * FLOOR;
  });
}

/** Σ dy·y in float64: the loss whose gradients the backwards give. */
export function refLoss(d: NormData, dy: Float64Array): number {
  const y = refNorm(d).y;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += dy[i] * y[i];
  return s;
}

export interface NormGradients {
  dx: Float64Array;
  dGamma: Float64Array;
  dBeta: Float64Array;
}

/**
 * ∂(Σ dy·y)/∂x, ∂γ, ∂β by central differences D(h) of the float64 forward, Richardson-extrapolated:
 * R(h) = (4·D(h/2) − D(h))/3, with h = 1e-2 of the group's √(σ² + ε) for x and 1e-2 for γ and β. The result is R(h/2);
 * its error bound |R(h) − R(h/2)| (its truncation error is about a fifteenth of that) plus the float64 rounding ρ of
 * the loss carried through the steps (≤ 6ρ/h).
 */
export function centralGradients(d: NormData, dy: Float64Array): { grad: NormGradients; error: NormGradients } {
  const ref = refNorm(d), g = groupOf(d.kind, d.C);
  let scale = 0;
  for (let i = 0; i < dy.length; i++) scale += Math.abs(dy[i] * ref.y[i]) + Math.abs(dy[i]);
  const roundoff = 8 * (dy.length + 4) * 2 ** -53 * scale;
  const differentiate = (values: Float64Array, step: (i: number) => number, loss: (v: Float64Array) => number) => {
    const grad = new Float64Array(values.length), error = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const at = (delta: number): number => {
        const moved = values.slice();
        moved[i] += delta;
        return loss(moved);
      };
      const h = step(i), D = (s: number): number => (at(s) - at(-s)) / (2 * s);
      const d1 = D(h), d2 = D(h / 2), d4 = D(h / 4);
      const coarse = (4 * d2 - d1) / 3, fine = (4 * d4 - d2) / 3;
      grad[i] = fine;
      error[i] = Math.abs(fine - coarse) + (6 * roundoff) / h;
    }
    return { grad, error };
  };
  const dx = differentiate(d.x, (i) => 1e-2 * Math.sqrt(ref.variance[g(i)] + d.epsilon), (x) => refLoss({ ...d, x }, dy));
  const none = { grad: new Float64Array(0), error: new Float64Array(0) };
  const dGamma = d.gamma ? differentiate(d.gamma, () => 1e-2, (gamma) => refLoss({ ...d, gamma }, dy)) : none;
  const dBeta = d.beta ? differentiate(d.beta, () => 1e-2, (beta) => refLoss({ ...d, beta }, dy)) : none;
  return {
    grad: { dx: dx.grad, dGamma: dGamma.grad, dBeta: dBeta.grad },
    error: { dx: dx.error, dGamma: dGamma.error, dBeta: dBeta.error },
  };
}

/**
 * Error bounds of the float32 backward kernels against the exact gradients. With x̂'s bound e (refNorm), and per group
 * the means ū of g and v̄ of g·x̂ (g = dy for 'batch', fl(dy·γ) for 'layer'): the f32 means are off by u·|ū| (plus, for
 * 'layer', g's rounding) and u·|v̄| + mean(|g|·e + |x̂|·u·|g|); (g − ū) − x̂·v̄ adds the product's error |v̄|·e + |x̂|·e_v
 * and three roundings; the factor (invStd rounded, times γ for 'batch') and the product two or three more. dγ = Σ dy·x̂ (f64 sums of f32 x̂) is off by
 * Σ|dy|·e and its rounding; dβ = Σ dy by its rounding.
 */
export function gradientBounds(d: NormData, dy: Float64Array): NormGradients {
  const ref = refNorm(d), g = groupOf(d.kind, d.C), count = d.kind === 'batch' ? d.n : d.C, G = groups(d);
  const gammaAt = (i: number): number => (d.gamma ? d.gamma[i % d.C] : 1);
  const scaled = (i: number): number => (d.kind === 'layer' ? dy[i] * gammaAt(i) : dy[i]);
  const mu = new Float64Array(G), nu = new Float64Array(G), gError = new Float64Array(G), vError = new Float64Array(G);
  dy.forEach((_, i) => {
    const k = g(i), s = scaled(i), layer = d.kind === 'layer' ? U * Math.abs(s) : 0;
    mu[k] += s / count;
    nu[k] += (s * ref.xh[i]) / count;
    gError[k] += layer / count;
    vError[k] += (Math.abs(s) * ref.xhError[i] + Math.abs(ref.xh[i]) * layer) / count;
  });
  const dx = dy.map((_, i) => {
    const k = g(i), s = scaled(i), xh = Math.abs(ref.xh[i]);
    const factor = ref.invStd[k] * (d.kind === 'batch' ? Math.abs(gammaAt(i)) : 1);
    const eU = U * Math.abs(mu[k]) + gError[k], eV = U * Math.abs(nu[k]) + vError[k];
    const eG = d.kind === 'layer' ? U * Math.abs(s) : 0;
    const sizes = Math.abs(s) + Math.abs(mu[k]) + xh * Math.abs(nu[k]);
    const roundings = d.kind === 'batch' ? 6 : 5;
    return 1.01 * factor * (eG + eU + Math.abs(nu[k]) * ref.xhError[i] + xh * eV + roundings * U * sizes) + 8 * FLOOR * (factor + 1);
  });
  const dGamma = new Float64Array(d.C), dBeta = new Float64Array(d.C), sumAbsDy = new Float64Array(d.C);
  dy.forEach((v, i) => {
    const c = i % d.C;
    dGamma[c] += Math.abs(v) * ref.xhError[i] + 2 ** -50 * Math.abs(v * ref.xh[i]);
    sumAbsDy[c] += Math.abs(v);
  });
  const exact = exactParameterGradients(d, dy);
  return {
    dx,
    dGamma: dGamma.map((e, c) => 1.01 * (e + U * Math.abs(exact.dGamma[c])) + TINY),
    dBeta: dBeta.map((_, c) => 1.01 * (U * Math.abs(exact.dBeta[c]) + 2 ** -50 * sumAbsDy[c]) + TINY),
  };
}

/** dγ = Σ_rows dy·x̂ and dβ = Σ_rows dy per channel, in float64. */
export function exactParameterGradients(d: NormData, dy: Float64Array): { dGamma: Float64Array; dBeta: Float64Array } {
  const ref = refNorm(d);
  const dGamma = new Float64Array(d.C), dBeta = new Float64Array(d.C);
  dy.forEach((v, i) => {
    dGamma[i % d.C] += v * ref.xh[i];
    dBeta[i % d.C] += v;
  });
  return { dGamma, dBeta };
}
