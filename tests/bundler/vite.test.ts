// The packed library in a plain Vite app (tests/bundler/app), built twice: with Vite's defaults, which inline small
// assets, and with assetsInlineLimit 0. Each build is served with COOP/COEP headers and run in Debian's Chromium: a
// product against a plain loop, one split over two threads, a seeded XOR fit, and the data helpers.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { packedTarball, root, run } from '../package/tarball';
import { CHROMIUM_ARGS, serve } from '../page';


/** Builds the app into `out`; returns Vite's output (stdout and stderr). */
function viteBuild(app: string, out: string, env: Record<string, string>): string {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: app, encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production', OUT_DIR: out, ...env } });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`vite build failed:\n${output}`);
  return output;
}

test('a Vite app built from the packed library computes, trains and uses two threads in Chromium', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-vite-'));
  const app = join(dir, 'app');
  let server: Server | undefined;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    cpSync(join(import.meta.dirname, 'app'), app, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'vite-app', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', packedTarball()], app);

    const builds = { defaults: {}, 'no-inline': { ASSET_INLINE_LIMIT: '0' } };
    for (const [name, env] of Object.entries(builds)) {
      const output = viteBuild(app, join(app, 'out', name), env);
      // The library's Node-only imports are left to run time: Vite neither fails nor substitutes a browser stub.
      expect(output).not.toMatch(/error|externalized/i);
      // The wasm is inlined in the JavaScript and the pool worker is emitted as assets/worker-<hash>.js: no asset to resolve or serve.
      const files = readdirSync(join(app, 'out', name), { recursive: true, encoding: 'utf8' }).filter((f) => extname(f));
      expect([...new Set(files.map((f) => extname(f)))].sort()).toEqual(['.html', '.js']);
      // papaparse, imported by parseCsv with import(), is a chunk of its own that the page loads on the first parse.
      const scripts = files.filter((f) => extname(f) === '.js').map((f) => readFileSync(join(app, 'out', name, f), 'utf8'));
      expect(scripts.filter((code) => code.includes('IS_PAPA_WORKER'))).toHaveLength(1);
      expect(scripts.filter((code) => code.includes('inner sizes') && !code.includes('IS_PAPA_WORKER'))).toHaveLength(1);
    }

    server = await serve(join(app, 'out'));
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')),
      { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const page = context.pages()[0] ?? await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    for (const name of Object.keys(builds)) {
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}/`);
      await page.waitForFunction(() => 'result' in window, null, { timeout: 20_000 });
      const result = await page.evaluate(() => (window as unknown as { result: Record<string, any> }).result);
      expect(result.error, name).toBeUndefined();
      expect(result.crossOriginIsolated).toBe(true);
      expect(result.threads).toMatchObject({ active: 2, requested: 2, reason: '' });
      expect(result.exact).toEqual([[19, 22], [43, 50]]);
      // Fractions of the float32 error bound γₖ·Σ|a||b| (see productError in app/main.js).
      expect(result.smallError).toBeLessThanOrEqual(1);
      expect(result.largeError).toBeLessThanOrEqual(1);
      const loss: number[] = result.loss;
      expect(loss).toHaveLength(300);
      expect(loss[299]).toBeLessThan(loss[0] / 10);
      result.predictions.forEach((p: number, i: number) => expect(Math.abs(p - [0, 1, 1, 0][i]), `XOR row ${i}`).toBeLessThan(0.2));
      expect(result.records).toEqual([{ a: 1, b: 'x' }, { a: 2, b: null }]);
      expect(result.readCsvError).toMatch(/^readCsv: reading files needs Node's fs module/);
    }
    expect(errors).toEqual([]);
  } finally {
    await context?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
