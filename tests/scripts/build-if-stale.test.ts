// scripts/build-if-stale.mjs, which the demo and the examples run first: a build only when dist/ is missing or
// older than a file in src/, assembly/ or a build configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/build-if-stale.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'simdeep-stale-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a file of the fake package with its modification time `minutes` after a fixed hour. */
function file(path: string, minutes: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), '');
  const time = new Date(Date.UTC(2026, 0, 1, 12, minutes));
  utimesSync(join(root, path), time, time);
}

const verdict = (): string => execFileSync(process.execPath, [script, '--dry-run'], { cwd: root, encoding: 'utf8' }).trim();

describe('build-if-stale', () => {
  it('builds when dist/ is missing, skips while dist/ is newer than every source, builds again after an edit', () => {
    file('src/index.ts', 0);
    file('assembly/gemm.ts', 0);
    file('package.json', 0);
    expect(verdict()).toBe('build needed: dist/ is missing or empty');
    file('dist/index.js', 10);
    file('dist/cli.js', 11);
    expect(verdict()).toBe('dist/ is up to date');
    file('assembly/gemm.ts', 20);
    expect(verdict()).toBe('build needed: assembly/gemm.ts is newer than dist/');
    file('dist/index.js', 30);
    file('dist/cli.js', 30);
    file('tsup.config.ts', 40);
    expect(verdict()).toBe('build needed: tsup.config.ts is newer than dist/');
    file('dist/index.js', 50);
    file('dist/cli.js', 50);
    file('src/cli/deep/inside.ts', 45);
    expect(verdict()).toBe('dist/ is up to date');
    file('dist/cli.js', 44); // an older built file counts: the newest source must be older than every built file
    expect(verdict()).toBe('build needed: src/cli/deep/inside.ts is newer than dist/');
  });

  it('runs before the demo and each example instead of an unconditional build', () => {
    const scripts = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts as Record<string, string>;
    const runners = Object.entries(scripts).filter(([name]) => name === 'demo' || name.startsWith('example:'));
    expect(runners.map(([name]) => name)).toEqual(['demo', 'example:earthquake', 'example:tensors', 'example:classic', 'example:mnist', 'example:mnist-cnn', 'example:movie-genres', 'example:autograd', 'example:earthquake-quantiles']);
    for (const [, command] of runners) expect(command).toMatch(/^node scripts\/build-if-stale\.mjs && node examples\/[\w-]+\.mjs$/);
  });
});
