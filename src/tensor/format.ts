// NumPy-style printing: aligned columns, nested brackets, '...' beyond 3 leading and trailing entries of any
// axis once a tensor has more than 1000 elements.

const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;

/** The shortest decimal text that reads back as the same float32 value. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return Object.is(value, -0) ? '-0' : String(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

type Node = string | Node[];

function build(data: Float32Array, shape: readonly number[], summarize: boolean): Node {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));
  const visit = (d: number, offset: number): Node => {
    if (d === shape.length) return formatNumber(data[offset]);
    const n = shape[d];
    const items: Node[] = [];
    const cut = summarize && n > 2 * EDGE;
    for (let i = 0; i < n; i++) {
      if (cut && i === EDGE) {
        items.push('...');
        i = n - EDGE;
      }
      items.push(visit(d + 1, offset + i * strides[d]));
    }
    return items;
  };
  return visit(0, 0);
}

function leaves(node: Node, into: string[] = []): string[] {
  if (typeof node === 'string') into.push(node);
  else for (const child of node) leaves(child, into);
  return into;
}

function render(node: Node, indent: string, width: number, depth: number, rank: number): string {
  if (typeof node === 'string') return node.padStart(width);
  if (depth === rank - 1) {
    // NOTE: as NumPy wraps: a row line with its closing brackets and ')' fits LINE_WIDTH; '...' is not padded.
    const limit = LINE_WIDTH - rank - 2;
    const lines: string[] = [];
    let line = '';
    for (const item of node) {
      const text = item === '...' ? item : (item as string).padStart(width);
      if (line && indent.length + line.length + text.length + 2 > limit) {
        lines.push(line + ',');
        line = text;
      } else line = line ? `${line}, ${text}` : text;
    }
    lines.push(line);
    return `[${lines.join(`\n${indent} `)}]`;
  }
  const gap = `,${'\n'.repeat(rank - depth - 1)}${indent} `;
  return `[${node.map((child) => (child === '...' ? '...' : render(child, `${indent} `, width, depth + 1, rank))).join(gap)}]`;
}

/** Text of a tensor's values: `tensor([[1, 2], [3, 4]])` laid out over lines, with its shape when summarised. */
export function formatTensor(data: Float32Array, shape: readonly number[]): string {
  const prefix = 'tensor(';
  if (shape.length === 0) return `${prefix}${formatNumber(data[0])})`;
  if (data.length === 0) return `${prefix}[], shape=[${shape.join(',')}])`; // NumPy prints any empty array as []
  const summarize = data.length > THRESHOLD;
  const tree = build(data, shape, summarize);
  const width = Math.max(0, ...leaves(tree).filter((s) => s !== '...').map((s) => s.length));
  const body = render(tree, ' '.repeat(prefix.length), width, 0, shape.length);
  return `${prefix}${body}${summarize || data.length === 0 ? `, shape=[${shape.join(',')}]` : ''})`;
}
