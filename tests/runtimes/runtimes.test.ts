// The smoke run (tests/smoke/smoke.mjs) in the machine's Node, Node 22 and 24, Bun and Deno, each importing the
// packed library by name from one project where the tarball is installed: every check passes, two threads run
// (worker_threads: Bun and Deno take the Node path, as they set process.versions.node) and the digests of the
// result bits are equal. Runtimes are installed on demand (install.ts); locally a failed install skips that
// runtime with the reason, under CI it fails.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packedTarball, PATH, root, run } from '../package/tarball';
import type { SmokeResult } from '../smoke/smoke.mjs';
import { installRuntime, RUNTIMES } from './install';

/** What run.mjs prints: the runtime, its version and the smoke result. */
interface RuntimeResult extends SmokeResult {
  runtime: string;
  version: string;
}

const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
let project = '';
let reference: RuntimeResult;

function smokeWith(binary: string, args: string[]): RuntimeResult {
  const out = execFileSync(binary, [...args, 'run.mjs'], {
    cwd: project, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH, DENO_NO_UPDATE_CHECK: '1', DO_NOT_TRACK: '1' },
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as RuntimeResult;
}

function expectPasses(result: RuntimeResult): void {
  expect(Object.keys(result.checks).length).toBeGreaterThan(0);
  expect(Object.entries(result.checks).filter(([, ok]) => !ok)).toEqual([]);
  expect(result.threads).toEqual({ active: 2, requested: 2, reason: '', relaxedSimd: false, gemm: 'baseline SIMD 4×8: preferRelaxedSimd(false)' });
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'simdeep-runtimes-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', '--no-audit', '--no-fund', packedTarball()], project);
  copyFileSync(join(root, 'tests', 'smoke', 'smoke.mjs'), join(project, 'smoke.mjs'));
  copyFileSync(join(import.meta.dirname, 'run.mjs'), join(project, 'run.mjs'));
  reference = smokeWith(process.execPath, []);
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

test(`the machine's Node (${process.version}) passes the smoke checks on two threads`, () => {
  expect(reference).toMatchObject({ runtime: 'node', version: process.versions.node });
  expectPasses(reference);
  expect(reference.digest).toMatch(/^[0-9a-f]{8}$/);
});

for (const spec of RUNTIMES) {
  test(`${spec.name} ${spec.version} gives the same digest as the machine's Node`, (context) => {
    let binary = '';
    try {
      binary = installRuntime(spec);
    } catch (error) {
      if (ci) throw error;
      const why = `${spec.name} ${spec.version} could not be installed, so it is not tested: ${(error as Error).message}`;
      console.warn(why);
      return context.skip(why);
    }
    const result = smokeWith(binary, spec.args);
    expect(result).toMatchObject({ runtime: spec.name, version: spec.version });
    expectPasses(result);
    expect(Object.keys(result.checks)).toEqual(Object.keys(reference.checks));
    expect(result.digest).toBe(reference.digest);
  }, 120_000);
}
