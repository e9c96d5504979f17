// Rows named as the file's lines: the header is line 1, and blank lines, CRLF line ends and line breaks inside
// quoted fields count as an editor counts them; JSON records count from 1.
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { placeOfRow, RowError, withFilePlace } from '../../src/cli/lines';
import { temporaryFiles } from './run';

const tmp = temporaryFiles();

describe('placeOfRow', () => {
  it('counts blank lines, whitespace-only lines and quoted line breaks', async () => {
    const file = tmp('blank.csv');
    writeFileSync(file, '\n\na,b\n1,2\n\n  \n3,"x\ny"\n,\n5,6');
    // Lines: 3 header, 4 "1,2", 7-8 the quoted field, 9 a row of empty cells (skipped), 10 "5,6" (no final line end).
    expect(await Promise.all([0, 1, 2].map((row) => placeOfRow(file, row)))).toEqual(['line 4', 'line 7', 'line 10']);
  });

  it('counts CRLF line ends once', async () => {
    const file = tmp('crlf.csv');
    writeFileSync(file, 'a,b\r\n1,2\r\n3,"x\r\ny"\r\n5,6\r\n');
    expect(await Promise.all([0, 1, 2].map((row) => placeOfRow(file, row)))).toEqual(['line 2', 'line 3', 'line 5']);
  });

  it('counts the rows of a TSV file split on tabs, and JSON records from 1', async () => {
    writeFileSync(tmp('t.tsv'), 'a\tb\n1\t"2\n"\n3\t4\n');
    expect(await placeOfRow(tmp('t.tsv'), 1)).toBe('line 4');
    expect(await placeOfRow(tmp('r.json'), 0)).toBe('record 1');
  });
});

describe('withFilePlace', () => {
  it("rewrites a RowError and a reader's 0-based data row as the file's line", async () => {
    const file = tmp('w.csv');
    writeFileSync(file, 'a\n1\n2\n3\n');
    expect(((await withFilePlace(new RowError(1, 'column "a" is bad'), 'train', file, (row) => row + 1)) as Error).message)
      .toBe(`train: ${file} line 4: column "a" is bad`);
    const reader = new SyntaxError(`readTable: "${file}" row 0 (counting from 0 after the header) has 2 fields`);
    expect(((await withFilePlace(reader, 'train', file)) as Error).message).toBe(`readTable: "${file}" line 2 has 2 fields`);
    const other = new Error('something else');
    expect(await withFilePlace(other, 'train', file)).toBe(other);
  });
});
