// Helpers for the kernel specs: deterministic inputs, f64 reference buffers, guard words after each output,
// strided meta blocks, and a max(abs, rel·|ref|) comparison that reports the first bad index.
// Every buffer comes from heap.alloc and goes back with heap.free.

// Sizes below, at and above the 4-lane SIMD width and the 8-column GEMM tile (0 only where the kernel allows it).
export const SIZES: StaticArray<i32> = [0, 1, 3, 4, 5, 7, 8, 9, 17, 129];

// f32 words after every output buffer; a kernel that writes past n changes them.
export const GUARD: i32 = 4;
export const SENTINEL: f32 = -31415.926;

// mulberry32: an input generator independent of the xoshiro128** kernel under test.
let seed: u32 = 0x9e3779b9;

export function reseed(s: u32): void {
  seed = s;
}

export function nextU32(): u32 {
  seed += 0x6d2b79f5;
  let t = seed;
  t = (t ^ (t >>> 15)) * (t | 1);
  t ^= t + (t ^ (t >>> 7)) * (t | 61);
  return t ^ (t >>> 14);
}

// Uniform in [lo, hi), rounded to f32.
export function uniform(lo: f64, hi: f64): f32 {
  return <f32>(lo + (hi - lo) * (<f64>nextU32() * 2.3283064365386963e-10));
}

// An f32 buffer of n elements plus GUARD sentinel words; the n elements are filled with `fill`.
export function allocF32(n: i32, fill: f32 = SENTINEL): usize {
  const p = heap.alloc(<usize>(n + GUARD) << 2);
  for (let i = 0; i < n + GUARD; i++) store<f32>(p + (<usize>i << 2), i < n ? fill : SENTINEL);
  return p;
}

// An f32 buffer of n uniform values in [lo, hi), plus GUARD sentinel words.
export function allocUniform(n: i32, lo: f64, hi: f64): usize {
  const p = allocF32(n);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), uniform(lo, hi));
  return p;
}

// An f64 buffer of n elements for reference results.
export function allocF64(n: i32): usize {
  return heap.alloc(<usize>max(n, 1) << 3);
}

// @ts-ignore: decorator
@inline export function getF32(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline export function setF32(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

// @ts-ignore: decorator
@inline export function getF64(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline export function setF64(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

// |got - want| <= max(abs, rel·|want|), NaN only against NaN, infinities only against themselves.
export function close(got: f64, want: f64, abs: f64, rel: f64): bool {
  if (want != want) return got != got;
  if (got == want) return true;
  return Math.abs(got - want) <= Math.max(abs, rel * Math.abs(want));
}

// Compares got[0..n) (f32) with want[0..n) (f64) and checks the GUARD words after got.
export function expectClose(got: usize, want: usize, n: i32, abs: f64, rel: f64, what: string): void {
  let bad = -1;
  for (let i = 0; i < n; i++) {
    if (!close(<f64>getF32(got, i), getF64(want, i), abs, rel)) { bad = i; break; }
  }
  if (bad >= 0) {
    const g = <f64>getF32(got, bad), w = getF64(want, bad);
    const tol = Math.max(abs, rel * Math.abs(w));
    expect<i32>(bad).toBe(-1, `${what}: index ${bad} of ${n}: got ${g}, want ${w}, |err| ${Math.abs(g - w)} > tol ${tol}`);
  }
  expectGuard(got, n, what);
}

// Checks that the GUARD words after an n-element output still hold SENTINEL.
export function expectGuard(p: usize, n: i32, what: string): void {
  let bad = -1;
  for (let i = n; i < n + GUARD; i++) {
    if (getF32(p, i) != SENTINEL) { bad = i; break; }
  }
  if (bad >= 0) expect<i32>(bad).toBe(-1, `${what}: guard word ${bad} past the ${n} outputs was overwritten`);
}

// A meta block (strided.ts) of 5·rank i32: shape, strides of operand 0, 1 and 2 (2 unused here), counter scratch.
export function allocMeta(shape: i32[], strides0: i32[], strides1: i32[]): usize {
  const rank = shape.length;
  const p = heap.alloc(<usize>(5 * rank) << 2);
  for (let d = 0; d < rank; d++) {
    store<i32>(p + (<usize>d << 2), shape[d]);
    store<i32>(p + (<usize>(rank + d) << 2), strides0[d]);
    store<i32>(p + (<usize>(2 * rank + d) << 2), strides1[d]);
    store<i32>(p + (<usize>(3 * rank + d) << 2), 0);
    store<i32>(p + (<usize>(4 * rank + d) << 2), -1); // the kernel must reset the counter itself
  }
  return p;
}

export function product(shape: i32[]): i32 {
  let n = 1;
  for (let d = 0; d < shape.length; d++) n *= shape[d];
  return n;
}

// Elements an operand read through `strides` over `shape` spans (0 for an empty shape).
export function extent(shape: i32[], strides: i32[]): i32 {
  let e = 1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] == 0) return 0;
    e += (shape[d] - 1) * strides[d];
  }
  return e;
}

// Element offset through `strides` of flat row-major position `i` of `shape`.
export function offsetOf(i: i32, shape: i32[], strides: i32[]): i32 {
  let offset = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    offset += (i % shape[d]) * strides[d];
    i /= shape[d];
  }
  return offset;
}

// Row-major strides of a contiguous `shape`.
export function contiguous(shape: i32[]): i32[] {
  const s = new Array<i32>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = step;
    step *= shape[d];
  }
  return s;
}

export function show(values: i32[]): string {
  return '[' + values.join(',') + ']';
}
