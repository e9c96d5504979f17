// The page app of vite.test.ts (tests/bundler/app/main.js) bundled for the browser from the packed library by webpack,
// esbuild and Rollup, each served with COOP/COEP headers and run in Debian's Chromium, with nothing copied. webpack
// bundles the pool's worker (`new Worker(new URL('./worker.js', import.meta.url))`); esbuild and Rollup emit no
// workers, so the pool's workers run the page's own ES module bundle. Two threads run in each. An esbuild bundle that
// is not an ES module (IIFE) runs one thread, and threads().reason says why and what to do.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { rollup } from 'rollup';
import webpack from 'webpack';
import { expect, test } from 'vitest';
import { packedTarball, run } from '../package/tarball';
import { CHROMIUM_ARGS, serve } from '../page';

const page = (script: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><pre id="out">running…</pre>${script}</body></html>`;

test('webpack, esbuild and Rollup page bundles of the packed library run two threads in Chromium with nothing copied', async () => {
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

    for (const format of ['esm', 'iife'] as const) {
      const { warnings: esbuildWarnings } = await build({ entryPoints: [join(app, 'main.js')], bundle: true, platform: 'browser',
        format, target: 'es2022', splitting: format === 'esm', outdir: join(out, `esbuild-${format}`), logLevel: 'silent' });
      if (format === 'esm') expect(esbuildWarnings.map((w) => w.text)).toEqual([]);
      writeFileSync(join(out, `esbuild-${format}`, 'index.html'), page(`<script${format === 'esm' ? ' type="module"' : ''} src="./main.js"></script>`));
    }

    const rollupWarnings: string[] = [];
    const bundle = await rollup({ input: join(app, 'main.js'), plugins: [nodeResolve({ browser: true }), commonjs()],
      onwarn: (warning) => rollupWarnings.push(warning.message) });
    await bundle.write({ dir: join(out, 'rollup'), format: 'es', entryFileNames: 'main.js' });
    await bundle.close();
    expect(rollupWarnings).toEqual([]);
    writeFileSync(join(out, 'rollup', 'index.html'), page('<script type="module" src="./main.js"></script>'));
    for (const name of ['esbuild-esm', 'esbuild-iife', 'rollup']) {
      expect(readdirSync(join(out, name)).filter((f) => f.startsWith('worker')), name).toEqual([]);
    }

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

    for (const name of ['webpack', 'esbuild-esm', 'rollup']) {
      expect((await result(name)).threads, name).toMatchObject({ active: 2, requested: 2, reason: '' });
    }
    expect((await result('esbuild-iife')).threads).toMatchObject({ active: 1, requested: 2,
      reason: 'a worker failed to start: Error: simdeep worker: this bundle is not an ES module (import.meta.url is empty), so neither worker.js beside it nor the bundle itself can be started: bundle as an ES module (esbuild: --format=esm), or with Vite or webpack, which emit the worker' });
    expect(errorsSeen).toEqual([]);
  } finally {
    await context?.close();
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
