// alloc and free (assembly/memory.ts): 16-byte alignment, disjoint blocks that keep their contents, reuse after
// free, and growth of the memory for a large block.
import { alloc, free } from '../../assembly/memory';

// Byte sizes: the test sizes as bytes, then as f32 element counts (×4), then odd sizes around 16-byte blocks.
const BYTES: StaticArray<i32> = [0, 1, 3, 4, 5, 7, 8, 9, 17, 129, 12, 16, 20, 28, 32, 36, 68, 516, 15, 31, 33, 4099];
const COUNT = BYTES.length;

// @ts-ignore: decorator
@inline function byteSize(b: i32): usize {
  return <usize>BYTES[b];
}

// @ts-ignore: decorator
@inline function pattern(block: i32, byte: usize): u8 {
  return <u8>(block * 31 + <i32>byte * 7 + 1);
}

describe('alloc and free', () => {
  it('returns 16-byte aligned, disjoint blocks of each size that keep their bytes', () => {
    const ptrs = heap.alloc(<usize>COUNT << 2);
    for (let b = 0; b < COUNT; b++) {
      const p = alloc(byteSize(b));
      store<u32>(ptrs + (<usize>b << 2), <u32>p);
      expect<usize>(p & 15).toBe(0, `alloc(${byteSize(b)}) returned ${p}, not 16-byte aligned`);
      expect<bool>(p != 0).toBe(true, `alloc(${byteSize(b)}) returned 0`);
      for (let i: usize = 0; i < byteSize(b); i++) store<u8>(p + i, pattern(b, i));
    }
    for (let b = 0; b < COUNT; b++) {
      const p = <usize>load<u32>(ptrs + (<usize>b << 2)), n = byteSize(b);
      let bad: isize = -1;
      for (let i: usize = 0; i < n; i++) {
        if (load<u8>(p + i) != pattern(b, i)) { bad = <isize>i; break; }
      }
      expect<isize>(bad).toBe(-1, `block ${b} of ${n} bytes at ${p}: byte ${bad} was overwritten`);
      for (let c = 0; c < b; c++) {
        const q = <usize>load<u32>(ptrs + (<usize>c << 2)), m = byteSize(c);
        const overlap = n > 0 && m > 0 && p < q + m && q < p + n;
        expect<bool>(overlap).toBe(false, `blocks ${b} (${p}, ${n} bytes) and ${c} (${q}, ${m} bytes) overlap`);
      }
    }
    for (let b = 0; b < COUNT; b++) free(<usize>load<u32>(ptrs + (<usize>b << 2)));
    heap.free(ptrs);
  });

  it('reuses freed memory: alloc, free, alloc again does not grow the heap', () => {
    const pages = memory.size();
    for (let round = 0; round < 1000; round++) {
      const p = alloc(4096), q = alloc(129 << 2);
      store<u32>(p, round); store<u32>(q, round);
      free(q); free(p);
    }
    expect<i32>(memory.size()).toBe(pages, 'memory pages after 1000 alloc/free rounds');
  });

  it('grows the memory for a block larger than the free heap', () => {
    const pages = memory.size();
    const bytes: usize = <usize>(pages + 4) << 16;
    const p = alloc(bytes);
    expect<usize>(p & 15).toBe(0, `alloc(${bytes}) returned ${p}, not 16-byte aligned`);
    expect<i32>(memory.size()).toBeGreaterThan(pages, `memory pages after alloc(${bytes})`);
    expect<bool>(p + bytes <= (<usize>memory.size() << 16)).toBe(true, `block ${p} + ${bytes} ends past the memory`);
    store<u8>(p + bytes - 1, 0xab); // the last byte is writable
    expect<u8>(load<u8>(p + bytes - 1)).toBe(0xab);
    free(p);
  });
});
