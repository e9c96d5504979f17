// Spatial kernels (assembly/spatial.ts) against float64 references: zero padding and cropping (signed padding, one
// shift) and nearest up-sampling exact, bilinear up-sampling (TF.js resizeBilinear, alignCorners and
// halfPixelCenters false) within the rounding of its interpolations; each backward, with and without its add flag,
// against float64 central differences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../src/ops/pool';
import { kernels } from '../../src/runtime/wasm';
import { expectBounded, expectExact, failOnLeaks, seededValues } from '../reference';
import { adjointBound, bilinearTaps, centralDifferences, forward64, geometryOf, nearestTaps, onWasm, shiftTaps, type Taps } from './windowed';

const U = 2 ** -24;

type Kernel = 'pad2d' | 'upSample2d' | 'upSampleBilinear2d';

/**
 * Runs a forward kernel and its backward (onto NaN, or adding onto values) and checks both: the forward exact or
 * within `forwardRoundings`·u·Σ|taps|, the backward within the bound of its sums (`weightRoundings` more per term).
 */
function check(kernel: Kernel, g: Geometry, taps: Taps, rows: number, add: boolean, seed: number, forwardRoundings: number, weightRoundings: number): void {
  const inSize = g.inH * g.inW * g.inC, outSize = g.outH * g.outW * g.inC;
  const x = seededValues(rows * inSize, seed), dy = seededValues(rows * outSize, seed + 1);
  const start = add ? seededValues(rows * inSize, seed + 2) : new Float64Array(rows * inSize).fill(NaN);
  const [y, dx] = onWasm(g, [x, dy], [new Float64Array(rows * outSize), start], (gp, [px, pdy, py, pdx]) => {
    kernels()[kernel](px, py, gp, rows);
    kernels()[`${kernel}Backward`](pdy, pdx, gp, rows, add ? 1 : 0);
  });
  const context = `${kernel} ${JSON.stringify(g)} rows ${rows} add ${add}`;
  const want = forward64(taps, x, rows, inSize, 'sum').y;
  if (forwardRoundings === 0) expectExact(y, want.map((v) => v + 0), context);
  else {
    const abs = forward64(taps.map(({ index }) => ({ index, weight: index.map(() => 1) })), Array.from(x, Math.abs), rows, inSize, 'sum').y;
    expectBounded(y, want, abs.map((a) => forwardRoundings * U * a), context);
  }
  const grad = centralDifferences(taps, x, dy, rows, inSize, 'sum', 1 / 64);
  const expected = add ? grad.map((v, i) => v + start[i]) : grad;
  expectBounded(dx, expected, adjointBound(taps, dy, rows, inSize, undefined, add ? start : undefined, weightRoundings), `${context} backward`);
}

failOnLeaks();

describe('hand-picked values', () => {
  it('pad, crop and up-sample a 2×2 image', () => {
    const g = (outH: number, outW: number, extra: Partial<Geometry>): Geometry => geometryOf(2, 2, 1, outH, outW, extra);
    const run = (kernel: Kernel, geometry: Geometry, n: number): number[] =>
      Array.from(onWasm(geometry, [[1, 2, 3, 4]], [new Float64Array(n)], (gp, [px, py]) => kernels()[kernel](px, py, gp, 1))[0]);
    expect(run('pad2d', g(3, 4, { padTop: 1, padLeft: 2 }), 12)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4]);
    expect(run('pad2d', g(1, 2, { padTop: -1, padLeft: 0 }), 2)).toEqual([3, 4]);
    expect(run('upSample2d', g(2, 4, { sH: 1, sW: 2 }), 8)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    // TF.js: tf.image.resizeBilinear(tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), [4, 4]).
    expect(run('upSampleBilinear2d', g(4, 4, { sH: 2, sW: 2 }), 16)).toEqual([1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4]);
  });
});

const arbRows = fc.constantFrom(1, 2, 3);
const arbChannels = fc.constantFrom(1, 2, 3, 4, 5, 8, 9);

describe('kernels and their adjoints against float64 references (fast-check)', () => {
  it('pad2d: zero padding and cropping by signed amounts on each side', () => {
    const side = fc.integer({ min: -3, max: 3 });
    fc.assert(fc.property(fc.record({ rows: arbRows, h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), c: arbChannels,
      t: side, b: side, l: side, r: side, add: fc.boolean(), seed: fc.integer() }), ({ rows, h, w, c, t, b, l, r, add, seed }) => {
      fc.pre(h + t + b >= 1 && w + l + r >= 1);
      const g = geometryOf(h, w, c, h + t + b, w + l + r, { padTop: t, padLeft: l });
      check('pad2d', g, shiftTaps(g), rows, add, seed, 0, 0);
    }), { numRuns: 200 });
  });

  it('upSample2d: nearest neighbour by integer factors', () => {
    fc.assert(fc.property(fc.record({ rows: arbRows, h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), c: arbChannels,
      sh: fc.integer({ min: 1, max: 4 }), sw: fc.integer({ min: 1, max: 4 }), add: fc.boolean(), seed: fc.integer() }), ({ rows, h, w, c, sh, sw, add, seed }) => {
      const g = geometryOf(h, w, c, h * sh, w * sw, { sH: sh, sW: sw });
      check('upSample2d', g, nearestTaps(g), rows, add, seed, 0, 0);
    }), { numRuns: 150 });
  });

  it('upSampleBilinear2d: bilinear by integer factors, as TF.js resizeBilinear', () => {
    fc.assert(fc.property(fc.record({ rows: arbRows, h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), c: arbChannels,
      sh: fc.integer({ min: 1, max: 4 }), sw: fc.integer({ min: 1, max: 4 }), add: fc.boolean(), seed: fc.integer() }), ({ rows, h, w, c, sh, sw, add, seed }) => {
      const g = geometryOf(h, w, c, h * sh, w * sw, { sH: sh, sW: sw });
      // Forward: fx and fy rounded, then three lerps of two roundings each (first order, ≤ 8 roundings of any tap's
      // magnitude); backward: each weight (1 − fy)(1 − fx) computed with ≤ 4 roundings.
      check('upSampleBilinear2d', g, bilinearTaps(g), rows, add, seed, 8, 4);
    }), { numRuns: 150 });
  });
});
