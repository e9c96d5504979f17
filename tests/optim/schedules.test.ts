// Learning-rate schedules: each one's rate (computed in wasm, rounded once to float32) against Keras 3's formula in
// float64, at hand-checked steps, over many steps and over random settings; their configs round-trip through an
// optimizer's config; bad options are errors naming the option and the value, allocating nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cosineDecay, cosineDecayRestarts, dense, exponentialDecay, inverseTimeDecay, piecewiseConstantDecay, polynomialDecay, sequential, sgd, tensor, variable,
  type LearningRateSchedule,
} from '../../src/index';
import { heapStats } from '../../src/runtime/heap';

/**
 * The float32 rounding of a rate: half a float32 ulp, relative (and the smallest subnormal for 0). Settings that
 * overflow (a decay rate above 1 over a million steps) give Infinity or NaN (0·Infinity) in Keras's formula too.
 */
const close = (got: number, want: number): boolean => Object.is(got, Math.fround(want)) || Math.abs(got - want) <= 2 ** -24 * Math.abs(want) * (1 + 1e-9) + 1e-45;

// Keras 3's formulas (keras/src/optimizers/schedules/learning_rate_schedule.py), in float64.
const exponential = (lr: number, steps: number, rate: number, stair: boolean) => (s: number) =>
  lr * rate ** (stair ? Math.floor(s / steps) : s / steps);
const piecewise = (b: number[], v: number[]) => (s: number) => {
  if (s <= b[0]) return v[0];
  if (s > b[b.length - 1]) return v[v.length - 1];
  for (let i = 1; i < b.length; i++) if (s > b[i - 1] && s <= b[i]) return v[i];
  throw new Error('unreachable');
};
const polynomial = (lr: number, steps: number, end: number, power: number, cycle: boolean) => (s: number) => {
  const ds = cycle ? steps * (s === 0 ? 1 : Math.ceil(s / steps)) : steps;
  const p = (cycle ? s : Math.min(s, steps)) / ds;
  return (lr - end) * (1 - p) ** power + end;
};
const inverseTime = (lr: number, steps: number, rate: number, stair: boolean) => (s: number) =>
  lr / (1 + rate * (stair ? Math.floor(s / steps) : s / steps));
const decay = (s: number, steps: number, from: number, alpha: number): number => from * ((1 - alpha) * (0.5 * (1 + Math.cos(Math.PI * (s / steps)))) + alpha);
const cosine = (lr: number, steps: number, alpha: number, target: number | null, warmup: number) => (s: number) => {
  if (target === null) return decay(Math.min(s, steps), steps, lr, alpha);
  const c = Math.min(s, steps + warmup);
  return c < warmup ? (target - lr) * (c / warmup) + lr : decay(c - warmup, steps, target, alpha);
};
/** SGDR; `nudge` moves the restart index's logarithm ratio, to accept either side where two libms round apart. */
const restarts = (lr: number, first: number, tMul: number, mMul: number, alpha: number, nudge = 0) => (s: number) => {
  let f = s / first, i: number;
  if (tMul === 1) {
    i = Math.floor(f);
    f -= i;
  } else {
    i = Math.floor(Math.log(1 - f * (1 - tMul)) / Math.log(tMul) + nudge);
    f = (f - (1 - tMul ** i) / (1 - tMul)) / tMul ** i;
  }
  return lr * ((1 - alpha) * (0.5 * mMul ** i * (1 + Math.cos(Math.PI * f))) + alpha);
};

/** Every step in [0, last] and a few far ones: the schedule's rate against the reference (or one of the references). */
function expectFollows(schedule: LearningRateSchedule, refs: ((s: number) => number)[], last: number): void {
  for (const step of [...Array.from({ length: last + 1 }, (_, s) => s), 1e4, 123456, 1e7 + 0.5]) {
    const got = schedule.rate(step);
    if (!refs.some((ref) => close(got, ref(step)))) {
      throw new Error(`${schedule.config.className} ${JSON.stringify(schedule.config.config)}: step ${step} gives ${got}, Keras ${refs[0](step)}`);
    }
  }
}

describe('hand-checked rates', () => {
  it('exponentialDecay, continuous and staircase', () => {
    const a = exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5 });
    expect([a.rate(0), a.rate(10), a.rate(20), a.rate(5)]).toEqual([1, 0.5, 0.25, Math.fround(Math.SQRT1_2)]);
    const b = exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect([b.rate(9), b.rate(10), b.rate(19.9), b.rate(20)]).toEqual([1, 0.5, 0.5, 0.25]);
  });

  it('piecewiseConstantDecay: values[0] up to and including the first boundary, as Keras', () => {
    const s = piecewiseConstantDecay({ boundaries: [100, 200], values: [1, 0.5, 0.25] });
    expect([0, 100, 100.5, 101, 200, 201, 1e9].map((t) => s.rate(t))).toEqual([1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]);
  });

  it('polynomialDecay: linear to the end rate, then flat; cycle restarts over the next multiple of decaySteps', () => {
    const s = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0 });
    expect([s.rate(0), s.rate(5), s.rate(10), s.rate(50)]).toEqual([1, 0.5, 0, 0]);
    const c = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, cycle: true });
    expect([c.rate(0), c.rate(10), c.rate(15), c.rate(20)]).toEqual([1, 0, 0.25, 0]);
    expect(polynomialDecay({ initialLearningRate: 1, decaySteps: 4, endLearningRate: 0, power: 2 }).rate(2)).toBe(0.25);
  });

  it('inverseTimeDecay, continuous and staircase', () => {
    expect(inverseTimeDecay({ initialLearningRate: 1, decaySteps: 2, decayRate: 1 }).rate(2)).toBe(0.5);
    expect(inverseTimeDecay({ initialLearningRate: 1, decaySteps: 2, decayRate: 1, staircase: true }).rate(3)).toBe(0.5);
  });

  it('cosineDecay: half-way is the mean of start and alpha·start; the warm-up is linear, then the decay starts from its target', () => {
    const s = cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 0.2 });
    expect([s.rate(0), s.rate(10), s.rate(99)]).toEqual([1, Math.fround(0.2), Math.fround(0.2)]);
    expect(close(s.rate(5), 0.6)).toBe(true);
    const w = cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 1, warmupSteps: 4 });
    expect([w.rate(0), w.rate(1), w.rate(2), w.rate(4), w.rate(14), w.rate(100)]).toEqual([0, 0.25, 0.5, 1, 0, 0]);
    expect(w.config.config).toEqual({ initialLearningRate: 0, decaySteps: 10, alpha: 0, warmupTarget: 1, warmupSteps: 4 });
    expect(s.config.config.warmupTarget).toBeNull();
  });

  it('cosineDecayRestarts: periods of 10, 20, 40 steps from 1, mMul, mMul² times the rate', () => {
    const s = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, mMul: 0.5 });
    expect([s.rate(0), s.rate(10), s.rate(30), s.rate(70)]).toEqual([1, 0.5, 0.25, 0.125]);
    expect(close(s.rate(20), 0.25)).toBe(true); // half-way through the second period
    const t1 = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 4, tMul: 1 });
    expect([t1.rate(0), t1.rate(2), t1.rate(4), t1.rate(6)].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([1, 0.5, 1, 0.5]);
  });
});

describe('rates over many steps against Keras’s formulas', () => {
  it('each kind at fixed settings, steps 0..300 and far ones', () => {
    expectFollows(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9 }), [exponential(0.1, 7, 0.9, false)], 300);
    expectFollows(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 7, decayRate: 0.9, staircase: true }), [exponential(0.1, 7, 0.9, true)], 300);
    expectFollows(piecewiseConstantDecay({ boundaries: [3, 50, 51, 200.5], values: [0.1, 0.05, 0.01, 0.3, 1e-4] }), [piecewise([3, 50, 51, 200.5], [0.1, 0.05, 0.01, 0.3, 1e-4])], 300);
    expectFollows(polynomialDecay({ initialLearningRate: 0.1, decaySteps: 37, power: 0.5 }), [polynomial(0.1, 37, 1e-4, 0.5, false)], 300);
    expectFollows(polynomialDecay({ initialLearningRate: 0.1, decaySteps: 37, power: 2, cycle: true }), [polynomial(0.1, 37, 1e-4, 2, true)], 300);
    expectFollows(inverseTimeDecay({ initialLearningRate: 0.3, decaySteps: 9, decayRate: 0.7 }), [inverseTime(0.3, 9, 0.7, false)], 300);
    expectFollows(inverseTimeDecay({ initialLearningRate: 0.3, decaySteps: 9, decayRate: 0.7, staircase: true }), [inverseTime(0.3, 9, 0.7, true)], 300);
    expectFollows(cosineDecay({ initialLearningRate: 0.1, decaySteps: 150, alpha: 0.01 }), [cosine(0.1, 150, 0.01, null, 0)], 300);
    expectFollows(cosineDecay({ initialLearningRate: 1e-3, decaySteps: 150, warmupTarget: 0.1, warmupSteps: 25 }), [cosine(1e-3, 150, 0, 0.1, 25)], 300);
    expectFollows(cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 13, tMul: 1.5, mMul: 0.8, alpha: 0.1 }),
      [restarts(0.1, 13, 1.5, 0.8, 0.1), restarts(0.1, 13, 1.5, 0.8, 0.1, 1e-9), restarts(0.1, 13, 1.5, 0.8, 0.1, -1e-9)], 300);
  });

  const rate = fc.double({ min: 0, max: 10, noNaN: true });
  const steps = fc.double({ min: 0.5, max: 1000, noNaN: true });
  const step = fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0, max: 1e6, noNaN: true }));
  const fraction = fc.double({ min: 0, max: 1, noNaN: true });
  const check = (schedule: LearningRateSchedule, refs: ((s: number) => number)[], s: number): boolean => {
    const got = schedule.rate(s);
    if (refs.some((ref) => close(got, ref(s)))) return true;
    throw new Error(`${JSON.stringify(schedule.config)}: step ${s} gives ${got}, Keras ${refs[0](s)}`);
  };

  it('exponential and inverse time decay over random settings', () => {
    fc.assert(fc.property(rate, steps, fc.double({ min: 0, max: 2, noNaN: true }), fc.boolean(), step, (lr, ds, r, stair, s) =>
      check(exponentialDecay({ initialLearningRate: lr, decaySteps: ds, decayRate: r, staircase: stair }), [exponential(lr, ds, r, stair)], s)
      && check(inverseTimeDecay({ initialLearningRate: lr, decaySteps: ds, decayRate: r, staircase: stair }), [inverseTime(lr, ds, r, stair)], s)), { numRuns: 300 });
  });

  it('piecewise constant decay over random sorted boundaries, at and between them', () => {
    const table = fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 8 }).chain((b) =>
      fc.tuple(fc.constant([...b].sort((x, y) => x - y)), fc.array(rate, { minLength: b.length + 1, maxLength: b.length + 1 })));
    fc.assert(fc.property(table, fc.integer({ min: 0, max: 1100 }), ([b, v], s) => {
      const schedule = piecewiseConstantDecay({ boundaries: b, values: v });
      return [s, ...b, ...b.map((x) => x + 1)].every((t) => check(schedule, [piecewise(b, v)], t));
    }), { numRuns: 200 });
  });

  it('polynomial decay over random settings, with and without cycle', () => {
    fc.assert(fc.property(rate, steps, rate, fc.double({ min: 0, max: 4, noNaN: true }), fc.boolean(), step, (lr, ds, end, power, cycle, s) =>
      check(polynomialDecay({ initialLearningRate: lr, decaySteps: ds, endLearningRate: end, power, cycle }), [polynomial(lr, ds, end, power, cycle)], s)), { numRuns: 300 });
  });

  it('cosine decay over random settings, with and without warm-up', () => {
    fc.assert(fc.property(rate, steps, fraction, fc.option(rate), fc.integer({ min: 0, max: 500 }), step, (lr, ds, alpha, target, warmup, s) =>
      check(cosineDecay({ initialLearningRate: lr, decaySteps: ds, alpha, warmupTarget: target, warmupSteps: warmup }), [cosine(lr, ds, alpha, target, warmup)], s)), { numRuns: 300 });
  });

  it('cosine decay with restarts over random settings', () => {
    fc.assert(fc.property(rate, steps, fc.double({ min: 1, max: 3, noNaN: true }), fraction, fraction, step, (lr, first, tMul, mMul, alpha, s) =>
      check(cosineDecayRestarts({ initialLearningRate: lr, firstDecaySteps: first, tMul, mMul, alpha }),
        [-1e-9, 0, 1e-9].map((nudge) => restarts(lr, first, tMul, mMul, alpha, nudge)), s)), { numRuns: 300 });
  });
});

describe('the rate of each step', () => {
  // w·x on x = 1 against 0 with mean squared error (no bias): the gradient is 2w, so an SGD step at rate lr is
  // w ← w − lr·2w in float32, hand-checkable; the rate of step t (from 0) must be the schedule's at t.
  const stepped = (w: number, lr: number): number => Math.fround(w - Math.fround(lr * 2 * w));
  const schedule = (): LearningRateSchedule => piecewiseConstantDecay({ boundaries: [1, 3], values: [0.25, 0.125, 0.0625] });
  const want = [0, 1, 2, 3, 4, 5].map((t) => schedule().rate(t)).reduce(stepped, 1);

  it('fit, trainOnBatch and applyGradients take step t at the schedule\'s rate at iterations t', async () => {
    expect([0, 1, 2, 3, 4].map((t) => schedule().rate(t))).toEqual([0.25, 0.25, 0.125, 0.125, 0.0625]);
    const x = tensor([[1]]), y = tensor([[0]]), one = tensor([[1]]);
    const model = sequential([dense({ units: 1, inputShape: [1], useBias: false })]);
    model.setWeights([one]);
    model.compile({ optimizer: sgd({ learningRate: schedule() }), loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 4, batchSize: 1 });
    await model.trainOnBatch(x, y);
    await model.trainOnBatch(x, y);
    const [w] = model.getWeights();
    expect(w.dataSync()[0]).toBe(want);
    const v = variable(one), optimizer = sgd({ learningRate: schedule() });
    for (let t = 0; t < 6; t++) {
      const g = v.mul(2);
      optimizer.applyGradients({ [v.name]: g });
      g.dispose();
    }
    expect(v.dataSync()[0]).toBe(want);
    [x, y, one, w, v].forEach((t) => t.dispose());
    model.dispose();
    optimizer.dispose();
  });
});

describe('configs', () => {
  it('an optimizer keeps its schedule’s config as its learningRate, and one rebuilt from that config has the same rates', () => {
    const schedule = cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 13, tMul: 1.5 });
    const optimizer = sgd({ learningRate: schedule });
    expect(optimizer.config.learningRate).toEqual({ className: 'CosineDecayRestarts', config: { initialLearningRate: 0.1, firstDecaySteps: 13, tMul: 1.5, mMul: 1, alpha: 0 } });
    const again = sgd({ learningRate: JSON.parse(JSON.stringify(optimizer.config.learningRate)) });
    expect(again.schedule!.config).toEqual(schedule.config);
    for (const s of [0, 1, 12, 13, 40, 1000]) expect(again.schedule!.rate(s)).toBe(schedule.rate(s));
    const piecewiseSchedule = piecewiseConstantDecay({ boundaries: [1, 2], values: [3, 2, 1] });
    expect(piecewiseSchedule.config).toEqual({ className: 'PiecewiseConstantDecay', config: { boundaries: [1, 2], values: [3, 2, 1] } });
    expect(optimizer.learningRate).toBe(schedule.rate(0));
  });
});

describe('bad options', () => {
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['zero decaySteps', () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), RangeError, /^exponentialDecay: decaySteps must be a finite number > 0, got 0$/],
    ['negative steps', () => cosineDecay({ initialLearningRate: 0.1, decaySteps: -5 }), RangeError, /^cosineDecay: decaySteps must be a finite number > 0, got -5$/],
    ['zero first steps', () => cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 0 }), RangeError, /firstDecaySteps must be a finite number > 0, got 0/],
    ['negative rate', () => polynomialDecay({ initialLearningRate: -0.1, decaySteps: 5 }), RangeError, /^polynomialDecay: initialLearningRate must be a finite number >= 0, got -0.1$/],
    ['negative end rate', () => polynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, endLearningRate: -1 }), RangeError, /endLearningRate must be a finite number >= 0, got -1/],
    ['missing rate', () => inverseTimeDecay({ decaySteps: 5, decayRate: 1 } as never), RangeError, /initialLearningRate must be a finite number >= 0, got undefined/],
    ['NaN', () => exponentialDecay({ initialLearningRate: NaN, decaySteps: 5, decayRate: 1 }), RangeError, /initialLearningRate must be a finite number >= 0, got NaN/],
    ['negative warm-up target', () => cosineDecay({ initialLearningRate: 0, decaySteps: 5, warmupTarget: -1 }), RangeError, /warmupTarget must be a finite number >= 0 \(or null: no warm-up\), got -1/],
    ['alpha above 1', () => cosineDecay({ initialLearningRate: 0, decaySteps: 5, alpha: 2 }), RangeError, /alpha must be a finite number in \[0, 1\], got 2/],
    ['tMul below 1', () => cosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 5, tMul: 0.5 }), RangeError, /tMul must be a finite number >= 1, got 0.5/],
    ['unknown key', () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 1, decay_steps: 5 } as never), RangeError, /decay_steps/],
    ['staircase not boolean', () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 1, staircase: 1 as never }), TypeError, /staircase must be true or false, got 1/],
    ['unsorted boundaries', () => piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }), RangeError, /^piecewiseConstantDecay: boundaries must be strictly increasing, got \[10,5\] \(boundaries\[1\] = 5\)$/],
    ['repeated boundary', () => piecewiseConstantDecay({ boundaries: [5, 5], values: [1, 2, 3] }), RangeError, /strictly increasing/],
    ['values too short', () => piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 2] }), RangeError, /^piecewiseConstantDecay: values must hold boundaries.length \+ 1 = 3 rates, got 2: \[1,2\]$/],
    ['negative value', () => piecewiseConstantDecay({ boundaries: [10], values: [1, -2] }), RangeError, /values\[1\] must be >= 0, got -2/],
    ['no boundaries', () => piecewiseConstantDecay({ boundaries: [], values: [1] }), RangeError, /at least one step/],
    ['not arrays', () => piecewiseConstantDecay({ boundaries: 5 as never, values: [1] }), TypeError, /boundaries must be an array of finite numbers, got 5/],
    ['bad step', () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 5, decayRate: 1 }).rate(-1), RangeError, /^rate: step must be a finite number >= 0, got -1$/],
    ['unknown class in a config', () => sgd({ learningRate: { className: 'StepDecay', config: {} } as never }), RangeError, /^sgd: learningRate must be a number or a schedule's config/],
  ];
  it.each(cases)('%s: a clear error, nothing allocated', (_, make, type, message) => {
    const before = heapStats();
    expect(make).toThrow(type);
    expect(make).toThrow(message);
    expect(heapStats()).toEqual(before);
  });
});
