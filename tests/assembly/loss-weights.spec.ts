// Row weights in the loss kernels (assembly/loss.ts): the weighted loss is Σ_r w_r·loss_r / rows, where loss_r is the
// kernel's own loss of row r alone, and row r's gradient is w_r/rows times that row's gradient alone (for every
// kernel, dense and sparse softmax included, weights of zero included); weights of 1 give the unweighted gradient's
// bits.
import {
  meanSquaredError, meanAbsoluteError, binaryCrossentropy, sigmoidCrossEntropy, softmaxCrossEntropy,
} from '../../assembly/loss';
import { allocF32, allocF64, allocUniform, getF32, setF32, setF64, expectClose, close, reseed, uniform, nextU32 } from './reference';

const KERNELS: StaticArray<string> = ['meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'sigmoidCrossEntropy', 'softmax', 'sparse softmax'];

// Kernel k on rows×cols values with row weights (0: none); targets are class indices for the sparse softmax.
function run(k: i32, x: usize, t: usize, grad: usize, rows: i32, cols: i32, weights: usize): f64 {
  const n = rows * cols;
  switch (k) {
    case 0: return meanSquaredError(x, t, grad, n, weights, cols);
    case 1: return meanAbsoluteError(x, t, grad, n, weights, cols);
    case 2: return binaryCrossentropy(x, t, grad, n, 1e-7, weights, cols);
    case 3: return sigmoidCrossEntropy(x, t, grad, n, weights, cols);
    case 4: return softmaxCrossEntropy(x, t, grad, rows, cols, false, weights);
    default: return softmaxCrossEntropy(x, t, grad, rows, cols, true, weights);
  }
}

const SHAPES: StaticArray<i32> = [1, 1, 1, 5, 3, 1, 4, 4, 7, 3, 2, 9, 9, 2];

describe('row weights in the loss kernels', () => {
  it('each row weighs w_r: loss Σ w·loss_r / rows and gradient w_r/rows times the row\'s own', () => {
    reseed(18);
    for (let k = 0; k < KERNELS.length; k++) {
      for (let s = 0; s < SHAPES.length; s += 2) {
        const rows = SHAPES[s], cols = k >= 4 ? max(SHAPES[s + 1], 2) : SHAPES[s + 1], n = rows * cols;
        const sparse = k == 5, tn = sparse ? rows : n, what = `${KERNELS[k]} rows=${rows} cols=${cols}`;
        const x = k == 2 ? allocUniform(n, 0.05, 0.95) : allocUniform(n, -3, 3), t = allocF32(tn);
        for (let i = 0; i < tn; i++) setF32(t, i, sparse ? <f32>(nextU32() % <u32>cols) : k == 0 || k == 1 ? uniform(-3, 3) : <f32>(nextU32() & 1));
        const w = allocF32(rows);
        for (let r = 0; r < rows; r++) setF32(w, r, r % 3 == 1 ? 0 : uniform(0, 4));
        const grad = allocF32(n), want = allocF64(n), rowGrad = allocF32(cols);
        let wantLoss = 0.0;
        for (let r = 0; r < rows; r++) {
          const o = <usize>(r * cols) << 2, wr = <f64>getF32(w, r);
          wantLoss += wr * run(k, x + o, t + (sparse ? <usize>r << 2 : o), rowGrad, 1, cols, 0);
          for (let j = 0; j < cols; j++) setF64(want, r * cols + j, wr / <f64>rows * <f64>getF32(rowGrad, j));
        }
        wantLoss /= <f64>rows;
        const loss = run(k, x, t, grad, rows, cols, w);
        expect<bool>(close(loss, wantLoss, 1e-13, 1e-13)).toBe(true, `${what}: loss ${loss}, want ${wantLoss}`);
        // The row's gradient alone and the weighted one each round to f32 once from f64 (mse: three f32 roundings).
        expectClose(grad, want, n, 1e-45, k == 0 ? 4e-7 : 2.5e-7, what + ' gradient');
        const lossOnly = run(k, x, t, 0, rows, cols, w);
        expect<bool>(lossOnly == loss).toBe(true, what + ': the same loss without a gradient');
        heap.free(x); heap.free(t); heap.free(w); heap.free(grad); heap.free(want); heap.free(rowGrad);
      }
    }
  });

  it('weights of 1 give the unweighted gradient bit for bit and the loss to the f64 summation order', () => {
    reseed(7);
    for (let k = 0; k < KERNELS.length; k++) {
      const rows = 6, cols = 5, n = rows * cols, sparse = k == 5, tn = sparse ? rows : n;
      const x = k == 2 ? allocUniform(n, 0.05, 0.95) : allocUniform(n, -3, 3), t = allocF32(tn), w = allocF32(rows, 1);
      for (let i = 0; i < tn; i++) setF32(t, i, sparse ? <f32>(nextU32() % <u32>cols) : <f32>(nextU32() & 1));
      const a = allocF32(n), b = allocF32(n);
      const weighted = run(k, x, t, a, rows, cols, w), plain = run(k, x, t, b, rows, cols, 0);
      for (let i = 0; i < n; i++) expect<f32>(getF32(a, i)).toBe(getF32(b, i), `${KERNELS[k]} gradient ${i}`);
      expect<bool>(close(weighted, plain, 0, 1e-14)).toBe(true, `${KERNELS[k]} loss ${weighted} against ${plain}`);
      heap.free(x); heap.free(t); heap.free(w); heap.free(a); heap.free(b);
    }
  });
});
