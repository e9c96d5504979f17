// The page app of vite.test.ts (tests/bundler/app/main.js) bundled for the browser by webpack and by esbuild from the
// packed library, each served with COOP/COEP headers and run in Debian's Chromium. webpack bundles the pool's
// worker (`new Worker(new URL('./worker.js', import.meta.url))`), so two threads run. esbuild emits no workers: the
// page runs on one thread and threads().reason says which file to copy where; once copied there, two threads run.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import webpack from 'webpack';
import { expect, test } from 'vitest';
import { packedTarball, run } from '../package/tarball';
import { CHROMIUM_ARGS, serve } from '../page';

const page = (script: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><pre id="out">running…</pre>${script}</body></html>`;

test('webpack and esbuild page bundles of the packed library: threads in Chromium, or the file to copy', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-browser-bundles-'));
  const app = join(dir, 'app'), out = join(dir, 'out');
  let server: Server | undefined;
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    cpSync(join(import.meta.dirname, 'app', 'main.js'), join(app, 'main.js'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'page-app', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', packedTarball()], app);

    const stats = await new Promise<webpack.Stats>((resolve, reject) => webpack({ mode: 'production', target: 'web', context: app,
      entry: './main.js', optimization: { minimize: false }, performance: { hints: false },
      output: { path: join(out, 'webpack'), filename: 'main.js', publicPath: '' } },
    (error, result) => (error || !result ? reject(error ?? new Error('webpack gave no stats')) : resolve(result))));
    const { errors = [], warnings = [] } = stats.toJson({ all: false, errors: true, warnings: true });
    expect([...errors, ...warnings].map((e) => e.message)).toEqual([]);
    writeFileSync(join(out, 'webpack', 'index.html'), page('<script src="./main.js"></script>'));

    const { warnings: esbuildWarnings } = await build({ entryPoints: [join(app, 'main.js')], bundle: true, platform: 'browser',
      format: 'esm', target: 'es2022', splitting: true, outdir: join(out, 'esbuild'), logLevel: 'silent' });
    expect(esbuildWarnings.map((w) => w.text)).toEqual([]);
    expect(readdirSync(join(out, 'esbuild')).filter((f) => f.startsWith('worker'))).toEqual([]);
    writeFileSync(join(out, 'esbuild', 'index.html'), page('<script type="module" src="./main.js"></script>'));

    server = await serve(out);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')),
      { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const tab = context.pages()[0] ?? await context.newPage();
    const errorsSeen: string[] = [];
    tab.on('pageerror', (error) => errorsSeen.push(String(error)));
    const result = async (name: string): Promise<Record<string, any>> => {
      await tab.goto(`${origin}/${name}/`);
      await tab.waitForFunction(() => 'result' in window, null, { timeout: 30_000 });
      const got = await tab.evaluate(() => (window as unknown as { result: Record<string, any> }).result);
      expect(got.error, name).toBeUndefined();
      expect(got.exact, name).toEqual([[19, 22], [43, 50]]);
      expect(got.largeError, name).toBeLessThanOrEqual(1);
      return got;
    };

    expect((await result('webpack')).threads).toMatchObject({ active: 2, requested: 2, reason: '' });
    expect((await result('esbuild')).threads).toMatchObject({ active: 1, requested: 2,
      reason: `a worker failed to start: Error: simdeep worker ${origin}/esbuild/worker.js did not load; copy node_modules/simdeep/dist/worker.js to ${origin}/esbuild/worker.js (a bundler that emits no workers, such as esbuild, leaves it out)` });
    cpSync(join(app, 'node_modules', 'simdeep', 'dist', 'worker.js'), join(out, 'esbuild', 'worker.js'));
    expect((await result('esbuild')).threads).toMatchObject({ active: 2, requested: 2, reason: '' });
    expect(errorsSeen).toEqual([]);
  } finally {
    await context?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
