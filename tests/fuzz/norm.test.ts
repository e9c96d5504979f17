// Fuzz: moments and batchNorm with random tensors, axes, parameters and epsilons (valid, mismatched, disposed,
// junk), and the normalization layers with random options, built into a model that predicts: each call returns or
// throws a documented error naming the op, leaking nothing.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAny, arbJunk, arbNumber, arbShape, arbTensorSpec, call, canary, check, cleanup, countCases, fuzzCall } from './harness';

countCases('norm');

const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

/** A parameter for x of `shape`: one value per channel (the last axis) most often, else any shape or junk. */
const arbParameter = (shape: number[]): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: arbTensorSpec(fc.constant([shape.at(-1) ?? 1]), 0.05), weight: 6 },
  { arbitrary: arbTensorSpec(fc.constant(shape.map((d, i) => (i % 2 === 0 ? 1 : d))), 0.05), weight: 2 },
  { arbitrary: arbAny, weight: 2 });

describe('fuzz: normalization', () => {
  test('moments with random axes and keepDims', () => check(fc.property(
    arbTensorSpec(arbShape(5), 0.1),
    fc.oneof(fc.constant(undefined), fc.integer({ min: -6, max: 6 }), fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 5 }), arbAny),
    fc.oneof(fc.constant(undefined), fc.boolean(), arbAny),
    (x, axis, keepDims) => fuzzCall('moments', [x, axis, keepDims], (t, a, k) => sd.moments(t as sd.Tensor, a as number, k as boolean), (out) => {
      const { mean, variance } = out as { mean: sd.Tensor; variance: sd.Tensor };
      expect(variance.shape).toEqual(mean.shape);
      // A variance is never negative (NaN where the values hold NaN or infinities, or none were taken).
      variance.dataSync().forEach((v) => expect(Number.isNaN(v) || v >= 0).toBe(true));
    })), 2));

  test('batchNorm with random parameters and epsilons', () => check(fc.property(
    arbShape(4).chain((shape) => fc.tuple(arbTensorSpec(fc.constant(shape), 0.05), arbParameter(shape), arbParameter(shape),
      fc.oneof(fc.constant(undefined), arbParameter(shape)), fc.oneof(fc.constant(undefined), arbParameter(shape)),
      fc.oneof(fc.constant(undefined), fc.constantFrom(0, 1e-3, 0.5), arbNumber, arbJunk))),
    (args) => fuzzCall('batchNorm', args, (x, m, v, o, s, e) => sd.batchNorm(x as sd.Tensor, m as sd.Tensor, v as sd.Tensor, o as sd.Tensor,
      s as sd.Tensor, e as number), (out, live) => {
      expect((out as sd.Tensor).shape).toEqual((live[0] as sd.Tensor).shape);
    })), 2));

  test('batchNormalization and layerNormalization with random options, in a model that predicts', () => check(fc.property(
    fc.constantFrom('batchNormalization', 'layerNormalization'), fc.oneof({ arbitrary: arbJunk, weight: 1 }, { arbitrary: fc.record({
      axis: maybe(fc.constantFrom(-1, 0, 1, 2, 3, 1.5, -2)), epsilon: maybe(fc.oneof(fc.constantFrom(1e-3, 1e-6, 0, -1), arbNumber)),
      momentum: maybe(fc.oneof(fc.constantFrom(0, 0.5, 0.99, 1, 1.01), arbNumber)), center: maybe(fc.oneof(fc.boolean(), arbJunk)),
      scale: maybe(fc.oneof(fc.boolean(), arbJunk)), gammaInitializer: maybe(fc.constantFrom('ones', 'zeros', 'heNormal', 'twos')),
      movingVarianceInitializer: maybe(fc.constantFrom('ones', 'zeros', 'nope')),
    }, { requiredKeys: [] }), weight: 4 }),
    (name, options) => {
      const factory = sd.layers[name] as (o: unknown) => sd.Layer;
      const made = call(name, () => factory(options));
      if (!made.ok) return;
      const x = sd.layers.input({ shape: [2, 3] });
      const applied = call([`${name}.apply`, `${made.value.label}.apply`], () => made.value.apply(x));
      if (applied.ok) {
        const net = sd.model({ inputs: x, outputs: applied.value, seed: 1 });
        const data = sd.tensor([1, -2, 0.5, 3, 7, -1, 2, 2, 2, 0, 0, 0, -5, 1, 4, 4, 1, -5, 3, 3, 3, 3, 3, 3], [4, 2, 3]);
        const out = call('predict', () => net.predict(data) as sd.Tensor);
        expect(out.ok, out.error?.message).toBe(true);
        out.value?.dataSync().forEach((v) => expect(Number.isFinite(v), `${fc.stringify(options)}: ${v}`).toBe(true));
        sd.dispose([data, ...(out.value ? [out.value] : [])]);
        net.dispose();
      }
      cleanup();
      canary(name);
    })));
});
