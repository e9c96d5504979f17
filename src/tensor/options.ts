import { showValue } from './errors';

/**
 * Checks an options argument: `undefined` passes (every option takes its default); anything but a non-array object
 * is a TypeError; an own key not in `allowed` is a RangeError that lists the valid keys and suggests the nearest
 * one ("did you mean"), so typos such as `{epoch: 50}` or `{activaton: 'relu'}` fail instead of being ignored.
 */
export function checkOptionKeys(op: string, options: unknown, allowed: readonly string[], arg = 'options'): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${op}: ${arg} must be an object, got ${showValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const near = nearestKey(key, allowed);
    const hint = near === undefined ? '' : `; did you mean ${JSON.stringify(near)}?`;
    throw new RangeError(`${op}: unknown option ${JSON.stringify(key)} in ${arg}${hint} (expected ${allowed.join(', ') || 'none'})`);
  }
}

/** The allowed key closest to `key`: equal but for case and `_`/`-`, or within a small edit distance; else undefined. */
export function nearestKey(key: string, allowed: readonly string[]): string | undefined {
  const plain = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');
  const exact = allowed.find((a) => plain(a) === plain(key));
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of allowed) {
    const d = editDistance(plain(key), plain(candidate));
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions and adjacent swaps each cost 1). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { rows[0]!.push(j); continue; }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]!.push(d);
    }
  }
  return rows[a.length]![b.length]!;
}
