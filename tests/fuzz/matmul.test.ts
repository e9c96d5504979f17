// Fuzz: matmul, dot and outer with random ranks (0 to 5), mismatched inner and batch sizes, transposes, junk
// options and disposed operands. Valid 2-D products of small integers are checked exactly against refMatmul.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { expectExact, refMatmul } from '../reference';
import { arbAny, arbExact, arbJunk, arbShape, arbTensorSpec, check, countCases, fuzzCall, TensorSpec } from './harness';

countCases('matmul');

const small = fc.constantFrom(0, 1, 2, 3, 5, 9);
/** Shapes of rank 0..5 whose last axes often agree with a partner's. */
const pairShapes = fc.tuple(fc.array(small, { maxLength: 3 }), small, small, small, fc.array(small, { maxLength: 3 }), fc.nat(3))
  .map(([ba, m, k, n, bb, mode]) => [[...ba, m, k], [...bb, mode === 0 ? k + 1 : k, n]].map((s) => (mode === 3 ? s.slice(-1) : s)));
const operand = (shape: number[]): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: arbTensorSpec(fc.constant(shape), 0.05), weight: 6 }, arbTensorSpec(arbShape(3), 0.1), arbAny);
const options = fc.oneof(fc.constant(undefined), fc.record({ transposeA: fc.oneof(fc.boolean(), arbJunk), transposeB: fc.oneof(fc.boolean(), arbJunk) }), arbJunk);

describe('fuzz: matmul, dot, outer', () => {
  test('random operands and options', () => check(fc.property(fc.constantFrom('matmul', 'dot', 'outer'), fc.boolean(),
    pairShapes.chain(([sa, sb]) => fc.tuple(operand(sa), operand(sb))), options,
    (name, method, [a, b], opts) => {
      if (method && (name === 'outer' || !(a instanceof TensorSpec))) return;
      const fn = (sd as unknown as Record<string, (...x: unknown[]) => unknown>)[name];
      fuzzCall(name, [a, b, opts], (x, y, o) => (method ? (x as unknown as Record<string, (...z: unknown[]) => unknown>)[name](y, o) : fn(x, y, o)),
        (out) => expect(out).toBeInstanceOf(sd.Tensor));
    }), 3));

  test('2-D products of small integers, any transposes, are exact', () => check(fc.property(small, small, small, fc.boolean(), fc.boolean(),
    fc.array(arbExact, { minLength: 81, maxLength: 81 }), fc.array(arbExact, { minLength: 81, maxLength: 81 }),
    (m, k, n, transA, transB, va, vb) => {
      const a = new TensorSpec(transA ? [k, m] : [m, k], va.slice(0, m * k), false);
      const b = new TensorSpec(transB ? [n, k] : [k, n], vb.slice(0, k * n), false);
      fuzzCall('matmul', [a, b], (x, y) => sd.matmul(x as sd.Tensor, y as sd.Tensor, { transposeA: transA, transposeB: transB }), (out, [x, y]) => {
        const ref = refMatmul((x as sd.Tensor).dataSync(), (y as sd.Tensor).dataSync(), m, k, n, transA, transB);
        expect([...(out as sd.Tensor).shape]).toEqual([m, n]);
        expectExact((out as sd.Tensor).dataSync(), ref.data.map((v) => v + 0), `m ${m} k ${k} n ${n}`);
      });
    }), 2));
});
