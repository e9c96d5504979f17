// Optimizers on variables: applyGradients against the float64 update rules of tests/optim/update-rules.ts (each step
// from the library's weights before it, with the reference's own float64 state), minimize, computeGradients, the
// errors, a model's weights as variables, and fit against a custom loop of the same steps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adam, cosineDecay, DisposedError, exponentialDecay, layers, piecewiseConstantDecay, rmsprop, sequential, sgd, ShapeError, tensor, tidy, dense, variable, variableGrads, zeros, type Optimizer, type Sequential, type Tensor,
  type Variable,
} from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';
import { CONFIGS, iv, type Config, type Iv } from './update-rules';

failOnLeaks();

const STEPS = 5;

/** A variable of these values (the tensor it copies is disposed). */
function v(values: number[], shapeOrOptions?: number[] | { trainable: boolean }): Variable {
  const t = Array.isArray(shapeOrOptions) ? tensor(values, shapeOrOptions) : tensor(values);
  try {
    return variable(t, Array.isArray(shapeOrOptions) ? undefined : shapeOrOptions);
  } finally {
    t.dispose();
  }
}

/** STEPS applyGradients calls on two variables of these shapes, each new weight checked against config's rule. */
function checkSteps(config: Config, shapes: number[][], seed: number): void {
  const optimizer = config.make();
  const vars = shapes.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return v(Array.from(seededValues(size, seed + i)), shape);
  });
  const state = vars.map((v) => Array.from({ length: v.size }, (): Iv[] => []));
  try {
    for (let t = 1; t <= STEPS; t++) {
      const grads = vars.map((v, i) => tensor(Array.from(seededValues(v.size, seed + 10 * t + i, 2)), v.shape));
      const before = vars.map((v) => v.dataSync()), g = grads.map((x) => x.dataSync());
      // Both forms TF.js takes: a record by name, and a list of { name, tensor }.
      optimizer.applyGradients(t % 2 ? Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])) : vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      grads.forEach((x) => x.dispose());
      expect(optimizer.iterations).toBe(t); // one step per call, however many variables: Adam's t
      vars.forEach((v, i) => {
        const after = v.dataSync();
        for (let j = 0; j < v.size; j++) {
          const want = config.rule(before[i][j], iv(g[i][j]), state[i][j], t);
          if (!(Math.abs(after[j] - want.c) <= want.r)) {
            throw new Error(`${config.name} [${v.shape}] seed ${seed}: step ${t}, element ${j}: ${before[i][j]} → ${after[j]}, reference ${want.c} ± ${want.r}`);
          }
        }
      });
    }
  } finally {
    vars.forEach((v) => v.dispose());
    optimizer.dispose();
  }
}

describe('applyGradients', () => {
  const shape = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 });
  for (const config of CONFIGS) {
    it(`${config.name}: ${STEPS} steps match the float64 update rule`, () => {
      fc.assert(fc.property(shape, shape, fc.integer({ min: 1, max: 1e6 }), (a, b, seed) => checkSteps(config, [a, b], seed)), { numRuns: 12 });
    });
  }

  it('skips non-trainable variables, as TF.js does', () => {
    const w = v([1, 2], { trainable: false }), optimizer = sgd({ learningRate: 1 }), g = tensor([1, 1]);
    optimizer.applyGradients({ [w.name]: g });
    expect(w.toArray()).toEqual([1, 2]);
    expect(optimizer.getSlots(g)).toEqual([]); // plain sgd keeps no state
    w.dispose(); g.dispose(); optimizer.dispose();
  });

  it('checks every entry before changing any variable', () => {
    const a = v([1, 2]), b = v([3, 4, 5]), optimizer = adam({ learningRate: 0.1 });
    const good = tensor([1, 1]), wrong = tensor([1, 1]), gone = tensor([1, 1, 1]);
    gone.dispose();
    const errors: [unknown, new (...args: never[]) => Error, RegExp][] = [
      [{ [a.name]: good, [b.name]: wrong }, ShapeError, new RegExp(`applyGradients: the gradient of ${b.name} has shape \\[2\\]; the variable has shape \\[3\\]`)],
      [{ [a.name]: good, nowhere: good }, RangeError, /applyGradients: no live variable is named 'nowhere'/],
      [{ [a.name]: good, [b.name]: gone }, DisposedError, new RegExp(`applyGradients: the gradient of ${b.name} was disposed`)],
      [{ [a.name]: good, [b.name]: [1, 1, 1] }, TypeError, new RegExp(`applyGradients: the gradient of ${b.name} must be a Tensor`)],
      [[{ name: a.name, tensor: good }, { name: a.name, tensor: good }], RangeError, new RegExp(`applyGradients: variable '${a.name}' is listed twice`)],
      [[{ name: a.name, tensor: good }, { tensor: good }], TypeError, /applyGradients: grads\[1\] must be \{ name, tensor \}/],
      [good, TypeError, /applyGradients: grads must be/],
      [null, TypeError, /applyGradients: grads must be/],
    ];
    for (const [grads, type, message] of errors) {
      expect(() => optimizer.applyGradients(grads as Record<string, Tensor>)).toThrow(type);
      expect(() => optimizer.applyGradients(grads as Record<string, Tensor>)).toThrow(message);
    }
    expect([a.toArray(), b.toArray(), optimizer.iterations]).toEqual([[1, 2], [3, 4, 5], 0]);
    const name = a.name;
    a.dispose();
    expect(() => optimizer.applyGradients({ [name]: good })).toThrow(new RegExp(`no live variable is named '${name}' \\(was it disposed\\?\\)`));
    b.dispose(); good.dispose(); wrong.dispose(); optimizer.dispose();
  });

  it('steps variables in place, through tidy, and dispose resets the state', () => {
    const w = v([1, -1]), ptr = w.ptr, optimizer = sgd({ learningRate: 0.5, momentum: 0.5 });
    const step = (): void => { const g = tensor([1, 1]); optimizer.applyGradients({ [w.name]: g }); g.dispose(); };
    tidy(step); // the velocity it creates is the optimizer's: it outlives the scope
    step(); // velocity -0.5, then -0.25 - 0.5 = -0.75
    expect([w.ptr, w.toArray(), optimizer.iterations]).toEqual([ptr, [-0.25, -2.25], 2]);
    optimizer.dispose();
    step(); // velocity from zero again
    expect([w.toArray(), optimizer.iterations]).toEqual([[-0.75, -2.75], 1]);
    w.dispose(); optimizer.dispose();
  });
});

describe('minimize and computeGradients', () => {
  const quadratic = (w: Variable, target: Tensor) => (): Tensor => { const d = w.sub(target); return d.mul(d).sum(); };

  it('minimize converges on a quadratic, returning the cost when asked', () => {
    const w = v([4, -3, 0.5]), target = tensor([1, 2, -1]), optimizer = adam({ learningRate: 0.1 });
    const first = optimizer.minimize(quadratic(w, target), true)!;
    expect(first.shape).toEqual([]);
    expect(first.item()).toBeCloseTo(9 + 25 + 2.25, 4);
    first.dispose();
    for (let i = 0; i < 500; i++) expect(optimizer.minimize(quadratic(w, target))).toBeNull();
    const w64 = Array.from(w.dataSync());
    w64.forEach((v, i) => expect(Math.abs(v - [1, 2, -1][i])).toBeLessThan(1e-3));
    expect(optimizer.iterations).toBe(501);
    w.dispose(); target.dispose(); optimizer.dispose();
  });

  it('computeGradients then applyGradients takes the step minimize takes (same bits)', () => {
    const target = tensor([0.3, -0.7, 1.1, 2]);
    const a = v([1, 2, 3, 4]), b = v([1, 2, 3, 4]);
    const left = adam({ learningRate: 0.05, weightDecay: 0.01 }), right = adam({ learningRate: 0.05, weightDecay: 0.01 });
    for (let i = 0; i < 4; i++) {
      left.minimize(quadratic(a, target), false, [a]);
      const { value, grads } = right.computeGradients(quadratic(b, target), [b]);
      expect(Object.keys(grads)).toEqual([b.name]);
      right.applyGradients(grads);
      value.dispose(); grads[b.name].dispose();
    }
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    a.dispose(); b.dispose(); target.dispose(); left.dispose(); right.dispose();
  });

  it('minimize throws what variableGrads throws, leaving the variables as they were', () => {
    const w = v([1, 2]), other = v([5]), optimizer = sgd();
    expect(() => optimizer.minimize(() => w.sum(), 'yes' as unknown as boolean)).toThrow(/minimize: returnCost must be a boolean/);
    expect(() => optimizer.minimize(() => w.mul(2), false, [w])).toThrow(/variableGrads: f returned shape \[2\]; without dy it must return a scalar/);
    expect(() => optimizer.minimize(() => other.sum(), false, [w])).toThrow(/does not depend on any of the variables/);
    expect([w.toArray(), other.toArray(), optimizer.iterations]).toEqual([[1, 2], [5], 0]);
    w.dispose(); other.dispose(); optimizer.dispose();
  });
});

describe('a model\'s weights are variables', () => {
  it('named <layer>/<weight> as Keras names them, moving statistics not trainable', () => {
    const model = sequential([dense({ units: 3, inputShape: [2] }), layers.batchNormalization(), layers.embedding({ inputDim: 4, outputDim: 2 })]);
    try {
      expect(model.weights.map((w) => [w.name, w.trainable])).toEqual([
        ['dense_1/kernel', true], ['dense_1/bias', true],
        ['batch_normalization_1/gamma', true], ['batch_normalization_1/beta', true],
        ['batch_normalization_1/moving_mean', false], ['batch_normalization_1/moving_variance', false],
        ['embedding_1/embeddings', true],
      ]);
      expect(model.trainableWeights.map((w) => w.name)).toEqual(['dense_1/kernel', 'dense_1/bias', 'batch_normalization_1/gamma', 'batch_normalization_1/beta', 'embedding_1/embeddings']);
      expect(model.nonTrainableWeights.map((w) => w.name)).toEqual(['batch_normalization_1/moving_mean', 'batch_normalization_1/moving_variance']);
      // A second model of the same layer names: suffixed while the first one's are live.
      const again = sequential([layers.separableConv2d({ filters: 2, kernelSize: 1, inputShape: [2, 2, 1] }), layers.flatten(), dense({ units: 1 })]);
      expect(again.weights.map((w) => w.name)).toEqual(['separable_conv2d_1/depthwise_kernel', 'separable_conv2d_1/pointwise_kernel', 'separable_conv2d_1/bias',
        'dense_1/kernel_1', 'dense_1/bias_1']);
      again.dispose();
    } finally {
      model.dispose();
    }
    expect(model.weights).toEqual([]);
  });

  it('variableGrads through model.trainableWeights; assign and applyGradients change what the model predicts', () => {
    const model = sequential([dense({ units: 1, inputShape: [2] })]);
    const x = tensor([[1, 2], [3, -1]]), y = tensor([[1], [0]]);
    const [kernel, bias] = model.trainableWeights;
    const k = tensor([[0.5], [-1]]);
    kernel.assign(k);
    k.dispose();
    const before = model.predict(x);
    expect(before.toArray()).toEqual([[-1.5], [2.5]]);
    const loss = (): Tensor => { const d = x.matmul(kernel).add(bias).sub(y); return d.mul(d).sum().div(2); };
    const { value, grads } = variableGrads(loss, model.trainableWeights);
    // r = [-2.5, 2.5]; d/dk = xᵀr = [5, -7.5]; d/db = Σr = 0.
    expect([value.item(), grads['dense_1/kernel'].toArray(), grads['dense_1/bias'].toArray()]).toEqual([6.25, [[5], [-7.5]], [0]]);
    const optimizer = sgd({ learningRate: 0.1 });
    optimizer.applyGradients(grads);
    const after = model.predict(x); // a prediction plan kept from before sees the new weights
    // kernel [0.5 − 0.1·5, −1 + 0.1·7.5] = [0, −0.25] (each exact in float32 after rounding), bias 0.
    expect(after.toArray()).toEqual([[-0.5], [0.25]]);
    [before, after, value, ...Object.values(grads), x, y].forEach((t) => t.dispose());
    optimizer.dispose(); model.dispose();
  });
});

describe('fit and a custom loop take the same steps', () => {
  // One dense layer (3 → 2), MSE, all 8 samples in one batch, no shuffle: fit's step t and the loop's step t apply
  // the same kernel to the same weights and optimizer state, with gradients that differ only by float32 rounding
  // (fit: the plan's fused MSE gradient and GEMMs; the loop: the tape's ops, summed in another order).
  const rows = 8, d = 3, units = 2, epochs = 3;
  const xs = Array.from(seededValues(rows * d, 11, 2)), ys = Array.from(seededValues(rows * units, 12, 3)).map((v) => v + 4);
  const cases: [string, () => Optimizer][] = [
    ['sgd', () => sgd({ learningRate: 0.05 })],
    ['sgd with momentum and weight decay', () => sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ['adam', () => adam({ learningRate: 0.1 })],
    // A schedule's rate at each step and clipping come from the same kernels in both.
    ['adam with a cosine decay and clipNorm', () => adam({ learningRate: cosineDecay({ initialLearningRate: 0.2, decaySteps: 4, warmupTarget: 0.3, warmupSteps: 1 }), clipNorm: 0.5 })],
    ['sgd with an exponential decay and globalClipNorm', () => sgd({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }), momentum: 0.5, globalClipNorm: 1 })],
    ['rmsprop with piecewise constant rates and clipValue', () => rmsprop({ learningRate: piecewiseConstantDecay({ boundaries: [0, 1], values: [0.1, 0.05, 0.02] }), clipValue: 0.2 })],
  ];
  // Bound: 16 units of float32 roundoff of max(|w|, 1) (2^-20). The two gradients are the same 8-row sums of products
  // in possibly different orders (the scaling by 1/16 is exact in both), so they differ by a few units of roundoff of
  // the sum of absolute terms (≲ 8·U relative); a step scales that by lr ≤ 0.1 (Adam: it enters m/√v as a relative
  // change of the same size), and three steps add three such differences and their small effect on the next
  // gradient: a few units of the weights. (On this data they agree to the bit.) Anything but the same update would
  // be far outside the bound: Adam's t off by one changes a step by over 5%, another mapping of momentum, nesterov or
  // weight decay by far more.
  /** Checks that the weights of two models agree within the bound. */
  const expectSameWeights = (fitted: Sequential, looped: Sequential): void => {
    const a = fitted.weights.flatMap((w) => Array.from(w.dataSync())), b = looped.weights.flatMap((w) => Array.from(w.dataSync()));
    a.forEach((w, i) => expect(Math.abs(w - b[i]), `weight ${i}: fit ${w}, loop ${b[i]}`).toBeLessThanOrEqual(2 ** -20 * Math.max(Math.abs(w), 1)));
  };
  const lossOf = (model: Sequential, x: Tensor, y: Tensor) => (): Tensor => {
    const [kernel, bias] = model.trainableWeights, r = x.matmul(kernel).add(bias).sub(y);
    return r.mul(r).sum().div(rows * units);
  };

  it('the model\'s optimizer continues fit: its iterations are model.step, its state the one fit keeps', async () => {
    const x = tensor(xs, [rows, d]), y = tensor(ys, [rows, units]);
    const fitted = sequential([dense({ units, inputShape: [d] })], { seed: 5 }), looped = sequential([dense({ units, inputShape: [d] })], { seed: 5 });
    try {
      for (const model of [fitted, looped]) model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'meanSquaredError' });
      await fitted.fit(x, y, { epochs, batchSize: rows, shuffle: false });
      await looped.fit(x, y, { epochs: epochs - 1, batchSize: rows, shuffle: false });
      expect([looped.step, looped.optimizer!.iterations]).toEqual([epochs - 1, epochs - 1]);
      looped.optimizer!.minimize(lossOf(looped, x, y), false, looped.trainableWeights);
      expect(looped.step).toBe(epochs);
      expectSameWeights(fitted, looped);
    } finally {
      x.dispose(); y.dispose(); fitted.dispose(); looped.dispose();
    }
  });

  for (const [name, make] of cases) {
    it(name, async () => {
      const x = tensor(xs, [rows, d]), y = tensor(ys, [rows, units]);
      const fitted = sequential([dense({ units, inputShape: [d] })], { seed: 5 });
      const looped = sequential([dense({ units, inputShape: [d] })]);
      try {
        looped.setWeights(fitted.weights);
        const a0 = fitted.weights.flatMap((w) => Array.from(w.dataSync()));
        fitted.compile({ optimizer: make(), loss: 'meanSquaredError' });
        await fitted.fit(x, y, { epochs, batchSize: rows, shuffle: false });
        const optimizer = make();
        for (let t = 0; t < epochs; t++) optimizer.minimize(lossOf(looped, x, y), false, looped.trainableWeights);
        optimizer.dispose();
        expect(fitted.step).toBe(epochs);
        expectSameWeights(fitted, looped);
        expect(fitted.weights.flatMap((w) => Array.from(w.dataSync())).some((w, i) => Math.abs(w - a0[i]) > 0.01)).toBe(true); // the steps did move the weights
      } finally {
        x.dispose(); y.dispose(); fitted.dispose(); looped.dispose();
      }
    });
  }
});
