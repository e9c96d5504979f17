// trainOnBatch and predictOnBatch (src/nn/batches.ts, Sequential): the reference is fit itself. trainOnBatch over
// the batches of an epoch must give bit-identical weights, and the loss and metrics of fit's onBatchEnd logs, to fit
// with shuffle: false and the same batch size, on every kernel build and thread count (batches-mnist.test.ts does
// the same on MNIST, whose products are split over threads). The plans it keeps must allocate nothing in steady state, be rebuilt after compile, setWeights, add
// and fit, be freed by dispose, and never read the tensors of an earlier call.
import { describe, expect, it } from 'vitest';
import {
  adam, DisposedError, DivergedError, dense, dispose, dropout, memory, sequential, sgd, ShapeError, tensor,
  type CompileOptions, type Sequential, type Tensor,
} from '../../src/index';
import { heapStats } from '../../src/runtime/heap';
import { describeEachBuild } from '../builds';
import { failOnLeaks, seededValues } from '../reference';
import { expectFailsClean } from './expect-fails';
import { bits, expectFitEquals, expectSameBits, rows } from './same-as-fit';

failOnLeaks();

const mlp = (options: { dropout?: number; seed?: number } = {}): Sequential => sequential([
  dense({ units: 16, activation: 'relu', inputShape: [5] }),
  ...(options.dropout ? [dropout({ rate: options.dropout })] : []),
  dense({ units: 8, activation: 'tanh' }),
  dense({ units: 3, activation: 'softmax' }),
], { seed: options.seed ?? 7 });
const data = (n: number, seed = 1): [Tensor, Tensor] => [
  tensor(seededValues(n * 5, seed), [n, 5]),
  tensor(Array.from(seededValues(n, seed + 1), (v) => Math.floor((v + 1) * 1.5)), [n]),
];
const classifier: CompileOptions = { optimizer: adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['mse', 'accuracy'] };

describeEachBuild('trainOnBatch gives the weights of fit', () => {
  it('a 5-16-8-3 network with dropout and Adam, two epochs of batches of 10 (the last of 7): same bits, losses and metrics', async () => {
    const a = mlp({ dropout: 0.25 }), b = mlp({ dropout: 0.25 }), [x, y] = data(37);
    a.compile(classifier);
    b.compile(classifier);
    await expectFitEquals(a, b, x, y, 10, 2);
    dispose([x, y]);
    a.dispose();
    b.dispose();
  });
});

/** Allocates the optimizer's state of every weight now (the first training step would), so heap counts after it exclude it. */
function allocateSlots(model: Sequential): void {
  for (const w of model.layers.flatMap((layer) => layer.weights)) model.optimizer!.getSlots(w);
}

describe('trainOnBatch', () => {
  it('resolves to the loss alone without metrics, and to [loss, ...metrics] in compile order with them', async () => {
    const [x, y] = data(6);
    for (const metrics of [[], ['accuracy', 'mae'], ['mse', 'accuracy']] as const) {
      const model = mlp();
      model.compile({ ...classifier, metrics });
      const reference = mlp();
      reference.compile({ ...classifier, metrics });
      let logs: Record<string, number> = {};
      await reference.fit(x, y, { batchSize: 6, shuffle: false, callbacks: { onBatchEnd: (_, l) => { logs = l; } } });
      const value = await model.trainOnBatch(x, y);
      if (metrics.length === 0) expect(value).toBe(logs.loss);
      else expect(value).toEqual([logs.loss, ...metrics.map((m) => logs[m])]);
      model.dispose();
      reference.dispose();
    }
    dispose([x, y]);
  });

  it('allocates nothing in steady state, over two batch sizes', async () => {
    const model = mlp(), [x, y] = data(12), [xs, ys] = [rows(x, 0, 5), rows(y, 0, 5)];
    model.compile(classifier);
    await model.trainOnBatch(x, y);
    await model.trainOnBatch(xs, ys);
    const before = { ...memory(), ...heapStats() };
    for (let i = 0; i < 50; i++) {
      await model.trainOnBatch(x, y);
      await model.trainOnBatch(xs, ys);
    }
    expect({ ...memory(), ...heapStats() }).toEqual(before);
    expect(model.step).toBe(102);
    dispose([x, y, xs, ys]);
    model.dispose();
  });

  it('keeps plans for at most 4 batch sizes: cycling through 6 sizes holds no more memory, each step as fit takes it', async () => {
    const a = mlp(), b = mlp(), [x, y] = data(6);
    a.compile(classifier);
    b.compile(classifier);
    let blocks = 0;
    for (let cycle = 0; cycle < 2; cycle++) {
      for (let n = 1; n <= 6; n++) {
        const xb = rows(x, 0, n), yb = rows(y, 0, n);
        await a.fit(xb, yb, { batchSize: n, shuffle: false });
        await b.trainOnBatch(xb, yb);
        dispose([xb, yb]);
      }
      if (cycle === 0) blocks = heapStats().blocks;
    }
    expect(heapStats().blocks).toBe(blocks);
    expectSameBits(a, b);
    dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('after compile, setWeights and fit, builds its plans again (freeing the old ones) and steps as fit does', async () => {
    const a = mlp(), b = mlp(), [x, y] = data(8), source = mlp({ seed: 99 }), other = source.getWeights();
    source.dispose();
    // The same step on both models: fit on a, trainOnBatch on b.
    const step = async (): Promise<void> => {
      await a.fit(x, y, { batchSize: 8, shuffle: false });
      await b.trainOnBatch(x, y);
      expectSameBits(a, b);
    };
    const changes: ((m: Sequential) => void | Promise<unknown>)[] = [
      (m) => m.compile({ ...classifier, optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }) }),
      (m) => m.setWeights(other),
      (m) => m.fit(x, y, { batchSize: 3, shuffle: false }),
    ];
    a.compile(classifier);
    b.compile(classifier);
    for (const change of changes) {
      await step();
      await change(a);
      await change(b);
      await step();
      await step();
    }
    dispose([x, y, ...other]);
    a.dispose();
    b.dispose();
  });

  it('add frees the plans; after compile, the step trains the new layer as fit does', async () => {
    const make = (): Sequential => sequential([dense({ units: 6, activation: 'tanh', inputShape: [5] }), dense({ units: 4 })], { seed: 5 });
    const a = make(), b = make(), [x, labels] = data(8), y = tensor(seededValues(8 * 4, 3), [8, 4]), y2 = tensor(seededValues(16, 4), [8, 2]);
    for (const m of [a, b]) m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await a.fit(x, y, { batchSize: 8, shuffle: false });
    const withoutPlans = heapStats().blocks; // a's optimizer state allocated; b not trained yet
    allocateSlots(b);
    await b.trainOnBatch(x, y);
    expect(heapStats().blocks).toBeGreaterThan(withoutPlans + 8); // b's state (Adam: 2 arrays for each of 4 parameters) and a plan
    for (const m of [a, b]) m.add(dense({ units: 2 }));
    // add undoes the compile: both models' optimizer state is freed with the plans; each new layer adds a kernel and a bias.
    expect(heapStats().blocks, 'without a\'s state, with each new layer\'s kernel and bias').toBe(withoutPlans - 8 + 4);
    for (const m of [a, b]) m.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await a.fit(x, y2, { batchSize: 8, shuffle: false });
    await b.trainOnBatch(x, y2);
    expectSameBits(a, b);
    dispose([x, labels, y, y2]);
    a.dispose();
    b.dispose();
  });

  it('fit, setWeights and compile free the plans', async () => {
    const model = mlp(), [x, y] = data(6), weights = model.getWeights();
    model.compile(classifier);
    allocateSlots(model);
    const withoutPlans = heapStats().blocks;
    const changes: [string, () => unknown, number][] = [
      ['fit', () => model.fit(x, y), withoutPlans], ['setWeights', () => model.setWeights(weights), withoutPlans],
      ['compile', () => model.compile(classifier), withoutPlans - 2 * 6], // and Adam's 2 arrays for each of 6 parameters
    ];
    for (const [name, change, blocks] of changes) {
      await model.trainOnBatch(x, y);
      expect(heapStats().blocks).toBeGreaterThan(withoutPlans);
      await change();
      expect(heapStats().blocks, name).toBe(blocks);
    }
    dispose([x, y, ...weights]);
    model.dispose();
  });

  it('dispose frees its plans with the model', async () => {
    const [x, y] = data(9), [xs, ys] = [rows(x, 0, 4), rows(y, 0, 4)];
    const blocks = heapStats().blocks;
    const model = mlp({ dropout: 0.5 });
    model.compile(classifier);
    await model.trainOnBatch(x, y);
    await model.trainOnBatch(xs, ys);
    model.dispose();
    expect(heapStats().blocks).toBe(blocks);
    await expectFailsClean(() => model.trainOnBatch(x, y), DisposedError, 'trainOnBatch: the model was disposed');
    dispose([x, y, xs, ys]);
  });

  it('rejects bad input naming trainOnBatch, before any work: nothing allocated, no step taken', async () => {
    const model = mlp(), [x, y] = data(4), nan = tensor([[NaN, 0, 0, 0, 0]]), label = tensor([0]), wide = tensor([[1, 2]]);
    const [outOfRange, none, noLabels, disposed] = [tensor([0, 1, 3, 0]), rows(x, 0, 0), tensor([], [0]), tensor([0, 1, 2, 0])];
    disposed.dispose();
    await expectFailsClean(() => model.trainOnBatch(x, y), RangeError, 'trainOnBatch: call compile({ optimizer, loss }) first');
    model.compile(classifier);
    await model.trainOnBatch(x, y);
    const cases: [() => unknown, new (...args: never[]) => Error, string | RegExp][] = [
      [() => model.trainOnBatch(wide, label), ShapeError, 'trainOnBatch: x has shape [1,2]; the model takes [samples, 5]'],
      [() => model.trainOnBatch(x, label), ShapeError, 'trainOnBatch: y has shape [1]; sparseCategoricalCrossentropy needs [4]'],
      [() => model.trainOnBatch(nan, label), RangeError, /^trainOnBatch: x holds NaN at row 0, column 0;/],
      [() => model.trainOnBatch(x, outOfRange), RangeError, /^trainOnBatch: y\[2\] is 3, not a class index in \[0, 3\)$/],
      [() => model.trainOnBatch(none, noLabels), RangeError, 'trainOnBatch: x has shape [0,5]: no samples to train on'],
      [() => model.trainOnBatch(x, disposed), DisposedError, /^trainOnBatch: y /],
      [() => model.trainOnBatch([[1, 2, 3, 4, 5]] as unknown as Tensor, label), TypeError, /^trainOnBatch: x /],
    ];
    const [steps, before] = [model.step, bits(model)];
    const blocks = heapStats().blocks;
    for (const [call, type, message] of cases) await expectFailsClean(call, type, message);
    expect(heapStats().blocks).toBe(blocks);
    expect([model.step, bits(model)]).toEqual([steps, before]);
    dispose([x, y, nan, label, wide, outOfRange, none, noLabels]);
    model.dispose();
  });

  it('a step whose loss is not finite rejects with a DivergedError and is not taken; the next one runs', async () => {
    const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
    model.compile({ optimizer: sgd(), loss: 'meanSquaredError' });
    const huge = tensor([[1e30]]), zero = tensor([[0]]), one = tensor([[1]]);
    const before = bits(model);
    const error = await model.trainOnBatch(huge, zero).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DivergedError);
    expect((error as Error).message).toMatch(/^trainOnBatch: the loss or its gradient became NaN or Infinity; the step was not taken/);
    expect([model.step, bits(model)]).toEqual([0, before]);
    expect(await model.trainOnBatch(one, zero)).toBe(1); // (1·1 + 0 − 0)²
    expect(model.step).toBe(1);
    dispose([huge, zero, one]);
    model.dispose();
  });

  it('rejects while a fit of the model runs (from a callback); the fit goes on', async () => {
    const model = mlp(), [x, y] = data(8);
    model.compile(classifier);
    const errors: unknown[] = [];
    await model.fit(x, y, { epochs: 2, batchSize: 4, callbacks: { onBatchEnd: async () => {
      errors.push(await model.trainOnBatch(x, y).catch((e: unknown) => e));
    } } });
    expect(errors).toHaveLength(4);
    for (const e of errors) {
      expect(e).toBeInstanceOf(RangeError);
      expect((e as Error).message).toBe('trainOnBatch: the model is training (a fit is running); await the fit first');
    }
    expect(model.step).toBe(4);
    await model.trainOnBatch(x, y);
    expect(model.step).toBe(5);
    dispose([x, y]);
    model.dispose();
  });
});

describe('predictOnBatch', () => {
  it('gives the bits of predict, in one pass', () => {
    const model = mlp(), [x, y] = data(33);
    const a = model.predict(x), b = model.predictOnBatch(x), none = rows(x, 0, 0), c = model.predictOnBatch(none);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(c.shape).toEqual([0, 3]);
    dispose([x, y, a, b, none, c]);
    model.dispose();
  });

  it('throws as predict does, naming predictOnBatch', async () => {
    const model = mlp(), wide = tensor([[1, 2]]);
    await expectFailsClean(() => model.predictOnBatch(wide), ShapeError, 'predictOnBatch: x has shape [1,2]; the model takes [samples, 5]');
    model.dispose();
    await expectFailsClean(() => model.predictOnBatch(wide), DisposedError, 'predictOnBatch: the model was disposed');
    wide.dispose();
  });
});
