// What the command line prints and writes about a training run: a sparkline of a curve, an aligned table, and an
// HTML page with SVG plots of the loss curves.

const BARS = '▁▂▃▄▅▆▇█';

/**
 * The smallest and largest finite values, [Infinity, -Infinity] if none. NOTE: a loop, as a column of a million
 * rows spread into Math.min would overflow the stack.
 */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** A one-line chart of `values` (at most `width` characters, resampled). */
export function sparkline(values: readonly number[], width = 60): string {
  const [lo, hi] = extent(values);
  if (lo > hi) return '';
  const step = Math.max(1, values.length / width);
  const points = Array.from({ length: Math.min(width, values.length) }, (_, i) => values[Math.floor(i * step)]);
  return points.map((v) => (Number.isFinite(v) ? BARS[Math.round(((v - lo) / (hi - lo || 1)) * (BARS.length - 1))] : ' ')).join('');
}

/** Rows of cells as aligned columns under a header. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => rows.reduce((w, r) => Math.max(w, r[c].length), 0));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG line plot of named curves over epochs. */
function plot(curves: Record<string, readonly number[]>, title: string): string {
  const W = 640, H = 320, pad = 48;
  const [lo, hi] = extent(Object.values(curves).flat());
  const n = Object.values(curves).reduce((longest, c) => Math.max(longest, c.length), 2);
  const x = (i: number): number => pad + (i / (n - 1)) * (W - 2 * pad);
  const y = (v: number): number => H - pad - ((v - lo) / (hi - lo || 1)) * (H - 2 * pad);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const lines = Object.entries(curves).map(([name, values], k) => {
    const d = values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${colors[k % colors.length]}" stroke-width="2"><title>${escape(name)}</title></path>` +
      `<text x="${W - pad}" y="${pad + 16 * k}" text-anchor="end" fill="${colors[k % colors.length]}">${escape(name)}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escape(title)}">` +
    `<rect width="${W}" height="${H}" fill="#fff"/><line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#444"/>` +
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="#444"/>` +
    `<text x="${pad}" y="${pad - 12}" fill="#444">${escape(title)}</text>` +
    `<text x="${pad - 6}" y="${pad}" text-anchor="end" font-size="11">${hi.toPrecision(3)}</text>` +
    `<text x="${pad - 6}" y="${H - pad}" text-anchor="end" font-size="11">${lo.toPrecision(3)}</text>` +
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle" font-size="12">epoch (1–${n})</text>${lines}</svg>`;
}

/** A self-contained HTML report: the test scores, the loss curves (in `lossUnits`), and the search trials. */
export function htmlReport(title: string, summary: readonly (readonly string[])[], history: Record<string, number[]>, lossUnits: string, trials?: readonly (readonly string[])[]): string {
  const table = (rows: readonly (readonly string[])[]): string => `<table><thead><tr>${rows[0].map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.slice(1).map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const losses = Object.fromEntries(Object.entries(history).filter(([key]) => key.endsWith('loss')));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>` +
    '<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:760px}table{border-collapse:collapse;margin:1em 0}' +
    'td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}</style></head><body>' +
    `<h1>${escape(title)}</h1><h2>Test rows</h2>${table(summary)}<h2>Loss</h2>${plot(losses, `loss per epoch (${lossUnits})`)}` +
    (trials ? `<h2>Search trials</h2>${table(trials)}` : '') + '</body></html>\n';
}
