// Float64 references for weighted losses on one dense layer z = x·W + b (the losses fit fuses with sigmoid and
// softmax, and mse, mae and unfused binary cross-entropy on linear outputs), and the models they describe.
import { dense, sequential, sgd, tensor, type Model } from '../../src/index';

export type Kind = 'mse' | 'mae' | 'bce' | 'bceLinear' | 'cce' | 'sparse';
export const KINDS: readonly Kind[] = ['mse', 'mae', 'bce', 'bceLinear', 'cce', 'sparse'];

const LOSS = {
  mse: 'meanSquaredError', mae: 'meanAbsoluteError', bce: 'binaryCrossentropy', bceLinear: 'binaryCrossentropy',
  cce: 'categoricalCrossentropy', sparse: 'sparseCategoricalCrossentropy',
} as const;
const ACT = { mse: 'linear', mae: 'linear', bce: 'sigmoid', bceLinear: 'linear', cce: 'softmax', sparse: 'softmax' } as const;

/** A problem: x [n, d], kernel [d, u], bias [u], targets (rows of u, or n class indices for sparse), row weights. */
export interface Problem {
  kind: Kind;
  n: number;
  d: number;
  u: number;
  x: number[][];
  kernel: number[][];
  bias: number[];
  y: number[][] | number[];
}

/** One dense layer for the problem's loss, with its kernel and bias, trained by SGD at `lr` (a step is w −= lr·g). */
export function modelFor(p: Problem, lr = 1, metrics: ('accuracy' | 'mae' | 'mse')[] = []): Model {
  const model = sequential([dense({ units: p.u, activation: ACT[p.kind], inputShape: [p.d] })]);
  model.compile({ optimizer: sgd({ learningRate: lr }), loss: LOSS[p.kind], metrics });
  const k = tensor(p.kernel), b = tensor(p.bias);
  model.setWeights([k, b]);
  k.dispose();
  b.dispose();
  return model;
}

/** Row r's targets as u values (one-hot for sparse). */
function targetRow(p: Problem, r: number): number[] {
  if (p.kind !== 'sparse') return (p.y as number[][])[r];
  return Array.from({ length: p.u }, (_, j) => (j === (p.y as number[])[r] ? 1 : 0));
}

/** Σ_r w_r·loss_r / n (Keras's sum over batch size) and its gradient with respect to the kernel and bias, in f64. */
export function weightedLoss(p: Problem, w: readonly number[]): { loss: number; dKernel: number[][]; dBias: number[] } {
  const { n, d, u } = p, f = Math.fround;
  let loss = 0;
  const dz: number[][] = [];
  for (let r = 0; r < n; r++) {
    const z = Array.from({ length: u }, (_, j) => p.bias[j] + p.x[r].reduce((s, xi, i) => s + f(xi) * p.kernel[i][j], 0));
    const t = targetRow(p, r);
    let row = 0;
    const g = new Array<number>(u).fill(0);
    if (p.kind === 'cce' || p.kind === 'sparse') {
      const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < u; j++) {
        row -= t[j] * (z[j] - m - Math.log(s));
        g[j] = w[r] * (e[j] / s - t[j]) / n;
      }
    } else {
      for (let j = 0; j < u; j++) {
        const zj = z[j], tj = t[j], scale = w[r] / (n * u);
        if (p.kind === 'mse') { row += (zj - tj) ** 2 / u; g[j] = 2 * (zj - tj) * scale; }
        if (p.kind === 'mae') { row += Math.abs(zj - tj) / u; g[j] = Math.sign(zj - tj) * scale; }
        if (p.kind === 'bce') {
          row += (Math.max(zj, 0) - zj * tj + Math.log1p(Math.exp(-Math.abs(zj)))) / u;
          g[j] = (1 / (1 + Math.exp(-zj)) - tj) * scale;
        }
        if (p.kind === 'bceLinear') {
          row -= (tj * Math.log(zj) + (1 - tj) * Math.log(1 - zj)) / u;
          g[j] = (zj - tj) / (zj * (1 - zj)) * scale;
        }
      }
    }
    loss += w[r] * row;
    dz.push(g);
  }
  const dKernel = Array.from({ length: d }, (_, i) => Array.from({ length: u }, (_, j) => dz.reduce((s, g, r) => s + f(p.x[r][i]) * g[j], 0)));
  const dBias = Array.from({ length: u }, (_, j) => dz.reduce((s, g) => s + g[j], 0));
  return { loss: loss / n, dKernel, dBias };
}

/** Deterministic values in [lo, hi) from a seed (a small LCG: test data only). */
export function values(count: number, seed: number, lo: number, hi: number): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (hi - lo) * (s / 2 ** 32);
  });
}

/** A problem of the kind with n rows, d features and u units (u >= 2 for the softmax kinds), from a seed. */
export function problem(kind: Kind, n: number, d: number, u: number, seed: number): Problem {
  const linearBce = kind === 'bceLinear';
  const grid = (rows: number, cols: number, s: number, lo: number, hi: number): number[][] => {
    const v = values(rows * cols, s, lo, hi).map(Math.fround);
    return Array.from({ length: rows }, (_, r) => v.slice(r * cols, (r + 1) * cols));
  };
  // Unfused binary cross-entropy on linear outputs keeps them inside (0.2, 0.8): small weights, bias 0.5.
  const x = grid(n, d, seed, -1, 1);
  const kernel = grid(d, u, seed + 1, linearBce ? -0.3 / d : -1, linearBce ? 0.3 / d : 1);
  const bias = values(u, seed + 2, linearBce ? 0.45 : -0.5, linearBce ? 0.55 : 0.5).map(Math.fround);
  const labels = values(n, seed + 3, 0, u).map(Math.floor);
  const y = kind === 'sparse' ? labels
    : kind === 'cce' ? labels.map((c) => Array.from({ length: u }, (_, j) => (j === c ? 1 : 0)))
    : kind === 'bce' || kind === 'bceLinear' ? grid(n, u, seed + 4, 0, 1).map((row) => row.map(Math.round))
    : grid(n, u, seed + 4, -2, 2);
  return { kind, n, d, u, x, kernel, bias, y };
}
