// Losses (assembly/loss.ts) against f64 scalar references: the mean loss, its gradient, the gradient against central
// finite differences of the reference loss, in-place gradients and extreme inputs.
import {
  meanSquaredError, meanAbsoluteError, binaryCrossentropy, sigmoidCrossEntropy, softmaxCrossEntropy,
} from '../../assembly/loss';
import {
  SIZES, allocF32, allocF64, allocUniform, getF32, setF32, getF64, setF64, expectClose, close, reseed, uniform, nextU32,
} from './reference';
import { LOSS_MSE as MSE, LOSS_MAE as MAE, LOSS_BCE as BCE, LOSS_SIGMOID_CE as SIGMOID_CE } from '../../assembly/layout';

const NAMES: StaticArray<string> = ['meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'sigmoidCrossEntropy'];
// Keras' epsilon; Keras clips in float32, so the upper bound is 1 − eps rounded to f32.
const EPS: f32 = 1e-7;
const HI: f64 = <f64>(<f32>1 - EPS);

// Loss tolerance abs 1e-13, rel 1e-13: kernel and reference both evaluate in f64 and differ by summation order
// (<= n·2^-53 ≈ 1.4e-14 relative for n <= 129 nonnegative terms) and a few 2^-53 per term (libm, log of a sum near 1).
const LOSS_ABS: f64 = 1e-13, LOSS_REL: f64 = 1e-13;

// Gradient tolerance against the f64 reference, max(abs, rel·|ref|): mse is (p − t)·f32(2/n), three f32 roundings
// (3·2^-24 = 1.8e-7); mae is ±f32(1/n), one rounding (2^-24 = 6e-8); the others are f64 values rounded to f32 once
// (2^-24 relative, or half the smallest subnormal, 7e-46, for subnormal results).
function gradAbs(kind: i32): f64 { return kind == MSE || kind == MAE ? 0 : 1e-45; }
function gradRel(kind: i32): f64 { return kind == MSE ? 2e-7 : 1e-7; }

function callLoss(kind: i32, x: usize, t: usize, grad: usize, n: i32): f64 {
  switch (kind) {
    case MSE: return meanSquaredError(x, t, grad, n);
    case MAE: return meanAbsoluteError(x, t, grad, n);
    case BCE: return binaryCrossentropy(x, t, grad, n, EPS);
    default: return sigmoidCrossEntropy(x, t, grad, n);
  }
}

// sigmoid in f64 without overflow.
function refSigmoid(x: f64): f64 {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

// One element's loss term.
function refTerm(kind: i32, x: f64, t: f64): f64 {
  switch (kind) {
    case MSE: return (x - t) * (x - t);
    case MAE: return Math.abs(x - t);
    case BCE: {
      const p = Math.min(Math.max(x, <f64>EPS), HI);
      return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
    }
    // The stable form, written per sign of x.
    default: return x >= 0 ? x * (1 - t) + Math.log1p(Math.exp(-x)) : -x * t + Math.log1p(Math.exp(x));
  }
}

// d term / dx (the clip's gradient is 0 outside [eps, 1 − eps]).
function refTermGrad(kind: i32, x: f64, t: f64): f64 {
  switch (kind) {
    case MSE: return 2 * (x - t);
    case MAE: return x > t ? 1 : x < t ? -1 : 0;
    case BCE: return x < <f64>EPS || x > HI ? 0 : (x - t) / (x * (1 - x));
    default: return refSigmoid(x) - t;
  }
}

// Neumaier-compensated sum of f64 values, so that finite differences of the mean see only the perturbed term.
let sumS = 0.0, sumC = 0.0;
function sumReset(): void { sumS = 0; sumC = 0; }
function sumAdd(v: f64): void {
  const s = sumS + v;
  sumC += Math.abs(sumS) >= Math.abs(v) ? (sumS - s) + v : (v - s) + sumS;
  sumS = s;
}
function sumValue(): f64 { return sumS + sumC; }

// Mean loss over f64 buffers x, t.
function refLoss(kind: i32, x: usize, t: usize, n: i32): f64 {
  sumReset();
  for (let i = 0; i < n; i++) sumAdd(refTerm(kind, getF64(x, i), getF64(t, i)));
  return sumValue() / <f64>n;
}

function toF64(p: usize, n: i32): usize {
  const q = allocF64(n);
  for (let i = 0; i < n; i++) setF64(q, i, getF32(p, i));
  return q;
}

function copyF32(p: usize, n: i32): usize {
  const q = allocF32(n);
  for (let i = 0; i < n; i++) setF32(q, i, getF32(p, i));
  return q;
}

function expectLoss(got: f64, want: f64, what: string): void {
  if (!close(got, want, LOSS_ABS, LOSS_REL)) {
    expect<f64>(got).toBe(want, `${what}: loss ${got}, want ${want}, |err| ${Math.abs(got - want)}`);
  }
}

// Targets: 0 and 1 alternate with soft targets in [0, 1).
function target(i: i32): f32 {
  return i % 2 == 1 ? uniform(0, 1) : i % 4 == 0 ? 0 : 1;
}

// Inputs in each loss's domain: mse/mae p, t in [-1, 1) with every third t == p (mae's zero gradient);
// bce p in [0.001, 0.999); sigmoidCE logits in [-8, 8).
function fillInputs(kind: i32, x: usize, t: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    if (kind == MSE || kind == MAE) {
      const p = uniform(-1, 1);
      setF32(x, i, p);
      setF32(t, i, i % 3 == 0 ? p : uniform(-1, 1));
    } else {
      setF32(x, i, kind == BCE ? uniform(0.001, 0.999) : uniform(-8, 8));
      setF32(t, i, target(i));
    }
  }
}

// Runs the kernel with a gradient, without one, and checks loss, gradient, untouched inputs and guard words.
function checkLoss(kind: i32, x: usize, t: usize, n: i32, what: string): void {
  const xd = toF64(x, n), td = toF64(t, n), grad = allocF32(n), want = allocF64(n);
  const wantLoss = refLoss(kind, xd, td, n);
  for (let i = 0; i < n; i++) setF64(want, i, refTermGrad(kind, getF64(xd, i), getF64(td, i)) / <f64>n);
  const loss = callLoss(kind, x, t, grad, n);
  expectLoss(loss, wantLoss, what);
  expectClose(grad, want, n, gradAbs(kind), gradRel(kind), what + ' gradient');
  const lossOnly = callLoss(kind, x, t, 0, n);
  expect<bool>(lossOnly == loss || (lossOnly != lossOnly && loss != loss)).toBe(true, what + ': the same loss with grad = 0');
  expectClose(x, xd, n, 0, 0, what + ': input untouched');
  expectClose(t, td, n, 0, 0, what + ': target untouched');
  heap.free(xd); heap.free(td); heap.free(grad); heap.free(want);
}

describe('elementwise losses', () => {
  it('match the f64 reference for each loss and size (n = 0 gives NaN and writes nothing)', () => {
    reseed(31);
    for (let kind = MSE; kind <= SIGMOID_CE; kind++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = allocF32(n), t = allocF32(n);
        fillInputs(kind, x, t, n);
        checkLoss(kind, x, t, n, `${NAMES[kind]} n=${n}`);
        heap.free(x); heap.free(t);
      }
    }
  });

  it('write the gradient in place (grad == input, grad == target)', () => {
    reseed(32);
    for (let kind = MSE; kind <= SIGMOID_CE; kind++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = allocF32(n), t = allocF32(n), grad = allocF32(n);
        fillInputs(kind, x, t, n);
        const loss = callLoss(kind, x, t, grad, n);
        const what = `${NAMES[kind]} n=${n}`;
        const want = toF64(grad, n);
        const x2 = copyF32(x, n), t2 = copyF32(t, n);
        const lossX = callLoss(kind, x2, t, x2, n);
        const lossT = callLoss(kind, x, t2, t2, n);
        expect<bool>(lossX == loss || loss != loss).toBe(true, what + ': loss with grad == input');
        expect<bool>(lossT == loss || loss != loss).toBe(true, what + ': loss with grad == target');
        expectClose(x2, want, n, 0, 0, what + ' grad == input');
        expectClose(t2, want, n, 0, 0, what + ' grad == target');
        heap.free(x); heap.free(t); heap.free(grad); heap.free(want); heap.free(x2); heap.free(t2);
      }
    }
  });

  it('keep long means within n·2^-53: 2^22 + 3 equal errors of f32(0.1) give f32(0.1)² and f32(0.1)', () => {
    // The f64 running sums add ≤ n·2^-53 relative (≤ 2^28·2^-53 ≈ 3e-8 at the largest tensor), far below f32
    // rounding: a float32 running sum would be ~1e-3 off here.
    const n = (1 << 22) + 3;
    const x = allocF32(n, <f32>0.1), t = allocF32(n, 0);
    const d = <f64><f32>0.1;
    const mse = meanSquaredError(x, t, 0, n), mae = meanAbsoluteError(x, t, 0, n);
    const rel = <f64>n * Math.pow(2, -53); // the stated bound, ≈ 4.7e-10 here
    expect<bool>(close(mse, d * d, 0, rel)).toBe(true, `mse ${mse} vs ${d * d}`);
    expect<bool>(close(mae, d, 0, rel)).toBe(true, `mae ${mae} vs ${d}`);
    heap.free(x); heap.free(t);
  });

  it('give the gradient of the mean: central finite differences of the f64 reference loss', () => {
    // Per loss: step h, input domain, abs tolerance (rel 1e-6, far above the kernel's f32 rounding). The difference
    // quotient errs by truncation h²/6·max|term'''|/n plus rounding ≈ 4·2^-53·|loss|/(2h) (compensated sums):
    // mse: exact for a quadratic, h = 1e-3, |loss| <= 4: 1.8e-12 -> abs 1e-10.
    // mae: piecewise linear, exact with |p − t| >= 1e-3 > h = 1e-4, |loss| <= 2: 1e-11 -> abs 1e-10.
    // bce: p in [0.1, 0.9] (no clipping), h = 1e-6: 1e-12·2/0.1³/6 = 3.3e-10, |loss| <= 2.3: 5e-10 -> abs 3e-9.
    // sigmoidCE: logits in [-8, 8), h = 1e-4: 1.7e-9·0.0962 = 1.6e-10, |loss| <= 8: 1.8e-11 -> abs 1e-9.
    reseed(33);
    const steps: StaticArray<f64> = [1e-3, 1e-4, 1e-6, 1e-4];
    const abss: StaticArray<f64> = [1e-10, 1e-10, 3e-9, 1e-9];
    for (let kind = MSE; kind <= SIGMOID_CE; kind++) {
      const h = steps[kind];
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = allocF32(n), t = allocF32(n), grad = allocF32(n), fd = allocF64(n);
        for (let i = 0; i < n; i++) {
          let p = kind == BCE ? uniform(0.1, 0.9) : kind == SIGMOID_CE ? uniform(-8, 8) : uniform(-1, 1);
          const ti = kind == MSE || kind == MAE ? uniform(-1, 1) : target(i);
          if (kind == MAE && Math.abs(<f64>p - <f64>ti) < 1e-3) p = ti + 0.5;
          setF32(x, i, p);
          setF32(t, i, ti);
        }
        const xd = toF64(x, n), td = toF64(t, n);
        for (let i = 0; i < n; i++) {
          const xi = getF64(xd, i);
          setF64(xd, i, xi + h);
          const up = refLoss(kind, xd, td, n);
          setF64(xd, i, xi - h);
          const down = refLoss(kind, xd, td, n);
          setF64(xd, i, xi);
          setF64(fd, i, (up - down) / (2 * h));
        }
        callLoss(kind, x, t, grad, n);
        expectClose(grad, fd, n, abss[kind], 1e-6, `${NAMES[kind]} vs finite differences n=${n}`);
        heap.free(x); heap.free(t); heap.free(grad); heap.free(fd); heap.free(xd); heap.free(td);
      }
    }
  });

  it('binaryCrossentropy clips to [eps, 1 − eps]: finite loss, zero gradient where clipping is active', () => {
    // Nine values: two 4-lane blocks and a tail; eps and 1 − eps themselves are inside the clip (gradient passes).
    const ps: StaticArray<f32> = [0, 1, 1e-30, 5e-8, EPS, <f32>HI, 0.99999997, 0.5, 1];
    const ts: StaticArray<f32> = [1, 0, 1, 0, 1, 0, 1, 0.25, 1];
    const n = ps.length;
    const x = allocF32(n), t = allocF32(n);
    for (let i = 0; i < n; i++) { setF32(x, i, ps[i]); setF32(t, i, ts[i]); }
    checkLoss(BCE, x, t, n, 'binaryCrossentropy clipped');
    const grad = allocF32(n);
    const loss = binaryCrossentropy(x, t, grad, n, EPS);
    expect<bool>(isFinite(loss)).toBe(true, 'binaryCrossentropy clipped: finite loss');
    const clipped: StaticArray<bool> = [true, true, true, true, false, false, true, false, true];
    for (let i = 0; i < n; i++) {
      if (clipped[i]) expect<f32>(getF32(grad, i)).toBe(0, `binaryCrossentropy: gradient at p=${ps[i]}`);
      else expect<bool>(getF32(grad, i) != 0 || ps[i] == ts[i]).toBe(true, `binaryCrossentropy: gradient at p=${ps[i]}`);
    }
    heap.free(x); heap.free(t); heap.free(grad);
  });

  it('sigmoidCrossEntropy is finite and matches the reference for logits of ±100 and ±1e4', () => {
    const xs: StaticArray<f32> = [100, -100, 1e4, -1e4, 100, -100, 1e4, -1e4, 0, 30, -30, 1e4, -1e4];
    const ts: StaticArray<f32> = [0, 1, 0, 1, 1, 0, 1, 0, 0.5, 0.5, 0.5, 0.3, 0.7];
    const n = xs.length;
    const x = allocF32(n), t = allocF32(n), grad = allocF32(n);
    for (let i = 0; i < n; i++) { setF32(x, i, xs[i]); setF32(t, i, ts[i]); }
    checkLoss(SIGMOID_CE, x, t, n, 'sigmoidCrossEntropy extremes');
    expect<bool>(isFinite(sigmoidCrossEntropy(x, t, grad, n))).toBe(true, 'sigmoidCrossEntropy extremes: finite loss');
    for (let i = 0; i < n; i++) {
      expect<bool>(isFinite(getF32(grad, i))).toBe(true, `sigmoidCrossEntropy: finite gradient at x=${xs[i]}`);
    }
    heap.free(x); heap.free(t); heap.free(grad);
  });
});

// Labels: sparse, `rows` indices as f32; dense, rows×classes rows summing to exactly 1 in f32 (even rows one-hot,
// odd rows eight units of 1/8 spread at random).
function fillLabels(labels: usize, rows: i32, classes: i32, sparse: bool): void {
  for (let r = 0; r < rows; r++) {
    const k = <i32>(nextU32() % <u32>classes);
    if (sparse) { setF32(labels, r, <f32>k); continue; }
    for (let j = 0; j < classes; j++) setF32(labels, r * classes + j, 0);
    if (r % 2 == 0) { setF32(labels, r * classes + k, 1); continue; }
    for (let u = 0; u < 8; u++) {
      const j = <i32>(nextU32() % <u32>classes);
      setF32(labels, r * classes + j, getF32(labels, r * classes + j) + 0.125);
    }
  }
}

// Target probability t[r, j] from f32 labels.
function labelAt(labels: usize, r: i32, j: i32, classes: i32, sparse: bool): f64 {
  return sparse ? (<i32>getF32(labels, r) == j ? 1 : 0) : <f64>getF32(labels, r * classes + j);
}

// Mean over rows of −Σ_j t_j·log softmax_j on f64 logits, with log softmax_j = (x_j − m) − log Σ_k exp(x_k − m).
function refSoftmaxLoss(x: usize, labels: usize, rows: i32, classes: i32, sparse: bool): f64 {
  sumReset();
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, getF64(x, r * classes + j));
    let s = 0.0;
    for (let j = 0; j < classes; j++) s += Math.exp(getF64(x, r * classes + j) - m);
    for (let j = 0; j < classes; j++) {
      const tj = labelAt(labels, r, j, classes, sparse);
      sumAdd(-tj * ((getF64(x, r * classes + j) - m) - Math.log(s)));
    }
  }
  return sumValue() / <f64>rows;
}

// want[r, j] = (softmax_j − t_j)/rows.
function refSoftmaxGrad(x: usize, labels: usize, want: usize, rows: i32, classes: i32, sparse: bool): void {
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < classes; j++) m = Math.max(m, getF64(x, r * classes + j));
    let s = 0.0;
    for (let j = 0; j < classes; j++) s += Math.exp(getF64(x, r * classes + j) - m);
    for (let j = 0; j < classes; j++) {
      const p = Math.exp(getF64(x, r * classes + j) - m) / s;
      setF64(want, r * classes + j, (p - labelAt(labels, r, j, classes, sparse)) / <f64>rows);
    }
  }
}

// Checks loss and gradient against the reference, the same loss without a gradient, and gradients written in place.
function checkSoftmax(x: usize, labels: usize, rows: i32, classes: i32, sparse: bool, what: string): void {
  const n = rows * classes, nl = sparse ? rows : n;
  const xd = toF64(x, n), grad = allocF32(n), want = allocF64(n);
  const wantLoss = refSoftmaxLoss(xd, labels, rows, classes, sparse);
  refSoftmaxGrad(xd, labels, want, rows, classes, sparse);
  const loss = softmaxCrossEntropy(x, labels, grad, rows, classes, sparse);
  expectLoss(loss, wantLoss, what);
  expectClose(grad, want, n, 1e-45, 1e-7, what + ' gradient');
  const lossOnly = softmaxCrossEntropy(x, labels, 0, rows, classes, sparse);
  expect<bool>(lossOnly == loss || (lossOnly != lossOnly && loss != loss)).toBe(true, what + ': the same loss with grad = 0');
  expectClose(x, xd, n, 0, 0, what + ': logits untouched');
  const ld = toF64(labels, nl);
  expectClose(labels, ld, nl, 0, 0, what + ': labels untouched');
  const x2 = copyF32(x, n);
  const lossX = softmaxCrossEntropy(x2, labels, x2, rows, classes, sparse);
  expect<bool>(lossX == loss || loss != loss).toBe(true, what + ': loss with grad == logits');
  expectClose(x2, want, n, 1e-45, 1e-7, what + ' grad == logits');
  if (!sparse) {
    const l2 = copyF32(labels, n);
    const lossL = softmaxCrossEntropy(x, l2, l2, rows, classes, sparse);
    expect<bool>(lossL == loss || loss != loss).toBe(true, what + ': loss with grad == labels');
    expectClose(l2, want, n, 1e-45, 1e-7, what + ' grad == labels');
    heap.free(l2);
  }
  heap.free(xd); heap.free(grad); heap.free(want); heap.free(ld); heap.free(x2);
}

const CLASSES: StaticArray<i32> = [1, 2, 3, 4, 5, 9, 17];

describe('softmaxCrossEntropy', () => {
  it('matches the f64 reference for dense and sparse labels, each row count and class count', () => {
    reseed(34);
    for (let sp = 0; sp < 2; sp++) {
      const sparse = sp == 1;
      for (let s = 0; s < SIZES.length; s++) {
        for (let c = 0; c < CLASSES.length; c++) {
          const rows = SIZES[s], classes = CLASSES[c];
          const x = allocUniform(rows * classes, -4, 4), labels = allocF32(sparse ? rows : rows * classes);
          fillLabels(labels, rows, classes, sparse);
          checkSoftmax(x, labels, rows, classes, sparse, `softmaxCrossEntropy ${sparse ? 'sparse' : 'dense'} rows=${rows} classes=${classes}`);
          heap.free(x); heap.free(labels);
        }
      }
    }
  });

  it('gives the gradient of the mean: central finite differences of the f64 reference loss', () => {
    // Logits in [-4, 4), h = 1e-4: truncation h²/6·max|s(1 − s)(1 − 2s)| = 1.7e-9·0.0962 = 1.6e-10, rounding
    // ≈ 4·2^-53·|loss|/(2h) with |loss| <= log 17 + 8: 2e-11 -> abs 1e-9, rel 1e-6. Label rows sum to exactly 1.
    reseed(35);
    const h = 1e-4;
    const rowCounts: StaticArray<i32> = [1, 3, 5, 9];
    for (let sp = 0; sp < 2; sp++) {
      const sparse = sp == 1;
      for (let a = 0; a < rowCounts.length; a++) {
        for (let c = 0; c < CLASSES.length; c++) {
          const rows = rowCounts[a], classes = CLASSES[c], n = rows * classes;
          const x = allocUniform(n, -4, 4), labels = allocF32(sparse ? rows : n), grad = allocF32(n), fd = allocF64(n);
          fillLabels(labels, rows, classes, sparse);
          const xd = toF64(x, n);
          for (let i = 0; i < n; i++) {
            const xi = getF64(xd, i);
            setF64(xd, i, xi + h);
            const up = refSoftmaxLoss(xd, labels, rows, classes, sparse);
            setF64(xd, i, xi - h);
            const down = refSoftmaxLoss(xd, labels, rows, classes, sparse);
            setF64(xd, i, xi);
            setF64(fd, i, (up - down) / (2 * h));
          }
          softmaxCrossEntropy(x, labels, grad, rows, classes, sparse);
          expectClose(grad, fd, n, 1e-9, 1e-6, `softmaxCrossEntropy ${sparse ? 'sparse' : 'dense'} vs finite differences rows=${rows} classes=${classes}`);
          heap.free(x); heap.free(labels); heap.free(grad); heap.free(fd); heap.free(xd);
        }
      }
    }
  });

  it('is finite and matches the reference for logits of ±100 and ±1e4', () => {
    const rows = 4, classes = 5, n = rows * classes;
    const values: StaticArray<f32> = [
      1e4, -1e4, 0, 100, -100,
      -1e4, -1e4, -1e4, -1e4, 1e4,
      100, -100, 100, -100, 0,
      -1e4, 1e4, -1e4, 1e4, -100,
    ];
    // Sparse labels put the target on the largest and on the smallest logits.
    const indices: StaticArray<f32> = [1, 4, 1, 0];
    const x = allocF32(n), dense = allocF32(n), sparse = allocF32(rows);
    for (let i = 0; i < n; i++) { setF32(x, i, values[i]); setF32(dense, i, 0); }
    for (let r = 0; r < rows; r++) {
      setF32(sparse, r, indices[r]);
      setF32(dense, r * classes + <i32>indices[r], 0.5);
      setF32(dense, r * classes + (r + 2) % classes, getF32(dense, r * classes + (r + 2) % classes) + 0.5);
    }
    for (let sp = 0; sp < 2; sp++) {
      const isSparse = sp == 1;
      const labels = isSparse ? sparse : dense;
      const what = `softmaxCrossEntropy extremes ${isSparse ? 'sparse' : 'dense'}`;
      checkSoftmax(x, labels, rows, classes, isSparse, what);
      const grad = allocF32(n);
      const loss = softmaxCrossEntropy(x, labels, grad, rows, classes, isSparse);
      expect<bool>(isFinite(loss)).toBe(true, what + ': finite loss');
      for (let i = 0; i < n; i++) expect<bool>(isFinite(getF32(grad, i))).toBe(true, `${what}: finite gradient ${i}`);
      heap.free(grad);
    }
    heap.free(x); heap.free(dense); heap.free(sparse);
  });
});
