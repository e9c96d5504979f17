// Gradients of matmul (2-D, batched with broadcast batch axes, 1-D operands on either side, all four transpose
// combinations), dot and outer (src/ops/matmul.ts), against float64 central differences of index-loop references
// (tests/autograd/check.ts), with size-0 and size-1 dimensions; a second use of an operand (x·x) and gradients of
// gradients (the backwards are products themselves).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dot, grad, matmul, memory, mul, outer, sum, tensor, type MatmulOptions, type Tensor } from '../../src/index';
import { broadcastShape, failOnLeaks, refMatmul, size, strides, unravel, type Ref } from '../reference';
import { expectGradients, refOf } from './check';

failOnLeaks();

/** Flat offsets of each batch's matrix: batch t of `batch` read from an operand of batch shape `own` (broadcast). */
function batchOffsets(own: readonly number[], batch: readonly number[], matrix: number): number[] {
  const s = strides(own), lead = batch.length - own.length;
  return Array.from({ length: size(batch) }, (_, t) =>
    unravel(t, batch).slice(lead).reduce((p, v, d) => p + (own[d] === 1 ? 0 : v) * s[d], 0) * matrix);
}

/** Float64 NumPy matmul of a and b with transposes of the last two axes (1-D operands promoted, then dropped). */
function refMatmulNd(a: Ref, b: Ref, transA: boolean, transB: boolean): Ref {
  const tA = transA && a.shape.length > 1, tB = transB && b.shape.length > 1;
  const sa = a.shape.length === 1 ? [1, a.shape[0]] : a.shape, sb = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const [ra, ca] = sa.slice(-2), [rb, cb] = sb.slice(-2);
  const m = tA ? ca : ra, k = tA ? ra : ca, n = tB ? rb : cb;
  const batch = broadcastShape(sa.slice(0, -2), sb.slice(0, -2));
  if (!batch) throw new Error('batch axes do not broadcast');
  const offA = batchOffsets(sa.slice(0, -2), batch, m * k), offB = batchOffsets(sb.slice(0, -2), batch, k * n);
  const data = new Float64Array(size(batch) * m * n);
  offA.forEach((oa, t) => {
    const c = refMatmul(a.data.subarray(oa, oa + m * k), b.data.subarray(offB[t], offB[t] + k * n), m, k, n, tA, tB);
    data.set(c.data, t * m * n);
  });
  return { data, shape: [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])] };
}

/** Shapes of a matmul's operands: m, k, n in 0..3, broadcast batch axes, 1-D operands, transposes. */
const arbMatmul = fc.record({
  m: fc.nat(3), k: fc.nat(3), n: fc.nat(3),
  batch: fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 2 }),
  onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
  dropA: fc.nat(2), dropB: fc.nat(2),
  vectorA: fc.boolean(), vectorB: fc.boolean(), transA: fc.boolean(), transB: fc.boolean(), seed: fc.nat(),
}).map((c) => {
  const batchOf = (ones: boolean[], drop: number): number[] => c.batch.map((d, i) => (ones[i] ? 1 : d)).slice(Math.min(drop, c.batch.length));
  const a = c.vectorA ? [c.k] : [...batchOf(c.onesA, c.dropA), ...(c.transA ? [c.k, c.m] : [c.m, c.k])];
  const b = c.vectorB ? [c.k] : [...batchOf(c.onesB, c.dropB), ...(c.transB ? [c.n, c.k] : [c.k, c.n])];
  return { a, b, transA: c.transA, transB: c.transB, seed: c.seed };
}).filter(({ a, b }) => size(a) <= 60 && size(b) <= 60);

describe('matmul', () => {
  test('dA = dy·op(b)ᵀ and dB = op(a)ᵀ·dy, summed over broadcast batch axes: every transpose, 1-D operands, size 0 and 1 (property)', () => {
    fc.assert(fc.property(arbMatmul, ({ a, b, transA, transB, seed }) => {
      const options: MatmulOptions = { transposeA: transA, transposeB: transB };
      expectGradients({
        name: `matmul ${a} ${b} ${JSON.stringify(options)}`, inputs: [refOf(a, seed), refOf(b, seed + 1)], seed,
        f: (x, y) => matmul(x, y, options), ref: (x, y) => refMatmulNd(x, y, transA, transB),
      });
    }), { numRuns: 120 });
  });

  test('fixed corners: the four transposes of 2-D operands, a batch broadcast on one side only, vector·vector', () => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        expectGradients({
          name: `transA ${transA} transB ${transB}`, inputs: [refOf(transA ? [3, 2] : [2, 3], 1), refOf(transB ? [4, 3] : [3, 4], 2)],
          f: (x, y) => matmul(x, y, { transposeA: transA, transposeB: transB }), ref: (x, y) => refMatmulNd(x, y, transA, transB),
        });
      }
    }
    expectGradients({ inputs: [refOf([2, 1, 2, 3], 3), refOf([3, 3, 2], 4)], f: (x, y) => x.matmul(y), ref: (x, y) => refMatmulNd(x, y, false, false) });
    expectGradients({ inputs: [refOf([5], 5), refOf([5], 6)], f: (x, y) => matmul(x, y), ref: (x, y) => refMatmulNd(x, y, false, false) });
    expectGradients({ inputs: [refOf([3], 7), refOf([2, 3, 2], 8)], f: (x, y) => matmul(x, y, { transposeA: true }), ref: (x, y) => refMatmulNd(x, y, false, false) });
  });

  test('x·x and x·xᵀ: both uses of x add up', () => {
    const x = refOf([3, 3], 9);
    expectGradients({ inputs: [x], f: (t) => t.matmul(t), ref: (r) => refMatmulNd(r, r, false, false) });
    expectGradients({ inputs: [x], f: (t) => matmul(t, t, { transposeB: true }), ref: (r) => refMatmulNd(r, r, false, true) });
    expectGradients({ inputs: [refOf([2, 4], 10)], f: (t) => matmul(t, t, { transposeA: true }), ref: (r) => refMatmulNd(r, r, true, false) });
  });

  test('only the operand asked for is computed: the other one is a constant', () => {
    expectGradients({ inputs: [refOf([2, 3], 11), refOf([3, 2], 12)], wrt: [1], f: (x, y) => matmul(x, y), ref: (x, y) => refMatmulNd(x, y, false, false) });
  });

  test('gradients of gradients: grad Σ x·x (rows plus columns summed) is differentiated in turn', () => {
    expectGradients({
      inputs: [refOf([3, 3], 13)],
      f: (t) => grad((u) => sum(matmul(u, u)))(t),
      ref: (x) => {
        const at = (i: number, j: number): number => x.data[i * 3 + j];
        const row = (i: number): number => at(i, 0) + at(i, 1) + at(i, 2), column = (j: number): number => at(0, j) + at(1, j) + at(2, j);
        return { data: Float64Array.from({ length: 9 }, (_, p) => row(p % 3) + column(Math.floor(p / 3))), shape: [3, 3] };
      },
    });
  });
});

/** Float64 NumPy dot: a [...lead, k] with b [k] or [...batch, k, n]; out [...lead] or [...lead, ...batch, n]. */
function refDot(a: Ref, b: Ref): Ref {
  if (a.shape.length === 0 || b.shape.length === 0) {
    const s = a.shape.length === 0 ? a.data[0] : b.data[0], other = a.shape.length === 0 ? b : a;
    return { data: other.data.map((v) => v * s), shape: other.shape };
  }
  const k = a.shape[a.shape.length - 1], lead = a.shape.slice(0, -1);
  const batch = b.shape.length === 1 ? [] : b.shape.slice(0, -2), n = b.shape.length === 1 ? 1 : b.shape[b.shape.length - 1];
  const rows = size(lead), count = size(batch);
  const data = new Float64Array(rows * count * n);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < count; q++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[r * k + p] * b.data[(q * k + p) * n + j];
        data[(r * count + q) * n + j] = s;
      }
    }
  }
  return { data, shape: b.shape.length === 1 ? lead : [...lead, ...batch, n] };
}

describe('dot', () => {
  const arbDot = fc.record({
    lead: fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 2 }), k: fc.nat(3),
    batch: fc.array(fc.constantFrom(0, 1, 2), { maxLength: 2 }), n: fc.nat(3), vectorB: fc.boolean(), seed: fc.nat(),
  }).map(({ lead, k, batch, n, vectorB, seed }) => ({ a: [...lead, k], b: vectorB ? [k] : [...batch, k, n], seed }))
    .filter(({ a, b }) => size(a) <= 60 && size(b) <= 60);

  test('N-d·1-d and N-d·M-d: dA sums dy against b over every block, dB[q] = aᵀ·dy[:, q] (property, size 0 and 1)', () => {
    fc.assert(fc.property(arbDot, ({ a, b, seed }) => {
      expectGradients({ name: `dot ${a} ${b}`, inputs: [refOf(a, seed), refOf(b, seed + 1)], seed, f: (x, y) => dot(x, y), ref: refDot });
    }), { numRuns: 80 });
  });

  test('scalar operands multiply; vector·vector; x·x adds both uses', () => {
    expectGradients({ inputs: [refOf([], 1), refOf([2, 3], 2)], f: (x, y) => dot(x, y), ref: refDot });
    expectGradients({ inputs: [refOf([3], 3), refOf([3], 4)], f: (x, y) => dot(x, y), ref: refDot });
    expectGradients({ inputs: [refOf([4], 5)], f: (t) => dot(t, t), ref: (r) => refDot(r, r) });
    expectGradients({ inputs: [refOf([3, 3], 6)], f: (t) => dot(t, t), ref: (r) => refDot(r, r) });
  });

  test('gradients of gradients: grad over a of Σ dot(a, b)² (2·dot·bᵀ) is differentiated in turn, in a and in b', () => {
    expectGradients({
      inputs: [refOf([2, 3], 7), refOf([2, 3, 2], 8)],
      f: (a, b) => grad((u) => { const d = dot(u, b); return sum(mul(d, d)); })(a),
      ref: (a, b) => {
        const d = refDot(a, b); // [2, 2, 2]: [rows, count, n]
        const data = Float64Array.from({ length: 6 }, (_, i) => {
          const r = Math.floor(i / 3), p = i % 3;
          let s = 0;
          for (let q = 0; q < 2; q++) for (let j = 0; j < 2; j++) s += 2 * d.data[(r * 2 + q) * 2 + j] * b.data[(q * 3 + p) * 2 + j];
          return s;
        });
        return { data, shape: [2, 3] };
      },
    });
  });
});

describe('outer', () => {
  const refOuter = (a: Ref, b: Ref): Ref => ({
    data: Float64Array.from({ length: a.data.length * b.data.length }, (_, p) => a.data[Math.floor(p / b.data.length)] * b.data[p % b.data.length]),
    shape: [a.data.length, b.data.length],
  });

  test('da = dy·b and db = aᵀ·dy over the flattened operands, of any rank (property)', () => {
    const arbShape = fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 2 });
    fc.assert(fc.property(arbShape, arbShape, fc.nat(), (a, b, seed) => {
      expectGradients({ name: `outer ${a} ${b}`, inputs: [refOf(a, seed), refOf(b, seed + 1)], seed, f: (x, y) => outer(x, y), ref: refOuter });
    }), { numRuns: 60 });
  });

  test('outer(x, x) adds both uses; its views are freed and its gradient does not need them', () => {
    expectGradients({ inputs: [refOf([2, 2], 3)], f: (t) => outer(t, t), ref: (r) => refOuter(r, r) });
    const x = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const g = grad((t: Tensor) => grad((u: Tensor) => sum(mul(outer(u, u), outer(u, u))))(t).sum())(x);
    try {
      // f(u) = Σ u_i²·u_j² = (Σu²)²: f'_k = 4(Σu²)·u_k, Σ f' = 4(Σu²)(Σu), whose gradient is 8·u_k·Σu + 4·Σu²
      // = 48·u_k + 56 at [1, 2, 3].
      expect(g.toArray()).toEqual([104, 152, 200]);
      expect(memory().numTensors - before).toBe(1);
    } finally {
      g.dispose();
      x.dispose();
    }
  });
});
