// Fuzz: maxPool, avgPool and maxPoolWithArgmax with random ranks, sizes, filter sizes, strides, paddings (valid,
// same, numbers, explicit, junk) and rounding modes: each call returns tensors of the shape TF.js gives, or throws a
// documented error naming the op, leaking nothing; valid max pools are checked against the float64 reference.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { expectExact } from '../reference';
import { forward64, poolTaps, refGeometry, type Pad, type Pair, type Rounding } from '../ops/windowed';
import { arbAny, arbTensorSpec, check, countCases, fuzzCall } from './harness';

countCases('pool');

type Fn = (...args: unknown[]) => unknown;
const api = sd as unknown as Record<string, Fn>;
const size = fc.integer({ min: -1, max: 6 });
const pair = fc.oneof(size, fc.tuple(size, size), fc.array(size, { maxLength: 3 }), arbAny);
const shape = fc.oneof({ arbitrary: fc.tuple(fc.integer({ min: 0, max: 3 }), size, size, fc.integer({ min: 0, max: 5 })).map((s) => s.map((d) => Math.max(d, 0))), weight: 4 },
  { arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }), weight: 1 });
const pad = fc.oneof(fc.constantFrom('valid', 'same', 'full'), size,
  fc.tuple(size, size, size, size, fc.integer({ min: -1, max: 1 })).map(([t, b, l, r, z]) => [[0, z === 1 ? 1 : 0], [t, b], [l, r], [0, 0]]), arbAny);
const rounding = fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, fc.constantFrom('floor', 'round', 'ceil', 'up'), arbAny);

/** The pair a valid argument names. */
const asPair = (v: unknown): Pair => (typeof v === 'number' ? [v, v] : (v as Pair));

describe('fuzz: pooling ops', () => {
  test('random arguments to maxPool, avgPool and maxPoolWithArgmax', () => check(fc.property(
    fc.constantFrom('maxPool', 'avgPool', 'maxPoolWithArgmax'), arbTensorSpec(shape, 0.05), pair, pair, pad, rounding,
    (name, x, filterSize, strides, padding, mode) => {
      const args = name === 'maxPoolWithArgmax' ? [x, filterSize, strides, padding] : [x, filterSize, strides, padding, mode];
      fuzzCall(name, args, api[name], (out, live) => {
        const t = live[0] as sd.Tensor;
        const g = refGeometry(t.shape, asPair(filterSize), asPair(strides), padding as Pad, mode as Rounding);
        expect(g, `${name} succeeded where a window takes no input`).not.toBeNull();
        const result = name === 'maxPoolWithArgmax' ? (out as { result: sd.Tensor }).result : (out as sd.Tensor);
        const outShape = [g!.outH, g!.outW, g!.outC];
        expect(result.shape).toEqual(t.rank === 4 ? [t.shape[0], ...outShape] : outShape);
        if (name === 'avgPool') return;
        const rows = t.rank === 4 ? t.shape[0] : 1, inSize = g!.inH * g!.inW * g!.inC;
        expectExact(result.dataSync(), forward64(poolTaps(g!, false), Float64Array.from(t.dataSync()), rows, inSize, 'max').y, name);
      });
    }), 4));
});
