// Queue workers as processes for the tests: a script bundled by esbuild (as tsup bundles dist/) with the search
// worker workerTrial.js beside it, into node_modules/.cache so that it imports bullmq and ioredis from there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { wasmTextEsbuild } from '../../scripts/wasm-text';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles `entry` (a path in the repository) as <dir>/<name>.js beside workerTrial.js; returns the script and a cleanup. */
export async function bundleScript(entry: string, name: string): Promise<{ script: string; remove: () => void }> {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'simdeep-queue-'));
  await build({ entryPoints: { [name]: join(root, entry), workerTrial: join(root, 'src', 'search', 'workerTrial.ts') }, bundle: true,
    format: 'esm', target: 'es2022', platform: 'node', outdir: dir, plugins: [wasmTextEsbuild], packages: 'external', logLevel: 'error' });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  return { script: join(dir, `${name}.js`), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A started process, with what it printed so far. */
export interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node script ...args`. */
export function startProcess(script: string, args: string[]): Started {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves once `ok()` holds (checked every 20 ms), or rejects after `ms`. */
export async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
