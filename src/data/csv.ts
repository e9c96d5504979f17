// Builds a Table from papaparse's rows, one step at a time, so a file streams through without being held as one
// string; turns papaparse's errors into messages that name the row. papaparse is loaded when CSV is first parsed:
// it is CommonJS, which bundlers cannot tree-shake, so a static import would put it in every app's bundle.
import type * as Papa from 'papaparse';
import { showValue } from '../tensor/errors';
import { showColumns, toCell, type Cell } from './cells';
import { tableOf, type Table } from './table';

/**
 * Options of `parseCsv` and `readCsv`.
 * @example
 * const options: CsvOptions = { delimiter: ';', missing: ['NA'] };
 * (await parseCsv('a;b\n1;NA\n', options)).toRecords(); // [{ a: 1, b: null }]
 */
export interface CsvOptions {
  /** The field delimiter (default: detected among comma, tab, pipe, semicolon and others). */
  delimiter?: string;
  /** Cell texts that also mean missing, besides the empty cell, e.g. ['NA', '?'] (compared after trimming spaces). */
  missing?: readonly string[];
}

type Row = Record<string, unknown> & { __parsed_extra?: unknown[] };
type Papaparse = typeof Papa;

// papaparse's BAD_DELIMITERS (line breaks, the quote and the byte order mark), here so that checking the options
// needs no papaparse.
const BAD_DELIMITERS: readonly string[] = ['\r', '\n', '"', '\uFEFF'];

let papaparse: Promise<Papaparse> | undefined;

/**
 * papaparse, imported on first use and kept. NOTE: a literal specifier, so that bundlers put papaparse in a chunk
 * of its own, loaded only by apps that parse CSV. Being CommonJS, it comes as the namespace's default export.
 */
export function loadPapaparse(): Promise<Papaparse> {
  papaparse ??= import('papaparse').then(
    (module) => (module as { default?: Papaparse }).default ?? module,
    (error: unknown) => {
      papaparse = undefined; // a later call tries again
      throw error;
    });
  return papaparse;
}

/** Collects the rows of one CSV source; `source` names it in messages (e.g. 'the text' or a quoted path). */
export class CsvCollector {
  #header: string[] | null = null;
  #blankHeader = true;
  #columns: string[] | null = null;
  #data: Cell[][] = [];
  #rows = 0;
  #error: Error | null = null;
  readonly #missing: Set<string>;
  readonly #delimiter: string | undefined;

  constructor(readonly op: string, readonly source: string, options: CsvOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    const { delimiter, missing = [] } = options;
    if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length === 0 || BAD_DELIMITERS.includes(delimiter))) {
      throw new TypeError(`${op}: delimiter must be a non-empty string other than a quote or line break, got ${showValue(delimiter)}`);
    }
    if (!Array.isArray(missing) || missing.some((m) => typeof m !== 'string')) {
      throw new TypeError(`${op}: missing must be an array of strings, got ${showValue(missing)}`);
    }
    this.#missing = new Set(missing.map((m) => m.trim()));
    this.#delimiter = delimiter;
  }

  /** The papaparse configuration: header row, typed values, empty lines skipped, one step per row. */
  config(): Papa.ParseConfig<Row> & { step: NonNullable<Papa.ParseConfig<Row>['step']> } {
    return {
      header: true,
      dynamicTyping: true,
      skipEmptyLines: 'greedy',
      delimiter: this.#delimiter,
      // NOTE: papaparse takes a leading blank line for the header row, so blank lines before it are removed.
      beforeFirstChunk: (chunk) => chunk.replace(/^\uFEFF?(?:[ \t]*(?:\r\n|\n|\r))+/, ''),
      transformHeader: (name, index) => {
        const trimmed = name.trim();
        if (trimmed !== '') this.#blankHeader = false;
        return ((this.#header ??= [])[index] = trimmed === '' ? `Unnamed: ${index}` : trimmed);
      },
      transform: this.#missing.size > 0 ? (value) => (this.#missing.has(value.trim()) ? '' : value) : undefined,
      step: (result, parser) => this.#step(result, parser),
    };
  }

  #step(result: Papa.ParseStepResult<Row>, parser: Papa.Parser): void {
    if (this.#error) return;
    const row = this.#rows;
    this.#columns ??= result.meta.fields ?? [];
    const errors = result.errors.filter((e) => e.code !== 'UndetectableDelimiter');
    if (errors.length > 0) {
      this.#error = this.#rowError(errors, row, result.data);
      parser.abort();
      return;
    }
    if (this.#data.length === 0) this.#data = this.#columns.map(() => []);
    this.#columns.forEach((name, c) => {
      const value = result.data[name];
      // NOTE: papaparse's typing reads ISO date-times such as 2018-02-07T00:32:14Z as Dates; they become milliseconds.
      this.#data[c].push(toCell(value instanceof Date ? value.getTime() : value, this.op, `row ${row}, column "${name}"`));
    });
    this.#rows++;
  }

  #rowError(errors: Papa.ParseError[], row: number, data: Row): Error {
    const where = `${this.op}: ${this.source} row ${row} (counting from 0 after the header)`;
    const quote = errors.find((e) => e.type === 'Quotes');
    if (quote) return new SyntaxError(`${where}: ${quote.message.toLowerCase()}; a field that starts with " must end with " and write any " inside as ""`);
    const expected = this.#columns!.length;
    const parsed = errors[0].code === 'TooManyFields' ? expected + (data.__parsed_extra?.length ?? 0) : Object.keys(data).length;
    if (errors[0].type === 'FieldMismatch') return new SyntaxError(`${where} has ${parsed} fields but the header has ${expected} (${showColumns(this.#columns!)})`);
    return new SyntaxError(`${where}: ${errors[0].message}`);
  }

  /** The table once every row was seen; throws the first error, or if there was no header or no row. */
  finish(): Table {
    if (this.#error) throw this.#error;
    if (this.#header === null || (this.#blankHeader && this.#rows === 0)) throw new SyntaxError(`${this.op}: ${this.source} is blank; expected a header row, then rows`);
    if (this.#rows === 0) throw new RangeError(`${this.op}: ${this.source} has a header (${showColumns(this.#header)}) but no rows`);
    return tableOf(this.#columns!, this.#data, this.#rows);
  }
}
