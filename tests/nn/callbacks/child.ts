// Programs run in a process of their own (to kill them, or to give them a terminal): the library bundled by esbuild
// as tsup bundles it (kernels inlined), into node_modules/.cache, and a program that imports it.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { wasmTextEsbuild } from '../../../scripts/wasm-text';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** A temporary directory (removed after the suite) and the bundled library's URL, made before the suite's tests. */
export function childSetup(): { dir: () => string; library: () => string } {
  let dir = '', library = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'simdeep-callbacks-'));
    library = join(root, 'node_modules', '.cache', 'simdeep-callbacks-test', `lib-${process.pid}-${Math.floor(Math.random() * 1e9)}.mjs`);
    mkdirSync(join(library, '..'), { recursive: true });
    await build({ entryPoints: [join(root, 'src', 'index.ts')], outfile: library, bundle: true, format: 'esm', platform: 'node', target: 'es2022',
      packages: 'external', plugins: [wasmTextEsbuild], logLevel: 'error' });
  }, 60_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(library, { force: true });
  });
  return { dir: () => dir, library: () => pathToFileURL(library).href };
}

/** Writes `code` as an .mjs program in `dir` (the library's exports imported as `lib`); returns its path. */
export function writeProgram(dir: string, library: string, name: string, code: string): string {
  const path = join(dir, name);
  writeFileSync(path, `import * as lib from ${JSON.stringify(library)};\n${code}\n`);
  return path;
}

/** Runs a command to its end; resolves to its status and output. */
export function runCommand(command: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '', err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
  });
}
