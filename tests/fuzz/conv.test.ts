// Fuzz: conv2d, conv1d, depthwiseConv2d, separableConv2d and conv2dTranspose with random shapes (matching channels
// or not), strides, dilations, paddings (valid, same, numbers, junk) and data formats: each call returns a tensor of
// the shape TensorFlow gives, or throws a documented error naming the op, leaking nothing; conv2d and depthwiseConv2d
// on small integers (exact float32 sums) are checked against the float64 loops.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { expectExact } from '../reference';
import { refConv2d, refDepthwise, refWindow, type Pad } from '../ops/conv-reference';
import { arbAny, arbExact, arbTensorSpec, check, countCases, fuzzCall } from './harness';

countCases('conv');

type Fn = (...args: unknown[]) => unknown;
const api = sd as unknown as Record<string, Fn>;
const size = fc.integer({ min: -1, max: 5 });
const pair = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 16 }, size, fc.tuple(size, size), fc.array(size, { maxLength: 3 }), arbAny);
const pad = fc.oneof({ arbitrary: fc.constantFrom('valid', 'same'), weight: 12 }, { arbitrary: fc.integer({ min: 0, max: 2 }), weight: 4 }, fc.constant('full'), size, arbAny);
const format = fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, fc.constantFrom('NHWC', 'NCHW', 'NWC'), arbAny);
const dim = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 7 }), weight: 8 }, fc.constant(0));
const tap = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 3 }), weight: 8 }, fc.constant(0));
/** x [n, h, w, c] and a filter [kh, kw, c', q] whose c' is usually x's c. */
const shapes = fc.tuple(fc.integer({ min: 0, max: 3 }), dim, dim, fc.integer({ min: 0, max: 4 }), tap, tap, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 12 }))
  .map(([n, h, w, c, kh, kw, q, other]) => ({ x: [n, h, w, c], filter: [kh, kw, other < 10 ? c : other - 9, q] }));

/** The pair a valid argument names. */
const asPair = (v: unknown = 1): [number, number] => (typeof v === 'number' ? [v, v] : (v as [number, number]));

describe('fuzz: convolution ops', () => {
  test('random arguments to conv2d and depthwiseConv2d, exact on small integers', () => check(fc.property(
    fc.constantFrom('conv2d', 'depthwiseConv2d'), shapes.chain((s) => fc.tuple(arbTensorSpec(fc.constant(s.x), 0, arbExact), arbTensorSpec(fc.constant(s.filter), 0, arbExact))),
    pair, pad, format, pair,
    (name, [x, filter], strides, padding, dataFormat, dilations) => {
      fuzzCall(name, [x, filter, strides, padding, dataFormat, dilations], api[name], (out, live) => {
        const [tx, tf] = live as sd.Tensor[];
        const [kh, kw, , q] = tf.shape;
        const g = refWindow(tx.shape, kh, kw, asPair(strides), asPair(dilations), padding as Pad);
        expect(g, `${name} succeeded where no window fits`).not.toBeNull();
        const xs = Float64Array.from(tx.dataSync()), fs = Float64Array.from(tf.dataSync());
        const ref = name === 'conv2d' ? refConv2d(xs, fs, g!, q) : refDepthwise(xs, fs, g!, q);
        const result = out as sd.Tensor;
        expect(result.shape).toEqual([tx.shape[0], g!.outH, g!.outW, name === 'conv2d' ? q : tx.shape[3] * q]);
        expectExact(result.dataSync(), ref.data.map((v) => v + 0), name);
      });
    }), 4));

  test('random arguments to conv1d, conv2dTranspose and separableConv2d', () => check(fc.property(
    fc.constantFrom('conv1d', 'conv2dTranspose', 'separableConv2d'), shapes.chain((s) => fc.tuple(arbTensorSpec(fc.constant(s.x), 0, arbExact),
      arbTensorSpec(fc.constant(s.filter), 0, arbExact), arbTensorSpec(fc.constant([1, 1, s.x[3] * s.filter[3], 2]), 0, arbExact))),
    pair, pad, format,
    (name, [x, filter, pointwise], strides, padding, dataFormat) => {
      const args = name === 'conv1d' ? [x, filter, strides, padding, dataFormat]
        : name === 'conv2dTranspose' ? [x, filter, [x.shape[0], x.shape[1] * 2, x.shape[2] * 2, filter.shape[2]], strides, padding]
          : [x, filter, pointwise, strides, padding];
      fuzzCall(name, args, api[name], (out) => expect(out).toBeInstanceOf(sd.Tensor));
    }), 3));
});
