import { f32View } from '../runtime/heap';
import { DisposedError, showShape, showValue } from './errors';
import { allocStorage, releaseOwner, retain, type Storage } from './storage';
import { MAX_SIZE, sizeOf, stridesOf } from './shape';
import { formatTensor } from './format';
import * as elementwise from '../ops/elementwise';
import * as activation from '../ops/activation';
import * as reduction from '../ops/reduce';
import * as linalg from '../ops/matmul';
import * as shaping from '../ops/shape';

/** A tensor operand: a Tensor, or a number used as a scalar. */
export type Operand = Tensor | number;
/** Nested arrays of numbers, as `toArray()` returns them (a number for a scalar). */
export type NestedArray = number | NestedArray[];

const CREATE = Symbol('create');

/**
 * An N-dimensional float32 array whose values live in wasm memory (row-major). Create tensors with
 * `tensor`, `zeros`, `rand` and friends; free them with `dispose()` or `tidy()`.
 * @example
 * const a = tensor([[1, 2], [3, 4]]);
 * console.log(a.matmul(a.T).toArray()); // [[5, 11], [11, 25]]
 */
export class Tensor {
  /** Dimensions, outermost first; [] for a scalar. */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** Element type; always 'float32'. */
  readonly dtype = 'float32' as const;
  #storage: Storage | null;

  /** Internal: tensors come from `tensor()`, `zeros()` and the ops. */
  constructor(token: symbol, storage: Storage, shape: readonly number[]) {
    if (token !== CREATE) throw new TypeError('Tensor: create tensors with tensor(), zeros() or another factory');
    this.shape = Object.freeze(shape.slice());
    this.size = sizeOf(shape);
    this.#storage = storage;
    retain(this, storage);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#storage === null;
  }

  /** Byte offset of the values in the shared wasm memory; throws if disposed. */
  get ptr(): number {
    return this.storage('ptr').ptr;
  }

  /** Internal: the storage, for ops that share it (reshape); throws DisposedError naming the op. */
  storage(op: string, arg = 'tensor'): Storage {
    if (this.#storage === null) throw new DisposedError(`${op}: ${arg} was disposed`);
    return this.#storage;
  }

  /** Frees the values now (idempotent). Using the tensor afterwards throws DisposedError. */
  dispose(): void {
    if (this.#storage === null) return;
    const storage = this.#storage;
    this.#storage = null;
    releaseOwner(this, storage);
  }

  /** A copy of the values (row-major). */
  dataSync(): Float32Array {
    const ptr = this.storage('dataSync').ptr;
    return f32View(ptr, this.size).slice();
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    this.storage('toArray'); // so that the error names toArray, not dataSync
    const data = this.dataSync();
    const build = (d: number, offset: number): NestedArray => {
      if (d === this.rank) return data[offset];
      const step = sizeOf(this.shape.slice(d + 1));
      return Array.from({ length: this.shape[d] }, (_, i) => build(d + 1, offset + i * step));
    };
    return build(0, 0);
  }

  /** The only value of a one-element tensor. */
  item(): number {
    const ptr = this.storage('item').ptr;
    if (this.size !== 1) throw new RangeError(`item: tensor has shape ${showShape(this.shape)}, not exactly one element`);
    return f32View(ptr, 1)[0];
  }

  #offset(op: string, index: readonly unknown[]): number {
    if (index.length !== this.rank) {
      throw new RangeError(`${op}: got ${index.length} indices for a tensor of shape ${showShape(this.shape)}`);
    }
    const strides = stridesOf(this.shape);
    let offset = 0;
    index.forEach((i, d) => {
      const n = this.shape[d];
      if (typeof i !== 'number' || !Number.isInteger(i)) throw new TypeError(`${op}: index ${d} must be an integer, got ${showValue(i)}`);
      if (i < -n || i >= n) throw new RangeError(`${op}: index ${i} is out of range for axis ${d} of size ${n} (shape ${showShape(this.shape)})`);
      offset += (i < 0 ? i + n : i) * strides[d];
    });
    return offset;
  }

  /** The value at an index (negative indices count from the end). */
  get(...index: number[]): number {
    const ptr = this.storage('get').ptr;
    return f32View(ptr + 4 * this.#offset('get', index), 1)[0];
  }

  /** Writes a value at an index, in place (visible through tensors that share the storage). */
  set(value: number, ...index: number[]): void {
    const ptr = this.storage('set').ptr;
    if (typeof value !== 'number') throw new TypeError(`set: value must be a number, got ${showValue(value)}`);
    f32View(ptr + 4 * this.#offset('set', index), 1)[0] = value;
  }

  /** NumPy-style text, summarised with '...' for large tensors. */
  toString(): string {
    if (this.disposed) return 'tensor(<disposed>)';
    return formatTensor(this.dataSync(), this.shape);
  }

  /** Prints toString() to the console. */
  print(): void {
    console.log(this.toString());
  }

  /** A copy with its own storage. */
  clone(): Tensor { return shaping.clone(this); }
  /** Same values, new shape (one dimension may be -1); shares storage. */
  reshape(shape: readonly number[]): Tensor { return shaping.reshape(this, shape); }
  /** A 1-D tensor of the values; shares storage. */
  flatten(): Tensor { return shaping.reshape(this, [-1]); }
  /** Permutes the axes (default: reversed). */
  transpose(perm?: readonly number[]): Tensor { return shaping.transpose(this, perm); }
  /** The transpose with axes reversed, like NumPy's `.T`. */
  get T(): Tensor { return shaping.transpose(this); }
  /** Removes size-1 axes (all of them, or those given). */
  squeeze(axis?: number | readonly number[]): Tensor { return shaping.squeeze(this, axis); }
  /** Inserts a size-1 axis at `axis`. */
  expandDims(axis = 0): Tensor { return shaping.expandDims(this, axis); }
  /** A block starting at `begin` of extent `size` (-1: to the end) per axis. */
  slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor { return shaping.slice(this, begin, size); }
  /** Selects entries along `axis` by index. */
  gather(indices: readonly number[] | Tensor, axis = 0): Tensor { return shaping.gather(this, indices, axis); }
  /** Row `i` (index along axis 0) with that axis removed. */
  row(i: number): Tensor { return shaping.indexAxis(this, 0, i, 'row'); }
  /** Column `j` (index along axis 1) with that axis removed. */
  column(j: number): Tensor { return shaping.indexAxis(this, 1, j, 'column'); }

  /** this + b, broadcasting. */
  add(b: Operand): Tensor { return elementwise.add(this, b); }
  /** this - b, broadcasting. */
  sub(b: Operand): Tensor { return elementwise.sub(this, b); }
  /** this * b, broadcasting. */
  mul(b: Operand): Tensor { return elementwise.mul(this, b); }
  /** this / b, broadcasting. */
  div(b: Operand): Tensor { return elementwise.div(this, b); }
  /** this ** b, broadcasting. */
  pow(b: Operand): Tensor { return elementwise.pow(this, b); }
  /** Element-wise larger value (NaN if either is NaN), broadcasting. */
  maximum(b: Operand): Tensor { return elementwise.maximum(this, b); }
  /** Element-wise smaller value (NaN if either is NaN), broadcasting. */
  minimum(b: Operand): Tensor { return elementwise.minimum(this, b); }
  /** 1 where this > b, else 0. */
  greater(b: Operand): Tensor { return elementwise.greater(this, b); }
  /** 1 where this < b, else 0. */
  less(b: Operand): Tensor { return elementwise.less(this, b); }
  /** 1 where this == b, else 0. */
  equal(b: Operand): Tensor { return elementwise.equal(this, b); }
  /** -this. */
  neg(): Tensor { return elementwise.neg(this); }
  /** |this|. */
  abs(): Tensor { return elementwise.abs(this); }
  /** e ** this. */
  exp(): Tensor { return elementwise.exp(this); }
  /** Natural logarithm. */
  log(): Tensor { return elementwise.log(this); }
  /** Square root. */
  sqrt(): Tensor { return elementwise.sqrt(this); }
  /** this * this. */
  square(): Tensor { return elementwise.square(this); }

  /** 1 / (1 + e ** -this). */
  sigmoid(): Tensor { return activation.sigmoid(this); }
  /** max(this, 0). */
  relu(): Tensor { return activation.relu(this); }
  /** this where positive, alpha * this elsewhere. */
  leakyRelu(alpha?: number): Tensor { return activation.leakyRelu(this, alpha); }
  /** Hyperbolic tangent. */
  tanh(): Tensor { return activation.tanh(this); }
  /** exp(this) / sum(exp(this)) along `axis` (default last). */
  softmax(axis?: number): Tensor { return activation.softmax(this, axis); }

  /** Sum over `axis` (one, several, or all when omitted). */
  sum(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.sum(this, axis, keepDims); }
  /** Mean over `axis`. */
  mean(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.mean(this, axis, keepDims); }
  /** Maximum over `axis`. */
  max(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.max(this, axis, keepDims); }
  /** Minimum over `axis`. */
  min(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.min(this, axis, keepDims); }
  /** Index of the maximum over `axis` (flat index over several or all axes). */
  argmax(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.argmax(this, axis, keepDims); }
  /** Index of the minimum over `axis`. */
  argmin(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.argmin(this, axis, keepDims); }

  /** Matrix product with NumPy matmul semantics. */
  matmul(b: Tensor, options?: linalg.MatmulOptions): Tensor { return linalg.matmul(this, b, options); }
  /** Dot product (rank ≤ 2). */
  dot(b: Tensor): Tensor { return linalg.dot(this, b); }
}

/** Internal: wraps storage as a tensor of `shape`. */
export function wrap(storage: Storage, shape: readonly number[]): Tensor {
  return new Tensor(CREATE, storage, shape);
}

/** Internal: a new tensor with uninitialized values; `shape` must already be checked. */
export function empty(shape: readonly number[], op: string): Tensor {
  const size = sizeOf(shape);
  if (size > MAX_SIZE) throw new RangeError(`${op}: result shape ${showShape(shape)} has ${size} elements; the limit is ${MAX_SIZE}`);
  return wrap(allocStorage(size, op), shape);
}

/** Internal: checks that `x` is a live Tensor; the error names the op and the argument. */
export function checkTensor(x: unknown, op: string, arg = 'x'): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${showValue(x)}`);
  if (x.disposed) throw new DisposedError(`${op}: ${arg} was disposed`);
  return x;
}
