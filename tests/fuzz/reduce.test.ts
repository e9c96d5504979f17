// Fuzz: reductions (sum, mean, max, min, argmax, argmin) with random axes (valid, repeated, out of range, junk)
// and keepDims values, as functions and methods. Valid calls are checked against float64 references.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAxisArg, expectBounded, expectExact, normalizeAxes, refReduce } from '../reference';
import { arbAny, arbExact, arbShape, arbTensorSpec, check, countCases, fuzzCall, TensorSpec } from './harness';

countCases('reduce');

type Fn = (...args: unknown[]) => sd.Tensor;
const api = sd as unknown as Record<string, Fn>;
const NAMES = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'] as const;

const firstIndex = (pick: (a: number, b: number) => boolean) => (v: Float64Array): number => {
  let best = 0;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i])) return i;
    if (pick(v[i], v[best])) best = i;
  }
  return best;
};
const REF: Record<string, (v: Float64Array) => number> = {
  sum: (v) => v.reduce((s, x) => s + x, 0),
  mean: (v) => v.reduce((s, x) => s + x, 0) / v.length,
  max: (v) => (v.some(Number.isNaN) ? NaN : Math.max(...v)),
  min: (v) => (v.some(Number.isNaN) ? NaN : Math.min(...v)),
  argmax: firstIndex((a, b) => a > b),
  argmin: firstIndex((a, b) => a < b),
};

describe('fuzz: reductions', () => {
  test('random axes and keepDims on random tensors', () => check(fc.property(
    fc.constantFrom(...NAMES), fc.boolean(), arbTensorSpec(arbShape(5), 0.1),
    fc.oneof(fc.constant(undefined), fc.integer({ min: -7, max: 7 }), fc.array(fc.integer({ min: -6, max: 6 }), { maxLength: 6 }), arbAny),
    fc.oneof(fc.constant(undefined), fc.boolean(), arbAny),
    (name, method, x, axis, keepDims) => fuzzCall(name, [x, axis, keepDims],
      (t, a, k) => (method ? (t as unknown as Record<string, Fn>)[name].call(t, a, k) : api[name](t, a, k)), (out) => {
        expect(out).toBeInstanceOf(sd.Tensor);
      })), 3));

  test('valid axes give the float64 reference (small integers: exact sums)', () => check(fc.property(
    fc.constantFrom(...NAMES), fc.boolean(),
    arbShape(4).chain((shape) => fc.tuple(fc.constant(shape), arbAxisArg(shape.length),
      fc.array(arbExact, { minLength: shape.reduce((p, d) => p * d, 1), maxLength: shape.reduce((p, d) => p * d, 1) }))),
    (name, keepDims, [shape, axis, values]) => {
      const axes = normalizeAxes(axis, shape.length);
      fuzzCall(name, [new TensorSpec(shape, values, false)], (t) => api[name](t, axis, keepDims), (out) => {
        const ref = refReduce({ data: Float64Array.from(values), shape }, axes, keepDims, REF[name]);
        const t = out as sd.Tensor;
        expect([...t.shape]).toEqual(ref.shape);
        if (name === 'mean') expectBounded(t.dataSync(), ref.data, ref.data.map((v) => Math.abs(v) * 2 ** -22), name);
        else expectExact(t.dataSync(), ref.data.map((v) => (Object.is(v, -0) ? 0 : v)), name);
      });
    }), 2));
});
