// Input preparation the command line fits on training data and saves with the model: which columns are features,
// how each is encoded (numbers with missing values filled by the training median; text one-hot over the training
// categories), the min-max scaling of the encoded features, and the target (a regression value scaled to 0..1, or
// a class index).
import { tensor } from '../tensor/create';
import type { Tensor } from '../tensor/tensor';
import type { Cell, Table } from '../data/table';
import { MinMaxScaler, scalerFromJSON } from '../data/scalers';
import { LabelEncoder } from '../data/labels';
import { extent } from './report';
import { RowError } from './lines';

/** A text column with more distinct values than this is an identifier or free text, not a category. */
const MAX_CATEGORIES = 50;

export type Feature = { name: string; kind: 'numeric'; fill: number } | { name: string; kind: 'categorical'; categories: string[] };

/** What the command line saves with a model to prepare raw rows the way training did. */
export interface Preparation {
  target: string;
  task: 'regression' | 'classification';
  /** Class labels in index order (classification). */
  classes?: string[];
  /** Target range for regression outputs in 0..1. */
  targetRange?: [number, number];
  features: Feature[];
  scaler: ReturnType<MinMaxScaler['toJSON']>;
  /** Columns left out, and why. */
  dropped: Record<string, string>;
}

const isMissing = (v: Cell): boolean => v === null || (typeof v === 'number' && Number.isNaN(v));

function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const checkTarget = (table: Table, target: string): void => {
  if (!table.columns.includes(target)) throw new RangeError(`the target column "${target}" is not in the data (columns: ${table.columns.join(', ')})`);
};

/** The rows that have a target, and their indices in `table` (so messages name rows as the file counts them). */
export function rowsWithTarget(table: Table, target: string): { table: Table; rows: number[] } {
  checkTarget(table, target);
  const rows = table.column(target).flatMap((v, row) => (isMissing(v) ? [] : [row]));
  return { table: table.take(rows), rows };
}

/**
 * Chooses the features and the task from training rows; rows with no target must be removed first. A bad value
 * throws a RowError naming the table's row.
 */
export function planPreparation(table: Table, target: string, drop: readonly string[], task?: 'regression' | 'classification'): Preparation {
  checkTarget(table, target);
  const unknown = drop.filter((name) => !table.columns.includes(name));
  if (unknown.length) throw new RangeError(`--drop names columns not in the data: ${unknown.join(', ')}`);
  // NOTE: keyed by column names, which may be any text ('constructor', '__proto__'): no prototype to inherit from.
  const dropped: Record<string, string> = Object.create(null);
  for (const name of drop) dropped[name] = 'dropped (--drop)';
  const features: Feature[] = [];
  for (const name of table.columns) {
    if (name === target || Object.hasOwn(dropped, name)) continue;
    const values = table.column(name).filter((v) => !isMissing(v));
    if (values.length === 0) {
      dropped[name] = 'always empty';
    } else if (values.every((v) => typeof v === 'number')) {
      if (new Set(values).size === 1) dropped[name] = 'constant';
      else features.push({ name, kind: 'numeric', fill: median(values as number[]) });
    } else {
      const numbers = values.filter((v) => typeof v === 'number').length;
      if (numbers >= 0.9 * values.length) {
        const row = table.column(name).findIndex((v) => typeof v === 'string');
        throw new RowError(row, `column "${name}" is ${JSON.stringify(table.column(name)[row])}, not a number (the column's other values are numbers); fix the value, or --drop ${name}`);
      }
      const categories = [...new Set(values.map(String))].sort();
      if (categories.length > MAX_CATEGORIES) dropped[name] = `text with ${categories.length} distinct values`;
      else if (categories.length === 1) dropped[name] = 'constant';
      else features.push({ name, kind: 'categorical', categories });
    }
  }
  if (features.length === 0) throw new RangeError('no feature columns are left after dropping empty, constant and free-text columns');
  const y = table.column(target);
  const numericTarget = y.every((v) => typeof v === 'number');
  const resolved = task ?? (numericTarget ? 'regression' : 'classification');
  if (resolved === 'regression' && !numericTarget) {
    const row = y.findIndex((v) => typeof v !== 'number');
    throw new RowError(row, `target "${target}" is ${JSON.stringify(y[row])}, not a number; regression needs numbers`);
  }
  const preparation: Preparation = { target, task: resolved, features, dropped, scaler: new MinMaxScaler().toJSON() };
  if (resolved === 'classification') {
    // Labels as text (a numeric target of --task classification too), so that saved files hold strings.
    preparation.classes = new LabelEncoder().fit(y.map(String)).classes as string[];
    if (preparation.classes.length < 2) throw new RangeError(`the target "${target}" has one class only`);
  } else {
    preparation.targetRange = extent(y as number[]);
  }
  return preparation;
}

/** The encoded, unscaled features of a table (missing numbers filled, text one-hot) as [rows, encoded columns]. */
export function encodeFeatures(table: Table, preparation: Preparation): Tensor {
  const width = featureNames(preparation).length, out = new Float32Array(table.rowCount * width);
  let offset = 0;
  for (const feature of preparation.features) {
    if (!table.columns.includes(feature.name)) throw new RangeError(`the data has no column "${feature.name}", which the model needs`);
    const column = table.column(feature.name);
    if (feature.kind === 'categorical') {
      const index = new Map(feature.categories.map((c, i) => [c, i]));
      column.forEach((v, row) => {
        const c = isMissing(v) ? undefined : index.get(String(v));
        if (c !== undefined) out[row * width + offset + c] = 1;
      });
      offset += feature.categories.length;
    } else {
      column.forEach((v, row) => {
        if (!isMissing(v) && typeof v !== 'number') throw new RowError(row, `column "${feature.name}" is ${JSON.stringify(v)}, not a number`);
        out[row * width + offset] = isMissing(v) ? feature.fill : (v as number);
      });
      offset += 1;
    }
  }
  return tensor(out, [table.rowCount, width]);
}

/** Fits the min-max scaler on training features (encoded) and saves it in the preparation. */
export function fitScaler(preparation: Preparation, xTrain: Tensor): void {
  preparation.scaler = new MinMaxScaler().fit(xTrain).toJSON();
}

/** Scales encoded features with the saved statistics. */
export function scale(preparation: Preparation, x: Tensor): Tensor {
  return scalerFromJSON(preparation.scaler).transform(x);
}

/** Encoded feature names: numeric columns as they are, categories as column=value. */
export function featureNames(preparation: Preparation): string[] {
  return preparation.features.flatMap((f) => (f.kind === 'numeric' ? [f.name] : f.categories.map((c) => `${f.name}=${c}`)));
}

/** The target as training needs it: [rows, 1] in 0..1 (regression) or [rows] class indices. */
export function targets(table: Table, preparation: Preparation): Tensor {
  const y = table.column(preparation.target);
  if (preparation.task === 'classification') {
    const labels = y.map(String), known = new Set(preparation.classes);
    const row = labels.findIndex((label) => !known.has(label));
    if (row >= 0) throw new RowError(row, `target "${preparation.target}" is ${JSON.stringify(y[row])}, a class the model does not know`);
    return classEncoder(preparation).transform(labels);
  }
  const [lo, hi] = preparation.targetRange!;
  return tensor(y.map((v) => [((v as number) - lo) / (hi - lo || 1)]));
}

/** Model outputs back to target units: regression values, or class labels. */
export function decode(outputs: Tensor, preparation: Preparation): (number | string)[] {
  if (preparation.task === 'classification') return classEncoder(preparation).inverseTransform(outputs) as string[];
  const rows = outputs.toArray() as number[][];
  const [lo, hi] = preparation.targetRange!;
  return rows.map(([v]) => lo + v * (hi - lo || 1));
}

/** The label encoder of a classification's saved classes (in the order the model's outputs were trained in). */
export const classEncoder = (preparation: Preparation): LabelEncoder => LabelEncoder.fromJSON({ type: 'LabelEncoder', classes: preparation.classes! });
