// activation, softmax and logSoftmax (assembly/activation.ts) against f64 scalar loops.
import { activation, activationBackward, logSoftmax, softmax } from '../../assembly/activation';
import { ACT_SIGMOID as SIGMOID, ACT_RELU as RELU, ACT_LEAKY_RELU as LEAKY_RELU, ACT_TANH as TANH } from '../../assembly/layout';
import {
  SIZES, allocF32, allocF64, allocUniform, getF32, setF32, setF64, expectClose, expectGuard, reseed,
} from './reference';

const NAMES: StaticArray<string> = ['sigmoid', 'relu', 'leakyRelu', 'tanh'];

function refActivation(op: i32, x: f64, alpha: f64): f64 {
  switch (op) {
    case SIGMOID: return 1 / (1 + Math.exp(-x));
    case RELU: return x != x ? x : x > 0 ? x : 0;
    case LEAKY_RELU: return x != x ? x : x > 0 ? x : x * alpha;
    default: return Math.tanh(x);
  }
}

// Tolerance max(abs, rel·|ref|): relu is exact; leakyRelu is one rounded multiply; sigmoid (Mathf.exp, an add and
// a divide) and tanh (Mathf.tanh) are within a few ulp, with abs 1e-7 on their [0, 1] and [-1, 1] output scale.
function actAbs(op: i32): f64 { return op == SIGMOID || op == TANH ? 1e-7 : 0; }
function actRel(op: i32): f64 { return op == RELU ? 0 : 1e-6; }

describe('activation', () => {
  it('matches the f64 loop for every op and size, out of place and in place', () => {
    reseed(11);
    const alphas: StaticArray<f32> = [0.01, 0.2];
    for (let op = SIGMOID; op <= TANH; op++) {
      for (let a = 0; a < alphas.length; a++) {
        const alpha = alphas[a];
        for (let s = 0; s < SIZES.length; s++) {
          const n = SIZES[s];
          const x = allocUniform(n, -8, 8), out = allocF32(n), want = allocF64(n);
          for (let i = 0; i < n; i++) setF64(want, i, refActivation(op, getF32(x, i), alpha));
          const what = `${NAMES[op]} alpha=${alpha} n=${n}`;
          activation(op, x, out, n, alpha);
          expectClose(out, want, n, actAbs(op), actRel(op), what);
          activation(op, x, x, n, alpha);
          expectClose(x, want, n, actAbs(op), actRel(op), what + ' in place');
          heap.free(x); heap.free(out); heap.free(want);
        }
      }
    }
  });

  it('keeps NaN as NaN in SIMD lanes and in the tail, and saturates at the extremes', () => {
    // Nine values: two 4-lane blocks and a one-element tail.
    const specials: StaticArray<f32> = [NaN, -100, 100, -0.0, NaN, Infinity, -Infinity, 1e-30, NaN];
    const n = specials.length;
    for (let op = SIGMOID; op <= TANH; op++) {
      const x = allocF32(n), out = allocF32(n), want = allocF64(n);
      for (let i = 0; i < n; i++) {
        setF32(x, i, specials[i]);
        setF64(want, i, refActivation(op, specials[i], 0.1));
      }
      activation(op, x, out, n, 0.1);
      expectClose(out, want, n, actAbs(op), actRel(op), `${NAMES[op]} special values`);
      heap.free(x); heap.free(out); heap.free(want);
    }
  });
});

// Softmax (or, `log`, log-softmax: x − max − log Σ exp(x − max)) along the middle axis of [outer, r, inner], in f64.
function refSoftmax(x: usize, want: usize, outer: i32, r: i32, inner: i32, log: bool): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let m = -Infinity;
      for (let j = 0; j < r; j++) m = Math.max(m, getF32(x, base + j * inner));
      let s = 0.0;
      for (let j = 0; j < r; j++) s += Math.exp(<f64>getF32(x, base + j * inner) - m);
      for (let j = 0; j < r; j++) {
        const d = <f64>getF32(x, base + j * inner) - m;
        setF64(want, base + j * inner, log ? d - Math.log(s) : Math.exp(d) / s);
      }
    }
  }
}

// Tolerance: abs 1e-9, rel 2e-6 + 1e-7·r. The f32 kernel rounds x - max (inputs span 8, so up to 8 ulp after
// exp), exp (1 ulp), an r-term sum ((r - 1)·2^-24 relative) and the scaling (2 ulp).
function softmaxRel(r: i32): f64 {
  return 2e-6 + 1e-7 * <f64>r;
}

// Tolerance of log-softmax: abs 2e-6 + 1e-7·r, rel 0. x − max rounds (inputs span 8: 2^-21), the r-term sum's
// relative error (r + 1)·2^-24 becomes absolute through log, log adds 1 ulp, and the last subtraction rounds a
// result of at most 8 + log r (2^-24 of it).
function logSoftmaxAbs(r: i32): f64 {
  return 2e-6 + 1e-7 * <f64>r;
}

// Checks every row of softmax (or log-softmax) over [outer, r, inner]: elements against the f64 loop, and
// Σ_j out = 1 (Σ_j exp(out) for log-softmax).
function checkSoftmax(outer: i32, r: i32, inner: i32, shift: f64, inPlace: bool, log: bool = false): void {
  const n = outer * r * inner;
  const x = allocUniform(n, shift - 4, shift + 4), want = allocF64(n);
  refSoftmax(x, want, outer, r, inner, log);
  const out = inPlace ? x : allocF32(n);
  if (log) logSoftmax(x, out, outer, r, inner);
  else softmax(x, out, outer, r, inner);
  const what = `${log ? 'logSoftmax' : 'softmax'} outer=${outer} r=${r} inner=${inner} shift=${shift}${inPlace ? ' in place' : ''}`;
  const bound = log ? logSoftmaxAbs(r) : softmaxRel(r);
  expectClose(out, want, n, log ? bound : 1e-9, log ? 0 : bound, what);
  let worst = 0.0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0.0;
      for (let j = 0; j < r; j++) {
        const v = <f64>getF32(out, (o * r + j) * inner + i);
        s += log ? Math.exp(v) : v;
      }
      worst = Math.max(worst, Math.abs(s - 1));
    }
  }
  expect<f64>(worst).toBeLessThanOrEqual(bound, what + ': a row sums to 1 ± ' + worst.toString());
  expectGuard(out, n, what);
  if (!inPlace) heap.free(out);
  heap.free(x); heap.free(want);
}

describe('softmax', () => {
  it('matches the f64 loop and rows sum to 1 for each row length and layout', () => {
    reseed(12);
    const outers: StaticArray<i32> = [0, 1, 3];
    const inners: StaticArray<i32> = [1, 3, 4, 5];
    for (let s = 0; s < SIZES.length; s++) {
      const r = SIZES[s];
      if (r == 0) continue; // r >= 1
      for (let o = 0; o < outers.length; o++) {
        for (let i = 0; i < inners.length; i++) checkSoftmax(outers[o], r, inners[i], 0, false);
      }
    }
  });

  it('works in place (out == x)', () => {
    reseed(13);
    for (let s = 0; s < SIZES.length; s++) {
      const r = SIZES[s];
      if (r == 0) continue;
      checkSoftmax(3, r, 1, 0, true);
      checkSoftmax(2, r, 3, 0, true);
    }
  });

  it('subtracts the row maximum, so large inputs do not overflow exp', () => {
    reseed(14);
    for (let s = 0; s < SIZES.length; s++) {
      const r = SIZES[s];
      if (r == 0) continue;
      checkSoftmax(2, r, 1, 100, false);
      checkSoftmax(2, r, 3, -100, false);
    }
  });
});

describe('logSoftmax', () => {
  it('matches the f64 loop, in and out of place, for each row length and layout, with large and small inputs', () => {
    reseed(15);
    const inners: StaticArray<i32> = [1, 3, 4, 5];
    for (let s = 0; s < SIZES.length; s++) {
      const r = SIZES[s];
      if (r == 0) continue; // r >= 1
      for (let i = 0; i < inners.length; i++) {
        checkSoftmax(3, r, inners[i], 0, false, true);
        checkSoftmax(2, r, inners[i], 0, true, true);
      }
      checkSoftmax(2, r, 1, 100, false, true);
      checkSoftmax(2, r, 3, -100, true, true);
    }
  });
});

// act'(x) written in terms of the forward output y = act(x), in f64 (the contract of activationBackward).
function refDerivative(op: i32, y: f64, alpha: f64): f64 {
  switch (op) {
    case SIGMOID: return y * (1 - y);
    case RELU: return y > 0 ? 1 : 0;
    case LEAKY_RELU: return y > 0 ? 1 : alpha;
    default: return 1 - y * y;
  }
}

// 2^-24: the unit roundoff of f32.
const U: f64 = 5.960464477539063e-8;

// Tolerance max(abs, rel·|ref|) against dy·act'(y) in f64 on the same f32 y, for |dy| <= 1: relu is exact; leakyRelu
// is one rounded multiply (u); sigmoid is three roundings (3u = 1.8e-7 relative); tanh rounds y² (absolute error
// <= u·y² <= u, not relative: 1 − y² cancels), then 1 − y² and the multiply (2u relative), so u + 2u·|ref| <=
// max(2u, 4u·|ref|).
function backAbs(op: i32): f64 { return op == TANH ? 2 * U : 0; }
function backRel(op: i32): f64 { return op == RELU ? 0 : op == LEAKY_RELU ? 1e-7 : op == SIGMOID ? 2e-7 : 4 * U; }

describe('activationBackward', () => {
  it("matches dy·act'(y) in f64 for every op and size, out of place and in place (dx == dy, dx == y)", () => {
    reseed(15);
    const alphas: StaticArray<f32> = [0.01, 0.2];
    for (let op = SIGMOID; op <= TANH; op++) {
      for (let a = 0; a < alphas.length; a++) {
        const alpha = alphas[a];
        for (let s = 0; s < SIZES.length; s++) {
          const n = SIZES[s];
          // y is the forward output of x in [-8, 8) (half of relu's outputs are 0), rounded to f32.
          const y = allocUniform(n, -8, 8), dy = allocUniform(n, -1, 1), dx = allocF32(n), want = allocF64(n);
          for (let i = 0; i < n; i++) setF32(y, i, <f32>refActivation(op, getF32(y, i), alpha));
          for (let i = 0; i < n; i++) setF64(want, i, <f64>getF32(dy, i) * refDerivative(op, getF32(y, i), alpha));
          const what = `${NAMES[op]}Backward alpha=${alpha} n=${n}`;
          activationBackward(op, y, dy, dx, n, alpha);
          expectClose(dx, want, n, backAbs(op), backRel(op), what);
          expectGuard(y, n, what + ': y');
          expectGuard(dy, n, what + ': dy');
          const y2 = allocF32(n);
          for (let i = 0; i < n; i++) setF32(y2, i, getF32(y, i));
          activationBackward(op, y2, dy, y2, n, alpha);
          expectClose(y2, want, n, backAbs(op), backRel(op), what + ' dx == y');
          activationBackward(op, y, dy, dy, n, alpha);
          expectClose(dy, want, n, backAbs(op), backRel(op), what + ' dx == dy');
          heap.free(y); heap.free(y2); heap.free(dy); heap.free(dx); heap.free(want);
        }
      }
    }
  });

  it('equals dy times the central finite difference of the f64 forward', () => {
    // x in [-6, 6) with |x| >= 1e-3 (relu and leakyRelu have a kink at 0), y = act(x) rounded to f32, h = 1e-5.
    // The f64 difference errs by h²/6·max|act'''| (tanh: 2·1.7e-11) plus rounding 2^-53/h (1e-11). The kernel's
    // error on the f32 y (above: <= 3u for |ref| <= 1) plus that of rounding y itself (sigmoid: |1 − 2y|·y·u <= u;
    // tanh: 2y²·u <= 2u) stays below 6u = 3.6e-7 for |dy| <= 1: tolerance abs 6u for every op.
    reseed(16);
    const h = 1e-5;
    const alpha: f32 = 0.2;
    for (let op = SIGMOID; op <= TANH; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = allocUniform(n, -6, 6), y = allocF32(n), dy = allocUniform(n, -1, 1), dx = allocF32(n);
        const want = allocF64(n);
        for (let i = 0; i < n; i++) {
          let xi = <f64>getF32(x, i);
          if (Math.abs(xi) < 1e-3) xi = 0.5;
          setF32(y, i, <f32>refActivation(op, xi, alpha));
          const fd = (refActivation(op, xi + h, alpha) - refActivation(op, xi - h, alpha)) / (2 * h);
          setF64(want, i, <f64>getF32(dy, i) * fd);
        }
        activationBackward(op, y, dy, dx, n, alpha);
        expectClose(dx, want, n, 6 * U, 0, `${NAMES[op]}Backward vs finite differences n=${n}`);
        heap.free(x); heap.free(y); heap.free(dy); heap.free(dx); heap.free(want);
      }
    }
  });

  it('follows the formula on saturated, zero, NaN and infinite y in SIMD lanes and in the tail', () => {
    // Nine values: two 4-lane blocks and a one-element tail.
    const ys: StaticArray<f32> = [0, -0.0, 1, -1, NaN, 1e-30, Infinity, 0.5, NaN];
    const dys: StaticArray<f32> = [0.5, -2, 3, 0.25, 1, -1, 0.5, NaN, 2];
    const n = ys.length;
    const alpha: f32 = 0.1;
    for (let op = SIGMOID; op <= TANH; op++) {
      const y = allocF32(n), dy = allocF32(n), dx = allocF32(n), want = allocF64(n);
      for (let i = 0; i < n; i++) {
        setF32(y, i, ys[i]);
        setF32(dy, i, dys[i]);
        setF64(want, i, <f64>dys[i] * refDerivative(op, ys[i], alpha));
      }
      activationBackward(op, y, dy, dx, n, alpha);
      expectClose(dx, want, n, backAbs(op), backRel(op), `${NAMES[op]}Backward special values`);
      heap.free(y); heap.free(dy); heap.free(dx); heap.free(want);
    }
  });
});
