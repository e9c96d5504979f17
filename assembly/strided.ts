// Row iteration for N-d strided kernels. A `meta` block of i32 holds, for rank r:
// shape[r], strides of operand 0..2 [r each], then a counter[r] scratch that the kernel overwrites.
// Strides are in elements and may be 0 (broadcast). The last dimension is one "row".

// @ts-ignore: decorator
@inline export function metaAt(meta: usize, i: i32): i32 {
  return load<i32>(meta + (<usize>i << 2));
}

// Product of all dimensions but the last.
export function rowCount(meta: usize, rank: i32): i32 {
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= metaAt(meta, d);
  return rows;
}

// Zeroes the counter.
export function resetCounter(meta: usize, rank: i32): void {
  memory.fill(meta + (<usize>(4 * rank) << 2), 0, <usize>rank << 2);
}

// Element offset of the current row for operand `which` (0..2).
export function rowOffset(meta: usize, rank: i32, which: i32): i32 {
  const strides = (1 + which) * rank;
  const counter = 4 * rank;
  let offset = 0;
  for (let d = 0; d < rank - 1; d++) offset += metaAt(meta, counter + d) * metaAt(meta, strides + d);
  return offset;
}

// Moves the counter to the next row.
export function nextRow(meta: usize, rank: i32): void {
  const counter = meta + (<usize>(4 * rank) << 2);
  for (let d = rank - 2; d >= 0; d--) {
    const p = counter + (<usize>d << 2);
    const c = load<i32>(p) + 1;
    if (c < metaAt(meta, d)) { store<i32>(p, c); return; }
    store<i32>(p, 0);
  }
}
