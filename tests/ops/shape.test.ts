// Shape ops (src/ops/shape.ts): reshape, transpose, squeeze, expandDims, slice, indexAxis/row/column, gather,
// concat, stack and clone. Reference: plain-JS index arithmetic over float64 arrays; these ops only move values,
// so every result must equal the float32-rounded reference exactly.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  arange, clone, concat, DisposedError, expandDims, gather, indexAxis, memory, pad, reshape, ShapeError, slice, squeeze,
  stack, tensor, transpose, zeros, type Tensor,
} from '../../src/index';
import { arbRef, arbShape, expectExact, expectThrowsClean, f32, refTranspose, size, strides, unravel, type Ref } from '../reference';
import { expectForeignRejected } from './foreign';

const bad = <T>(value: unknown): T => value as T;

const make = (ref: Ref): Tensor => tensor(Float32Array.from(ref.data), ref.shape);

/** Asserts that t holds exactly the reference (shape and float32 values), then disposes it. */
function expectRef(t: Tensor, ref: Ref, context = ''): void {
  try {
    expect(t.shape, `${context} shape`).toEqual(ref.shape);
    expectExact(t.dataSync(), f32(ref.data), context);
  } finally {
    t.dispose();
  }
}

/** Disposes the tensors after fn, even if it throws. */
function using<T extends Tensor[]>(tensors: T, fn: (...t: T) => void): void {
  try {
    fn(...tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

/** out[idx] = x[map(idx)] over outShape: the generic reference for every op that only moves values. */
function refGatherBy(x: Ref, outShape: number[], map: (idx: number[]) => number[]): Ref {
  const s = strides(x.shape);
  const data = Float64Array.from({ length: size(outShape) }, (_, i) => {
    const src = map(unravel(i, outShape));
    return x.data[src.reduce((at, v, d) => at + v * s[d], 0)];
  });
  return { data, shape: outShape };
}

/** A shape of rank 1..maxRank with random values. */
const arbRanked = (minRank: number, maxRank: number, maxSize = 20000): fc.Arbitrary<Ref> =>
  arbShape(maxRank, maxSize).filter((s) => s.length >= minRank).chain((shape) => arbRef(shape));

/** A permutation of 0..n-1. */
const arbPerm = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });

describe('foreign objects', () => {
  test('every shape op rejects them (plain, TF.js-like, another copy\'s Tensor, nested 100,000 deep) naming op and argument', () => {
    const t = zeros([2, 2]);
    expectForeignRejected((x) => reshape(x, [4]), 'reshape', 'x');
    expectForeignRejected((x) => transpose(x), 'transpose', 'x');
    expectForeignRejected((x) => squeeze(x), 'squeeze', 'x');
    expectForeignRejected((x) => expandDims(x), 'expandDims', 'x');
    expectForeignRejected((x) => slice(x, [0]), 'slice', 'x');
    expectForeignRejected((x) => pad(x, [[0, 0]]), 'pad', 'x');
    expectForeignRejected((x) => indexAxis(x, 0, 0), 'indexAxis', 'x');
    expectForeignRejected((x) => gather(x, [0]), 'gather', 'x');
    expectForeignRejected((x) => concat([t, x]), 'concat', 'tensors[1]');
    expectForeignRejected((x) => stack([x, t]), 'stack', 'tensors[0]');
    expectForeignRejected((x) => clone(x), 'clone', 'x');
    t.dispose();
  });
});

describe('reshape', () => {
  test('any shape of the same size, with one -1 inferred, keeps the row-major values (property)', () => {
    const arbCase = arbRanked(0, 4).chain((ref) => fc.record({
      ref: fc.constant(ref),
      target: arbPerm(ref.shape.length).map((p) => p.map((d) => ref.shape[d])),
      ones: fc.array(fc.nat({ max: 4 }), { maxLength: 2 }),
      unknown: fc.nat(),
    }));
    fc.assert(fc.property(arbCase, ({ ref, target, ones, unknown }) => {
      const dims = target.slice();
      for (const at of ones) dims.splice(Math.min(at, dims.length), 0, 1);
      const given = dims.slice();
      if (dims.length > 0 && size(dims.filter((_, i) => i !== unknown % dims.length)) > 0) given[unknown % dims.length] = -1;
      using([make(ref)], (x) => {
        expectRef(reshape(x, dims), { data: ref.data, shape: dims }, `reshape ${ref.shape} to ${dims}`);
        expectRef(x.reshape(given), { data: ref.data, shape: dims }, `reshape ${ref.shape} to ${given}`);
        expectRef(x.flatten(), { data: ref.data, shape: [ref.data.length] });
      });
    }), { numRuns: 100 });
  });

  test('shares storage: set() through one is visible through the other', () => {
    using([arange(6)], (x) => {
      using([x.reshape([2, -1]), x.reshape([3, 1, 2])], (y, z) => {
        y.set(-1, 1, 2);
        expect(x.get(5)).toBe(-1);
        expect(z.get(2, 0, 1)).toBe(-1);
        x.set(40, 0);
        expect(y.get(0, 0)).toBe(40);
        z.set(7, 1, 0, 0);
        expect(y.toArray()).toEqual([[40, 1, 7], [3, 4, -1]]);
      });
    });
  });

  test('size-0 and scalar reshapes', () => {
    using([zeros([0, 3])], (x) => {
      expectRef(x.reshape([3, -1, 5]), { data: new Float64Array(0), shape: [3, 0, 5] });
      expectRef(x.reshape([0]), { data: new Float64Array(0), shape: [0] });
    });
    using([tensor(5)], (x) => {
      expectRef(x.reshape([1, 1]), { data: Float64Array.of(5), shape: [1, 1] });
      expectRef(x.reshape([-1]), { data: Float64Array.of(5), shape: [1] });
    });
    using([tensor([5])], (x) => expectRef(x.reshape([]), { data: Float64Array.of(5), shape: [] }));
  });

  test('bad shapes throw, naming the shapes', () => {
    using([zeros([2, 3])], (x) => {
      expectThrowsClean(() => reshape(x, [4]), ShapeError, ['reshape:', '[2,3]', '6 elements', '[4]', '4 elements'], memory);
      expectThrowsClean(() => reshape(x, [4, -1]), ShapeError, ['reshape:', '[2,3]', '[4,-1]'], memory);
      expectThrowsClean(() => reshape(x, [-1, -1]), RangeError, ['reshape:', '[-1,-1]', 'more than one -1'], memory);
      expectThrowsClean(() => reshape(x, [-2, -3]), RangeError, ['reshape:', 'shape[0]', '-2'], memory);
      expectThrowsClean(() => reshape(x, [2, 1.5]), RangeError, ['reshape:', 'shape[1]', '1.5'], memory);
      expectThrowsClean(() => reshape(x, [NaN]), RangeError, ['reshape:', 'shape[0]', 'NaN'], memory);
      expectThrowsClean(() => reshape(x, bad(6)), TypeError, ['reshape:', 'shape', 'array'], memory);
    });
    using([zeros([0, 3])], (x) => expectThrowsClean(() => reshape(x, [0, -1]), ShapeError, ['reshape:', '[0,3]', '[0,-1]'], memory));
    expectThrowsClean(() => reshape(bad([1, 2]), [2]), TypeError, ['reshape:', 'x must be a Tensor'], memory);
  });
});

describe('transpose', () => {
  test('any permutation of any shape matches the index reference (property)', () => {
    const arbCase = arbRanked(0, 5).chain((ref) => fc.tuple(fc.constant(ref), arbPerm(ref.shape.length),
      fc.array(fc.boolean(), { minLength: ref.shape.length, maxLength: ref.shape.length })));
    fc.assert(fc.property(arbCase, ([ref, perm, negative]) => {
      const given = perm.map((p, d) => (negative[d] ? p - ref.shape.length : p));
      using([make(ref)], (x) => {
        expectRef(transpose(x, given), refTranspose(ref, perm), `transpose ${ref.shape} by ${given}`);
        const reversed = ref.shape.map((_, d) => ref.shape.length - 1 - d);
        expectRef(x.transpose(), refTranspose(ref, reversed), `${ref.shape}.transpose()`);
        expectRef(x.T, refTranspose(ref, reversed), `${ref.shape}.T`);
      });
    }), { numRuns: 150 });
  });

  test('tile-edge matrices, and the result owns its storage', () => {
    for (const m of [1, 3, 4, 5, 7, 8, 9, 17, 129]) {
      for (const n of [1, 3, 4, 8, 17, 129]) {
        const ref = { data: Float64Array.from({ length: m * n }, (_, i) => i), shape: [m, n] };
        using([make(ref)], (x) => expectRef(x.T, refTranspose(ref, [1, 0]), `[${m},${n}].T`));
      }
    }
    using([tensor([[1, 2], [3, 4]])], (x) => using([x.T], (y) => {
      y.set(9, 0, 0);
      expect(x.get(0, 0)).toBe(1);
    }));
  });

  test('bad permutations throw, naming perm and the shape', () => {
    using([zeros([2, 3, 4])], (x) => {
      expectThrowsClean(() => transpose(x, [0, 1]), RangeError, ['transpose:', 'perm', '[0,1]', '3 axes', '[2,3,4]'], memory);
      expectThrowsClean(() => transpose(x, [0, 1, 1]), RangeError, ['transpose:', 'perm', '[0,1,1]', 'repeats'], memory);
      expectThrowsClean(() => transpose(x, [0, 1, 3]), RangeError, ['transpose:', 'perm[2]', '3', 'rank 3'], memory);
      expectThrowsClean(() => transpose(x, [0, -4, 1]), RangeError, ['transpose:', 'perm[1]', '-4'], memory);
      expectThrowsClean(() => transpose(x, [0, 0.5, 1]), TypeError, ['transpose:', 'perm[1]', '0.5'], memory);
      expectThrowsClean(() => transpose(x, bad(2)), RangeError, ['transpose:', 'perm', '2'], memory);
    });
  });
});

describe('squeeze and expandDims', () => {
  test('squeeze drops all size-1 axes or the ones named; expandDims inserts one at each position (property)', () => {
    const arbCase = arbShape(4, 5000).chain((base) => fc.tuple(
      fc.array(fc.nat({ max: base.length }), { maxLength: 3 }).map((at) => {
        const shape = base.slice();
        for (const a of at) shape.splice(Math.min(a, shape.length), 0, 1);
        return shape;
      }), fc.nat()).chain(([shape, pick]) => fc.tuple(arbRef(shape), fc.constant(pick))));
    fc.assert(fc.property(arbCase, ([ref, pick]) => {
      const rank = ref.shape.length;
      using([make(ref)], (x) => {
        expectRef(squeeze(x), { data: ref.data, shape: ref.shape.filter((d) => d !== 1) }, `squeeze ${ref.shape}`);
        const ones = ref.shape.flatMap((d, i) => (d === 1 ? [i] : []));
        if (ones.length > 0) {
          const a = ones[pick % ones.length];
          const shape = ref.shape.filter((_, i) => i !== a);
          expectRef(x.squeeze(a), { data: ref.data, shape }, `squeeze ${ref.shape} axis ${a}`);
          expectRef(x.squeeze([a - rank]), { data: ref.data, shape }, `squeeze ${ref.shape} axis ${a - rank}`);
        }
        for (let a = -rank - 1; a <= rank; a++) {
          const shape = ref.shape.slice();
          shape.splice(a < 0 ? a + rank + 1 : a, 0, 1);
          expectRef(expandDims(x, a), { data: ref.data, shape }, `expandDims ${ref.shape} at ${a}`);
        }
        expectRef(x.expandDims(), { data: ref.data, shape: [1, ...ref.shape] });
      });
    }), { numRuns: 100 });
  });

  test('both share storage', () => {
    using([zeros([1, 3, 1])], (x) => using([x.squeeze(), x.expandDims(3), squeeze(x, [0, 2])], (a, b, c) => {
      a.set(5, 1);
      expect([x.get(0, 1, 0), b.get(0, 1, 0, 0), c.get(1)]).toEqual([5, 5, 5]);
    }));
  });

  test('bad axes throw, naming the axis and the shape', () => {
    using([zeros([2, 1, 3])], (x) => {
      expectThrowsClean(() => squeeze(x, 0), ShapeError, ['squeeze:', 'axis 0', '[2,1,3]', 'size 2'], memory);
      expectThrowsClean(() => squeeze(x, [1, 2]), ShapeError, ['squeeze:', 'axis 2', 'size 3'], memory);
      expectThrowsClean(() => squeeze(x, 3), RangeError, ['squeeze:', 'axis 3', 'rank 3'], memory);
      expectThrowsClean(() => squeeze(x, -4), RangeError, ['squeeze:', 'axis -4'], memory);
      expectThrowsClean(() => squeeze(x, 0.5), TypeError, ['squeeze:', 'axis', '0.5'], memory);
      expectThrowsClean(() => squeeze(x, bad({})), TypeError, ['squeeze:', 'axis must be an integer or an array', 'an Object'], memory);
      expectThrowsClean(() => squeeze(x, bad(null)), TypeError, ['squeeze:', 'axis', 'null'], memory);
      expectThrowsClean(() => squeeze(x, [1, 7]), RangeError, ['squeeze:', 'axis[1] 7', 'rank 3'], memory);
      expectThrowsClean(() => expandDims(x, 4), RangeError, ['expandDims:', 'axis 4', 'rank 4'], memory);
      expectThrowsClean(() => expandDims(x, -5), RangeError, ['expandDims:', 'axis -5'], memory);
      expectThrowsClean(() => expandDims(x, bad('0')), TypeError, ['expandDims:', 'axis', '"0"'], memory);
    });
  });
});

describe('slice', () => {
  test('any block, with -1 and omitted sizes, matches the index reference (property)', () => {
    const arbCase = arbRanked(1, 4).chain((ref) => fc.tuple(fc.constant(ref),
      fc.tuple(...ref.shape.map((n) => fc.integer({ min: 0, max: n }).chain((b) =>
        fc.tuple(fc.constant(b), fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: n - b })))))),
      fc.nat({ max: ref.shape.length })));
    fc.assert(fc.property(arbCase, ([ref, spec, given]) => {
      const begin = spec.map(([b]) => b);
      const sizes = spec.map(([b, s], d) => (s === -1 ? ref.shape[d] - b : s));
      const expected = refGatherBy(ref, sizes, (idx) => idx.map((v, d) => v + begin[d]));
      using([make(ref)], (x) => {
        expectRef(slice(x, begin, spec.map(([, s]) => s)), expected, `slice ${ref.shape} at ${begin} size ${sizes}`);
        // Fewer entries than axes: the rest begin at 0 and run to the end.
        const full = ref.shape.map((n, d) => (d < given ? sizes[d] : n));
        const partial = refGatherBy(ref, full, (idx) => idx.map((v, d) => v + (d < given ? begin[d] : 0)));
        expectRef(x.slice(begin.slice(0, given), sizes.slice(0, given)), partial, `slice ${ref.shape} first ${given} axes`);
        expectRef(x.slice(begin), refGatherBy(ref, ref.shape.map((n, d) => n - begin[d]), (idx) => idx.map((v, d) => v + begin[d])));
      });
    }), { numRuns: 150 });
  });

  test('a number begins (and sizes) the first axis only; the result owns its storage', () => {
    using([tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], (x) => {
      expectRef(x.slice(1), { data: Float64Array.of(4, 5, 6, 7, 8, 9), shape: [2, 3] });
      expectRef(x.slice(1, 1), { data: Float64Array.of(4, 5, 6), shape: [1, 3] });
      expectRef(x.slice([0, 1], [-1, 2]), { data: Float64Array.of(2, 3, 5, 6, 8, 9), shape: [3, 2] });
      using([x.slice([1, 1], [1, 1])], (y) => {
        y.set(0, 0, 0);
        expect(x.get(1, 1)).toBe(5);
      });
    });
  });

  test('bad begin and size throw, naming the entry and its range', () => {
    using([zeros([2, 3])], (x) => {
      expectThrowsClean(() => slice(x, [0, 4]), RangeError, ['slice:', 'begin[1]', '[0, 3]', '4'], memory);
      expectThrowsClean(() => slice(x, [-1, 0]), RangeError, ['slice:', 'begin[0]', '-1'], memory);
      expectThrowsClean(() => slice(x, [0, 1], [1, 3]), RangeError, ['slice:', 'size[1]', '[0, 2]', '3'], memory);
      expectThrowsClean(() => slice(x, [0, 0], [-2, 1]), RangeError, ['slice:', 'size[0]', '-2'], memory);
      expectThrowsClean(() => slice(x, [0, 0.5]), TypeError, ['slice:', 'begin[1]', '0.5'], memory);
      expectThrowsClean(() => slice(x, bad('x')), TypeError, ['slice: begin must be an integer or an array of integers, got "x"'], memory);
      expectThrowsClean(() => slice(x, 0, bad(null)), TypeError, ['slice: size must be an integer or an array of integers, got null'], memory);
      expectThrowsClean(() => slice(x, [0, 0, 0]), RangeError, ['slice:', 'begin', 'at most 2'], memory);
      expectThrowsClean(() => slice(x, [0, 0], [1, 1, 1]), RangeError, ['slice:', 'size', 'at most 2'], memory);
    });
    using([tensor(3)], (s) => expectThrowsClean(() => slice(s, []), RangeError, ['slice:', 'scalar'], memory));
  });
});

describe('indexAxis, row and column', () => {
  test('entry i along any axis, negative i included, matches the index reference (property)', () => {
    const arbCase = arbRanked(1, 4).filter((r) => r.data.length > 0).chain((ref) =>
      fc.integer({ min: 0, max: ref.shape.length - 1 }).chain((axis) =>
        fc.tuple(fc.constant(ref), fc.constant(axis), fc.integer({ min: -ref.shape[axis], max: ref.shape[axis] - 1 }))));
    fc.assert(fc.property(arbCase, ([ref, axis, i]) => {
      const n = ref.shape[axis];
      const shape = ref.shape.filter((_, d) => d !== axis);
      const expected = refGatherBy(ref, shape, (idx) => [...idx.slice(0, axis), i < 0 ? i + n : i, ...idx.slice(axis)]);
      using([make(ref)], (x) => {
        expectRef(indexAxis(x, axis, i), expected, `indexAxis ${ref.shape} axis ${axis} index ${i}`);
        expectRef(indexAxis(x, axis - ref.shape.length, i), expected);
        if (axis === 0) expectRef(x.row(i), expected);
        if (axis === 1) expectRef(x.column(i), expected);
      });
    }), { numRuns: 150 });
  });

  test('row of a vector is a scalar; column of a matrix', () => {
    using([tensor([[1, 2, 3], [4, 5, 6]])], (x) => {
      expectRef(x.row(-1), { data: Float64Array.of(4, 5, 6), shape: [3] });
      expectRef(x.column(1), { data: Float64Array.of(2, 5), shape: [2] });
      using([x.row(0)], (r) => expectRef(r.row(2), { data: Float64Array.of(3), shape: [] }));
    });
  });

  test('bad axes and indices throw, naming the op', () => {
    using([zeros([2, 3])], (x) => {
      expectThrowsClean(() => x.row(2), RangeError, ['row:', 'index', '[-2, 1]', '2'], memory);
      expectThrowsClean(() => x.column(-4), RangeError, ['column:', 'index', '[-3, 2]', '-4'], memory);
      expectThrowsClean(() => x.row(0.5), TypeError, ['row:', 'index', '0.5'], memory);
      expectThrowsClean(() => indexAxis(x, 2, 0), RangeError, ['indexAxis:', 'axis 2', 'rank 2'], memory);
    });
    using([zeros([3])], (v) => expectThrowsClean(() => v.column(0), RangeError, ['column:', 'axis 1', 'rank 1'], memory));
    using([zeros([0, 2])], (e) => expectThrowsClean(() => e.row(0), RangeError, ['row:', 'index'], memory));
    using([tensor(1)], (s) => expectThrowsClean(() => s.row(0), RangeError, ['row:', 'axis 0', 'rank 0'], memory));
  });
});

describe('gather', () => {
  const arbCase = arbRanked(1, 3, 5000).chain((ref) => fc.integer({ min: 0, max: ref.shape.length - 1 }).chain((axis) => {
    const n = ref.shape[axis];
    const index = n === 0 ? fc.constant<number[]>([]) : fc.array(fc.integer({ min: -n, max: n - 1 }), { maxLength: 12 });
    return fc.tuple(fc.constant(ref), fc.constant(axis), index, fc.nat({ max: 3 }));
  }));

  test('indices along any axis, arrays or tensors of any rank, negative ones included (property)', () => {
    fc.assert(fc.property(arbCase, ([ref, axis, indices, rows]) => {
      const n = ref.shape[axis];
      const pick = (shape: number[], flat: number[]): Ref => refGatherBy(ref,
        [...ref.shape.slice(0, axis), ...shape, ...ref.shape.slice(axis + 1)], (idx) => {
          const at = idx.slice(axis, axis + shape.length).reduce((o, v, d) => o + v * strides(shape)[d], 0);
          const i = flat[at];
          return [...idx.slice(0, axis), i < 0 ? i + n : i, ...idx.slice(axis + shape.length)];
        });
      using([make(ref)], (x) => {
        expectRef(gather(x, indices, axis), pick([indices.length], indices), `gather ${ref.shape} axis ${axis} [${indices}]`);
        expectRef(x.gather(indices, axis - ref.shape.length), pick([indices.length], indices));
        // The same indices as a tensor of shape [rows, len/rows] (or a scalar for one index).
        const shape = indices.length === 1 ? [] : rows > 0 && indices.length % rows === 0 ? [rows, indices.length / rows] : [indices.length];
        using([tensor(indices, shape)], (idx) => expectRef(gather(x, idx, axis), pick(shape, indices), `gather by tensor ${shape}`));
      });
    }), { numRuns: 150 });
  });

  test('fixed cases', () => {
    using([tensor([[1, 2], [3, 4], [5, 6]])], (x) => {
      expectRef(gather(x, [2, 0, -1, 2]), { data: Float64Array.of(5, 6, 1, 2, 5, 6, 5, 6), shape: [4, 2] });
      expectRef(gather(x, [1, 1, 0], 1), { data: Float64Array.of(2, 2, 1, 4, 4, 3, 6, 6, 5), shape: [3, 3] });
      expectRef(gather(x, []), { data: new Float64Array(0), shape: [0, 2] });
      using([tensor([[0, -1], [1, 1]])], (idx) => expectRef(gather(x, idx, 1),
        { data: Float64Array.of(1, 2, 2, 2, 3, 4, 4, 4, 5, 6, 6, 6), shape: [3, 2, 2] }));
    });
  });

  test('bad indices throw, naming the entry and its range', () => {
    using([zeros([2, 3]), tensor([0, 1.5]), tensor([0, 3])], (x, fractional, outside) => {
      expectThrowsClean(() => gather(x, [0, 5], 1), RangeError, ['gather:', 'indices[1]', '[-3, 2]', '5'], memory);
      expectThrowsClean(() => gather(x, [-3]), RangeError, ['gather:', 'indices[0]', '[-2, 1]', '-3'], memory);
      expectThrowsClean(() => gather(x, [0.5]), TypeError, ['gather:', 'indices[0]', '0.5'], memory);
      expectThrowsClean(() => gather(x, [NaN]), TypeError, ['gather:', 'indices[0]', 'NaN'], memory);
      expectThrowsClean(() => gather(x, fractional, 1), TypeError, ['gather:', 'indices[1]', '1.5'], memory);
      expectThrowsClean(() => gather(x, outside, 1), RangeError, ['gather:', 'indices[1]', '3'], memory);
      expectThrowsClean(() => gather(x, [0], 2), RangeError, ['gather:', 'axis 2', 'rank 2'], memory);
      expectThrowsClean(() => gather(x, bad(1)), TypeError, ['gather:', 'indices', 'array'], memory);
      const gone = tensor([0]);
      gone.dispose();
      expectThrowsClean(() => gather(x, gone), DisposedError, ['gather:', 'indices was disposed'], memory);
    });
  });
});

describe('concat and stack', () => {
  // Tensors that agree on every axis but `axis`, where each has its own length (0 included).
  const arbConcat = arbShape(3, 3000).filter((s) => s.length > 0).chain((base) =>
    fc.integer({ min: 0, max: base.length - 1 }).chain((axis) =>
      fc.array(fc.constantFrom(0, 1, 2, 3, 5), { minLength: 1, maxLength: 4 }).chain((lengths) =>
        fc.tuple(fc.constant(axis), fc.tuple(...lengths.map((len) =>
          arbRef(base.map((d, i) => (i === axis ? len : d)))))))));

  test('concat along every axis matches the index reference (property)', () => {
    fc.assert(fc.property(arbConcat, fc.boolean(), ([axis, refs], negative) => {
      const shape = refs[0].shape.slice();
      shape[axis] = refs.reduce((sum, r) => sum + r.shape[axis], 0);
      const data = Float64Array.from({ length: size(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        let at = idx[axis], which = 0;
        while (at >= refs[which].shape[axis]) at -= refs[which++].shape[axis];
        idx[axis] = at;
        return refs[which].data[idx.reduce((o, v, d) => o + v * strides(refs[which].shape)[d], 0)];
      });
      using(refs.map(make), (...list) => {
        expectRef(concat(list, negative ? axis - shape.length : axis), { data, shape }, `concat of ${refs.map((r) => `[${r.shape}]`)} on ${axis}`);
      });
    }), { numRuns: 150 });
  });

  test('stack along every axis matches the index reference (property)', () => {
    const arbStack = arbShape(3, 3000).chain((shape) => fc.tuple(
      fc.integer({ min: -shape.length - 1, max: shape.length }),
      fc.integer({ min: 1, max: 4 }).chain((count) => fc.tuple(...Array.from({ length: count }, () => arbRef(shape))))));
    fc.assert(fc.property(arbStack, ([axis, refs]) => {
      const rank = refs[0].shape.length;
      const a = axis < 0 ? axis + rank + 1 : axis;
      const shape = refs[0].shape.slice();
      shape.splice(a, 0, refs.length);
      const s = strides(refs[0].shape);
      const data = Float64Array.from({ length: size(shape) }, (_, i) => {
        const idx = unravel(i, shape);
        const [which] = idx.splice(a, 1);
        return refs[which].data[idx.reduce((o, v, d) => o + v * s[d], 0)];
      });
      using(refs.map(make), (...list) => expectRef(stack(list, axis), { data, shape }, `stack of ${refs.length}×[${refs[0].shape}] on ${axis}`));
    }), { numRuns: 150 });
  });

  test('fixed cases', () => {
    using([tensor([[1, 2]]), tensor([[3, 4], [5, 6]]), tensor([7, 8])], (a, b, v) => {
      expectRef(concat([a, b]), { data: Float64Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2] });
      expectRef(concat([b, b], 1), { data: Float64Array.of(3, 4, 3, 4, 5, 6, 5, 6), shape: [2, 4] });
      expectRef(stack([v, v], 1), { data: Float64Array.of(7, 7, 8, 8), shape: [2, 2] });
      expectRef(stack([v]), { data: Float64Array.of(7, 8), shape: [1, 2] });
    });
    using([tensor(1), tensor(2)], (p, q) => expectRef(stack([p, q]), { data: Float64Array.of(1, 2), shape: [2] }));
  });

  test('bad lists, shapes and axes throw, naming the tensor, the shapes and the axis', () => {
    using([zeros([2, 3]), zeros([2, 4]), zeros([3]), tensor(1)], (a, b, v, s) => {
      expectThrowsClean(() => concat([a, b], 0), ShapeError, ['concat:', 'tensors[1]', '[2,4]', '[2,3]', 'axis 0'], memory);
      expectThrowsClean(() => concat([a, v]), ShapeError, ['concat:', 'tensors[1]', '[3]', '[2,3]'], memory);
      expectThrowsClean(() => concat([a, a], 2), RangeError, ['concat:', 'axis 2', 'rank 2'], memory);
      expectThrowsClean(() => concat([s, s]), RangeError, ['concat:', 'scalars'], memory);
      expectThrowsClean(() => concat([]), TypeError, ['concat:', 'non-empty array'], memory);
      expectThrowsClean(() => concat(bad(a)), TypeError, ['concat:', 'tensors'], memory);
      expectThrowsClean(() => concat([a, bad([1, 2, 3])]), TypeError, ['concat:', 'tensors[1]', 'Tensor'], memory);
      expectThrowsClean(() => concat(bad([, a])), TypeError, ['concat: tensors[0] must be a Tensor, got undefined'], memory); // a hole
      expectThrowsClean(() => stack(bad([a, , a])), TypeError, ['stack: tensors[1] must be a Tensor, got undefined'], memory);
      expectThrowsClean(() => stack([a, b]), ShapeError, ['stack:', 'tensors[1]', '[2,4]', '[2,3]'], memory);
      expectThrowsClean(() => stack([a, v], 1), ShapeError, ['stack:', 'tensors[1]', '[3]'], memory);
      expectThrowsClean(() => stack([a, a], 3), RangeError, ['stack:', 'axis 3', 'rank 3'], memory);
      expectThrowsClean(() => stack([a, a], -4), RangeError, ['stack:', 'axis -4'], memory);
      expectThrowsClean(() => stack([]), TypeError, ['stack:', 'non-empty array'], memory);
      const gone = zeros([2, 3]);
      gone.dispose();
      expectThrowsClean(() => concat([a, gone]), DisposedError, ['concat:', 'tensors[1] was disposed'], memory);
      expectThrowsClean(() => stack([gone, a]), DisposedError, ['stack:', 'tensors[0] was disposed'], memory);
    });
  });
});

describe('clone', () => {
  test('copies values into new storage, for any shape (property)', () => {
    fc.assert(fc.property(arbRanked(0, 4), (ref) => {
      using([make(ref)], (x) => using([clone(x), x.clone()], (a, b) => {
        expectExact(a.dataSync(), f32(ref.data));
        expect(b.shape).toEqual(ref.shape);
        if (ref.data.length > 0) {
          a.set(12345, ...ref.shape.map(() => 0));
          expect(x.dataSync()[0]).toBe(Math.fround(ref.data[0]));
        }
      }));
    }), { numRuns: 60 });
  });
});

describe('pad', () => {
  test('x surrounded by the constant matches the index reference, size-0 axes and scalars included (property)', () => {
    const arbCase = arbRanked(0, 4, 2000).chain((ref) => fc.tuple(fc.constant(ref),
      fc.tuple(...ref.shape.map(() => fc.tuple(fc.nat(3), fc.nat(3)))), fc.oneof(fc.constant(undefined), fc.double({ noNaN: false }))));
    fc.assert(fc.property(arbCase, ([ref, paddings, value]) => {
      const shape = ref.shape.map((n, d) => paddings[d][0] + n + paddings[d][1]);
      const s = strides(ref.shape);
      const data = Float64Array.from({ length: size(shape) }, (_, i) => {
        const at = unravel(i, shape).map((v, d) => v - paddings[d][0]);
        return at.every((v, d) => v >= 0 && v < ref.shape[d]) ? ref.data[at.reduce((p, v, d) => p + v * s[d], 0)] : value ?? 0;
      });
      using([make(ref)], (x) => {
        expectRef(pad(x, paddings, value), { data, shape }, `pad ${ref.shape} ${JSON.stringify(paddings)} with ${value}`);
        expectRef(x.pad(paddings, value), { data, shape }, 'the method');
      });
    }), { numRuns: 150 });
  });

  test('fixed cases; the result owns its storage', () => {
    using([tensor([[1, 2], [3, 4]])], (x) => {
      expectRef(pad(x, [[0, 1], [1, 0]]), { data: Float64Array.of(0, 1, 2, 0, 3, 4, 0, 0, 0), shape: [3, 3] });
      expectRef(pad(x, [[0, 0], [0, 0]], 5), { data: Float64Array.of(1, 2, 3, 4), shape: [2, 2] });
      expectRef(pad(x, [[1, 1], [0, 0]], -Infinity), { data: Float64Array.of(-Infinity, -Infinity, 1, 2, 3, 4, -Infinity, -Infinity), shape: [4, 2] });
      using([pad(x, [[0, 0], [0, 0]])], (y) => {
        y.set(9, 0, 0);
        expect(x.get(0, 0)).toBe(1);
      });
    });
    using([tensor(3)], (s) => expectRef(pad(s, [], 1), { data: Float64Array.of(3), shape: [] }));
    using([zeros([0, 2])], (e) => expectRef(pad(e, [[1, 0], [0, 1]], 7), { data: Float64Array.of(7, 7, 7), shape: [1, 3] }));
  });

  test('bad paddings and constants throw before any work, naming the argument', () => {
    using([zeros([2, 3])], (x) => {
      expectThrowsClean(() => pad(x, bad('x')), TypeError, ['pad: paddings must be an array of [before, after] pairs, got "x"'], memory);
      expectThrowsClean(() => pad(x, [[0, 0]]), RangeError, ['pad:', 'paddings has 1 pairs', '[2,3]', '(2)'], memory);
      expectThrowsClean(() => pad(x, bad([[0, 0], [1]])), TypeError, ['pad: paddings[1] must be a [before, after] pair, got [1]'], memory);
      expectThrowsClean(() => pad(x, bad([[0, 0], 1])), TypeError, ['pad: paddings[1] must be a [before, after] pair, got 1'], memory);
      expectThrowsClean(() => pad(x, [[0, -1], [0, 0]]), RangeError, ['pad: paddings[0][1] must be in [0,', 'got -1'], memory);
      expectThrowsClean(() => pad(x, [[0, 0], [0.5, 0]]), TypeError, ['pad: paddings[1][0] must be an integer, got 0.5'], memory);
      expectThrowsClean(() => pad(x, bad([[0, 0], ['1', 0]])), TypeError, ['pad: paddings[1][0] must be an integer, got "1"'], memory);
      expectThrowsClean(() => pad(x, [[0, 0], [0, 0]], bad('0')), TypeError, ['pad: constantValue must be a number, got "0"'], memory);
      expectThrowsClean(() => pad(x, [[0, 2 ** 28], [0, 0]]), RangeError, ['pad:', 'result shape', 'limit'], memory);
      expectThrowsClean(() => pad(bad([1, 2]), [[0, 0]]), TypeError, ['pad: x must be a Tensor'], memory);
    });
    const gone = zeros([2]);
    gone.dispose();
    expectThrowsClean(() => pad(gone, [[1, 1]]), DisposedError, ['pad: x was disposed'], memory);
  });
});
