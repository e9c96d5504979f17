// Searches that scale out: the earthquake example's random search (24 trials, seed 7; examples/earthquake-objective.mjs)
// with its trials on a BullMQ queue in a real redis-server, run by 1, 2 and 3 `simdeep worker` processes (one trial
// thread each) against the same search in worker threads of this process; the queue's cost per trial on an objective
// that returns at once; and how many epochs ASHA and Hyperband train to reach the random search's best validation
// loss. With SIMDEEP_BASELINE=<another build's dist/index.js>, that build's in-process parallel search runs beside.
// Run: npm run bench -- search
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as sd from 'simdeep';
import { median, table } from './harness.mjs';

const TRIALS = 24, SEED = 7, ROUNDS = 5;
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
  const version = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=([\d.]+)/)?.[1];
  return { url: `redis://127.0.0.1:${port}`, version, stop: () => { child.kill(); rmSync(dir, { recursive: true, force: true }); } };
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
async function timed(options, search = sd.randomSearch) {
  const t0 = performance.now();
  const result = await search({ space: searchSpace(), trials: TRIALS, seed: SEED, progress: false, ...options });
  return { seconds: (performance.now() - t0) / 1e3, result };
}

const epochsOf = (result) => result.trials.reduce((sum, t) => sum + (t.reports.at(-1)?.step ?? 0), 0);

/** Empties the queue `name` (jobs and results), so that a search run again on it runs its trials again. */
async function emptyQueue(url, name) {
  const { Queue } = await import('bullmq');
  const q = new Queue(name, { connection: { url } });
  await q.obliterate({ force: true });
  await q.close();
}

/**
 * The search on 1, 2 and 3 worker processes (each set on a queue of its own, started and warmed up by a short search
 * first, as long-running workers are) and in 1 and 2 threads of this process: ROUNDS rounds, each running every case
 * once, in an order that rotates from round to round; median seconds.
 */
async function scaling(redis) {
  console.log(`### ${TRIALS} trials on 1, 2 and 3 \`simdeep worker\` processes (one trial thread each), and in-process threads (parallel: N)\n`);
  const local = (await timed({ objective })).result;
  const same = (result) => JSON.stringify(result.trials.map((t) => [t.index, t.score])) === JSON.stringify(local.trials.map((t) => [t.index, t.score]));
  const stops = [];
  const cases = [];
  try {
    for (const count of [1, 2, 3]) {
      const name = `bench-${count}`;
      stops.push(await startWorkers(redis.url, name, count));
      const executor = sd.queue({ connection: redis.url, name });
      await sd.randomSearch({ space: { ...searchSpace(), epochs: 2 }, trials: 4 * count, seed: 99, progress: false, objective, executor });
      cases.push({ label: `queue, ${count} worker${count > 1 ? 's' : ''}`, key: count, before: () => emptyQueue(redis.url, name), options: { objective, executor } });
    }
    for (const threads of [1, 2]) cases.push({ label: `in-process, parallel: ${threads}`, key: `p${threads}`, before: () => undefined, options: { objective, parallel: threads } });
    // With SIMDEEP_BASELINE (another build's dist/index.js), that build's search runs the same parallel cases (its own
    // worker threads; the objective module trains with this build either way).
    const baseline = process.env.SIMDEEP_BASELINE ? await import(pathToFileURL(process.env.SIMDEEP_BASELINE).href) : undefined;
    const silent = { ...objective, export: 'silentObjective' }; // the baseline's objectives may have no `report`
    for (const threads of baseline ? [1, 2] : []) {
      cases.push({ label: `parallel: ${threads}, no reports`, key: `s${threads}`, before: () => undefined, options: { objective: silent, parallel: threads } });
      cases.push({ label: `before: parallel: ${threads}, no reports`, key: `b${threads}`, before: () => undefined, options: { objective: silent, parallel: threads }, search: baseline.randomSearch });
    }
    const times = cases.map(() => []), sameTrials = cases.map(() => true);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < cases.length; k++) {
        const c = (k + round) % cases.length;
        await cases[c].before();
        const { seconds, result } = await timed(cases[c].options, cases[c].search);
        times[c].push(seconds);
        sameTrials[c] &&= same(result);
      }
    }
    const med = Object.fromEntries(cases.map((c, i) => [c.key, median(times[i])]));
    const row = table([['run', 30], ['median s', 9], ['min s', 7], ['vs 1 worker', 12], ['trials/s', 9], ['same trials', 12]]);
    cases.forEach((c, i) => row([c.label, med[c.key].toFixed(2), Math.min(...times[i]).toFixed(2), `${(med[c.key] / med[1]).toFixed(2)}×`, (TRIALS / med[c.key]).toFixed(1), sameTrials[i] ? 'yes' : 'NO']));
    console.log(`\n(target: 2 workers ≤ 0.55× the wall time of 1: ${(med[2] / med[1]).toFixed(2)}×; ${ROUNDS} rounds; the machine has ${os.availableParallelism()} cores, so 3 workers share them)`);
    console.log(`queue over in-process threads, per trial: 1 worker vs parallel: 1 ${((med[1] - med.p1) / TRIALS * 1e3).toFixed(1)} ms, 2 vs 2 ${((med[2] - med.p2) / TRIALS * 1e3).toFixed(1)} ms`);
    console.log('(in-process threads start, import the module and prepare the data in every search; the workers did that once)');
    const lengths = [...local.trials].sort((a, b) => a.index - b.index).map((t) => t.seconds), total = lengths.reduce((a, b) => a + b, 0);
    const span = (k) => {
      const free = Array(k).fill(0); // each worker takes the next trial when it is free, in index order
      for (const t of lengths) free[free.indexOf(Math.min(...free))] += t;
      return Math.max(...free);
    };
    console.log(`the trials' own lengths (one by one here: ${total.toFixed(2)} s, the longest ${Math.max(...lengths).toFixed(3)} s) allow at best ${(span(2) / total).toFixed(2)}× with 2 workers and ${(span(3) / total).toFixed(2)}× with 3, taken in order`);
  } finally {
    for (const stop of stops) await stop();
  }
}

/** Two of the same search at once in two processes of their own (one by one, not on a queue), against one alone. */
async function together() {
  const script = `import * as sd from 'simdeep'; await sd.setThreads(1);
    const { searchSpace } = await import(${JSON.stringify(new URL('examples/earthquake.mjs', root).href)});
    const objective = { module: new URL(${JSON.stringify(objective.module.href)}) };
    await sd.randomSearch({ space: { ...searchSpace(), epochs: 2 }, trials: 2, seed: 9, progress: false, objective });
    const t0 = performance.now();
    await sd.randomSearch({ space: searchSpace(), trials: ${TRIALS}, seed: ${SEED}, progress: false, objective });
    console.log(performance.now() - t0);`;
  const once = () => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--input-type=module', '-e', script], { cwd: fileURLToPath(root), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('exit', (code) => (code === 0 ? resolve(Number(out) / 1e3) : reject(new Error(`exit ${code}`))));
  });
  const alone = [], pairs = [];
  for (let round = 0; round < ROUNDS; round++) {
    alone.push(await once());
    pairs.push(...(await Promise.all([once(), once()])));
  }
  console.log(`\nthe same search one by one in a process of its own: ${median(alone).toFixed(2)} s alone, ${median(pairs).toFixed(2)} s with another at once (${(median(pairs) / median(alone)).toFixed(2)}×): what two trials running at once cost each other on this machine`);
}

/** The queue's own cost per trial: an objective that returns at once, on 1 worker against 1 in-process thread. */
async function overhead(redis) {
  const n = 200, trivial = { module: new URL('bench/search-objective.mjs', root) };
  console.log(`\n### the queue's cost per trial: ${n} trials of an objective that returns at once\n`);
  const name = 'bench-overhead';
  const stop = await startWorkers(redis.url, name, 1);
  try {
    const executor = sd.queue({ connection: redis.url, name });
    const run = async (options) => (await timed({ space: { x: sd.uniform(0, 1) }, trials: n, objective: trivial, ...options })).seconds;
    await run({ executor, seed: 99 });
    const queueTimes = [], threadTimes = [];
    for (let round = 0; round < ROUNDS; round++) {
      await emptyQueue(redis.url, name);
      queueTimes.push(await run({ executor }));
      threadTimes.push(await run({ parallel: 1 }));
    }
    const q = median(queueTimes) / n * 1e3, p = median(threadTimes) / n * 1e3;
    const row = table([['run', 30], ['ms per trial', 13]]);
    row(['queue, 1 worker', q.toFixed(2)]);
    row(['in-process, parallel: 1', p.toFixed(2)]);
    console.log(`\nqueue over threads: ${(q - p).toFixed(2)} ms per trial (target ≤ 30 ms)`);
  } finally {
    await stop();
  }
}

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
    console.log(`redis-server ${redis.version} on ${redis.url} (no persistence); workers: ${process.execPath} ${process.execArgv.join(' ')} dist/cli.js worker\n`);
    await scaling(redis);
    await together();
    await overhead(redis);
    console.log();
  } finally {
    redis.stop();
  }
  await pruningTable();
}
