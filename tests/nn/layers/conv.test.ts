// layers.conv2d, conv1d, depthwiseConv2d, separableConv2d and conv2dTranspose in models: predictions against a float64
// forward of the whole model (the float64 convolutions of tests/ops/conv-reference.ts), the gradient a training step
// applies against float64 central differences of that forward's loss, shared layers and arguments used twice (the
// backward's adding paths), file round trips with bit-identical predictions, and option errors naming the option.
import { describe, expect, it } from 'vitest';
import { dense, dispose, layers, model, sequential, ShapeError, tensor, type ActivationName, type Model } from '../../../src/index';
import { failOnLeaks, seededValues } from '../../reference';
import { refConv2d, refConvTranspose, refDepthwise, refWindow, type Pad, type Window } from '../../ops/conv-reference';
import { expectForward, expectRoundTrip, expectStepIsGradient, type RefPredict } from './check';

failOnLeaks();

const ACT: Record<string, (z: number) => number> = {
  linear: (z) => z,
  tanh: Math.tanh,
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  swish: (z) => z / (1 + Math.exp(-z)),
};

/** v + bias per channel (the last axis, `c` wide), then the activation. */
function finish(v: Float64Array, bias: Float64Array | null, c: number, act: string): Float64Array {
  return v.map((s, i) => ACT[act](s + (bias ? bias[i % c] : 0)));
}

/** x [rows, width] · w [width, units] + b. */
function denseRef(x: Float64Array, w: Float64Array, b: Float64Array, units: number): Float64Array {
  const width = w.length / units, rows = x.length / width, out = new Float64Array(rows * units);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < units; j++) {
      let s = b[j];
      for (let p = 0; p < width; p++) s += x[r * width + p] * w[p * units + j];
      out[r * units + j] = s;
    }
  }
  return out;
}

/** The window of a layer over samples [h, w, c] of `rows` rows. */
function win(rows: number, [h, w, c]: number[], k: [number, number], s: [number, number], d: [number, number], pad: Pad): Window {
  return refWindow([rows, h, w, c], k[0], k[1], s, d, pad)!;
}

/**
 * Runs the three checks on `net` (its last layer a dense of `units`): predictions within `tol`, the training step's
 * gradient, the file round trip.
 */
async function checkModel(net: Model, sample: number[], units: number, ref: RefPredict, tol = 1e-5, rows = 3): Promise<void> {
  const x = tensor(seededValues(rows * sample.reduce((a, b) => a * b, 1), 11, 1.5), [rows, ...sample]);
  const y = tensor(seededValues(rows * units, 12), [rows, units]);
  expectForward(net, x, ref, tol);
  await expectStepIsGradient(net, x, y, ref);
  await expectRoundTrip(net, x);
  dispose([x, y]);
  net.dispose();
}

describe('layers.conv2d and layers.conv1d', () => {
  const cases: { k: [number, number]; s: [number, number]; d: [number, number]; pad: 'valid' | 'same'; act: ActivationName; sample: number[] }[] = [
    { k: [3, 2], s: [2, 1], d: [1, 1], pad: 'same', act: 'tanh', sample: [5, 6, 2] },
    { k: [2, 2], s: [1, 1], d: [2, 1], pad: 'valid', act: 'swish', sample: [5, 4, 3] },
    { k: [1, 1], s: [1, 1], d: [1, 1], pad: 'valid', act: 'sigmoid', sample: [3, 3, 4] },
    { k: [1, 1], s: [2, 2], d: [1, 1], pad: 'same', act: 'linear', sample: [4, 5, 2] },
    { k: [4, 4], s: [3, 3], d: [1, 1], pad: 'same', act: 'tanh', sample: [4, 4, 1] },
  ];
  for (const t of cases) {
    it(`conv2d ${JSON.stringify(t)}: forward, gradient and round trip`, async () => {
      const filters = 3, units = 2;
      const net = sequential([layers.conv2d({ filters, kernelSize: t.k, strides: t.s, dilationRate: t.d, padding: t.pad, activation: t.act, inputShape: t.sample }),
        layers.flatten(), dense({ units })], { seed: 3 });
      const ref: RefPredict = (w, x) => {
        const rows = x.length / t.sample.reduce((a, b) => a * b, 1), g = win(rows, t.sample, t.k, t.s, t.d, t.pad);
        return denseRef(finish(refConv2d(x, w[0], g, filters).data, w[1], filters, t.act), w[2], w[3], units);
      };
      await checkModel(net, t.sample, units, ref);
    });
  }

  // 3 rows: a training step keeps the batch's columns (1 MB) for the backward; 13 rows (4.6 MB, above KEPT_COLUMN_BYTES
  // in src/nn/layers/conv.ts): the backward makes them again, chunk by chunk.
  it.each([3, 13])('%i samples whose columns take several chunks, swish keeping its sums: forward, gradient, round trip', async (rows) => {
    // 210×210×1 under a 1×2 window: 43,890 pixels of 2 values, 87,780 floats a sample, 2 samples per 2^18-float chunk.
    const sample = [210, 210, 1], units = 21 * 19;
    const net = sequential([layers.conv2d({ filters: 1, kernelSize: [1, 2], activation: 'swish', inputShape: sample }),
      layers.conv2d({ filters: 1, kernelSize: [10, 11], strides: [10, 11] }), layers.flatten()], { seed: 9 });
    // The two windows written out as loops (the general reference is too slow for the central differences here).
    const swish = ACT.swish;
    const ref: RefPredict = (w, x) => {
      const rows = x.length / 44100, out = new Float64Array(rows * units);
      for (let n = 0; n < rows; n++) {
        for (let bi = 0; bi < 21; bi++) {
          for (let bj = 0; bj < 19; bj++) {
            let s = w[3][0];
            for (let i = 0; i < 10; i++) {
              for (let j = 0; j < 11; j++) {
                const at = n * 44100 + (bi * 10 + i) * 210 + bj * 11 + j;
                s += swish(w[0][0] * x[at] + w[0][1] * x[at + 1] + w[1][0]) * w[2][i * 11 + j];
              }
            }
            out[(n * 21 + bi) * 19 + bj] = s;
          }
        }
      }
      return out;
    };
    await checkModel(net, sample, units, ref, 1e-5, rows);
  }, 60_000);

  it('a sigmoid conv2d output fuses with binaryCrossentropy (its sums go to the loss): evaluate against float64', async () => {
    const sample = [4, 5, 2], rows = 3, filters = 2;
    const net = sequential([layers.conv2d({ filters, kernelSize: 2, padding: 'same', activation: 'sigmoid', inputShape: sample })], { seed: 10 });
    net.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const xv = seededValues(rows * 40, 16, 2), yv = seededValues(rows * 40, 17).map((v) => (v > 0 ? 1 : 0));
    const x = tensor(xv, [rows, ...sample]), y = tensor(yv, [rows, 4, 5, filters]);
    const w = net.getWeights(), [kernel, bias] = w.map((t) => Float64Array.from(t.dataSync()));
    const z = finish(refConv2d(xv, kernel, win(rows, sample, [2, 2], [1, 1], [1, 1], 'same'), filters).data, bias, filters, 'linear');
    // binaryCrossentropy from the sums: log(1 + e^-z) for y = 1, log(1 + e^z) for y = 0, averaged.
    const want = z.reduce((s, v, i) => s + Math.log1p(Math.exp(yv[i] ? -v : v)), 0) / z.length;
    const got = net.evaluate(x, y).loss;
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * (1 + want));
    dispose([x, y, ...w]);
    net.dispose();
  });

  it('conv1d with dilation and same padding, without bias: forward, gradient and round trip', async () => {
    const sample = [7, 3], filters = 4, units = 2;
    const net = sequential([layers.conv1d({ filters, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false, activation: 'tanh', inputShape: sample }),
      layers.flatten(), dense({ units })], { seed: 4 });
    const ref: RefPredict = (w, x) => {
      const rows = x.length / 21, g = win(rows, [1, 7, 3], [1, 3], [1, 1], [1, 2], 'same');
      return denseRef(finish(refConv2d(x, w[0], g, filters).data, null, filters, 'tanh'), w[1], w[2], units);
    };
    await checkModel(net, sample, units, ref);
  });

  it('a shared conv2d on two inputs, and a layer output feeding two convolutions: the adding paths of the backward', async () => {
    const a = layers.input({ shape: [4, 4, 2] }), b = layers.input({ shape: [4, 4, 2] });
    const shared = layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' });
    const mixer = dense({ units: 3 }), leftConv = layers.conv2d({ filters: 2, kernelSize: 2, activation: 'tanh' });
    const rightConv = layers.conv2d({ filters: 2, kernelSize: 2, padding: 'same', strides: 2 }), last = dense({ units: 1 });
    const mixed = mixer.apply(a); // [4, 4, 3], its gradient from two convolutions
    const left = leftConv.apply(mixed), right = rightConv.apply(mixed);
    const sum = layers.add().apply([shared.apply(a), shared.apply(b), left]);
    const out = last.apply(layers.concatenate().apply([layers.flatten().apply(sum), layers.flatten().apply(right)]));
    const net = model({ inputs: [a, b], outputs: out, seed: 5 });
    const names = net.layers.map((l) => l.className);
    expect(names.filter((n) => n === 'Conv2D').length).toBe(3);
    const xa = tensor(seededValues(3 * 32, 13, 1.5), [3, 4, 4, 2]), xb = tensor(seededValues(3 * 32, 14, 1.5), [3, 4, 4, 2]);
    const y = tensor(seededValues(3, 15), [3, 1]);
    // Weights in getWeights order: the layers in graph order, each its kernel then its bias.
    const order = net.layers.filter((l) => l.weights.length > 0);
    const index = (layer: object): number => order.slice(0, order.indexOf(layer as never)).reduce((s, l) => s + l.weights.length, 0);
    const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array => {
      const rows = x.length / 64, xa64 = x.subarray(0, rows * 32), xb64 = x.subarray(rows * 32);
      const conv = (v: Float64Array, layer: object, g: Window, act: string): Float64Array => {
        const i = index(layer);
        return finish(refConv2d(v, w[i], g, 2).data, w[i + 1], 2, act);
      };
      const g2 = win(rows, [4, 4, 2], [2, 2], [1, 1], [1, 1], 'valid'), g3 = win(rows, [4, 4, 3], [2, 2], [1, 1], [1, 1], 'valid');
      const gs = win(rows, [4, 4, 3], [2, 2], [2, 2], [1, 1], 'same');
      const di = index(mixer), h = denseRef(xa64, w[di], w[di + 1], 3);
      const s1 = conv(xa64, shared, g2, 'tanh'), s2 = conv(xb64, shared, g2, 'tanh'), l = conv(h, leftConv, g3, 'tanh'), r = conv(h, rightConv, gs, 'linear');
      const flat = new Float64Array(rows * (18 + 8));
      for (let n = 0; n < rows; n++) {
        for (let i = 0; i < 18; i++) flat[n * 26 + i] = s1[n * 18 + i] + s2[n * 18 + i] + l[n * 18 + i];
        for (let i = 0; i < 8; i++) flat[n * 26 + 18 + i] = r[n * 8 + i];
      }
      const oi = index(last);
      return denseRef(flat, w[oi], w[oi + 1], 1);
    };
    expectForward(net, [xa, xb], ref, 1e-5);
    await expectStepIsGradient(net, [xa, xb], y, ref);
    await expectRoundTrip(net, [xa, xb]);
    dispose([xa, xb, y]);
    net.dispose();
  });
});

describe('layers.depthwiseConv2d and layers.separableConv2d', () => {
  it('depthwiseConv2d with a multiplier, strides and same padding: forward, gradient and round trip', async () => {
    const sample = [5, 5, 3], mult = 2, units = 2;
    const net = sequential([layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: mult, strides: 2, padding: 'same', activation: 'sigmoid', inputShape: sample }),
      layers.flatten(), dense({ units })], { seed: 6 });
    const ref: RefPredict = (w, x) => {
      const rows = x.length / 75, g = win(rows, sample, [3, 3], [2, 2], [1, 1], 'same');
      return denseRef(finish(refDepthwise(x, w[0], g, mult).data, w[1], 3 * mult, 'sigmoid'), w[2], w[3], units);
    };
    await checkModel(net, sample, units, ref);
  });

  it('separableConv2d with dilation: forward, gradient (depthwise, pointwise and bias) and round trip', async () => {
    const sample = [6, 5, 2], mult = 2, filters = 3, units = 2;
    const net = sequential([layers.separableConv2d({ filters, kernelSize: 2, depthMultiplier: mult, dilationRate: [2, 1], activation: 'tanh', inputShape: sample }),
      layers.flatten(), dense({ units })], { seed: 7 });
    const ref: RefPredict = (w, x) => {
      const rows = x.length / 60, g = win(rows, sample, [2, 2], [1, 1], [2, 1], 'valid');
      const mid = refDepthwise(x, w[0], g, mult).data;
      const pointwise: Window = { n: rows, h: g.outH, w: g.outW, c: 2 * mult, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, top: 0, left: 0, outH: g.outH, outW: g.outW };
      return denseRef(finish(refConv2d(mid, w[1], pointwise, filters).data, w[2], filters, 'tanh'), w[3], w[4], units);
    };
    await checkModel(net, sample, units, ref);
  });
});

describe('layers.conv2dTranspose', () => {
  const cases: { k: number; s: number; pad: 'valid' | 'same'; sample: number[]; out: number[] }[] = [
    { k: 3, s: 2, pad: 'same', sample: [3, 2, 3], out: [6, 4, 2] },
    { k: 2, s: 3, pad: 'valid', sample: [2, 2, 2], out: [6, 6, 2] },
    { k: 3, s: 1, pad: 'valid', sample: [2, 3, 2], out: [4, 5, 2] },
    { k: 1, s: 1, pad: 'same', sample: [2, 2, 3], out: [2, 2, 2] },
  ];
  for (const t of cases) {
    it(`conv2dTranspose ${JSON.stringify(t)}: output shape, forward, gradient and round trip`, async () => {
      const units = 2;
      const net = sequential([layers.conv2dTranspose({ filters: 2, kernelSize: t.k, strides: t.s, padding: t.pad, activation: 'tanh', inputShape: t.sample }),
        layers.flatten(), dense({ units })], { seed: 8 });
      expect(net.layers[0].calls[0].output.shape).toEqual([null, ...t.out]);
      const ref: RefPredict = (w, x) => {
        const rows = x.length / t.sample.reduce((a, b) => a * b, 1), g = win(rows, t.out, [t.k, t.k], [t.s, t.s], [1, 1], t.pad);
        expect([g.outH, g.outW]).toEqual(t.sample.slice(0, 2));
        return denseRef(finish(refConvTranspose(x, w[0], g, t.sample[2]).data, w[1], 2, 'tanh'), w[2], w[3], units);
      };
      await checkModel(net, t.sample, units, ref);
    });
  }
});

describe('convolution layer options and shapes', () => {
  it('errors name the layer option or the shapes', () => {
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow('conv2d: padding must be \'valid\' or \'same\', got "full"');
    expect(() => layers.conv2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow('conv2d: kernelSize must be a positive integer or an array of 2, got [3,3,3]');
    expect(() => layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow('conv2d: filters must be in [1, 65536], got 0');
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow('conv2d: strides 2 and dilationRate 2 are both above 1');
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow("conv2d: dataFormat must be 'channelsLast'");
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, kernelRegularizer: 'l3' } as never)).toThrow('conv2d: kernelRegularizer must be a regularizer');
    expect(() => layers.conv2d({ filters: 2 } as never)).toThrow('conv2d: kernelSize is required');
    expect(() => layers.conv1d({ filters: 2, kernelSize: 3, activation: 'mish' as 'relu' })).toThrow('conv1d: activation must be one of');
    expect(() => layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: 2 } as never)).toThrow('conv2dTranspose: unknown option "dilationRate"');
    expect(() => layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 0 })).toThrow('depthwiseConv2d: depthMultiplier must be in [1, 65536], got 0');
    expect(() => layers.separableConv2d({ kernelSize: 3 } as never)).toThrow('separableConv2d: filters must be an integer');
    const x = layers.input({ shape: [3, 3, 1] });
    expect(() => layers.conv2d({ filters: 1, kernelSize: 4, name: 'c' }).apply(x)).toThrow(new ShapeError("c.apply: c (Conv2D): the window's height 4 is larger than the input's height 3 with padding 'valid'"));
    expect(() => layers.conv1d({ filters: 1, kernelSize: 2, name: 'd' }).apply(x)).toThrow(new ShapeError('d.apply: d (Conv1D) takes samples of shape [steps, channels], got [3, 3, 1]'));
  });

  it('shapes, weights and fans as Keras', () => {
    const net = sequential([layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', inputShape: [28, 28, 1] }),
      layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 }),
      layers.depthwiseConv2d({ kernelSize: 2, useBias: false }), layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2 })], { seed: 1 });
    expect(net.layers.map((l) => l.calls[0].output.shape)).toEqual([[null, 28, 28, 8], [null, 14, 14, 4], [null, 13, 13, 4], [null, 27, 27, 3]]);
    const w = net.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[3, 3, 1, 8], [8], [3, 3, 8, 2], [1, 1, 16, 4], [4], [2, 2, 4, 1], [3, 3, 3, 4], [3]]);
    // glorotUniform's limit sqrt(6 / (fanIn + fanOut)) with fans kh·kw·inC and kh·kw·filters: 9 and 72 for the first.
    const limit = Math.sqrt(6 / (9 + 72));
    expect(Math.max(...Array.from(w[0].dataSync(), Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(w[0].dataSync(), Math.abs))).toBeGreaterThan(0.7 * limit);
    dispose(w);
    net.dispose();
  });
});
