// `simdeep train`: read, clean, encode, normalize, train (or search, then train the best), report, save.
import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { readTable } from '../data/read';
import { trainTestSplit } from '../data/split';
import { dispose } from '../memory';
import { choice, int, logUniform } from '../search/distributions';
import { randomSearch } from '../search/search';
import type { Tensor } from '../tensor/tensor';
import type { Sequential } from '../nn/sequential';
import type { Callbacks } from '../nn/fit';
import { trainModel, type ModelSettings, type Split } from './model';
import { decode, encodeFeatures, fitScaler, featureNames, planPreparation, rowsWithTarget, scale, targets, type Preparation } from './prepare';
import { htmlReport, sparkline, textTable } from './report';
import { saveCliModel } from './files';

export interface TrainOptions extends ModelSettings {
  target: string;
  drop: string[];
  /** The data file's text encoding (a TextDecoder label; default utf-8). */
  encoding?: string;
  task?: 'regression' | 'classification';
  /** Random-search trials (0: train with the given settings). */
  search: number;
  seed: number;
  out: string;
  report?: string;
  /** Fraction of rows held out for validation. */
  validation: number;
}

/** Where the command writes: lines to out, progress to err (a bar only when err is a terminal). */
export interface Output {
  log: (line: string) => void;
  progress: boolean;
}

export interface TrainSummary {
  preparation: Preparation;
  settings: ModelSettings;
  metrics: Record<string, number>;
  baseline: Record<string, number>;
  history: Record<string, number[]>;
}

/** Validation metrics of predictions against the truth: MAE, RMSE and R² (regression), or accuracy. */
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

function settingsOf(params: Record<string, unknown>): ModelSettings {
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

/** Runs `simdeep train`. */
export async function train(file: string, options: TrainOptions, output: Output): Promise<TrainSummary> {
  const { table, rows } = rowsWithTarget(await readTable(file, { encoding: options.encoding }), options.target);
  if (table.rowCount < 10) throw new RangeError(`train: ${file} has ${table.rowCount} rows with a target; at least 10 are needed`);
  const preparation = planPreparation(table, options.target, options.drop, options.task, rows);
  const tensors: Tensor[] = [];
  const keep = <T extends Tensor>(t: T): T => (tensors.push(t), t);
  let model: Sequential | undefined;
  try {
    const raw = keep(encodeFeatures(table, preparation)), y = keep(targets(table, preparation));
    const split = trainTestSplit(raw, y, { testSize: options.validation, seed: options.seed });
    [split.xTrain, split.xTest, split.yTrain, split.yTest].forEach(keep);
    fitScaler(preparation, split.xTrain);
    const data: Split = { xTrain: keep(scale(preparation, split.xTrain)), yTrain: split.yTrain, xVal: keep(scale(preparation, split.xTest)), yVal: split.yTest };
    const classes = preparation.classes?.length ?? 0;
    output.log(`${file}: ${table.rowCount} rows; target ${options.target} (${preparation.task}); ${featureNames(preparation).length} inputs from ${preparation.features.map((f) => f.name).join(', ')}`);
    const chosen = Object.keys(preparation.dropped).filter((name) => options.drop.includes(name));
    if (chosen.length) output.log(`  left out by request: ${chosen.join(', ')}`);
    for (const [name, why] of Object.entries(preparation.dropped)) if (!options.drop.includes(name)) output.log(`  left out ${name}: ${why}`);

    const { hidden, activation, learningRate, batchSize, epochs } = options;
    let settings: ModelSettings = { hidden, activation, learningRate, batchSize, epochs };
    let trialRows: string[][] | undefined;
    if (options.search > 0) {
      // Trials score on an inner split of the training rows, so the validation rows stay unseen until the end.
      const inner = trainTestSplit(data.xTrain, data.yTrain, { testSize: 0.2, seed: options.seed + 1 });
      [inner.xTrain, inner.xTest, inner.yTrain, inner.yTest].forEach(keep);
      const innerData: Split = { xTrain: inner.xTrain, yTrain: inner.yTrain, xVal: inner.xTest, yVal: inner.yTest };
      const result = await randomSearch({
        space: SPACE, trials: options.search, seed: options.seed, progress: output.progress,
        objective: async (params, { seed }) => {
          const trained = await trainModel(settingsOf(params), innerData, classes, seed);
          const logs = trained.model.evaluate(innerData.xVal, innerData.yVal);
          trained.model.dispose();
          return classes > 0 ? 1 - logs.accuracy : logs.loss;
        },
      });
      if (!result.best) throw new Error(`train: every search trial failed (first error: ${result.trials[0]?.error})`);
      settings = settingsOf(result.best.params);
      trialRows = [['trial', 'layers', 'units', 'activation', 'learning rate', 'batch', 'epochs', classes > 0 ? '1 − accuracy' : 'mse (scaled)'],
        ...result.trials.map((t) => [String(t.index + 1), String(t.params.layers), String(t.params.units), String(t.params.activation),
          (t.params.learningRate as number).toPrecision(3), String(t.params.batchSize), String(t.params.epochs), t.status === 'ok' ? t.score.toPrecision(4) : `failed: ${t.error}`])];
      output.log(`search: ${options.search} trials; best ${JSON.stringify(result.best.params)} (score ${result.best.score.toPrecision(4)})`);
    }

    const bar = epochBar(output, settings.epochs);
    let trained;
    try {
      trained = await trainModel(settings, data, classes, options.seed, bar.callbacks);
    } finally {
      bar.stop();
    }
    model = trained.model;
    const labels = (y: Tensor): (number | string)[] => (classes > 0 ? Array.from(y.dataSync(), (i) => preparation.classes![i]) : decode(y, preparation));
    const predicted = decode(keep(model.predict(data.xVal)), preparation);
    const truth = labels(data.yVal), trainTruth = labels(data.yTrain);
    const metrics = score(predicted, truth, preparation.task);
    const baselineValue = classes > 0 ? mostFrequent(trainTruth as string[]) : (trainTruth as number[]).reduce((a, b) => a + b, 0) / trainTruth.length;
    const baseline = score(truth.map(() => baselineValue), truth, preparation.task);
    const names = Object.keys(metrics);
    const summary = [['validation', ...names], ['model', ...names.map((k) => metrics[k].toFixed(4))],
      [classes > 0 ? `majority class (${baselineValue})` : `mean (${(baselineValue as number).toPrecision(4)})`, ...names.map((k) => baseline[k].toFixed(4))]];
    output.log(`\n${textTable(summary)}\n`);
    output.log(`loss      ${sparkline(trained.history.history.loss)}  ${trained.history.history.loss.at(-1)?.toPrecision(4)}`);
    output.log(`val_loss  ${sparkline(trained.history.history.val_loss)}  ${trained.history.history.val_loss.at(-1)?.toPrecision(4)}`);
    model.metadata = { preparation, settings };
    await saveCliModel(model, options.out);
    output.log(`saved ${options.out}`);
    if (options.report) {
      await writeFile(options.report, htmlReport(`simdeep train ${file} --target ${options.target}`, summary, trained.history.history, trialRows));
      output.log(`wrote ${options.report}`);
    }
    return { preparation, settings, metrics, baseline, history: trained.history.history };
  } finally {
    model?.dispose();
    dispose(tensors);
  }
}

function mostFrequent(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
}
