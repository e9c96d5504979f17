// Pruners: stopping bad trials early from the intermediate scores they report. A pruner is plain settings (sent to
// queue workers as JSON) plus a rule that decides from the scores recorded at each rung; the rung scores live in a
// RungStore: memory for searches in one process, Redis for searches on a queue. The rule is asynchronous successive
// halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", 2020) as Optuna's
// SuccessiveHalvingPruner applies it, and Hyperband (Li et al., JMLR 2018) as brackets of it, as Optuna's
// HyperbandPruner makes them.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';

/** The scores recorded at the rungs of a search, shared by every process that runs its trials. */
export interface RungStore {
  /**
   * Records `score` for `trial` at `rung` of `bracket` (again for the same trial replaces it: a trial run twice counts
   * once) and resolves to every score recorded there, this one included.
   */
  record(bracket: number, rung: number, trial: number, score: number): Promise<number[]>;
}

/** A pruner's settings as JSON. */
export type PrunerJSON = { type: string; [key: string]: unknown };

/** Stops trials early from the scores they report at steps (epochs). */
export interface Pruner {
  /** The kind: 'asha' or 'hyperband'. */
  readonly kind: string;
  /** Whether trial `trial` goes on after reporting `score` at `step`. */
  decide(trial: number, step: number, score: number, direction: 'minimize' | 'maximize', rungs: RungStore): Promise<boolean>;
  /** The settings, to rebuild the pruner elsewhere (`prunerFromJSON`). */
  toJSON(): PrunerJSON;
}

/**
 * What `asha` and `hyperband` return: a Pruner that also tells where each trial is judged.
 * @example
 * const pruner: RungPruner = hyperband({ maxResource: 27 });
 * [pruner.bracket(0), pruner.rungSteps(0)]; // [0, [1, 3, 9]]
 */
export interface RungPruner extends Pruner {
  /** The bracket of trial `trial` (always 0 for asha). */
  bracket(trial: number): number;
  /** The steps at which trial `trial` is judged, in order: its bracket's rungs below maxResource. */
  rungSteps(trial: number): number[];
}

/**
 * Options of `asha`.
 * @example
 * const options: AshaOptions = { minResource: 1, maxResource: 100, reductionFactor: 3 };
 * asha(options).rungSteps(0); // [1, 3, 9, 27, 81]
 */
export interface AshaOptions {
  /** The step of the first rung when minEarlyStoppingRate is 0, an integer ≥ 1 (default 1). */
  minResource?: number;
  /** The steps (epochs) a trial runs in full, an integer above minResource: from there on nothing is pruned. */
  maxResource: number;
  /** η: rung k is at step minResource·η^(k + minEarlyStoppingRate), and about 1/η of a rung goes on (default 3). */
  reductionFactor?: number;
  /** s: skips the first s rungs, an integer ≥ 0 (default 0). */
  minEarlyStoppingRate?: number;
}

/**
 * Options of `hyperband`.
 * @example
 * const options: HyperbandOptions = { maxResource: 81, reductionFactor: 3 };
 * hyperband(options).toJSON(); // { type: 'hyperband', minResource: 1, maxResource: 81, reductionFactor: 3 }
 */
export interface HyperbandOptions {
  /** The step of the first rung of the most aggressive bracket, an integer ≥ 1 (default 1). */
  minResource?: number;
  /** The steps (epochs) a trial runs in full, an integer above minResource. */
  maxResource: number;
  /** η, as for asha (default 3). */
  reductionFactor?: number;
}

/** Checks option `name` of `op` is an integer ≥ `min`; returns it. */
function integerOption(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(`${op}: ${name} must be an integer ≥ ${min}, got ${showValue(value)}`);
  }
  return value;
}

/** Checks the options both pruners share. */
function checkResources(op: string, options: unknown, keys: string[]): { minResource: number; maxResource: number; reductionFactor: number } {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${op}: options must be an object with maxResource, got ${showValue(options)}`);
  checkOptionKeys(op, options, keys);
  const { minResource = 1, maxResource, reductionFactor = 3 } = options as AshaOptions;
  integerOption(op, 'minResource', minResource, 1);
  if (maxResource === undefined) throw new TypeError(`${op}: maxResource (the steps, such as epochs, a trial runs in full) is required`);
  integerOption(op, 'maxResource', maxResource, minResource + 1);
  integerOption(op, 'reductionFactor', reductionFactor, 2);
  return { minResource, maxResource, reductionFactor };
}

/** The rung steps minResource·η^(k + rate), k = 0, 1, …, below maxResource. */
function rungStepsOf(minResource: number, maxResource: number, reductionFactor: number, rate: number): number[] {
  const steps: number[] = [];
  for (let step = minResource * reductionFactor ** rate; step < maxResource; step *= reductionFactor) steps.push(step);
  return steps;
}

/**
 * Optuna's promotion rule: among the n scores recorded at a rung (this one included), go on when the score is among
 * the best ⌊n/η⌋, or is the best while n < η (a trial cannot wait for others to catch up).
 */
function promotable(score: number, scores: number[], reductionFactor: number, direction: 'minimize' | 'maximize'): boolean {
  const keep = Math.max(1, Math.floor(scores.length / reductionFactor));
  const sorted = [...scores].sort((a, b) => (direction === 'minimize' ? a - b : b - a));
  return direction === 'minimize' ? score <= sorted[keep - 1] : score >= sorted[keep - 1];
}

/** A RungPruner whose trial `trial` is judged in bracket `bracketOf(trial)` at the rungs of `stepsOf(bracket)`. */
function rungPruner(kind: string, reductionFactor: number, bracketOf: (trial: number) => number, stepsOf: readonly number[][], json: PrunerJSON): RungPruner {
  return {
    kind,
    bracket: bracketOf,
    rungSteps: (trial) => [...stepsOf[bracketOf(trial)]],
    decide: async (trial, step, score, direction, rungs) => {
      if (!Number.isFinite(score)) return false;
      const bracket = bracketOf(trial);
      const rung = stepsOf[bracket].indexOf(step);
      if (rung < 0) return true; // not a rung step (or past maxResource)
      return promotable(score, await rungs.record(bracket, rung, trial, score), reductionFactor, direction);
    },
    toJSON: () => ({ ...json }),
  };
}

/**
 * Asynchronous successive halving (ASHA): a trial that reports its score at a rung step, minResource·η^(k + s)
 * for k = 0, 1, … below maxResource, goes on when that score is among the best ⌊n/η⌋ of the n scores recorded at
 * that rung so far (the best one while n < η), and is pruned otherwise. Reports at other steps, and from
 * maxResource on, always go on. Trials must report at the rung steps (report every epoch, as `reportEpochs` does).
 * A decision depends on the scores already at the rung, so it repeats for a search that runs one trial at a time;
 * with trials running side by side (threads, queue workers) it depends on which reach a rung first, as ASHA intends.
 * Pass it as `pruner` to randomSearch or gridSearch. Throws a TypeError or RangeError naming a bad or unknown
 * option, or a missing maxResource.
 * @example
 * const pruner = asha({ maxResource: 9 }); // judges at steps 1 and 3
 * const { trials } = await gridSearch({ space: { x: [3, 1, 2, 4] }, seed: 1, pruner,
 *   objective: async ({ x }, { report }) => {
 *     for (let step = 1; step <= 9; step++) if (!(await report(step, x / step))) break;
 *     return x / 9;
 *   } });
 * trials.map((t) => [t.params.x, t.status]); // [[1, 'ok'], [3, 'ok'], [2, 'pruned'], [4, 'pruned']]
 */
export function asha(options: AshaOptions): RungPruner {
  const op = 'asha';
  const { minResource, maxResource, reductionFactor } = checkResources(op, options, ['minResource', 'maxResource', 'reductionFactor', 'minEarlyStoppingRate']);
  const rate = integerOption(op, 'minEarlyStoppingRate', options.minEarlyStoppingRate ?? 0, 0);
  const steps = rungStepsOf(minResource, maxResource, reductionFactor, rate);
  if (steps.length === 0) {
    throw new RangeError(`asha: the first rung, step minResource·reductionFactor^minEarlyStoppingRate = ${minResource * reductionFactor ** rate}, must be below maxResource ${maxResource}, or nothing is ever pruned`);
  }
  return rungPruner(op, reductionFactor, () => 0, [steps], { type: op, minResource, maxResource, reductionFactor, minEarlyStoppingRate: rate });
}

/** The bracket budgets of Hyperband with `count` brackets: bracket b (s = count − 1 − b) gets ⌈count·η^s / (s + 1)⌉. */
export function bracketBudgets(count: number, reductionFactor: number): number[] {
  return Array.from({ length: count }, (_, b) => Math.ceil((count * reductionFactor ** (count - 1 - b)) / (count - b)));
}

/**
 * Hyperband: brackets of ASHA, bracket b with minEarlyStoppingRate b (its first rung at minResource·η^b), as many as
 * ⌊log_η(maxResource / minResource)⌋ + 1 (counted in integers, so 243/1 with η = 3 gives 6). The most aggressive
 * bracket gets the most trials: bracket b's share is its budget ⌈n·η^s / (s + 1)⌉ (s = n − 1 − b) over their sum,
 * as Optuna's HyperbandPruner allots them. Trial i goes to the bracket where frac(i·(√5 − 1)/2) falls among the
 * shares laid end to end (a golden-ratio sequence: a fixed bracket per index that keeps every run of trials close to
 * the shares, where Optuna hashes the study's name and the trial number). Scores compete only within a bracket.
 * Throws as `asha` does.
 * @example
 * const pruner = hyperband({ maxResource: 27 }); // 4 brackets, budgets 27, 12, 6, 4
 * Array.from({ length: 9 }, (_, i) => pruner.bracket(i)); // [0, 1, 0, 2, 0, 0, 1, 0, 3]
 * pruner.rungSteps(3); // [9] (trial 3 is in bracket 2)
 * pruner.rungSteps(8); // []
 */
export function hyperband(options: HyperbandOptions): RungPruner {
  const op = 'hyperband';
  const { minResource, maxResource, reductionFactor } = checkResources(op, options, ['minResource', 'maxResource', 'reductionFactor']);
  let count = 1;
  while (minResource * reductionFactor ** count <= maxResource) count++;
  const budgets = bracketBudgets(count, reductionFactor);
  const total = budgets.reduce((a, b) => a + b, 0);
  const ends = budgets.map((_, b) => budgets.slice(0, b + 1).reduce((a, c) => a + c, 0) / total);
  const golden = (Math.sqrt(5) - 1) / 2;
  const bracketOf = (trial: number): number => {
    const u = (trial * golden) % 1;
    const b = ends.findIndex((end) => u < end);
    return b < 0 ? count - 1 : b;
  };
  const steps = budgets.map((_, b) => rungStepsOf(minResource, maxResource, reductionFactor, b));
  return rungPruner(op, reductionFactor, bracketOf, steps, { type: op, minResource, maxResource, reductionFactor });
}

/**
 * The pruner of `json`, as `toJSON` wrote it (a queue worker rebuilds the search's pruner from its job). Throws as
 * `asha` and `hyperband` do, or a TypeError for another type.
 * @example
 * prunerFromJSON(asha({ maxResource: 10 }).toJSON()).toJSON(); // { type: 'asha', minResource: 1, maxResource: 10, reductionFactor: 3, minEarlyStoppingRate: 0 }
 */
export function prunerFromJSON(json: PrunerJSON): Pruner {
  if (typeof json !== 'object' || json === null) throw new TypeError(`prunerFromJSON: json must be a pruner's toJSON(), got ${showValue(json)}`);
  const { type, ...options } = json;
  if (type === 'asha') return asha(options as unknown as AshaOptions);
  if (type === 'hyperband') return hyperband(options as unknown as HyperbandOptions);
  throw new TypeError(`prunerFromJSON: no pruner of type ${showValue(type)} (expected 'asha' or 'hyperband')`);
}

/**
 * A RungStore in this process's memory: what searches run here use (one per search).
 * @example
 * const rungs = memoryRungs();
 * await rungs.record(0, 0, 7, 0.5);
 * await rungs.record(0, 0, 7, 0.4); // trial 7 again: replaces its score
 * await rungs.record(0, 0, 8, 0.9); // [0.4, 0.9]
 */
export function memoryRungs(): RungStore {
  const rungs = new Map<string, Map<number, number>>();
  return {
    record: async (bracket, rung, trial, score) => {
      const key = `${bracket}/${rung}`;
      const scores = rungs.get(key) ?? new Map<number, number>();
      rungs.set(key, scores.set(trial, score));
      return [...scores.values()];
    },
  };
}
