// gather with batch axes and unsortedSegmentSum (src/ops/gather.ts); gather without batch axes is in shape.test.ts.
// References: plain-JS index loops in float64. gather only moves values (exact); unsortedSegmentSum adds rows in
// order, so it must equal those float64 sums within the float32 bound, and the float32 row-order sums exactly.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gather, memory, ShapeError, tensor, tidy, unsortedSegmentSum, zeros } from '../../src/index';
import { arbRef, expectBounded, expectExact, expectThrowsClean, f32, refScatterAdd, seededValues, size, strides, unravel } from '../reference';

describe('gather with batchDims', () => {
  // x [...batch, ...middle, n, ...inner], indices [...batch, ...rest]; every batch axis the same on both.
  const arbCase = fc.record({
    batch: fc.array(fc.constantFrom(1, 2, 3), { maxLength: 2 }),
    middle: fc.array(fc.constantFrom(1, 2, 3), { maxLength: 1 }),
    n: fc.constantFrom(1, 2, 5),
    inner: fc.array(fc.constantFrom(1, 3, 4), { maxLength: 1 }),
    rest: fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 2 }),
  }).chain((c) => fc.tuple(fc.constant(c),
    arbRef([...c.batch, ...c.middle, c.n, ...c.inner]),
    fc.array(fc.integer({ min: -c.n, max: c.n - 1 }), { minLength: size([...c.batch, ...c.rest]), maxLength: size([...c.batch, ...c.rest]) })));

  test('batch i takes its entries from x\'s batch i (property)', () => {
    fc.assert(fc.property(arbCase, ([{ batch, middle, n, inner, rest }, x, idx]) => {
      const b = batch.length, axis = b + middle.length;
      const indexShape = [...batch, ...rest];
      const shape = [...batch, ...middle, ...rest, ...inner];
      const xs = strides(x.shape), is = strides(indexShape);
      const want = Float64Array.from({ length: size(shape) }, (_, i) => {
        const at = unravel(i, shape);
        const bi = at.slice(0, b), mi = at.slice(b, axis), ri = at.slice(axis, axis + rest.length), ii = at.slice(axis + rest.length);
        const k = idx[[...bi, ...ri].reduce((o, v, d) => o + v * is[d], 0)];
        return x.data[[...bi, ...mi, k < 0 ? k + n : k, ...ii].reduce((o, v, d) => o + v * xs[d], 0)];
      });
      tidy(() => {
        const got = gather(tensor(Float32Array.from(x.data), x.shape), tensor(idx, indexShape), axis, b);
        expect(got.shape).toEqual(shape);
        expectExact(got.dataSync(), f32(want), `x ${x.shape} indices ${indexShape} axis ${axis} batchDims ${b}`);
        // A negative batchDims counts from the indices' rank.
        if (b > 0 && b < indexShape.length) expectExact(gather(tensor(Float32Array.from(x.data), x.shape), tensor(idx, indexShape), axis, b - indexShape.length).dataSync(), f32(want));
      });
    }), { numRuns: 150 });
  });

  test('errors name the batch axis, batchDims or the index position', () => {
    tidy(() => {
      const x = zeros([2, 3, 4]), three = zeros([3, 1]), two = zeros([2, 1]);
      const outside = tensor([[0, 1], [2, 3]]), fractional = tensor([[0, 1], [2.5, 0]]);
      expectThrowsClean(() => gather(x, three, 1, 1), ShapeError, ['gather:', 'batch axis 0', '2', '3'], memory);
      expectThrowsClean(() => gather(x, two, 0, 1), RangeError, ['gather:', 'batchDims 1', 'axis 0'], memory);
      expectThrowsClean(() => gather(x, two, 1, 3), RangeError, ['gather:', 'batchDims', '[-2, 2]', '3'], memory);
      expectThrowsClean(() => gather(x, outside, 1, 1), RangeError, ['gather:', 'indices[1, 1]', '[-3, 2]', '3'], memory);
      expectThrowsClean(() => gather(x, fractional, 2), TypeError, ['gather:', 'indices[1, 0]', '2.5'], memory);
    });
  });
});

describe('unsortedSegmentSum', () => {
  const arbCase = fc.record({
    n: fc.constantFrom(0, 1, 3, 8, 17, 129),
    rest: fc.array(fc.constantFrom(1, 2, 3, 5, 9), { maxLength: 2 }),
    segments: fc.constantFrom(1, 2, 4, 7),
    seed: fc.nat(),
    asTensor: fc.boolean(),
  }).chain((c) => fc.tuple(fc.constant(c), fc.array(fc.integer({ min: 0, max: c.segments - 1 }), { minLength: c.n, maxLength: c.n })));

  test('sums the rows of each segment, as float64 within the float32 bound and as row-order float32 exactly (property)', () => {
    fc.assert(fc.property(arbCase, ([{ n, rest, segments, seed, asTensor }, ids]) => {
      const dim = size(rest);
      const x = seededValues(n * dim, seed, 4);
      const { exact, rounded, bound } = refScatterAdd(ids, x, segments, dim);
      tidy(() => {
        const got = unsortedSegmentSum(tensor(Float32Array.from(x), [n, ...rest]), asTensor ? tensor(ids, [n]) : ids, segments);
        expect(got.shape).toEqual([segments, ...rest]);
        const context = `n ${n} rest ${rest} segments ${segments}`;
        expectBounded(got.dataSync(), exact, bound, context);
        expectExact(got.dataSync(), rounded, context);
      });
    }), { numRuns: 150 });
  });

  test('is the adjoint of gather along axis 0: <gather(T, ids), G> = <T, unsortedSegmentSum(G, ids)>', () => {
    tidy(() => {
      const ids = [4, 0, 4, 2, 1, 4, 0];
      const table = seededValues(5 * 3, 1), g = seededValues(7 * 3, 2);
      const out = gather(tensor(Float32Array.from(table), [5, 3]), ids).dataSync();
      const dTable = unsortedSegmentSum(tensor(Float32Array.from(g), [7, 3]), ids, 5).dataSync();
      let lhs = 0, rhs = 0, scale = 0;
      out.forEach((v, i) => { lhs += v * g[i]; scale += Math.abs(v * g[i]); });
      dTable.forEach((v, i) => { rhs += table[i] * v; });
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(3 * 2 ** -24 / (1 - 3 * 2 ** -24) * scale);
    });
  });

  test('fixed cases and errors naming the argument and position', () => {
    tidy(() => {
      expect(unsortedSegmentSum(tensor([[1, 2], [3, 4], [5, 6]]), [1, 0, 1], 3).toArray()).toEqual([[3, 4], [6, 8], [0, 0]]);
      expect(unsortedSegmentSum(tensor([1, 2, 3]), tensor([2, 2, 0]), 3).toArray()).toEqual([3, 0, 3]);
      expect(unsortedSegmentSum(zeros([0, 2]), [], 2).toArray()).toEqual([[0, 0], [0, 0]]);
      expect(unsortedSegmentSum(zeros([0, 2]), [], 0).shape).toEqual([0, 2]);
      const x = zeros([3, 2]), half = tensor([0, 0.5, 1]), scalar = tensor(1);
      expectThrowsClean(() => unsortedSegmentSum(x, [0, 5, 1], 3), RangeError, ['unsortedSegmentSum:', 'segmentIds[1]', '[0, 2]', '5'], memory);
      expectThrowsClean(() => unsortedSegmentSum(x, [0, 1, -1], 3), RangeError, ['unsortedSegmentSum:', 'segmentIds[2]', '-1'], memory);
      expectThrowsClean(() => unsortedSegmentSum(x, half, 3), TypeError, ['unsortedSegmentSum:', 'segmentIds[1]', '0.5'], memory);
      expectThrowsClean(() => unsortedSegmentSum(x, [0, 1], 3), ShapeError, ['unsortedSegmentSum:', 'segmentIds has shape [2]', '[3]'], memory);
      expectThrowsClean(() => unsortedSegmentSum(x, [0, 1, 1], 1.5), TypeError, ['unsortedSegmentSum:', 'numSegments', '1.5'], memory);
      expectThrowsClean(() => unsortedSegmentSum(x, [0, 1, 1], 2 ** 24 + 1), RangeError, ['unsortedSegmentSum:', 'numSegments'], memory);
      expectThrowsClean(() => unsortedSegmentSum(scalar, [0], 1), RangeError, ['unsortedSegmentSum:', 'scalar'], memory);
      expectThrowsClean(() => unsortedSegmentSum(x, 'a' as unknown as number[], 1), TypeError, ['unsortedSegmentSum:', 'segmentIds', 'array'], memory);
    });
  });
});
