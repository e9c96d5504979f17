// matmul (assembly/gemm.ts) against an f64 triple loop at every tile edge, for each transpose combination.
import { matmul } from '../../assembly/gemm';
import { allocF32, allocF64, allocUniform, getF32, setF64, expectClose, expectGuard, reseed } from './reference';

// Below, at and above the 4-row / 4-lane and 8-column tile edges.
const DIMS: StaticArray<i32> = [1, 3, 4, 5, 7, 8, 9, 17];

// op(a)[i, p]: a is [m×k], or [k×m] when transposed.
// @ts-ignore: decorator
@inline function aAt(a: usize, transA: bool, m: i32, k: i32, i: i32, p: i32): f64 {
  return <f64>getF32(a, transA ? p * m + i : i * k + p);
}

// op(b)[p, j]: b is [k×n], or [n×k] when transposed.
// @ts-ignore: decorator
@inline function bAt(b: usize, transB: bool, k: i32, n: i32, p: i32, j: i32): f64 {
  return <f64>getF32(b, transB ? j * k + p : p * n + j);
}

// c[m×n] = op(a)·op(b) for inputs in [-1, 1), checked against the f64 loop with tolerance abs = rel = 2e-6·k
// (a k-term f32 dot product whose terms are at most 1 in magnitude).
function checkMatmul(m: i32, k: i32, n: i32, transA: bool, transB: bool): void {
  const a = allocUniform(m * k, -1, 1), b = allocUniform(k * n, -1, 1);
  const c = allocF32(m * n, NaN), want = allocF64(m * n); // NaN marks any element the kernel fails to write
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0.0;
      for (let p = 0; p < k; p++) s += aAt(a, transA, m, k, i, p) * bAt(b, transB, k, n, p, j);
      setF64(want, i * n + j, s);
    }
  }
  matmul(a, b, c, m, k, n, transA, transB);
  const tol = 2e-6 * <f64>k;
  expectClose(c, want, m * n, tol, tol, `matmul transA=${transA} transB=${transB} m=${m} k=${k} n=${n}`);
  const what = `matmul inputs transA=${transA} transB=${transB} m=${m} k=${k} n=${n}`;
  expectGuard(a, m * k, what); // the inputs are read only
  expectGuard(b, k * n, what);
  heap.free(a); heap.free(b); heap.free(c); heap.free(want);
}

describe('matmul', () => {
  it('matches the f64 loop for every m, k, n in the tile-edge sizes and every transpose', () => {
    reseed(31);
    for (let t = 0; t < 4; t++) {
      const transA = (t & 1) != 0, transB = (t & 2) != 0;
      for (let x = 0; x < DIMS.length; x++) {
        for (let y = 0; y < DIMS.length; y++) {
          for (let z = 0; z < DIMS.length; z++) checkMatmul(DIMS[x], DIMS[y], DIMS[z], transA, transB);
        }
      }
    }
  });

  it('matches the f64 loop at 129 (many full tiles plus one-element tails) for every transpose', () => {
    reseed(32);
    for (let t = 0; t < 4; t++) {
      const transA = (t & 1) != 0, transB = (t & 2) != 0;
      checkMatmul(129, 129, 129, transA, transB);
    }
  });

  it('writes zeros for k = 0 and nothing for m = 0 or n = 0', () => {
    reseed(33);
    for (let t = 0; t < 4; t++) {
      const transA = (t & 1) != 0, transB = (t & 2) != 0;
      for (let x = 0; x < DIMS.length; x++) {
        checkMatmul(DIMS[x], 0, 9, transA, transB);
        checkMatmul(0, DIMS[x], 9, transA, transB);
        checkMatmul(9, DIMS[x], 0, transA, transB);
      }
    }
  });
});
