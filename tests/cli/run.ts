// Helpers of the command-line tests: run `simdeep` in-process through main(argv) and read what it printed; a
// temporary directory per test file; the fixtures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { trainTestSplit } from '../../src/data/split';
import { dispose } from '../../src/memory';
import { tensor } from '../../src/tensor/create';
import type { Tensor } from '../../src/tensor/tensor';

export const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

/** A temporary directory removed after the test file; returns a function naming a file in it. */
export function temporaryFiles(): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}

/** Runs the command; returns its status and what it printed to stdout (console.log too) and stderr. */
export async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const write = (into: string[]) => (chunk: string | Uint8Array): boolean => (into.push(String(chunk)), true);
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(`${args.join(' ')}\n`)),
    vi.spyOn(process.stdout, 'write').mockImplementation(write(out) as typeof process.stdout.write),
    vi.spyOn(process.stderr, 'write').mockImplementation(write(err) as typeof process.stderr.write),
  ];
  try {
    return { status: await main(argv), out: out.join(''), err: err.join('') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

/** The numbers of the score table's row that starts with `label`. */
export function tableRow(out: string, label: string): number[] {
  const line = out.split('\n').find((l) => l.startsWith(label));
  expect(line, `a row starting with ${label}`).toBeDefined();
  return line!.slice(label.length).trim().split(/\s+/).map(Number);
}

export const csvRows = (csv: string): string[] => csv.trimEnd().split('\n');

/** Row indices `--test 0.2 --validation 0.2 --seed 1` hold out of n rows: the splits depend only on counts and seeds. */
export function heldOutRows(n: number): { test: number[]; validation: number[] } {
  const ids = (t: Tensor): number[] => (t.toArray() as number[][]).map(([i]) => i);
  const rows = tensor(Array.from({ length: n }, (_, i) => [i]));
  const held = trainTestSplit(rows, rows, { testSize: 0.2, seed: 1 });
  const rest = trainTestSplit(held.xTrain, held.yTrain, { testSize: 0.2, seed: 2 });
  const result = { test: ids(held.xTest), validation: ids(rest.xTest) };
  dispose([rows, held.xTrain, held.xTest, held.yTrain, held.yTest, rest.xTrain, rest.xTest, rest.yTrain, rest.yTest]);
  return result;
}
