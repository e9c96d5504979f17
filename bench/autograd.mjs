// Autograd against the fused loop and the peers, one process, one thread (npm run bench -- autograd):
// (1) the MNIST 784-128-10 MLP (ReLU, softmax cross-entropy, Adam 0.001, batch 128, 8192 digits per call, no
//     shuffling) trained by a custom loop (valueAndGrads + optimizer.applyGradients on variables, the model written
//     in ops) against the same model's fused `fit`, and against TF.js's `optimizer.minimize` loop on the same ops
//     (wasm backend; cpu on fewer samples);
// (2) `fit` with a custom loss equal to mean squared error written in ops against `fit` with 'meanSquaredError'
//     (the same MLP with a linear output on one-hot targets, SGD 0.01);
// (3) the 3-4-1 sigmoid network trained micrograd-style by a loop with `grads` and `assign`, against the plain-JS
//     Float64Array loop of nn.mjs and the same network's `fit`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  adam, dense, dispose, grads, initializers, logSoftmax, matmul, memory, sequential, setThreads, sgd, tensor, tidy,
  valueAndGrads, variable,
} from 'simdeep';
import { fmt, otherCpu, ratio, table, timeInterleaved } from './harness.mjs';
import { CLASSES, digits, PIXELS } from './mnist.mjs';
import { plainJs } from './nn.mjs';

const HIDDEN = 128, BATCH = 128, TRAIN = 8192, CALLS = 7;

// Weights shared by every case: Glorot-uniform kernels from simdeep's seeded initializer, zero biases.
function initialWeights() {
  const k1 = initializers.glorotUniform({ seed: 1 }).init([PIXELS, HIDDEN], PIXELS, HIDDEN);
  const k2 = initializers.glorotUniform({ seed: 2 }).init([HIDDEN, CLASSES], HIDDEN, CLASSES);
  const w = [k1, tensor(new Float32Array(HIDDEN)), k2, tensor(new Float32Array(CLASSES))];
  const out = w.map((t) => ({ shape: t.shape, values: t.dataSync() }));
  dispose(w);
  return out;
}

function oneHot(labels) {
  const y = new Float32Array(labels.length * CLASSES);
  labels.forEach((label, i) => { y[i * CLASSES + label] = 1; });
  return y;
}

/** The fused path: a model with the same weights, fit over the whole set, one epoch per call. */
function simdeepFit(name, data, weights, loss, optimizer, outputActivation) {
  const model = sequential([
    dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS] }),
    dense({ units: CLASSES, activation: outputActivation }),
  ]);
  model.compile({ optimizer, loss });
  model.setWeights(weights.map((w) => tensor(w.values, w.shape)));
  return { name, samples: TRAIN, run: () => model.fit(data.x, data.yFit ?? data.y, { epochs: 1, batchSize: BATCH, shuffle: false }),
    dispose: () => model.dispose() };
}

/** The custom loop: the MLP in ops on variables, valueAndGrads, then the optimizer's applyGradients. */
function simdeepLoop(name, data, weights) {
  const vars = weights.map((w, i) => tidy(() => variable(tensor(w.values, w.shape), { name: `loop_${['w1', 'b1', 'w2', 'b2'][i]}` })));
  const optimizer = adam({ learningRate: 0.001 });
  const batches = [];
  for (let s = 0; s < TRAIN; s += BATCH) batches.push([data.x.slice([s, 0], [BATCH, PIXELS]), data.y.slice([s, 0], [BATCH, CLASSES])]);
  const loss = (x, y) => (w1, b1, w2, b2) => {
    const logits = matmul(matmul(x, w1).add(b1).relu(), w2).add(b2);
    return logSoftmax(logits).mul(y).sum(-1).mean().neg();
  };
  const step = ([x, y]) => {
    const { value, grads: g } = valueAndGrads(loss(x, y))(vars);
    optimizer.applyGradients(Object.fromEntries(vars.map((v, i) => [v.name, g[i]])));
    dispose([value, ...g]);
  };
  return { name, samples: TRAIN, run: () => batches.forEach(step),
    dispose() { dispose([...vars, ...batches.flat()]); optimizer.dispose(); } };
}

/** TF.js's own custom loop: optimizer.minimize over the same ops, on a backend. */
async function tfjsLoop(name, backend, data, samples, weights) {
  await tf.setBackend(backend);
  const vars = weights.map((w) => tf.variable(tf.tensor(w.values, w.shape)));
  const optimizer = tf.train.adam(0.001);
  const batches = [];
  for (let s = 0; s < samples; s += BATCH) {
    batches.push([tf.tensor2d(data.xData.subarray(s * PIXELS, (s + BATCH) * PIXELS), [BATCH, PIXELS]),
      tf.tensor2d(data.yData.subarray(s * CLASSES, (s + BATCH) * CLASSES), [BATCH, CLASSES])]);
  }
  const [w1, b1, w2, b2] = vars;
  const step = ([x, y]) => optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)));
  return { name, samples, backend, run: () => batches.forEach(step),
    dispose() { optimizer.dispose(); tf.dispose([...vars, ...batches.flat()]); } };
}

async function customLoop(data, weights) {
  console.log(`## autograd 1: MLP ${PIXELS}-${HIDDEN}-${CLASSES}, custom loop (valueAndGrads + applyGradients) against fit and TF.js minimize`);
  console.log(`data: ${data.source}; ${TRAIN} digits per call, batch ${BATCH}, Adam 0.001, softmax cross-entropy, no shuffling`);
  const fused = simdeepFit('simdeep fit (fused)', data, weights, 'categoricalCrossentropy', adam({ learningRate: 0.001 }), 'softmax');
  const loop = simdeepLoop('simdeep custom loop', data, weights);
  const tfWasm = await tfjsLoop('tfjs-wasm minimize', 'wasm', data, TRAIN, weights);
  const tfCpu = await tfjsLoop('tfjs-cpu minimize', 'cpu', data, 1024, weights);
  const cases = [loop, fused, tfWasm, tfCpu];
  const load = otherCpu();
  const seconds = await timeInterleaved([
    { setup: () => setThreads(1), cases: [loop, fused] },
    { setup: () => tf.setBackend('wasm'), cases: [tfWasm] },
    { setup: () => tf.setBackend('cpu'), cases: [tfCpu] },
  ], { minSamples: CALLS, maxSamples: CALLS, warmMs: 0, sampleMs: 0 });
  const used = load();
  const rate = (c) => c.samples / seconds.get(c.name), base = rate(loop);
  const row = table([['implementation', 22], ['samples/call', 12], ['samples/s', 9], ['custom loop ÷ this', 18]]);
  for (const c of cases) row([c.name, c.samples, fmt(rate(c)), ratio(base, rate(c))]);
  console.log(`\nsamples/s: samples per call over the median time of ${CALLS} calls after 1 warm-up call (interleaved). Targets: custom`);
  console.log('loop ≥ 0.6× fit (custom loop ÷ fit ≥ 0.6×) and ≥ 5× tfjs-wasm minimize. All start from the same weights.');
  console.log(`Other processes used ${used.toFixed(2)} cores meanwhile.`);
  cases.forEach((c) => c.dispose());
}

async function customLoss(data, weights) {
  console.log(`## autograd 2: fit with a custom loss (mean squared error written in ops) against 'meanSquaredError'`);
  console.log(`the MLP ${PIXELS}-${HIDDEN}-${CLASSES} with a linear output on one-hot targets, SGD 0.01, batch ${BATCH}, ${TRAIN} digits per call`);
  const mse = (yTrue, yPred) => yPred.sub(yTrue).square().mean();
  const fitData = { ...data, yFit: data.y };
  const builtIn = simdeepFit("fit 'meanSquaredError'", fitData, weights, 'meanSquaredError', sgd({ learningRate: 0.01 }), 'linear');
  const custom = simdeepFit('fit custom MSE in ops', fitData, weights, mse, sgd({ learningRate: 0.01 }), 'linear');
  const load = otherCpu();
  const seconds = await timeInterleaved([{ setup: () => setThreads(1), cases: [custom, builtIn] }],
    { minSamples: CALLS, maxSamples: CALLS, warmMs: 0, sampleMs: 0 });
  const used = load();
  const rate = (c) => c.samples / seconds.get(c.name);
  const row = table([['loss', 24], ['samples/s', 9], ['custom ÷ this', 13]]);
  for (const c of [custom, builtIn]) row([c.name, fmt(rate(c)), ratio(rate(custom), rate(c))]);
  console.log(`\nTarget: custom ÷ built-in ≥ 0.8×. Other processes used ${used.toFixed(2)} cores meanwhile.`);
  [custom, builtIn].forEach((c) => c.dispose());
}

const X3 = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], Y3 = [[0], [1], [1], [0]];
const STEPS = 6000, LR = 2; // steps per call, as nn.mjs's plain-JS loop takes (its CHUNK)

async function micrograd() {
  console.log('## autograd 3: the 3-4-1 sigmoid network, micrograd-style loop with grads, against plain JS and fit');
  const init = [
    initializers.randomUniform({ min: -1, max: 1, seed: 1 }).init([3, 4], 3, 4), tensor(new Float32Array(4)),
    initializers.randomUniform({ min: -1, max: 1, seed: 2 }).init([4, 1], 4, 1), tensor(new Float32Array(1)),
  ];
  const weights = init.map((t) => ({ shape: t.shape, values: t.dataSync() }));
  dispose(init);
  const x = tensor(X3), y = tensor(Y3);
  const vars = weights.map((w) => tidy(() => variable(tensor(w.values, w.shape))));
  const loss = (w1, b1, w2, b2) => matmul(matmul(x, w1).add(b1).sigmoid(), w2).add(b2).sigmoid().sub(y).square().mean();
  const step = () => {
    const g = grads(loss)(vars);
    tidy(() => vars.forEach((v, i) => v.assign(v.sub(g[i].mul(LR)))));
    dispose(g);
  };
  const withGrad = { name: 'simdeep grads loop', run() { for (let i = 0; i < STEPS; i++) step(); },
    loss: () => tidy(() => loss(...vars).item()) };
  const plain = plainJs(weights.map((w) => w.values));
  const model = sequential([
    dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' }),
  ]);
  model.compile({ optimizer: sgd({ learningRate: LR }), loss: 'meanSquaredError' });
  model.setWeights(weights.map((w) => tensor(w.values, w.shape)));
  const fitted = { name: 'simdeep fit', run: () => model.fit(x, y, { epochs: STEPS, batchSize: 4, shuffle: false }),
    loss: () => tidy(() => model.predict(x).sub(y).square().mean().item()) };
  const before = memory().numTensors;
  const seconds = await timeInterleaved([{ setup: () => setThreads(1), cases: [withGrad, fitted, plain] }],
    { minSamples: 5, maxSamples: 5, warmMs: 0, sampleMs: 0 });
  const perStep = (c) => seconds.get(c.name) / STEPS * 1e6;
  const row = table([['implementation', 20], ['µs/step', 9], ['÷ plain JS', 10], ['loss after', 12]]);
  for (const c of [withGrad, fitted, plain]) row([c.name, fmt(perStep(c)), ratio(perStep(c), perStep(plain)), (await c.loss()).toExponential(3)]);
  console.log(`\nµs per full-batch step (4 samples), median of 5 calls of ${STEPS} steps after 1 warm-up call; every case took the`);
  console.log(`same ${6 * STEPS} steps from the same weights. Plain JS is nn.mjs's Float64Array loop (float64; the others float32).`);
  console.log(`The grads loop leaves ${memory().numTensors - before} tensors behind over all its steps.`);
  dispose([x, y, ...vars]);
  model.dispose();
}

export async function run() {
  await setThreads(1);
  const all = digits();
  const yData = oneHot(all.labels.subarray(0, TRAIN));
  const data = { source: all.source, xData: all.x.subarray(0, TRAIN * PIXELS), yData,
    x: tensor(all.x.subarray(0, TRAIN * PIXELS), [TRAIN, PIXELS]), y: tensor(yData, [TRAIN, CLASSES]) };
  const weights = initialWeights();
  await customLoop(data, weights);
  console.log();
  await customLoss(data, weights);
  console.log();
  await micrograd();
  dispose([data.x, data.y]);
}
