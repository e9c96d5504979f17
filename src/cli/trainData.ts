// The data of `simdeep train`, read and prepared the same way for its training and for each search trial, whether
// the trial runs in this process or on a queue worker (searchTrial.ts): the rows with a target, the test rows split
// off first, the validation rows split from the rest, the features encoded and scaled on the training rows.
import { readTable } from '../data/read';
import { trainTestSplit, type Split as SplitParts } from '../data/split';
import type { Table } from '../data/table';
import type { Tensor } from '../tensor/tensor';
import { classWeightsOf } from './classWeights';
import { trainModel, type ModelSettings, type Split, type TrainExtras } from './model';
import { encodeFeatures, fitScaler, planPreparation, rowsWithTarget, scale, targets, type Preparation } from './prepare';
import { reworded, RowError, withFilePlace } from './lines';
import type { TrainOptions } from './train';

/** The options that decide the data: the file's reading, the columns, the task, the splits and the class weights. */
export type DataOptions = Pick<TrainOptions, 'target' | 'drop' | 'encoding' | 'features' | 'task' | 'test' | 'validation' | 'seed' | 'classWeight'>;

/** The prepared data: the test rows, the training and validation rows, and the class count (0 for regression). */
export interface Prepared {
  held: SplitParts;
  data: Split;
  xTest: Tensor;
  classes: number;
  classWeight?: Record<number, number>;
}

/**
 * Reads the file and plans the preparation on the rows with a target, leaving out the columns of --drop (or all but
 * those of --features); errors name the file and its lines.
 */
export async function readAndPlan(file: string, options: DataOptions): Promise<{ table: Table; preparation: Preparation; drop: string[] }> {
  const read = await readTable(file, { encoding: options.encoding }).catch(async (error: unknown) => {
    throw await withFilePlace(error, 'train', file);
  });
  let rows: number[] = [];
  try {
    const withTarget = rowsWithTarget(read, options.target);
    rows = withTarget.rows;
    if (withTarget.table.rowCount < 10) throw new RangeError(`has ${withTarget.table.rowCount} rows with a target; at least 10 are needed`);
    let drop = options.drop;
    if (options.features) {
      const columns = new Set(read.columns), features = new Set(options.features);
      const unknown = options.features.filter((name) => !columns.has(name));
      if (unknown.length) throw new RangeError(`--features names columns not in the data: ${unknown.join(', ')}`);
      drop = read.columns.filter((name) => name !== options.target && !features.has(name));
    }
    return { table: withTarget.table, preparation: planPreparation(withTarget.table, options.target, drop, options.task), drop };
  } catch (error) {
    if (error instanceof RowError) throw await withFilePlace(error, 'train', file, (row) => rows[row]);
    throw reworded(error as Error, `train: ${file}: ${(error as Error).message}`);
  }
}

/** Splits off the test rows, then the validation rows from the rest; `keep` takes every part. */
function splitRows(x: Tensor, y: Tensor, options: DataOptions, keep: <T extends Tensor>(t: T) => T): { held: SplitParts; rest: SplitParts } {
  try {
    const held = trainTestSplit(x, y, { testSize: options.test, seed: options.seed });
    [held.xTrain, held.xTest, held.yTrain, held.yTest].forEach(keep);
    const rest = trainTestSplit(held.xTrain, held.yTrain, { testSize: options.validation, seed: options.seed + 1 });
    [rest.xTrain, rest.xTest, rest.yTrain, rest.yTest].forEach(keep);
    return { held, rest };
  } catch (error) {
    throw reworded(error as Error, `train: --test ${options.test} and --validation ${options.validation} of ${x.shape[0]} rows: ${(error as Error).message}`);
  }
}

/**
 * Encodes the table's features and targets, splits off the test rows, then the validation rows from the rest (the
 * test rows are seen only by the final score; early stopping and the search choose on the validation rows), and
 * scales the features on the training rows. `keep` takes every tensor made.
 */
export function prepareSplits(table: Table, preparation: Preparation, options: DataOptions, keep: <T extends Tensor>(t: T) => T): Prepared {
  const raw = keep(encodeFeatures(table, preparation)), y = keep(targets(table, preparation));
  const { held, rest } = splitRows(raw, y, options, keep);
  fitScaler(preparation, rest.xTrain);
  const data: Split = { xTrain: keep(scale(preparation, rest.xTrain)), yTrain: rest.yTrain, xVal: keep(scale(preparation, rest.xTest)), yVal: rest.yTest };
  const xTest = keep(scale(preparation, held.xTest));
  const classes = preparation.classes?.length ?? 0;
  const classWeight = options.classWeight && classWeightsOf(options.classWeight, preparation.classes, data.yTrain.dataSync(), options.target);
  return { held, data, xTest, classes, ...(classWeight ? { classWeight } : {}) };
}

/** A search trial's score: validation 1 − accuracy (classification) or validation loss of the model `settings` trains. */
export async function trialScore(settings: ModelSettings, data: Split, classes: number, seed: number, extras: TrainExtras = {}): Promise<number> {
  const trained = await trainModel(settings, data, classes, seed, extras);
  const logs = trained.model.evaluate(data.xVal, data.yVal);
  trained.model.dispose();
  return classes > 0 ? 1 - logs.accuracy : logs.loss;
}
