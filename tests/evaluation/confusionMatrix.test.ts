// confusionMatrix (src/evaluation/confusionMatrix.ts): TF.js's orientation (rows true, columns predicted) on hand
// cases, scores read by argmax, weights, and a float64 count reference over random labels (empty included); errors
// name the argument, the place and the value, and allocate nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory, ShapeError, tensor, type Tensor } from '../../src/index';
import { confusionMatrix } from '../../src/evaluation/confusionMatrix';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

function take(t: Tensor): unknown {
  try {
    return t.toArray();
  } finally {
    t.dispose();
  }
}

describe('confusionMatrix', () => {
  it('counts true classes by row and predicted classes by column', () => {
    expect(take(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2]))).toEqual([[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
    expect(take(confusionMatrix([1], [0], 4))).toEqual([[0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(take(confusionMatrix([0, 1, 1], [1, 1, 0], { numClasses: 2, sampleWeight: [0.5, 2, 3] }))).toEqual([[0, 0.5], [3, 2]]);
    const empty = confusionMatrix([], []);
    expect(empty.shape).toEqual([0, 0]);
    empty.dispose();
  });

  it('reads probabilities and one-hot rows by their argmax (the first of ties)', () => {
    const yTrue = tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0]]), yPred = tensor([[0.2, 0.7, 0.1], [0.4, 0.2, 0.4], [0.1, 0.8, 0.1]]);
    expect(take(confusionMatrix(yTrue, yPred))).toEqual([[0, 1, 0], [0, 1, 0], [1, 0, 0]]);
    const column = tensor([[0], [2], [1]]);
    expect(take(confusionMatrix(column, yPred))).toEqual([[0, 1, 0], [0, 1, 0], [1, 0, 0]]);
    [yTrue, yPred, column].forEach((t) => t.dispose());
  });

  it('matches a float64 count reference (property)', () => {
    const rows = fc.integer({ min: 0, max: 50 }).chain((n) => fc.record({
      k: fc.integer({ min: 1, max: 7 }), yTrue: fc.array(fc.nat(6), { minLength: n, maxLength: n }), yPred: fc.array(fc.nat(6), { minLength: n, maxLength: n }),
      w: fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
    }));
    fc.assert(fc.property(rows, ({ k, yTrue, yPred, w }) => {
      const t = yTrue.map((v) => v % k), p = yPred.map((v) => v % k);
      const reference = Array.from({ length: k }, () => new Float64Array(k));
      t.forEach((ti, i) => {
        reference[ti][p[i]] += w[i];
      });
      const yTrueTensor = tensor(t), got = confusionMatrix(yTrueTensor, p, { numClasses: k, sampleWeight: w });
      yTrueTensor.dispose();
      expect(got.shape).toEqual([k, k]);
      expect(take(got)).toEqual(reference.map((row) => Array.from(row, Math.fround)));
    }), { numRuns: 100 });
  });

  it('names bad inputs before allocating', () => {
    expectThrowsClean(() => confusionMatrix([0, 1], [0]), ShapeError, ['confusionMatrix: yTrue has 2 rows but yPred has 1'], memory);
    expectThrowsClean(() => confusionMatrix([0, 3], [0, 1], 3), RangeError, ['yTrue[1] is 3, not below the class count 3'], memory);
    expectThrowsClean(() => confusionMatrix([0, 1], [0, -1]), RangeError, ['yPred[1] is -1, not a class index'], memory);
    expectThrowsClean(() => confusionMatrix([0.5], [0]), RangeError, ['yTrue[0] is 0.5, not a class index'], memory);
    expectThrowsClean(() => confusionMatrix([[0.2, 0.8]], [0], 3), ShapeError, ['yTrue holds scores of 2 classes per row, but numClasses is 3'], memory);
    expectThrowsClean(() => confusionMatrix([0], [0], 0), RangeError, ['numClasses must be a positive integer, got 0'], memory);
    expectThrowsClean(() => confusionMatrix([0], [0], { sampleWeight: [1, 2] }), ShapeError, ['sampleWeight must hold one weight per row ([1]), got shape [2]'], memory);
    expectThrowsClean(() => confusionMatrix([0], [0], { sampleWeight: [NaN] }), RangeError, ['sampleWeight[0] is NaN'], memory);
    expectThrowsClean(() => confusionMatrix([0], [0], { classes: 2 } as never), RangeError, ['unknown option "classes"'], memory);
    expectThrowsClean(() => confusionMatrix('0' as never, [0]), TypeError, ['confusionMatrix: yTrue must be a Tensor or an array of numbers'], memory);
    const t = tensor([[[0]]]);
    expectThrowsClean(() => confusionMatrix(t, [0]), ShapeError, ['yTrue must be class indices [n] or [n, 1], or class scores [n, classes], got shape [1,1,1]'], memory);
    t.dispose();
  });
});
