// Weight constraints after each update: MaxNorm, UnitNorm (norms over any run of adjacent axes, Keras's ε) and NonNeg
// against a float64 reference, on Dense, Conv2D and Embedding weights of random shapes; the options and their errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constraints, dense, initializers, layers, memory, sequential, sgd, tensor, type Model, type Tensor } from '../../src/index';

type Constraint = constraints.Constraint;
import { expectThrowsClean, failOnLeaks, seededValues, strides } from '../reference';
import { weightsOf } from './layers/check';
import { refForward, refGradients, refLayers, seededLayers, denseTargets, flatParams } from './net-reference';

failOnLeaks();

const EPSILON = 1e-7;

/** The constraint applied to w of `shape` in float64 (axes as the constraint gives them). */
function refConstrain(c: Constraint, w: Float64Array, shape: readonly number[]): Float64Array {
  if (c.className === 'NonNeg') return w.map((v) => (v >= 0 ? v : 0));
  const rank = shape.length, axes = (typeof c.axis === 'number' ? [c.axis] : [...(c.axis as number[])]).map((a) => (a < 0 ? a + rank : a));
  const st = strides(shape), out = new Float64Array(w.length), squares = new Map<string, number>();
  // The key of a position: its index along the axes the norm does not run over.
  const key = (i: number): string => shape.map((n, d) => (axes.includes(d) ? 0 : Math.floor(i / st[d]) % n)).join();
  w.forEach((v, i) => squares.set(key(i), (squares.get(key(i)) ?? 0) + v * v));
  w.forEach((v, i) => {
    const norm = Math.sqrt(squares.get(key(i))!);
    out[i] = v * ((c.className === 'UnitNorm' ? 1 : Math.min(norm, c.maxValue!)) / (EPSILON + norm));
  });
  return out;
}

/** Asserts each value within a few float32 roundings of the reference (the factor's, the product's). */
function expectNear(got: ArrayLike<number>, want: Float64Array, context: string): void {
  want.forEach((v, i) => expect(Math.abs(got[i] - v), `${context} [${i}]: ${got[i]} vs ${v}`).toBeLessThanOrEqual(3 * 2 ** -24 * Math.abs(v) + 1e-37));
}

/** Trains one step with learning rate 0 (the update leaves the weights as they are), so the constraint alone acts. */
async function stepWithoutUpdate(model: Model, x: Tensor, y: Tensor): Promise<void> {
  model.compile({ optimizer: sgd({ learningRate: 0 }), loss: 'meanSquaredError' });
  await model.fit(x, y, { epochs: 1, batchSize: x.shape[0], shuffle: false });
}

const arbConstraint = (rank: number): fc.Arbitrary<Constraint> => {
  const axis = fc.integer({ min: 0, max: rank - 1 }).chain((first) => fc.integer({ min: first, max: rank - 1 }).chain((last) =>
    fc.constantFrom<number | number[]>(first - rank, first === last ? first : Array.from({ length: last - first + 1 }, (_, i) => first + i))));
  return fc.oneof(
    fc.record({ maxValue: fc.double({ min: 0, max: 3, noNaN: true }), axis }).map((o) => constraints.maxNorm(o)),
    axis.map((a) => constraints.unitNorm({ axis: a })),
    fc.constant(constraints.nonNeg()));
};

describe('constraints after an update', () => {
  it('Conv2D kernels and biases of random shapes, over any adjacent axes', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }),
      arbConstraint(4), arbConstraint(1), fc.integer({ min: 0, max: 1000 }),
      async (kh, kw, cin, filters, kernelConstraint, biasConstraint, seed) => {
        const model = sequential([layers.conv2d({ filters, kernelSize: [kh, kw], inputShape: [3, 3, cin], kernelConstraint, biasConstraint,
          kernelInitializer: initializers.randomUniform({ min: -1, max: 1, seed }), biasInitializer: initializers.randomUniform({ min: -1, max: 1, seed: seed + 1 }) })]);
        const x = tensor(seededValues(2 * 9 * cin, seed + 2), [2, 3, 3, cin]), y = tensor(seededValues(2 * (4 - kh) * (4 - kw) * filters, seed + 3), [2, 4 - kh, 4 - kw, filters]);
        try {
          const [k, b] = weightsOf(model);
          await stepWithoutUpdate(model, x, y);
          const [k2, b2] = weightsOf(model);
          expectNear(k2, refConstrain(kernelConstraint, k, [kh, kw, cin, filters]), `kernel ${kernelConstraint.className} ${JSON.stringify(kernelConstraint.getConfig())}`);
          expectNear(b2, refConstrain(biasConstraint, b, [filters]), `bias ${biasConstraint.className}`);
        } finally {
          model.dispose();
          x.dispose();
          y.dispose();
        }
      }), { numRuns: 40 });
  });

  it('an embedding table', async () => {
    const model = sequential([layers.embedding({ inputDim: 7, outputDim: 5, inputLength: 2, embeddingsConstraint: constraints.unitNorm({ axis: 1 }) }),
      layers.flatten()]);
    const x = tensor([[1, 2], [6, 0]]), y = tensor(seededValues(20, 4), [2, 10]);
    try {
      const [table] = weightsOf(model);
      await stepWithoutUpdate(model, x, y);
      expectNear(weightsOf(model)[0], refConstrain(constraints.unitNorm({ axis: 1 }), table, [7, 5]), 'embeddings');
    } finally {
      model.dispose();
      x.dispose();
      y.dispose();
    }
  });

  it('follows the update: a Dense step, then its kernel\'s unit columns bounded by maxNorm', async () => {
    const refs = seededLayers({ inDim: 6, hidden: [], hiddenUnits: [], out: 'linear', outUnits: 5 }, 11);
    refs[0].w = refs[0].w.map((v) => v * 4); // columns above the bound
    const rows = 7, xv = seededValues(rows * 6, 12), yv = seededValues(rows * 5, 13);
    const c = constraints.maxNorm({ maxValue: 1.5 });
    const model = sequential([dense({ units: 5, inputShape: [6], kernelConstraint: c, biasConstraint: 'nonNeg' })]);
    const w = [tensor(refs[0].w, [6, 5]), tensor(refs[0].b!, [5])];
    model.setWeights(w);
    w.forEach((t) => t.dispose());
    const x = tensor(xv, [rows, 6]), y = tensor(yv, [rows, 5]);
    try {
      model.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
      const before = refLayers(model);
      await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
      const { g } = refGradients('meanSquaredError', before, xv, denseTargets('meanSquaredError', yv, rows, 5), rows);
      const stepped = flatParams(before).map((p, i) => p.map((v, j) => v - 0.5 * g[i][j]));
      const [k, b] = weightsOf(model);
      const wantK = refConstrain(c, stepped[0], [6, 5]), wantB = refConstrain(constraints.nonNeg(), stepped[1], [5]);
      // The step's own float32 rounding (products over 7 rows of values below 4) stays below 1e-5.
      wantK.forEach((v, i) => expect(Math.abs(k[i] - v), `kernel[${i}]`).toBeLessThanOrEqual(1e-5));
      wantB.forEach((v, i) => expect(Math.abs(b[i] - v), `bias[${i}]`).toBeLessThanOrEqual(1e-5));
      for (let j = 0; j < 5; j++) expect(Math.hypot(...[0, 1, 2, 3, 4, 5].map((r) => k[r * 5 + j]))).toBeLessThanOrEqual(1.5 + 1e-5);
      expect(refForward(refLayers(model), xv, rows).a[0].length).toBe(rows * 5);
    } finally {
      model.dispose();
      x.dispose();
      y.dispose();
    }
  });
});

describe('constraint options', () => {
  it('makes maxNorm, nonNeg and unitNorm with Keras\'s defaults, and takes Keras\'s and TF.js\'s names', () => {
    expect(constraints.maxNorm().getConfig()).toEqual({ maxValue: 2, axis: 0 });
    expect(constraints.unitNorm({ axis: [0, 1] }).getConfig()).toEqual({ axis: [0, 1] });
    const config = (c: unknown): unknown => dense({ units: 1, kernelConstraint: c as never }).getConfig().kernelConstraint;
    expect(config('max_norm')).toEqual({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } });
    expect(config('unitNorm')).toEqual({ className: 'UnitNorm', config: { axis: 0 } });
    expect(config('non_neg')).toEqual({ className: 'NonNeg', config: {} });
    expect(config({ className: 'MaxNorm', config: { maxValue: 3, axis: 1 } })).toEqual({ className: 'MaxNorm', config: { maxValue: 3, axis: 1 } });
  });

  it('rejects bad values, names, keys and axes, naming the layer and option, allocating nothing', () => {
    const bad: [() => unknown, new (...args: never[]) => Error, string[]][] = [
      [() => constraints.maxNorm({ maxValue: -1 }), RangeError, ['constraints.maxNorm: maxValue must be a finite number >= 0, got -1']],
      [() => constraints.maxNorm({ maxValue: Infinity }), RangeError, ['maxValue must be a finite number >= 0, got Infinity']],
      [() => constraints.unitNorm({ axis: [0, 2] }), RangeError, ['constraints.unitNorm: axis must be an integer or a non-empty array of adjacent integers', '[0,2]']],
      [() => constraints.unitNorm({ axis: 0.5 }), RangeError, ['axis must be an integer']],
      [() => constraints.nonNeg({ axis: 0 } as never), RangeError, ['constraints.nonNeg: unknown option "axis"']],
      [() => dense({ units: 1, kernelConstraint: 'minMaxNorm' }), RangeError, ['dense: kernelConstraint must be a constraint', 'got "minMaxNorm"']],
      [() => dense({ units: 1, kernelConstraint: { className: 'MaxNorm', config: { rate: 1 } } }), RangeError, ['unknown option "rate" in kernelConstraint.config']],
      [() => layers.conv2d({ filters: 1, kernelSize: 1, useBias: false, biasConstraint: 'nonNeg' }), RangeError,
        ['conv2d: biasConstraint applies to the bias, which the layer has not (useBias is false)']],
      [() => layers.batchNormalization({ center: false, betaConstraint: 'nonNeg' }), RangeError, ['batchNormalization: betaConstraint applies to the beta, which the layer has not (center is false)']],
      [() => sequential([dense({ units: 2, inputShape: [3], kernelConstraint: constraints.maxNorm({ axis: 2 }) })]), RangeError,
        ["layer dense_", "kernelConstraint (MaxNorm), on its kernel of shape [3, 2]: axis 2 is out of range for a weight of rank 2 (valid: -2..1)"]],
      [() => sequential([dense({ units: 2, inputShape: [3], biasConstraint: constraints.unitNorm({ axis: -2 }) })]), RangeError,
        ['biasConstraint (UnitNorm), on its bias of shape [2]: axis -2 is out of range']],
    ];
    for (const [fn, type, fragments] of bad) expectThrowsClean(fn, type, fragments, memory);
  });
});
