// One suite over every kernel build and thread count, as tfjs's describeWithFlags runs one suite over every backend:
// describeEachBuild('matmul', (env) => { ... }) declares the suite four times, titled `matmul [baseline, 1 thread]`,
// `matmul [baseline, 2 threads]`, `matmul [relaxed, 1 thread]` and `matmul [relaxed, 2 threads]`, each with the build
// and the thread count set in beforeAll and the previous ones restored in afterAll. An environment the runtime cannot
// give (relaxed SIMD that the engine does not validate; workers in a page without COOP/COEP headers) is declared as a
// skipped suite whose title says why, never dropped.
//
// Only matrix products differ between environments: relaxed.wasm replaces the GEMM alone, and the thread pool splits
// only products of at least PARALLEL_FLOPS (src/runtime/threads.ts), so suites include such products.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { preferRelaxedSimd, setThreads, threads, type ThreadsInfo } from '../src/index';
import { PARALLEL_FLOPS } from '../src/runtime/threads';
import { compiledModules } from '../src/runtime/wasm';

/** One kernel build and thread count that a suite runs under. */
export interface BuildEnv {
  /** The relaxed-SIMD GEMM (relaxed.wasm) rather than the baseline build. */
  relaxed: boolean;
  threads: 1 | 2;
  /** `relaxed, 2 threads`: what suite titles carry. */
  name: string;
  /**
   * The one environment that runs property tests at their full count (relaxed on one thread, the library's default
   * build; baseline where relaxed SIMD is missing); the others run a smaller count (see `runs`).
   */
  full: boolean;
  /** Why this runtime cannot give the environment, or '' when it can. */
  unavailable: string;
}

// Probed once per test file, through the library itself: the relaxed module exists only where the engine validates
// it, and setThreads(2) reports through threads() why it could not start a worker.
const relaxedMissing = compiledModules().relaxed === null
  ? 'the engine does not validate relaxed SIMD (WebAssembly.validate rejects relaxed.wasm)' : '';
const workersMissing = await (async (): Promise<string> => {
  await setThreads(2);
  const { active, reason } = threads();
  await setThreads(1);
  return active === 2 ? '' : reason || `setThreads(2) gave ${active} active threads`;
})();

/** Every environment, available or not, in the order the suites are declared. */
export const BUILD_ENVS: readonly BuildEnv[] = [false, true].flatMap((relaxed) => ([1, 2] as const).map((count): BuildEnv => ({
  relaxed,
  threads: count,
  name: `${relaxed ? 'relaxed' : 'baseline'}, ${count} ${count === 1 ? 'thread' : 'threads'}`,
  full: count === 1 && relaxed === (relaxedMissing === ''),
  unavailable: [relaxed ? relaxedMissing : '', count > 1 ? workersMissing : ''].filter(Boolean).join('; '),
})));

/** A property test's run count: `full` in the environment marked full, `reduced` in the others. */
export const runs = (env: BuildEnv, full: number, reduced: number): number => (env.full ? full : reduced);

/** Whether a product of m·k·n is split over the pool's threads (as src/runtime/threads.ts decides; tile rows ≤ 6). */
export const splitsOverThreads = (m: number, k: number, n: number): boolean => 2 * m * k * n >= PARALLEL_FLOPS && m >= 12;

/**
 * Declares the suite `fn` once per environment, as `name [relaxed, 2 threads]`. An environment this runtime cannot
 * give runs one test instead, titled with the reason: asking for it falls back to what the runtime has, and says why
 * (the suite itself runs where the environment exists).
 */
export function describeEachBuild(name: string, fn: (env: BuildEnv) => void): void {
  for (const env of BUILD_ENVS) {
    if (env.unavailable) {
      describe(`${name} [${env.name}]`, () => {
        test(`is not available here (${env.unavailable}): asking for it falls back and says why`, async () => {
          const before = threads();
          preferRelaxedSimd(env.relaxed);
          await setThreads(env.threads);
          const got = threads();
          preferRelaxedSimd(before.relaxedSimd || relaxedMissing !== '');
          await setThreads(1);
          if (env.relaxed && relaxedMissing) expect(got.relaxedSimd).toBe(false);
          if (env.threads > 1 && workersMissing) expect([got.active, got.reason]).toEqual([1, workersMissing]);
        });
      });
      continue;
    }
    describe(`${name} [${env.name}]`, () => {
      let before: ThreadsInfo;
      beforeAll(async () => {
        before = threads();
        preferRelaxedSimd(env.relaxed);
        await setThreads(env.threads);
        expect(threads(), `the environment ${env.name}`).toMatchObject({ active: env.threads, relaxedSimd: env.relaxed });
      });
      afterAll(async () => {
        preferRelaxedSimd(relaxedMissing !== '' || before.relaxedSimd);
        await setThreads(before.requested);
      });
      fn(env);
    });
  }
}
