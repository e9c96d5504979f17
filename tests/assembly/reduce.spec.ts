// reduce and argReduce (assembly/reduce.ts) against f64 scalar loops over [outer, r, inner] layouts.
import { reduce, argReduce, SUM, MEAN, MAX, MIN, ARGMAX, ARGMIN } from '../../assembly/reduce';
import {
  allocF32, allocF64, allocUniform, getF32, setF32, setF64, expectClose, reseed, nextU32,
} from './reference';

const NAMES: StaticArray<string> = ['sum', 'mean', 'max', 'min'];
const ARG_NAMES: StaticArray<string> = ['argmax', 'argmin'];
// Row lengths: the sizes plus the edges of the 16-element unrolled row loop.
const ROWS: StaticArray<i32> = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 129];
const OUTERS: StaticArray<i32> = [1, 3];
// inner 1 takes the row path; the others the 4-column SIMD path and its tail.
const INNERS: StaticArray<i32> = [1, 3, 4, 5, 9];

function refReduce(op: i32, x: usize, want: usize, outer: i32, r: i32, inner: i32): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc: f64 = op == MAX ? -Infinity : op == MIN ? Infinity : 0;
      let nan = false;
      for (let j = 0; j < r; j++) {
        const v = <f64>getF32(x, (o * r + j) * inner + i);
        if (v != v) nan = true;
        acc = op == MAX ? (v > acc ? v : acc) : op == MIN ? (v < acc ? v : acc) : acc + v;
      }
      if (op == MEAN) acc /= <f64>r;
      if (nan && (op == MAX || op == MIN)) acc = NaN;
      setF64(want, o * inner + i, acc);
    }
  }
}

// Tolerance max(abs, rel·|ref|) for inputs in [-1, 1): sum abs 1e-6·r, rel 1e-6 (f32 accumulation of r terms);
// mean abs 1e-6, rel 1e-6 (the sum's error divided by r); max and min exact.
function reduceAbs(op: i32, r: i32): f64 { return op == SUM ? 1e-6 * <f64>r : op == MEAN ? 1e-6 : 0; }
function reduceRel(op: i32): f64 { return op == SUM || op == MEAN ? 1e-6 : 0; }

function checkReduce(op: i32, x: usize, outer: i32, r: i32, inner: i32, what: string): void {
  const n = outer * inner;
  const out = allocF32(n), want = allocF64(n);
  refReduce(op, x, want, outer, r, inner);
  reduce(op, x, out, outer, r, inner);
  expectClose(out, want, n, reduceAbs(op, r), reduceRel(op), `${NAMES[op]} ${what} outer=${outer} r=${r} inner=${inner}`);
  heap.free(out); heap.free(want);
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
