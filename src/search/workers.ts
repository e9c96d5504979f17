// Parallel runs: a pool of worker_threads (Node), each importing the objective module once and running one trial at
// a time; a trial's reports come back to this thread to be decided on. Local parallel searches start a pool for the
// search and terminate it when it ends, however it ends; queue workers keep one while they run. The worker is the file
// workerTrial.ts, as workerTrial.js beside the bundle (dist/workerTrial.js), found by its URL relative to this
// module; in an app's bundle, which leaves it out, the one of the simdeep package the objective module imports.
// The workerd build puts workers.workerd.ts in this file's place.
import { nodeBuiltin } from '../runtime/node';
import { besideUrl, copyHint, scriptExists } from '../runtime/workerScript';
import { moduleError, moduleHref, nodeImport, type ModuleProblem } from './module';
import type { Job } from './space';
import { goOn, type Call, type Decide, type ObjectiveModule } from './trial';

/** What a trial thread sends: ready (or why not), a report to decide on, or a finished trial. */
type FromThread = { type: 'ready' } | { type: 'unusable'; problem: ModuleProblem } | { type: 'report'; step: number; score: number }
  | { type: 'done'; call: Call };

/**
 * What a trial thread receives: a trial to run (`ask`: whether its reports need a decision; without a pruner they go
 * on, answered in the thread), or the decision on its last report (or why none could be made).
 */
export type ToThread = { type: 'trial'; job: Job; ask: boolean } | { type: 'decision'; go: boolean; error?: string };

/**
 * A pool of worker threads that each import the objective module once and run one trial at a time.
 * @example
 * const threads = await startTrialThreads({ module: 'objective.mjs' }, 2, 'randomSearch');
 * const call = await threads.run({ index: 0, params: { x: 1 }, seed: 7 });
 * await threads.close();
 */
export interface TrialThreads {
  /**
   * Runs `job` on the next free thread, asking `decide` at each report; resolves to what the objective gave. A
   * thread that dies during the trial (process.exit, an uncaught error) fails that trial and is replaced. Rejects when
   * the module cannot give the objective, or once the pool is closed.
   */
  run(job: Job, decide?: Decide): Promise<Call>;
  /** Terminates every thread; runs not yet finished reject. */
  close(): Promise<void>;
}

interface Run {
  job: Job;
  decide: Decide;
  resolve: (call: Call) => void;
  reject: (error: unknown) => void;
}

/** Starts `count` trial threads for `target` (in Node). */
export async function startTrialThreads(target: ObjectiveModule, count: number, op: string): Promise<TrialThreads> {
  const { Worker: NodeWorker } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  const workerData = { href: await moduleHref(target.module), name: target.export ?? 'objective' };
  // NOTE: workers inherit the process's Node options (a loader such as tsx, for TypeScript objectives), but
  // --input-type (node --input-type=module -e …) stops a worker run from a file: then they get none.
  const execArgv = process.execArgv.some((arg) => arg.startsWith('--input-type')) ? { execArgv: [] } : {};
  const script = trialScript(workerData.href, op);
  const waiting: Run[] = [];
  const idle: ((run: Run) => void)[] = [];
  const live = new Set<InstanceType<typeof NodeWorker>>();
  let broken: unknown;
  const dispatch = (): void => {
    while (idle.length > 0 && waiting.length > 0) idle.shift()!(waiting.shift()!);
  };
  const breakAll = (error: unknown): void => {
    broken ??= error;
    for (const run of waiting.splice(0)) run.reject(broken);
    for (const worker of live) void worker.terminate();
    live.clear();
  };

  const start = (): void => {
    const worker = new NodeWorker(script, { workerData, ...execArgv });
    live.add(worker);
    let current: { run: Run; began: number } | undefined;
    let crash: Error | undefined;
    const take = (run: Run): void => {
      current = { run, began: performance.now() };
      worker.postMessage({ type: 'trial', job: run.job, ask: run.decide !== goOn } satisfies ToThread);
    };
    const free = (): void => {
      idle.push(take);
      dispatch();
    };
    worker.on('message', (message: FromThread) => {
      if (!live.has(worker)) return;
      if (message.type === 'ready') return free();
      if (message.type === 'unusable') return breakAll(moduleError(op, workerData.href, workerData.name, message.problem));
      const run = current!.run;
      if (message.type === 'report') {
        run.decide(message.step, message.score).then((go) => ({ go }), (error: unknown) => ({ go: false, error: error instanceof Error ? error.message : String(error) }))
          .then((decision) => live.has(worker) && worker.postMessage({ type: 'decision', ...decision } satisfies ToThread));
        return;
      }
      current = undefined;
      run.resolve(message.call);
      free();
    });
    worker.on('error', (error) => (crash = error));
    worker.on('exit', (code) => {
      if (!live.delete(worker)) return; // terminated by us
      const index = idle.indexOf(take);
      if (index >= 0) idle.splice(index, 1);
      const why = crash?.message ?? `exit code ${code}`;
      if (!current) return breakAll(new Error(`${op}: a worker stopped while importing objective.module ${workerData.href}: ${why}`));
      const { run, began } = current;
      run.resolve({ seconds: (performance.now() - began) / 1000, error: `the worker running this trial stopped: ${why}`, reports: [], pruned: false });
      start();
    });
  };
  for (let i = 0; i < count; i++) start();

  return {
    run: (job, decide = goOn) => new Promise<Call>((resolve, reject) => {
      if (broken) return reject(broken);
      waiting.push({ job, decide, resolve, reject });
      dispatch();
    }),
    close: async () => {
      const workers = [...live];
      breakAll(new Error(`${op}: the search's worker threads were closed`));
      await Promise.allSettled(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Runs the jobs on `count` worker threads, one trial per worker at a time, calling `finished` as each ends and
 * `decideFor(job)` at its reports. A worker that dies during a trial fails that trial and is replaced. Resolves once
 * every job has finished, and rejects on a module that cannot be used or when `finished` throws; either way every
 * worker has been terminated by then. When `signal` aborts, every worker is terminated at once (and this never
 * settles: the caller rejects on the signal).
 */
export async function runInWorkers(jobs: readonly Job[], target: ObjectiveModule, count: number,
  finished: (job: Job, call: Call) => Promise<void>, op: string, decideFor: (job: Job) => Decide = () => goOn,
  signal?: AbortSignal): Promise<void> {
  const threads = await startTrialThreads(target, Math.min(count, jobs.length), op);
  let next = 0;
  let stopped = false;
  const onAbort = (): void => void ((stopped = true), threads.close());
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  const lane = async (): Promise<void> => {
    try {
      while (next < jobs.length && !stopped) {
        const job = jobs[next++];
        const call = await threads.run(job, decideFor(job));
        if (!stopped) await finished(job, call);
      }
    } catch (error) {
      stopped = true;
      throw error;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(count, jobs.length) }, lane));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await threads.close();
  }
}

/**
 * The search worker's file: workerTrial.js beside this module (the library as installed), else that of the simdeep
 * package the objective module resolves (an app's bundle, which leaves the file out). Throws, saying what to copy
 * where, when neither is there.
 */
function trialScript(objectiveHref: string, op: string): URL {
  // @vite-ignore: browser builds would carry this Node-only URL as an asset (a small one inlined as a data: URL).
  const beside = besideUrl(() => new URL(/* @vite-ignore */ './workerTrial.js', import.meta.url));
  if (beside && scriptExists(beside) !== false) return beside;
  const module = nodeBuiltin<typeof import('node:module')>('node:module');
  const url = nodeBuiltin<typeof import('node:url')>('node:url');
  for (const from of module && url ? [objectiveHref, `${process.cwd()}/`] : []) {
    try {
      const installed = new URL('dist/workerTrial.js', url?.pathToFileURL(module?.createRequire(from).resolve('simdeep/package.json') ?? ''));
      if (scriptExists(installed)) return installed;
    } catch {
      // not installed where the objective module or the working directory can import it
    }
  }
  throw new Error(`${op}: parallel runs need the search worker workerTrial.js, which this bundle left out: ${copyHint('workerTrial.js', beside)}, or install simdeep where the objective module imports it, or pass parallel: false`);
}
