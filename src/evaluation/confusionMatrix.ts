import { rowClasses, checkIndices, countImplied, readValues } from '../data/classValues';
import { tensor } from '../tensor/create';
import { showShape, showValue, ShapeError } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import type { NestedArray, Tensor } from '../tensor/tensor';

/**
 * Class indices [n] or [n, 1], or class scores [n, classes] (probabilities or one-hot rows, read by their argmax).
 * @example
 * const yPred: ClassValues = tensor([[0.9, 0.1], [0.2, 0.8]]);
 * confusionMatrix([0, 0], yPred).toArray(); // [[1, 1], [0, 0]]
 */
export type ClassValues = Tensor | readonly number[] | NestedArray | Float32Array | Int32Array | Uint8Array;

/**
 * Options of `confusionMatrix`.
 * @example
 * const options: ConfusionMatrixOptions = { numClasses: 3, sampleWeight: [1, 2] };
 * confusionMatrix([0, 2], [0, 1], options).toArray(); // [[1, 0, 0], [0, 0, 0], [0, 2, 0]]
 */
export interface ConfusionMatrixOptions {
  /** The number of classes k (default: the largest class seen plus one, or the scores' width). */
  numClasses?: number;
  /** Each row's weight, added to its cell in place of 1 (finite, not negative). */
  sampleWeight?: Tensor | readonly number[] | Float32Array | Float64Array;
}

/** Each row's weight, checked: n finite values from 0, or null when none were given. */
export function readSampleWeight(weights: unknown, rows: number, op: string): Float64Array | null {
  if (weights === undefined) return null;
  const v = readValues(weights, op, 'sampleWeight');
  if (v.shape.length !== 1 || v.shape[0] !== rows) {
    throw new ShapeError(`${op}: sampleWeight must hold one weight per row ([${rows}]), got shape ${showShape(v.shape)}`);
  }
  const bad = v.values.findIndex((w) => !(w >= 0) || !Number.isFinite(w));
  if (bad >= 0) throw new RangeError(`${op}: sampleWeight[${bad}] is ${v.values[bad]}; weights must be finite and not negative`);
  return Float64Array.from(v.values);
}

/** The class indices of yTrue and yPred, checked to have as many rows, and the class count k they fix or imply. */
export function readClassPair(yTrue: unknown, yPred: unknown, numClasses: unknown, op: string): { yTrue: Float64Array; yPred: Float64Array; k: number } {
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || (numClasses as number) < 1)) {
    throw new RangeError(`${op}: numClasses must be a positive integer, got ${showValue(numClasses)}`);
  }
  const t = rowClasses(yTrue, op, 'yTrue'), p = rowClasses(yPred, op, 'yPred');
  if (t.indices.length !== p.indices.length) throw new ShapeError(`${op}: yTrue has ${t.indices.length} rows but yPred has ${p.indices.length}`);
  for (const [arg, width] of [['yTrue', t.width], ['yPred', p.width]] as const) {
    if (width !== null && numClasses !== undefined && width !== numClasses) {
      throw new ShapeError(`${op}: ${arg} holds scores of ${width} classes per row, but numClasses is ${numClasses}`);
    }
  }
  const k = (numClasses as number | undefined) ?? t.width ?? p.width ?? Math.max(countImplied(t.indices), countImplied(p.indices));
  const limit = `the class count ${k}`;
  checkIndices({ shape: [t.indices.length], values: t.indices }, op, 'yTrue', k, limit);
  checkIndices({ shape: [p.indices.length], values: p.indices }, op, 'yPred', k, limit);
  return { yTrue: t.indices, yPred: p.indices, k };
}

/**
 * The confusion matrix of class predictions, as TensorFlow.js's `tf.math.confusionMatrix`: a tensor [k, k] whose
 * cell [i, j] counts the rows of true class i predicted as class j (rows true, columns predicted), summed in float64.
 * yTrue and yPred are class indices [n] (or [n, 1]), or scores [n, k] such as softmax outputs or one-hot targets,
 * read by their argmax (the first largest). The third argument is the class count, or options with it and
 * `sampleWeight`.
 * @throws RangeError for a value that is not a class index below k (naming its place and value), a NaN score, a bad
 * numClasses or weight; ShapeError for inputs of different lengths or scores of another width.
 * @example
 * confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]).toArray(); // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 */
export function confusionMatrix(yTrue: ClassValues, yPred: ClassValues, options?: number | ConfusionMatrixOptions): Tensor {
  const op = 'confusionMatrix';
  const settings: ConfusionMatrixOptions = typeof options === 'number' ? { numClasses: options } : options ?? {};
  checkOptionKeys(op, settings, ['numClasses', 'sampleWeight']);
  const { yTrue: t, yPred: p, k } = readClassPair(yTrue, yPred, settings.numClasses, op);
  const weights = readSampleWeight(settings.sampleWeight, t.length, op);
  const counts = new Float64Array(k * k);
  for (let i = 0; i < t.length; i++) counts[t[i] * k + p[i]] += weights ? weights[i] : 1;
  return tensor(counts, [k, k]);
}
