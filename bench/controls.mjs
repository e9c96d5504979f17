// What the training controls cost in the fused loop, one thread, in this one process: the MNIST MLP of models.mjs
// (784-128-10, ReLU, softmax, Adam, batch 128, sparse categorical cross-entropy, one fit epoch over 8192 digits per
// call) plain, and with a cosine-decay learning rate, clipNorm and the AUC metric together (the target: ≥ 0.95× the
// plain model's samples/s), then each control alone and a few others, to show where any cost comes from. The cases
// alternate sample by sample (the order flipped every round). Run: npm run bench -- controls
import * as sd from 'simdeep';
import { alternate, fmt, median, otherCpu, quantile, table } from './harness.mjs';
import { CLASSES, digits, PIXELS } from './mnist.mjs';

const HIDDEN = 128, BATCH = 128, TRAIN = 8192, ROUNDS = 21, TARGET = 0.95;
const STEPS = 64 * (TRAIN / BATCH); // the schedule's decay spans 64 epochs: every call is inside it

const cosine = () => sd.cosineDecay({ initialLearningRate: 0.001, decaySteps: STEPS, alpha: 0.1 });
const CASES = [
  ['plain', {}, []],
  ['cosine decay + clipNorm + AUC', { learningRate: cosine(), clipNorm: 1 }, ['auc']],
  ['cosine decay', { learningRate: cosine() }, []],
  ['clipNorm 1', { clipNorm: 1 }, []],
  ['globalClipNorm 1', { globalClipNorm: 1 }, []],
  ['clipValue 0.01', { clipValue: 0.01 }, []],
  ['AUC', {}, ['auc']],
  ['accuracy', {}, ['accuracy']],
  ['precision + recall', {}, ['precision', 'recall']],
];

function model(optimizer, metrics) {
  const m = sd.sequential([
    sd.dense({ units: HIDDEN, activation: 'relu', inputShape: [PIXELS], kernelInitializer: sd.initializers.glorotUniform({ seed: 1 }) }),
    sd.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: sd.initializers.glorotUniform({ seed: 2 }) }),
  ]);
  m.compile({ optimizer: sd.adam({ learningRate: 0.001, ...optimizer }), loss: 'sparseCategoricalCrossentropy', metrics });
  return m;
}

export async function run() {
  await sd.setThreads(1);
  const data = digits();
  const x = sd.tensor(data.x.subarray(0, TRAIN * PIXELS), [TRAIN, PIXELS]), y = sd.tensor(data.labels.subarray(0, TRAIN), [TRAIN]);
  console.log('## controls: MNIST MLP fit with learning-rate schedules, clipping and metrics, one thread (ABAB… per round)\n');
  console.log(`data: ${data.source}; ${TRAIN} train rows, batch ${BATCH}, one epoch per call, ${ROUNDS} rounds`);
  console.log(`load average 1/5/15 min at start: ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' / ')}\n`);

  const models = CASES.map(([, optimizer, metrics]) => model(optimizer, metrics));
  const lastLogs = CASES.map(() => ({}));
  const load = otherCpu();
  const { samples } = await alternate(models.map((m, k) => {
    let epoch = 0;
    return { run: async () => {
      const history = await m.fit(x, y, { epochs: 1, batchSize: BATCH, seed: ++epoch });
      lastLogs[k] = Object.fromEntries(Object.entries(history.history).map(([key, v]) => [key, v[0]]));
    } };
  }), { rounds: ROUNDS });
  const cpu = load();

  const row = table([['case', 30], ['samples/s', 10], ['÷ plain', 8], ['time plain/case per round [q1, q3]', 36], ['last epoch logs', 40]]);
  const plain = samples[0];
  CASES.forEach(([name], k) => {
    const ratios = samples[k].map((t, i) => plain[i] / t);
    const logs = Object.entries(lastLogs[k]).map(([key, v]) => `${key} ${v.toFixed(4)}`).join(', ');
    row([name, fmt(TRAIN / median(samples[k])), (median(plain) / median(samples[k])).toFixed(3),
      k ? `${median(ratios).toFixed(3)} [${quantile(ratios, 0.25).toFixed(3)}, ${quantile(ratios, 0.75).toFixed(3)}]` : '', logs]);
  });
  const together = samples[1].map((t, i) => plain[i] / t);
  console.log(`\n÷ plain: samples/s over the plain model's (medians); per round: the plain fit's time over the case's in the same round.`);
  console.log(`cosine decay + clipNorm + AUC at ${median(together).toFixed(3)}× the plain model's samples/s (median per round): ` +
    `${median(together) >= TARGET ? 'meets' : 'MISSES'} the target ${TARGET}×.`);
  console.log(`other CPU: other processes kept ${cpu.toFixed(2)} cores busy on average (this process excluded).`);
  models.forEach((m) => m.dispose());
  sd.dispose([x, y]);
}
