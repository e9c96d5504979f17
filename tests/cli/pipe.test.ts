// `simdeep train ... | head`: the reader closes the pipe after the first line. The command ends its output
// quietly (no EPIPE stack trace, status 0) and still saves the model, leaving no temporary file. Runs the command as
// a process: src/cli/bin.ts bundled by esbuild as tsup bundles dist/cli.js (kernels inlined, packages imported from
// node_modules), into node_modules/.cache so that it finds them and the package.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmTextEsbuild } from '../../scripts/wasm-text';
import { loadCliModel } from '../../src/cli/files';
import { fixture, temporaryFiles } from './run';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'node_modules', '.cache', 'simdeep-cli-test', `cli-${process.pid}.mjs`);
const tmp = temporaryFiles();

beforeAll(async () => {
  mkdirSync(join(cli, '..'), { recursive: true });
  await build({ entryPoints: [join(root, 'src', 'cli', 'bin.ts')], outfile: cli, bundle: true, format: 'esm', platform: 'node', target: 'es2022',
    packages: 'external', plugins: [wasmTextEsbuild], logLevel: 'error' });
}, 60_000);
afterAll(() => rmSync(cli, { force: true }));

/** Runs the built command, closing its stdout after the first line; resolves to its status and stderr. */
function runClosingAfterFirstLine(args: string[]): Promise<{ status: number | null; err: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let first = '', err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      first += chunk.toString();
      if (first.includes('\n')) child.stdout.destroy(); // as `head -1` does
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, err, first: first.split('\n')[0] }));
  });
}

describe('simdeep with stdout closed early', () => {
  it('train ends its output quietly and saves the model', async () => {
    const model = tmp('piped.json');
    const { status, err, first } = await runClosingAfterFirstLine(['train', fixture('houses.csv'), '--target', 'y', '--epochs', '30', '--out', model]);
    expect(first).toMatch(/houses\.csv: 60 rows; target y/);
    expect([status, err]).toEqual([0, '']);
    expect(readdirSync(tmp('.')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const saved = await loadCliModel(model);
    expect(saved.metadata?.settings).toMatchObject({ epochs: 30 });
    saved.dispose();
  }, 30_000);

  it('predict ends its output quietly', async () => {
    // 20,000 rows: more output than a pipe holds, so writes go on after the reader has gone.
    const rows = Array.from({ length: 20_000 }, (_, i) => `${50 + (i % 90)},${1 + (i % 5)},${['north', 'south', 'east'][i % 3]},${i % 30}`);
    writeFileSync(tmp('many.csv'), `area,rooms,city,age\n${rows.join('\n')}\n`);
    const { status, err, first } = await runClosingAfterFirstLine(['predict', tmp('piped.json'), tmp('many.csv')]);
    expect(first).toBe('y');
    expect([status, err]).toEqual([0, '']);
  }, 30_000);
});
