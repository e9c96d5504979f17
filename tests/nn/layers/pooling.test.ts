// The pooling layers in models (tests/nn/layers/windowed.ts: predictions against a float64 forward from the TF.js
// formulas, a training step's gradient against float64 central differences, save/load round trips);
// a graph whose node feeds two pooling layers (the second backward adds); no allocation in steady-state training;
// option and shape errors naming the option or the layer.
import { describe, expect, it } from 'vitest';
import { dense, dispose, layers, memory, model, sequential, sgd, ShapeError, tensor, type Layer } from '../../../src/index';
import { heapStats } from '../../../src/runtime/heap';
import { failOnLeaks, seededValues } from '../../reference';
import { forward64, poolTaps, refGeometry, type Pad, type Taps } from '../../ops/windowed';
import { expectForward, expectRoundTrip, expectStepIsGradient, type RefPredict } from './check';
import { denseRows, expectLayerInModel } from './windowed';

failOnLeaks();

/** The global pooling taps: every position of a [h, w, c] sample for each channel. */
function globalTaps(h: number, w: number, c: number, average: boolean): Taps {
  return Array.from({ length: c }, (_, ch) => {
    const index = Array.from({ length: h * w }, (__, p) => p * c + ch);
    return { index, weight: index.map(() => (average ? 1 / index.length : 1)) };
  });
}

/** A case: the layer, the sample shape [h, w, c] (1-D layers: [w, c] with h 1), and its taps. */
interface Case {
  name: string;
  layer: () => Layer;
  sample: number[];
  taps: Taps;
  max: boolean;
}

function windowed(name: string, layer: () => Layer, sample: number[], k: [number, number], s: [number, number], pad: Pad, max: boolean): Case {
  const g = refGeometry(sample.length === 2 ? [1, ...sample] : sample, k, s, pad, undefined)!;
  return { name, layer, sample, taps: poolTaps(g, !max), max };
}

const CASES: Case[] = [
  windowed('maxPooling2d() on odd sizes', () => layers.maxPooling2d(), [5, 5, 4], [2, 2], [2, 2], 'valid', true),
  windowed('maxPooling2d 3×3 stride 2 same on [6, 5]', () => layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [6, 5, 3], [3, 3], [2, 2], 'same', true),
  windowed('maxPooling2d 1×1 stride 2', () => layers.maxPooling2d({ poolSize: 1, strides: 2 }), [3, 4, 5], [1, 1], [2, 2], 'valid', true),
  windowed('averagePooling2d [2, 3] strides [3, 1] same', () => layers.averagePooling2d({ poolSize: [2, 3], strides: [3, 1], padding: 'same' }), [5, 4, 5], [2, 3], [3, 1], 'same', false),
  windowed('averagePooling2d()', () => layers.averagePooling2d(), [4, 4, 2], [2, 2], [2, 2], 'valid', false),
  windowed('maxPooling1d 3 stride 2 same', () => layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [7, 3], [1, 3], [1, 2], 'same', true),
  windowed('averagePooling1d()', () => layers.averagePooling1d(), [5, 4], [1, 2], [1, 2], 'valid', false),
  { name: 'globalMaxPooling2d', layer: () => layers.globalMaxPooling2d(), sample: [3, 4, 5], taps: globalTaps(3, 4, 5, false), max: true },
  { name: 'globalAveragePooling2d keepDims', layer: () => layers.globalAveragePooling2d({ keepDims: true }), sample: [3, 3, 4], taps: globalTaps(3, 3, 4, true), max: false },
  { name: 'globalAveragePooling1d', layer: () => layers.globalAveragePooling1d(), sample: [6, 3], taps: globalTaps(1, 6, 3, true), max: false },
  { name: 'globalMaxPooling1d keepDims', layer: () => layers.globalMaxPooling1d({ keepDims: true }), sample: [5, 2], taps: globalTaps(1, 5, 2, false), max: true },
];

const ROWS = 3;

describe('pooling layers in a model: float64 forward, central-difference gradients, file round trips', () => {
  for (const c of CASES) it(c.name, () => expectLayerInModel(c.layer(), c.sample, c.taps, c.max));
});

describe('pooling layers in graphs and in steady-state training', () => {
  it('a node feeding a max and a global average pooling: the second backward adds to its gradient', async () => {
    const x = layers.input({ shape: [4, 4, 2] });
    const h = dense({ units: 3 }).apply(x);
    const a = dense({ units: 2 }).apply(layers.flatten().apply(layers.maxPooling2d().apply(h)));
    const b = dense({ units: 2 }).apply(layers.globalAveragePooling2d().apply(h));
    const net = model({ inputs: x, outputs: layers.add().apply([a, b]), seed: 5 });
    const maxTaps = poolTaps(refGeometry([4, 4, 3], [2, 2], [2, 2], 'valid', undefined)!, false), avgTaps = globalTaps(4, 4, 3, true);
    const ref: RefPredict = (w, xs) => {
      const rows = xs.length / 32;
      const hs = denseRows(xs, w[0], w[1], rows * 16, 2, 3);
      const pa = denseRows(forward64(maxTaps, hs, rows, 48, 'max').y, w[2], w[3], rows, 12, 2);
      const pb = denseRows(forward64(avgTaps, hs, rows, 48, 'sum').y, w[4], w[5], rows, 3, 2);
      return pa.map((v, i) => v + pb[i]);
    };
    const xs = tensor(seededValues(ROWS * 32, 21, 2), [ROWS, 4, 4, 2]), ys = tensor(seededValues(ROWS * 2, 22), [ROWS, 2]);
    expectForward(net, xs, ref, 1e-5);
    await expectStepIsGradient(net, xs, ys, ref);
    await expectRoundTrip(net, xs);
    dispose([xs, ys]);
    net.dispose();
  });

  it('trainOnBatch allocates nothing in steady state', async () => {
    const net = sequential([dense({ units: 4, inputShape: [6, 6, 2] }), layers.maxPooling2d(), layers.upSampling2d(), layers.zeroPadding2d(),
      layers.cropping2d({ cropping: 1 }), layers.averagePooling2d({ padding: 'same', strides: 1 }), layers.globalMaxPooling2d(), dense({ units: 1 })], { seed: 1 });
    net.compile({ optimizer: sgd({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    const x = tensor(seededValues(4 * 72, 31), [4, 6, 6, 2]), y = tensor(seededValues(4, 32), [4, 1]);
    await net.trainOnBatch(x, y);
    const before = { ...memory(), ...heapStats() };
    for (let i = 0; i < 20; i++) await net.trainOnBatch(x, y);
    expect({ ...memory(), ...heapStats() }).toEqual(before);
    dispose([x, y]);
    net.dispose();
  });
});

describe('options and shapes are checked, naming the option or the layer', () => {
  it('options', () => {
    expect(() => layers.maxPooling2d({ poolSize: 0 })).toThrow(new RangeError('maxPooling2d: poolSize must be a positive integer or a pair of them, got 0'));
    expect(() => layers.averagePooling1d({ poolSize: [2, 2] as never })).toThrow(new RangeError('averagePooling1d: poolSize must be a positive integer, got [2,2]'));
    expect(() => layers.maxPooling1d({ strides: 0 })).toThrow(new RangeError('maxPooling1d: strides must be a positive integer, got 0'));
    expect(() => layers.maxPooling1d({ padding: 'causal' as never })).toThrow(new RangeError("maxPooling1d: padding must be 'valid' or 'same', got \"causal\""));
    expect(() => layers.averagePooling2d({ dataFormat: 'channelsFirst' as never })).toThrow(/averagePooling2d: dataFormat must be 'channelsLast'/);
    expect(() => layers.maxPooling2d({ pool_size: 2 } as never)).toThrow(/maxPooling2d: unknown option "pool_size" in options; did you mean "poolSize"\?/);
    expect(() => layers.globalAveragePooling1d({ keepDims: 1 as never })).toThrow(new TypeError('globalAveragePooling1d: keepDims must be a boolean, got 1'));
    expect(() => layers.globalMaxPooling2d({ keepdims: true } as never)).toThrow(/globalMaxPooling2d: unknown option "keepdims" in options; did you mean "keepDims"\?/);
    expect(() => layers.maxPooling2d({ inputShape: [4, 4] })).toThrow(/maxPooling2d: inputShape must be an array of 3 sizes/);
  });

  it('shapes', () => {
    const image = layers.input({ shape: [3, 3, 2] }), steps = layers.input({ shape: [4, 2] });
    expect(() => layers.maxPooling2d({ poolSize: 4, name: 'p' }).apply(image)).toThrow(new ShapeError(
      "p.apply: p (MaxPooling2D) cannot pool samples of shape [3, 3, 2] with poolSize [4, 4], strides [4, 4] and padding 'valid': the window does not fit"));
    expect(() => layers.maxPooling2d().apply(steps)).toThrow(new ShapeError('MaxPooling2D.apply: MaxPooling2D takes samples of shape [height, width, channels], got [4, 2]'));
    expect(() => layers.averagePooling1d().apply(image)).toThrow(new ShapeError('AveragePooling1D.apply: AveragePooling1D takes samples of shape [steps, channels], got [3, 3, 2]'));
    expect(() => layers.globalMaxPooling1d().apply(image)).toThrow(/GlobalMaxPooling1D takes samples of shape \[steps, channels\], got \[3, 3, 2\]/);
    expect(layers.maxPooling2d({ poolSize: 4, padding: 'same' }).apply(image).shape).toEqual([null, 1, 1, 2]);
  });

  it('default names in Keras snake case', () => {
    const net = sequential([layers.maxPooling2d({ inputShape: [4, 4, 1] }), layers.globalAveragePooling2d(), dense({ units: 1 })]);
    expect(net.layers.map((l) => l.name)).toEqual(['max_pooling2d_1', 'global_average_pooling2d_1', 'dense_1']);
    net.dispose();
  });
});
