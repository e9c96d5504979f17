import { wasmMemory } from './runtime/wasm';
import { keepOwner, liveCounts, runScoped, type MemoryInfo } from './tensor/storage';
import { checkTensor, Tensor } from './tensor/tensor';

export type { MemoryInfo } from './tensor/storage';

/**
 * Live tensors, the wasm bytes they hold, and the bytes the shared wasm memory maps.
 * @example
 * const before = memory().numTensors; const t = zeros([4]); memory().numTensors - before; // 1
 */
export function memory(): MemoryInfo {
  return { ...liveCounts(), wasmBytes: wasmMemory().buffer.byteLength };
}

/**
 * Runs `fn` and disposes every tensor it created except those it returns (a tensor, or tensors inside arrays,
 * Maps and plain objects). Nested calls nest; if fn throws, everything it created is disposed.
 * @example
 * const y = tidy(() => tensor([1, 2]).mul(2).add(1)); // the intermediate product is freed
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: fn must be a function');
  return runScoped(fn);
}

/**
 * Lets a tensor created inside `tidy` outlive it.
 * @example
 * let kept; tidy(() => { kept = keep(tensor([1])); }); kept.disposed; // false
 */
export function keep<T extends Tensor>(x: T): T {
  keepOwner(checkTensor(x, 'keep'));
  return x;
}

/**
 * Disposes a tensor, or every tensor in an array or plain object.
 * @example
 * dispose([tensor([1]), tensor([2])]);
 */
export function dispose(value: Tensor | readonly Tensor[] | Record<string, Tensor>): void {
  if (value instanceof Tensor) value.dispose();
  else if (Array.isArray(value)) for (const t of value) dispose(t);
  else if (value && typeof value === 'object') for (const t of Object.values(value)) dispose(t);
}
