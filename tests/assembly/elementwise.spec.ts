// binary and unary (assembly/elementwise.ts) against f64 scalar loops.
import { binary, unary } from '../../assembly/elementwise';
import {
  BINARY_ADD as ADD, BINARY_SUB as SUB, BINARY_MUL as MUL, BINARY_DIV as DIV, BINARY_POW as POW,
  BINARY_MAXIMUM as MAXIMUM, BINARY_MINIMUM as MINIMUM, BINARY_GREATER as GREATER, BINARY_LESS as LESS,
  BINARY_EQUAL as EQUAL, BINARY_GREATER_EQUAL as GREATER_EQUAL, BINARY_LESS_EQUAL as LESS_EQUAL, BINARY_NOT_EQUAL as NOT_EQUAL,
  UNARY_NEG as NEG, UNARY_ABS as ABS, UNARY_EXP as EXP, UNARY_LOG as LOG, UNARY_SQRT as SQRT, UNARY_SQUARE as SQUARE, UNARY_SIGN as SIGN,
} from '../../assembly/layout';
import {
  SIZES, allocF32, allocF64, allocUniform, allocMeta, getF32, setF32, setF64, expectClose,
  extent, offsetOf, product, contiguous, show, reseed, uniform,
} from './reference';

const BINARY_NAMES: StaticArray<string> = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'less', 'equal',
  'greaterEqual', 'lessEqual', 'notEqual'];
const UNARY_NAMES: StaticArray<string> = ['neg', 'abs', 'exp', 'log', 'sqrt', 'square', 'sign'];

function refBinary(op: i32, x: f64, y: f64): f64 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case POW: return Math.pow(x, y);
    case MAXIMUM: return x != x || y != y ? NaN : x > y ? x : y;
    case MINIMUM: return x != x || y != y ? NaN : x < y ? x : y;
    case GREATER: return x > y ? 1 : 0;
    case LESS: return x < y ? 1 : 0;
    case EQUAL: return x == y ? 1 : 0;
    case GREATER_EQUAL: return x >= y ? 1 : 0;
    case LESS_EQUAL: return x <= y ? 1 : 0;
    default: return x != y ? 1 : 0;
  }
}

// Tolerance max(abs, rel·|ref|): add/sub/mul/div are one correctly rounded f32 operation (0.5 ulp ≈ 6e-8 relative);
// pow is Mathf.pow (about 1 ulp); the comparisons, maximum and minimum are exact.
function binaryRel(op: i32): f64 {
  return op <= DIV ? 1e-6 : op == POW ? 2e-6 : 0;
}

// Inputs in each op's domain: pow takes a in [0.1, 4), b in [-3, 3); div keeps |b| >= 0.5; every third b equals a
// (ties for the comparisons, maximum and minimum).
function fillOperands(op: i32, a: usize, na: i32, b: usize, nb: i32): void {
  for (let i = 0; i < na; i++) setF32(a, i, op == POW ? uniform(0.1, 4) : uniform(-2, 2));
  for (let i = 0; i < nb; i++) {
    let y = op == POW ? uniform(-3, 3) : uniform(-2, 2);
    if (op == DIV) y = y < 0 ? y - 0.5 : y + 0.5;
    if (op != POW && op != DIV && i % 3 == 0 && i < na) y = getF32(a, i);
    setF32(b, i, y);
  }
}

// out = a op b over `shape` with a read through sa and b through sb; checked against the f64 loop.
function checkBinary(op: i32, shape: i32[], sa: i32[], sb: i32[], what: string): void {
  const n = product(shape), na = extent(shape, sa), nb = extent(shape, sb);
  const a = allocF32(na), b = allocF32(nb), out = allocF32(n), want = allocF64(n);
  fillOperands(op, a, na, b, nb);
  for (let i = 0; i < n; i++) {
    setF64(want, i, refBinary(op, getF32(a, offsetOf(i, shape, sa)), getF32(b, offsetOf(i, shape, sb))));
  }
  const meta = allocMeta(shape, sa, sb);
  binary(op, a, b, out, shape.length, meta);
  const label = `${BINARY_NAMES[op]} ${what} shape ${show(shape)} strides a ${show(sa)} b ${show(sb)}`;
  expectClose(out, want, n, 0, binaryRel(op), label);
  heap.free(a); heap.free(b); heap.free(out); heap.free(want); heap.free(meta);
}

describe('binary', () => {
  it('matches the f64 loop for every op on contiguous rank-1 operands of each size', () => {
    reseed(1);
    for (let op = ADD; op <= NOT_EQUAL; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        checkBinary(op, [n], [1], [1], 'same shape');
      }
    }
  });

  it('broadcasts a scalar (stride 0) on either side and on both', () => {
    reseed(2);
    for (let op = ADD; op <= NOT_EQUAL; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        checkBinary(op, [n], [1], [0], 'scalar b');
        checkBinary(op, [n], [0], [1], 'scalar a');
        checkBinary(op, [n], [0], [0], 'scalar a and b');
      }
    }
  });

  it('broadcasts rows and columns in rank 2', () => {
    reseed(3);
    const ops: StaticArray<i32> = [ADD, SUB, DIV, MAXIMUM, LESS];
    const rows: StaticArray<i32> = [1, 3, 5];
    for (let o = 0; o < ops.length; o++) {
      for (let r = 0; r < rows.length; r++) {
        for (let s = 0; s < SIZES.length; s++) {
          const m = rows[r], n = SIZES[s], op = ops[o];
          checkBinary(op, [m, n], [n, 1], [0, 1], 'row b');       // b is [n]
          checkBinary(op, [m, n], [0, 1], [n, 1], 'row a');       // a is [n]
          checkBinary(op, [m, n], [n, 1], [1, 0], 'column b');    // b is [m, 1]
          checkBinary(op, [m, n], [1, 0], [0, 1], 'column a, row b');
          checkBinary(op, [m, n], [1, m], [n, 1], 'transposed a'); // a is [n, m] read as its transpose
          checkBinary(op, [m, n], [2 * n, 2], [0, 3], 'odd strides');
        }
      }
    }
  });

  it('broadcasts in rank 3', () => {
    reseed(4);
    const ops: StaticArray<i32> = [ADD, SUB, MUL, MINIMUM];
    const outer: StaticArray<i32> = [1, 3];
    const mid: StaticArray<i32> = [1, 4, 5];
    for (let o = 0; o < ops.length; o++) {
      for (let i = 0; i < outer.length; i++) {
        for (let j = 0; j < mid.length; j++) {
          for (let s = 0; s < SIZES.length; s++) {
            const d0 = outer[i], d1 = mid[j], d2 = SIZES[s], op = ops[o];
            const full = contiguous([d0, d1, d2]);
            checkBinary(op, [d0, d1, d2], full, full, 'same shape');
            checkBinary(op, [d0, d1, d2], full, [0, d2, 1], 'b [d1, d2]');
            checkBinary(op, [d0, d1, d2], [0, 1, 0], full, 'a [d1, 1]');
            checkBinary(op, [d0, d1, d2], full, [1, 0, 0], 'b [d0, 1, 1]');
            checkBinary(op, [d0, d1, d2], [d2, 0, 1], [0, 1, 0], 'a [d0, 1, d2], b [d1, 1]');
          }
        }
      }
    }
  });

  it('maximum and minimum propagate NaN from either operand', () => {
    reseed(5);
    for (let op = MAXIMUM; op <= MINIMUM; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const a = allocUniform(n, -2, 2), b = allocUniform(n, -2, 2), out = allocF32(n), want = allocF64(n);
        for (let i = 0; i < n; i++) {
          if (i % 3 == 1) setF32(a, i, NaN);
          if (i % 4 == 2) setF32(b, i, NaN);
        }
        for (let i = 0; i < n; i++) setF64(want, i, refBinary(op, getF32(a, i), getF32(b, i)));
        const meta = allocMeta([n], [1], [1]);
        binary(op, a, b, out, 1, meta);
        expectClose(out, want, n, 0, 0, `${BINARY_NAMES[op]} with NaN n=${n}`);
        // A NaN scalar on either side makes every output NaN.
        setF32(b, 0, NaN);
        for (let i = 0; i < n; i++) setF64(want, i, NaN);
        const scalarB = allocMeta([n], [1], [0]);
        binary(op, a, b, out, 1, scalarB);
        expectClose(out, want, n, 0, 0, `${BINARY_NAMES[op]} with NaN scalar b n=${n}`);
        const scalarA = allocMeta([n], [0], [1]);
        binary(op, b, a, out, 1, scalarA);
        expectClose(out, want, n, 0, 0, `${BINARY_NAMES[op]} with NaN scalar a n=${n}`);
        heap.free(a); heap.free(b); heap.free(out); heap.free(want);
        heap.free(meta); heap.free(scalarA); heap.free(scalarB);
      }
    }
  });

  it('writes in place when out is the contiguous operand (out == a, out == b)', () => {
    reseed(6);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s], m = 3;
      const a = allocUniform(m * n, -2, 2), b = allocUniform(n, -2, 2), want = allocF64(m * n);
      for (let i = 0; i < m * n; i++) setF64(want, i, <f64>getF32(a, i) - <f64>getF32(b, i % n));
      const meta = allocMeta([m, n], [n, 1], [0, 1]);
      binary(SUB, a, b, a, 2, meta);
      expectClose(a, want, m * n, 0, 1e-6, `sub out == a shape [${m},${n}], b row`);
      const c = allocUniform(m * n, -2, 2), d = allocUniform(m * n, 0.5, 2);
      for (let i = 0; i < m * n; i++) setF64(want, i, <f64>getF32(c, i) / <f64>getF32(d, i));
      const same = allocMeta([m, n], [n, 1], [n, 1]);
      binary(DIV, c, d, d, 2, same);
      expectClose(d, want, m * n, 0, 1e-6, `div out == b shape [${m},${n}]`);
      heap.free(a); heap.free(b); heap.free(c); heap.free(d); heap.free(want); heap.free(meta); heap.free(same);
    }
  });
});

function refUnary(op: i32, x: f64): f64 {
  switch (op) {
    case NEG: return -x;
    case ABS: return Math.abs(x);
    case EXP: return Math.exp(x);
    case LOG: return Math.log(x);
    case SQRT: return Math.sqrt(x);
    case SQUARE: return x * x;
    default: return x != x || x == 0 ? x : x > 0 ? 1 : -1;
  }
}

// Domains: exp [-10, 10), log [0.01, 100), sqrt [0, 100), the others [-3, 3).
function unaryLo(op: i32): f64 { return op == EXP ? -10 : op == LOG ? 0.01 : op == SQRT ? 0 : -3; }
function unaryHi(op: i32): f64 { return op == EXP ? 10 : op == LOG || op == SQRT ? 100 : 3; }
// Tolerance max(abs, rel·|ref|): neg, abs and sign are exact; sqrt and square are correctly rounded; Mathf.exp and
// Mathf.log are within about 1 ulp (log also gets abs 1e-7 near x = 1, where log x is near 0).
function unaryAbs(op: i32): f64 { return op == LOG ? 1e-7 : 0; }
function unaryRel(op: i32): f64 { return op == NEG || op == ABS || op == SIGN ? 0 : 1e-6; }

describe('unary', () => {
  it('matches the f64 loop for every op and size, out of place and in place', () => {
    reseed(7);
    for (let op = NEG; op <= SIGN; op++) {
      for (let s = 0; s < SIZES.length; s++) {
        const n = SIZES[s];
        const x = allocUniform(n, unaryLo(op), unaryHi(op)), out = allocF32(n), want = allocF64(n);
        for (let i = 0; i < n; i++) setF64(want, i, refUnary(op, getF32(x, i)));
        unary(op, x, out, n);
        expectClose(out, want, n, unaryAbs(op), unaryRel(op), `${UNARY_NAMES[op]} n=${n}`);
        unary(op, x, x, n);
        expectClose(x, want, n, unaryAbs(op), unaryRel(op), `${UNARY_NAMES[op]} in place n=${n}`);
        heap.free(x); heap.free(out); heap.free(want);
      }
    }
  });

  it('gives IEEE results for special values in SIMD lanes and in the tail', () => {
    // Nine values: two 4-lane blocks and a one-element tail.
    const specials: StaticArray<f32> = [NaN, Infinity, -Infinity, 0, -0.0, -1, 1, 100, NaN];
    const n = specials.length;
    for (let op = NEG; op <= SIGN; op++) {
      const x = allocF32(n), out = allocF32(n), want = allocF64(n);
      for (let i = 0; i < n; i++) {
        setF32(x, i, specials[i]);
        setF64(want, i, <f64><f32>refUnary(op, specials[i])); // rounded to f32: exp(100) overflows to Infinity
      }
      unary(op, x, out, n);
      expectClose(out, want, n, 0, unaryRel(op), `${UNARY_NAMES[op]} special values`);
      heap.free(x); heap.free(out); heap.free(want);
    }
    // Signs of zero, which the comparison above does not see.
    const z = allocF32(4, -0.0);
    unary(ABS, z, z, 4);
    expect<u32>(reinterpret<u32>(getF32(z, 3))).toBe(0, 'abs(-0) is +0');
    unary(SQRT, z, z, 4);
    expect<u32>(reinterpret<u32>(getF32(z, 0))).toBe(0, 'sqrt(+0) is +0');
    unary(NEG, z, z, 4);
    expect<u32>(reinterpret<u32>(getF32(z, 1))).toBe(0x80000000, 'neg(+0) is -0');
    heap.free(z);
  });
});
