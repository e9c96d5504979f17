// Parallel runs: a pool of worker_threads (Node), each importing the objective module once and running one trial at
// a time. Workers are started for the search and terminated when it ends, however it ends. The worker is the file
// workerTrial.ts, as workerTrial.js beside the bundle (dist/workerTrial.js), found by its URL relative to this
// module; in an app's bundle, which leaves it out, the one of the simdeep package the objective module imports.
// The workerd build puts workers.workerd.ts in this file's place.
import { nodeBuiltin } from '../runtime/node';
import { besideUrl, copyHint, scriptExists } from '../runtime/workerScript';
import { moduleError, moduleHref, nodeImport, type ModuleProblem } from './module';
import type { Job } from './space';
import type { Call, ObjectiveModule } from './trial';

type Message = { type: 'ready' } | { type: 'unusable'; problem: ModuleProblem } | { type: 'done'; call: Call };

/**
 * Runs the jobs on `count` worker threads, one trial per worker at a time, calling `finished` as each ends. A worker
 * that dies during a trial (process.exit, an uncaught error) fails that trial and is replaced. Resolves once every
 * job has finished, and rejects on a module that cannot be used or when `finished` throws; either way every worker
 * has been terminated by then.
 */
export async function runInWorkers(jobs: readonly Job[], target: ObjectiveModule, count: number,
  finished: (job: Job, call: Call) => Promise<void>, op: string): Promise<void> {
  const { Worker: NodeWorker } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  const workerData = { href: await moduleHref(target.module), name: target.export ?? 'objective' };
  // NOTE: workers inherit the process's Node options (a loader such as tsx, for TypeScript objectives), but
  // --input-type (node --input-type=module -e …) stops a worker run from a file: then they get none.
  const execArgv = process.execArgv.some((arg) => arg.startsWith('--input-type')) ? { execArgv: [] } : {};
  const queue = [...jobs];
  const live = new Set<InstanceType<typeof NodeWorker>>();
  const terminations: Promise<unknown>[] = [];
  const retire = (worker: InstanceType<typeof NodeWorker>): void => {
    if (live.delete(worker)) terminations.push(worker.terminate());
  };
  let remaining = jobs.length;
  let ended: { failure?: { error: unknown } } | null = null;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const stop = (failure?: { error: unknown }): void => {
    if (ended) return;
    ended = { failure };
    live.forEach(retire);
    void Promise.allSettled(terminations).then(settle);
  };
  const fail = (error: unknown): void => stop({ error });
  const report = (job: Job, call: Call): void => {
    finished(job, call).then(() => --remaining === 0 && stop(), fail);
  };

  const script = trialScript(workerData.href, op);
  const start = (): void => {
    const worker = new NodeWorker(script, { workerData, ...execArgv });
    live.add(worker);
    let job: Job | undefined;
    let began = 0;
    let crash: Error | undefined;
    const next = (): void => {
      job = queue.shift();
      began = performance.now();
      if (job) worker.postMessage(job);
      else retire(worker);
    };
    worker.on('message', (message: Message) => {
      if (ended) return;
      if (message.type === 'ready') return next();
      if (message.type === 'unusable') return fail(moduleError(op, workerData.href, workerData.name, message.problem));
      const done = job!;
      next();
      report(done, message.call);
    });
    worker.on('error', (error) => (crash = error));
    worker.on('exit', (code) => {
      if (!live.delete(worker) || ended) return; // retired or stopped by us
      const why = crash?.message ?? `exit code ${code}`;
      if (!job) return fail(new Error(`${op}: a worker stopped while importing objective.module ${workerData.href}: ${why}`));
      report(job, { seconds: (performance.now() - began) / 1000, error: `the worker running this trial stopped: ${why}` });
      if (queue.length > 0) start();
    });
  };

  for (let i = 0; i < Math.min(count, jobs.length); i++) start();
  if (jobs.length === 0) stop();
  await settled;
  const failure = (ended as { failure?: { error: unknown } } | null)?.failure;
  if (failure) throw failure.error;
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
