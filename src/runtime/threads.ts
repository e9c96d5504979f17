// Threads over the one shared memory: workers (worker_threads in Node, Web Workers in browsers) instantiate the
// same compiled modules on the same Memory and take row chunks of large products. A control block in wasm memory
// holds the job: participants claim chunks with compareExchange on a word tagged with the job's generation, so a
// late worker never touches a newer job, and the caller computes every chunk nobody else claimed. Each element is
// computed the same way whoever computes it, so results are bit-identical for any thread count. The control block
// and the chunk loop are in workerJob.ts, the worker's side in workerMain.ts, and its start in workerStart.ts.
import { allocBytes, i32View } from './heap';
import { NO_WORKERS } from './platform';
import { showValue } from '../tensor/errors';
import { isNode, nodeBuiltin, nodeImport } from './node';
import { compiledModules, gemmChoice, gemmKernels, gemmWorkBytes, setHostGemm, usingRelaxed, wasmMemory } from './wasm';
import { CTL_INTS, runChunks } from './workerJob';
import { runPoolWorkerHere } from './workerMain';
import { startWorker, type WorkerHandle } from './workerStart';

// An app's bundle started again as a pool worker (workerStart.ts) becomes the worker here, before the app's code.
runPoolWorkerHere();

interface Pool {
  workers: WorkerHandle[];
  ctl: number;
  // Workspaces of the workers, kept across resizes.
  works: number[];
}

const pool: Pool = { workers: [], ctl: 0, works: [] };
let requested = 0;
let autoStarted = false;
let starting: Promise<void> | null = null;
let unavailable = '';
let canWait: boolean | undefined;

/** What threads() says before the pool starts. */
const NOT_STARTED = 'not started yet: starts on the first large product or setThreads()';

type NodeOs = typeof import('node:os');
const coresOf = (os: NodeOs): number => os.availableParallelism?.() ?? os.cpus().length;

/** Cores of this machine, if known without waiting. */
function coresNow(): number | undefined {
  if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0) return navigator.hardwareConcurrency;
  if (!isNode()) return 1;
  const os = nodeBuiltin<NodeOs>('node:os');
  return os && coresOf(os);
}

/** Threads of the default pool: the cores of this machine (1 where unknown), at most 16. */
async function defaultThreads(): Promise<number> {
  return Math.min(coresNow() ?? coresOf(await nodeImport<NodeOs>('node:os')), 16);
}

// Why workers cannot run here, or '' if they can.
function whyNoWorkers(): string {
  if (NO_WORKERS) return NO_WORKERS;
  if (isNode()) return '';
  if (typeof Worker === 'undefined') return 'this runtime has no Worker';
  if (globalThis.crossOriginIsolated !== true) return 'the page is not cross-origin isolated (COOP/COEP headers), so memory cannot be shared with workers';
  return '';
}

function stopWorkers(): void {
  if (pool.workers.length === 0) return;
  const I = i32View(pool.ctl, CTL_INTS);
  // NOTE: a new pool id, never reset, rather than a stop flag: Chromium's terminate() does not stop a worker that
  // loops in Atomics.wait, so a terminated worker runs on. Woken by the new generation, it sees a newer pool and
  // returns; had it joined a later job, it would have shared its workspace with the worker that replaced it.
  Atomics.add(I, 4, 1);
  Atomics.add(I, 0, 1);
  Atomics.notify(I, 0);
  for (const worker of pool.workers) worker.terminate();
  pool.workers = [];
}

/** A value that is not a number, with its type: the string "2", the bigint 2n, the array [2], an object. */
function typed(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'string' || typeof value === 'boolean') return `the ${typeof value} ${showValue(value)}`;
  if (Array.isArray(value)) return `the array ${showValue(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * Sets how many threads large matrix products use, the calling one included, and resolves once the workers are
 * running. Without a call, the first large product starts the number of cores (at most 16) in the background.
 * Where workers or shared memory across them are missing, one thread is used and `threads()` says why. Rejects
 * with a TypeError unless n is a number, and a RangeError unless it is an integer in [1, 256].
 * @example
 * await setThreads(2);
 * threads().active; // 2 (in Node; 1 where workers cannot run)
 */
export async function setThreads(n: number): Promise<void> {
  if (typeof n !== 'number') throw new TypeError(`setThreads: n must be an integer number in [1, 256], got ${typed(n)}`);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`setThreads: n must be an integer in [1, 256], got ${n}`);
  // NOTE: a loop, not one await: every overlapping call waits for the resize before it, so resizes never run
  // at once (two would each start workers on the same workspaces, and the pool would keep only one set).
  while (starting) await starting;
  requested = n;
  starting = resize(n).finally(() => (starting = null));
  await starting;
}

async function resize(n: number): Promise<void> {
  stopWorkers();
  unavailable = n > 1 ? whyNoWorkers() : '';
  if (n === 1 || unavailable) return;
  try {
    // The generation and the pool id carry over from earlier pools, so workers of those never match a new job.
    if (!pool.ctl) i32View((pool.ctl = allocBytes(CTL_INTS * 4, 'setThreads')), CTL_INTS).fill(0);
    while (pool.works.length < n - 1) pool.works.push(allocBytes(gemmWorkBytes(), 'setThreads'));
  } catch (error) {
    unavailable = error instanceof Error ? error.message : String(error);
    throw error;
  }
  const id = Atomics.load(i32View(pool.ctl, CTL_INTS), 4);
  const modules = compiledModules();
  const spawned = await Promise.allSettled(pool.works.slice(0, n - 1).map((work) =>
    startWorker({ modules, memory: wasmMemory(), ctl: pool.ctl, work, id })));
  pool.workers = spawned.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  pool.workers.forEach(watch);
  const failed = spawned.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) unavailable = `a worker failed to start: ${String(failed.reason)}`;
}

/**
 * Drops a worker that stops on its own (an uncaught error, or terminated from outside) from the pool: products
 * then count one participant fewer, and threads() says why. A worker that died between jobs never holds up a
 * product, since the caller computes every chunk nobody claims.
 */
function watch(worker: WorkerHandle): void {
  const drop = (why: string): void => {
    const at = pool.workers.indexOf(worker);
    if (at < 0) return; // stopped by stopWorkers, or already dropped
    pool.workers.splice(at, 1);
    worker.terminate();
    unavailable = `a worker stopped (${why}); ${1 + pool.workers.length} of ${requested} threads run`;
  };
  const events = worker as Partial<{ on(event: string, listener: (value: unknown) => void): unknown;
    addEventListener(event: string, listener: (event: { message?: string }) => void): unknown }>;
  if (typeof events.on === 'function') {
    // Node: 'error' (an uncaught exception) comes before 'exit'.
    events.on('error', (error) => drop(String(error)));
    events.on('exit', (code) => drop(`exit code ${String(code)}`));
  } else {
    events.addEventListener?.('error', (event) => drop(event.message ?? 'an uncaught error'));
  }
}

/**
 * What `threads()` reports.
 * @example
 * const info: ThreadsInfo = threads();
 * info.active >= 1; // true
 */
export interface ThreadsInfo {
  /** Threads large products use now (the caller plus running workers). */
  active: number;
  /**
   * Threads asked for: the count given to setThreads or, without it, the default pool's (the number of cores, at
   * most 16), which the first large product starts.
   */
  requested: number;
  /**
   * Why fewer threads than requested run, or '' when all do (or while they are starting). Before the pool starts:
   * why it cannot (say, a page without COOP/COEP headers), or `not started yet: starts on the first large product
   * or setThreads()`.
   */
  reason: string;
  /** Whether the relaxed-SIMD GEMM (f32x4.relaxed_madd) is in use; otherwise the baseline SIMD build. */
  relaxedSimd: boolean;
  /**
   * The GEMM build in use, its micro-kernel tile and why: the engine's default (the faster build on this engine) or
   * preferRelaxedSimd. For example `baseline SIMD 4×8: the default on V8 12.4.254.21-node.33, where the relaxed-SIMD
   * kernel runs slower than this one`.
   */
  gemm: string;
}

/**
 * The threading state: the threads running and asked for, why fewer run, and which GEMM build is in use and why.
 * @example
 * await setThreads(2);
 * const { active, requested, reason } = threads();
 * [active, requested, reason]; // [2, 2, ''] (in Node; in a page without COOP/COEP headers, active is 1 and reason says why)
 */
export function threads(): ThreadsInfo {
  const info = { active: 1 + pool.workers.length, requested, reason: unavailable, relaxedSimd: usingRelaxed(), gemm: gemmChoice() };
  if (requested === 0) {
    // Not started: the default pool's size (cores unknown without waiting, as on Node before 20.16, count as 1
    // here), and why it cannot start or when it will.
    const cores = coresNow();
    info.requested = Math.min(cores ?? 1, 16);
    if (!autoStarted && (cores === undefined || cores > 1)) info.reason = whyNoWorkers() || NOT_STARTED;
  }
  return info;
}

// Starts the default pool in the background the first time a product is large enough to use it.
function autoStart(): void {
  if (requested !== 0 || starting || autoStarted) return;
  autoStarted = true;
  starting = defaultThreads().then((n) => {
    requested = n;
    return resize(requested);
  }).catch((error: unknown) => {
    unavailable = `threads could not start: ${String(error)}`;
  }).finally(() => (starting = null));
}

/** Products below this many flops (2·m·k·n) stay on the calling thread: the handoff costs what it saves. */
export const PARALLEL_FLOPS = 2 ** 23;

let mainWork = 0;

/**
 * Chunks per participant of a split product whose op(B) the caller packed (a prediction's kernels): more than one, so
 * that a faster core takes more of the rows. Cores of one machine can differ: on the 2-vCPU machines this library is
 * measured on, one runs the micro-kernel at 28-30 GFLOP/s and the other at 44, alone or together. Products that pack
 * B themselves keep one chunk per participant: each chunk packs all of B, and packing it once on the caller first
 * made MNIST's 128-row products slower on 2 threads (52-62 against 64-68 GFLOP/s).
 */
const CHUNKS_PER_THREAD = 4;

/**
 * Runs one gemm (see assembly/gemm.ts; without the workspace and row range), split by rows over the pool when it is
 * large enough.
 */
export function gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, n: number,
  flags: number, bias: number, act: number, alpha: number, packed: number): void {
  const kernels = gemmKernels();
  mainWork ||= allocBytes(gemmWorkBytes(), 'matmul');
  const align = kernels.gemmTile() & 0xffff; // chunks of whole micro-kernel rows
  const large = 2 * m * k * n >= PARALLEL_FLOPS && m >= 2 * align;
  if (large) autoStart();
  const participants = large ? Math.min(1 + pool.workers.length, Math.floor(m / align)) : 1;
  if (participants <= 1) {
    kernels.gemm(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, packed, mainWork, 0, m);
    return;
  }
  const split = packed ? CHUNKS_PER_THREAD * participants : participants;
  const rows = Math.ceil(m / split / align) * align, chunks = Math.ceil(m / rows);
  const I = i32View(pool.ctl, CTL_INTS);
  const F = new Float32Array(I.buffer, I.byteOffset, CTL_INTS);
  const gen = (Atomics.load(I, 0) + 1) | 0;
  // NOTE: close the claim word (new tag, no chunk left) before rewriting the job: a participant of the previous
  // job that already loaded the old word could otherwise read the new chunk count and claim a chunk of it.
  Atomics.store(I, 1, ((gen & 0xffff) << 16) | 0xffff);
  I[5] = chunks;
  I[6] = rows;
  I[7] = usingRelaxed() ? 1 : 0;
  // NOTE: word by word, not I.set of an array: no garbage per product in a training step.
  I[8] = a; I[9] = lda; I[10] = b; I[11] = ldb; I[12] = c; I[13] = ldc; I[14] = m; I[15] = k; I[16] = n; I[17] = flags;
  I[18] = bias; I[19] = act;
  F[20] = alpha;
  I[21] = packed;
  I[2] = 0;
  I[3] = 0;
  Atomics.store(I, 1, (gen & 0xffff) << 16);
  Atomics.store(I, 0, gen);
  Atomics.notify(I, 0);
  runChunks(I, F, kernels, null, mainWork, gen & 0xffff);
  waitAll(I, chunks);
  if (I[3] !== 0) throw new Error('matmul: a worker failed while computing the product');
}

setHostGemm(gemm);

// Waits until every chunk is done: Atomics.wait where allowed, else (a browser's main thread) a spin on the
// counter, which only runs while workers finish chunks they have already claimed.
function waitAll(I: Int32Array, chunks: number): void {
  if (canWait === undefined) {
    try {
      Atomics.wait(I, 3, -1, 0);
      canWait = true;
    } catch {
      canWait = false;
    }
  }
  // Spin first (the other chunks usually end within a fraction of a millisecond; see worker.ts), then sleep.
  const until = performance.now() + 1;
  for (let done = Atomics.load(I, 2); done < chunks; done = Atomics.load(I, 2)) {
    if (canWait && performance.now() > until) Atomics.wait(I, 2, done, 50);
  }
}
