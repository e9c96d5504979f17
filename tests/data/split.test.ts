// Splits (src/data/split.ts): trainTestSplit sizes, disjoint sets that cover every row with x and y rows kept
// together, seeded determinism, stratified class proportions (labels and one-hot), and kFold covering every index
// exactly once. Rows are tagged with their index in column 0, so each output row says where it came from.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arange, dispose, memory, ShapeError, tensor, type Tensor } from '../../src/index';
import { kFold, trainTestSplit, type Split } from '../../src/data/split';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

/** x [n, 3] whose row i is [i, 2i, -i]. */
const rowsX = (n: number): Tensor => tensor(Float32Array.from({ length: 3 * n }, (_, k) => [1, 2, -1][k % 3] * Math.floor(k / 3)), [n, 3]);

/** The row indices in a split's parts (column 0 of x, the value of y), then disposes it. */
function indicesOf(split: Split): { train: number[]; test: number[]; yTrain: number[]; yTest: number[] } {
  try {
    const first = (t: Tensor): number[] => Array.from(t.dataSync()).filter((_, k) => k % (t.size / t.shape[0]) === 0);
    return { train: first(split.xTrain), test: first(split.xTest), yTrain: first(split.yTrain), yTest: first(split.yTest) };
  } finally {
    dispose(split);
  }
}

/** Runs fn with fresh tensors, disposed afterwards. */
function using<T>(tensors: Tensor[], fn: (...t: Tensor[]) => T): T {
  try {
    return fn(...tensors);
  } finally {
    dispose(tensors);
  }
}

/** 0, 1, 2, ... as a tensor of `shape` (one tensor, so disposing it frees everything). */
const seq = (shape: number[]): Tensor => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i), shape);
const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('trainTestSplit', () => {
  it('holds out testSize rows (a fraction, rounded up, or a count); the sets are disjoint and cover every row', () => {
    for (const [n, testSize, expected] of [[10, 0.25, 3], [10, 0.3, 3], [10, 0.7, 7], [10, 4, 4], [2, 0.5, 1], [7, 0.1, 1], [100, 0.2, 20]]) {
      const { train, test, yTrain, yTest } = using([rowsX(n), arange(n)], (x, y) => indicesOf(trainTestSplit(x, y, { testSize, seed: 3 })));
      expect([test.length, train.length], `n ${n}, testSize ${testSize}`).toEqual([expected, n - expected]);
      expect(sorted([...train, ...test])).toEqual(range(n));
      expect([yTrain, yTest]).toEqual([train, test]); // x and y rows stay together
    }
  });

  it('keeps the other axes: x [n, 2, 2] and y [n, 1]', () => {
    using([seq([10, 2, 2]), seq([10, 1])], (x, y) => {
      const split = trainTestSplit(x, y, { testSize: 2, seed: 1 });
      expect([split.xTrain.shape, split.xTest.shape, split.yTrain.shape, split.yTest.shape]).toEqual([[8, 2, 2], [2, 2, 2], [8, 1], [2, 1]]);
      expect(Array.from(split.xTest.dataSync())).toEqual(Array.from(split.yTest.dataSync()).flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]));
      dispose(split);
    });
  });

  it('the same seed gives the same split; another seed another one; shuffle: false keeps the order', () => {
    using([rowsX(50), arange(50)], (x, y) => {
      const a = indicesOf(trainTestSplit(x, y, { seed: 7 }));
      expect(indicesOf(trainTestSplit(x, y, { seed: 7 }))).toEqual(a);
      expect(indicesOf(trainTestSplit(x, y, { seed: 8 })).test).not.toEqual(a.test);
      expect(a.test).not.toEqual(sorted(a.test)); // shuffled
      const plain = indicesOf(trainTestSplit(x, y, { shuffle: false, testSize: 0.2 }));
      expect(plain.train).toEqual(range(40));
      expect(plain.test).toEqual(range(10).map((i) => 40 + i));
    });
  });

  it('stratify keeps the class shares: 60/30/10 rows and testSize 0.2 test 12/6/2 (labels or one-hot)', () => {
    const labels = range(100).map((i) => (i % 10 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
    const counts = (rows: number[]): number[] => [0, 1, 2].map((c) => rows.filter((i) => labels[i] === c).length);
    expect(counts(range(100))).toEqual([60, 30, 10]);
    const oneHot = tensor(labels.map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0))));
    using([rowsX(100), tensor(labels), oneHot], (x, y, y1) => {
      for (const target of [y, y1]) {
        for (const shuffle of [true, false]) {
          const split = trainTestSplit(x, target, { testSize: 0.2, stratify: true, seed: 5, shuffle });
          const xTest = Array.from(split.xTest.dataSync()).filter((_, k) => k % 3 === 0);
          dispose(split);
          expect(counts(xTest)).toEqual([12, 6, 2]);
        }
      }
    });
  });

  it('stratified test counts stay within one row of each class share (property)', () => {
    const arbCase = fc.record({
      sizes: fc.array(fc.integer({ min: 2, max: 30 }), { minLength: 1, maxLength: 5 }),
      fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      seed: fc.nat(),
    });
    fc.assert(fc.property(arbCase, ({ sizes, fraction, seed }) => {
      const labels = sizes.flatMap((size, c) => new Array<number>(size).fill(c));
      const n = labels.length;
      const nTest = Math.ceil(fraction * n - 1e-9);
      if (nTest < sizes.length || n - nTest < sizes.length) return; // infeasible: tested below
      const { test, train } = using([seq([n, 1]), tensor(labels)], (x, y) => indicesOf(trainTestSplit(x, y, { testSize: fraction, stratify: true, seed })));
      expect(test.length).toBe(nTest);
      expect(sorted([...train, ...test])).toEqual(range(n));
      sizes.forEach((size, c) => {
        const inTest = test.filter((i) => labels[i] === c).length;
        const ideal = (nTest * size) / n;
        expect(inTest, `class ${c}`).toBeGreaterThanOrEqual(1);
        expect(inTest, `class ${c}`).toBeLessThanOrEqual(size - 1);
        if (sizes.every((s) => (nTest * s) / n >= 1 && (nTest * s) / n <= s - 1)) expect(Math.abs(inTest - ideal)).toBeLessThan(1);
      });
    }), { numRuns: 200 });
  });

  it('bad input throws before any work and leaks nothing', () => {
    using([rowsX(10), arange(10), arange(9), tensor([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), tensor([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])], (x, y, short, rare, five) => {
      expectThrowsClean(() => trainTestSplit(x, short), ShapeError, ['trainTestSplit: x has 10 rows (shape [10,3]) but y has 9 (shape [9])'], memory);
      for (const testSize of [0, -1, 1.5, NaN, '0.2']) {
        expectThrowsClean(() => trainTestSplit(x, y, { testSize: testSize as number }), RangeError, ['testSize must be a fraction in (0, 1) or a whole number of rows'], memory);
      }
      expectThrowsClean(() => trainTestSplit(x, y, { testSize: 10 }), RangeError, ['testSize 10 of 10 rows leaves 10 to test and 0 to train'], memory);
      expectThrowsClean(() => trainTestSplit(x, y, { testSize: 0.99 }), RangeError, ['leaves 10 to test and 0 to train'], memory);
      expectThrowsClean(() => trainTestSplit(x, rare, { stratify: true }), RangeError, ['stratify: class 1 has only 1 row'], memory);
      expectThrowsClean(() => trainTestSplit(x, y, { stratify: true }), RangeError, ['class 0 has only 1 row'], memory);
      expectThrowsClean(() => trainTestSplit(x, five, { stratify: true, testSize: 3 }), RangeError,
        ['stratify needs each of the 5 classes on both sides, but testSize leaves 3 rows to test and 7 to train'], memory);
      expectThrowsClean(() => trainTestSplit(x, y, { seed: -1 }), RangeError, ['trainTestSplit: seed must be in'], memory);
      expectThrowsClean(() => trainTestSplit(x, y, { shuffle: 'yes' as never }), TypeError, ['shuffle must be true or false'], memory);
      expectThrowsClean(() => trainTestSplit(x, [1] as never), TypeError, ['trainTestSplit: y must be a Tensor'], memory);
    });
  });

  it('unknown option keys throw before any work, suggesting the nearest one (test_size: testSize)', () => {
    using([rowsX(10), arange(10)], (x, y) => {
      expectThrowsClean(() => trainTestSplit(x, y, { test_size: 0.2 } as never), RangeError,
        ['trainTestSplit: unknown option "test_size" in options; did you mean "testSize"? (expected testSize, shuffle, seed, stratify)'], memory);
      expectThrowsClean(() => trainTestSplit(x, y, { random_state: 1 } as never), RangeError, ['trainTestSplit: unknown option "random_state"'], memory);
      expectThrowsClean(() => trainTestSplit(x, y, 0.2 as never), TypeError, ['trainTestSplit: options must be an object, got 0.2'], memory);
    });
  });

  it('splits 300,000 rows', () => {
    using([seq([300_000, 1]), arange(300_000)], (x, y) => {
      const { train, test, yTest } = indicesOf(trainTestSplit(x, y, { testSize: 0.1, seed: 2 }));
      expect([train.length, test.length]).toEqual([270_000, 30_000]);
      expect(yTest).toEqual(test);
    });
  });
});

describe('kFold', () => {
  it('cuts consecutive folds; the first n % k test one more sample', () => {
    expect(kFold(5, { k: 2 })).toEqual([{ train: [3, 4], test: [0, 1, 2] }, { train: [0, 1, 2], test: [3, 4] }]);
    expect(kFold(10).map((f) => f.test.length)).toEqual([2, 2, 2, 2, 2]);
    expect(kFold(7, { k: 3 }).map((f) => f.test)).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
  });

  it('every index is tested exactly once and trained on in the other folds (property, shuffled or not)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 200 }), fc.integer({ min: 2, max: 12 }), fc.boolean(), fc.nat(), (n, kWanted, shuffle, seed) => {
      const k = Math.min(kWanted, n);
      const folds = kFold(n, { k, shuffle, seed });
      expect(folds).toHaveLength(k);
      expect(sorted(folds.flatMap((f) => f.test))).toEqual(range(n));
      for (const { train, test } of folds) {
        expect(sorted([...train, ...test])).toEqual(range(n));
        expect(Math.abs(test.length - n / k)).toBeLessThan(1);
      }
    }), { numRuns: 200 });
  });

  it('shuffles by seed deterministically, and takes the rows of a tensor', () => {
    const a = kFold(30, { k: 3, shuffle: true, seed: 11 });
    expect(kFold(30, { k: 3, shuffle: true, seed: 11 })).toEqual(a);
    expect(a[0].test).not.toEqual(range(10));
    using([rowsX(12)], (x) => expect(kFold(x, { k: 4 })[1].test).toEqual([3, 4, 5]));
  });

  it('bad input throws', () => {
    expect(() => kFold(3, { k: 4 })).toThrow('kFold: k = 4 folds need at least 4 samples, got 3');
    expect(() => kFold(10, { k: 1 })).toThrow('kFold: k must be in [2, Infinity], got 1');
    expect(() => kFold(-1)).toThrow(RangeError);
    expect(() => kFold(2 ** 40)).toThrow('kFold: samples (a count or a Tensor) must be in [0, 268435456], got 1099511627776');
    expect(() => kFold(2.5)).toThrow(TypeError);
    expect(() => kFold(10, { shuffle: 1 as never })).toThrow('kFold: shuffle must be true or false, got 1');
    expect(() => kFold(10, { n_splits: 3 } as never)).toThrow('kFold: unknown option "n_splits" in options (expected k, shuffle, seed)');
    expect(() => kFold(10, { sead: 3 } as never)).toThrow('kFold: unknown option "sead" in options; did you mean "seed"?');
    expect(kFold(300_000, { k: 3, shuffle: true, seed: 1 }).map((f) => f.train.length)).toEqual([200_000, 200_000, 200_000]);
  });
});
