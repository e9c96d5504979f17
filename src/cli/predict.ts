// `simdeep predict`: prepares a file's rows as training did and writes one prediction per row as CSV, after the
// columns to pass through (--keep) and before the class probabilities (--proba).
import { writeFile } from 'node:fs/promises';
import Papa from 'papaparse';
import { TextColumnsMissing } from '../data/csv';
import { readTable } from '../data/read';
import type { Cell, Table } from '../data/table';
import type { Tensor } from '../tensor/tensor';
import { checkPreparation } from './checkPreparation';
import { checkWritable, loadCliModel } from './files';
import { withFilePlace } from './lines';
import { decode, encodeFeatures, scale, type Preparation } from './prepare';

export interface PredictOptions {
  /** Write the CSV here instead of returning it for stdout. */
  out?: string;
  /** Columns of the file to copy before the prediction, such as an id. */
  keep?: readonly string[];
  /** Also write each class's probability (classification models). */
  proba?: boolean;
  /** The data file's text encoding (a TextDecoder label; default utf-8). */
  encoding?: string;
}

/** Throws, naming the file, if it lacks a column the model needs or one that --keep names. */
function checkColumns(table: Table, file: string, modelPath: string, preparation: Preparation, keep: readonly string[]): void {
  const has = new Set(table.columns);
  const missing = preparation.features.map((f) => f.name).filter((name) => !has.has(name));
  if (missing.length) {
    throw new RangeError(`predict: ${file} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the model ${modelPath} needs (its columns: ${table.columns.join(', ')})`);
  }
  const unknown = keep.filter((name) => !has.has(name));
  if (unknown.length) throw new RangeError(`predict: --keep names columns not in ${file}: ${unknown.join(', ')} (its columns: ${table.columns.join(', ')})`);
}

/** Runs `simdeep predict`; returns the CSV it wrote (to `options.out`, or for the caller to print). */
export async function predict(modelPath: string, file: string, options: PredictOptions = {}): Promise<string> {
  const keep = options.keep ?? [];
  if (options.out) await checkWritable(options.out, '--out');
  const model = await loadCliModel(modelPath);
  try {
    const preparation = checkPreparation(model, modelPath);
    if (options.proba && preparation.task !== 'classification') throw new RangeError(`predict: --proba needs a classification model; ${modelPath} predicts ${preparation.target} by regression`);
    // Kept columns that are no inputs stay as written (an id '007' is not the number 7).
    const features = new Set(preparation.features.map((f) => f.name));
    const text = /\.(csv|tsv)$/i.test(file) ? keep.filter((name) => !features.has(name)) : undefined;
    const table = await readTable(file, { encoding: options.encoding, text }).catch(async (error: unknown) => {
      if (error instanceof TextColumnsMissing) {
        throw new RangeError(`predict: --keep names columns not in ${file}: ${error.columns.join(', ')} (its columns: ${error.header.join(', ')})`);
      }
      throw await withFilePlace(error, 'predict', file);
    });
    checkColumns(table, file, modelPath, preparation, keep);
    let raw;
    try {
      raw = encodeFeatures(table, preparation);
    } catch (error) {
      throw await withFilePlace(error, 'predict', file);
    }
    const x = scale(preparation, raw);
    const y = model.predict(x) as Tensor; // one output: checkPreparation checked it
    const values = decode(y, preparation);
    const probabilities = options.proba ? (y.toArray() as number[][]) : undefined;
    [raw, x, y].forEach((t) => t.dispose());
    const kept = keep.map((name) => table.column(name));
    const cell = (v: Cell): string | number => v ?? '';
    const fields = [...keep, preparation.target, ...(probabilities ? preparation.classes!.map((c) => `p(${preparation.target}=${c})`) : [])];
    const data = values.map((v, row) => [...kept.map((column) => cell(column[row])), v, ...(probabilities?.[row] ?? [])]);
    // One line ending throughout: papaparse's default is \r\n between rows.
    const csv = `${Papa.unparse({ fields, data }, { newline: '\n' })}\n`;
    if (options.out) await writeFile(options.out, csv);
    return csv;
  } finally {
    model.dispose();
  }
}
