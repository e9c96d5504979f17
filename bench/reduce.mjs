// Reductions, one thread, side by side with tfjs (wasm and cpu backends): sums over all elements of 1e6 and 1e7
// values, over the rows and the columns of a matrix, long column sums, mean, max and argmax; median time per call
// and GB/s of input read; then the relative error of each implementation's sum of 1e7 × 0.1 (float32) against the
// float64 value. Run: npm run bench -- reduce
//
// SIMDEEP_BASELINE=<path of another build's dist/index.js> adds that build as a column, timed in this same process
// and interleaved with the current one (before/after figures for a kernel change).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { pathToFileURL } from 'node:url';
import * as sd from 'simdeep';
import { fmt, otherCpu, ratio, table, timeInterleaved } from './harness.mjs';

// [name, shape, op, axis]; op is the name of the simdeep function and of its tfjs counterpart.
const CASES = [
  ['sum', [1e6], 'sum', undefined],
  ['sum', [1e7], 'sum', undefined],
  ['sum axis 0', [1000, 1000], 'sum', 0],
  ['sum axis 1', [1000, 1000], 'sum', 1],
  ['sum axis 0', [1e6, 3], 'sum', 0],
  ['sum axis 0', [3, 1e6], 'sum', 0],
  ['mean', [4000, 4000], 'mean', undefined],
  ['max', [1e7], 'max', undefined],
  ['argmax axis 1', [1000, 1000], 'argMax', 1],
];

/** Uniform values in [-1, 1) from a fixed linear congruential sequence, the same for every implementation. */
function values(size) {
  const out = new Float32Array(size);
  let s = 12345;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** The simdeep call of a case (simdeep names argMax argmax). */
const simdeepOp = (lib, op) => lib[op === 'argMax' ? 'argmax' : op];

export async function run() {
  tf.enableProdMode();
  await sd.setThreads(1);
  const baselinePath = process.env.SIMDEEP_BASELINE;
  const before = baselinePath ? await import(pathToFileURL(baselinePath).href) : undefined;
  if (before) await before.setThreads(1);
  const libs = [['simdeep', sd], ...(before ? [['before', before]] : [])];

  const data = CASES.map(([, shape]) => values(shape.reduce((a, b) => a * b, 1)));
  const inputs = new Map(libs.map(([name, lib]) => [name, CASES.map(([, shape], i) => lib.tensor(data[i], shape))]));
  const onTf = async (backend) => {
    await tf.setBackend(backend);
    return CASES.map(([, shape], i) => tf.tensor(data[i], shape));
  };
  const tfWasm = await onTf('wasm'), tfCpu = await onTf('cpu');

  const load = otherCpu();
  const rows = [];
  for (let i = 0; i < CASES.length; i++) {
    const [name, shape, op, axis] = CASES[i];
    const own = (lib) => libs.map(([label, l]) => ({ name: label, run: () => simdeepOp(l, op)(inputs.get(label)[i], axis).dispose() }));
    const tfCase = (label, x) => ({ name: label, run: () => tf.tidy(() => { tf[op](x, axis).dataSync(); }) });
    const times = await timeInterleaved([
      { cases: own() },
      { setup: () => tf.setBackend('wasm'), cases: [tfCase('tfjs-wasm', tfWasm[i])] },
      { setup: () => tf.setBackend('cpu'), cases: [tfCase('tfjs-cpu', tfCpu[i])] },
    ], { budgetMs: 1500, maxSamples: 41 });
    rows.push([`${name} ${shape.join('×')}`, data[i].length * 4, times]);
  }

  console.log('## reductions, one thread (median ms per call; GB/s of input read)\n');
  console.log(`simdeep ${before ? `(current) and before (${baselinePath})` : ''}; tfjs-wasm: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}; tfjs-cpu: plain JS`);
  const row = table([['case', 22], ['simdeep', 8], ['GB/s', 6], ...(before ? [['before', 8], ['now/before', 10]] : []),
    ['tf-wasm', 8], ['tf-cpu', 8], ['sd/tf-wasm', 10]]);
  for (const [label, bytes, t] of rows) {
    const ms = (name) => t.get(name) * 1e3;
    row([label, ms('simdeep').toFixed(3), fmt(bytes / t.get('simdeep') / 1e9),
      ...(before ? [ms('before').toFixed(3), `${(ms('simdeep') / ms('before')).toFixed(2)}×`] : []),
      ms('tfjs-wasm').toFixed(3), ms('tfjs-cpu').toFixed(3), ratio(t.get('tfjs-wasm'), t.get('simdeep'))]);
  }
  console.log('\nnow/before: time of the current build over the baseline\'s (below 1: faster); sd/tf-wasm: how many times faster simdeep is');

  // Accuracy: the sum of 1e7 float32 values 0.1 against its float64 value 1e7·f32(0.1).
  const exact = 1e7 * Math.fround(0.1);
  const relative = (got) => Math.abs(got - exact) / exact;
  const errors = libs.map(([label, lib]) => {
    const x = lib.full([1e7], 0.1), s = lib.sum(x), v = s.item();
    lib.dispose([x, s]);
    return [label, relative(v)];
  });
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    errors.push([`tfjs-${backend}`, relative(tf.tidy(() => tf.sum(tf.fill([1e7], 0.1)).dataSync()[0]))]);
  }
  console.log(`relative error of sum(1e7 × 0.1): ${errors.map(([label, e]) => `${label} ${e.toExponential(2)}`).join(', ')}`);
  console.log(`other processes kept ${load().toFixed(2)} cores busy during the run`);
  for (const list of inputs.values()) for (const x of list) x.dispose();
  tf.dispose([...tfWasm, ...tfCpu]);
}
