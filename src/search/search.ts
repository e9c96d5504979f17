// Hyperparameter search: random search over distributions, and grid search over lists of values.
import { checkInteger } from '../tensor/shape';
import { checkSettings, runSearch, type SearchOptions, type SearchResult } from './run';
import { gridJobs, randomJobs, type GridParamsOf, type GridSpace, type ParamsOf, type Space } from './space';

export type { SearchOptions, SearchResult } from './run';
export type { GridParamsOf, GridSpace, ParamsOf, Space } from './space';
export type { Objective, ObjectiveModule, Trial, TrialContext } from './trial';

/** Options of `randomSearch`. */
export interface RandomSearchOptions<S extends Space> extends SearchOptions<ParamsOf<S>> {
  /** A distribution (uniform, logUniform, int, choice) or a constant value per hyperparameter. */
  space: S;
  /** How many sets of hyperparameters to draw and try. */
  trials: number;
}

/** Options of `gridSearch`. */
export interface GridSearchOptions<S extends GridSpace> extends SearchOptions<GridParamsOf<S>> {
  /** Per hyperparameter an array of values to try, a choice([...]), or a constant that is not an array. */
  space: S;
}

/**
 * Tries `trials` sets of hyperparameters drawn from `space` and scores each with `objective`. Every trial's
 * hyperparameters and seed are drawn up front from `seed`, so a seed gives the same trials and scores whether they
 * run one by one or in parallel. An objective that throws, or returns NaN or ±Infinity, fails that trial only
 * (`status: 'failed'`, with the error) and the search goes on.
 *
 * With `parallel` (Node), trials run in worker threads, one per core for `true`, each importing the objective from
 * `{ module, export }` and running one trial at a time. Start such a module with `await setThreads(1)` so simdeep
 * in each worker keeps to one thread. In browsers `parallel` runs the trials one by one.
 * @example
 * const x = randn([64, 3], { seed: 1 }), y = x.sum(1, true);
 * const { best } = await randomSearch({
 *   space: { learningRate: logUniform(1e-4, 1e-1), units: choice([8, 16, 32]), epochs: 200 },
 *   trials: 20,
 *   seed: 1,
 *   objective: async ({ learningRate, units, epochs }, { seed }) => {
 *     const model = sequential([dense({ units, activation: 'relu', inputShape: [3], kernelInitializer: initializers.heNormal({ seed }) }),
 *       dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 1 }) })]);
 *     model.compile({ optimizer: adam({ learningRate }), loss: 'meanSquaredError' });
 *     const history = await model.fit(x, y, { epochs, seed, validationSplit: 0.2, callbacks: earlyStopping({ patience: 10 }) });
 *     model.dispose();
 *     return Math.min(...history.history.val_loss);
 *   },
 * });
 * console.log(best?.params, best?.score);
 * // In parallel (Node): objective.js exports the same function as `objective` and starts with `await setThreads(1)`.
 * await randomSearch({ space: { learningRate: logUniform(1e-4, 1e-1), units: choice([8, 16, 32]), epochs: 200 }, trials: 40, seed: 1,
 *   parallel: true, objective: { module: new URL('./objective.js', import.meta.url) } });
 */
export async function randomSearch<S extends Space>(options: RandomSearchOptions<S>): Promise<SearchResult<ParamsOf<S>>> {
  const op = 'randomSearch';
  const settings = checkSettings(options as SearchOptions<never>, op);
  const trials = checkInteger(options.trials, op, 'trials', 1, 1e7);
  const jobs = randomJobs(options.space, trials, settings.seed, op);
  return (await runSearch(jobs, settings, op)) as SearchResult<ParamsOf<S>>;
}

/**
 * Tries every combination of the values in `space` (nested loops over its keys in order, the last key fastest)
 * and scores each with `objective`; otherwise as `randomSearch` (failed trials, `parallel`, `seed` for each
 * trial's seed). Continuous distributions such as uniform cannot be enumerated and throw. An array lists values
 * to try, so a constant array is written `choice([[16, 8]])`.
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
  const settings = checkSettings(options as SearchOptions<never>, op);
  const jobs = gridJobs(options.space, settings.seed, op);
  return (await runSearch(jobs, settings, op)) as SearchResult<GridParamsOf<S>>;
}
