import { f32View } from '../runtime/heap';
import { DisposedError, showShape, showValue } from './errors';
import { allocStorage, releaseOwner, retain, type Storage } from './storage';
import { MAX_SIZE, sizeOf, stridesOf } from './shape';
import { formatTensor } from './format';
import { formatTfjs } from './format-tfjs';
import * as elementwise from '../ops/elementwise';
import * as activation from '../ops/activation';
import * as reduction from '../ops/reduce';
import * as linalg from '../ops/matmul';
import * as shaping from '../ops/shape';
import * as gathering from '../ops/gather';
import * as pooling from '../ops/pool';
import * as normalization from '../ops/norm';

/**
 * A tensor operand: a Tensor, or a number used as a scalar (broadcast to any shape).
 * @example
 * const operands: Operand[] = [tensor([1, 2]), 10];
 * add(operands[0], operands[1]).toArray(); // [11, 12]
 */
export type Operand = Tensor | number;
/**
 * Nested arrays of numbers, as `toArray()` returns them (a number for a scalar).
 * @example
 * const rows: NestedArray = [[1, 2], [3, 4]];
 * tensor(rows).shape; // [2, 2]
 */
export type NestedArray = number | NestedArray[];

/** Internal: the token the Tensor constructor takes (subclasses such as Variable pass it on). */
export const CREATE = Symbol('create');

/**
 * An N-dimensional float32 array whose values live in wasm memory (row-major). Create tensors with
 * {@link tensor}, {@link zeros}, {@link rand} and the other factories, not with `new`; free them with `dispose()`
 * or {@link tidy} (or leave them to the garbage collector). Every op is also a method: `a.add(b)` is `add(a, b)`.
 * Once it is disposed, reading its values throws a DisposedError; methods also throw what the op they call throws.
 * @example
 * const a = tensor([[1, 2], [3, 4]]);
 * a.matmul(a.T).toArray(); // [[5, 11], [11, 25]]
 */
export class Tensor {
  /**
   * Dimensions, outermost first; [] for a scalar. Frozen.
   * @example
   * tensor([[1, 2, 3], [4, 5, 6]]).shape; // [2, 3]
   */
  readonly shape: readonly number[];
  /**
   * Number of elements: the product of the dimensions (1 for a scalar).
   * @example
   * zeros([2, 3]).size; // 6
   */
  readonly size: number;
  /**
   * Element type; always 'float32'.
   * @example
   * scalar(1).dtype; // 'float32'
   */
  readonly dtype = 'float32' as const;
  #storage: Storage | null;

  /**
   * Tensors come from `tensor()`, `zeros()` and the ops; any other token throws a TypeError.
   * @internal
   */
  constructor(token: symbol, storage: Storage, shape: readonly number[]) {
    if (token !== CREATE) throw new TypeError('Tensor: create tensors with tensor(), zeros() or another factory');
    this.shape = Object.freeze(shape.slice());
    this.size = sizeOf(shape);
    this.#storage = storage;
    retain(this, storage);
  }

  /**
   * Number of dimensions (0 for a scalar).
   * @example
   * zeros([2, 3, 4]).rank; // 3
   */
  get rank(): number {
    return this.shape.length;
  }

  /**
   * Whether `dispose()` was called.
   * @example
   * const t = zeros([2]);
   * t.dispose();
   * t.disposed; // true
   */
  get disposed(): boolean {
    return this.#storage === null;
  }

  /**
   * Byte offset of the values in the shared wasm memory (16-byte aligned); tensors that share storage (views from
   * reshape, squeeze, expandDims, flatten) have the same one. Throws a DisposedError once disposed.
   * @example
   * const t = zeros([4]);
   * t.reshape([2, 2]).ptr === t.ptr; // true
   */
  get ptr(): number {
    return this.storage('ptr').ptr;
  }

  /**
   * The storage, for ops that share it (reshape); throws a DisposedError naming the op.
   * @internal
   */
  storage(op: string, arg = 'tensor'): Storage {
    if (this.#storage === null) throw new DisposedError(`${op}: ${arg} was disposed`);
    return this.#storage;
  }

  /**
   * Frees the values now (calling it again does nothing). Using the tensor afterwards throws a DisposedError.
   * Views share storage, which is freed once every tensor over it is disposed.
   * @example
   * const before = memory().numTensors;
   * const t = zeros([1000]);
   * t.dispose();
   * memory().numTensors - before; // 0
   */
  dispose(): void {
    if (this.#storage === null) return;
    const storage = this.#storage;
    this.#storage = null;
    releaseOwner(this, storage);
  }

  /**
   * A copy of the values, row-major, as a Float32Array.
   * @example
   * tensor([[1, 2], [3, 4]]).dataSync(); // [1, 2, 3, 4]
   */
  dataSync(): Float32Array {
    const ptr = this.storage('dataSync').ptr;
    return f32View(ptr, this.size).slice();
  }

  /**
   * The values as nested arrays of numbers (a number for a scalar).
   * @example
   * tensor([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   * scalar(5).toArray(); // 5
   */
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

  /**
   * The only value of a one-element tensor, of any rank; throws a RangeError for other sizes.
   * @example
   * tensor([[7]]).item(); // 7
   */
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

  /**
   * The value at an index, one integer per axis (negative ones count from the end). Throws a RangeError for the
   * wrong number of indices or one out of range, a TypeError for one that is not an integer.
   * @example
   * tensor([[1, 2], [3, 4]]).get(1, -1); // 4
   */
  get(...index: number[]): number {
    const ptr = this.storage('get').ptr;
    return f32View(ptr + 4 * this.#offset('get', index), 1)[0];
  }

  /**
   * Writes `value` at an index (as `get` takes it), in place: tensors that share the storage see it too. Throws as
   * `get` does, and a TypeError if value is not a number.
   * @example
   * const t = zeros([2, 2]);
   * t.set(5, 0, 1);
   * t.toArray(); // [[0, 5], [0, 0]]
   */
  set(value: number, ...index: number[]): void {
    const ptr = this.storage('set').ptr;
    if (typeof value !== 'number') throw new TypeError(`set: value must be a number, got ${showValue(value)}`);
    f32View(ptr + 4 * this.#offset('set', index), 1)[0] = value;
  }

  /**
   * NumPy-style text; beyond 1000 elements each axis shows its first and last 3 entries around '...'. A disposed
   * tensor gives 'tensor(<disposed>)'.
   * @example
   * tensor([[1, 2], [3, 4]]).toString(); // 'tensor([[1, 2],\n        [3, 4]])'
   */
  toString(): string {
    if (this.disposed) return 'tensor(<disposed>)';
    return formatTensor(this.dataSync(), this.shape);
  }

  /**
   * Logs the values with console.log in TensorFlow.js's form (`Tensor` then the values, indented), so that programs
   * moved from TF.js print what they printed; `verbose` adds the dtype, rank and shape, as TF.js's. `toString()`
   * gives NumPy's form instead. Throws a DisposedError once disposed.
   * @example
   * tensor([[1, 2], [3, 4]]).print(); // logs 'Tensor\n    [[1, 2],\n     [3, 4]]'
   * scalar(0.5).print(true); // logs 'Tensor\n  dtype: float32\n  rank: 0\n  shape: []\n  values:\n    0.5'
   */
  print(verbose = false): void {
    const ptr = this.storage('print').ptr;
    console.log(formatTfjs(f32View(ptr, this.size), this.shape, verbose === true));
  }

  /**
   * A copy of the values as a Float32Array, resolved asynchronously, as TensorFlow.js's `data()` (here the values are
   * in wasm memory already, so it is `dataSync()` in a promise). Rejects with a DisposedError once disposed.
   * @example
   * await tensor([[1, 2], [3, 4]]).data(); // [1, 2, 3, 4]
   */
  data(): Promise<Float32Array> {
    try {
      this.storage('data');
      return Promise.resolve(this.dataSync());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The values as nested arrays (a number for a scalar), as TensorFlow.js's `arraySync()`: the same as `toArray()`.
   * Throws a DisposedError once disposed.
   * @example
   * tensor([[1, 2], [3, 4]]).arraySync(); // [[1, 2], [3, 4]]
   */
  arraySync(): NestedArray {
    this.storage('arraySync');
    return this.toArray();
  }

  /**
   * The values as nested arrays, resolved asynchronously, as TensorFlow.js's `array()`. Rejects with a DisposedError
   * once disposed.
   * @example
   * await tensor([1, 2]).array(); // [1, 2]
   */
  array(): Promise<NestedArray> {
    try {
      return Promise.resolve(this.arraySync());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The values converted as TensorFlow.js's `cast(dtype)` converts them, held as float32 (simdeep's only dtype):
   * 'float32' copies, 'int32' truncates toward zero, 'bool' gives 1 where the value is not 0, else 0.
   * @throws TypeError for another dtype; DisposedError once disposed.
   * @example
   * tensor([1.7, -1.7, 0]).cast('int32').toArray(); // [1, -1, 0]
   * tensor([2, 0]).cast('bool').toArray(); // [1, 0]
   */
  cast(dtype: 'float32' | 'int32' | 'bool'): Tensor {
    this.storage('cast');
    if (dtype === 'float32') return shaping.clone(this);
    if (dtype === 'bool') return elementwise.notEqual(this, 0);
    if (dtype !== 'int32') throw new TypeError(`cast: dtype ${showValue(dtype)} is not supported: simdeep tensors are float32 (casts to 'float32', 'int32' and 'bool' are held as float32)`);
    const out = empty(this.shape, 'cast'); // views after the allocation: it may grow the memory
    const from = f32View(this.ptr, this.size), to = f32View(out.ptr, out.size);
    for (let i = 0; i < from.length; i++) to[i] = Math.trunc(from[i]);
    return out;
  }

  /**
   * A copy with its own storage; see {@link clone}.
   * @example
   * tensor([1, 2]).clone().toArray(); // [1, 2]
   */
  clone(): Tensor { return shaping.clone(this); }
  /**
   * The same values in a new shape (one dimension may be -1), sharing storage; see {@link reshape}.
   * @example
   * arange(6).reshape([3, -1]).shape; // [3, 2]
   */
  reshape(shape: readonly number[]): Tensor { return shaping.reshape(this, shape); }
  /**
   * The values as a 1-D tensor, sharing storage.
   * @example
   * tensor([[1, 2], [3, 4]]).flatten().toArray(); // [1, 2, 3, 4]
   */
  flatten(): Tensor { return shaping.reshape(this, [-1]); }
  /**
   * The axes permuted (default: reversed), as a copy; see {@link transpose}.
   * @example
   * zeros([2, 3, 4]).transpose([0, 2, 1]).shape; // [2, 4, 3]
   */
  transpose(perm?: readonly number[]): Tensor { return shaping.transpose(this, perm); }
  /**
   * The transpose with the axes reversed, as NumPy's `.T` (a copy).
   * @example
   * tensor([[1, 2], [3, 4]]).T.toArray(); // [[1, 3], [2, 4]]
   */
  get T(): Tensor { return shaping.transpose(this); }
  /**
   * Without size-1 axes (all of them, or those given), sharing storage; see {@link squeeze}.
   * @example
   * tensor([[1], [2]]).squeeze().shape; // [2]
   */
  squeeze(axis?: number | readonly number[]): Tensor { return shaping.squeeze(this, axis); }
  /**
   * With a size-1 axis inserted at `axis` (default 0), sharing storage; see {@link expandDims}.
   * @example
   * tensor([1, 2]).expandDims().shape; // [1, 2]
   */
  expandDims(axis = 0): Tensor { return shaping.expandDims(this, axis); }
  /**
   * A copy of the block starting at `begin` with extent `size` (-1: to the end) per axis; see {@link slice}.
   * @example
   * tensor([[1, 2], [3, 4]]).slice(1).toArray(); // [[3, 4]]
   */
  slice(begin: number | readonly number[], size?: number | readonly number[]): Tensor { return shaping.slice(this, begin, size); }
  /**
   * With `paddings[d] = [before, after]` entries of `constantValue` (default 0) around each axis d; see {@link pad}.
   * @example
   * tensor([1, 2]).pad([[1, 1]]).toArray(); // [0, 1, 2, 0]
   */
  pad(paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor { return shaping.pad(this, paddings, constantValue); }
  /**
   * The entries at `indices` along `axis` (default 0), with `batchDims` leading batch axes; see {@link gather}.
   * @example
   * tensor([[1, 2], [3, 4]]).gather([1, 1]).toArray(); // [[3, 4], [3, 4]]
   */
  gather(indices: readonly number[] | Tensor, axis = 0, batchDims = 0): Tensor { return gathering.gather(this, indices, axis, batchDims); }
  /**
   * Row `i` (index `i` along axis 0, negative from the end) with that axis removed, as a copy.
   * @example
   * tensor([[1, 2], [3, 4]]).row(0).toArray(); // [1, 2]
   */
  row(i: number): Tensor { return shaping.indexAxis(this, 0, i, 'row'); }
  /**
   * Column `j` (index `j` along axis 1, negative from the end) with that axis removed, as a copy.
   * @example
   * tensor([[1, 2], [3, 4]]).column(1).toArray(); // [2, 4]
   */
  column(j: number): Tensor { return shaping.indexAxis(this, 1, j, 'column'); }

  /**
   * this + b, broadcasting; see {@link add}.
   * @example
   * tensor([1, 2]).add(10).toArray(); // [11, 12]
   */
  add(b: Operand): Tensor { return elementwise.add(this, b); }
  /**
   * this - b, broadcasting; see {@link sub}.
   * @example
   * tensor([5, 6]).sub(tensor([1, 2])).toArray(); // [4, 4]
   */
  sub(b: Operand): Tensor { return elementwise.sub(this, b); }
  /**
   * this * b, broadcasting; see {@link mul}.
   * @example
   * tensor([[1, 2], [3, 4]]).mul(tensor([10, 100])).toArray(); // [[10, 200], [30, 400]]
   */
  mul(b: Operand): Tensor { return elementwise.mul(this, b); }
  /**
   * this / b, broadcasting; see {@link div}.
   * @example
   * tensor([1, 2]).div(4).toArray(); // [0.25, 0.5]
   */
  div(b: Operand): Tensor { return elementwise.div(this, b); }
  /**
   * this ** b, broadcasting; see {@link pow}.
   * @example
   * tensor([2, 3]).pow(3).toArray(); // [8, 27]
   */
  pow(b: Operand): Tensor { return elementwise.pow(this, b); }
  /**
   * The larger of this and b, element-wise, broadcasting (NaN if either is NaN); see {@link maximum}.
   * @example
   * tensor([1, 5]).maximum(3).toArray(); // [3, 5]
   */
  maximum(b: Operand): Tensor { return elementwise.maximum(this, b); }
  /**
   * The smaller of this and b, element-wise, broadcasting (NaN if either is NaN); see {@link minimum}.
   * @example
   * tensor([1, 5]).minimum(3).toArray(); // [1, 3]
   */
  minimum(b: Operand): Tensor { return elementwise.minimum(this, b); }
  /**
   * 1 where this > b, else 0, broadcasting; see {@link greater}.
   * @example
   * tensor([1, 5]).greater(3).toArray(); // [0, 1]
   */
  greater(b: Operand): Tensor { return elementwise.greater(this, b); }
  /**
   * 1 where this < b, else 0, broadcasting; see {@link less}.
   * @example
   * tensor([1, 5]).less(3).toArray(); // [1, 0]
   */
  less(b: Operand): Tensor { return elementwise.less(this, b); }
  /**
   * 1 where this == b, else 0, broadcasting; see {@link equal}.
   * @example
   * tensor([1, 3]).equal(3).toArray(); // [0, 1]
   */
  equal(b: Operand): Tensor { return elementwise.equal(this, b); }
  /**
   * 1 where this >= b, else 0, broadcasting; see {@link greaterEqual}.
   * @example
   * tensor([1, 3, 5]).greaterEqual(3).toArray(); // [0, 1, 1]
   */
  greaterEqual(b: Operand): Tensor { return elementwise.greaterEqual(this, b); }
  /**
   * 1 where this <= b, else 0, broadcasting; see {@link lessEqual}.
   * @example
   * tensor([1, 3, 5]).lessEqual(3).toArray(); // [1, 1, 0]
   */
  lessEqual(b: Operand): Tensor { return elementwise.lessEqual(this, b); }
  /**
   * 1 where this != b, else 0, broadcasting; see {@link notEqual}.
   * @example
   * tensor([1, 3]).notEqual(3).toArray(); // [1, 0]
   */
  notEqual(b: Operand): Tensor { return elementwise.notEqual(this, b); }
  /**
   * this where `condition` is nonzero, b elsewhere, broadcasting all three, as TF.js's `x.where(condition, b)`;
   * see {@link where}.
   * @example
   * tensor([1, 2, 3]).where(tensor([1, 0, 1]), 0).toArray(); // [1, 0, 3]
   */
  where(condition: Tensor, b: Operand): Tensor { return elementwise.where(condition, this, b); }
  /**
   * this clipped to [clipValueMin, clipValueMax], element-wise; see {@link clipByValue}.
   * @example
   * tensor([-2, 0.5, 3]).clipByValue(0, 1).toArray(); // [0, 0.5, 1]
   */
  clipByValue(clipValueMin: number, clipValueMax: number): Tensor { return elementwise.clipByValue(this, clipValueMin, clipValueMax); }
  /**
   * -this, element-wise.
   * @example
   * tensor([1, -2]).neg().toArray(); // [-1, 2]
   */
  neg(): Tensor { return elementwise.neg(this); }
  /**
   * |this|, element-wise.
   * @example
   * tensor([-1, 2]).abs().toArray(); // [1, 2]
   */
  abs(): Tensor { return elementwise.abs(this); }
  /**
   * e ** this, element-wise.
   * @example
   * tensor([0, 1]).exp().toArray(); // [1, 2.7182817]
   */
  exp(): Tensor { return elementwise.exp(this); }
  /**
   * Natural logarithm, element-wise (NaN below 0, -Infinity at 0).
   * @example
   * tensor([1, 0]).log().toArray(); // [0, -Infinity]
   */
  log(): Tensor { return elementwise.log(this); }
  /**
   * Square root, element-wise (NaN below 0).
   * @example
   * tensor([4, 9]).sqrt().toArray(); // [2, 3]
   */
  sqrt(): Tensor { return elementwise.sqrt(this); }
  /**
   * this * this, element-wise.
   * @example
   * tensor([-3, 2]).square().toArray(); // [9, 4]
   */
  square(): Tensor { return elementwise.square(this); }
  /**
   * -1, 0 or 1 by the sign of this, element-wise; see {@link sign}.
   * @example
   * tensor([-3, 0, 2]).sign().toArray(); // [-1, 0, 1]
   */
  sign(): Tensor { return elementwise.sign(this); }

  /**
   * 1 / (1 + e ** -this), element-wise; see {@link sigmoid}.
   * @example
   * tensor([0]).sigmoid().toArray(); // [0.5]
   */
  sigmoid(): Tensor { return activation.sigmoid(this); }
  /**
   * max(this, 0), element-wise; see {@link relu}.
   * @example
   * tensor([-1, 2]).relu().toArray(); // [0, 2]
   */
  relu(): Tensor { return activation.relu(this); }
  /**
   * this where positive, alpha · this elsewhere (alpha defaults to 0.2); see {@link leakyRelu}.
   * @example
   * tensor([-1, 2]).leakyRelu().toArray(); // [-0.2, 2]
   */
  leakyRelu(alpha?: number): Tensor { return activation.leakyRelu(this, alpha); }
  /**
   * Hyperbolic tangent, element-wise; see {@link tanh}.
   * @example
   * tensor([0]).tanh().toArray(); // [0]
   */
  tanh(): Tensor { return activation.tanh(this); }
  /**
   * The exponential linear unit, element-wise; see {@link elu}.
   * @example
   * tensor([0, 1]).elu().toArray(); // [0, 1]
   */
  elu(): Tensor { return activation.elu(this); }
  /**
   * The scaled exponential linear unit, element-wise; see {@link selu}.
   * @example
   * tensor([0]).selu().toArray(); // [0]
   */
  selu(): Tensor { return activation.selu(this); }
  /**
   * min(max(this, 0), 6), element-wise; see {@link relu6}.
   * @example
   * tensor([-1, 7]).relu6().toArray(); // [0, 6]
   */
  relu6(): Tensor { return activation.relu6(this); }
  /**
   * log(1 + e ** this), element-wise; see {@link softplus}.
   * @example
   * tensor([0]).softplus().toArray(); // [0.6931472]
   */
  softplus(): Tensor { return activation.softplus(this); }
  /**
   * this · Φ(this), the exact Gaussian error linear unit, element-wise; see {@link gelu}.
   * @example
   * tensor([1]).gelu().toArray(); // [0.8413447]
   */
  gelu(): Tensor { return activation.gelu(this); }
  /**
   * exp(this) / sum(exp(this)) along `axis` (default -1, the last); see {@link softmax}.
   * @example
   * tensor([[0, 0, 0, 0]]).softmax().toArray(); // [[0.25, 0.25, 0.25, 0.25]]
   */
  softmax(axis?: number): Tensor { return activation.softmax(this, axis); }
  /**
   * log(softmax(this)) along `axis` (default -1, the last), computed stably; see {@link logSoftmax}.
   * @example
   * tensor([[0, 0]]).logSoftmax().toArray(); // [[-0.6931472, -0.6931472]]
   */
  logSoftmax(axis?: number): Tensor { return activation.logSoftmax(this, axis); }

  /**
   * Sum over `axis` (one, several, or all when omitted); `keepDims` keeps reduced axes with size 1. See {@link sum}.
   * @example
   * tensor([[1, 2], [3, 4]]).sum(1, true).toArray(); // [[3], [7]]
   */
  sum(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.sum(this, axis, keepDims); }
  /**
   * Mean over `axis` (one, several, or all when omitted); see {@link mean}.
   * @example
   * tensor([[1, 2], [3, 4]]).mean().item(); // 2.5
   */
  mean(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.mean(this, axis, keepDims); }
  /**
   * Maximum over `axis` (one, several, or all when omitted); see {@link max}.
   * @example
   * tensor([[1, 2], [3, 4]]).max(0).toArray(); // [3, 4]
   */
  max(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.max(this, axis, keepDims); }
  /**
   * Minimum over `axis` (one, several, or all when omitted); see {@link min}.
   * @example
   * tensor([[1, 2], [3, 4]]).min(1).toArray(); // [1, 3]
   */
  min(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.min(this, axis, keepDims); }
  /**
   * Index of the maximum over `axis` (a flat index over several or all axes), as float32; see {@link argmax}.
   * @example
   * tensor([[1, 2], [3, 4]]).argmax().item(); // 3
   */
  argmax(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.argmax(this, axis, keepDims); }
  /**
   * Index of the minimum over `axis` (a flat index over several or all axes), as float32; see {@link argmin}.
   * @example
   * tensor([[1, 2], [3, 0]]).argmin(0).toArray(); // [0, 1]
   */
  argmin(axis?: number | readonly number[], keepDims = false): Tensor { return reduction.argmin(this, axis, keepDims); }
  /**
   * TensorFlow.js's name of {@link argmax}: indices of the largest values along `axis` (default 0, the outermost, as TF.js).
   * @example
   * tensor([[1, 5, 2], [7, 0, 3]]).argMax(1).toArray(); // [1, 0]
   */
  argMax(axis = 0): Tensor { return reduction.argmax(this, axis); }
  /**
   * TensorFlow.js's name of {@link argmin}: indices of the smallest values along `axis` (default 0, as TF.js).
   * @example
   * tensor([[1, 5, 2], [7, 0, 3]]).argMin(1).toArray(); // [0, 1]
   */
  argMin(axis = 0): Tensor { return reduction.argmin(this, axis); }

  /**
   * Matrix product with NumPy matmul semantics; see {@link matmul}.
   * @example
   * tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray(); // [[3], [7]]
   */
  matmul(b: Tensor, options?: linalg.MatmulOptions): Tensor { return linalg.matmul(this, b, options); }
  /**
   * Dot product with NumPy's `dot` semantics (any ranks); see {@link dot}.
   * @example
   * tensor([1, 2]).dot(tensor([3, 4])).item(); // 11
   */
  dot(b: Tensor): Tensor { return linalg.dot(this, b); }

  /**
   * 2-D max pooling of this [batch, height, width, channels] (or [height, width, channels]) tensor; see {@link maxPool}.
   * @example
   * tensor([1, 4, 3, 2], [2, 2, 1]).maxPool(2, 2, 'valid').reshape([1]).toArray(); // [4]
   */
  maxPool(filterSize: number | [number, number], strides: number | [number, number], pad: pooling.PoolPadding,
    dimRoundingMode?: pooling.DimRoundingMode): Tensor { return pooling.maxPool(this, filterSize, strides, pad, dimRoundingMode); }
  /**
   * 2-D average pooling of this [batch, height, width, channels] (or [height, width, channels]) tensor; see {@link avgPool}.
   * @example
   * tensor([1, 4, 3, 2], [2, 2, 1]).avgPool(2, 2, 'valid').reshape([1]).toArray(); // [2.5]
   */
  avgPool(filterSize: number | [number, number], strides: number | [number, number], pad: pooling.PoolPadding,
    dimRoundingMode?: pooling.DimRoundingMode): Tensor { return pooling.avgPool(this, filterSize, strides, pad, dimRoundingMode); }
  /**
   * This tensor normalized with the given statistics, as TF.js chains it; see {@link batchNorm}.
   * @example
   * tensor([[1, 2], [3, 6]]).batchNorm(tensor([2, 4]), tensor([1, 4]), null, null, 0).toArray(); // [[-1, -1], [1, 1]]
   */
  batchNorm(mean: Tensor, variance: Tensor, offset?: Tensor | null, scale?: Tensor | null, varianceEpsilon?: number): Tensor {
    return normalization.batchNorm(this, mean, variance, offset, scale, varianceEpsilon);
  }
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

/** Internal: a new tensor of `shape` (already checked) holding a copy of the floats at wasm address `ptr`. */
export function copyOf(ptr: number, shape: readonly number[], op: string): Tensor {
  const t = empty(shape, op);
  if (t.size > 0) f32View(t.ptr, t.size).set(f32View(ptr, t.size));
  return t;
}

/** Internal: checks that `x` is a live Tensor; the error names the op and the argument. */
export function checkTensor(x: unknown, op: string, arg = 'x'): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${showOperand(x)}`);
  if (x.disposed) throw new DisposedError(`${op}: ${arg} was disposed`);
  return x;
}

/**
 * Internal: describes a value passed where a tensor belongs, for errors: a Tensor of another copy of this library
 * and a tensor of another library (an object with `shape` and `dataSync`, as TF.js has) get a hint on what to do.
 */
export function showOperand(x: unknown): string {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return showValue(x);
  try {
    return showForeign(x);
  } catch {
    return 'an object whose properties cannot be read';
  }
}

function showForeign(x: object): string {
  const shape: unknown = Reflect.get(x, 'shape');
  const dims = Array.isArray(shape) && shape.length <= 8 ? ` of shape ${showValue(shape)}` : '';
  if (x.constructor?.name === 'Tensor' && 'disposed' in x) {
    return `a Tensor${dims} from another copy of simdeep (tensors cannot move between copies: import one copy, or ` +
      'copy the values with tensor(x.dataSync(), x.shape))';
  }
  if (typeof Reflect.get(x, 'dataSync') === 'function') {
    return `a tensor of another library${dims} (copy its values with tensor(x.dataSync(), x.shape))`;
  }
  return showValue(x);
}
