// trainOnBatch on real MNIST digits (the mnist package, read through examples/mnist.mjs; Node only, as the browser
// suite cannot read it): a 784-128-10 network whose products are split over threads, on every build and thread
// count, gives fit's weights bit for bit.
import { expect, it } from 'vitest';
import { loadDigits } from '../../examples/mnist.mjs';
import { adam, dense, dispose, sequential, tensor, type Sequential } from '../../src/index';
import { describeEachBuild, splitsOverThreads } from '../builds';
import { failOnLeaks } from '../reference';
import { expectFitEquals } from './same-as-fit';

failOnLeaks();

// 480 digits in batches of 64: seven full batches and one of 32.
const digits = loadDigits(480, 0, 2).train;

describeEachBuild('trainOnBatch gives the weights of fit on MNIST', () => {
  it('784-128-10 on 480 MNIST digits, batches of 64, Adam', async () => {
    expect(splitsOverThreads(64, 784, 128)).toBe(true);
    const x = tensor(digits.pixels, [480, 784]), y = tensor(digits.labels, [480]);
    const make = (): Sequential => {
      const m = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], { seed: 3 });
      m.compile({ optimizer: adam({ learningRate: 0.002 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    };
    const a = make(), b = make();
    await expectFitEquals(a, b, x, y, 64, 1);
    expect(b.evaluate(x, y).loss).toBeLessThan(1.5); // it learned: about 2.3 before the first step
    dispose([x, y]);
    a.dispose();
    b.dispose();
  });
});
