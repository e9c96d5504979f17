import { nodeImport } from '../runtime/node';
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { CSV_KEYS, CsvCollector, loadPapaparse, type CsvOptions } from './csv';
import { checkEncoding, StrictDecoder } from './decode';
import { isFeatureCollection } from './geojson';
import { geoJSONTable, recordsTable, type Table } from './table';

export type { CsvOptions } from './csv';

type NodeFs = typeof import('node:fs');
type NodeStream = typeof import('node:stream');

/**
 * Options of the file readers: `readCsv` and `readTable` take all of them (`delimiter` and `missing` for CSV and
 * TSV files only), `readJson` only `encoding`.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('latin1.csv', Buffer.from('city,t\nK\xf6ln,12\n', 'latin1'));
 * const options: ReadOptions = { encoding: 'latin1', missing: ['NA'] };
 * (await readTable('latin1.csv', options)).column('city'); // ['Köln']
 */
export interface ReadOptions extends CsvOptions {
  /**
   * The file's text encoding: any label TextDecoder accepts, such as 'utf-8' (the default), 'latin1',
   * 'windows-1252' or 'utf-16le'. Bytes that are invalid in it are an error naming the line.
   */
  encoding?: string;
}

const READ_KEYS: readonly string[] = [...CSV_KEYS, 'encoding'];

/**
 * Resolves to a Table from CSV text: a header row names the columns (trimmed, any text, `constructor` and
 * `__proto__` too; a repeated name gets a suffix: a, a_1); numbers become numbers and true/false 1/0 (papaparse's
 * dynamic typing rules), empty cells null; empty lines are skipped. Rejects, naming the row, for malformed text (an unclosed quote, a row with more or fewer fields than the
 * header), blank text and a header without rows. papaparse is imported on the first call, so bundles of apps that
 * parse no CSV leave it out.
 * @example
 * const table = await parseCsv('name,age\n"Smith, J.",42\nLee,\n');
 * table.toRecords(); // [{ name: 'Smith, J.', age: 42 }, { name: 'Lee', age: null }]
 */
export async function parseCsv(text: string, options: CsvOptions = {}): Promise<Table> {
  const op = 'parseCsv';
  if (typeof text !== 'string') throw new TypeError(`${op}: text must be a string, got ${showValue(text)}`);
  const collector = new CsvCollector(op, 'the text', options);
  const Papa = await loadPapaparse();
  Papa.parse(text, collector.config());
  return collector.finish();
}

/**
 * Resolves to a Table from a CSV file in Node, read as `parseCsv` reads text, streamed through papaparse row by
 * row. The file is UTF-8 unless `options.encoding` names another encoding (see ReadOptions). Rejects with an error
 * naming the path when the file is missing, a directory or empty, naming the line for bytes that are not valid in
 * the encoding, and with parseCsv's errors (naming the row) for malformed text.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('houses.csv', 'area,rooms,price\n50,2,150\n80,,240\n');
 * const table = await readCsv('houses.csv');
 * table.missingCounts(); // { area: 0, rooms: 1, price: 0 }
 */
export async function readCsv(path: string, options: ReadOptions = {}): Promise<Table> {
  return csvFile(path, options, 'readCsv');
}

/**
 * A Table from JSON text or an already parsed value: an array of records (plain objects, as `Table.fromRecords`)
 * or a GeoJSON FeatureCollection (as `Table.fromGeoJSON`). Throws a SyntaxError for blank or invalid JSON, a
 * RangeError for an empty array or a collection without features, and a TypeError for other values.
 * @example
 * parseJson('[{"a": 1, "b": "x"}, {"a": 2}]').column('b'); // ['x', null]
 */
export function parseJson(textOrValue: unknown): Table {
  const op = 'parseJson';
  return tableFromJSON(typeof textOrValue === 'string' ? parseText(textOrValue, op, 'the text') : textOrValue, op, 'the value');
}

/**
 * Resolves to a Table from a JSON or GeoJSON file in Node, read as `parseJson` reads text (a leading byte order
 * mark is skipped), in UTF-8 unless `options.encoding` names another encoding. Rejects as `readCsv` does for a
 * missing, directory or empty file or invalid bytes, and as `parseJson` for its contents.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('quakes.geojson', JSON.stringify({ type: 'FeatureCollection', features: [
 *   { type: 'Feature', properties: { mag: 4.1 }, geometry: { type: 'Point', coordinates: [142.4, 38.3, 24] } }] }));
 * (await readJson('quakes.geojson')).toRecords(); // [{ mag: 4.1, longitude: 142.4, latitude: 38.3, depth: 24 }]
 */
export async function readJson(path: string, options: Pick<ReadOptions, 'encoding'> = {}): Promise<Table> {
  checkOptionKeys('readJson', options, ['encoding']);
  return jsonFile(path, options.encoding, 'readJson');
}

/**
 * Resolves to a Table from a data file in Node, read by its extension (in any case): .csv as `readCsv`, .tsv as
 * tab-separated CSV, .json and .geojson as `readJson`, with `options` as ReadOptions describes. Rejects, naming the
 * path, for other extensions and as those readers do.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('measurements.tsv', 'depth\tmag\n10\t2.5\n');
 * (await readTable('measurements.tsv')).toRecords(); // [{ depth: 10, mag: 2.5 }]
 */
export async function readTable(path: string, options: ReadOptions = {}): Promise<Table> {
  const op = 'readTable';
  checkPath(path, op);
  checkOptionKeys(op, options, READ_KEYS);
  const extension = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase() ?? '';
  if (extension === '.csv') return csvFile(path, options, op);
  if (extension === '.tsv') return csvFile(path, { delimiter: '\t', ...options }, op);
  if (extension === '.json' || extension === '.geojson') {
    const csvOnly = Object.keys(options).filter((key) => key !== 'encoding' && options[key as keyof ReadOptions] !== undefined);
    if (csvOnly.length > 0) throw new RangeError(`${op}: option ${csvOnly.map((key) => JSON.stringify(key)).join(', ')} is for CSV files; ${JSON.stringify(path)} is ${extension}`);
    return jsonFile(path, options.encoding, op);
  }
  throw new RangeError(`${op}: cannot read ${JSON.stringify(path)}: ${extension ? `the extension ${extension} is` : 'a file without an extension is'} ` +
    'not supported; use .csv, .tsv, .json or .geojson');
}

async function csvFile(path: string, options: ReadOptions, op: string): Promise<Table> {
  checkPath(path, op);
  checkOptionKeys(op, options, READ_KEYS);
  const { encoding, ...csvOptions } = options;
  const collector = new CsvCollector(op, JSON.stringify(path), csvOptions);
  const label = checkEncoding(encoding, op);
  const fs = await nodeFs(op);
  await checkFile(fs, path, op);
  const [Papa, { Readable }] = await Promise.all([loadPapaparse(), nodeImport<NodeStream>('node:stream')]);
  const file = fs.createReadStream(path);
  const text = Readable.from(decodedChunks(file, new StrictDecoder(label, op, JSON.stringify(path)), path, op));
  try {
    await new Promise<void>((resolve, reject) => {
      Papa.parse(text, { ...collector.config(), complete: () => resolve(), error: (error: Error) => reject(error) });
    });
  } finally {
    text.destroy();
    file.destroy();
  }
  return collector.finish();
}

async function jsonFile(path: string, encoding: unknown, op: string): Promise<Table> {
  checkPath(path, op);
  const label = checkEncoding(encoding, op);
  const fs = await nodeFs(op);
  await checkFile(fs, path, op);
  const parts: string[] = [];
  for await (const part of decodedChunks(fs.createReadStream(path), new StrictDecoder(label, op, JSON.stringify(path)), path, op)) parts.push(part);
  return tableFromJSON(parseText(parts.join('').replace(/^\uFEFF/, ''), op, JSON.stringify(path)), op, JSON.stringify(path));
}

/** The text of a file's byte chunks, decoded strictly; read errors name the path. */
async function* decodedChunks(file: AsyncIterable<Buffer>, decoder: StrictDecoder, path: string, op: string): AsyncGenerator<string> {
  try {
    for await (const bytes of file) {
      const text = decoder.decode(bytes);
      if (text !== '') yield text;
    }
  } catch (error) {
    throw error instanceof SyntaxError ? error : fileError(error as Error, path, op);
  }
  const rest = decoder.decode(new Uint8Array(0), true);
  if (rest !== '') yield rest;
}

function parseText(text: string, op: string, source: string): unknown {
  if (text.trim() === '') throw new SyntaxError(`${op}: ${source} is blank; expected an array of records or a GeoJSON FeatureCollection`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`${op}: ${source} is not valid JSON (${(error as Error).message})`);
  }
}

function tableFromJSON(value: unknown, op: string, source: string): Table {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RangeError(`${op}: ${source} is an empty array; expected records`);
    return recordsTable(value, op);
  }
  if (isFeatureCollection(value)) {
    const table = geoJSONTable(value, op);
    if (table.rowCount === 0) throw new RangeError(`${op}: ${source} is a FeatureCollection without features`);
    return table;
  }
  throw new TypeError(`${op}: ${source} must be an array of records or a GeoJSON FeatureCollection, got ${showValue(value)}`);
}

function checkPath(path: unknown, op: string): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a non-empty string, got ${showValue(path)}`);
}

// node:fs is imported on first use, so bundles for browsers and edge runtimes do not pull it in. NOTE: a string
// the bundler does not resolve, or Vite would substitute a stub that imports without error and throws on first use.
async function nodeFs(op: string): Promise<NodeFs> {
  try {
    return await nodeImport<NodeFs>('node:fs');
  } catch (error) {
    throw new Error(`${op}: reading files needs Node's fs module; elsewhere, fetch the text and call parseCsv or parseJson`, { cause: error });
  }
}

async function checkFile(fs: NodeFs, path: string, op: string): Promise<void> {
  let stats;
  try {
    stats = await fs.promises.stat(path);
  } catch (error) {
    throw fileError(error as Error, path, op);
  }
  if (stats.isDirectory()) throw new Error(`${op}: ${JSON.stringify(path)} is a directory, not a file`);
  if (stats.size === 0) throw new SyntaxError(`${op}: ${JSON.stringify(path)} is empty`);
}

function fileError(error: Error, path: string, op: string): Error {
  const code = (error as { code?: unknown }).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : error.message;
  return Object.assign(new Error(`${op}: cannot read ${JSON.stringify(path)}: ${reason}`, { cause: error }), { code });
}
