// tensor(), scalar, zeros, ones, full, eye, arange, linspace, zerosLike and onesLike (src/tensor/create.ts).
// Reference: the float64 values rounded to float32 once (f32), compared exactly; shapes by NumPy's rules.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  arange, DisposedError, eye, full, linspace, memory, ones, onesLike, scalar, ShapeError, tensor, zeros, zerosLike,
  type Tensor, type TensorValues,
} from '../../src/index';
import { arbRef, arbShape, expectExact, expectThrowsClean, f32, nest, size } from '../reference';

/** Deliberately ill-typed input, to check run-time validation. */
const bad = <T>(value: unknown): T => value as T;

/** Asserts shape and values (exactly, -0 and NaN included), then disposes. */
function expectTensor(t: Tensor, shape: readonly number[], values: ArrayLike<number>, context = ''): void {
  try {
    expect(t.shape, `${context} shape`).toEqual(shape);
    expect(t.size, `${context} size`).toBe(size(shape));
    expectExact(t.dataSync(), f32(values), context);
  } finally {
    t.dispose();
  }
}

// The shape tensor() infers from nested arrays stops at the first empty level (as NumPy's does).
const inferredShape = (shape: readonly number[]): number[] => {
  const zero = shape.indexOf(0);
  return zero < 0 ? shape.slice() : shape.slice(0, zero + 1);
};

describe('tensor', () => {
  test('a number gives a scalar', () => {
    const t = tensor(2.5);
    expect([t.rank, t.size, t.item()]).toEqual([0, 1, 2.5]);
    expectTensor(t, [], [2.5]);
    expectTensor(tensor(0.1), [], [0.1]); // rounded to float32 once
    expectTensor(tensor(NaN), [], [NaN]);
    expectTensor(tensor(-0), [], [-0]);
  });

  test('nested arrays give their shape and row-major values', () => {
    expectTensor(tensor([1, 2, 3]), [3], [1, 2, 3]);
    expectTensor(tensor([[1, 2, 3], [4, 5, 6]]), [2, 3], [1, 2, 3, 4, 5, 6]);
    expectTensor(tensor([[[1], [2]], [[3], [4]]]), [2, 2, 1], [1, 2, 3, 4]);
    expectTensor(tensor([]), [0], []);
    expectTensor(tensor([[], []]), [2, 0], []);
    expectTensor(tensor([Infinity, -Infinity, NaN, -0, 1e-45, 3.4e38]), [6], [Infinity, -Infinity, NaN, -0, 1e-45, 3.4e38]);
  });

  test('nested arrays of any shape round-trip through toArray (property)', () => {
    fc.assert(fc.property(arbShape(4, 5000).chain((shape) => arbRef(shape)), (ref) => {
      const nested = nest(ref.data, ref.shape) as TensorValues;
      expectTensor(tensor(nested, ref.shape), ref.shape, ref.data, `shape ${ref.shape}`);
      const t = tensor(nested);
      try {
        expect(t.shape).toEqual(inferredShape(ref.shape));
        expect(t.toArray()).toEqual(size(ref.shape) === 0 ? nested : nest(f32(ref.data), ref.shape));
      } finally {
        t.dispose();
      }
    }), { numRuns: 60 });
  });

  test('typed arrays give a vector, or the shape given', () => {
    const source = [1.5, -2, 3, 0.1, 1e-8, 250];
    expectTensor(tensor(new Float32Array(source)), [6], source);
    expectTensor(tensor(new Float64Array(source), [2, 3]), [2, 3], source);
    expectTensor(tensor(new Int32Array([-7, 0, 2 ** 30 + 1]), [3, 1]), [3, 1], [-7, 0, 2 ** 30 + 1]);
    expectTensor(tensor(new Int16Array([-300, 300])), [2], [-300, 300]);
    expectTensor(tensor(new Int8Array([-128, 127]), [1, 2]), [1, 2], [-128, 127]);
    expectTensor(tensor(new Uint32Array([2 ** 32 - 1])), [1], [2 ** 32 - 1]);
    expectTensor(tensor(new Uint16Array([65535, 1]), [2, 1, 1]), [2, 1, 1], [65535, 1]);
    expectTensor(tensor(new Uint8Array([0, 255, 7, 9]), [2, 2]), [2, 2], [0, 255, 7, 9]);
    expectTensor(tensor(new Uint8ClampedArray([1, 2, 3])), [3], [1, 2, 3]);
    expectTensor(tensor(new Float32Array([4]), []), [], [4]);
    expectTensor(tensor(new Float32Array(0), [3, 0, 2]), [3, 0, 2], []);
  });

  test('a typed array is copied, not shared', () => {
    const source = new Float32Array([1, 2, 3]);
    const t = tensor(source);
    source[0] = 99;
    expectTensor(t, [3], [1, 2, 3]);
  });

  test('shape reshapes nested values with the same count', () => {
    expectTensor(tensor([[1, 2], [3, 4]], [4]), [4], [1, 2, 3, 4]);
    expectTensor(tensor([1, 2, 3, 4, 5, 6], [3, 1, 2]), [3, 1, 2], [1, 2, 3, 4, 5, 6]);
    expectTensor(tensor(7, [1, 1]), [1, 1], [7]);
    expectTensor(tensor([[], []], [0, 5]), [0, 5], []);
  });

  test('ragged nested arrays throw a ShapeError naming the path', () => {
    const counts = (): ReturnType<typeof memory> => memory();
    expectThrowsClean(() => tensor([[1, 2], [3]]), ShapeError, ['tensor:', 'ragged', 'values[1]', 'length 1', 'length 2'], counts);
    expectThrowsClean(() => tensor(bad([[1, 2], 3])), ShapeError, ['tensor:', 'values[1]', 'length 2'], counts);
    expectThrowsClean(() => tensor(bad([1, [2]])), ShapeError, ['tensor:', 'ragged', 'values[1]'], counts);
    expectThrowsClean(() => tensor([[[1], [2]], [[3], [4, 5]]]), ShapeError, ['values[1][1]', 'length 2', 'length 1'], counts);
    expectThrowsClean(() => tensor([[1, 2], []]), ShapeError, ['values[1]', 'length 0'], counts);
    expectThrowsClean(() => tensor([[], [1]]), ShapeError, ['values[1]', 'length 1', 'length 0'], counts);
  });

  test('arrays nested deeper than 32 levels (100,000 deep, or an array holding itself) throw a RangeError naming tensor', () => {
    const counts = (): ReturnType<typeof memory> => memory();
    const nestTo = (depth: number): unknown => {
      let deep: unknown = [1];
      for (let i = 1; i < depth; i++) deep = [deep];
      return deep;
    };
    expectThrowsClean(() => tensor(bad(nestTo(100_000))), RangeError, ['tensor: values are nested deeper than 32 levels'], counts);
    expectThrowsClean(() => tensor(bad(nestTo(100_000)), [1]), RangeError, ['tensor: values are nested deeper than 32 levels'], counts);
    expectThrowsClean(() => tensor(bad(nestTo(33))), RangeError, ['tensor: values are nested deeper than 32 levels'], counts);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expectThrowsClean(() => tensor(bad(cycle)), RangeError, ['tensor: values are nested deeper than 32 levels'], counts);
    // 32 levels is the largest rank, and works.
    expectTensor(tensor(bad(nestTo(32))), new Array<number>(32).fill(1), [1]);
  });

  test('tensors of other libraries and of another copy of simdeep get a hint on copying their values', () => {
    const counts = (): ReturnType<typeof memory> => memory();
    const tfjs = { shape: [2], dataSync: () => new Float32Array([1, 2]) };
    expectThrowsClean(() => tensor(bad(tfjs)), TypeError, ['tensor: values must be', 'a tensor of another library of shape [2]', 'tensor(x.dataSync(), x.shape)'], counts);
    const other = new (class Tensor { readonly shape = [3]; readonly disposed = false; })();
    expectThrowsClean(() => tensor(bad(other)), TypeError, ['tensor: values must be', 'a Tensor of shape [3] from another copy of simdeep'], counts);
  });

  test('anything but numbers inside throws a TypeError naming the path', () => {
    const counts = (): ReturnType<typeof memory> => memory();
    expectThrowsClean(() => tensor(bad([1, 'a'])), TypeError, ['tensor:', 'values[1]', '"a"'], counts);
    expectThrowsClean(() => tensor(bad([[1, null]])), TypeError, ['values[0][1]', 'null'], counts);
    expectThrowsClean(() => tensor(bad([[1], [undefined]])), TypeError, ['values[1][0]', 'undefined'], counts);
    expectThrowsClean(() => tensor(bad([1, {}])), TypeError, ['values[1]', 'Object'], counts);
    expectThrowsClean(() => tensor(bad([true])), TypeError, ['values[0]', 'true'], counts);
    expectThrowsClean(() => tensor(bad([1n])), TypeError, ['values[0]'], counts);
    expectThrowsClean(() => tensor(bad('12')), TypeError, ['tensor:', 'values', '"12"'], counts);
    expectThrowsClean(() => tensor(bad({ length: 2 })), TypeError, ['tensor:', 'values'], counts);
    expectThrowsClean(() => tensor(bad(null)), TypeError, ['tensor:', 'null'], counts);
    expectThrowsClean(() => tensor(bad(new BigInt64Array(2))), TypeError, ['tensor:', 'BigInt64Array'], counts);
    expectThrowsClean(() => tensor(bad(new DataView(new ArrayBuffer(8)))), TypeError, ['tensor:', 'DataView'], counts);
  });

  test('bad dimensions throw, naming the entry', () => {
    const counts = (): ReturnType<typeof memory> => memory();
    expectThrowsClean(() => tensor([1, 2], [NaN]), RangeError, ['tensor:', 'shape[0]', 'NaN'], counts);
    expectThrowsClean(() => tensor([1, 2], [2, 0.5]), RangeError, ['tensor:', 'shape[1]', '0.5'], counts);
    expectThrowsClean(() => tensor([1, 2], [-2]), RangeError, ['tensor:', 'shape[0]', '-2'], counts);
    expectThrowsClean(() => tensor([1, 2], [Infinity]), RangeError, ['shape[0]', 'Infinity'], counts);
    expectThrowsClean(() => tensor([1, 2], bad(['2'])), RangeError, ['shape[0]', '"2"'], counts);
    expectThrowsClean(() => tensor([1, 2], bad(2)), TypeError, ['tensor:', 'shape', 'array'], counts);
    expectThrowsClean(() => tensor([1], [2 ** 20, 2 ** 20]), RangeError, ['tensor:', 'limit'], counts);
  });

  test('a size that does not match the shape throws a ShapeError naming both', () => {
    const counts = (): ReturnType<typeof memory> => memory();
    expectThrowsClean(() => tensor([1, 2, 3], [2, 2]), ShapeError, ['tensor:', '3 values', '[3]', '[2,2]', '4 elements'], counts);
    expectThrowsClean(() => tensor([[1, 2], [3, 4]], [3]), ShapeError, ['4 values', '[2,2]', '[3]'], counts);
    expectThrowsClean(() => tensor(5, [2]), ShapeError, ['1 values', '[2]'], counts);
    expectThrowsClean(() => tensor(new Float32Array(5), [2, 3]), ShapeError, ['tensor:', '5 values', '[2,3]', '6 elements'], counts);
    expectThrowsClean(() => tensor(new Float32Array(1), [0]), ShapeError, ['1 values', '[0]'], counts);
  });
});

describe('scalar, zeros, ones, full', () => {
  test('scalar', () => {
    expectTensor(scalar(-3.25), [], [-3.25]);
    expectTensor(scalar(1 / 3), [], [1 / 3]);
    expectTensor(scalar(NaN), [], [NaN]);
    expectThrowsClean(() => scalar(bad('1')), TypeError, ['scalar:', 'value', '"1"'], memory);
  });

  test('zeros, ones and full fill any shape (property)', () => {
    fc.assert(fc.property(arbShape(4, 20000), fc.constantFrom(0.1, -7, -0, NaN, Infinity, 3.4e38), (shape, value) => {
      const n = size(shape);
      expectTensor(zeros(shape), shape, new Float64Array(n), `zeros ${shape}`);
      expectTensor(ones(shape), shape, new Float64Array(n).fill(1), `ones ${shape}`);
      expectTensor(full(shape, value), shape, new Float64Array(n).fill(value), `full ${shape} ${value}`);
    }), { numRuns: 60 });
  });

  test('the shape argument is copied', () => {
    const shape = [2, 3];
    const t = zeros(shape);
    shape[0] = 5;
    expectTensor(t, [2, 3], new Float64Array(6));
  });

  test('bad shapes and values throw, naming the op', () => {
    expectThrowsClean(() => zeros([2, -1]), RangeError, ['zeros:', 'shape[1]', '-1'], memory);
    expectThrowsClean(() => ones([1.5]), RangeError, ['ones:', 'shape[0]', '1.5'], memory);
    expectThrowsClean(() => full([NaN], 1), RangeError, ['full:', 'shape[0]', 'NaN'], memory);
    expectThrowsClean(() => zeros(bad(3)), TypeError, ['zeros:', 'shape'], memory);
    expectThrowsClean(() => full([2], bad('x')), TypeError, ['full:', 'value', '"x"'], memory);
    expectThrowsClean(() => zeros([2 ** 15, 2 ** 15]), RangeError, ['zeros:', 'limit'], memory);
  });
});

describe('eye', () => {
  test('identity of every size, square and not', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 17];
    for (const n of sizes) {
      for (const m of [undefined, ...sizes]) {
        const cols = m ?? n;
        const ref = Float64Array.from({ length: n * cols }, (_, i) => (Math.floor(i / cols) === i % cols ? 1 : 0));
        expectTensor(eye(n, m), [n, cols], ref, `eye(${n}, ${m})`);
      }
    }
  });

  test('bad sizes throw', () => {
    expectThrowsClean(() => eye(-1), RangeError, ['eye:', 'n', '-1'], memory);
    expectThrowsClean(() => eye(2, -3), RangeError, ['eye:', 'm', '-3'], memory);
    expectThrowsClean(() => eye(2.5), TypeError, ['eye:', 'n', '2.5'], memory);
    expectThrowsClean(() => eye(NaN), TypeError, ['eye:', 'n', 'NaN'], memory);
    expectThrowsClean(() => eye(2, bad('2')), TypeError, ['eye:', 'm', '"2"'], memory);
    expectThrowsClean(() => eye(2 ** 20, 2 ** 20), RangeError, ['eye:', 'n 1048576 by m 1048576', 'limit'], memory);
  });
});

describe('arange', () => {
  // Expected values printed by NumPy 2.4 (np.arange(...) in float64, then cast to float32).
  test('matches NumPy on fixed cases, including negative and fractional steps', () => {
    expectTensor(arange(5), [5], [0, 1, 2, 3, 4]);
    expectTensor(arange(2.5), [3], [0, 1, 2]);
    expectTensor(arange(-3), [0], []);
    expectTensor(arange(0), [0], []);
    expectTensor(arange(2, 7), [5], [2, 3, 4, 5, 6]);
    expectTensor(arange(1, 2, 0.25), [4], [1, 1.25, 1.5, 1.75]);
    expectTensor(arange(0, 1, 0.3), [4], [0, 0.3, 0.6, 0.8999999999999999]);
    expectTensor(arange(5, 0, -1.5), [4], [5, 3.5, 2, 0.5]);
    expectTensor(arange(-1, -2, -0.25), [4], [-1, -1.25, -1.5, -1.75]);
    expectTensor(arange(5, 0, -1), [5], [5, 4, 3, 2, 1]);
    expectTensor(arange(0, 5, -1), [0], []);
    expectTensor(arange(3, 3), [0], []);
    expectTensor(arange(3, 3, -1), [0], []);
    // NumPy's length is ceil((stop - start) / step) in float64, so these include a value at (about) stop.
    expectTensor(arange(0.5, 0.8, 0.1), [4], [0.5, 0.6, 0.7, 0.8]);
    expectTensor(arange(1, 1.3, 0.1), [4], [1, 1.1, 1.2, 1.3]);
  });

  test('length ceil((stop - start) / step) and values start + i·step, as NumPy (property)', () => {
    const num = fc.double({ min: -100, max: 100, noNaN: true });
    const step = fc.oneof(fc.double({ min: 0.1, max: 20, noNaN: true }), fc.double({ min: -20, max: -0.1, noNaN: true }),
      fc.integer({ min: -5, max: 5 }).filter((s) => s !== 0));
    fc.assert(fc.property(num, num, step, (start, stop, by) => {
      const length = Math.max(0, Math.ceil((stop - start) / by));
      const ref = Float64Array.from({ length }, (_, i) => start + i * by);
      expectTensor(arange(start, stop, by), [length], ref, `arange(${start}, ${stop}, ${by})`);
      for (let i = 0; i + 1 < length; i++) expect(by > 0 ? ref[i] < stop : ref[i] > stop).toBe(true);
    }), { numRuns: 200 });
  });

  test('bad arguments throw', () => {
    expectThrowsClean(() => arange(0, 1, 0), RangeError, ['arange:', 'step', '0'], memory);
    expectThrowsClean(() => arange(0, 1, Infinity), RangeError, ['arange:', 'step'], memory);
    expectThrowsClean(() => arange(0, 1, NaN), TypeError, ['arange:', 'step', 'NaN'], memory);
    expectThrowsClean(() => arange(NaN), TypeError, ['arange:', 'stop', 'NaN'], memory);
    expectThrowsClean(() => arange(NaN, 1), TypeError, ['arange:', 'start', 'NaN'], memory);
    expectThrowsClean(() => arange(0, Infinity), RangeError, ['arange:', 'too many'], memory);
    expectThrowsClean(() => arange(0, 2 ** 40), RangeError, ['arange:', 'too many'], memory);
    expectThrowsClean(() => arange(bad('3')), TypeError, ['arange:', '"3"'], memory);
  });
});

describe('linspace', () => {
  test('fixed cases', () => {
    expectTensor(linspace(0, 1, 5), [5], [0, 0.25, 0.5, 0.75, 1]);
    expectTensor(linspace(1, 0, 3), [3], [1, 0.5, 0]);
    expectTensor(linspace(2, 3, 1), [1], [2]);
    expectTensor(linspace(2, 3, 0), [0], []);
    expectTensor(linspace(-1, -1, 3), [3], [-1, -1, -1]);
    expectTensor(linspace(-0, 0, 1), [1], [-0]); // just start when num is 1 (not -0 + 0·step)
    const t = linspace(0, 0.7);
    expect(t.shape).toEqual([50]);
    expect(t.get(-1)).toBe(Math.fround(0.7));
    t.dispose();
  });

  test('start + i·(stop - start)/(num - 1) in float64, ending exactly at stop, as NumPy (property)', () => {
    const num = fc.double({ min: -1e4, max: 1e4, noNaN: true });
    fc.assert(fc.property(num, num, fc.integer({ min: 0, max: 300 }), (start, stop, n) => {
      const step = (stop - start) / (n - 1);
      const ref = n === 1 ? [start] : Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : start + i * step));
      expectTensor(linspace(start, stop, n), [n], ref, `linspace(${start}, ${stop}, ${n})`);
    }), { numRuns: 200 });
  });

  test('bad arguments throw', () => {
    expectThrowsClean(() => linspace(0, 1, -1), RangeError, ['linspace:', 'num', '-1'], memory);
    expectThrowsClean(() => linspace(0, 1, 2.5), TypeError, ['linspace:', 'num', '2.5'], memory);
    expectThrowsClean(() => linspace(NaN, 1), TypeError, ['linspace:', 'start', 'NaN'], memory);
    expectThrowsClean(() => linspace(0, NaN), TypeError, ['linspace:', 'stop', 'NaN'], memory);
    expectThrowsClean(() => linspace(0, Infinity, 3), RangeError, ['linspace:', 'stop', 'Infinity'], memory);
    expectThrowsClean(() => linspace(-Infinity, 0, 3), RangeError, ['linspace:', 'start', '-Infinity'], memory);
    expectThrowsClean(() => linspace(0, 1, 2 ** 29), RangeError, ['linspace:', 'num'], memory);
  });
});

describe('zerosLike, onesLike', () => {
  test('take the shape of x, for any shape (property)', () => {
    fc.assert(fc.property(arbShape(4, 5000), (shape) => {
      const x = full(shape, 3);
      expectTensor(zerosLike(x), shape, new Float64Array(size(shape)));
      expectTensor(onesLike(x), shape, new Float64Array(size(shape)).fill(1));
      expectTensor(x, shape, new Float64Array(size(shape)).fill(3)); // x unchanged
    }), { numRuns: 40 });
  });

  test('reject a disposed tensor and non-tensors', () => {
    const x = zeros([2]);
    x.dispose();
    expectThrowsClean(() => zerosLike(x), DisposedError, ['zerosLike:', 'x was disposed'], memory);
    expectThrowsClean(() => onesLike(x), DisposedError, ['onesLike:', 'x was disposed'], memory);
    expectThrowsClean(() => zerosLike(bad([1, 2])), TypeError, ['zerosLike:', 'x must be a Tensor'], memory);
    expectThrowsClean(() => onesLike(bad(null)), TypeError, ['onesLike:', 'x must be a Tensor', 'null'], memory);
  });
});
