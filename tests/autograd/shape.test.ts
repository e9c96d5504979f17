// Gradients of the shape ops (src/ops/shape.ts): clone, transpose, squeeze, expandDims, slice, pad, indexAxis (row,
// column), concat and stack, against float64 central differences of index-moving references (tests/autograd/check.ts).
// These ops only move values, so their gradients move dy back: a second use of a tensor adds, and the backward's own
// ops record, so gradients of gradients work.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  clone, concat, expandDims, grad, grads, indexAxis, mul, pad, slice, squeeze, stack, sum, tensor, transpose, type Tensor,
} from '../../src/index';
import { failOnLeaks, refTranspose, size, strides, unravel, type Ref } from '../reference';
import { arbGradShape, expectGradients, refOf } from './check';

failOnLeaks();

const RUNS = { numRuns: 40 };

/**
 * out[idx] = source(idx): a value of one of the inputs (input i at multi-index at) or `fill`: the reference of
 * every op that only moves values.
 */
function refMove(inputs: readonly Ref[], shape: number[], source: (idx: number[]) => { i: number; at: number[] } | null, fill = 0): Ref {
  const data = Float64Array.from({ length: size(shape) }, (_, o) => {
    const from = source(unravel(o, shape));
    if (from === null) return fill;
    const x = inputs[from.i], s = strides(x.shape);
    return x.data[from.at.reduce((p, v, d) => p + v * s[d], 0)];
  });
  return { data, shape };
}

/** A permutation of 0..n-1. */
const arbPerm = (n: number): fc.Arbitrary<number[]> =>
  fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });

/** A shape of rank ≥ minRank and a seed for its values. */
const arbRanked = (minRank: number, maxRank = 3): fc.Arbitrary<number[]> => arbGradShape(maxRank).filter((s) => s.length >= minRank);

/** The float64 pad: x surrounded by `fill` as paddings say. */
const refPad = (x: Ref, paddings: readonly (readonly number[])[], fill = 0): Ref =>
  refMove([x], x.shape.map((n, d) => paddings[d][0] + n + paddings[d][1]), (idx) => {
    const at = idx.map((v, d) => v - paddings[d][0]);
    return at.every((v, d) => v >= 0 && v < x.shape[d]) ? { i: 0, at } : null;
  }, fill);

describe('clone, transpose, squeeze and expandDims', () => {
  test('clone passes dy through; transpose permutes it back (property)', () => {
    fc.assert(fc.property(arbGradShape(4).chain((s) => fc.tuple(fc.constant(s), arbPerm(s.length), fc.nat())), ([shape, perm, seed]) => {
      const x = refOf(shape, seed);
      expectGradients({ name: 'clone', inputs: [x], f: (t) => clone(t), ref: (r) => r, seed });
      expectGradients({ name: `transpose ${perm}`, inputs: [x], f: (t) => transpose(t, perm), ref: (r) => refTranspose(r, perm), seed });
    }), RUNS);
  });

  test('the default transpose reverses the axes; its gradient reverses them back', () => {
    expectGradients({ inputs: [refOf([2, 3, 5], 3)], f: (t) => t.transpose(), ref: (r) => refTranspose(r, [2, 1, 0]) });
    expectGradients({ inputs: [refOf([5, 2], 4)], f: (t) => t.T, ref: (r) => refTranspose(r, [1, 0]) });
  });

  test('squeeze and expandDims reshape dy back (property)', () => {
    const arbCase = fc.array(fc.constantFrom(0, 1, 1, 2, 3), { maxLength: 4 }).filter((s) => size(s) <= 60)
      .chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length - 1, max: s.length }), fc.nat()));
    fc.assert(fc.property(arbCase, ([shape, axis, seed]) => {
      const x = refOf(shape, seed);
      const squeezed = shape.filter((d) => d !== 1);
      expectGradients({ name: 'squeeze', inputs: [x], f: (t) => squeeze(t), ref: (r) => ({ data: r.data, shape: squeezed }), seed });
      const ones = shape.flatMap((d, i) => (d === 1 ? [i] : []));
      if (ones.length > 0) {
        const kept = shape.filter((_, i) => i !== ones[0]);
        expectGradients({ name: 'squeeze axis', inputs: [x], f: (t) => squeeze(t, [ones[0]]), ref: (r) => ({ data: r.data, shape: kept }), seed });
      }
      const a = axis < 0 ? axis + shape.length + 1 : axis;
      const expanded = [...shape.slice(0, a), 1, ...shape.slice(a)];
      expectGradients({ name: `expandDims ${axis}`, inputs: [x], f: (t) => expandDims(t, axis), ref: (r) => ({ data: r.data, shape: expanded }), seed });
    }), RUNS);
  });
});

describe('slice and pad', () => {
  // A block of a shape: begin and size per axis (some sizes as -1: to the end).
  const arbBlock = arbRanked(1).chain((shape) => fc.tuple(fc.constant(shape),
    fc.tuple(...shape.map((n) => fc.integer({ min: 0, max: n }).chain((b) =>
      fc.tuple(fc.constant(b), fc.oneof(fc.integer({ min: 0, max: n - b }), fc.constant(-1)))))),
    fc.nat()));

  test('slice: dy lands where the block came from, zeros elsewhere (property)', () => {
    fc.assert(fc.property(arbBlock, ([shape, block, seed]) => {
      const begin = block.map(([b]) => b), sizes = block.map(([b, s], d) => (s === -1 ? shape[d] - b : s));
      expectGradients({
        name: `slice ${shape} ${begin} ${sizes}`, inputs: [refOf(shape, seed)], seed,
        f: (t) => slice(t, begin, block.map(([, s]) => s)),
        ref: (r) => refMove([r], sizes, (idx) => ({ i: 0, at: idx.map((v, d) => v + begin[d]) })),
      });
    }), RUNS);
  });

  test('pad: the gradient is dy where x was (property, any constant)', () => {
    const arbCase = arbGradShape(3, 24).chain((shape) => fc.tuple(fc.constant(shape),
      fc.tuple(...shape.map(() => fc.tuple(fc.nat(2), fc.nat(2)))), fc.double({ min: -3, max: 3, noNaN: true }), fc.nat()));
    fc.assert(fc.property(arbCase, ([shape, paddings, fill, seed]) => {
      expectGradients({
        name: `pad ${shape} ${JSON.stringify(paddings)}`, inputs: [refOf(shape, seed)], seed,
        f: (t) => pad(t, paddings, fill), ref: (r) => refPad(r, paddings, Math.fround(fill)),
      });
    }), RUNS);
  });

  test('a slice used twice, overlapping blocks, and pad of a scalar', () => {
    const x = refOf([4, 3], 7);
    const block = (r: Ref, b: number): Ref => refMove([r], [2, 3], (idx) => ({ i: 0, at: [idx[0] + b, idx[1]] }));
    expectGradients({
      inputs: [x], f: (t) => mul(slice(t, [0, 0], [2, 3]), slice(t, [1, 0], [2, 3])),
      ref: (r) => { const p = block(r, 0), q = block(r, 1); return { data: p.data.map((v, i) => v * q.data[i]), shape: p.shape }; },
    });
    expectGradients({ inputs: [refOf([], 2)], f: (t) => pad(t, [], 4), ref: (r) => r });
  });

  test('gradients of gradients: d²/dx² Σ slice(x)³ = 6·pad(slice(x)) through pad\'s backward (slice) and slice\'s (pad)', () => {
    const x = refOf([3, 4], 5);
    const sliced = (r: Ref): Ref => refMove([r], [2, 2], (idx) => ({ i: 0, at: [idx[0] + 1, idx[1] + 2] }));
    expectGradients({
      inputs: [x],
      // d/dx Σ s³ = 3·pad(s²): its gradient against Σ dy·(3·pad(s²)) is 6·pad(s·slice(dy)).
      f: (t) => grad((u) => { const s = slice(u, [1, 2], [2, 2]); return sum(mul(mul(s, s), s)); })(t),
      ref: (r) => { const s = sliced(r); return refPad({ data: s.data.map((v) => 3 * v * v), shape: s.shape }, [[1, 0], [2, 0]]); },
    });
  });
});

describe('indexAxis, row and column', () => {
  test('dy goes to entry i of the axis, zeros in the others (property, negative i included)', () => {
    const arbCase = arbRanked(1).filter((s) => s.every((n) => n > 0)).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.nat(shape.length - 1)).chain(([s, a]) =>
        fc.tuple(fc.constant(s), fc.constant(a), fc.integer({ min: -s[a], max: s[a] - 1 }), fc.nat())));
    fc.assert(fc.property(arbCase, ([shape, axis, index, seed]) => {
      const at = index < 0 ? index + shape[axis] : index;
      expectGradients({
        name: `indexAxis ${shape} ${axis} ${index}`, inputs: [refOf(shape, seed)], seed,
        f: (t) => indexAxis(t, axis, index),
        ref: (r) => refMove([r], shape.filter((_, d) => d !== axis), (idx) => ({ i: 0, at: [...idx.slice(0, axis), at, ...idx.slice(axis)] })),
      });
    }), RUNS);
  });

  test('row and column record under their own names; a row used twice adds up', () => {
    const x = refOf([3, 2], 9);
    expectGradients({ inputs: [x], f: (t) => t.row(-1), ref: (r) => ({ data: r.data.slice(4, 6), shape: [2] }) });
    expectGradients({ inputs: [x], f: (t) => t.column(1), ref: (r) => ({ data: Float64Array.from([1, 3, 5], (i) => r.data[i]), shape: [3] }) });
    expectGradients({
      inputs: [x], f: (t) => mul(t.row(1), t.row(1)),
      ref: (r) => ({ data: Float64Array.from([2, 3], (i) => r.data[i] ** 2), shape: [2] }),
    });
  });
});

describe('concat and stack', () => {
  // 1 to 3 shapes that agree outside `axis` (for concat) and their values.
  const arbJoin = arbRanked(1).chain((shape) => fc.tuple(fc.constant(shape), fc.nat(shape.length - 1),
    fc.array(fc.constantFrom(0, 1, 2, 3), { minLength: 1, maxLength: 3 }), fc.nat()));

  test('concat splits dy back into each tensor\'s block along the axis (property)', () => {
    fc.assert(fc.property(arbJoin, ([shape, axis, sizes, seed]) => {
      const inputs = sizes.map((n, i) => refOf(shape.map((m, d) => (d === axis ? n : m)), seed + i));
      const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((s: number, n) => s + n, 0));
      const total = shape.map((m, d) => (d === axis ? starts[starts.length - 1] + sizes[sizes.length - 1] : m));
      expectGradients({
        name: `concat ${shape} axis ${axis} sizes ${sizes}`, inputs, seed,
        f: (...ts) => concat(ts, axis),
        ref: (...rs) => refMove(rs, total, (idx) => {
          const i = starts.findLastIndex((s, k) => idx[axis] >= s && sizes[k] > 0);
          return { i, at: idx.map((v, d) => (d === axis ? v - starts[i] : v)) };
        }),
      });
    }), RUNS);
  });

  test('stack gives each tensor its entry of the new axis (property, any axis)', () => {
    const arbCase = arbGradShape(3, 20).chain((shape) => fc.tuple(fc.constant(shape),
      fc.integer({ min: -shape.length - 1, max: shape.length }), fc.integer({ min: 1, max: 3 }), fc.nat()));
    fc.assert(fc.property(arbCase, ([shape, axis, count, seed]) => {
      const a = axis < 0 ? axis + shape.length + 1 : axis;
      const inputs = Array.from({ length: count }, (_, i) => refOf(shape, seed + i));
      expectGradients({
        name: `stack ${shape} axis ${axis} of ${count}`, inputs, seed,
        f: (...ts) => stack(ts, axis),
        ref: (...rs) => refMove(rs, [...shape.slice(0, a), count, ...shape.slice(a)], (idx) => ({ i: idx[a], at: idx.filter((_, d) => d !== a) })),
      });
    }), RUNS);
  });

  test('concat([x, x]) and stack([x, x]) give x both halves of dy', () => {
    const x = refOf([2, 3], 11);
    const twice = (r: Ref, shape: number[]): Ref => ({ data: Float64Array.from([...r.data, ...r.data]), shape });
    expectGradients({ inputs: [x], f: (t) => concat([t, t]), ref: (r) => twice(r, [4, 3]) });
    expectGradients({ inputs: [x], f: (t) => stack([t, t]), ref: (r) => twice(r, [2, 2, 3]) });
    const v = tensor([[1, 2]]);
    const [g] = grads((t: Tensor) => concat([t, t], 1).sum())([v]);
    expect(g.toArray()).toEqual([[2, 2]]);
    g.dispose();
    v.dispose();
  });

  test('only the tensors asked for get a gradient; the others are constants', () => {
    const a = refOf([2, 2], 1), b = refOf([1, 2], 2);
    expectGradients({
      inputs: [a, b], wrt: [1], f: (p, q) => concat([p, q, p]),
      ref: (p, q) => ({ data: Float64Array.from([...p.data, ...q.data, ...p.data]), shape: [5, 2] }),
    });
  });
});
