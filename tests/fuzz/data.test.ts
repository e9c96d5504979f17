// Fuzz: Table (fromRecords, fromColumns, fromGeoJSON and every method), parseCsv, parseJson, the scalers
// (fit, transform, inverseTransform, toJSON, scalerFromJSON), trainTestSplit and kFold, with random records,
// `__proto__` keys, special numbers, random text and junk options. Valid scaler round trips are checked.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAny, arbJunk, arbNumber, arbShape, arbTensorSpec, call, callAsync, canary, check, countCases, fuzzCall } from './harness';

countCases('data');

const cell = fc.oneof(arbNumber, fc.constantFrom('a', 'b', '', ' 1 ', 'NA', null, undefined, true), fc.string({ maxLength: 3 }), arbJunk);
const key = fc.oneof(fc.constantFrom('a', 'b', 'c', '__proto__', 'constructor', 'x y', ''), fc.string({ maxLength: 3 }));
const record = fc.dictionary(key, cell, { maxKeys: 4 });
const arbRecords = fc.oneof({ arbitrary: fc.array(record, { maxLength: 6 }), weight: 4 }, fc.array(arbAny, { maxLength: 3 }), arbJunk);
const arbColumns = fc.oneof(fc.dictionary(key, fc.array(cell, { maxLength: 4 }), { maxKeys: 3 }), arbJunk);
const arbTable = fc.oneof(
  fc.array(fc.record({ a: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(null)), b: fc.constantFrom('x', 'y', null), c: fc.double({ noNaN: true, min: -5, max: 5 }) }), { maxLength: 6 }),
  arbRecords,
);
const arg = fc.oneof(fc.constantFrom('a', 'b', 'c', 'zz', '__proto__'), fc.array(fc.constantFrom('a', 'b', 'c', 'zz'), { maxLength: 3 }),
  fc.array(fc.integer({ min: -2, max: 7 }), { maxLength: 4 }), fc.record({ strategy: fc.constantFrom('mean', 'median', 'mostFrequent', 'constant', 'x'), value: cell, columns: fc.constantFrom(['a'], ['b'], undefined) }),
  fc.integer({ min: -2, max: 9 }), arbJunk);
const METHODS = ['column', 'isNumeric', 'missingCounts', 'categories', 'select', 'drop', 'take', 'head', 'dropMissing', 'fillMissing', 'oneHot', 'toTensor', 'toRecords'];

describe('fuzz: data', () => {
  test('Table factories and methods with random records and arguments', () => check(fc.property(arbTable, fc.constantFrom(...METHODS), arg, arg,
    (records, method, a, b) => {
      const made = call(['Table.fromRecords'], () => sd.Table.fromRecords(records as object[]));
      if (!made.ok) return canary('Table.fromRecords');
      fuzzCall([method, `Table.${method}`], [a, b], (x, y) => (made.value as unknown as Record<string, (...z: unknown[]) => unknown>)[method](x, y), (out) => {
        if (method === 'toTensor') expect((out as sd.Tensor).shape).toEqual([made.value.rowCount, (out as sd.Tensor).shape[1]]);
      });
    }), 2));

  test('fromColumns, fromGeoJSON and parseJson with junk', () => check(fc.property(arbColumns, fc.oneof(arbRecords, fc.string({ maxLength: 12 }), fc.json()),
    (columns, value) => {
      fuzzCall('Table.fromColumns', [columns], (c) => sd.Table.fromColumns(c as Record<string, unknown[]>));
      fuzzCall('Table.fromGeoJSON', [value], (v) => sd.Table.fromGeoJSON(v as sd.FeatureCollection));
      fuzzCall('parseJson', [value], (v) => sd.parseJson(v));
    })));

  test('parseCsv with random text and options', () => check(fc.asyncProperty(
    fc.oneof(fc.string({ maxLength: 40, unit: fc.constantFrom('a', '1', ',', ';', '\t', '\n', '\r', '"', ' ', 'NA', '-', '.', 'e', '\uFEFF') }), arbJunk),
    fc.oneof(fc.constant(undefined), fc.record({ delimiter: fc.oneof(fc.constantFrom(',', ';', '\n', '"', '', ',,'), arbJunk), missing: fc.oneof(fc.constant(['NA']), arbJunk) }, { requiredKeys: [] }), arbJunk),
    async (text, options) => {
      const out = await callAsync('parseCsv', () => sd.parseCsv(text as string, options as sd.CsvOptions));
      if (out.ok) expect(out.value.columns.length).toBeGreaterThanOrEqual(0);
      canary('parseCsv');
    }), 2));

  test('scalers: options, fit, transform and inverse with random tensors; round trips where fitted', () => check(fc.property(
    fc.constantFrom('MinMaxScaler', 'StandardScaler'), fc.oneof(fc.constant(undefined), fc.record({ featureRange: fc.oneof(fc.constant([0, 1]), fc.constant([-1, 1]), arbJunk) }, { requiredKeys: [] }), arbJunk),
    fc.oneof({ arbitrary: arbTensorSpec(fc.constantFrom([4, 3], [1, 3], [0, 3], [5, 2]), 0.1, fc.integer({ min: -4, max: 4 })), weight: 4 }, arbTensorSpec(arbShape(3)), arbAny),
    fc.oneof({ arbitrary: arbTensorSpec(fc.constantFrom([2, 3], [3, 2]), 0.1), weight: 3 }, arbAny), fc.constantFrom('transform', 'inverseTransform', 'fitTransform', 'toJSON'),
    fc.constantFrom('own', 'nan', 'junk'), arbJunk,
    (kind, options, fitOn, x, method, jsonKind, junk) => {
      const Scaler = sd[kind as 'MinMaxScaler'];
      const made = call(kind, () => new Scaler(options as sd.MinMaxScalerOptions));
      if (!made.ok) return canary(kind);
      const scaler = made.value;
      fuzzCall([`${kind}.fit`, 'fit'], [fitOn], (t) => scaler.fit(t as sd.Tensor), () => undefined);
      fuzzCall([`${kind}.${method}`, method, `${kind}.fit`], [x], (t) => (scaler as unknown as Record<string, (a: unknown) => unknown>)[method](t), (out, [t]) => {
        if (method !== 'transform' || !scaler.fitted) return;
        const back = scaler.inverseTransform(out as sd.Tensor);
        const original = (t as sd.Tensor).dataSync(), again = back.dataSync();
        back.dispose();
        original.forEach((v, i) => Number.isFinite(v) && expect(Math.abs(again[i] - v)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v)) + 1e-5));
      });
      const json = scaler.fitted ? scaler.toJSON() : undefined;
      const restore = { own: json, nan: { ...json, min: [NaN], scale: [NaN] }, junk }[jsonKind];
      fuzzCall(['scalerFromJSON', `${kind}.fromJSON`], [restore], (j) => sd.scalerFromJSON(j as sd.ScalerJSON));
    }), 2));

  test('trainTestSplit and kFold with random tensors, counts and options', () => check(fc.property(
    fc.oneof({ arbitrary: arbTensorSpec(fc.constantFrom([6, 2], [4], [10, 3], [1, 2], [0, 2]), 0.1, fc.integer({ min: 0, max: 2 })), weight: 3 }, arbAny),
    fc.oneof({ arbitrary: arbTensorSpec(fc.constantFrom([6], [6, 1], [6, 3], [10], [4, 2]), 0.1, fc.integer({ min: 0, max: 2 })), weight: 3 }, arbAny),
    fc.oneof(fc.record({ testSize: fc.oneof(fc.constantFrom(0.25, 0.5, 1, 2, 0, 1.5, 6, -1), arbJunk), shuffle: fc.oneof(fc.boolean(), arbJunk), seed: fc.oneof(fc.nat(9), arbJunk),
      stratify: fc.oneof(fc.boolean(), arbJunk), k: fc.oneof(fc.integer({ min: 0, max: 12 }), arbJunk) }, { requiredKeys: [] }), arbJunk),
    fc.oneof(fc.integer({ min: -1, max: 20 }), arbJunk), fc.boolean(),
    (x, y, options, count, byCount) => {
      fuzzCall('trainTestSplit', [x, y, options], (a, b, o) => sd.trainTestSplit(a as sd.Tensor, b as sd.Tensor, o as sd.SplitOptions), (out, [a]) => {
        const split = out as sd.Split;
        expect(split.xTrain.shape[0] + split.xTest.shape[0]).toBe((a as sd.Tensor).shape[0]);
      });
      fuzzCall('kFold', [byCount ? count : x, options], (s, o) => sd.kFold(s as number, o as sd.KFoldOptions), (folds) => {
        for (const fold of folds as sd.Fold[]) expect(new Set([...fold.train, ...fold.test]).size).toBe(fold.train.length + fold.test.length);
      });
    }), 2));

  test('toTensor of a numeric table matches its records', () => check(fc.property(fc.array(fc.tuple(arbNumber, arbNumber), { maxLength: 6 }), (rows) => {
    fuzzCall('toTensor', [], () => sd.Table.fromRecords(rows.map(([a, b]) => ({ a, b }))).toTensor(), (out) => {
      expect(Array.from((out as sd.Tensor).dataSync())).toEqual(rows.flat().map(Math.fround));
    });
  })));
});
