// TensorFlow.js's tensor factories and op names, as aliases of simdeep's: `tensor2d(values, shape)`,
// `randomNormal(shape, mean, stdDev)`, `oneHot`, `argMax`. simdeep tensors are float32; int32 is taken as float32
// (integers are exact up to 2^24) and other dtypes are errors that say so.
import { showShape, showValue, ShapeError } from '../tensor/errors';
import { tensor, type TensorValues } from '../tensor/create';
import { randn } from '../tensor/random';
import { checkTensor, Tensor } from '../tensor/tensor';
import { argmax, argmin } from '../ops/reduce';

/**
 * A TensorFlow.js dtype as simdeep takes it: 'float32', or 'int32' (held as float32: integers are exact up to 2^24).
 * @example
 * const dtype: DataType = 'int32';
 * tensor1d([1, 2], dtype).dtype; // 'float32'
 */
export type DataType = 'float32' | 'int32';

/** Checks a TF.js dtype argument: float32 and int32 are taken, others are errors saying why. */
export function checkDtype(dtype: unknown, op: string): void {
  if (dtype === undefined || dtype === 'float32' || dtype === 'int32') return;
  throw new TypeError(`${op}: dtype ${showValue(dtype)} is not supported: simdeep tensors are float32 ('int32' is taken and held as float32)`);
}

function ofRank(rank: number, op: string, values: TensorValues, shape: readonly number[] | undefined, dtype: unknown): Tensor {
  checkDtype(dtype, op);
  if (shape !== undefined && (!Array.isArray(shape) || shape.length !== rank)) {
    throw new ShapeError(`${op}: shape must have ${rank} dimensions, got ${showValue(shape)}`);
  }
  const t = tensor(values, shape);
  if (t.rank !== rank) {
    const shown = showShape(t.shape);
    t.dispose();
    throw new ShapeError(`${op}: values must be ${rank}-D, got values of shape ${shown}${shape === undefined ? '; give a shape for flat values' : ''}`);
  }
  return t;
}

/**
 * A 1-D tensor, as TensorFlow.js's `tf.tensor1d(values, dtype?)`.
 * @throws ShapeError unless values are 1-D; TypeError for a dtype other than float32 or int32.
 * @example
 * tensor1d([1, 2, 3]).shape; // [3]
 */
export function tensor1d(values: TensorValues, dtype?: DataType): Tensor {
  return ofRank(1, 'tensor1d', values, undefined, dtype);
}

/**
 * A 2-D tensor, as TensorFlow.js's `tf.tensor2d(values, shape?, dtype?)`: nested arrays, or flat values with a shape.
 * @throws ShapeError unless the result is 2-D or the shape fits the values; TypeError for a dtype other than float32 or int32.
 * @example
 * tensor2d([1, 2, 3, 4], [2, 2]).toArray(); // [[1, 2], [3, 4]]
 * tensor2d([[1], [2]]).shape; // [2, 1]
 */
export function tensor2d(values: TensorValues, shape?: [number, number], dtype?: DataType): Tensor {
  return ofRank(2, 'tensor2d', values, shape, dtype);
}

/**
 * A 3-D tensor, as TensorFlow.js's `tf.tensor3d(values, shape?, dtype?)`.
 * @throws ShapeError unless the result is 3-D; TypeError for a dtype other than float32 or int32.
 * @example
 * tensor3d([1, 2, 3, 4], [2, 2, 1]).shape; // [2, 2, 1]
 */
export function tensor3d(values: TensorValues, shape?: [number, number, number], dtype?: DataType): Tensor {
  return ofRank(3, 'tensor3d', values, shape, dtype);
}

/**
 * A 4-D tensor, as TensorFlow.js's `tf.tensor4d(values, shape?, dtype?)` (images: [batch, height, width, channels]).
 * @throws ShapeError unless the result is 4-D; TypeError for a dtype other than float32 or int32.
 * @example
 * tensor4d(new Float32Array(8), [2, 2, 2, 1]).shape; // [2, 2, 2, 1]
 */
export function tensor4d(values: TensorValues, shape?: [number, number, number, number], dtype?: DataType): Tensor {
  return ofRank(4, 'tensor4d', values, shape, dtype);
}

/**
 * Normally distributed values, as TensorFlow.js's `tf.randomNormal(shape, mean?, stdDev?, dtype?, seed?)`; simdeep's
 * {@link randn} with its options. The numbers differ from TF.js's for the same seed (another generator).
 * @throws as randn does; TypeError for a dtype other than float32 or int32.
 * @example
 * randomNormal([2, 3], 0, 1, 'float32', 7).shape; // [2, 3]
 */
export function randomNormal(shape: readonly number[], mean = 0, stdDev = 1, dtype?: DataType, seed?: number): Tensor {
  checkDtype(dtype, 'randomNormal');
  return randn(shape, seed === undefined ? { mean, std: stdDev } : { mean, std: stdDev, seed });
}

/**
 * One-hot rows for class indices, as TensorFlow.js's `tf.oneHot(indices, depth, onValue?, offValue?)`: shape
 * [...indices.shape, depth]; an index outside [0, depth) gives a row of offValue, as TF.js. float32 here (int32 in TF.js).
 * @throws TypeError unless indices are integers (a tensor or an array) and depth a positive integer.
 * @example
 * oneHot(tensor1d([0, 2]), 3).toArray(); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor | readonly number[], depth: number, onValue = 1, offValue = 0): Tensor {
  const op = 'oneHot';
  const given = Array.isArray(indices) ? null : checkTensor(indices, op, 'indices');
  const values = given ? given.dataSync() : Float32Array.from(indices as readonly number[]);
  const bad = values.findIndex((v) => !Number.isInteger(v));
  if (bad >= 0) throw new TypeError(`${op}: indices must be integers, got ${values[bad]} at position ${bad}`);
  if (!Number.isInteger(depth) || depth < 1) throw new TypeError(`${op}: depth must be a positive integer, got ${showValue(depth)}`);
  const out = new Float32Array(values.length * depth).fill(offValue);
  values.forEach((v, i) => { if (v >= 0 && v < depth) out[i * depth + v] = onValue; });
  return tensor(out, [...(given ? given.shape : [values.length]), depth]);
}

/**
 * Indices of the largest values along `axis` (default 0, as TensorFlow.js's `tf.argMax`); simdeep's {@link argmax}.
 * @throws as argmax does.
 * @example
 * argMax(tensor2d([[1, 9], [8, 2]]), 1).toArray(); // [1, 0]
 */
export function argMax(x: Tensor, axis = 0): Tensor {
  return argmax(x, axis);
}

/**
 * Indices of the smallest values along `axis` (default 0, as TensorFlow.js's `tf.argMin`); simdeep's {@link argmin}.
 * @throws as argmin does.
 * @example
 * argMin(tensor2d([[1, 9], [8, 2]]), 1).toArray(); // [0, 1]
 */
export function argMin(x: Tensor, axis = 0): Tensor {
  return argmin(x, axis);
}

/**
 * TensorFlow.js's `tf.cast(x, dtype)`: {@link Tensor.cast}, held as float32.
 * @throws TypeError for a dtype other than float32, int32 or bool.
 * @example
 * cast(tensor([2.5, -1.5]), 'int32').toArray(); // [2, -1]
 */
export function cast(x: Tensor, dtype: 'float32' | 'int32' | 'bool'): Tensor {
  return checkTensor(x, 'cast', 'x').cast(dtype);
}
