// `simdeep train` end to end on small files in fixtures/: the model is scored on test rows split off before
// anything else (early stopping and the search choose on separate validation rows), against the training mean or
// majority class; the model is saved with its preparation; outputs are checked before training starts.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCliModel } from '../../src/cli/files';
import { readTable } from '../../src/data/read';
import { memory } from '../../src/memory';
import { failOnLeaks } from '../reference';
import { csvRows, fixture, heldOutRows as splitRows, run, tableRow, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();

describe('simdeep train, regression', () => {
  const model = tmp('houses.json');

  it('trains on a CSV with a text column and empty cells, beats the mean on the test rows, saves the model, leaks no tensors', async () => {
    const before = memory();
    const { status, out, err } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', model, '--epochs', '30', '--seed', '1');
    expect([status, err]).toEqual([0, '']);
    expect(memory().numTensors).toBe(before.numTensors);
    expect(out).toContain('60 rows; target y (regression); 6 inputs from area, rooms, city, age');
    expect(out).toContain('38 rows to train on, 10 to validate (early stopping), 12 to test');
    expect(out).toMatch(/test \(12 rows\)\s+mae\s+rmse\s+r2/);
    // Measured on the 12 test rows: model MAE 1.44, R² 0.897; the mean of the training targets (14.93) MAE 4.35, R² −0.048.
    const [modelMae, modelRmse, modelR2] = tableRow(out, 'model'), [meanMae, meanRmse, meanR2] = tableRow(out, 'mean (14.93)');
    expect(modelR2).toBeGreaterThan(0.85);
    expect(meanR2).toBeLessThanOrEqual(0);
    expect(modelMae).toBeLessThan(meanMae / 2);
    expect(out).toContain(`test RMSE ${modelRmse.toPrecision(4)} (baseline: mean ${meanRmse.toPrecision(4)}) on 12 held-out rows`);
    expect(out).toMatch(/loss per epoch \(mean squared error of the target scaled to 0\.\.1\):\n {2}training {4}\S+ {2}[\d.e-]+\n {2}validation {2}\S+ {2}[\d.e-]+\n/);
    expect(out).toContain(`saved ${model}`);
    expect(JSON.parse(readFileSync(model, 'utf8')).format).toBe('simdeep-model-base64');
    const saved = await loadCliModel(model);
    expect(saved.metadata?.settings).toEqual({ hidden: [16, 8], activation: 'relu', learningRate: 0.003, batchSize: 32, epochs: 30 });
    saved.dispose();
  });

  it('scores exactly the held-out test rows, and stops early on validation rows apart from them', async () => {
    const oneEpoch = tmp('one-epoch.json');
    const { out } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', oneEpoch, '--epochs', '1', '--seed', '1');
    const predicted = csvRows((await run('predict', oneEpoch, fixture('houses.csv'))).out).slice(1).map(Number);
    const truth = (await readTable(fixture('houses.csv'))).column('y') as number[];
    const { test, validation } = splitRows(60);
    expect([test.length, validation.length]).toEqual([12, 10]);
    expect(validation.filter((row) => test.includes(row))).toEqual([]);
    // float64 RMSE of the saved model's predictions on the test rows: the printed test RMSE.
    const rmse = Math.sqrt(test.reduce((s, i) => s + (predicted[i] - truth[i]) ** 2, 0) / test.length);
    expect(tableRow(out, 'model')[1]).toBeCloseTo(rmse, 4);
    // The validation loss of the one epoch (MSE of the target scaled to 0..1) is that of the validation rows.
    const saved = await loadCliModel(oneEpoch);
    const [lo, hi] = (saved.metadata!.preparation as { targetRange: [number, number] }).targetRange;
    saved.dispose();
    const scaled = (v: number): number => (v - lo) / (hi - lo);
    const mse = validation.reduce((s, i) => s + (scaled(predicted[i]) - scaled(truth[i])) ** 2, 0) / validation.length;
    const printed = Number(/\n {2}validation {2}\S+ {2}(\S+)\n/.exec(out)![1]);
    expect(Math.abs(printed - mse) / mse).toBeLessThan(1e-3); // printed to 4 digits
  });

  it('predicts one value per row, as a CSV headed by the target, near the truth', async () => {
    const { status, out, err } = await run('predict', model, fixture('houses.csv'));
    expect([status, err]).toEqual([0, '']);
    const [header, ...rows] = csvRows(out);
    expect(header).toBe('y');
    expect(rows).toHaveLength(60);
    const truth = (await readTable(fixture('houses.csv'))).column('y') as number[];
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    const mae = (predicted: number[]): number => truth.reduce((s, t, i) => s + Math.abs(t - predicted[i]), 0) / truth.length;
    expect(mae(rows.map(Number))).toBeLessThan(mae(truth.map(() => mean)) / 2); // measured: 1.3 against 3.8

    const written = await run('predict', model, fixture('houses.csv'), '--out', tmp('predictions.csv'));
    expect([written.status, written.out, written.err]).toEqual([0, '', '']);
    expect(readFileSync(tmp('predictions.csv'), 'utf8')).toBe(out);
  });

  it('writes an HTML report with the test scores and the loss plot in its units', async () => {
    const { status } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('r.json'), '--epochs', '30', '--report', tmp('r.html'));
    expect(status).toBe(0);
    const html = readFileSync(tmp('r.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h2>Test rows</h2><table><thead><tr><th>test (12 rows)</th>');
    expect(html).toMatch(/<svg [^>]*aria-label="loss per epoch \(mean squared error of the target scaled to 0\.\.1\)">.*<path d="M/);
  });

  it('searches 3 settings on the validation rows, then trains the best and scores it on the test rows', async () => {
    const { status, out } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('s.json'), '--search', '3', '--seed', '1', '--report', tmp('s.html'));
    expect(status).toBe(0);
    expect(out).toContain('38 rows to train on, 10 to validate (early stopping, the search), 12 to test');
    const best = JSON.parse(/search: 3 trials; best (\{.*\}) \(validation mse \(target scaled to 0\.\.1\) \d\.\d+(e-\d+)?\)\n/.exec(out)![1]);
    expect(best.epochs).toBeGreaterThanOrEqual(30);
    expect(best.epochs).toBeLessThanOrEqual(200);
    expect(tableRow(out, 'model')[2]).toBeGreaterThan(0.8);
    expect(readFileSync(tmp('s.html'), 'utf8').match(/<tr><td>\d<\/td>/g)).toHaveLength(3); // the trials table
  });
});

describe('simdeep train, classification', () => {
  it('trains on JSON records with a text target, scores accuracy on the test rows, predicts the training classes', async () => {
    const model = tmp('flowers.json');
    const trained = await run('train', fixture('flowers.json'), '--target', 'species', '--out', model, '--hidden', '16', '--epochs', '200', '--lr', '0.01', '--seed', '1');
    expect(trained.status).toBe(0);
    expect(trained.out).toContain('target species (classification)');
    // The 12 test rows: all right, where the majority class of the training rows gets 5.
    expect(tableRow(trained.out, 'model')).toEqual([1]);
    expect(tableRow(trained.out, 'majority class (versicolor)')).toEqual([0.4167]);
    expect(trained.out).toContain('test accuracy 1.000 (baseline: majority class 0.4167) on 12 held-out rows');
    expect(trained.out).toContain('loss per epoch (cross-entropy):');

    const { status, out } = await run('predict', model, fixture('flowers.json'));
    expect(status).toBe(0);
    const [header, ...labels] = csvRows(out);
    expect(header).toBe('species');
    const truth = (await readTable(fixture('flowers.json'))).column('species');
    expect(new Set(labels)).toEqual(new Set(['setosa', 'versicolor', 'virginica']));
    expect(labels.filter((label, i) => label === truth[i])).toHaveLength(60);
  });
});

describe('simdeep demo', () => {
  it('trains on the earthquakes of vega-datasets after a short search', async () => {
    const { status, out } = await run('demo', '--search', '2', '--out', tmp('quakes.json'));
    expect(status).toBe(0);
    expect(out).toContain('earthquakes.json: 1707 rows; target mag (regression); 26 inputs');
    expect(out).toContain('1092 rows to train on, 273 to validate (early stopping, the search), 342 to test');
    expect(out).toMatch(/left out by --features: place, time, .*, title\n/);
    expect(out).toContain('search: 2 trials; best');
    // Measured on the 342 test rows: model R² 0.816 and MAE 0.396; the mean (1.514) −0.00002 and 0.919.
    const [modelMae, , modelR2] = tableRow(out, 'model'), [meanMae, , meanR2] = tableRow(out, 'mean (1.514)');
    expect(modelR2).toBeGreaterThan(0.75);
    expect(Math.abs(meanR2)).toBeLessThan(0.01);
    expect(modelMae).toBeLessThan(meanMae / 2);
    expect(existsSync(tmp('quakes.json'))).toBe(true);
  });
});

describe('simdeep train checks its outputs before training', () => {
  mkdirSync(tmp('a-directory'), { recursive: true });
  const cases: [string, string[], RegExp][] = [
    ['--out in a missing directory', ['--out', tmp('missing/model.json')], /^simdeep: --out: cannot write .*missing\/model\.json: the directory .*missing does not exist\n$/],
    ['--out naming a directory', ['--out', tmp('a-directory')], /^simdeep: --out: cannot write .*a-directory: it is a directory\n$/],
    ['--out naming a device', ['--out', '/dev/null'], /^simdeep: --out: cannot write \/dev\/null: it is not a regular file\n$/],
    ['--report in a missing directory', ['--out', tmp('fine.json'), '--report', tmp('missing/r.html')], /^simdeep: --report: cannot write .*missing\/r\.html: the directory .*missing does not exist\n$/],
  ];
  it.each(cases)('%s: one line naming the path, before reading the data', async (_, flags, message) => {
    const { status, out, err } = await run('train', fixture('houses.csv'), '--target', 'y', '--epochs', '30', ...flags);
    expect(status).toBe(1);
    expect(out).toBe(''); // nothing read, nothing trained
    expect(err).toMatch(message);
    expect(existsSync(tmp('fine.json'))).toBe(false);
  });
});
