// The classic 3-4-1 sigmoid network of "a neural network in 11 lines of Python", trained twice from the same
// seeded weights: (a) as a model with sequential/compile/fit, (b) with tensor ops line by line like the NumPy
// listing. Run it with `npm run example:classic`, or import main() and pass fewer steps.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dense, dispose, initializers, matmul, memory, sequential, sgd, sigmoid, sub, tensor, tidy } from 'simdeep';

// Four samples of three inputs (the third is always 1); the target is the XOR of the first two.
const INPUTS = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]];
const TARGETS = [[0], [1], [1], [0]];
// Weights uniform in [-1, 1), as the listing's 2 * np.random.random(shape) - 1, seeded per layer.
const hiddenWeights = () => initializers.randomUniform({ min: -1, max: 1, seed: 1 });
const outputWeights = () => initializers.randomUniform({ min: -1, max: 1, seed: 2 });

const fixed = (values) => values.map((v) => v.toFixed(4)).join('  ');

/**
 * (a) The network as a model, without biases like the listing. Mean squared error over 4 samples has the gradient
 * 2/4 · (ŷ − y) per sample, so learning rate 2 takes exactly the listing's step.
 */
export async function trainWithFit(steps) {
  const model = sequential([
    dense({ units: 4, activation: 'sigmoid', inputShape: [3], useBias: false, kernelInitializer: hiddenWeights() }),
    dense({ units: 1, activation: 'sigmoid', useBias: false, kernelInitializer: outputWeights() }),
  ]);
  model.compile({ optimizer: sgd({ learningRate: 2 }), loss: 'meanSquaredError' });
  const x = tensor(INPUTS), y = tensor(TARGETS);
  await model.fit(x, y, { epochs: steps, batchSize: 4, shuffle: false });
  const output = model.predict(x);
  const predictions = Array.from(output.dataSync());
  dispose([x, y, output]);
  model.dispose();
  return predictions;
}

/** (b) The listing's loop on tensors; each step's intermediates are freed by tidy(), the old weights by hand. */
export function trainWithTensorOps(steps) {
  const l0 = tensor(INPUTS), y = tensor(TARGETS);
  let w0 = hiddenWeights().init([3, 4], 3, 4);
  let w1 = outputWeights().init([4, 1], 4, 1);
  const before = memory();
  for (let step = 0; step < steps; step++) {
    const [next0, next1] = tidy(() => {
      const l1 = sigmoid(matmul(l0, w0));
      const l2 = sigmoid(matmul(l1, w1));
      const l2Error = y.sub(l2);
      const l2Delta = l2Error.mul(l2.mul(sub(1, l2))); // sigmoid'(z) = l2 · (1 − l2)
      const l1Error = matmul(l2Delta, w1, { transposeB: true });
      const l1Delta = l1Error.mul(l1.mul(sub(1, l1)));
      return [w0.add(matmul(l0, l1Delta, { transposeA: true })), w1.add(matmul(l1, l2Delta, { transposeA: true }))];
    });
    dispose([w0, w1]);
    [w0, w1] = [next0, next1];
  }
  const after = memory();
  const output = tidy(() => sigmoid(matmul(sigmoid(matmul(l0, w0)), w1)));
  const predictions = Array.from(output.dataSync());
  dispose([l0, y, w0, w1, output]);
  return { predictions, before, after };
}

/** Trains both ways; returns the predictions (one per sample) and the seconds each took. */
export async function main({ steps = 60_000, log = console.log } = {}) {
  log(`The 3-4-1 sigmoid network on ${JSON.stringify(INPUTS)} → ${JSON.stringify(TARGETS.flat())}, ${steps} full-batch steps\n`);

  let start = performance.now();
  const fitPredictions = await trainWithFit(steps);
  const fitSeconds = (performance.now() - start) / 1000;
  log(`(a) sequential + fit (sgd, learning rate 2):   ${fixed(fitPredictions)}   ${fitSeconds.toFixed(2)} s`);

  start = performance.now();
  const raw = trainWithTensorOps(steps);
  const rawSeconds = (performance.now() - start) / 1000;
  log(`(b) tensor ops, as the NumPy listing:          ${fixed(raw.predictions)}   ${rawSeconds.toFixed(2)} s`);
  const live = ({ numTensors, numBytes }) => `${numTensors} tensors (${numBytes} bytes)`;
  log(`    live before and after the loop: ${live(raw.before)}, ${live(raw.after)}`);

  const gap = Math.max(...fitPredictions.map((p, i) => Math.abs(p - raw.predictions[i])));
  log(`\nlargest difference between (a) and (b): ${gap === 0 ? '0, bit-identical' : gap.toExponential(1)}`);
  return {
    fit: { predictions: fitPredictions, seconds: fitSeconds },
    tensorOps: { predictions: raw.predictions, seconds: rawSeconds, memoryBefore: raw.before, memoryAfter: raw.after },
  };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
