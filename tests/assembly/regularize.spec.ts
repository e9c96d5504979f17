// Regularization kernels (assembly/regularize.ts) against f64 scalar references at every size: the penalty and the
// gradient it adds, the norm constraints over [outer, length, inner] views, and NonNeg; guard words untouched.
import { penalty, normConstraint, nonNegative } from '../../assembly/regularize';
import { SIZES, allocF32, allocF64, allocUniform, getF32, setF64, expectClose, expectGuard, reseed } from './reference';

// 2^-24: the unit roundoff of f32.
const U: f64 = 5.960464477539063e-8;

describe('penalty', () => {
  it('sums scale·(l1·Σ|x| + l2·Σx²) in f64 and adds scale·(l1·sign(x) + 2·l2·x) to g', () => {
    reseed(11);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s], x = allocUniform(n, -2, 2), g = allocUniform(n, -1, 1), want = allocF64(n);
      if (n > 2) store<f32>(x + 8, 0); // sign(0) = 0
      const l1: f32 = 0.03, l2: f32 = 0.2, scale: f64 = 1.0 / 3;
      const k1 = <f32>(<f64>l1 * scale), k2 = <f32>(2 * <f64>l2 * scale);
      let sum = 0.0;
      for (let i = 0; i < n; i++) {
        const v = <f64>getF32(x, i);
        sum += <f64>l1 * Math.abs(v) + <f64>l2 * v * v;
        setF64(want, i, <f64>getF32(g, i) + <f64>k1 * (v > 0 ? 1 : v < 0 ? -1 : 0) + <f64>k2 * v);
      }
      const got = penalty(x, g, n, l1, l2, scale), alone = penalty(x, 0, n, l1, l2, scale);
      expect<bool>(Math.abs(got - scale * sum) <= 1e-14 * (1 + scale * sum)).toBe(true, `n ${n}: penalty ${got}, want ${scale * sum}`);
      expect<f64>(alone).toBe(got, `n ${n}: the same penalty without a gradient`);
      // g + (k1·sign + k2·x): three f32 roundings of magnitudes at most |g| + k1 + k2·|x|.
      expectClose(g, want, n, 3 * U * 2, 3 * U, `penalty gradient, n ${n}`);
      expectGuard(x, n, `penalty input, n ${n}`);
      heap.free(x); heap.free(g); heap.free(want);
    }
  });
});

describe('normConstraint', () => {
  it('scales each norm over the middle axis of [outer, length, inner] to min(norm, max) or 1, with ε 1e-7', () => {
    reseed(12);
    const shapes: StaticArray<i32> = [1, 5, 3, 2, 3, 1, 3, 1, 9, 1, 17, 4, 2, 7, 5, 1, 1, 1];
    for (let c = 0; c < shapes.length; c += 3) {
      for (let unit = 0; unit < 2; unit++) {
        const outer = shapes[c], length = shapes[c + 1], inner = shapes[c + 2], n = outer * length * inner;
        const w = allocUniform(n, -1.5, 1.5), want = allocF64(n), max: f64 = 1.25;
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let s = 0.0;
            for (let k = 0; k < length; k++) { const v = <f64>getF32(w, (o * length + k) * inner + i); s += v * v; }
            const norm = Math.sqrt(s), f = (unit == 1 ? 1 : Math.min(norm, max)) / (1e-7 + norm);
            for (let k = 0; k < length; k++) { const j = (o * length + k) * inner + i; setF64(want, j, <f64>getF32(w, j) * f); }
          }
        }
        normConstraint(w, outer, length, inner, max, unit == 1);
        // The factor rounded to f32, then the product: two roundings.
        expectClose(w, want, n, 0, 2 * U, `${unit == 1 ? 'unitNorm' : 'maxNorm'} [${outer}, ${length}, ${inner}]`);
        heap.free(w); heap.free(want);
      }
    }
  });
});

describe('nonNegative', () => {
  it('sets negative values and NaN to 0, keeps the rest', () => {
    reseed(13);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s], w = allocUniform(n, -1, 1), want = allocF64(n);
      if (n > 1) store<f32>(w + 4, NaN);
      for (let i = 0; i < n; i++) { const v = getF32(w, i); setF64(want, i, v >= 0 ? <f64>v : 0); }
      nonNegative(w, n);
      expectClose(w, want, n, 0, 0, `nonNegative, n ${n}`);
      heap.free(w); heap.free(want);
    }
    const none = allocF32(0);
    nonNegative(none, 0);
    expectGuard(none, 0, 'nonNegative of nothing');
    heap.free(none);
  });
});
