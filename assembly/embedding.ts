import { putOrAdd } from './plan';

// Embedding lookups: rows of a table gathered by indices held as f32 (a model's data are f32), and the table's
// gradient as a scatter-add of the output gradient's rows. The TypeScript layer checks that every index is an
// integer in [0, inputDim) before calling; the kernels clamp only so that a bad index cannot reach outside the table.

// The row of `table` index value v names: v truncated, clamped to [0, inputDim - 1] (NaN gives 0).
// @ts-ignore: decorator
@inline function rowIndex(v: f32, inputDim: i32): i32 {
  if (!(v >= 0)) return 0;
  const last = <f32>(inputDim - 1);
  return v >= last ? inputDim - 1 : <i32>v;
}

// out[r, :] = table[ids[r], :] for r < n; table [inputDim, dim], ids [n] f32, out [n, dim]; with maskZero, id 0
// gives a zero row. Row-major f32, sizes in elements; out must not alias table or ids.
export function embedding(table: usize, ids: usize, out: usize, n: i32, inputDim: i32, dim: i32, maskZero: bool): void {
  const row = <usize>dim << 2;
  for (let r = 0; r < n; r++) {
    const i = rowIndex(load<f32>(ids + (<usize>r << 2)), inputDim);
    const dst = out + <usize>r * row;
    if (maskZero && i == 0) memory.fill(dst, 0, row);
    else memory.copy(dst, table + <usize>i * row, row);
  }
}

// dTable = (add ? dTable : 0) + Σ_r onehot(ids[r]) ⊗ dOut[r, :], rows in order r = 0..n-1 (so the sums have the
// same bits on every run); with maskZero, rows of id 0 add nothing. The backward of `embedding`, which saved ids
// (the table is not needed). dTable [inputDim, dim], dOut [n, dim]; dTable must not alias dOut or ids.
export function embeddingBackward(ids: usize, dOut: usize, dTable: usize, n: i32, inputDim: i32, dim: i32, maskZero: bool, add: bool): void {
  const row = <usize>dim << 2;
  if (!add) memory.fill(dTable, 0, <usize>inputDim * row);
  for (let r = 0; r < n; r++) {
    const i = rowIndex(load<f32>(ids + (<usize>r << 2)), inputDim);
    if (maskZero && i == 0) continue;
    putOrAdd(dTable + <usize>i * row, dOut + <usize>r * row, dim, true);
  }
}
