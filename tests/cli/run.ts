// Helpers of the command-line tests: run `simdeep` in-process through main(argv) and read what it printed; a
// temporary directory per test file; the fixtures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, vi } from 'vitest';
import { main } from '../../src/cli/main';

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
