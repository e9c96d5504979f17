import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { compareCells, showCell, type Cell } from './cells';

/**
 * How `fillMissing` chooses the value for a column's missing cells: 'mean' or 'median' of the present values
 * (numeric columns only), the 'mostFrequent' value, or a 'constant'.
 * @example
 * const strategy: FillStrategy = 'median';
 * Table.fromColumns({ a: [1, null, 10, 2] }).fillMissing({ strategy }).column('a'); // [1, 2, 10, 2]
 */
export type FillStrategy = 'mean' | 'median' | 'mostFrequent' | 'constant';

/**
 * Options of `Table.fillMissing`.
 * @example
 * const options: FillOptions = { strategy: 'constant', value: 0, columns: ['rooms'] };
 * Table.fromRecords([{ rooms: null, city: null }]).fillMissing(options).toRecords(); // [{ rooms: 0, city: null }]
 */
export interface FillOptions {
  /** 'mean' and 'median' of the present values (numeric columns only), 'mostFrequent' value, or a 'constant'. */
  strategy: FillStrategy;
  /** The value for strategy 'constant': a number or a non-empty string. */
  value?: number | string;
  /** Columns to fill (default: every column; for 'mean' and 'median', every numeric column). */
  columns?: readonly string[];
}

const STRATEGIES: readonly FillStrategy[] = ['mean', 'median', 'mostFrequent', 'constant'];

/** Checks fillMissing's options; returns the strategy and, for 'constant', the value. */
export function checkFillOptions(options: unknown, op: string): { strategy: FillStrategy; value?: number | string } {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${op}: options must be an object such as { strategy: 'median' }, got ${showValue(options)}`);
  }
  checkOptionKeys(op, options, ['strategy', 'value', 'columns']);
  const { strategy, value } = options as { strategy?: unknown; value?: unknown };
  if (!STRATEGIES.includes(strategy as FillStrategy)) {
    throw new RangeError(`${op}: strategy must be one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}, got ${showValue(strategy)}`);
  }
  if (strategy !== 'constant') {
    if (value !== undefined) throw new RangeError(`${op}: value is only used by strategy 'constant', got strategy '${strategy}' with value ${showValue(value)}`);
    return { strategy: strategy as FillStrategy };
  }
  if ((typeof value !== 'number' || !Number.isFinite(value)) && (typeof value !== 'string' || value === '')) {
    throw new TypeError(`${op}: strategy 'constant' needs a value that is a finite number or a non-empty string, got ${showValue(value)}`);
  }
  return { strategy, value };
}

/** The value that replaces the missing cells of column `name` (which has at least one missing cell). */
export function fillValue(name: string, values: readonly Cell[], strategy: FillStrategy, constant: number | string | undefined, op: string): number | string {
  if (strategy === 'constant') return constant as number | string;
  const present = values.filter((v): v is number | string => v !== null);
  if (present.length === 0) throw new RangeError(`${op}: column "${name}" has no values to take the ${strategy === 'mostFrequent' ? 'most frequent value' : strategy} of`);
  if (strategy === 'mostFrequent') return mostFrequent(present);
  checkNumericFill(name, values, strategy, op);
  const result = strategy === 'mean' ? mean(present as number[]) : median(present as number[]);
  if (Number.isNaN(result)) throw new RangeError(`${op}: the ${strategy} of column "${name}" is NaN (it holds Infinity and -Infinity)`);
  return result;
}

/** Throws unless column `name` is numeric, for the strategies 'mean' and 'median'. */
export function checkNumericFill(name: string, values: readonly Cell[], strategy: FillStrategy, op: string): void {
  const text = values.findIndex((v) => typeof v === 'string');
  if (text >= 0) {
    throw new TypeError(`${op}: strategy '${strategy}' needs a numeric column, but column "${name}" row ${text} is ${showCell(values[text])}; ` +
      "use 'mostFrequent' or 'constant'");
  }
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// The most frequent value; ties go to the smallest (numbers before strings), as scikit-learn's SimpleImputer does.
function mostFrequent(values: readonly (number | string)[]): number | string {
  const counts = new Map<number | string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0], bestCount = 0;
  for (const [v, count] of counts) {
    if (count > bestCount || (count === bestCount && compareCells(v, best) < 0)) [best, bestCount] = [v, count];
  }
  return best;
}
