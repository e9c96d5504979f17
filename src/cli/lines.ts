// Where a data row is in its file, as the user sees it in an editor: "line N" of a CSV or TSV file (the header is
// line 1; blank lines and quoted line breaks count), "record N" of a JSON array or GeoJSON collection (from 1).
import { readFile } from 'node:fs/promises';
import { loadPapaparse } from '../data/csv';

/** A bad value in row `row` of a table (counting from 0 after the header); the command names the file and line. */
export class RowError extends RangeError {
  constructor(readonly row: number, readonly detail: string) {
    super(`row ${row}: ${detail}`);
  }
}

const isDelimited = (path: string): boolean => /\.(csv|tsv)$/i.test(path);

/** The lines of `path` on which data rows start (index: the row counting from 0 after the header). */
async function rowLines(path: string): Promise<number[]> {
  const [Papa, text] = await Promise.all([loadPapaparse(), readFile(path, 'utf8')]);
  const lines: number[] = [];
  let line = 1, counted = 0;
  // NOTE: each step's cursor is just after its row's line break; the row starts as many line breaks earlier as its
  // fields hold. Rows as the reader parses them: blank lines skipped, the first row the header.
  Papa.parse<string[]>(text, {
    header: false, skipEmptyLines: 'greedy', delimiter: /\.tsv$/i.test(path) ? '\t' : undefined,
    step: (result) => {
      const end = text.charCodeAt(result.meta.cursor - 1) === 10 ? result.meta.cursor - 1 : result.meta.cursor;
      for (; counted < end; counted++) if (text.charCodeAt(counted) === 10) line++;
      const inside = result.data.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
      lines.push(line - inside);
    },
  });
  return lines.slice(1);
}

/** "line N" (CSV, TSV) or "record N" (JSON) of data row `row` of `path`. */
export async function placeOfRow(path: string, row: number): Promise<string> {
  if (!isDelimited(path)) return `record ${row + 1}`;
  const line = (await rowLines(path).catch(() => []))[row];
  return line === undefined ? `data row ${row + 1}` : `line ${line}`;
}

/**
 * The error as the command shows it: a RowError (its row mapped to the file's by `fileRow`) as `op: path line N:
 * detail`, and a reader's "row N (counting from 0 after the header)" as "line N". Other errors as they are.
 */
export async function withFilePlace(error: unknown, op: string, path: string, fileRow: (row: number) => number = (row) => row): Promise<unknown> {
  if (error instanceof RowError) return new RangeError(`${op}: ${path} ${await placeOfRow(path, fileRow(error.row))}: ${error.detail}`, { cause: error });
  const message = (error as Error | undefined)?.message;
  const counted = typeof message === 'string' ? / row (\d+) \(counting from 0 after the header\)/.exec(message) : null;
  if (!counted) return error;
  return reworded(error as Error, message!.replace(counted[0], ` ${await placeOfRow(path, Number(counted[1]))}`));
}

/** An error of the same name (RangeError, TypeError, ...) with a new message; the original as its cause. */
export function reworded(error: Error, message: string): Error {
  const copy = new Error(message, { cause: error });
  copy.name = error.name;
  return copy;
}
