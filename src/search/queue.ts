// Searches on a job queue (BullMQ on Redis, Node): each trial is a job that any `runWorker` process, on any
// machine, may run; results come back through the queue. A study (the objective, the trials, the pruner and the
// direction) names its jobs by a hash, so running the same search again picks up the finished trials instead of
// running them again, and a trial run twice (its worker died) is counted once, by its index.
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import { showValue } from '../tensor/errors';
import { moduleHref, nodeImport } from './module';
import type { PrunerJSON } from './pruners';
import { checkConnection, connectRedis, describeConnection, optionalImport, type RedisConnection } from './redis';
import type { Job } from './space';
import type { Call, ObjectiveModule } from './trial';

/**
 * Where and how a search runs its trials, given as `executor` (what `queue(...)` returns).
 * @example
 * const executor: SearchExecutor = queue({ connection: 'redis://127.0.0.1:6379' });
 * executor.description; // 'the queue simdeep-search on redis://127.0.0.1:6379'
 */
export interface SearchExecutor {
  /** What it is, for messages: the queue and its server. */
  readonly description: string;
  /** Runs `request.jobs`, calling `request.finished` once per trial as each ends; rejects when the search cannot go on. */
  run(request: ExecutorRequest): Promise<void>;
}

/** What a search hands its executor. */
export interface ExecutorRequest {
  jobs: readonly Job[];
  objective: ObjectiveModule;
  direction: 'minimize' | 'maximize';
  /** The search's pruner as JSON (rebuilt by the workers), or null. */
  pruner: PrunerJSON | null;
  finished: (job: Job, call: Call) => Promise<void>;
  signal?: AbortSignal;
  op: string;
}

/** What one trial's job carries to a worker. */
export interface TrialJobData {
  href: string;
  export: string;
  index: number;
  params: Record<string, unknown>;
  seed: number;
  pruner: PrunerJSON | null;
  direction: 'minimize' | 'maximize';
  study: string;
}

/**
 * Options of `queue`.
 * @example
 * const options: QueueOptions = { connection: 'redis://127.0.0.1:6379', name: 'my-search' };
 */
export interface QueueOptions {
  /** The Redis server: a `redis://` URL, or ioredis options such as `{ host, port, password }`. */
  connection: RedisConnection;
  /** The BullMQ queue's name; workers started with the same name run the trials (default 'simdeep-search'). */
  name?: string;
  /** Milliseconds to wait for the first connection before rejecting the search (default 3000). */
  connectTimeout?: number;
  /**
   * Milliseconds between checks of the unfinished trials' jobs (default 1000): results whose event was missed while
   * the server restarted are read, and jobs a restarted server lost reject the search.
   */
  pollInterval?: number;
}

/**
 * A Call as a job's return value: JSON, with the numbers JSON lacks (NaN, ±Infinity, which objectives may return or
 * report) written as { nonFinite: 'NaN' }.
 */
export function callToJSON(call: Call): string {
  return JSON.stringify(call, (_, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? { nonFinite: String(value) } : value));
}

/** The Call of callToJSON's text. */
export function callFromJSON(text: string): Call {
  return JSON.parse(text, (_, value: unknown) => {
    const { nonFinite } = (value ?? {}) as { nonFinite?: unknown };
    return typeof nonFinite === 'string' ? Number(nonFinite) : value;
  }) as Call;
}

/** The queue's name when none is given. */
export const DEFAULT_QUEUE = 'simdeep-search';

/** Throws unless `name` can name a BullMQ queue. */
export function checkQueueName(name: unknown, op: string): string {
  if (typeof name !== 'string' || name === '' || name.includes(':')) throw new RangeError(`${op}: name must be a non-empty string without ':', got ${showValue(name)}`);
  return name;
}

/**
 * A SearchExecutor that runs a search's trials as jobs of a BullMQ queue on Redis, for workers (`runWorker`, or
 * `simdeep worker --redis <url>`) started anywhere that reaches the server and has the objective module at the same
 * path. Give it as `executor` to randomSearch or gridSearch, with the objective as `{ module, export }`. The
 * search's result is the one a local run with the same seed gives (same kernel build); `onTrialEnd` and the progress
 * bar follow the trials as they finish on the workers; an objective that throws fails its trial only. Running the
 * same search again (same objective, trials, seed, pruner and direction) reads back the trials that finished instead
 * of running them: so a search stopped (by `signal`) or failed resumes. A search that stops or fails removes its
 * waiting jobs; a job that fails on the queue (its module cannot be imported, or its workers died more than
 * `maxStalledCount` times) rejects the search. The finished jobs stay in Redis for that. Nothing connects
 * until a search runs; a server that cannot be reached rejects it within `connectTimeout`, naming the server.
 * @throws TypeError or RangeError (starting with `queue:`) for a bad option.
 * @doctestSkip needs a Redis server
 * @example
 * const { best } = await randomSearch({
 *   space: { x: uniform(0, 4) }, trials: 20, seed: 1,
 *   objective: { module: new URL('./objective.js', import.meta.url) },
 *   executor: queue({ connection: 'redis://127.0.0.1:6379' }),
 * }); // with `simdeep worker --redis redis://127.0.0.1:6379` running somewhere
 */
export function queue(options: QueueOptions): SearchExecutor {
  const op = 'queue';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['connection', 'name', 'connectTimeout', 'pollInterval']);
  const connection = checkConnection(options.connection, op);
  const name = checkQueueName(options.name ?? DEFAULT_QUEUE, op);
  const connectTimeout = checkInteger(options.connectTimeout ?? 3000, op, 'connectTimeout', 1, 600_000);
  const pollInterval = checkInteger(options.pollInterval ?? 1000, op, 'pollInterval', 10, 600_000);
  return {
    description: `the queue ${name} on ${describeConnection(connection)}`,
    run: (request) => runOnQueue(request, { connection, name, connectTimeout, pollInterval }),
  };
}

/** The id of a study: a hash of everything that decides its trials' results. */
async function studyId(data: Omit<TrialJobData, 'index' | 'params' | 'seed' | 'study'>, jobs: readonly Job[]): Promise<string> {
  const { createHash } = await nodeImport<typeof import('node:crypto')>('node:crypto');
  return createHash('sha256').update(JSON.stringify([data, jobs])).digest('hex').slice(0, 20);
}

/** Throws, naming the hyperparameter, unless every job survives JSON (what a job's data goes through) unchanged. */
async function checkJSON(jobs: readonly Job[], op: string): Promise<void> {
  const { isDeepStrictEqual } = await nodeImport<typeof import('node:util')>('node:util');
  for (const job of jobs) {
    for (const [name, value] of Object.entries(job.params)) {
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(value) ?? 'null'), value)) {
        throw new TypeError(`${op}: space.${name} gives ${typeof value === 'function' ? 'a function' : showValue(value)}, which JSON cannot carry to a queue worker; queue searches need plain JSON values`);
      }
    }
  }
}

type Settled = { connection: RedisConnection; name: string; connectTimeout: number; pollInterval: number };

async function runOnQueue(request: ExecutorRequest, { connection, name, connectTimeout, pollInterval }: Settled): Promise<void> {
  const { jobs, objective, direction, pruner, finished, signal, op } = request;
  await checkJSON(jobs, op);
  const common = { href: await moduleHref(objective.module), export: objective.export ?? 'objective', pruner, direction };
  const study = await studyId(common, jobs);
  const idOf = (index: number): string => `${study}-${index}`;
  const indexOf = (id: string): number | undefined => (id.startsWith(`${study}-`) ? Number(id.slice(study.length + 1)) : undefined);
  const bullmq = await optionalImport<typeof import('bullmq')>('bullmq', op);
  signal?.throwIfAborted();
  const client = await connectRedis(connection, op, connectTimeout);
  const where = `${name} on ${describeConnection(connection)}`;
  const queue = new bullmq.Queue(name, { connection: client as never });
  const events = new bullmq.QueueEvents(name, { connection: client as never });
  const quiet = (): void => undefined; // connection errors while the server restarts: the clients reconnect
  queue.on('error', quiet);
  events.on('error', quiet);
  const pending = new Map(jobs.map((job) => [job.index, job]));
  let chain = Promise.resolve();
  let fail: (error: unknown) => void = () => undefined;
  let succeed: () => void = () => undefined;
  const outcome = new Promise<void>((resolve, reject) => ((succeed = resolve), (fail = reject)));
  outcome.catch(() => undefined); // observed below; an early rejection must not be reported as unhandled
  // Each trial once, by index (a trial run again after its worker died completes twice), and one at a time.
  const settle = (index: number, call: Call): void => {
    const job = pending.get(index);
    if (!job || signal?.aborted) return;
    pending.delete(index);
    chain = chain.then(() => finished(job, call)).then(() => void (pending.size === 0 && succeed()), fail);
  };
  const failedOnQueue = (index: number, reason: string): void => fail(new Error(`${op}: trial ${index} failed on ${where}: ${reason}`));
  const onAbort = (): void => fail(signal!.reason);
  let polling = true;
  let completed = false;
  try {
    events.on('completed', ({ jobId, returnvalue }) => {
      const index = indexOf(jobId);
      if (index !== undefined) settle(index, callFromJSON(returnvalue as unknown as string));
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const index = indexOf(jobId);
      if (index !== undefined && pending.has(index)) failedOnQueue(index, failedReason);
    });
    await events.waitUntilReady();
    // Trials of this study already on the queue: finished ones are read back, failed ones (their worker died too
    // often, or could not import the module) are queued again, the others are waited for.
    const found = await Promise.all(jobs.map((job) => queue.getJob(idOf(job.index))));
    const toAdd: Job[] = [];
    for (const [i, existing] of found.entries()) {
      const state = existing ? await existing.getState() : 'unknown';
      if (state === 'completed') settle(jobs[i].index, callFromJSON(existing!.returnvalue as string));
      else if (state === 'failed' || state === 'unknown') {
        if (existing) await existing.remove();
        toAdd.push(jobs[i]);
      }
    }
    for (let start = 0; start < toAdd.length; start += 1000) {
      await queue.addBulk(toAdd.slice(start, start + 1000).map(({ index, params, seed }) => ({
        name: 'trial', data: { ...common, index, params, seed, study } satisfies TrialJobData,
        opts: { jobId: idOf(index), attempts: 1, removeOnComplete: false, removeOnFail: false },
      })));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    void (async () => {
      // The check for results whose event was missed, and for jobs the server lost.
      while (polling) {
        await new Promise((resolve) => setTimeout(resolve, pollInterval));
        const indices = [...pending.keys()];
        const states = await Promise.all(indices.map((index) => queue.getJobState(idOf(index))));
        for (const [i, state] of states.entries()) {
          if (!polling) return;
          const index = indices[i];
          if (state === 'unknown') {
            if (pending.has(index)) fail(new Error(`${op}: the job of trial ${index} is no longer on ${where}: was the Redis server restarted without its data (persistence off)?`));
          } else if (state === 'completed' || state === 'failed') {
            const job = await queue.getJob(idOf(index));
            if (job && state === 'completed') settle(index, callFromJSON(job.returnvalue as string));
            else if (job && pending.has(index)) failedOnQueue(index, job.failedReason);
          }
        }
      }
    })().catch(fail);
    await outcome;
    completed = true;
  } finally {
    polling = false;
    signal?.removeEventListener('abort', onAbort);
    // Stopped or failed: no worker should start this study's remaining trials (running ones finish, and the same
    // search run again reads them back and queues the rest again).
    if (!completed) await removeWaiting(queue, [...pending.keys()].map(idOf));
    await Promise.allSettled([events.close(), queue.close()]);
    await client.quit().catch(() => client.disconnect());
  }
}

/** Removes the jobs that no worker has taken yet. */
async function removeWaiting(queue: import('bullmq').Queue, ids: readonly string[]): Promise<void> {
  await Promise.allSettled(ids.map(async (id) => {
    const state = await queue.getJobState(id);
    if (state === 'waiting' || state === 'prioritized' || state === 'delayed') await queue.remove(id);
  }));
}
