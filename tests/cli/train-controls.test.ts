// `simdeep train`'s training controls: --class-weight (balanced from the training rows, or by label; it weighs the
// training loss and not the validation loss), --checkpoint (the best epoch, loadable by predict), --metrics, and the
// per-class report of the test rows, checked against a float64 count of the saved model's predictions.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { train, type TrainOptions, type TrainSummary } from '../../src/cli/train';
import { readTable } from '../../src/data/read';
import { memory } from '../../src/memory';
import { dense } from '../../src/nn/layers/dense';
import { sequential } from '../../src/nn/sequential';
import { failOnLeaks } from '../reference';
import { csvRows, fixture, heldOutRows as heldOut, run, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();
const FLOWERS = fixture('flowers.json');
const CLASSES = ['setosa', 'versicolor', 'virginica'];

/** Trains on the flowers with the command's defaults and `options`; resolves to the summary and the printed lines. */
async function trainFlowers(options: Partial<TrainOptions>): Promise<{ summary: TrainSummary; out: string }> {
  const lines: string[] = [];
  const summary = await train(FLOWERS, {
    target: 'species', drop: [], hidden: [16], activation: 'relu', learningRate: 0.01, batchSize: 32, epochs: 30,
    search: 0, seed: 1, out: tmp('flowers.json'), test: 0.2, validation: 0.2, ...options,
  }, { log: (line) => lines.push(line), progress: false });
  return { summary, out: lines.join('\n') };
}

describe('simdeep train --class-weight', () => {
  it("balanced: scikit-learn's n_samples / (n_classes · count) over the training rows", async () => {
    const { summary, out } = await trainFlowers({ classWeight: 'balanced' });
    const species = (await readTable(FLOWERS)).column('species') as string[];
    const { test, validation } = heldOut(60);
    const training = species.filter((_, i) => !test.includes(i) && !validation.includes(i));
    expect(training).toHaveLength(38);
    const expected = Object.fromEntries(CLASSES.map((c) => [c, 38 / (3 * training.filter((s) => s === c).length)]));
    expect(summary.classWeight).toEqual(expected);
    expect(out).toContain(`class weights (balanced): ${CLASSES.map((c) => `${c} ${expected[c].toPrecision(4)}`).join(', ')}`);
  });

  it('weighs the training loss, not the validation loss: every class ×3 triples the loss Adam follows alike', async () => {
    const plain = (await trainFlowers({ epochs: 3 })).summary.history;
    const tripled = (await trainFlowers({ epochs: 3, classWeight: { setosa: 3, versicolor: 3, virginica: 3 } })).summary.history;
    // Adam's steps do not change when the loss is scaled (up to its epsilon), so the runs stay together.
    plain.loss.forEach((loss, epoch) => expect(tripled.loss[epoch] / loss).toBeCloseTo(3, 3));
    plain.val_loss.forEach((loss, epoch) => expect(tripled.val_loss[epoch] / loss).toBeCloseTo(1, 3));
  });

  it('names a class the target does not have, and refuses a regression target, before training', async () => {
    const bad = await run('train', FLOWERS, '--target', 'species', '--out', tmp('x.json'), '--class-weight', '{"rose": 2}');
    expect([bad.status, bad.err]).toEqual([1, 'simdeep: --class-weight names the class "rose", which the target "species" does not have (classes: "setosa", "versicolor", "virginica")\n']);
    const regression = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('x.json'), '--class-weight', 'balanced');
    expect(regression.err).toBe('simdeep: --class-weight needs a classification target; "y" is predicted by regression\n');
    expect(existsSync(tmp('x.json'))).toBe(false);
  });
});

describe('simdeep train --checkpoint', () => {
  it('keeps the model of the epoch with the lowest val_loss, with its preparation: predict reads it', async () => {
    const best = tmp('best.json');
    const { summary } = await trainFlowers({ epochs: 40, checkpoint: best });
    expect(JSON.parse(readFileSync(best, 'utf8')).format).toBe('simdeep-model-base64');
    const predicted = await run('predict', best, FLOWERS, '--proba');
    expect(predicted.status).toBe(0);
    // float64 cross-entropy of the checkpoint's probabilities on the validation rows: the lowest val_loss of the run.
    const rows = csvRows(predicted.out).slice(1).map((line) => line.split(','));
    const truth = (await readTable(FLOWERS)).column('species') as string[];
    const { validation } = heldOut(60);
    const loss = validation.reduce((sum, r) => sum - Math.log(Number(rows[r][1 + CLASSES.indexOf(truth[r])])), 0) / validation.length;
    const lowest = Math.min(...summary.history.val_loss);
    expect(summary.history.val_loss.indexOf(lowest)).toBeLessThan(39); // not simply the last epoch
    expect(Math.abs(loss - lowest) / lowest).toBeLessThan(1e-5);
  });

  it('a missing directory is an error before training', async () => {
    const { status, out, err } = await run('train', FLOWERS, '--target', 'species', '--out', tmp('y.json'), '--checkpoint', tmp('missing/best.json'));
    expect([status, out]).toEqual([1, '']);
    expect(err).toMatch(/^simdeep: --checkpoint: cannot write .*missing\/best\.json: the directory .*missing does not exist\n$/);
  });
});

describe('simdeep train --metrics', () => {
  it('logs the named metrics on training and validation rows', async () => {
    const { summary, out } = await trainFlowers({ epochs: 5, metrics: ['accuracy'] });
    expect(summary.history.val_accuracy).toHaveLength(5);
    expect(out).toMatch(/accuracy at the last epoch: training 0\.\d+, validation 0\.\d+/);
  });

  it('names a metric the task cannot log', async () => {
    const { err } = await run('train', FLOWERS, '--target', 'species', '--out', tmp('z.json'), '--metrics', 'auc,r2_score');
    expect(err).toMatch(/^simdeep: --metrics: "r2_score" is not a metric of classification; choose from accuracy, .*auc/);
    expect((await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('z.json'), '--metrics', 'auc')).err).toMatch(/"auc" is not a metric of regression; choose from mae, mse/);
  });

  it('--metrics auc,precision,recall: each logged per epoch, in [0, 1]', async () => {
    const { summary } = await trainFlowers({ epochs: 5, metrics: ['auc', 'precision', 'recall'] });
    for (const name of ['auc', 'precision', 'recall']) {
      for (const key of [name, `val_${name}`]) {
        expect(summary.history[key]).toHaveLength(5);
        for (const v of summary.history[key]) expect(v >= 0 && v <= 1, `${key} ${v}`).toBe(true);
      }
    }
  });
});

describe('simdeep train, per-class report', () => {
  it("prints scikit-learn's report of the test rows; its counts are the saved model's predictions", async () => {
    const before = memory().numTensors;
    const model = tmp('report.json');
    const { summary, out } = await trainFlowers({ out: model, epochs: 20 });
    expect(memory().numTensors).toBe(before);
    const report = summary.report!;
    expect(out).toContain(`per class, on the 12 test rows:\n${report.toString()}`);
    const predicted = csvRows((await run('predict', model, FLOWERS)).out).slice(1);
    const truth = (await readTable(FLOWERS)).column('species') as string[];
    const { test } = heldOut(60);
    expect(report.classes.map((c) => c.name)).toEqual(CLASSES);
    CLASSES.forEach((c, i) => {
      const tp = test.filter((r) => truth[r] === c && predicted[r] === c).length;
      const predictedAs = test.filter((r) => predicted[r] === c).length, support = test.filter((r) => truth[r] === c).length;
      expect(report.classes[i]).toMatchObject({ label: i, support, precision: predictedAs ? tp / predictedAs : 0, recall: support ? tp / support : 0 });
    });
    expect(report.accuracy).toBe(summary.metrics.accuracy);
  });
});
