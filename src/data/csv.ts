// Builds a Table from papaparse's rows, one step at a time, so a file streams through without being held as one
// string; turns papaparse's errors into messages that name the row. papaparse is loaded when CSV is first parsed:
// it is CommonJS, which bundlers cannot tree-shake, so a static import would put it in every app's bundle.
import type * as Papa from 'papaparse';
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { showColumns, type Cell } from './cells';
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
  /** Columns whose cells stay text, untyped (ids such as '007', codes such as '1e5'); their empty cells are missing. */
  text?: readonly string[];
}

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

/** The keys CsvOptions allows. */
export const CSV_KEYS: readonly string[] = ['delimiter', 'missing', 'text'];

// papaparse's dynamic typing rules (5.7.1), applied here: papaparse looks a column's typing up by its name in a plain
// object, so columns named like Object.prototype members (constructor, toString) were never typed.
const FLOAT = /^\s*-?(\d+\.?|\.\d+|\d+\.\d+)([eE][-+]?\d+)?\s*$/;
const ISO_DATE = /^((\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+([+-][0-2]\d:[0-5]\d|Z))|(\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([+-][0-2]\d:[0-5]\d|Z))|(\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d([+-][0-2]\d:[0-5]\d|Z)))$/;

/**
 * A CSV field as a cell: empty is missing (null); true/TRUE and false/FALSE are 1 and 0; decimal numbers within
 * ±2^53 are numbers; ISO date-times with a time zone are milliseconds since 1970; other text stays text.
 */
function typedCell(text: string): Cell {
  if (text === '') return null;
  if (text === 'true' || text === 'TRUE') return 1;
  if (text === 'false' || text === 'FALSE') return 0;
  if (FLOAT.test(text)) {
    const value = parseFloat(text);
    if (value > -(2 ** 53) && value < 2 ** 53) return value;
  }
  return ISO_DATE.test(text) ? new Date(text).getTime() : text;
}

/**
 * Header names: trimmed; a blank one is `Unnamed: <index>`; a repeated one gets the first free suffix (a, a_1),
 * as papaparse names them.
 */
function headerNames(cells: readonly string[]): string[] {
  const names = cells.map((cell, index) => cell.trim() || `Unnamed: ${index}`);
  const used = new Set(names);
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name);
    if (count === undefined) return (seen.set(name, 1), name);
    let suffix = count, renamed: string;
    do renamed = `${name}_${suffix++}`; while (used.has(renamed));
    used.add(renamed);
    seen.set(name, count + 1);
    return renamed;
  });
}

/** Thrown when the `text` option names columns the header lacks (the command line words it as --keep). */
export class TextColumnsMissing extends RangeError {
  constructor(message: string, readonly columns: readonly string[], readonly header: readonly string[]) {
    super(message);
  }
}

/** Collects the rows of one CSV source; `source` names it in messages (e.g. 'the text' or a quoted path). */
export class CsvCollector {
  #columns: string[] | null = null;
  #data: Cell[][] = [];
  #rows = 0;
  #error: Error | null = null;
  readonly #missing: Set<string>;
  readonly #delimiter: string | undefined;
  readonly #text: Set<string>;
  #asText: boolean[] = [];

  constructor(readonly op: string, readonly source: string, options: CsvOptions, allowed: readonly string[] = CSV_KEYS) {
    checkOptionKeys(op, options, allowed);
    const { delimiter, missing = [], text = [] } = options;
    if (delimiter !== undefined && (typeof delimiter !== 'string' || delimiter.length === 0 || BAD_DELIMITERS.includes(delimiter))) {
      throw new TypeError(`${op}: delimiter must be a non-empty string other than a quote or line break, got ${showValue(delimiter)}`);
    }
    if (!Array.isArray(missing) || missing.some((m) => typeof m !== 'string')) {
      throw new TypeError(`${op}: missing must be an array of strings, got ${showValue(missing)}`);
    }
    if (!Array.isArray(text) || text.some((m) => typeof m !== 'string')) {
      throw new TypeError(`${op}: text must be an array of column names, got ${showValue(text)}`);
    }
    this.#text = new Set(text);
    this.#missing = new Set(missing.map((m) => m.trim()));
    this.#delimiter = delimiter;
  }

  /**
   * The papaparse configuration: rows as arrays of text (the header and typing are done here, so that any text
   * can name a column), empty lines skipped, one step per row.
   */
  config(): Papa.ParseConfig<string[]> & { step: NonNullable<Papa.ParseConfig<string[]>['step']> } {
    return {
      header: false,
      dynamicTyping: false,
      skipEmptyLines: 'greedy',
      delimiter: this.#delimiter,
      // NOTE: blank lines before the header row are removed, so that delimiter detection starts at the header.
      beforeFirstChunk: (chunk) => chunk.replace(/^\uFEFF?(?:[ \t]*(?:\r\n|\n|\r))*/, ''),
      step: (result, parser) => this.#step(result, parser),
    };
  }

  #step(result: Papa.ParseStepResult<string[]>, parser: Papa.Parser): void {
    if (this.#error) return;
    const errors = result.errors.filter((e) => e.code !== 'UndetectableDelimiter');
    if (errors.length === 0 && this.#columns === null) {
      this.#columns = headerNames(result.data);
      this.#data = this.#columns.map(() => []);
      this.#asText = this.#columns.map((name) => this.#text.has(name));
      const unknown = [...this.#text].filter((name) => !this.#columns!.includes(name));
      if (unknown.length > 0) {
        this.#error = new TextColumnsMissing(`${this.op}: text names columns that ${this.source} lacks: ${unknown.join(', ')} (${showColumns(this.#columns)})`, unknown, this.#columns);
        parser.abort();
      }
      return;
    }
    const fields = result.data;
    const expected = this.#columns?.length ?? fields.length;
    if (errors.length > 0 || fields.length !== expected) {
      this.#error = this.#rowError(errors, fields.length);
      parser.abort();
      return;
    }
    for (let c = 0; c < expected; c++) {
      const text = fields[c];
      const missing = text === '' || (this.#missing.size > 0 && this.#missing.has(text.trim()));
      this.#data[c].push(missing ? null : this.#asText[c] ? text : typedCell(text));
    }
    this.#rows++;
  }

  #rowError(errors: Papa.ParseError[], parsed: number): Error {
    const where = this.#columns === null ? `${this.op}: ${this.source} header row` : `${this.op}: ${this.source} row ${this.#rows} (counting from 0 after the header)`;
    const quote = errors.find((e) => e.type === 'Quotes');
    if (quote) return new SyntaxError(`${where}: ${quote.message.toLowerCase()}; a field that starts with " must end with " and write any " inside as ""`);
    if (errors.length > 0) return new SyntaxError(`${where}: ${errors[0].message}`);
    return new SyntaxError(`${where} has ${parsed} fields but the header has ${this.#columns!.length} (${showColumns(this.#columns!)})`);
  }

  /** The table once every row was seen; throws the first error, or if there was no header or no row. */
  finish(): Table {
    if (this.#error) throw this.#error;
    if (this.#columns === null) throw new SyntaxError(`${this.op}: ${this.source} is blank; expected a header row, then rows`);
    if (this.#rows === 0) throw new RangeError(`${this.op}: ${this.source} has a header (${showColumns(this.#columns)}) but no rows`);
    return tableOf(this.#columns, this.#data, this.#rows);
  }
}
