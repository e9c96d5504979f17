// A Node app that imports simdeep from its node_modules, for esbuild, webpack and Rollup to bundle
// (tests/bundler/node-bundles.test.ts): what threads() says before the pool starts and after setThreads(2), and a
// product split over the two threads checked element by element against a plain loop (small integers, so the
// float32 result is exact). The whole namespace is imported, so every module of the library goes through the bundler.
import * as sd from 'simdeep';

function integers(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 28) - 8;
  }
  return out;
}

async function main() {
  const before = sd.threads();
  await sd.setThreads(2);
  const after = sd.threads();
  const m = 256, k = 256, n = 256; // 2·256³ flops: split over the pool
  const a = integers(m * k, 1), b = integers(k * n, 2);
  const got = sd.matmul(sd.tensor(a, [m, k]), sd.tensor(b, [k, n])).dataSync();
  let wrong = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += a[i * k + p] * b[p * n + j];
      if (got[i * n + j] !== acc) wrong++;
    }
  }
  console.log(JSON.stringify({ before, after, wrong, last: sd.threads() }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
