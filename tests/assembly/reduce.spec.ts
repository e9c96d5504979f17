// reduce and argReduce (assembly/reduce.ts) against f64 scalar loops over [outer, r, inner] layouts.
import { reduce, argReduce } from '../../assembly/reduce';
import {
  REDUCE_SUM as SUM, REDUCE_MEAN as MEAN, REDUCE_MAX as MAX, REDUCE_MIN as MIN, ARG_MAX as ARGMAX, ARG_MIN as ARGMIN,
} from '../../assembly/layout';
import {
  allocF32, allocF64, allocUniform, getF32, getF64, setF32, setF64, close, expectClose, expectGuard, reseed, nextU32,
} from './reference';

const NAMES: StaticArray<string> = ['sum', 'mean', 'max', 'min'];
const ARG_NAMES: StaticArray<string> = ['argmax', 'argmin'];
// Row lengths: the sizes, the edges of the 16- and 32-element vector groups and 128-element steps, and of the
// pairwise leaves (1024 elements in a row; 16 and 64 rows down columns) and their first splits.
const ROWS: StaticArray<i32> = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65, 127, 128, 129, 143, 255, 257, 1000, 1023, 1024, 1025, 1039, 2047, 2049, 2063, 4111, 6200];
const OUTERS: StaticArray<i32> = [1, 3];
// inner 1 takes the row path; the others the column paths: 16, 4 and 1 columns at a time.
const INNERS: StaticArray<i32> = [1, 3, 4, 5, 9, 16, 17, 21, 36];

// The pairwise sum's error bound over r terms as a multiple of ε·Σ|x| (assembly/sum.ts), the larger of the row
// bound 23 + ⌈log2(r/1024)⌉ and the column bound 17 + ⌈log2(r/16)⌉, with room for second-order terms.
function levels(r: i32, leaf: i32): f64 { return r > leaf ? Math.ceil(Math.log2(<f64>r / <f64>leaf)) : 0; }
function sumBound(r: i32): f64 {
  return Math.max(23 + levels(r, 1024), 17 + levels(r, 16)) * 1.01 * Math.pow(2, -24);
}

// want = the f64 reduction; tol = its bound (sum and mean: from Σ|x|; max and min exact).
function refReduce(op: i32, x: usize, want: usize, tol: usize, outer: i32, r: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc: f64 = op == MAX ? -Infinity : op == MIN ? Infinity : 0;
      let abs: f64 = 0;
      let nan = false;
      for (let j = 0; j < r; j++) {
        const v = <f64>getF32(x, (o * r + j) * inner + i);
        if (v != v) nan = true;
        abs += Math.abs(v);
        acc = op == MAX ? (v > acc ? v : acc) : op == MIN ? (v < acc ? v : acc) : acc + v;
      }
      let bound = op == SUM || op == MEAN ? sumBound(r) * abs : 0;
      // The mean rounds once more after dividing by r.
      if (op == MEAN) { acc /= <f64>r; bound = bound / <f64>r + Math.pow(2, -24) * 1.01 * Math.abs(acc); }
      if (nan && (op == MAX || op == MIN)) acc = NaN;
      setF64(want, o * inner + i, acc);
      setF64(tol, o * inner + i, bound);
    }
  }
}

function checkReduce(op: i32, x: usize, outer: i32, r: i32, inner: i32, what: string): void {
  const n = outer * inner;
  const out = allocF32(n), want = allocF64(n), tol = allocF64(n);
  refReduce(op, x, want, tol, outer, r, inner);
  reduce(op, x, out, outer, r, inner);
  // Each output against its own bound (expectClose takes one tolerance for all).
  for (let i = 0; i < n; i++) {
    const got = <f64>getF32(out, i), w = getF64(want, i), t = getF64(tol, i);
    if (!close(got, w, t, 0)) {
      expect<f64>(got).toBe(w, `${NAMES[op]} ${what} outer=${outer} r=${r} inner=${inner}: output ${i}: |err| ${Math.abs(got - w)} > bound ${t}`);
    }
  }
  expectGuard(out, n, `${NAMES[op]} ${what}`);
  heap.free(out); heap.free(want); heap.free(tol);
}

describe('reduce', () => {
  it('matches the f64 loop for every op, row length and layout', () => {
    reseed(21);
    for (let op = SUM; op <= MIN; op++) {
      for (let s = 0; s < ROWS.length; s++) {
        const r = ROWS[s];
        if (r == 0 && (op == MAX || op == MIN)) continue; // r >= 1 for max and min
        for (let o = 0; o < OUTERS.length; o++) {
          for (let i = 0; i < INNERS.length; i++) {
            const outer = OUTERS[o], inner = INNERS[i];
            const x = allocUniform(outer * r * inner, -1, 1);
            checkReduce(op, x, outer, r, inner, '');
            heap.free(x);
          }
        }
      }
    }
  });

  it('keeps long sums of 0.1 within the pairwise bound, along a row and down columns', () => {
    // 2^20 + 13 values of f32(0.1): a plain f32 loop drifts by ~1e-4 relative here; the bound is ~2.2e-6.
    const n = (1 << 20) + 13;
    const x = allocF32(n, <f32>0.1);
    checkReduce(SUM, x, 1, n, 1, 'long row');
    checkReduce(MEAN, x, 1, n, 1, 'long row');
    // The same values as [65536 + 5, 16] (16-column path) and [n / 13 rows, 13] (4- and 1-column paths).
    checkReduce(SUM, x, 1, 65536 + 5, 16, 'long columns');
    checkReduce(MEAN, x, 1, (n - 13) / 13, 13, 'long columns');
    heap.free(x);
  });

  it('gives sum 0 and mean NaN over empty rows, and writes nothing for outer or inner 0', () => {
    const x = allocF32(4, 1);
    checkReduce(SUM, x, 2, 0, 3, 'empty rows');
    checkReduce(MEAN, x, 2, 0, 1, 'empty rows');
    checkReduce(SUM, x, 0, 4, 3, 'no rows');
    checkReduce(MAX, x, 3, 4, 0, 'no columns');
    heap.free(x);
  });

  it('max and min propagate NaN wherever it sits in the row', () => {
    reseed(22);
    const where: StaticArray<i32> = [0, 1, 3, 4, 15, 16, 17, 31, 32, 128];
    for (let op = MAX; op <= MIN; op++) {
      for (let s = 0; s < ROWS.length; s++) {
        const r = ROWS[s];
        if (r == 0) continue;
        for (let w = 0; w < where.length; w++) {
          const j = where[w];
          if (j >= r) continue;
          for (let i = 0; i < INNERS.length; i++) {
            const outer = 2, inner = INNERS[i];
            const x = allocUniform(outer * r * inner, -1, 1);
            // NaN in row j of every column of the second outer slice; the first slice stays finite.
            for (let c = 0; c < inner; c++) setF32(x, (r + j) * inner + c, NaN);
            checkReduce(op, x, outer, r, inner, `NaN at j=${j}`);
            heap.free(x);
          }
        }
      }
    }
  });
});

// Index of the first largest (ARGMAX) or smallest (ARGMIN) element, or of the first NaN.
function refArg(op: i32, x: usize, want: usize, outer: i32, r: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let at = -1;
      let best: f64 = 0;
      for (let j = 0; j < r; j++) {
        const v = <f64>getF32(x, (o * r + j) * inner + i);
        if (v != v) { at = j; break; }
        if (at < 0 || (op == ARGMAX ? v > best : v < best)) { at = j; best = v; }
      }
      setF64(want, o * inner + i, <f64>at);
    }
  }
}

function checkArg(op: i32, x: usize, outer: i32, r: i32, inner: i32, what: string): void {
  const n = outer * inner;
  const out = allocF32(n), want = allocF64(n);
  refArg(op, x, want, outer, r, inner);
  argReduce(op, x, out, outer, r, inner);
  expectClose(out, want, n, 0, 0, `${ARG_NAMES[op]} ${what} outer=${outer} r=${r} inner=${inner}`);
  heap.free(out); heap.free(want);
}

describe('argReduce', () => {
  it('matches the f64 loop on distinct values for each row length and layout', () => {
    reseed(23);
    for (let op = ARGMAX; op <= ARGMIN; op++) {
      for (let s = 0; s < ROWS.length; s++) {
        const r = ROWS[s];
        if (r == 0) continue; // r >= 1
        for (let o = 0; o < OUTERS.length; o++) {
          for (let i = 0; i < INNERS.length; i++) {
            const outer = OUTERS[o], inner = INNERS[i];
            const x = allocUniform(outer * r * inner, -1, 1);
            checkArg(op, x, outer, r, inner, 'distinct');
            heap.free(x);
          }
        }
      }
    }
  });

  it('returns the first index on ties', () => {
    reseed(24);
    for (let op = ARGMAX; op <= ARGMIN; op++) {
      for (let s = 0; s < ROWS.length; s++) {
        const r = ROWS[s];
        if (r == 0) continue;
        for (let i = 0; i < INNERS.length; i++) {
          const outer = 3, inner = INNERS[i], n = outer * r * inner;
          // Values from {-1, 0, 1, 2}: most rows hold their extreme more than once.
          const x = allocF32(n);
          for (let e = 0; e < n; e++) setF32(x, e, <f32>(nextU32() & 3) - 1);
          checkArg(op, x, outer, r, inner, 'ties');
          // All equal: index 0.
          for (let e = 0; e < n; e++) setF32(x, e, 0.5);
          checkArg(op, x, outer, r, inner, 'all equal');
          heap.free(x);
        }
      }
    }
  });

  it('returns the index of the first NaN', () => {
    reseed(25);
    for (let op = ARGMAX; op <= ARGMIN; op++) {
      for (let s = 0; s < ROWS.length; s++) {
        const r = ROWS[s];
        if (r == 0) continue;
        for (let i = 0; i < INNERS.length; i++) {
          const outer = 3, inner = INNERS[i];
          const x = allocUniform(outer * r * inner, -1, 1);
          // Slice 0: NaN at row 0; slice 1: NaN at the last row; slice 2: NaN at rows r/2 and r - 1.
          for (let c = 0; c < inner; c++) {
            setF32(x, c, NaN);
            setF32(x, (2 * r - 1) * inner + c, NaN);
            setF32(x, (2 * r + r / 2) * inner + c, NaN);
            setF32(x, (3 * r - 1) * inner + c, NaN);
          }
          checkArg(op, x, outer, r, inner, 'NaN');
          heap.free(x);
        }
      }
    }
  });
});
