// TensorFlow.js's `tf.util` functions that tutorials use, on plain arrays.
import { showValue } from '../tensor/errors';
import { shuffleInPlace } from '../data/shuffle';

type Shuffleable = unknown[] | Float32Array | Int32Array | Uint8Array;

function checkArray(value: unknown, op: string, arg: string): Shuffleable {
  if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    throw new TypeError(`util.${op}: ${arg} must be an array or a typed array, got ${showValue(value)}`);
  }
  return value as Shuffleable;
}

/**
 * Shuffles an array (or typed array) in place with Math.random (Fisher–Yates), as TensorFlow.js's `tf.util.shuffle`.
 * @throws TypeError unless array is an array or a typed array.
 * @example
 * const order = [1, 2, 3, 4];
 * util.shuffle(order);
 * order.slice().sort(); // [1, 2, 3, 4]
 */
export function shuffle(array: Shuffleable): void {
  shuffleInPlace(checkArray(array, 'shuffle', 'array') as unknown[], Math.random);
}

/**
 * Shuffles two arrays of the same length in place with the same permutation, as TensorFlow.js's `tf.util.shuffleCombo`.
 * @throws TypeError unless both are arrays or typed arrays; RangeError for different lengths.
 * @example
 * const xs = [1, 2, 3], ys = [10, 20, 30];
 * util.shuffleCombo(xs, ys);
 * xs.map((x, i) => ys[i] / x); // [10, 10, 10]
 */
export function shuffleCombo(array: Shuffleable, array2: Shuffleable): void {
  const a = checkArray(array, 'shuffleCombo', 'array'), b = checkArray(array2, 'shuffleCombo', 'array2');
  if (a.length !== b.length) throw new RangeError(`util.shuffleCombo: arrays of lengths ${a.length} and ${b.length} must have the same length`);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
    [b[i], b[j]] = [b[j], b[i]];
  }
}

/**
 * The number of elements of a shape (1 for []), as TensorFlow.js's `tf.util.sizeFromShape`.
 * @example
 * util.sizeFromShape([2, 3, 4]); // 24
 */
export function sizeFromShape(shape: readonly number[]): number {
  return shape.reduce((product, n) => product * n, 1);
}

/**
 * Throws an Error with `message()` unless `condition`, as TensorFlow.js's `tf.util.assert`.
 * @throws Error when the condition is false.
 * @example
 * util.assert(1 + 1 === 2, () => 'arithmetic'); // undefined
 */
export function assert(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(typeof message === 'function' ? message() : String(message));
}
