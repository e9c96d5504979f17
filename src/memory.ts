import { wasmMemory } from './runtime/wasm';
import { keepOwner, liveCounts, runScoped, type MemoryInfo } from './tensor/storage';
import { checkTensor, Tensor } from './tensor/tensor';

export type { MemoryInfo } from './tensor/storage';

/**
 * Counts for finding leaks: the live tensors (not disposed or garbage collected), the wasm bytes they hold (views
 * that share storage count it once), and the bytes the shared wasm memory maps.
 * @example
 * const before = memory();
 * const t = zeros([4]);
 * memory().numTensors - before.numTensors; // 1
 * memory().numBytes - before.numBytes; // 16
 */
export function memory(): MemoryInfo {
  return { ...liveCounts(), wasmBytes: wasmMemory().buffer.byteLength };
}

/**
 * Runs `fn` and returns what it returns, after disposing every tensor it created except those it returns (a
 * tensor, or tensors inside arrays, Maps and plain objects) and those passed to `keep`. Nested calls nest; if fn
 * throws, everything it created is disposed. Throws a TypeError unless fn is a function, or if it returns a Promise
 * (tidy is synchronous).
 * @example
 * const before = memory().numTensors;
 * const y = tidy(() => tensor([1, 2]).mul(2).add(1)); // the product tensor([2, 4]) is freed
 * y.toArray(); // [3, 5]
 * memory().numTensors - before; // 1
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: fn must be a function');
  return runScoped(fn);
}

/**
 * Lets a tensor created inside `tidy` outlive it (every enclosing tidy); returns the tensor. Throws a TypeError
 * unless x is a Tensor, a DisposedError if it was disposed.
 * @example
 * const made: Tensor[] = [];
 * tidy(() => {
 *   made.push(keep(tensor([1, 2]))); // outlives tidy
 *   made.push(tensor([3]));          // disposed when tidy returns
 * });
 * made.map((t) => t.disposed); // [false, true]
 */
export function keep<T extends Tensor>(x: T): T {
  keepOwner(checkTensor(x, 'keep'));
  return x;
}

/**
 * Disposes a tensor, or every tensor in an array or object (and in arrays and objects nested in them); other
 * values are ignored.
 * @example
 * const pair = { a: tensor([1]), b: tensor([2]) };
 * dispose(pair);
 * pair.b.disposed; // true
 */
export function dispose(value: Tensor | readonly Tensor[] | Record<string, Tensor>): void {
  disposeAll(value, new Set());
}

// `seen` stops at structures that contain themselves.
function disposeAll(value: unknown, seen: Set<unknown>): void {
  if (value instanceof Tensor) value.dispose();
  else if (value === null || typeof value !== 'object' || seen.has(value)) return;
  else if (seen.add(value) && Array.isArray(value)) for (const t of value) disposeAll(t, seen);
  else for (const t of Object.values(value)) disposeAll(t, seen);
}
