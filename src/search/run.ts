// What randomSearch and gridSearch share: checking the options, running the trials (here, or in worker threads),
// keeping the best, showing progress, and sorting the results.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import { progressByDefault, startProgress } from './progress';
import type { SearchExecutor } from './queue';
import { checkCloneable, type Job } from './space';
import { availableCores, importObjective, isNode } from './module';
import { memoryRungs, type Pruner } from './pruners';
import { callObjective, compareTrials, goOn, toTrial, type Call, type Decide, type Objective, type ObjectiveModule, type Trial } from './trial';
import { runInWorkers } from './workers';

/**
 * Options both searches take.
 * @example
 * const options: SearchOptions<{ x: number }> = { objective: ({ x }) => x, direction: 'maximize', seed: 1 };
 * (await gridSearch({ ...options, space: { x: [1, 3, 2] } })).best?.params; // { x: 3 }
 */
export interface SearchOptions<P> {
  /**
   * Scores a trial's hyperparameters: a function `(params, { trial, seed }) => score`, or `{ module, export }`, a
   * module exporting that function (required for parallel runs, since functions cannot be sent to worker threads).
   */
  objective: Objective<P> | ObjectiveModule;
  /** Seed of the draws and of each trial's seed (default: a random one, reported in the result). */
  seed?: number;
  /**
   * Run trials in worker threads (Node): true for one per core, or a number of workers; each runs one trial at a
   * time. Outside Node the trials run one by one instead. Default false.
   */
  parallel?: boolean | number;
  /** Whether lower scores are better (default 'minimize', as for losses) or higher ('maximize', as for accuracy). */
  direction?: 'minimize' | 'maximize';
  /** Called as each trial ends, with the best trial so far; if it throws, the search stops and rejects. */
  onTrialEnd?: (trial: Trial<P>, best: Trial<P> | undefined) => void | Promise<void>;
  /** Show a progress bar on stderr (Node; default: when stderr is a terminal and the CI variable is unset). */
  progress?: boolean;
  /**
   * Stops bad trials early from the scores they report (`context.report`): `asha({...})` or `hyperband({...})`.
   * Pruned trials are kept (status 'pruned') but never the best. Default: none (every trial runs in full).
   */
  pruner?: Pruner;
  /**
   * Where the trials run instead of this process: `queue({ connection, name })` runs them as jobs of a BullMQ queue
   * on Redis, for `runWorker` processes anywhere (the objective then given as `{ module, export }`).
   */
  executor?: SearchExecutor;
  /**
   * Stops the search: no new trial starts (a queue search also removes its waiting jobs), and the search rejects
   * with the signal's reason. A queue search run again later resumes, reading back the trials that finished.
   */
  signal?: AbortSignal;
}

/**
 * What a search resolves to.
 * @example
 * const result: SearchResult<{ x: number }> = await gridSearch({ space: { x: [2, 1] }, seed: 5, objective: ({ x }) => x });
 * result.trials.map((t) => t.params.x); // [1, 2]
 * result.seed; // 5
 */
export interface SearchResult<P> {
  /** Every trial: the best first, failed ones last. */
  trials: Trial<P>[];
  /** The best trial, or undefined if every trial failed. */
  best: Trial<P> | undefined;
  /** The search seed (the one given, or the one chosen): pass it again to repeat the search. */
  seed: number;
}

/** Checked search options. */
export interface Settings {
  objective: Objective<unknown> | ObjectiveModule;
  seed: number;
  parallel: boolean | number;
  direction: 'minimize' | 'maximize';
  onTrialEnd?: (trial: Trial, best: Trial | undefined) => void | Promise<void>;
  progress: boolean;
  pruner?: Pruner;
  executor?: SearchExecutor;
  signal?: AbortSignal;
}

function checkPruner(pruner: unknown, op: string): Pruner | undefined {
  if (pruner === undefined) return undefined;
  const p = pruner as Pruner | null;
  if (typeof p !== 'object' || p === null || typeof p.decide !== 'function' || typeof p.toJSON !== 'function') {
    throw new TypeError(`${op}: pruner must be a pruner such as asha({ maxResource }) or hyperband({ maxResource }), got ${showValue(pruner)}`);
  }
  return p;
}

function checkObjective(objective: unknown, parallel: boolean | number, op: string, executor?: SearchExecutor): Objective<unknown> | ObjectiveModule {
  if (typeof objective === 'function') {
    if (executor) throw new TypeError(`${op}: a search on ${executor.description} needs objective as { module, export }: functions cannot be sent to queue workers`);
    if (parallel !== false) throw new TypeError(`${op}: a parallel search needs objective as { module, export }: functions cannot be sent to worker threads`);
    return objective as Objective<unknown>;
  }
  const target = objective as ObjectiveModule | null;
  if (typeof target !== 'object' || target === null) throw new TypeError(`${op}: objective must be a function or { module, export }, got ${showValue(objective)}`);
  checkOptionKeys(op, target, ['module', 'export'], 'objective');
  if (!(typeof target.module === 'string' ? target.module !== '' : target.module instanceof URL)) {
    throw new TypeError(`${op}: objective.module must be a module path or URL, got ${showValue(target.module)}`);
  }
  if (target.export !== undefined && typeof target.export !== 'string') throw new TypeError(`${op}: objective.export must be a string, got ${showValue(target.export)}`);
  return target;
}

/** The keys of SearchOptions. */
const SEARCH_KEYS: readonly string[] = ['objective', 'seed', 'parallel', 'direction', 'onTrialEnd', 'progress', 'pruner',
  'executor', 'signal'];

/** Checks the shared options, and that no key is unknown (`keys`: the search's own), throwing errors that name the option. */
export function checkSettings(options: SearchOptions<never>, op: string, keys: readonly string[]): Settings {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
  checkOptionKeys(op, options, [...keys, ...SEARCH_KEYS]);
  const { parallel = false, direction = 'minimize', onTrialEnd, progress = progressByDefault(), executor, signal } = options;
  if (typeof parallel !== 'boolean') checkInteger(parallel, op, 'parallel', 1, 1024);
  if (direction !== 'minimize' && direction !== 'maximize') throw new RangeError(`${op}: direction must be 'minimize' or 'maximize', got ${showValue(direction)}`);
  if (onTrialEnd !== undefined && typeof onTrialEnd !== 'function') throw new TypeError(`${op}: onTrialEnd must be a function, got ${showValue(onTrialEnd)}`);
  if (typeof progress !== 'boolean') throw new TypeError(`${op}: progress must be true or false, got ${showValue(progress)}`);
  const seed = options.seed === undefined ? Math.floor(Math.random() * 2 ** 32) : checkInteger(options.seed, op, 'seed', 0, Number.MAX_SAFE_INTEGER);
  if (executor !== undefined && (typeof executor !== 'object' || executor === null || typeof executor.run !== 'function')) {
    throw new TypeError(`${op}: executor must be what queue({ connection }) returns, got ${showValue(executor)}`);
  }
  if (executor !== undefined && parallel !== false) throw new TypeError(`${op}: parallel and executor cannot be given together: the executor decides where trials run`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${op}: signal must be an AbortSignal, got ${showValue(signal)}`);
  const objective = checkObjective(options.objective, parallel, op, executor);
  const pruner = checkPruner(options.pruner, op);
  return { objective, seed, parallel, direction, onTrialEnd: onTrialEnd as Settings['onTrialEnd'], progress, pruner, executor, signal };
}

/** Runs the jobs and gathers the result. */
export async function runSearch(jobs: Job[], settings: Settings, op: string): Promise<SearchResult<Record<string, unknown>>> {
  const { objective, parallel, direction } = settings;
  const workers = parallel === false || !isNode() || settings.executor ? 0 : Math.min(jobs.length, parallel === true ? await availableCores() : parallel);
  if (workers > 0) checkCloneable(jobs, op);
  const better = compareTrials(direction);
  const trials: Trial[] = [];
  let best: Trial | undefined;
  const progress = await startProgress(settings.progress, jobs.length);
  // One rung store per search: the trials of this search compete only with each other.
  const { pruner } = settings, rungs = memoryRungs();
  const decideFor = (job: Job): Decide => (pruner ? (step, score) => pruner.decide(job.index, step, score, direction, rungs) : goOn);
  const finished = async (job: Job, call: Call): Promise<void> => {
    const trial = toTrial(job, call);
    trials.push(trial);
    if (trial.status === 'ok' && (!best || better(trial, best) < 0)) best = trial;
    progress.update(trials.length, best?.score);
    await settings.onTrialEnd?.(trial, best);
  };
  const { executor, signal } = settings;
  try {
    signal?.throwIfAborted();
    if (executor) {
      await executor.run({ jobs, objective: objective as ObjectiveModule, direction, pruner: settings.pruner?.toJSON() ?? null, finished, signal, op });
    } else if (workers > 0) {
      await untilAborted(runInWorkers(jobs, objective as ObjectiveModule, workers, finished, op, decideFor, signal), signal);
    } else {
      const run = typeof objective === 'function' ? objective : await importObjective(objective, op);
      for (const job of jobs) {
        signal?.throwIfAborted();
        const call = await untilAborted(callObjective(run, job, decideFor(job)), signal);
        signal?.throwIfAborted();
        await finished(job, call);
      }
    }
  } finally {
    progress.stop();
  }
  return { trials: trials.sort(better), best, seed: settings.seed };
}

/** `work`, or a rejection with the signal's reason as soon as it aborts (the work is left to end on its own). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}
