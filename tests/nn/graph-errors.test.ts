// Bad graphs and bad calls of the functional API are errors before anything is allocated: the class of the error,
// a message naming the layers, tensors and shapes involved, and the live tensors, bytes and heap blocks unchanged.
import { describe, expect, it } from 'vitest';
import {
  dense, dispose, DisposedError, input, layers, model, sgd, ShapeError, tensor, type Model, type SymbolicTensor,
} from '../../src/index';
import { failOnLeaks } from '../reference';
import { expectFailsClean } from './expect-fails';

failOnLeaks();

describe('model() refuses bad graphs before building any weight', () => {
  it('an input no output uses: names inputs[1]', async () => {
    const a = input({ shape: [2] }), b = input({ shape: [3] }), out = dense({ units: 1 }).apply(a);
    await expectFailsClean(() => model({ inputs: [a, b], outputs: out }), RangeError, ['model: inputs[1]', '[null, 3]', 'is used by no output']);
    // The same layers make a model once the graph is right.
    const net = model({ inputs: a, outputs: out });
    expect(net.getWeights().map((w) => { w.dispose(); return w.shape; })).toEqual([[2, 1], [1]]);
    net.dispose();
  });

  it('an output that depends on an input not listed ("a symbolic tensor of another model")', async () => {
    const a = input({ shape: [2] }), c = input({ shape: [2], name: 'other' });
    const joined = layers.add().apply([dense({ units: 3 }).apply(a), dense({ units: 3 }).apply(c)]);
    const out = dense({ units: 1, name: 'head' }).apply(joined);
    await expectFailsClean(() => model({ inputs: a, outputs: out }), RangeError,
      ['model: outputs[0] (head [null, 1]) depends on the input other [null, 2], which is not in inputs', 'a symbolic tensor of another model']);
    // Another model's output as the argument of a new one's layer.
    const first = model({ inputs: c, outputs: dense({ units: 2 }).apply(c) });
    const x = input({ shape: [2] });
    const mixed = layers.concatenate().apply([x, first.outputs[0]]);
    await expectFailsClean(() => model({ inputs: x, outputs: dense({ units: 1 }).apply(mixed) }), RangeError, ['outputs[0]', 'other [null, 2]', 'not in inputs']);
    first.dispose();
  });

  it('inputs or outputs listed twice, an input as an output, empty lists, two layers of one name', async () => {
    const a = input({ shape: [2] }), b = input({ shape: [2] });
    const h = dense({ units: 2, name: 'twin' }).apply(a), g = dense({ units: 2, name: 'twin' }).apply(b);
    await expectFailsClean(() => model({ inputs: [a, a], outputs: h }), RangeError, ['inputs[1] is inputs[0] again', 'list each input once']);
    await expectFailsClean(() => model({ inputs: a, outputs: [h, h] }), RangeError, ['outputs[1] is outputs[0] again']);
    await expectFailsClean(() => model({ inputs: a, outputs: a }), RangeError, ['outputs[0] is the model input', 'made by a layer']);
    await expectFailsClean(() => model({ inputs: h, outputs: h }), TypeError, ['inputs[0] is the output of twin [null, 2]', 'input({ shape })']);
    await expectFailsClean(() => model({ inputs: [], outputs: h }), RangeError, ['inputs is empty']);
    await expectFailsClean(() => model({ inputs: a, outputs: [] }), RangeError, ['outputs is empty']);
    await expectFailsClean(() => model({ inputs: [a, b], outputs: layers.add().apply([h, g]) }), RangeError, ['two layers are named "twin"']);
  });

  it('merge arguments whose shapes cannot combine: a ShapeError naming the layer and both shapes', async () => {
    const a = input({ shape: [3] }), b = input({ shape: [4] });
    await expectFailsClean(() => layers.add().apply([a, b]), ShapeError, ['Add', 'needs arguments of one shape', '[null, 3] and [null, 4]']);
    await expectFailsClean(() => layers.multiply({ name: 'gate' }).apply([a, b]), ShapeError, ['gate (Multiply)', '[null, 3] and [null, 4]']);
    await expectFailsClean(() => layers.average().apply([a, a, b]), ShapeError, ['Average', '[null, 3], [null, 3], [null, 4]']);
    await expectFailsClean(() => layers.add().apply([a]), TypeError, ['two or more symbolic tensors', 'an array of 1']);
    expect(layers.concatenate().apply([a, b]).shape).toEqual([null, 7]);
  });

  it('a shared layer called on another width: a ShapeError naming it and both shapes', async () => {
    const a = input({ shape: [3] }), b = input({ shape: [4] }), shared = dense({ units: 2, name: 'shared' });
    shared.apply(a);
    await expectFailsClean(() => shared.apply(b), ShapeError, ['shared.apply', 'first called on [null, 3]', 'cannot take [null, 4]']);
  });

  it('a data Tensor instead of a symbolic tensor, to apply or to model: a TypeError naming the argument', async () => {
    const data = tensor([[1, 2, 3]]), a = input({ shape: [3] }), out = dense({ units: 1 }).apply(a);
    await expectFailsClean(() => dense({ units: 2, name: 'd' }).apply(data as unknown as SymbolicTensor), TypeError, ['d.apply: the argument must be a symbolic tensor']);
    await expectFailsClean(() => layers.concatenate().apply([a, data as unknown as SymbolicTensor]), TypeError, ['args[1] must be a symbolic tensor']);
    await expectFailsClean(() => model({ inputs: data as unknown as SymbolicTensor, outputs: out }), TypeError,
      ['model: inputs[0] must be a symbolic tensor', 'a tensor of shape [1,3] (data, not a symbolic tensor)']);
    await expectFailsClean(() => model({ inputs: a, outputs: [out, data as unknown as SymbolicTensor] }), TypeError, ['model: outputs[1] must be a symbolic tensor', 'data, not a symbolic tensor']);
    data.dispose();
  });
});

describe('calls on a functional model refuse bad use before any work', () => {
  /** a(4), b(3) → dense each → concatenate → two outputs: value (2, linear) and flag (1, sigmoid). */
  function twoByTwo(): Model {
    const a = input({ shape: [4], name: 'a' }), b = input({ shape: [3], name: 'b' });
    const h = layers.concatenate().apply([dense({ units: 5, activation: 'tanh' }).apply(a), dense({ units: 5, activation: 'tanh' }).apply(b)]);
    return model({ inputs: [a, b], outputs: [dense({ units: 2, name: 'value' }).apply(h), dense({ units: 1, activation: 'sigmoid', name: 'flag' }).apply(h)] });
  }
  const bitsOf = (net: Model): number[][] => {
    const w = net.getWeights(), out = w.map((t) => Array.from(t.dataSync()));
    dispose(w);
    return out;
  };

  it('trainOnBatch, fit and evaluate before compile reject naming compile', async () => {
    const net = twoByTwo(), xa = tensor([[1, 2, 3, 4]]), xb = tensor([[1, 2, 3]]), v = tensor([[0, 1]]), f = tensor([[1]]);
    await expectFailsClean(() => net.trainOnBatch([xa, xb], [v, f]), RangeError, ['trainOnBatch: call compile({ optimizer, loss }) first']);
    await expectFailsClean(() => net.fit([xa, xb], [v, f]), RangeError, ['fit: call compile']);
    await expectFailsClean(() => net.evaluate([xa, xb], [v, f]), RangeError, ['evaluate: call compile']);
    dispose([xa, xb, v, f]);
    net.dispose();
  });

  it('compile: a loss or weight count other than the outputs\', an unknown output name, a softmax feeding other layers', async () => {
    const x = input({ shape: [2] }), single = model({ inputs: x, outputs: dense({ units: 1 }).apply(x) });
    await expectFailsClean(() => single.compile({ loss: ['mse', 'mse'] }), RangeError, ['compile: loss lists 2 values but the model has one output']);
    const net = twoByTwo();
    await expectFailsClean(() => net.compile({ loss: ['mse'] }), RangeError, ['loss lists 1 values but the model has 2 outputs (value, flag)']);
    await expectFailsClean(() => net.compile({ loss: 'mse', lossWeights: [1, 2, 3] }), RangeError, ['lossWeights lists 3 values', '2 outputs (value, flag)']);
    await expectFailsClean(() => net.compile({ loss: { value: 'mse', flagg: 'binaryCrossentropy' } }), RangeError, ['loss names "flagg", which is not an output (outputs: value, flag)']);
    await expectFailsClean(() => net.compile({ loss: { value: 'mse' } }), RangeError, ['loss gives nothing for the output flag']);
    await expectFailsClean(() => net.compile({ loss: 'mse', lossWeights: { flag: -1 } }), RangeError, ['lossWeights for output flag must be a finite number >= 0']);
    await expectFailsClean(() => net.compile({ loss: ['mse', 'categoricalCrossentropy'] }), RangeError, ['categoricalCrossentropy needs a softmax output layer']);
    const y = input({ shape: [2] }), soft = dense({ units: 3, activation: 'softmax', name: 'soft' }).apply(y);
    const hidden = model({ inputs: y, outputs: [soft, dense({ units: 1 }).apply(soft)] });
    await expectFailsClean(() => hidden.compile({ loss: ['categoricalCrossentropy', 'mse'] }), RangeError, ['softmax is supported on output layers only, and soft feeds other layers']);
    single.dispose();
    net.dispose();
    hidden.dispose();
  });

  it('the wrong number of x or y tensors, or of rows between inputs: fit, trainOnBatch, evaluate, predict', async () => {
    const net = twoByTwo();
    net.compile({ optimizer: sgd(), loss: ['mse', 'binaryCrossentropy'] });
    const xa = tensor([[1, 2, 3, 4], [0, 0, 0, 1]]), xb = tensor([[1, 2, 3], [3, 2, 1]]), xb3 = tensor([[1, 2, 3], [3, 2, 1], [0, 0, 0]]);
    const v = tensor([[0, 1], [1, 0]]), f = tensor([[1], [0]]), wide = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const [step, weights] = [net.step, bitsOf(net)];
    const cases: [string, () => unknown, abstract new (...args: never[]) => Error, string[]][] = [
      ['one x for two inputs', () => net.fit([xa], [v, f]), RangeError, ['fit: x is an array of 1 tensors but the model has 2 inputs (a, b)']],
      ['a tensor for two inputs', () => net.fit(xa, [v, f]), TypeError, ['fit: x must be an array of 2 tensors, one per input (a, b)']],
      ['three x', () => net.trainOnBatch([xa, xb, xb], [v, f]), RangeError, ['trainOnBatch: x is an array of 3 tensors but the model has 2 inputs']],
      ['one y for two outputs', () => net.fit([xa, xb], [v]), RangeError, ['fit: y is an array of 1 tensors but the model has 2 outputs (value, flag)']],
      ['a tensor for two outputs', () => net.trainOnBatch([xa, xb], v), TypeError, ['trainOnBatch: y must be an array of 2 tensors, one per output (value, flag)']],
      ['y in the wrong order', () => net.fit([xa, xb], [f, v]), ShapeError, ['fit: y[0] has shape [2,1]; meanSquaredError needs [2,2]']],
      ['rows that differ between inputs', () => net.fit([xa, xb3], [v, f]), ShapeError, ['fit: x[1] has 3 samples but x[0] has 2']],
      ['an input of the wrong width', () => net.fit([xa, wide], [v, f]), ShapeError, ['fit: x[1] has shape [2,4]; the model takes [samples, 3] for input b']],
      ['evaluate with one x', () => net.evaluate([xa], [v, f]), RangeError, ['evaluate: x is an array of 1 tensors']],
      ['predict with one x', () => net.predict([xa]), RangeError, ['predict: x is an array of 1 tensors but the model has 2 inputs']],
      ['predict with a tensor', () => net.predict(xa), TypeError, ['predict: x must be an array of 2 tensors']],
    ];
    for (const [, run, type, fragments] of cases) await expectFailsClean(run, type, fragments);
    expect([net.step, bitsOf(net)]).toEqual([step, weights]);
    dispose([xa, xb, xb3, v, f, wide]);
    net.dispose();
  });
});

describe('a layer shared with a disposed model', () => {
  it('a model of a layer whose owner was disposed throws a DisposedError naming the layer, allocating nothing', async () => {
    const x = input({ shape: [2] }), layer = dense({ units: 2, name: 'kept' }), h = layer.apply(x);
    const owner = model({ inputs: x, outputs: h }), user = model({ inputs: x, outputs: dense({ units: 1 }).apply(h) });
    owner.dispose();
    const data = tensor([[1, 2]]), target = tensor([[1]]);
    await expectFailsClean(() => user.predict(data), DisposedError, ['predict: layer kept was disposed']);
    await expectFailsClean(() => user.getWeights(), DisposedError, ['getWeights: layer kept was disposed']);
    user.compile({ loss: 'mse' });
    await expectFailsClean(() => user.fit(data, target), DisposedError, ['fit: layer kept was disposed']);
    await expectFailsClean(() => user.trainOnBatch(data, target), DisposedError, ['trainOnBatch: layer kept was disposed']);
    dispose([data, target]);
    user.dispose();
  });
});
