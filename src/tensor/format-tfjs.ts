// TensorFlow.js's printed form of a tensor (`Tensor\n    [[1, 2],\n     [3, 4]]`), for `print()`, so that programs
// moved from TF.js log what they logged before: at most 20 entries per axis (3 first and 3 last around '...'), values
// as `parseFloat(v.toFixed(7))`, columns right-padded to their widest entry.

const LIMIT = 20;
const EDGE = 3;
const DIGITS = 7;

function valueText(value: number, pad: number): string {
  return String(parseFloat(value.toFixed(DIGITS))).padEnd(pad);
}

/** Widest text of each column (the last axis) over all rows, for rank 2 and more; zeros for rank 1, as TF.js. */
function columnWidths(data: Float32Array, shape: readonly number[]): number[] {
  const columns = shape.length === 0 ? 1 : shape[shape.length - 1];
  const widths = new Array<number>(columns).fill(0);
  if (shape.length < 2 || columns === 0) return widths;
  for (let i = 0; i < data.length; i++) widths[i % columns] = Math.max(widths[i % columns], valueText(data[i], 0).length);
  return widths;
}

function lines(data: Float32Array, shape: readonly number[], widths: readonly number[], isLast: boolean): string[] {
  const size = shape[0];
  const rank = shape.length;
  if (rank === 0) return [String(data[0])];
  if (rank === 1) {
    const text = (from: number, to: number): string => Array.from(data.subarray(from, to), (v, i) => valueText(v, widths[from + i])).join(', ');
    return [size > LIMIT ? `[${text(0, EDGE)}, ..., ${text(size - EDGE, size)}]` : `[${text(0, size)}]`];
  }
  const stride = data.length / Math.max(size, 1);
  const sub = (i: number, last: boolean): string[] => lines(data.subarray(i * stride, (i + 1) * stride), shape.slice(1), widths, last);
  const out: string[] = [];
  if (size > LIMIT) {
    for (let i = 0; i < EDGE; i++) out.push(...sub(i, false));
    out.push('...');
    for (let i = size - EDGE; i < size; i++) out.push(...sub(i, i === size - 1));
  } else {
    for (let i = 0; i < size; i++) out.push(...sub(i, i === size - 1));
  }
  const sep = rank === 2 ? ',' : '';
  out[0] = `[${size > 0 ? out[0] + sep : ''}`;
  for (let i = 1; i < out.length - 1; i++) out[i] = ` ${out[i]}${sep}`;
  out[out.length - 1] = ` ${out[out.length - 1]}]${isLast ? '' : `,\n${'\n'.repeat(rank - 2)}`}`;
  return out;
}

/** The text TF.js's `tensor.print(verbose)` logs for float32 values of `shape`. */
export function formatTfjs(data: Float32Array, shape: readonly number[], verbose = false): string {
  const head = ['Tensor'];
  if (verbose) head.push('  dtype: float32', `  rank: ${shape.length}`, `  shape: [${shape.join(',')}]`, '  values:');
  const body = lines(data, shape, columnWidths(data, shape), true);
  return [...head, body.map((line) => `    ${line}`).join('\n')].join('\n');
}
