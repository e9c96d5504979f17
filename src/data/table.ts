import { showValue } from '../tensor/errors';
import { checkInteger } from '../tensor/shape';
import { tensor } from '../tensor/create';
import type { Tensor } from '../tensor/tensor';
import { distinctSorted, showCell, showColumns, toCell, type Cell } from './cells';
import { featureRecords, type FeatureCollection } from './geojson';
import { checkFillOptions, checkNumericFill, fillValue, type FillOptions } from './impute';
import { oneHotColumns, type OneHotOptions } from './onehot';

export type { Cell } from './cells';
export type { FillOptions, FillStrategy } from './impute';
export type { FeatureCollection, Feature } from './geojson';
export type { OneHotOptions } from './onehot';

const CREATE = Symbol('create');
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An immutable table of named columns whose cells are numbers, strings or null (missing). Every method returns a
 * new Table. Read one with `await readTable(path)`, `await parseCsv(text)` or `parseJson`, or build one with
 * `Table.fromRecords`; clean and encode it; then `toTensor()` gives the float32 [rows, columns] matrix a model trains
 * on. Methods that take column names throw a RangeError for a name the table lacks (listing its columns) and a
 * TypeError for one that is not a string.
 * @example
 * const table = Table.fromRecords([{ size: 1, color: 'red' }, { size: null, color: 'blue' }, { size: 3, color: 'red' }]);
 * const x = table.fillMissing({ strategy: 'mean' }).oneHot('color').toTensor();
 * x.toArray(); // [[1, 0, 1], [2, 1, 0], [3, 0, 1]]  (size, color=blue, color=red)
 */
export class Table {
  /**
   * Column names, in order (frozen).
   * @example
   * Table.fromRecords([{ a: 1, b: 2 }]).columns; // ['a', 'b']
   */
  readonly columns: readonly string[];
  /**
   * Number of rows.
   * @example
   * Table.fromColumns({ a: [1, 2, 3] }).rowCount; // 3
   */
  readonly rowCount: number;
  readonly #data: readonly (readonly Cell[])[];

  /**
   * Tables come from `Table.fromRecords`, `fromColumns`, `fromGeoJSON` and the readers; any other token throws a
   * TypeError.
   * @internal
   */
  constructor(token: symbol, columns: readonly string[], data: readonly (readonly Cell[])[], rowCount: number) {
    if (token !== CREATE) throw new TypeError('Table: create tables with Table.fromRecords(), Table.fromColumns() or a reader such as readTable()');
    this.columns = Object.freeze(columns.slice());
    this.#data = data;
    this.rowCount = rowCount;
  }

  /**
   * A table from an array of plain objects; the columns are every key, in order of first appearance. Missing keys,
   * null, undefined, '' and NaN become null; true and false become 1 and 0; strings stay strings (also "12").
   * Throws a TypeError unless records is an array of plain objects, or for a cell that is an object or array.
   * @example
   * Table.fromRecords([{ a: 1, b: 'x' }, { a: 2 }]).column('b'); // ['x', null]
   */
  static fromRecords(records: readonly object[]): Table {
    return recordsTable(records, 'Table.fromRecords');
  }

  /**
   * A table from arrays of cells keyed by column name (all of the same length), converted as `fromRecords` does.
   * Throws a TypeError for a value that is not an array or a bad cell, a RangeError for columns of different lengths.
   * @example
   * Table.fromColumns({ x: [1, 2, NaN], label: ['a', 'b', 'a'] }).column('x'); // [1, 2, null]
   */
  static fromColumns(columns: Record<string, readonly unknown[]>): Table {
    const op = 'Table.fromColumns';
    if (!isObject(columns)) throw new TypeError(`${op}: columns must be an object of arrays, got ${showValue(columns)}`);
    const names = Object.keys(columns);
    const lengths = names.map((name) => {
      const values = columns[name];
      if (!Array.isArray(values)) throw new TypeError(`${op}: columns[${JSON.stringify(name)}] must be an array, got ${showValue(values)}`);
      return values.length;
    });
    const mismatch = lengths.findIndex((n) => n !== lengths[0]);
    if (mismatch >= 0) {
      throw new RangeError(`${op}: column "${names[mismatch]}" has ${lengths[mismatch]} values but "${names[0]}" has ${lengths[0]}; all columns need the same length`);
    }
    return tableOf(names, names.map((name) => Array.from(columns[name], (v, row) => toCell(v, op, `columns[${JSON.stringify(name)}][${row}]`))));
  }

  /**
   * A table from a GeoJSON FeatureCollection: one row per feature, with its properties and, for a Point geometry,
   * `longitude`, `latitude` and `depth` (the coordinates, replacing properties of those names; `depth` when there
   * is a third). Throws a TypeError for anything that is not a FeatureCollection of Feature objects, or for a Point
   * without 2 or 3 numeric coordinates.
   * @example
   * const quakes = Table.fromGeoJSON({ type: 'FeatureCollection', features: [
   *   { type: 'Feature', properties: { mag: 2 }, geometry: { type: 'Point', coordinates: [-118.6, 34.5, 7.2] } }] });
   * quakes.columns; // ['mag', 'longitude', 'latitude', 'depth']
   */
  static fromGeoJSON(collection: FeatureCollection): Table {
    return geoJSONTable(collection, 'Table.fromGeoJSON');
  }

  /**
   * The cells of one column (a copy).
   * @example
   * Table.fromRecords([{ a: 1 }, { a: null }]).column('a'); // [1, null]
   */
  column(name: string): Cell[] {
    return this.#data[this.#index(name, 'column')].slice();
  }

  /**
   * Whether every present cell of the column is a number (true also when all are missing).
   * @example
   * Table.fromRecords([{ a: 1, b: 'x' }]).isNumeric('a'); // true
   */
  isNumeric(column: string): boolean {
    return this.#data[this.#index(column, 'isNumeric')].every((v) => v === null || typeof v === 'number');
  }

  /**
   * The number of missing (null) cells in each column.
   * @example
   * Table.fromRecords([{ a: 1, b: null }, { a: null }]).missingCounts(); // { a: 1, b: 2 }
   */
  missingCounts(): Record<string, number> {
    return Object.fromEntries(this.columns.map((name, c) => [name, this.#data[c].reduce<number>((n, v) => n + (v === null ? 1 : 0), 0)]));
  }

  /**
   * The distinct present values of a column, sorted: numbers ascending, then strings. These are the categories
   * `oneHot` encodes, in order.
   * @example
   * Table.fromRecords([{ c: 'b' }, { c: 'a' }, { c: 'b' }, { c: null }]).categories('c'); // ['a', 'b']
   */
  categories(column: string): (number | string)[] {
    return distinctSorted(this.#data[this.#index(column, 'categories')]);
  }

  /**
   * A table of the named columns, in the order given.
   * @example
   * Table.fromRecords([{ a: 1, b: 2, c: 3 }]).select(['c', 'a']).columns; // ['c', 'a']
   */
  select(names: readonly string[]): Table {
    const at = this.#indices(names, 'select', 'names');
    return tableOf(at.map((c) => this.columns[c]), at.map((c) => this.#data[c]), this.rowCount);
  }

  /**
   * A table without the named columns.
   * @example
   * Table.fromRecords([{ a: 1, b: 2, c: 3 }]).drop(['b']).columns; // ['a', 'c']
   */
  drop(names: readonly string[]): Table {
    const gone = new Set(this.#indices(names, 'drop', 'names'));
    const kept = this.columns.map((_, c) => c).filter((c) => !gone.has(c));
    return tableOf(kept.map((c) => this.columns[c]), kept.map((c) => this.#data[c]), this.rowCount);
  }

  /**
   * The rows at the given indices (0-based; in that order, repeats allowed), e.g. the folds of `kFold`. Throws a
   * TypeError or RangeError for an index that is not an integer in [0, rowCount).
   * @example
   * Table.fromRecords([{ a: 1 }, { a: 2 }, { a: 3 }]).take([2, 0]).column('a'); // [3, 1]
   */
  take(rows: readonly number[]): Table {
    if (!Array.isArray(rows)) throw new TypeError(`take: rows must be an array of row indices, got ${showValue(rows)}`);
    rows.forEach((r, i) => checkInteger(r, 'take', `rows[${i}] (the table has ${this.rowCount} rows)`, 0, this.rowCount - 1));
    return this.#rows(rows);
  }

  /**
   * The first `n` rows (default 5; all of them if there are fewer). Throws a TypeError or RangeError unless n is a
   * non-negative integer.
   * @example
   * Table.fromRecords([{ a: 1 }, { a: 2 }, { a: 3 }]).head(2).rowCount; // 2
   */
  head(n = 5): Table {
    checkInteger(n, 'head', 'n', 0);
    return this.#rows(Array.from({ length: Math.min(n, this.rowCount) }, (_, r) => r));
  }

  /**
   * A table without the rows that miss a value in any of `columns` (default: in any column).
   * @example
   * Table.fromRecords([{ a: 1, b: null }, { a: null, b: 2 }, { a: 3, b: 4 }]).dropMissing(['a']).column('a'); // [1, 3]
   */
  dropMissing(columns?: readonly string[]): Table {
    const at = columns === undefined ? this.columns.map((_, c) => c) : this.#indices(columns, 'dropMissing', 'columns');
    const rows: number[] = [];
    for (let r = 0; r < this.rowCount; r++) if (at.every((c) => this.#data[c][r] !== null)) rows.push(r);
    return this.#rows(rows);
  }

  /**
   * A table whose missing cells are filled, per column: with the 'mean' or 'median' of its present values (numeric
   * columns only), its 'mostFrequent' value (ties: the smallest, numbers before strings), or a 'constant' value.
   * Without `columns`, 'mean' and 'median' fill every numeric column and the other strategies every column. Throws a
   * RangeError for an unknown strategy or a column with no present value, a TypeError for 'mean' or 'median' of a
   * text column or a bad constant.
   * @example
   * const t = Table.fromRecords([{ a: 1, c: 'x' }, { a: null, c: null }, { a: 5, c: 'x' }]);
   * t.fillMissing({ strategy: 'median' }).column('a');               // [1, 3, 5]
   * t.fillMissing({ strategy: 'constant', value: '?' }).column('c'); // ['x', '?', 'x']
   */
  fillMissing(options: FillOptions): Table {
    const op = 'fillMissing';
    const { strategy, value } = checkFillOptions(options, op);
    const numericOnly = strategy === 'mean' || strategy === 'median';
    const at = options.columns === undefined
      ? this.columns.map((_, c) => c).filter((c) => !numericOnly || this.isNumeric(this.columns[c]))
      : this.#indices(options.columns, op, 'columns');
    if (numericOnly) for (const c of at) checkNumericFill(this.columns[c], this.#data[c], strategy, op);
    const data = this.#data.slice();
    for (const c of at) {
      const values = this.#data[c];
      if (!values.includes(null)) continue;
      const fill = fillValue(this.columns[c], values, strategy, value, op);
      data[c] = values.map((v) => v ?? fill);
    }
    return tableOf(this.columns, data, this.rowCount);
  }

  /**
   * A table where `column` is replaced, in place, by one 0/1 column per category named `column=value` (categories
   * as `categories(column)` lists them, unless given). A missing cell is 0 in every one of them. Throws a RangeError
   * for a value outside the given categories (unless `unknown: 'ignore'`) or a new name that would repeat a column.
   * @example
   * const t = Table.fromRecords([{ net: 'ci', mag: 2 }, { net: 'ak', mag: 3 }]).oneHot('net');
   * t.columns;     // ['net=ak', 'net=ci', 'mag']
   * t.toRecords(); // [{ 'net=ak': 0, 'net=ci': 1, mag: 2 }, { 'net=ak': 1, 'net=ci': 0, mag: 3 }]
   */
  oneHot(column: string, options: OneHotOptions = {}): Table {
    const at = this.#index(column, 'oneHot');
    const { names, encoded } = oneHotColumns(column, this.#data[at], this.columns, options, 'oneHot');
    const columns = [...this.columns.slice(0, at), ...names, ...this.columns.slice(at + 1)];
    return tableOf(columns, [...this.#data.slice(0, at), ...encoded, ...this.#data.slice(at + 1)], this.rowCount);
  }

  /**
   * The cells of `columns` (default: all) as a float32 tensor [rows, columns]. Every cell must be a number: a
   * missing or text cell throws, naming its column and row (0-based).
   * @example
   * Table.fromRecords([{ a: 1, b: 2 }, { a: 3, b: 4 }]).toTensor(['b']).toArray(); // [[2], [4]]
   */
  toTensor(columns?: readonly string[]): Tensor {
    const op = 'toTensor';
    const at = columns === undefined ? this.columns.map((_, c) => c) : this.#indices(columns, op, 'columns');
    const flat = new Float32Array(this.rowCount * at.length);
    at.forEach((c, j) => {
      const values = this.#data[c];
      for (let r = 0; r < this.rowCount; r++) {
        const v = values[r];
        if (typeof v === 'number') flat[r * at.length + j] = v;
        else if (v === null) throw new RangeError(`${op}: column "${this.columns[c]}" row ${r} is missing (null); dropMissing or fillMissing first`);
        else throw new TypeError(`${op}: column "${this.columns[c]}" row ${r} is ${showCell(v)}, not a number`);
      }
    });
    return tensor(flat, [this.rowCount, at.length]);
  }

  /**
   * The rows as plain objects.
   * @example
   * Table.fromColumns({ a: [1, 2] }).toRecords(); // [{ a: 1 }, { a: 2 }]
   */
  toRecords(): Record<string, Cell>[] {
    // NOTE: Object.fromEntries defines own properties, so a column named "__proto__" is a key, not the prototype.
    return Array.from({ length: this.rowCount }, (_, r) => Object.fromEntries(this.columns.map((name, c) => [name, this.#data[c][r]])));
  }

  #rows(rows: readonly number[]): Table {
    return tableOf(this.columns, this.#data.map((values) => rows.map((r) => values[r])), rows.length);
  }

  #index(name: unknown, op: string): number {
    if (typeof name !== 'string') throw new TypeError(`${op}: the column name must be a string, got ${showValue(name)}`);
    const c = this.columns.indexOf(name);
    if (c < 0) throw new RangeError(`${op}: no column "${name}" (columns: ${showColumns(this.columns)})`);
    return c;
  }

  #indices(names: unknown, op: string, arg: string): number[] {
    if (!Array.isArray(names)) throw new TypeError(`${op}: ${arg} must be an array of column names, got ${showValue(names)}`);
    names.forEach((name, i) => {
      if (typeof name !== 'string') throw new TypeError(`${op}: ${arg}[${i}] must be a column name, got ${showValue(name)}`);
    });
    const unknown = (names as string[]).filter((name) => !this.columns.includes(name));
    if (unknown.length > 0) {
      const list = unknown.map((name) => JSON.stringify(name)).join(', ');
      throw new RangeError(`${op}: no column${unknown.length > 1 ? 's' : ''} ${list} (columns: ${showColumns(this.columns)})`);
    }
    const repeated = names.find((name, i) => names.indexOf(name) !== i);
    if (repeated !== undefined) throw new RangeError(`${op}: ${arg} names column "${repeated}" twice`);
    return (names as string[]).map((name) => this.columns.indexOf(name));
  }
}

/** Internal: a table over columns of cells (already converted; not copied: they must not change afterwards). */
export function tableOf(columns: readonly string[], data: readonly (readonly Cell[])[], rowCount = data[0]?.length ?? 0): Table {
  return new Table(CREATE, columns, data, rowCount);
}

/** Internal: Table.fromRecords, with errors that name `op`. */
export function recordsTable(records: unknown, op: string, where = (row: number, key: string) => `records[${row}][${JSON.stringify(key)}]`): Table {
  if (!Array.isArray(records)) throw new TypeError(`${op}: expected an array of records (plain objects), got ${showValue(records)}`);
  const index = new Map<string, number>();
  const names: string[] = [];
  const data: Cell[][] = [];
  records.forEach((record: unknown, row) => {
    if (!isObject(record)) throw new TypeError(`${op}: records[${row}] must be an object, got ${showValue(record)}`);
    for (const key of Object.keys(record)) {
      let c = index.get(key);
      if (c === undefined) {
        c = names.push(key) - 1;
        index.set(key, c);
        data.push(new Array<Cell>(records.length).fill(null));
      }
      data[c][row] = toCell(record[key], op, where(row, key));
    }
  });
  return tableOf(names, data, records.length);
}

/** Internal: Table.fromGeoJSON, with errors that name `op`. */
export function geoJSONTable(collection: unknown, op: string): Table {
  return recordsTable(featureRecords(collection, op), op, (row, key) => `features[${row}].properties[${JSON.stringify(key)}]`);
}
