import { kernels } from '../runtime/wasm';
import { scalarPtr } from '../runtime/heap';
import { ShapeError, showShape } from '../tensor/errors';
import { broadcastShapes, broadcastStrides, checkNumber, collapse } from '../tensor/shape';
import { checkTensor, empty, showOperand, Tensor, type Operand } from '../tensor/tensor';
import { Binary, Unary } from './codes';
import { writeMeta } from './strided';
import { record } from '../tensor/tape';
import { reduceTo } from './reduce';

function checkOperand(x: unknown, op: string, arg: string): readonly number[] {
  if (typeof x === 'number') return [];
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor or a number, got ${showOperand(x)}`);
  return checkTensor(x, op, arg).shape;
}

// Allocates the output of a broadcasting kernel over `operands` (of `shapes`, broadcast to `shape`: numbers only in
// the last two places, which take the two scalar slots) and runs it with their pointers and the merged strides.
function broadcastKernel(op: string, operands: readonly Operand[], shapes: readonly (readonly number[])[], shape: readonly number[],
  run: (ptrs: number[], out: number, rank: number, meta: number) => void): Tensor {
  const out = empty(shape, op);
  if (out.size === 0) return out;
  const merged = collapse(shape, shapes.map((s) => broadcastStrides(s, shape)));
  const first = operands.length - 2;
  const ptrs = operands.map((x, i) => (typeof x === 'number' ? scalarPtr(i === first ? 0 : 1, x) : x.ptr));
  run(ptrs, out.ptr, merged.shape.length, writeMeta(merged.shape, merged.strides, op));
  return out;
}

function binary(op: keyof typeof Binary, a: Operand, b: Operand): Tensor {
  const shapes = [checkOperand(a, op, 'a'), checkOperand(b, op, 'b')];
  return broadcastKernel(op, [a, b], shapes, broadcastShapes(shapes[0], shapes[1], op), ([pa, pb], out, rank, meta) =>
    kernels().binary(Binary[op], pa, pb, out, rank, meta));
}

function shapeOf(x: Operand): readonly number[] {
  return typeof x === 'number' ? [] : x.shape;
}

function unary(op: keyof typeof Unary, x: Tensor): Tensor {
  checkTensor(x, op);
  const out = empty(x.shape, op);
  if (out.size > 0) kernels().unary(Unary[op], x.ptr, out.ptr, out.size);
  return out;
}

/**
 * a + b, element-wise with NumPy broadcasting: a new tensor of the broadcast shape. Either operand may be a number.
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * add(tensor([[1], [2]]), tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
 */
export function add(a: Operand, b: Operand): Tensor {
  return record('add', binary('add', a, b), [a, b], (dy, needs) => [
    needs[0] ? reduceTo(dy, shapeOf(a)) : null,
    needs[1] ? reduceTo(dy, shapeOf(b)) : null,
  ]);
}

/**
 * a - b, element-wise with broadcasting, as `add`.
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * sub(tensor([5, 6]), 1).toArray(); // [4, 5]
 */
export function sub(a: Operand, b: Operand): Tensor {
  return record('sub', binary('sub', a, b), [a, b], (dy, needs) => [
    needs[0] ? reduceTo(dy, shapeOf(a)) : null,
    needs[1] ? reduceTo(neg(dy), shapeOf(b)) : null,
  ]);
}

/**
 * a * b, element-wise with broadcasting, as `add` (scaling when one is a number).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * mul(tensor([1, 2]), 3).toArray(); // [3, 6]
 */
export function mul(a: Operand, b: Operand): Tensor {
  return record('mul', binary('mul', a, b), [a, b], (dy, needs) => [
    needs[0] ? reduceTo(mul(dy, b), shapeOf(a)) : null,
    needs[1] ? reduceTo(mul(dy, a), shapeOf(b)) : null,
  ]);
}

/**
 * a / b, element-wise with broadcasting, as `add` (IEEE division: x / 0 is ±Infinity, 0 / 0 NaN).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * div(tensor([1, 2]), 2).toArray(); // [0.5, 1]
 */
export function div(a: Operand, b: Operand): Tensor {
  return record('div', binary('div', a, b), [a, b], (dy, needs) => [
    needs[0] ? reduceTo(div(dy, b), shapeOf(a)) : null,
    needs[1] ? reduceTo(neg(div(mul(dy, a), square(b as Tensor))), shapeOf(b)) : null,
  ]);
}

/**
 * a ** b, element-wise with broadcasting, as `add`. Its gradient, as TF.js's: dy·b·a^(b−1) for a, and dy·y·log(a)
 * for b where a > 0, 0 where a <= 0.
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 */
export function pow(a: Operand, b: Operand): Tensor {
  const y = binary('pow', a, b);
  return record('pow', y, [a, b], (dy, needs) => [
    needs[0] ? reduceTo(mul(dy, mul(b, pow(a, typeof b === 'number' ? Math.fround(b) - 1 : sub(b, 1)))), shapeOf(a)) : null,
    needs[1] ? reduceTo(mul(mul(dy, y), logWherePositive(a)), shapeOf(b)) : null,
  ]);
}

// log(a) where a > 0, else 0: the factor of pow's gradient in its exponent (as TF.js's Pow_grad).
function logWherePositive(a: Operand): Operand {
  if (typeof a === 'number') return Math.fround(a) > 0 ? Math.log(Math.fround(a)) : 0;
  return where(greater(a, 0), log(a), 0);
}

/**
 * The larger of a and b, element-wise with broadcasting (NaN if either is NaN). Its gradient goes to a where
 * a >= b (ties to a) and to b where a < b, as TF.js's; NaN gives neither one.
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * maximum(tensor([1, 5]), 3).toArray(); // [3, 5]
 */
export function maximum(a: Operand, b: Operand): Tensor {
  return record('maximum', binary('maximum', a, b), [a, b], (dy, needs) => [
    needs[0] ? reduceTo(where(greaterEqual(a, b), dy, 0), shapeOf(a)) : null,
    needs[1] ? reduceTo(where(less(a, b), dy, 0), shapeOf(b)) : null,
  ]);
}

/**
 * The smaller of a and b, element-wise with broadcasting (NaN if either is NaN). Its gradient goes to a where
 * a <= b (ties to a) and to b where a > b, as TF.js's; NaN gives neither one.
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * minimum(tensor([1, 5]), 3).toArray(); // [1, 3]
 */
export function minimum(a: Operand, b: Operand): Tensor {
  return record('minimum', binary('minimum', a, b), [a, b], (dy, needs) => [
    needs[0] ? reduceTo(where(lessEqual(a, b), dy, 0), shapeOf(a)) : null,
    needs[1] ? reduceTo(where(greater(a, b), dy, 0), shapeOf(b)) : null,
  ]);
}

/**
 * 1 where a > b, else 0, element-wise with broadcasting (0 where either is NaN). Like every comparison it has no
 * gradient (zero, as in TF.js).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * greater(tensor([1, 5]), 3).toArray(); // [0, 1]
 */
export function greater(a: Operand, b: Operand): Tensor { return binary('greater', a, b); }

/**
 * 1 where a < b, else 0, element-wise with broadcasting (0 where either is NaN).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * less(tensor([1, 5]), 3).toArray(); // [1, 0]
 */
export function less(a: Operand, b: Operand): Tensor { return binary('less', a, b); }

/**
 * 1 where a == b, else 0, element-wise with broadcasting (NaN equals nothing).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * equal(tensor([1, 3]), 3).toArray(); // [0, 1]
 */
export function equal(a: Operand, b: Operand): Tensor { return binary('equal', a, b); }

/**
 * 1 where a >= b, else 0, element-wise with broadcasting (0 where either is NaN). Like every comparison it has no
 * gradient (zero, as in TF.js).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * greaterEqual(tensor([1, 3, 5]), 3).toArray(); // [0, 1, 1]
 */
export function greaterEqual(a: Operand, b: Operand): Tensor { return binary('greaterEqual', a, b); }

/**
 * 1 where a <= b, else 0, element-wise with broadcasting (0 where either is NaN).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * lessEqual(tensor([1, 3, 5]), 3).toArray(); // [1, 1, 0]
 */
export function lessEqual(a: Operand, b: Operand): Tensor { return binary('lessEqual', a, b); }

/**
 * 1 where a != b, else 0, element-wise with broadcasting (NaN differs from everything, itself included).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * notEqual(tensor([1, 3, NaN]), 3).toArray(); // [1, 0, 1]
 */
export function notEqual(a: Operand, b: Operand): Tensor { return binary('notEqual', a, b); }

/**
 * a where `condition` is nonzero (NaN counts as true), b elsewhere, element-wise, as TF.js's where: condition, a
 * and b broadcast together (NumPy rules), and a and b may be numbers. Values are copied as they are (Infinity and
 * NaN in the branch not taken do not leak into the result). The gradient goes to a where condition holds and to b
 * elsewhere, summed back over broadcast axes; condition gets none.
 * @throws TypeError unless condition is a Tensor and a and b Tensors or numbers; DisposedError for a disposed
 * tensor; ShapeError if the three shapes do not broadcast together.
 * @example
 * where(tensor([1, 0, 1]), tensor([1, 2, 3]), tensor([-1, -2, -3])).toArray(); // [1, -2, 3]
 * where(tensor([[1], [0]]), tensor([1, 2]), 0).toArray(); // [[1, 2], [0, 0]]
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  const op = 'where';
  checkTensor(condition, op, 'condition');
  const shapes = [condition.shape, checkOperand(a, op, 'a'), checkOperand(b, op, 'b')];
  let shape: number[];
  try {
    shape = broadcastShapes(broadcastShapes(shapes[0], shapes[1], op), shapes[2], op);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    const [c, sa, sb] = shapes.map(showShape);
    throw new ShapeError(`${op}: shapes ${c} (condition), ${sa} (a) and ${sb} (b) do not broadcast together`);
  }
  const out = broadcastKernel(op, [condition, a, b], shapes, shape, ([pc, pa, pb], o, rank, meta) =>
    kernels().select(pc, pa, pb, o, rank, meta));
  return record(op, out, [condition, a, b], (dy, needs) => [
    null,
    needs[1] ? reduceTo(where(condition, dy, 0), shapeOf(a)) : null,
    needs[2] ? reduceTo(where(condition, 0, dy), shapeOf(b)) : null,
  ]);
}

/**
 * x with every value below clipValueMin raised to it and every value above clipValueMax lowered to it, as TF.js's
 * clipByValue (NaN stays NaN). The gradient is dy where clipValueMin <= x <= clipValueMax (both ends included, as
 * TF.js), else 0.
 * @throws TypeError unless x is a Tensor and the bounds numbers (not NaN); RangeError if clipValueMin >
 * clipValueMax; DisposedError if x was disposed.
 * @example
 * clipByValue(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 */
export function clipByValue(x: Tensor, clipValueMin: number, clipValueMax: number): Tensor {
  const op = 'clipByValue';
  checkTensor(x, op);
  const lo = Math.fround(checkNumber(clipValueMin, op, 'clipValueMin', false));
  const hi = Math.fround(checkNumber(clipValueMax, op, 'clipValueMax', false));
  if (clipValueMin > clipValueMax) {
    throw new RangeError(`${op}: clipValueMin (${clipValueMin}) must be <= clipValueMax (${clipValueMax})`);
  }
  const out = empty(x.shape, op);
  if (out.size > 0) kernels().clip(x.ptr, out.ptr, out.size, lo, hi);
  return record(op, out, [x], (dy) => [where(mul(greaterEqual(x, lo), lessEqual(x, hi)), dy, 0)]);
}

/**
 * -x, element-wise: a new tensor of x's shape.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 */
export function neg(x: Tensor): Tensor { return record('neg', unary('neg', x), [x], (dy) => [neg(dy)]); }

/**
 * |x|, element-wise. Its gradient is dy·sign(x): 0 at x = 0.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * abs(tensor([-1, 2])).toArray(); // [1, 2]
 */
export function abs(x: Tensor): Tensor { return record('abs', unary('abs', x), [x], (dy) => [mul(dy, sign(x))]); }

/**
 * -1, 0 or 1 by the sign of x, element-wise, as Math.sign (±0 and NaN stay as they are). It has no gradient
 * (zero, as in TF.js).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * sign(tensor([-3, 0, 2])).toArray(); // [-1, 0, 1]
 */
export function sign(x: Tensor): Tensor { return unary('sign', x); }

/**
 * e ** x, element-wise.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * exp(tensor([0, 1])).toArray(); // [1, 2.7182817]
 */
export function exp(x: Tensor): Tensor {
  const y = unary('exp', x);
  return record('exp', y, [x], (dy) => [mul(dy, y)]);
}

/**
 * Natural logarithm, element-wise (NaN below 0, -Infinity at 0).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * log(tensor([1, 0, -1])).toArray(); // [0, -Infinity, NaN]
 */
export function log(x: Tensor): Tensor { return record('log', unary('log', x), [x], (dy) => [div(dy, x)]); }

/**
 * Square root, element-wise (NaN below 0).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  const y = unary('sqrt', x);
  return record('sqrt', y, [x], (dy) => [div(dy, mul(y, 2))]);
}

/**
 * x * x, element-wise.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * square(tensor([3])).toArray(); // [9]
 */
export function square(x: Tensor): Tensor { return record('square', unary('square', x), [x], (dy) => [mul(dy, mul(x, 2))]); }
