// Scalers (src/data/minMaxScaler.ts, standardScaler.ts, scalers.ts): hand-computed values, float64 references over
// random shapes (1 row and 1 column included, constant columns too), inverse round trips, JSON round trips, and
// errors before fit, on a different width and on NaN, with no tensor leaked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory, ShapeError, tensor, type Tensor } from '../../src/index';
import { MinMaxScaler, scalerFromJSON, StandardScaler, type Scaler, type ScalerJSON } from '../../src/data/scalers';
import { expectBounded, expectClose, expectThrowsClean, f32, failOnLeaks } from '../reference';

failOnLeaks();

const TOL = { abs: 1e-6, rel: 1e-6 };

/** The tensor's values (a copy), then disposes it. */
function take(t: Tensor): Float32Array {
  try {
    return t.dataSync();
  } finally {
    t.dispose();
  }
}

/** Runs fn with x built from nested rows, disposing x afterwards. */
function withX<T>(rows: number[][], fn: (x: Tensor) => T): T {
  const x = tensor(rows);
  try {
    return fn(x);
  } finally {
    x.dispose();
  }
}

/** fn applied to a temporary tensor of `values` in `shape`; returns the result's values. */
function through(fn: (x: Tensor) => Tensor, values: ArrayLike<number>, shape: number[]): Float32Array {
  const x = tensor(Float32Array.from(values), shape);
  try {
    return take(fn(x));
  } finally {
    x.dispose();
  }
}

/** A [rows, cols] float32 matrix with values in ±1000; some columns (by the flags) constant. */
const arbMatrix = fc.record({
  rows: fc.constantFrom(1, 2, 3, 7, 17, 129),
  cols: fc.constantFrom(1, 2, 3, 5, 9),
}).chain(({ rows, cols }) => fc.record({
  rows: fc.constant(rows),
  cols: fc.constant(cols),
  values: fc.array(fc.float({ min: -1000, max: 1000, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }),
  constant: fc.array(fc.boolean(), { minLength: cols, maxLength: cols }),
})).map(({ rows, cols, values, constant }) => ({
  rows, cols, data: f32(values.map((v, i) => (constant[i % cols] ? values[i % cols] : v))),
}));

/** Per-column float64 statistics of a flat row-major matrix. */
function columnStats(data: Float64Array, rows: number, cols: number): { min: number[]; max: number[]; mean: number[]; std: number[] } {
  const column = (c: number): number[] => Array.from({ length: rows }, (_, r) => data[r * cols + c]);
  const cs = Array.from({ length: cols }, (_, c) => column(c));
  const mean = cs.map((v) => v.reduce((a, b) => a + b, 0) / rows);
  return {
    min: cs.map((v) => Math.min(...v)),
    max: cs.map((v) => Math.max(...v)),
    mean,
    std: cs.map((v, c) => Math.sqrt(v.reduce((a, b) => a + (b - mean[c]) ** 2, 0) / rows)),
  };
}

describe('MinMaxScaler', () => {
  const rows = [[1, -2, 5], [3, 0, 5], [2, 2, 5]];

  it('maps each column from its [min, max] to [0, 1]; a constant column to 0', () => {
    withX(rows, (x) => {
      const scaler = new MinMaxScaler();
      expect(scaler.fitted).toBe(false);
      expect(Array.from(take(scaler.fitTransform(x)))).toEqual([0, 0, 0, 1, 0.5, 0, 0.5, 1, 0]);
      expect([scaler.dataMin, scaler.dataMax]).toEqual([[1, -2, 5], [3, 2, 5]]);
      withX([[4, -4, 6]], (other) => expect(Array.from(take(scaler.transform(other)))).toEqual([1.5, -0.5, 1]));
      withX([[0.5, 0.25, 0]], (scaled) => expect(Array.from(take(scaler.inverseTransform(scaled)))).toEqual([2, -1, 5]));
    });
  });

  it('maps to a featureRange such as [-1, 1], and back', () => {
    withX(rows, (x) => {
      const scaler = new MinMaxScaler({ featureRange: [-1, 1] }).fit(x);
      const scaled = scaler.transform(x);
      const back = scaler.inverseTransform(scaled);
      expect(Array.from(take(scaled))).toEqual([-1, -1, -1, 1, 0, -1, 0, 1, -1]);
      expect(Array.from(take(back))).toEqual(rows.flat());
    });
  });

  it('agrees with a float64 reference; stays in range; inverts (property)', () => {
    fc.assert(fc.property(arbMatrix, fc.constantFrom<[number, number]>([0, 1], [-1, 1], [2, 7.5]), ({ rows, cols, data }, [lo, hi]) => {
      const x = tensor(Float32Array.from(data), [rows, cols]);
      try {
        const { min, max } = columnStats(data, rows, cols);
        const scaler = new MinMaxScaler({ featureRange: [lo, hi] });
        const y = take(scaler.fitTransform(x));
        const expected = data.map((v, i) => { const c = i % cols; return (v - min[c]) * ((hi - lo) / (max[c] - min[c] || 1)) + lo; });
        expectClose(y, f32(expected), TOL, `minmax ${rows}x${cols}`);
        expect(y.every((v) => v >= lo - 1e-6 && v <= hi + 1e-6)).toBe(true);
        const back = through((t) => scaler.inverseTransform(t), y, [rows, cols]);
        expectBounded(back, data, data.map((v, i) => 2 ** -20 * (Math.abs(v) + max[i % cols] - min[i % cols])), 'inverse');
      } finally {
        x.dispose();
      }
    }), { numRuns: 80 });
  });
});

describe('StandardScaler', () => {
  const rows = [[1, 10, 7], [3, 20, 7], [5, 60, 7]];

  it('centres each column on its mean and divides by its population std; a constant column becomes 0', () => {
    withX(rows, (x) => {
      const scaler = new StandardScaler();
      const y = take(scaler.fitTransform(x));
      const s0 = Math.sqrt(8 / 3), s1 = Math.sqrt(1400 / 3);
      expect(scaler.mean).toEqual([3, 30, 7]);
      expectClose(scaler.scale!, [s0, s1, 1], { abs: 0, rel: 1e-15 });
      expectClose(y, f32([-2 / s0, -20 / s1, 0, 0, -10 / s1, 0, 2 / s0, 30 / s1, 0]), TOL);
      expectClose(through((t) => scaler.inverseTransform(t), y, [3, 3]), rows.flat(), { abs: 1e-5, rel: 1e-6 });
    });
  });

  it('withMean: false only divides; withStd: false only centres', () => {
    withX(rows, (x) => {
      expectClose(take(new StandardScaler({ withMean: false }).fitTransform(x)).slice(0, 3), f32([1 / Math.sqrt(8 / 3), 10 / Math.sqrt(1400 / 3), 7]), TOL);
      expect(Array.from(take(new StandardScaler({ withStd: false }).fitTransform(x)).slice(0, 3))).toEqual([-2, -20, 0]);
    });
  });

  it('agrees with a float64 reference; gives mean 0 and std 1 per non-constant column; inverts (property)', () => {
    fc.assert(fc.property(arbMatrix, ({ rows, cols, data }) => {
      const x = tensor(Float32Array.from(data), [rows, cols]);
      try {
        const { mean, std, min, max } = columnStats(data, rows, cols);
        const scaler = new StandardScaler();
        const y = take(scaler.fitTransform(x));
        expectClose(y, f32(data.map((v, i) => (v - mean[i % cols]) / (std[i % cols] || 1))), { abs: 1e-5, rel: 1e-5 }, `standard ${rows}x${cols}`);
        const out = columnStats(Float64Array.from(y), rows, cols);
        for (let c = 0; c < cols; c++) {
          expect(Math.abs(out.mean[c])).toBeLessThan(1e-5);
          if (max[c] > min[c] && std[c] > 1e-3) expect(Math.abs(out.std[c] - 1)).toBeLessThan(1e-5);
          else if (max[c] === min[c]) expect(out.std[c]).toBe(0);
        }
        const back = through((t) => scaler.inverseTransform(t), y, [rows, cols]);
        expectBounded(back, data, data.map((v, i) => 2 ** -20 * (Math.abs(v) + max[i % cols] - min[i % cols]) + 1e-30), 'inverse');
      } finally {
        x.dispose();
      }
    }), { numRuns: 80 });
  });
});

describe('toJSON, fromJSON and scalerFromJSON', () => {
  it('round-trip through JSON text to the same class, transforming bit-identically', () => {
    withX([[1, 10], [3, 25], [2, -4]], (x) => {
      for (const scaler of [new MinMaxScaler({ featureRange: [-1, 2] }), new StandardScaler({ withMean: false })] as Scaler[]) {
        scaler.fit(x);
        const copy = scalerFromJSON(JSON.parse(JSON.stringify(scaler)) as ScalerJSON);
        expect(copy.constructor).toBe(scaler.constructor);
        expect(copy.toJSON()).toEqual(scaler.toJSON());
        expect(take(copy.transform(x))).toEqual(take(scaler.transform(x)));
      }
    });
    const json = new MinMaxScaler().toJSON();
    expect(json).toEqual({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: null, dataMax: null });
    expect(MinMaxScaler.fromJSON(json).fitted).toBe(false);
    expect(scalerFromJSON(new StandardScaler().toJSON()).fitted).toBe(false);
  });

  it('checks what it loads', () => {
    expect(() => scalerFromJSON({ type: 'RobustScaler' } as never)).toThrow("scalerFromJSON: json.type must be 'MinMaxScaler' or 'StandardScaler', got \"RobustScaler\"");
    expect(() => MinMaxScaler.fromJSON({ type: 'StandardScaler' } as never)).toThrow('MinMaxScaler.fromJSON: expected the JSON of a MinMaxScaler');
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [0, 1], dataMax: [1] })).toThrow(
      'MinMaxScaler.fromJSON: json.dataMax has 1 features but json.dataMin has 2');
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [3], dataMax: [1] })).toThrow(
      'MinMaxScaler.fromJSON: feature 0: dataMin 3 is above dataMax 1');
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: ['0'], dataMax: [1] } as never)).toThrow(TypeError);
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [1, 0], dataMin: null, dataMax: null })).toThrow('featureRange must be [low, high]');
    expect(() => StandardScaler.fromJSON({ type: 'StandardScaler', withMean: true, withStd: true, mean: [0], scale: [0] })).toThrow(
      'StandardScaler.fromJSON: feature 0: scale 0 is not positive');
    expect(() => StandardScaler.fromJSON({ type: 'StandardScaler', withMean: true, withStd: true, mean: [0], scale: null })).toThrow(
      'json.scale must be an array of finite numbers (or null when not fitted), got null');
  });
});

describe('errors', () => {
  it('transform and inverseTransform before fit say to call fit(x) first', () => {
    withX([[1, 2]], (x) => {
      for (const scaler of [new MinMaxScaler(), new StandardScaler()]) {
        const name = scaler.constructor.name;
        expectThrowsClean(() => scaler.transform(x), RangeError, [`${name}.transform: the scaler is not fitted; call fit(x) first`], memory);
        expectThrowsClean(() => scaler.inverseTransform(x), RangeError, [`${name}.inverseTransform: the scaler is not fitted; call fit(x) first`], memory);
      }
    });
  });

  it('a width other than the fitted one names both; x must be [rows, features] with rows', () => {
    const fitOn = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]), other = tensor(new Float32Array(15), [5, 3]), flat = tensor([1, 2]);
    const empty = tensor(new Float32Array(0), [0, 4]);
    try {
      for (const scaler of [new MinMaxScaler().fit(fitOn), new StandardScaler().fit(fitOn)]) {
        const name = scaler.constructor.name;
        expectThrowsClean(() => scaler.transform(other), ShapeError, [`${name}.transform: x has 3 features (shape [5,3]) but the scaler was fitted on 4`], memory);
        expectThrowsClean(() => scaler.inverseTransform(other), ShapeError, ['x has 3 features (shape [5,3]) but the scaler was fitted on 4'], memory);
        expectThrowsClean(() => scaler.fit(flat), ShapeError, [`${name}.fit: x must be [rows, features], got shape [2]`], memory);
        expectThrowsClean(() => scaler.fit(empty), RangeError, [`${name}.fit: x has no rows (shape [0,4]); fitting needs at least one`], memory);
        expect(take(scaler.transform(empty))).toHaveLength(0); // transforming no rows is fine
      }
    } finally {
      [fitOn, other, flat, empty].forEach((t) => t.dispose());
    }
  });

  it('NaN or Infinity in the data to fit throws naming its row and column, and keeps the previous fit', () => {
    withX([[1, 2], [3, NaN]], (x) => {
      withX([[0, 0], [1, Infinity]], (inf) => {
        for (const scaler of [new MinMaxScaler(), new StandardScaler()]) {
          const name = scaler.constructor.name;
          expectThrowsClean(() => scaler.fit(x), RangeError, [`${name}.fit: x holds NaN at row 1, column 1; clean or fill missing values first`], memory);
          expectThrowsClean(() => scaler.fit(inf), RangeError, ['holds Infinity at row 1, column 1'], memory);
          expect(scaler.fitted).toBe(false);
        }
      });
    });
  });

  it('bad options throw', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow('MinMaxScaler: featureRange must be [low, high] with finite low < high, got [1,1]');
    expect(() => new MinMaxScaler({ featureRange: [0, Infinity] })).toThrow(RangeError);
    expect(() => new MinMaxScaler({ featureRange: [0] as never })).toThrow(RangeError);
    expect(() => new StandardScaler({ withMean: 'no' as never })).toThrow('StandardScaler: withMean must be true or false, got "no"');
  });

  it('unknown option and JSON keys throw, suggesting the nearest one', () => {
    expect(() => new MinMaxScaler({ feature_range: [-1, 1] } as never)).toThrow(
      'MinMaxScaler: unknown option "feature_range" in options; did you mean "featureRange"? (expected featureRange)');
    expect(() => new StandardScaler({ withMean: false, with_std: false } as never)).toThrow(
      'StandardScaler: unknown option "with_std" in options; did you mean "withStd"? (expected withMean, withStd)');
    expect(() => new StandardScaler([] as never)).toThrow('StandardScaler: options must be an object, got []');
    // Statistics under other names would load as an unfitted scaler.
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], min: [0], max: [1] } as never)).toThrow(
      'MinMaxScaler.fromJSON: unknown option "min" in json (expected type, featureRange, dataMin, dataMax)');
    expect(() => scalerFromJSON({ type: 'StandardScaler', withMean: true, withStd: true, mean: [0], scale: [1], var: [1] } as never)).toThrow(
      'StandardScaler.fromJSON: unknown option "var" in json');
  });
});
