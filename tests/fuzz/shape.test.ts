// Fuzz: reshape, transpose (and .T), squeeze, expandDims, slice, gather (with batchDims), unsortedSegmentSum, indexAxis,
// row, column, concat, stack and clone with random ranks, axes, indices, lists and junk. Valid copies are checked
// element by element.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { expectExact, refTranspose } from '../reference';
import { arbAny, arbShape, arbTensorSpec, check, countCases, fuzzCall } from './harness';

countCases('shape');

type Fn = (...args: unknown[]) => unknown;
const api = sd as unknown as Record<string, Fn>;
const idx = fc.integer({ min: -10, max: 18 });
const indexArg = fc.oneof(idx, fc.array(idx, { maxLength: 6 }), fc.constant(undefined), arbAny);
const spec = arbTensorSpec(arbShape(5), 0.1);

const ARGS: Record<string, fc.Arbitrary<unknown[]>> = {
  reshape: fc.tuple(spec, fc.oneof(fc.array(fc.integer({ min: -2, max: 20 }), { maxLength: 5 }), arbAny)),
  transpose: fc.tuple(spec, indexArg),
  squeeze: fc.tuple(spec, indexArg),
  expandDims: fc.tuple(spec, indexArg),
  slice: fc.tuple(spec, indexArg, indexArg),
  gather: fc.tuple(spec, fc.oneof(fc.array(idx, { maxLength: 6 }), arbTensorSpec(arbShape(2), 0.1, idx), arbAny), indexArg, indexArg),
  unsortedSegmentSum: fc.tuple(spec, fc.oneof(fc.array(idx, { maxLength: 6 }), arbTensorSpec(arbShape(2), 0.1, idx), arbAny), indexArg),
  indexAxis: fc.tuple(spec, indexArg, indexArg),
  clone: fc.tuple(fc.oneof(spec, arbAny)),
  concat: fc.tuple(fc.oneof(fc.array(fc.oneof({ arbitrary: spec, weight: 4 }, arbAny), { maxLength: 4 }), arbAny), indexArg),
  stack: fc.tuple(fc.oneof(fc.array(fc.oneof({ arbitrary: spec, weight: 4 }, arbAny), { maxLength: 4 }), arbAny), indexArg),
};

describe('fuzz: shape ops', () => {
  test('random arguments to every shape op', () => check(fc.property(fc.constantFrom(...Object.keys(ARGS)).chain((name) =>
    fc.tuple(fc.constant(name), ARGS[name])), ([name, args]) =>
    fuzzCall(name, args, api[name], (out) => expect(out).toBeInstanceOf(sd.Tensor))), 4));

  test('methods: row, column, T, flatten, slice, gather', () => check(fc.property(spec,
    fc.constantFrom('row', 'column', 'T', 'flatten', 'slice', 'gather', 'squeeze', 'expandDims', 'reshape', 'transpose'), indexArg, indexArg,
    (x, method, p, q) => {
      const ops = { T: 'transpose', flatten: 'reshape' }[method as 'T'] ?? method;
      fuzzCall([method, ops], [x, p, q], (t, a, b) => {
        const target = t as unknown as Record<string, unknown>;
        return method === 'T' ? target.T : (target[method] as Fn).call(t, a, b);
      }, (out) => expect(out).toBeInstanceOf(sd.Tensor));
    }), 2));

  test('valid transposes match the float64 reference', () => check(fc.property(arbShape(5).chain((s) =>
    fc.tuple(arbTensorSpec(fc.constant(s), 0), fc.shuffledSubarray(s.map((_, d) => d), { minLength: s.length }))), ([x, perm]) =>
    fuzzCall('transpose', [x, perm], (t, p) => sd.transpose(t as sd.Tensor, p as number[]), (out, [t]) => {
      const input = t as sd.Tensor;
      const ref = refTranspose({ data: Float64Array.from(input.dataSync()), shape: [...input.shape] }, perm);
      expect([...(out as sd.Tensor).shape]).toEqual(ref.shape);
      expectExact((out as sd.Tensor).dataSync(), ref.data);
    }))));

  test('concat of valid slices gives back the tensor', () => check(fc.property(arbShape(4).filter((s) => s.length > 0).chain((s) =>
    fc.tuple(arbTensorSpec(fc.constant(s), 0), fc.nat(s.length - 1), fc.nat(20))), ([x, axis, cut]) =>
    fuzzCall('slice', [x], (t) => {
      const input = t as sd.Tensor;
      const at = cut % (input.shape[axis] + 1);
      const begin = input.shape.map((_, d) => (d === axis ? at : 0));
      const size = input.shape.map((n, d) => (d === axis ? at : n));
      const parts = [sd.slice(input, 0, size), sd.slice(input, begin)];
      try {
        return sd.concat(parts, axis);
      } finally {
        sd.dispose(parts);
      }
    }, (out, [t]) => {
      expect([...(out as sd.Tensor).shape]).toEqual([...(t as sd.Tensor).shape]);
      expectExact((out as sd.Tensor).dataSync(), (t as sd.Tensor).dataSync());
    }))));
});
