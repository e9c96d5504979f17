// matmul, dot and outer (src/ops/matmul.ts over assembly/gemm.ts). Reference: a float64 triple loop (refMatmul).
//
// Tolerance. The kernel rounds each product and each partial sum to float32 (round to nearest, no FMA), in any
// order (SIMD lanes, 4x8 tiles, horizontal sums). Each product then passes through at most k roundings, so
//   |c_ij - ref_ij| <= γ_k · Σ_p |a_ip·b_pj| + k·2^-149,   γ_k = k·u / (1 - k·u),  u = 2^-24,
// the classical bound for a float32 dot product of length k (Higham, Accuracy and Stability, §3.1); the second term
// covers underflow (at most 2^-150 per operation). Inputs are float32 already, so they add no error. k = 0 must give
// exact zeros. Integer inputs with exact float32 sums must give exact results. The relaxed-SIMD build's fused
// multiply-add rounds once where mul+add rounds twice, so the same bound holds for it.
//
// The value suites run on every kernel build and thread count (tests/builds.ts): the baseline 4×8 tile and the
// relaxed 6×8 tile, whose edges SIZES both cover, on one thread and on two (a product above PARALLEL_FLOPS is split).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DisposedError, dot, matmul, memory, outer, ShapeError, tensor, threads, zeros, type MatmulOptions, type Tensor } from '../../src/index';
import { describeEachBuild, runs, splitsOverThreads } from '../builds';
import { expectBounded, expectExact, expectThrowsClean, refMatmul, seededValues, size, strides, take, unravel } from '../reference';
import { expectForeignRejected } from './foreign';

const bad = <T>(value: unknown): T => value as T;

/** Matrix sizes below, at and above the SIMD width, the 4×8 tile (baseline) and the 6×8 tile (relaxed), and large. */
const SIZES = [0, 1, 3, 4, 5, 6, 7, 8, 9, 12, 13, 17, 129];
/** Inner sizes: also across the 256-long k block of both builds. */
const K_SIZES = [...SIZES, 257, 300];

/** The bound above for each element, from the float64 sums of |a_ip·b_pj|. */
const bounds = (absSum: Float64Array, k: number): Float64Array => {
  const u = 2 ** -24;
  const gamma = (k * u) / (1 - k * u);
  return absSum.map((s) => gamma * s + k * 2 ** -149);
};

/** Runs matmul on new tensors of the given stored shapes and values, and disposes the operands. */
function run(a: Float64Array, aShape: number[], b: Float64Array, bShape: number[], options: MatmulOptions, outShape: number[]): Float32Array {
  const ta = tensor(Float32Array.from(a), aShape), tb = tensor(Float32Array.from(b), bShape);
  try {
    return take(matmul(ta, tb, options), outShape);
  } finally {
    ta.dispose();
    tb.dispose();
  }
}

const stored = (rows: number, cols: number, trans: boolean): number[] => (trans ? [cols, rows] : [rows, cols]);
const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describeEachBuild('matmul 2-D', (env) => {
  test('a row computed alone (the small loop) has the bits it has in the whole product (the packed tiles)', () => {
    // 64·16·8 multiply-adds take the packed tiles, 1·16·8 the small loop: both must round each step alike (on the
    // relaxed build, as relaxed_madd does), so predict gives the same bits at any batch size.
    const [m, k, n] = [64, 16, 8];
    const a = tensor(Float32Array.from(seededValues(m * k, 7, 1e3)), [m, k]), b = tensor(Float32Array.from(seededValues(k * n, 8)), [k, n]);
    const whole = matmul(a, b), all = whole.dataSync();
    for (let i = 0; i < m; i++) {
      const row = a.slice([i, 0], [1, k]), alone = matmul(row, b);
      expectExact(alone.dataSync(), all.subarray(i * n, (i + 1) * n), `row ${i} of ${m}×${k}·${k}×${n}`);
      row.dispose();
      alone.dispose();
    }
    for (const t of [a, b, whole]) t.dispose();
  });

  test('one row alone (the unpacked one-row path) has the bits it has in a larger product, across K blocks and column edges', () => {
    // k past one and two KC blocks (256), n across the 16- and 4-column steps and the scalar tail; the one-row product
    // of 1·300·3 takes the small loop, the others the one-row path; the whole products take the packed tiles.
    for (const [k, n] of [[300, 3], [16, 37], [257, 16], [513, 130], [784, 128], [600, 1], [260, 21]]) {
      const m = 12, a = tensor(Float32Array.from(seededValues(m * k, k, 1e3)), [m, k]), b = tensor(Float32Array.from(seededValues(k * n, n)), [k, n]);
      const whole = matmul(a, b), all = whole.dataSync();
      for (const i of [0, 5, 11]) {
        const row = a.slice([i, 0], [1, k]), rowT = row.transpose(), alone = matmul(row, b), column = matmul(rowT, b, { transposeA: true });
        expectExact(alone.dataSync(), all.subarray(i * n, (i + 1) * n), `row ${i} of ${m}×${k}·${k}×${n}`);
        expectExact(column.dataSync(), all.subarray(i * n, (i + 1) * n), `row ${i} as a transposed column, ${k}×${n}`);
        for (const t of [row, rowT, alone, column]) t.dispose();
      }
      for (const t of [a, b, whole]) t.dispose();
    }
  });

  test('a row has the same bits read in place or packed, and a narrow product those of the same columns in a wide one', () => {
    // gemm reads A in place for whole pairs of micro-panels and packs the rows after them: dropping the first s rows
    // of A moves each row across that boundary. Every n up to 16 (full panels, the 4-column tail kernel, wider
    // tails) against the same columns of a 40-column product; k past one KC block; A stored as given or transposed.
    for (const [m, k] of [[37, 300], [12, 7], [131, 64]]) {
      const a = tensor(Float32Array.from(seededValues(m * k, m + k, 1e3)), [m, k]);
      const wide = tensor(Float32Array.from(seededValues(k * 40, k)), [k, 40]);
      for (const transA of [false, true]) {
        const product = (rows: Tensor, b: Tensor): Tensor => {
          if (!transA) return matmul(rows, b);
          const stored = rows.transpose(); // [k, rows]: op(A) read down its columns
          try {
            return matmul(stored, b, { transposeA: true });
          } finally {
            stored.dispose();
          }
        };
        const all = product(a, wide), bits = all.dataSync();
        for (let n = 1; n <= 16; n++) {
          const b = wide.slice([0, 0], [k, n]), narrow = product(a, b);
          const want = Float32Array.from({ length: m * n }, (_, e) => bits[Math.floor(e / n) * 40 + (e % n)]);
          expectExact(narrow.dataSync(), want, `${m}×${k}·${k}×${n}, transposeA ${transA}`);
          for (const shift of [1, 3, 6]) {
            const rest = a.slice([shift, 0], [m - shift, k]), part = product(rest, b);
            expectExact(part.dataSync(), want.subarray(shift * n), `rows ${shift}.. of ${m}×${k}·${k}×${n}, transposeA ${transA}`);
            for (const t of [rest, part]) t.dispose();
          }
          for (const t of [b, narrow]) t.dispose();
        }
        all.dispose();
      }
      for (const t of [a, wide]) t.dispose();
    }
  });

  test('random m, k, n over tile-edge sizes, every transpose, within the float32 dot-product bound (property)', () => {
    const arbCase = fc.record({
      m: fc.constantFrom(...SIZES), k: fc.constantFrom(...K_SIZES), n: fc.constantFrom(...SIZES),
      transA: fc.boolean(), transB: fc.boolean(), seed: fc.nat(), range: fc.constantFrom(1, 1e3, 1e-3),
    });
    fc.assert(fc.property(arbCase, ({ m, k, n, transA, transB, seed, range }) => {
      const a = seededValues(m * k, seed, range), b = seededValues(k * n, seed + 1, 1);
      const ref = refMatmul(a, b, m, k, n, transA, transB);
      const out = run(a, stored(m, k, transA), b, stored(k, n, transB), { transposeA: transA, transposeB: transB }, [m, n]);
      expectBounded(out, ref.data, bounds(ref.absSum, k), `m ${m} k ${k} n ${n} transA ${transA} transB ${transB}`);
    }), { numRuns: runs(env, 250, 100) });
  });

  test('products above PARALLEL_FLOPS, split over the active threads, every transpose, within the bound', () => {
    // 301 rows: a multiple of neither tile nor of the row chunks; n across a 4-lane and an 8-column edge.
    const [m, k, n] = [301, 257, 131];
    expect(splitsOverThreads(m, k, n)).toBe(true);
    expect(threads().active).toBe(env.threads);
    for (const [transA, transB] of TRANSPOSES) {
      const a = seededValues(m * k, 11, 1), b = seededValues(k * n, 12, 1);
      const ref = refMatmul(a, b, m, k, n, transA, transB);
      const out = run(a, stored(m, k, transA), b, stored(k, n, transB), { transposeA: transA, transposeB: transB }, [m, n]);
      expectBounded(out, ref.data, bounds(ref.absSum, k), `m ${m} k ${k} n ${n} transA ${transA} transB ${transB}`);
    }
  });

  test('every transpose at m, k, n = 129 and at each size against 129', () => {
    for (const [transA, transB] of TRANSPOSES) {
      for (const [m, k, n] of [[129, 129, 129], [129, 17, 1], [1, 129, 129], [9, 129, 7], [129, 4, 129]]) {
        const a = seededValues(m * k, m + k, 1), b = seededValues(k * n, k + n, 1);
        const ref = refMatmul(a, b, m, k, n, transA, transB);
        const out = run(a, stored(m, k, transA), b, stored(k, n, transB), { transposeA: transA, transposeB: transB }, [m, n]);
        expectBounded(out, ref.data, bounds(ref.absSum, k), `m ${m} k ${k} n ${n} transA ${transA} transB ${transB}`);
      }
    }
  });

  test('small integers give exact results at every tile edge and transpose', () => {
    // |values| <= 8 and k <= 17: every partial sum is an integer below 2^24, so float32 is exact.
    const edges = SIZES.filter((s) => s < 129);
    const ints = (n: number, seed: number): Float64Array => seededValues(n, seed, 1).map((v) => Math.round(v * 8));
    for (const [transA, transB] of TRANSPOSES) {
      for (const m of edges) {
        for (const k of edges) {
          for (const n of edges) {
            const a = ints(m * k, m * 31 + k), b = ints(k * n, k * 17 + n);
            const ref = refMatmul(a, b, m, k, n, transA, transB);
            const out = run(a, stored(m, k, transA), b, stored(k, n, transB), { transposeA: transA, transposeB: transB }, [m, n]);
            expectExact(out, ref.data.map((v) => v + 0), `m ${m} k ${k} n ${n} transA ${transA} transB ${transB}`);
          }
        }
      }
    }
  });

  test('k = 0 gives zeros; fixed examples', () => {
    expectExact(run(new Float64Array(0), [3, 0], new Float64Array(0), [0, 5], {}, [3, 5]), new Float64Array(15));
    const a = tensor([[1, 2], [3, 4]]), b = tensor([[5], [6]]);
    expectExact(take(matmul(a, b), [2, 1]), [17, 39]);
    expectExact(take(a.matmul(a, { transposeB: true }), [2, 2]), [5, 11, 11, 25]);
    expectExact(take(a.matmul(a, { transposeA: true }), [2, 2]), [10, 14, 14, 20]);
    a.dispose();
    b.dispose();
  });

  test('NaN and infinities propagate as in float64', () => {
    const a = Float64Array.of(NaN, 1, 0, Infinity, 1, 1, -Infinity, 2, 0, 1, 0, 0);
    const b = Float64Array.of(1, 0, 2, 0, 1, -1, 3, 4, 5);
    const ref = refMatmul(a, b, 4, 3, 3);
    expect(ref.data.some(Number.isNaN) && ref.data.some((v) => v === Infinity) && ref.data.some((v) => v === -Infinity)).toBe(true);
    expectBounded(run(a, [4, 3], b, [3, 3], {}, [4, 3]), ref.data, bounds(ref.absSum, 3));
    const refT = refMatmul(b, a, 3, 3, 4, true, true);
    expectBounded(run(b, [3, 3], a, [4, 3], { transposeA: true, transposeB: true }, [3, 4]), refT.data, bounds(refT.absSum, 3));
  });
});

/** Batch shapes that broadcast: axes from {0, 1, 2, 3}, one side set to 1 or dropping leading axes. */
const arbBatchPair: fc.Arbitrary<[number[], number[]]> = fc.array(fc.constantFrom(0, 1, 2, 3), { maxLength: 3 }).chain((batch) =>
  fc.tuple(fc.array(fc.constantFrom(0, 1, 2), { minLength: batch.length, maxLength: batch.length }), fc.nat({ max: batch.length }), fc.boolean())
    .map(([ones, drop, fromA]): [number[], number[]] => {
      const a = batch.map((d, i) => (ones[i] === 1 ? 1 : d)).slice(fromA ? drop : 0);
      const b = batch.map((d, i) => (ones[i] === 2 ? 1 : d)).slice(fromA ? 0 : drop);
      return [a, b];
    }));

/** Float64 batched matmul with NumPy broadcasting of the batch axes; rank-1 operands are promoted and squeezed. */
function refBatched(a: Float64Array, aShape: number[], b: Float64Array, bShape: number[], transA: boolean, transB: boolean) {
  const aVec = aShape.length === 1, bVec = bShape.length === 1;
  transA &&= !aVec;
  transB &&= !bVec;
  const sa = aVec ? [1, aShape[0]] : aShape, sb = bVec ? [bShape[0], 1] : bShape;
  const [ra, ca] = sa.slice(-2), [rb, cb] = sb.slice(-2);
  const m = transA ? ca : ra, k = transA ? ra : ca, n = transB ? rb : cb;
  const ba = sa.slice(0, -2), bb = sb.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = ba[ba.length - rank + i] ?? 1, db = bb[bb.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
  const data = new Float64Array(size(batch) * m * n), absSum = new Float64Array(data.length);
  const flatIn = (shape: number[], idx: number[]): number => {
    const s = strides(shape), off = rank - shape.length;
    return shape.reduce((at, d, i) => at + (d === 1 ? 0 : idx[i + off]) * s[i], 0);
  };
  for (let t = 0; t < size(batch); t++) {
    const idx = unravel(t, batch);
    const ia = flatIn(ba, idx), ib = flatIn(bb, idx);
    const r = refMatmul(a.subarray(ia * m * k, (ia + 1) * m * k), b.subarray(ib * k * n, (ib + 1) * k * n), m, k, n, transA, transB);
    data.set(r.data, t * m * n);
    absSum.set(r.absSum, t * m * n);
  }
  const shape = [...batch, ...(aVec ? [] : [m]), ...(bVec ? [] : [n])];
  return { data, absSum, shape, k };
}

describeEachBuild('matmul N-d and 1-D (NumPy semantics)', (env) => {
  test('batched operands with broadcast batch axes, every transpose (property)', () => {
    const dim = fc.constantFrom(0, 1, 3, 4, 5, 8, 9, 17);
    fc.assert(fc.property(arbBatchPair, dim, dim, dim, fc.boolean(), fc.boolean(), fc.nat(), ([ba, bb], m, k, n, transA, transB, seed) => {
      const aShape = [...ba, ...stored(m, k, transA)], bShape = [...bb, ...stored(k, n, transB)];
      const a = seededValues(size(aShape), seed, 1), b = seededValues(size(bShape), seed + 7, 1);
      const ref = refBatched(a, aShape, b, bShape, transA, transB);
      const out = run(a, aShape, b, bShape, { transposeA: transA, transposeB: transB }, ref.shape);
      expectBounded(out, ref.data, bounds(ref.absSum, k), `a [${aShape}] b [${bShape}] transA ${transA} transB ${transB}`);
    }), { numRuns: runs(env, 200, 80) });
  });

  test('1-D operands are promoted to a row (a) or a column (b) that the result drops (property)', () => {
    const dim = fc.constantFrom(0, 1, 3, 4, 5, 8, 9, 17, 129);
    const batch = fc.array(fc.constantFrom(1, 2, 3), { maxLength: 2 });
    fc.assert(fc.property(batch, dim, dim, fc.constantFrom('a', 'b', 'both'), fc.boolean(), fc.nat(), (lead, k, other, which, trans, seed) => {
      const aShape = which === 'b' ? [...lead, ...stored(other, k, trans)] : [k];
      const bShape = which === 'a' ? [...lead, ...stored(k, other, trans)] : [k];
      const options: MatmulOptions = which === 'b' ? { transposeA: trans } : { transposeB: trans };
      const a = seededValues(size(aShape), seed, 1), b = seededValues(size(bShape), seed + 3, 1);
      const ref = refBatched(a, aShape, b, bShape, options.transposeA ?? false, options.transposeB ?? false);
      const expectedShape = which === 'both' ? [] : [...lead, other];
      expect(ref.shape).toEqual(expectedShape);
      expectBounded(run(a, aShape, b, bShape, options, expectedShape), ref.data, bounds(ref.absSum, k), `a [${aShape}] b [${bShape}]`);
    }), { numRuns: runs(env, 150, 60) });
  });

  test('fixed N-d cases', () => {
    const a = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
    const b = tensor([[1, 0], [0, 2]]); // [2, 2]
    const v = tensor([1, -1]);
    expectExact(take(matmul(a, b), [2, 1, 2]), [1, 4, 3, 8]);
    expectExact(take(matmul(a, v), [2, 1]), [-1, -1]);
    expectExact(take(matmul(v, b), [2]), [1, -2]);
    expectExact(take(matmul(v, v), []), [2]);
    const columns = a.reshape([2, 2, 1]);
    expectExact(take(matmul(v, columns), [2, 1]), [-1, -1]);
    expectExact(take(matmul(columns, v, { transposeA: true }), [2, 1]), [-1, -1]);
    for (const t of [a, b, v, columns]) t.dispose();
  });
});

describeEachBuild('dot and outer', (env) => {
  test('dot of vectors and matrices matches the reference', () => {
    for (const [aShape, bShape, outShape] of [[[17], [17], []], [[0], [0], []], [[5, 9], [9], [5]], [[9], [9, 3], [3]], [[4, 8], [8, 7], [4, 7]]]) {
      const a = seededValues(size(aShape), 1, 1), b = seededValues(size(bShape), 2, 1);
      const ref = refBatched(a, aShape, b, bShape, false, false);
      const ta = tensor(Float32Array.from(a), aShape), tb = tensor(Float32Array.from(b), bShape);
      expectBounded(take(dot(ta, tb), outShape), ref.data, bounds(ref.absSum, aShape[aShape.length - 1]), `dot [${aShape}]·[${bShape}]`);
      expectBounded(take(ta.dot(tb), outShape), ref.data, bounds(ref.absSum, aShape[aShape.length - 1]));
      ta.dispose();
      tb.dispose();
    }
  });

  test('outer(a, b)[i, j] = a[i]·b[j] exactly (one rounding, as the float32 product)', () => {
    for (const [m, n] of [[0, 3], [3, 0], [1, 1], [5, 9], [17, 129]]) {
      const a = seededValues(m, m, 10), b = seededValues(n, n + 1, 10);
      const ta = tensor(Float32Array.from(a)), tb = tensor(Float32Array.from(b));
      const before = memory();
      const ref = Float64Array.from({ length: m * n }, (_, i) => Math.fround(a[Math.floor(i / n)] * b[i % n]));
      expectExact(take(outer(ta, tb), [m, n]), ref, `outer ${m}×${n}`);
      expect(memory()).toEqual(before); // its reshaped views are freed
      ta.dispose();
      tb.dispose();
    }
  });

  test('outer flattens operands of any rank first, as numpy.outer (property)', () => {
    fc.assert(fc.property(arbDims(4), arbDims(4), fc.nat(), (aShape, bShape, seed) => {
      const a = seededValues(size(aShape), seed, 10), b = seededValues(size(bShape), seed + 1, 10);
      const ta = tensor(Float32Array.from(a), aShape), tb = tensor(Float32Array.from(b), bShape);
      const n = b.length;
      const ref = Float64Array.from({ length: a.length * n }, (_, i) => Math.fround(a[Math.floor(i / n)] * b[i % n]));
      expectExact(take(outer(ta, tb), [a.length, n]), ref, `outer [${aShape}]·[${bShape}]`);
      ta.dispose();
      tb.dispose();
    }), { numRuns: runs(env, 100, 40) });
  });

  test('dot of N-d and M-d arrays follows numpy.dot: shapes and values against a float64 loop (property)', () => {
    // a: lead + [k]; b: [k] or batch + [k, n]; empty and odd sizes included.
    const arb = fc.record({ lead: arbDims(3), batch: arbDims(2), k: fc.constantFrom(...DIMS), n: fc.constantFrom(...DIMS),
      bVector: fc.boolean(), seed: fc.nat() }).filter(({ lead, batch, k, n }) => size(lead) * size(batch) * (k + 1) * n <= 200_000);
    fc.assert(fc.property(arb, ({ lead, batch, k, n, bVector, seed }) => {
      const aShape = [...lead, k], bShape = bVector ? [k] : [...batch, k, n];
      const a = seededValues(size(aShape), seed, 1), b = seededValues(size(bShape), seed + 1, 1);
      const ref = refDot(a, aShape, b, bShape);
      const ta = tensor(Float32Array.from(a), aShape), tb = tensor(Float32Array.from(b), bShape);
      const before = memory();
      const context = `dot [${aShape}]·[${bShape}]`;
      expectBounded(take(dot(ta, tb), ref.shape), ref.data, bounds(ref.absSum, k), context);
      expect(memory(), context).toEqual(before);
      ta.dispose();
      tb.dispose();
    }), { numRuns: runs(env, 150, 60) });
  });

  test('dot of 3-D by 3-D, 3-D by 1-D, 1-D by 3-D and by scalars: hand-checked shapes and integer values', () => {
    const a = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]); // [2, 2, 2]
    const b = tensor([[[1, 0, 2], [0, 1, 3]]]); // [1, 2, 3]
    expect(take(dot(a, b), [2, 2, 1, 3])).toEqual(Float32Array.from([1, 2, 8, 3, 4, 18, 5, 6, 28, 7, 8, 38]));
    const c = tensor([1, -1]);
    expect(take(dot(a, c), [2, 2])).toEqual(Float32Array.from([-1, -1, -1, -1]));
    expect(take(dot(c, b), [1, 3])).toEqual(Float32Array.from([1, -1, -1]));
    const s = tensor(3);
    expect(take(dot(a, s), [2, 2, 2])).toEqual(Float32Array.from([3, 6, 9, 12, 15, 18, 21, 24]));
    expect(take(dot(s, c), [2])).toEqual(Float32Array.from([3, -3]));
    for (const t of [a, b, c, s]) t.dispose();
  });
});

/** Dimensions of the property tests: empty, one, odd, the SIMD width and tile edges. */
const DIMS = [0, 1, 2, 3, 4, 5, 8, 9, 17];
const arbDims = (maxRank: number): fc.Arbitrary<number[]> => fc.array(fc.constantFrom(...DIMS), { maxLength: maxRank })
  .filter((dims) => size(dims) <= 4096);

/** numpy.dot in float64: a is lead + [k]; b is [k] or batch + [k, n]; also Σ|products| per output. */
function refDot(a: Float64Array, aShape: number[], b: Float64Array, bShape: number[]): { data: Float64Array; absSum: Float64Array; shape: number[] } {
  const k = aShape[aShape.length - 1], rows = size(aShape.slice(0, -1));
  const vector = bShape.length === 1;
  const n = vector ? 1 : bShape[bShape.length - 1], count = vector ? 1 : size(bShape.slice(0, -2));
  const shape = vector ? aShape.slice(0, -1) : [...aShape.slice(0, -1), ...bShape.slice(0, -2), n];
  const data = new Float64Array(rows * count * n), absSum = new Float64Array(rows * count * n);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < count; q++) {
      for (let j = 0; j < n; j++) {
        let sum = 0, abs = 0;
        for (let p = 0; p < k; p++) {
          const product = a[r * k + p] * b[q * k * n + p * n + j];
          sum += product;
          abs += Math.abs(product);
        }
        data[(r * count + q) * n + j] = sum;
        absSum[(r * count + q) * n + j] = abs;
      }
    }
  }
  return { data, absSum, shape };
}

describe('bad input', () => {
  test('mismatched inner sizes throw a ShapeError naming both shapes', () => {
    const a = zeros([2, 3]), b = zeros([4, 5]), v = zeros([4]), c = zeros([2, 2, 3]), d = zeros([3, 3, 5]);
    expectThrowsClean(() => matmul(a, b), ShapeError, ['matmul:', 'a is [2,3]', 'b is [4,5]', '3 and 4'], memory);
    expectThrowsClean(() => matmul(a, b, { transposeA: true }), ShapeError, ['matmul:', '[2,3]', '[4,5]', 'aᵀ', '2 and 4'], memory);
    expectThrowsClean(() => matmul(a, b, { transposeB: true }), ShapeError, ['matmul:', '[2,3]', '[4,5]', 'bᵀ', '3 and 5'], memory);
    expectThrowsClean(() => matmul(a, v), ShapeError, ['matmul:', 'a is [2,3]', 'b is [4]', '3 and 4'], memory);
    expectThrowsClean(() => matmul(v, a), ShapeError, ['matmul:', 'a is [4]', 'b is [2,3]', '4 and 2'], memory);
    expectThrowsClean(() => matmul(c, d), ShapeError, ['matmul:', '[2]', '[3]', 'broadcast'], memory);
    expectThrowsClean(() => dot(a, b), ShapeError, ['dot:', 'a is [2,3]', 'b is [4,5]'], memory);
    expectThrowsClean(() => dot(c, v), ShapeError, ['dot: a is [2,2,3] and b is [4]; the last axis of a (3) and the only axis of b (4) differ'], memory);
    expectThrowsClean(() => dot(d, c), ShapeError, ['dot: a is [3,3,5] and b is [2,2,3]; the last axis of a (5) and the second-to-last axis of b (2) differ'], memory);
    for (const t of [a, b, v, c, d]) t.dispose();
  });

  test('options that are not an object of booleans throw a TypeError naming them', () => {
    const a = zeros([2, 2]);
    expectThrowsClean(() => matmul(a, a, bad(null)), TypeError, ['matmul: options must be an object, got null'], memory);
    expectThrowsClean(() => matmul(a, a, bad(1)), TypeError, ['matmul: options must be an object, got 1'], memory);
    expectThrowsClean(() => matmul(a, a, bad({ transposeB: 'yes' })), TypeError, ['matmul: options.transposeB must be true or false, got "yes"'], memory);
    expectThrowsClean(() => matmul(a, a, bad([true])), TypeError, ['matmul: options must be an object, got [true]'], memory);
    a.dispose();
  });

  test('unknown option keys (typos) throw a RangeError with the nearest valid key', () => {
    const a = zeros([2, 2]);
    expectThrowsClean(() => matmul(a, a, bad({ transposeb: true })), RangeError,
      ['matmul: unknown option "transposeb" in options; did you mean "transposeB"? (expected transposeA, transposeB)'], memory);
    expectThrowsClean(() => matmul(a, a, bad({ transpose_a: true })), RangeError, ['matmul: unknown option "transpose_a"', 'did you mean "transposeA"?'], memory);
    expectThrowsClean(() => a.matmul(a, bad({ trasnposeA: true })), RangeError, ['matmul: unknown option "trasnposeA"', 'did you mean "transposeA"?'], memory);
    expectThrowsClean(() => matmul(a, a, bad({ adjoint: true })), RangeError, ['matmul: unknown option "adjoint"', '(expected transposeA, transposeB)'], memory);
    a.dispose();
  });

  test('matmul, dot and outer reject foreign objects (plain, TF.js-like, another copy\'s Tensor, nested 100,000 deep) naming op and argument', () => {
    const m = zeros([2, 2]);
    for (const [name, fn] of [['matmul', matmul], ['dot', dot], ['outer', outer]] as const) {
      expectForeignRejected((x) => fn(x, m), name, 'a');
      expectForeignRejected((x) => fn(m, x), name, 'b');
    }
    expectForeignRejected((x) => m.matmul(x), 'matmul', 'b');
    expectForeignRejected((x) => m.dot(x), 'dot', 'b');
    m.dispose();
  });

  test('scalars, ranks and non-tensors', () => {
    const s = tensor(2), m = zeros([2, 2]), c = zeros([2, 2, 2]), v = zeros([3]);
    expectThrowsClean(() => matmul(s, m), ShapeError, ['matmul:', 'a is []', 'scalars'], memory);
    expectThrowsClean(() => matmul(m, s), ShapeError, ['matmul:', 'b is []'], memory);
    expectThrowsClean(() => dot(c, v), ShapeError, ['dot:', 'a is [2,2,2]', 'b is [3]', 'differ'], memory);
    expectThrowsClean(() => matmul(bad([[1]]), m), TypeError, ['matmul:', 'a must be a Tensor'], memory);
    expectThrowsClean(() => outer(v, bad(3)), TypeError, ['outer:', 'b must be a Tensor'], memory);
    const gone = zeros([2, 2]);
    gone.dispose();
    expectThrowsClean(() => matmul(m, gone), DisposedError, ['matmul:', 'b was disposed'], memory);
    expectThrowsClean(() => dot(gone, m), DisposedError, ['dot:', 'a was disposed'], memory);
    expectThrowsClean(() => outer(gone, v), DisposedError, ['outer:', 'a was disposed'], memory);
    for (const t of [s, m, c, v]) t.dispose();
  });
});
