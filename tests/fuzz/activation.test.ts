// Fuzz: sigmoid, relu, leakyRelu, tanh and softmax with random tensors, special values, axes and alphas.
// Valid results are checked against their float64 definitions where exact (relu, leakyRelu) or bounded.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { expectExact, f32 } from '../reference';
import { arbAny, arbNumber, arbShape, arbTensorSpec, check, countCases, fuzzCall } from './harness';

countCases('activation');

type Fn = (...args: unknown[]) => sd.Tensor;
const api = sd as unknown as Record<string, Fn>;

describe('fuzz: activations', () => {
  test('random inputs, axes and alphas, as functions and methods', () => check(fc.property(
    fc.constantFrom('sigmoid', 'relu', 'leakyRelu', 'tanh', 'softmax'), fc.boolean(), fc.oneof({ arbitrary: arbTensorSpec(arbShape(5), 0.1), weight: 4 }, arbAny),
    fc.oneof(fc.constant(undefined), fc.integer({ min: -6, max: 6 }), arbNumber, arbAny),
    (name, method, x, arg) => fuzzCall(name, [x, arg], (t, a) => (method && t instanceof sd.Tensor ? (t as unknown as Record<string, Fn>)[name].call(t, a) : api[name](t, a)),
      (out, [t, a]) => {
        const input = (t as sd.Tensor).dataSync(), got = (out as sd.Tensor).dataSync();
        expect([...(out as sd.Tensor).shape]).toEqual([...(t as sd.Tensor).shape]);
        if (name === 'relu') expectExact(got, f32(Float64Array.from(input, (v) => (Number.isNaN(v) ? NaN : v > 0 ? v : 0))), name);
        if (name === 'leakyRelu') {
          const alpha = a === undefined ? 0.2 : (a as number);
          const ref = Float64Array.from(input, (v) => (v > 0 ? v : Math.fround(Math.fround(alpha) * v)));
          expectExact(got.map((v) => v + 0), ref.map((v) => v + 0), name);
        }
        if (name === 'sigmoid' || name === 'softmax') got.forEach((v, i) => Number.isNaN(input[i]) || name === 'softmax' || expect(v >= 0 && v <= 1).toBe(true));
        if (name === 'tanh') got.forEach((v, i) => Number.isNaN(input[i]) || expect(Math.abs(v) <= 1).toBe(true));
      })), 3));
});
