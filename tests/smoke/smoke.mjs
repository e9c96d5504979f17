// One smoke run of the public API that every runtime executes the same way (Node 20/22/24, Bun, Deno, Chromium,
// workerd): tensor ops, a small seeded fit, save and load, and a product and a fit large enough for the thread
// pool. It takes the library's namespace, so each runtime imports simdeep its own way, and returns the checks plus a
// digest of the float32 bits of every result: runs of the same kernel build give the same digest. The baseline SIMD
// build is forced (preferRelaxedSimd(false)) because engines without relaxed SIMD would otherwise use another GEMM.

/** Deterministic values in [-1, 1) (a linear congruential generator, so no runtime's Math.random is involved). */
function values(n, seed) {
  const out = new Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** FNV-1a over the bytes of float32 arrays, as 8 hex digits. */
function digestOf(arrays) {
  let h = 0x811c9dc5;
  for (const array of arrays) {
    const bytes = new Uint8Array(Float32Array.from(array).buffer);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Runs the smoke checks with `sd` (the simdeep namespace). `threads` asks for that many threads (where workers
 * exist). Resolves to { digest, checks, threads }: checks are named booleans that must all be true.
 */
export async function smoke(sd, { threads = 1 } = {}) {
  sd.preferRelaxedSimd(false);
  sd.seed(7);
  const live = sd.memory().numTensors;
  const results = [];
  const checks = {};

  // Tensor ops: matmul with odd sizes, broadcasting, reductions, softmax, transpose.
  const a = sd.tensor(values(17 * 33, 1), [17, 33]);
  const b = sd.tensor(values(33 * 7, 2), [33, 7]);
  const row = sd.tensor(values(7, 3), [7]);
  const product = sd.matmul(a, b);
  const shifted = sd.add(product, row);
  const soft = sd.softmax(shifted);
  const total = sd.sum(shifted, 0);
  const turned = sd.transpose(a);
  results.push(product.toArray().flat(), shifted.toArray().flat(), soft.toArray().flat(), total.toArray(), turned.toArray().flat());
  const reference = a.toArray().map((r) => b.toArray()[0].map((_, j) => r.reduce((acc, v, k) => acc + v * b.toArray()[k][j], 0)));
  checks.matmul = product.toArray().every((r, i) => r.every((v, j) => Math.abs(v - reference[i][j]) < 1e-4));
  checks.softmax = soft.toArray().every((r) => Math.abs(r.reduce((x, y) => x + y, 0) - 1) < 1e-5);
  [a, b, row, product, shifted, soft, total, turned].forEach((t) => t.dispose());

  // A small seeded fit: XOR with a 2-8-1 network.
  const x = sd.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = sd.tensor([[0], [1], [1], [0]]);
  const model = sd.sequential([
    sd.dense({ units: 8, activation: 'tanh', inputShape: [2], kernelInitializer: sd.initializers.glorotUniform({ seed: 1 }) }),
    sd.dense({ units: 1, activation: 'sigmoid', kernelInitializer: sd.initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: sd.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4, seed: 3 });
  const predicted = model.predict(x);
  const p = predicted.toArray().flat();
  results.push(history.history.loss, p);
  checks.fitLearns = history.history.loss.at(-1) < history.history.loss[0] / 4 && p[0] < 0.5 && p[1] > 0.5 && p[2] > 0.5 && p[3] < 0.5;

  // Save to bytes and load: the loaded model predicts the same bits.
  const bytes = await model.save();
  const loaded = await sd.loadModel(bytes);
  const again = loaded.predict(x);
  checks.saveLoad = again.toArray().flat().every((v, i) => Object.is(v, p[i]));
  [x, y, predicted, again].forEach((t) => t.dispose());
  model.dispose();
  loaded.dispose();

  // A product the thread pool splits (2·m·k·n above 2^23 flops): the same bits on any number of threads.
  await sd.setThreads(threads);
  const big = sd.tensor(values(256 * 128, 4), [256, 128]);
  const wide = sd.tensor(values(128 * 160, 5), [128, 160]);
  const many = sd.matmul(big, wide);
  const manyBits = many.toArray().flat();
  const info = { ...sd.threads() };
  await sd.setThreads(1);
  const one = sd.matmul(big, wide);
  checks.threadsSameBits = one.toArray().flat().every((v, i) => Object.is(v, manyBits[i]));
  results.push(manyBits);
  [big, wide, many, one].forEach((t) => t.dispose());

  // A seeded fit whose products the pool splits (256 samples × 256 inputs × 128 units): the same weights on the
  // requested threads and on one, and their bits join the digest.
  const fitX = sd.tensor(values(256 * 256, 6), [256, 256]);
  const fitY = sd.tensor(values(256 * 4, 7), [256, 4]);
  const fitWeights = async (n) => {
    await sd.setThreads(n);
    const net = sd.sequential([
      sd.dense({ units: 128, activation: 'relu', inputShape: [256], kernelInitializer: sd.initializers.heNormal({ seed: 4 }) }),
      sd.dense({ units: 4, kernelInitializer: sd.initializers.glorotUniform({ seed: 5 }) }),
    ]);
    net.compile({ optimizer: sd.adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
    await net.fit(fitX, fitY, { epochs: 3, batchSize: 256, seed: 6 });
    const weights = net.getWeights();
    const bits = weights.flatMap((w) => Array.from(w.dataSync()));
    weights.forEach((w) => w.dispose());
    net.dispose();
    return bits;
  };
  const fitMany = await fitWeights(threads);
  const fitOne = await fitWeights(1);
  checks.fitThreadsSameBits = fitOne.every((v, i) => Object.is(v, fitMany[i]));
  results.push(fitMany);
  [fitX, fitY].forEach((t) => t.dispose());
  checks.noLeaks = sd.memory().numTensors === live;

  return { digest: digestOf(results), checks, threads: info };
}
