import { kernels } from '../runtime/wasm';
import { i32View, rngPtr } from '../runtime/heap';
import { checkInteger, checkNumber, checkShape } from './shape';
import { empty, type Tensor } from './tensor';

/** Options of the random factories. */
export interface RandomOptions {
  /** Seed for this call alone; without it the global generator (see `seed`) is used and advanced. */
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
 * Seeds the global generator used by `rand`, `randn` and `randomUniform` when no per-call seed is given.
 * @example
 * seed(42); const a = rand([3]); seed(42); const b = rand([3]); // a and b hold the same numbers
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
 * Uniform random values in [min, max).
 * @example
 * randomUniform([2, 2], -1, 1, { seed: 7 }).shape; // [2, 2]
 */
export function randomUniform(shape: readonly number[], min = 0, max = 1, options?: RandomOptions): Tensor {
  return uniform(shape, min, max, options, 'randomUniform');
}

function uniform(shape: readonly number[], min: number, max: number, options: RandomOptions | undefined, op: string): Tensor {
  const dims = checkShape(shape, op);
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
 * Uniform random values in [0, 1).
 * @example
 * rand([3], { seed: 1 }).max().item() < 1; // true
 */
export function rand(shape: readonly number[], options?: RandomOptions): Tensor {
  return uniform(shape, 0, 1, options, 'rand');
}

/** Options of `randn`. */
export interface NormalOptions extends RandomOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 1). */
  std?: number;
}

/**
 * Normally distributed random values (Box–Muller).
 * @example
 * randn([1000], { mean: 5, std: 0.1, seed: 3 }).mean().item(); // ≈ 5
 */
export function randn(shape: readonly number[], options: NormalOptions = {}): Tensor {
  const op = 'randn';
  const dims = checkShape(shape, op);
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
