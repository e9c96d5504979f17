// Bad input to the model API (src/nn/sequential.ts, fit.ts): clear errors before any work, naming the argument,
// shapes, row and column; disposed models; diverging fits (DivergedError). After every error the live tensors, bytes
// and wasm memory are as before the call.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adagrad, adam, dense, DisposedError, dropout, DivergedError, earlyStopping, initializers, memory, rmsprop, sequential, sgd, ShapeError, tensor, type Sequential, type Tensor,
} from '../../src/index';
import { failOnLeaks, seededValues } from '../reference';
import { expectFailsClean } from './expect-fails';

failOnLeaks();

const regression = (): Sequential => {
  const model = sequential([dense({ units: 4, activation: 'tanh', inputShape: [3] }), dense({ units: 2 })]);
  model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
  return model;
};
const classifier = (): Sequential => {
  const model = sequential([dense({ units: 4, activation: 'relu', inputShape: [3] }), dense({ units: 3, activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
};
const values = (rows: number, cols: number, seed = 1): Tensor => tensor(seededValues(rows * cols, seed), [rows, cols]);

describe('shapes', () => {
  it('x and y with different sample counts, and y of the wrong width, name both shapes', async () => {
    const model = regression(), sparse = classifier();
    const x = values(5, 3), y = values(5, 2), y4 = values(4, 2), y3cols = values(5, 3), flat = tensor([1, 2, 3, 4, 5]), labels4 = tensor([0, 1, 2, 0]);
    await expectFailsClean(() => model.fit(x, y4), ShapeError, /^fit: y has shape \[4,2\]; meanSquaredError needs \[5,2\]$/);
    await expectFailsClean(() => model.evaluate(x, y4), ShapeError, /^evaluate: y has shape \[4,2\]; meanSquaredError needs \[5,2\]$/);
    await expectFailsClean(() => model.fit(x, y3cols), ShapeError, /y has shape \[5,3\]; meanSquaredError needs \[5,2\]/);
    await expectFailsClean(() => model.fit(x, flat), ShapeError, /y has shape \[5\]; meanSquaredError needs \[5,2\]/);
    await expectFailsClean(() => model.fit(x, y, { validationData: [x, y4] }), ShapeError, /fit: validationData\[1\] has shape \[4,2\]/);
    await expectFailsClean(() => sparse.fit(x, labels4), ShapeError, /fit: y has shape \[4\]; sparseCategoricalCrossentropy needs \[5\]/);
    [x, y, y4, y3cols, flat, labels4].forEach((t) => t.dispose());
    model.dispose(); sparse.dispose();
  });

  it('x of the wrong width or rank is rejected by predict, fit, evaluate and validationData', async () => {
    const model = regression();
    const narrow = values(5, 2), row = tensor([1, 2, 3]), x = values(5, 3), y = values(5, 2);
    await expectFailsClean(() => model.predict(narrow), ShapeError, /^predict: x has shape \[5,2\]; the model takes \[samples, 3\]$/);
    await expectFailsClean(() => model.fit(narrow, y), ShapeError, /^fit: x has shape \[5,2\]; the model takes \[samples, 3\]$/);
    await expectFailsClean(() => model.evaluate(narrow, y), ShapeError, /^evaluate: x has shape \[5,2\]/);
    await expectFailsClean(() => model.predict(row), ShapeError, /predict: x has shape \[3\]; the model takes \[samples, 3\]/);
    await expectFailsClean(() => model.fit(x, y, { validationData: [narrow, y] }), ShapeError, /fit: validationData\[0\] has shape \[5,2\]/);
    [narrow, row, x, y].forEach((t) => t.dispose());
    model.dispose();
  });

  it('categorical losses need at least two output units (compile throws)', async () => {
    for (const loss of ['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const) {
      const model = sequential([dense({ units: 1, activation: 'softmax', inputShape: [3] })]);
      await expectFailsClean(() => model.compile({ loss }), RangeError, new RegExp(`compile: ${loss} needs an output layer of at least 2 units`));
      model.dispose();
    }
  });
});

describe('sparse labels', () => {
  it('out of range or non-integer labels are named with their index', async () => {
    const model = classifier(), x = values(4, 3);
    for (const [bad, shape, at] of [[3, [4], 2], [-1, [4, 1], 0], [1.5, [4], 3], [NaN, [4, 1], 1]] as const) {
      const labels = [0, 1, 2, 1];
      labels[at] = bad;
      const y = tensor(labels, [...shape]);
      const message = new RegExp(`y\\[${at}\\] is ${bad}, not a class index in \\[0, 3\\)`);
      await expectFailsClean(() => model.fit(x, y), RangeError, new RegExp(`^fit: ${message.source}$`));
      await expectFailsClean(() => model.evaluate(x, y), RangeError, new RegExp(`^evaluate: ${message.source}$`));
      const good = tensor([0, 1, 2, 1]);
      await expectFailsClean(() => model.fit(x, good, { validationData: [x, y] }), RangeError, new RegExp(`validationData\\[1\\]\\[${at}\\] is ${bad}`));
      y.dispose(); good.dispose();
    }
    x.dispose();
    model.dispose();
  });
});

describe('NaN and Infinity', () => {
  it('in x, y or validationData, fit names the value, the row and the column', async () => {
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(1, 3, 7, 17), fc.constantFrom(1, 3, 7, 17), fc.nat(), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity),
      fc.constantFrom('x', 'y', 'validationData[0]', 'validationData[1]'),
      async (rows, cols, r0, c0, bad, where) => {
        const model = sequential([dense({ units: 2, inputShape: [cols] })]);
        model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
        const inY = where === 'y' || where === 'validationData[1]', width = inY ? 2 : cols;
        const r = r0 % rows, c = c0 % width;
        const xv = seededValues(rows * cols, 1), yv = seededValues(rows * 2, 2);
        (inY ? yv : xv)[r * width + c] = bad;
        const x = tensor(xv, [rows, cols]), y = tensor(yv, [rows, 2]);
        const cleanX = values(rows, cols), cleanY = values(rows, 2);
        const args: [Tensor, Tensor, Tensor, Tensor] = where.startsWith('validation') ? [cleanX, cleanY, x, y] : [x, y, cleanX, cleanY];
        const shown = Number.isNaN(bad) ? 'NaN' : String(bad);
        await expectFailsClean(() => model.fit(args[0], args[1], { validationData: [args[2], args[3]] }), RangeError,
          new RegExp(`^fit: ${where.replace(/[[\]]/g, '\\$&')} holds ${shown} at row ${r}, column ${c};`));
        [x, y, cleanX, cleanY].forEach((t) => t.dispose());
        model.dispose();
      },
    ), { numRuns: 40 });
  });
});

describe('a disposed model', () => {
  it('throws DisposedError from predict, fit, evaluate, getWeights, setWeights, compile, save and toBlob, and freed everything', async () => {
    const before = memory();
    const model = regression(), x = values(5, 3), y = values(5, 2);
    await model.fit(x, y, { epochs: 2 }); // optimizer state allocated
    const weights = model.getWeights();
    model.dispose();
    model.dispose(); // idempotent
    const calls: [string, () => unknown][] = [
      ['predict', () => model.predict(x)], ['fit', () => model.fit(x, y)], ['evaluate', () => model.evaluate(x, y)],
      ['getWeights', () => model.getWeights()], ['setWeights', () => model.setWeights(weights)],
      ['compile', () => model.compile({ loss: 'mse' })], ['save', () => model.save()], ['toBlob', () => model.toBlob()],
    ];
    for (const [op, call] of calls) await expectFailsClean(call, DisposedError, new RegExp(`^${op}: the model was disposed$`));
    [x, y, ...weights].forEach((t) => t.dispose());
    expect(memory()).toEqual({ ...before, wasmBytes: memory().wasmBytes });
  });

  it('that was never compiled also throws DisposedError from fit and evaluate', async () => {
    const model = sequential([dense({ units: 2, inputShape: [3] })]), x = values(5, 3), y = values(5, 2);
    model.dispose();
    try {
      await expectFailsClean(() => model.fit(x, y), DisposedError, /^fit: the model was disposed$/);
      await expectFailsClean(() => model.evaluate(x, y), DisposedError, /^evaluate: the model was disposed$/);
    } finally {
      x.dispose(); y.dispose();
    }
  });
});

describe('disposed, shared and changed layers', () => {
  it('a disposed layer or kernel makes predict, fit, evaluate, getWeights and setWeights throw DisposedError', async () => {
    const x = values(5, 3), y = values(5, 2);
    for (const dispose of [(m: Sequential) => m.layers[0].dispose(), (m: Sequential) => m.layers[1].weights[0]?.dispose()]) {
      const model = regression(), source = regression(), weights = source.getWeights();
      source.dispose();
      dispose(model);
      const layer = /^\w+: layer dense_\d was disposed$/;
      try {
        await expectFailsClean(() => model.predict(x), DisposedError, layer);
        await expectFailsClean(() => model.fit(x, y), DisposedError, layer);
        await expectFailsClean(() => model.evaluate(x, y), DisposedError, layer);
        await expectFailsClean(() => model.getWeights(), DisposedError, layer);
        await expectFailsClean(() => model.setWeights(weights), DisposedError, layer);
      } finally {
        model.dispose();
        weights.forEach((w) => w.dispose());
      }
    }
    x.dispose(); y.dispose();
  });

  it('a layer of another model shares its weights; one of another width is refused, and both models stay as they were', async () => {
    const model = regression(), other = sequential([dense({ units: 5, inputShape: [2] })]), x = values(5, 3);
    const before = model.predict(x);
    try {
      await expectFailsClean(() => other.add(model.layers[1]), ShapeError,
        /^add: dense_2 was first called on \[null, 4\] and shares its weights; it cannot take \[null, 5\]$/);
      expect(other.layers).toHaveLength(1);
      const after = model.predict(x);
      expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
      after.dispose();
      const twin = sequential([dense({ units: 4, inputShape: [3] }), model.layers[1]]);
      const shared = twin.getWeights();
      expect(shared.map((w) => w.shape)).toEqual([[3, 4], [4], [4, 2], [2]]);
      shared.forEach((w) => w.dispose());
      twin.dispose(); // frees its own layer only
      const again = model.predict(x);
      expect(Array.from(again.dataSync())).toEqual(Array.from(before.dataSync()));
      again.dispose();
    } finally {
      model.dispose(); other.dispose(); x.dispose(); before.dispose();
    }
  });

  it('a layer instance used twice in one model shares its weights; at another width it is refused and leaves nothing behind', async () => {
    const layer = dense({ units: 3, inputShape: [3] });
    const model = sequential([layer, layer]);
    const weights = model.getWeights();
    expect(weights.map((w) => w.shape)).toEqual([[3, 3], [3]]);
    weights.forEach((w) => w.dispose());
    expect(model.summary()).toContain('dense_1 (call 2) (Dense, linear)');
    model.add(dense({ units: 2 }));
    await expectFailsClean(() => model.add(layer), ShapeError, /^add: dense_1 was first called on \[null, 3\] and shares its weights; it cannot take \[null, 2\]$/);
    expect(model.layers).toHaveLength(2);
    model.dispose();
    expect(layer.kernel).toBeNull();
  });

  it('add to a compiled, trained model undoes the compile: training says to compile again, then trains the new stack', async () => {
    const model = regression(), x = values(6, 3), y2 = values(6, 2, 2), y = values(6, 3, 2);
    try {
      await model.fit(x, y2, { epochs: 2 });
      model.add(dense({ units: 3 }));
      expect([model.optimizer, model.metrics]).toEqual([null, []]);
      await expectFailsClean(() => model.fit(x, y, { epochs: 1 }), RangeError,
        /^fit: call compile\(\{ optimizer, loss \}\) again: layers were added since the last compile$/);
      await expectFailsClean(() => model.trainOnBatch(x, y), RangeError, /^trainOnBatch: call compile.* again: layers were added/);
      model.add(dropout({ rate: 0.5 })); // dropout after the output layer: a layer like any other, as in Keras
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      expect(Number.isFinite(await model.trainOnBatch(x, y) as number)).toBe(true);
      const fresh = sequential([dense({ units: 4, activation: 'tanh', inputShape: [3] }), dense({ units: 2 })], { seed: 1 });
      fresh.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      fresh.add(dense({ units: 3 }));
      fresh.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      const history = await fresh.fit(x, y, { epochs: 3 });
      expect(history.history.loss.every(Number.isFinite)).toBe(true);
      fresh.dispose();
    } finally {
      model.dispose(); x.dispose(); y2.dispose(); y.dispose();
    }
  });

  it('sequential() that fails on a later layer frees the weights it built for the earlier ones', async () => {
    const first = dense({ units: 3, inputShape: [2] });
    await expectFailsClean(() => sequential([first, 'junk' as never]), TypeError, /^add: layer must be a layer such as dense\(\{\.\.\.\}\), got "junk"$/);
    expect(first.kernel).toBeNull();
  });

  it('initializers and earlyStopping check their options when made, naming themselves', async () => {
    await expectFailsClean(() => initializers.randomNormal(null as never), TypeError, /^randomNormal: options must be an object, got null$/);
    await expectFailsClean(() => initializers.heNormal({ seed: -1 }), RangeError, /^heNormal: seed must be in \[0, 9007199254740991\], got -1$/);
    await expectFailsClean(() => initializers.glorotUniform({ seed: 1.5 }), TypeError, /^glorotUniform: seed must be an integer, got 1.5$/);
    await expectFailsClean(() => initializers.randomUniform({ min: 2, max: 1 }), RangeError, /^randomUniform: need finite min < max as float32, got min 2 and max 1$/);
    await expectFailsClean(() => initializers.randomNormal({ stddev: -1 }), RangeError, /^randomNormal: need a finite mean and stddev >= 0, got mean 0 and stddev -1$/);
    await expectFailsClean(() => earlyStopping(null as never), TypeError, /^earlyStopping: options must be an object, got null$/);
  });

  it('dense() rejects a useBias, activation or initializer of the wrong kind with a TypeError or RangeError naming it', async () => {
    await expectFailsClean(() => dense({ units: 2, useBias: 'yes' as never }), TypeError, /^dense: useBias must be true or false, got "yes"$/);
    await expectFailsClean(() => dense({ units: 2, activation: Object.create(null) }), RangeError, /^dense: activation must be one of .*, got an object$/);
    await expectFailsClean(() => dense({ units: 2, kernelInitializer: new BigInt64Array(2) as never }), RangeError, /^dense: kernelInitializer must be one of .*, got a BigInt64Array$/);
    await expectFailsClean(() => dense({ units: 2, kernelInitializer: { name: Object.create(null) } as never }), RangeError, /^dense: kernelInitializer must be one of/);
  });

  it('callbacks that dispose, recompile or rebuild the model stop fit with an error, never a trap or a write to freed memory', async () => {
    const x = values(8, 3), y = values(8, 2);
    const cases: [(m: Sequential) => void, abstract new (...args: never[]) => Error, RegExp][] = [
      [(m) => m.dispose(), DisposedError, /^fit: the model was disposed$/],
      [(m) => m.layers[0].dispose(), DisposedError, /^fit: layer dense_1 was disposed$/],
      [(m) => m.compile({ optimizer: 'adam', loss: 'mae' }), RangeError, /^fit: the model was compiled again or its layers rebuilt during training/],
    ];
    for (const [change, type, pattern] of cases) {
      const model = regression();
      try {
        const error = await model.fit(x, y, { epochs: 3, batchSize: 4, callbacks: { onEpochEnd: () => change(model) } }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(type);
        expect((error as Error).message).toMatch(pattern);
      } finally {
        model.dispose();
      }
    }
    const model = regression(), gone = values(8, 3);
    try {
      const error = await model.fit(gone, y, { epochs: 3, callbacks: { onEpochEnd: () => gone.dispose() } }).catch((e: unknown) => e);
      expect((error as Error).message).toBe('fit: x was disposed during training');
      await expectFailsClean(() => model.fit(x, y, { callbacks: [null as never] }), TypeError, /^fit: callbacks\[0\] must be an object such as \{ onEpochEnd \}, got null$/);
      await expectFailsClean(() => model.fit(x, y, { seed: Object.create(null) }), TypeError, /^fit: seed must be an integer, got an object$/);
      await expectFailsClean(() => model.fit(x, y, { seed: -1 }), RangeError, /^fit: seed must be in \[0, 9007199254740991\], got -1$/);
      await expectFailsClean(() => model.fit(x, y, { shuffle: 'yes' as never }), TypeError, /^fit: shuffle must be true or false, got "yes"$/);
    } finally {
      model.dispose(); x.dispose(); y.dispose();
    }
  });
});

/**
 * Float64 replay of full-precision SGD on one linear layer with mse, rounding what the kernels store to float32:
 * the first [epoch, batch] (from 1) whose weighted sums, loss, gradient or updated weights leave the float32 range.
 */
function firstOverflow(w0: Float64Array[], x: Float64Array, y: Float64Array, d: number, rows: number, batch: number, lr: number, epochs: number): [number, number] | null {
  const w = w0.map((p) => p.slice()), o = w[0].length / d, b = w[1];
  const bad = (v: number): boolean => !Number.isFinite(Math.fround(v));
  for (let e = 1; e <= epochs; e++) {
    for (let start = 0, k = 1; start < rows; start += batch, k++) {
      const n = Math.min(batch, rows - start), g = w.map((p) => new Float64Array(p.length));
      let loss = 0;
      for (let r = start; r < start + n; r++) {
        for (let j = 0; j < o; j++) {
          let z = b ? b[j] : 0;
          for (let p = 0; p < d; p++) z += x[r * d + p] * w[0][p * o + j];
          if (bad(z)) return [e, k];
          const diff = Math.fround(z) - y[r * o + j], dz = (2 * diff) / (n * o);
          loss += diff * diff;
          for (let p = 0; p < d; p++) g[0][p * o + j] += x[r * d + p] * dz;
          if (b) g[1][j] += dz;
        }
      }
      if (!Number.isFinite(loss / (n * o)) || g.some((p) => p.some(bad))) return [e, k];
      for (let i = 0; i < w.length; i++) for (let j = 0; j < w[i].length; j++) w[i][j] = Math.fround(w[i][j] - Math.fround(lr * Math.fround(g[i][j])));
      if (w.some((p) => p.some(bad))) return [e, k];
    }
  }
  return null;
}

const read = (model: Sequential): Float64Array[] => {
  const weights = model.getWeights();
  const out = weights.map((t) => Float64Array.from(t.dataSync()));
  weights.forEach((t) => t.dispose());
  return out;
};

/** Fits until DivergedError, capturing the weights after every batch; checks the error, the weights and memory. */
async function checkDivergence(make: () => Sequential, xv: Float64Array, yv: Float64Array, d: number, batch: number, lr: number): Promise<void> {
  const rows = yv.length, epochs = 4;
  const x = tensor(xv, [rows, d]), y = tensor(yv, [rows, 1]);
  const model = make(), quiet = make(), trainOn = make();
  try {
    const expected = firstOverflow(read(model), xv, yv, d, rows, batch, Math.fround(lr), epochs);
    expect(expected, 'the data diverges within the epochs').not.toBeNull();
    await model.fit(x, y, { epochs: 0, batchSize: batch }); // the plan's first allocation may grow the wasm memory
    const seen = [read(model)];
    const options = { epochs, batchSize: batch, shuffle: false };
    const error = await expectFailsClean(() => model.fit(x, y, { ...options, callbacks: { onBatchEnd: () => { seen.push(read(model)); } } }),
      DivergedError, /became NaN or Infinity in epoch \d+, batch \d+; training stopped with the weights from before that step/);
    expect(error).toBeInstanceOf(RangeError);
    const after = read(model);
    expect(after.flatMap((p) => Array.from(p)).filter((v) => !Number.isFinite(v)), 'non-finite weights after DivergedError').toEqual([]);
    expect([(error as DivergedError).epoch, (error as DivergedError).batch], 'epoch and batch of the failing step').toEqual(expected);
    expect(after).toEqual(seen.at(-1));
    // Without callbacks the kernel runs many batches per call: the same error and weights.
    const again = await expectFailsClean(() => quiet.fit(x, y, options), DivergedError, /epoch/);
    expect([(again as DivergedError).epoch, (again as DivergedError).batch]).toEqual(expected);
    expect(read(quiet)).toEqual(after);
    // terminateOnNaN: false trains on and resolves.
    const history = await trainOn.fit(x, y, { ...options, terminateOnNaN: false });
    expect(history.history.loss).toHaveLength(epochs);
    expect(history.history.loss.some((v) => !Number.isFinite(v))).toBe(true);
  } finally {
    x.dispose(); y.dispose(); model.dispose(); quiet.dispose(); trainOn.dispose();
  }
}

describe('a diverging fit', () => {
  const linear = (useBias: boolean, lr: number, kernel: number[]) => (): Sequential => {
    const model = sequential([dense({ units: 1, useBias, inputShape: [2], kernelInitializer: initializers.zeros() })]);
    model.compile({ optimizer: sgd({ learningRate: lr }), loss: 'meanSquaredError' });
    const w = [tensor(kernel, [2, 1]), ...(useBias ? [tensor([0.1])] : [])];
    model.setWeights(w);
    w.forEach((t) => t.dispose());
    return model;
  };

  it('whose weighted sums overflow rejects with DivergedError in epoch 2, batch 2, keeping the finite weights from before', async () => {
    // Batch 1 has zero inputs (no gradient without bias); batch 2 sends the weights to ~1e35, and its next pass to ~1e40.
    const xv = Float64Array.from([0, 0, 0, 0, 1e5, 2e5, -1e5, 3e5]), yv = Float64Array.from([1, 2, 3, 4]);
    expect(firstOverflow([Float64Array.from([0.5, 0.25])], xv, yv, 2, 4, 2, Math.fround(1e25), 4)).toEqual([2, 2]);
    await checkDivergence(linear(false, 1e25, [0.5, 0.25]), xv, yv, 2, 2, 1e25);
  });

  it('with sgd lr 1e30 on plain data rejects at the step whose update overflows, keeping finite weights', async () => {
    await checkDivergence(linear(true, 1e30, [0.5, -0.3]), seededValues(12, 3), seededValues(6, 4), 2, 2, 1e30);
  });
});

describe('optimizer options', () => {
  it('must be an object of finite numbers in range', () => {
    for (const make of [sgd, adam, rmsprop, adagrad]) {
      expect(() => make(null as never)).toThrow(new TypeError(`${make.name}: options must be an object, got null`));
      expect(() => make({ learningRate: Infinity })).toThrow(`${make.name}: learningRate must be a finite number >= 0 or a schedule (such as cosineDecay({...})), got Infinity`);
      expect(() => make({ learningRate: NaN })).toThrow(RangeError);
    }
  });
});
