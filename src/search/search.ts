// Hyperparameter search: random search over distributions, and grid search over lists of values.
import { checkInteger } from '../tensor/shape';
import { checkSettings, runSearch, type SearchOptions, type SearchResult } from './run';
import { checkSampler, type SamplerName } from './samplers';
import { gridJobs, randomJobs, type GridParamsOf, type GridSpace, type ParamsOf, type Space } from './space';

export type { SearchOptions, SearchResult } from './run';
export type { GridParamsOf, GridSpace, ParamsOf, Space } from './space';
export type { Objective, ObjectiveModule, Trial, TrialContext, TrialReport } from './trial';

/**
 * Options of `randomSearch`: the space, the number of trials, and those of SearchOptions.
 * @example
 * const options: RandomSearchOptions<{ lr: Distribution<number> }> = { space: { lr: logUniform(1e-4, 1e-1) }, trials: 3, seed: 1, objective: ({ lr }) => lr };
 * (await randomSearch(options)).trials.length; // 3
 */
export interface RandomSearchOptions<S extends Space> extends SearchOptions<ParamsOf<S>> {
  /** A distribution (uniform, logUniform, int, choice) or a constant value per hyperparameter. */
  space: S;
  /** How many sets of hyperparameters to draw and try (an integer from 1 to 10^7). */
  trials: number;
  /**
   * How the trials are drawn: 'random' (default), independent uniform draws; 'halton' or 'sobol', trial i at point i
   * of that quasi-random sequence (seeded; see `halton` and `sobol`), one coordinate per distribution in key order,
   * which covers the space more evenly. A custom distribution's `sample(random)` gets its coordinate from the first
   * call of `random`, and uniform pseudo-random numbers from later calls. 'sobol' covers up to 128
   * distributions (more is a RangeError).
   */
  sampler?: SamplerName;
}

/**
 * Options of `gridSearch`: the space, and those of SearchOptions.
 * @example
 * const options: GridSearchOptions<{ units: number[] }> = { space: { units: [4, 8] }, seed: 1, objective: ({ units }) => units };
 * (await gridSearch(options)).best?.params; // { units: 4 }
 */
export interface GridSearchOptions<S extends GridSpace> extends SearchOptions<GridParamsOf<S>> {
  /** Per hyperparameter an array of values to try, a choice([...]), or a constant that is not an array. */
  space: S;
}

/**
 * Tries `trials` sets of hyperparameters drawn from `space` and scores each with `objective`; resolves to every
 * trial (best first) and the best. Every trial's hyperparameters and seed are drawn up front from `seed`, so a seed
 * gives the same trials and scores whether they run one by one or in parallel. An objective that throws, or
 * returns NaN or ±Infinity, fails that trial only (`status: 'failed'`, with the error) and the search goes on.
 * Bad options reject the search before any trial runs, with a TypeError or RangeError naming the option or the
 * hyperparameter.
 *
 * With `parallel` (Node), trials run in worker threads, one per core for `true`, each importing the objective from
 * `{ module, export }` and running one trial at a time. If that module uses simdeep, start it with
 * `await setThreads(1)` so simdeep in each worker keeps to one thread. In browsers `parallel` runs the trials one
 * by one.
 * @example
 * const x = randn([64, 3], { seed: 1 }), y = x.sum(1, true);
 * const { best } = await randomSearch({
 *   space: { learningRate: logUniform(1e-3, 1e-1), units: choice([4, 8]), epochs: 50 },
 *   trials: 4,
 *   seed: 1,
 *   objective: async ({ learningRate, units, epochs }, { seed }) => {
 *     const model = sequential([dense({ units, activation: 'relu', inputShape: [3], kernelInitializer: initializers.heNormal({ seed }) }),
 *       dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 1 }) })]);
 *     model.compile({ optimizer: adam({ learningRate }), loss: 'meanSquaredError' });
 *     const history = await model.fit(x, y, { epochs, seed, validationSplit: 0.25, callbacks: earlyStopping({ patience: 5 }) });
 *     model.dispose();
 *     return Math.min(...history.history.val_loss);
 *   },
 * });
 * console.log(best?.params, best?.score);
 * @example
 * // In parallel (Node): the objective is a function exported by a module, which each worker thread imports.
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('objective.mjs', 'export const objective = ({ x }) => (x - 2) ** 2;\n');
 * const { trials } = await randomSearch({ space: { x: uniform(0, 4) }, trials: 8, seed: 1, parallel: 2,
 *   objective: { module: 'objective.mjs' } }); // a path relative to the working directory, or a URL
 * trials.length; // 8
 * @example
 * // Trials from a seeded Sobol sequence cover the space more evenly than independent draws: 4 trials, one per quarter.
 * const { trials } = await randomSearch({ space: { x: uniform(0, 1) }, trials: 4, seed: 1, sampler: 'sobol', objective: ({ x }) => x });
 * trials.map((t) => Math.floor(t.params.x * 4)).sort(); // [0, 1, 2, 3]
 */
export async function randomSearch<S extends Space>(options: RandomSearchOptions<S>): Promise<SearchResult<ParamsOf<S>>> {
  const op = 'randomSearch';
  const settings = checkSettings(options as SearchOptions<never>, op, ['space', 'trials', 'sampler']);
  const trials = checkInteger(options.trials, op, 'trials', 1, 1e7);
  const jobs = randomJobs(options.space, trials, settings.seed, op, checkSampler(options.sampler ?? 'random', op));
  return (await runSearch(jobs, settings, op)) as SearchResult<ParamsOf<S>>;
}

/**
 * Tries every combination of the values in `space` (nested loops over its keys in order, the last key fastest)
 * and scores each with `objective`; otherwise as `randomSearch` (failed trials, `parallel`, `seed` for each
 * trial's seed). Continuous distributions such as uniform cannot be enumerated: they reject the search with a
 * RangeError, as an empty array does. An array lists values to try, so a constant array is written `choice([[16, 8]])`.
 * @example
 * const { trials } = await gridSearch({
 *   space: { units: [8, 16], activation: choice(['relu', 'tanh']), epochs: 50 },
 *   seed: 1,
 *   objective: ({ units, activation }) => (units === 16 && activation === 'relu' ? 0.1 : 0.2),
 * });
 * trials.length;      // 4
 * trials[0].params;   // { units: 16, activation: 'relu', epochs: 50 }
 */
export async function gridSearch<S extends GridSpace>(options: GridSearchOptions<S>): Promise<SearchResult<GridParamsOf<S>>> {
  const op = 'gridSearch';
  const settings = checkSettings(options as SearchOptions<never>, op, ['space']);
  const jobs = gridJobs(options.space, settings.seed, op);
  return (await runSearch(jobs, settings, op)) as SearchResult<GridParamsOf<S>>;
}
