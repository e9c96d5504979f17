// MNIST MLP training in Debian's Chromium, cross-origin isolated: simdeep at 1 and 2 threads against TensorFlow.js
// (wasm backend at 1 thread and asked for 2, cpu backend on a short run). A node:http server on 127.0.0.1 sends
// dist/, the tfjs UMD bundles and .wasm files from node_modules, the digits of bench/mnist.mjs as one binary file and
// the page (bench/browser-page.mjs), all with COOP/COEP headers; playwright-core drives /usr/bin/chromium. Each case
// runs in a page of its own (a fresh renderer: tfjs fixes its thread count when its backend starts), the cases in
// alternating order over ROUNDS rounds; the table gives medians. BROWSER_ROUNDS and BROWSER_CASES (below) narrow a run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childrenCpuMs, endChildren, fmt, median, otherCpu, ratio, table } from './harness.mjs';
import { digits, PIXELS } from './mnist.mjs';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const ROUNDS = Number(process.env.BROWSER_ROUNDS ?? 3);
// BROWSER_CASES=simdeep,wasm runs only the cases whose names contain one of the words.
const ONLY = process.env.BROWSER_CASES?.split(',').filter(Boolean);
const TRAIN = 8192, HELD = 8192, EPOCHS = 2; // as bench/nn.mjs: 64 batches of 128, the rest held out
const CPU_TRAIN = 512; // tfjs-cpu trains about 100× slower: a short run
const CASE_MINUTES = 10; // a page that reports nothing by then fails the run

const CASES = [
  { name: 'simdeep 1 thread', library: 'simdeep', threads: 1 },
  { name: 'simdeep 2 threads', library: 'simdeep', threads: 2 },
  { name: 'tfjs-wasm 1 thread', library: 'tfjs', backend: 'wasm', threads: 1 },
  { name: 'tfjs-wasm asked 2', library: 'tfjs', backend: 'wasm', threads: 2 },
  // tfjs-backend-wasm caps its pool at hardwareConcurrency / 2: this page reports 4 cores to it.
  { name: 'tfjs-wasm 2, cap lifted', library: 'tfjs', backend: 'wasm', threads: 2, coresShown: 4 },
  { name: 'tfjs-cpu (short run)', library: 'tfjs', backend: 'cpu', threads: 1, train: CPU_TRAIN },
];
// SIMDEEP_BASELINE=<path of another build's dist/index.js> adds that build at 1 and 2 threads, served from /baseline/.
const BASELINE = process.env.SIMDEEP_BASELINE && dirname(resolve(process.env.SIMDEEP_BASELINE));
if (BASELINE) {
  CASES.splice(2, 0, { name: 'baseline 1 thread', library: 'simdeep', threads: 1, dist: 'baseline' },
    { name: 'baseline 2 threads', library: 'simdeep', threads: 2, dist: 'baseline' });
}
const RUN = CASES.filter((c) => !ONLY || ONLY.some((word) => c.name.includes(word)));

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tfjsDist = (name) => join(dirname(require.resolve(`@tensorflow/${name}/package.json`)), 'dist');
const TFJS = {
  'tf-core.js': join(tfjsDist('tfjs-core'), 'tf-core.es2017.min.js'),
  'tf-layers.js': join(tfjsDist('tfjs-layers'), 'tf-layers.es2017.min.js'),
  'tf-backend-wasm.js': join(tfjsDist('tfjs-backend-wasm'), 'tf-backend-wasm.es2017.min.js'),
  'tf-backend-cpu.js': join(tfjsDist('tfjs-backend-cpu'), 'tf-backend-cpu.es2017.min.js'),
};
for (const f of readdirSync(tfjsDist('tfjs-backend-wasm'))) {
  if (f.endsWith('.wasm')) TFJS[f] = join(tfjsDist('tfjs-backend-wasm'), f);
}
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
const PAGE = '<!doctype html><meta charset="utf-8"><title>simdeep browser bench</title>'
  + '<script type="module" src="/page.mjs"></script>';

/** The digits as the page reads them: a little-endian u32 count n, then n·784 pixels and n labels as f32. */
function dataFile(data) {
  const out = Buffer.alloc(4 + 4 * data.n * (PIXELS + 1));
  out.writeUInt32LE(data.n, 0);
  Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength).copy(out, 4);
  Buffer.from(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength).copy(out, 4 + 4 * data.n * PIXELS);
  return out;
}

/** The server on 127.0.0.1 (a free port): every response is cross-origin isolated (COOP, COEP, CORP). */
async function serve(data) {
  const files = (path) => {
    if (path === '/' || path === '/index.html') return Buffer.from(PAGE);
    if (path === '/page.mjs') return readFileSync(join(root, 'bench/browser-page.mjs'));
    if (path === '/data.bin') return data;
    if (path.startsWith('/tfjs/') && TFJS[path.slice(6)]) return readFileSync(TFJS[path.slice(6)]);
    if (/^\/dist\/[\w.-]+$/.test(path)) return readFileSync(join(root, path));
    if (BASELINE && /^\/baseline\/[\w.-]+$/.test(path)) return readFileSync(join(BASELINE, path.slice('/baseline/'.length)));
    return null;
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let body = null;
    try {
      body = files(path);
    } catch { /* missing file: 404 */ }
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream',
      'Cache-Control': 'no-store', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Runs one case in a new page and resolves with what the page reports, and the cores Chromium kept busy meanwhile. */
async function runCase(browser, url, spec) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cpu0 = childrenCpuMs(), t0 = performance.now();
  let timer;
  try {
    let report;
    const result = new Promise((resolve, reject) => {
      report = resolve;
      page.on('pageerror', (error) => reject(new Error(`${spec.name}: ${error.message}`)));
      page.on('crash', () => reject(new Error(`${spec.name}: the page crashed`)));
      timer = setTimeout(() => reject(new Error(`${spec.name}: no result after ${CASE_MINUTES} minutes`)), CASE_MINUTES * 60e3);
    });
    await page.exposeFunction('benchReport', (r) => report(r));
    const settings = { ...spec, train: spec.train ?? TRAIN, held: HELD, epochs: EPOCHS };
    await page.goto(`${url}?case=${encodeURIComponent(JSON.stringify(settings))}`);
    const r = await result;
    if (r.error) throw new Error(`${spec.name}: ${r.error}`);
    return { ...r, chromiumCores: (childrenCpuMs() - cpu0) / (performance.now() - t0) };
  } finally {
    clearTimeout(timer);
    await context.close();
  }
}

export async function run() {
  console.log(`## browser: MNIST MLP ${PIXELS}-128-10 training in Chromium, cross-origin isolated`);
  if (!existsSync(CHROMIUM)) {
    console.log(`skipped: ${CHROMIUM} is missing (Debian's chromium: scripts/install-test-packages.sh installs it)`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const loadBefore = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  const data = digits();
  const server = await serve(dataFile(data));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  const results = new Map(RUN.map((c) => [c.name, []]));
  let first;
  const load = otherCpu(); // Chromium is this process's child: its CPU counts as the bench's
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating order, each round rotated by one, so that no case always follows the same one.
      const order = RUN.map((_, i) => RUN[(i + round) % RUN.length]);
      if (round % 2) order.reverse();
      for (const spec of order) {
        const r = await runCase(browser, url, spec);
        first ??= r;
        results.get(spec.name).push(r);
      }
    }
  } finally {
    await endChildren(() => browser.close());
    server.close();
  }
  const used = load();

  console.log(`data: ${data.source}; ${TRAIN} train (tfjs-cpu: ${CPU_TRAIN}), ${data.n - HELD} held out`);
  console.log(`${first.userAgent}; navigator.hardwareConcurrency ${first.cores}, crossOriginIsolated ${first.isolated}\n`);
  const rate = (name) => (results.has(name) ? median(results.get(name).map((r) => r.samples / r.seconds)) : undefined);
  const sd1 = rate('simdeep 1 thread');
  const row = table([['case', 23], ['threads used', 12], ['samples/s', 9], ['each round', 26], ['simdeep 1T ÷ this', 17],
    ['held-out acc', 12], ['Chromium cores', 14]]);
  for (const c of RUN) {
    const rs = results.get(c.name), each = (f) => rs.map(f);
    row([c.name, [...new Set(each((r) => r.threads))].join(','), fmt(rate(c.name)), each((r) => fmt(r.samples / r.seconds)).join(' '),
      ratio(sd1, rate(c.name)), `${(100 * median(each((r) => r.accuracy))).toFixed(1)}%`, median(each((r) => r.chromiumCores)).toFixed(2)]);
  }
  const best = (prefix) => Math.max(0, ...RUN.filter((c) => c.name.startsWith(prefix)).map((c) => rate(c.name)));
  console.log(`\nsimdeep 2T ÷ 1T: ${ratio(rate('simdeep 2 threads'), sd1)}; ` +
    `simdeep 1T ÷ tfjs-wasm 1T: ${ratio(sd1, rate('tfjs-wasm 1 thread'))}; ` +
    `simdeep best ÷ tfjs-wasm best: ${ratio(best('simdeep'), best('tfjs-wasm'))}`);
  console.log(`samples/s: ${EPOCHS} epochs of one fit call after 1 untimed warm-up epoch, in a fresh page per case; ` +
    `median of ${ROUNDS} rounds`);
  console.log('(cases alternate in order). threads used: simdeep threads().active, tfjs-wasm getThreadsCount(). Chromium cores:');
  console.log('its CPU time over the wall time of the page (load, warm-up and the timed epochs).');
  for (const c of RUN) console.log(`${c.name}: ${results.get(c.name)[0].detail}`);
  if (BASELINE) console.log(`baseline: the build in ${BASELINE}`);
  console.log(`held-out acc: on the ${data.n - HELD} held-out digits after the ${EPOCHS + 1} epochs. ` +
    `Load average 1/5/15 min before: ${loadBefore};`);
  console.log(`other processes (Chromium excluded) used ${used.toFixed(2)} of ${os.availableParallelism()} cores meanwhile.`);
}
