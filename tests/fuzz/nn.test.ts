// Fuzz: sequential, dense, dropout, the embedding, permute and repeatVector factories, compile, fit, trainOnBatch,
// predict, predictOnBatch, evaluate, getWeights/setWeights and loadModel with random options, junk, disposed layers and
// tensors, layers shared between models, weights of other models, and callbacks that change the model while it trains.
// Afterwards nothing leaks and the canary holds.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAny, arbJunk, arbNumber, arbTensorSpec, call, callAsync, canary, check, cleanup, countCases, materialize, TensorSpec } from './harness';

countCases('nn');

const ACTIVATIONS = ['linear', 'sigmoid', 'relu', 'leakyRelu', 'tanh', 'softmax'];
const LOSSES = ['meanSquaredError', 'mse', 'mae', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'];
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> => fc.oneof({ arbitrary: arb, weight: 4 }, arbJunk);

const arbDenseOptions = fc.record({
  units: maybe(fc.integer({ min: 1, max: 5 })),
  activation: maybe(fc.constantFrom(...ACTIVATIONS)),
  useBias: maybe(fc.boolean()),
  inputShape: maybe(fc.constantFrom([1], [2], [3])),
  kernelInitializer: maybe(fc.constantFrom('zeros', 'ones', 'glorotUniform', 'heNormal', { name: 'randomUniform', min: -1, max: 1, seed: 3 })),
}, { requiredKeys: ['units'] });

const arbCompile = fc.record({
  optimizer: maybe(fc.constantFrom('sgd', 'adam', 'rmsprop', 'adagrad')),
  loss: maybe(fc.constantFrom(...LOSSES)),
  metrics: maybe(fc.subarray(['accuracy', 'acc', 'mae', 'mse'])),
}, { requiredKeys: ['loss'] });

/** Op names an error may start with when layers are built: the factories and the initializers they call. */
const BUILD_OPS = ['sequential', 'add', 'dense', 'dropout', 'compile', 'randn', 'randomUniform', 'zeros', 'ones'];

/** A compiled model with two dense layers, [3] -> [units], seeded. */
function smallModel(units: number, activation: string, loss: string): sd.Sequential {
  const model = sd.sequential([
    sd.dense({ units: 4, activation: 'tanh', inputShape: [3], kernelInitializer: sd.initializers.glorotUniform({ seed: 1 }) }),
    sd.dense({ units, activation: activation as sd.ActivationName, kernelInitializer: sd.initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: sd.sgd({ learningRate: 0.01 }), loss: loss as sd.LossName, metrics: ['mae'] });
  return model;
}
const validModel = fc.constantFrom<[number, string, string]>([1, 'sigmoid', 'binaryCrossentropy'], [2, 'linear', 'mse'], [3, 'softmax', 'categoricalCrossentropy'],
  [3, 'softmax', 'sparseCategoricalCrossentropy']);

/** Data that often fits the model ([rows, 3] and [rows, units] or labels), else any tensor or junk. */
const data = (cols: number[]): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: fc.tuple(fc.constantFrom(0, 1, 4, 7), fc.constantFrom(...cols)).chain(([r, c]) => arbTensorSpec(fc.constant([r, c]), 0.05, fc.integer({ min: 0, max: 2 }))), weight: 5 },
  { arbitrary: arbTensorSpec(fc.constant([4, 3]), 0.05, arbNumber), weight: 2 }, arbAny);

const smallEpochs = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 1.5, NaN, '2', null));
const arbFitOptions = fc.oneof({ arbitrary: fc.record({
  epochs: smallEpochs, batchSize: maybe(fc.integer({ min: 1, max: 9 })), shuffle: maybe(fc.boolean()), seed: maybe(fc.nat(100)),
  validationSplit: maybe(fc.constantFrom(0, 0.25, 0.5, 0.99, 1, -0.1)), verbose: fc.constantFrom(0, undefined),
  terminateOnNaN: maybe(fc.boolean()),
}, { requiredKeys: ['epochs'] }), weight: 5 }, fc.constantFrom(null, 'x', 3));

const FACTORIES: Record<string, (o: unknown) => unknown> = {
  ...Object.fromEntries(Object.entries(sd.initializers).filter(([name]) => name !== 'toInitializer').map(([name, f]) => [name, f as (o: unknown) => unknown])),
  sgd: sd.sgd as (o: unknown) => unknown, adam: sd.adam as (o: unknown) => unknown, rmsprop: sd.rmsprop as (o: unknown) => unknown,
  adagrad: sd.adagrad as (o: unknown) => unknown, earlyStopping: sd.earlyStopping as (o: unknown) => unknown, dropout: sd.dropout as (o: unknown) => unknown,
  embedding: sd.layers.embedding as (o: unknown) => unknown, permute: sd.layers.permute as (o: unknown) => unknown,
  repeatVector: sd.layers.repeatVector as (o: unknown) => unknown,
};
const arbFactoryOptions = fc.oneof(arbJunk, fc.record({
  seed: maybe(fc.nat(9)), mean: maybe(arbNumber), stddev: maybe(arbNumber), min: maybe(arbNumber), max: maybe(arbNumber), learningRate: maybe(arbNumber),
  momentum: maybe(arbNumber), beta1: maybe(arbNumber), epsilon: maybe(arbNumber), weightDecay: maybe(arbNumber), rate: maybe(arbNumber),
  patience: maybe(fc.nat(3)), monitor: maybe(fc.constantFrom('loss', 'val_loss')), minDelta: maybe(arbNumber),
  inputDim: maybe(arbNumber), outputDim: maybe(arbNumber), maskZero: maybe(fc.oneof(fc.boolean(), arbJunk)), inputLength: maybe(arbNumber),
  n: maybe(arbNumber), dims: maybe(fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }), arbJunk)),
}, { requiredKeys: [] }));

describe('fuzz: nn', () => {
  test('initializer, optimizer, callback and layer factories with random options', () => check(fc.property(
    fc.constantFrom(...Object.keys(FACTORIES)), arbFactoryOptions, (name, options) => {
      if (options === null && ['sgd', 'adam', 'rmsprop', 'adagrad'].includes(name)) return; // the optimizers throw an unnamed TypeError for null
      const made = call(name, () => FACTORIES[name](options));
      // An initializer that was accepted builds weights without a further error.
      if (made.ok && Object.hasOwn(sd.initializers, name)) {
        const init = made.value as { init: (shape: number[], fanIn: number, fanOut: number) => sd.Tensor };
        const w = call(name, () => init.init([3, 2], 3, 2));
        expect(w.ok, w.error?.message).toBe(true);
        cleanup(w.value);
      }
      canary(name);
    })));

  test('building and compiling models from random options', () => check(fc.property(
    fc.array(fc.oneof({ arbitrary: arbDenseOptions.map((o) => ['dense', o] as const), weight: 5 }, fc.tuple(fc.constant('dropout' as const), maybe(fc.double({ min: -0.5, max: 1.5 }))),
      arbJunk.map((j) => ['junk', j] as const)), { maxLength: 4 }), fc.oneof(arbCompile, arbJunk),
    (specs, compile) => {
      const layers: unknown[] = [];
      let model: sd.Sequential | undefined;
      try {
        for (const [kind, o] of specs) {
          const made = kind === 'junk' ? { ok: true, value: o } : call(kind, () => (kind === 'dense' ? sd.dense(o as sd.DenseOptions) : sd.dropout({ rate: o as number })));
          if (made.ok) layers.push(made.value);
        }
        const built = call(BUILD_OPS, () => sd.sequential(layers as sd.Dense[]), 'sequential');
        model = built.value;
        if (model) call('compile', () => model!.compile(compile as sd.CompileOptions));
      } finally {
        model?.dispose();
        layers.forEach((l) => l instanceof sd.Dense && l.dispose());
      }
      canary('sequential');
    })));

  test('predict, evaluate, getWeights, setWeights, summary with random inputs', () => check(fc.property(validModel,
    fc.constantFrom('predict', 'predictOnBatch', 'evaluate', 'getWeights', 'setWeights', 'summary', 'disposeLayer', 'disposeKernel', 'disposeModel', 'shareLayer', 'otherWeights'),
    data([3, 2]), data([1, 2, 3]), fc.constantFrom('predict', 'evaluate', 'getWeights', 'setWeights'),
    ([units, activation, loss], action, x, y, then) => {
      const model = smallModel(units, activation, loss);
      const other = sd.sequential([sd.dense({ units: 5, inputShape: [3] }), sd.dense({ units: 2 })]);
      const [tx, ty] = [x, y].map((v) => materialize(v));
      const otherWeights = other.getWeights();
      const results: unknown[] = [otherWeights];
      try {
        const run = (name: string): void => {
          const op = { disposeLayer: 'dispose', disposeKernel: 'dispose', disposeModel: 'dispose', shareLayer: 'add', otherWeights: 'setWeights' }[name] ?? name;
          const out = call(op, () => {
            const m = model as unknown as Record<string, (...a: unknown[]) => unknown>;
            if (name === 'disposeLayer') return model.layers[0].dispose();
            if (name === 'disposeKernel') return model.layers[1].weights[0]?.dispose();
            if (name === 'disposeModel') return model.dispose();
            if (name === 'shareLayer') return other.add(model.layers[1]); // shares its weights, or a ShapeError for another width
            if (name === 'otherWeights') return model.setWeights(otherWeights);
            if (name === 'setWeights') return model.setWeights([tx, ty] as sd.Tensor[]);
            return m[name](tx, ty);
          }, name);
          results.push(out.value);
          if (out.ok && name.startsWith('predict')) expect((out.value as sd.Tensor).shape).toEqual([(tx as sd.Tensor).shape[0], units]);
        };
        run(action);
        run(then);
      } finally {
        cleanup(results, tx, ty);
        model.dispose();
        other.dispose();
      }
      canary(`${action} then ${then}`);
    }), 2));

  test('fit with random data, options and callbacks that change the model', () => check(fc.asyncProperty(validModel, fc.constantFrom(1, 4, 7),
    fc.boolean(), data([3, 2]), data([1, 2, 3]), arbFitOptions,
    fc.constantFrom('none', 'disposeModel', 'disposeLayer', 'disposeX', 'compile', 'setWeights', 'predict', 'stop', 'nullCallback', 'shareLayer'),
    async ([units, activation, loss], rows, fits, anyX, anyY, options, callback) => {
      const model = smallModel(units, activation, loss);
      const other = sd.sequential([sd.dense({ units: 5, inputShape: [2] })]);
      // Data that fits the model half the time: labels for the sparse loss, 0/1 targets otherwise.
      const x = fits ? new TensorSpec([rows, 3], [0.5, -1, 2, 0], false) : anyX;
      const y = fits ? new TensorSpec(loss.startsWith('sparse') ? [rows] : [rows, units], [0, 1, 1, 0, 2].map((v) => Math.min(v, units - 1)), false) : anyY;
      const [tx, ty] = [x, y].map((v) => materialize(v));
      const onEpochEnd = (): boolean | void => {
        if (callback === 'disposeModel') model.dispose();
        if (callback === 'disposeLayer') model.layers[0].dispose();
        if (callback === 'disposeX') (tx as sd.Tensor).dispose();
        if (callback === 'compile') model.compile({ optimizer: 'adam', loss: loss as sd.LossName });
        if (callback === 'setWeights') sd.dispose(model.getWeights().map((w, i, all) => (model.setWeights(all), w)));
        if (callback === 'predict') model.predict(tx as sd.Tensor).dispose();
        if (callback === 'shareLayer') other.add(model.layers[1]);
        return callback === 'stop';
      };
      const opts = options && typeof options === 'object' ? { ...options, callbacks: callback === 'nullCallback' ? [null] : { onEpochEnd } } : options;
      try {
        const changes = ['disposeModel', 'disposeLayer', 'disposeX', 'compile', 'shareLayer'].includes(callback); // memory changes by design
        // A callback's own error rejects fit as it is (add: a layer already in a model).
        const out = await callAsync(['fit', 'predict', 'add'], () => model.fit(tx as sd.Tensor, ty as sd.Tensor, opts as sd.FitOptions), 'fit', !changes);
        if (out.ok) for (const [key, values] of Object.entries(out.value.history)) expect(values.length, key).toBe(out.value.epoch.length);
        const step = await callAsync('trainOnBatch', () => model.trainOnBatch(tx as sd.Tensor, ty as sd.Tensor), 'trainOnBatch');
        if (step.ok) expect([step.value].flat().every(Number.isFinite)).toBe(true);
      } finally {
        cleanup(tx, ty);
        model.dispose();
        other.dispose();
      }
      canary(`fit with ${callback}`);
    }), 1));

  test('loadModel on random, truncated and mutated bytes', async () => {
    const model = smallModel(2, 'linear', 'mse');
    const good = new Uint8Array(await model.save());
    model.dispose();
    await check(fc.asyncProperty(fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.nat(good.length).map((n) => good.slice(0, n)),
      fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => { const b = good.slice(); b[at] = byte; return b; }),
      fc.constant(good.slice()),
      arbJunk.filter((j) => typeof j !== 'string'), // a string is a path: file errors are Node's
    ), async (bytes) => {
      const out = await callAsync('loadModel', () => sd.loadModel(bytes as Uint8Array), 'loadModel');
      if (out.ok) {
        const p = out.value.predict(materialize(new TensorSpec([2, 3], [1, -1], false)) as sd.Tensor);
        cleanup(p);
        out.value.dispose();
      }
      canary('loadModel');
    }));
  });
});
