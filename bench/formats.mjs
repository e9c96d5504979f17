// Models from other libraries, served here: a CNN built and trained in TF.js (tfjs-layers, cpu backend), saved in
// TF.js's layers format, loaded by simdeep and by TF.js itself (wasm and cpu backends), and the same model exported by
// simdeep as ONNX and run by onnxruntime-web (wasm, one thread). Prints the predictions' agreement (the bench stops
// beyond TOLERANCE), the time to load the files, and predict at batch 1 and 64 side by side in one process.
// Run: npm run bench -- formats.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-web';
import { loadModel, memory, setThreads, tensor } from 'simdeep';
import { fmt, median, otherCpu, quantile, sampleInterleaved, table } from './harness.mjs';
import { digits, PIXELS } from './mnist.mjs';

const TRAIN = 256, BATCHES = [1, 64], CHECK_ROWS = 256;
const TOLERANCE = 1e-5; // max |Δ| of any library's probabilities from simdeep's
const TIMING = { budgetMs: 1500, minSamples: 5, maxSamples: 41, sampleMs: 10, warmMs: 200 };
const LOADS = 15;

/** The CNN of TF.js's "handwritten digit recognition with CNNs" tutorial, trained one epoch here on the cpu backend. */
async function tfjsTrained(data) {
  await tf.setBackend('cpu');
  const model = tfl.sequential({ layers: [
    tfl.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
    tfl.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
    tfl.layers.conv2d({ kernelSize: 5, filters: 16, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    tfl.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.tensor4d(data.x.subarray(0, TRAIN * PIXELS), [TRAIN, 28, 28, 1]), y = tf.tensor1d(data.labels.subarray(0, TRAIN));
  await model.fit(x, y, { epochs: 1, batchSize: 64, shuffle: false });
  tf.dispose([x, y]);
  let artifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  return artifacts;
}

const tfjsLoad = (artifacts) => tfl.loadLayersModel(tf.io.fromMemory(artifacts));

export async function run() {
  tf.enableProdMode();
  await setThreads(1);
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const data = digits(), test = data.x.subarray(TRAIN * PIXELS);
  console.log('## formats: a CNN trained in TF.js (conv 5×5×8, pool, conv 5×5×16, pool, dense 10), served by simdeep, TF.js and onnxruntime-web');
  console.log(`data: ${data.source}; trained 1 epoch on ${TRAIN} rows in tfjs-layers ${tfl.version_layers} (cpu backend), saved in TF.js's layers format`);
  console.log(`load average 1/5/15 min at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);
  const artifacts = await tfjsTrained(data);

  const ours = await loadModel(artifacts);
  const onnx = await ours.save(undefined, { format: 'onnx' });
  const session = await ort.InferenceSession.create(new Uint8Array(onnx), { executionProviders: ['wasm'], intraOpNumThreads: 1 });
  const [inputName] = session.inputNames, [outputName] = session.outputNames;
  const tfjsModels = new Map();
  for (const backend of ['wasm', 'cpu']) {
    await tf.setBackend(backend);
    tfjsModels.set(backend, await tfjsLoad(artifacts));
  }
  const libs = [
    { name: 'simdeep (TF.js files)', predict(rows, n) {
      const x = tensor(rows, [n, 28, 28, 1]), y = ours.predict(x), out = y.dataSync();
      x.dispose();
      y.dispose();
      return out;
    } },
    ...['wasm', 'cpu'].map((backend) => ({ name: `tfjs ${backend}`, setup: () => tf.setBackend(backend), predict(rows, n) {
      const x = tf.tensor4d(rows, [n, 28, 28, 1]), y = tfjsModels.get(backend).predict(x), out = y.dataSync();
      tf.dispose([x, y]);
      return out;
    } })),
    { name: 'onnxruntime-web (ONNX export)', async predict(rows, n) {
      const out = (await session.run({ [inputName]: new ort.Tensor('float32', rows, [n, 28, 28, 1]) }))[outputName], values = out.data;
      out.dispose();
      return values;
    } },
  ];

  // Agreement on held-out rows, at batch 64.
  const rows = test.subarray(0, CHECK_ROWS * PIXELS);
  const reference = libs[0].predict(rows, CHECK_ROWS);
  const agree = table([['library', 30], ['max |Δ| vs simdeep', 18]]);
  for (const lib of libs) {
    await lib.setup?.();
    const out = await lib.predict(rows, CHECK_ROWS);
    const diff = out.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0);
    agree([lib.name, diff.toExponential(1)]);
    if (!(diff <= TOLERANCE)) throw new Error(`formats: ${lib.name} differs from simdeep by ${diff} (> ${TOLERANCE}): not the same model, no figures`);
  }
  console.log(`over the ${CHECK_ROWS} × 10 probabilities of the first ${CHECK_ROWS} held-out rows\n`);

  // Loading: artifacts in memory → a model ready to predict (its first prediction of one row included).
  const one = test.subarray(0, PIXELS);
  const loads = { 'simdeep loadModel(artifacts)': async () => {
    const m = await loadModel(artifacts), x = tensor(one, [1, 28, 28, 1]), y = m.predict(x);
    y.dataSync();
    [x, y].forEach((t) => t.dispose());
    m.dispose();
  }, 'simdeep loadModel(ONNX bytes)': async () => {
    const m = await loadModel(onnx), x = tensor(one, [1, 28, 28, 1]), y = m.predict(x);
    y.dataSync();
    [x, y].forEach((t) => t.dispose());
    m.dispose();
  } };
  for (const backend of ['wasm', 'cpu']) {
    loads[`tfjs ${backend} loadLayersModel(fromMemory)`] = async () => {
      await tf.setBackend(backend);
      const m = await tfjsLoad(artifacts), x = tf.tensor4d(one, [1, 28, 28, 1]), y = m.predict(x);
      y.dataSync();
      tf.dispose([x, y]);
      m.dispose();
    };
  }
  loads['onnxruntime-web InferenceSession.create'] = async () => {
    const s = await ort.InferenceSession.create(new Uint8Array(onnx), { executionProviders: ['wasm'], intraOpNumThreads: 1 });
    const out = (await s.run({ [inputName]: new ort.Tensor('float32', one, [1, 28, 28, 1]) }))[outputName];
    out.dispose();
    await s.release();
  };
  const loadRow = table([['load, then predict one row', 42], ['ms (median of ' + LOADS + ')', 18], ['÷ simdeep', 9]]);
  const loadTimes = new Map();
  for (let round = 0; round < LOADS; round++) {
    for (const [name, f] of Object.entries(loads)) {
      const t0 = performance.now();
      await f();
      if (round > 0) loadTimes.set(name, [...(loadTimes.get(name) ?? []), performance.now() - t0]); // round 0 warms up
    }
  }
  const first = median(loadTimes.get('simdeep loadModel(artifacts)'));
  for (const [name, times] of loadTimes) loadRow([name, fmt(median(times)), `${(median(times) / first).toFixed(2)}×`]);
  console.log();

  for (const n of BATCHES) {
    const blocks = Math.floor(test.length / PIXELS / n);
    const load = otherCpu();
    const samples = await sampleInterleaved(libs.map((lib) => {
      let k = 0;
      return { setup: lib.setup, rewarm: Boolean(lib.setup), cases: [{ name: lib.name, run: () => {
        const from = (k++ % blocks) * n * PIXELS;
        return lib.predict(test.subarray(from, from + n * PIXELS), n);
      } }] };
    }), TIMING);
    const used = load();
    const base = libs[0].name, us = (name, q) => 1e6 * quantile(samples.get(name), q);
    const perRound = (name) => samples.get(name).slice(0, samples.get(base).length).map((t, i) => t / samples.get(base)[i]);
    console.log(`predict, batch ${n}: µs per call (median [quartiles]; other processes used ${used.toFixed(2)} of ${os.availableParallelism()} cores)`);
    const row = table([['library', 30], ['µs/call', 9], ['[q1, q3]', 17], ['this ÷ simdeep', 14], ['per round', 9]]);
    for (const name of samples.keys()) {
      row([name, fmt(us(name, 0.5)), `[${fmt(us(name, 0.25))}, ${fmt(us(name, 0.75))}]`, `${(us(name, 0.5) / us(base, 0.5)).toFixed(2)}×`,
        name === base ? '' : `${median(perRound(name)).toFixed(2)}×`]);
    }
    console.log();
  }
  ours.dispose();
  for (const m of tfjsModels.values()) m.dispose();
  await session.release();
  console.log(`live tensors after the run: simdeep ${memory().numTensors}, tfjs ${tf.memory().numTensors}`);
}
