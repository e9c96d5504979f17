// Custom losses: compile({ loss: (yTrue, yPred) => Tensor }) written in ops trains as the built-in loss it equals, and
// evaluate gives the float64 loss of predict's outputs; a softmax output backpropagates through the function's
// gradient; the function's errors reject fit naming the output; memory stays flat.
// The losses here use only ops whose gradients are on the tape (sub, mul, sum, div; log through customGrad).
import { describe, expect, it } from 'vitest';
import {
  adam, customGrad, dense, dispose, initializers, input, loadModel, memory, model, sequential, sgd, tensor, ShapeError,
  type LossFunction, type Model, type Tensor,
} from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';
import { expectStepIsGradient } from './layers/check';

failOnLeaks();

/** Mean squared error in ops: Σ (p − t)² / size. */
const mseOps: LossFunction = (yTrue, yPred) => {
  const d = yPred.sub(yTrue);
  return d.mul(d).sum().div(d.size);
};
/** The same per sample ([rows]: Σ_j (p − t)² / cols), averaged over the batch by fit. */
const msePerSample: LossFunction = (yTrue, yPred) => {
  const d = yPred.sub(yTrue);
  return d.mul(d).sum(-1).div(d.shape[1]);
};
/** log with its gradient dy / x (customGrad: the tape of this branch has no log yet). */
const logOf = customGrad((...args) => {
  const x = args[0] as Tensor;
  return { value: x.log(), gradFunc: (dy: Tensor) => dy.div(x) };
});
/** Categorical cross-entropy in ops on probabilities: −Σ_j t log p per sample. */
const crossEntropyOps: LossFunction = (yTrue, yPred) => yTrue.mul(logOf(yPred)).sum(-1).mul(-1);

const weightsOf = (net: Model): Float64Array[] => {
  const w = net.getWeights();
  const values = w.map((t) => Float64Array.from(t.dataSync()));
  dispose(w);
  return values;
};
const rows = 10;
const data = (cols: number, oneHot: boolean): [Tensor, Tensor] => {
  const x = tensor(seededValues(rows * 3, 1), [rows, 3]);
  const t = oneHot ? Array.from({ length: rows * cols }, (_, i) => (i % cols === (Math.floor(i / cols) * 7) % cols ? 1 : 0)) : seededValues(rows * cols, 2);
  return [x, tensor(t, [rows, cols])];
};
const mlp = (out: number, activation: 'linear' | 'softmax'): Model => sequential([
  dense({ units: 4, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotUniform({ seed: 3 }) }),
  dense({ units: out, activation, kernelInitializer: initializers.glorotUniform({ seed: 4 }) }),
]);
/** max |a − b| / (1 + |b|) over every weight. */
const maxRelDiff = (a: Float64Array[], b: Float64Array[]): number =>
  Math.max(...a.flatMap((w, k) => Array.from(w, (v, i) => Math.abs(v - b[k][i]) / (1 + Math.abs(b[k][i])))));

describe('a custom loss trains as the built-in loss it equals', () => {
  for (const [name, optimizer] of [['sgd', () => sgd({ learningRate: 0.1 })], ['adam', () => adam({ learningRate: 0.01 })]] as const) {
    it(`mean squared error in ops (scalar and per sample) against 'meanSquaredError', ${name}`, async () => {
      const [x, y] = data(2, false);
      const trained = await Promise.all([mseOps, msePerSample, 'meanSquaredError' as const].map(async (loss) => {
        const net = mlp(2, 'linear');
        net.compile({ optimizer: optimizer(), loss });
        const history = await net.fit(x, y, { epochs: 4, batchSize: 3, shuffle: true, seed: 7 });
        const w = weightsOf(net);
        net.dispose();
        return { w, loss: history.history.loss };
      }));
      // Each gradient element is 2(p − t)/n in both, rounded differently by at most a few ulp (the kernel scales by
      // 2/n once, the tape multiplies by the rounded 1/n and doubles); 16 steps move the weights by less than
      // 1e-5 (1 + |w|) for that. In practice the results are bit-identical.
      for (const other of trained.slice(0, 2)) {
        expect(maxRelDiff(other.w, trained[2].w)).toBeLessThanOrEqual(1e-5);
        other.loss.forEach((v, e) => expect(Math.abs(v - trained[2].loss[e])).toBeLessThanOrEqual(1e-6 * (1 + trained[2].loss[e])));
      }
      dispose([x, y]);
    });

    it(`categorical cross-entropy in ops on a softmax output against 'categoricalCrossentropy', ${name}`, async () => {
      const [x, y] = data(3, true);
      const trained = await Promise.all([crossEntropyOps, 'categoricalCrossentropy' as const].map(async (loss) => {
        const net = mlp(3, 'softmax');
        net.compile({ optimizer: optimizer(), loss });
        const history = await net.fit(x, y, { epochs: 4, batchSize: 3, shuffle: true, seed: 7 });
        const w = weightsOf(net);
        net.dispose();
        return { w, loss: history.history.loss };
      }));
      // The built-in fuses softmax with the loss: dL/dz = (p − t)/n. In ops, dL/dp = −t/(p n), then softmax's
      // backward p ⊙ (d − Σ d ⊙ p) gives the same in exact arithmetic (Σ t = 1); in float32 each element differs by
      // a few ulp of the largest |p − t| term (the division by p and multiplication back, and a 3-term dot). The
      // losses differ by the rounding of log(softmax) against log-sum-exp (a few ulp of ln 3). 16 steps: < 1e-5.
      expect(maxRelDiff(trained[0].w, trained[1].w)).toBeLessThanOrEqual(1e-5);
      trained[0].loss.forEach((v, e) => expect(Math.abs(v - trained[1].loss[e])).toBeLessThanOrEqual(1e-5 * (1 + trained[1].loss[e])));
      dispose([x, y]);
    });
  }

  it('per output: an array and an object mixing a function with a built-in name', async () => {
    const x = input({ shape: [3] }), h = dense({ units: 4, activation: 'tanh', kernelInitializer: initializers.glorotUniform({ seed: 3 }) }).apply(x);
    const make = (): Model => model({ inputs: x, outputs: [
      dense({ units: 2, name: 'a', kernelInitializer: initializers.glorotUniform({ seed: 5 }) }).apply(h),
      dense({ units: 1, name: 'b', kernelInitializer: initializers.glorotUniform({ seed: 6 }) }).apply(h)] });
    const [xs, unused] = data(2, false), ya = tensor(seededValues(rows * 2, 8), [rows, 2]), yb = tensor(seededValues(rows, 9), [rows, 1]);
    const results: Float64Array[][] = [];
    for (const loss of [['meanSquaredError', 'meanSquaredError'], [mseOps, 'mse'], { a: 'mse', b: msePerSample }] as const) {
      const net = make();
      net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: loss as never, lossWeights: [1, 0.5] });
      await net.fit(xs, [ya, yb], { epochs: 3, batchSize: 4, seed: 2 });
      results.push(weightsOf(net));
      net.dispose();
    }
    expect(maxRelDiff(results[1], results[0])).toBeLessThanOrEqual(1e-5);
    expect(maxRelDiff(results[2], results[0])).toBeLessThanOrEqual(1e-5);
    dispose([xs, unused, ya, yb]);
  });
});

describe('evaluate, validation and gradients with a custom loss', () => {
  it('evaluate gives the float64 loss of predict\'s outputs (any batchSize), as do trainOnBatch and validation', async () => {
    // Σ (p − t)⁴ / size: not a built-in loss.
    const quartic: LossFunction = (t, p) => {
      const d = p.sub(t), d2 = d.mul(d);
      return d2.mul(d2).sum().div(d.size);
    };
    const net = mlp(2, 'linear');
    net.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: quartic, metrics: ['mse'] });
    const [x, y] = data(2, false);
    const reference = (): number => {
      const p = net.predict(x) as Tensor, pv = p.dataSync(), tv = y.dataSync();
      p.dispose();
      return pv.reduce((s, v, i) => s + (v - tv[i]) ** 4, 0) / pv.length;
    };
    // float32 outputs and sums of ≤ 20 terms: ≤ 1e-6 relative.
    for (const batchSize of [undefined, 3]) expect(net.evaluate(x, y, { batchSize }).loss).toBeCloseTo(reference(), 6);
    const before = reference();
    expect((await net.trainOnBatch(x, y) as number[])[0]).toBeCloseTo(before, 6);
    const history = await net.fit(x, y, { epochs: 1, batchSize: 20, validationData: [x, y] });
    expect(history.history.val_loss[0]).toBeCloseTo(reference(), 6);
    dispose([x, y]);
    net.dispose();
  });

  it('a softmax output with a (non-fused) custom mean squared error: the step is the gradient', async () => {
    const net = sequential([dense({ units: 3, activation: 'softmax', inputShape: [2], kernelInitializer: initializers.glorotUniform({ seed: 1 }),
      biasInitializer: initializers.randomUniform({ seed: 2 }) })]);
    const x = tensor(seededValues(8, 3), [4, 2]), y = tensor(seededValues(12, 4), [4, 3]);
    const ref = (w: readonly Float64Array[], xv: Float64Array): Float64Array => {
      const out = new Float64Array(12);
      for (let r = 0; r < 4; r++) {
        const z = [0, 1, 2].map((j) => w[1][j] + xv[2 * r] * w[0][j] + xv[2 * r + 1] * w[0][3 + j]);
        const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b);
        e.forEach((v, j) => { out[3 * r + j] = v / s; });
      }
      return out;
    };
    await expectStepIsGradient(net, x, y, ref, { loss: mseOps });
    dispose([x, y]);
    net.dispose();
  });
});

describe('errors and memory', () => {
  const setup = (loss: LossFunction): [Model, Tensor, Tensor] => {
    const net = mlp(2, 'linear');
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss });
    return [net, ...data(2, false)];
  };

  it('a loss that returns no tensor, or one of the wrong shape, rejects fit and evaluate naming the output', async () => {
    for (const [loss, kind, message] of [
      [() => 3, TypeError, /^fit: the loss function of output dense_\d+ must return a Tensor, got 3/],
      [(t: Tensor, p: Tensor) => p.sub(t).sum(0), ShapeError, /^fit: the loss function of output dense_\d+ returned shape \[2\]; it must return a scalar or one value per sample \(shape \[4, …\]\)/],
    ] as const) {
      const [net, x, y] = setup(loss as unknown as LossFunction);
      const w0 = weightsOf(net);
      const error = await net.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
      expect(weightsOf(net)).toEqual(w0);
      expect(() => net.evaluate(x, y)).toThrow(kind);
      dispose([x, y]);
      net.dispose();
    }
  });

  it('an error the function throws rejects fit with that error, naming the output; the weights are those of the last step', async () => {
    class LossError extends Error {}
    let calls = 0;
    const [net, x, y] = setup((t, p) => {
      if (++calls === 2) throw new LossError('no more');
      return mseOps(t, p);
    });
    const [twin, tx, ty] = setup(mseOps);
    dispose([tx, ty]);
    const initial = net.getWeights();
    twin.setWeights(initial);
    dispose(initial);
    const error = await net.fit(x, y, { epochs: 1, batchSize: 5, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LossError);
    expect((error as Error).message).toMatch(/^fit: the loss function of output dense_\d+: no more$/);
    // The first batch's step was taken (its weights lay in the spares, kept since the finite check is on).
    const [x5, y5] = [x.slice([0, 0], [5, 3]), y.slice([0, 0], [5, 2])];
    await twin.fit(x5, y5, { epochs: 1, batchSize: 5, shuffle: false });
    expect(weightsOf(net)).toEqual(weightsOf(twin));
    expect(net.step).toBe(1);
    // The model stays usable.
    expect(Number.isFinite(net.evaluate(x, y).loss)).toBe(true);
    dispose([x, y, x5, y5]);
    net.dispose();
    twin.dispose();
  });

  it('a model compiled with a function saves without its compile settings; memory stays flat over many epochs', async () => {
    const [net, x, y] = setup(msePerSample);
    const loaded = await loadModel(await net.save());
    expect(loaded.toJSON().compile).toBeUndefined();
    loaded.dispose();
    await net.fit(x, y, { epochs: 2, batchSize: 3 });
    const before = memory();
    await net.fit(x, y, { epochs: 40, batchSize: 3 });
    net.evaluate(x, y, { batchSize: 4 });
    await net.trainOnBatch(x, y);
    const after = memory();
    expect([after.numTensors, after.numBytes, after.wasmBytes]).toEqual([before.numTensors, before.numBytes, before.wasmBytes]);
    dispose([x, y]);
    net.dispose();
  });
});
