// Model-level figures that a change of the model or training plan must hold, one thread: (1) MNIST 784-128-10
// training samples/s (ReLU, softmax, Adam 0.001, batch 128, sparse categorical cross-entropy, one fit epoch over
// 8192 digits per call, as nn.mjs measures it); (2) the classic 3-4-1 sigmoid network (SGD lr 2, mean squared
// error, the 4 samples of nn.mjs) trained by fit(x, y, { epochs: 60000, batchSize: 4 }): seconds per fit; (3) predict
// latency of the MNIST MLP at batch 1 (one row per call: tensor() of a Float32Array row, predict, dataSync, both
// tensors disposed) and at batch 64 (the same with 64 rows). Run: npm run bench -- models
//
// SIMDEEP_BASELINE=<path of another build's dist/index.js> loads that build too, in this same process, and times it
// against the current one: the two builds alternate sample by sample (ABAB…, the order flipped every round, so that
// drift and warm-up hit both alike); the table gives each build's median, after/before, the median of the per-round
// time ratios with its quartiles, and whether the current build is within 3 % of the baseline. Without it, the
// current build alone.
import * as current from 'simdeep';
import { alternate, buildsToTime, fmt, median, otherCpu, quantile, table } from './harness.mjs';
import { CLASSES, digits, PIXELS } from './mnist.mjs';
import { plainJs } from './nn.mjs';

const HIDDEN = 128, BATCH = 128, TRAIN = 8192;
const X = [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]], Y = [[0], [1], [1], [0]];
const EPOCHS = 60_000;
const TOLERANCE = 0.03;
// Samples per build (after the warm-up calls): the training figures take one call per sample.
const ROUNDS = { mnist: 21, xor: 21, predict: 41 };
const PREDICT_SAMPLE_MS = 20; // a predict sample repeats the call for about this long

function mnistModel(lib) {
  const { dense, initializers } = lib;
  const model = lib.sequential([
    dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
    dense({ units: CLASSES, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: lib.adam({ learningRate: 0.001 }), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

function xorModel(lib) {
  const { dense, initializers } = lib;
  const model = lib.sequential([
    dense({ units: 4, activation: 'sigmoid', inputShape: [3], kernelInitializer: initializers.randomUniform({ seed: 1 }) }),
    dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.randomUniform({ seed: 2 }) }),
  ]);
  model.compile({ optimizer: lib.sgd({ learningRate: 2 }), loss: 'meanSquaredError' });
  return model;
}

export async function run() {
  const { libs, before, path: baselinePath } = await buildsToTime(current, 'after');

  const data = digits();
  const testRows = data.n - TRAIN, test = data.x.subarray(TRAIN * PIXELS);
  console.log('## models: training and predict figures of the model plan, one thread (medians; ABAB between builds)\n');
  console.log(`after: the current build (dist/)${before ? `; before: ${baselinePath}` : ''}`);
  console.log(`data: ${data.source}; ${TRAIN} train rows, ${testRows} rows for predict`);
  console.log(`load average 1/5/15 min at start: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' / ')}\n`);

  const per = new Map(libs.map(([name, lib]) => [name, {
    lib,
    mnist: mnistModel(lib),
    xTrain: lib.tensor(data.x.subarray(0, TRAIN * PIXELS), [TRAIN, PIXELS]),
    yTrain: lib.tensor(data.labels.subarray(0, TRAIN), [TRAIN]),
    xor: xorModel(lib), xXor: lib.tensor(X), yXor: lib.tensor(Y),
  }]));
  const results = [];
  const measure = async (figure, unit, value, make, options) => {
    const load = otherCpu();
    const { samples, inner } = await alternate(libs.map(([name]) => make(per.get(name))), options);
    results.push({ figure, unit, value, samples, inner, load: load() });
  };

  // (1) one fit epoch over the 8192 train rows per call, a new shuffle seed per call (as nn.mjs).
  await measure('MNIST fit, samples/s', 'samples/s', (s) => TRAIN / s, (p) => {
    let epoch = 0;
    return { run: () => p.mnist.fit(p.xTrain, p.yTrain, { epochs: 1, batchSize: BATCH, shuffle: true, seed: ++epoch }) };
  }, { rounds: ROUNDS.mnist });

  // (2) the whole 60,000-epoch fit per call, the options exactly as given (shuffle by default).
  await measure(`3-4-1 fit ${EPOCHS} epochs`, 'ms/fit', (s) => s * 1e3, (p) => ({
    run: () => p.xor.fit(p.xXor, p.yXor, { epochs: EPOCHS, batchSize: 4 }),
  }), { rounds: ROUNDS.xor });

  // (2b) the same 60,000 steps as nn.mjs's plain-JS Float64Array loop, from the current build's initial weights: the
  // reference the fit of one-batch epochs is held to (≤ 1.2× its time).
  const start = xorModel(current), initial = start.getWeights();
  const plain = plainJs(initial.map((w) => Array.from(w.dataSync())));
  initial.forEach((w) => w.dispose());
  start.dispose();
  const plainMs = [];
  for (let r = 0; r < ROUNDS.xor; r++) {
    const t0 = performance.now();
    for (let done = 0; done < EPOCHS; done += 6000) plain.run(); // run() takes 6,000 steps
    plainMs.push(performance.now() - t0);
  }

  // (3) predict on the (trained) MNIST model, cycling through the held-out rows.
  for (const rows of [1, 64]) {
    await measure(`MNIST predict batch ${rows}`, 'µs/call', (s) => s * 1e6, (p) => {
      const { lib, mnist } = p, blocks = Math.floor(testRows / rows);
      let k = 0;
      return { run() {
        const from = (k++ % blocks) * rows * PIXELS;
        const x = lib.tensor(test.subarray(from, from + rows * PIXELS), [rows, PIXELS]);
        const y = mnist.predict(x);
        y.dataSync();
        x.dispose();
        y.dispose();
      } };
    }, { rounds: ROUNDS.predict, warm: 200, sampleMs: PREDICT_SAMPLE_MS });
  }

  const row = table([['figure', 24], ['unit', 9], ['before', 9], ['after', 9], ['after/before', 12],
    ['time a/b median [q1, q3]', 26], ['within 3%', 9], ['samples', 7], ['other CPU', 9]]);
  for (const { figure, unit, value, samples, inner, load } of results) {
    const a = median(samples[0]), b = before ? median(samples[1]) : undefined;
    const ratios = before ? samples[0].map((t, i) => t / samples[1][i]) : [];
    const r = before ? median(ratios) : undefined;
    row([figure, unit, before ? fmt(value(b)) : '', fmt(value(a)), before ? (value(a) / value(b)).toFixed(3) : '',
      before ? `${r.toFixed(3)} [${quantile(ratios, 0.25).toFixed(3)}, ${quantile(ratios, 0.75).toFixed(3)}]` : '',
      before ? (a / b <= 1 + TOLERANCE ? 'yes' : 'NO') : '', `${samples[0].length}×${inner}`, load.toFixed(2)]);
  }
  console.log('\nbefore/after: the median over the samples of each build; after/before: in the figure\'s unit (samples/s: above');
  console.log('1 is faster; ms/fit and µs/call: below 1 is faster). time a/b: the current build\'s time over the baseline\'s in the');
  console.log('same round, median and quartiles over the rounds. within 3%: median time after ≤ 1.03 × median time before.');
  console.log(`samples: rounds × calls per sample (after 1 warm-up call per build for training, ${PREDICT_SAMPLE_MS * 2} ms of calls for predict).`);
  console.log('other CPU: cores other processes kept busy during that figure (this process excluded).');
  const xorAfter = median(results.find((r) => r.figure.startsWith('3-4-1')).samples[0]) * 1e3;
  console.log(`3-4-1 as a plain-JS Float64Array loop (nn.mjs), ${EPOCHS} steps: ${fmt(median(plainMs))} ms (median of ${ROUNDS.xor}); ` +
    `the current build's fit of ${EPOCHS} one-batch epochs takes ${(xorAfter / median(plainMs)).toFixed(2)}× its time`);

  // A check that both builds did the same work: the losses and accuracies they reach.
  for (const [name, p] of per) {
    const x = p.lib.tensor(test, [testRows, PIXELS]), out = p.mnist.predict(x);
    const scores = out.dataSync();
    let right = 0;
    for (let i = 0; i < testRows; i++) {
      let best = 0;
      for (let j = 1; j < CLASSES; j++) if (scores[i * CLASSES + j] > scores[i * CLASSES + best]) best = j;
      right += best === data.labels[TRAIN + i];
    }
    p.lib.dispose([x, out]);
    console.log(`${name}: MNIST held-out accuracy ${(100 * right / testRows).toFixed(2)}%, 3-4-1 loss ${p.xor.evaluate(p.xXor, p.yXor).loss.toExponential(3)}`);
    p.mnist.dispose();
    p.xor.dispose();
    p.lib.dispose([p.xTrain, p.yTrain, p.xXor, p.yXor]);
  }
}
