// The tensor and neural-network suites in Debian's Chromium (vitest browser mode), as two projects: `isolated` serves
// the pages with COOP/COEP headers (workers share the wasm memory, so large products run on the thread pool), and
// `not-isolated` without them (simdeep runs on one thread and threads() says why).
// Run: vitest run --config vitest.browser.config.ts [--project isolated | --project not-isolated]
import { playwright } from '@vitest/browser-playwright';
import type { BrowserCommand } from 'vitest/node';
import { defineConfig } from 'vitest/config';
import { wasmTextVite } from './scripts/wasm-text';
import { workerFiles } from './vitest.config';
import type { SmokeResult } from './tests/smoke/smoke.mjs';
import { cars, mnistDigits, penguins } from './tests/compat/data.mjs';
import { readFileSync } from 'node:fs';

// NOTE: --js-flags=--expose-gc gives the page gc(), as --expose-gc does for Node (tests/memory.test.ts);
// --disable-dev-shm-usage because Debian's wrapper omits it when its /dev/shm check fails.
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--js-flags=--expose-gc'];

const nodeSmokes = new Map<number, Promise<SmokeResult>>();
let lastSmoke: Promise<unknown> = Promise.resolve();

/**
 * tests/smoke/smoke.mjs run in Node on src/ (through the project's Vite transform), once per thread count and one
 * run at a time (runs share the library's state), for the browsers to match.
 */
const smokeInNode: BrowserCommand<[threads: number], Promise<SmokeResult>> = ({ project }, threads) => {
  let run = nodeSmokes.get(threads);
  if (!run) {
    run = lastSmoke.catch(() => undefined).then(async () => {
      const [sd, { smoke }] = await Promise.all([project.import<object>('/src/index.ts'), import('./tests/smoke/smoke.mjs')]);
      return smoke(sd, { threads });
    });
    nodeSmokes.set(threads, run);
    lastSmoke = run;
  }
  return run;
};

/**
 * A TF.js program of examples/tfjs/ (its source text, for the page to change its import line) and its data as plain
 * arrays (the MNIST digits a small subset of the `mnist` package), for tests/browser/tfjs-programs.browser.test.ts.
 */
const tfjsProgram: BrowserCommand<[name: string, digits?: [number, number]], { source: string; data: unknown }> = (_, name, digits) => {
  const source = readFileSync(new URL(`./examples/tfjs/${name}.mjs`, import.meta.url), 'utf8');
  if (name === 'cars-regression') return { source, data: cars() };
  if (name === 'penguins') return { source, data: penguins() };
  if (!digits) return { source, data: null };
  const d = mnistDigits(digits[0], digits[1]);
  return { source, data: { ...d, trainImages: Array.from(d.trainImages), testImages: Array.from(d.testImages) } };
};

// The two projects differ only in the headers of the pages Vite serves and in what the tests are told to expect.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const project = (name: string, isolated: boolean) => ({
  extends: true as const,
  server: { headers: isolated ? isolation : {} },
  test: { name, provide: { isolated } },
});

// workerFiles: smokeInNode runs src/ in Node, whose workers are bundled as in vitest.config.ts; the pages' workers are
// Vite's (it serves src/runtime/worker.ts for new URL('./worker.js', import.meta.url)).
export default defineConfig({
  plugins: [wasmTextVite(), workerFiles()],
  test: {
    include: ['tests/tensor/**/*.test.ts', 'tests/ops/**/*.test.ts', 'tests/nn/**/*.test.ts', 'tests/memory.test.ts',
      'tests/autograd/**/*.test.ts', 'tests/optim/**/*.test.ts',
      'tests/browser/**/*.browser.test.ts', 'tests/reliability/longrun.test.ts'],
    exclude: ['tests/nn/save-file.test.ts', 'tests/nn/model-files.test.ts', 'tests/nn/batches-mnist.test.ts',
      'tests/nn/structure.test.ts', 'tests/nn/callbacks/model-checkpoint.test.ts', 'tests/nn/callbacks/csv-logger.test.ts', // node:fs
      'tests/nn/progress-bar.test.ts', // a pseudo-terminal and pipes
      'tests/search/queue.test.ts', 'tests/search/queue-worker.test.ts', 'tests/cli/worker.test.ts'], // redis-server and processes
    browser: {
      enabled: true,
      headless: true,
      instances: [{ browser: 'chromium' }],
      provider: playwright({ launchOptions: { executablePath: '/usr/bin/chromium', args } }),
      commands: { smokeInNode, tfjsProgram },
      screenshotFailures: false,
    },
    projects: [project('isolated', true), project('not-isolated', false)],
  },
});

declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether the project's pages are served with COOP/COEP headers. */
    isolated: boolean;
  }
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    smokeInNode: (threads: number) => Promise<SmokeResult>;
    tfjsProgram: (name: string, digits?: [number, number]) => Promise<{ source: string; data: unknown }>;
  }
}
