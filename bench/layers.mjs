// Training throughput of convolution and embedding models, one thread, Adam 0.001, batch 64, side by side in one run:
// simdeep, TensorFlow.js wasm (with the two training kernels it lacks filled in, bench/tfjs-kernels.mjs), TensorFlow.js
// cpu (a few batches: it is slow) and PyTorch on the CPU (python3 bench/layers_torch.py, when `import torch` works).
// The models (issue "Layers beyond dense", section Measured):
// - small CNN: conv2d(8, 3×3, relu) → maxPooling2d(2) → conv2d(16, 3×3, relu) → maxPooling2d(2) → flatten →
//   dense(10, softmax), sparse categorical cross-entropy, on the mnist package's digits as [n, 28, 28, 1];
// - wide CNN: conv2d(32) → pool → conv2d(64) → pool → flatten → dense(128, relu) → dense(10, softmax), the same data;
// - embedding: ids [64, 100] over a vocabulary of 10,000 → embedding(32) → globalAveragePooling1d → dense(16, relu) →
//   dense(1, sigmoid), binary cross-entropy. The ids are uniform from a seeded generator; the target is 1 when more
//   than half of a row's 100 ids are below 5,000 (a rule a bag of embeddings can learn).
// FLOP per sample counts the products only: 2 × the multiply-adds of the forward, of the weight gradients and of the
// input gradients of every conv and dense layer, less the input gradient of a first layer that reads the data.
// Also: the test accuracy of the small CNN after 3 epochs on 8,000 digits (2,000 held out) for simdeep, TF.js wasm and
// PyTorch; the fraction of the in-process GEMM micro-kernel ceiling (bench/ceiling.mjs) each rate is.
// Environment: LAYERS_MODELS=small,wide,embedding (default all); LAYERS_ACCURACY_EPOCHS (default 3, 0 to skip);
// LAYERS_TFJS_CPU=0 skips the cpu backend; LAYERS_QUICK=1 times fewer, smaller calls (a smoke run);
// SIMDEEP_BASELINE=<another build's dist/index.js> times that build too (models it cannot make are skipped).
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import * as current from 'simdeep';
import { PEAK_NOTE, measurePeaks, peakKernels } from './ceiling.mjs';
import { buildsToTime, fmt, otherCpu, ratio, table, timeInterleaved } from './harness.mjs';
import { digits, generator } from './mnist.mjs';
import { checkKernels, missingKernels, registerMissingKernels } from './tfjs-kernels.mjs';
import { TORCH_ENV, runTorch } from './torch.mjs';

const BATCH = 64, TRAIN = 8000, TEST = 2000, SIDE = 28;
const VOCABULARY = 10_000, LENGTH = 100, SEQUENCES = 8192;
const QUICK = process.env.LAYERS_QUICK === '1';
const ACCURACY_EPOCHS = Number(process.env.LAYERS_ACCURACY_EPOCHS ?? 3);

// Layers as [kind, size, activation]; samples per timed call for each engine (tfjs-cpu 0: not run).
const MODELS = {
  small: { title: 'small CNN', data: 'images', loss: 'sparseCategoricalCrossentropy',
    layers: [['conv2d', 8], ['maxPooling2d'], ['conv2d', 16], ['maxPooling2d'], ['flatten'], ['dense', 10, 'softmax']],
    perCall: { simdeep: 4096, wasm: 1024, cpu: 128 }, torchSteps: 40, targets: { wasm: 5, torch: 1 } },
  wide: { title: 'wide CNN', data: 'images', loss: 'sparseCategoricalCrossentropy',
    layers: [['conv2d', 32], ['maxPooling2d'], ['conv2d', 64], ['maxPooling2d'], ['flatten'], ['dense', 128, 'relu'], ['dense', 10, 'softmax']],
    perCall: { simdeep: 1024, wasm: 256, cpu: 0 }, torchSteps: 8, targets: { wasm: 5, torch: 0.8 } },
  embedding: { title: 'embedding', data: 'tokens', loss: 'binaryCrossentropy',
    layers: [['embedding', 32], ['globalAveragePooling1d'], ['dense', 16, 'relu'], ['dense', 1, 'sigmoid']],
    // tfjs-cpu's UnsortedSegmentSum (the embedding gradient) runs one masked sum over all rows per vocabulary entry:
    // a single batch takes minutes, so it is not run.
    perCall: { simdeep: 8192, wasm: 2048, cpu: 0 }, torchSteps: 100, targets: { wasm: 10, torch: 1 } },
};

/** FLOP per training sample of a model's products (see the header), from its layers' shapes. */
export function flopsPerSample({ layers, data }) {
  let shape = data === 'images' ? [SIDE, SIDE, 1] : [LENGTH], total = 0, trainableBefore = false;
  for (const [kind, size] of layers) {
    let macs = 0;
    if (kind === 'conv2d') {
      const [h, w, c] = shape;
      shape = [h - 2, w - 2, size];
      macs = (h - 2) * (w - 2) * 9 * c * size;
    } else if (kind === 'maxPooling2d') shape = [Math.floor(shape[0] / 2), Math.floor(shape[1] / 2), shape[2]];
    else if (kind === 'flatten') shape = [shape.reduce((a, b) => a * b, 1)];
    else if (kind === 'dense') {
      macs = shape[0] * size;
      shape = [size];
    } else if (kind === 'embedding') shape = [shape[0], size];
    else if (kind === 'globalAveragePooling1d') shape = [shape[1]];
    if (macs) total += 2 * macs * (trainableBefore ? 3 : 2);
    trainableBefore ||= macs > 0 || kind === 'embedding';
  }
  return total;
}

// The same model in each JS library: `make(kind, size, activation, first)` gives one layer.
function simdeepModel(lib, spec) {
  const L = lib.layers, input = spec.data === 'images' ? { inputShape: [SIDE, SIDE, 1] } : { inputShape: [LENGTH] };
  const make = ([kind, size, activation], i) => {
    const first = i === 0 ? input : {};
    if (kind === 'conv2d') return L.conv2d({ filters: size, kernelSize: 3, activation: 'relu', ...first });
    if (kind === 'maxPooling2d') return L.maxPooling2d({ poolSize: 2 });
    if (kind === 'flatten') return L.flatten();
    if (kind === 'dense') return L.dense({ units: size, activation, ...first });
    if (kind === 'embedding') return L.embedding({ inputDim: VOCABULARY, outputDim: size, ...first });
    return L.globalAveragePooling1d();
  };
  const model = lib.sequential(spec.layers.map(make), { seed: 1 });
  model.compile({ optimizer: lib.adam({ learningRate: 0.001 }), loss: spec.loss });
  return model;
}

function tfjsModel(spec) {
  const L = tfl.layers, input = spec.data === 'images' ? { inputShape: [SIDE, SIDE, 1] } : { inputShape: [LENGTH] };
  const model = tfl.sequential({ layers: spec.layers.map(([kind, size, activation], i) => {
    const first = i === 0 ? input : {};
    if (kind === 'conv2d') return L.conv2d({ filters: size, kernelSize: 3, activation: 'relu', ...first });
    if (kind === 'maxPooling2d') return L.maxPooling2d({ poolSize: 2 });
    if (kind === 'flatten') return L.flatten();
    if (kind === 'dense') return L.dense({ units: size, activation, ...first });
    if (kind === 'embedding') return L.embedding({ inputDim: VOCABULARY, outputDim: size, inputLength: LENGTH, ...first });
    return L.globalAveragePooling1d();
  }) });
  model.compile({ optimizer: tf.train.adam(0.001), loss: spec.loss });
  return model;
}

/** The data of both kinds: digits as [n, 28, 28, 1] with labels, and id rows with their 0/1 targets. */
function makeData() {
  const images = digits();
  const random = generator(7), ids = new Float32Array(SEQUENCES * LENGTH), targets = new Float32Array(SEQUENCES);
  for (let r = 0; r < SEQUENCES; r++) {
    let low = 0;
    for (let j = 0; j < LENGTH; j++) low += (ids[r * LENGTH + j] = Math.floor(random() * VOCABULARY)) < VOCABULARY / 2;
    targets[r] = +(low > LENGTH / 2);
  }
  return { images, tokens: { ids, targets } };
}

/** The first `rows` samples of a model's data as [x, y]: `make(values, shape, kind)` builds a tensor of a library. */
function rowsOf(data, spec, rows, make) {
  if (spec.data === 'images') {
    return [make(data.images.x.subarray(0, rows * SIDE * SIDE), [rows, SIDE, SIDE, 1]), make(data.images.labels.subarray(0, rows), [rows])];
  }
  return [make(data.tokens.ids.subarray(0, rows * LENGTH), [rows, LENGTH], 'ids'), make(data.tokens.targets.subarray(0, rows), [rows, 1])];
}
const tfTensor = (values, shape, kind) => tf.tensor(kind === 'ids' ? Int32Array.from(values) : values, shape, kind === 'ids' ? 'int32' : 'float32');

/** Each case times one fit epoch over its first `samples` rows: { name, engine, samples, run, dispose }. */
function simdeepCase(name, lib, spec, data, samples) {
  const model = simdeepModel(lib, spec), [x, y] = rowsOf(data, spec, samples, (v, s) => lib.tensor(v, s));
  const c = { name, engine: 'simdeep', lib, samples, loss: NaN };
  let epoch = 0;
  return Object.assign(c, { run: () => model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, seed: ++epoch }).then(lastLoss(c)),
    dispose() { model.dispose(); lib.dispose([x, y]); } });
}
// Keeps the mean loss of a case's latest fit epoch in c.loss (a check that every engine learns the same task).
const lastLoss = (c) => (history) => { c.loss = history.history.loss.at(-1); };

async function tfjsCase(backend, spec, data, samples) {
  await tf.setBackend(backend);
  const model = tfjsModel(spec), [x, y] = rowsOf(data, spec, samples, tfTensor);
  const c = { name: `tfjs-${backend}`, engine: backend, samples, loss: NaN };
  return Object.assign(c, { run: () => model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 }).then(lastLoss(c)),
    dispose() { model.optimizer.dispose(); model.dispose(); tf.dispose([x, y]); } });
}

/** What stock tfjs-wasm says when asked to fit the model (one batch), before the missing kernels are filled in. */
async function stockFit(spec, data) {
  const c = await tfjsCase('wasm', spec, data, BATCH);
  try {
    await c.run();
    return 'trained (no kernel missing)';
  } catch (error) {
    return `throws "${error.message}"`;
  } finally {
    c.dispose();
  }
}

/** PyTorch's figures from bench/layers_torch.py (the data written to files for it), or why there are none. */
function torchFigures(data, names) {
  const settings = { batch: BATCH, train: TRAIN, test: TEST, vocabulary: VOCABULARY, length: LENGTH, models: names,
    images: data.images.n, sequences: SEQUENCES, rounds: QUICK ? 3 : 7, warmSteps: QUICK ? 3 : 10, accuracyEpochs: ACCURACY_EPOCHS,
    steps: Object.fromEntries(names.map((n) => [n, QUICK ? Math.ceil(MODELS[n].torchSteps / 4) : MODELS[n].torchSteps])) };
  const files = { pixelsPath: data.images.x, labelsPath: data.images.labels, idsPath: data.tokens.ids, targetsPath: data.tokens.targets };
  return runTorch('layers_torch.py', settings, files);
}

/**
 * The wide CNN's second convolution alone, as the conv2d tensor op of each build (forward, im2col and the output's
 * allocation included), timed among the micro-kernel ceiling's calls: GFLOP/s and the fraction of the ceiling.
 */
async function convProduct(libs, kernels, build) {
  const [n, h, c, f] = [BATCH, 13, 32, 64], flops = 2 * n * (h - 2) * (h - 2) * 9 * c * f;
  const shapes = `[${n},${h},${h},${c}] * [3,3,${c},${f}]`, random = generator(3);
  const made = libs.filter(([, lib]) => typeof lib.conv2d === 'function').map(([name, lib]) => {
    const x = lib.tensor(Float32Array.from({ length: n * h * h * c }, random), [n, h, h, c]);
    const w = lib.tensor(Float32Array.from({ length: 9 * c * f }, () => random() - 0.5), [3, 3, c, f]);
    return { name, lib, x, w, run: () => lib.conv2d(x, w, 1, 'valid').dispose() };
  });
  if (made.length === 0) return console.log('conv2d op: none of the builds has the conv2d tensor op');
  const seconds = await timeInterleaved([{ setup: () => Promise.all(made.map((m) => m.lib.setThreads(1))), cases: [...made, ...kernels] }],
    { budgetMs: QUICK ? 300 : 1500, maxSamples: 21, sampleMs: 20 });
  const ceiling = kernels.find((k) => k.name === build);
  const peak = ceiling.flops / seconds.get(build) / 1e9;
  for (const m of made) {
    const rate = flops / seconds.get(m.name) / 1e9;
    console.log(`${m.name} conv2d op, the wide CNN's second convolution ${shapes} forward (im2col included): ${fmt(rate)} GFLOP/s, ` +
      `${((100 * rate) / peak).toFixed(0)}% of the ${build} ceiling timed alongside (${fmt(peak)} GFLOP/s)`);
    m.lib.dispose([m.x, m.w]);
  }
}

/**
 * Test accuracy of the small CNN after ACCURACY_EPOCHS over the training digits: simdeep's (each build) and
 * tfjs-wasm's, the latter from the current build's initial weights (both hold them in Keras's layout), so that the
 * two differ only in the order of the samples and in rounding.
 */
async function smallCnnAccuracy(libs, data) {
  const { images } = data, spec = MODELS.small, rows = [];
  let initial;
  const argmaxRate = (scores, labels) => {
    let right = 0;
    for (let i = 0; i < labels.length; i++) {
      let best = 0;
      for (let j = 1; j < 10; j++) if (scores[i * 10 + j] > scores[i * 10 + best]) best = j;
      right += best === labels[i];
    }
    return right / labels.length;
  };
  const testX = images.x.subarray(TRAIN * SIDE * SIDE, (TRAIN + TEST) * SIDE * SIDE), testLabels = images.labels.subarray(TRAIN, TRAIN + TEST);
  for (const [name, lib] of libs) {
    let model;
    try {
      model = simdeepModel(lib, spec);
    } catch {
      continue; // said in the throughput table
    }
    if (!initial) {
      const weights = model.getWeights();
      initial = weights.map((w) => ({ shape: w.shape, values: w.dataSync().slice() }));
      lib.dispose(weights);
    }
    const [x, y] = rowsOf(data, spec, TRAIN, (v, s) => lib.tensor(v, s));
    const t0 = performance.now();
    await model.fit(x, y, { epochs: ACCURACY_EPOCHS, batchSize: BATCH, seed: 1 });
    const seconds = (performance.now() - t0) / 1e3, tx = lib.tensor(testX, [TEST, SIDE, SIDE, 1]), out = model.predict(tx);
    rows.push([name, argmaxRate(out.dataSync(), testLabels), seconds]);
    lib.dispose([x, y, tx, out]);
    model.dispose();
  }
  await tf.setBackend('wasm');
  const model = tfjsModel(spec), [x, y] = rowsOf(data, spec, TRAIN, tfTensor);
  if (initial) tf.tidy(() => model.setWeights(initial.map(({ shape, values }) => tf.tensor(values, shape))));
  const t0 = performance.now();
  await model.fit(x, y, { epochs: ACCURACY_EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1e3;
  rows.push(['tfjs-wasm', argmaxRate(tf.tidy(() => model.predict(tf.tensor4d(testX, [TEST, SIDE, SIDE, 1])).dataSync()), testLabels), seconds]);
  model.optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return rows;
}

export async function run() {
  tf.enableProdMode();
  const names = (process.env.LAYERS_MODELS ?? Object.keys(MODELS).join(',')).split(',');
  const unknown = names.filter((n) => !(n in MODELS));
  if (unknown.length) throw new Error(`bench layers: unknown model ${unknown.join(', ')} in LAYERS_MODELS; known: ${Object.keys(MODELS).join(', ')}`);
  const { libs, before, path } = await buildsToTime(current, 'simdeep');
  const data = makeData();
  const cpuOn = process.env.LAYERS_TFJS_CPU !== '0';
  console.log(`## layers: CNN and embedding training, 1 thread, Adam 0.001, batch ${BATCH}${QUICK ? ' (LAYERS_QUICK: a smoke run, rough figures)' : ''}\n`);
  console.log(`data: ${data.images.source}; ${SEQUENCES} rows of ${LENGTH} ids < ${VOCABULARY} (seeded), target: more than half below ${VOCABULARY / 2}`);
  console.log(`simdeep: the current build (dist/)${before ? `; before: ${path}` : ''}; GEMM: ${current.threads().gemm}`);
  console.log(`load average 1/5/15 min at start: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);

  await tf.setBackend('wasm');
  const missing = missingKernels();
  console.log(`stock tfjs-wasm ${tf.version_core} (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ${getThreadsCount()} thread): kernels missing for training: ${missing.join(', ') || 'none'}`);
  if (missing.length) {
    // One model of each kind of data is enough: the wide CNN needs the same kernel as the small one.
    const probes = ['images', 'tokens'].map((kind) => names.find((n) => MODELS[n].data === kind)).filter(Boolean);
    for (const n of probes) console.log(`  fit of the ${MODELS[n].title} ${await stockFit(MODELS[n], data)}`);
    registerMissingKernels();
    console.log(`  filled in by bench/tfjs-kernels.mjs; against tfjs-cpu's kernels they differ by ${(await checkKernels()).toExponential(1)} of the largest value`);
  }
  const torch = torchFigures(data, names);
  console.log(torch.missing ? `PyTorch: none (${torch.missing})` : `PyTorch ${torch.torch} (${torch.python}), ${torch.threads} thread, ${Object.entries(TORCH_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log();

  const kernels = peakKernels(), build = current.threads().relaxedSimd ? 'relaxed' : 'baseline';
  const row = table([['model', 10], ['engine', 12], ['samples/s', 9], ['MFLOP/sample', 12], ['GFLOP/s', 7], ['of ceiling', 10],
    ['simdeep ÷ this', 14], ['target', 6], ['last loss', 9], ['other CPU', 9]]);
  const verdicts = [];
  for (const name of names) {
    const spec = MODELS[name], flops = flopsPerSample(spec), scale = QUICK ? 4 : 1;
    const ceilingBefore = (await measurePeaks(kernels)).get(build);
    const cases = [];
    for (const [label, lib] of libs) {
      try {
        cases.push(simdeepCase(label, lib, spec, data, spec.perCall.simdeep / scale));
      } catch (error) {
        console.log(`${label} cannot make the ${spec.title}: ${error.message}`);
      }
    }
    const wasm = await tfjsCase('wasm', spec, data, spec.perCall.wasm / scale);
    const cpu = cpuOn && spec.perCall.cpu ? await tfjsCase('cpu', spec, data, spec.perCall.cpu) : undefined;
    const load = otherCpu();
    const seconds = await timeInterleaved([
      { setup: () => Promise.all(libs.map(([, lib]) => lib.setThreads(1))), cases: cases.filter((c) => c.engine === 'simdeep') },
      { setup: () => tf.setBackend('wasm'), cases: [wasm] },
    ], { minSamples: 3, maxSamples: QUICK ? 3 : 9, budgetMs: QUICK ? 500 : 4000, sampleMs: 0, warmMs: 0 });
    if (cpu) {
      await tf.setBackend('cpu');
      const t0 = performance.now();
      await cpu.run();
      seconds.set(cpu.name, (performance.now() - t0) / 1e3); // one call, none to warm: its first batch alone takes seconds
    }
    const used = load(), ceilingAfter = (await measurePeaks(kernels)).get(build), ceiling = (ceilingBefore + ceilingAfter) / 2;
    const all = [...cases, wasm, ...(cpu ? [cpu] : [])];
    const rates = new Map(all.map((c) => [c.name, c.samples / seconds.get(c.name)]));
    const losses = new Map(all.map((c) => [c.name, c.loss]));
    const torchRate = torch.models?.[name]?.samplesPerSecond;
    if (torchRate) {
      rates.set('pytorch', torchRate);
      losses.set('pytorch', torch.models[name].loss);
    }
    const ours = rates.get('simdeep');
    for (const [engine, rate] of rates) {
      const target = engine === 'tfjs-wasm' ? spec.targets.wasm : engine === 'pytorch' ? spec.targets.torch : undefined;
      row([engine === [...rates.keys()][0] ? spec.title : '', engine, fmt(rate), (flops / 1e6).toPrecision(4), fmt((rate * flops) / 1e9),
        `${((100 * rate * flops) / 1e9 / ceiling).toFixed(0)}%`, engine.startsWith('simdeep') ? '' : ratio(ours, rate),
        target ? `≥ ${target}×` : '', losses.get(engine)?.toFixed(4) ?? '', engine === 'simdeep' ? `${used.toFixed(2)}` : '']);
      if (target && ours) verdicts.push(`${spec.title}: simdeep ${ratio(ours, rate)} ${engine}, target ≥ ${target}×: ${ours / rate >= target ? 'met' : 'NOT met'}`);
    }
    console.log(`${''.padEnd(10)} ceiling ${build} ${fmt(ceiling)} GFLOP/s (${PEAK_NOTE}): the mean of ${fmt(ceilingBefore)} before this model's cases and ${fmt(ceilingAfter)} after`);
    for (const c of all) c.dispose();
  }

  if (names.includes('wide')) {
    console.log();
    await convProduct(libs, kernels, build);
  }
  if (ACCURACY_EPOCHS > 0) {
    console.log(`\nsmall CNN, test accuracy on ${TEST} held-out digits after ${ACCURACY_EPOCHS} epochs over ${TRAIN} (batch ${BATCH}, Adam 0.001;`);
    console.log('tfjs-wasm from simdeep\'s initial weights, PyTorch from its own):');
    const accuracy = await smallCnnAccuracy(libs, data);
    if (torch.smallAccuracy) accuracy.push(['pytorch', torch.smallAccuracy.accuracy, torch.smallAccuracy.seconds]);
    for (const [name, value, seconds] of accuracy) console.log(`  ${name.padEnd(10)} ${value.toFixed(4)}   (${seconds.toFixed(1)} s of training)`);
    const ours = accuracy.find(([n]) => n === 'simdeep')?.[1], peer = accuracy.find(([n]) => n === 'tfjs-wasm')[1];
    if (ours !== undefined) verdicts.push(`small CNN accuracy: simdeep ${ours.toFixed(4)}, tfjs-wasm ${peer.toFixed(4)}, target ≥ tfjs − 0.01: ${ours >= peer - 0.01 ? 'met' : 'NOT met'}`);
  }
  console.log(`\nsamples/s: simdeep and tfjs-wasm: a fit epoch over ${QUICK ? 'a quarter of ' : ''}${Object.values(MODELS).map((m) => m.perCall.simdeep).join('/')} and ` +
    `${Object.values(MODELS).map((m) => m.perCall.wasm).join('/')} rows per call, median of the calls after one to warm, interleaved;`);
  console.log('tfjs-cpu: one epoch of 2 batches of the small CNN, timed once (the others would take minutes). PyTorch: the median');
  console.log('of rounds of steps after warm-up steps, in its own process after this one\'s TF.js checks. GFLOP/s: samples/s × MFLOP/sample');
  console.log('(products only, see the header); of ceiling: that over the micro-kernel ceiling of simdeep\'s GEMM build in this process');
  console.log('(the mean of its figures right before and right after the model\'s cases).');
  console.log('last loss: the mean training loss of the latest timed epoch (PyTorch: of its last step), a check that all learn.');
  console.log('other CPU: cores that other processes kept busy meanwhile (this process and its children excluded).');
  for (const v of verdicts) console.log(v);
}
