// `simdeep train`: read, clean, encode, normalize, train (or search, then train the best), report, save.
import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { dispose } from '../memory';
import { choice, int, logUniform } from '../search/distributions';
import { queue } from '../search/queue';
import { randomSearch } from '../search/search';
import { reportEpochs } from '../search/report-epochs';
import { strategySearch, type SearchStrategy } from './searchStrategy';
import type { Tensor } from '../tensor/tensor';
import type { Sequential } from '../nn/sequential';
import type { Callbacks } from '../nn/fit';
import { classificationReport, type ClassificationReport } from '../evaluation/classificationReport';
import { trainModel, type ModelSettings } from './model';
import { bestEpochCheckpoint } from './checkpoint';
import type { ClassWeightSetting } from './classWeights';
import { decode, featureNames, type Preparation } from './prepare';
import { prepareSplits, readAndPlan, trialScore } from './trainData';
import { SEARCH_TRIAL, searchTrialData } from './searchTrial';
import { htmlReport, sparkline, textTable } from './report';
import { checkWritable, saveCliModel } from './files';

export interface TrainOptions extends ModelSettings {
  target: string;
  drop: string[];
  /** The data file's text encoding (a TextDecoder label; default utf-8). */
  encoding?: string;
  /** The only columns to use as inputs (the others are dropped). */
  features?: string[];
  task?: 'regression' | 'classification';
  /** Random-search trials (0: train with the given settings). */
  search: number;
  /** How the search spends its epochs: every trial in full ('random', the default), or pruning bad ones early. */
  searchStrategy?: SearchStrategy;
  seed: number;
  out: string;
  report?: string;
  /** Fraction of the rows held out for the test score, split off first. */
  test: number;
  /** Fraction of the remaining rows held out for validation (early stopping and the search choose on them). */
  validation: number;
  /** Metrics to log beside accuracy or mae, by Keras's names. */
  metrics?: string[];
  /** Class weights in the loss: 'balanced' (from the training rows) or weights by class label. */
  classWeight?: ClassWeightSetting;
  /** Where to save the model of the best epoch (lowest val_loss) as training goes. */
  checkpoint?: string;
  /** A Redis URL: run the search's trials on the queue there, for `simdeep worker` processes. */
  workers?: string;
}

/** The --metrics names each task takes (Keras's), besides accuracy and mae, which the command always logs. */
export const TASK_METRICS: Readonly<Record<Preparation['task'], readonly string[]>> = {
  classification: ['accuracy', 'sparse_categorical_accuracy', 'sparse_top_k_categorical_accuracy', 'precision', 'recall', 'f1_score', 'auc', 'sparse_categorical_crossentropy'],
  regression: ['mae', 'mse', 'mean_absolute_error', 'mean_squared_error', 'r2_score'],
};

function checkMetrics(metrics: readonly string[], task: Preparation['task']): void {
  const unknown = metrics.find((name) => !TASK_METRICS[task].includes(name));
  if (unknown !== undefined) throw new RangeError(`--metrics: ${JSON.stringify(unknown)} is not a metric of ${task}; choose from ${TASK_METRICS[task].join(', ')}`);
}

/** Where the command writes: lines to out, progress to err (a bar only when err is a terminal). */
export interface Output {
  log: (line: string) => void;
  progress: boolean;
}

export interface TrainSummary {
  preparation: Preparation;
  settings: ModelSettings;
  /** Scores on the test rows, of the model and of the baseline (the training mean or majority class). */
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  history: Record<string, number[]>;
  /** The class weights the loss used, by class label (with --class-weight). */
  classWeight?: Record<string, number>;
  /** Per-class precision, recall, F1 and support on the test rows (classification). */
  report?: ClassificationReport;
}

/** Metrics of predictions against the truth: MAE, RMSE and R² (regression), or accuracy. */
export function score(predicted: readonly (number | string)[], truth: readonly (number | string)[], task: Preparation['task']): Record<string, number> {
  if (task === 'classification') return { accuracy: predicted.filter((p, i) => p === truth[i]).length / truth.length };
  const t = truth as number[], p = predicted as number[];
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  const sse = t.reduce((s, v, i) => s + (v - p[i]) ** 2, 0), sst = t.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mae: t.reduce((s, v, i) => s + Math.abs(v - p[i]), 0) / t.length, rmse: Math.sqrt(sse / t.length), r2: 1 - sse / (sst || 1) };
}

const SPACE = {
  layers: int(1, 3), units: choice([8, 16, 32, 64]), activation: choice(['relu', 'tanh', 'sigmoid']),
  learningRate: logUniform(1e-4, 3e-2), batchSize: choice([16, 32, 64]), epochs: int(30, 200),
};

export function settingsOf(params: Record<string, unknown>): ModelSettings {
  return { hidden: Array<number>(params.layers as number).fill(params.units as number), activation: params.activation as ModelSettings['activation'],
    learningRate: params.learningRate as number, batchSize: params.batchSize as number, epochs: params.epochs as number };
}

function epochBar(output: Output, epochs: number): { callbacks: Callbacks[]; stop: () => void } {
  if (!output.progress) return { callbacks: [], stop: () => undefined };
  const bar = new SingleBar({ format: 'training |{bar}| epoch {value}/{total} loss {loss} val_loss {val}', stream: process.stderr, hideCursor: true });
  bar.start(epochs, 0, { loss: '-', val: '-' });
  return {
    callbacks: [{ onEpochEnd: (epoch, logs) => bar.update(epoch + 1, { loss: logs.loss.toPrecision(4), val: logs.val_loss?.toPrecision(4) ?? '-' }) }],
    stop: () => bar.stop(),
  };
}

/** What the loss is, in the units the model trains on. */
const lossUnits = (classes: number): string => (classes > 0 ? 'cross-entropy' : 'mean squared error of the target scaled to 0..1');

/** Runs `simdeep train`. */
export async function train(file: string, options: TrainOptions, output: Output): Promise<TrainSummary> {
  await checkWritable(options.out, '--out');
  if (options.report) await checkWritable(options.report, '--report');
  if (options.checkpoint) await checkWritable(options.checkpoint, '--checkpoint');
  const { table, preparation, drop } = await readAndPlan(file, options);
  checkMetrics(options.metrics ?? [], preparation.task);
  const tensors: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (tensors.push(t), t);
  let model: Sequential | undefined;
  try {
    const { held, data, xTest, classes, classWeight } = prepareSplits(table, preparation, options, keep);
    output.log(`${file}: ${table.rowCount} rows; target ${options.target} (${preparation.task}); ${featureNames(preparation).length} inputs from ${preparation.features.map((f) => f.name).join(', ')}`);
    output.log(`  ${data.xTrain.shape[0]} rows to train on, ${data.xVal.shape[0]} to validate (early stopping${options.search > 0 ? ', the search' : ''}), ${xTest.shape[0]} to test`);
    const requested = new Set(drop);
    if (classWeight) output.log(`  class weights${options.classWeight === 'balanced' ? ' (balanced)' : ''}: ${preparation.classes!.map((c, i) => `${c} ${(classWeight[i] ?? 1).toPrecision(4)}`).join(', ')}`);
    if (drop.length) output.log(`  left out by ${options.features ? '--features' : 'request'}: ${drop.join(', ')}`);
    for (const [name, why] of Object.entries(preparation.dropped)) if (!requested.has(name)) output.log(`  left out ${name}: ${why}`);

    const { hidden, activation, learningRate, batchSize, epochs } = options;
    let settings: ModelSettings = { hidden, activation, learningRate, batchSize, epochs };
    let trialRows: string[][] | undefined;
    if (options.search > 0) {
      const measure = classes > 0 ? 'validation 1 − accuracy' : 'validation mse (target scaled to 0..1)';
      const strategy = options.searchStrategy ?? 'random';
      const searched = strategySearch(strategy, SPACE, options.epochs);
      if (options.workers) searched.space = { ...searched.space, data: searchTrialData(file, options) };
      const result = await randomSearch({
        ...searched, trials: options.search, seed: options.seed, progress: output.progress,
        // With --workers, the trials run on the queue's workers, which read and prepare the data themselves.
        objective: options.workers ? SEARCH_TRIAL
          : async (params, context) => trialScore(settingsOf(params), data, classes, context.seed, { classWeight, callbacks: [reportEpochs(context)] }),
        ...(options.workers ? { executor: queue({ connection: options.workers }) } : {}),
      });
      if (!result.best) throw new Error(`train: every search trial failed (first error: ${result.trials[0]?.error})`);
      settings = settingsOf(result.best.params);
      trialRows = [['trial', 'layers', 'units', 'activation', 'learning rate', 'batch', 'epochs', measure],
        ...result.trials.map((t) => [String(t.index + 1), String(t.params.layers), String(t.params.units), String(t.params.activation),
          (t.params.learningRate as number).toPrecision(3), String(t.params.batchSize), String(t.params.epochs), t.status === 'failed' ? `failed: ${t.error}`
            : `${t.score.toPrecision(4)}${t.status === 'pruned' ? ` (stopped at epoch ${t.reports.length})` : ''}`])];
      const pruned = result.trials.filter((t) => t.status === 'pruned').length, epochsRun = result.trials.reduce((n, t) => n + t.reports.length, 0);
      const spent = strategy === 'random' ? '' : ` (${strategy}: ${pruned} stopped early; ${epochsRun} epochs trained)`;
      const { data: _, ...best } = result.best.params as Record<string, unknown>;
      output.log(`search: ${options.search} trials${options.workers ? ` on ${options.workers}` : ''}${spent}; best ${JSON.stringify(best)} (${measure} ${result.best.score.toPrecision(4)})`);
    }

    const bar = epochBar(output, settings.epochs);
    let trained;
    try {
      const callbacks = [...bar.callbacks, ...(options.checkpoint ? [bestEpochCheckpoint(options.checkpoint)] : [])];
      trained = await trainModel(settings, data, classes, options.seed, { callbacks, classWeight, metrics: options.metrics, metadata: { preparation, settings } });
    } finally {
      bar.stop();
    }
    model = trained.model;
    const labels = (t: Tensor): (number | string)[] => (classes > 0 ? Array.from(t.dataSync(), (i) => preparation.classes![i]) : decode(t, preparation));
    const outputs = keep(model.predict(xTest));
    const predicted = decode(outputs, preparation);
    const truth = labels(held.yTest), trainTruth = labels(data.yTrain);
    const metrics = score(predicted, truth, preparation.task);
    const baselineValue = classes > 0 ? mostFrequent(trainTruth as string[]) : mean(trainTruth as number[]);
    const baseline = score(truth.map(() => baselineValue), truth, preparation.task);
    const names = Object.keys(metrics);
    const baselineName = classes > 0 ? `majority class (${baselineValue})` : `mean (${(baselineValue as number).toPrecision(4)})`;
    const summary = [[`test (${truth.length} rows)`, ...names], ['model', ...names.map((k) => metrics[k].toFixed(4))],
      [baselineName, ...names.map((k) => baseline[k].toFixed(4))]];
    output.log(`\n${textTable(summary)}\n`);
    const headline = classes > 0 ? 'accuracy' : 'rmse';
    output.log(`test ${headline === 'rmse' ? 'RMSE' : headline} ${metrics[headline].toPrecision(4)} (baseline: ${baselineName.replace(/ \(.*/, '')} ${baseline[headline].toPrecision(4)}) on ${truth.length} held-out rows`);
    let report: ClassificationReport | undefined;
    if (classes > 0) {
      report = classificationReport(held.yTest, outputs, { labels: preparation.classes!.map((_, i) => i), targetNames: preparation.classes });
      output.log(`\nper class, on the ${truth.length} test rows:\n${report.toString()}`);
    }
    const history = trained.history.history;
    output.log(`loss per epoch (${lossUnits(classes)}):`);
    output.log(`  training    ${sparkline(history.loss)}  ${history.loss.at(-1)?.toPrecision(4)}`);
    output.log(`  validation  ${sparkline(history.val_loss)}  ${history.val_loss.at(-1)?.toPrecision(4)}`);
    for (const name of options.metrics ?? []) {
      output.log(`${name} at the last epoch: training ${history[name]?.at(-1)?.toPrecision(4)}, validation ${history[`val_${name}`]?.at(-1)?.toPrecision(4)}`);
    }
    if (options.checkpoint) output.log(`saved the best epoch (lowest validation loss) to ${options.checkpoint}`);
    model.metadata = { preparation, settings };
    await saveCliModel(model, options.out);
    output.log(`saved ${options.out}`);
    if (options.report) {
      await writeFile(options.report, htmlReport(`simdeep train ${file} --target ${options.target}`, summary, history, lossUnits(classes), trialRows));
      output.log(`wrote ${options.report}`);
    }
    const weights = classWeight && Object.fromEntries(Object.entries(classWeight).map(([c, w]) => [preparation.classes![Number(c)], w]));
    return { preparation, settings, metrics, baseline, history, ...(weights ? { classWeight: weights } : {}), ...(report ? { report } : {}) };
  } finally {
    model?.dispose();
    dispose(tensors);
  }
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function mostFrequent(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}
