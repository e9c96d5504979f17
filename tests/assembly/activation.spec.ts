// activation and softmax (assembly/activation.ts) against f64 scalar loops.
import { activation, softmax, SIGMOID, RELU, LEAKY_RELU, TANH } from '../../assembly/activation';
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

// Softmax along the middle axis of [outer, r, inner], in f64.
function refSoftmax(x: usize, want: usize, outer: i32, r: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let m = -Infinity;
      for (let j = 0; j < r; j++) m = Math.max(m, getF32(x, base + j * inner));
      let s = 0.0;
      for (let j = 0; j < r; j++) s += Math.exp(<f64>getF32(x, base + j * inner) - m);
      for (let j = 0; j < r; j++) setF64(want, base + j * inner, Math.exp(<f64>getF32(x, base + j * inner) - m) / s);
    }
  }
}

// Tolerance: abs 1e-9, rel 2e-6 + 1e-7·r. The f32 kernel rounds x - max (inputs span 8, so up to 8 ulp after
// exp), exp (1 ulp), an r-term sum ((r - 1)·2^-24 relative) and the scaling (2 ulp).
function softmaxRel(r: i32): f64 {
  return 2e-6 + 1e-7 * <f64>r;
}

// Checks every row of softmax over [outer, r, inner]: elements against the f64 loop, and Σ_j out = 1.
function checkSoftmax(outer: i32, r: i32, inner: i32, shift: f64, inPlace: bool): void {
  const n = outer * r * inner;
  const x = allocUniform(n, shift - 4, shift + 4), want = allocF64(n);
  refSoftmax(x, want, outer, r, inner);
  const out = inPlace ? x : allocF32(n);
  softmax(x, out, outer, r, inner);
  const what = `softmax outer=${outer} r=${r} inner=${inner} shift=${shift}${inPlace ? ' in place' : ''}`;
  expectClose(out, want, n, 1e-9, softmaxRel(r), what);
  let worst = 0.0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0.0;
      for (let j = 0; j < r; j++) s += getF32(out, (o * r + j) * inner + i);
      worst = Math.max(worst, Math.abs(s - 1));
    }
  }
  expect<f64>(worst).toBeLessThanOrEqual(softmaxRel(r), what + ': a row sums to 1 ± ' + worst.toString());
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
