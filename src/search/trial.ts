// One trial: calling the objective, and turning what it returned (or threw) into a score or a failure.
import { showValue } from '../tensor/errors';
import type { Job } from './space';

/**
 * What the objective receives besides the hyperparameters.
 * @example
 * const seen: TrialContext[] = [];
 * await gridSearch({ space: { x: [1, 2] }, seed: 1, objective: (params, context) => { seen.push(context); return params.x; } });
 * seen.map((c) => c.trial); // [0, 1]
 */
export interface TrialContext {
  /** The trial's index (0 for the first trial). */
  trial: number;
  /**
   * This trial's seed, an integer in [0, 2^32) derived from the search seed. Seed every initializer and `fit` from
   * it: unseeded draws come from simdeep's global generator, whose state depends on the trials run before in the
   * same thread, so they differ between serial and parallel runs.
   */
  seed: number;
  /**
   * Reports an intermediate score, such as the validation loss after `step` epochs; resolves to whether to go on.
   * With a pruner (`asha`, `hyperband`) it resolves to false when the trial should stop early: return then (the
   * trial is recorded as 'pruned', with what the objective returns or else this score). Without one it always
   * resolves to true. Steps are integers from 1, each above the one before; a score that is not finite stops the
   * trial. `reportEpochs(context)` is a `fit` callback that reports each epoch's `val_loss`.
   */
  report(step: number, score: number): Promise<boolean>;
}

/** Whether a trial goes on after reporting `score` at `step` (what a pruner decides; true without one). */
export type Decide = (step: number, score: number) => Promise<boolean>;

/** A trial that is never stopped early: the Decide of searches without a pruner. */
export const goOn: Decide = async () => true;

/**
 * One intermediate score a trial reported.
 * @example
 * const { trials } = await gridSearch({ space: { x: [1] }, seed: 1, objective: async ({ x }, { report }) => { await report(1, x); return x; } });
 * const first: TrialReport = trials[0].reports[0];
 * first; // { step: 1, score: 1 }
 */
export interface TrialReport {
  /** The step (an epoch, say) it was reported at. */
  step: number;
  /** The score then. */
  score: number;
}

/**
 * Scores one set of hyperparameters (a validation loss, say); a Promise is awaited. A search fails the trial
 * when it throws or returns something other than a finite number.
 * @example
 * const objective: Objective<{ x: number }> = async ({ x }) => (x - 1) ** 2;
 * (await gridSearch({ space: { x: [0, 1, 2] }, seed: 1, objective })).best?.params; // { x: 1 }
 */
export type Objective<P = Record<string, unknown>> = (params: P, context: TrialContext) => number | Promise<number>;

/**
 * An objective given as a module that exports it. Parallel runs import it in each worker thread with Node itself, so
 * it must be JavaScript Node can import (or TypeScript when Node runs with a loader such as tsx, which workers
 * inherit). simdeep in a worker is an instance of its own: start such a module with `await setThreads(1)`, so the
 * workers do not each start a thread per core.
 * @example
 * const target: ObjectiveModule = { module: new URL('file:///srv/search/objective.js'), export: 'score' };
 */
export interface ObjectiveModule {
  /**
   * The module: a URL (`new URL('./objective.js', import.meta.url)`; in browsers always a URL), or in Node a file
   * path relative to the working directory.
   */
  module: string | URL;
  /** The name of the exported function (default 'objective'). */
  export?: string;
}

/**
 * One finished trial.
 * @example
 * const { trials } = await gridSearch({ space: { x: [1, 0] }, seed: 1, objective: ({ x }) => (x ? 1 / x : NaN) });
 * const failed: Trial<{ x: number }> = trials[1];
 * [failed.status, failed.error]; // ['failed', 'the objective returned NaN, not a finite number']
 */
export interface Trial<P = Record<string, unknown>> {
  /** Its place in the search's order of trials, from 0. */
  index: number;
  /** The hyperparameters it tried. */
  params: P;
  /** The trial's seed, as the objective received it: train the best model again with it. */
  seed: number;
  /** The objective's value; NaN when the trial failed. */
  score: number;
  /**
   * 'ok'; 'pruned' when the search's pruner stopped it early (its score is then what the objective returned, or its
   * last reported score); 'failed' when the objective threw or did not return a finite number.
   */
  status: 'ok' | 'pruned' | 'failed';
  /** Why the trial failed: the objective's error message, or what it returned instead of a finite number. */
  error?: string;
  /** Seconds the objective ran. */
  seconds: number;
  /** The intermediate scores it reported through `context.report`, in order (empty when it reported none). */
  reports: TrialReport[];
}

/**
 * What calling the objective gave: the error message it threw, or the number it returned, or else the value's type;
 * the scores it reported, and whether a report was told to stop (pruned). Plain data, sent back by worker threads
 * and queue workers.
 */
export interface Call {
  seconds: number;
  error?: string;
  value?: number;
  type?: string;
  reports: TrialReport[];
  pruned: boolean;
}

/** Throws unless `step` is an integer ≥ 1 above the last reported step and `score` a number. */
function checkReport(step: unknown, score: unknown, reports: readonly TrialReport[]): void {
  const last = reports.length > 0 ? reports[reports.length - 1].step : 0;
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step <= last) {
    throw new RangeError(`report: step must be an integer above the last step reported (${last}), got ${showValue(step)}`);
  }
  if (typeof score !== 'number') throw new TypeError(`report: score must be a number, got ${showValue(score)}`);
}

/**
 * Calls the objective once for `job`, with a context whose `report` asks `decide` whether to go on (not once the trial
 * is pruned: then it resolves to false). Search worker threads call this too (workerTrial.ts).
 */
export async function callObjective(objective: Objective<unknown>, job: Job, decide: Decide = goOn): Promise<Call> {
  const reports: TrialReport[] = [];
  let pruned = false;
  const report = async (step: number, score: number): Promise<boolean> => {
    checkReport(step, score, reports);
    reports.push({ step, score });
    if (!pruned) pruned = !Number.isFinite(score) || !(await decide(step, score));
    return !pruned;
  };
  const context: TrialContext = { trial: job.index, seed: job.seed, report };
  const start = performance.now();
  const ended = (): Pick<Call, 'seconds' | 'reports' | 'pruned'> => ({ seconds: (performance.now() - start) / 1000, reports, pruned });
  try {
    const value: unknown = await objective({ ...job.params }, context);
    return typeof value === 'number' ? { ...ended(), value } : { ...ended(), type: value === null ? 'null' : typeof value };
  } catch (error) {
    return { ...ended(), error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The finished trial of a job: its score when the objective returned a finite number; when pruned, that number or
 * else the last reported score; otherwise why it failed.
 */
export function toTrial(job: Job, { seconds, error, value, type, reports, pruned }: Call): Trial {
  const trial: Trial = { index: job.index, params: job.params, seed: job.seed, score: NaN, status: 'failed', seconds, reports };
  if (error !== undefined) return { ...trial, error };
  if (pruned) return { ...trial, score: value !== undefined && Number.isFinite(value) ? value : reports[reports.length - 1].score, status: 'pruned' };
  if (value !== undefined && Number.isFinite(value)) return { ...trial, score: value, status: 'ok' };
  const shown = value !== undefined ? String(value) : type === 'undefined' || type === 'null' ? type : `${type === 'object' ? 'an' : 'a'} ${type}`;
  return { ...trial, error: `the objective returned ${shown}, not a finite number` };
}

const STATUS_ORDER = { ok: 0, pruned: 1, failed: 2 } as const;

/**
 * Orders trials best first (lowest score when minimizing), ties by index; then pruned trials the same way (their
 * scores come from less training), and failed trials last, by index.
 */
export function compareTrials(direction: 'minimize' | 'maximize'): (a: Trial, b: Trial) => number {
  const sign = direction === 'minimize' ? 1 : -1;
  return (a, b) => {
    if (a.status !== b.status) return STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (a.status !== 'failed' && a.score !== b.score) return sign * (a.score - b.score);
    return a.index - b.index;
  };
}
