import Papa from 'papaparse';
import { showValue } from '../tensor/errors';
import { CsvCollector, type CsvOptions } from './csv';
import { isFeatureCollection } from './geojson';
import { geoJSONTable, recordsTable, type Table } from './table';

export type { CsvOptions } from './csv';

type NodeFs = typeof import('node:fs');

/**
 * A Table from CSV text: a header row names the columns (trimmed; a repeated name gets a suffix: a, a_1); numbers
 * become numbers and true/false 1/0 (papaparse's dynamic typing), empty cells null; empty lines are skipped. Malformed text (an unclosed quote, a row with more
 * or fewer fields than the header), blank text and a header without rows throw, naming the row.
 * @example
 * const table = parseCsv('name,age\n"Smith, J.",42\nLee,\n');
 * table.toRecords(); // [{ name: 'Smith, J.', age: 42 }, { name: 'Lee', age: null }]
 */
export function parseCsv(text: string, options: CsvOptions = {}): Table {
  const op = 'parseCsv';
  if (typeof text !== 'string') throw new TypeError(`${op}: text must be a string, got ${showValue(text)}`);
  const collector = new CsvCollector(op, 'the text', options);
  Papa.parse(text, collector.config());
  return collector.finish();
}

/**
 * Reads a CSV file in Node as `parseCsv` does, streaming it through papaparse row by row.
 * @example
 * const table = await readCsv('data/houses.csv');
 */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<Table> {
  return csvFile(path, options, 'readCsv');
}

/**
 * A Table from JSON text or an already parsed value: an array of records (plain objects, as `Table.fromRecords`)
 * or a GeoJSON FeatureCollection (as `Table.fromGeoJSON`).
 * @example
 * parseJson('[{"a": 1, "b": "x"}, {"a": 2}]').column('b'); // ['x', null]
 */
export function parseJson(textOrValue: unknown): Table {
  const op = 'parseJson';
  return tableFromJSON(typeof textOrValue === 'string' ? parseText(textOrValue, op, 'the text') : textOrValue, op, 'the value');
}

/**
 * Reads a JSON or GeoJSON file in Node as `parseJson` does.
 * @example
 * const quakes = await readJson('node_modules/vega-datasets/data/earthquakes.json');
 */
export async function readJson(path: string): Promise<Table> {
  return jsonFile(path, 'readJson');
}

/**
 * Reads a data file in Node, by its extension: .csv (and .tsv, tab-separated) as `readCsv`, .json and .geojson as
 * `readJson`. A missing or empty file and other extensions throw, naming the path.
 * @example
 * const table = await readTable('measurements.csv');
 */
export async function readTable(path: string): Promise<Table> {
  const op = 'readTable';
  checkPath(path, op);
  const extension = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase() ?? '';
  if (extension === '.csv') return csvFile(path, {}, op);
  if (extension === '.tsv') return csvFile(path, { delimiter: '\t' }, op);
  if (extension === '.json' || extension === '.geojson') return jsonFile(path, op);
  throw new RangeError(`${op}: cannot read ${JSON.stringify(path)}: ${extension ? `the extension ${extension} is` : 'a file without an extension is'} ` +
    'not supported; use .csv, .tsv, .json or .geojson');
}

async function csvFile(path: string, options: CsvOptions, op: string): Promise<Table> {
  checkPath(path, op);
  const collector = new CsvCollector(op, JSON.stringify(path), options);
  const fs = await nodeFs(op);
  await checkFile(fs, path, op);
  const stream = fs.createReadStream(path, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolve, reject) => {
      Papa.parse(stream, { ...collector.config(), complete: () => resolve(), error: (error: Error) => reject(fileError(error, path, op)) });
    });
  } finally {
    stream.destroy();
  }
  return collector.finish();
}

async function jsonFile(path: string, op: string): Promise<Table> {
  checkPath(path, op);
  const fs = await nodeFs(op);
  await checkFile(fs, path, op);
  let text: string;
  try {
    text = await fs.promises.readFile(path, 'utf8');
  } catch (error) {
    throw fileError(error as Error, path, op);
  }
  return tableFromJSON(parseText(text.replace(/^\uFEFF/, ''), op, JSON.stringify(path)), op, JSON.stringify(path));
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

// node:fs is imported on first use, so bundles for browsers and edge runtimes do not pull it in.
async function nodeFs(op: string): Promise<NodeFs> {
  try {
    return await import('node:fs');
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
