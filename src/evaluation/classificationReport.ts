import { compareLabels, readValues, rowArgmax } from '../data/classValues';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { Tensor } from '../tensor/tensor';
import { readSampleWeight, type ClassValues } from './confusionMatrix';
import { padLeft, pythonFixed, pythonRepr, widest } from './pythonText';
import { numpyAverage, numpySum } from './numpySums';

/**
 * Options of `classificationReport`.
 * @example
 * const options: ClassificationReportOptions = { targetNames: ['cat', 'dog'], digits: 3 };
 * classificationReport([0, 1, 1], [0, 1, 0], options).classes[1].recall; // 0.5
 */
export interface ClassificationReportOptions {
  /** The labels to report, in order (default: those in yTrue or yPred, sorted; every class of scores [n, k]). */
  labels?: readonly (number | string)[];
  /** The names printed for the labels, one each (default: the labels as text). */
  targetNames?: readonly string[];
  /** Decimal places of the printed scores (default 2). */
  digits?: number;
  /** A score whose denominator is 0: 'warn' (the default, as scikit-learn's: 0), 0, 1 or NaN. */
  zeroDivision?: 'warn' | 0 | 1 | number;
  /** Each row's weight (finite, not negative); supports become weighted sums. */
  sampleWeight?: Tensor | readonly number[] | Float32Array | Float64Array;
}

/**
 * Precision, recall, F1 and support, of one class or averaged over them.
 * @example
 * const scores: ClassificationScores = classificationReport([0, 1], [0, 1]).macroAvg;
 * scores.f1; // 1
 */
export interface ClassificationScores {
  /** Of the rows predicted as the class, the fraction that are. */
  precision: number;
  /** Of the rows of the class, the fraction predicted as it. */
  recall: number;
  /** The harmonic mean of precision and recall: 2·tp / (2·tp + fp + fn). */
  f1: number;
  /** The rows of the class in yTrue (weighted with sampleWeight); for averages, the total. */
  support: number;
}

/**
 * One class's line of a classification report.
 * @example
 * const row: ClassScores = classificationReport(['a', 'b'], ['a', 'a']).classes[0];
 * row.precision; // 0.5
 */
export interface ClassScores extends ClassificationScores {
  /** The class label. */
  label: number | string;
  /** The name printed for it. */
  name: string;
}

/**
 * What `classificationReport` returns: per-class scores and their averages; `toString()` prints them as
 * scikit-learn's `classification_report` does.
 * @example
 * const report: ClassificationReport = classificationReport([0, 1, 1], [0, 1, 1]);
 * report.accuracy; // 1
 */
export interface ClassificationReport {
  /** One entry per label, in order. */
  classes: ClassScores[];
  /** The fraction of rows predicted right (null when `labels` leaves out a class of the data: see microAvg). */
  accuracy: number | null;
  /** ClassificationScores from the counts summed over the labels, when `labels` leaves out a class of the data (else null). */
  microAvg: ClassificationScores | null;
  /** The unweighted mean over the labels (NaN scores left out). */
  macroAvg: ClassificationScores;
  /** The mean over the labels weighted by their support. */
  weightedAvg: ClassificationScores;
  /** The report as scikit-learn's `classification_report` prints it. */
  toString(): string;
}

type Label = number | string;

/** The labels of yTrue or yPred: strings, finite numbers, or each row's argmax of scores [n, k] (k also returned). */
function readReportLabels(y: unknown, op: string, arg: string): { labels: Label[]; width: number | null } {
  if (Array.isArray(y) && y.length > 0 && typeof y[0] === 'string') {
    y.forEach((label: unknown, i) => {
      if (typeof label !== 'string') throw new TypeError(`${op}: ${arg}[${i}] is ${showValue(label)}; labels must be all strings or all numbers`);
    });
    return { labels: y as string[], width: null };
  }
  const read = readValues(y, op, arg), { shape, values } = read;
  if (shape.length === 2 && shape[1] > 1) return { labels: Array.from(rowArgmax(read, op, arg)), width: shape[1] };
  if (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1)) {
    throw new ShapeError(`${op}: ${arg} must be labels [n] or [n, 1], or class scores [n, classes], got shape ${showShape(shape)}`);
  }
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new RangeError(`${op}: ${arg}[${bad}] is ${values[bad]}, not a label`);
  return { labels: Array.from(values), width: null };
}

/** The labels to report, checked against the data's kind of label. */
function chooseLabels(given: unknown, present: Label[], kind: string, op: string): Label[] {
  if (given === undefined) return present;
  if (!Array.isArray(given) || given.length === 0) throw new TypeError(`${op}: labels must be a non-empty array of labels, got ${showValue(given)}`);
  const seen = new Set<unknown>();
  given.forEach((label: unknown, i) => {
    if (typeof label !== kind || (typeof label === 'number' && !Number.isFinite(label))) {
      throw new TypeError(`${op}: labels[${i}] is ${showValue(label)}, but the data's labels are ${kind}s`);
    }
    if (seen.has(label)) throw new RangeError(`${op}: labels lists ${showValue(label)} twice`);
    seen.add(label);
  });
  return given as Label[];
}

/** A label printed as scikit-learn's "%s" prints it: numbers of a float array (any non-integer) with a decimal point. */
const labelNames = (labels: readonly Label[]): string[] => {
  const floats = labels.some((l) => typeof l === 'number' && !Number.isInteger(l));
  return labels.map((l) => (typeof l === 'string' ? l : floats ? pythonRepr(l) : String(l)));
};

/**
 * Per-class precision, recall, F1 and support, their accuracy, macro and weighted averages, as scikit-learn's
 * `classification_report` computes them (counts in float64, a score with a zero denominator set by zeroDivision),
 * as data and, through `toString()`, as the same text, character for character. yTrue and yPred are labels (numbers
 * or strings) or scores [n, classes] read by their argmax (such as a softmax model's predictions).
 * @throws TypeError for labels of two kinds or options of the wrong type; RangeError for a NaN score, an empty
 * yTrue without `labels`, targetNames of another length, or a bad option value; ShapeError for inputs of different
 * lengths or ranks.
 * @example
 * const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['class 0', 'class 1', 'class 2'] });
 * report.weightedAvg.precision; // 0.7
 * console.log(report.toString());
 */
export function classificationReport(yTrue: ClassValues | readonly string[], yPred: ClassValues | readonly string[], options: ClassificationReportOptions = {}): ClassificationReport {
  const op = 'classificationReport';
  checkOptionKeys(op, options, ['labels', 'targetNames', 'digits', 'zeroDivision', 'sampleWeight']);
  const { digits = 2, zeroDivision = 'warn' } = options;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) throw new RangeError(`${op}: digits must be an integer from 0 to 20, got ${showValue(digits)}`);
  if (zeroDivision !== 'warn' && zeroDivision !== 0 && zeroDivision !== 1 && !Number.isNaN(zeroDivision)) {
    throw new RangeError(`${op}: zeroDivision must be 'warn', 0, 1 or NaN, got ${showValue(zeroDivision)}`);
  }
  const t = readReportLabels(yTrue, op, 'yTrue'), p = readReportLabels(yPred, op, 'yPred');
  const n = t.labels.length;
  if (n !== p.labels.length) throw new ShapeError(`${op}: yTrue has ${n} rows but yPred has ${p.labels.length}`);
  const kind = typeof (t.labels[0] ?? p.labels[0] ?? options.labels?.[0] ?? 0);
  const other = [...t.labels, ...p.labels].find((l) => typeof l !== kind);
  if (other !== undefined) throw new TypeError(`${op}: yTrue and yPred mix strings and numbers (${showValue(t.labels[0])} and ${showValue(other)}); labels must be of one kind`);
  const weights = readSampleWeight(options.sampleWeight, n, op);
  const present = new Set<Label>([...t.labels, ...p.labels]);
  for (let c = 0; c < Math.max(t.width ?? 0, p.width ?? 0); c++) present.add(c);
  const labels = chooseLabels(options.labels, [...present].sort(compareLabels), kind, op);
  if (labels.length === 0) throw new RangeError(`${op}: yTrue and yPred are empty; pass labels to report on no rows`);
  const given = options.targetNames as unknown;
  if (given !== undefined && (!Array.isArray(given) || given.some((name) => typeof name !== 'string'))) {
    throw new TypeError(`${op}: targetNames must be an array of strings, got ${showValue(given)}`);
  }
  const names = (given as string[] | undefined)?.slice() ?? labelNames(labels);
  if (names.length !== labels.length) throw new RangeError(`${op}: targetNames has ${names.length} names but there are ${labels.length} labels (${labels.map((l) => showValue(l)).join(', ')}); pass labels to choose them`);
  const listed = new Set(labels);
  const microIsAccuracy = [...present].every((label) => listed.has(label)) || options.labels === undefined;

  // Weighted counts per label, summed in row order (as scikit-learn's bincount).
  const position = new Map(labels.map((label, i) => [label, i]));
  const k = labels.length, tp = new Float64Array(k), predRaw = new Float64Array(k), trueRaw = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1, a = position.get(t.labels[i]), b = position.get(p.labels[i]);
    if (a !== undefined) trueRaw[a] += w;
    if (b !== undefined) predRaw[b] += w;
    if (a !== undefined && a === b) tp[a] += w;
  }
  // NOTE: scikit-learn rebuilds the sums from its per-class confusion matrices: tp + (sum - tp), which can differ
  // from the sum in the last bit with fractional weights.
  const predSum = predRaw.map((s, i) => tp[i] + (s - tp[i])), trueSum = trueRaw.map((s, i) => tp[i] + (s - tp[i]));
  const zd = zeroDivision === 'warn' ? 0 : zeroDivision;
  const divide = (a: number, b: number): number => (b === 0 ? zd : a / b);
  const scores = (tps: number, preds: number, trues: number): [number, number, number] => [divide(tps, preds), divide(tps, trues), divide(2 * tps, trues + preds)];
  const perClass = labels.map((_, i) => scores(tp[i], predSum[i], trueSum[i]));
  const total = numpySum(trueSum);
  const micro = scores(numpySum(tp), numpySum(predSum), numpySum(trueSum));
  const average = (w: Float64Array | null): ClassificationScores => {
    const [precision, recall, f1] = [0, 1, 2].map((j) => numpyAverage(perClass.map((s) => s[j]), w));
    return { precision, recall, f1, support: total };
  };
  const classes = labels.map((label, i) => ({ label, name: names[i], precision: perClass[i][0], recall: perClass[i][1], f1: perClass[i][2], support: trueSum[i] }));
  const microAvg = { precision: micro[0], recall: micro[1], f1: micro[2], support: total };
  const report = { classes, accuracy: microIsAccuracy ? micro[0] : null, microAvg: microIsAccuracy ? null : microAvg, macroAvg: average(null), weightedAvg: average(trueSum) };
  const text = (): string => reportText(report, microAvg, digits, weights !== null);
  return { ...report, toString: text };
}

/** The text of scikit-learn's classification_report: a header, a line per class, then the averages. */
function reportText(report: Omit<ClassificationReport, 'toString'>, micro: ClassificationScores, digits: number, weighted: boolean): string {
  const width = Math.max(widest(report.classes.map((c) => c.name)), 'weighted avg'.length, digits);
  const support = (s: number): string => padLeft(weighted ? pythonRepr(s) : String(s), 9);
  const line = (name: string, s: ClassificationScores): string =>
    `${padLeft(name, width)} ${[s.precision, s.recall, s.f1].map((v) => ` ${padLeft(pythonFixed(v, digits), 9)}`).join('')} ${support(s.support)}\n`;
  let text = `${padLeft('', width)} ${['precision', 'recall', 'f1-score', 'support'].map((h) => ` ${padLeft(h, 9)}`).join('')}\n\n`;
  for (const c of report.classes) text += line(c.name, c);
  text += '\n';
  text += report.accuracy !== null
    ? `${padLeft('accuracy', width)} ${' '.repeat(20)} ${padLeft(pythonFixed(micro.f1, digits), 9)} ${support(micro.support)}\n`
    : line('micro avg', micro);
  return text + line('macro avg', report.macroAvg) + line('weighted avg', report.weightedAvg);
}
