// toCategorical (src/data/toCategorical.ts) as Keras's to_categorical: one-hot rows against a float64 reference over
// random shapes (empty and odd ones, a last axis of 1 dropped), from tensors and nested arrays, and errors naming the
// place and the value, before anything is allocated.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory, tensor } from '../../src/index';
import { toCategorical } from '../../src/data/toCategorical';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

/** Reference: Float64Array one-hot of flat indices, and the Keras output shape. */
function reference(indices: readonly number[], shape: readonly number[], k: number): { values: Float64Array; shape: number[] } {
  const values = new Float64Array(indices.length * k);
  indices.forEach((c, i) => {
    values[i * k + c] = 1;
  });
  const kept = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  return { values, shape: [...kept, k] };
}

describe('toCategorical', () => {
  it('gives one-hot rows as Keras does', () => {
    const y = toCategorical([0, 2, 1]);
    expect(y.toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    y.dispose();
    const column = tensor([[1], [0]]), z = toCategorical(column, 4);
    expect(z.shape).toEqual([2, 4]);
    expect(z.toArray()).toEqual([[0, 1, 0, 0], [1, 0, 0, 0]]);
    const scalar = toCategorical(2, 3);
    expect(scalar.toArray()).toEqual([0, 0, 1]);
    const empty = toCategorical([], 3);
    expect(empty.shape).toEqual([0, 3]);
    [column, z, scalar, empty].forEach((t) => t.dispose());
  });

  it('matches a float64 reference over random shapes (property)', () => {
    const shapes = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(shapes, fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.integer(), (shape, k, given, seed) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const indices = Array.from({ length: size }, (_, i) => Math.abs((seed + i * 7919) % k));
      const y = tensor(Float32Array.from(indices), shape);
      const implied = indices.length ? Math.max(...indices) + 1 : 1;
      const out = toCategorical(y, given || size === 0 ? k : undefined);
      const want = reference(indices, shape, given || size === 0 ? k : implied);
      expect(out.shape).toEqual(want.shape);
      expect(Array.from(out.dataSync())).toEqual(Array.from(want.values));
      [y, out].forEach((t) => t.dispose());
    }), { numRuns: 100 });
  });

  it('names the place and value of a bad index', () => {
    expectThrowsClean(() => toCategorical([0, 1.5]), RangeError, ['toCategorical: y[1] is 1.5, not a class index (an integer from 0)'], memory);
    expectThrowsClean(() => toCategorical([[0], [-1]]), RangeError, ['y[1][0] is -1, not a class index'], memory);
    expectThrowsClean(() => toCategorical([0, 3], 3), RangeError, ['y[1] is 3, not below numClasses 3'], memory);
    expectThrowsClean(() => toCategorical([0, NaN]), RangeError, ['y[1] is NaN'], memory);
    expectThrowsClean(() => toCategorical([0], 0), RangeError, ['numClasses must be a positive integer, got 0'], memory);
    expectThrowsClean(() => toCategorical([]), RangeError, ['y is empty (shape [0]); pass numClasses'], memory);
    expectThrowsClean(() => toCategorical(['a'] as never), TypeError, ['toCategorical: y[0] must be a number'], memory);
    // 2.00000001 is an integer once rounded to float32, but not as written.
    expectThrowsClean(() => toCategorical([2.00000001]), RangeError, ['y[0] is 2.00000001'], memory);
  });
});
