// Independent float64 references and test helpers: plain JS loops over flat row-major arrays, tolerances
// max(abs, rel·|ref|), and fast-check arbitraries over shapes that include 0, 1, 3, 7, 17 and 129.
import fc from 'fast-check';
import { afterEach, beforeEach, expect } from 'vitest';
import { memory } from '../src/index';

export interface Ref {
  data: Float64Array;
  shape: number[];
}

export const size = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);

export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = step;
    step *= shape[d];
  }
  return out;
}

/** Multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const s = strides(shape);
  return shape.map((_, d) => Math.floor(i / s[d]) % shape[d]);
}

/** Values rounded to float32 once, as a tensor stores them. */
export const f32 = (values: ArrayLike<number>): Float64Array => Float64Array.from(values, Math.fround);

/** NumPy broadcasting of two shapes, or null. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** out[idx] = fn(a[idx'], b[idx'']) with broadcasting, in float64. */
export function refBinary(a: Ref, b: Ref, fn: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) throw new Error('shapes do not broadcast');
  const n = size(shape);
  const data = new Float64Array(n);
  const pick = (r: Ref, idx: number[]): number => {
    const s = strides(r.shape);
    const off = shape.length - r.shape.length;
    let p = 0;
    for (let d = 0; d < r.shape.length; d++) p += (r.shape[d] === 1 ? 0 : idx[d + off]) * s[d];
    return r.data[p];
  };
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data[i] = fn(pick(a, idx), pick(b, idx));
  }
  return { data, shape };
}

export interface Tolerance {
  abs: number;
  rel: number;
}

/** Asserts every element is within max(abs, rel·|expected|); NaN matches NaN, infinities match exactly. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, context = ''): void {
  expect(actual.length, `${context} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
        throw new Error(`${context} element ${i} of ${expected.length}: got ${a}, expected ${e}`);
      }
      continue;
    }
    const bound = Math.max(tol.abs, tol.rel * Math.abs(e));
    if (!(Math.abs(a - e) <= bound)) {
      throw new Error(`${context} element ${i} of ${expected.length}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${bound})`);
    }
  }
}

/** Dimensions the property tests draw from: empty, unit, odd, around the SIMD width and tile, and large. */
export const DIMS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 129];

/** A shape of rank 0..maxRank whose size stays below maxSize. */
export function arbShape(maxRank = 4, maxSize = 20000): fc.Arbitrary<number[]> {
  return fc.array(fc.constantFrom(...DIMS), { minLength: 0, maxLength: maxRank }).filter((s) => size(s) <= maxSize);
}

/** A pair of shapes that broadcast: the second drops leading axes and sets some axes to 1 (or swaps roles). */
export function arbBroadcastPair(maxRank = 4, shapes = arbShape(maxRank)): fc.Arbitrary<[number[], number[]]> {
  return shapes.chain((shape) =>
    fc.tuple(fc.nat({ max: shape.length }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }), fc.boolean())
      .map(([drop, ones, swap]): [number[], number[]] => {
        const other = shape.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
        return swap ? [other, shape] : [shape, other];
      }));
}

/** Float32 values in [-range, range] (no NaN). */
export function arbValues(n: number, range = 10): fc.Arbitrary<Float64Array> {
  return fc.array(fc.float({ min: Math.fround(-range), max: Math.fround(range), noNaN: true }), { minLength: n, maxLength: n })
    .map((v) => Float64Array.from(v));
}

/** A reference tensor of the given shape with random values. */
export function arbRef(shape: number[], range = 10): fc.Arbitrary<Ref> {
  return arbValues(size(shape), range).map((data) => ({ data, shape }));
}

/** Nested arrays of a flat array, as toArray() returns them. */
export function nest(data: ArrayLike<number>, shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  const s = strides(shape);
  const build = (d: number, off: number): unknown =>
    d === shape.length ? data[off] : Array.from({ length: shape[d] }, (_, i) => build(d + 1, off + i * s[d]));
  return build(0, 0);
}

// ---- Helpers for the op suites (tests/ops/elementwise, activation, reduce). ----

/** Round-to-nearest float32 gives ±Infinity from this magnitude on (2^128 · (1 - 2^-25)). */
export const F32_OVERFLOW = 2 ** 128 * (1 - 2 ** -25);

/** ±Infinity where a float64 reference lies beyond float32 range (where any float32 kernel overflows), else unchanged. */
export function overflow32(values: Float64Array): Float64Array {
  return values.map((v) => (Math.abs(v) >= F32_OVERFLOW ? Math.sign(v) * Infinity : v));
}

/** out[i] = fn(x[i]) in float64. */
export function refUnary(x: Ref, fn: (v: number) => number): Ref {
  return { data: x.data.map(fn), shape: x.shape.slice() };
}

/**
 * Float64 reduction over `axes` (distinct, in [0, rank)): `fn` gets each output's values in row-major order over
 * the reduced axes (so an index into them is the flat index over those axes); keepDims keeps them as size 1.
 */
export function refReduce(x: Ref, axes: readonly number[], keepDims: boolean, fn: (values: Float64Array) => number): Ref {
  const reduced = x.shape.map((_, d) => axes.includes(d));
  const keptShape = x.shape.filter((_, d) => !reduced[d]);
  const redShape = x.shape.filter((_, d) => reduced[d]);
  const buckets = Array.from({ length: size(keptShape) }, () => new Float64Array(size(redShape)));
  const ks = strides(keptShape), rs = strides(redShape);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape);
    let o = 0, p = 0, k = 0, q = 0;
    for (let d = 0; d < idx.length; d++) {
      if (reduced[d]) p += idx[d] * rs[q++];
      else o += idx[d] * ks[k++];
    }
    buckets[o][p] = x.data[i];
  }
  const shape = keepDims ? x.shape.map((n, d) => (reduced[d] ? 1 : n)) : keptShape;
  return { data: Float64Array.from(buckets, (values) => fn(values)), shape };
}

/** Float64 softmax along `axis` (in [0, rank)): exp(x - max) / Σ exp(x - max); NaN in a slice makes it NaN. */
export function refSoftmax(x: Ref, axis: number): Ref {
  const outer = size(x.shape.slice(0, axis)), r = x.shape[axis], inner = size(x.shape.slice(axis + 1));
  const data = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number): number => (o * r + j) * inner + i;
      let m = -Infinity;
      for (let j = 0; j < r; j++) m = Math.max(m, x.data[at(j)]);
      let s = 0;
      for (let j = 0; j < r; j++) s += data[at(j)] = Math.exp(x.data[at(j)] - m);
      for (let j = 0; j < r; j++) data[at(j)] /= s;
    }
  }
  return { data, shape: x.shape.slice() };
}

/**
 * Float64 log-softmax along `axis` (in [0, rank)): the log of refSoftmax (exact enough in float64 while no slice
 * spans more than about 700, where exp(x − max) underflows).
 */
export function refLogSoftmax(x: Ref, axis: number): Ref {
  const y = refSoftmax(x, axis);
  return { data: y.data.map(Math.log), shape: y.shape };
}

/** Asserts identical values, telling -0 from +0 (NaN matches NaN): for ops that must be exact. */
export function expectExact(actual: ArrayLike<number>, expected: ArrayLike<number>, context = ''): void {
  expect(actual.length, `${context} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) {
      throw new Error(`${context} element ${i} of ${expected.length}: got ${Object.is(a, -0) ? '-0' : a}, expected ${Object.is(e, -0) ? '-0' : e}`);
    }
  }
}

/** Asserts |actual - expected| <= bounds[i] per element (an error bound that depends on the data); NaN and ±Infinity exact. */
export function expectBounded(actual: ArrayLike<number>, expected: ArrayLike<number>, bounds: ArrayLike<number>, context = ''): void {
  expect(actual.length, `${context} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const ok = Number.isFinite(e) ? Math.abs(a - e) <= bounds[i] : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e));
    if (!ok) throw new Error(`${context} element ${i} of ${expected.length}: got ${a}, expected ${e} (bound ${bounds[i]})`);
  }
}

/** Live-tensor counts, as the library's `memory()` reports them. */
export interface LiveCounts {
  numTensors: number;
  numBytes: number;
}

/**
 * Asserts that `fn` throws an instance of `type` whose message contains every fragment, and that the live tensor
 * and byte counts (read with `counts`, e.g. the library's `memory`) are the same afterwards: nothing leaked.
 */
export function expectThrowsClean(fn: () => unknown, type: abstract new (...args: never[]) => Error,
  fragments: readonly string[], counts: () => LiveCounts): void {
  const before = counts();
  let caught: unknown = undefined;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${type.name}`).toBeInstanceOf(type);
  const message = caught instanceof Error ? caught.message : '';
  for (const fragment of fragments) expect(message).toContain(fragment);
  const after = counts();
  expect([after.numTensors, after.numBytes], 'live tensors and bytes after the error').toEqual([before.numTensors, before.numBytes]);
}

/**
 * A pair of shapes that broadcast with size-1 axes on either side: each axis of a base shape is kept on both,
 * or set to 1 on one of them, and one of them may drop leading axes. Both stay below maxSize elements.
 */
export function arbMutualBroadcastPair(maxRank = 4, maxSize = 20000): fc.Arbitrary<[number[], number[]]> {
  return arbShape(maxRank, maxSize).chain((shape) =>
    fc.tuple(fc.array(fc.constantFrom(0, 1, 2), { minLength: shape.length, maxLength: shape.length }),
      fc.nat({ max: shape.length }), fc.boolean())
      .map(([ones, drop, dropFromA]): [number[], number[]] => {
        const a = shape.map((d, i) => (ones[i] === 1 ? 1 : d)).slice(dropFromA ? drop : 0);
        const b = shape.map((d, i) => (ones[i] === 2 ? 1 : d)).slice(dropFromA ? 0 : drop);
        return [a, b];
      }));
}

/** Values that stress special cases: NaN, ±Infinity, ±0, ±1, repeats for ties, the smallest subnormal and the largest float32. */
export const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, 0.5, 2 ** -149, -(2 ** -149), 3.4028234663852886e38, -3.4028234663852886e38];

/** Float32 values drawn from SPECIALS (n of them). */
export function arbSpecialValues(n: number, pool: readonly number[] = SPECIALS): fc.Arbitrary<Float64Array> {
  return fc.array(fc.constantFrom(...pool), { minLength: n, maxLength: n }).map((v) => Float64Array.from(v));
}

/** An axis argument for a tensor of `rank`: undefined (all), one axis, or a list of distinct axes in any order and sign. */
export function arbAxisArg(rank: number): fc.Arbitrary<number | number[] | undefined> {
  const axes = Array.from({ length: rank }, (_, d) => d);
  const signed = (d: number): fc.Arbitrary<number> => fc.boolean().map((neg) => (neg ? d - rank : d));
  const list = fc.shuffledSubarray(axes).chain((ds) => fc.tuple(...ds.map(signed)).map((xs): number[] => xs));
  return rank === 0
    ? fc.oneof(fc.constant(undefined), fc.constant<number[]>([]))
    : fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: rank - 1 }).chain(signed), list);
}

/** The distinct axes in [0, rank) an axis argument names, sorted (all of them for undefined). */
export function normalizeAxes(axis: number | readonly number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, d) => d);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
}

// ---- Helpers for the tensor, shape, matmul and memory suites. ----

/** n float32-exact values in [-range, range) from a seeded mulberry32 stream: operands too big to draw with fast-check. */
export function seededValues(n: number, seed: number, range = 1): Float64Array {
  let state = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return Math.fround(range * (2 * (((z ^ (z >>> 14)) >>> 0) / 2 ** 32) - 1));
  });
}

/** Axis permutation in float64 terms: output axis d is input axis perm[d] (perm entries in [0, rank)). */
export function refTranspose(x: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => x.shape[p]);
  const s = strides(x.shape);
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    let at = 0;
    for (let d = 0; d < perm.length; d++) at += idx[d] * s[perm[d]];
    data[i] = x.data[at];
  }
  return { data, shape };
}

/**
 * Float64 c[m×n] = op(a)·op(b) with a stored [m×k] (or [k×m] if transA) and b stored [k×n] (or [n×k] if transB),
 * and absSum[i·n+j] = Σ_p |a_ip·b_pj|, the scale of the rounding error of any float32 summation order.
 */
export function refMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, transA = false,
  transB = false): { data: Float64Array; absSum: Float64Array } {
  const data = new Float64Array(m * n), absSum = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const product = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
        sum += product;
        abs += Math.abs(product);
      }
      data[i * n + j] = sum;
      absSum[i * n + j] = abs;
    }
  }
  return { data, absSum };
}

/** The values of tensor t, which must have `shape`; t is then disposed. */
export function take(t: { shape: readonly number[]; dataSync(): Float32Array; dispose(): void }, shape: readonly number[]): Float32Array {
  try {
    expect(t.shape).toEqual(shape);
    return t.dataSync();
  } finally {
    t.dispose();
  }
}

/** Makes every test of the calling file fail if it leaves tensors or wasm bytes behind. */
export function failOnLeaks(): void {
  let before = memory();
  beforeEach(() => {
    before = memory();
  });
  afterEach(() => {
    const after = memory();
    expect([after.numTensors, after.numBytes], 'tensors leaked by the test').toEqual([before.numTensors, before.numBytes]);
  });
}

/**
 * erfc in float64: below 2.5, 1 − erf with erf(z) = 2/√π·e^(−z²)·Σ 2^n·z^(2n+1)/(1·3·…·(2n+1)) (Abramowitz and Stegun
 * 7.1.6: positive terms, so no cancellation and rounding noise near 1e-16, smooth enough for central differences);
 * above, a continued fraction (~1e-13 relative).
 */
export function erfc(z: number): number {
  if (z < 0) return 2 - erfc(-z);
  if (z < 2.5) {
    let sum = 0, term = z;
    for (let n = 0; n < 300 && term > 1e-17 * sum + 1e-300; n++) {
      sum += term;
      term *= (2 * z * z) / (2 * n + 3);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
  }
  let f = 0;
  for (let n = 120; n >= 1; n--) f = n / 2 / (z + f);
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
}

/**
 * Float64 scatter-add: out[ids[r]] += rows[r] for r in order (ids[r] < 0: skipped), from `start` or zeros; out has
 * `segments` rows of `dim`. Gives the exact sums, the same sums rounded to float32 after each addition (as a kernel
 * adding rows in order does), and the error bound of such float32 sums: γ_k · Σ|terms|, k the additions into that
 * row, γ_k = k·u / (1 − k·u), u = 2^-24.
 */
export function refScatterAdd(ids: readonly number[], rows: ArrayLike<number>, segments: number, dim: number,
  start?: ArrayLike<number>): { exact: Float64Array; rounded: Float64Array; bound: Float64Array } {
  const exact = start ? Float64Array.from(start) : new Float64Array(segments * dim);
  const rounded = Float64Array.from(exact), abs = exact.map(Math.abs);
  const adds = new Float64Array(segments);
  ids.forEach((id, r) => {
    if (id < 0) return;
    adds[id]++;
    for (let j = 0; j < dim; j++) {
      const v = rows[r * dim + j], at = id * dim + j;
      exact[at] += v;
      rounded[at] = Math.fround(rounded[at] + v);
      abs[at] += Math.abs(v);
    }
  });
  const u = 2 ** -24;
  const bound = abs.map((s, at) => {
    const k = adds[Math.floor(at / dim)];
    return (k * u) / (1 - k * u) * s;
  });
  return { exact, rounded, bound };
}
