// Readers (src/data/read.ts, csv.ts): CSV text and files through papaparse (quoted fields, empty cells, typing,
// malformed and empty input naming the row or the path; a file streamed in many chunks), JSON records and GeoJSON
// (the real vega-datasets earthquakes), and readTable's choice by extension.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { memory } from '../../src/index';
import { parseCsv, parseJson, readCsv, readJson, readTable } from '../../src/data/read';
import { Table } from '../../src/data/table';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

const EARTHQUAKES = fileURLToPath(new URL('../../node_modules/vega-datasets/data/earthquakes.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'simdeep-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a file in the test directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The rejection of a promise (fails if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('parseCsv', () => {
  it('reads a header row, types numbers, and keeps quoted commas, quotes and line breaks', async () => {
    const t = await parseCsv('name,age,note\n"Smith, J.",42,"said ""hi"""\nLee,7.5,"two\nlines"\n');
    expect(t.columns).toEqual(['name', 'age', 'note']);
    expect(t.toRecords()).toEqual([
      { name: 'Smith, J.', age: 42, note: 'said "hi"' },
      { name: 'Lee', age: 7.5, note: 'two\nlines' },
    ]);
  });

  it('empty cells are missing; empty lines are skipped; header names are trimmed', async () => {
    const t = await parseCsv('\r\n  \r\n a , b ,c\r\n1,,x\r\n\r\n,2,\r\n\r\n');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(t.toRecords()).toEqual([{ a: 1, b: null, c: 'x' }, { a: null, b: 2, c: null }]);
  });

  it('types numbers (1e3, -0.5) and true/false (1/0); other text, and integers beyond 2^53, stay text', async () => {
    const t = await parseCsv('v\n1e3\n-0.5\ntrue\nFALSE\n0x10\n12345678901234567890\n');
    expect(t.column('v')).toEqual([1000, -0.5, 1, 0, '0x10', '12345678901234567890']);
  });

  it('ISO date-times with a time zone, which papaparse types as dates, become milliseconds since 1970; dates stay text', async () => {
    expect((await parseCsv('t\n2018-02-07T00:32:14Z\n2018-02-07\n')).column('t')).toEqual([Date.UTC(2018, 1, 7, 0, 32, 14), '2018-02-07']);
  });

  it('options: a delimiter, and extra texts that mean missing', async () => {
    expect((await parseCsv('a;b\n1;2\n', { delimiter: ';' })).toRecords()).toEqual([{ a: 1, b: 2 }]);
    expect((await parseCsv('a\tb\n1\t2\n')).toRecords()).toEqual([{ a: 1, b: 2 }]); // detected
    expect((await parseCsv('a,b\nNA,1\n ? ,NAN\n', { missing: ['NA', '?'] })).toRecords()).toEqual([{ a: null, b: 1 }, { a: null, b: 'NAN' }]);
    await expect(parseCsv('a\n1\n', { delimiter: '"' })).rejects.toThrow(TypeError);
    await expect(parseCsv('a\n1\n', { missing: 'NA' as never })).rejects.toThrow('parseCsv: missing must be an array of strings');
  });

  it('bad arguments are rejections, not synchronous throws', async () => {
    const pending = parseCsv('a\n1\n', { delimiter: '\n' });
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toThrow('parseCsv: delimiter must be a non-empty string other than a quote or line break, got');
  });

  it('renames empty header cells by position, and repeated names with a suffix', async () => {
    expect((await parseCsv(',a\n1,2\n')).columns).toEqual(['Unnamed: 0', 'a']);
    expect((await parseCsv('a,a,b\n1,2,3\n')).toRecords()).toEqual([{ a: 1, a_1: 2, b: 3 }]);
  });

  it('a non-numeric value in a numeric column: toTensor names its row and column', async () => {
    const t = await parseCsv('depth,mag\n1.5,2\n3,abc\n4,5\n');
    expect(t.isNumeric('mag')).toBe(false);
    expectThrowsClean(() => t.toTensor(), TypeError, ['toTensor: column "mag" row 1 is "abc", not a number'], memory);
    const gap = await parseCsv('a,b\n1,\n');
    expectThrowsClean(() => gap.toTensor(), RangeError, ['toTensor: column "b" row 0 is missing (null)'], memory);
  });

  it('malformed text throws a SyntaxError naming the row (0-based after the header)', async () => {
    await expect(parseCsv('a,b\n1,2\n3,4,5\n')).rejects.toThrow('parseCsv: the text row 1 (counting from 0 after the header) has 3 fields but the header has 2 ("a", "b")');
    await expect(parseCsv('a,b\n1,2\n3,4\n5\n')).rejects.toThrow('row 2 (counting from 0 after the header) has 1 fields but the header has 2');
    await expect(parseCsv('a,b\n1,2\n"open,2\n')).rejects.toThrow(SyntaxError);
    await expect(parseCsv('a,b\n1,2\n"open,2\n')).rejects.toThrow('parseCsv: the text row 1 (counting from 0 after the header): quoted field unterminated');
    await expect(parseCsv('a,b\n1,"x"y\n')).rejects.toThrow('row 0 (counting from 0 after the header): trailing quote on quoted field is malformed');
  });

  it('blank text and a header without rows throw', async () => {
    await expect(parseCsv('')).rejects.toThrow('parseCsv: the text is blank; expected a header row, then rows');
    await expect(parseCsv('\n \n\n')).rejects.toThrow(SyntaxError);
    await expect(parseCsv('   ')).rejects.toThrow('parseCsv: the text is blank');
    await expect(parseCsv('\uFEFF')).rejects.toThrow('parseCsv: the text is blank');
    expect((await parseCsv('\uFEFF\n\nx\n1\n')).columns).toEqual(['x']);
    await expect(parseCsv('a,b\n')).rejects.toThrow('parseCsv: the text has a header ("a", "b") but no rows');
    await expect(parseCsv(3 as never)).rejects.toThrow('parseCsv: text must be a string, got 3');
  });

  it('reads back what papaparse writes (property: text with commas, quotes and line breaks, numbers, gaps)', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é'), maxLength: 8 }).map((s) => `x${s}`);
    const cell = fc.oneof(text, fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v)), fc.constant(null));
    const arbRows = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 4 })).chain(([rows, extra]) =>
      fc.array(fc.tuple(text, fc.array(cell, { minLength: extra, maxLength: extra })), { minLength: rows, maxLength: rows }));
    await fc.assert(fc.asyncProperty(arbRows, async (rows) => {
      const fields = ['key', ...rows[0][1].map((_, i) => `c${i}`)];
      const data = rows.map(([key, cells]) => [key, ...cells]);
      const parsed = await parseCsv(Papa.unparse({ fields, data }));
      expect(parsed.toRecords()).toEqual(data.map((row) => Object.fromEntries(fields.map((f, i) => [f, row[i]]))));
    }), { numRuns: 100 });
  });
});

describe('readCsv', () => {
  it('streams a file into the same table parseCsv gives', async () => {
    const text = 'name,age\n"Smith, J.",42\nLee,\n';
    expect((await readCsv(file('small.csv', text))).toRecords()).toEqual((await parseCsv(text)).toRecords());
  });

  it('reads a file of many chunks, and counts rows across chunks in errors', async () => {
    const lines = ['id,label,value', ...Array.from({ length: 30000 }, (_, i) => `${i},"l,${i % 7}",${i / 4}`)];
    const t = await readCsv(file('large.csv', `${lines.join('\n')}\n`));
    expect(t.rowCount).toBe(30000);
    expect(t.toRecords()[29999]).toEqual({ id: 29999, label: 'l,4', value: 29999 / 4 });
    lines[25001] = '25000,oops';
    const path = file('broken.csv', `${lines.join('\n')}\n`);
    const error = await rejection(readCsv(path));
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.message).toBe(`readCsv: ${JSON.stringify(path)} row 25000 (counting from 0 after the header) has 2 fields but the header has 3 ("id", "label", "value")`);
  });

  it('a missing, empty or blank file, or a directory, throws naming the path', async () => {
    const missing = join(dir, 'nope.csv');
    expect((await rejection(readCsv(missing))).message).toBe(`readCsv: cannot read ${JSON.stringify(missing)}: no such file`);
    const empty = file('empty.csv', '');
    expect((await rejection(readCsv(empty))).message).toBe(`readCsv: ${JSON.stringify(empty)} is empty`);
    const blank = file('blank.csv', '\n\n');
    expect((await rejection(readCsv(blank))).message).toBe(`readCsv: ${JSON.stringify(blank)} is blank; expected a header row, then rows`);
    const header = file('header.csv', 'a,b\n');
    expect((await rejection(readCsv(header))).message).toBe(`readCsv: ${JSON.stringify(header)} has a header ("a", "b") but no rows`);
    mkdirSync(join(dir, 'folder.csv'));
    expect((await rejection(readCsv(join(dir, 'folder.csv')))).message).toContain('is a directory, not a file');
  });
});

describe('parseJson and readJson', () => {
  it('reads an array of records, as text or as a value', () => {
    const records = [{ a: 1, b: 'x' }, { a: 2, c: true }];
    expect(parseJson(JSON.stringify(records)).toRecords()).toEqual(Table.fromRecords(records).toRecords());
    expect(parseJson(records).columns).toEqual(['a', 'b', 'c']);
  });

  it('reads a GeoJSON FeatureCollection: the 1,707 earthquakes with their missing counts', async () => {
    const t = await readJson(EARTHQUAKES);
    expect(t.rowCount).toBe(1707);
    const missing = t.missingCounts();
    expect([missing.nst, missing.dmin, missing.gap, missing.rms]).toEqual([465, 305, 303, 5]);
    expect(t.columns.slice(-3)).toEqual(['longitude', 'latitude', 'depth']);
  });

  it('rejects invalid JSON, blank text, empty arrays and other values', async () => {
    expect(() => parseJson('[{"a": 1},')).toThrow(SyntaxError);
    expect(() => parseJson('[{"a": 1},')).toThrow('parseJson: the text is not valid JSON');
    expect(() => parseJson('  ')).toThrow('parseJson: the text is blank');
    expect(() => parseJson('[]')).toThrow('parseJson: the value is an empty array; expected records');
    expect(() => parseJson({ type: 'FeatureCollection', features: [] })).toThrow('is a FeatureCollection without features');
    expect(() => parseJson('{"rows": []}')).toThrow('parseJson: the value must be an array of records or a GeoJSON FeatureCollection');
    expect(() => parseJson('[[1, 2]]')).toThrow('parseJson: records[0] must be an object');
    const bad = file('bad.json', '{"type": "FeatureCollection", "features": [');
    expect((await rejection(readJson(bad))).message).toContain(`readJson: ${JSON.stringify(bad)} is not valid JSON`);
  });
});

describe('readTable', () => {
  it('chooses the reader by extension: .csv, .tsv, .json, .geojson (any case)', async () => {
    expect((await readTable(file('a.CSV', 'x,y\n1,2\n'))).toRecords()).toEqual([{ x: 1, y: 2 }]);
    expect((await readTable(file('a.tsv', 'x\ty\n1\t2,5\n'))).toRecords()).toEqual([{ x: 1, y: '2,5' }]);
    expect((await readTable(file('a.json', '[{"x": 1}]'))).toRecords()).toEqual([{ x: 1 }]);
    const geojson = join(dir, 'quakes.geojson');
    copyFileSync(EARTHQUAKES, geojson);
    expect((await readTable(geojson)).rowCount).toBe(1707);
  });

  it('other extensions, missing and empty files throw naming the path', async () => {
    const xlsx = file('data.xlsx', 'PK');
    const wrong = await rejection(readTable(xlsx));
    expect(wrong).toBeInstanceOf(RangeError);
    expect(wrong.message).toBe(`readTable: cannot read ${JSON.stringify(xlsx)}: the extension .xlsx is not supported; use .csv, .tsv, .json or .geojson`);
    expect((await rejection(readTable(join(dir, 'noext')))).message).toContain('a file without an extension is not supported');
    const missing = join(dir, 'missing.json');
    const error = await rejection(readTable(missing));
    expect(error.message).toBe(`readTable: cannot read ${JSON.stringify(missing)}: no such file`);
    expect((error as Error & { code?: string }).code).toBe('ENOENT');
    const empty = file('empty.json', '');
    expect((await rejection(readTable(empty))).message).toBe(`readTable: ${JSON.stringify(empty)} is empty`);
    expect((await rejection(readTable(file('empty2.csv', '')))).message).toContain('is empty');
    expect((await rejection(readTable(42 as never))).message).toBe('readTable: path must be a non-empty string, got 42');
  });
});
