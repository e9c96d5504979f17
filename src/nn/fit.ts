// The training loop: a plan in wasm memory (plan.ts) that assembly/train.ts runs batch after batch: gather,
// forward (matmul + bias + activation fused), loss and its gradient, metrics, backward deltas through Wᵀ, weight
// gradients Xᵀ·dZ and bias sums, then in-place optimizer updates. A steady-state epoch allocates nothing. JS runs
// between calls only: logs, validation, callbacks and a yield to the event loop about every 16 ms.
import { kernels, wasmMemory } from '../runtime/wasm';
import { DisposedError, DivergedError, showShape, showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { metricMask, metricSlots, SLOTS, toLogs } from './metrics';
import { planStillFits, TrainingPlan } from './plan';
import { deriveSeed, SEED_STREAMS } from './seeds';
import type { Sequential } from './sequential';

/**
 * Logs of an epoch or batch: the mean loss and metrics by name, and with validation their `val_` versions
 * (`{ loss, accuracy, val_loss, val_accuracy }`).
 * @example
 * const logs: Logs = { loss: 0.25, val_loss: 0.3 };
 */
export type Logs = Record<string, number>;

/**
 * Callbacks `fit` calls (pass one or an array as `callbacks`), as TensorFlow.js names them. Each may be async: `fit`
 * awaits it before going on. An error a callback throws, or a promise it returns that rejects, rejects `fit` with
 * that error; the model keeps the weights of the last finished step and stays usable. Returning true from
 * onEpochEnd stops training. An unknown name (such as `onEpochEnds`) is an error.
 * @example
 * const losses: number[] = [];
 * const callbacks: Callbacks = { onEpochEnd: (epoch, logs) => { losses.push(logs.loss); return epoch === 2; } };
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ loss: 'meanSquaredError' });
 * await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 10, callbacks });
 * losses.length; // 3
 */
export interface Callbacks {
  /** Called once before training with the model being trained. */
  setModel?: (model: Sequential) => void | Promise<void>;
  /** Called once before the first epoch. */
  onTrainBegin?: () => void | Promise<void>;
  /** Called before each epoch with its index (from 0). */
  onEpochBegin?: (epoch: number) => void | Promise<void>;
  /**
   * Called after each epoch with its index (from 0) and logs (validation included). Returning true (or a promise of
   * true) stops training after this epoch.
   */
  onEpochEnd?: (epoch: number, logs: Logs) => void | boolean | Promise<void | boolean>;
  /** Called before each batch with its index within the epoch (from 0). */
  onBatchBegin?: (batch: number) => void | Promise<void>;
  /**
   * Called after each batch with its index within the epoch (from 0) and its logs (with it, the training kernel
   * runs one batch per call).
   */
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  /** Called once when training ends, however it ends (if training failed, fit rejects with that error). */
  onTrainEnd?: () => void | Promise<void>;
}
const CALLBACK_NAMES = ['setModel', 'onTrainBegin', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onTrainEnd'] as const;
const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'seed', 'validationSplit', 'validationData', 'callbacks', 'verbose', 'terminateOnNaN'];

/**
 * Options of `Sequential.fit`.
 * @example
 * const options: FitOptions = { epochs: 50, batchSize: 16, validationSplit: 0.2, seed: 1 };
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ loss: 'meanSquaredError' });
 * const history = await model.fit(linspace(0, 1, 20).reshape([20, 1]), linspace(0, 2, 20).reshape([20, 1]), options);
 * Object.keys(history.history); // ['loss', 'val_loss']
 */
export interface FitOptions {
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Samples per gradient step (default 32; the last batch of an epoch may be smaller). */
  batchSize?: number;
  /** Shuffle the samples every epoch (default true). */
  shuffle?: boolean;
  /**
   * Seed of this fit's randomness, an integer in [0, 2^53): the order of the samples in each epoch and the dropout
   * masks. Without it, a seed derived from the model's seed (see `sequential`) and its step count, else a random
   * one. The initial weights are fixed when the layers are built (the model's or the initializers' seeds);
   * validationSplit takes the last rows and involves no randomness.
   */
  seed?: number;
  /** Fraction in [0, 1) of the samples, taken from the end (before shuffling), held out for validation, as Keras. */
  validationSplit?: number;
  /** Validation samples [x, y] given explicitly (instead of validationSplit). */
  validationData?: [Tensor, Tensor];
  /** Callbacks, such as `earlyStopping({...})`. */
  callbacks?: Callbacks | readonly Callbacks[];
  /** 1 prints one line per epoch. */
  verbose?: 0 | 1;
  /**
   * Stop with a DivergedError when a batch's loss or gradient is NaN or ±Infinity, keeping the weights from before
   * that step (default true, as Keras' TerminateOnNaN); false trains on.
   */
  terminateOnNaN?: boolean;
}

/**
 * What `fit` resolves to: per epoch, the loss and metrics averaged over its training samples (and the validation
 * ones).
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
 * const history: History = await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 3 });
 * history.epoch; // [0, 1, 2]
 * Object.keys(history.history); // ['loss', 'mae']
 */
export interface History {
  /** The epochs trained, counted from 0. */
  epoch: number[];
  /** A series per log name (loss, metrics, val_ versions), one value per epoch. */
  history: Record<string, number[]>;
}

/** Throws a RangeError naming the row and column of the first NaN or ±Infinity in a [rows, cols] tensor. */
export function checkFinite(t: Tensor, op: string, arg: string): void {
  const i = kernels().firstNonFinite(t.ptr, t.size);
  if (i < 0) return;
  const cols = t.rank > 1 ? t.size / t.shape[0] : 1;
  const at = t.rank > 1 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `row ${i}`;
  throw new RangeError(`${op}: ${arg} holds ${t.dataSync()[i]} at ${at}; clean or fill missing values first`);
}

/** Models whose fit is running: a second fit on one of them rejects at once. */
const training = new WeakSet<Sequential>();

/** Trains `model` (see Sequential.fit). */
export async function runFit(model: Sequential, x: Tensor, y: Tensor, options: FitOptions): Promise<History> {
  const op = 'fit';
  model.checkUsable(op);
  checkIdle(model, op);
  const settings = checkFit(model, x, y, options);
  training.add(model);
  try {
    return await train(model, settings);
  } finally {
    training.delete(model);
  }
}

type FitSettings = ReturnType<typeof checkFit>;

/** Throws while a fit of `model` runs: one training call at a time. */
export function checkIdle(model: Sequential, op: string): void {
  if (!training.has(model)) return;
  throw new RangeError(op === 'fit' ? 'fit: the model is already training; await the first fit'
    : `${op}: the model is training (a fit is running); await the fit first`);
}

/**
 * Checks the data of a training call, allocating nothing: compiled, x [samples, inputDim] with samples, y as the
 * loss needs it, no NaN or ±Infinity in either.
 */
export function checkTrainingData(model: Sequential, x: Tensor, y: Tensor, op: string): { input: Tensor; target: Tensor; total: number } {
  model.requireCompiled(op);
  const input = model.checkInput(x, op);
  const total = input.shape[0];
  if (total === 0) throw new RangeError(`${op}: x has shape ${showShape(input.shape)}: no samples to train on`);
  const target = model.checkTarget(y, total, op);
  checkFinite(input, op, 'x');
  checkFinite(target, op, 'y');
  return { input, target, total };
}

/** The seed of a training run that gives none: derived from the model's seed and step count, else a random one. */
export function runSeed(model: Sequential): number {
  return model.seed !== undefined ? deriveSeed(model.seed, SEED_STREAMS.fit, model.step) : Math.floor(Math.random() * 2 ** 32);
}

/** Checks the data and options of a fit, allocating nothing; returns them resolved. */
function checkFit(model: Sequential, x: Tensor, y: Tensor, options: FitOptions) {
  const op = 'fit';
  model.requireCompiled(op);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, FIT_KEYS);
  const { input, target, total } = checkTrainingData(model, x, y, op);
  const epochs = checkInteger(options.epochs ?? 1, op, 'epochs', 0, 1e9);
  const batchSize = checkInteger(options.batchSize ?? 32, op, 'batchSize', 1, 1 << 20);
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new RangeError(`${op}: validationSplit must be in [0, 1), got ${showValue(split)}`);
  const validation = options.validationData;
  if (validation !== undefined) {
    if (!Array.isArray(validation) || validation.length !== 2) throw new TypeError(`${op}: validationData must be [x, y], got ${showValue(validation)}`);
    const vx = model.checkInput(validation[0], op, 'validationData[0]');
    if (vx.shape[0] === 0) throw new RangeError(`${op}: validationData[0] has shape ${showShape(vx.shape)}: no samples to validate on`);
    model.checkTarget(validation[1], validation[0].shape[0], op, 'validationData[1]');
    checkFinite(validation[0], op, 'validationData[0]');
    checkFinite(validation[1], op, 'validationData[1]');
  }
  const callbacks = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks as Callbacks];
  callbacks.forEach((c: unknown, i) => {
    const arg = `callbacks[${i}]`;
    if (typeof c !== 'object' || c === null) throw new TypeError(`${op}: ${arg} must be an object such as { onEpochEnd }, got ${showValue(c)}`);
    checkOptionKeys(op, c, CALLBACK_NAMES, arg);
    for (const [name, f] of Object.entries(c)) {
      if (f !== undefined && typeof f !== 'function') throw new TypeError(`${op}: ${arg}.${name} must be a function, got ${showValue(f)}`);
    }
  });
  const seed = options.seed !== undefined ? checkInteger(options.seed, op, 'seed', 0, Number.MAX_SAFE_INTEGER) : runSeed(model);
  for (const flag of ['shuffle', 'terminateOnNaN'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new TypeError(`${op}: ${flag} must be true or false, got ${showValue(options[flag])}`);
  }
  return { input, target, total, samples: total - Math.floor(total * split), epochs, batchSize, validation, callbacks: callbacks as readonly Callbacks[],
    seed, shuffle: options.shuffle ?? true, terminateOnNaN: options.terminateOnNaN ?? true, verbose: options.verbose === 1 };
}

/** Awaits `name` of every callback in turn; returns whether any returned true. */
async function notify<K extends (typeof CALLBACK_NAMES)[number]>(callbacks: readonly Callbacks[], name: K,
  ...args: Parameters<NonNullable<Callbacks[K]>>): Promise<boolean> {
  let stop = false;
  for (const c of callbacks) {
    const f = c[name] as ((...a: typeof args) => unknown) | undefined;
    if (f) stop = (await f.apply(c, args)) === true || stop;
  }
  return stop;
}

/** The training loop over checked settings. */
async function train(model: Sequential, settings: FitSettings): Promise<History> {
  const { input, target, total, samples, epochs, batchSize, validation, callbacks } = settings;
  const heldOut = samples < total; // validation on rows [samples, total) of x and y
  const has = (name: (typeof CALLBACK_NAMES)[number]): boolean => callbacks.some((c) => c[name]);
  const perEpoch = validation !== undefined || heldOut || settings.verbose || has('onEpochEnd') || has('onEpochBegin');
  const perBatch = has('onBatchEnd') || has('onBatchBegin');
  const epochsPerCall = perEpoch || perBatch ? 1 : Math.min(Math.max(epochs, 1), 1024);

  model.optimizerState(); // allocated (once per compile) before the check below takes note of it
  const unchanged = stillTrainable(model, [[input, 'x'], [target, 'y'], ...(validation ? [[validation[0], 'validationData[0]'], [validation[1], 'validationData[1]']] as const : [])]);
  if (has('setModel')) await notify(callbacks, 'setModel', model); // no await without callbacks: fit's fixed cost
  let plan: TrainingPlan | undefined;
  let failed = false;
  try {
    if (has('onTrainBegin')) await notify(callbacks, 'onTrainBegin');
    unchanged(); // setModel and onTrainBegin may have disposed or recompiled what the plan is to point to
    plan = new TrainingPlan(model, input, target, { samples, batchSize, shuffle: settings.shuffle, seed: settings.seed,
      checkFinite: settings.terminateOnNaN, epochsPerCall });
    const run = kernels().trainEpochs;
    const history: History = { epoch: [], history: {} };
    const slots = metricSlots(model.metrics);
    const series = slots.map(([key]): number[] => (history.history[key] = []));
    let lastYield = performance.now(), budget = 1, epoch = 0, stop = false;
    while (epoch < epochs && !stop) {
      const batch = plan.cursor;
      if (batch === 0 && has('onEpochBegin')) await notify(callbacks, 'onEpochBegin', epoch);
      if (perBatch) await notify(callbacks, 'onBatchBegin', batch);
      unchanged(); // callbacks may have disposed or recompiled what the plan points to
      const began = performance.now();
      const ended = plan.run(Math.min(epochsPerCall, epochs - epoch), perBatch ? 1 : budget, run);
      const failedBatch = plan.failedBatch;
      if (failedBatch >= 0) throw new DivergedError(epoch + ended + 1, failedBatch + 1);
      const spent = performance.now() - began;
      budget = spent < 4 ? Math.min(budget * 2, 1 << 20) : spent > 16 && budget > 1 ? budget >> 1 : budget;
      if (perBatch) await notify(callbacks, 'onBatchEnd', batch, toLogs(model.metrics, plan.batchMeans()));
      const means = plan.epochMeans(ended).slice(); // a copy: callbacks may grow the memory
      if (!perEpoch) {
        // Only the history to fill: straight from the kernel's means.
        for (let e = 0; e < ended; e++, epoch++) {
          history.epoch.push(epoch);
          for (let i = 0; i < series.length; i++) series[i].push(means[e * SLOTS + slots[i][1]]);
        }
      }
      for (let e = 0; e < ended && perEpoch && !stop; e++, epoch++) {
        const logs = toLogs(model.metrics, means.subarray(e * SLOTS, (e + 1) * SLOTS));
        if (validation || heldOut) {
          unchanged();
          const [vx, vy, from, to] = heldOut ? [input, target, samples, total] : [validation![0], validation![1], 0, validation![0].shape[0]];
          const valLogs = evaluateRows(model, vx, vy, from, to, plan.outputs, Math.min(batchSize, samples) || 1, plan.validationSums);
          for (const [key, v] of Object.entries(valLogs)) logs[`val_${key}`] = v;
        }
        history.epoch.push(epoch);
        for (const [key, value] of Object.entries(logs)) (history.history[key] ??= []).push(value);
        if (settings.verbose) console.log(`Epoch ${epoch + 1}/${epochs} ${Object.entries(logs).map(([key, v]) => `${key}=${v.toPrecision(4)}`).join(' ')}`);
        stop = await notify(callbacks, 'onEpochEnd', epoch, logs);
      }
      if (performance.now() - lastYield > 16) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
    return history;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    plan?.free();
    // NOTE: after a failure, that error rejects fit; an onTrainEnd error then would only hide it.
    if (failed && has('onTrainEnd')) await notify(callbacks, 'onTrainEnd').catch(() => undefined);
    else if (has('onTrainEnd')) await notify(callbacks, 'onTrainEnd');
  }
}

/**
 * A check that what a training plan points to is still there: the model's weights and optimizer state, and the
 * data. Callbacks run between kernel calls and may dispose or recompile them; the plan would then write to freed
 * memory.
 */
function stillTrainable(model: Sequential, data: readonly (readonly [Tensor, string])[]): () => void {
  const op = 'fit';
  const fits = planStillFits(model);
  return () => {
    model.checkUsable(op);
    for (const [t, name] of data) if (t.disposed) throw new DisposedError(`${op}: ${name} was disposed during training`);
    if (!fits()) {
      throw new RangeError(`${op}: the model was compiled again or its layers rebuilt during training (in a callback); training stopped`);
    }
  };
}

/** Loss and metrics on rows [from, to) of x and y, computed `chunk` rows at a time through `outputs`, summed in `sums` (SLOTS f64). */
export function evaluateRows(model: Sequential, x: Tensor, y: Tensor, from: number, to: number, outputs: number[], chunk: number, sums: number): Logs {
  const loss = model.requireCompiled('evaluate');
  const k = kernels();
  const yCols = loss.sparse ? 1 : model.outputDim;
  new Float64Array(wasmMemory().buffer, sums, SLOTS).fill(0);
  let total = 0;
  for (let start = from; start < to; start += chunk) {
    const rows = Math.min(chunk, to - start);
    const out = model.forwardRows(x.ptr + 4 * start * model.inputDim, rows, outputs, loss.fused);
    const yPtr = y.ptr + 4 * start * yCols;
    total += loss.compute(out, yPtr, 0, rows, model.outputDim) * rows;
    k.addMetrics(loss.code, metricMask(model.metrics), out, yPtr, rows, model.outputDim, sums);
  }
  const means = new Float64Array(wasmMemory().buffer, sums, SLOTS).map((v) => v / (to - from));
  means[0] = total / (to - from);
  return toLogs(model.metrics, means);
}
