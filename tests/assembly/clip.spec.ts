// Clipping kernels (assembly/clip.ts) and the clipped optimizer steps (assembly/optim.ts): squared norms against an
// f64 loop at every size (and no overflow for the largest float32 values, NaN and Infinity passed through), the
// scale of a norm, and steps whose gradient is read scaled and clamped equal to steps on that gradient written out.
import { normScale, sumOfSquares } from '../../assembly/clip';
import { sgdStep, adamStep, Clipped, Raw } from '../../assembly/optim';
import { SIZES, allocF32, allocUniform, getF32, setF32, reseed } from './reference';

describe('sumOfSquares', () => {
  it('matches an f64 loop to 2^-50 at every size', () => {
    reseed(71);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s], g = allocUniform(n, -3, 3);
      let want: f64 = 0;
      for (let i = 0; i < n; i++) want += <f64>getF32(g, i) * <f64>getF32(g, i);
      const got = sumOfSquares(g, n);
      expect<bool>(Math.abs(got - want) <= want * 1e-15).toBe(true, `n=${n}: got ${got}, want ${want}`);
      heap.free(g);
    }
  });

  it('does not overflow on the largest floats, and is NaN or Infinity when an element is', () => {
    const n = 9, g = allocF32(n, 3e38);
    expect<f64>(sumOfSquares(g, n)).toBe(9 * <f64>(<f32>3e38) * <f64>(<f32>3e38));
    setF32(g, 5, Infinity);
    expect<bool>(sumOfSquares(g, n) == Infinity).toBe(true);
    setF32(g, 8, NaN);
    expect<bool>(isNaN(sumOfSquares(g, n))).toBe(true);
    heap.free(g);
  });
});

describe('normScale', () => {
  it('is bound/norm above the bound, exactly 1 at or below it, NaN for a non-finite norm', () => {
    expect<f32>(normScale(16, 2)).toBe(0.5);
    expect<f32>(normScale(4, 2)).toBe(1);
    expect<f32>(normScale(0, 2)).toBe(1);
    expect<bool>(isNaN(normScale(Infinity, 2))).toBe(true);
    expect<bool>(isNaN(normScale(NaN, 2))).toBe(true);
  });
});

describe('clipped steps', () => {
  it('read min(max(g·scale, −bound), bound): the same bits as a step on that gradient written out', () => {
    reseed(72);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const w = allocUniform(n, -1, 1), g = allocUniform(n, -2, 2), gc = allocF32(n), w2 = allocF32(n);
      const m = allocF32(n, 0), v = allocF32(n, 0), m2 = allocF32(n, 0), v2 = allocF32(n, 0);
      const scale: f32 = 0.37, bound: f32 = 0.5;
      for (let i = 0; i < n; i++) setF32(gc, i, Mathf.min(Mathf.max(getF32(g, i) * scale, -bound), bound));
      for (let i = 0; i < n; i++) setF32(w2, i, getF32(w, i));
      adamStep<Clipped>(w, g, m, v, n, 0.01, 0.9, 0.999, 1e-7, 1, 0.01, scale, bound, w, m, v);
      adamStep<Raw>(w2, gc, m2, v2, n, 0.01, 0.9, 0.999, 1e-7, 1, 0.01, 1, Infinity, w2, m2, v2);
      sgdStep<Clipped>(w, g, 0, n, 0.1, 0, false, 0.01, scale, bound, w, 0);
      sgdStep<Raw>(w2, gc, 0, n, 0.1, 0, false, 0.01, 1, Infinity, w2, 0);
      let same = true;
      for (let i = 0; i < n; i++) if (getF32(w, i) != getF32(w2, i) || getF32(m, i) != getF32(m2, i) || getF32(v, i) != getF32(v2, i)) same = false;
      expect<bool>(same).toBe(true, `n=${n}`);
      heap.free(w); heap.free(g); heap.free(gc); heap.free(w2); heap.free(m); heap.free(v); heap.free(m2); heap.free(v2);
    }
  });
});
