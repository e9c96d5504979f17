// workers.ts for the workerd build (tsup.config.ts): edge runtimes have no worker threads, so the bundle holds no
// worker file to resolve. run.ts never calls this there (isNode() is false), and runs the trials one by one.
import type { Job } from './space';
import type { Call, Decide, ObjectiveModule } from './trial';
import type { TrialThreads } from './workers';

/** Rejects: no worker runs in this build (queue workers included). */
export async function startTrialThreads(_target: ObjectiveModule, _count: number, op: string): Promise<TrialThreads> {
  throw new Error(`${op}: edge runtimes (workerd) have no worker threads`);
}

/** Rejects: no worker runs in this build. */
export async function runInWorkers(_jobs: readonly Job[], _target: ObjectiveModule, _count: number,
  _finished: (job: Job, call: Call) => Promise<void>, op: string, _decideFor?: (job: Job) => Decide, _signal?: AbortSignal): Promise<void> {
  throw new Error(`${op}: edge runtimes (workerd) have no worker threads`);
}
