import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import type { Callbacks, FitParams, Logs } from '../fit';
import type { Model } from '../model';
import { checkDirectory, checkDirectoryNow, requireNode } from './files';
import { checkMode, missingLog, risesWhenBetter, type MonitorMode } from './monitor';
import { fillTemplate, parseTemplate } from './python-format';

/**
 * Options of `modelCheckpoint`.
 * @example
 * const options: ModelCheckpointOptions = { path: 'best-{epoch:03d}-{val_loss:.3f}.sdm', monitor: 'val_loss', saveBestOnly: true };
 */
export interface ModelCheckpointOptions {
  /**
   * Where to save, its extension picking the format as `model.save` does (simdeep's own; '.keras', '.onnx',
   * '.safetensors'; 'file://dir', 'dir/' or '.json' TF.js's). It may hold placeholders in its file name, in Python's
   * format syntax: `{epoch}` (from 1), `{batch}` (from 1, with a numeric saveFreq) and log names, with an optional spec
   * `[0][width]d` (epoch and batch) or `[0][width][.precision]` then `f` or `e`: `model-{epoch:02d}-{val_loss:.2f}.sdm`.
   */
  path: string;
  /** The log that decides which model is best (default 'val_loss'). */
  monitor?: string;
  /** 'min', 'max', or 'auto' (default): losses and errors fall, accuracies, precision, recall, AUC, F1 and R² rise. */
  mode?: MonitorMode;
  /** Save only when the monitored log improves on the best so far (default false: every time). */
  saveBestOnly?: boolean;
  /** 'epoch' (default): save at the end of each epoch; a positive integer: every that many batches. */
  saveFreq?: 'epoch' | number;
  /** 1 prints Keras's messages on each decision (default 0). */
  verbose?: 0 | 1;
}

const KEYS = ['path', 'monitor', 'mode', 'saveBestOnly', 'saveFreq', 'verbose'];

/**
 * A callback that saves the model as training goes, as Keras's ModelCheckpoint, in Node: at the end of each epoch
 * (or every `saveFreq` batches), or with `saveBestOnly` only when `monitor` improves on the best value seen (kept
 * from fit to fit by this callback, as Keras keeps it). Each save is atomic: the model is written to a temporary file
 * in the same directory, flushed to disk and renamed over the path, so the file is always a whole model, the latest
 * saved, even if the process is killed while saving (a TF.js directory is two files, each atomic). Throws a TypeError
 * or RangeError for bad options (a placeholder outside the subset, `{batch}` without a numeric saveFreq), an Error
 * outside Node or, naming the path, for a directory that is missing or not writable (when made, else before training
 * starts); `fit` rejects before training with a RangeError when the logs will lack the monitor (with saveBestOnly) or
 * a log a placeholder names, listing the logs it has.
 * @example
 * const x = linspace(-1, 1, 40).reshape([40, 1]), y = x.mul(3);
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'meanSquaredError' });
 * await model.fit(x, y, { epochs: 20, validationSplit: 0.25, seed: 1,
 *   callbacks: modelCheckpoint({ path: 'best.sdm', monitor: 'val_loss', saveBestOnly: true }) });
 * const best = await loadModel('best.sdm');
 * best.layers.length; // 1
 */
export function modelCheckpoint(options: ModelCheckpointOptions): Callbacks {
  const op = 'modelCheckpoint';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object such as { path: 'best.sdm' }, got ${showValue(options)}`);
  checkOptionKeys(op, options, KEYS);
  const { path, monitor = 'val_loss', saveBestOnly = false, saveFreq = 'epoch', verbose = 0 } = options;
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a file path, got ${showValue(path)}`);
  if (typeof monitor !== 'string') throw new TypeError(`${op}: monitor must be a log name, got ${showValue(monitor)}`);
  const mode = checkMode(op, options.mode ?? 'auto');
  if (typeof saveBestOnly !== 'boolean') throw new TypeError(`${op}: saveBestOnly must be true or false, got ${showValue(saveBestOnly)}`);
  if (saveFreq !== 'epoch' && !(Number.isInteger(saveFreq) && saveFreq > 0)) throw new RangeError(`${op}: saveFreq must be 'epoch' or a positive integer, got ${showValue(saveFreq)}`);
  if (verbose !== 0 && verbose !== 1) throw new RangeError(`${op}: verbose must be 0 or 1, got ${showValue(verbose)}`);
  const pieces = parseTemplate(path, op, 'path');
  const counters = saveFreq === 'epoch' ? ['epoch'] : ['epoch', 'batch'];
  const placeholders = pieces.filter((p) => typeof p !== 'string').map((p) => p as Exclude<typeof p, string>);
  for (const p of placeholders) {
    if (counters.includes(p.name) && p.spec.type === '') p.spec.type = 'd'; // str() of an int
    if (p.name === 'batch' && saveFreq === 'epoch') throw new RangeError(`${op}: path placeholder ${p.text} needs a numeric saveFreq (saves by batch)`);
    if (counters.includes(p.name) ? p.spec.type !== 'd' && p.spec.type !== '' : p.spec.type === 'd') {
      throw new RangeError(`${op}: path placeholder ${p.text}: ${counters.includes(p.name) ? `${p.name} is an integer: use d` : 'logs are floats: use f or e'}`);
    }
  }
  const trimmed = path.replace(/[\\/]+$/, ''), fileAt = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (fileAt >= 0 && trimmed.slice(0, fileAt).replace(/\{\{/g, '').includes('{')) {
    throw new RangeError(`${op}: path ${JSON.stringify(path)} has placeholders in its directory; they may stand in the file name only`);
  }
  requireNode(op);
  checkDirectoryNow(op, 'path', path);
  const rises = risesWhenBetter(monitor, mode);
  let model: Model | undefined, best: number | undefined, epoch = 0, sinceSave = 0;

  const save = async (logs: Logs, batch?: number): Promise<void> => {
    const values: Record<string, number> = { ...logs, epoch: epoch + 1 };
    if (batch !== undefined) values.batch = batch + 1;
    const target = fillTemplate(pieces, values);
    if (saveBestOnly) {
      const current = logs[monitor];
      if (current === undefined) throw missingLog(op, monitor, Object.keys(logs));
      const shown = best === undefined ? 'None' : best.toFixed(5);
      if (!(best === undefined || (rises ? current > best : current < best))) {
        if (verbose) console.log(`Epoch ${epoch + 1}: ${monitor} did not improve from ${shown}`);
        return;
      }
      if (verbose) console.log(`Epoch ${epoch + 1}: ${monitor} improved from ${shown} to ${current.toFixed(5)}, saving model to ${target}`);
      best = current;
    } else if (verbose) console.log(`Epoch ${epoch + 1}: saving model to ${target}`);
    await model!.save(target);
  };
  const callbacks: Callbacks = {
    setModel: (m: Model) => {
      model = m;
      sinceSave = 0;
    },
    setParams: async (params: FitParams) => {
      const names = params.metrics;
      if (saveBestOnly && !names.includes(monitor)) throw missingLog(op, monitor, names);
      const unknown = placeholders.find((p) => !counters.includes(p.name) && !names.includes(p.name));
      if (unknown) throw new RangeError(`${op}: path placeholder ${unknown.text} names no log (the logs are ${names.join(', ')})`);
      await checkDirectory(op, 'path', path);
    },
    onEpochBegin: (e: number) => {
      epoch = e;
    },
  };
  if (saveFreq === 'epoch') callbacks.onEpochEnd = (_e: number, logs: Logs) => save(logs);
  else {
    // NOTE: only with a numeric saveFreq: a batch callback makes fit run one batch per kernel call.
    callbacks.onBatchEnd = (batch: number, logs: Logs) => {
      if (++sinceSave < saveFreq) return undefined;
      sinceSave = 0;
      return save(logs, batch);
    };
  }
  return callbacks;
}
