// predict latency of the MNIST 784-128(ReLU)-10(softmax) MLP at batch 1 and batch 64, side by side in one process
// with the same weights everywhere: simdeep, TensorFlow.js layers (wasm and cpu backends), onnxruntime-web's wasm build
// (one thread) and onnxruntime-node (native, one intra-op thread: the reference for what the CPU can do). Each call is
// a user's whole path: a Float32Array of rows in, the probabilities read back as a Float32Array, every tensor of the
// call released. The outputs are checked against a float64 forward pass first, and the bench stops if any library
// differs from simdeep by more than TOLERANCE. Run: npm run bench -- predict; with SIMDEEP_BASELINE=<another build's
// dist/index.js>, that build of simdeep runs beside this one with the same weights.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ortWeb from 'onnxruntime-web';
import { adam, dense, initializers, memory, sequential, setThreads, tensor, threads } from 'simdeep';
import { fmt, median, otherCpu, quantile, sampleInterleaved, table } from './harness.mjs';
import { CLASSES, digits, PIXELS } from './mnist.mjs';
import { denseOnnx } from './onnx.mjs';

const HIDDEN = 128, TRAIN = 8192, BATCH = 128;
const BATCHES = [1, 64];
const TOLERANCE = 1e-5; // max |Δ| between any library's probabilities and simdeep's
const CHECK_ROWS = 512; // held-out rows of the agreement check, at each batch size
const TIMING = { budgetMs: 1500, minSamples: 5, maxSamples: 41, sampleMs: 10, warmMs: 200 };
const TARGET = 1.5; // the issue's aim at batch 1: simdeep ≥ 1.5× faster than tfjs-wasm and onnxruntime-web
const ORT_THREADS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' };

/** simdeep's model after one epoch of Adam on the training rows, and its weights as Float32Arrays. */
async function simdeepModel(data) {
  const model = sequential([
    dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
    dense({ units: CLASSES, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
  const x = tensor(data.x.subarray(0, TRAIN * PIXELS), [TRAIN, PIXELS]), y = tensor(data.labels.subarray(0, TRAIN), [TRAIN]);
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, seed: 1 });
  x.dispose();
  y.dispose();
  const [w1, b1, w2, b2] = model.getWeights().map((t) => {
    const values = t.dataSync();
    t.dispose();
    return values;
  });
  const layers = [{ kernel: w1, bias: b1, activation: 'relu' }, { kernel: w2, bias: b2, activation: 'softmax' }];
  return { name: 'simdeep', model, layers, predict(rows, n) {
    const x = tensor(rows, [n, PIXELS]), y = model.predict(x), out = y.dataSync();
    x.dispose();
    y.dispose();
    return out;
  }, dispose: () => model.dispose() };
}

/** The same MLP in another build of simdeep (SIMDEEP_BASELINE), holding the same weights. */
async function baselineModel(path, layers) {
  const lib = await import(path);
  const model = lib.sequential([lib.dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS] }), lib.dense({ units: CLASSES, activation: 'softmax' })]);
  const weights = layers.flatMap(({ kernel, bias }) => [lib.tensor(kernel, [kernel.length / bias.length, bias.length]), lib.tensor(bias, [bias.length])]);
  model.setWeights(weights);
  weights.forEach((t) => t.dispose());
  await lib.setThreads(1);
  return { name: 'simdeep baseline build', predict(rows, n) {
    const x = lib.tensor(rows, [n, PIXELS]), y = model.predict(x), out = y.dataSync();
    x.dispose();
    y.dispose();
    return out;
  }, dispose: () => model.dispose() };
}

/** A tfjs-layers Sequential on `backend` holding the same weights. */
async function tfjsModel(backend, layers) {
  await tf.setBackend(backend); // the model's variables live on this backend
  const model = tfl.sequential({ layers: [
    tfl.layers.dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS] }),
    tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
  ] });
  const weights = layers.flatMap(({ kernel, bias }) => [tf.tensor2d(kernel, [kernel.length / bias.length, bias.length]), tf.tensor1d(bias)]);
  model.setWeights(weights);
  tf.dispose(weights);
  return { name: `tfjs ${backend}`, setup: () => tf.setBackend(backend), predict(rows, n) {
    const x = tf.tensor2d(rows, [n, PIXELS]), y = model.predict(x), out = y.dataSync();
    x.dispose();
    y.dispose();
    return out;
  }, dispose: () => model.dispose() };
}

/** An onnxruntime InferenceSession (web or node package) over the same model; run is asynchronous in both. */
async function ortModel(name, ort, bytes, options) {
  const session = await ort.InferenceSession.create(bytes, { ...ORT_THREADS, ...options });
  return { name, async predict(rows, n) {
    const out = (await session.run({ X: new ort.Tensor('float32', rows, [n, PIXELS]) })).Y, values = out.data;
    out.dispose();
    return values;
  }, dispose: () => session.release() };
}

/** onnxruntime-node, or the reason it cannot run here (not installed, or its native binding does not load). */
async function ortNode(bytes) {
  try {
    const ort = await import('onnxruntime-node');
    return { lib: await ortModel('onnxruntime-node (native)', ort, bytes, { executionProviders: ['cpu'] }), version: ort.env.versions?.node ?? '?' };
  } catch (error) {
    return { reason: String(error?.message ?? error).split('\n')[0] };
  }
}

/** The probabilities of `n` rows in float64, straight from the weights. */
function reference(layers, rows, n) {
  let h = Float64Array.from(rows), width = PIXELS;
  for (const { kernel, bias, activation } of layers) {
    const units = bias.length, z = new Float64Array(n * units);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < units; j++) {
        let s = bias[j];
        for (let i = 0; i < width; i++) s += h[r * width + i] * kernel[i * units + j];
        z[r * units + j] = activation === 'relu' ? Math.max(0, s) : s;
      }
      if (activation === 'softmax') {
        const row = z.subarray(r * units, (r + 1) * units), top = Math.max(...row);
        let sum = 0;
        for (let j = 0; j < units; j++) sum += row[j] = Math.exp(row[j] - top);
        for (let j = 0; j < units; j++) row[j] /= sum;
      }
    }
    h = z;
    width = units;
  }
  return h;
}

const maxAbsDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

/** Each library's outputs for the first CHECK_ROWS held-out rows, `n` rows per call, through its timed predict. */
async function outputs(lib, test, n) {
  await lib.setup?.();
  const out = new Float32Array(CHECK_ROWS * CLASSES);
  for (let r = 0; r < CHECK_ROWS; r += n) out.set(await lib.predict(test.subarray(r * PIXELS, (r + n) * PIXELS), n), r * CLASSES);
  return out;
}

/** Prints each library's max |Δ| against the float64 forward pass and against simdeep; throws beyond TOLERANCE. */
async function checkAgreement(libs, layers, test) {
  const exact = reference(layers, test.subarray(0, CHECK_ROWS * PIXELS), CHECK_ROWS);
  const row = table([['library', 26], ...BATCHES.flatMap((n) => [[`batch ${n}: vs f64`, 16], ['vs simdeep', 10]])]);
  const worst = [];
  const ours = new Map();
  for (const n of BATCHES) ours.set(n, await outputs(libs[0], test, n));
  for (const lib of libs) {
    const cells = [lib.name];
    for (const n of BATCHES) {
      const out = lib === libs[0] ? ours.get(n) : await outputs(lib, test, n), vsOurs = maxAbsDiff(out, ours.get(n));
      cells.push(maxAbsDiff(out, exact).toExponential(1), vsOurs.toExponential(1));
      if (!(vsOurs <= TOLERANCE)) worst.push(`${lib.name} at batch ${n}: ${vsOurs.toExponential(2)}`);
    }
    row(cells);
  }
  console.log(`max |Δ| over the ${CHECK_ROWS} × ${CLASSES} probabilities of the first ${CHECK_ROWS} held-out rows.\n`);
  if (worst.length) throw new Error(`predict: outputs differ from simdeep's by more than ${TOLERANCE} (${worst.join('; ')}): not the same computation, no figures`);
}

/** The timed cases at `n` rows per call; each cycles through the held-out rows in blocks of n. */
function cases(lib, test, n) {
  const blocks = Math.floor(test.length / PIXELS / n);
  let k = 0;
  return { name: lib.name, run: () => {
    const from = (k++ % blocks) * n * PIXELS;
    return lib.predict(test.subarray(from, from + n * PIXELS), n);
  } };
}

/** simdeep's batch-1 call in parts: tensor() of the row (and its dispose), predict (and its dispose), dataSync. */
function parts(sd, test) {
  const ROWS = 256, row = (r) => test.subarray(r * PIXELS, (r + 1) * PIXELS);
  const xs = Array.from({ length: ROWS }, (_, r) => tensor(row(r), [1, PIXELS]));
  const ys = xs.map((x) => sd.model.predict(x));
  let a = 0, b = 0, c = 0;
  return {
    cases: [
      { name: '  tensor(row) + dispose', run: () => tensor(row(a++ % ROWS), [1, PIXELS]).dispose() },
      { name: '  predict + dispose', run: () => sd.model.predict(xs[b++ % ROWS]).dispose() },
      { name: '  dataSync of [1, 10]', run: () => ys[c++ % ROWS].dataSync() },
    ],
    dispose: () => [...xs, ...ys].forEach((t) => t.dispose()),
  };
}

export async function run() {
  tf.enableProdMode(); // no debug checks, no "install tfjs-node" banner
  await setThreads(1);
  ortWeb.env.wasm.numThreads = 1;
  ortWeb.env.wasm.proxy = false;

  const data = digits(), test = data.x.subarray(TRAIN * PIXELS);
  console.log(`## predict: MNIST ${PIXELS}-${HIDDEN}(ReLU)-${CLASSES}(softmax) MLP, one row and 64 rows per call, one thread each`);
  console.log(`data: ${data.source}; weights from 1 epoch of simdeep (Adam, batch ${BATCH}) on ${TRAIN} rows, copied to every peer;`);
  console.log(`calls cycle through the ${data.n - TRAIN} held-out rows`);
  console.log(`load average 1/5/15 min at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);

  const sd = await simdeepModel(data);
  const bytes = denseOnnx(PIXELS, sd.layers);
  const libs = [sd, await tfjsModel('wasm', sd.layers), await tfjsModel('cpu', sd.layers),
    await ortModel('onnxruntime-web (wasm)', ortWeb, bytes, { executionProviders: ['wasm'] })];
  const native = await ortNode(bytes);
  if (native.lib) libs.push(native.lib);
  if (process.env.SIMDEEP_BASELINE) libs.splice(1, 0, await baselineModel(process.env.SIMDEEP_BASELINE, sd.layers));
  console.log(`simdeep: 1 thread, ${threads().relaxedSimd ? 'relaxed' : 'baseline'} SIMD build; tfjs ${tf.version_core}: wasm SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ${getThreadsCount()} thread(s); cpu: plain JS`);
  console.log(`onnxruntime-web ${ortWeb.env.versions?.web ?? '?'}: wasm build ort-wasm-simd-threaded (SIMD; the package ships no build without it), numThreads ${ortWeb.env.wasm.numThreads}, proxy off`);
  console.log(native.lib ? `onnxruntime-node ${native.version}: native CPU provider, 1 intra-op and 1 inter-op thread` : `onnxruntime-node: skipped (${native.reason})`);
  console.log(`ONNX model: ${bytes.length} bytes, IR 8, opset 13: Gemm → Relu → Gemm → Softmax(axis -1)\n`);

  await checkAgreement(libs, sd.layers, test);

  const base = sd.name;
  for (const n of BATCHES) {
    const extra = n === 1 ? parts(sd, test) : { cases: [], dispose() {} };
    const timed = new Map(libs.map((lib) => [lib, cases(lib, test, n)]));
    const load = otherCpu();
    const samples = await sampleInterleaved(libs.map((lib) => ({
      setup: lib.setup, rewarm: Boolean(lib.setup), cases: [timed.get(lib), ...(lib === sd ? extra.cases : [])],
    })), TIMING);
    const used = load();
    extra.dispose();
    const us = (name, q) => 1e6 * (q === 0.5 ? median(samples.get(name)) : quantile(samples.get(name), q));
    // Sample i of every case comes from round i, so the rounds pair them; the per-round ratio cancels drift.
    const perRound = (name) => samples.get(name).slice(0, samples.get(base).length).map((t, i) => t / samples.get(base)[i]);
    const ratios = (name) => `${median(perRound(name)).toFixed(2)}× [${quantile(perRound(name), 0.25).toFixed(2)}, ${quantile(perRound(name), 0.75).toFixed(2)}]`;
    console.log(`batch ${n}: µs per call (median [quartiles] over samples of ~${TIMING.sampleMs} ms of calls; other processes used ${used.toFixed(2)} of ${os.availableParallelism()} cores)`);
    const row = table([['library', 26], ['µs/call', 9], ['[q1, q3]', 17], ['samples', 7], ['this ÷ simdeep', 14], ['per round [q1, q3]', 22]]);
    for (const name of samples.keys()) {
      const part = name.startsWith(' ');
      row([name, fmt(us(name, 0.5)), `[${fmt(us(name, 0.25))}, ${fmt(us(name, 0.75))}]`, samples.get(name).length,
        part ? '' : `${(us(name, 0.5) / us(base, 0.5)).toFixed(2)}×`, part || name === base ? '' : ratios(name)]);
    }
    if (n === 1) {
      const speedup = ['tfjs wasm', 'onnxruntime-web (wasm)'].map((name) => median(perRound(name)));
      console.log(`target at batch 1, simdeep ≥ ${TARGET}× faster than tfjs wasm and onnxruntime-web (per round): ${speedup.map((s) => `${s.toFixed(2)}×`).join(', ')} → ${speedup.every((s) => s >= TARGET) ? 'met' : 'NOT met'}`);
      console.log('the indented rows time parts of simdeep\'s call alone (inputs and outputs made beforehand)');
    }
    console.log();
  }
  console.log('this ÷ simdeep: the row\'s median time over simdeep\'s (above 1×: simdeep is faster); per round: the median and');
  console.log('quartiles of that ratio taken within each round, whose samples are close together in time. Libraries are');
  console.log('interleaved sample by sample, the order rotating. A call: Float32Array rows in, a Float32Array of probabilities');
  console.log('out, the call\'s tensors released (simdeep, tfjs: tensor, predict, dataSync, dispose; onnxruntime: new Tensor,');
  console.log('await session.run, .data).');
  for (const lib of libs) await lib.dispose();
  console.log(`live tensors after the run: simdeep ${memory().numTensors}, tfjs ${tf.memory().numTensors}`);
}
