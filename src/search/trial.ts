// One trial: calling the objective, and turning what it returned (or threw) into a score or a failure.
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
  /** 'ok', or 'failed' when the objective threw or did not return a finite number. */
  status: 'ok' | 'failed';
  /** Why the trial failed: the objective's error message, or what it returned instead of a finite number. */
  error?: string;
  /** Seconds the objective ran. */
  seconds: number;
}

/** What calling the objective gave: the error message it threw, or the number it returned, or else the value's type. */
export interface Call {
  seconds: number;
  error?: string;
  value?: number;
  type?: string;
}

/** Calls the objective once. Worker threads run a copy of this function (WORKER_SOURCE in workers.ts). */
export async function callObjective(objective: Objective<unknown>, params: unknown, context: TrialContext): Promise<Call> {
  const start = performance.now();
  try {
    const value: unknown = await objective(params, context);
    const seconds = (performance.now() - start) / 1000;
    return typeof value === 'number' ? { seconds, value } : { seconds, type: value === null ? 'null' : typeof value };
  } catch (error) {
    return { seconds: (performance.now() - start) / 1000, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The finished trial of a job: its score when the objective returned a finite number, else why it failed. */
export function toTrial(job: Job, { seconds, error, value, type }: Call): Trial {
  const trial: Trial = { index: job.index, params: job.params, seed: job.seed, score: NaN, status: 'failed', seconds };
  if (error !== undefined) return { ...trial, error };
  if (value !== undefined && Number.isFinite(value)) return { ...trial, score: value, status: 'ok' };
  const shown = value !== undefined ? String(value) : type === 'undefined' || type === 'null' ? type : `${type === 'object' ? 'an' : 'a'} ${type}`;
  return { ...trial, error: `the objective returned ${shown}, not a finite number` };
}

/** Orders trials best first (lowest score when minimizing), ties by index; failed trials last, by index. */
export function compareTrials(direction: 'minimize' | 'maximize'): (a: Trial, b: Trial) => number {
  const sign = direction === 'minimize' ? 1 : -1;
  return (a, b) => {
    if (a.status !== b.status) return a.status === 'ok' ? -1 : 1;
    if (a.status === 'ok' && a.score !== b.score) return sign * (a.score - b.score);
    return a.index - b.index;
  };
}
