import { metaAt, resetCounter, rowCount, rowOffset, nextRow } from './strided';

import {
  BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV, BINARY_POW, BINARY_MAXIMUM, BINARY_MINIMUM, BINARY_GREATER, BINARY_LESS,
  BINARY_EQUAL, BINARY_GREATER_EQUAL, BINARY_LESS_EQUAL, UNARY_NEG, UNARY_ABS, UNARY_EXP, UNARY_LOG, UNARY_SQRT, UNARY_SQUARE,
} from './layout';
import { expV, lane0, logV } from './vmath';

// NOTE: each op is a class with inlined scalar (s) and vector (v) forms, passed as a type parameter, so every op
// gets its own loop; a runtime op code inside one loop made Binaryen fold all ops into one loop with a br_table.

// @ts-ignore: decorator
@inline function ones(mask: v128): v128 {
  return v128.and(mask, f32x4.splat(1));
}

// @ts-ignore: decorator
@final @unmanaged class Add { @inline s(x: f32, y: f32): f32 { return x + y; } @inline v(x: v128, y: v128): v128 { return f32x4.add(x, y); } }
// @ts-ignore: decorator
@final @unmanaged class Sub { @inline s(x: f32, y: f32): f32 { return x - y; } @inline v(x: v128, y: v128): v128 { return f32x4.sub(x, y); } }
// @ts-ignore: decorator
@final @unmanaged class Mul { @inline s(x: f32, y: f32): f32 { return x * y; } @inline v(x: v128, y: v128): v128 { return f32x4.mul(x, y); } }
// @ts-ignore: decorator
@final @unmanaged class Div { @inline s(x: f32, y: f32): f32 { return x / y; } @inline v(x: v128, y: v128): v128 { return f32x4.div(x, y); } }
// f32.max/min and f32x4.max/min: NaN if either operand is NaN.
// @ts-ignore: decorator
@final @unmanaged class Maximum { @inline s(x: f32, y: f32): f32 { return max(x, y); } @inline v(x: v128, y: v128): v128 { return f32x4.max(x, y); } }
// @ts-ignore: decorator
@final @unmanaged class Minimum { @inline s(x: f32, y: f32): f32 { return min(x, y); } @inline v(x: v128, y: v128): v128 { return f32x4.min(x, y); } }
// @ts-ignore: decorator
@final @unmanaged class Greater { @inline s(x: f32, y: f32): f32 { return x > y ? 1 : 0; } @inline v(x: v128, y: v128): v128 { return ones(f32x4.gt(x, y)); } }
// @ts-ignore: decorator
@final @unmanaged class Less { @inline s(x: f32, y: f32): f32 { return x < y ? 1 : 0; } @inline v(x: v128, y: v128): v128 { return ones(f32x4.lt(x, y)); } }
// @ts-ignore: decorator
@final @unmanaged class Equal { @inline s(x: f32, y: f32): f32 { return x == y ? 1 : 0; } @inline v(x: v128, y: v128): v128 { return ones(f32x4.eq(x, y)); } }
// @ts-ignore: decorator
@final @unmanaged class GreaterEqual { @inline s(x: f32, y: f32): f32 { return x >= y ? 1 : 0; } @inline v(x: v128, y: v128): v128 { return ones(f32x4.ge(x, y)); } }
// @ts-ignore: decorator
@final @unmanaged class LessEqual { @inline s(x: f32, y: f32): f32 { return x <= y ? 1 : 0; } @inline v(x: v128, y: v128): v128 { return ones(f32x4.le(x, y)); } }
// NaN differs from everything, itself included.
// @ts-ignore: decorator
@final @unmanaged class NotEqual { @inline s(x: f32, y: f32): f32 { return x != y ? 1 : 0; } @inline v(x: v128, y: v128): v128 { return ones(f32x4.ne(x, y)); } }
// @ts-ignore: decorator
@final @unmanaged class Pow {
  // @ts-ignore: decorator
  @inline s(x: f32, y: f32): f32 { return Mathf.pow(x, y); }
  // @ts-ignore: decorator
  @inline v(x: v128, y: v128): v128 {
    let r = f32x4.splat(Mathf.pow(f32x4.extract_lane(x, 0), f32x4.extract_lane(y, 0)));
    r = f32x4.replace_lane(r, 1, Mathf.pow(f32x4.extract_lane(x, 1), f32x4.extract_lane(y, 1)));
    r = f32x4.replace_lane(r, 2, Mathf.pow(f32x4.extract_lane(x, 2), f32x4.extract_lane(y, 2)));
    return f32x4.replace_lane(r, 3, Mathf.pow(f32x4.extract_lane(x, 3), f32x4.extract_lane(y, 3)));
  }
}

// out[i] = a[i*sa] op b[i*sb] for i < n; sa, sb in {0, 1} take the SIMD paths.
// @ts-ignore: decorator
@inline function binaryRow<Op>(a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const op = changetype<Op>(0);
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, op.v(v128.load(a + o), v128.load(b + o)));
    }
  } else if (sa == 1 && sb == 0) {
    const y = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, op.v(v128.load(a + o), y));
    }
  } else if (sa == 0 && sb == 1) {
    const x = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, op.v(x, v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const x = load<f32>(a + (<usize>(i * sa) << 2));
    const y = load<f32>(b + (<usize>(i * sb) << 2));
    store<f32>(out + (<usize>i << 2), op.s(x, y));
  }
}

function binaryRows<Op>(a: usize, b: usize, out: usize, rank: i32, meta: usize): void {
  const n = metaAt(meta, rank - 1);
  const sa = metaAt(meta, 2 * rank - 1), sb = metaAt(meta, 3 * rank - 1);
  const rows = rowCount(meta, rank);
  resetCounter(meta, rank);
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>rowOffset(meta, rank, 0) << 2);
    const pb = b + (<usize>rowOffset(meta, rank, 1) << 2);
    binaryRow<Op>(pa, sa, pb, sb, out + (<usize>r * <usize>n << 2), n);
    nextRow(meta, rank);
  }
}

// out = a op b with broadcasting; out is contiguous with shape meta.shape; a and b are read through
// meta.strides0/strides1 (elements, 0 = broadcast); meta holds 5*rank i32 (see strided.ts); rank >= 1.
// out may alias a or b only when that operand is contiguous with the output's shape.
export function binary(op: i32, a: usize, b: usize, out: usize, rank: i32, meta: usize): void {
  switch (op) {
    case BINARY_ADD: binaryRows<Add>(a, b, out, rank, meta); break;
    case BINARY_SUB: binaryRows<Sub>(a, b, out, rank, meta); break;
    case BINARY_MUL: binaryRows<Mul>(a, b, out, rank, meta); break;
    case BINARY_DIV: binaryRows<Div>(a, b, out, rank, meta); break;
    case BINARY_POW: binaryRows<Pow>(a, b, out, rank, meta); break;
    case BINARY_MAXIMUM: binaryRows<Maximum>(a, b, out, rank, meta); break;
    case BINARY_MINIMUM: binaryRows<Minimum>(a, b, out, rank, meta); break;
    case BINARY_GREATER: binaryRows<Greater>(a, b, out, rank, meta); break;
    case BINARY_LESS: binaryRows<Less>(a, b, out, rank, meta); break;
    case BINARY_EQUAL: binaryRows<Equal>(a, b, out, rank, meta); break;
    case BINARY_GREATER_EQUAL: binaryRows<GreaterEqual>(a, b, out, rank, meta); break;
    case BINARY_LESS_EQUAL: binaryRows<LessEqual>(a, b, out, rank, meta); break;
    default: binaryRows<NotEqual>(a, b, out, rank, meta);
  }
}

// Unary ops: v computes op on four lanes; loop tails run one element through v (see vmath.ts), so vector and tail
// give the same bits.
// @ts-ignore: decorator
@final @unmanaged class Neg { @inline v(x: v128): v128 { return f32x4.neg(x); } }
// @ts-ignore: decorator
@final @unmanaged class Abs { @inline v(x: v128): v128 { return f32x4.abs(x); } }
// @ts-ignore: decorator
@final @unmanaged class Sqrt { @inline v(x: v128): v128 { return f32x4.sqrt(x); } }
// @ts-ignore: decorator
@final @unmanaged class Square { @inline v(x: v128): v128 { return f32x4.mul(x, x); } }
// ±1 by x's sign bit where x is nonzero and not NaN, else x itself (±0, NaN), as Math.sign.
// @ts-ignore: decorator
@final @unmanaged class Sign {
  // @ts-ignore: decorator
  @inline v(x: v128): v128 {
    const one = v128.or(v128.and(x, i32x4.splat(0x80000000)), f32x4.splat(1));
    return v128.bitselect(one, x, v128.or(f32x4.gt(x, f32x4.splat(0)), f32x4.lt(x, f32x4.splat(0))));
  }
}
// @ts-ignore: decorator
@final @unmanaged class Exp { @inline v(x: v128): v128 { return expV(x); } }
// @ts-ignore: decorator
@final @unmanaged class Log { @inline v(x: v128): v128 { return logV(x); } }

// out[i] = op(x[i]) for i < n, four lanes at a time, then the tail through the same vector code.
function unaryLoop<Op>(x: usize, out: usize, n: i32): void {
  const op = changetype<Op>(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const a = op.v(v128.load(x + o)), b = op.v(v128.load(x + o, 16));
    v128.store(out + o, a);
    v128.store(out + o, b, 16);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, op.v(v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, lane0(op.v(v128.load32_splat(x + o))));
  }
}

// out[i] = op(x[i]) for i < n; contiguous f32; out may equal x.
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case UNARY_NEG: unaryLoop<Neg>(x, out, n); break;
    case UNARY_ABS: unaryLoop<Abs>(x, out, n); break;
    case UNARY_EXP: unaryLoop<Exp>(x, out, n); break;
    case UNARY_LOG: unaryLoop<Log>(x, out, n); break;
    case UNARY_SQRT: unaryLoop<Sqrt>(x, out, n); break;
    case UNARY_SQUARE: unaryLoop<Square>(x, out, n); break;
    default: unaryLoop<Sign>(x, out, n);
  }
}

// out[i] = min(max(x[i], lo), hi) for i < n (NaN stays NaN); lo <= hi; contiguous f32; out may equal x.
export function clip(x: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.min(f32x4.max(v128.load(x + o), vlo), vhi));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, lane0(f32x4.min(f32x4.max(v128.load32_splat(x + o), vlo), vhi)));
  }
}

// Four lanes of an operand read with stride 1 (`contiguous`) or repeated from one element (stride 0).
// @ts-ignore: decorator
@inline function lanesAt(p: usize, o: usize, contiguous: bool): v128 {
  return contiguous ? v128.load(p + o) : v128.load32_splat(p);
}

// out[i] = c[i*sc] != 0 ? a[i*sa] : b[i*sb] for i < n, as bits (Infinity, NaN and -0 pass unchanged); a NaN
// condition is true; strides all in {0, 1} take the SIMD path.
// @ts-ignore: decorator
@inline function selectRow(c: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (<u32>sc <= 1 && <u32>sa <= 1 && <u32>sb <= 1) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const cond = f32x4.ne(lanesAt(c, o, sc == 1), zero);
      v128.store(out + o, v128.bitselect(lanesAt(a, o, sa == 1), lanesAt(b, o, sb == 1), cond));
    }
  }
  for (; i < n; i++) {
    const cond = load<f32>(c + (<usize>(i * sc) << 2)) != 0;
    store<u32>(out + (<usize>i << 2), cond ? load<u32>(a + (<usize>(i * sa) << 2)) : load<u32>(b + (<usize>(i * sb) << 2)));
  }
}

// out = condition ? a : b with broadcasting (where): out is contiguous with shape meta.shape; c, a and b are read
// through meta's strides of operands 0, 1 and 2 (elements, 0 = broadcast); rank >= 1. out may alias an operand
// only when that operand is contiguous with the output's shape.
export function select(c: usize, a: usize, b: usize, out: usize, rank: i32, meta: usize): void {
  const n = metaAt(meta, rank - 1);
  const sc = metaAt(meta, 2 * rank - 1), sa = metaAt(meta, 3 * rank - 1), sb = metaAt(meta, 4 * rank - 1);
  const rows = rowCount(meta, rank);
  resetCounter(meta, rank);
  for (let r = 0; r < rows; r++) {
    const pc = c + (<usize>rowOffset(meta, rank, 0) << 2);
    const pa = a + (<usize>rowOffset(meta, rank, 1) << 2);
    const pb = b + (<usize>rowOffset(meta, rank, 2) << 2);
    selectRow(pc, sc, pa, sa, pb, sb, out + (<usize>r * <usize>n << 2), n);
    nextRow(meta, rank);
  }
}
