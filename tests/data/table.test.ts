// The column table (src/data/table.ts): building from records, columns and GeoJSON (the real vega-datasets
// earthquakes), selecting, dropping and taking rows, missing values (each fill strategy on hand-made data), one-hot
// encoding, and toTensor with errors that name the column and row. No tensor outlives a test or an error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory } from '../../src/index';
import { Table, type Cell, type FeatureCollection } from '../../src/data/table';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

const EARTHQUAKES = fileURLToPath(new URL('../../node_modules/vega-datasets/data/earthquakes.json', import.meta.url));
const earthquakes = (): FeatureCollection => JSON.parse(readFileSync(EARTHQUAKES, 'utf8')) as FeatureCollection;

/** The tensor's values as nested arrays; the tensor is disposed. */
function values(t: ReturnType<Table['toTensor']>): unknown {
  try {
    return t.toArray();
  } finally {
    t.dispose();
  }
}

const people = (): Table => Table.fromRecords([
  { name: 'Ada', age: 36, city: 'London', score: 1.5 },
  { name: 'Alan', age: null, city: 'London', score: 2 },
  { name: 'Grace', age: 85, city: null, score: NaN },
  { name: 'Edsger', age: 72, city: 'Austin' },
]);

describe('Table.fromRecords and fromColumns', () => {
  it('takes every key in order of first appearance; absent, null, undefined, empty and NaN are missing', () => {
    const t = Table.fromRecords([{ a: 1, b: '' }, { c: 'x', a: undefined }, { b: NaN, d: true, e: false }]);
    expect(t.columns).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(t.rowCount).toBe(3);
    expect(t.toRecords()).toEqual([
      { a: 1, b: null, c: null, d: null, e: null },
      { a: null, b: null, c: 'x', d: null, e: null },
      { a: null, b: null, c: null, d: 1, e: 0 },
    ]);
  });

  it('keeps numeric strings as strings, and Infinity as a number', () => {
    const t = Table.fromRecords([{ a: '12', b: Infinity }]);
    expect(t.column('a')).toEqual(['12']);
    expect(t.isNumeric('a')).toBe(false);
    expect(t.column('b')).toEqual([Infinity]);
  });

  it('rejects what is not an array of plain objects, and cells that are objects, naming the record and key', () => {
    expect(() => Table.fromRecords({} as never)).toThrow(TypeError);
    expect(() => Table.fromRecords([{ a: 1 }, 3] as never)).toThrow('Table.fromRecords: records[1] must be an object, got 3');
    expect(() => Table.fromRecords([{ a: 1 }, { a: { x: 1 } }])).toThrow('Table.fromRecords: records[1]["a"] is an object');
    expect(() => Table.fromRecords([{ tags: [1, 2] }])).toThrow('records[0]["tags"] is an array');
  });

  it('an empty array gives an empty table; records without keys keep their rows', () => {
    expect([Table.fromRecords([]).columns, Table.fromRecords([]).rowCount]).toEqual([[], 0]);
    expect(Table.fromRecords([{}, {}]).rowCount).toBe(2);
  });

  it('fromColumns converts cells and needs columns of one length', () => {
    expect(Table.fromColumns({ x: [1, NaN, ''], y: ['a', null, true] }).toRecords())
      .toEqual([{ x: 1, y: 'a' }, { x: null, y: null }, { x: null, y: 1 }]);
    expect(() => Table.fromColumns({ x: [1, 2], y: [1] })).toThrow('Table.fromColumns: column "y" has 1 values but "x" has 2');
    expect(() => Table.fromColumns({ x: 3 } as never)).toThrow('columns["x"] must be an array');
  });

  it('is immutable: columns are frozen and column() returns a copy', () => {
    const t = people();
    expect(Object.isFrozen(t.columns)).toBe(true);
    t.column('age')[0] = 99;
    expect(t.column('age')[0]).toBe(36);
    expect(() => new (Table as unknown as new (...args: unknown[]) => Table)(Symbol('x'), [], [], 0)).toThrow(TypeError);
  });
});

describe('select, drop, take, head', () => {
  it('select keeps the named columns in the order given; drop removes them', () => {
    const t = people();
    expect(t.select(['score', 'name']).toRecords()[0]).toEqual({ score: 1.5, name: 'Ada' });
    expect(t.select(['score', 'name']).columns).toEqual(['score', 'name']);
    expect(t.drop(['age', 'city']).columns).toEqual(['name', 'score']);
    expect(t.select([]).rowCount).toBe(4);
  });

  it('unknown names throw, naming them and listing the columns; repeats and non-arrays throw too', () => {
    const t = people();
    expect(() => t.drop(['age', 'height', 'weight'])).toThrow(
      'drop: no columns "height", "weight" (columns: "name", "age", "city", "score")');
    expect(() => t.select(['nme'])).toThrow(RangeError);
    expect(() => t.select(['nme'])).toThrow('select: no column "nme" (columns: "name", "age", "city", "score")');
    expect(() => t.select(['age', 'age'])).toThrow('select: names names column "age" twice');
    expect(() => t.select('age' as never)).toThrow(TypeError);
    expect(() => t.column('Age')).toThrow('column: no column "Age"');
  });

  it('take picks rows by index, head the first n', () => {
    const t = people();
    expect(t.take([3, 0, 3]).column('name')).toEqual(['Edsger', 'Ada', 'Edsger']);
    expect(t.head(2).column('name')).toEqual(['Ada', 'Alan']);
    expect(t.head().rowCount).toBe(4);
    expect(t.head(0).rowCount).toBe(0);
    expect(() => t.take([4])).toThrow('take: rows[0] (the table has 4 rows) must be in [0, 3], got 4');
    expect(() => t.head(-1)).toThrow(RangeError);
  });
});

describe('missing values', () => {
  const data = (): Table => Table.fromColumns({
    a: [1, null, 4, null, 10],
    b: ['x', null, 'y', 'x', null],
    c: [2.5, 3, null, 2.5, 3],
  });

  it('missingCounts and dropMissing (all columns or some)', () => {
    const t = data();
    expect(t.missingCounts()).toEqual({ a: 2, b: 2, c: 1 });
    expect(t.dropMissing().toRecords()).toEqual([{ a: 1, b: 'x', c: 2.5 }]);
    expect(t.dropMissing(['a']).column('a')).toEqual([1, 4, 10]);
    expect(t.dropMissing(['b', 'c']).column('b')).toEqual(['x', 'x']);
    expect(() => t.dropMissing(['z'])).toThrow('dropMissing: no column "z"');
  });

  it("'mean' fills numeric columns with the mean of their values (1, 4, 10 → 5; 2.5, 3, 2.5, 3 → 2.75)", () => {
    const t = data().fillMissing({ strategy: 'mean' });
    expect(t.column('a')).toEqual([1, 5, 4, 5, 10]);
    expect(t.column('c')).toEqual([2.5, 3, 2.75, 2.5, 3]);
    expect(t.column('b')).toEqual(['x', null, 'y', 'x', null]); // text columns are left alone by default
  });

  it("'median' takes the middle value, or the mean of the middle two", () => {
    const t = data().fillMissing({ strategy: 'median' });
    expect(t.column('a')).toEqual([1, 4, 4, 4, 10]);
    expect(t.column('c')).toEqual([2.5, 3, 2.75, 2.5, 3]);
    expect(Table.fromColumns({ v: [10, null, 1, 3, 2] }).fillMissing({ strategy: 'median' }).column('v')).toEqual([10, 2.5, 1, 3, 2]);
  });

  it("'mostFrequent' takes the commonest value; ties go to the smallest, numbers before strings", () => {
    const t = data().fillMissing({ strategy: 'mostFrequent' });
    expect(t.column('b')).toEqual(['x', 'x', 'y', 'x', 'x']);
    expect(t.column('a')).toEqual([1, 1, 4, 1, 10]); // 1, 4 and 10 tie
    expect(t.column('c')).toEqual([2.5, 3, 2.5, 2.5, 3]); // 2.5 and 3 tie
    const mixed = Table.fromColumns({ m: ['b', 7, null, 'b', 7, 'a'] }).fillMissing({ strategy: 'mostFrequent' });
    expect(mixed.column('m')[2]).toBe(7);
  });

  it("'constant' fills with the value given, in the columns given", () => {
    const t = data();
    expect(t.fillMissing({ strategy: 'constant', value: -1, columns: ['a'] }).toRecords()[1]).toEqual({ a: -1, b: null, c: 3 });
    expect(t.fillMissing({ strategy: 'constant', value: '?' }).column('b')).toEqual(['x', '?', 'y', 'x', '?']);
    expect(t.fillMissing({ strategy: 'constant', value: 0 }).missingCounts()).toEqual({ a: 0, b: 0, c: 0 });
  });

  it('mean and median need numeric columns, values to average, and valid options', () => {
    const t = data();
    expect(() => t.fillMissing({ strategy: 'mean', columns: ['b'] })).toThrow(
      `fillMissing: strategy 'mean' needs a numeric column, but column "b" row 0 is "x"; use 'mostFrequent' or 'constant'`);
    expect(() => t.fillMissing({ strategy: 'median', columns: ['b'] })).toThrow(TypeError);
    expect(() => Table.fromColumns({ s: ['x', 'y'] }).fillMissing({ strategy: 'mean', columns: ['s'] })).toThrow(
      `strategy 'mean' needs a numeric column, but column "s" row 0 is "x"`); // even with nothing to fill
    expect(() => Table.fromColumns({ e: [null, null] }).fillMissing({ strategy: 'mean' })).toThrow('fillMissing: column "e" has no values to take the mean of');
    expect(() => t.fillMissing({ strategy: 'constant' })).toThrow("fillMissing: strategy 'constant' needs a value");
    expect(() => t.fillMissing({ strategy: 'constant', value: '' })).toThrow(TypeError);
    expect(() => t.fillMissing({ strategy: 'mean', value: 3 })).toThrow("value is only used by strategy 'constant'");
    expect(() => t.fillMissing({ strategy: 'average' as never })).toThrow(
      "fillMissing: strategy must be one of 'mean', 'median', 'mostFrequent', 'constant', got \"average\"");
    expect(() => t.fillMissing({ strategy: 'mean', columns: ['zz'] })).toThrow('fillMissing: no column "zz"');
  });
});

describe('oneHot and categories', () => {
  it('replaces the column, in place, with sorted column=value 0/1 columns; missing is all zeros', () => {
    const t = Table.fromColumns({ id: [1, 2, 3, 4], net: ['ci', 'ak', null, 'ci'], mag: [2, 3, 4, 5] });
    expect(t.categories('net')).toEqual(['ak', 'ci']);
    const encoded = t.oneHot('net');
    expect(encoded.columns).toEqual(['id', 'net=ak', 'net=ci', 'mag']);
    expect(values(encoded.toTensor())).toEqual([[1, 0, 1, 2], [2, 1, 0, 3], [3, 0, 0, 4], [4, 0, 1, 5]]);
  });

  it('sorts numeric categories numerically, before text', () => {
    const t = Table.fromColumns({ k: [10, 9, 'b', 100, 9, null] });
    expect(t.categories('k')).toEqual([9, 10, 100, 'b']);
    expect(t.oneHot('k').columns).toEqual(['k=9', 'k=10', 'k=100', 'k=b']);
  });

  it('encodes with given categories; an unknown value throws naming the row, or becomes zeros with ignore', () => {
    const t = Table.fromColumns({ net: ['ci', 'zz', 'ak'] });
    expect(t.oneHot('net', { categories: ['ci', 'ak', 'nc', 'zz'] }).columns).toEqual(['net=ci', 'net=ak', 'net=nc', 'net=zz']);
    expect(() => t.oneHot('net', { categories: ['ci', 'ak'] })).toThrow(
      'oneHot: column "net" row 1 is "zz", which is not among the categories ("ci", "ak")');
    expect(t.oneHot('net', { categories: ['ci', 'ak'], unknown: 'ignore' }).toRecords()[1]).toEqual({ 'net=ci': 0, 'net=ak': 0 });
    expect(() => t.oneHot('net', { categories: ['ci', 'ci'] })).toThrow('categories lists "ci" twice');
  });

  it('refuses names that would clash', () => {
    expect(() => Table.fromColumns({ k: [1, '1'] }).oneHot('k')).toThrow('oneHot: the column name "k=1" would appear twice');
    expect(() => Table.fromColumns({ k: ['a'], 'k=a': [1] }).oneHot('k')).toThrow('"k=a" would appear twice');
  });
});

describe('toTensor', () => {
  it('gives float32 [rows, columns] in the order asked', () => {
    const t = Table.fromColumns({ a: [1, 2, 3], b: [0.1, 0.2, 0.3], c: ['x', 'y', 'z'] });
    const x = t.toTensor(['b', 'a']);
    expect(x.shape).toEqual([3, 2]);
    expect(Array.from(x.dataSync())).toEqual([0.1, 1, 0.2, 2, 0.3, 3].map(Math.fround));
    x.dispose();
    expect(values(t.select([]).toTensor())).toEqual([[], [], []]);
    expect(values(t.head(0).toTensor(['a']))).toEqual([]);
  });

  it('a missing or text cell throws, naming the column and the 0-based row, and allocates nothing', () => {
    const nst: Cell[] = Array.from({ length: 20 }, (_, i) => (i === 12 || i === 15 ? null : i));
    const t = Table.fromColumns({ mag: nst.map(() => 1), nst, x: [1, 2, 3, 'abc', ...new Array(16).fill(0)] });
    expectThrowsClean(() => t.toTensor(), RangeError,
      ['toTensor: column "nst" row 12 is missing (null); dropMissing or fillMissing first'], memory);
    expectThrowsClean(() => t.toTensor(['x']), TypeError, ['toTensor: column "x" row 3 is "abc", not a number'], memory);
    expectThrowsClean(() => t.toTensor(['nope']), RangeError, ['toTensor: no column "nope"'], memory);
  });

  it('agrees with the records it was built from (property, including 1 row and 1 column)', () => {
    const arbTable = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 })).chain(([rows, cols]) =>
      fc.array(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }));
    fc.assert(fc.property(arbTable, (rows) => {
      const records = rows.map((row) => Object.fromEntries(row.map((v, c) => [`f${c}`, v])));
      const t = Table.fromRecords(records);
      expect(t.toRecords()).toEqual(records);
      expect(values(t.toTensor())).toEqual(rows.map((row) => row.map(Math.fround)));
    }), { numRuns: 60 });
  });
});

describe('Table.fromGeoJSON', () => {
  it('reads the 1,707 earthquakes of vega-datasets: properties plus longitude, latitude and depth', () => {
    const collection = earthquakes();
    const t = Table.fromGeoJSON(collection);
    expect(t.rowCount).toBe(1707);
    expect(t.columns.slice(-3)).toEqual(['longitude', 'latitude', 'depth']);
    expect(t.columns).toContain('mag');
    const missing = t.missingCounts();
    expect([missing.nst, missing.dmin, missing.gap, missing.rms, missing.mag]).toEqual([465, 305, 303, 5, 0]);
    const first = collection.features[0].geometry!.coordinates as number[];
    expect(t.toRecords()[0]).toMatchObject({ longitude: first[0], latitude: first[1], depth: first[2], mag: collection.features[0].properties!.mag });
    expect(t.isNumeric('nst')).toBe(true);
    expect(t.isNumeric('place')).toBe(false);
  });

  it('cleans into a finite feature matrix', () => {
    const t = Table.fromGeoJSON(earthquakes()).select(['mag', 'nst', 'dmin', 'gap', 'rms', 'depth']).fillMissing({ strategy: 'median' });
    const x = t.toTensor();
    expect(x.shape).toEqual([1707, 6]);
    expect(x.dataSync().every(Number.isFinite)).toBe(true);
    x.dispose();
    expect(() => Table.fromGeoJSON(earthquakes()).toTensor(['mag', 'nst'])).toThrow(/toTensor: column "nst" row \d+ is missing \(null\)/);
  });

  it('other geometries add no coordinates; a Point needs 2 or 3 numbers', () => {
    const t = Table.fromGeoJSON({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { n: 1 }, geometry: { type: 'Point', coordinates: [1, 2] } },
      { type: 'Feature', properties: null, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } },
    ] });
    expect(t.toRecords()).toEqual([{ n: 1, longitude: 1, latitude: 2 }, { n: null, longitude: null, latitude: null }]);
    expect(() => Table.fromGeoJSON({ type: 'FeatureCollection', features: [{ geometry: { type: 'Point', coordinates: [1] } }] }))
      .toThrow('Table.fromGeoJSON: features[0] is a Point whose coordinates must be 2 or 3 numbers');
    expect(() => Table.fromGeoJSON([] as never)).toThrow('Table.fromGeoJSON: expected a GeoJSON FeatureCollection');
    expect(() => Table.fromGeoJSON({ type: 'FeatureCollection', features: [{ properties: { a: { b: 1 } } }] }))
      .toThrow('Table.fromGeoJSON: features[0].properties["a"] is an object');
  });
});

describe('column names like Object.prototype members', () => {
  const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf'];
  // From JSON text, so that "__proto__" is an own key of each record (as JSON.parse makes it), not the prototype.
  const table = (): Table => Table.fromRecords(JSON.parse(JSON.stringify([0, 1, 2].map((r) =>
    Object.fromEntries(NAMES.map((name, c) => [name, r === 1 ? null : 10 * c + r]).concat([['kind', r === 2 ? 'b' : 'a']]))))) as object[]);

  it('fillMissing, oneHot, toTensor, select, drop, missingCounts and toRecords treat them as any column', () => {
    const t = table();
    expect(t.columns).toEqual([...NAMES, 'kind']);
    expect(t.missingCounts()).toEqual(JSON.parse(`{${NAMES.map((n) => `"${n}": 1`).join(', ')}, "kind": 0}`));
    const filled = t.fillMissing({ strategy: 'mean', columns: ['__proto__', 'constructor'] });
    expect(filled.column('__proto__')).toEqual([40, 41, 42]);
    expect(filled.column('constructor')).toEqual([0, 1, 2]);
    const full = t.fillMissing({ strategy: 'median' }).oneHot('kind');
    expect(full.columns).toEqual([...NAMES, 'kind=a', 'kind=b']);
    expect(values(full.toTensor(['valueOf', '__proto__', 'kind=b']))).toEqual([[20, 40, 0], [21, 41, 0], [22, 42, 1]]);
    expect(full.select(['__proto__', 'toString']).columns).toEqual(['__proto__', 'toString']);
    expect(full.drop(NAMES.filter((n) => n !== 'hasOwnProperty')).columns).toEqual(['hasOwnProperty', 'kind=a', 'kind=b']);
    const [record] = full.toRecords();
    expect(Object.keys(record)).toEqual([...NAMES, 'kind=a', 'kind=b']);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe(40);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Table.fromRecords(full.toRecords()).toRecords()).toEqual(full.toRecords()); // records round-trip
    const byColumns = Table.fromColumns(JSON.parse('{"__proto__": [1, null], "constructor": ["x", "y"]}') as Record<string, unknown[]>);
    expect(byColumns.oneHot('constructor').fillMissing({ strategy: 'constant', value: 0 }).toRecords()).toEqual(
      JSON.parse('[{"__proto__": 1, "constructor=x": 1, "constructor=y": 0}, {"__proto__": 0, "constructor=x": 0, "constructor=y": 1}]'));
  });
});

describe('strict options', () => {
  it('fillMissing and oneHot reject unknown option keys, suggesting the nearest one', () => {
    const t = Table.fromColumns({ a: [1, null], c: ['x', 'y'] });
    expect(() => t.fillMissing({ strategy: 'mean', column: ['a'] } as never)).toThrow(
      'fillMissing: unknown option "column" in options; did you mean "columns"? (expected strategy, value, columns)');
    expect(() => t.fillMissing({ strategy: 'constant', value: 0, fill_value: 0 } as never)).toThrow(RangeError);
    expect(() => t.oneHot('c', { categorie: ['x'] } as never)).toThrow(
      'oneHot: unknown option "categorie" in options; did you mean "categories"? (expected categories, unknown)');
    expect(() => t.oneHot('c', { handle_unknown: 'ignore' } as never)).toThrow('oneHot: unknown option "handle_unknown" in options');
    expect(() => t.oneHot('c', null as never)).toThrow('oneHot: options must be an object, got null');
  });
});

describe('300,000 rows', () => {
  it('every method runs on columns of 300,000 cells (no argument lists of data size)', () => {
    const n = 300_000;
    const t = Table.fromColumns({ v: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : i % 1000)), k: Array.from({ length: n }, (_, i) => `k${i % 3}`) });
    expect(t.missingCounts()).toEqual({ v: 30_000, k: 0 });
    expect(t.fillMissing({ strategy: 'median' }).column('v')[0]).toBe(500);
    expect(t.fillMissing({ strategy: 'mean' }).column('v')[0]).toBe(500);
    expect(t.fillMissing({ strategy: 'mostFrequent' }).column('v')[0]).toBe(1);
    const encoded = t.dropMissing().oneHot('k');
    expect(encoded.rowCount).toBe(270_000);
    const x = encoded.toTensor();
    expect(x.shape).toEqual([270_000, 4]);
    x.dispose();
    expect(t.categories('k')).toEqual(['k0', 'k1', 'k2']);
    expect(t.head(n).take([n - 1]).toRecords()).toEqual([{ v: 999, k: 'k2' }]);
  });
});
