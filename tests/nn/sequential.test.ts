// Dense networks trained end to end (src/nn): the classic 3-4-1 sigmoid network, gradients of every
// loss/activation pairing checked against central finite differences of evaluate(), and the model API. The first two
// suites run on every kernel build and thread count (tests/builds.ts): predict and evaluate use the selected GEMM.
import { describe, expect, it } from 'vitest';
import {
  adam, cosineDecay, dense, dispose, type Dropout, initializers, layers, learningRateScheduler, loadModel, memory, reduceLROnPlateau, sequential, sgd, tensor, tidy,
  type ActivationName, type LossName, type Tensor,
} from '../../src/index';
import { heapStats } from '../../src/runtime/heap';
import { describeEachBuild } from '../builds';

const X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]];
const Y = [[0], [1], [1], [0]];

describeEachBuild('the classic 3-4-1 sigmoid network', () => {
  it('learns its four samples', async () => {
    const model = sequential([
      dense({ units: 4, activation: 'sigmoid', inputShape: [3], kernelInitializer: initializers.randomUniform({ seed: 1 }) }),
      dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.randomUniform({ seed: 2 }) }),
    ]);
    model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'meanSquaredError', metrics: ['accuracy'] });
    const x = tensor(X), y = tensor(Y);
    const history = await model.fit(x, y, { epochs: 300, batchSize: 4, seed: 3 });
    expect(history.history.loss[0]).toBeGreaterThan(0.1);
    expect(history.history.loss.at(-1)).toBeLessThan(0.01);
    expect(history.history.accuracy.at(-1)).toBe(1);
    const p = model.predict(x);
    p.dataSync().forEach((v, i) => expect(Math.abs(v - Y[i][0])).toBeLessThan(0.15));
    dispose([x, y, p]);
    model.dispose();
  });
});

// One full-batch SGD step with learning rate 1 moves each weight by -dLoss/dw: compare with central differences
// of evaluate()'s float32 loss. Step 1e-3: small enough that no ReLU pre-activation crosses its kink, while float32
// rounding adds at most ~6e-8·loss/1e-3 ≈ 6e-5·loss; tolerance 3e-3 + 3e-2·|g|.
async function gradientCheck(hidden: ActivationName, output: ActivationName, loss: LossName, targets: number[][] | number[]): Promise<void> {
  const x = tensor([[0.2, -0.5, 0.9], [1.1, 0.3, -0.7], [-0.4, 0.8, 0.1], [0.6, -0.2, -0.3], [0.05, 0.4, 0.7]]);
  const y = tensor(targets as number[][]);
  const outUnits = Array.isArray(targets[0]) ? (targets[0] as number[]).length : 3;
  const model = sequential([
    dense({ units: 5, activation: hidden, inputShape: [3], kernelInitializer: initializers.glorotNormal({ seed: 4 }), biasInitializer: initializers.randomNormal({ stddev: 0.1, seed: 5 }) }),
    dense({ units: outUnits, activation: output, kernelInitializer: initializers.glorotNormal({ seed: 6 }), biasInitializer: initializers.randomNormal({ stddev: 0.1, seed: 7 }) }),
  ]);
  model.compile({ optimizer: sgd({ learningRate: 1 }), loss });
  const before = model.getWeights();
  await model.fit(x, y, { epochs: 1, batchSize: 5, shuffle: false });
  {
    const after = model.getWeights();
    const lossAt = (weights: Tensor[]): number => { model.setWeights(weights); return model.evaluate(x, y).loss; };
    before.forEach((w, i) => {
      const step = w.dataSync().map((v, j) => v - after[i].dataSync()[j]);
      for (let j = 0; j < w.size; j++) {
        const h = 1e-3;
        const shifted = (delta: number): number => tidy(() => {
          const copy = before.map((t) => t.clone());
          const data = copy[i].dataSync();
          copy[i].set(data[j] + delta, ...(copy[i].rank === 2 ? [Math.floor(j / copy[i].shape[1]), j % copy[i].shape[1]] : [j]));
          return lossAt(copy);
        });
        const fd = (shifted(h) - shifted(-h)) / (2 * h);
        const bound = 3e-3 + 3e-2 * Math.abs(fd);
        if (!(Math.abs(step[j] - fd) <= bound)) {
          throw new Error(`${hidden}/${output}/${loss}: weights[${i}][${j}] gradient ${step[j]}, finite difference ${fd}`);
        }
      }
    });
    dispose([x, y, ...before, ...after]);
    model.dispose();
  }
}

describeEachBuild('gradients match finite differences', () => {
  const regression = [[0.5, -1], [1, 0.2], [-0.3, 0.4], [0.9, 0.9], [0, -0.5]];
  const binary = [[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]];
  const onehot = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]];
  const cases: [ActivationName, ActivationName, LossName, number[][] | number[]][] = [
    ['sigmoid', 'linear', 'meanSquaredError', regression],
    ['tanh', 'linear', 'meanSquaredError', regression],
    ['relu', 'tanh', 'meanSquaredError', regression],
    ['leakyRelu', 'sigmoid', 'meanSquaredError', regression],
    ['tanh', 'sigmoid', 'binaryCrossentropy', binary],
    ['sigmoid', 'softmax', 'categoricalCrossentropy', onehot],
    ['relu', 'softmax', 'sparseCategoricalCrossentropy', [0, 1, 2, 1, 0]],
    ['elu', 'selu', 'meanSquaredError', regression],
    ['softplus', 'hardSigmoid', 'meanSquaredError', regression],
    ['relu6', 'linear', 'meanSquaredError', regression],
    ['gelu', 'swish', 'meanSquaredError', regression],
    ['swish', 'gelu', 'meanSquaredError', regression],
  ];
  for (const [hidden, output, loss, targets] of cases) {
    it(`${hidden} hidden, ${output} output, ${loss}`, async () => {
      await gradientCheck(hidden, output, loss, targets);
    });
  }
});

describe('the model API', () => {
  const build = () => {
    const model = sequential([
      dense({ units: 8, activation: 'relu', inputShape: [3], kernelInitializer: initializers.heNormal({ seed: 1 }) }),
      dense({ units: 3, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
    ]);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  };

  it('predicts shapes, evaluates, round-trips weights and summarises', () => {
    const model = build();
    const x = tensor([[0.1, 0.2, 0.3], [1, 0, -1]]);
    const p = model.predict(x);
    expect(p.shape).toEqual([2, 3]);
    const sums = p.sum(1);
    sums.dataSync().forEach((s) => expect(Math.abs(s - 1)).toBeLessThan(1e-6)); // softmax rows
    const weights = model.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[3, 8], [8], [8, 3], [3]]);
    const other = build();
    other.setWeights(weights);
    const q = other.predict(x);
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    const labels = tensor([0, 2]);
    const scores = model.evaluate(x, labels);
    expect(Object.keys(scores)).toEqual(['loss', 'accuracy']);
    expect(model.summary()).toContain('Total params: 59');
    // Everything disposed here: a tensor left to the garbage collector would be freed during a later test's fit and
    // change the memory() that test compares.
    dispose([x, p, sums, q, labels, ...weights]);
    model.dispose();
    other.dispose();
  });

  it('rejects bad input before any work, naming the argument and shapes', async () => {
    const model = build();
    const x = tensor([[1, 2, 3]]), bad = tensor([[1, 2]]), five = tensor([5]), zero = tensor([0]);
    const before = memory();
    expect(() => model.predict(bad)).toThrow(/predict: x has shape \[1,2\]; the model takes \[samples, 3\]/);
    await expect(model.fit(x, five)).rejects.toThrow(/fit: y\[0\] is 5, not a class index in \[0, 3\)/);
    await expect(model.fit(x, zero, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    expect(memory()).toEqual(before);
    expect(() => sequential([dense({ units: 2 })])).toThrow(/first layer needs inputShape/);
    expect(() => dense({ units: 0 })).toThrow(/units/);
    const fresh = sequential([dense({ units: 2, inputShape: [3], activation: 'softmax' })]);
    expect(() => fresh.compile({ loss: 'meanSquaredError' })).toThrow(/softmax output layer needs categoricalCrossentropy/);
    expect(() => fresh.predict(x).dispose()).not.toThrow();
    dispose([x, bad, five, zero]);
    model.dispose();
    fresh.dispose();
  });

  it('trains without leaking; steady-state epochs do not grow the wasm memory', async () => {
    const model = build();
    const x = tidy(() => tensor(Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 7) / 7])));
    const y = tensor(Array.from({ length: 300 }, (_, i) => i % 3));
    await model.fit(x, y, { epochs: 1, batchSize: 32, seed: 1 });
    const before = memory();
    const history = await model.fit(x, y, { epochs: 20, batchSize: 32, seed: 1, validationSplit: 0.2 });
    expect(memory()).toEqual(before);
    expect(history.history.val_loss).toHaveLength(20);
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);
    dispose([x, y]);
    model.dispose();
  });

  it('steady-state epochs with a learning-rate schedule, clipping and rate callbacks allocate nothing in wasm memory', async () => {
    const x = tidy(() => tensor(Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 7) / 7])));
    const y = tensor(Array.from({ length: 300 }, (_, i) => i % 3));
    for (const [optimizer, callbacks] of [
      [adam({ learningRate: cosineDecay({ initialLearningRate: 0.01, decaySteps: 100, warmupTarget: 0.02, warmupSteps: 10 }), clipNorm: 1 }), []],
      [sgd({ learningRate: 0.05, momentum: 0.9, globalClipNorm: 0.5 }), [reduceLROnPlateau({ monitor: 'loss', patience: 1 })]],
      [sgd({ learningRate: 0.05, clipValue: 0.01 }), [learningRateScheduler((epoch, lr) => lr * 0.9)]],
    ] as const) {
      const model = build();
      model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const options = { batchSize: 32, seed: 1, validationSplit: 0.2, callbacks: [...callbacks] };
      for (let warm = 0; warm < 2; warm++) await model.fit(x, y, { ...options, epochs: 1 }); // the allocator settles (so it does without these options)
      const before = { ...memory(), ...heapStats() };
      const history = await model.fit(x, y, { ...options, epochs: 20 });
      expect({ ...memory(), ...heapStats() }, JSON.stringify(optimizer.config)).toEqual(before);
      expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);
      model.dispose();
    }
    dispose([x, y]);
  });

  it('a seeded fit is repeatable bit for bit', async () => {
    const run = async (): Promise<number[]> => {
      const model = build();
      const x = tensor(Array.from({ length: 64 }, (_, i) => [i / 64, (i % 5) / 5, 1]));
      const y = tensor(Array.from({ length: 64 }, (_, i) => i % 3));
      await model.fit(x, y, { epochs: 5, batchSize: 16, seed: 9 });
      const w = model.getWeights();
      const values = w.flatMap((t) => Array.from(t.dataSync()));
      dispose([x, y, ...w]);
      model.dispose();
      return values;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('dropout', () => {
  const make = (rate: number) => {
    const model = sequential([
      dense({ units: 16, activation: 'relu', inputShape: [3], kernelInitializer: initializers.heNormal({ seed: 1 }) }),
      layers.dropout({ rate }),
      dense({ units: 1, activation: 'linear', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
    ]);
    model.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    return model;
  };
  const data = () => [tensor(X), tensor(Y)] as const;

  it('changes training but not prediction, is repeatable with a seed, and learns', async () => {
    const [x, y] = data();
    const weightsAfter = async (rate: number, seed: number): Promise<number[]> => {
      const model = make(rate);
      await model.fit(x, y, { epochs: 3, batchSize: 4, seed });
      const w = model.getWeights();
      const values = w.flatMap((t) => Array.from(t.dataSync()));
      dispose(w);
      model.dispose();
      return values;
    };
    expect(await weightsAfter(0.5, 1)).toEqual(await weightsAfter(0.5, 1));
    expect(await weightsAfter(0.5, 1)).not.toEqual(await weightsAfter(0, 1));
    const model = make(0.5);
    const p1 = model.predict(x), p2 = model.predict(x);
    expect(Array.from(p1.dataSync())).toEqual(Array.from(p2.dataSync())); // no dropout at inference
    const history = await model.fit(x, y, { epochs: 400, batchSize: 4, seed: 2 });
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);
    expect(model.summary()).toContain('dropout_1 (Dropout, rate 0.5)');
    const copy = await loadModel(await model.save());
    expect((copy.layers[1] as Dropout).rate).toBe(0.5);
    expect(() => layers.dropout({ rate: 1 })).toThrow(/rate must be in \[0, 1\)/);
    dispose([x, y, p1, p2]);
    model.dispose();
    copy.dispose();
  });
});
