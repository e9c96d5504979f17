// The worker pool (src/runtime/threads.ts): products large enough to be split by rows over worker_threads on the
// shared memory give the bits of the one-thread result, within the float32 dot-product bound of the float64
// reference (see tests/ops/matmul.test.ts), for both GEMM builds; thread counts can change at will; idle workers
// never keep a process alive; a chunk that traps is reported and does not hang the pool.
//
// The process tests run a bundle of src/ (built by esbuild into a temporary directory under node_modules/.cache) in
// child `node` processes, so a hang is seen as a timeout there instead of blocking this test worker in Atomics.wait.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { matmul, preferRelaxedSimd, setThreads, tensor, threads, type MatmulOptions } from '../../src/index';
import { PARALLEL_FLOPS } from '../../src/runtime/threads';
import { compiledModules } from '../../src/runtime/wasm';
import { wasmTextEsbuild } from '../../scripts/wasm-text';
import { failOnLeaks, expectBounded, expectExact, refMatmul, seededValues, size } from '../reference';

failOnLeaks();

/** γ_k·Σ_p |a_ip·b_pj| + k·2^-149 per element (tests/ops/matmul.test.ts): any float32 summation order, FMA or not. */
const bounds = (absSum: Float64Array, k: number): Float64Array => {
  const u = 2 ** -24;
  const gamma = (k * u) / (1 - k * u);
  return absSum.map((s) => gamma * s + k * 2 ** -149);
};

const TRANSPOSES: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
const stored = (rows: number, cols: number, trans: boolean): number[] => (trans ? [cols, rows] : [rows, cols]);

/** A product: stored operand shapes and values, options, and the float64 reference with its bound. */
interface Case {
  name: string;
  aShape: number[];
  bShape: number[];
  a: Float64Array;
  b: Float64Array;
  options: MatmulOptions;
  outShape: number[];
  want: Float64Array;
  bound: Float64Array;
}

const M = 300, K = 500, N = 260;

/** 300×500·500×260 with each transpose: 2-D, a batch of 2 over a shared b, and a shared a over a batch of 2 b's. */
function largeCases(): Case[] {
  const cases: Case[] = [];
  let seed = 100;
  for (const [transA, transB] of TRANSPOSES) {
    for (const [batchA, batchB] of [[0, 0], [2, 0], [0, 2]]) {
      const aShape = [...(batchA ? [batchA] : []), ...stored(M, K, transA)];
      const bShape = [...(batchB ? [batchB] : []), ...stored(K, N, transB)];
      const a = seededValues(size(aShape), seed++, 1), b = seededValues(size(bShape), seed++, 1);
      const batch = Math.max(batchA, batchB, 1);
      const want = new Float64Array(batch * M * N), bound = new Float64Array(batch * M * N);
      for (let t = 0; t < batch; t++) {
        const ia = batchA ? t : 0, ib = batchB ? t : 0;
        const r = refMatmul(a.subarray(ia * M * K, (ia + 1) * M * K), b.subarray(ib * K * N, (ib + 1) * K * N), M, K, N, transA, transB);
        want.set(r.data, t * M * N);
        bound.set(bounds(r.absSum, K), t * M * N);
      }
      cases.push({
        name: `a [${aShape}] b [${bShape}] transA ${transA} transB ${transB}`, aShape, bShape, a, b,
        options: { transposeA: transA, transposeB: transB }, outShape: [...(batchA || batchB ? [batch] : []), M, N], want, bound,
      });
    }
  }
  return cases;
}

/** The product of a case on fresh tensors (all disposed). */
function run(c: Case): Float32Array {
  const a = tensor(Float32Array.from(c.a), c.aShape), b = tensor(Float32Array.from(c.b), c.bShape);
  const out = matmul(a, b, c.options);
  try {
    expect(out.shape).toEqual(c.outShape);
    return out.dataSync();
  } finally {
    for (const t of [a, b, out]) t.dispose();
  }
}

let cases: Case[] = [];

beforeAll(() => {
  cases = largeCases();
}, 60_000);

afterAll(async () => {
  preferRelaxedSimd(true);
  await setThreads(1);
});

describe('large products over two threads', () => {
  test('the sizes are split: above PARALLEL_FLOPS and at least two 12-row chunks', () => {
    expect(2 * M * K * N).toBeGreaterThanOrEqual(PARALLEL_FLOPS);
    expect(M).toBeGreaterThanOrEqual(24);
  });

  test('setThreads(2) starts one worker: threads() reports active 2', async () => {
    await setThreads(2);
    expect(threads()).toMatchObject({ active: 2, requested: 2, reason: '' });
    await setThreads(1);
    expect(threads()).toMatchObject({ active: 1, requested: 1, reason: '' });
  });

  for (const relaxed of [false, true]) {
    const build = relaxed ? 'relaxed-SIMD' : 'baseline';
    test(`every transpose, 2-D and batched: bit-identical to one thread and within the bound (${build} build)`, async () => {
      preferRelaxedSimd(relaxed);
      await setThreads(1);
      const one = cases.map(run);
      await setThreads(2);
      expect(threads()).toMatchObject({ active: 2, relaxedSimd: relaxed && compiledModules().relaxed !== null });
      cases.forEach((c, i) => {
        const two = run(c);
        expectExact(two, one[i], `2 threads vs 1: ${c.name}`);
        expectBounded(two, c.want, c.bound, c.name);
      });
    }, 60_000);
  }
});

describe('changing the thread count', () => {
  test('setThreads rejects counts outside the integers 1..256', async () => {
    for (const bad of [0, -1, 1.5, 257, NaN, Infinity]) {
      await expect(setThreads(bad)).rejects.toThrow(new RangeError(`setThreads: n must be an integer in [1, 256], got ${bad}`));
    }
  });

  test('setThreads names the type of a count that is not a number', async () => {
    const wrong: [unknown, string][] = [['2', 'the string "2"'], [2n, 'the bigint 2n'], [true, 'the boolean true'],
      [undefined, 'undefined'], [null, 'null'], [[2], 'the array [2]'], [{ n: 2 }, 'an object'], [() => 2, 'a function']];
    for (const [bad, shown] of wrong) {
      await expect(setThreads(bad as number)).rejects.toThrow(new TypeError(`setThreads: n must be an integer number in [1, 256], got ${shown}`));
    }
  });

  test('switching repeatedly keeps results bit-identical and threads() in step', async () => {
    preferRelaxedSimd(false);
    const picked = [cases[0], cases[7]];
    await setThreads(1);
    const one = picked.map(run);
    for (const n of [2, 1, 3, 2, 4, 1, 2, 3, 2]) {
      await setThreads(n);
      expect(threads()).toMatchObject({ active: n, requested: n, reason: '' });
      picked.forEach((c, i) => expectExact(run(c), one[i], `${n} threads: ${c.name}`));
    }
  }, 60_000);

  test('overlapping setThreads calls run one after another and leave exactly the last count running', async () => {
    // Regression: each call used to start its own workers at once; the pool kept only one set, and the others
    // kept joining jobs with the same workspaces, so products came out wrong.
    preferRelaxedSimd(false);
    const c = cases[0];
    await setThreads(1);
    const one = run(c);
    await Promise.all([setThreads(3), setThreads(2), setThreads(4), setThreads(2)]);
    expect(threads()).toMatchObject({ active: 2, requested: 2, reason: '' });
    for (let r = 0; r < 30; r++) expectExact(run(c), one, `run ${r} after overlapping setThreads`);
  }, 60_000);
});

// ---- Child processes over a bundle of src/ ----

const root = join(import.meta.dirname, '..', '..');
let dir = '';
let bundle = '';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Runs an ES module script in a child node; kills it after timeoutMs. */
function runChild(script: string, timeoutMs: number): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

const expectCleanExit = (exit: Exit, what: string): void => {
  expect(exit.timedOut, `${what} did not exit on its own; stderr:\n${exit.stderr}`).toBe(false);
  expect(exit.code, `${what} exit code; stderr:\n${exit.stderr}`).toBe(0);
};

describe('processes', () => {
  beforeAll(async () => {
    // Inside node_modules so the bundle resolves its dependencies (papaparse, commander) from the project.
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'simdeep-threads-'));
    const src = (path: string): string => JSON.stringify(join(root, 'src', path));
    writeFileSync(join(dir, 'entry.ts'), [
      `export * from ${src('index.ts')};`,
      `export { gemm as gemmRows } from ${src('runtime/threads.ts')};`,
      `export { allocBytes, freeBytes, f32View } from ${src('runtime/heap.ts')};`,
      `export { wasmMemory } from ${src('runtime/wasm.ts')};`,
    ].join('\n'));
    // The pool's worker beside the bundle, where `new URL('./worker.js', import.meta.url)` finds it.
    await build({ entryPoints: { entry: join(dir, 'entry.ts'), worker: join(root, 'src', 'runtime', 'worker.ts') }, bundle: true,
      format: 'esm', target: 'es2022', platform: 'node', outdir: dir, plugins: [wasmTextEsbuild], packages: 'external', logLevel: 'error' });
    bundle = pathToFileURL(join(dir, 'entry.js')).href;
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const prelude = (): string => `import * as sd from ${JSON.stringify(bundle)};
const a = sd.randomUniform([${M}, ${K}], -1, 1, { seed: 1 }), b = sd.randomUniform([${K}, ${N}], -1, 1, { seed: 2 });
`;

  test('a process exits on its own after a product on two threads, with the workers idle', async () => {
    const exit = await runChild(`${prelude()}
await sd.setThreads(2);
const c = sd.matmul(a, b);
c.dataSync();
console.log(JSON.stringify(sd.threads()));
`, 20_000);
    expectCleanExit(exit, 'the two-thread process');
    expect(JSON.parse(exit.stdout)).toMatchObject({ active: 2, requested: 2 });
    expect(exit.ms, 'the process exits within a few seconds').toBeLessThan(10_000);
  }, 30_000);

  test('before the pool starts, threads() says how many threads the default pool will run and when it starts', async () => {
    const exit = await runChild(`import * as sd from ${JSON.stringify(bundle)};
const before = sd.threads();
sd.matmul(sd.tensor([[1, 2], [3, 4]]), sd.tensor([[5, 6], [7, 8]])).dataSync(); // too small to start the pool
console.log(JSON.stringify({ before, afterSmall: sd.threads() }));
`, 20_000);
    expectCleanExit(exit, 'the not-started process');
    const cores = Math.min(availableParallelism(), 16);
    const notStarted = { active: 1, requested: cores, reason: cores > 1 ? 'not started yet: starts on the first large product or setThreads()' : '' };
    const build = { relaxedSimd: expect.any(Boolean), gemm: expect.stringMatching(/^(baseline SIMD 4×8|relaxed-SIMD 6×8): (the default on V8 |this engine does not validate)/) };
    expect(JSON.parse(exit.stdout)).toEqual({ before: { ...notStarted, ...build }, afterSmall: { ...notStarted, ...build } });
  }, 30_000);

  test('a process exits on its own when the default pool was started by a large product', async () => {
    const exit = await runChild(`${prelude()}
sd.matmul(a, b).dataSync(); // starts the default pool in the background
for (let t = 0; t < 100 && sd.threads().active !== sd.threads().requested; t++) await new Promise((r) => setTimeout(r, 50));
sd.matmul(a, b).dataSync();
console.log(JSON.stringify(sd.threads()));
`, 20_000);
    expectCleanExit(exit, 'the default-pool process');
    const info = JSON.parse(exit.stdout) as { active: number; requested: number };
    expect(info.requested).toBeGreaterThanOrEqual(1);
    expect(info.active).toBe(info.requested);
  }, 30_000);

  test('a process exits on its own after going back to one thread', async () => {
    const exit = await runChild(`${prelude()}
await sd.setThreads(2);
sd.matmul(a, b).dataSync();
await sd.setThreads(1);
sd.matmul(a, b).dataSync();
console.log(JSON.stringify(sd.threads()));
`, 20_000);
    expectCleanExit(exit, 'the back-to-one-thread process');
    expect(JSON.parse(exit.stdout)).toMatchObject({ active: 1, requested: 1 });
  }, 30_000);

  test('a chunk that traps on a worker is reported as an error and leaves the pool working', async () => {
    // m = 48 rows in two 24-row chunks. A's rows 0..23 lie in memory; rows 24..47 start past its end, so packing
    // them traps (out-of-bounds read; nothing is written). The caller takes chunk 0 first, which takes milliseconds
    // (k = 1024), so the worker claims chunk 1 and traps there.
    const exit = await runChild(`import * as sd from ${JSON.stringify(bundle)};
const m = 48, k = 1024, n = 512;
await sd.setThreads(2);
const b = sd.allocBytes(k * n * 4, 'test'), c = sd.allocBytes(m * n * 4, 'test'), a = sd.allocBytes(m * k * 4, 'test');
sd.f32View(a, m * k).fill(0.5); sd.f32View(b, k * n).fill(0.25);
const good = () => { sd.gemmRows(a, k, b, n, c, n, m, k, n, 0, 0, -1, 0); return sd.f32View(c, m * n).slice(); };
const before = good();
const end = sd.wasmMemory().buffer.byteLength;
const lda = Math.floor((end - a - 4 * k - 64) / (23 * 4));
if (a + 24 * lda * 4 < end) throw new Error('row 24 is not past the end of memory');
const errors = [];
for (let r = 0; r < 5; r++) {
  try { sd.gemmRows(a, lda, b, n, c, n, m, k, n, 0, 0, -1, 0); errors.push('none'); }
  catch (error) { errors.push(String(error.message)); }
}
const after = good();
let same = before.length === after.length && before.every((v, i) => Object.is(v, after[i]));
console.log(JSON.stringify({ errors, same, value: after[0], threads: sd.threads() }));
`, 30_000);
    expectCleanExit(exit, 'the failing-chunk process');
    const out = JSON.parse(exit.stdout) as { errors: string[]; same: boolean; value: number; threads: { active: number } };
    expect(out.errors).toEqual(Array(5).fill('matmul: a worker failed while computing the product'));
    expect(out.same, 'a product after the failures has the bits of one before them').toBe(true);
    expect(out.value).toBe(1024 * 0.5 * 0.25);
    expect(out.threads.active).toBe(2);
  }, 40_000);

  // ---- Workers that die ----

  /**
   * A child script's start: `handles` collects the pool's workers (node:worker_threads' Worker, replaced for the
   * bundle), the first of them running `workerPrelude` before its own file; `exact()` compares a product bit for bit with
   * the one-thread product; `seen` is printed at the end.
   */
  const dying = (workerPrelude = ''): string => `${prelude()}
import wt from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
const handles = [], Original = wt.Worker;
wt.Worker = class extends Original {
  constructor(file, options) {
    const first = ${JSON.stringify(workerPrelude)} !== '' && handles.length === 0;
    super(first ? ${JSON.stringify(workerPrelude)} + '; import(' + JSON.stringify(String(file)) + ');' : file, first ? { ...options, eval: true } : options);
    handles.push(this);
  }
};
syncBuiltinESMExports();
await sd.setThreads(1);
const want = sd.matmul(a, b).dataSync();
const exact = () => { const c = sd.matmul(a, b), got = c.dataSync(); c.dispose(); return got.every((v, i) => Object.is(v, want[i])); };
const tick = () => new Promise((r) => setTimeout(r, 50));
const seen = {};
`;
  const resizeAndReport = `await sd.setThreads(2);
seen.resized = { exact: exact(), threads: sd.threads() };
console.log(JSON.stringify(seen));
`;

  type Seen = Record<string, { exact: boolean; threads: { active: number; requested: number; reason: string } }>;

  const expectAllExact = (seen: Seen): void => {
    for (const [step, { exact }] of Object.entries(seen)) expect(exact, `product ${step}`).toBe(true);
  };

  test('a worker terminated from outside: products stay exact, the pool drops it and says why, and resizes', async () => {
    const exit = await runChild(`${dying()}
await sd.setThreads(3);
seen.started = { exact: exact(), threads: sd.threads() };
await handles[0].terminate();
seen.terminated = { exact: exact(), threads: sd.threads() };
await tick();
seen.later = { exact: exact(), threads: sd.threads() };
${resizeAndReport}`, 30_000);
    expectCleanExit(exit, 'the terminated-worker process');
    const seen = JSON.parse(exit.stdout) as Seen;
    expectAllExact(seen);
    expect(seen.started.threads).toMatchObject({ active: 3, reason: '' });
    for (const step of ['terminated', 'later']) {
      expect(seen[step].threads, step).toMatchObject({ active: 2, requested: 3, reason: 'a worker stopped (exit code 1); 2 of 3 threads run' });
    }
    expect(seen.resized.threads).toMatchObject({ active: 2, requested: 2, reason: '' });
  }, 40_000);

  test('a worker that throws between jobs: products stay exact, the pool drops it and says why, and resizes', async () => {
    // The first worker's third sleep throws: an uncaught error outside any job.
    const thrower = "const wait = Atomics.wait; let calls = 0; Atomics.wait = function (...args) { if (++calls === 3) throw new Error('thrown by the worker'); return wait.apply(this, args); }";
    const exit = await runChild(`${dying(thrower)}
await sd.setThreads(2);
for (let i = 0; i < 4; i++) { seen['step' + i] = { exact: exact(), threads: sd.threads() }; await tick(); }
seen.later = { exact: exact(), threads: sd.threads() };
${resizeAndReport}`, 30_000);
    expectCleanExit(exit, 'the throwing-worker process');
    const seen = JSON.parse(exit.stdout) as Seen;
    expectAllExact(seen);
    expect(seen.step0.threads).toMatchObject({ active: 2, reason: '' });
    expect(seen.later.threads).toMatchObject({ active: 1, requested: 2, reason: 'a worker stopped (Error: thrown by the worker); 1 of 2 threads run' });
    expect(seen.resized.threads).toMatchObject({ active: 2, requested: 2, reason: '' });
  }, 40_000);

  test('after failing calls the pool resizes, products are exact, and the process exits', async () => {
    // The trapping product of 'a chunk that traps on a worker' above.
    const exit = await runChild(`${dying()}
await sd.setThreads(2);
const m = 48, k = 1024, n = 512;
const pb = sd.allocBytes(k * n * 4, 'test'), pc = sd.allocBytes(m * n * 4, 'test'), pa = sd.allocBytes(m * k * 4, 'test');
const end = sd.wasmMemory().buffer.byteLength, lda = Math.floor((end - pa - 4 * k - 64) / (23 * 4));
if (pa + 24 * lda * 4 < end) throw new Error('row 24 is not past the end of memory');
seen.errors = [];
for (let r = 0; r < 3; r++) {
  try { sd.gemmRows(pa, lda, pb, n, pc, n, m, k, n, 0, 0, -1, 0); } catch (error) { seen.errors.push(error.message); }
}
await sd.setThreads(3);
seen.three = { exact: exact(), threads: sd.threads() };
${resizeAndReport}`, 30_000);
    expectCleanExit(exit, 'the failing-call process');
    const { errors, ...seen } = JSON.parse(exit.stdout) as Seen & { errors: string[] };
    expect(errors).toEqual(Array(3).fill('matmul: a worker failed while computing the product'));
    expectAllExact(seen as Seen);
    expect(seen.three.threads).toMatchObject({ active: 3, requested: 3, reason: '' });
    expect(seen.resized.threads).toMatchObject({ active: 2, requested: 2, reason: '' });
  }, 40_000);
});
