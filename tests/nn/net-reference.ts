// Float64 reference of a dense network for the tests/nn suites: forward pass, each loss as Keras defines it, the
// gradient by backpropagation, and absolute-value sums that bound the float32 rounding of the library's gradient.
import { Dense, dense, initializers, sequential, tensor, type ActivationName, type LossName, type Sequential } from '../../src/index';
import { erfc, seededValues } from '../reference';

/** Negative slope of leakyRelu layers (TensorFlow.js' default, as the library documents). */
export const LEAKY_ALPHA = Math.fround(0.2);
/** float32 unit roundoff. */
export const U = 2 ** -24;

export interface RefLayer { inDim: number; units: number; act: ActivationName; w: Float64Array; b: Float64Array | null }

/** Weights of `model` as float64 layers (getWeights copies, disposed here). */
export function refLayers(model: Sequential): RefLayer[] {
  const weights = model.getWeights();
  const data = weights.map((t) => Float64Array.from(t.dataSync()));
  weights.forEach((t) => t.dispose());
  let k = 0;
  return model.layers.filter((layer): layer is Dense => layer instanceof Dense).map((layer) => ({
    inDim: layer.inputDim ?? 0, units: layer.units, act: layer.activation,
    w: data[k++], b: layer.useBias ? data[k++] : null,
  }));
}

/** The parameter arrays of `layers` in getWeights order (kernel, bias of each layer). */
export const flatParams = (layers: readonly RefLayer[]): Float64Array[] => layers.flatMap((l) => (l.b ? [l.w, l.b] : [l.w]));

/** An activation of z in float64 (softmax aside). */
const SELU_SCALE = 1.0507009873554805, SELU_ALPHA = 1.6732632423543772;
export const act = (name: ActivationName, z: number): number => {
  switch (name) {
    case 'sigmoid': return 1 / (1 + Math.exp(-z));
    case 'relu': return Math.max(z, 0);
    case 'leakyRelu': return z > 0 ? z : LEAKY_ALPHA * z;
    case 'tanh': return Math.tanh(z);
    case 'elu': return z > 0 ? z : Math.expm1(z);
    case 'selu': return z > 0 ? SELU_SCALE * z : SELU_SCALE * SELU_ALPHA * Math.expm1(z);
    case 'relu6': return Math.min(Math.max(z, 0), 6);
    case 'hardSigmoid': return Math.min(Math.max(0.2 * z + 0.5, 0), 1);
    case 'softplus': return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    case 'gelu': return 0.5 * z * erfc(-z / Math.SQRT2);
    case 'swish': return z / (1 + Math.exp(-z));
    default: return z;
  }
};
/** The derivative of `act` at z. */
export const actGrad = (name: ActivationName, z: number): number => {
  if (name === 'sigmoid') { const s = 1 / (1 + Math.exp(-z)); return s * (1 - s); }
  if (name === 'tanh') return 1 - Math.tanh(z) ** 2;
  if (name === 'relu') return z > 0 ? 1 : 0;
  if (name === 'elu') return z > 0 ? 1 : Math.exp(z);
  if (name === 'selu') return z > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(z);
  if (name === 'relu6') return z > 0 && z < 6 ? 1 : 0;
  if (name === 'hardSigmoid') return z > -2.5 && z < 2.5 ? 0.2 : 0;
  if (name === 'softplus') return 1 / (1 + Math.exp(-z));
  if (name === 'gelu') return 0.5 * erfc(-z / Math.SQRT2) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
  if (name === 'swish') { const s = 1 / (1 + Math.exp(-z)); return s + z * s * (1 - s); }
  return name === 'leakyRelu' ? (z > 0 ? 1 : LEAKY_ALPHA) : 1;
};

export interface Forward {
  /** Weighted sums, activations (softmax applied on a softmax layer) and Σ|a|·|w| + |b| of each layer. */
  z: Float64Array[];
  a: Float64Array[];
  zAbs: Float64Array[];
}

/** Forward pass over `rows` rows of x (row-major). */
export function refForward(layers: readonly RefLayer[], x: ArrayLike<number>, rows: number): Forward {
  const out: Forward = { z: [], a: [], zAbs: [] };
  let input: Float64Array = Float64Array.from(x);
  for (const L of layers) {
    const z = new Float64Array(rows * L.units), zAbs = new Float64Array(rows * L.units);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < L.units; j++) {
        let s = L.b ? L.b[j] : 0, m = L.b ? Math.abs(L.b[j]) : 0;
        for (let p = 0; p < L.inDim; p++) {
          s += input[r * L.inDim + p] * L.w[p * L.units + j];
          m += Math.abs(input[r * L.inDim + p] * L.w[p * L.units + j]);
        }
        z[r * L.units + j] = s;
        zAbs[r * L.units + j] = m;
      }
    }
    const a = L.act === 'softmax' ? softmaxRows(z, rows, L.units) : z.map((v) => act(L.act, v));
    out.z.push(z); out.a.push(a); out.zAbs.push(zAbs);
    input = a;
  }
  return out;
}

export function softmaxRows(z: Float64Array, rows: number, cols: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity, s = 0;
    for (let j = 0; j < cols; j++) m = Math.max(m, z[r * cols + j]);
    for (let j = 0; j < cols; j++) s += p[r * cols + j] = Math.exp(z[r * cols + j] - m);
    for (let j = 0; j < cols; j++) p[r * cols + j] /= s;
  }
  return p;
}

/** Targets as a dense [rows, cols] array: one-hot rows for sparse labels. */
export function denseTargets(loss: LossName, y: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (loss !== 'sparseCategoricalCrossentropy') return Float64Array.from(y);
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) t[r * cols + y[r]] = 1;
  return t;
}

/** Keras' clip of probabilities for binaryCrossentropy: [1e-7, 1 − 1e-7], both in float32. */
const EPS = Math.fround(1e-7), HI = Math.fround(1 - EPS);

/**
 * Mean loss of the last layer: mse and mae over every element; binaryCrossentropy from the logits with a sigmoid
 * output (Keras uses the logits then, unclipped), else on clipped probabilities; categorical losses mean −Σ t·log
 * softmax over rows.
 */
export function refLoss(loss: LossName, f: Forward, layers: readonly RefLayer[], t: Float64Array, rows: number): number {
  const last = layers[layers.length - 1], z = f.z[f.z.length - 1], p = f.a[f.a.length - 1];
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (loss === 'meanSquaredError') sum += (p[i] - t[i]) ** 2;
    else if (loss === 'meanAbsoluteError') sum += Math.abs(p[i] - t[i]);
    else if (loss === 'binaryCrossentropy' && last.act === 'sigmoid') sum += Math.max(z[i], 0) - z[i] * t[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
    else if (loss === 'binaryCrossentropy') {
      const q = Math.min(Math.max(p[i], EPS), HI);
      sum -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
    } else if (t[i] !== 0) sum -= t[i] * Math.log(p[i]);
  }
  return loss.endsWith('ategoricalCrossentropy') ? sum / rows : sum / p.length;
}

export interface Gradients {
  /** dLoss/dparameter in getWeights order. */
  g: Float64Array[];
  /**
   * Absolute-value backpropagation: every term of every float32 sum and product on the way to each gradient
   * element, taken in absolute value, with the weighted sums' own magnitudes standing in for the errors they carry
   * into the activation derivatives and the loss gradient. K·U·bound bounds the float32 error (see gradTolerance).
   */
  bound: Float64Array[];
}

/** dLoss/dZ of the last layer and its magnitude bound (see Gradients.bound). */
function outputDelta(loss: LossName, f: Forward, layers: readonly RefLayer[], t: Float64Array, rows: number): [Float64Array, Float64Array] {
  const last = layers[layers.length - 1], cols = last.units, n = rows * cols;
  const z = f.z[f.z.length - 1], p = f.a[f.a.length - 1], zAbs = f.zAbs[f.zAbs.length - 1];
  const d = new Float64Array(n), m = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols);
    if (last.act === 'softmax') {
      let rowAbs = 0, rowT = 0;
      for (let j = 0; j < cols; j++) { rowAbs += zAbs[r * cols + j]; rowT += t[r * cols + j]; }
      d[i] = (p[i] * rowT - t[i]) / rows; // the gradient of −Σ t·log softmax also when float32 rows sum to 1 ± ulps
      m[i] = (rowAbs + Math.abs(p[i]) + Math.abs(t[i])) / rows;
    } else if (loss === 'binaryCrossentropy' && last.act === 'sigmoid') {
      d[i] = (p[i] - t[i]) / n;
      m[i] = (zAbs[i] + Math.abs(p[i]) + Math.abs(t[i])) / n;
    } else {
      const da = loss === 'meanSquaredError' ? (2 * (p[i] - t[i])) / n : loss === 'meanAbsoluteError' ? Math.sign(p[i] - t[i]) / n
        : (p[i] - t[i]) / (p[i] * (1 - p[i])) / n;
      const c = loss === 'meanSquaredError' ? 2 : loss === 'meanAbsoluteError' ? 1 : (1 + 1 / (p[i] * (1 - p[i]))) ** 2;
      d[i] = da * actGrad(last.act, z[i]);
      // A linear output's derivative is exactly 1; others carry the error of z and their own rounding.
      m[i] = (c / n) * (zAbs[i] + Math.abs(p[i]) + Math.abs(t[i])) * (last.act === 'linear' ? 1 : zAbs[i] + 2);
    }
  }
  return [d, m];
}

/** The gradient of refLoss with respect to every parameter, and its rounding bound. */
export function refGradients(loss: LossName, layers: readonly RefLayer[], x: ArrayLike<number>, t: Float64Array, rows: number): Gradients {
  const f = refForward(layers, x, rows);
  let [d, m] = outputDelta(loss, f, layers, t, rows);
  const g: Float64Array[][] = [], bound: Float64Array[][] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l];
    const input = l === 0 ? Float64Array.from(x) : f.a[l - 1];
    const inputAbs = l === 0 ? input.map(Math.abs) : input.map((v, i) => Math.abs(v) + f.zAbs[l - 1][i]);
    const gw = new Float64Array(L.inDim * L.units), mw = new Float64Array(L.inDim * L.units);
    const gb = new Float64Array(L.units), mb = new Float64Array(L.units);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < L.units; j++) {
        const dj = d[r * L.units + j], mj = m[r * L.units + j];
        gb[j] += dj; mb[j] += mj;
        for (let p = 0; p < L.inDim; p++) {
          gw[p * L.units + j] += input[r * L.inDim + p] * dj;
          mw[p * L.units + j] += inputAbs[r * L.inDim + p] * mj;
        }
      }
    }
    g.unshift(L.b ? [gw, gb] : [gw]);
    bound.unshift(L.b ? [mw, mb] : [mw]);
    if (l === 0) break;
    const P = layers[l - 1], dp = new Float64Array(rows * P.units), mp = new Float64Array(rows * P.units);
    for (let r = 0; r < rows; r++) {
      for (let p = 0; p < P.units; p++) {
        let s = 0, sm = 0;
        for (let j = 0; j < L.units; j++) {
          s += d[r * L.units + j] * L.w[p * L.units + j];
          sm += m[r * L.units + j] * Math.abs(L.w[p * L.units + j]);
        }
        const i = r * P.units + p, gz = actGrad(P.act, f.z[l - 1][i]);
        dp[i] = s * gz;
        mp[i] = sm * (P.act === 'linear' ? 1 : Math.abs(gz) + f.zAbs[l - 1][i] + 1);
      }
    }
    d = dp; m = mp;
  }
  return { g: g.flat(), bound: bound.flat() };
}

/**
 * K of the float32 error bound K·U·bound: at least twice every γ_k factor on the way (sums over the input width,
 * each layer's units and the batch rows) plus a few roundings per elementwise step.
 */
export const roundingFactor = (layers: readonly RefLayer[], rows: number): number =>
  4 * (layers[0].inDim + layers.reduce((s, l) => s + l.units, 0) + rows) + 32;

export interface NetSpec { inDim: number; hidden: ActivationName[]; hiddenUnits: number[]; out: ActivationName; outUnits: number }

/** Layers of the spec with seeded float32 glorot-scale kernels and biases in [-0.5, 0.5) (distinct seeds per array). */
export function seededLayers(spec: NetSpec, seed: number): RefLayer[] {
  const units = [...spec.hiddenUnits, spec.outUnits], acts = [...spec.hidden, spec.out];
  return units.map((u, i) => {
    const inDim = i === 0 ? spec.inDim : units[i - 1], range = Math.sqrt(6 / (inDim + u));
    return { inDim, units: u, act: acts[i], w: seededValues(inDim * u, seed + 2 * i, range), b: seededValues(u, seed + 2 * i + 1, 0.5) };
  });
}

/** A model of these layers and weights (the values are float32-rounded into it). */
export function buildModel(layers: readonly RefLayer[]): Sequential {
  const model = sequential(layers.map((L, i) => dense({
    units: L.units, activation: L.act, useBias: L.b !== null, ...(i === 0 ? { inputShape: [L.inDim] } : {}),
    kernelInitializer: initializers.zeros(),
  })));
  const weights = layers.flatMap((L) => [tensor(L.w, [L.inDim, L.units]), ...(L.b ? [tensor(L.b, [L.units])] : [])]);
  model.setWeights(weights);
  weights.forEach((w) => w.dispose());
  return model;
}

/**
 * Checks the gradient an SGD step applied (`params` before, `after` it; lr 1 folded in by the caller's rate) against
 * float64 central differences of `lossAt` (which reads `params`) at steps h and 2h: the float64 reference gradient
 * `g` within the differences' own error (Richardson: about |fd − fd2|/3, plus f64 rounding of the loss), and the
 * applied one within the float32 bound K·U·bound plus the rounding of w − g and of the difference read back.
 * `where(i, j)` names weight j of array i in messages.
 */
export function expectAppliedGradient(params: Float64Array[], after: readonly ArrayLike<number>[], lossAt: () => number, g: readonly Float64Array[],
  bound: readonly Float64Array[], K: number, h: number, where: (i: number, j: number) => string): void {
  const L0 = lossAt();
  params.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) {
      const w0 = w[j];
      const diff = (step: number): number => {
        w[j] = w0 + step; const up = lossAt();
        w[j] = w0 - step; const down = lossAt();
        w[j] = w0;
        return (up - down) / (2 * step);
      };
      const fd = diff(h), fd2 = diff(2 * h);
      const fdError = 2 * Math.abs(fd - fd2) + 1e-10 * (1 + Math.abs(L0));
      const applied = w0 - after[i][j];
      const tol = K * U * bound[i][j] + 2 * U * (Math.abs(w0) + Math.abs(applied)) + fdError;
      if (!(Math.abs(g[i][j] - fd) <= fdError)) throw new Error(`${where(i, j)}: float64 reference gradient ${g[i][j]}, finite difference ${fd}`);
      if (!(Math.abs(applied - fd) <= tol)) throw new Error(`${where(i, j)}: applied gradient ${applied}, finite difference ${fd} (tolerance ${tol})`);
    }
  });
}
