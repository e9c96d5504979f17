// Gradients of the pooling ops (src/ops/pool.ts) against float64 central differences of the references in
// tests/ops/windowed.ts: fast-check over small geometries (odd sizes, strides above the window, 'same' on even and odd
// sizes, numeric and explicit padding with each rounding, 1×1 windows, batches of 0 to 2, one sample of rank 3).
// Max pooling takes distinct values k/4 (no ties: the maximum of each window is unique and stays so within the
// central differences' step). maxPoolWithArgmax's indexes carry no gradient; avgPool's gradient has its own.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { avgPool, maxPool, maxPoolWithArgmax, tensor, type Tensor } from '../../src/index';
import { grads } from '../../src/autograd/gradients';
import type { Geometry } from '../../src/ops/pool';
import { failOnLeaks, take, type Ref } from '../reference';
import { distinctValues, forward64, poolTaps, refGeometry, type Pad, type Pair, type Rounding } from '../ops/windowed';
import { expectGradients, refOf } from './check';

failOnLeaks();

/** A small pooling: x's shape (rank 4, or 3 for one sample), window, strides, padding and rounding. */
interface PoolCase {
  shape: number[]; k: Pair; s: Pair; pad: Pad; rounding: Rounding; seed: number;
}

const arbPair = (max: number): fc.Arbitrary<Pair> => fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }));

/**
 * Small cases (at most 60 input values) whose every window takes some input; `full`: also explicit padding and
 * rounding modes (maxPoolWithArgmax takes neither).
 */
function arbPool(full = true): fc.Arbitrary<PoolCase & { g: Geometry }> {
  const side = fc.integer({ min: 1, max: 5 }), count = fc.integer({ min: 0, max: 2 });
  const pad: fc.Arbitrary<Pad> = fc.oneof(fc.constant<Pad>('valid'), fc.constant<Pad>('same'), count,
    ...(full ? [fc.tuple(fc.tuple(count, count), fc.tuple(count, count)).map(([h, w]): Pad => [[0, 0], h, w, [0, 0]])] : []));
  return fc.record({
    shape: fc.oneof(fc.tuple(fc.constantFrom(0, 1, 2), side, side, fc.integer({ min: 1, max: 3 })), fc.tuple(side, side, fc.integer({ min: 1, max: 3 })))
      .map((s): number[] => s),
    k: arbPair(3), s: arbPair(4), pad, seed: fc.nat(),
    rounding: fc.constantFrom<Rounding>(undefined, 'floor', 'round', 'ceil'),
  }).map((t) => ({ ...t, rounding: full && typeof t.pad !== 'string' ? t.rounding : undefined }))
    .filter((t) => t.shape.reduce((p, n) => p * n, 1) <= 60)
    .map((t) => ({ ...t, g: refGeometry(t.shape, t.k, t.s, t.pad, t.rounding)! }))
    .filter((t) => t.g !== null);
}

/** The float64 pooling of x under g (rows: the batch, or 1 for one sample). */
function refPool(x: Ref, g: Geometry, mode: 'max' | 'sum'): Ref {
  const rows = x.shape.length === 4 ? x.shape[0] : 1, inSize = g.inH * g.inW * g.inC;
  const shape = [...(x.shape.length === 4 ? [rows] : []), g.outH, g.outW, g.inC];
  return { data: forward64(poolTaps(g, mode === 'sum'), x.data, rows, inSize, mode).y, shape };
}

/** Distinct values k/4 of `shape`, shuffled by the seed. */
const distinct = (shape: number[], seed: number): Ref => ({ data: distinctValues(shape.reduce((p, n) => p * n, 1), seed), shape });

/** Checks pool's gradient of x (values from `values`) against the float64 reference over cases of `arb`. */
function checkPooling(arb: fc.Arbitrary<PoolCase & { g: Geometry }>, values: (t: PoolCase) => Ref, mode: 'max' | 'sum',
  pool: (x: Tensor, t: PoolCase) => Tensor): void {
  fc.assert(fc.property(arb, (t) => {
    expectGradients({ name: JSON.stringify(t), inputs: [values(t)], f: (x) => pool(x, t), ref: (x) => refPool(x, t.g, mode) });
  }), { numRuns: 40 });
}

describe('maxPool gradients', () => {
  test('over small geometries: each dy goes to its window\'s maximum', () => {
    checkPooling(arbPool(), (t) => distinct(t.shape, t.seed), 'max', (x, t) => maxPool(x, t.k, t.s, t.pad as 'valid', t.rounding));
  });

  test('a hand case: overlapping windows add into a shared maximum, f(x) = maxPool(x) + maxPool(x) doubles it', () => {
    const x = tensor([1, 9, 2, 3, 4, 5, 6, 7, 8], [3, 3, 1]);
    try {
      const [dx] = grads((a: Tensor) => maxPool(a, 2, 1, 'valid').sum())([x]);
      expect(Array.from(take(dx, [3, 3, 1]))).toEqual([0, 2, 0, 0, 0, 0, 0, 1, 1]);
      const [twice] = grads((a: Tensor) => maxPool(a, 2, 1, 'valid').add(maxPool(a, 2, 1, 'valid')).sum())([x]);
      expect(Array.from(take(twice, [3, 3, 1]))).toEqual([0, 4, 0, 0, 0, 0, 0, 2, 2]);
    } finally {
      x.dispose();
    }
  });
});

describe('maxPoolWithArgmax gradients', () => {
  test('the result\'s gradient is maxPool\'s; the indexes carry none', () => {
    checkPooling(arbPool(false).filter((t) => t.shape.length === 4), (t) => distinct(t.shape, t.seed), 'max',
      (x, t) => maxPoolWithArgmax(x, t.k, t.s, t.pad as 'valid').result);
    const x = tensor([1, 4, 3, 2, 5, 0, 7, 6], [1, 2, 4, 1]);
    try {
      const [dx] = grads((a: Tensor) => maxPoolWithArgmax(a, 2, 2, 'valid').indexes.sum())([x]);
      expect(Array.from(take(dx, [1, 2, 4, 1]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    } finally {
      x.dispose();
    }
  });
});

describe('avgPool gradients', () => {
  test('over small geometries: each dy shared among its window\'s taps inside x', () => {
    checkPooling(arbPool(), (t) => refOf(t.shape, t.seed), 'sum', (x, t) => avgPool(x, t.k, t.s, t.pad as 'valid', t.rounding));
  });

  test('its gradient is recorded: d/du of Σ w·(∂/∂x Σ u·avgPool(x)) is avgPool(w)', () => {
    const g = refGeometry([2, 4, 5, 2], [3, 2], [2, 2], 'same', undefined)!;
    const w = refOf([2, 4, 5, 2], 21);
    const [x, wT] = [tensor(Array.from(refOf([2, 4, 5, 2], 22).data), [2, 4, 5, 2]), tensor(Array.from(w.data), w.shape)];
    try {
      expectGradients({
        inputs: [refOf([2, g.outH, g.outW, 2], 23)],
        f: (u) => grads((a: Tensor) => avgPool(a, [3, 2], 2, 'same').mul(u).sum())([x])[0].mul(wT).sum(),
        ref: (u) => {
          const pooled = refPool(w, g, 'sum').data;
          return { data: Float64Array.of(pooled.reduce((s, v, i) => s + v * u.data[i], 0)), shape: [] };
        },
      });
    } finally {
      x.dispose();
      wT.dispose();
    }
  });
});
