// Element-wise math, one thread: exp, log, tanh, sigmoid, softplus and gelu on 1e6 float32 values, and softmax over
// the rows of 1000×1000; median ms per call and values per ns. Run: node bench/index.mjs math
//
// SIMDEEP_BASELINE=<path of another build's dist/index.js> adds that build, timed in this same process and
// interleaved with the current one sample by sample (ABAB, the order flipped every round). An op the baseline lacks is
// composed there from the ops it has, marked *: softplus as log(exp(x) + 1) (which overflows above x ≈ 88.7), gelu
// as Keras's tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
import os from 'node:os';
import * as sd from 'simdeep';
import { buildsToTime, fmt, otherCpu, table, timeInterleaved } from './harness.mjs';

const N = 1e6;
// [label, op name, input range]: log takes positive values; the others span where the approximations branch.
const COMPOSED = {
  softplus: (lib, x) => lib.tidy(() => lib.log(lib.add(lib.exp(x), 1))),
  gelu: (lib, x) => lib.tidy(() => lib.mul(lib.mul(x, 0.5), lib.add(lib.tanh(lib.mul(lib.add(x, lib.mul(lib.mul(lib.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))), 1))),
};
const CASES = [
  ['exp', 'exp', [-20, 20]],
  ['log', 'log', [1e-3, 1e3]],
  ['tanh', 'tanh', [-6, 6]],
  ['sigmoid', 'sigmoid', [-20, 20]],
  ['softplus', 'softplus', [-20, 20]],
  ['gelu', 'gelu', [-8, 8]],
  ['softmax 1000×1000', 'softmax', [-10, 10]],
];

/** Values spread over [lo, hi] from a fixed linear congruential sequence, the same for every build. */
function values(n, [lo, hi]) {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return out;
}

export async function run() {
  const { libs, before, path: baselinePath } = await buildsToTime(sd, 'now');

  console.log('## element-wise math, one thread (median ms per call over 1e6 values; ABAB between builds)\n');
  console.log(`now: the current build (dist/)${before ? `; before: ${baselinePath}` : ''}`);
  console.log(`load average 1/5/15 min at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);
  const load = otherCpu();
  const row = table([['op', 18], ['now ms', 8], ['values/ns', 9], ...(before ? [['before ms', 9], ['speed-up', 9]] : [])]);
  for (const [label, op, range] of CASES) {
    const data = values(N, range);
    const shape = op === 'softmax' ? [1000, 1000] : [N];
    const cases = [], inputs = [];
    let composed = false;
    for (const [name, lib] of libs) {
      const x = lib.tensor(data, shape);
      inputs.push(x);
      const fn = typeof lib[op] === 'function' ? lib[op] : COMPOSED[op] && ((t) => COMPOSED[op](lib, t));
      if (fn) cases.push({ name, run: () => fn(x).dispose() });
      if (typeof lib[op] !== 'function') composed = true;
    }
    const times = await timeInterleaved([{ cases }], { budgetMs: 1500, maxSamples: 41 });
    const now = times.get('now'), old = times.get('before');
    row([label, (now * 1e3).toFixed(3), fmt(N / now / 1e9), ...(before ? [old ? `${(old * 1e3).toFixed(3)}${composed ? '*' : ''}` : '', old ? `${(old / now).toFixed(2)}×` : ''] : [])]);
    for (const x of inputs) x.dispose();
  }
  console.log('\nspeed-up: time of the baseline over the current build\'s (above 1: faster now); *: composed from the baseline\'s ops');
  console.log(`other processes kept ${load().toFixed(2)} cores busy during the run; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
}
