// The spatial layers in models (tests/nn/layers/windowed.ts: predictions against a float64 forward, a training step's
// gradient against float64 central differences, save/load round trips), and their option and shape errors.
import { describe, expect, it } from 'vitest';
import { layers, ShapeError, type Layer } from '../../../src/index';
import { failOnLeaks } from '../../reference';
import { bilinearTaps, geometryOf, nearestTaps, shiftTaps, type Taps } from '../../ops/windowed';
import { expectLayerInModel } from './windowed';

failOnLeaks();

const g = geometryOf;
const CASES: [string, () => Layer, number[], Taps][] = [
  ['zeroPadding2d()', () => layers.zeroPadding2d(), [3, 4, 2], shiftTaps(g(3, 4, 2, 5, 6, { padTop: 1, padLeft: 1 }))],
  ['zeroPadding2d [[0, 2], [1, 0]]', () => layers.zeroPadding2d({ padding: [[0, 2], [1, 0]] }), [2, 3, 3], shiftTaps(g(2, 3, 3, 4, 4, { padTop: 0, padLeft: 1 }))],
  ['cropping2d [[1, 0], [0, 2]]', () => layers.cropping2d({ cropping: [[1, 0], [0, 2]] }), [4, 5, 2], shiftTaps(g(4, 5, 2, 3, 3, { padTop: -1, padLeft: 0 }))],
  ['cropping2d [1, 2]', () => layers.cropping2d({ cropping: [1, 2] }), [3, 5, 4], shiftTaps(g(3, 5, 4, 1, 1, { padTop: -1, padLeft: -2 }))],
  ['upSampling2d()', () => layers.upSampling2d(), [2, 3, 2], nearestTaps(g(2, 3, 2, 4, 6, { sH: 2, sW: 2 }))],
  ['upSampling2d [3, 1] bilinear', () => layers.upSampling2d({ size: [3, 1], interpolation: 'bilinear' }), [3, 2, 3], bilinearTaps(g(3, 2, 3, 9, 2, { sH: 3, sW: 1 }))],
  ['upSampling2d 2 bilinear', () => layers.upSampling2d({ size: 2, interpolation: 'bilinear' }), [2, 3, 5], bilinearTaps(g(2, 3, 5, 4, 6, { sH: 2, sW: 2 }))],
];

describe('spatial layers in a model: float64 forward, central-difference gradients, file round trips', () => {
  for (const [name, layer, sample, taps] of CASES) it(name, () => expectLayerInModel(layer(), sample, taps, false));
});

describe('options and shapes are checked, naming the option or the layer', () => {
  it('options', () => {
    expect(() => layers.zeroPadding2d({ padding: [[1], [2]] as never })).toThrow(new RangeError(
      'zeroPadding2d: padding must be a non-negative integer, [height, width] or [[top, bottom], [left, right]], got [[1],[2]]'));
    expect(() => layers.cropping2d({ cropping: -1 })).toThrow(/cropping2d: cropping must be a non-negative integer/);
    expect(() => layers.cropping2d({ padding: 1 } as never)).toThrow(/cropping2d: unknown option "padding" in options/);
    expect(() => layers.upSampling2d({ size: [2, 0] })).toThrow(new RangeError('upSampling2d: size must be a positive integer or a pair of them, got [2,0]'));
    expect(() => layers.upSampling2d({ interpolation: 'bicubic' as never })).toThrow(new RangeError("upSampling2d: interpolation must be 'nearest' or 'bilinear', got \"bicubic\""));
    expect(() => layers.zeroPadding2d({ dataFormat: 'channelsFirst' as never })).toThrow(/zeroPadding2d: dataFormat must be 'channelsLast'/);
  });

  it('shapes', () => {
    const image = layers.input({ shape: [3, 3, 2] }), steps = layers.input({ shape: [4, 2] });
    expect(() => layers.cropping2d({ cropping: [[1, 2], [0, 0]], name: 'c' }).apply(image)).toThrow(new ShapeError(
      'c.apply: c (Cropping2D) cannot crop [1, 2] rows and [0, 0] columns from samples of shape [3, 3, 2]: nothing would remain'));
    expect(() => layers.zeroPadding2d().apply(steps)).toThrow(new ShapeError('ZeroPadding2D.apply: ZeroPadding2D takes samples of shape [height, width, channels], got [4, 2]'));
    expect(() => layers.upSampling2d().apply(steps)).toThrow(/UpSampling2D takes samples of shape \[height, width, channels\], got \[4, 2\]/);
    expect(() => layers.upSampling2d({ size: [4096, 4096], name: 'u' }).apply(image)).toThrow(new ShapeError(
      'u.apply: u would give samples of shape [12288, 12288, 2], 301989888 values; at most 2^24 per sample'));
    expect(layers.upSampling2d({ size: [1024, 4096] }).apply(layers.input({ shape: [2, 1, 2] })).shape).toEqual([null, 2048, 4096, 2]);
  });
});
