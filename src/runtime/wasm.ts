import { kernelModule } from './module';

/** Typed view of the kernel exports (assembly/index.ts); pointers are byte offsets, sizes in elements. */
export interface Kernels {
  alloc(bytes: number): number;
  free(ptr: number): void;
  binary(op: number, a: number, b: number, out: number, rank: number, meta: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  activation(op: number, x: number, out: number, n: number, alpha: number): void;
  softmax(x: number, out: number, outer: number, r: number, inner: number): void;
  reduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  argReduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  matmul(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number): void;
  copy(src: number, dst: number, rank: number, meta: number): void;
  gather(src: number, dst: number, idx: number, count: number, outer: number, axisLen: number, inner: number): void;
  randomUniform(state: number, out: number, n: number, lo: number, hi: number): void;
  randomNormal(state: number, out: number, n: number, mean: number, std: number): void;
}

/** Pages of 64 KiB the shared memory starts with and may grow to (1 GiB). */
export const INITIAL_PAGES = 64;
export const MAXIMUM_PAGES = 16384;

interface Runtime {
  kernels: Kernels;
  memory: WebAssembly.Memory;
}

let runtime: Runtime | undefined;

function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const length = new Uint32Array(memory.buffer, ptr - 4, 1)[0] >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, length));
}

function instantiate(): Runtime {
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const abort = (message: number, file: number, line: number, column: number): never => {
    throw new WebAssembly.RuntimeError(`${readString(memory, message)} at ${readString(memory, file)}:${line}:${column}`);
  };
  const instance = new WebAssembly.Instance(kernelModule(), { env: { memory, abort } });
  return { kernels: instance.exports as unknown as Kernels, memory };
}

/** The kernels of this thread's instance, instantiated on first use. */
export function kernels(): Kernels {
  runtime ??= instantiate();
  return runtime.kernels;
}

/** The one shared wasm memory. Its buffer is replaced when it grows: make views at the point of use. */
export function wasmMemory(): WebAssembly.Memory {
  runtime ??= instantiate();
  return runtime.memory;
}
