// copy and gather (assembly/copy.ts) against scalar loops; both move values unchanged, so they must match exactly.
import { copy, gather } from '../../assembly/copy';
import {
  SIZES, SENTINEL, allocF32, allocF64, allocUniform, allocMeta, getF32, setF64, expectClose,
  extent, offsetOf, product, contiguous, show, reseed,
} from './reference';

// dst (read through dstStrides) = src (read through srcStrides) over `shape`; every dst element the strides skip
// must keep its sentinel.
function checkCopy(shape: i32[], srcStrides: i32[], dstStrides: i32[], what: string): void {
  const n = product(shape), ns = extent(shape, srcStrides), nd = extent(shape, dstStrides);
  const src = allocUniform(ns, -1, 1), dst = allocF32(nd), want = allocF64(nd);
  for (let e = 0; e < nd; e++) setF64(want, e, SENTINEL);
  for (let i = 0; i < n; i++) setF64(want, offsetOf(i, shape, dstStrides), getF32(src, offsetOf(i, shape, srcStrides)));
  const meta = allocMeta(shape, srcStrides, dstStrides);
  copy(src, dst, shape.length, meta);
  expectClose(dst, want, nd, 0, 0, `copy ${what} shape ${show(shape)} src strides ${show(srcStrides)} dst strides ${show(dstStrides)}`);
  heap.free(src); heap.free(dst); heap.free(want); heap.free(meta);
}

describe('copy', () => {
  it('copies contiguous, repeated (stride 0) and strided rank-1 rows of each size', () => {
    reseed(41);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      checkCopy([n], [1], [1], 'contiguous');
      checkCopy([n], [0], [1], 'repeat');
      checkCopy([n], [3], [1], 'strided src');
      checkCopy([n], [1], [2], 'strided dst');
      checkCopy([n], [0], [3], 'repeat into strided dst');
    }
  });

  it('copies rank-2 and rank-3 layouts: transposes, broadcasts, permutations', () => {
    reseed(42);
    const rows: StaticArray<i32> = [1, 3, 5];
    for (let r = 0; r < rows.length; r++) {
      for (let s = 0; s < SIZES.length; s++) {
        const m = rows[r], n = SIZES[s];
        checkCopy([m, n], [n, 1], [n, 1], 'contiguous');
        checkCopy([m, n], [1, m], [n, 1], 'transpose');       // src is [n, m]
        checkCopy([m, n], [n, 1], [1, m], 'transpose into');  // dst is [n, m]
        checkCopy([m, n], [0, 1], [n, 1], 'row broadcast');
        checkCopy([m, n], [1, 0], [n, 1], 'column broadcast');
        checkCopy([m, n], [2 * n + 1, 2], [n + 3, 1], 'padded rows');
        const d = 4;
        // src [n, d, m] permuted to dst [m, d, n].
        checkCopy([m, d, n], [1, m, d * m], contiguous([m, d, n]), 'permute (2, 1, 0)');
        checkCopy([m, d, n], [0, n, 1], contiguous([m, d, n]), 'broadcast outer');
      }
    }
  });
});

// dst[o, t, i] = src[o, idx[t], i], exact.
function checkGather(outer: i32, axisLen: i32, inner: i32, count: i32): void {
  const src = allocUniform(outer * axisLen * inner, -1, 1);
  const idx = heap.alloc(<usize>max(count, 1) << 2);
  // Indices out of order, with repeats when count > axisLen, first and last included.
  for (let t = 0; t < count; t++) store<i32>(idx + (<usize>t << 2), t == 0 ? axisLen - 1 : (t * 7 + 3) % axisLen);
  const n = outer * count * inner;
  const dst = allocF32(n), want = allocF64(n);
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < count; t++) {
      const row = load<i32>(idx + (<usize>t << 2));
      for (let i = 0; i < inner; i++) setF64(want, (o * count + t) * inner + i, getF32(src, (o * axisLen + row) * inner + i));
    }
  }
  gather(src, dst, idx, count, outer, axisLen, inner);
  expectClose(dst, want, n, 0, 0, `gather outer=${outer} axisLen=${axisLen} inner=${inner} count=${count}`);
  heap.free(src); heap.free(idx); heap.free(dst); heap.free(want);
}

describe('gather', () => {
  it('gathers rows by index for each count and layout', () => {
    reseed(43);
    const outers: StaticArray<i32> = [0, 1, 3];
    const axes: StaticArray<i32> = [1, 5, 17];
    const inners: StaticArray<i32> = [1, 3, 4, 5, 9];
    for (let o = 0; o < outers.length; o++) {
      for (let a = 0; a < axes.length; a++) {
        for (let i = 0; i < inners.length; i++) {
          for (let s = 0; s < SIZES.length; s++) checkGather(outers[o], axes[a], inners[i], SIZES[s]);
        }
      }
    }
  });
});
