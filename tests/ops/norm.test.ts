// Normalization: the moments and batchNorm ops (src/ops/norm.ts) and the batch and layer normalization kernels
// (assembly/norm.ts) against float64 references on the float32 inputs (norm-reference.ts), with bounds derived from
// the kernels' roundings; each backward against float64 central differences. Shapes include one row, one channel,
// constant columns (variance 0), empty ones, sizes around the SIMD width (0, 1, 3, 4, 5, 7, 8, 9, 17, 129), offsets
// far from 0 (cancellation) and tiny spreads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchNorm, DisposedError, memory, moments, ShapeError, tensor, Tensor, tidy, zeros } from '../../src/index';
import { kernels } from '../../src/runtime/wasm';
import {
  arbAxisArg, arbShape, arbValues, expectBounded, expectExact, expectThrowsClean, failOnLeaks, normalizeAxes, refReduce, size,
  type Ref,
} from '../reference';
import {
  centralGradients, FLOOR, gradientBounds, outputBound, refMoments, refNorm, TINY, U, type NormData, type NormKind,
} from './norm-reference';

failOnLeaks();

const make = (r: Ref): Tensor => tensor(Float32Array.from(r.data), r.shape);
const inWasm = (values: ArrayLike<number>): Tensor => tensor(Float32Array.from(values));
const read = (t: Tensor): Float64Array => Float64Array.from(t.dataSync());
/** Kernel pointer of an optional argument (0: absent). */
const pointer = (t: Tensor | null): number => (t ? t.ptr : 0);

/** [n, C] data: each channel an offset plus a spread (some channels constant), float32 values. */
function arbData(kind: NormKind, rows: readonly number[], channels: readonly number[], maxSize: number): fc.Arbitrary<NormData> {
  return fc.record({
    n: fc.constantFrom(...rows), C: fc.constantFrom(...channels),
    offset: fc.constantFrom(0, 3, -100, 1000), spread: fc.constantFrom(1e-3, 1, 10), epsilon: fc.constantFrom(1e-3, 1e-5, 0.1),
    seed: fc.nat(), affine: fc.constantFrom('both', 'gamma', 'beta', 'none'),
  }).filter(({ n, C }) => n * C <= maxSize).chain((p) => fc.tuple(
    arbValues(p.n * p.C, 1), fc.array(fc.boolean(), { minLength: p.C, maxLength: p.C }), arbValues(p.C, 2), arbValues(p.C, 2),
  ).map(([unit, constant, gamma, beta]): NormData => {
    const x = unit.map((v, i) => {
      const group = kind === 'batch' ? i % p.C : Math.floor(i / p.C);
      // A constant group: every value of the channel (batch) or row (layer) equal.
      const source = constant[kind === 'batch' ? group : Math.min(group, p.C - 1)] ? (kind === 'batch' ? unit[group] : unit[group * p.C]) : v;
      return Math.fround(p.offset + p.spread * source);
    });
    return {
      kind, n: p.n, C: p.C, x, epsilon: p.epsilon,
      gamma: p.affine === 'both' || p.affine === 'gamma' ? gamma.map(Math.fround) : null,
      beta: p.affine === 'both' || p.affine === 'beta' ? beta.map(Math.fround) : null,
    };
  }));
}

interface TrainRun { y: Float64Array; mean: Float64Array; invStd: Float64Array; movingMean: Float64Array; movingVariance: Float64Array }

/** batchNormTrain or layerNorm on d (moving statistics for batch only, from the given start). */
function forward(d: NormData, moving?: { mean: Float64Array; variance: Float64Array; momentum: number }): TrainRun {
  return tidy(() => {
    const x = inWasm(d.x), y = zeros([d.n * d.C]), groups = d.kind === 'batch' ? d.C : d.n;
    const mean = zeros([groups]), invStd = zeros([groups]), work = zeros([4 * d.C]);
    const gamma = d.gamma && inWasm(d.gamma), beta = d.beta && inWasm(d.beta);
    const mm = moving ? inWasm(moving.mean) : null, mv = moving ? inWasm(moving.variance) : null;
    if (d.kind === 'batch') {
      kernels().batchNormTrain(x.ptr, y.ptr, pointer(gamma), pointer(beta), mean.ptr, invStd.ptr, pointer(mm), pointer(mv), d.n, d.C,
        d.epsilon, 1 - (moving?.momentum ?? 1), work.ptr);
    } else {
      kernels().layerNorm(x.ptr, y.ptr, pointer(gamma), pointer(beta), mean.ptr, invStd.ptr, d.n, d.C, d.epsilon);
    }
    const none = new Float64Array(0);
    return { y: read(y), mean: read(mean), invStd: read(invStd), movingMean: mm ? read(mm) : none, movingVariance: mv ? read(mv) : none };
  });
}

interface BackwardOptions { inPlace?: boolean; accumulate?: { dGamma: Float64Array; dBeta: Float64Array } }

/** The backward kernel on d's forward (its saved mean and invStd), from dy. */
function backward(d: NormData, dy: Float64Array, options: BackwardOptions = {}): { dx: Float64Array; dGamma: Float64Array; dBeta: Float64Array } {
  const saved = forward(d);
  return tidy(() => {
    const x = inWasm(d.x), delta = inWasm(dy), dx = options.inPlace ? delta : zeros([d.n * d.C]);
    const gamma = d.gamma && inWasm(d.gamma), mean = inWasm(saved.mean), invStd = inWasm(saved.invStd), work = zeros([4 * d.C]);
    const dGamma = d.gamma ? inWasm(options.accumulate?.dGamma ?? new Float64Array(d.C)) : null;
    const dBeta = d.beta ? inWasm(options.accumulate?.dBeta ?? new Float64Array(d.C)) : null;
    const run = d.kind === 'batch' ? kernels().batchNormBackward : kernels().layerNormBackward;
    run(x.ptr, delta.ptr, dx.ptr, pointer(gamma), mean.ptr, invStd.ptr, pointer(dGamma), pointer(dBeta), d.n, d.C,
      options.accumulate ? 1 : 0, work.ptr);
    const none = new Float64Array(0);
    return { dx: read(dx), dGamma: dGamma ? read(dGamma) : none, dBeta: dBeta ? read(dBeta) : none };
  });
}

/** Checks one forward against the float64 reference: y, and the saved mean and invStd of each group. */
function expectForward(d: NormData, got: TrainRun, context: string): void {
  const ref = refNorm(d), count = d.kind === 'batch' ? d.n : d.C;
  const maxAbs = d.x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expectBounded(got.y, ref.y, outputBound(d, ref), `${context} y`);
  expectBounded(got.mean, ref.mean, ref.mean.map((m) => U * Math.abs(m) + count * 2 ** -52 * maxAbs + TINY), `${context} mean`);
  expectBounded(got.invStd, ref.invStd, ref.invStd.map((v) => 1.01 * U * v), `${context} invStd`);
}

describe('moments', () => {
  it('gives the mean and the biased variance, as tf.moments', () => {
    tidy(() => {
      const { mean, variance } = moments(tensor([[1, 2], [3, 6]]), 0);
      expect([mean.toArray(), variance.toArray()]).toEqual([[2, 4], [1, 4]]);
      expect(moments(tensor([[1, 2], [3, 6]]), -1, true).variance.toArray()).toEqual([[0.25], [2.25]]);
      expect(moments(tensor([1, 2, 3, 4])).mean.shape).toEqual([]);
      // Far from 0: a float32 one-pass Σx² − (Σx)²/n would lose every digit here.
      expect(moments(tensor([10000.5, 10001.5, 10000.5, 10001.5])).variance.item()).toBe(0.25);
    });
  });

  it('gives NaN over an empty axis, and empty results for empty kept axes', () => {
    tidy(() => {
      const { mean, variance } = moments(zeros([0, 3]), 0);
      expect([Array.from(mean.dataSync()), Array.from(variance.dataSync())]).toEqual([[NaN, NaN, NaN], [NaN, NaN, NaN]]);
      const empty = moments(zeros([3, 0]), 0);
      expect([empty.mean.shape, empty.variance.shape]).toEqual([[0], [0]]);
    });
  });

  it('gives variance exactly 0 for constant values', () => {
    tidy(() => {
      const x = tensor([[7.1, -3], [7.1, -3], [7.1, -3]]);
      expect(Array.from(moments(x, 0).variance.dataSync())).toEqual([0, 0]);
    });
  });

  it('matches the float64 reference over random shapes and axes', () => {
    fc.assert(fc.property(arbShape(4, 4096).chain((shape) => fc.tuple(
      fc.constantFrom(0, 100, -1e4).chain((offset) => arbValues(size(shape), 10).map((v) => ({ data: v.map((x) => Math.fround(x + offset)), shape }))),
      arbAxisArg(shape.length), fc.boolean())),
    ([x, axis, keepDims]) => {
      tidy(() => {
        const axes = normalizeAxes(axis, x.shape.length);
        const { mean, variance } = moments(make(x), axis, keepDims);
        const refMean = refReduce(x, axes, keepDims, (v) => v.reduce((s, a) => s + a, 0) / v.length);
        const refVariance = refReduce(x, axes, keepDims, (v) => {
          const m = v.reduce((s, a) => s + a, 0) / v.length;
          return v.reduce((s, a) => s + (a - m) ** 2, 0) / v.length;
        });
        const maxAbs = refReduce(x, axes, keepDims, (v) => v.reduce((s, a) => Math.max(s, Math.abs(a)), 0));
        const count = size(axes.map((a) => x.shape[a]));
        const context = `moments([${x.shape.join(',')}], ${JSON.stringify(axis)}, ${keepDims})`;
        expect([mean.shape, variance.shape], context).toEqual([refMean.shape, refMean.shape]);
        // f64 sums: the mean within (n + 1)·2^-53·max|x| before its rounding; the variance within (n + 3)·2^-53
        // relative and the square of the mean's error.
        const slack = (i: number): number => (count + 3) * 2 ** -53 * maxAbs.data[i];
        expectBounded(mean.dataSync(), refMean.data, refMean.data.map((m, i) => U * Math.abs(m) + slack(i) + TINY), `${context} mean`);
        expectBounded(variance.dataSync(), refVariance.data,
          refVariance.data.map((v, i) => 1.01 * U * v + slack(i) ** 2 * count + TINY), `${context} variance`);
      });
    }), { numRuns: 40 });
  });

  it('rejects bad arguments before allocating', () => {
    tidy(() => {
      const x = tensor([[1, 2]]);
      expectThrowsClean(() => moments(x, 2), RangeError, ['moments', 'axis 2'], memory);
      expectThrowsClean(() => moments(x, [0, 0]), RangeError, ['moments', 'repeats'], memory);
      expectThrowsClean(() => moments(x, 0, 1 as unknown as boolean), TypeError, ['moments', 'keepDims'], memory);
      expectThrowsClean(() => moments([1, 2] as unknown as Tensor), TypeError, ['moments', 'x must be a Tensor'], memory);
      const gone = tensor([1]);
      gone.dispose();
      expectThrowsClean(() => moments(gone), DisposedError, ['moments', 'x was disposed'], memory);
    });
  });
});

describe('batchNorm', () => {
  it('normalizes with given statistics, as tf.batchNorm', () => {
    tidy(() => {
      const x = tensor([[1, 2], [3, 6]]);
      expect(batchNorm(x, tensor([2, 4]), tensor([1, 4]), undefined, undefined, 0).toArray()).toEqual([[-1, -1], [1, 1]]);
      expect(batchNorm(x, tensor([2, 4]), tensor([1, 4]), tensor([10, 20]), tensor([2, 3]), 0).toArray()).toEqual([[8, 17], [12, 23]]);
      // The default epsilon is 0.001, as in TF.js: 1/√1.001 rounded once.
      expect(batchNorm(tensor([3]), tensor([2]), tensor([1])).item()).toBe(Math.fround(1 / Math.sqrt(1.001)));
      // null stands for an absent offset or scale, as TF.js allows.
      expect(batchNorm(x, tensor([2, 4]), tensor([1, 4]), null, tensor([2, 3]), 0).toArray()).toEqual([[-2, -3], [2, 3]]);
      // Variance 0 with epsilon 0: ±Infinity, and NaN where x equals the mean.
      expect(batchNorm(tensor([1, 2, 3]), tensor([2]), tensor([0]), undefined, undefined, 0).toArray()).toEqual([-Infinity, NaN, Infinity]);
      expect(batchNorm(zeros([0, 2]), tensor([2, 4]), tensor([1, 4])).shape).toEqual([0, 2]);
      // As a method, the same bits (the default epsilon too).
      const [m, v, o, s] = [tensor([2.5, 4]), tensor([1.5, 3]), tensor([0.5, -1]), tensor([2, 0.25])];
      expectExact(x.batchNorm(m, v, o, s).dataSync(), batchNorm(x, m, v, o, s).dataSync(), 'method');
      expectExact(x.batchNorm(m, v, undefined, s, 0.1).dataSync(), batchNorm(x, m, v, undefined, s, 0.1).dataSync(), 'method, epsilon');
    });
  });

  it('broadcasts parameters of any shape that fits x, per channel or per position', () => {
    fc.assert(fc.property(arbShape(4, 2048).filter((s) => s.length > 0).chain((shape) => {
      // A parameter's shape: x's, with some axes set to 1 and some leading axes dropped.
      const fitting = fc.tuple(fc.nat({ max: shape.length }), fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }))
        .map(([drop, ones]) => shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
      return fc.tuple(arbValues(size(shape), 10).map((data): Ref => ({ data, shape })), fc.tuple(fitting, fitting, fitting, fitting),
        fc.boolean(), fc.boolean(), fc.constantFrom(1e-3, 0.5));
    }),
    ([x, [meanShape, varianceShape, offsetShape, scaleShape], withOffset, withScale, epsilon]) => {
      tidy(() => {
        const param = (shape: number[], low: number, seed: number): Ref =>
          ({ data: Float64Array.from({ length: size(shape) }, (_, i) => Math.fround(low + ((i * 7 + seed) % 11) / 3)), shape });
        const mean = param(meanShape, -2, 1), variance = param(varianceShape, 0, 2), offset = param(offsetShape, -1, 3), scale = param(scaleShape, -2, 4);
        const got = batchNorm(make(x), make(mean), make(variance), withOffset ? make(offset) : undefined, withScale ? make(scale) : undefined, epsilon);
        const context = `batchNorm([${x.shape.join(',')}], mean [${meanShape.join(',')}], variance [${varianceShape.join(',')}])`;
        expect(got.shape, context).toEqual(x.shape);
        const at = (p: Ref, index: number[]): number => {
          let flat = 0;
          p.shape.forEach((d, k) => (flat = flat * d + (d === 1 ? 0 : index[index.length - p.shape.length + k])));
          return p.data[flat];
        };
        const expected = new Float64Array(x.data.length), bound = new Float64Array(x.data.length);
        for (let i = 0; i < x.data.length; i++) {
          const index = x.shape.map((_, k) => Math.floor(i / size(x.shape.slice(k + 1))) % x.shape[k]);
          const inv = 1 / Math.sqrt(at(variance, index) + epsilon), a = x.data[i] - at(mean, index);
          const gamma = withScale ? at(scale, index) : 1, xh = a * inv;
          expected[i] = xh * gamma + (withOffset ? at(offset, index) : 0);
          // x − mean, 1/σ, the two products and the sum: one rounding each, each also possibly underflowing (FLOOR,
          // the subtraction's amplified by 1/σ·γ and the first product's by γ).
          bound[i] = 1.01 * U * (3 * Math.abs(xh * gamma) + Math.abs(xh * gamma) + Math.abs(expected[i])) +
            FLOOR * (Math.abs(inv * gamma) + Math.abs(gamma) + 2);
        }
        expectBounded(got.dataSync(), expected, bound, context);
      });
    }), { numRuns: 60 });
  });

  it('rejects bad arguments before allocating, naming them', () => {
    tidy(() => {
      const x = zeros([2, 3]), c = zeros([3]), two = zeros([2]), big = zeros([1, 2, 3]), four = zeros([4]), square = zeros([2, 2]);
      expectThrowsClean(() => batchNorm(x, two, c), ShapeError, ['batchNorm', 'mean has shape [2]', 'x has shape [2,3]'], memory);
      expectThrowsClean(() => batchNorm(x, c, big), ShapeError, ['batchNorm', 'variance has shape [1,2,3]'], memory);
      expectThrowsClean(() => batchNorm(x, c, c, four), ShapeError, ['batchNorm', 'offset has shape [4]'], memory);
      expectThrowsClean(() => batchNorm(x, c, c, c, square), ShapeError, ['batchNorm', 'scale has shape [2,2]'], memory);
      expectThrowsClean(() => batchNorm(x, c, [1, 2, 3] as unknown as Tensor), TypeError, ['batchNorm', 'variance must be a Tensor'], memory);
      expectThrowsClean(() => batchNorm(x, c, c, 1 as unknown as Tensor), TypeError, ['batchNorm', 'offset must be a Tensor'], memory);
      expectThrowsClean(() => batchNorm(x, c, c, c, c, NaN), TypeError, ['batchNorm', 'varianceEpsilon'], memory);
      const gone = zeros([3]);
      gone.dispose();
      expectThrowsClean(() => batchNorm(x, gone, c), DisposedError, ['batchNorm', 'mean was disposed'], memory);
    });
  });
});

for (const kind of ['batch', 'layer'] as const) {
  const name = kind === 'batch' ? 'batchNormTrain' : 'layerNorm';
  const backwardName = kind === 'batch' ? 'batchNormBackward' : 'layerNormBackward';
  const rows = kind === 'batch' ? [1, 2, 3, 5, 8, 17, 129] : [0, 1, 2, 3, 5, 8, 17, 129];

  describe(`${name} (kernel)`, () => {
    it('matches the float64 forward: output, saved mean and 1/√(σ² + ε)', () => {
      fc.assert(fc.property(arbData(kind, rows, [0, 1, 2, 3, 4, 5, 7, 8, 9, 17, 129], 20000), (d) => {
        expectForward(d, forward(d), `${name} n=${d.n} C=${d.C}`);
      }), { numRuns: 80 });
    });

    it('gives β exactly where a group is constant (variance 0), and one row or one channel', () => {
      const x = Float64Array.from([5, 5, 5, 5, 5, 5].map(Math.fround));
      const beta = Float64Array.from([0.5, -2, 3]), gamma = Float64Array.from([2, 3, 4]);
      expectExact(forward({ kind, n: 2, C: 3, x, gamma, beta, epsilon: 1e-3 }).y, [0.5, -2, 3, 0.5, -2, 3], 'constant');
      // One row (batch) or one channel (layer): every group has one value, so x̂ = 0.
      const single = kind === 'batch' ? { n: 1, C: 3 } : { n: 3, C: 1 };
      const y = forward({ kind, ...single, x: Float64Array.from([1.5, -7, 2]), gamma: null, beta: null, epsilon: 1e-3 }).y;
      expectExact(y, [0, 0, 0], 'single');
    });

    // Layer statistics sum along the row, in an order that depends on the positions: only batch's are exact here.
    if (kind === 'batch') it('gives each channel the same bits in the SIMD lanes and in the loop tail', () => {
      fc.assert(fc.property(arbData(kind, [1, 3, 9], [5, 7, 9], 200), fc.nat(), (d, shift) => {
        // Rotating the channels moves each one between lanes and the tail; each channel's output must move unchanged.
        const k = shift % d.C, rotate = (v: Float64Array, width: number): Float64Array => v.map((_, i) => v[i - (i % width) + ((i % width) + k) % width]);
        const moved = { ...d, x: rotate(d.x, d.C), gamma: d.gamma && rotate(d.gamma, d.C), beta: d.beta && rotate(d.beta, d.C) };
        expectExact(forward(moved).y, rotate(forward(d).y, d.C), 'rotated channels');
      }), { numRuns: 20 });
    });

    if (kind === 'batch') {
      it('updates the moving mean and variance with the biased batch variance, as TF.js', () => {
        fc.assert(fc.property(arbData(kind, rows, [1, 3, 4, 9, 17], 4000), fc.constantFrom(0.99, 0.9, 0.5, 0), (d, momentum) => {
          const start = { mean: Float64Array.from({ length: d.C }, (_, c) => Math.fround(c - 2.5)), variance: Float64Array.from({ length: d.C }, (_, c) => Math.fround(0.5 + c)) };
          const got = forward(d, { ...start, momentum });
          const { mean, variance } = refMoments(d);
          const decay = 1 - momentum;
          const expectedMean = start.mean.map((m, c) => m - (m - mean[c]) * decay);
          const expectedVariance = start.variance.map((v, c) => v - (v - variance[c]) * decay);
          // One rounding to float32 of an f64 update from f64 statistics (their errors below 2^-40 relative here).
          expectBounded(got.movingMean, expectedMean, expectedMean.map((m, c) => U * Math.abs(m) + 2 ** -40 * (Math.abs(start.mean[c]) + Math.abs(mean[c]))), 'moving mean');
          expectBounded(got.movingVariance, expectedVariance, expectedVariance.map((v, c) => U * v + 2 ** -40 * (start.variance[c] + variance[c])), 'moving variance');
          expectForward(d, got, 'with moving statistics');
        }), { numRuns: 40 });
      });
    }

    it('runs in place (y = x) with the same bits', () => {
      const d: NormData = { kind, n: 5, C: 7, x: Float64Array.from({ length: 35 }, (_, i) => Math.fround(Math.sin(i) * 3)), gamma: null, beta: Float64Array.from({ length: 7 }, (_, i) => i), epsilon: 1e-3 };
      const apart = forward(d).y;
      const together = tidy(() => {
        const x = inWasm(d.x), beta = inWasm(d.beta!), mean = zeros([7]), invStd = zeros([7]), work = zeros([28]);
        if (kind === 'batch') kernels().batchNormTrain(x.ptr, x.ptr, 0, beta.ptr, mean.ptr, invStd.ptr, 0, 0, 5, 7, 1e-3, 1, work.ptr);
        else kernels().layerNorm(x.ptr, x.ptr, 0, beta.ptr, mean.ptr, invStd.ptr, 5, 7, 1e-3);
        return read(x);
      });
      expectExact(together, apart, 'in place');
    });
  });

  describe(`${backwardName} (kernel)`, () => {
    it('matches float64 central differences of Σ dy·y for x, γ and β', () => {
      fc.assert(fc.property(arbData(kind, rows.filter((n) => n <= 17), [1, 2, 3, 4, 5, 7, 9, 17], 160), fc.integer({ min: 0, max: 2 ** 30 }), (d, seed) => {
        const dy = Float64Array.from({ length: d.n * d.C }, (_, i) => Math.fround(Math.sin(seed + i * 1.7) * 2));
        const got = backward(d, dy);
        const { grad, error } = centralGradients(d, dy);
        const bound = gradientBounds(d, dy);
        const context = `${backwardName} n=${d.n} C=${d.C}`;
        expectBounded(got.dx, grad.dx, bound.dx.map((b, i) => b + error.dx[i]), `${context} dx`);
        expectBounded(got.dGamma, grad.dGamma, bound.dGamma.slice(0, grad.dGamma.length).map((b, i) => b + error.dGamma[i]), `${context} dGamma`);
        expectBounded(got.dBeta, grad.dBeta, bound.dBeta.slice(0, grad.dBeta.length).map((b, i) => b + error.dBeta[i]), `${context} dBeta`);
      }), { numRuns: 40 });
    });

    it('adds dγ and dβ to what they hold with accumulate, and writes dx in place over dy', () => {
      const d: NormData = {
        kind, n: 6, C: 5, x: Float64Array.from({ length: 30 }, (_, i) => Math.fround(Math.cos(i * 0.9) * 4 + 1)),
        gamma: Float64Array.from([1.5, -1, 0.25, 2, 0.5]), beta: Float64Array.from([0, 1, 2, 3, 4]), epsilon: 1e-3,
      };
      const dy = Float64Array.from({ length: 30 }, (_, i) => Math.fround(Math.sin(i)));
      const plain = backward(d, dy);
      const start = { dGamma: Float64Array.from([1, 2, 3, 4, 5]), dBeta: Float64Array.from([-1, -2, -3, -4, -5]) };
      const added = backward(d, dy, { accumulate: start, inPlace: true });
      expectExact(added.dx, plain.dx, 'dx in place');
      expectExact(added.dGamma, plain.dGamma.map((v, c) => Math.fround(start.dGamma[c] + v)), 'dGamma added');
      expectExact(added.dBeta, plain.dBeta.map((v, c) => Math.fround(start.dBeta[c] + v)), 'dBeta added');
    });

    it('gives dx = 0 where every group holds one value, and nothing for empty data', () => {
      const single = kind === 'batch' ? { n: 1, C: 4 } : { n: 4, C: 1 };
      const d: NormData = { kind, ...single, x: Float64Array.from([1, 2, 3, 4]), gamma: Float64Array.from({ length: single.C }, () => 2), beta: null, epsilon: 1e-3 };
      expectExact(backward(d, Float64Array.from([0.5, -1, 2, 3])).dx, [0, 0, 0, 0], 'single');
      const empty = backward({ ...d, C: 0, x: new Float64Array(0), gamma: new Float64Array(0) }, new Float64Array(0));
      expect(empty.dx.length).toBe(0);
    });
  });
}
