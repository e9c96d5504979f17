// Gradient clipping (clipNorm, globalClipNorm, clipValue) on every optimizer: applyGradients steps and fit steps
// against the float64 update rules of update-rules.ts fed the float64 clipped gradient (Keras 3's _clip_gradients),
// in interval arithmetic; the caller's gradients stay as they were; nothing changes when the gradients are within
// the bound; the options' errors.
import { describe, expect, it } from 'vitest';
import { adagrad, adam, dense, rmsprop, sequential, sgd, tensor, variable, type Optimizer, type Variable } from '../../src/index';
import { heapStats } from '../../src/runtime/heap';
import { failOnLeaks, seededValues } from '../reference';
import { adagradRule, adamRule, iv, mul, rmspropRule, sgdRule, type Iv, type Rule } from './update-rules';
import { U } from '../nn/net-reference';

failOnLeaks();

type Clip = { clipNorm?: number; globalClipNorm?: number; clipValue?: number };
const OPTIMIZERS: [string, (clip: Clip) => Optimizer, () => Rule][] = [
  ['sgd', (clip) => sgd({ learningRate: 0.1, ...clip }), () => sgdRule(0.1, 0, false, 0)],
  ['sgd momentum, weightDecay', (clip) => sgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.05, ...clip }), () => sgdRule(0.1, 0.9, false, 0.05)],
  ['adam', (clip) => adam({ learningRate: 0.05, ...clip }), () => adamRule(0.05, 0.9, 0.999, 1e-7, 0)],
  ['rmsprop', (clip) => rmsprop({ learningRate: 0.01, ...clip }), () => rmspropRule(0.01, 0.9, 1e-7, 0)],
  ['adagrad', (clip) => adagrad({ learningRate: 0.1, ...clip }), () => adagradRule(0.1, 1e-7, 0)],
];
const MODES: [keyof Clip, number][] = [['clipNorm', 0.3], ['globalClipNorm', 0.3], ['clipValue', 0.05]];

const norm = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));

/** The factor c/N for a norm N known within [lo, hi] above c, rounded to float32 once, as an interval. */
function scaleOf(c: number, lo: number, hi: number, at: number): Iv {
  if (!(lo > c)) throw new Error(`the test's gradients must be clipped for certain: norm ${lo}..${hi}, bound ${c}`);
  const s = c / at;
  return { c: s, r: Math.max(c / lo - s, s - c / hi) + U * s };
}

/** Keras 3's clipping of gradient intervals (per weight), in float64 with the library's float32 bound. */
function clipped(mode: keyof Clip, bound: number, grads: Iv[][]): Iv[][] {
  const b = Math.fround(bound);
  if (mode === 'clipValue') {
    const clamp = (x: number): number => Math.min(Math.max(x, -b), b);
    return grads.map((g) => g.map(({ c, r }) => {
      const lo = clamp(c - r), hi = clamp(c + r);
      return iv((lo + hi) / 2, (hi - lo) / 2);
    }));
  }
  const scaleFor = (gs: Iv[]): Iv => {
    const n = norm(gs.map((g) => g.c)), slack = norm(gs.map((g) => g.r));
    return scaleOf(b, n - slack, n + slack, n);
  };
  if (mode === 'globalClipNorm') {
    const s = scaleFor(grads.flat());
    return grads.map((g) => g.map((x) => mul(x, s)));
  }
  return grads.map((g) => {
    const s = scaleFor(g);
    return g.map((x) => mul(x, s));
  });
}

/** Checks each weight after a step against the rule fed the clipped gradient; `state` is the reference's. */
function expectStep(name: string, rule: Rule, before: number[][], after: number[][], grads: Iv[][], state: Iv[][][], t: number): void {
  before.forEach((w, i) => w.forEach((wj, j) => {
    const want = rule(wj, grads[i][j], state[i][j], t);
    if (!(Math.abs(after[i][j] - want.c) <= want.r)) throw new Error(`${name}: step ${t}, weights[${i}][${j}] ${wj} → ${after[i][j]}, reference ${want.c} ± ${want.r}`);
  }));
}

const variables = (seed: number): Variable[] => [[3, 4], [5]].map((shape, i) => {
  const t = tensor(Array.from(seededValues(shape.reduce((a, b) => a * b, 1), seed + i)), shape);
  try {
    return variable(t);
  } finally {
    t.dispose();
  }
});

describe('applyGradients clips as Keras 3, leaving the caller\'s gradients as they were', () => {
  for (const [name, make, rule] of OPTIMIZERS) {
    for (const [mode, bound] of MODES) {
      it(`${name}, ${mode} ${bound}: three steps against the float64 rule`, () => {
        const vars = variables(7), optimizer = make({ [mode]: bound }), ref = rule();
        const state = vars.map((v) => Array.from({ length: v.size }, (): Iv[] => []));
        try {
          for (let t = 1; t <= 3; t++) {
            const grads = vars.map((v, i) => tensor(Array.from(seededValues(v.size, 100 * t + i, 2)), v.shape));
            const g = grads.map((x) => Array.from(x.dataSync())), before = vars.map((v) => Array.from(v.dataSync()));
            optimizer.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, grads[i]])));
            expect(grads.map((x) => Array.from(x.dataSync()))).toEqual(g);
            grads.forEach((x) => x.dispose());
            expectStep(`${name} ${mode}`, ref, before, vars.map((v) => Array.from(v.dataSync())), clipped(mode, bound, g.map((x) => x.map((c) => iv(c)))), state, t);
          }
        } finally {
          vars.forEach((v) => v.dispose());
          optimizer.dispose();
        }
      });
    }
  }

  it('gradients within the bound take the same steps, bit for bit, as without clipping', () => {
    for (const [, make] of OPTIMIZERS) {
      for (const clip of [{ clipNorm: 1e3 }, { globalClipNorm: 1e3 }, { clipValue: 1e3 }, {}]) {
        const plain = variables(3), clippedVars = variables(3), a = make({}), b = make(clip);
        for (let t = 1; t <= 2; t++) {
          const grads = plain.map((v, i) => tensor(Array.from(seededValues(v.size, 10 * t + i, 2)), v.shape));
          a.applyGradients(Object.fromEntries(plain.map((v, i) => [v.name, grads[i]])));
          b.applyGradients(Object.fromEntries(clippedVars.map((v, i) => [v.name, grads[i]])));
          grads.forEach((x) => x.dispose());
        }
        expect(clippedVars.map((v) => Array.from(v.dataSync()))).toEqual(plain.map((v) => Array.from(v.dataSync())));
        [...plain, ...clippedVars].forEach((v) => v.dispose());
        a.dispose();
        b.dispose();
      }
    }
  });
});

describe('fit clips in the training loop as Keras 3', () => {
  // One dense layer (3 → 2), mean squared error over 8 rows in one batch: the float64 gradient of the float32 weights
  // before each step, with a radius for the float32 rounding of the forward and of the sums (16 units of roundoff
  // of the sum of the terms' magnitudes), clipped, then the optimizer's rule.
  const rows = 8, d = 3, units = 2;
  const xs = Array.from(seededValues(rows * d, 21, 2)), ys = Array.from(seededValues(rows * units, 22, 3)).map((v) => v + 4);
  function gradients(kernel: number[], bias: number[]): Iv[][] {
    const gw = kernel.map(() => ({ c: 0, m: 0 })), gb = bias.map(() => ({ c: 0, m: 0 })), n = rows * units;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < units; j++) {
        let e = bias[j] - ys[r * units + j], m = Math.abs(bias[j]) + Math.abs(ys[r * units + j]);
        for (let i = 0; i < d; i++) {
          e += xs[r * d + i] * kernel[i * units + j];
          m += Math.abs(xs[r * d + i] * kernel[i * units + j]);
        }
        for (let i = 0; i < d; i++) {
          gw[i * units + j].c += (2 * xs[r * d + i] * e) / n;
          gw[i * units + j].m += (2 * Math.abs(xs[r * d + i]) * m) / n;
        }
        gb[j].c += (2 * e) / n;
        gb[j].m += (2 * m) / n;
      }
    }
    return [gw, gb].map((g) => g.map(({ c, m }) => iv(c, 16 * U * m)));
  }

  for (const [name, make, rule] of OPTIMIZERS) {
    for (const [mode, bound] of MODES) {
      it(`${name}, ${mode} ${bound}: three steps against the float64 rule`, async () => {
        const x = tensor(xs, [rows, d]), y = tensor(ys, [rows, units]);
        const model = sequential([dense({ units, inputShape: [d] })], { seed: 4 }), ref = rule();
        try {
          model.compile({ optimizer: make({ [mode]: bound }), loss: 'meanSquaredError' });
          const state = model.trainableWeights.map((w) => Array.from({ length: w.size }, (): Iv[] => []));
          for (let t = 1; t <= 3; t++) {
            const before = model.trainableWeights.map((w) => Array.from(w.dataSync()));
            await model.fit(x, y, { epochs: 1, batchSize: rows, shuffle: false });
            const after = model.trainableWeights.map((w) => Array.from(w.dataSync()));
            expectStep(`${name} ${mode}`, ref, before, after, clipped(mode, bound, gradients(before[0], before[1])), state, t);
          }
        } finally {
          x.dispose(); y.dispose(); model.dispose();
        }
      });
    }
  }
});

describe('bad clipping options', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['clipNorm 0', () => sgd({ clipNorm: 0 }), /^sgd: clipNorm must be a finite number > 0, got 0$/],
    ['negative globalClipNorm', () => adam({ globalClipNorm: -1 }), /^adam: globalClipNorm must be a finite number > 0, got -1$/],
    ['infinite clipValue', () => rmsprop({ clipValue: Infinity }), /^rmsprop: clipValue must be a finite number > 0, got Infinity$/],
    ['NaN clipNorm', () => adagrad({ clipNorm: NaN }), /^adagrad: clipNorm must be a finite number > 0, got NaN$/],
    ['two at once', () => sgd({ clipNorm: 1, clipValue: 0.5 }), /^sgd: only one of clipNorm, globalClipNorm and clipValue can be set, got clipNorm 1 and clipValue 0.5$/],
    ['a misspelt key', () => sgd({ clipnorm: 1 } as never), /clipnorm.*clipNorm/],
  ];
  it.each(cases)('%s: a RangeError naming it, nothing allocated', (_, make, message) => {
    const before = heapStats();
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
    expect(heapStats()).toEqual(before);
  });

  it('the config keeps the clipping option set, and only it', () => {
    expect(sgd({ clipNorm: 1 }).config).toEqual({ name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0, clipNorm: 1 });
    expect(adam({ globalClipNorm: 2 }).config.globalClipNorm).toBe(2);
    expect('clipNorm' in adam().config).toBe(false);
  });
});
