import { kernels } from '../runtime/wasm';
import { i32View, rngPtr } from '../runtime/heap';
import { showValue } from './errors';
import { checkOptionKeys } from './options';
import { checkInteger, checkNumber, checkShape } from './shape';
import { empty, type Tensor } from './tensor';

/**
 * Options of the random factories `rand`, `randn` and `randomUniform`.
 * @example
 * const options: RandomOptions = { seed: 1 };
 * equal(rand([2], options), rand([2], options)).toArray(); // [1, 1]
 */
export interface RandomOptions {
  /**
   * Seed for this call alone, an integer in [0, 2^53); without it the global generator (see `seed`) is used and
   * advanced.
   */
  seed?: number;
}

let seeded = false;

/** Fills a xoshiro128** state (4 words at ptr) from a seed with splitmix32 (integer math only: the same on every engine). */
export function writeState(ptr: number, seed: number): void {
  let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9);
  const state = i32View(ptr, 4);
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = z ^ (z >>> 16);
  }
}

/**
 * Seeds the global generator that `rand`, `randn`, `randomUniform` and unseeded initializers draw from when no
 * per-call seed is given (until then it is seeded from Math.random). A seed gives the same numbers on every engine.
 * Throws a TypeError or RangeError unless value is an integer in [0, 2^53).
 * @example
 * seed(42);
 * const a = rand([3]);
 * seed(42);
 * const b = rand([3]);
 * equal(a, b).toArray(); // [1, 1, 1]
 */
export function seed(value: number): void {
  writeState(rngPtr(0), checkInteger(value, 'seed', 'value', 0, Number.MAX_SAFE_INTEGER));
  seeded = true;
}

function statePtr(options: RandomOptions | undefined, op: string): number {
  if (options?.seed !== undefined) {
    const ptr = rngPtr(1);
    writeState(ptr, checkInteger(options.seed, op, 'options.seed', 0, Number.MAX_SAFE_INTEGER));
    return ptr;
  }
  if (!seeded) seed(Math.floor(Math.random() * 2 ** 32));
  return rngPtr(0);
}

/**
 * A tensor of `shape` with uniform random values in [min, max) (default [0, 1)), drawn from the global generator
 * or from `options.seed`. Throws a RangeError for a bad shape, unless min < max, both finite as float32, or for an
 * unknown option key; a TypeError for options that are not an object.
 * @example
 * const w = randomUniform([2, 2], -1, 1, { seed: 7 });
 * w.shape; // [2, 2]
 * w.abs().max().item() < 1; // true
 * // TensorFlow.js's positional form, randomUniform(shape, minval, maxval, dtype, seed), is taken too:
 * randomUniform([3], 0, 1, 'float32', 7).shape; // [3]
 */
export function randomUniform(shape: readonly number[], min = 0, max = 1, options?: RandomOptions | 'float32', seed?: number): Tensor {
  if (typeof options === 'string' || (options === undefined && seed !== undefined)) {
    // NOTE: TF.js's int32 draws integers; simdeep's tensors are float32, so only its float32 form is taken.
    if (options !== undefined && options !== 'float32') {
      throw new TypeError(`randomUniform: dtype ${showValue(options)} is not supported: simdeep tensors are float32`);
    }
    return uniform(shape, min, max, seed === undefined ? undefined : { seed }, 'randomUniform');
  }
  return uniform(shape, min, max, options, 'randomUniform');
}

function uniform(shape: readonly number[], min: number, max: number, options: RandomOptions | undefined, op: string): Tensor {
  const dims = checkShape(shape, op);
  checkOptionKeys(op, options, ['seed']);
  checkNumber(min, op, 'min', false);
  checkNumber(max, op, 'max', false);
  // NOTE: the kernel takes float32 bounds; if they round equal it would redraw forever, if infinite give NaN.
  const lo = Math.fround(min), hi = Math.fround(max);
  if (!(lo < hi) || !Number.isFinite(hi - lo)) {
    throw new RangeError(`${op}: need finite min < max as float32, got min ${min} and max ${max}`);
  }
  const state = statePtr(options, op);
  const out = empty(dims, op);
  kernels().randomUniform(state, out.ptr, out.size, min, max);
  return out;
}

/**
 * A tensor of `shape` with uniform random values in [0, 1); see `randomUniform`, whose errors it throws.
 * @example
 * rand([3], { seed: 1 }).max().item() < 1; // true
 */
export function rand(shape: readonly number[], options?: RandomOptions): Tensor {
  return uniform(shape, 0, 1, options, 'rand');
}

/**
 * Options of `randn`.
 * @example
 * const options: NormalOptions = { mean: 10, std: 0, seed: 1 };
 * randn([2], options).toArray(); // [10, 10]
 */
export interface NormalOptions extends RandomOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 1). */
  std?: number;
}

/**
 * A tensor of `shape` with normally distributed random values (Box–Muller), of mean `options.mean` (default 0) and
 * standard deviation `options.std` (default 1). Throws a RangeError for a bad shape, an infinite mean or std,
 * std < 0, or an unknown option key; a TypeError for options that are not an object.
 * @example
 * randn([1000], { mean: 5, std: 0.1, seed: 3 }).mean().item(); // ≈ 5
 */
export function randn(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const op = 'randn';
  const dims = checkShape(shape, op);
  checkOptionKeys(op, options, ['mean', 'std', 'seed']);
  const mean = checkNumber(options.mean ?? 0, op, 'options.mean', false);
  const std = checkNumber(options.std ?? 1, op, 'options.std', false);
  if (!Number.isFinite(Math.fround(mean)) || !Number.isFinite(Math.fround(std)) || std < 0) { // the kernel takes float32
    throw new RangeError(`${op}: need a finite mean and std >= 0, got mean ${mean} and std ${std}`);
  }
  const state = statePtr(options, op);
  const out = empty(dims, op);
  kernels().randomNormal(state, out.ptr, out.size, mean, std);
  return out;
}
