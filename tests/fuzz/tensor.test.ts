// Fuzz: tensor creation (tensor, scalar, zeros, ones, full, eye, arange, linspace, *Like, rand, randn,
// randomUniform, seed) and inspection (get, set, item, toArray, dataSync, toString, clone, flatten, row, column).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { expectExact, f32, nest } from '../reference';
import { arbAny, arbJunk, arbNumber, arbShape, arbTensorSpec, check, countCases, fuzzCall, TensorSpec } from './harness';

countCases('tensor');

/** Shape arguments: valid shapes, huge or negative dimensions, non-integers, junk. */
const arbShapeArg: fc.Arbitrary<unknown> = fc.oneof(
  arbShape(6),
  fc.constantFrom([2 ** 15, 2 ** 15], [2 ** 14, 2 ** 14], [1e9], [2 ** 53, 2 ** 53], [-1], [1.5], [NaN], [Infinity], [0, 1e12], ['2'], [[2]]),
  arbJunk,
);

/** Nested values: regular nesting, ragged arrays, special numbers and junk leaves. */
const arbNested: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, arbNumber, fc.array(tie('node'), { maxLength: 4 }), arbJunk),
})).node;

const regular = (shape: number[]): fc.Arbitrary<{ shape: number[]; values: number[] }> =>
  fc.array(arbNumber, { minLength: shape.reduce((p, d) => p * d, 1), maxLength: shape.reduce((p, d) => p * d, 1) })
    .map((values) => ({ shape, values }));

describe('fuzz: creation', () => {
  test('tensor() with random nesting, shapes and typed arrays', () => check(fc.property(
    fc.oneof(arbNested, fc.constantFrom(new Float64Array([1, NaN]), new Int8Array(4), new Uint8ClampedArray(0), new DataView(new ArrayBuffer(4)))),
    fc.oneof(fc.constant(undefined), arbShapeArg),
    (values, shape) => fuzzCall('tensor', [values, shape], (v, s) => sd.tensor(v as sd.TensorValues, s as number[]), (t) => {
      expect(t).toBeInstanceOf(sd.Tensor);
    }))));

  // Nesting cannot show the axes after a 0, so 0 appears last only.
  const nestable = arbShape(4).filter((s) => s.slice(0, -1).every((d) => d > 0));
  test('tensor() of regular nesting holds the float32 values', () => check(fc.property(nestable.chain(regular), ({ shape, values }) =>
    fuzzCall('tensor', [nest(values, shape)], (v) => sd.tensor(v as number[]), (t) => {
      const out = t as sd.Tensor;
      expect(out.shape).toEqual(shape);
      expectExact(out.dataSync(), f32(values));
      expect(out.toArray()).toEqual(nest(Float32Array.from(values), shape));
    }))));

  test('factories with random arguments', () => check(fc.property(
    fc.constantFrom('scalar', 'zeros', 'ones', 'full', 'eye', 'arange', 'linspace', 'zerosLike', 'onesLike', 'rand', 'randn', 'randomUniform', 'seed'),
    fc.array(fc.oneof(arbShapeArg, arbAny, fc.record({ seed: arbAny }), fc.record({ mean: arbNumber, std: arbNumber })), { maxLength: 4 }),
    (name, args) => {
      const fn = (sd as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      // linspace and arange of 2^28 values are legal but slow to build; keep the counts small.
      if ((name === 'linspace' && typeof args[2] === 'number' && args[2] > 1e6) || (name === 'arange' && args.some((a) => typeof a === 'number' && Math.abs(a) > 1e6))) return;
      fuzzCall(name, args, fn, (t) => {
        if (name === 'seed') return;
        expect(t).toBeInstanceOf(sd.Tensor);
      });
    }), 2));

  test('full and eye give their reference values', () => check(fc.property(arbShape(3), arbNumber, fc.nat(9), fc.nat(9),
    (shape, value, n, m) => {
      fuzzCall('full', [shape, value], (s, v) => sd.full(s as number[], v as number), (t) =>
        expectExact((t as sd.Tensor).dataSync(), f32(new Array(shape.reduce((p, d) => p * d, 1)).fill(value))));
      fuzzCall('eye', [n, m], (a, b) => sd.eye(a as number, b as number), (t) =>
        expect((t as sd.Tensor).toArray()).toEqual(Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)))));
    })));
});

describe('fuzz: inspection', () => {
  const methods = ['get', 'set', 'item', 'toArray', 'dataSync', 'toString', 'clone', 'flatten', 'row', 'column', 'print', 'dispose'] as const;
  test('methods with random arguments on random (or disposed) tensors', () => check(fc.property(
    arbTensorSpec(arbShape(4), 0.2), fc.constantFrom(...methods), fc.array(fc.oneof(arbAny, fc.integer({ min: -10, max: 10 })), { maxLength: 5 }),
    (spec, method, args) => fuzzCall(method === 'flatten' ? ['flatten', 'reshape'] : method, [spec, ...args], (t, ...rest) => {
      if (method === 'print') return undefined; // logs only; toString covers it
      return ((t as unknown as Record<string, (...a: unknown[]) => unknown>)[method])(...rest);
    }, (value, live) => {
      const t = live[0] as sd.Tensor;
      if (method === 'get') expect(Object.is(value, Math.fround(value as number)) || Number.isNaN(value)).toBe(true);
      if (method === 'item') expect(t.size).toBe(1);
      if (method === 'toString') expect(typeof value).toBe('string');
    })), 2));

  test('get after set reads the float32 value at any valid index', () => check(fc.property(
    arbShape(4).filter((s) => s.every((d) => d > 0)), arbNumber, fc.array(fc.nat(), { maxLength: 4 }), (shape, value, raw) => {
      const index = shape.map((d, i) => (raw[i] ?? 0) % d - (i % 2 ? d : 0)); // negative indices on odd axes
      fuzzCall('set', [new TensorSpec(shape, [0], false)], (t) => {
        (t as sd.Tensor).set(value, ...index);
        return (t as sd.Tensor).get(...index);
      }, (got) => expectExact([got as number], [Math.fround(value)]));
    })));
});
