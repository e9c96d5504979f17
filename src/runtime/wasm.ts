import { mainModule, relaxedModule, type KernelModules } from './module';

/** The GEMM exports, present in both builds (assembly/gemm.ts). */
export interface GemmKernels {
  gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, n: number,
    flags: number, bias: number, act: number, alpha: number, packed: number, work: number, rowStart: number, rowEnd: number): void;
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
  select(c: number, a: number, b: number, out: number, rank: number, meta: number): void;
  clip(x: number, out: number, n: number, lo: number, hi: number): void;
  activation(op: number, x: number, out: number, n: number, alpha: number): void;
  activationBackward(op: number, y: number, dy: number, dx: number, n: number, alpha: number): void;
  activationBackwardFromInput(op: number, x: number, dy: number, dx: number, n: number): void;
  softmax(x: number, out: number, outer: number, r: number, inner: number): void;
  logSoftmax(x: number, out: number, outer: number, r: number, inner: number): void;
  reduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  argReduce(op: number, x: number, out: number, outer: number, r: number, inner: number): void;
  copy(src: number, dst: number, rank: number, meta: number): void;
  gather(src: number, dst: number, idx: number, count: number, outer: number, axisLen: number, inner: number): void;
  im2col(x: number, geom: number, rows: number, cols: number): void;
  col2imAdd(cols: number, geom: number, rows: number, dx: number, add: boolean): void;
  depthwiseConvForward(x: number, filter: number, geom: number, rows: number, out: number): void;
  depthwiseConvBackwardInput(dy: number, filter: number, geom: number, rows: number, dx: number, add: boolean): void;
  depthwiseConvBackwardFilter(x: number, dy: number, geom: number, rows: number, dFilter: number, add: boolean): void;
  embedding(table: number, ids: number, out: number, n: number, inputDim: number, dim: number, maskZero: number): void;
  embeddingBackward(ids: number, dOut: number, dTable: number, n: number, inputDim: number, dim: number, maskZero: number, add: number): void;
  randomUniform(state: number, out: number, n: number, lo: number, hi: number): void;
  randomNormal(state: number, out: number, n: number, mean: number, std: number): void;
  trainEpochs(plan: number, epochs: number, maxBatches: number): number;
  evaluateRows(plan: number, from: number, to: number, sums: number, keep: number): number;
  predictRows(plan: number, from: number, to: number, keep: number): void;
  settlePlan(plan: number): void;
  restorePointers(plan: number, keep: number): void;
  forwardRows(plan: number, rows: number): void;
  backwardRows(plan: number, rows: number): void;
  lossOf(loss: number, act: number, out: number, target: number, grad: number, rows: number, cols: number, alpha: number, weights: number): number;
  runningLogs(plan: number, logs: number): void;
  updateMetrics(output: number, state: number, loss: number, out: number, target: number, rows: number, cols: number, weights: number, scratch: number): void;
  metricValues(output: number, state: number, logs: number, cols: number): void;
  firstNonFinite(p: number, n: number): number;
  packWeights(b: number, ldb: number, flags: number, k: number, n: number, out: number): void;
  packedWeightsFloats(k: number, n: number): number;
  weightsChanged(): void;
  applyStep(code: number, w: number, g: number, s0: number, s1: number, n: number, lr: number, p1: number, p2: number, eps: number,
    t: number, wd: number, scale: number, bound: number): number;
  sumOfSquares(g: number, n: number): number;
  normScale(squares: number, bound: number): number;
  learningRateAt(schedule: number, step: number): number;
  maxPool(x: number, y: number, arg: number, geom: number, rows: number): void;
  maxPoolBackward(dy: number, arg: number, dx: number, geom: number, rows: number, add: number): void;
  avgPool(x: number, y: number, geom: number, rows: number): void;
  avgPoolBackward(dy: number, dx: number, geom: number, rows: number, add: number): void;
  globalAvgPool(x: number, y: number, geom: number, rows: number): void;
  globalAvgPoolBackward(dy: number, dx: number, geom: number, rows: number, add: number): void;
  pad2d(x: number, y: number, geom: number, rows: number): void;
  pad2dBackward(dy: number, dx: number, geom: number, rows: number, add: number): void;
  upSample2d(x: number, y: number, geom: number, rows: number): void;
  upSample2dBackward(dy: number, dx: number, geom: number, rows: number, add: number): void;
  upSampleBilinear2d(x: number, y: number, geom: number, rows: number): void;
  upSampleBilinear2dBackward(dy: number, dx: number, geom: number, rows: number, add: number): void;
  moments(x: number, mean: number, variance: number, outer: number, r: number, inner: number, work: number): void;
  batchNormTrain(x: number, y: number, gamma: number, beta: number, mean: number, invStd: number, movingMean: number,
    movingVariance: number, n: number, C: number, epsilon: number, decay: number, work: number): void;
  batchNorm(x: number, y: number, mean: number, variance: number, offset: number, scale: number, invStd: number, n: number,
    C: number, epsilon: number): void;
  batchNormBackward(x: number, dy: number, dx: number, gamma: number, mean: number, invStd: number, dGamma: number,
    dBeta: number, n: number, C: number, accumulate: number, work: number): void;
  layerNorm(x: number, y: number, gamma: number, beta: number, mean: number, invStd: number, n: number, C: number, epsilon: number): void;
  layerNormBackward(x: number, dy: number, dx: number, gamma: number, mean: number, invStd: number, dGamma: number,
    dBeta: number, n: number, C: number, accumulate: number, work: number): void;
}

/** Pages of 64 KiB the shared memory starts with and may grow to (1 GiB). */
export const INITIAL_PAGES = 64;
export const MAXIMUM_PAGES = 16384;

interface Runtime {
  kernels: Kernels;
  /** The relaxed build's instance: undefined until first needed, null where the engine does not validate it. */
  relaxed: GemmKernels | null | undefined;
  memory: WebAssembly.Memory;
}

let runtime: Runtime | undefined;
/** The engine's V8 version, where it states one (Node, Deno). */
const engineV8 = (globalThis as { process?: { versions?: { v8?: string } } }).process?.versions?.v8 || null;
/**
 * Whether the relaxed-SIMD GEMM is the faster one on the engine of V8 version `v8` (null: not V8, or not stated), so
 * the default. V8 before 13 (Node 20 and 22) runs
 * it slower than the baseline build: MNIST 784-128-10 training at 0.66× of the baseline's samples/s on Node 20.20
 * and 22.23 (V8 11.3, 12.4), 1.03× on Node 24.22 (V8 13.6), on an AMD EPYC (Zen 5). Engines that do not state a V8
 * version (browsers, Bun, workerd) keep it wherever they validate it.
 */
export function relaxedIsFaster(v8: string | null = engineV8): boolean {
  return v8 === null || !(Number.parseInt(v8, 10) < 13);
}

let preferRelaxed = relaxedIsFaster(engineV8);
// Whether preferRelaxedSimd chose the build (else the engine's default above).
let pinned = false;

function readString(memory: WebAssembly.Memory, ptr: number): string {
  if (!ptr) return '';
  const length = new Uint32Array(memory.buffer, ptr - 4, 1)[0] >>> 1;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, length));
}

type HostGemm = (a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, n: number,
  flags: number, bias: number, act: number, alpha: number, packed: number) => void;
let hostGemm: HostGemm = () => {
  throw new Error('simdeep: no host matrix product registered');
};

/** Sets the product the training kernel calls for large matrices (the thread pool's). */
export function setHostGemm(gemm: HostGemm): void {
  hostGemm = gemm;
}

type HostLoss = (output: number, out: number, target: number, grad: number, rows: number, weights: number) => number;
type HostLayer = (node: number, rows: number, pass: number) => void;
let hostLoss: HostLoss = () => {
  throw new Error('simdeep: no host loss registered');
};
let hostLayer: HostLayer = () => {
  throw new Error('simdeep: no host layer registered');
};

/**
 * Sets what the training loop calls for a loss written in ops (assembly/train.ts lossHost) and for a custom layer's
 * forward and backward (assembly/layers/custom.ts layerHost): src/nn/custom-host.ts.
 */
export function setHostCustom(loss: HostLoss, layer: HostLayer): void {
  hostLoss = loss;
  hostLayer = layer;
}

/**
 * Imports of both modules: the shared memory, an abort that reports AssemblyScript's message, the host
 * matrix product of assembly/train.ts, and the host's custom losses and layers.
 */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  const abort = (message: number, file: number, line: number, column: number): never => {
    throw new WebAssembly.RuntimeError(`${readString(memory, message)} at ${readString(memory, file)}:${line}:${column}`);
  };
  // NOTE: parameters written out, not spread: every product of a prediction's forward calls through here.
  const gemmHost: HostGemm = (a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, packed) =>
    hostGemm(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, packed);
  const lossHost: HostLoss = (output, out, target, grad, rows, weights) => hostLoss(output, out, target, grad, rows, weights);
  const layerHost: HostLayer = (node, rows, pass) => hostLayer(node, rows, pass);
  return { env: { memory, abort, gemmHost, lossHost, layerHost } };
}

function instantiate(): Runtime {
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const kernels = new WebAssembly.Instance(mainModule(), kernelImports(memory)).exports as unknown as Kernels;
  return { kernels, relaxed: undefined, memory };
}

function current(): Runtime {
  runtime ??= instantiate();
  return runtime;
}

/** The relaxed build's GEMM on this thread's memory (instantiated on first use), or null where it does not validate. */
function relaxedKernels(): GemmKernels | null {
  const state = current();
  if (state.relaxed === undefined) {
    const module = relaxedModule();
    state.relaxed = module && (new WebAssembly.Instance(module, kernelImports(state.memory)).exports as unknown as GemmKernels);
  }
  return state.relaxed;
}

/** The kernels of this thread's instance, instantiated on first use. */
export function kernels(): Kernels {
  return current().kernels;
}

/** The GEMM in use: the relaxed-SIMD build where preferred (see preferRelaxedSimd) and supported, else the baseline. */
export function gemmKernels(): GemmKernels {
  return (preferRelaxed && relaxedKernels()) || current().kernels;
}

/** Bytes of GEMM workspace that fit either build. */
export function gemmWorkBytes(): number {
  return current().kernels.gemmWorkBytes(); // the same in both builds (assembly/gemm.ts GEMM_WORK_FLOATS)
}

/** Whether the GEMM in use is the relaxed-SIMD build. */
export function usingRelaxed(): boolean {
  return preferRelaxed && relaxedKernels() !== null;
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
  pinned = true;
}

/** Which GEMM build runs (with its micro-kernel tile) and why: the engine's default or preferRelaxedSimd. */
export function gemmChoice(): string {
  const tile = gemmKernels().gemmTile();
  const build = `${usingRelaxed() ? 'relaxed-SIMD' : 'baseline SIMD'} ${tile & 0xffff}×${tile >>> 16}`;
  const supported = relaxedModule() !== null;
  const engine = engineV8 === null ? 'this engine (no V8 version stated)' : `V8 ${engineV8}`;
  if (pinned) return `${build}: preferRelaxedSimd(${preferRelaxed})${preferRelaxed && !supported ? ', but this engine does not validate relaxed SIMD' : ''}`;
  if (!supported) return `${build}: this engine does not validate relaxed SIMD`;
  return preferRelaxed ? `${build}: the default on ${engine}, where the relaxed-SIMD kernel is the faster`
    : `${build}: the default on ${engine}, where the relaxed-SIMD kernel runs slower than this one`;
}

/** The one shared wasm memory. Its buffer is replaced when it grows: make views at the point of use. */
export function wasmMemory(): WebAssembly.Memory {
  return current().memory;
}

/** The compiled modules, for workers that instantiate them on the same memory. */
export function compiledModules(): KernelModules {
  return { main: mainModule(), relaxed: relaxedModule() };
}
