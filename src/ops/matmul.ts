import { ACT_NONE, GEMM_TRANS_A, GEMM_TRANS_B } from '../../assembly/layout';
import { gemm } from '../runtime/threads';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { broadcastShapes, broadcastStrides, sizeOf, stridesOf } from '../tensor/shape';
import { checkTensor, empty, wrap, type Tensor } from '../tensor/tensor';
import { mul } from './elementwise';
import { reshape, transpose } from './shape';
import { reduceTo } from './reduce';
import { record } from '../tensor/tape';
import { checkOptionKeys } from '../tensor/options';

/**
 * Options of `matmul`.
 * @example
 * const options: MatmulOptions = { transposeB: true };
 * matmul(ones([2, 3]), ones([4, 3]), options).shape; // [2, 4]
 */
export interface MatmulOptions {
  /** Use the transpose of a's last two axes (no copy is made). */
  transposeA?: boolean;
  /** Use the transpose of b's last two axes (no copy is made). */
  transposeB?: boolean;
}

/**
 * Matrix product with NumPy matmul semantics: 2-D·2-D, batched N-d with broadcast batch axes, and 1-D operands
 * promoted to a row (a) or column (b) that is removed from the result. `transposeA` and `transposeB` use the
 * transpose of the last two axes, read in place. Large products run on the thread pool (see `setThreads`), with the
 * same result for any thread count.
 * @throws ShapeError for a scalar operand, inner sizes that differ or batch axes that do not broadcast; TypeError or
 * DisposedError unless a and b are live Tensors; TypeError for options that are not an object of booleans, RangeError
 * for an unknown option key (naming the nearest valid one).
 * @example
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray();   // [[17], [39]]
 * matmul(ones([8, 3, 4]), ones([5, 4]), { transposeB: true }).shape; // [8, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const out = product(a, b, options, 'matmul');
  return record('matmul', out, [a, b], (dy, needs) => matmulBackward(a, b, options, dy, needs));
}

// The gradients of op(a)·op(b) from dy: dA = dy·op(b)ᵀ and dB = op(a)ᵀ·dy, each written as one product with the
// transposes read in place, then summed over broadcast batch axes. 1-D operands are seen as a row (a) or column (b).
function matmulBackward(a: Tensor, b: Tensor, options: MatmulOptions, dy: Tensor, needs: readonly boolean[]): (Tensor | null)[] {
  const tA = a.rank > 1 && options.transposeA === true, tB = b.rank > 1 && options.transposeB === true;
  const A = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const B = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const batch = dy.shape.slice(0, dy.rank - (a.rank === 1 ? 0 : 1) - (b.rank === 1 ? 0 : 1));
  const m = tA ? A.shape[A.rank - 1] : A.shape[A.rank - 2], n = tB ? B.shape[B.rank - 2] : B.shape[B.rank - 1];
  const D = reshape(dy, [...batch, m, n]);
  let da: Tensor | null = null, db: Tensor | null = null;
  if (needs[0]) {
    const g = tA ? matmul(B, D, { transposeA: tB, transposeB: true }) : matmul(D, B, { transposeB: !tB });
    da = reshape(reduceTo(g, [...A.shape.slice(0, -2), ...g.shape.slice(-2)]), a.shape);
  }
  if (needs[1]) {
    const g = tB ? matmul(D, A, { transposeA: true, transposeB: tA }) : matmul(A, D, { transposeA: !tA });
    db = reshape(reduceTo(g, [...B.shape.slice(0, -2), ...g.shape.slice(-2)]), b.shape);
  }
  return [da, db];
}

function product(a: Tensor, b: Tensor, options: MatmulOptions, op: string): Tensor {
  checkTensor(a, op, 'a');
  checkTensor(b, op, 'b');
  checkOptionKeys(op, options, ['transposeA', 'transposeB']);
  for (const name of ['transposeA', 'transposeB'] as const) {
    const flag: unknown = options[name];
    if (flag !== undefined && typeof flag !== 'boolean') throw new TypeError(`${op}: options.${name} must be true or false, got ${showValue(flag)}`);
  }
  if (a.rank === 0 || b.rank === 0) throw new ShapeError(`${op}: a is ${showShape(a.shape)} and b is ${showShape(b.shape)}; scalars have no matrix product (use mul)`);
  const transA = a.rank > 1 && options.transposeA === true;
  const transB = b.rank > 1 && options.transposeB === true;
  const sa = a.rank === 1 ? [1, a.shape[0]] : a.shape;
  const sb = b.rank === 1 ? [b.shape[0], 1] : b.shape;
  const [ra, ca] = sa.slice(-2);
  const [rb, cb] = sb.slice(-2);
  const m = transA ? ca : ra, k = transA ? ra : ca;
  const kb = transB ? cb : rb, n = transB ? rb : cb;
  if (k !== kb) {
    const name = (t: boolean, s: string): string => (t ? `${s}ᵀ` : s);
    throw new ShapeError(`${op}: a is ${showShape(a.shape)} and b is ${showShape(b.shape)}; inner sizes of ${name(transA, 'a')} and ${name(transB, 'b')} differ (${k} and ${kb})`);
  }
  const batchA = sa.slice(0, -2), batchB = sb.slice(0, -2);
  if (!batchA.every((d, i) => { const e = batchB[batchB.length - batchA.length + i] ?? 1; return d === e || d === 1 || e === 1; })) {
    throw new ShapeError(`${op}: a is ${showShape(a.shape)} and b is ${showShape(b.shape)}; batch axes ${showShape(batchA)} and ${showShape(batchB)} do not broadcast`);
  }
  const batch = broadcastShapes(batchA, batchB, op);
  const shape = [...batch, ...(a.rank === 1 ? [] : [m]), ...(b.rank === 1 ? [] : [n])];
  const out = empty(shape, op);
  if (out.size === 0) return out;
  const count = sizeOf(batch);
  const stepA = broadcastStrides(batchA, batch), stepB = broadcastStrides(batchB, batch);
  const index = stridesOf(batch);
  const flags = (transA ? GEMM_TRANS_A : 0) | (transB ? GEMM_TRANS_B : 0);
  for (let t = 0; t < count; t++) {
    let ia = 0, ib = 0;
    for (let d = 0, rest = t; d < batch.length; d++) {
      const i = Math.floor(rest / index[d]);
      rest -= i * index[d];
      ia += i * stepA[d];
      ib += i * stepB[d];
    }
    gemm(a.ptr + 4 * ia * m * k, transA ? m : k, b.ptr + 4 * ib * k * n, transB ? k : n, out.ptr + 4 * t * m * n, n,
      m, k, n, flags, 0, ACT_NONE, 0, 0);
  }
  return out;
}

/**
 * Dot product with NumPy's `dot` semantics: vector·vector gives a scalar; N-d·1-d sums over the last axis of a and
 * the only axis of b (shape a.shape[:-1]); N-d·M-d (M ≥ 2) sums over the last axis of a and the second-to-last of
 * b, giving shape a.shape[:-1] + b.shape[:-2] + b.shape[-1:] (for 2-D operands, the matrix product); a scalar
 * operand multiplies element-wise. Runs on the same packed GEMM as `matmul`, without copying the operands.
 * @throws ShapeError naming both shapes when the summed axes differ in size; TypeError or DisposedError unless a and
 * b are live Tensors.
 * @example
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item(); // 32
 * dot(ones([2, 3, 4]), ones([4])).shape;            // [2, 3]
 * dot(ones([2, 3, 4]), ones([5, 4, 6])).shape;      // [2, 3, 5, 6]
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  const op = 'dot';
  checkTensor(a, op, 'a');
  checkTensor(b, op, 'b');
  if (a.rank === 0 || b.rank === 0) return mul(a, b);
  const k = a.shape[a.rank - 1];
  const kb = b.rank === 1 ? b.shape[0] : b.shape[b.rank - 2];
  if (k !== kb) {
    const axis = b.rank === 1 ? 'only axis' : 'second-to-last axis';
    throw new ShapeError(`${op}: a is ${showShape(a.shape)} and b is ${showShape(b.shape)}; the last axis of a (${k}) and the ${axis} of b (${kb}) differ`);
  }
  const lead = a.shape.slice(0, -1), batch = b.shape.slice(0, -2);
  const n = b.rank === 1 ? 1 : b.shape[b.rank - 1];
  const out = empty(b.rank === 1 ? lead : [...lead, ...batch, n], op);
  // out viewed as [rows, count, n]: slice q of b (k×n) times a viewed as [rows, k] fills column block q of every
  // row, written with row stride count·n.
  const rows = sizeOf(lead), count = sizeOf(batch);
  for (let q = 0; q < count && out.size > 0; q++) {
    gemm(a.ptr, k, b.ptr + 4 * q * k * n, n, out.ptr + 4 * q * n, count * n, rows, k, n, 0, 0, ACT_NONE, 0, 0);
  }
  return record(op, out, [a, b], (dy, needs) => dotBackward(a, b, dy, needs, rows, count, k, n));
}

// The gradients of dot from dy viewed as [rows, count, n], a as A [rows, k] and b as B [count, k, n] (n = 1 for a
// 1-D b): dA = Σ_q dy[:, q]·B[q]ᵀ, dB[q] = Aᵀ·dy[:, q], in recorded ops (matmul, transpose, reshape).
function dotBackward(a: Tensor, b: Tensor, dy: Tensor, needs: readonly boolean[], rows: number, count: number, k: number, n: number): (Tensor | null)[] {
  const A = reshape(a, [rows, k]);
  let da: Tensor | null = null, db: Tensor | null = null;
  if (needs[0]) {
    // dy as [rows, count·n] times B laid out [count·n, k]: B[q] transposed, each q in turn.
    const D = reshape(dy, [rows, count * n]);
    const g = count === 1 ? matmul(D, reshape(b, [k, n]), { transposeB: true })
      : matmul(D, reshape(transpose(reshape(b, [count, k, n]), [0, 2, 1]), [count * n, k]));
    da = reshape(g, a.shape);
  }
  if (needs[1]) {
    // Aᵀ times dy[:, q] for each q: A broadcast against dy laid out [count, rows, n].
    const D = count === 1 ? reshape(dy, [1, rows, n]) : transpose(reshape(dy, [rows, count, n]), [1, 0, 2]);
    db = reshape(matmul(A, D, { transposeA: true }), b.shape);
  }
  return [da, db];
}

/**
 * Outer product out[i, j] = a[i]·b[j] of shape [a.size, b.size]; operands of any rank are flattened first (row-major),
 * as NumPy's `outer` does.
 * @throws TypeError or DisposedError unless a and b are live Tensors.
 * @example
 * outer(tensor([1, 2]), tensor([3, 4])).toArray(); // [[3, 4], [6, 8]]
 * outer(ones([2, 2]), tensor([1, 2, 3])).shape;    // [4, 3]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'outer', 'a');
  checkTensor(b, 'outer', 'b');
  // Unrecorded views, freed here: the recorded op is outer(a, b), whose backward reads a and b.
  const column = wrap(a.storage('outer', 'a'), [a.size, 1]);
  const row = wrap(b.storage('outer', 'b'), [1, b.size]);
  let out: Tensor;
  try {
    out = product(column, row, {}, 'outer');
  } finally {
    column.dispose();
    row.dispose();
  }
  // out[i, j] = a[i]·b[j]: da = dy·b and db = aᵀ·dy over the flattened operands.
  return record('outer', out, [a, b], (dy, needs) => [
    needs[0] ? reshape(matmul(dy, reshape(b, [b.size])), a.shape) : null,
    needs[1] ? reshape(matmul(reshape(a, [a.size]), dy), b.shape) : null,
  ]);
}
