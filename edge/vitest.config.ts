// Tests inside workerd (@cloudflare/vitest-pool-workers). Before they start, the packed library is installed into
// edge/node_modules (again only when the sources changed), and the smoke run in Node gives the result the Worker's
// must equal, passed to the tests with `provide`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { packedTarball, run } from '../tests/package/tarball.ts';
import type { SmokeResult } from '../tests/smoke/smoke.mjs';

const edge = fileURLToPath(new URL('.', import.meta.url));
const tarball = packedTarball();
const stamp = join(edge, 'node_modules', '.simdeep-tarball');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== tarball) {
  run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', tarball], edge);
  writeFileSync(stamp, tarball);
}
const nodeSmoke = JSON.parse(run(process.execPath, [join(edge, 'test', 'node-smoke.mjs')], edge)) as SmokeResult;

declare module 'vitest' {
  interface ProvidedContext {
    nodeSmoke: SmokeResult;
  }
}

export default defineConfig({
  root: edge,
  plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' }, miniflare: { cf: false } })],
  test: { include: ['test/**/*.test.ts'], provide: { nodeSmoke } },
});
