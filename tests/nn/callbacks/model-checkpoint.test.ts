// modelCheckpoint (src/nn/callbacks/model-checkpoint.ts): which epochs it saves, the paths it fills, the formats,
// errors before training, and a file that is always a whole model, the best so far, when the process is killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dense, loadModel, memory, modelCheckpoint, sequential, sgd, tensor, type Callbacks, type FitParams, type Logs, type Model } from '../../../src/index';
import { failOnLeaks } from '../../reference';
import { childSetup, writeProgram } from './child';

failOnLeaks();
const { dir, library } = childSetup();

/** A small model and data it fits, seeded. */
function fixture(): { model: Model; x: ReturnType<typeof tensor>; y: ReturnType<typeof tensor>; free: () => void } {
  const model = sequential([dense({ units: 4, activation: 'tanh', inputShape: [2] }), dense({ units: 1 })], { seed: 3 });
  model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError', metrics: ['mae'] });
  const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.2], [0.1, 0.9]]), y = tensor([[1], [1], [0], [0], [0.7], [0.9]]);
  return { model, x, y, free: () => { x.dispose(); y.dispose(); model.dispose(); } };
}

/** Runs a checkpoint over scripted logs, one per epoch (its model's save only records the path); returns the epochs (from 1) it saved. */
async function savedEpochs(options: Omit<Parameters<typeof modelCheckpoint>[0], 'path'>, series: Logs[]): Promise<number[]> {
  const saved: number[] = [];
  const callback = modelCheckpoint({ path: join(dir(), 'm-{epoch}.sdm'), ...options });
  const model = { save: (path: string) => { saved.push(Number(/m-(\d+)\.sdm$/.exec(path)![1])); return Promise.resolve(new ArrayBuffer(0)); } };
  callback.setModel!(model as unknown as Model);
  await callback.setParams!({ epochs: series.length, steps: 1, samples: 1, batchSize: 1, verbose: 0, doValidation: true, metrics: Object.keys(series[0]) } as FitParams);
  for (const [epoch, logs] of series.entries()) {
    await callback.onEpochBegin!(epoch);
    await callback.onEpochEnd!(epoch, logs);
  }
  return saved;
}

describe('which epochs modelCheckpoint saves', () => {
  const values = [0.5, 0.4, 0.45, 0.4, 0.3, NaN, 0.35, 0.2];
  it('every epoch without saveBestOnly; with it, each strict improvement (NaN never is one)', async () => {
    const logs = values.map((v) => ({ loss: v, val_loss: v, val_accuracy: 1 - v }));
    expect(await savedEpochs({}, logs)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await savedEpochs({ saveBestOnly: true }, logs)).toEqual([1, 2, 5, 8]);
    expect(await savedEpochs({ saveBestOnly: true, mode: 'max' }, logs)).toEqual([1]);
    expect(await savedEpochs({ saveBestOnly: true, monitor: 'val_accuracy' }, logs)).toEqual([1, 2, 5, 8]); // auto: accuracy rises
    expect(await savedEpochs({ saveBestOnly: true, monitor: 'val_accuracy', mode: 'min' }, logs)).toEqual([1]);
    expect(await savedEpochs({ saveBestOnly: true, mode: 'min', monitor: 'loss' }, logs)).toEqual([1, 2, 5, 8]);
  });

  it('keeps its best from fit to fit, as Keras', async () => {
    const callback = modelCheckpoint({ path: join(dir(), 'keep.sdm'), monitor: 'loss', saveBestOnly: true });
    const { model, x, y, free } = fixture();
    await model.fit(x, y, { epochs: 20, callbacks: callback });
    const before = readFileSync(join(dir(), 'keep.sdm'));
    // A learning rate that makes every later epoch worse than the best kept: the file stays as it was.
    model.compile({ optimizer: sgd({ learningRate: 1e-9 }), loss: 'meanSquaredError' });
    const zeros = model.getWeights().map((w) => { const z = w.mul(0); w.dispose(); return z; });
    model.setWeights(zeros);
    zeros.forEach((z) => z.dispose());
    await model.fit(x, y, { epochs: 3, callbacks: callback });
    expect(readFileSync(join(dir(), 'keep.sdm')).equals(before)).toBe(true);
    free();
  });
});

describe('modelCheckpoint in fit', () => {
  it('fills the path from the epoch and the logs with Python format specs, each file the model of that epoch', async () => {
    const { model, x, y, free } = fixture();
    const sub = join(dir(), 'named');
    mkdirSync(sub);
    const weights: number[][][] = [];
    const history = await model.fit(x, y, { epochs: 3, batchSize: 3, validationSplit: 0.5, seed: 2, callbacks: [
      modelCheckpoint({ path: join(sub, 'model-{epoch:02d}-{val_loss:.4f}-{mae:.2e}-{{x}}.sdm') }),
      { onEpochEnd: () => void weights.push(model.getWeights().map((w) => { const a = Array.from(w.dataSync()); w.dispose(); return a; })) },
    ] });
    const expected = history.epoch.map((e) => {
      const mae = history.history.mae[e].toExponential(2).replace(/e([+-])(\d)$/, 'e$10$2');
      return `model-${String(e + 1).padStart(2, '0')}-${history.history.val_loss[e].toFixed(4)}-${mae}-{x}.sdm`;
    });
    expect(readdirSync(sub).sort()).toEqual(expected);
    for (const [e, name] of expected.entries()) {
      const copy = await loadModel(join(sub, name));
      expect(copy.getWeights().map((w) => { const a = Array.from(w.dataSync()); w.dispose(); return a; })).toEqual(weights[e]);
      copy.dispose();
    }
    free();
  });

  it.each(['.keras', '.onnx', '.safetensors', '/'])('saves in the format the path names (%s)', async (ending) => {
    const { model, x, y, free } = fixture();
    const path = join(dir(), `format-${ending === '/' ? 'tfjs' : ending.slice(1)}${ending}`);
    await model.fit(x, y, { epochs: 2, callbacks: modelCheckpoint({ path }) });
    const copy = await loadModel(ending === '/' ? join(path, 'model.json') : path);
    const [a, b] = [model.predict(x) as ReturnType<typeof tensor>, copy.predict(x) as ReturnType<typeof tensor>];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    a.dispose();
    b.dispose();
    copy.dispose();
    free();
  });

  it('saves every saveFreq batches, with {batch}', async () => {
    const { model, x, y, free } = fixture();
    const sub = join(dir(), 'batches');
    mkdirSync(sub);
    await model.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, callbacks: modelCheckpoint({ path: join(sub, 'e{epoch}-b{batch}.sdm'), saveFreq: 2 }) });
    expect(readdirSync(sub).sort()).toEqual(['e1-b2.sdm', 'e2-b1.sdm', 'e2-b3.sdm']); // batches 2, 4 (epoch 2's first) and 6
    free();
  });
});

describe('modelCheckpoint errors', () => {
  it('a missing directory, or one that is a file, when made, naming the path', () => {
    const file = join(dir(), 'plain-file');
    writeFileSync(file, 'x');
    const missing = join(dir(), 'no-such-dir', 'best.sdm');
    expect(() => modelCheckpoint({ path: missing })).toThrow(new Error(`modelCheckpoint: path ${JSON.stringify(missing)}: the directory ${JSON.stringify(join(dir(), 'no-such-dir'))} does not exist`));
    expect(() => modelCheckpoint({ path: join(file, 'best.sdm') })).toThrow(/modelCheckpoint: path ".*plain-file\/best.sdm": the directory ".*plain-file" is not a directory/);
  });

  it('bad options and placeholders', () => {
    const path = join(dir(), 'm.sdm');
    expect(() => modelCheckpoint({ path, mode: 'up' as never })).toThrow(new RangeError('modelCheckpoint: mode must be \'auto\', \'min\' or \'max\', got "up"'));
    expect(() => modelCheckpoint({ path, saveFreq: 0 })).toThrow(/saveFreq must be 'epoch' or a positive integer, got 0/);
    expect(() => modelCheckpoint({ path, savebestonly: true } as never)).toThrow(/unknown option "savebestonly".*did you mean "saveBestOnly"/);
    expect(() => modelCheckpoint({ path: join(dir(), 'm-{epoch:>3}.sdm') })).toThrow(/placeholder \{epoch:>3\} must be/);
    expect(() => modelCheckpoint({ path: join(dir(), 'm-{loss:02d}.sdm') })).toThrow(/placeholder \{loss:02d\}: logs are floats: use f or e/);
    expect(() => modelCheckpoint({ path: join(dir(), 'm-{epoch:.2f}.sdm') })).toThrow(/placeholder \{epoch:\.2f\}: epoch is an integer: use d/);
    expect(() => modelCheckpoint({ path: join(dir(), 'm-{batch}.sdm') })).toThrow(/placeholder \{batch\} needs a numeric saveFreq/);
    expect(() => modelCheckpoint({ path: join(dir(), 'm-{epoch.sdm') })).toThrow(/has a '\{' without its '\}'/);
    expect(() => modelCheckpoint({ path: join(dir(), 'run-{epoch}', 'm.sdm') })).toThrow(/placeholders in its directory/);
  });

  it('a monitor or placeholder the logs will lack rejects fit before training, naming it and the logs', async () => {
    const { model, x, y, free } = fixture();
    const before = memory();
    await expect(model.fit(x, y, { epochs: 2, callbacks: modelCheckpoint({ path: join(dir(), 'a.sdm'), saveBestOnly: true }) }))
      .rejects.toThrow(new RangeError('modelCheckpoint: the logs have no val_loss (they have loss, mae)'));
    await expect(model.fit(x, y, { epochs: 2, callbacks: modelCheckpoint({ path: join(dir(), 'a-{accuracy:.2f}.sdm') }) }))
      .rejects.toThrow(new RangeError('modelCheckpoint: path placeholder {accuracy:.2f} names no log (the logs are loss, mae)'));
    expect(memory()).toEqual(before);
    expect(model.step).toBe(0);
    expect(existsSync(join(dir(), 'a.sdm'))).toBe(false);
    free();
  });
});

// The program killed: it trains a small model with a noisy loss for many epochs, writing each epoch's loss and weights
// to a log before the checkpoint callback runs, so the log always names every epoch the checkpoint may have saved.
const TRAINER = `
import { appendFileSync } from 'node:fs';
const [path, log] = process.argv.slice(2);
let s = 7;
const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 64 }, () => [rand(), rand(), rand(), rand()]);
const x = lib.tensor(rows), y = lib.tensor(rows.map((r) => [r[0] - 2 * r[1] + r[2] * r[3] + rand()]));
const model = lib.sequential([lib.dense({ units: 8, activation: 'tanh', inputShape: [4] }), lib.dense({ units: 1 })], { seed: 1 });
model.compile({ optimizer: lib.sgd({ learningRate: 0.2 }), loss: 'meanSquaredError' });
const logger = { onEpochEnd: (epoch, logs) => {
  appendFileSync(log, JSON.stringify({ epoch, loss: logs.loss, weights: model.getWeights().map((w) => { const a = Array.from(w.dataSync()); w.dispose(); return a; }) }) + '\\n');
  if (epoch === 0) process.stdout.write('ready\\n'); // the kill comes after this: at least one epoch is logged
} };
await model.fit(x, y, { epochs: 1e6, batchSize: 8, seed: 1, callbacks: [logger, lib.modelCheckpoint({ path, monitor: 'loss', saveBestOnly: true })] });
`;

/** Starts the trainer and kills it with SIGKILL `delay` ms after its first epoch. */
function trainAndKill(program: string, path: string, log: string, delay: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [program, path, log], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delay));
    child.on('error', reject);
    child.on('close', (_status, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`the trainer ended by itself (${signal})`))));
  });
}

describe('modelCheckpoint under kill -9', () => {
  it('the file is always a whole model, the best epoch so far', async () => {
    const program = writeProgram(dir(), library(), 'trainer.mjs', TRAINER);
    const kills = 8;
    for (let k = 0; k < kills; k++) {
      const sub = join(dir(), `kill-${k}`);
      mkdirSync(sub);
      const path = join(sub, 'best.sdm'), log = join(sub, 'log.jsonl');
      await trainAndKill(program, path, log, Math.floor(Math.random() * 400));
      const lines = readFileSync(log, 'utf8').split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line) as { epoch: number; loss: number; weights: number[][] }];
        } catch {
          return []; // the line being written when the process was killed
        }
      });
      const bestOf = (list: typeof lines): (typeof lines)[number] | undefined => list.reduce<(typeof lines)[number] | undefined>((b, l) => (!b || l.loss < b.loss ? l : b), undefined);
      const [latest, before] = [bestOf(lines), bestOf(lines.slice(0, -1))]; // the last logged epoch's save may have been cut short
      expect(latest, 'epochs logged').toBeDefined();
      if (!existsSync(path)) {
        expect(before, 'no file although an earlier save finished').toBeUndefined();
        continue;
      }
      const copy = await loadModel(path); // whole: it parses and its weights are all there
      const weights = copy.getWeights().map((w) => { const a = Array.from(w.dataSync()); w.dispose(); return a; });
      copy.dispose();
      const matches = [latest, before].filter((c) => c && JSON.stringify(c.weights) === JSON.stringify(weights));
      expect(matches.length, `kill ${k}: the file is the best epoch so far`).toBeGreaterThan(0);
      rmSync(sub, { recursive: true, force: true });
    }
  }, 60_000);
});
