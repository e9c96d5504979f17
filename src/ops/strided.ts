import { i32View, metaPtr, MAX_RANK } from '../runtime/heap';

/** Writes shape and per-operand strides into the meta block of a strided kernel call; returns the meta pointer. */
export function writeMeta(shape: readonly number[], strides: readonly (readonly number[])[], op: string): number {
  const rank = shape.length;
  if (rank > MAX_RANK) throw new RangeError(`${op}: rank ${rank} exceeds the supported ${MAX_RANK} after merging dimensions`);
  const meta = metaPtr();
  const view = i32View(meta, 5 * rank);
  view.set(shape, 0);
  strides.forEach((s, o) => view.set(s, (o + 1) * rank));
  return meta;
}
