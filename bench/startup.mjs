// Start-up in Node: the wall time from spawning `node` to its exit right after the first matrix product's values
// are read, minus that of an empty `node -e 0`. Runs alternate between the cases (rotating the order each round)
// and the median is kept. TensorFlow.js's wasm backend is timed the same way when installed, and with
// SIMDEEP_BASELINE=<another build's dist/index.js>, that build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { fmt, median, ratio, table } from './harness.mjs';

const require = createRequire(import.meta.url);
const root = new URL('../', import.meta.url).pathname;
const ROUNDS = 31;
const TARGET_MS = 25;

// Each case prints the product's first value (19) and exits at once.
const SIMDEEP = `import { matmul, tensor } from 'simdeep';
const c = matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
process.stdout.write(String(c.dataSync()[0])); process.exit(0);`;
const TFJS = `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm');
const c = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]]));
process.stdout.write(String(c.dataSync()[0])); process.exit(0);`;

const CASES = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'simdeep', args: ['--input-type=module', '-e', SIMDEEP], expect: '19' },
  // Node 20 needs the flag to validate relaxed SIMD (then the second module is compiled too); Node 22+ validates it
  // by default, so the plain case above compiles both, and rejects the flag as a bad option.
  ...(Number(process.versions.node.split('.')[0]) < 22
    ? [{ name: 'simdeep, relaxed SIMD on', args: ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', SIMDEEP], expect: '19' }] : []),
  { name: 'tfjs-wasm', args: ['--input-type=module', '-e', TFJS], expect: '19', peer: '@tensorflow/tfjs-backend-wasm' },
  // SIMDEEP_BASELINE=<another build's dist/index.js>: that build, timed in the same rounds.
  ...(process.env.SIMDEEP_BASELINE
    ? [{ name: 'simdeep baseline build', args: ['--input-type=module', '-e', SIMDEEP.replace("'simdeep'", JSON.stringify(pathToFileURL(process.env.SIMDEEP_BASELINE).href))], expect: '19' }] : []),
];

function time(c) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  const ms = performance.now() - t0;
  if (r.status !== 0 || (c.expect && r.stdout.trim().slice(-c.expect.length) !== c.expect)) {
    throw new Error(`startup: ${c.name} failed (status ${r.status}): ${(r.stdout + r.stderr).slice(-500)}`);
  }
  return ms;
}

const installed = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

export async function run() {
  console.log(`Start-up in Node ${process.version}: spawn to the first matmul result, median of ${ROUNDS} alternating runs;`);
  console.log(`"beyond node" subtracts an empty node -e 0. Target for simdeep: ≤ ${TARGET_MS} ms beyond node.`);
  const cases = CASES.filter((c) => !c.peer || installed(c.peer));
  const samples = new Map(cases.map((c) => [c, []]));
  for (const c of cases) time(c); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length];
      samples.get(c).push(time(c));
    }
  }
  const base = median(samples.get(cases[0]));
  const beyond = new Map(cases.map((c) => [c.name, median(samples.get(c)) - base]));
  const row = table([['case', 26], ['total ms', 9], ['beyond node', 12], ['vs simdeep', 11]]);
  for (const c of cases) {
    const ms = beyond.get(c.name);
    row([c.name, fmt(median(samples.get(c))), c === cases[0] ? '' : fmt(ms), c.name === 'tfjs-wasm' ? ratio(ms, beyond.get('simdeep')) : '']);
  }
  if (cases.length < CASES.length) console.log('(@tensorflow/tfjs-backend-wasm not installed: no comparison)');
  console.log('(the spawned processes count as this run\'s own CPU, not among "other processes", in the load figure below)');
}
