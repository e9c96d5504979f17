// memory(), tidy, keep and dispose (src/memory.ts) over tensor storage (src/tensor/storage.ts). Every test
// disposes what it creates, so that counts never depend on when the garbage collector runs finalizers.
import { describe, expect, test } from 'vitest';
import {
  add, arange, concat, dispose, DisposedError, gather, keep, matmul, memory, ones, rand, randn, reshape, ShapeError, slice, sum,
  tensor, tidy, transpose, zeros, type MemoryInfo, type Tensor,
} from '../src/index';
import { expectThrowsClean } from './reference';

const bad = <T>(value: unknown): T => value as T;

/** Live tensors and bytes relative to a snapshot. */
const delta = (before: MemoryInfo): [number, number] => {
  const now = memory();
  return [now.numTensors - before.numTensors, now.numBytes - before.numBytes];
};

describe('memory()', () => {
  test('counts tensors and their bytes; views share bytes; wasmBytes is the mapped memory', () => {
    const before = memory();
    expect(before.wasmBytes % 65536).toBe(0);
    expect(before.wasmBytes).toBeGreaterThanOrEqual(64 * 65536);
    const a = zeros([4, 5]);
    expect(delta(before)).toEqual([1, 80]);
    const b = zeros([0, 3]);
    expect(delta(before)).toEqual([2, 80]);
    const view = reshape(a, [20]);
    const expanded = a.expandDims(0);
    const squeezed = expanded.squeeze();
    expect(delta(before)).toEqual([5, 80]);
    a.dispose();
    expect(delta(before)).toEqual([4, 80]); // the views still hold the storage
    dispose([view, expanded]);
    expect(delta(before)).toEqual([2, 80]);
    squeezed.dispose();
    expect(delta(before)).toEqual([1, 0]); // the last view frees the storage
    b.dispose();
    expect(delta(before)).toEqual([0, 0]);
    expect(memory().wasmBytes).toBe(before.wasmBytes);
  });

  test('returns a fresh object each call', () => {
    const a = memory();
    a.numTensors += 5;
    expect(memory().numTensors).toBe(a.numTensors - 5);
  });
});

describe('tidy', () => {
  test('disposes intermediates and keeps a returned tensor', () => {
    const before = memory();
    const x = tensor([1, 2, 3]);
    let inside: Tensor[] = [];
    const y = tidy(() => {
      const a = x.mul(2);
      const b = a.add(1);
      inside = [a, b];
      return b.sub(x);
    });
    expect(inside.map((t) => t.disposed)).toEqual([true, true]);
    expect([x.disposed, y.disposed]).toEqual([false, false]);
    expect(y.toArray()).toEqual([2, 3, 4]);
    expect(delta(before)).toEqual([2, 24]);
    dispose([x, y]);
    expect(delta(before)).toEqual([0, 0]);
  });

  test('keeps tensors inside returned arrays, plain objects and Maps, however nested', () => {
    const before = memory();
    const result = tidy(() => {
      zeros([100]);
      return { list: [ones([1]), [ones([2])]], named: { deep: ones([3]) }, map: new Map([['m', ones([4])]]), n: 5, s: 'text' };
    });
    const kept = [result.list[0] as Tensor, (result.list[1] as Tensor[])[0], result.named.deep, result.map.get('m') as Tensor];
    expect(kept.map((t) => [t.disposed, t.size])).toEqual([[false, 1], [false, 2], [false, 3], [false, 4]]);
    expect(delta(before)).toEqual([4, 40]);
    dispose(kept);
    expect(delta(before)).toEqual([0, 0]);
  });

  test('returns non-tensor values unchanged and disposes everything made', () => {
    const before = memory();
    expect(tidy(() => zeros([3]).add(2).sum().item())).toBe(6);
    expect(tidy(() => undefined)).toBeUndefined();
    expect(delta(before)).toEqual([0, 0]);
  });

  test('tensors from outside are left alone, even when returned', () => {
    const before = memory();
    const outside = ones([2]);
    const same = tidy(() => {
      outside.add(1);
      return outside;
    });
    expect(same).toBe(outside);
    expect(outside.disposed).toBe(false);
    expect(delta(before)).toEqual([1, 8]);
    outside.dispose();
  });

  test('nests: an inner result belongs to the outer scope', () => {
    const before = memory();
    let inner: Tensor | undefined;
    let innerTemp: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => {
        innerTemp = ones([2]);
        return innerTemp.add(1);
      });
      expect([innerTemp?.disposed, inner.disposed]).toEqual([true, false]);
      const kept = tidy(() => inner!.mul(3));
      return kept;
    });
    expect(inner?.disposed).toBe(true); // not returned from the outer tidy
    expect(outer.toArray()).toEqual([6, 6]);
    expect(delta(before)).toEqual([1, 8]);
    outer.dispose();
  });

  test('keep() lets a tensor outlive every enclosing tidy', () => {
    const before = memory();
    let kept: Tensor | undefined;
    let alsoKept: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(ones([2]).mul(5));
      });
      alsoKept = keep(zeros([3]));
      zeros([7]);
    });
    expect([kept?.disposed, alsoKept?.disposed]).toEqual([false, false]);
    expect(kept?.toArray()).toEqual([5, 5]);
    expect(delta(before)).toEqual([2, 20]);
    dispose([kept!, alsoKept!]);
    const free = zeros([1]);
    expect(keep(free)).toBe(free); // outside tidy: a no-op
    expect(free.disposed).toBe(false);
    free.dispose();
    expect(delta(before)).toEqual([0, 0]);
    expectThrowsClean(() => keep(bad(5)), TypeError, ['keep:', 'Tensor'], memory);
    expectThrowsClean(() => keep(free), DisposedError, ['keep:', 'was disposed'], memory);
  });

  test('if fn throws, everything it made is disposed and the error passes through', () => {
    const before = memory();
    const made: Tensor[] = [];
    const boom = new Error('boom');
    expect(() => tidy(() => {
      made.push(zeros([10]), ones([3]).add(1));
      tidy(() => made.push(ones([4])));
      throw boom;
    })).toThrow(boom);
    expect(made.every((t) => t.disposed)).toBe(true);
    expect(delta(before)).toEqual([0, 0]);
    // An op error inside tidy behaves the same, and later tidy calls still work.
    expect(() => tidy(() => matmul(ones([2, 3]), ones([2, 3])))).toThrow(ShapeError);
    expect(delta(before)).toEqual([0, 0]);
    const y = tidy(() => ones([2]).mul(4));
    expect(y.toArray()).toEqual([4, 4]);
    y.dispose();
  });

  test('rejects async functions, disposing what they made before their first await', async () => {
    const before = memory();
    let made: Tensor | undefined;
    expect(() => tidy(async () => {
      made = ones([5]);
      await Promise.resolve();
    })).toThrow(/tidy: fn returned a Promise/);
    expect(made?.disposed).toBe(true);
    expect(delta(before)).toEqual([0, 0]);
    await Promise.resolve();
  });

  test('rejects non-functions', () => {
    expectThrowsClean(() => tidy(bad(5)), TypeError, ['tidy:', 'fn must be a function'], memory);
  });

  test('10,000 ops inside tidy leave the counts unchanged and the wasm memory does not grow', () => {
    const x = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const w = ones([4, 4]).mul(0.25);
    const work = (): number => tidy(() => {
      let y = x;
      for (let i = 0; i < 1000; i++) {
        // Twelve ops per step (12,000 in all), across element-wise, matmul, reduce and shape ops (views included).
        const z = matmul(y, w).add(1).mul(0.5);
        const t = transpose(z).reshape([8]);
        const s = slice(concat([t, t]), [4], [8]).reshape([2, 4]);
        y = add(gather(s, [0, 1]), sum(z).mul(0));
      }
      return y.sum().item();
    });
    tidy(() => matmul(x, w).T); // sets up the kernels' scratch block
    const before = memory();
    const expected = work();
    expect(memory()).toEqual(before);
    expect(work()).toBe(expected); // and again: the freed blocks are reused
    expect(memory()).toEqual(before);
    dispose([x, w]);
  });

  test('after errors memory() is unchanged and later ops still work', () => {
    const a = ones([2, 3]), b = ones([4, 5]);
    const failures: [() => unknown, new (...args: never[]) => Error][] = [
      [() => matmul(a, b), ShapeError], [() => add(a, b), ShapeError], [() => concat([a, b]), ShapeError],
      [() => reshape(a, [5]), ShapeError], [() => gather(a, [0, 9]), RangeError], [() => slice(a, [3]), RangeError],
      [() => transpose(a, [0, 0]), RangeError], [() => tensor([[1], [2, 3]]), ShapeError], [() => zeros([-1]), RangeError],
      [() => randn([2], { std: -1 }), RangeError], [() => rand([2], { seed: -1 }), RangeError], [() => arange(0, 1, 0), RangeError],
      [() => tidy(() => { ones([9]); throw new RangeError('inside'); }), RangeError],
    ];
    for (const [fn, type] of failures) {
      const before = memory();
      expect(fn).toThrow(type);
      expect(memory()).toEqual(before);
    }
    const c = matmul(a, b.slice([0, 0], [3, 2]));
    expect(c.toArray()).toEqual([[3, 3], [3, 3]]);
    dispose([a, b, c]);
  });
});

describe('dispose()', () => {
  test('disposes a tensor, arrays and objects of tensors; again is a no-op', () => {
    const before = memory();
    const list = [zeros([2]), zeros([3])];
    const named = { w: ones([4]), b: ones([1]) };
    const single = zeros([5]);
    expect(delta(before)).toEqual([5, 60]);
    dispose(list);
    expect(list.every((t) => t.disposed)).toBe(true);
    dispose(named);
    expect([named.w.disposed, named.b.disposed]).toEqual([true, true]);
    dispose(single);
    expect(single.disposed).toBe(true);
    dispose([...list, single]);
    dispose([]);
    dispose({});
    expect(delta(before)).toEqual([0, 0]);
  });

  test('a structure that contains itself is disposed once, without overflowing the stack', () => {
    const before = memory();
    const cyclic: Record<string, unknown> = { t: zeros([2]) };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, ones([3])];
    dispose(bad(cyclic));
    expect(delta(before)).toEqual([0, 0]);
  });
});

describe('forgotten tensors', () => {
  // Needs --expose-gc (vitest.config.ts passes it to the test workers).
  const gc = (globalThis as { gc?: () => void }).gc;

  test('are freed by the FinalizationRegistry once garbage collected', async () => {
    expect(gc, 'run with --expose-gc').toBeTypeOf('function');
    const collect = async (): Promise<void> => {
      for (let round = 0; round < 5; round++) {
        gc?.();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await collect(); // earlier tests' garbage goes first
    const before = memory();
    const forget = (): void => {
      for (let i = 0; i < 100; i++) zeros([256]).add(1);
    };
    forget();
    expect(delta(before)).toEqual([200, 200 * 1024]);
    await collect();
    expect(delta(before)).toEqual([0, 0]);
  });
});
