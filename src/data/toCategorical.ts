import { tensor } from '../tensor/create';
import { showShape, showValue } from '../tensor/errors';
import { MAX_SIZE } from '../tensor/shape';
import type { NestedArray, Tensor } from '../tensor/tensor';
import { checkIndices, countImplied, readValues } from './classValues';

/**
 * One-hot rows of class indices, as Keras's `keras.utils.to_categorical`: integers y of shape [...] (a tensor, a
 * number or nested arrays) give a float32 tensor [..., numClasses] with a 1 at each index; a last axis of 1 is
 * dropped first ([n, 1] gives [n, numClasses]). `numClasses` defaults to the largest index plus one. The targets
 * `categoricalCrossentropy` takes.
 * @throws RangeError for a value that is not an integer from 0 or not below numClasses (naming its place and
 * value), a numClasses that is not a positive integer, or empty y without numClasses; TypeError for y that is not
 * numbers.
 * @example
 * toCategorical([0, 2, 1]).toArray(); // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 * toCategorical(tensor([[1], [0]]), 3).toArray(); // [[0, 1, 0], [1, 0, 0]]
 */
export function toCategorical(y: Tensor | number | NestedArray | Float32Array | Int32Array | Uint8Array, numClasses?: number): Tensor {
  const op = 'toCategorical';
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1)) {
    throw new RangeError(`${op}: numClasses must be a positive integer, got ${showValue(numClasses)}`);
  }
  const v = readValues(y, op, 'y');
  checkIndices(v, op, 'y', numClasses, `numClasses ${numClasses}`);
  if (numClasses === undefined && v.values.length === 0) throw new RangeError(`${op}: y is empty (shape ${showShape(v.shape)}); pass numClasses`);
  const k = numClasses ?? countImplied(v.values);
  const shape = v.shape.length > 1 && v.shape.at(-1) === 1 ? v.shape.slice(0, -1) : v.shape;
  const size = v.values.length * k;
  if (size > MAX_SIZE) throw new RangeError(`${op}: the result [${[...shape, k].join(',')}] would hold ${size} elements; the limit is ${MAX_SIZE}`);
  const out = new Float32Array(size);
  v.values.forEach((index, i) => {
    out[i * k + index] = 1;
  });
  return tensor(out, [...shape, k]);
}
