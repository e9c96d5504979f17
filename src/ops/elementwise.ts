import { kernels } from '../runtime/wasm';
import { scalarPtr } from '../runtime/heap';
import { broadcastShapes, broadcastStrides, collapse } from '../tensor/shape';
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

function binary(op: keyof typeof Binary, a: Operand, b: Operand): Tensor {
  const shapeA = checkOperand(a, op, 'a');
  const shapeB = checkOperand(b, op, 'b');
  const shape = broadcastShapes(shapeA, shapeB, op);
  const out = empty(shape, op);
  if (out.size === 0) return out;
  const merged = collapse(shape, [broadcastStrides(shapeA, shape), broadcastStrides(shapeB, shape)]);
  const pa = typeof a === 'number' ? scalarPtr(0, a) : a.ptr;
  const pb = typeof b === 'number' ? scalarPtr(1, b) : b.ptr;
  const meta = writeMeta(merged.shape, merged.strides, op);
  kernels().binary(Binary[op], pa, pb, out.ptr, merged.shape.length, meta);
  return out;
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
 * a ** b, element-wise with broadcasting, as `add`.
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * pow(tensor([2, 3]), 2).toArray(); // [4, 9]
 */
export function pow(a: Operand, b: Operand): Tensor { return binary('pow', a, b); }

/**
 * The larger of a and b, element-wise with broadcasting (NaN if either is NaN).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * maximum(tensor([1, 5]), 3).toArray(); // [3, 5]
 */
export function maximum(a: Operand, b: Operand): Tensor { return binary('maximum', a, b); }

/**
 * The smaller of a and b, element-wise with broadcasting (NaN if either is NaN).
 * @throws ShapeError if the shapes do not broadcast; TypeError or DisposedError for an operand that is not a number or a live Tensor.
 * @example
 * minimum(tensor([1, 5]), 3).toArray(); // [1, 3]
 */
export function minimum(a: Operand, b: Operand): Tensor { return binary('minimum', a, b); }

/**
 * 1 where a > b, else 0, element-wise with broadcasting (0 where either is NaN).
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
 * -x, element-wise: a new tensor of x's shape.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * neg(tensor([1, -2])).toArray(); // [-1, 2]
 */
export function neg(x: Tensor): Tensor { return unary('neg', x); }

/**
 * |x|, element-wise.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * abs(tensor([-1, 2])).toArray(); // [1, 2]
 */
export function abs(x: Tensor): Tensor { return unary('abs', x); }

/**
 * e ** x, element-wise.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * exp(tensor([0, 1])).toArray(); // [1, 2.7182817]
 */
export function exp(x: Tensor): Tensor { return unary('exp', x); }

/**
 * Natural logarithm, element-wise (NaN below 0, -Infinity at 0).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * log(tensor([1, 0, -1])).toArray(); // [0, -Infinity, NaN]
 */
export function log(x: Tensor): Tensor { return unary('log', x); }

/**
 * Square root, element-wise (NaN below 0).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * sqrt(tensor([4, 9])).toArray(); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor { return unary('sqrt', x); }

/**
 * x * x, element-wise.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * square(tensor([3])).toArray(); // [9]
 */
export function square(x: Tensor): Tensor { return unary('square', x); }
