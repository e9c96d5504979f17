// The training loop: one workspace per fit (batch buffers, activations, deltas, gradients), so a steady-state
// epoch allocates nothing; per batch: gather rows, forward (matmul + bias + activation fused), loss and its
// gradient, backward deltas through Wᵀ, weight gradients Xᵀ·dZ and bias sums, then in-place optimizer updates.
import { allocBytes, freeBytes, i32View } from '../runtime/heap';
import { gemm } from '../runtime/threads';
import { kernels } from '../runtime/wasm';
import { showValue } from '../tensor/errors';
import { checkInteger } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { ACTIVATION_CODES, LEAKY_ALPHA } from './dense';
import { computeMetrics } from './metrics';
import type { DropoutBuffers, Sequential } from './sequential';
import { dropoutBackward } from './dropout';
import { writeState } from '../tensor/random';

/** Logs of an epoch or batch: the loss, metrics and (with validation) val_ versions. */
export type Logs = Record<string, number>;

/** Callbacks `fit` calls; returning true from onEpochEnd stops training. */
export interface Callbacks {
  /** Called once before training with the model being trained. */
  setModel?: (model: Sequential) => void;
  onEpochEnd?: (epoch: number, logs: Logs) => void | boolean | Promise<void | boolean>;
  onBatchEnd?: (batch: number, logs: Logs) => void;
  /** Called once when training ends, however it ends. */
  onTrainEnd?: () => void;
}

/** Options of `fit`. */
export interface FitOptions {
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Samples per gradient step (default 32). */
  batchSize?: number;
  /** Shuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling, for repeatable runs. */
  seed?: number;
  /** Fraction of the samples, taken from the end, held out for validation (as Keras). */
  validationSplit?: number;
  /** Validation samples given explicitly. */
  validationData?: [Tensor, Tensor];
  callbacks?: Callbacks | readonly Callbacks[];
  /** 1 prints one line per epoch. */
  verbose?: 0 | 1;
}

/** What `fit` resolves to. */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
}

// A small seeded generator (mulberry32) for shuffling: the same seed gives the same order everywhere.
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Trains `model` (see Sequential.fit). */
export async function runFit(model: Sequential, x: Tensor, y: Tensor, options: FitOptions): Promise<History> {
  const op = 'fit';
  const loss = model.requireCompiled(op);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  const input = model.checkInput(x, op);
  const total = input.shape[0];
  const target = model.checkTarget(y, total, op);
  const epochs = checkInteger(options.epochs ?? 1, op, 'epochs', 0, 1e9);
  const batchSize = checkInteger(options.batchSize ?? 32, op, 'batchSize', 1, 1 << 20);
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new RangeError(`${op}: validationSplit must be in [0, 1), got ${showValue(split)}`);
  let validation = options.validationData;
  if (validation !== undefined) {
    if (!Array.isArray(validation) || validation.length !== 2) throw new TypeError(`${op}: validationData must be [x, y], got ${showValue(validation)}`);
    model.checkInput(validation[0], op, 'validationData[0]');
    model.checkTarget(validation[1], validation[0].shape[0], op, 'validationData[1]');
  }
  const samples = total - Math.floor(total * split);
  const callbacks = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks as Callbacks];
  const fitSeed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const random = generator(fitSeed);

  const k = kernels();
  const layers = model.layers;
  const inDim = model.inputDim, outDim = model.outputDim, yCols = loss.sparse ? 1 : outDim;
  const rowsOf = Math.min(batchSize, Math.max(samples, 1));
  const buffers: number[] = [];
  const take = (floats: number): number => {
    const ptr = allocBytes(Math.max(1, floats) * 4, op);
    buffers.push(ptr);
    return ptr;
  };
  for (const c of callbacks) c.setModel?.(model);
  try {
    const order = take(Math.max(samples, 1));
    const xb = take(rowsOf * inDim), yb = take(rowsOf * yCols);
    const outputs = layers.map((layer) => take(rowsOf * layer.units));
    const deltas = layers.map((layer) => take(rowsOf * layer.units));
    const params = model.parameters();
    const grads = params.map((p) => take(p.size));
    const dropping = layers.some((layer) => layer.dropout > 0);
    const drop: DropoutBuffers | undefined = dropping ? {
      masks: layers.map((layer) => (layer.dropout > 0 ? take(rowsOf * layer.units) : 0)),
      dropped: layers.map((layer) => (layer.dropout > 0 ? take(rowsOf * layer.units) : 0)),
      state: take(4),
    } : undefined;
    if (drop) writeState(drop.state, fitSeed);
    const state = model.optimizerState();
    const history: History = { epoch: [], history: {} };
    const record = (logs: Logs): void => {
      for (const [key, value] of Object.entries(logs)) (history.history[key] ??= []).push(value);
    };
    if (split > 0 && samples < total) {
      validation = [input, target]; // rows [samples, total) of the same tensors
    }
    let lastYield = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) {
      const perm = i32View(order, samples);
      for (let i = 0; i < samples; i++) perm[i] = i;
      if (options.shuffle ?? true) {
        for (let i = samples - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
      }
      const sums: Logs = {};
      for (let start = 0, batch = 0; start < samples; start += batchSize, batch++) {
        const rows = Math.min(batchSize, samples - start);
        k.gather(input.ptr, xb, order + 4 * start, rows, 1, total, inDim);
        k.gather(target.ptr, yb, order + 4 * start, rows, 1, total, yCols);
        const out = model.forwardRows(xb, rows, outputs, loss.fused, drop);
        const value = loss.compute(out, yb, deltas[layers.length - 1], rows, outDim);
        const logs: Logs = { loss: value, ...computeMetrics(model.metrics, loss, out, yb, rows, outDim) };
        for (const [key, v] of Object.entries(logs)) sums[key] = (sums[key] ?? 0) + v * rows;
        backward(model, xb, rows, outputs, deltas, grads, drop);
        model.step++;
        params.forEach((p, i) => model.optimizer?.update(p.ptr, grads[i], state[i] ?? [], p.size, model.step));
        for (const c of callbacks) c.onBatchEnd?.(batch, logs);
        if (performance.now() - lastYield > 16) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
      }
      const logs: Logs = Object.fromEntries(Object.entries(sums).map(([key, v]) => [key, v / samples]));
      if (validation) {
        const [vx, vy] = validation;
        const valLogs = vx === input && samples < total ? evaluateRows(model, input, target, samples, total, outputs, rowsOf) : model.evaluate(vx, vy);
        for (const [key, v] of Object.entries(valLogs)) logs[`val_${key}`] = v;
      }
      if (!Number.isFinite(logs.loss) && samples > 0) {
        throw new RangeError(`fit: the loss became ${logs.loss} in epoch ${epoch + 1}; lower the learning rate or check the data for NaN`);
      }
      history.epoch.push(epoch);
      record(logs);
      if (options.verbose === 1) console.log(`Epoch ${epoch + 1}/${epochs} ${Object.entries(logs).map(([key, v]) => `${key}=${v.toPrecision(4)}`).join(' ')}`);
      let stop = false;
      for (const c of callbacks) stop = (await c.onEpochEnd?.(epoch, logs)) === true || stop;
      if (stop) break;
    }
    return history;
  } finally {
    buffers.forEach(freeBytes);
    for (const c of callbacks) c.onTrainEnd?.();
  }
}

// Gradients of the batch: deltas[last] holds dLoss/dZ of the output layer on entry.
function backward(model: Sequential, xb: number, rows: number, outputs: number[], deltas: number[], grads: number[], drop?: DropoutBuffers): void {
  const k = kernels();
  let g = grads.length;
  for (let l = model.layers.length - 1; l >= 0; l--) {
    const layer = model.layers[l];
    const inDim = layer.inputDim ?? 0, units = layer.units;
    const dropped = l > 0 && drop && model.layers[l - 1].dropout > 0;
    const input = l === 0 ? xb : dropped ? drop.dropped[l - 1] : outputs[l - 1];
    if (layer.bias) k.reduce(0, deltas[l], grads[--g], 1, rows, units); // db = Σ rows of dZ
    gemm(input, inDim, deltas[l], units, grads[--g], units, inDim, rows, units, 1, 0, -1, 0); // dW = Xᵀ·dZ
    if (l === 0) break;
    gemm(deltas[l], units, layer.kernel?.ptr ?? 0, units, deltas[l - 1], inDim, rows, units, inDim, 2, 0, -1, 0); // dA = dZ·Wᵀ
    if (dropped) dropoutBackward(drop.masks[l - 1], deltas[l - 1], rows * inDim);
    const code = ACTIVATION_CODES[model.layers[l - 1].activation];
    if (code >= 0) k.activationBackward(code, outputs[l - 1], deltas[l - 1], deltas[l - 1], rows * inDim, LEAKY_ALPHA);
  }
}

/** Loss and metrics on rows [from, to) of x and y, computed `chunk` rows at a time through `outputs`. */
export function evaluateRows(model: Sequential, x: Tensor, y: Tensor, from: number, to: number, outputs: number[], chunk: number): Logs {
  const loss = model.requireCompiled('evaluate');
  const yCols = loss.sparse ? 1 : model.outputDim;
  const sums: Logs = {};
  for (let start = from; start < to; start += chunk) {
    const rows = Math.min(chunk, to - start);
    const out = model.forwardRows(x.ptr + 4 * start * model.inputDim, rows, outputs, loss.fused);
    const yPtr = y.ptr + 4 * start * yCols;
    const logs = { loss: loss.compute(out, yPtr, 0, rows, model.outputDim), ...computeMetrics(model.metrics, loss, out, yPtr, rows, model.outputDim) };
    for (const [key, v] of Object.entries(logs)) sums[key] = (sums[key] ?? 0) + v * rows;
  }
  return Object.fromEntries(Object.entries(sums).map(([key, v]) => [key, v / (to - from)]));
}
