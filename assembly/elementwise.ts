import { metaAt, resetCounter, rowCount, rowOffset, nextRow } from './strided';

// Binary op codes (src/ops/codes.ts mirrors them).
export const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAXIMUM = 5, MINIMUM = 6, GREATER = 7, LESS = 8, EQUAL = 9;
// Unary op codes.
export const NEG = 0, ABS = 1, EXP = 2, LOG = 3, SQRT = 4, SQUARE = 5;

// @ts-ignore: decorator
@inline function scalarOp(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD: return x + y;
    case SUB: return x - y;
    case MUL: return x * y;
    case DIV: return x / y;
    case POW: return Mathf.pow(x, y);
    case MAXIMUM: return max(x, y); // f32.max: NaN if either is NaN, like f32x4.max
    case MINIMUM: return min(x, y);
    case GREATER: return x > y ? 1 : 0;
    case LESS: return x < y ? 1 : 0;
    default: return x == y ? 1 : 0;
  }
}

// @ts-ignore: decorator
@inline function vectorOp(op: i32, x: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  switch (op) {
    case ADD: return f32x4.add(x, y);
    case SUB: return f32x4.sub(x, y);
    case MUL: return f32x4.mul(x, y);
    case DIV: return f32x4.div(x, y);
    case POW: {
      let r = f32x4.splat(Mathf.pow(f32x4.extract_lane(x, 0), f32x4.extract_lane(y, 0)));
      r = f32x4.replace_lane(r, 1, Mathf.pow(f32x4.extract_lane(x, 1), f32x4.extract_lane(y, 1)));
      r = f32x4.replace_lane(r, 2, Mathf.pow(f32x4.extract_lane(x, 2), f32x4.extract_lane(y, 2)));
      return f32x4.replace_lane(r, 3, Mathf.pow(f32x4.extract_lane(x, 3), f32x4.extract_lane(y, 3)));
    }
    case MAXIMUM: return f32x4.max(x, y);
    case MINIMUM: return f32x4.min(x, y);
    case GREATER: return v128.and(f32x4.gt(x, y), one);
    case LESS: return v128.and(f32x4.lt(x, y), one);
    default: return v128.and(f32x4.eq(x, y), one);
  }
}

// out[i*so] = a[i*sa] op b[i*sb] for i < n; sa, sb in {0, 1} take the SIMD paths.
// @ts-ignore: decorator
@inline function binaryRow(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (sa == 1 && sb == 0) {
    const y = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, v128.load(a + o), y));
    }
  } else if (sa == 0 && sb == 1) {
    const x = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, vectorOp(op, x, v128.load(b + o)));
    }
  }
  for (; i < n; i++) {
    const x = load<f32>(a + (<usize>(i * sa) << 2));
    const y = load<f32>(b + (<usize>(i * sb) << 2));
    store<f32>(out + (<usize>i << 2), scalarOp(op, x, y));
  }
}

// @ts-ignore: decorator
@inline function binaryRows(op: i32, a: usize, b: usize, out: usize, rank: i32, meta: usize): void {
  const n = metaAt(meta, rank - 1);
  const sa = metaAt(meta, 2 * rank - 1), sb = metaAt(meta, 3 * rank - 1);
  const rows = rowCount(meta, rank);
  resetCounter(meta, rank);
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>rowOffset(meta, rank, 0) << 2);
    const pb = b + (<usize>rowOffset(meta, rank, 1) << 2);
    binaryRow(op, pa, sa, pb, sb, out + (<usize>r * <usize>n << 2), n);
    nextRow(meta, rank);
  }
}

// out = a op b with broadcasting; out is contiguous with shape meta.shape; a and b are read through
// meta.strides0/strides1 (elements, 0 = broadcast); meta holds 5*rank i32 (see strided.ts); rank >= 1.
// out may alias a or b only when that operand is contiguous with the output's shape.
export function binary(op: i32, a: usize, b: usize, out: usize, rank: i32, meta: usize): void {
  switch (op) {
    case ADD: binaryRows(ADD, a, b, out, rank, meta); break;
    case SUB: binaryRows(SUB, a, b, out, rank, meta); break;
    case MUL: binaryRows(MUL, a, b, out, rank, meta); break;
    case DIV: binaryRows(DIV, a, b, out, rank, meta); break;
    case POW: binaryRows(POW, a, b, out, rank, meta); break;
    case MAXIMUM: binaryRows(MAXIMUM, a, b, out, rank, meta); break;
    case MINIMUM: binaryRows(MINIMUM, a, b, out, rank, meta); break;
    case GREATER: binaryRows(GREATER, a, b, out, rank, meta); break;
    case LESS: binaryRows(LESS, a, b, out, rank, meta); break;
    default: binaryRows(EQUAL, a, b, out, rank, meta);
  }
}

// @ts-ignore: decorator
@inline function unaryScalar(op: i32, x: f32): f32 {
  switch (op) {
    case NEG: return -x;
    case ABS: return abs(x);
    case EXP: return Mathf.exp(x);
    case LOG: return Mathf.log(x);
    case SQRT: return Mathf.sqrt(x);
    default: return x * x;
  }
}

// @ts-ignore: decorator
@inline function unaryVector(op: i32, x: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case SQRT: return f32x4.sqrt(x);
    case SQUARE: return f32x4.mul(x, x);
    default: {
      let r = f32x4.splat(unaryScalar(op, f32x4.extract_lane(x, 0)));
      r = f32x4.replace_lane(r, 1, unaryScalar(op, f32x4.extract_lane(x, 1)));
      r = f32x4.replace_lane(r, 2, unaryScalar(op, f32x4.extract_lane(x, 2)));
      return f32x4.replace_lane(r, 3, unaryScalar(op, f32x4.extract_lane(x, 3)));
    }
  }
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, unaryVector(op, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, unaryScalar(op, load<f32>(x + o)));
  }
}

// out[i] = op(x[i]) for i < n; contiguous f32; out may equal x.
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case NEG: unaryLoop(NEG, x, out, n); break;
    case ABS: unaryLoop(ABS, x, out, n); break;
    case EXP: unaryLoop(EXP, x, out, n); break;
    case LOG: unaryLoop(LOG, x, out, n); break;
    case SQRT: unaryLoop(SQRT, x, out, n); break;
    default: unaryLoop(SQUARE, x, out, n);
  }
}
