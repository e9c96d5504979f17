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

  it('text: columns whose cells stay as written (ids, codes); their empty cells are missing; unknown names are errors', async () => {
    const table = await parseCsv('id,code,n\n007,1e5,007\n,TRUE,1\n', { text: ['id', 'code'] });
    expect(table.toRecords()).toEqual([{ id: '007', code: '1e5', n: 7 }, { id: null, code: 'TRUE', n: 1 }]);
    await expect(parseCsv('id,n\n1,2\n', { text: ['idd', 'n'] })).rejects.toThrow(
      'parseCsv: text names columns that the text lacks: idd ("id", "n")');
    await expect(parseCsv('id\n1\n', { text: 'id' as unknown as string[] })).rejects.toThrow(
      new TypeError('parseCsv: text must be an array of column names, got "id"'));
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

// Column names that are also Object.prototype members: papaparse's typing looked them up on a plain object, and its
// row objects could not hold "__proto__"; every reader must keep them as data.
const PROTO_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf'];

describe('column names like Object.prototype members', () => {
  /** Checks a table read from rows [1, 2, ...], [10, 20, ...]: the names kept, numbers numeric, own record keys. */
  function expectProtoTable(t: Table): void {
    expect(t.columns).toEqual([...PROTO_NAMES, 'y']);
    PROTO_NAMES.forEach((name, c) => expect(t.column(name)).toEqual([c + 1, 10 * (c + 1)]));
    const [record] = t.toRecords();
    for (const name of PROTO_NAMES) expect(Object.getOwnPropertyDescriptor(record, name)?.value).toBe(PROTO_NAMES.indexOf(name) + 1);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
  }
  const rows = [PROTO_NAMES.map((_, c) => c + 1), PROTO_NAMES.map((_, c) => 10 * (c + 1))];
  const csv = `${[...PROTO_NAMES, 'y'].join(',')}\n${rows.map((r, i) => [...r, i].join(',')).join('\n')}\n`;
  const records = `[${rows.map((r, i) => `{${[...PROTO_NAMES.map((name, c) => `"${name}": ${r[c]}`), `"y": ${i}`].join(', ')}}`).join(', ')}]`;

  it('parseCsv and readCsv type their numbers and keep __proto__ as a column', async () => {
    expectProtoTable(await parseCsv(csv));
    expectProtoTable(await readCsv(file('proto.csv', csv)));
    expect((await parseCsv('__proto__,constructor\nx,true\n')).toRecords()).toEqual(JSON.parse('[{"__proto__": "x", "constructor": 1}]'));
  });

  it('parseJson, readJson and GeoJSON properties keep them as columns', async () => {
    expectProtoTable(parseJson(records));
    expectProtoTable(await readJson(file('proto.json', records)));
    const features = (JSON.parse(records) as object[]).map((properties) => ({ type: 'Feature', properties }));
    expectProtoTable(parseJson({ type: 'FeatureCollection', features }));
  });
});

describe('encodings', () => {
  const latin1 = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.from(text, 'latin1'));
    return path;
  };
  const cities = 'city,t\nBonn,10\nK\u00f6ln,12\nM\u00fcnchen,9\n';

  it('a file that is not UTF-8 fails, naming the line of the first invalid byte (1-based)', async () => {
    const path = latin1('cities.csv', cities);
    for (const read of [readCsv, readTable]) {
      const error = await rejection(read(path));
      expect(error).toBeInstanceOf(SyntaxError);
      expect(error.message).toBe(`${read.name}: ${JSON.stringify(path)} line 3 is not valid utf-8; if the file is in another encoding, pass it ` +
        "as the encoding option (simdeep: --encoding), such as 'windows-1252' or 'utf-16le'");
    }
    // \r\n and \r line endings count once each; an invalid byte at the very end of a line belongs to that line.
    expect((await rejection(readCsv(latin1('crlf.csv', 'a\r\nb\r\rc\u00e9\nd\n')))).message).toContain('line 4 is not valid utf-8');
    const json = latin1('cities.json', '[\n{"city": "Bonn"},\n{"city": "K\u00f6ln"}\n]\n');
    expect((await rejection(readJson(json))).message).toMatch(/^readJson: ".*cities\.json" line 3 is not valid utf-8;/);
  });

  it('counts lines across chunks, and decodes characters cut by a chunk boundary', async () => {
    // A file is read in chunks of 64 KiB: the é here has its first byte in the first chunk, its second in the next.
    const cut = `name\n${'x'.repeat(65530)}\u00e9\nb\n`;
    expect(Buffer.from(cut).indexOf(Buffer.from('\u00e9'))).toBe(65535);
    expect((await readCsv(file('boundary.csv', cut))).column('name')).toEqual([`${'x'.repeat(65530)}\u00e9`, 'b']);
    // ... and a first byte that ends a chunk, followed by one that cannot continue it: line 2.
    writeFileSync(join(dir, 'split-bad.csv'), Buffer.concat([Buffer.from(`name\n${'x'.repeat(65530)}`), Buffer.from([0xc3]), Buffer.from('A\nb\nc\n')]));
    expect((await rejection(readCsv(join(dir, 'split-bad.csv')))).message).toContain('line 2 is not valid utf-8;');
    const lines = ['id,name', ...Array.from({ length: 40000 }, (_, i) => `${i},\u00e9t\u00e9 ${i}`)];
    expect((await readCsv(file('chunks.csv', `${lines.join('\n')}\n`))).column('name')[39999]).toBe('\u00e9t\u00e9 39999');
    lines[30000] = '29999,caf\u00e9';
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const at = bytes.indexOf(Buffer.from('caf\u00e9', 'utf8')) + 3;
    writeFileSync(join(dir, 'late.csv'), Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at + 2)]));
    expect((await rejection(readCsv(join(dir, 'late.csv')))).message).toContain('line 30001 is not valid utf-8;');
    writeFileSync(join(dir, 'cut.csv'), Buffer.concat([Buffer.from('a\n1\n2', 'utf8'), Buffer.from([0xc3])]));
    expect((await rejection(readCsv(join(dir, 'cut.csv')))).message).toContain('line 3 is not valid utf-8 (the file ends inside a character);');
  });

  it('the encoding option decodes latin1, windows-1252 and UTF-16 files; a UTF-8 byte order mark is skipped', async () => {
    const path = latin1('cities.csv', cities);
    const expected = ['Bonn', 'K\u00f6ln', 'M\u00fcnchen'];
    expect((await readCsv(path, { encoding: 'latin1' })).column('city')).toEqual(expected);
    expect((await readTable(path, { encoding: 'windows-1252' })).column('city')).toEqual(expected);
    writeFileSync(join(dir, 'euro.csv'), Buffer.from([0x70, 0x0a, 0x80, 0x0a])); // 0x80 is € in windows-1252
    expect((await readTable(join(dir, 'euro.csv'), { encoding: 'windows-1252' })).column('p')).toEqual(['\u20ac']);
    writeFileSync(join(dir, 'utf16.tsv'), Buffer.from(`\ufeff${cities.replaceAll(',', '\t')}`, 'utf16le'));
    expect((await readTable(join(dir, 'utf16.tsv'), { encoding: 'utf-16le' })).toRecords()[1]).toEqual({ city: 'K\u00f6ln', t: 12 });
    expect((await readTable(file('bom.csv', `\ufeff${cities}`))).columns).toEqual(['city', 't']);
    expect((await readJson(latin1('c.json', '[{"city": "K\u00f6ln"}]'), { encoding: 'latin1' })).column('city')).toEqual(['K\u00f6ln']);
  });

  it('an unknown encoding label or type is rejected before the file is read', async () => {
    const missing = join(dir, 'never-read.csv');
    const error = await rejection(readCsv(missing, { encoding: 'latin-9x' }));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('readCsv: encoding "latin-9x" is not an encoding TextDecoder knows; use a label such as \'utf-8\', \'latin1\', \'windows-1252\' or \'utf-16le\'');
    expect((await rejection(readTable(missing, { encoding: 8 as never }))).message).toBe("readTable: encoding must be a string such as 'utf-8' or 'latin1', got 8");
    expect((await rejection(readJson(join(dir, 'never.json'), { encoding: 'nope' }))).message).toContain('readJson: encoding "nope" is not an encoding');
  });
});

describe('strict options', () => {
  it('unknown option keys are RangeErrors naming the key and the nearest valid one', async () => {
    const path = file('opts.csv', 'a;b\n1;2\n');
    await expect(parseCsv('a\n1\n', { delimeter: ';' } as never)).rejects.toThrow('parseCsv: unknown option "delimeter" in options; did you mean "delimiter"? (expected delimiter, missing, text)');
    await expect(parseCsv('a\n1\n', { encoding: 'latin1' } as never)).rejects.toThrow('parseCsv: unknown option "encoding" in options');
    await expect(readCsv(path, { missng: ['NA'] } as never)).rejects.toThrow('readCsv: unknown option "missng" in options; did you mean "missing"? (expected delimiter, missing, text, encoding)');
    await expect(readTable(path, { encodng: 'latin1' } as never)).rejects.toThrow(RangeError);
    await expect(readTable(path, { encodng: 'latin1' } as never)).rejects.toThrow('readTable: unknown option "encodng" in options; did you mean "encoding"?');
    await expect(readJson(file('o.json', '[{"a": 1}]'), { delimiter: ';' } as never)).rejects.toThrow('readJson: unknown option "delimiter" in options (expected encoding)');
    await expect(readTable(file('o2.json', '[{"a": 1}]'), { missing: ['NA'] })).rejects.toThrow('readTable: option "missing" is for CSV files;');
    await expect(readTable(path, null as never)).rejects.toThrow('readTable: options must be an object, got null');
    expect((await readTable(path, { delimiter: ';', missing: ['2'] })).toRecords()).toEqual([{ a: 1, b: null }]);
  });
});
