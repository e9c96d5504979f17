// Optimizer steps (assembly/optim.ts) against f64 scalar references: one step at every size, chained steps, Keras'
// SGD on a literal problem, Adam's first step, and state that must stay untouched.
import { sgdStep, adamStep, rmspropStep, adagradStep, Raw } from '../../assembly/optim';
import {
  SIZES, GUARD, SENTINEL, allocF32, allocF64, allocUniform, getF32, setF32, getF64, setF64, expectGuard, reseed, uniform,
} from './reference';

const SGD = 0, MOMENTUM = 1, NESTEROV = 2, ADAM = 3, RMSPROP = 4, ADAGRAD = 5;
const NAMES: StaticArray<string> = ['sgd', 'sgd momentum', 'sgd nesterov', 'adam', 'rmsprop', 'adagrad'];
const MU: f32 = 0.9, B1: f32 = 0.9, B2: f32 = 0.999, EPS: f32 = 1e-7, RHO: f32 = 0.9;

// 2^-24: the unit roundoff of f32.
const U: f64 = 5.960464477539063e-8;

// Tolerance: |got − ref| <= k·u·M per element, M the step's formula on absolute values (a forward error bound: each
// f32 rounding adds at most u relative to the magnitude it rounds), k the roundings on the longest path. With
// G = |g| + wd·|w| (g' = g + wd·w costs 2u·G):
//   sgd      w − lr·g'                        M = |w| + lr·G                               k 4 (g' 2, ·lr 3, − 4)
//   momentum v = mu·v − lr·g'                 Mv = mu·|v| + lr·G                           k 4
//            w + v                            M = |w| + Mv                                 k 5
//   nesterov w + mu·v − lr·g'                 M = |w| + mu·Mv + lr·G                       k 7
//   adam     m = b1·m + (1−b1)·g'             Mm = b1·|m| + (1−b1)·G                       k 4
//            v = b2·v + (1−b2)·g'²            Mv = b2·v + (1−b2)·G²  (nonnegative terms)   k 7
//            w − lrT·m/(sqrt(v) + eps)        M = |w| + lrT·Mm/(sqrt(v) + eps)             k 14 (m 4, lrT 1, · 1,
//                                                                           sqrt(v) + eps 5.5 relative, / 1, − 1)
//   rmsprop  s = rho·s + (1−rho)·g'²          Ms = rho·s + (1−rho)·G²                      k 7
//            w − lr·g'/(sqrt(s) + eps)        M = |w| + lr·G/(sqrt(s) + eps)              k 11 (3 + 5.5 + 1 + 1)
//   adagrad  a = a + g'²                      Ma = a + G²                                  k 6
//            w − lr·g'/(sqrt(a) + eps)        M = |w| + lr·G/(sqrt(a) + eps)              k 10 (3 + 5 + 1 + 1)
// The relative bound on sqrt(v) + eps needs |g'| = G: with wd > 0 the inputs give g the sign of w, so g' does not
// cancel (cancellation there is the problem's conditioning, not the kernel's error).
const K_W: StaticArray<f64> = [4, 5, 7, 14, 11, 10];
const K_S1: StaticArray<f64> = [0, 4, 4, 4, 7, 6];
const K_S2: f64 = 7;

function states(kind: i32): i32 {
  return kind == SGD ? 0 : kind == ADAM ? 2 : 1;
}

function step(kind: i32, w: usize, g: usize, s1: usize, s2: usize, n: i32, lr: f32, wd: f32, t: i32): void {
  switch (kind) {
    case SGD: sgdStep<Raw>(w, g, s1, n, lr, 0, false, wd, 1, Infinity, w, s1); break;
    case MOMENTUM: sgdStep<Raw>(w, g, s1, n, lr, MU, false, wd, 1, Infinity, w, s1); break;
    case NESTEROV: sgdStep<Raw>(w, g, s1, n, lr, MU, true, wd, 1, Infinity, w, s1); break;
    case ADAM: adamStep<Raw>(w, g, s1, s2, n, lr, B1, B2, EPS, t, wd, 1, Infinity, w, s1, s2); break;
    case RMSPROP: rmspropStep<Raw>(w, g, s1, n, lr, RHO, EPS, wd, 1, Infinity, w, s1); break;
    default: adagradStep<Raw>(w, g, s1, n, lr, EPS, wd, 1, Infinity, w, s1);
  }
}

// The step in f64 from the current f32 buffers: new w, s1, s2 and their magnitudes M (see the table above).
function refStep(kind: i32, w: usize, g: usize, s1: usize, s2: usize, n: i32, lr: f32, wd: f32, t: i32,
  ww: usize, ws1: usize, ws2: usize, mw: usize, ms1: usize, ms2: usize): void {
  const lr64 = <f64>lr, wd64 = <f64>wd, mu = <f64>MU, b1 = <f64>B1, b2 = <f64>B2, eps = <f64>EPS, rho = <f64>RHO;
  const lrT = lr64 * Math.sqrt(1 - Math.pow(b2, <f64>t)) / (1 - Math.pow(b1, <f64>t));
  for (let i = 0; i < n; i++) {
    const wi = <f64>getF32(w, i), g0 = <f64>getF32(g, i);
    const gi = g0 + wd64 * wi, big = Math.abs(g0) + wd64 * Math.abs(wi);
    let nw = 0.0, mag = 0.0;
    if (kind == SGD) {
      nw = wi - lr64 * gi;
      mag = Math.abs(wi) + lr64 * big;
    } else if (kind == MOMENTUM || kind == NESTEROV) {
      const v0 = <f64>getF32(s1, i);
      const v = mu * v0 - lr64 * gi, mv = mu * Math.abs(v0) + lr64 * big;
      setF64(ws1, i, v); setF64(ms1, i, mv);
      nw = kind == MOMENTUM ? wi + v : wi + mu * v - lr64 * gi;
      mag = kind == MOMENTUM ? Math.abs(wi) + mv : Math.abs(wi) + mu * mv + lr64 * big;
    } else if (kind == ADAM) {
      const m0 = <f64>getF32(s1, i), v0 = <f64>getF32(s2, i);
      const m = b1 * m0 + (1 - b1) * gi, v = b2 * v0 + (1 - b2) * gi * gi;
      setF64(ws1, i, m); setF64(ms1, i, b1 * Math.abs(m0) + (1 - b1) * big);
      setF64(ws2, i, v); setF64(ms2, i, b2 * v0 + (1 - b2) * big * big);
      const den = Math.sqrt(v) + eps;
      nw = wi - lrT * m / den;
      mag = Math.abs(wi) + lrT * getF64(ms1, i) / den;
    } else {
      const a0 = <f64>getF32(s1, i);
      const a = kind == RMSPROP ? rho * a0 + (1 - rho) * gi * gi : a0 + gi * gi;
      setF64(ws1, i, a); setF64(ms1, i, kind == RMSPROP ? rho * a0 + (1 - rho) * big * big : a0 + big * big);
      const den = Math.sqrt(a) + eps;
      nw = wi - lr64 * gi / den;
      mag = Math.abs(wi) + lr64 * big / den;
    }
    setF64(ww, i, nw); setF64(mw, i, mag);
  }
}

// |got[i] − want[i]| <= k·u·mag[i] for i < n, then the guard words after got.
function expectBound(got: usize, want: usize, mag: usize, n: i32, k: f64, what: string): void {
  let bad = -1;
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(<f64>getF32(got, i) - getF64(want, i)) <= k * U * getF64(mag, i))) { bad = i; break; }
  }
  if (bad >= 0) {
    const g = <f64>getF32(got, bad), w = getF64(want, bad);
    expect<i32>(bad).toBe(-1, `${what}: index ${bad} of ${n}: got ${g}, want ${w}, |err| ${Math.abs(g - w)} > ${k}·u·${getF64(mag, bad)}`);
  }
  expectGuard(got, n, what);
}

// Every word of an untouched allocF32 buffer (n values and the guard) still holds SENTINEL.
function expectUntouched(p: usize, n: i32, what: string): void {
  let bad = -1;
  for (let i = 0; i < n + GUARD; i++) if (getF32(p, i) != SENTINEL) { bad = i; break; }
  expect<i32>(bad).toBe(-1, what + ': untouched state was written');
}

// Optimizer state in a realistic range: velocity and Adam's m in [-0.1, 0.1); Adam's v and RMSprop's mean square in
// [0, 0.1); Adagrad's accumulator in [0, 1).
function allocState(kind: i32, which: i32, n: i32): usize {
  if (states(kind) <= which) return allocF32(n);
  if (kind == MOMENTUM || kind == NESTEROV || (kind == ADAM && which == 0)) return allocUniform(n, -0.1, 0.1);
  return allocUniform(n, 0, kind == ADAGRAD ? 1 : 0.1);
}

// w and g in [-1, 1); with wd > 0, g takes the sign of w (see the tolerance note).
function allocParams(n: i32, wd: f32, w: usize): usize {
  const g = allocUniform(n, -1, 1);
  if (wd > 0) for (let i = 0; i < n; i++) setF32(g, i, copysign<f32>(getF32(g, i), getF32(w, i)));
  return g;
}

// Runs one step and checks w and each state buffer against refStep (and that g and unused state are untouched).
function checkStep(kind: i32, w: usize, g: usize, s1: usize, s2: usize, n: i32, lr: f32, wd: f32, t: i32,
  what: string): void {
  const ww = allocF64(n), ws1 = allocF64(n), ws2 = allocF64(n), mw = allocF64(n), ms1 = allocF64(n), ms2 = allocF64(n);
  const g0 = allocF64(n);
  for (let i = 0; i < n; i++) setF64(g0, i, getF32(g, i));
  refStep(kind, w, g, s1, s2, n, lr, wd, t, ww, ws1, ws2, mw, ms1, ms2);
  step(kind, w, g, s1, s2, n, lr, wd, t);
  expectBound(w, ww, mw, n, K_W[kind], what + ': w');
  if (states(kind) >= 1) expectBound(s1, ws1, ms1, n, K_S1[kind], what + ': state 1');
  else expectUntouched(s1, n, what + ': velocity');
  if (states(kind) >= 2) expectBound(s2, ws2, ms2, n, K_S2, what + ': state 2');
  else expectUntouched(s2, n, what + ': state 2');
  let changed = false;
  for (let i = 0; i < n; i++) if (<f64>getF32(g, i) != getF64(g0, i)) changed = true;
  expect<bool>(changed).toBe(false, what + ': g was written');
  expectGuard(g, n, what + ': g');
  heap.free(ww); heap.free(ws1); heap.free(ws2); heap.free(mw); heap.free(ms1); heap.free(ms2); heap.free(g0);
}

describe('optimizer steps', () => {
  it('match the f64 reference within k·u·M for each optimizer, size, learning rate and weight decay', () => {
    reseed(41);
    const lrs: StaticArray<f32> = [0.01, 0.5];
    const wds: StaticArray<f32> = [0, 0.01];
    const ts: StaticArray<i32> = [1, 2, 10, 1000];
    for (let kind = SGD; kind <= ADAGRAD; kind++) {
      for (let s = 0; s < SIZES.length; s++) {
        for (let a = 0; a < lrs.length; a++) {
          for (let b = 0; b < wds.length; b++) {
            for (let c = 0; c < (kind == ADAM ? ts.length : 1); c++) {
              const n = SIZES[s], lr = lrs[a], wd = wds[b], t = ts[c];
              const w = allocUniform(n, -1, 1), g = allocParams(n, wd, w);
              const s1 = allocState(kind, 0, n), s2 = allocState(kind, 1, n);
              checkStep(kind, w, g, s1, s2, n, lr, wd, t, `${NAMES[kind]} n=${n} lr=${lr} wd=${wd} t=${t}`);
              heap.free(w); heap.free(g); heap.free(s1); heap.free(s2);
            }
          }
        }
      }
    }
  });

  it('chain: three steps from zero state, each checked against the reference from the kernel state', () => {
    reseed(42);
    for (let kind = SGD; kind <= ADAGRAD; kind++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const w = allocUniform(n, -1, 1);
        const s1 = states(kind) >= 1 ? allocF32(n, 0) : allocF32(n), s2 = states(kind) >= 2 ? allocF32(n, 0) : allocF32(n);
        for (let t = 1; t <= 3; t++) {
          const g = allocParams(n, 0.01, w);
          checkStep(kind, w, g, s1, s2, n, 0.05, 0.01, t, `${NAMES[kind]} chained n=${n} t=${t}`);
          heap.free(g);
        }
        heap.free(w); heap.free(s1); heap.free(s2);
      }
    }
  });

  it('sgd follows Keras on w²/2 (g = w): plain, momentum and nesterov, two steps', () => {
    // lr 0.1, momentum 0.9, w = 1: plain 0.9, 0.81; momentum v -0.1, -0.18 -> w 0.9, 0.72;
    // nesterov v -0.1 -> w 1 - 0.09 - 0.1 = 0.81, v -0.09 - 0.081 = -0.171 -> w 0.81 - 0.1539 - 0.081 = 0.5751.
    // Five elements: one SIMD block and a tail; tolerance 8u (a handful of roundings on values <= 1).
    const n = 5;
    const want: StaticArray<f64> = [0.9, 0.81, 0.9, 0.72, 0.81, 0.5751];
    for (let mode = 0; mode < 3; mode++) {
      const w = allocF32(n, 1), g = allocF32(n), v = allocF32(n, 0);
      for (let k = 0; k < 2; k++) {
        for (let i = 0; i < n; i++) setF32(g, i, getF32(w, i));
        sgdStep<Raw>(w, g, mode == 0 ? 0 : v, n, 0.1, mode == 0 ? 0 : 0.9, mode == 2, 0, 1, Infinity, w, mode == 0 ? 0 : v);
        for (let i = 0; i < n; i++) {
          const err = Math.abs(<f64>getF32(w, i) - want[2 * mode + k]);
          expect<bool>(err <= 8 * U).toBe(true, `sgd mode ${mode} step ${k + 1} element ${i}: got ${getF32(w, i)}, want ${want[2 * mode + k]}`);
        }
      }
      heap.free(w); heap.free(g); heap.free(v);
    }
  });

  it('sgd without momentum reads and writes no velocity (velocity may be 0)', () => {
    reseed(43);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const w = allocUniform(n, -1, 1), g = allocUniform(n, -1, 1), w2 = allocF32(n);
      for (let i = 0; i < n; i++) setF32(w2, i, getF32(w, i));
      const v = allocF32(n);
      sgdStep<Raw>(w, g, v, n, 0.1, 0, true, 0.01, 1, Infinity, w, v);
      expectUntouched(v, n, `sgd n=${n}`);
      sgdStep<Raw>(w2, g, 0, n, 0.1, 0, false, 0.01, 1, Infinity, w2, 0);
      let same = true;
      for (let i = 0; i < n; i++) if (getF32(w, i) != getF32(w2, i)) same = false;
      expect<bool>(same).toBe(true, `sgd n=${n}: the same step with velocity = 0 and nesterov ignored`);
      heap.free(w); heap.free(g); heap.free(w2); heap.free(v);
    }
  });

  it("adam's first step from zero state moves each weight by about lr·sign(g)", () => {
    // m = (1−b1)g, v = (1−b2)g², so lrT·m/(sqrt(v) + eps) = lr·g/(|g| + eps/sqrt(1−b2)): off lr·sign(g) by at most
    // lr·eps/(sqrt(1−b2)·|g|) <= lr·3.2e-5 for |g| >= 0.1, plus rounding 14u·(|w| + lr).
    reseed(44);
    const lr: f32 = 0.001;
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const w = allocUniform(n, -1, 1), g = allocUniform(n, 0.1, 1), m = allocF32(n, 0), v = allocF32(n, 0);
      for (let i = 0; i < n; i += 2) setF32(g, i, -getF32(g, i));
      const before = allocF64(n);
      for (let i = 0; i < n; i++) setF64(before, i, getF32(w, i));
      adamStep<Raw>(w, g, m, v, n, lr, B1, B2, EPS, 1, 0, 1, Infinity, w, m, v);
      for (let i = 0; i < n; i++) {
        const moved = getF64(before, i) - <f64>getF32(w, i), want = <f64>lr * (getF32(g, i) > 0 ? 1 : -1);
        const tol = <f64>lr * 3.2e-5 + 14 * U * (Math.abs(getF64(before, i)) + <f64>lr);
        expect<bool>(Math.abs(moved - want) <= tol).toBe(true, `adam first step n=${n} element ${i}: moved ${moved}, want ${want}`);
      }
      heap.free(w); heap.free(g); heap.free(m); heap.free(v); heap.free(before);
    }
  });

  it('out of place: writes the same values to the out buffers, leaves the inputs, and reports non-finite weights', () => {
    reseed(45);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      if (n == 0) continue;
      const w = allocUniform(n, -1, 1), g = allocUniform(n, -1, 1), m = allocF32(n, 0), v = allocF32(n, 0);
      const w2 = allocF32(n, 0), m2 = allocF32(n, 0), v2 = allocF32(n, 0);
      const wc = allocF32(n, 0), mc = allocF32(n, 0), vc = allocF32(n, 0);
      memory.copy(wc, w, <usize>n << 2);
      expect<bool>(adamStep<Raw>(w, g, m, v, n, 0.01, B1, B2, EPS, 1, 0, 1, Infinity, w2, m2, v2)).toBe(true, `adam n=${n}: finite`);
      let same = true;
      for (let i = 0; i < n; i++) if (getF32(w, i) != getF32(wc, i) || getF32(m, i) != 0 || getF32(v, i) != 0) same = false;
      expect<bool>(same).toBe(true, `adam n=${n}: an input was written`);
      adamStep<Raw>(wc, g, mc, vc, n, 0.01, B1, B2, EPS, 1, 0, 1, Infinity, wc, mc, vc);
      for (let i = 0; i < n; i++) if (getF32(w2, i) != getF32(wc, i) || getF32(m2, i) != getF32(mc, i) || getF32(v2, i) != getF32(vc, i)) same = false;
      expect<bool>(same).toBe(true, `adam n=${n}: out of place equals in place`);
      setF32(g, n - 1, 3e38);
      expect<bool>(sgdStep<Raw>(w, g, 0, n, 10, 0, false, 0, 1, Infinity, w2, 0)).toBe(false, `sgd n=${n}: an overflowing weight is reported`);
      setF32(g, n - 1, NaN);
      expect<bool>(rmspropStep<Raw>(w, g, m, n, 0.1, RHO, EPS, 0, 1, Infinity, w2, m2)).toBe(false, `rmsprop n=${n}: NaN is reported`);
      expect<bool>(adagradStep<Raw>(w, g, m, n, 0.1, EPS, 0, 1, Infinity, w2, m2)).toBe(false, `adagrad n=${n}: NaN is reported`);
      heap.free(w); heap.free(g); heap.free(m); heap.free(v); heap.free(w2); heap.free(m2); heap.free(v2);
      heap.free(wc); heap.free(mc); heap.free(vc);
    }
  });
});
