// Runs in the page: a product checked against a plain loop, one large enough for the thread pool, a small seeded fit
// of XOR, and the data helpers (parseCsv works, loading papaparse from its own chunk; readCsv, which needs Node's fs,
// says so). The whole namespace is imported, so every module of the library goes through the bundler. Results go to
// window.result and the page.
import * as sd from 'simdeep';

function values(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

// Largest error of an m×k by k×n product against a float64 loop, as a fraction of the float32 bound γₖ·Σ|a||b|,
// γₖ = k·u / (1 - k·u) with u = 2⁻²⁴ (any order of summation, with or without fused multiply-add, stays within it).
function productError(m, k, n) {
  const a = values(m * k, 1), b = values(k * n, 2);
  const got = sd.matmul(sd.tensor(a, [m, k]), sd.tensor(b, [k, n])).dataSync();
  const gamma = (k * 2 ** -24) / (1 - k * 2 ** -24);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        acc += a[i * k + p] * b[p * n + j];
        abs += Math.abs(a[i * k + p] * b[p * n + j]);
      }
      worst = Math.max(worst, Math.abs(got[i * n + j] - acc) / (gamma * abs));
    }
  }
  return worst;
}

async function main() {
  await sd.setThreads(2);
  const exact = sd.matmul(sd.tensor([[1, 2], [3, 4]]), sd.tensor([[5, 6], [7, 8]])).toArray();
  const smallError = productError(17, 33, 7);
  const largeError = productError(256, 256, 256); // 2·256³ flops: split over the pool

  const x = sd.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = sd.tensor([[0], [1], [1], [0]]);
  const model = sd.sequential([
    sd.dense({ units: 8, activation: 'tanh', inputShape: [2], kernelInitializer: sd.initializers.glorotUniform({ seed: 1 }) }),
    sd.dense({ units: 1, activation: 'sigmoid', kernelInitializer: sd.initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: sd.adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4, seed: 1 });
  const predictions = Array.from(model.predict(x).dataSync());

  const records = (await sd.parseCsv('a,b\n1,x\n2,\n')).toRecords();
  const readCsvError = await sd.readCsv('data.csv').then(() => 'resolved', (error) => String(error.message));

  return { crossOriginIsolated: globalThis.crossOriginIsolated, threads: sd.threads(), exact, smallError, largeError,
    loss: history.history.loss, predictions, records, readCsvError };
}

main().then((result) => {
  window.result = result;
  document.getElementById('out').textContent = JSON.stringify(result, null, 1);
}, (error) => {
  window.result = { error: String(error?.stack ?? error) };
  document.getElementById('out').textContent = window.result.error;
});
