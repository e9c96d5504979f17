// Gradient checks shared by the autograd suites: simdeep's gradient of Σ dy·f(xs) (from `grads`) against float64
// central differences of a plain-JS reference of f, with tolerances fixed here for every op.
import fc from 'fast-check';
import { expect } from 'vitest';
import { memory, tensor, type Tensor } from '../../src/index';
import { grads } from '../../src/autograd/gradients';
import { arbBroadcastPair, f32, seededValues, size, type Ref } from '../reference';

/** One gradient check: inputs (values rounded to float32), the op under test, and its float64 reference. */
export interface GradCase {
  /** Shapes and values of the inputs; values are rounded to float32 before use. */
  inputs: readonly Ref[];
  /** The op under test, on tensors. */
  f: (...xs: Tensor[]) => Tensor;
  /** The same function in float64 on plain arrays. */
  ref: (...xs: Ref[]) => Ref;
  /** Which inputs to differentiate (default: all). */
  wrt?: readonly number[];
  /** Seed of the upstream gradient dy (default 1). */
  seed?: number;
  /** Context for failures. */
  name?: string;
}

/**
 * Asserts that simdeep's gradients of Σ dy·f(xs) equal float64 central differences of the reference, element by
 * element, within 1e-3·(|expected| + mean |expected|) + 1e-5: float32 rounding of the forward and backward with
 * room for sums of a few hundred terms. Also checks f's value against the reference and that nothing leaks.
 */
export function expectGradients(c: GradCase): void {
  const inputs = c.inputs.map((r) => ({ shape: r.shape, data: f32(r.data) }));
  const wrt = c.wrt ?? inputs.map((_, i) => i);
  const out = c.ref(...inputs);
  const dy = f32(seededValues(size(out.shape), c.seed ?? 1, 1));
  const loss = (xs: Ref[]): number => {
    const y = c.ref(...xs);
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += dy[i] * y.data[i];
    return s;
  };
  const expected = wrt.map((w) => {
    const x = inputs[w];
    const g = new Float64Array(x.data.length);
    for (let i = 0; i < g.length; i++) {
      const h = 1e-6 * Math.max(1, Math.abs(x.data[i]));
      const at = (v: number): number => {
        const data = x.data.slice();
        data[i] = v;
        return loss(inputs.map((r, j) => (j === w ? { shape: r.shape, data } : r)));
      };
      g[i] = (at(x.data[i] + h) - at(x.data[i] - h)) / (2 * h);
    }
    return g;
  });
  const before = memory().numTensors;
  const xs = inputs.map((r) => tensor(Array.from(r.data), r.shape));
  const dyT = tensor(Array.from(dy), out.shape);
  const watched = wrt.map((w) => xs[w]);
  const result = grads((...ws: Tensor[]) => c.f(...xs.map((x, i) => (wrt.includes(i) ? ws[wrt.indexOf(i)] : x))))(watched, dyT);
  const actual = result.map((t) => t.dataSync());
  result.forEach((t, i) => expect(t.shape, `${c.name ?? ''} gradient ${wrt[i]} shape`).toEqual(inputs[wrt[i]].shape));
  for (const t of [...result, ...xs, dyT]) t.dispose();
  expect(memory().numTensors - before, `${c.name ?? ''} tensors left`).toBe(0);
  expected.forEach((g, k) => {
    let scale = 0;
    for (const v of g) scale += Math.abs(v);
    scale /= Math.max(1, g.length);
    for (let i = 0; i < g.length; i++) {
      const bound = 1e-3 * (Math.abs(g[i]) + scale) + 1e-5;
      if (!(Math.abs(actual[k][i] - g[i]) <= bound)) {
        expect.fail(`${c.name ?? ''} d/dx${wrt[k]}[${i}] = ${actual[k][i]}, central differences ${g[i]} (bound ${bound.toExponential(2)})`);
      }
    }
  });
}

/** Shapes for gradient checks: rank 0..maxRank of sizes 0, 1, 2, 3 and 5, at most `maxSize` elements. */
export function arbGradShape(maxRank = 3, maxSize = 60): fc.Arbitrary<number[]> {
  return fc.array(fc.constantFrom(0, 1, 2, 3, 5), { minLength: 0, maxLength: maxRank }).filter((s) => size(s) <= maxSize);
}

/** A pair of shapes that broadcast against each other (either may have fewer axes or 1s where the other has more). */
export function arbGradBroadcastPair(maxRank = 3): fc.Arbitrary<[number[], number[]]> {
  return arbBroadcastPair(maxRank, arbGradShape(maxRank));
}

/** Values of `shape` in [lo, hi] from a seed, rounded to float32 (away from kinks when `avoid` says where they are). */
export function refOf(shape: readonly number[], seed: number, lo = -2, hi = 2, avoid?: (v: number) => boolean): Ref {
  const raw = seededValues(size(shape), seed, 1);
  const data = f32(Array.from(raw, (v) => {
    let x = lo + ((v + 1) / 2) * (hi - lo);
    while (avoid?.(x)) x += 0.0371 * (hi - lo);
    return x;
  }));
  return { data, shape: [...shape] };
}
