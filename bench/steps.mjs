// One training step at a time, as a playground or a custom loop takes them, side by side in one process: simdeep's
// trainOnBatch (a plan cached per batch size), simdeep's fit({ epochs: 1 }) on the same batch (a plan built per
// call), and TensorFlow.js layers' trainOnBatch on its wasm and cpu backends. Two networks: the playground's 2-8-8-1
// (tanh, sigmoid, Adam, binary cross-entropy, batch 10) and MNIST's 784-128-10 (relu, softmax, Adam, batch 64, on
// random pixels: the step's cost does not depend on the values). One thread. Run: npm run bench -- steps
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam, dense, dispose, sequential, setThreads, tensor } from 'simdeep';
import { fmt, otherCpu, ratio, table, timeInterleaved } from './harness.mjs';

// [name, inputs, hidden layers [units, activation], outputs, output activation, loss, batch]
const NETWORKS = [
  ['2-8-8-1, batch 10', 2, [[8, 'tanh'], [8, 'tanh']], 1, 'sigmoid', 'binaryCrossentropy', 10],
  ['784-128-10, batch 64', 784, [[128, 'relu']], 10, 'softmax', 'sparseCategoricalCrossentropy', 64],
];

/** Values in [0, 1) from a fixed linear congruential sequence. */
function values(size, seed) {
  const out = new Float32Array(size);
  let s = seed;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

function simdeepModel([, inputs, hidden, outputs, activation, loss]) {
  const model = sequential([...hidden.map(([units, act], i) => dense({ units, activation: act, ...(i === 0 ? { inputShape: [inputs] } : {}) })),
    dense({ units: outputs, activation })], { seed: 1 });
  model.compile({ optimizer: adam({ learningRate: 0.001 }), loss });
  return model;
}

async function tfjsModel([, inputs, hidden, outputs, activation, loss], backend) {
  await tf.setBackend(backend);
  const model = tfl.sequential({ layers: [...hidden.map(([units, act], i) => tfl.layers.dense({ units, activation: act, ...(i === 0 ? { inputShape: [inputs] } : {}) })),
    tfl.layers.dense({ units: outputs, activation })] });
  model.compile({ optimizer: tf.train.adam(0.001), loss });
  return model;
}

export async function run() {
  tf.enableProdMode();
  await setThreads(1);
  console.log('## steps: one training step on one batch (median µs per step; ratios of time)\n');
  const row = table([['network', 22], ['trainOnBatch', 12], ['fit 1 epoch', 11], ['tfjs wasm', 9], ['tfjs cpu', 9],
    ['fit÷tOB', 7], ['tf-wasm÷sd', 10], ['other CPU', 9]]);
  for (const network of NETWORKS) {
    const [name, inputs, , outputs, , loss, batch] = network;
    const xData = values(batch * inputs, 1);
    const yData = loss === 'binaryCrossentropy' ? values(batch, 2).map((v) => (v < 0.5 ? 0 : 1))
      : values(batch, 2).map((v) => Math.floor(v * outputs));
    const yShape = loss === 'binaryCrossentropy' ? [batch, 1] : [batch];
    const x = tensor(xData, [batch, inputs]), y = tensor(yData, yShape);
    const byBatch = simdeepModel(network), byFit = simdeepModel(network);
    const onTf = async (backend) => {
      const model = await tfjsModel(network, backend);
      return { model, x: tf.tensor(xData, [batch, inputs]), y: tf.tensor(yData, yShape) };
    };
    const wasm = await onTf('wasm'), cpu = await onTf('cpu');
    const load = otherCpu();
    const times = await timeInterleaved([
      { cases: [
        { name: 'trainOnBatch', run: () => byBatch.trainOnBatch(x, y) },
        { name: 'fit', run: () => byFit.fit(x, y, { epochs: 1, batchSize: batch, shuffle: false }) },
      ] },
      { setup: () => tf.setBackend('wasm'), cases: [{ name: 'tfjs-wasm', run: () => wasm.model.trainOnBatch(wasm.x, wasm.y) }] },
      { setup: () => tf.setBackend('cpu'), cases: [{ name: 'tfjs-cpu', run: () => cpu.model.trainOnBatch(cpu.x, cpu.y) }] },
    ], { budgetMs: 1500, maxSamples: 41 });
    const us = (key) => times.get(key) * 1e6;
    row([name, fmt(us('trainOnBatch')), fmt(us('fit')), fmt(us('tfjs-wasm')), fmt(us('tfjs-cpu')),
      ratio(us('fit'), us('trainOnBatch')), ratio(us('tfjs-wasm'), us('trainOnBatch')), load().toFixed(2)]);
    dispose([x, y]);
    byBatch.dispose();
    byFit.dispose();
    for (const t of [wasm, cpu]) {
      t.model.optimizer.dispose();
      t.model.dispose();
      tf.dispose([t.x, t.y]);
    }
  }
  console.log('\nfit÷tOB: fit({ epochs: 1 }) time over trainOnBatch time (the plan built per call); tf-wasm÷sd: tfjs-layers');
  console.log('wasm trainOnBatch time over simdeep trainOnBatch time. simdeep and tfjs run one thread.');
}
