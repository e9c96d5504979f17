// Float64 reference of a model graph for the graph suites (graph*.test.ts): a small interpreter of dense layers
// (shared ones are one set of parameters), merges and dropout (identity: no gradient test trains with it), the loss of
// each output as Keras defines it, their weighted total, its gradient by backpropagation, and the absolute-value sums
// that bound the float32 rounding of the library's gradient, as net-reference.ts does for stacks.
import { expect } from 'vitest';
import {
  Dense, dense, dispose, dropout, initializers, input, layers, model, tensor, type ActivationName, type LossName, type Model, type SymbolicTensor,
} from '../../src/index';
import { seededValues } from '../reference';
import { act, actGrad, softmaxRows, U } from './net-reference';

export { U };

/** One call in a reference graph; arguments are indices of earlier nodes. */
export type RefNode =
  | { op: 'input'; width: number }
  | { op: 'dense'; layer: number; arg: number }
  | { op: 'add' | 'multiply' | 'average' | 'concatenate'; args: number[] }
  | { op: 'dropout'; arg: number };

/** A dense layer's parameters (one set, whatever the number of its calls). */
export interface RefDense { units: number; act: ActivationName; w: Float64Array; b: Float64Array | null; inDim: number }

export interface RefOutput { node: number; loss: LossName; weight: number }

/** Nodes in topological order; inputs and outputs as node indices in the model's order. */
export interface RefGraph { nodes: RefNode[]; dense: RefDense[]; inputs: number[]; outputs: RefOutput[] }

/** Features per sample of each node. */
export function widths(g: RefGraph): number[] {
  const out: number[] = [];
  for (const n of g.nodes) {
    if (n.op === 'input') out.push(n.width);
    else if (n.op === 'dense') out.push(g.dense[n.layer].units);
    else if (n.op === 'dropout') out.push(out[n.arg]);
    else if (n.op === 'concatenate') out.push(n.args.reduce((s, a) => s + out[a], 0));
    else out.push(out[n.args[0]]);
  }
  return out;
}

/** Whether another node takes node i's output. */
export const consumed = (g: RefGraph, i: number): boolean =>
  g.nodes.some((n) => (n.op === 'dense' || n.op === 'dropout' ? n.arg === i : n.op !== 'input' && n.args.includes(i)));

export interface GraphForward {
  /** Each node's values (rows × width). */
  v: Float64Array[];
  /** A dense node's weighted sums and Σ scale·|w| + |b| (empty for other nodes). */
  z: Float64Array[];
  zAbs: Float64Array[];
  /**
   * The scale of each value's float32 error: |value| plus the absolute terms of everything summed into it (inputs:
   * |x|). K·U·scale bounds the error of the library's float32 value.
   */
  s: Float64Array[];
}

/** Forward pass over `rows` rows of each input (row-major), dropout off. */
export function graphForward(g: RefGraph, xs: readonly ArrayLike<number>[], rows: number): GraphForward {
  const W = widths(g), f: GraphForward = { v: [], z: [], zAbs: [], s: [] };
  const none = new Float64Array(0);
  g.nodes.forEach((n, i) => {
    const w = W[i], v = new Float64Array(rows * w), s = new Float64Array(rows * w);
    let z = none, zAbs = none;
    if (n.op === 'input') {
      v.set(Array.from(xs[g.inputs.indexOf(i)]));
      v.forEach((x, k) => { s[k] = Math.abs(x); });
    } else if (n.op === 'dense') {
      const L = g.dense[n.layer], a = f.v[n.arg], sa = f.s[n.arg];
      z = new Float64Array(rows * w); zAbs = new Float64Array(rows * w);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < w; j++) {
          let sum = L.b ? L.b[j] : 0, m = L.b ? Math.abs(L.b[j]) : 0;
          for (let p = 0; p < L.inDim; p++) {
            sum += a[r * L.inDim + p] * L.w[p * w + j];
            m += sa[r * L.inDim + p] * Math.abs(L.w[p * w + j]);
          }
          z[r * w + j] = sum;
          zAbs[r * w + j] = m;
        }
      }
      v.set(L.act === 'softmax' ? softmaxRows(z, rows, w) : z.map((x) => act(L.act, x)));
      v.forEach((x, k) => { s[k] = Math.abs(x) + zAbs[k]; });
    } else if (n.op === 'dropout') {
      v.set(f.v[n.arg]);
      s.set(f.s[n.arg]);
    } else if (n.op === 'concatenate') {
      let at = 0;
      for (const a of n.args) {
        const wa = W[a];
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < wa; j++) { v[r * w + at + j] = f.v[a][r * wa + j]; s[r * w + at + j] = f.s[a][r * wa + j]; }
        }
        at += wa;
      }
    } else {
      for (let k = 0; k < rows * w; k++) {
        const vals = n.args.map((a) => f.v[a][k]), scales = n.args.map((a) => f.s[a][k]);
        if (n.op === 'multiply') {
          v[k] = vals.reduce((p, x) => p * x, 1);
          // d(Π a_j) = Σ_j da_j Π_{l≠j} |a_l|: each argument's error times the others' magnitudes.
          s[k] = Math.abs(v[k]) + scales.reduce((sum, sj, j) => sum + sj * vals.reduce((p, x, l) => (l === j ? p : p * Math.abs(x)), 1), 0);
        } else {
          const scale = n.op === 'average' ? 1 / n.args.length : 1;
          v[k] = vals.reduce((p, x) => p + x, 0) * scale;
          s[k] = Math.abs(v[k]) + scales.reduce((p, x) => p + x, 0) * scale;
        }
      }
    }
    f.v.push(v); f.s.push(s); f.z.push(z); f.zAbs.push(zAbs);
  });
  return f;
}

/** Keras' clip of probabilities for binaryCrossentropy: [1e-7, 1 − 1e-7], both in float32. */
const EPS = Math.fround(1e-7), HI = Math.fround(1 - EPS);

/** Whether output o's loss works on its layer's weighted sums (softmax, or a sigmoid no other layer takes). */
export function fusedLoss(g: RefGraph, o: RefOutput): boolean {
  const n = g.nodes[o.node];
  if (n.op !== 'dense') return false;
  const a = g.dense[n.layer].act;
  return a === 'softmax' || (o.loss === 'binaryCrossentropy' && a === 'sigmoid' && !consumed(g, o.node));
}

/** Targets as a dense [rows, cols] array: one-hot rows for sparse labels. */
export function denseTargetsOf(loss: LossName, y: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (loss !== 'sparseCategoricalCrossentropy') return Float64Array.from(y);
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) t[r * cols + y[r]] = 1;
  return t;
}

/** Mean loss of output o (dense targets t): mse and mae over every element, binaryCrossentropy from the logits when fused. */
export function outputLoss(g: RefGraph, f: GraphForward, o: RefOutput, t: Float64Array, rows: number): number {
  const p = f.v[o.node], z = f.z[o.node], fused = fusedLoss(g, o);
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (o.loss === 'meanSquaredError') sum += (p[i] - t[i]) ** 2;
    else if (o.loss === 'meanAbsoluteError') sum += Math.abs(p[i] - t[i]);
    else if (o.loss === 'binaryCrossentropy' && fused) sum += Math.max(z[i], 0) - z[i] * t[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
    else if (o.loss === 'binaryCrossentropy') {
      const q = Math.min(Math.max(p[i], EPS), HI);
      sum -= t[i] * Math.log(q) + (1 - t[i]) * Math.log(1 - q);
    } else if (t[i] !== 0) sum -= t[i] * Math.log(p[i]);
  }
  return o.loss.endsWith('ategoricalCrossentropy') ? sum / rows : sum / p.length;
}

/** Each output's loss and the weighted total Σ weight·loss. */
export function graphLosses(g: RefGraph, f: GraphForward, ts: readonly Float64Array[], rows: number): { each: number[]; total: number } {
  const each = g.outputs.map((o, k) => outputLoss(g, f, o, ts[k], rows));
  return { each, total: each.reduce((sum, l, k) => sum + g.outputs[k].weight * l, 0) };
}

/** The weighted total loss at the graph's current parameters. */
export const totalLoss = (g: RefGraph, xs: readonly ArrayLike<number>[], ts: readonly Float64Array[], rows: number): number =>
  graphLosses(g, graphForward(g, xs, rows), ts, rows).total;

/** The gradient of one output's loss (times `weight`): by its outputs (dA) or, fused, by its weighted sums (dZ), with magnitudes. */
interface LossDelta { dA: Float64Array; mA: Float64Array; dZ: Float64Array; mZ: Float64Array }

function lossDelta(g: RefGraph, f: GraphForward, o: RefOutput, t: Float64Array, rows: number): LossDelta {
  const p = f.v[o.node], n = p.length, cols = n / rows, fused = fusedLoss(g, o), w = o.weight;
  const node = g.nodes[o.node], activation = node.op === 'dense' ? g.dense[node.layer].act : 'linear';
  const zAbs = node.op === 'dense' ? f.zAbs[o.node] : f.s[o.node];
  const d: LossDelta = { dA: new Float64Array(n), mA: new Float64Array(n), dZ: new Float64Array(n), mZ: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / cols);
    if (activation === 'softmax') {
      let rowAbs = 0, rowT = 0;
      for (let j = 0; j < cols; j++) { rowAbs += zAbs[r * cols + j]; rowT += t[r * cols + j]; }
      d.dZ[i] = (w * (p[i] * rowT - t[i])) / rows;
      d.mZ[i] = (w * (rowAbs + Math.abs(p[i]) + Math.abs(t[i]))) / rows;
    } else if (fused) {
      d.dZ[i] = (w * (p[i] - t[i])) / n;
      d.mZ[i] = (w * (zAbs[i] + Math.abs(p[i]) + Math.abs(t[i]))) / n;
    } else {
      const da = o.loss === 'meanSquaredError' ? (2 * (p[i] - t[i])) / n : o.loss === 'meanAbsoluteError' ? Math.sign(p[i] - t[i]) / n
        : (p[i] - t[i]) / (p[i] * (1 - p[i])) / n;
      const c = o.loss === 'meanSquaredError' ? 2 : o.loss === 'meanAbsoluteError' ? 1 : (1 + 1 / (p[i] * (1 - p[i]))) ** 2;
      d.dA[i] = w * da;
      d.mA[i] = ((w * c) / n) * (zAbs[i] + Math.abs(p[i]) + Math.abs(t[i]));
    }
  }
  return d;
}

/**
 * The bound of the float32 error of each output's loss as the library computes it (from its float32 forward): the
 * first-order change of the loss under errors of K·U·scale in its inputs, plus 8 roundings of each term.
 */
export function lossBounds(g: RefGraph, f: GraphForward, ts: readonly Float64Array[], rows: number, K: number): number[] {
  return g.outputs.map((o, k) => {
    const d = lossDelta(g, f, { ...o, weight: 1 }, ts[k], rows), node = g.nodes[o.node];
    const zAbs = node.op === 'dense' ? f.zAbs[o.node] : f.s[o.node];
    let first = 0;
    for (let i = 0; i < d.dA.length; i++) first += Math.abs(d.dA[i]) * f.s[o.node][i] + Math.abs(d.dZ[i]) * zAbs[i];
    return K * U * first + 8 * U * Math.abs(outputLoss(g, f, o, ts[k], rows));
  });
}

export interface GraphGradients {
  /** dTotal/dparameter in getWeights order (each dense layer's kernel, then its bias). */
  g: Float64Array[];
  /** Absolute-value backpropagation (see net-reference's Gradients.bound): K·U·bound bounds the float32 error. */
  bound: Float64Array[];
}

/** The gradient of the weighted total loss by every parameter (a shared layer's summed over its calls), and its bound. */
export function graphGradients(g: RefGraph, xs: readonly ArrayLike<number>[], ts: readonly Float64Array[], rows: number): GraphGradients {
  const f = graphForward(g, xs, rows), W = widths(g);
  const dA = W.map((w) => new Float64Array(rows * w)), mA = W.map((w) => new Float64Array(rows * w));
  const dZ = W.map((w) => new Float64Array(rows * w)), mZ = W.map((w) => new Float64Array(rows * w));
  g.outputs.forEach((o, k) => {
    const d = lossDelta(g, f, o, ts[k], rows);
    for (let i = 0; i < d.dA.length; i++) {
      dA[o.node][i] += d.dA[i]; mA[o.node][i] += d.mA[i]; dZ[o.node][i] += d.dZ[i]; mZ[o.node][i] += d.mZ[i];
    }
  });
  const gw = g.dense.map((L) => new Float64Array(L.inDim * L.units)), mw = g.dense.map((L) => new Float64Array(L.inDim * L.units));
  const gb = g.dense.map((L) => new Float64Array(L.units)), mb = g.dense.map((L) => new Float64Array(L.units));
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i], w = W[i];
    if (n.op === 'input') continue;
    if (n.op === 'dropout') {
      for (let k = 0; k < rows * w; k++) { dA[n.arg][k] += dA[i][k]; mA[n.arg][k] += mA[i][k]; }
    } else if (n.op === 'dense') {
      const L = g.dense[n.layer], a = f.v[n.arg], sa = f.s[n.arg], inDim = L.inDim;
      const dz = new Float64Array(rows * w), mz = new Float64Array(rows * w);
      for (let k = 0; k < rows * w; k++) {
        dz[k] = dA[i][k] * actGrad(L.act, f.z[i][k]) + dZ[i][k];
        // A linear layer's derivative is exactly 1; others carry the error of z and their own rounding.
        mz[k] = mA[i][k] * (L.act === 'linear' ? 1 : f.zAbs[i][k] + 2) + mZ[i][k];
      }
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < w; j++) {
          const dj = dz[r * w + j], mj = mz[r * w + j];
          gb[n.layer][j] += dj; mb[n.layer][j] += mj;
          for (let p = 0; p < inDim; p++) {
            gw[n.layer][p * w + j] += a[r * inDim + p] * dj;
            mw[n.layer][p * w + j] += sa[r * inDim + p] * mj;
            dA[n.arg][r * inDim + p] += dj * L.w[p * w + j];
            mA[n.arg][r * inDim + p] += mj * Math.abs(L.w[p * w + j]);
          }
        }
      }
    } else if (n.op === 'concatenate') {
      let at = 0;
      for (const a of n.args) {
        const wa = W[a];
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < wa; j++) { dA[a][r * wa + j] += dA[i][r * w + at + j]; mA[a][r * wa + j] += mA[i][r * w + at + j]; }
        }
        at += wa;
      }
    } else {
      for (let k = 0; k < rows * w; k++) {
        n.args.forEach((a, j) => {
          if (n.op === 'multiply') {
            const others = n.args.reduce((p, b, l) => (l === j ? p : p * f.v[b][k]), 1);
            const otherScales = n.args.reduce((p, b, l) => (l === j ? p : p * (Math.abs(f.v[b][k]) + f.s[b][k])), 1);
            dA[a][k] += dA[i][k] * others;
            mA[a][k] += mA[i][k] * otherScales;
          } else {
            const scale = n.op === 'average' ? 1 / n.args.length : 1;
            dA[a][k] += dA[i][k] * scale;
            mA[a][k] += mA[i][k] * scale;
          }
        });
      }
    }
  }
  return {
    g: g.dense.flatMap((L, l) => (L.b ? [gw[l], gb[l]] : [gw[l]])),
    bound: g.dense.flatMap((L, l) => (L.b ? [mw[l], mb[l]] : [mw[l]])),
  };
}

/**
 * K of the float32 error bound K·U·bound, as net-reference's roundingFactor: twice every γ_k factor on the way (the
 * sums over each dense call's inputs and units and over the batch rows) plus a few roundings per node.
 */
export function graphRoundingFactor(g: RefGraph, rows: number): number {
  const sums = g.nodes.reduce((s, n) => s + (n.op === 'dense' ? g.dense[n.layer].inDim + g.dense[n.layer].units : n.op === 'input' ? n.width : 1), 0);
  return 4 * (sums + rows + g.nodes.length) + 32;
}

/** The parameter arrays of `g` in getWeights order (kernel, bias of each dense layer), the arrays themselves. */
export const graphParams = (g: RefGraph): Float64Array[] => g.dense.flatMap((L) => (L.b ? [L.w, L.b] : [L.w]));

/** Seeded float32 glorot-scale kernels and biases in [-0.5, 0.5) for the dense layers of `g` (distinct seeds per array). */
export function seedParams(g: RefGraph, seed: number): void {
  g.dense.forEach((L, i) => {
    const range = Math.sqrt(6 / (L.inDim + L.units));
    L.w = seededValues(L.inDim * L.units, seed + 2 * i, range);
    if (L.b) L.b = seededValues(L.units, seed + 2 * i + 1, 0.5);
  });
}

/** True when a relu or leakyRelu kink lies within `kink` of a weighted sum of `g` (or mae's kink of an output). */
export function nearKink(g: RefGraph, xs: readonly ArrayLike<number>[], ts: readonly Float64Array[], rows: number, kink: number): boolean {
  const f = graphForward(g, xs, rows);
  const dense = g.nodes.some((n, i) => n.op === 'dense' && (g.dense[n.layer].act === 'relu' || g.dense[n.layer].act === 'leakyRelu') &&
    f.z[i].some((z) => Math.abs(z) < kink));
  return dense || g.outputs.some((o, k) => o.loss === 'meanAbsoluteError' && f.v[o.node].some((p, i) => Math.abs(p - ts[k][i]) < kink));
}

/**
 * Builds a model and its reference side by side: each call adds a node to both (a library layer applied to symbolic
 * tensors, and a RefNode). `model` makes the Model, sets the reference's parameters into it with setWeights (in the
 * order of model.layers, which must hold each dense layer once) and reads them back with getWeights.
 */
export class GraphBuilder {
  readonly ref: RefGraph = { nodes: [], dense: [], inputs: [], outputs: [] };
  readonly symbols: SymbolicTensor[] = [];
  readonly layers: Dense[] = [];

  private push(node: RefNode, symbol: SymbolicTensor): number {
    this.ref.nodes.push(node);
    return this.symbols.push(symbol) - 1;
  }

  input(width: number, name?: string): number {
    return this.push({ op: 'input', width }, input({ shape: [width], ...(name ? { name } : {}) }));
  }

  /** A new dense layer applied to node `arg`; its index in `layers` is `this.layers.length - 1` after. */
  dense(arg: number, units: number, activation: ActivationName, options: { useBias?: boolean; name?: string } = {}): number {
    const useBias = options.useBias ?? true;
    const layer = dense({ units, activation, useBias, kernelInitializer: initializers.zeros(), ...(options.name ? { name: options.name } : {}) });
    const inDim = widths(this.ref)[arg];
    this.layers.push(layer);
    this.ref.dense.push({ units, act: activation, inDim, w: new Float64Array(inDim * units), b: useBias ? new Float64Array(units) : null });
    return this.push({ op: 'dense', layer: this.layers.length - 1, arg }, layer.apply(this.symbols[arg]));
  }

  /** Dense layer `index` applied again (its weights shared) to node `arg`. */
  again(index: number, arg: number): number {
    return this.push({ op: 'dense', layer: index, arg }, this.layers[index].apply(this.symbols[arg]));
  }

  merge(op: 'add' | 'multiply' | 'average' | 'concatenate', args: number[]): number {
    return this.push({ op, args }, layers[op]().apply(args.map((a) => this.symbols[a])));
  }

  dropout(arg: number, rate: number): number {
    return this.push({ op: 'dropout', arg }, dropout({ rate }).apply(this.symbols[arg]));
  }

  /** The model of `inputs` and `outputs` (node indices, with each output's loss and weight), its weights seeded. */
  model(inputs: number[], outputs: RefOutput[], seed: number, modelSeed?: number): Model {
    this.ref.inputs = inputs;
    this.ref.outputs = outputs;
    seedParams(this.ref, seed);
    const net = model({ inputs: inputs.map((i) => this.symbols[i]), outputs: outputs.map((o) => this.symbols[o.node]),
      ...(modelSeed === undefined ? {} : { seed: modelSeed }) });
    // The reference's dense layers in the order of model.layers: the order of getWeights.
    const order = net.layers.filter((l): l is Dense => l instanceof Dense).map((l) => this.layers.indexOf(l));
    expect([...order].sort((a, b) => a - b), 'model.layers holds each dense layer once').toEqual(this.layers.map((_, i) => i));
    const where = order.map((_, i) => order.indexOf(i));
    this.ref.dense = order.map((i) => this.ref.dense[i]);
    this.layers.splice(0, this.layers.length, ...order.map((i) => this.layers[i]));
    this.ref.nodes = this.ref.nodes.map((n) => (n.op === 'dense' ? { ...n, layer: where[n.layer] } : n));
    const weights = this.ref.dense.flatMap((L) => [tensor(L.w, [L.inDim, L.units]), ...(L.b ? [tensor(L.b, [L.units])] : [])]);
    net.setWeights(weights);
    dispose(weights);
    readParams(net, this.ref);
    return net;
  }
}

/** Sets the parameters of `ref` to the model's weights (getWeights, in float64). */
export function readParams(net: Model, ref: RefGraph): void {
  const weights = net.getWeights(), params = graphParams(ref);
  expect(weights.map((w) => w.size), 'getWeights sizes').toEqual(params.map((p) => p.length));
  weights.forEach((w, i) => params[i].set(w.dataSync()));
  dispose(weights);
}

/** The model's weights in float64 (copies). */
export function weightsOf(net: Model): Float64Array[] {
  const weights = net.getWeights();
  const out = weights.map((w) => Float64Array.from(w.dataSync()));
  dispose(weights);
  return out;
}
