// What the windowed kernels (convolution, pooling, padding) share: reading a geometry record (GEOM_ in layout.ts) and
// the taps of a window that fall inside the input.

// Word `field` of the geometry record at g.
// @ts-ignore: decorator
@inline export function geom(g: usize, field: i32): i32 {
  return load<i32>(g + (<usize>field << 2));
}

// The first tap index i ≥ 0 whose position start + i·step is ≥ 0 (step ≥ 1).
// @ts-ignore: decorator
@inline export function firstTap(start: i32, step: i32): i32 {
  return start >= 0 ? 0 : (step - 1 - start) / step;
}

// One past the last tap index i < taps whose position start + i·step is < size (at least firstTap's).
// @ts-ignore: decorator
@inline export function endTap(start: i32, taps: i32, step: i32, size: i32): i32 {
  return start >= size ? 0 : min(taps, (size - start + step - 1) / step);
}
