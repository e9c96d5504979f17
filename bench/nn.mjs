// Training throughput side by side in one process. (1) A 784-128-10 MLP (ReLU, softmax, Adam 0.001, batch 128,
// sparse categorical cross-entropy) on MNIST digits: simdeep (1 and 2 threads), TensorFlow.js layers (wasm and cpu
// backends) and brain.js (per-sample updates). (2) The classic 3-4-1 sigmoid network, 60,000 full-batch SGD steps:
// simdeep, a plain-JS Float64Array loop written here, and tfjs (cpu and wasm), all from the same initial weights.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam, dense, dispose, initializers, memory, sequential, setThreads, sgd, tensor, threads } from 'simdeep';
import { fmt, otherCpu, ratio, table, timeInterleaved } from './harness.mjs';
import { CLASSES, digits, PIXELS } from './mnist.mjs';

const require = createRequire(import.meta.url);
const HIDDEN = 128, BATCH = 128;
const TRAIN = 8192; // 64 batches of 128; the rest of the digits are held out for the accuracy check
const TIMED_CALLS = 3; // after one untimed warm-up call of each case
const STEPS = 60_000, CHUNK = 6_000; // 3-4-1 network: 10 calls of 6,000 steps, the first one untimed


const argmax = (v, from, n) => {
  let best = 0;
  for (let j = 1; j < n; j++) if (v[from + j] > v[from + best]) best = j;
  return best;
};
/** Fraction of rows of `scores` (rows × 10) whose largest entry is at the label. */
function accuracy(scores, labels) {
  let right = 0;
  for (let i = 0; i < labels.length; i++) right += argmax(scores, i * CLASSES, CLASSES) === labels[i];
  return right / labels.length;
}

// Each MLP case: { name, samples per call, run() (one call), accuracy() on the held-out digits, dispose() }.
function simdeepMlp(name, data, test) {
  const model = sequential([
    dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
    dense({ units: CLASSES, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
  let epoch = 0;
  return { name, samples: data.samples, run: () => model.fit(data.x, data.y, { epochs: 1, batchSize: BATCH, shuffle: true, seed: ++epoch }),
    accuracy() {
      const out = model.predict(test.x), acc = accuracy(out.dataSync(), test.labels);
      out.dispose();
      return acc;
    },
    dispose: () => model.dispose() };
}

async function tfjsMlp(name, backend, data, samples, test) {
  await tf.setBackend(backend); // the model's variables and the data live on this backend
  const x = tf.tensor2d(data.x.subarray(0, samples * PIXELS), [samples, PIXELS]), y = tf.tensor1d(data.labels.subarray(0, samples));
  const tx = tf.tensor2d(test.xData, [test.labels.length, PIXELS]);
  const model = tfl.sequential({ layers: [
    tfl.layers.dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
    tfl.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
  return { name, samples, backend, run: () => model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 }),
    async accuracy() {
      await tf.setBackend(backend);
      return accuracy(tf.tidy(() => model.predict(tx).dataSync()), test.labels);
    },
    dispose() {
      model.optimizer.dispose();
      model.dispose();
      tf.dispose([x, y, tx]);
    } };
}

// brain.js 1.6.1 trains one sample at a time; `activation` applies to every layer (no softmax), and the output
// error is target − output on one-hot targets (a squared-error gradient). Its train() takes plain arrays.
function brainMlp(name, data, samples, test, options) {
  const { NeuralNetwork } = require('brain.js');
  const oneHot = (label) => Array.from({ length: CLASSES }, (_, j) => +(j === label));
  const set = Array.from({ length: samples }, (_, i) => ({ input: Array.from(data.x.subarray(i * PIXELS, (i + 1) * PIXELS)), output: oneHot(data.labels[i]) }));
  const net = new NeuralNetwork({ hiddenLayers: [HIDDEN], activation: 'relu' });
  return { name, samples, run: () => net.train(set, { iterations: 1, ...options }),
    accuracy() {
      const scores = new Float32Array(test.labels.length * CLASSES);
      for (let i = 0; i < test.labels.length; i++) scores.set(net.run(Array.from(test.xData.subarray(i * PIXELS, (i + 1) * PIXELS))), i * CLASSES);
      return accuracy(scores, test.labels);
    },
    dispose() {} };
}

async function mlp() {
  const data = digits();
  const train = { x: tensor(data.x.subarray(0, TRAIN * PIXELS), [TRAIN, PIXELS]), y: tensor(data.labels.subarray(0, TRAIN), [TRAIN]), samples: TRAIN };
  const test = { xData: data.x.subarray(TRAIN * PIXELS), labels: data.labels.subarray(TRAIN) };
  test.x = tensor(test.xData, [test.labels.length, PIXELS]);
  console.log(`## nn 1: MLP ${PIXELS}-${HIDDEN}-${CLASSES} (ReLU, softmax), Adam 0.001, batch ${BATCH}, sparse categorical cross-entropy`);
  console.log(`data: ${data.source}; ${TRAIN} train, ${test.labels.length} held out`);

  const tfjsWasm = await tfjsMlp('tfjs-layers wasm', 'wasm', data, TRAIN, test);
  const tfjsCpu = await tfjsMlp('tfjs-layers cpu', 'cpu', data, 2048, test);
  const sd1 = simdeepMlp('simdeep 1 thread', train, test), sd2 = simdeepMlp('simdeep 2 threads', train, test);
  const brainAdam = brainMlp('brain.js Adam', data, 128, test, { praxis: 'adam', learningRate: 0.001 });
  const brainSgd = brainMlp('brain.js SGD', data, 512, test, { learningRate: 0.001, momentum: 0.1 });
  const cases = [sd1, sd2, tfjsWasm, tfjsCpu, brainAdam, brainSgd];
  await setThreads(2);
  const two = threads();
  const load = otherCpu();
  const seconds = await timeInterleaved([
    { setup: () => setThreads(1), cases: [sd1, brainAdam, brainSgd] },
    { setup: () => tf.setBackend('wasm'), cases: [tfjsWasm] },
    { setup: () => tf.setBackend('cpu'), cases: [tfjsCpu] },
    { setup: () => setThreads(2), cases: [sd2] },
  ], { minSamples: TIMED_CALLS, maxSamples: TIMED_CALLS, warmMs: 0, sampleMs: 0 });
  const used = load();
  await setThreads(1);

  const rate = (c) => c.samples / seconds.get(c.name), base = rate(sd1);
  const row = table([['framework', 17], ['samples/call', 12], ['samples/s', 9], ['simdeep 1T ÷ this', 17], ['held-out acc', 12]]);
  for (const c of cases) row([c.name, c.samples, fmt(rate(c)), ratio(base, rate(c)), `${(100 * (await c.accuracy())).toFixed(1)}%`]);
  console.log(`\nsamples/s: samples per call over the median time of ${TIMED_CALLS} calls, after 1 untimed warm-up call (calls interleaved);`);
  console.log('a call is one fit/train pass over the first `samples/call` training digits (fewer for the slow ones, to bound the run).');
  console.log('simdeep 1T ÷ this: simdeep 1-thread samples/s over the row\'s (below 1×: the row is faster).');
  console.log(`held-out acc: on the ${test.labels.length} held-out digits after the ${TIMED_CALLS + 1} calls (a check that each one learns).`);
  console.log(`simdeep 2 threads: ${two.active} active${two.reason ? ` (${two.reason})` : ''}; tfjs-wasm: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ${getThreadsCount()} thread(s); tfjs-cpu: plain JS.`);
  console.log('brain.js 1.6.1 differs: one sample per update (no batches), relu on every layer (no softmax), squared-error');
  console.log('output gradient, its own init. "Adam": praxis \'adam\', lr 0.001; "SGD": its default per-sample SGD with momentum');
  console.log(`0.1, lr 0.001. Other processes used ${used.toFixed(2)} cores meanwhile.`);
  cases.forEach((c) => c.dispose());
  dispose([train.x, train.y, test.x]);
}

// The 3-4-1 network: inputs · W1 + b1 → sigmoid → · W2 + b2 → sigmoid; loss mean((ŷ − y)²) over the 4 samples.
const X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], Y = [[0], [1], [1], [0]];
const LR = 2; // on the mean over 4 samples: the classic update Δ = (y − ŷ)·ŷ(1 − ŷ) with step 1

/** The same network by hand on Float64Arrays: forward, backprop and the SGD update, one full-batch step per call. */
export function plainJs([w1Init, b1Init, w2Init, b2Init]) {
  const w1 = Float64Array.from(w1Init), b1 = Float64Array.from(b1Init), w2 = Float64Array.from(w2Init), b2 = Float64Array.from(b2Init);
  const x = Float64Array.from(X.flat()), y = Float64Array.from(Y.flat());
  const h = new Float64Array(16), out = new Float64Array(4), gw1 = new Float64Array(12), gb1 = new Float64Array(4), gw2 = new Float64Array(4);
  const sigmoid = (z) => 1 / (1 + Math.exp(-z));
  const forward = () => {
    let loss = 0;
    for (let s = 0; s < 4; s++) {
      let z2 = b2[0];
      for (let j = 0; j < 4; j++) {
        const z1 = b1[j] + x[s * 3] * w1[j] + x[s * 3 + 1] * w1[4 + j] + x[s * 3 + 2] * w1[8 + j];
        h[s * 4 + j] = sigmoid(z1);
        z2 += h[s * 4 + j] * w2[j];
      }
      out[s] = sigmoid(z2);
      loss += (out[s] - y[s]) ** 2;
    }
    return loss / 4;
  };
  const step = () => {
    forward();
    gw1.fill(0); gb1.fill(0); gw2.fill(0);
    let gb2 = 0;
    for (let s = 0; s < 4; s++) {
      const d2 = ((2 / 4) * (out[s] - y[s])) * out[s] * (1 - out[s]); // dLoss/dz2
      gb2 += d2;
      for (let j = 0; j < 4; j++) {
        const hj = h[s * 4 + j], d1 = d2 * w2[j] * hj * (1 - hj); // dLoss/dz1
        gw2[j] += hj * d2;
        gb1[j] += d1;
        for (let i = 0; i < 3; i++) gw1[i * 4 + j] += x[s * 3 + i] * d1;
      }
    }
    for (let k = 0; k < 12; k++) w1[k] -= LR * gw1[k];
    for (let j = 0; j < 4; j++) { b1[j] -= LR * gb1[j]; w2[j] -= LR * gw2[j]; }
    b2[0] -= LR * gb2;
  };
  return { name: 'plain JS Float64Array', run() { for (let i = 0; i < CHUNK; i++) step(); }, loss: forward, dispose() {} };
}

function simdeepXor() {
  const model = sequential([
    dense({ units: 4, activation: 'sigmoid', inputShape: [3], kernelInitializer: initializers.randomUniform({ seed: 1 }) }),
    dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.randomUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: sgd({ learningRate: LR }), loss: 'meanSquaredError' });
  const x = tensor(X), y = tensor(Y);
  return { name: 'simdeep fit', model, run: () => model.fit(x, y, { epochs: CHUNK, batchSize: 4, shuffle: false }),
    loss: () => model.evaluate(x, y).loss,
    dispose() {
      model.dispose();
      dispose([x, y]);
    } };
}

// tfjs through tf.train.sgd().minimize on tfjs-core ops: layers' fit costs about 1-2 ms per epoch here, which at
// 60,000 one-step epochs would take minutes.
async function tfjsXor(backend, weights) {
  await tf.setBackend(backend);
  const [w1, b1, w2, b2] = weights.map(({ shape, values }) => tf.tidy(() => tf.variable(tf.tensor(values, shape))));
  const x = tf.tensor2d(X), y = tf.tensor2d(Y), optimizer = tf.train.sgd(LR);
  const loss = () => tf.losses.meanSquaredError(y, tf.sigmoid(tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(x, w1), b1)), w2), b2)));
  return { name: `tfjs ${backend} minimize`, backend, run() { for (let i = 0; i < CHUNK; i++) optimizer.minimize(loss); },
    async loss() {
      await tf.setBackend(backend);
      return tf.tidy(() => loss().dataSync()[0]);
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([w1, b1, w2, b2, x, y]);
    } };
}

async function xor() {
  console.log(`## nn 2: the classic 3-4-1 sigmoid network, ${STEPS} full-batch SGD steps (lr ${LR}, mean squared error)`);
  await setThreads(1);
  const sd = simdeepXor();
  const weights = sd.model.getWeights().map((t) => {
    const w = { shape: t.shape, values: t.dataSync() };
    t.dispose();
    return w;
  });
  const plain = plainJs(weights.map((w) => w.values));
  const tfCpu = await tfjsXor('cpu', weights), tfWasm = await tfjsXor('wasm', weights);
  const cases = [sd, plain, tfCpu, tfWasm];
  const load = otherCpu();
  const calls = STEPS / CHUNK; // the warm-up call trains too: every case takes exactly STEPS steps
  const seconds = await timeInterleaved([
    { setup: () => setThreads(1), cases: [sd, plain] },
    { setup: () => tf.setBackend('cpu'), cases: [tfCpu] },
    { setup: () => tf.setBackend('wasm'), cases: [tfWasm] },
  ], { minSamples: calls - 1, maxSamples: calls - 1, warmMs: 0, sampleMs: 0 });
  const used = load();

  const rate = (c) => CHUNK / seconds.get(c.name), base = rate(sd);
  const row = table([['implementation', 21], ['steps/s', 9], ['simdeep ÷ this', 14], [`loss after ${STEPS}`, 16]]);
  for (const c of cases) row([c.name, fmt(rate(c)), ratio(base, rate(c)), (await c.loss()).toExponential(3)]);
  console.log(`\nsteps/s: ${CHUNK} steps over the median time of ${calls - 1} calls of ${CHUNK} steps, after 1 warm-up call of ${CHUNK} (interleaved);`);
  console.log('all start from simdeep\'s initial weights (uniform in [-1, 1), zero biases); simdeep and tfjs compute in float32,');
  console.log('the plain-JS loop in float64. simdeep fit runs 1 thread and yields to the event loop every 16 ms.');
  console.log(`Other processes used ${used.toFixed(2)} cores meanwhile.`);
  cases.forEach((c) => c.dispose());
}

export async function run() {
  tf.enableProdMode(); // no debug checks, no "install tfjs-node" banner
  await mlp();
  console.log();
  await xor();
  console.log(`live tensors after the run: simdeep ${memory().numTensors}, tfjs ${tf.memory().numTensors}`);
}
