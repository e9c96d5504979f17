// Reduction throughput (one thread): sum over all elements of 1e6 and 1e7 values, sums over the rows and over the
// columns of a matrix, a long column sum, mean and max, in GB/s of input read. Run: npm run bench -- reduce
import { argmax, max, mean, randomUniform, sum } from 'simdeep';
import { fmt, table, timeInterleaved } from './harness.mjs';

// [name, shape, op, axis]
const CASES = [
  ['sum', [1e6], sum, undefined],
  ['sum', [1e7], sum, undefined],
  ['sum axis 0', [1000, 1000], sum, 0],
  ['sum axis 1', [1000, 1000], sum, 1],
  ['sum axis 0', [1e6, 3], sum, 0],
  ['sum axis 0', [3, 1e6], sum, 0],
  ['mean', [4000, 4000], mean, undefined],
  ['max', [1e7], max, undefined],
  ['argmax axis 1', [1000, 1000], argmax, 1],
];

export async function run() {
  console.log('reductions, one thread, float32 in wasm memory (median time per call)');
  const inputs = CASES.map(([, shape]) => randomUniform(shape, -1, 1, { seed: 1 }));
  const cases = CASES.map(([name, shape, op, axis], i) => ({
    name: `${name} ${shape.join('×')}`,
    run: () => op(inputs[i], axis).dispose(),
  }));
  const times = await timeInterleaved([{ cases }], { budgetMs: 2000, maxSamples: 61 });
  const row = table([['case', 22], ['ms', 9], ['GB/s', 7]]);
  cases.forEach((c, i) => {
    const t = times.get(c.name);
    row([c.name, (t * 1e3).toFixed(3), fmt((inputs[i].size * 4) / t / 1e9)]);
  });
  for (const x of inputs) x.dispose();
}
