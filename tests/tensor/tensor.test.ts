// The Tensor class (src/tensor/tensor.ts) and its printing (src/tensor/format.ts): metadata, element access,
// copies out, NumPy-style text and use after dispose. Reference: flat float64 arrays rounded to float32 (f32).
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { arange, DisposedError, full, memory, reshape, scalar, Tensor, tensor, zeros } from '../../src/index';
import { arbRef, arbShape, expectExact, expectThrowsClean, f32, nest, size, strides, type Ref } from '../reference';

const bad = <T>(value: unknown): T => value as T;

/** A tensor holding a reference's values, disposed after fn. */
function withTensor(ref: Ref, fn: (t: Tensor) => void): void {
  const t = tensor(Float32Array.from(ref.data), ref.shape);
  try {
    fn(t);
  } finally {
    t.dispose();
  }
}

/** A non-empty shape of rank 0..4 with a tensor of random values on it. */
const arbNonEmpty = arbShape(4, 5000).filter((s) => size(s) > 0).chain((shape) => arbRef(shape));

describe('metadata', () => {
  test('shape, rank, size and dtype for any shape (property)', () => {
    fc.assert(fc.property(arbShape(5, 20000), (shape) => {
      const t = zeros(shape);
      expect([t.shape, t.rank, t.size, t.dtype, t.disposed]).toEqual([shape, shape.length, size(shape), 'float32', false]);
      t.dispose();
    }), { numRuns: 60 });
  });

  test('shape is frozen and a copy of the argument', () => {
    const dims = [2, 3];
    const t = zeros(dims);
    dims[1] = 7;
    expect(t.shape).toEqual([2, 3]);
    expect(Object.isFrozen(t.shape)).toBe(true);
    expect(() => { (t.shape as number[])[0] = 5; }).toThrow(TypeError);
    expect(t.shape).toEqual([2, 3]);
    t.dispose();
  });

  test('tensors come only from the factories', () => {
    expect(() => new Tensor(Symbol('create'), bad(null), [1])).toThrow(/create tensors with tensor\(\)/);
  });
});

describe('get, set and item', () => {
  test('get reads every position, with non-negative and negative indices (property)', () => {
    fc.assert(fc.property(arbNonEmpty, fc.nat(), fc.boolean(), (ref, pick, negative) => {
      withTensor(ref, (t) => {
        const flat = pick % ref.data.length;
        const s = strides(ref.shape);
        const index = ref.shape.map((n, d) => Math.floor(flat / s[d]) % n - (negative ? n : 0));
        expect(t.get(...index)).toBe(Math.fround(ref.data[flat]));
      });
    }), { numRuns: 200 });
  });

  test('set writes one element in place; get and dataSync see it (property)', () => {
    fc.assert(fc.property(arbNonEmpty, fc.nat(), fc.boolean(), fc.double(), (ref, pick, negative, value) => {
      withTensor(ref, (t) => {
        const flat = pick % ref.data.length;
        const s = strides(ref.shape);
        const index = ref.shape.map((n, d) => Math.floor(flat / s[d]) % n - (negative ? n : 0));
        t.set(value, ...index);
        const expected = f32(ref.data);
        expected[flat] = Math.fround(value);
        expect(Object.is(t.get(...index), Math.fround(value)) || Number.isNaN(value)).toBe(true);
        expectExact(t.dataSync(), expected, `shape ${ref.shape} index ${index}`);
      });
    }), { numRuns: 200 });
  });

  test('fixed cases, scalar included', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([t.get(0, 0), t.get(1, 2), t.get(-1, -1), t.get(-2, 1), t.get(0, -3)]).toEqual([1, 6, 6, 2, 1]);
    t.set(-0.5, -1, 0);
    expect(t.toArray()).toEqual([[1, 2, 3], [-0.5, 5, 6]]);
    t.dispose();
    const s = scalar(4);
    expect(s.get()).toBe(4);
    s.set(0.1);
    expect(s.item()).toBe(Math.fround(0.1));
    s.dispose();
  });

  test('out-of-range and malformed indices throw, naming the axis, its size and the shape', () => {
    const t = zeros([2, 3]);
    expectThrowsClean(() => t.get(2, 0), RangeError, ['get:', 'index 2', 'axis 0', 'size 2', '[2,3]'], memory);
    expectThrowsClean(() => t.get(0, -4), RangeError, ['get:', 'index -4', 'axis 1', 'size 3'], memory);
    expectThrowsClean(() => t.set(1, 0, 3), RangeError, ['set:', 'index 3', 'axis 1'], memory);
    expectThrowsClean(() => t.get(0), RangeError, ['get:', '1 indices', '[2,3]'], memory);
    expectThrowsClean(() => t.get(0, 0, 0), RangeError, ['get:', '3 indices'], memory);
    expectThrowsClean(() => t.get(0, 1.5), TypeError, ['get:', 'index 1', '1.5'], memory);
    expectThrowsClean(() => t.get(NaN, 0), TypeError, ['get:', 'index 0', 'NaN'], memory);
    expectThrowsClean(() => t.get(bad('1'), 0), TypeError, ['get:', '"1"'], memory);
    expectThrowsClean(() => t.set(bad('1'), 0, 0), TypeError, ['set:', 'value', '"1"'], memory);
    expect(t.toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    t.dispose();
    const e = zeros([0, 2]);
    expectThrowsClean(() => e.get(0, 0), RangeError, ['get:', 'axis 0', 'size 0'], memory);
    e.dispose();
  });

  test('item needs exactly one element', () => {
    for (const shape of [[], [1], [1, 1, 1]]) {
      const t = full(shape, -2.5);
      expect(t.item()).toBe(-2.5);
      t.dispose();
    }
    for (const shape of [[2], [0], [1, 0], [3, 1]]) {
      const t = zeros(shape);
      expectThrowsClean(() => t.item(), RangeError, ['item:', JSON.stringify(shape).replace(/ /g, ''), 'one element'], memory);
      t.dispose();
    }
  });
});

describe('copies out', () => {
  test('toArray gives nested arrays of the float32 values, for any shape (property)', () => {
    fc.assert(fc.property(arbShape(4, 5000).chain((shape) => arbRef(shape)), (ref) => {
      withTensor(ref, (t) => expect(t.toArray()).toEqual(nest(f32(ref.data), ref.shape)));
    }), { numRuns: 100 });
  });

  test('toArray of special shapes', () => {
    const cases: [number[], unknown][] = [[[], 0], [[0], []], [[2, 0], [[], []]], [[0, 3], []], [[1, 1], [[0]]], [[2, 1, 0], [[[]], [[]]]]];
    for (const [shape, expected] of cases) {
      const t = zeros(shape);
      expect(t.toArray(), `shape ${shape}`).toEqual(expected);
      t.dispose();
    }
  });

  test('dataSync returns a fresh copy each call, not a view of wasm memory', () => {
    const t = tensor([1, 2, 3]);
    const a = t.dataSync();
    const b = t.dataSync();
    expect(a).not.toBe(b);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    expect(a.byteLength).toBe(12);
    a[0] = 100;
    expect(t.get(0)).toBe(1);
    t.set(7, 1);
    expect(Array.from(b)).toEqual([1, 2, 3]);
    expect(Array.from(t.dataSync())).toEqual([1, 7, 3]);
    const nested = t.toArray() as number[];
    nested[2] = -1;
    expect(t.get(2)).toBe(3);
    t.dispose();
  });
});

describe('toString', () => {
  // Layouts checked against NumPy 2.4's repr of the same integers (np.array2string, prefix 'tensor(', width 75).
  const print = (t: Tensor): string => {
    try {
      return t.toString();
    } finally {
      t.dispose();
    }
  };

  test('scalar, vector, matrix, 3-D and 4-D', () => {
    expect(print(scalar(3.5))).toBe('tensor(3.5)');
    expect(print(scalar(-0))).toBe('tensor(-0)');
    expect(print(tensor([1.5, 2, -3]))).toBe('tensor([1.5,   2,  -3])');
    expect(print(tensor([[1, 2], [3, 4]]))).toBe('tensor([[1, 2],\n        [3, 4]])');
    expect(print(tensor([[0.5, -1, 100], [2, 3, 4]]))).toBe('tensor([[0.5,  -1, 100],\n        [  2,   3,   4]])');
    expect(print(arange(-5, 7).reshape([2, 2, 3]))).toBe(
      'tensor([[[-5, -4, -3],\n         [-2, -1,  0]],\n\n        [[ 1,  2,  3],\n         [ 4,  5,  6]]])');
    expect(print(arange(12).reshape([2, 1, 3, 2]))).toBe(
      'tensor([[[[ 0,  1],\n          [ 2,  3],\n          [ 4,  5]]],\n\n\n        [[[ 6,  7],\n          [ 8,  9],\n          [10, 11]]]])');
    const v = tensor([1, 2]);
    expect(`${v}`).toBe('tensor([1, 2])');
    v.dispose();
  });

  test('long rows wrap at 75 columns as NumPy does', () => {
    const text = print(arange(30));
    expect(text).toBe('tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,\n' +
      '        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])');
    for (const n of [13, 14, 30, 100, 1000]) {
      for (const line of print(arange(n).mul(-7)).split('\n')) expect(line.length, `arange(${n})·-7: ${line}`).toBeLessThanOrEqual(75);
    }
  });

  test('float32 values print as the shortest text that reads back, with NaN and infinities', () => {
    expect(print(tensor([1 / 3, 0.1, NaN, Infinity, -Infinity, -0, 1e-7, 123456789, 3e38]))).toBe(
      'tensor([0.33333334,        0.1,        NaN,   Infinity,  -Infinity,\n' +
      '                -0,       1e-7,  123456792,      3e+38])');
  });

  test('empty tensors print [] and their shape', () => {
    expect(print(zeros([0]))).toBe('tensor([], shape=[0])');
    expect(print(zeros([2, 0]))).toBe('tensor([], shape=[2,0])');
    expect(print(zeros([0, 3, 4]))).toBe('tensor([], shape=[0,3,4])');
  });

  test('more than 1000 elements are summarised with ... and the shape', () => {
    expect(print(arange(1000))).not.toContain('...');
    expect(print(arange(1001))).toBe('tensor([   0,    1,    2, ...,  998,  999, 1000], shape=[1001])');
    expect(print(arange(1400).reshape([7, 200]))).toBe([
      'tensor([[   0,    1,    2, ...,  197,  198,  199],',
      '        [ 200,  201,  202, ...,  397,  398,  399],',
      '        [ 400,  401,  402, ...,  597,  598,  599],',
      '        ...,',
      '        [ 800,  801,  802, ...,  997,  998,  999],',
      '        [1000, 1001, 1002, ..., 1197, 1198, 1199],',
      '        [1200, 1201, 1202, ..., 1397, 1398, 1399]], shape=[7,200])'].join('\n'));
    expect(print(arange(1100).reshape([11, 2, 50]))).toBe([
      'tensor([[[   0,    1,    2, ...,   47,   48,   49],',
      '         [  50,   51,   52, ...,   97,   98,   99]],',
      '',
      '        [[ 100,  101,  102, ...,  147,  148,  149],',
      '         [ 150,  151,  152, ...,  197,  198,  199]],',
      '',
      '        [[ 200,  201,  202, ...,  247,  248,  249],',
      '         [ 250,  251,  252, ...,  297,  298,  299]],',
      '',
      '        ...,',
      '',
      '        [[ 800,  801,  802, ...,  847,  848,  849],',
      '         [ 850,  851,  852, ...,  897,  898,  899]],',
      '',
      '        [[ 900,  901,  902, ...,  947,  948,  949],',
      '         [ 950,  951,  952, ...,  997,  998,  999]],',
      '',
      '        [[1000, 1001, 1002, ..., 1047, 1048, 1049],',
      '         [1050, 1051, 1052, ..., 1097, 1098, 1099]]], shape=[11,2,50])'].join('\n'));
  });

  test("print writes TF.js's form to the console", () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const t = tensor([[1, 2], [3, 4]]);
    t.print();
    expect(log).toHaveBeenCalledWith('Tensor\n    [[1, 2],\n     [3, 4]]'); // TF.js's form (toString gives NumPy's)
    log.mockRestore();
    t.dispose();
  });
});

describe('dispose', () => {
  test('frees once; any later use throws DisposedError', () => {
    const before = memory();
    const t = tensor([[1, 2], [3, 4]]);
    const other = tensor([[1, 0], [0, 1]]);
    t.dispose();
    expect(t.disposed).toBe(true);
    t.dispose(); // idempotent
    expect(memory().numTensors).toBe(before.numTensors + 1);
    const uses: [string, () => unknown][] = [
      ['ptr', () => t.ptr], ['get', () => t.get(0, 0)], ['set', () => t.set(1, 0, 0)], ['item', () => t.item()],
      ['toArray', () => t.toArray()], ['dataSync', () => t.dataSync()], ['clone', () => t.clone()],
      ['reshape', () => t.reshape([4])], ['reshape', () => t.flatten()], ['transpose', () => t.T],
      ['squeeze', () => t.squeeze()], ['expandDims', () => t.expandDims(0)], ['slice', () => t.slice([0, 0], [1, 1])],
      ['row', () => t.row(0)], ['column', () => t.column(0)], ['gather', () => t.gather([0])],
      ['add', () => t.add(1)], ['mul', () => other.mul(t)], ['exp', () => t.exp()], ['relu', () => t.relu()],
      ['sum', () => t.sum()], ['argmax', () => t.argmax()], ['matmul', () => t.matmul(other)], ['matmul', () => other.matmul(t)],
      ['dot', () => t.dot(other)],
    ];
    for (const [op, use] of uses) expectThrowsClean(use, DisposedError, [`${op}:`, 'was disposed'], memory);
    expect(t.toString()).toBe('tensor(<disposed>)');
    expect(t.shape).toEqual([2, 2]); // metadata stays readable
    other.dispose();
    expect(memory()).toEqual(before);
  });

  test('views keep shared storage alive after the base is disposed', () => {
    const base = tensor([1, 2, 3, 4]);
    const view = reshape(base, [2, 2]);
    base.dispose();
    expect(view.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(() => base.get(0)).toThrow(DisposedError);
    view.dispose();
  });
});

// NOTE: Node only: vitest's browser mode keeps one copy of each module across resetModules.
const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

describe('tensors of another copy of the library', () => {
  test.runIf(inNode)('are rejected by ops of this copy with a TypeError naming the op, the argument and the way out', async () => {
    vi.resetModules();
    const other = await import('../../src/index');
    expect(other.Tensor).not.toBe(Tensor); // a second copy, with its own memory
    const foreign = other.tensor([1, 2]), own = tensor([1, 2]);
    const fragments = ['a Tensor of shape [2] from another copy of simdeep', 'tensor(x.dataSync(), x.shape)'];
    expectThrowsClean(() => own.add(bad(foreign)), TypeError, ['add: b must be a Tensor or a number', ...fragments], memory);
    expectThrowsClean(() => reshape(bad(foreign), [2]), TypeError, ['reshape: x must be a Tensor', ...fragments], memory);
    expectThrowsClean(() => tensor(bad(foreign)), TypeError, ['tensor: values must be', ...fragments], memory);
    // The hint works: the values copy over.
    const copied = tensor(foreign.dataSync(), foreign.shape);
    expect(copied.toArray()).toEqual([1, 2]);
    for (const t of [foreign, own, copied]) t.dispose();
  });
});
