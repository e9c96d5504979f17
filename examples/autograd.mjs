// The classic 3-4-1 sigmoid network (examples/classic.mjs) trained by a hand-written loop with autograd, next to
// `fit`: the loss is written in tensor ops, `grads` differentiates it with respect to the weights (variables), and
// each step assigns w − rate · ∂loss/∂w, as micrograd's loop does. Both start from the same seeded weights and take
// the same steps, so their predictions agree to float32 rounding (bit for bit on this network). Run it with `npm run example:autograd`, or import
// main() and pass fewer steps.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dispose, grads, initializers, matmul, memory, tensor, tidy, variable } from 'simdeep';
import { trainWithFit } from './classic.mjs';

const INPUTS = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]];
const TARGETS = [[0], [1], [1], [0]];
const RATE = 2; // on the mean squared error over 4 samples: the classic listing's step, as classic.mjs's fit takes
const hiddenWeights = () => initializers.randomUniform({ min: -1, max: 1, seed: 1 });
const outputWeights = () => initializers.randomUniform({ min: -1, max: 1, seed: 2 });

const fixed = (values) => values.map((v) => v.toFixed(4)).join('  ');

/** (b) A loop by hand: the loss in ops, its gradients by `grads`, the update by `assign`. */
export function trainWithGrad(steps) {
  const x = tensor(INPUTS), y = tensor(TARGETS);
  const w0 = tidy(() => variable(hiddenWeights().init([3, 4], 3, 4)));
  const w1 = tidy(() => variable(outputWeights().init([4, 1], 4, 1)));
  const forward = (a, b) => matmul(matmul(x, a).sigmoid(), b).sigmoid();
  const loss = (a, b) => forward(a, b).sub(y).square().mean();
  const lossAndGradients = grads(loss);
  const before = memory();
  for (let step = 0; step < steps; step++) {
    const [g0, g1] = lossAndGradients([w0, w1]);
    tidy(() => {
      w0.assign(w0.sub(g0.mul(RATE)));
      w1.assign(w1.sub(g1.mul(RATE)));
    });
    dispose([g0, g1]);
  }
  const after = memory();
  const output = forward(w0, w1);
  const predictions = Array.from(output.dataSync());
  dispose([x, y, w0, w1, output]);
  return { predictions, before, after };
}

export { trainWithFit };

/** Trains both ways; returns the predictions (one per sample) and the seconds each took. */
export async function main({ steps = 20_000, log = console.log } = {}) {
  log(`The 3-4-1 sigmoid network on ${JSON.stringify(INPUTS)} → ${JSON.stringify(TARGETS.flat())}, ${steps} full-batch steps\n`);

  const timed = async (train) => {
    const start = performance.now(), result = await train();
    return { result, seconds: (performance.now() - start) / 1000 };
  };
  const fit = await timed(() => trainWithFit(steps)), fitPredictions = fit.result;
  log(`(a) sequential + fit (sgd, learning rate 2):    ${fixed(fitPredictions)}   ${fit.seconds.toFixed(2)} s`);
  const hand = await timed(() => trainWithGrad(steps)), byHand = hand.result;
  log(`(b) a loop with grads and assign:              ${fixed(byHand.predictions)}   ${hand.seconds.toFixed(2)} s`);
  const live = ({ numTensors, numBytes }) => `${numTensors} tensors (${numBytes} bytes)`;
  log(`    live before and after the loop: ${live(byHand.before)}, ${live(byHand.after)}`);

  const gap = Math.max(...fitPredictions.map((p, i) => Math.abs(p - byHand.predictions[i])));
  log(`\nlargest difference between (a) and (b): ${gap === 0 ? '0, bit-identical' : gap.toExponential(1)}`);
  log('(b) takes the same steps as (a) from the same weights, so the two agree to float32 rounding (here, bit for bit).');
  log('(b) runs each op and its backward from JavaScript, so on this tiny network it is slower per step; on layers of');
  log('real size the products dominate (npm run bench -- autograd).');
  return {
    fit: { predictions: fitPredictions, seconds: fit.seconds },
    grad: { predictions: byHand.predictions, seconds: hand.seconds, memoryBefore: byHand.before, memoryAfter: byHand.after },
  };
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
