// TensorFlow.js's backend functions. simdeep has one backend, its own SIMD wasm kernels: `setBackend` takes 'wasm'
// and 'cpu' as no-ops (programs that pick either run unchanged) and any other name (webgl, webgpu, tensorflow) is an
// error that says so.
import { showValue } from '../tensor/errors';
import { kernels } from '../runtime/wasm';

/**
 * Resolves once the kernels are ready, as TensorFlow.js's `tf.ready()` (simdeep's are compiled when first used, and
 * this compiles them).
 * @example
 * await ready(); // undefined
 */
export async function ready(): Promise<void> {
  kernels();
}

/**
 * The name of the backend: always 'wasm' (simdeep's own SIMD WebAssembly kernels), as TensorFlow.js's `tf.getBackend()`.
 * @example
 * getBackend(); // 'wasm'
 */
export function getBackend(): string {
  return 'wasm';
}

/**
 * Accepts 'wasm' and 'cpu' as TensorFlow.js's `tf.setBackend` does and resolves to true, changing nothing: simdeep
 * runs its own wasm kernels either way. Other names (webgl, webgpu, tensorflow) reject with an error saying so.
 * @throws RangeError (as a rejection) for a backend other than 'wasm' or 'cpu'.
 * @example
 * await setBackend('cpu'); // true
 * getBackend(); // 'wasm'
 */
export function setBackend(backendName: string): Promise<boolean> {
  if (backendName === 'wasm' || backendName === 'cpu') return Promise.resolve(true);
  return Promise.reject(new RangeError(`setBackend: backend ${showValue(backendName)} is not available: simdeep runs its own SIMD wasm kernels ('wasm'; 'cpu' is accepted as the same)`));
}

/**
 * Resolves on the next turn of the event loop (the next animation frame in a page), as TensorFlow.js's `tf.nextFrame()`,
 * so that a training loop lets the page update.
 * @example
 * await nextFrame(); // undefined
 */
export function nextFrame(): Promise<void> {
  const raf = (globalThis as { requestAnimationFrame?: (f: () => void) => unknown }).requestAnimationFrame;
  return new Promise((resolve) => (typeof raf === 'function' ? raf(() => resolve()) : setTimeout(resolve, 0)));
}
