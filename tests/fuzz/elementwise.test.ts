// Fuzz: element-wise ops with broadcasting (add ... notEqual; neg ... sign), as functions and methods, on random
// shapes, special values, scalars, disposed tensors and junk. Valid calls are checked against float64 references.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { broadcastShape, expectClose, expectExact, f32, refBinary, type Ref } from '../reference';
import { arbAny, arbNumber, arbShape, arbTensorSpec, check, countCases, fuzzCall, TensorSpec } from './harness';

countCases('elementwise');

type Fn = (...args: unknown[]) => sd.Tensor;
const api = sd as unknown as Record<string, Fn>;

// Float32 results of the exact ops: IEEE float32 arithmetic is float64 arithmetic rounded once.
const BINARY: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y, sub: (x, y) => x - y, mul: (x, y) => x * y, div: (x, y) => x / y,
  maximum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.max(x, y)),
  minimum: (x, y) => (Number.isNaN(x) || Number.isNaN(y) ? NaN : Math.min(x, y)),
  greater: (x, y) => Number(x > y), less: (x, y) => Number(x < y), equal: (x, y) => Number(x === y),
  greaterEqual: (x, y) => Number(x >= y), lessEqual: (x, y) => Number(x <= y), notEqual: (x, y) => Number(x !== y),
};
const UNARY: Record<string, (x: number) => number> = { neg: (x) => -x, abs: Math.abs, square: (x) => x * x, sign: Math.sign };
const OTHERS = ['pow', 'exp', 'log', 'sqrt'];

/** Operands: a tensor spec (broadcastable or not), a number, or junk. */
const operand = (shape: fc.Arbitrary<number[]>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: arbTensorSpec(shape, 0.05), weight: 5 }, { arbitrary: arbNumber, weight: 2 }, { arbitrary: arbAny, weight: 2 });

/** Two shapes that often broadcast: one drawn from the other with axes set to 1 or dropped. */
const shapePair = arbShape(5).chain((s) => fc.tuple(fc.constant(s), fc.oneof(arbShape(5),
  fc.tuple(fc.nat(s.length), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }))
    .map(([drop, ones]) => s.map((d, i) => (ones[i] ? 1 : d)).slice(drop)))));

const asRef = (v: unknown): Ref => (v instanceof sd.Tensor ? { data: Float64Array.from(v.dataSync()), shape: [...v.shape] } : { data: Float64Array.of(Math.fround(v as number)), shape: [] });

function verifyBinary(name: string, out: sd.Tensor, a: unknown, b: unknown): void {
  const ra = asRef(a), rb = asRef(b);
  expect([...out.shape]).toEqual(broadcastShape(ra.shape, rb.shape));
  const fn = BINARY[name];
  if (!fn) return;
  const ref = refBinary(ra, rb, fn);
  if (name === 'maximum' || name === 'minimum') expectClose(out.dataSync(), f32(ref.data), { abs: 0, rel: 0 }, name); // ±0 either way
  else expectExact(out.dataSync(), f32(ref.data), name);
}

describe('fuzz: element-wise', () => {
  test('binary ops, as functions and methods', () => check(fc.property(
    fc.constantFrom(...Object.keys(BINARY), 'pow'), fc.boolean(),
    shapePair.chain(([sa, sb]) => fc.tuple(operand(fc.constant(sa)), operand(fc.constant(sb)))),
    (name, method, [a, b]) => {
      if (method && !(a instanceof TensorSpec)) return;
      fuzzCall(name, [a, b], (x, y) => (method ? (x as unknown as Record<string, Fn>)[name].call(x, y) : api[name](x, y)), (out, [x, y]) => {
        expect(out).toBeInstanceOf(sd.Tensor);
        verifyBinary(name, out as sd.Tensor, x, y);
      });
    }), 3));

  test('unary ops on random, special and junk inputs', () => check(fc.property(
    fc.constantFrom(...Object.keys(UNARY), ...OTHERS), fc.oneof(arbTensorSpec(arbShape(5), 0.1), arbAny), fc.array(arbAny, { maxLength: 2 }),
    (name, x, extra) => fuzzCall(name, [x, ...extra], (t, ...rest) => api[name](t, ...rest), (out, [t]) => {
      if (name === 'pow') return; // binary: the first test checks its shapes
      const input = (t as sd.Tensor).dataSync();
      const got = (out as sd.Tensor).dataSync();
      expect([...(out as sd.Tensor).shape]).toEqual([...(t as sd.Tensor).shape]);
      if (UNARY[name]) expectExact(got, f32(Float64Array.from(input, UNARY[name])), name);
      // exp, log and sqrt: exact on the special values their domain names.
      if (name === 'sqrt') input.forEach((v, i) => v < 0 && expect(got[i]).toBeNaN());
      if (name === 'log') input.forEach((v, i) => Object.is(Math.abs(v), 0) && expect(got[i]).toBe(-Infinity));
      if (name === 'exp') input.forEach((v, i) => v === -Infinity && expect(got[i]).toBe(0));
    })), 2));

  test('scalar operands of any kind on either side', () => check(fc.property(
    fc.constantFrom(...Object.keys(BINARY)), arbNumber, arbNumber, (name, x, y) => {
      fuzzCall(name, [x, y], (a, b) => api[name](a, b), (out) => verifyBinary(name, out as sd.Tensor, x, y));
      fuzzCall(name, [new TensorSpec([], [x], false), y], (a, b) => api[name](a, b), (out, [a]) => verifyBinary(name, out as sd.Tensor, a, y));
    })));
});
