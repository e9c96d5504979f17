// Metrics as compile takes them: names and objects, their log names (one output, several, per-class F1), the errors
// before any work (a classifying metric on a regression output, top-k beyond the classes, unknown names with the
// nearest one, bad options) leaving memory as it was, and metrics kept by model files (old name lists included).
import { describe, expect, it } from 'vitest';
import { dense, input, layers, loadModel, memory, metrics as m, model, sequential, tensor, type CompileOptions } from '../../src/index';
import { failOnLeaks } from '../reference';

failOnLeaks();

const classifier = () => sequential([dense({ units: 4, activation: 'softmax', inputShape: [3] })]);
const regressor = () => sequential([dense({ units: 2, inputShape: [3] })]);

/** Expects compile to throw `kind` matching `message`, leaving memory as it was. */
function expectCompileError(make: () => ReturnType<typeof sequential>, options: CompileOptions, kind: typeof Error, message: RegExp): void {
  const net = make(), before = memory();
  expect(() => net.compile(options)).toThrow(kind);
  expect(() => net.compile(options)).toThrow(message);
  expect(memory()).toEqual(before);
  net.dispose();
}

describe('log names', () => {
  it('one output: Keras 3 names as given, objects by their name, F1 without average per class', () => {
    const net = sequential([dense({ units: 6, activation: 'softmax', inputShape: [3] })]);
    net.compile({ loss: 'sparseCategoricalCrossentropy', metrics: ['acc', 'top_k_categorical_accuracy', 'precision', 'recall', 'f1_score', 'auc',
      'mse', 'mean_absolute_error', 'sparse_categorical_crossentropy', m.auc({ curve: 'PR', name: 'pr_auc' }), m.f1Score({ average: null, name: 'f1' }),
      m.topKCategoricalAccuracy({ k: 2, name: 'top2' })] });
    const x = tensor([[1, 2, 3]]), y = tensor([1]), logs = net.evaluate(x, y);
    [x, y].forEach((t) => t.dispose());
    expect(Object.keys(logs)).toEqual(['loss', 'accuracy', 'top_k_categorical_accuracy', 'precision', 'recall', 'f1_score', 'auc', 'mse',
      'mean_absolute_error', 'sparse_categorical_crossentropy', 'pr_auc', 'f1_0', 'f1_1', 'f1_2', 'f1_3', 'f1_4', 'f1_5', 'top2']);
    expect((net.metrics as unknown[]).slice(0, 2)).toEqual(['accuracy', 'top_k_categorical_accuracy']);
    net.dispose();
  });

  it('several outputs of a graph: loss, then per output <output>_loss and <output>_<metric>, in fit, validation and evaluate', async () => {
    const x = input({ shape: [2] }), h = layers.dense({ units: 3, activation: 'relu', name: 'h' }).apply(x);
    const a = layers.dense({ units: 1, activation: 'sigmoid', name: 'a' }).apply(h), b = layers.dense({ units: 2, name: 'b' }).apply(h);
    const net = model({ inputs: x, outputs: [a, b] });
    net.compile({ loss: ['binaryCrossentropy', 'meanSquaredError'], metrics: ['accuracy', 'r2_score'] });
    const xs = tensor([[1, 2], [3, 4], [5, 6]]), ys = [tensor([[1], [0], [1]]), tensor([[1, 2], [3, 4], [5, 6]])];
    const names = ['loss', 'a_loss', 'a_accuracy', 'a_r2_score', 'b_loss', 'b_accuracy', 'b_r2_score'];
    expect(Object.keys(net.evaluate(xs, ys))).toEqual(names);
    const history = await net.fit(xs, ys, { epochs: 1, validationData: [xs, ys] });
    expect(Object.keys(history.history)).toEqual([...names, ...names.map((n) => `val_${n}`)]);
    // Lists by output name, as Keras takes them: a classifying metric only where it fits; a model file keeps them.
    net.compile({ loss: ['binaryCrossentropy', 'meanSquaredError'], metrics: { a: ['accuracy', m.auc()], b: ['mae'] } });
    expect(Object.keys(net.evaluate(xs, ys))).toEqual(['loss', 'a_loss', 'a_accuracy', 'a_auc', 'b_loss', 'b_mae']);
    expect(net.toJSON().compile?.metrics).toEqual({ a: ['accuracy', { className: 'AUC', config: { name: 'auc', curve: 'ROC', numThresholds: 200, multiLabel: false } }], b: ['mae'] });
    const loaded = await loadModel(await net.save());
    expect(loaded.evaluate(xs, ys)).toEqual(net.evaluate(xs, ys));
    expect(() => net.compile({ loss: 'meanSquaredError', metrics: { c: ['mae'] } })).toThrow(/^compile: metrics names "c", which is not an output \(outputs: a, b\)/);
    expect(() => net.compile({ loss: ['binaryCrossentropy', 'meanSquaredError'], metrics: ['auc'] }))
      .toThrow(/^compile: metric auc needs probabilities, but output b is a regression output/);
    [xs, ...ys].forEach((t) => t.dispose());
    net.dispose();
    loaded.dispose();
  });
});

describe('errors before training', () => {
  it('a classifying metric on a regression output names the metric, the output, its loss and activation', () => {
    for (const metric of ['auc', 'precision', 'recall', 'f1_score'] as const) {
      expectCompileError(regressor, { loss: 'meanSquaredError', metrics: [metric] }, RangeError,
        new RegExp(`^compile: metric ${metric} needs probabilities, but output dense_\\d+ is a regression output \\(loss meanSquaredError, activation linear\\)`));
    }
    expectCompileError(regressor, { loss: 'meanAbsoluteError', metrics: [m.auc({ name: 'roc' })] }, RangeError, /metric roc .*\(loss meanAbsoluteError/);
  });

  it('top-k with k not below the classes; classId or topK beyond the columns', () => {
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: ['top_k_categorical_accuracy'] }, RangeError,
      /^compile: metric top_k_categorical_accuracy takes the top 5 of output dense_\d+, which has 4 columns; k must be below 4/);
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: [m.topKCategoricalAccuracy({ k: 4 })] }, RangeError, /top 4 .* k must be below 4/);
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: [m.precision({ classId: 4 })] }, RangeError, /classId 4, but output dense_\d+ has 4 columns/);
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: [m.recall({ topK: 9 })] }, RangeError, /top 9/);
  });

  it('unknown names name the nearest valid one; two metrics of one name', () => {
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: ['meanSquaredError' as never] }, RangeError,
      /^compile: metrics\[0\] is "meanSquaredError", not a metric; did you mean "mean_squared_error"\?/);
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: ['acuracy' as never] }, RangeError, /did you mean "accuracy"/);
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: ['auc', m.auc({ curve: 'PR' })] }, RangeError, /two metrics log as "auc"/);
    expectCompileError(classifier, { loss: 'categoricalCrossentropy', metrics: [{ auc: true } as never] }, TypeError, /metrics\[0\] must be a metric name/);
  });

  it('bad options name the function, the option and the value', () => {
    expect(() => m.auc({ numThresholds: 1 })).toThrow(/^auc: numThresholds must be in \[2, 1048576\], got 1/);
    expect(() => m.auc({ curve: 'roc' as never })).toThrow(/^auc: curve must be 'ROC' or 'PR', got "roc"/);
    expect(() => m.auc({ numTresholds: 10 } as never)).toThrow(/^auc: unknown option "numTresholds".*did you mean "numThresholds"/);
    expect(() => m.precision({ thresholds: 1.5 })).toThrow(/^precision: thresholds must be a number in \[0, 1\], got 1.5/);
    expect(() => m.recall({ topK: 0 })).toThrow(/^recall: topK must be in \[1/);
    expect(() => m.f1Score({ average: 'binary' as never })).toThrow(/^f1Score: average must be 'micro', 'macro', 'weighted' or null, got "binary"/);
    expect(() => m.f1Score({ threshold: -0.1 })).toThrow(RangeError);
    expect(() => m.topKCategoricalAccuracy({ k: 0 })).toThrow(/^topKCategoricalAccuracy: k must be in \[1/);
    expect(() => m.r2Score({ name: 'a b' })).toThrow(/^r2Score: name must be a string of letters/);
  });
});

describe('model files', () => {
  it('keep names and metrics with options; the loaded model logs the same values', async () => {
    const net = classifier();
    const list: CompileOptions['metrics'] = ['accuracy', 'mae', 'mse', m.auc({ curve: 'PR', numThresholds: 50 }), m.f1Score({ average: 'weighted', threshold: 0.4 }), m.precision({ topK: 2 })];
    net.compile({ loss: 'categoricalCrossentropy', metrics: list });
    expect(net.toJSON().compile?.metrics).toEqual(['accuracy', 'mae', 'mse', { className: 'AUC', config: { name: 'auc', curve: 'PR', numThresholds: 50, multiLabel: false } },
      { className: 'F1Score', config: { name: 'f1_score', average: 'weighted', threshold: 0.4 } },
      { className: 'Precision', config: { name: 'precision', thresholds: null, classId: null, topK: 2 } }]);
    const loaded = await loadModel(await net.save());
    const x = tensor([[1, 2, 3], [0, -1, 2], [3, 0, 0]]), y = tensor([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]);
    expect(loaded.evaluate(x, y)).toEqual(net.evaluate(x, y));
    expect(loaded.toJSON().compile?.metrics).toEqual(net.toJSON().compile?.metrics);
    [x, y].forEach((t) => t.dispose());
    net.dispose();
    loaded.dispose();
  });

  it('a file whose metrics fail the checks is refused before anything is allocated', async () => {
    const net = classifier();
    net.compile({ loss: 'categoricalCrossentropy', metrics: [m.auc({ numThresholds: 50, name: 'a_name_that_leaves_room_for_the_edit' })] });
    const bytes = new Uint8Array(await net.save());
    net.dispose();
    // The file: "SDPM", the JSON's byte length (u32), the JSON, padding, weights. Its metrics made invalid in place.
    const length = new DataView(bytes.buffer).getUint32(4, true), text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    const json = JSON.parse(text) as { compile: { metrics: unknown[] } };
    json.compile.metrics = [{ className: 'AUC', config: { name: 'auc', curve: 'ROC', numThresholds: 1, multiLabel: false } }];
    const edited = new TextEncoder().encode(JSON.stringify(json).padEnd(length, ' '));
    expect(edited.length).toBe(length);
    bytes.set(edited, 8);
    const before = memory();
    await expect(loadModel(bytes)).rejects.toThrow(/^loadModel: .*compile: metrics\[0\]: auc: numThresholds must be in \[2/);
    expect(memory()).toEqual(before);
  });
});
