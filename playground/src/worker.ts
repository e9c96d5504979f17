// The training worker: simdeep trains here, so the page stays responsive. A step is one batch through
// `model.trainOnBatch(xBatch, yBatch)` (the model keeps its training plan between steps); the batches come from a
// seeded shuffle of the training rows per epoch, so the same settings give the same run whether it is played, paused
// or stepped. While running, a snapshot (weights, losses, accuracy, heatmap, the chosen sample's forward pass) goes to
// the page about every 100 ms.
import {
  adagrad, adam, Dense, dense, layers, model, rmsprop, sequential, setThreads, sgd, tensor, threads, initializers, type Model, type Sequential,
  type Tensor,
} from 'simdeep';
import { makeData, permutation, random } from './datasets';
import type { DataView, ForwardLayer, FromWorker, Settings, Snapshot, ToWorker } from './protocol';

const post = (message: FromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(message, transfer);
const GRID = 50;
const SNAPSHOT_MS = 100;
const SLICE_MS = 25;
const MAX_POINTS = 600;

interface Run {
  settings: Settings;
  data: DataView;
  model: Sequential;
  /**
   * The model's layers with every layer's output as an output of its own (sharing the weights): its predict runs the
   * model's own forward pass and gives each dense layer's weighted sums and each activation's outputs.
   */
  probe: Model<Tensor[]>;
  /** Activation name of each dense layer (the activation layer after it). */
  activations: string[];
  x: { train: Tensor; test: Tensor };
  y: { train: Tensor; test: Tensor };
  grid: Tensor | null;
  step: number;
  order: number[];
  history: Snapshot['history'];
  /** Losses are recorded every `every` steps; it doubles when the history passes MAX_POINTS, which keeps every other point. */
  every: number;
  sample: { split: 'train' | 'test'; index: number } | null;
}

let run: Run | null = null;
let running = false;
let loop: Promise<void> = Promise.resolve();

function outputUnits(settings: Settings, data: DataView): number {
  const classes = data.classes.length;
  if (classes === 1) return 1; // a regression target in [0, 1]
  return settings.output === 'sigmoid' && classes === 2 ? 1 : classes;
}

function targets(labels: number[], units: number): Tensor {
  if (units === 1) return tensor(labels.map((v) => [v]), [labels.length, 1]);
  return tensor(labels.map((v) => Array.from({ length: units }, (_, c) => (c === v ? 1 : 0))), [labels.length, units]);
}

function optimizer(settings: Settings) {
  const options = { learningRate: settings.learningRate };
  return { sgd, adam, rmsprop, adagrad }[settings.optimizer](options);
}

async function build(settings: Settings): Promise<Run> {
  const data = await makeData(settings);
  const inputs = data.features.length, units = outputUnits(settings, data);
  const init = (i: number) => initializers.glorotUniform({ seed: settings.seed * 1000 + i });
  // Each layer is a dense layer (its weighted sums Z) and an activation layer (A = activation(Z)), so that the forward
  // view reads both from the model's own forward pass; the loss fuses with the output activation as with dense's own.
  const activations = [...settings.hidden.map((h) => h.activation), settings.output];
  const net = sequential([...settings.hidden.map((h) => h.units), units].flatMap((n, i) => [
    dense({ units: n, kernelInitializer: init(i), ...(i === 0 ? { inputShape: [inputs] } : {}) }),
    layers.activation({ activation: activations[i] }),
  ]));
  const probe = model({ inputs: net.inputs, outputs: net.layers.map((layer) => layer.calls[0].output) }) as Model<Tensor[]>;
  net.compile({ optimizer: optimizer(settings), loss: settings.loss, metrics: ['accuracy'] });
  const x = { train: tensor(data.xTrain, [data.xTrain.length, inputs]), test: tensor(data.xTest, [data.xTest.length, inputs]) };
  const y = { train: targets(data.yTrain, units), test: targets(data.yTest, units) };
  let grid: Tensor | null = null;
  if (inputs === 2) {
    // Row r from the top (x2 = extent) to the bottom, column c from the left (x1 = -extent).
    const points: number[][] = [];
    const at = (i: number) => -data.extent + ((i + 0.5) / GRID) * 2 * data.extent;
    for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) points.push([at(c), -at(r)]);
    grid = tensor(points, [GRID * GRID, 2]);
  }
  const every = Math.max(1, Math.ceil((data.xTrain.length + data.xTest.length) / 4000));
  return { settings, data, model: net, probe, activations, x, y, grid, step: 0, order: [], history: { steps: [], loss: [], valLoss: [] }, every, sample: null };
}

function dispose(r: Run): void {
  r.probe.dispose(); // frees nothing of the model's: it only shares its layers
  r.model.dispose();
  for (const t of [r.x.train, r.x.test, r.y.train, r.y.test, r.grid]) t?.dispose();
}

/** One gradient step on the next batch of the current epoch's seeded order. */
async function trainStep(r: Run): Promise<void> {
  const n = r.data.xTrain.length, size = Math.min(r.settings.batchSize, n);
  const perEpoch = Math.ceil(n / size), epoch = Math.floor(r.step / perEpoch), b = r.step % perEpoch;
  if (b === 0) r.order = permutation(n, random(r.settings.seed * 7919 + epoch + 1));
  const rows = r.order.slice(b * size, (b + 1) * size);
  const xb = r.x.train.gather(rows, 0), yb = r.y.train.gather(rows, 0);
  try {
    await r.model.trainOnBatch(xb, yb);
  } finally {
    xb.dispose();
    yb.dispose();
  }
  r.step++;
  if (r.step % r.every === 0) record(r);
}

/** Appends the losses on the training and test rows at the current step to the history. */
function record(r: Run): void {
  const h = r.history;
  if (h.steps.at(-1) === r.step) return;
  h.steps.push(r.step);
  h.loss.push(evaluate(r, 'train').loss);
  h.valLoss.push(evaluate(r, 'test').loss);
  if (h.steps.length > MAX_POINTS) {
    r.every *= 2;
    const keep = h.steps.map((s, i) => s % r.every === 0 || i === h.steps.length - 1);
    for (const key of ['steps', 'loss', 'valLoss'] as const) h[key] = h[key].filter((_, i) => keep[i]);
  }
}

function evaluate(r: Run, split: 'train' | 'test'): { loss: number; accuracy: number } {
  if (r.data[split === 'train' ? 'xTrain' : 'xTest'].length === 0) return { loss: NaN, accuracy: NaN };
  const logs = r.model.evaluate(r.x[split], r.y[split]);
  return { loss: logs.loss, accuracy: logs.accuracy };
}

/** The forward pass of one sample, layer by layer: the model's own forward (the probe), on its current weights. */
function forward(r: Run, split: 'train' | 'test', index: number): ForwardLayer[] {
  const rows = split === 'train' ? r.data.xTrain : r.data.xTest;
  const row = rows[Math.min(index, rows.length - 1)];
  const x = tensor([row]);
  const outputs = r.probe.predict(x), values = outputs.map((t) => Array.from(t.dataSync()));
  const weights = r.model.getWeights();
  const layers = r.activations.map((activation, i): ForwardLayer => ({
    activation, input: i === 0 ? Array.from(x.dataSync()) : values[2 * i - 1], kernel: weights[2 * i].toArray() as number[][], bias: Array.from(weights[2 * i + 1].dataSync()),
    sums: values[2 * i], outputs: values[2 * i + 1],
  }));
  for (const t of [x, ...outputs, ...weights]) t.dispose();
  return layers;
}

function snapshot(r: Run): void {
  const train = evaluate(r, 'train'), test = evaluate(r, 'test');
  record(r);
  const h = r.history;
  const tensors = r.model.getWeights();
  const weights = r.activations.map((_, i) => ({ kernel: tensors[2 * i].toArray() as number[][], bias: Array.from(tensors[2 * i + 1].dataSync()) }));
  for (const t of tensors) t.dispose();
  let heatmap: Snapshot['heatmap'] = null;
  if (r.grid) {
    const p = r.model.predict(r.grid);
    heatmap = { grid: GRID, outputs: p.shape[1], values: p.dataSync().slice() };
    p.dispose();
  }
  const n = r.data.xTrain.length, perEpoch = Math.ceil(n / Math.min(r.settings.batchSize, n));
  const message: Snapshot = { step: r.step, epoch: Math.floor(r.step / perEpoch), running, weights,
    history: { steps: [...h.steps], loss: [...h.loss], valLoss: [...h.valLoss] },
    trainAccuracy: train.accuracy, testAccuracy: test.accuracy, heatmap,
    forward: r.sample ? { ...r.sample, layers: forward(r, r.sample.split, r.sample.index) } : null };
  post({ type: 'snapshot', snapshot: message }, heatmap ? [heatmap.values.buffer] : []);
}

async function play(r: Run): Promise<void> {
  let lastSnapshot = performance.now();
  // Past the pause step, Start trains on until paused.
  const limit = r.settings.stopAt > r.step ? r.settings.stopAt : Infinity;
  while (running && run === r) {
    const until = performance.now() + SLICE_MS;
    while (running && performance.now() < until) {
      await trainStep(r);
      if (r.step >= limit) running = false;
    }
    if (!running || performance.now() - lastSnapshot >= SNAPSHOT_MS) {
      snapshot(r);
      lastSnapshot = performance.now();
    }
    // Let pause, step and reset messages in.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

async function stop(): Promise<void> {
  running = false;
  await loop;
}

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'reset') {
    await stop();
    if (run) dispose(run);
    run = null;
    run = await build(message.settings);
    const denses = run.model.layers.filter((l): l is Dense => l instanceof Dense);
    post({ type: 'data', data: run.data, layers: denses.map((l, i) => ({ units: l.units, activation: run!.activations[i] })) });
    snapshot(run);
    return;
  }
  if (!run) return;
  if (message.type === 'start') {
    if (running) return;
    running = true;
    const r = run;
    loop = play(r).catch((error) => {
      running = false;
      post({ type: 'error', message: String((error as Error)?.message ?? error) });
      snapshot(r);
    });
  } else if (message.type === 'pause') {
    await stop();
    snapshot(run);
  } else if (message.type === 'step') {
    await stop();
    await trainStep(run);
    snapshot(run);
  } else if (message.type === 'forward') {
    run.sample = { split: message.split, index: message.index };
    if (!running) snapshot(run); // while playing, the next snapshot carries it
  }
}

// Messages are handled one at a time, in order; a training loop that is playing keeps running between them.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (event: MessageEvent<ToWorker>) => {
  if (event.data.type === 'pause' || event.data.type === 'reset' || event.data.type === 'step') running = false;
  queue = queue.then(() => handle(event.data)).catch((error) => {
    post({ type: 'error', message: String((error as Error)?.message ?? error) });
  });
};

(async () => {
  // Large products are split over simdeep's thread pool, which runs here when the page is cross-origin isolated.
  await setThreads(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 4))).catch(() => undefined);
  const info = threads();
  const text = `${info.active} thread${info.active === 1 ? '' : 's'}${info.reason ? `: ${info.reason}` : ''}`
    + `${info.relaxedSimd ? ', relaxed SIMD' : ''}`;
  post({ type: 'ready', threads: text, isolated: self.crossOriginIsolated });
})();
