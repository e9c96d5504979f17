// Independent float64 references and test helpers: plain JS loops over flat row-major arrays, tolerances
// max(abs, rel·|ref|), and fast-check arbitraries over shapes that include 0, 1, 3, 7, 17 and 129.
import fc from 'fast-check';
import { expect } from 'vitest';

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
export function arbBroadcastPair(maxRank = 4): fc.Arbitrary<[number[], number[]]> {
  return arbShape(maxRank).chain((shape) =>
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
