// The fit loop: a training plan lowered from the model's graph (plan.ts) that assembly/train.ts runs batch after
// batch: gather, forward, losses and their gradients, metrics, backward, then in-place optimizer updates. A
// steady-state epoch allocates nothing. JS runs between calls only: logs, validation (the plan's evaluation, the
// same forward), callbacks and a yield to the event loop about every 16 ms.
import { DisposedError, DivergedError, showShape, showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { checkFinite, checkInputs, checkTargets } from './data';
import { toLogs } from './metric-specs';
import type { Model } from './model';
import { CALLBACK_NAMES, checkCallbacks, notify, ON_NON_FINITE, type Callbacks, type FitParams, type Logs } from './fit-callbacks';
import { Plan, type ModelState } from './plan';
import { checkWeights, freeWeights, weightsInMemory, type ClassWeight, type SampleWeight } from './sample-weights';
import { progressDisplay } from './progress-bar';
import { deriveSeed, SEED_STREAMS } from './seeds';

export { ON_NON_FINITE, type Callbacks, type FitParams, type Logs };

const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'seed', 'validationSplit', 'validationData', 'callbacks', 'verbose', 'terminateOnNaN',
  'sampleWeight', 'classWeight'];

/**
 * Options of `fit`.
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
  /**
   * Validation samples [x, y] or [x, y, sampleWeight] given explicitly (instead of validationSplit); x, y and the
   * weights as fit takes them (classWeight does not apply to them, as in Keras).
   */
  validationData?: [Tensor | readonly Tensor[], Tensor | readonly Tensor[]] | [Tensor | readonly Tensor[], Tensor | readonly Tensor[], SampleWeight];
  /**
   * A weight per sample (Keras's sample_weight): each sample's loss, its gradient and its metrics count that many
   * times (the loss is Σ w·loss / samples, as Keras's; metrics Σ w·m / Σ w, as Keras's `weighted_metrics`: Keras's
   * plain `metrics` ignore the weights). One array weighs every output. With validationSplit the held-out rows keep
   * theirs.
   */
  sampleWeight?: SampleWeight;
  /**
   * A weight per class (Keras's class_weight), one-output models only: each training sample weighs its target's
   * class's weight (the argmax of a one-hot row, a sparse target's index, round(y) of one column); classes left out
   * weigh 1, as in Keras. With sampleWeight the two multiply (Keras 3 refuses both together). Not applied to
   * validation rows.
   */
  classWeight?: ClassWeight;
  /** Callbacks, such as `earlyStopping({...})`. */
  callbacks?: Callbacks | readonly Callbacks[];
  /**
   * What fit prints to stdout, as Keras: 0 nothing (the default); 1 in a terminal Keras's live progress bar (the
   * epoch, steps done, ETA, running loss and metrics; at the epoch's end its time and the validation logs), and one
   * line per epoch when stdout is not a terminal and in browsers (console.log); 2 one line per epoch.
   */
  verbose?: 0 | 1 | 2;
  /**
   * Stop with a DivergedError when a batch's loss or gradient is NaN or ±Infinity, keeping the weights from before
   * that step (default true); false trains on. To stop and resolve with the history instead, as Keras's
   * TerminateOnNaN, pass the callback `terminateOnNaN()`.
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
  /** What the fit ran with. */
  params: FitParams;
}

/**
 * A turn of the event loop, so that timers, I/O and rendering run during a long fit: setImmediate where there is one
 * (Node, Bun: about 1 ms sooner than setTimeout's clamped 1 ms), else a message to a fresh MessageChannel (browsers,
 * Deno), else setTimeout.
 */
const yieldToEventLoop: () => Promise<void> = typeof setImmediate === 'function'
  ? () => new Promise((resolve) => setImmediate(resolve))
  : typeof MessageChannel === 'function' ? yieldByMessage
  : () => new Promise((resolve) => setTimeout(resolve, 0));

// NOTE: not setTimeout(0) in browsers: fit's yields are timers set from timers, which the HTML spec clamps to 4 ms
// from the fifth on. That idled Chromium's main thread about 4-7 ms per 16 ms of training (MNIST MLP: 23 % of the
// fit, against 1 % with setImmediate in Node). A message task is not clamped, and timers that are due still run
// between. The channel is closed at once, so no open port keeps a runtime (Deno) alive.
function yieldByMessage(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** Models whose fit is running: a second fit on one of them rejects at once. */
const training = new WeakSet<ModelState>();

/** Trains `model` (see Model.fit), whose ModelState is `state` and compile settings `compiled`. */
export async function runFit(model: Model, state: ModelState, compiled: Compiled, x: unknown, y: unknown, options: FitOptions): Promise<History> {
  const op = 'fit';
  checkIdle(state, op);
  const settings = checkFit(state, compiled, x, y, options);
  training.add(state);
  try {
    return await train(model, state, compiled, settings);
  } finally {
    training.delete(state);
  }
}

type FitSettings = ReturnType<typeof checkFit>;

/** Throws while a fit of `model` runs: one training call at a time. */
export function checkIdle(model: ModelState, op: string): void {
  if (!training.has(model)) return;
  throw new RangeError(op === 'fit' ? 'fit: the model is already training; await the first fit'
    : `${op}: the model is training (a fit is running); await the fit first`);
}

/**
 * Checks the data of a training call, allocating nothing: x as the inputs take it with samples, y as the losses
 * need it, no NaN or ±Infinity in either.
 */
export function checkTrainingData(model: ModelState, compiled: Compiled, x: unknown, y: unknown, op: string): { xs: Tensor[]; ys: Tensor[]; total: number } {
  const graph = model.graph;
  const xs = checkInputs(graph, x, op);
  const total = xs[0].shape[0];
  if (total === 0) throw new RangeError(`${op}: x has shape ${showShape(xs[0].shape)}: no samples to train on`);
  const ys = checkTargets(graph, compiled, y, total, op);
  xs.forEach((t, i) => checkFinite(t, op, xs.length > 1 ? `x[${i}]` : 'x'));
  ys.forEach((t, i) => checkFinite(t, op, ys.length > 1 ? `y[${i}]` : 'y'));
  return { xs, ys, total };
}

/** The seed of a training run that gives none: derived from the model's seed and step count, else a random one. */
export function runSeed(model: ModelState): number {
  return model.seed !== undefined ? deriveSeed(model.seed, SEED_STREAMS.fit, model.step) : Math.floor(Math.random() * 2 ** 32);
}

/** Checks the data and options of a fit, allocating nothing; returns them resolved. */
function checkFit(model: ModelState, compiled: Compiled, x: unknown, y: unknown, options: FitOptions) {
  const op = 'fit';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, FIT_KEYS);
  const { xs, ys, total } = checkTrainingData(model, compiled, x, y, op);
  const epochs = checkInteger(options.epochs ?? 1, op, 'epochs', 0, 1e9);
  const batchSize = checkInteger(options.batchSize ?? 32, op, 'batchSize', 1, 1 << 20);
  const split = options.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new RangeError(`${op}: validationSplit must be in [0, 1), got ${showValue(split)}`);
  const validationData = options.validationData;
  let validation: [Tensor[], Tensor[]] | undefined;
  let validationWeights: Float32Array | null = null;
  if (validationData !== undefined) {
    if (!Array.isArray(validationData) || (validationData.length !== 2 && validationData.length !== 3)) {
      throw new TypeError(`${op}: validationData must be [x, y] or [x, y, sampleWeight], got ${showValue(validationData)}`);
    }
    const vxs = checkInputs(model.graph, validationData[0], op, 'validationData[0]');
    if (vxs[0].shape[0] === 0) throw new RangeError(`${op}: validationData[0] has shape ${showShape(vxs[0].shape)}: no samples to validate on`);
    const vys = checkTargets(model.graph, compiled, validationData[1], vxs[0].shape[0], op, 'validationData[1]');
    vxs.forEach((t, i) => checkFinite(t, op, vxs.length > 1 ? `validationData[0][${i}]` : 'validationData[0]'));
    vys.forEach((t, i) => checkFinite(t, op, vys.length > 1 ? `validationData[1][${i}]` : 'validationData[1]'));
    validation = [vxs, vys];
    const rows = vxs[0].shape[0];
    validationWeights = checkWeights(model.graph, compiled, vys, rows, validationData[2], undefined,
      { op, sampleArg: 'validationData[2]', classRows: 0, ranges: [[0, rows, 'validationData']] });
  }
  const samples = total - Math.floor(total * split);
  const weights = checkWeights(model.graph, compiled, ys, total, options.sampleWeight, options.classWeight,
    { op, sampleArg: 'sampleWeight', classRows: samples, ranges: [[0, samples, 'the training samples'], [samples, total, 'the validationSplit rows']] });
  const callbacks = checkCallbacks(options.callbacks, op);
  const seed = options.seed !== undefined ? checkInteger(options.seed, op, 'seed', 0, Number.MAX_SAFE_INTEGER) : runSeed(model);
  for (const flag of ['shuffle', 'terminateOnNaN'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new TypeError(`${op}: ${flag} must be true or false, got ${showValue(options[flag])}`);
  }
  const verbose = options.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new RangeError(`${op}: verbose must be 0, 1 or 2, got ${showValue(verbose)}`);
  const logNames = compiled.logs.names.map(([key]) => key);
  const doValidation = validation !== undefined || samples < total;
  const params: FitParams = { epochs, steps: Math.ceil(samples / batchSize), samples, batchSize, verbose, doValidation,
    metrics: doValidation ? [...logNames, ...logNames.map((key) => `val_${key}`)] : logNames };
  const onNonFinite = callbacks.filter((c) => typeof c[ON_NON_FINITE] === 'function');
  return { xs, ys, total, samples, weights, validationWeights, epochs, batchSize, validation, callbacks, params, onNonFinite,
    seed, shuffle: options.shuffle ?? true, terminateOnNaN: (options.terminateOnNaN ?? true) || onNonFinite.length > 0 };
}

/** The training loop over checked settings. */
async function train(model: Model, state: ModelState, compiled: Compiled, settings: FitSettings): Promise<History> {
  const { xs, ys, total, samples, epochs, batchSize, validation, callbacks, params } = settings;
  const heldOut = samples < total; // validation on rows [samples, total) of x and y
  const has = (name: (typeof CALLBACK_NAMES)[number]): boolean => callbacks.some((c) => c[name]);
  const progress = progressDisplay(params.verbose, epochs, params.steps);
  const perEpoch = validation !== undefined || heldOut || progress !== undefined || has('onEpochEnd') || has('onEpochBegin');
  const perBatch = has('onBatchEnd') || has('onBatchBegin');
  const epochsPerCall = perEpoch || perBatch ? 1 : Math.min(Math.max(epochs, 1), 1024);
  const layout = compiled.logs;

  const data: [Tensor, string][] = [...xs.map((t): [Tensor, string] => [t, 'x']), ...ys.map((t): [Tensor, string] => [t, 'y'])];
  if (validation) data.push(...validation[0].map((t): [Tensor, string] => [t, 'validationData[0]']), ...validation[1].map((t): [Tensor, string] => [t, 'validationData[1]']));
  const unchanged = stillTrainable(state, data);
  model.stopTraining = false;
  if (has('setModel')) await notify(callbacks, 'setModel', model); // no await without callbacks: fit's fixed cost
  if (has('setParams')) await notify(callbacks, 'setParams', { ...params, metrics: [...params.metrics] });
  let plan: Plan | undefined;
  let failed = false;
  let weights = 0, validationWeights = 0;
  try {
    if (has('onTrainBegin')) await notify(callbacks, 'onTrainBegin');
    unchanged(); // setModel and onTrainBegin may have disposed or recompiled what the plan is to point to
    plan = new Plan(state, { kind: 'train', rows: Math.min(batchSize, samples), samples, total, shuffle: settings.shuffle, seed: settings.seed,
      checkFinite: settings.terminateOnNaN, epochsPerCall, op: 'fit' });
    plan.pointAt(xs.map((t) => t.ptr), ys.map((t) => t.ptr), total);
    weights = weightsInMemory(settings.weights, 'fit');
    validationWeights = weightsInMemory(settings.validationWeights, 'fit');
    plan.setSampleWeights(weights);
    const history: History = { epoch: [], history: {}, params };
    model.history = history;
    const slots = layout.names, width = plan.slotCount;
    for (const [key] of slots) history.history[key] = [];
    const kept = new EpochMeans(slots, width); // without per-epoch work: the history, filled at the end
    let lastYield = performance.now(), budget = 1, epoch = 0, stop = false;
    while (epoch < epochs && !stop) {
      const batch = plan.cursor;
      if (batch === 0) progress?.epochBegin(epoch);
      if (batch === 0 && has('onEpochBegin')) await notify(callbacks, 'onEpochBegin', epoch);
      if (perBatch) await notify(callbacks, 'onBatchBegin', batch);
      unchanged(); // callbacks may have disposed or recompiled what the plan points to
      const began = performance.now();
      const ended = plan.run(Math.min(epochsPerCall, epochs - epoch), perBatch ? 1 : budget);
      const failedBatch = plan.failedBatch;
      if (failedBatch >= 0) {
        if (settings.onNonFinite.length === 0) throw new DivergedError(epoch + ended + 1, failedBatch + 1);
        progress?.close();
        for (const c of settings.onNonFinite) c[ON_NON_FINITE]!(epoch + ended, failedBatch);
        if (!perEpoch) kept.add(plan.epochMeans(ended), ended);
        break;
      }
      const spent = performance.now() - began;
      budget = spent < 4 ? Math.min(budget * 2, 1 << 20) : spent > 16 && budget > 1 ? budget >> 1 : budget;
      if (perBatch) await notify(callbacks, 'onBatchEnd', batch, plan.runningLogs());
      if (ended === 0) progress?.update(plan.cursor, () => plan!.runningLogs());
      const means = plan.epochMeans(ended);
      if (!perEpoch) epoch = kept.add(means, ended);
      if (!perEpoch && ended > 0 && model.stopTraining) stop = true;
      for (let e = 0; e < ended && perEpoch && !stop; e++, epoch++) {
        const logs = toLogs(layout, means.subarray(e * width, (e + 1) * width));
        if (validation || heldOut) {
          unchanged();
          const [vx, vy, from, to, vw] = heldOut ? [xs, ys, samples, total, weights] : [validation![0], validation![1], 0, validation![0][0].shape[0], validationWeights];
          const valLogs = toLogs(layout, plan.evaluate(vx.map((t) => t.ptr), vy.map((t) => t.ptr), from, to, vw));
          for (const [key, v] of Object.entries(valLogs)) logs[`val_${key}`] = v;
        }
        stop = (await notify(callbacks, 'onEpochEnd', epoch, logs)) || model.stopTraining;
        // After the callbacks, as Keras's History: what they add to the logs (learning_rate) is kept and shown too.
        history.epoch.push(epoch);
        for (const [key, value] of Object.entries(logs)) (history.history[key] ??= []).push(value);
        progress?.epochEnd(logs);
      }
      if (performance.now() - lastYield > 16) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    if (!perEpoch) kept.fill(history);
    return history;
  } catch (error) {
    failed = true;
    progress?.close();
    throw error;
  } finally {
    plan?.free();
    freeWeights(weights);
    freeWeights(validationWeights);
    // NOTE: after a failure, that error rejects fit; an onTrainEnd error then would only hide it.
    if (failed && has('onTrainEnd')) await notify(callbacks, 'onTrainEnd').catch(() => undefined);
    else if (has('onTrainEnd')) await notify(callbacks, 'onTrainEnd');
  }
}

/**
 * The loss and metric means of a fit's epochs when nothing reads them during the fit, kept in typed arrays and made
 * into the history's arrays once, at the end. NOTE: not pushed to the history's arrays epoch by epoch: in a fit of
 * 60,000 one-batch epochs, two pushes per epoch took 12-15 ms of its 40 (Node 20), more than filling arrays of the
 * final length.
 */
class EpochMeans {
  private readonly chunks: Float64Array[] = [];
  private count = 0;

  constructor(private readonly slots: readonly (readonly [string, number])[], private readonly width: number) {}

  /** Keeps the means of `ended` more epochs (`width` slots per epoch in `means`); returns the epochs kept. */
  add(means: Float64Array, ended: number): number {
    const k = this.slots.length, chunk = new Float64Array(ended * k);
    for (let e = 0; e < ended; e++) for (let i = 0; i < k; i++) chunk[e * k + i] = means[e * this.width + this.slots[i][1]];
    this.chunks.push(chunk);
    this.count += ended;
    return this.count;
  }

  /** Writes the kept epochs into `history`: their numbers, and a series per slot. */
  fill(history: History): void {
    const k = this.slots.length, epochs = new Array<number>(this.count);
    for (let e = 0; e < this.count; e++) epochs[e] = e;
    history.epoch = epochs;
    this.slots.forEach(([key], i) => {
      const values = new Array<number>(this.count);
      let e = 0;
      for (const chunk of this.chunks) for (let at = i; at < chunk.length; at += k) values[e++] = chunk[at];
      history.history[key] = values;
    });
  }
}

/**
 * A check that what a training plan points to is still there: the model's weights and compile settings (its
 * version), and the data. Callbacks run between kernel calls and may dispose or recompile them; the plan would then
 * write to freed memory.
 */
function stillTrainable(model: ModelState, data: readonly (readonly [Tensor, string])[]): () => void {
  const op = 'fit';
  const version = model.version;
  return () => {
    model.check(op);
    for (const [t, name] of data) if (t.disposed) throw new DisposedError(`${op}: ${name} was disposed during training`);
    if (model.version !== version) {
      throw new RangeError(`${op}: the model was compiled again or its layers rebuilt during training (in a callback); training stopped`);
    }
  };
}
