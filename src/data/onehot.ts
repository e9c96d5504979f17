import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { distinctSorted, showCell, type Cell } from './cells';

/**
 * Options of `Table.oneHot`.
 * @example
 * const options: OneHotOptions = { categories: ['a', 'b'], unknown: 'ignore' };
 * Table.fromColumns({ c: ['b', 'z'] }).oneHot('c', options).toRecords(); // [{ 'c=a': 0, 'c=b': 1 }, { 'c=a': 0, 'c=b': 0 }]
 */
export interface OneHotOptions {
  /** The categories to encode, in column order (default: the column's distinct values, sorted). */
  categories?: readonly (number | string)[];
  /** A value outside `categories`: 'error' (default) throws; 'ignore' encodes it as all zeros. */
  unknown?: 'error' | 'ignore';
}

/**
 * The one-hot columns of `column`'s `values`: their names (`column=value`) and 0/1 cells (all 0 for a missing
 * cell). `others` are the table's other column names, which the new names must not repeat.
 */
export function oneHotColumns(column: string, values: readonly Cell[], others: readonly string[], options: OneHotOptions, op: string): { names: string[]; encoded: Cell[][] } {
  checkOptionKeys(op, options, ['categories', 'unknown']);
  const unknown = options.unknown ?? 'error';
  if (unknown !== 'error' && unknown !== 'ignore') throw new RangeError(`${op}: unknown must be 'error' or 'ignore', got ${showValue(unknown)}`);
  const categories = options.categories === undefined ? distinctSorted(values) : checkCategories(options.categories, op);
  const names = categories.map((c) => `${column}=${c}`);
  const clash = names.find((name, i) => names.indexOf(name) !== i || others.includes(name));
  if (clash !== undefined) throw new RangeError(`${op}: the column name "${clash}" would appear twice; rename the column or its values first`);
  const position = new Map(categories.map((c, k) => [c, k]));
  const encoded = categories.map(() => new Array<Cell>(values.length).fill(0));
  values.forEach((v, row) => {
    if (v === null) return;
    const k = position.get(v);
    if (k !== undefined) encoded[k][row] = 1;
    else if (unknown === 'error') {
      throw new RangeError(`${op}: column "${column}" row ${row} is ${showCell(v)}, which is not among the categories ` +
        `(${categories.map(showCell).join(', ')}); pass unknown: 'ignore' to encode it as zeros`);
    }
  });
  return { names, encoded };
}

function checkCategories(categories: unknown, op: string): (number | string)[] {
  if (!Array.isArray(categories)) throw new TypeError(`${op}: categories must be an array of numbers and strings, got ${showValue(categories)}`);
  categories.forEach((c, i) => {
    if ((typeof c !== 'number' || Number.isNaN(c)) && (typeof c !== 'string' || c === '')) {
      throw new TypeError(`${op}: categories[${i}] must be a number or a non-empty string, got ${showValue(c)}`);
    }
  });
  const repeated = categories.find((c, i) => categories.indexOf(c) !== i);
  if (repeated !== undefined) throw new RangeError(`${op}: categories lists ${showValue(repeated)} twice`);
  return categories.slice();
}
