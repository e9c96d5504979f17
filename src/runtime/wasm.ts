import { kernelModules, type KernelModules } from './module';

/** The GEMM exports, present in both builds (assembly/gemm.ts). */
export interface GemmKernels {
  gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, n: number,
    flags: number, bias: number, act: number, alpha: number, work: number, rowStart: number, rowEnd: number): void;
  gemmPeak(kc: number, reps: number, work: number): void;
  gemmTile(): number;
  gemmWorkBytes(): number;
}

/** Typed view of the kernel exports (assembly/index.ts); pointers are byte offsets, sizes in elements. */
export interface Kernels extends GemmKernels {
  alloc(bytes: number): number;
  free(ptr: number): void;
  binary(op: number, a: number, b: number, out: number, rank: number, meta: number): void;
  unary(op: number, x: number, out: number, n: number): void;
  unaryBackward(op: number, x: number, dy: number, dx: number, n: number): void;
  activation(op: number, x: number, out: number, n: number, alpha: number): void;
  softmax(x: number, out: number, outer: number, r: number, inner: number): void;
  reduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  argReduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  copy(src: number, dst: number, rank: number, meta: number): void;
  gather(src: number, dst: number, idx: number, count: number, outer: number, axisLen: number, inner: number): void;
  randomUniform(state: number, out: number, n: number, lo: number, hi: number): void;
  randomNormal(state: number, out: number, n: number, mean: number, std: number): void;
  trainEpochs(plan: number, epochs: number, maxBatches: number): number;
  evaluateRows(plan: number, from: number, to: number, sums: number, keep: number): number;
  predictRows(plan: number, from: number, to: number, keep: number): void;
  lossOf(loss: number, act: number, out: number, target: number, grad: number, rows: number, cols: number, alpha: number): number;
  addMetrics(loss: number, metrics: number, out: number, target: number, rows: number, cols: number, sums: number): void;
  firstNonFinite(p: number, n: number): number;
}

/** Pages of 64 KiB the shared memory starts with and may grow to (1 GiB). */
export const INITIAL_PAGES = 64;
export const MAXIMUM_PAGES = 16384;

interface Runtime {
  kernels: Kernels;
  relaxed: GemmKernels | null;
  memory: WebAssembly.Memory;
  modules: KernelModules;
}

let runtime: Runtime | undefined;
/**
 * Whether the relaxed-SIMD GEMM is the faster one on the engine of V8 version `v8` (null: not V8, or not stated), so
 * the default. V8 before 13 (Node 20 and 22) runs
 * it slower than the baseline build: MNIST 784-128-10 training at 0.66× of the baseline's samples/s on Node 20.20
 * and 22.23 (V8 11.3, 12.4), 1.03× on Node 24.22 (V8 13.6), on an AMD EPYC (Zen 5). Engines that do not state a V8
 * version (browsers, Bun, workerd) keep it wherever they validate it.
 */
export function relaxedIsFaster(v8: string | null = (globalThis as { process?: { versions?: { v8?: string } } }).process?.versions?.v8 ?? null): boolean {
  return v8 === null || !(Number.parseInt(v8, 10) < 13);
}

let preferRelaxed = relaxedIsFaster();

function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const length = new Uint32Array(memory.buffer, ptr - 4, 1)[0] >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, length));
}

type HostGemm = (a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, n: number,
  flags: number, bias: number, act: number, alpha: number) => void;
let hostGemm: HostGemm = () => {
  throw new Error('simdeep: no host matrix product registered');
};

/** Sets the product the training kernel calls for large matrices (the thread pool's). */
export function setHostGemm(gemm: HostGemm): void {
  hostGemm = gemm;
}

/**
 * Imports of both modules: the shared memory, an abort that reports AssemblyScript's message, and the host
 * matrix product of assembly/train.ts.
 */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  const abort = (message: number, file: number, line: number, column: number): never => {
    throw new WebAssembly.RuntimeError(`${readString(memory, message)} at ${readString(memory, file)}:${line}:${column}`);
  };
  const gemmHost: HostGemm = (...args) => hostGemm(...args);
  return { env: { memory, abort, gemmHost } };
}

function instantiate(): Runtime {
  const modules = kernelModules();
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const imports = kernelImports(memory);
  const kernels = new WebAssembly.Instance(modules.main, imports).exports as unknown as Kernels;
  const relaxed = modules.relaxed && (new WebAssembly.Instance(modules.relaxed, imports).exports as unknown as GemmKernels);
  return { kernels, relaxed, memory, modules };
}

function current(): Runtime {
  runtime ??= instantiate();
  return runtime;
}

/** The kernels of this thread's instance, instantiated on first use. */
export function kernels(): Kernels {
  return current().kernels;
}

/** The GEMM in use: the relaxed-SIMD build where preferred (see preferRelaxedSimd) and supported, else the baseline. */
export function gemmKernels(): GemmKernels {
  const { relaxed, kernels } = current();
  return preferRelaxed && relaxed ? relaxed : kernels;
}

/** Bytes of GEMM workspace that fit either build. */
export function gemmWorkBytes(): number {
  const { relaxed, kernels } = current();
  return Math.max(kernels.gemmWorkBytes(), relaxed?.gemmWorkBytes() ?? 0);
}

/** Whether the GEMM in use is the relaxed-SIMD build. */
export function usingRelaxed(): boolean {
  return preferRelaxed && current().relaxed !== null;
}

/**
 * Chooses whether matrix products use the relaxed-SIMD build (`f32x4.relaxed_madd`, 6×8 tile) where the engine
 * supports it, or the baseline SIMD build everywhere. The default is the faster of the two on the engine: relaxed on
 * V8 13 and later (Node 24, Deno, Chromium) and on engines that state no V8 version (Bun, workerd), baseline on Node 20
 * and 22 (V8 11 and 12), where the relaxed kernel runs slower. Fused multiply-add rounds once, so the relaxed build's
 * results can differ from the baseline's in the last bits; turn it off for results that are bit-identical across
 * engines. Applies to the products that follow; `threads().relaxedSimd` says which build is in use.
 * @example
 * preferRelaxedSimd(false);
 * threads().relaxedSimd; // false
 */
export function preferRelaxedSimd(enabled: boolean): void {
  preferRelaxed = enabled;
}

/** The one shared wasm memory. Its buffer is replaced when it grows: make views at the point of use. */
export function wasmMemory(): WebAssembly.Memory {
  return current().memory;
}

/** The compiled modules, for workers that instantiate them on the same memory. */
export function compiledModules(): KernelModules {
  return current().modules;
}
