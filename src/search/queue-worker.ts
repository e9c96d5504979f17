// The worker side of queue searches (Node): a BullMQ Worker that takes trial jobs and runs each on a pool of trial
// threads (one pool per objective module), so this process's main thread stays free to renew the jobs' locks however
// long a trial computes. A worker that dies loses its jobs' locks; another worker's stalled-job check then puts the
// job back on the queue and it runs again (the search counts each trial once, by index).
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import { showValue } from '../tensor/errors';
import { prunerFromJSON } from './pruners';
import { callToJSON, checkQueueName, DEFAULT_QUEUE, type TrialJobData } from './queue';
import { checkConnection, connectRedis, optionalImport, redisRungs, type RedisConnection } from './redis';
import { goOn, type Decide } from './trial';
import { startTrialThreads, type TrialThreads } from './workers';

/**
 * Options of `runWorker`.
 * @example
 * const options: RunWorkerOptions = { connection: 'redis://127.0.0.1:6379', concurrency: 2 };
 */
export interface RunWorkerOptions {
  /** The Redis server: a `redis://` URL, or ioredis options such as `{ host, port, password }`. */
  connection: RedisConnection;
  /** The queue to take trials from, as given to `queue` (default 'simdeep-search'). */
  name?: string;
  /** Trials run at once, each on a worker thread of its own (default 1). */
  concurrency?: number;
  /** Stops the worker: it finishes the trials it is running, then closes and `runWorker` resolves. */
  signal?: AbortSignal;
  /**
   * Milliseconds a job's lock lasts (default 5000); the worker renews it every half of that while the trial runs. A
   * worker that dies holds its trials for at most this long.
   */
  lockDuration?: number;
  /** Milliseconds between checks for jobs whose worker died (default 2000); such jobs go back on the queue. */
  stalledInterval?: number;
  /** How many times a trial's worker may die before the trial's job fails, failing the search (default 2). */
  maxStalledCount?: number;
  /** Milliseconds to wait for the first connection before rejecting (default 3000). */
  connectTimeout?: number;
}

/** The kept settings of runWorker. */
interface WorkerSettings {
  connection: RedisConnection;
  name: string;
  concurrency: number;
  signal?: AbortSignal;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
  connectTimeout: number;
}

function checkWorkerOptions(options: RunWorkerOptions, op: string): WorkerSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['connection', 'name', 'concurrency', 'signal', 'lockDuration', 'stalledInterval', 'maxStalledCount', 'connectTimeout']);
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${op}: signal must be an AbortSignal, got ${showValue(signal)}`);
  return {
    connection: checkConnection(options.connection, op),
    name: checkQueueName(options.name ?? DEFAULT_QUEUE, op),
    concurrency: checkInteger(options.concurrency ?? 1, op, 'concurrency', 1, 1024),
    signal,
    lockDuration: checkInteger(options.lockDuration ?? 5000, op, 'lockDuration', 100, 3_600_000),
    stalledInterval: checkInteger(options.stalledInterval ?? 2000, op, 'stalledInterval', 100, 3_600_000),
    maxStalledCount: checkInteger(options.maxStalledCount ?? 2, op, 'maxStalledCount', 0, 1000),
    connectTimeout: checkInteger(options.connectTimeout ?? 3000, op, 'connectTimeout', 1, 600_000),
  };
}

/**
 * Runs trials of queue searches (`queue` executors) until `signal` aborts: takes the jobs of the queue `name`,
 * runs up to `concurrency` at once on worker threads that import each trial's objective module (so that module must
 * be at the same path or URL here as where the search started), asks the search's pruner at each report with the
 * rung scores kept in Redis, and sends each result back. An objective that throws fails its trial only. Start as
 * many workers as you like, on any machines that reach the Redis server; `simdeep worker --redis <url>` runs this.
 * A worker killed mid-trial (even by SIGKILL) holds its trial for at most `lockDuration` ms; another worker's check
 * (every `stalledInterval` ms) then runs it again. Resolves once stopped; rejects within `connectTimeout` ms, naming
 * the server, when it cannot be reached.
 * @throws TypeError or RangeError (starting with `runWorker:`) for a bad option.
 * @doctestSkip needs a Redis server
 * @example
 * const stop = new AbortController();
 * process.once('SIGTERM', () => stop.abort());
 * await runWorker({ connection: 'redis://127.0.0.1:6379', concurrency: 2, signal: stop.signal });
 */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const op = 'runWorker';
  const settings = checkWorkerOptions(options, op);
  const { signal, name, concurrency } = settings;
  const bullmq = await optionalImport<typeof import('bullmq')>('bullmq', op);
  const client = await connectRedis(settings.connection, op, settings.connectTimeout);
  const pools = new Map<string, Promise<TrialThreads>>();

  const processor = async (job: { data: TrialJobData }): Promise<string> => {
    const { href, export: exported, index, params, seed, pruner, direction, study } = job.data;
    const rule = pruner ? prunerFromJSON(pruner) : undefined;
    const rungs = redisRungs(client, `simdeep:${name}:${study}`);
    const decide: Decide = rule ? (step, score) => rule.decide(index, step, score, direction, rungs) : goOn;
    const key = `${exported}@${href}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = startTrialThreads({ module: href, export: exported }, concurrency, op)));
    try {
      return callToJSON(await (await pool).run({ index, params, seed }, decide));
    } catch (error) {
      // The module cannot give the objective: the pool is unusable; a later job starts a new one (the file may be fixed).
      if (pools.get(key) === pool) pools.delete(key);
      void pool.then((threads) => threads.close(), () => undefined);
      throw new bullmq.UnrecoverableError((error as Error).message);
    }
  };
  const worker = new bullmq.Worker(name, processor, {
    connection: client as never, concurrency, lockDuration: settings.lockDuration, stalledInterval: settings.stalledInterval,
    maxStalledCount: settings.maxStalledCount, autorun: false,
  });
  worker.on('error', () => undefined); // connection errors while the server restarts: the worker reconnects
  const stopped = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    const running = worker.run();
    await Promise.race([stopped, running]);
    await worker.close();
    await running;
  } finally {
    await Promise.allSettled([...pools.values()].map(async (pool) => (await pool).close()));
    await client.quit().catch(() => client.disconnect());
  }
}
