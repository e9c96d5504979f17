// Gradients of gather (any axis, batchDims, repeated and negative indices) and unsortedSegmentSum
// (src/ops/gather.ts), against float64 central differences of index-loop references (tests/autograd/check.ts).
// gather's gradient adds dy into zeros of x's shape (repeats add up); unsortedSegmentSum's gathers dy by the ids;
// each is the other's adjoint, so gradients of gradients work. Indices get no gradient.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { gather, grad, grads, mul, sum, tensor, unsortedSegmentSum, type Tensor } from '../../src/index';
import { failOnLeaks, refScatterAdd, size, strides, unravel, type Ref } from '../reference';
import { expectGradients, refOf } from './check';

failOnLeaks();

const RUNS = { numRuns: 50 };

/** A gather case: x's shape, axis, batchDims, the indices' shape and values (in [-n, n)), a seed. */
interface GatherCase { shape: number[]; axis: number; batchDims: number; indexShape: number[]; indices: number[]; seed: number }

const arbGather: fc.Arbitrary<GatherCase> = fc.array(fc.constantFrom(0, 1, 2, 3), { minLength: 1, maxLength: 3 })
  .filter((s) => size(s) <= 40)
  .chain((shape) => fc.tuple(fc.constant(shape), fc.nat(shape.length - 1)))
  .chain(([shape, axis]) => fc.tuple(fc.constant(shape), fc.constant(axis), fc.nat(axis),
    fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 2 }), fc.nat()))
  .chain(([shape, axis, batchDims, rest, seed]) => {
    const n = shape[axis];
    const indexShape = [...shape.slice(0, batchDims), ...(n === 0 ? [0] : rest)];
    const count = size(indexShape);
    return fc.array(fc.integer({ min: -n, max: Math.max(n - 1, 0) }), { minLength: count, maxLength: count })
      .map((indices) => ({ shape, axis, batchDims, indexShape, indices, seed }));
  });

/**
 * For each output position of gather, the flat position in x it reads: out[b…, o…, r…, i…] = x[b…, o…,
 * indices[b…, r…], i…].
 */
function gatherSources({ shape, axis, batchDims, indexShape, indices }: GatherCase): { outShape: number[]; from: number[] } {
  const rest = indexShape.length - batchDims;
  const outShape = [...shape.slice(0, axis), ...indexShape.slice(batchDims), ...shape.slice(axis + 1)];
  const xs = strides(shape), is = strides(indexShape);
  const from = Array.from({ length: size(outShape) }, (_, o) => {
    const idx = unravel(o, outShape);
    const at = [...idx.slice(0, batchDims), ...idx.slice(axis, axis + rest)].reduce((p, v, d) => p + v * is[d], 0);
    const i = indices[at] < 0 ? indices[at] + shape[axis] : indices[at];
    const src = [...idx.slice(0, axis), i, ...idx.slice(axis + rest)];
    return src.reduce((p, v, d) => p + v * xs[d], 0);
  });
  return { outShape, from };
}

const refGather = (c: GatherCase) => (x: Ref): Ref => {
  const { outShape, from } = gatherSources(c);
  return { data: Float64Array.from(from, (p) => x.data[p]), shape: outShape };
};

/** Runs check with the indices as a Tensor of their shape (or, for rank-1 indices without batch axes, an array). */
function withIndices(c: GatherCase, asArray: boolean, check: (indices: number[] | Tensor) => void): void {
  if (asArray && c.indexShape.length === 1) return check(c.indices);
  const t = tensor(c.indices, c.indexShape);
  try {
    check(t);
  } finally {
    t.dispose();
  }
}

describe('gather', () => {
  test('dy adds into zeros of x\'s shape at the gathered positions: any axis, batchDims, repeats (property)', () => {
    fc.assert(fc.property(arbGather, fc.boolean(), (c, asArray) => {
      withIndices(c, asArray, (indices) => expectGradients({
        name: `gather ${c.shape} axis ${c.axis} batchDims ${c.batchDims} indices ${c.indexShape} ${c.indices}`,
        inputs: [refOf(c.shape, c.seed)], seed: c.seed,
        f: (x) => gather(x, indices, c.axis, c.batchDims), ref: refGather(c),
      }));
    }), RUNS);
  });

  test('repeated indices accumulate: exact values along axes 0 and 1', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const rows = grad((t) => gather(t, [1, 1, 0, 1]).sum())(x);
    const columns = grad((t) => t.gather(tensor([[2, -1], [0, 2]]), 1).mul(tensor([[[1, 10], [100, 1000]]])).sum())(x);
    const batched = grad((t) => gather(t, tensor([[0, 0], [2, 1]]), 1, 1).sum())(x);
    try {
      expect(rows.toArray()).toEqual([[1, 1, 1], [3, 3, 3]]);
      expect(columns.toArray()).toEqual([[100, 0, 1011], [100, 0, 1011]]);
      expect(batched.toArray()).toEqual([[2, 0, 0], [0, 1, 1]]);
    } finally {
      for (const t of [x, rows, columns, batched]) t.dispose();
    }
  });

  test('x used twice, and the indices get no gradient (a constant to grads)', () => {
    const x = refOf([4, 2], 3);
    expectGradients({
      inputs: [x], f: (t) => mul(gather(t, [3, 0, 3]), t.gather([1, 2, 1])),
      ref: (r) => {
        const a = refGather({ shape: [4, 2], axis: 0, batchDims: 0, indexShape: [3], indices: [3, 0, 3], seed: 0 })(r);
        const b = refGather({ shape: [4, 2], axis: 0, batchDims: 0, indexShape: [3], indices: [1, 2, 1], seed: 0 })(r);
        return { data: a.data.map((v, i) => v * b.data[i]), shape: a.shape };
      },
    });
    const t = tensor([[1, 2], [3, 4]]), ids = tensor([1, 0]);
    const [dt, dids] = grads((a: Tensor, i: Tensor) => gather(a, i).sum())([t, ids]);
    try {
      expect(dt.toArray()).toEqual([[1, 1], [1, 1]]);
      expect(dids.toArray()).toEqual([0, 0]);
    } finally {
      for (const u of [t, ids, dt, dids]) u.dispose();
    }
  });

  test('gradients of gradients: grad Σ gather(x)² (2·x times how often it was gathered) is differentiated in turn (property)', () => {
    fc.assert(fc.property(arbGather, (c) => {
      withIndices(c, false, (indices) => expectGradients({
        name: `gather² ${c.shape} axis ${c.axis} batchDims ${c.batchDims} indices ${c.indices}`,
        inputs: [refOf(c.shape, c.seed)], seed: c.seed,
        f: (x) => grad((u) => { const g = gather(u, indices, c.axis, c.batchDims); return sum(mul(g, g)); })(x),
        ref: (x) => {
          const data = new Float64Array(x.data.length);
          for (const p of gatherSources(c).from) data[p] += 2 * x.data[p];
          return { data, shape: x.shape };
        },
      }));
    }), { numRuns: 25 });
  });
});

describe('unsortedSegmentSum', () => {
  const arbSegments = fc.tuple(fc.constantFrom(0, 1, 2, 5), fc.array(fc.constantFrom(0, 1, 3), { maxLength: 2 }),
    fc.integer({ min: 1, max: 4 }), fc.nat())
    .chain(([rows, inner, segments, seed]) => fc.tuple(fc.constant([rows, ...inner]), fc.constant(segments),
      fc.array(fc.nat(segments - 1), { minLength: rows, maxLength: rows }), fc.constant(seed)));

  test('row i gets row segmentIds[i] of dy (property, segments with no rows and with several)', () => {
    fc.assert(fc.property(arbSegments, fc.boolean(), ([shape, segments, ids, seed], asTensor) => {
      const dim = size(shape.slice(1));
      const idTensor = asTensor ? tensor(ids) : null;
      try {
        expectGradients({
          name: `unsortedSegmentSum ${shape} ids ${ids} into ${segments}`, inputs: [refOf(shape, seed)], seed,
          f: (x) => unsortedSegmentSum(x, idTensor ?? ids, segments),
          ref: (x) => ({ data: refScatterAdd(ids, x.data, segments, dim).exact, shape: [segments, ...shape.slice(1)] }),
        });
      } finally {
        idTensor?.dispose();
      }
    }), RUNS);
  });

  test('the ids are read when the op runs: changing the array afterwards does not change the gradient', () => {
    const ids = [1, 0, 1];
    const x = tensor([[1], [2], [3]]);
    const g = grad((t) => {
      const s = unsortedSegmentSum(t, ids, 2);
      ids[0] = 0;
      return s.mul(tensor([[10], [1]])).sum();
    })(x);
    try {
      expect(g.toArray()).toEqual([[1], [10], [1]]);
    } finally {
      g.dispose();
      x.dispose();
    }
  });

  test('gradients of gradients: grad Σ unsortedSegmentSum(x)² is differentiated in turn', () => {
    const ids = [2, 0, 2, 2];
    expectGradients({
      inputs: [refOf([4, 3], 5)],
      f: (x) => grad((u) => { const s = unsortedSegmentSum(u, ids, 3); return sum(mul(s, s)); })(x),
      ref: (x) => {
        const sums = refScatterAdd(ids, x.data, 3, 3).exact;
        return { data: x.data.map((_, i) => 2 * sums[ids[Math.floor(i / 3)] * 3 + (i % 3)]), shape: x.shape };
      },
    });
  });
});
