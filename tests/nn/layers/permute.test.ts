// layers.permute and layers.repeatVector: every permutation of samples of one to three axes against float64 index
// loops, the gradient of a training step through them (weights before and after, and a gradient they share with
// another path: EDGE_ADD) against float64 central differences, file round trips, and errors naming the layer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dense, dispose, input, layers, model, Permute, RepeatVector, ShapeError, tensor, type Tensor } from '../../../src/index';
import { failOnLeaks, seededValues, strides, unravel } from '../../reference';
import { denseRef, expectForward, expectRoundTrip, expectStepIsGradient } from './check';

failOnLeaks();

/** Each sample [dims] of x with output axis i = input axis dims[i] − 1, float64. */
function permuteRef(x: Float64Array, shape: readonly number[], dims: readonly number[]): Float64Array {
  const size = shape.reduce((a, b) => a * b, 1), outShape = dims.map((d) => shape[d - 1]), s = strides(shape);
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / size; r++) {
    for (let i = 0; i < size; i++) {
      const idx = unravel(i, outShape);
      out[r * size + i] = x[r * size + idx.reduce((at, v, d) => at + v * s[dims[d] - 1], 0)];
    }
  }
  return out;
}

const permutations = (k: number): number[][] =>
  k === 1 ? [[1]] : permutations(k - 1).flatMap((p) => Array.from({ length: k }, (_, at) => [...p.slice(0, at), k, ...p.slice(at)]));

const ROWS = 3;

describe('layers.permute', () => {
  it('moves each value as the index reference does, over odd sizes, one row and any permutation (property)', () => {
    const arbCase = fc.array(fc.constantFrom<number>(1, 2, 3, 5, 7), { minLength: 1, maxLength: 3 }).chain((shape) => fc.record({
      shape: fc.constant(shape), rows: fc.constantFrom(1, 2, 4), seed: fc.nat(1000),
      dims: fc.shuffledSubarray(shape.map((_, d) => d + 1), { minLength: shape.length, maxLength: shape.length }),
    }));
    fc.assert(fc.property(arbCase, ({ shape, rows, seed, dims }) => {
      const size = shape.reduce((a, b) => a * b, 1), i = input({ shape });
      const net = model({ inputs: i, outputs: layers.permute({ dims }).apply(i) });
      const x = tensor(seededValues(rows * size, seed), [rows, ...shape]), out = net.predict(x) as Tensor;
      expect(out.shape).toEqual([rows, ...dims.map((d) => shape[d - 1])]);
      expect(Array.from(out.dataSync())).toEqual(Array.from(permuteRef(Float64Array.from(x.dataSync()), shape, dims)));
      dispose([x, out]);
      net.dispose();
    }), { numRuns: 80 });
  });

  for (const shape of [[5], [3, 4], [2, 3, 5], [1, 4, 1]]) {
    it(`every permutation of samples ${JSON.stringify(shape)} moves each value as the index reference does`, () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tensor(seededValues(ROWS * size, 1), [ROWS, ...shape]);
      for (const dims of permutations(shape.length)) {
        const i = input({ shape });
        const net = model({ inputs: i, outputs: layers.permute({ dims }).apply(i) });
        const out = net.predict(x) as Tensor;
        expect(out.shape).toEqual([ROWS, ...dims.map((d) => shape[d - 1])]);
        expect(Array.from(out.dataSync()), `dims ${dims}`).toEqual(Array.from(permuteRef(Float64Array.from(x.dataSync()), shape, dims)));
        out.dispose();
        net.dispose();
      }
      x.dispose();
    });
  }

  for (const dims of [[2, 1, 3], [3, 1, 2], [2, 3, 1]]) {
    it(`dense → permute(${dims}) → dense, and the dense outputs also taken directly: gradient and round trip`, async () => {
      // x [rows, 2, 3, 4] → dense(3, tanh) on the last axis h [2, 3, 3] → permute → flatten ⊕ flatten(h) → dense(2)
      const i = input({ shape: [2, 3, 4] });
      const h = dense({ units: 3, activation: 'tanh' }).apply(i);
      const joined = layers.concatenate().apply([layers.flatten().apply(layers.permute({ dims }).apply(h)), layers.flatten().apply(h)]);
      const net = model({ inputs: i, outputs: dense({ units: 2 }).apply(joined), seed: 4 });
      const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array => {
        const hs = denseRef(x, w[0], w[1], 4, 3, true), rows = x.length / 24, cat = new Float64Array(rows * 36);
        const ps = permuteRef(hs, [2, 3, 3], dims);
        for (let r = 0; r < rows; r++) {
          cat.set(ps.subarray(r * 18, r * 18 + 18), r * 36);
          cat.set(hs.subarray(r * 18, r * 18 + 18), r * 36 + 18);
        }
        return denseRef(cat, w[2], w[3], 36, 2, false);
      };
      const x = tensor(seededValues(ROWS * 24, 2), [ROWS, 2, 3, 4]), y = tensor(seededValues(ROWS * 2, 3), [ROWS, 2]);
      // float32 sums of ≤ 37 terms of magnitude ≤ 1: well below 1e-5 relative
      expectForward(net, x, ref, 1e-5);
      await expectStepIsGradient(net, x, y, ref);
      await expectRoundTrip(net, x);
      dispose([x, y]);
      net.dispose();
    });
  }

  it('errors name the option or the layer and the shapes', () => {
    expect(layers.permute({ dims: [2, 1] })).toBeInstanceOf(Permute);
    for (const dims of [[1, 1], [0, 1], [2, 3], [1, 2, 3, 4], [], '21']) {
      expect(() => layers.permute({ dims: dims as number[] })).toThrow(/permute: dims must list each of the axes 1..k of a sample once/);
    }
    expect(() => layers.permute({ dims: [2, 1], inputShape: [3] })).toThrow(/permute: inputShape must be an array of 2 sizes/);
    expect(() => layers.permute({ dims: [2, 1], perm: [1] } as never)).toThrow(/permute: .*perm/);
    expect(() => layers.permute({ dims: [2, 1], name: 'p' }).apply(input({ shape: [2, 3, 4] })))
      .toThrow(new ShapeError('p.apply: p (Permute) with dims [2, 1] takes samples of 2 axes, got [2, 3, 4]'));
  });
});

describe('layers.repeatVector', () => {
  it('dense → repeatVector(3) → dense on each copy, the dense outputs also taken directly: forward, gradient, round trip', async () => {
    // x [rows, 4] → dense(2, tanh) h → repeatVector(3) [3, 2] → dense(2) on each copy → flatten ⊕ h → dense(2)
    const i = input({ shape: [4] });
    const h = dense({ units: 2, activation: 'tanh' }).apply(i);
    const copies = dense({ units: 2, activation: 'tanh' }).apply(layers.repeatVector({ n: 3 }).apply(h));
    expect(copies.shape).toEqual([null, 3, 2]);
    const joined = layers.concatenate().apply([layers.flatten().apply(copies), h]);
    const net = model({ inputs: i, outputs: dense({ units: 2 }).apply(joined), seed: 6 });
    const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array => {
      const hs = denseRef(x, w[0], w[1], 4, 2, true), rows = x.length / 4, cat = new Float64Array(rows * 8);
      for (let r = 0; r < rows; r++) {
        const row = hs.subarray(r * 2, r * 2 + 2);
        cat.set(denseRef(Float64Array.of(...row, ...row, ...row), w[2], w[3], 2, 2, true), r * 8);
        cat.set(row, r * 8 + 6);
      }
      return denseRef(cat, w[4], w[5], 8, 2, false);
    };
    const x = tensor(seededValues(ROWS * 4, 7), [ROWS, 4]), y = tensor(seededValues(ROWS * 2, 8), [ROWS, 2]);
    expectForward(net, x, ref, 1e-5);
    await expectStepIsGradient(net, x, y, ref);
    await expectRoundTrip(net, x);
    dispose([x, y]);
    net.dispose();
  });

  it('copies each sample n times exactly, over odd sizes and one row (property); errors name the option or the layer', () => {
    const arbCase = fc.record({ n: fc.constantFrom(1, 2, 5), f: fc.constantFrom(1, 3, 4, 9), rows: fc.constantFrom(1, 3), seed: fc.nat(1000) });
    fc.assert(fc.property(arbCase, ({ n, f, rows, seed }) => {
      const i = input({ shape: [f] });
      const net = model({ inputs: i, outputs: layers.repeatVector({ n }).apply(i) });
      const x = tensor(seededValues(rows * f, seed), [rows, f]), out = net.predict(x) as Tensor;
      const v = Array.from(x.dataSync());
      expect(out.shape).toEqual([rows, n, f]);
      expect(Array.from(out.dataSync())).toEqual(Array.from({ length: rows }, (_, r) => Array.from({ length: n }, () => v.slice(r * f, r * f + f))).flat(2));
      dispose([x, out]);
      net.dispose();
    }), { numRuns: 40 });
    expect(layers.repeatVector({ n: 2 })).toBeInstanceOf(RepeatVector);
    expect(() => layers.repeatVector({ n: 0 })).toThrow(/repeatVector: n must be in \[1, 16777216\], got 0/);
    expect(() => layers.repeatVector({ n: 2.5 })).toThrow(/repeatVector: n must be an integer, got 2.5/);
    expect(() => layers.repeatVector({ n: 2, inputShape: [2, 3] })).toThrow(/repeatVector: inputShape must be an array of 1 sizes/);
    expect(() => layers.repeatVector({ n: 2, name: 'r' }).apply(input({ shape: [2, 3] })))
      .toThrow(new ShapeError('r.apply: r (RepeatVector) takes samples of one axis ([null, features]), got [null, 2, 3]'));
  });
});
