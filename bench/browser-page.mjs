// The page of bench/browser.mjs: one case per page load (?case=…), so every case starts in a fresh renderer. It
// trains the MNIST 784-128-10 MLP (ReLU, softmax, Adam 0.001, batch 128, sparse categorical cross-entropy) on the
// digits the server sends (/data.bin: the n digits of bench/mnist.mjs; the first `train` to train on, from `held` on
// to test), one untimed warm-up epoch then the timed
// epochs, and hands the result to the bench through window.benchReport.
const HIDDEN = 128, CLASSES = 10, PIXELS = 784, BATCH = 128;

/** Loads classic scripts in order (the tfjs UMD bundles set globalThis.tf). */
async function scripts(...paths) {
  for (const src of paths) {
    await new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error(`bench page: ${src} did not load`));
      document.head.append(s);
    });
  }
}

/** The digits: a little-endian u32 count n, then n·784 pixels and n labels as f32. */
async function digits() {
  const buffer = await (await fetch('/data.bin')).arrayBuffer();
  const n = new Uint32Array(buffer, 0, 1)[0];
  return { n, x: new Float32Array(buffer, 4, n * PIXELS), labels: new Float32Array(buffer, 4 + 4 * n * PIXELS, n) };
}

/** Fraction of rows of `scores` (rows × 10) whose largest entry is at the label. */
function accuracy(scores, labels) {
  let right = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let j = 1; j < CLASSES; j++) if (scores[i * CLASSES + j] > scores[i * CLASSES + best]) best = j;
    right += best === labels[i];
  }
  return right / labels.length;
}

async function simdeep({ threads: count, dist = 'dist' }, data, { train, held, epochs }) {
  const sd = await import(`/${dist}/index.js`);
  await sd.setThreads(count);
  const info = sd.threads();
  const x = sd.tensor(data.x.subarray(0, train * PIXELS), [train, PIXELS]), y = sd.tensor(data.labels.subarray(0, train), [train]);
  const test = sd.tensor(data.x.subarray(held * PIXELS), [data.n - held, PIXELS]);
  const model = sd.sequential([
    sd.dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: sd.initializers.glorotUniform({ seed: 1 }) }),
    sd.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: sd.initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: sd.adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, seed: 1 });
  const t0 = performance.now();
  await model.fit(x, y, { epochs, batchSize: BATCH, shuffle: true, seed: 2 });
  const seconds = (performance.now() - t0) / 1e3;
  const scores = model.predict(test);
  const acc = accuracy(scores.dataSync(), data.labels.subarray(held));
  sd.dispose([x, y, test, scores]);
  model.dispose();
  return { seconds, accuracy: acc, threads: info.active, detail: `relaxed SIMD ${info.relaxedSimd}${info.reason ? `; ${info.reason}` : ''}` };
}

async function tfjs({ backend, threads: count, coresShown }, data, { train, held, epochs }) {
  // NOTE: tfjs-backend-wasm sizes XNNPACK's pool from min(asked, hardwareConcurrency / 2); `coresShown` lifts that cap.
  if (coresShown) Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => coresShown });
  await scripts('/tfjs/tf-core.js', '/tfjs/tf-layers.js', backend === 'wasm' ? '/tfjs/tf-backend-wasm.js' : '/tfjs/tf-backend-cpu.js');
  const tf = globalThis.tf;
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths('/tfjs/');
    tf.wasm.setThreadsCount(count);
  }
  await tf.setBackend(backend);
  tf.enableProdMode();
  const x = tf.tensor2d(data.x.subarray(0, train * PIXELS), [train, PIXELS]), y = tf.tensor1d(data.labels.subarray(0, train));
  const test = tf.tensor2d(data.x.subarray(held * PIXELS), [data.n - held, PIXELS]);
  const model = tf.sequential({ layers: [
    tf.layers.dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 });
  const t0 = performance.now();
  await model.fit(x, y, { epochs, batchSize: BATCH, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1e3;
  const acc = accuracy(tf.tidy(() => model.predict(test).dataSync()), data.labels.subarray(held));
  const used = backend === 'wasm' ? tf.wasm.getThreadsCount() : 1;
  tf.dispose([x, y, test]);
  model.dispose();
  const flag = (name) => tf.env().getBool(name);
  const detail = backend === 'wasm' ? `SIMD ${flag('WASM_HAS_SIMD_SUPPORT')}, multithreading ${flag('WASM_HAS_MULTITHREAD_SUPPORT')}` : 'plain JS';
  return { seconds, accuracy: acc, threads: used, detail };
}

const params = new URLSearchParams(location.search);
const spec = JSON.parse(params.get('case'));
const report = (result) => (globalThis.benchReport ? globalThis.benchReport(result) : console.log(JSON.stringify(result)));
const cores = navigator.hardwareConcurrency; // before a case changes what the page sees
try {
  const data = await digits();
  const result = await (spec.library === 'simdeep' ? simdeep : tfjs)(spec, data, spec);
  report({ ...result, samples: spec.train * spec.epochs, cores, isolated: crossOriginIsolated,
    userAgent: navigator.userAgent });
} catch (error) {
  report({ error: String(error?.stack ?? error) });
}
