// Strict option objects across the model API (src/nn, src/optim): a typo is a RangeError that names the op, the
// key and the nearest valid key, thrown before any work, with memory unchanged; valid options still work.
import { describe, expect, it } from 'vitest';
import {
  adagrad, adam, dense, dropout, earlyStopping, initializers, rmsprop, Sequential, sequential, sgd, tensor,
} from '../../src/index';
import { failOnLeaks } from '../reference';
import { expectFailsClean } from './expect-fails';

failOnLeaks();

const expectTypo = (run: () => unknown, message: string): Promise<Error> => expectFailsClean(run, RangeError, message);


const compiled = (): Sequential => {
  const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
  model.compile({ loss: 'binaryCrossentropy' });
  return model;
};

describe('unknown option keys', () => {
  it('layers, models and compile name the nearest valid key', async () => {
    await expectTypo(() => dense({ units: 2, activaton: 'relu' } as never),
      'dense: unknown option "activaton" in options; did you mean "activation"? (expected units, activation, useBias, kernelInitializer, biasInitializer, inputShape, batchInputShape, inputDim, name, kernelRegularizer, kernelConstraint, biasRegularizer, biasConstraint, activityRegularizer)');
    await expectTypo(() => dense({ units: 2, input_shape: [3] } as never), 'dense: unknown option "input_shape" in options; did you mean "inputShape"? (expected units, activation, useBias, kernelInitializer, biasInitializer, inputShape, batchInputShape, inputDim, name, kernelRegularizer, kernelConstraint, biasRegularizer, biasConstraint, activityRegularizer)');
    await expectTypo(() => dropout({ rat: 0.5 } as never), 'dropout: unknown option "rat" in options; did you mean "rate"? (expected rate, name)');
    await expectTypo(() => sequential([dense({ units: 1, inputShape: [2] })], { sed: 1 } as never),
      'sequential: unknown option "sed" in options; did you mean "seed"? (expected seed)');
    await expectTypo(() => new Sequential([], { Seed: 1 } as never), 'sequential: unknown option "Seed" in options; did you mean "seed"? (expected seed)');
    const model = sequential([dense({ units: 1, inputShape: [2] })]);
    await expectTypo(() => model.compile({ optimiser: 'sgd', loss: 'mse' } as never),
      'compile: unknown option "optimiser" in options; did you mean "optimizer"? (expected optimizer, loss, lossWeights, metrics)');
    expect(model.optimizer).toBeNull();
    model.dispose();
  });

  it('fit, evaluate and predict name the nearest valid key', async () => {
    const model = compiled(), x = tensor([[0, 1], [1, 0]]), y = tensor([[1], [0]]);
    await expectTypo(() => model.fit(x, y, { epoch: 50 } as never),
      'fit: unknown option "epoch" in options; did you mean "epochs"? (expected epochs, batchSize, shuffle, seed, validationSplit, validationData, ' +
      'callbacks, verbose, terminateOnNaN, sampleWeight, classWeight)');
    await expectTypo(() => model.fit(x, y, { validation_split: 0.5 } as never), 'fit: unknown option "validation_split" in options; did you mean "validationSplit"? ' +
      '(expected epochs, batchSize, shuffle, seed, validationSplit, validationData, callbacks, verbose, terminateOnNaN, sampleWeight, classWeight)');
    expect(model.step).toBe(0);
    await expectTypo(() => model.evaluate(x, y, { batchsize: 1 } as never), 'evaluate: unknown option "batchsize" in options; did you mean "batchSize"? (expected batchSize, sampleWeight, classWeight)');
    await expectTypo(() => model.predict(x, { batch_size: 1 } as never), 'predict: unknown option "batch_size" in options; did you mean "batchSize"? (expected batchSize)');
    // The valid option works and gives the same values at any batch size.
    const whole = model.predict(x), byRow = model.predict(x, { batchSize: 1 });
    expect(Array.from(byRow.dataSync())).toEqual(Array.from(whole.dataSync()));
    expect(model.evaluate(x, y, { batchSize: 1 }).loss).toBeCloseTo(model.evaluate(x, y).loss, 6);
    expect(() => model.predict(x, { batchSize: 0 })).toThrow(new RangeError('predict: batchSize must be in [1, 1073741824], got 0'));
    [x, y, whole, byRow].forEach((t) => t.dispose());
    model.dispose();
  });

  it('earlyStopping and the initializers name the nearest valid key', async () => {
    await expectTypo(() => earlyStopping({ patiance: 3 } as never),
      'earlyStopping: unknown option "patiance" in options; did you mean "patience"? (expected monitor, mode, patience, minDelta, restoreBestWeights)');
    expect(() => earlyStopping({ restoreBestWeights: 1 } as never)).toThrow(new TypeError('earlyStopping: restoreBestWeights must be true or false, got 1'));
    await expectTypo(() => initializers.glorotUniform({ sed: 1 } as never), 'glorotUniform: unknown option "sed" in options; did you mean "seed"? (expected seed)');
    await expectTypo(() => initializers.randomNormal({ stdev: 1 } as never),
      'randomNormal: unknown option "stdev" in options; did you mean "stddev"? (expected mean, stddev, seed)');
    await expectTypo(() => initializers.randomUniform({ maxx: 1 } as never), 'randomUniform: unknown option "maxx" in options; did you mean "max"? (expected min, max, seed)');
    for (const name of ['glorotNormal', 'heUniform', 'heNormal'] as const) {
      await expectTypo(() => initializers[name]({ seeds: 1 } as never), `${name}: unknown option "seeds" in options; did you mean "seed"? (expected seed)`);
    }
    await expectTypo(() => initializers.zeros({ seed: 1 } as never), 'zeros: unknown option "seed" in options (expected none)');
    await expectTypo(() => initializers.ones({ value: 1 } as never), 'ones: unknown option "value" in options (expected none)');
    // A saved initializer config with a typo is rejected too.
    await expectTypo(() => dense({ units: 1, kernelInitializer: { name: 'heNormal', sed: 1 } as never }),
      'heNormal: unknown option "sed" in options; did you mean "seed"? (expected seed)');
  });

  it('the optimizers name the nearest valid key, and only sgd takes nesterov', async () => {
    await expectTypo(() => sgd({ learningrate: 0.1 } as never),
      'sgd: unknown option "learningrate" in options; did you mean "learningRate"? (expected learningRate, momentum, weightDecay, nesterov, clipNorm, globalClipNorm, clipValue)');
    await expectTypo(() => adam({ beta_1: 0.9 } as never),
      'adam: unknown option "beta_1" in options; did you mean "beta1"? (expected learningRate, beta1, beta2, epsilon, weightDecay, clipNorm, globalClipNorm, clipValue)');
    await expectTypo(() => adam({ nesterov: true } as never), 'adam: unknown option "nesterov" in options (expected learningRate, beta1, beta2, epsilon, weightDecay, clipNorm, globalClipNorm, clipValue)');
    await expectTypo(() => rmsprop({ decay: 0.9 } as never), 'rmsprop: unknown option "decay" in options (expected learningRate, rho, epsilon, weightDecay, clipNorm, globalClipNorm, clipValue)');
    await expectTypo(() => adagrad({ lr: 0.1 } as never), 'adagrad: unknown option "lr" in options (expected learningRate, epsilon, weightDecay, clipNorm, globalClipNorm, clipValue)');
    expect(sgd({ nesterov: true, momentum: 0.9 }).config.nesterov).toBe(true);
  });
});
