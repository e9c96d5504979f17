// Bad sample and class weights: errors that name the option and the value, thrown before anything is allocated
// (memory() and the heap unchanged), in fit, validationData, evaluate and trainOnBatch.
import { describe, expect, it } from 'vitest';
import { dense, dispose, input, model, ShapeError, tensor, type Tensor } from '../../src/index';
import { failOnLeaks } from '../reference';
import { expectFailsClean } from './expect-fails';
import { modelFor, problem } from './weights-reference';

failOnLeaks();

const p = problem('cce', 4, 2, 3, 1);
const setup = (): { x: Tensor; y: Tensor; done: () => void; net: ReturnType<typeof modelFor> } => {
  const net = modelFor(p), x = tensor(p.x), y = tensor(p.y);
  return { net, x, y, done: () => { dispose([x, y]); net.dispose(); } };
};

describe('fit refuses bad weights before training', () => {
  const cases: [string, Record<string, unknown>, abstract new (...args: never[]) => Error, string | RegExp][] = [
    ['a class the targets do not have', { classWeight: { 0: 1, 7: 2 } }, RangeError, 'fit: classWeight names class 7, which the targets do not have (classes 0–2)'],
    ['a key that is not a class index', { classWeight: { a: 1 } }, RangeError, 'fit: classWeight has key "a", which is not a class index (0, 1, …)'],
    ['a negative class', { classWeight: { '-1': 1 } }, RangeError, /key "-1", which is not a class index/],
    ['a fractional class', { classWeight: { 1.5: 1 } }, RangeError, /key "1.5", which is not a class index/],
    ['a negative class weight', { classWeight: { 1: -2 } }, RangeError, 'fit: classWeight[1] is -2; class weights must be finite numbers >= 0'],
    ['a NaN class weight', { classWeight: { 1: NaN } }, RangeError, /classWeight\[1\] is NaN/],
    ['a class weight that is not a number', { classWeight: { 1: '2' } }, RangeError, /classWeight\[1\] is "2"/],
    ['classWeight as an array', { classWeight: [1, 2] }, TypeError, /classWeight must be a record of class index → weight/],
    ['too few sample weights', { sampleWeight: [1, 2, 3] }, ShapeError, 'fit: sampleWeight has 3 weights but the data has 4 samples; give one weight per sample'],
    ['a negative sample weight', { sampleWeight: [1, 2, -1, 1] }, RangeError, 'fit: sampleWeight[2] is -1; sample weights must be finite (in float32) and >= 0'],
    ['a NaN sample weight', { sampleWeight: [1, NaN, 1, 1] }, RangeError, /sampleWeight\[1\] is NaN/],
    ['an infinite sample weight', { sampleWeight: [1, 1, 1, Infinity] }, RangeError, /sampleWeight\[3\] is Infinity/],
    ['a sample weight beyond float32', { sampleWeight: [1e39, 1, 1, 1] }, RangeError, /sampleWeight\[0\] is 1e\+39/],
    ['a sample weight that is not a number', { sampleWeight: [1, '1', 1, 1] }, TypeError, 'fit: sampleWeight[1] is "1"; sample weights are numbers'],
    ['sampleWeight of another kind', { sampleWeight: 3 }, TypeError, /sampleWeight must be a Tensor \[samples\] or an array of numbers/],
    ['weights that sum to 0', { sampleWeight: [0, 0, 0, 0] }, RangeError, 'fit: the sample weights sum to 0 over the training samples: every sample weighs 0'],
    ['class weights that zero every sample', { classWeight: { 0: 0, 1: 0, 2: 0 } }, RangeError, /sum to 0 over the training samples/],
    ['held-out rows that weigh 0', { sampleWeight: [1, 1, 1, 0], validationSplit: 0.25 }, RangeError, /sum to 0 over the validationSplit rows/],
    ['an unknown key', { sampleWeights: [1, 1, 1, 1] }, RangeError, /unknown option "sampleWeights" in options; did you mean "sampleWeight"\?/],
  ];
  it.each(cases)('%s', async (_, options, type, message) => {
    const { net, x, y, done } = setup();
    await expectFailsClean(() => net.fit(x, y, options), type, message);
    expect(net.step).toBe(0);
    done();
  });

  it('sampleWeight tensors of the wrong rank or length', async () => {
    const { net, x, y, done } = setup();
    const wide = tensor([[1, 1], [1, 1], [1, 1], [1, 1]]), long = tensor([1, 1, 1, 1, 1]), column = tensor([[1], [1], [1], [-3]]);
    await expectFailsClean(() => net.fit(x, y, { sampleWeight: wide }), ShapeError, 'fit: sampleWeight has shape [4,2]; it takes one weight per sample: [4] or [4, 1]');
    await expectFailsClean(() => net.fit(x, y, { sampleWeight: long }), ShapeError, /sampleWeight has 5 weights but the data has 4 samples/);
    await expectFailsClean(() => net.fit(x, y, { sampleWeight: column }), RangeError, /sampleWeight\[3\] is -3/);
    wide.dispose();
    await expectFailsClean(() => net.fit(x, y, { sampleWeight: wide }), Error, /disposed/);
    dispose([long, column]);
    done();
  });

  it('validationData[2] checked as a sampleWeight of the validation rows', async () => {
    const { net, x, y, done } = setup();
    await expectFailsClean(() => net.fit(x, y, { validationData: [x, y, [1, 1]] }), ShapeError, 'fit: validationData[2] has 2 weights but the data has 4 samples; give one weight per sample');
    await expectFailsClean(() => net.fit(x, y, { validationData: [x, y, [0, 0, 0, 0]] }), RangeError, /sum to 0 over validationData/);
    await expectFailsClean(() => net.fit(x, y, { validationData: [x, y, [1, 1, 1, 1], 1] as never }), TypeError, /validationData must be \[x, y\] or \[x, y, sampleWeight\]/);
    done();
  });
});

describe('evaluate and trainOnBatch refuse bad weights', () => {
  it('naming themselves', async () => {
    const { net, x, y, done } = setup();
    await expectFailsClean(() => net.evaluate(x, y, { sampleWeight: [1, 1, NaN, 1] }), RangeError, 'evaluate: sampleWeight[2] is NaN; sample weights must be finite (in float32) and >= 0');
    await expectFailsClean(() => net.evaluate(x, y, { classWeight: { 3: 1 } }), RangeError, 'evaluate: classWeight names class 3, which the targets do not have (classes 0–2)');
    await expectFailsClean(() => net.evaluate(x, y, { classWeights: {} } as never), RangeError, /evaluate: unknown option "classWeights"/);
    await expectFailsClean(() => net.trainOnBatch(x, y, { sampleWeight: [0, 0, 0, 0] }), RangeError, 'trainOnBatch: the sample weights sum to 0 over the batch: every sample weighs 0');
    await expectFailsClean(() => net.trainOnBatch(x, y, { batchSize: 2 } as never), RangeError, /trainOnBatch: unknown option "batchSize"/);
    expect(net.step).toBe(0);
    done();
  });

  it('classWeight on a model of several outputs, per-output sample weights, and a class beyond one binary column', async () => {
    const a = input({ shape: [2] });
    const net = model({ inputs: a, outputs: [dense({ units: 1, name: 'o1' }).apply(a), dense({ units: 1, name: 'o2' }).apply(a)] });
    net.compile({ loss: 'meanSquaredError' });
    const x = tensor([[1, 0], [0, 1]]), y = tensor([[1], [0]]);
    await expectFailsClean(() => net.fit(x, [y, y], { classWeight: { 0: 1 } }), RangeError, 'fit: classWeight takes a model of one output; this one has 2 (o1, o2): give sampleWeight instead');
    await expectFailsClean(() => net.fit(x, [y, y], { sampleWeight: [y, y] as never }), TypeError, /sampleWeight per output is not supported/);
    await expectFailsClean(() => net.fit(x, [y, y], { sampleWeight: { o1: [1, 1] } as never }), TypeError, /sampleWeight per output is not supported/);
    const binary = modelFor(problem('bce', 2, 2, 1, 3));
    await expectFailsClean(() => binary.fit(x, y, { classWeight: { 2: 1 } }), RangeError, 'fit: classWeight names class 2, which the targets do not have (classes 0–1)');
    dispose([x, y]);
    net.dispose();
    binary.dispose();
  });
});
