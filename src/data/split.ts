import { gather } from '../ops/gather';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger, MAX_SIZE } from '../tensor/shape';
import { checkTensor, Tensor } from '../tensor/tensor';
import { seededRandom, seedOrRandom, shuffleInPlace } from './shuffle';

/**
 * Options of `trainTestSplit`.
 * @example
 * const options: SplitOptions = { testSize: 2, shuffle: false };
 * trainTestSplit(arange(5), arange(5), options).yTest.toArray(); // [3, 4]
 */
export interface SplitOptions {
  /** Rows held out for testing: a fraction in (0, 1) (rounded up), or a whole number of rows (default 0.25). */
  testSize?: number;
  /** Shuffle the rows before splitting (default true); without it the test rows are the last ones. */
  shuffle?: boolean;
  /** Seed of the shuffle; the same seed gives the same split (default: a random one). */
  seed?: number;
  /** Keep each class's share of rows in both sets, by y's label (default false). */
  stratify?: boolean;
}

/**
 * The four tensors `trainTestSplit` returns (a type, not an interface, so `dispose(split)` accepts it).
 * @example
 * const split: Split = trainTestSplit(arange(10), arange(10), { seed: 1 });
 * dispose(split);
 */
export type Split = {
  /** The training rows of x. */
  xTrain: Tensor;
  /** The test rows of x. */
  xTest: Tensor;
  /** The training rows of y, matching xTrain. */
  yTrain: Tensor;
  /** The test rows of y, matching xTest. */
  yTest: Tensor;
};

/**
 * Options of `kFold`.
 * @example
 * const options: KFoldOptions = { k: 3, shuffle: true, seed: 1 };
 * kFold(9, options).map((fold) => fold.test.length); // [3, 3, 3]
 */
export interface KFoldOptions {
  /** Number of folds, at least 2 and at most the number of samples (default 5). */
  k?: number;
  /** Shuffle the samples before cutting them into folds (default false: consecutive blocks). */
  shuffle?: boolean;
  /** Seed of the shuffle (default: a random one). */
  seed?: number;
}

/**
 * One fold of `kFold`: the sample indices to train on and to test on, each ascending.
 * @example
 * const [fold]: Fold[] = kFold(4, { k: 2 });
 * fold; // { train: [2, 3], test: [0, 1] }
 */
export interface Fold {
  /** The indices to train on. */
  train: number[];
  /** The indices to test on. */
  test: number[];
}

/**
 * Splits the rows of x and y (the first axis) into training and test sets, as scikit-learn's train_test_split.
 * With `stratify`, y holds class labels, as a [rows] or [rows, 1] tensor of class indices or a one-hot
 * [rows, classes] tensor, and each class keeps its share of rows on both sides (at least one row of each). Returns
 * new tensors (see Split). Throws a ShapeError for scalars or row counts that differ, a RangeError for a testSize
 * that leaves either side empty or a stratify that cannot keep each class on both sides, a TypeError for bad
 * options.
 * @example
 * const x = arange(20).reshape([10, 2]), y = arange(10);
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, seed: 1 });
 * xTrain.shape; // [8, 2]
 * yTest.shape;  // [2]
 */
export function trainTestSplit(x: Tensor, y: Tensor, options: SplitOptions = {}): Split {
  const op = 'trainTestSplit';
  checkTensor(x, op, 'x');
  checkTensor(y, op, 'y');
  if (x.rank === 0 || y.rank === 0) throw new ShapeError(`${op}: x and y need a row axis, got shapes ${showShape(x.shape)} and ${showShape(y.shape)}`);
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new ShapeError(`${op}: x has ${n} rows (shape ${showShape(x.shape)}) but y has ${y.shape[0]} (shape ${showShape(y.shape)})`);
  checkOptionKeys(op, options, ['testSize', 'shuffle', 'seed', 'stratify']);
  const nTest = testCount(options.testSize ?? 0.25, n, op);
  const shuffle = checkFlag(options.shuffle ?? true, op, 'shuffle');
  const stratify = checkFlag(options.stratify ?? false, op, 'stratify');
  const random = seededRandom(seedOrRandom(options.seed, op));
  const { train, test } = stratify
    ? stratifiedIndices(labelsOf(y, op), nTest, shuffle, random, op)
    : plainIndices(n, nTest, shuffle, random);
  const parts: Tensor[] = [];
  try {
    for (const [t, rows] of [[x, train], [x, test], [y, train], [y, test]] as const) parts.push(gather(t, rows, 0));
  } catch (error) {
    for (const t of parts) t.dispose();
    throw error;
  }
  const [xTrain, xTest, yTrain, yTest] = parts;
  return { xTrain, xTest, yTrain, yTest };
}

/**
 * Cuts `samples` indices (a count, or a tensor's rows) into k folds for cross-validation, as scikit-learn's KFold:
 * each index is tested in exactly one fold and trained on in the others; the first `samples % k` folds test one
 * more sample. Throws a TypeError or RangeError unless k is an integer from 2 to the number of samples, or for
 * bad options.
 * @example
 * kFold(5, { k: 2 }); // [{ train: [3, 4], test: [0, 1, 2] }, { train: [0, 1, 2], test: [3, 4] }]
 */
export function kFold(samples: number | Tensor, options: KFoldOptions = {}): Fold[] {
  const op = 'kFold';
  const n = samples instanceof Tensor ? rowsOf(samples, op) : checkInteger(samples, op, 'samples (a count or a Tensor)', 0, MAX_SIZE); // at most a tensor's rows
  checkOptionKeys(op, options, ['k', 'shuffle', 'seed']);
  const k = checkInteger(options.k ?? 5, op, 'k', 2);
  if (k > n) throw new RangeError(`${op}: k = ${k} folds need at least ${k} samples, got ${n}`);
  const shuffle = checkFlag(options.shuffle ?? false, op, 'shuffle');
  const random = seededRandom(seedOrRandom(options.seed, op));
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) shuffleInPlace(order, random);
  const folds: Fold[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    const inTest = new Uint8Array(n);
    const test = order.slice(start, start + size).sort((a, b) => a - b);
    for (const i of test) inTest[i] = 1;
    folds.push({ train: order.filter((i) => !inTest[i]).sort((a, b) => a - b), test });
    start += size;
  }
  return folds;
}

function rowsOf(samples: Tensor, op: string): number {
  checkTensor(samples, op, 'samples');
  if (samples.rank === 0) throw new ShapeError(`${op}: samples must be a count or a tensor with a row axis, got a scalar tensor`);
  return samples.shape[0];
}

function checkFlag(value: unknown, op: string, arg: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${arg} must be true or false, got ${showValue(value)}`);
  return value;
}

function testCount(testSize: unknown, n: number, op: string): number {
  if (typeof testSize !== 'number' || !Number.isFinite(testSize) || testSize <= 0 || (testSize >= 1 && !Number.isInteger(testSize))) {
    throw new RangeError(`${op}: testSize must be a fraction in (0, 1) or a whole number of rows, got ${showValue(testSize)}`);
  }
  // NOTE: the small slack keeps products such as 0.7 * 10 = 7.000000000000001 from rounding up to 8.
  const count = testSize < 1 ? Math.ceil(testSize * n - 1e-9) : testSize;
  if (count < 1 || count > n - 1) {
    throw new RangeError(`${op}: testSize ${testSize} of ${n} rows leaves ${Math.max(0, count)} to test and ${Math.max(0, n - count)} to train; each side needs at least one`);
  }
  return count;
}

function plainIndices(n: number, nTest: number, shuffle: boolean, random: () => number): Fold {
  const order = Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return { train: order.slice(0, n - nTest), test: order.slice(n - nTest) };
  shuffleInPlace(order, random);
  return { train: order.slice(nTest), test: order.slice(0, nTest) };
}

// Class labels of y: its values ([rows] or [rows, 1]) or the column of each row's largest value (one-hot).
function labelsOf(y: Tensor, op: string): number[] {
  const values = y.dataSync();
  if (y.rank === 1 || (y.rank === 2 && y.shape[1] === 1)) return Array.from(values);
  if (y.rank !== 2) {
    throw new ShapeError(`${op}: stratify needs y as labels [rows] or [rows, 1], or one-hot [rows, classes]; got shape ${showShape(y.shape)}`);
  }
  const [rows, classes] = y.shape;
  return Array.from({ length: rows }, (_, r) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[r * classes + c] > values[r * classes + best]) best = c;
    return best;
  });
}

// Test rows per class in proportion to the class sizes (largest remainders), with at least one row of every class
// on each side; then the rows of each class, shuffled or in order (the last ones test).
function stratifiedIndices(labels: readonly number[], nTest: number, shuffle: boolean, random: () => number, op: string): Fold {
  const n = labels.length;
  const groups = new Map<number, number[]>();
  labels.forEach((label, i) => (groups.get(label) ?? groups.set(label, []).get(label)!).push(i));
  const classes = [...groups.keys()].sort((a, b) => a - b);
  const sizes = classes.map((c) => groups.get(c)!.length);
  const single = sizes.indexOf(1);
  if (single >= 0) throw new RangeError(`${op}: stratify: class ${classes[single]} has only 1 row; each class needs at least 2 to appear on both sides`);
  if (nTest < classes.length || n - nTest < classes.length) {
    throw new RangeError(`${op}: stratify needs each of the ${classes.length} classes on both sides, but testSize leaves ${nTest} rows to test and ${n - nTest} to train`);
  }
  const ideal = sizes.map((size) => (nTest * size) / n);
  const quota = ideal.map((v, c) => Math.min(Math.max(Math.floor(v), 1), sizes[c] - 1));
  let total = quota.reduce((a, b) => a + b, 0);
  const pick = (ok: (c: number) => boolean, score: (c: number) => number): number =>
    quota.reduce((best, _, c) => (ok(c) && (best < 0 || score(c) > score(best)) ? c : best), -1);
  for (; total < nTest; total++) quota[pick((c) => quota[c] < sizes[c] - 1, (c) => ideal[c] - quota[c])]++;
  for (; total > nTest; total--) quota[pick((c) => quota[c] > 1, (c) => quota[c] - ideal[c])]--;
  const train: number[] = [], test: number[] = [];
  classes.forEach((label, c) => {
    const rows = groups.get(label)!;
    if (shuffle) shuffleInPlace(rows, random);
    const testFrom = shuffle ? 0 : rows.length - quota[c];
    rows.forEach((row, i) => (i >= testFrom && i < testFrom + quota[c] ? test : train).push(row));
  });
  if (shuffle) return { train: shuffleInPlace(train, random), test: shuffleInPlace(test, random) };
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
