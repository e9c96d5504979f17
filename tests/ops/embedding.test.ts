// The embedding kernels (assembly/embedding.ts): the gather of table rows by indices held as f32, and its backward,
// the table gradient as a scatter-add of the output gradient's rows. References: plain-JS loops in float64. The
// gather only moves values, so it must match exactly; the scatter-add is checked against the exact adjoint in float64
// (within the error bound of float32 sums taken in row order), bit for bit against those sums rounded in float32, and
// against float64 central differences of a loss through the float64 forward.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { tensor, tidy, type Tensor } from '../../src/index';
import { kernels } from '../../src/runtime/wasm';
import { DIMS, expectBounded, expectExact, refScatterAdd, seededValues } from '../reference';

interface Case {
  n: number;
  inputDim: number;
  dim: number;
  ids: number[];
  maskZero: boolean;
}

const arbCase: fc.Arbitrary<Case> = fc.record({
  n: fc.constantFrom(...DIMS),
  inputDim: fc.constantFrom(1, 2, 3, 5, 17, 130),
  dim: fc.constantFrom(...DIMS),
  maskZero: fc.boolean(),
}).chain(({ n, inputDim, dim, maskZero }) =>
  fc.array(fc.integer({ min: 0, max: inputDim - 1 }), { minLength: n, maxLength: n })
    .map((ids) => ({ n, inputDim, dim, maskZero, ids })));

const f32Array = (n: number): Tensor => tensor(new Float32Array(n));

/** The kernel's forward: out [n, dim]. */
function forward(table: Float64Array, ids: readonly number[], inputDim: number, dim: number, maskZero: boolean): Float32Array {
  return tidy(() => {
    const t = tensor(Float32Array.from(table)), i = tensor(ids), out = f32Array(ids.length * dim);
    kernels().embedding(t.ptr, i.ptr, out.ptr, ids.length, inputDim, dim, maskZero ? 1 : 0);
    return out.dataSync();
  });
}

/** The kernel's backward: dTable [inputDim, dim], starting from `start` when add is set. */
function backward(ids: readonly number[], dOut: Float64Array, inputDim: number, dim: number, maskZero: boolean,
  start?: Float64Array): Float32Array {
  return tidy(() => {
    const i = tensor(ids), d = tensor(Float32Array.from(dOut));
    const g = start ? tensor(Float32Array.from(start)) : tensor(new Float32Array(inputDim * dim).fill(NaN));
    kernels().embeddingBackward(i.ptr, d.ptr, g.ptr, ids.length, inputDim, dim, maskZero ? 1 : 0, start ? 1 : 0);
    return g.dataSync();
  });
}

/** Float64 forward: out[r, j] = table[ids[r], j], or 0 for id 0 under maskZero. */
function refForward(table: Float64Array, ids: readonly number[], dim: number, maskZero: boolean): Float64Array {
  const out = new Float64Array(ids.length * dim);
  ids.forEach((id, r) => {
    if (maskZero && id === 0) return;
    for (let j = 0; j < dim; j++) out[r * dim + j] = table[id * dim + j];
  });
  return out;
}

describe('embedding kernel (forward)', () => {
  test('rows of the table by index, zero rows for id 0 under maskZero, exactly (property)', () => {
    fc.assert(fc.property(arbCase, fc.nat(), ({ n, inputDim, dim, ids, maskZero }, seed) => {
      const table = seededValues(inputDim * dim, seed, 3);
      const got = forward(table, ids, inputDim, dim, maskZero);
      expectExact(got, refForward(table, ids, dim, maskZero), `n ${n} inputDim ${inputDim} dim ${dim} maskZero ${maskZero}`);
    }), { numRuns: 200 });
  });

  test('an index outside the table is clamped (a memory guard only: the TypeScript layer rejects it first)', () => {
    const table = Float64Array.of(1, 2, 3, 4, 5, 6); // [3, 2]
    // -5 and NaN read row 0, 1e9 and 2.9 row 2 (2.9 truncates to 2), 1.5 row 1.
    expect(Array.from(forward(table, [-5, NaN, 1e9, 2.9, 1.5], 3, 2, false))).toEqual([1, 2, 1, 2, 5, 6, 5, 6, 3, 4]);
    // Under maskZero, ids that clamp to 0 give zero rows too.
    expect(Array.from(forward(table, [-5, 1], 3, 2, true))).toEqual([0, 0, 3, 4]);
  });
});

describe('embeddingBackward kernel (scatter-add)', () => {
  test('equals the exact float64 adjoint within the float32 summation bound, and the row-order float32 sums bit for bit (property)', () => {
    fc.assert(fc.property(arbCase, fc.nat(), fc.boolean(), ({ n, inputDim, dim, ids, maskZero }, seed, add) => {
      const dOut = seededValues(n * dim, seed, 2);
      const start = add ? seededValues(inputDim * dim, seed + 1, 2) : undefined;
      const got = backward(ids, dOut, inputDim, dim, maskZero, start);
      // The exact adjoint of refForward: id 0 adds nothing under maskZero.
      const ref = refScatterAdd(ids.map((id) => (maskZero && id === 0 ? -1 : id)), dOut, inputDim, dim, start);
      const context = `n ${n} inputDim ${inputDim} dim ${dim} maskZero ${maskZero} add ${add}`;
      expectBounded(got, ref.exact, ref.bound, context);
      expectExact(got, ref.rounded, context);
    }), { numRuns: 200 });
  });

  test('is the adjoint of the forward: <embedding(T), G> = <T, embeddingBackward(G)> in float64', () => {
    const inputDim = 17, dim = 9, n = 129;
    const ids = Array.from(seededValues(n, 5), (v) => Math.floor(Math.abs(v) * inputDim));
    for (const maskZero of [false, true]) {
      const table = seededValues(inputDim * dim, 6), g = seededValues(n * dim, 7);
      const out = forward(table, ids, inputDim, dim, maskZero);
      const dTable = backward(ids, g, inputDim, dim, maskZero);
      let lhs = 0, rhs = 0, scale = 0;
      out.forEach((v, i) => { lhs += v * g[i]; scale += Math.abs(v * g[i]); });
      dTable.forEach((v, i) => { rhs += table[i] * v; });
      // dTable's entries carry at most n additions' float32 rounding: γ_n relative to the sum of |terms|.
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual((n * 2 ** -24) / (1 - n * 2 ** -24) * scale);
    }
  });

  test('matches float64 central differences of L(T) = Σ w·embedding(T) through the float64 forward', () => {
    const inputDim = 7, dim = 5, ids = [3, 0, 6, 3, 3, 1, 0, 6, 2];
    const w = seededValues(ids.length * dim, 11);
    const table = seededValues(inputDim * dim, 12);
    const loss = (t: Float64Array, maskZero: boolean): number =>
      refForward(t, ids, dim, maskZero).reduce((s, v, i) => s + v * w[i], 0);
    const h = 1e-3;
    for (const maskZero of [false, true]) {
      const got = backward(ids, w, inputDim, dim, maskZero);
      const numeric = Float64Array.from(table, (_, i) => {
        const up = Float64Array.from(table), down = Float64Array.from(table);
        up[i] += h;
        down[i] -= h;
        return (loss(up, maskZero) - loss(down, maskZero)) / (2 * h);
      });
      // L is linear in T, so the differences are exact but for float64 rounding; got carries float32 sums of at
      // most 3 terms of |w| ≤ 1: 3·2^-24·3 bounds it, and float64 rounding of the differences adds far less.
      expectBounded(got, numeric, new Float64Array(numeric.length).fill(3 * 2 ** -24 * 3 + 1e-9), `maskZero ${maskZero}`);
      if (maskZero) expect(Array.from(got.slice(0, dim))).toEqual(new Array(dim).fill(0));
    }
  });

  test('under maskZero, id 0 takes no gradient: row 0 keeps its value when adding', () => {
    const start = Float64Array.of(7, 8, 1, 1); // [2, 2]
    expect(Array.from(backward([0, 1, 0], Float64Array.of(1, 2, 3, 4, 5, 6), 2, 2, true, start))).toEqual([7, 8, 4, 5]);
    expect(Array.from(backward([0, 1, 0], Float64Array.of(1, 2, 3, 4, 5, 6), 2, 2, false, start))).toEqual([13, 16, 4, 5]);
  });
});
