// Seeds that make whole runs repeatable (src/nn/seeds.ts, sequential's and fit's seed): a model's seed fixes the
// initial weights of its unseeded layers, whatever the global generator did before, and the shuffle and dropout of
// its fits. (That the README's examples repeat is tests/docs/readme.test.ts's: fresh processes, in Node.)
import { describe, expect, it } from 'vitest';
import * as simdeep from '../../src/index';
import { deriveSeed } from '../../src/nn/seeds';
import { failOnLeaks, seededValues } from '../reference';

const { dense, dispose, dropout, initializers, rand, seed, sequential, tensor } = simdeep;
type Sequential = simdeep.Sequential;

failOnLeaks();

/** The float64 bits of each value (float32 weights convert exactly). */
const bits = (values: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float64Array.from(values).buffer));
const weightBits = (model: Sequential): number[][] => {
  const w = model.getWeights();
  const out = w.map((t) => bits(t.dataSync()));
  dispose(w);
  return out;
};
/** Moves the global generator to a state of its own, as unrelated code before a run would. */
const disturb = (n: number): void => {
  seed(n);
  rand([n % 7 + 1]).dispose();
};

describe('deriveSeed', () => {
  it('gives the same seed for the same path, different ones for different paths and seeds, as 32-bit integers', () => {
    expect(deriveSeed(1, 1, 0, 0)).toBe(deriveSeed(1, 1, 0, 0));
    const seeds = [deriveSeed(1, 1, 0, 0), deriveSeed(1, 1, 0, 1), deriveSeed(1, 1, 1, 0), deriveSeed(2, 1, 0, 0), deriveSeed(2 ** 40 + 1, 1, 0, 0), deriveSeed(1, 2, 0)];
    expect(new Set(seeds).size).toBe(seeds.length);
    seeds.forEach((s) => expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true));
  });
});

describe('a model seed', () => {
  const build = (options?: simdeep.SequentialOptions): Sequential => sequential([
    dense({ units: 4, activation: 'relu', inputShape: [3] }), dropout({ rate: 0.5 }),
    dense({ units: 3, kernelInitializer: 'heNormal', biasInitializer: initializers.randomNormal({ stddev: 0.1 }) }),
    dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: 9 }) }),
  ], options);

  it('fixes the initial weights of unseeded layers whatever the global generator did; seeded initializers keep theirs', () => {
    disturb(1);
    const a = build({ seed: 42 });
    disturb(2);
    const b = build({ seed: 42 });
    const c = build({ seed: 43 });
    const wa = weightBits(a), wb = weightBits(b), wc = weightBits(c);
    expect(wb).toEqual(wa);
    // Another model seed changes every unseeded weight, not the layer with its own seed (kernel 2), nor the zero biases.
    expect(wc[0]).not.toEqual(wa[0]);
    expect(wc[2]).not.toEqual(wa[2]);
    expect(wc[3]).not.toEqual(wa[3]);
    expect(wc[4]).toEqual(wa[4]);
    expect(wc[1]).toEqual(wa[1]);
    // Each layer draws its own stream: a model seed is not the same as giving every initializer that seed.
    const own = sequential([dense({ units: 4, inputShape: [3], kernelInitializer: initializers.glorotUniform({ seed: 42 }) })]);
    const unseeded = sequential([dense({ units: 4, inputShape: [3] })], { seed: 42 });
    expect(weightBits(own)[0]).not.toEqual(weightBits(unseeded)[0]);
    // Layers added later draw from the same streams as when listed up front.
    const added = sequential([], { seed: 42 }).add(dense({ units: 4, activation: 'relu', inputShape: [3] })).add(dropout({ rate: 0.5 }))
      .add(dense({ units: 3, kernelInitializer: 'heNormal', biasInitializer: initializers.randomNormal({ stddev: 0.1 }) }))
      .add(dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: 9 }) }));
    expect(weightBits(added)).toEqual(wa);
    for (const m of [a, b, c, own, unseeded, added]) m.dispose();
  });

  it('repeats whole fits with dropout and shuffling, and a sequence of fits, without a fit seed', async () => {
    const x = tensor(seededValues(40 * 3, 1), [40, 3]), y = tensor(seededValues(40, 2), [40, 1]);
    const run = async (disturbance: number): Promise<[number[], number[][]]> => {
      disturb(disturbance);
      const model = build({ seed: 7 });
      model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      const first = await model.fit(x, y, { epochs: 5, batchSize: 8, validationSplit: 0.2 });
      const second = await model.fit(x, y, { epochs: 5, batchSize: 8 });
      const out: [number[], number[][]] = [bits([...first.history.loss, ...first.history.val_loss, ...second.history.loss]), weightBits(model)];
      model.dispose();
      return out;
    };
    const [lossA, weightsA] = await run(3);
    const [lossB, weightsB] = await run(4);
    expect(lossB).toEqual(lossA);
    expect(weightsB).toEqual(weightsA);
    // The two fits of a run differ: each draws from its own stream (derived from the step count).
    expect(lossA.slice(20, 30)).not.toEqual(lossA.slice(0, 10));
    dispose([x, y]);
  });

  it('is checked: an integer in [0, 2^53)', () => {
    expect(() => sequential([], { seed: 1.5 })).toThrow(new TypeError('sequential: seed must be an integer, got 1.5'));
    expect(() => sequential([], { seed: -1 })).toThrow(new RangeError('sequential: seed must be in [0, 9007199254740991], got -1'));
    expect(sequential([], { seed: 3 }).seed).toBe(3);
  });
});
