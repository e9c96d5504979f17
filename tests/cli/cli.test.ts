// The `simdeep` command run in-process through main(argv), end to end on small files in fixtures/: train writes a
// model and prints the validation table against the baseline, predict writes one row per input row, and every
// error is one line on stderr with status 1.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCliModel } from '../../src/cli/files';
import { readTable } from '../../src/data/read';
import { memory } from '../../src/memory';
import { failOnLeaks } from '../reference';
import { csvRows, fixture, run, tableRow, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();
const mae = (predicted: number[], truth: number[]): number => truth.reduce((s, t, i) => s + Math.abs(t - predicted[i]), 0) / truth.length;

describe('simdeep train and predict, regression', () => {
  const model = tmp('houses.json');

  it('trains on a CSV with a text column and empty cells, beats the mean, saves the model, leaks no tensors', async () => {
    const before = memory();
    const { status, out, err } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', model, '--epochs', '30', '--seed', '1');
    expect([status, err]).toEqual([0, '']);
    expect(memory().numTensors).toBe(before.numTensors);
    expect(out).toContain('60 rows; target y (regression); 6 inputs from area, rooms, city, age');
    expect(out).toMatch(/validation\s+mae\s+rmse\s+r2/);
    // Measured: model MAE 1.42, R² 0.888; the mean of the training targets (14.46) has MAE 4.42, R² −0.018.
    const [modelMae, , modelR2] = tableRow(out, 'model'), [meanMae, , meanR2] = tableRow(out, 'mean (14.46)');
    expect(modelR2).toBeGreaterThan(0.85);
    expect(meanR2).toBeLessThanOrEqual(0);
    expect(modelMae).toBeLessThan(meanMae / 2);
    expect(out).toContain(`saved ${model}`);
    expect(JSON.parse(readFileSync(model, 'utf8')).format).toBe('simdeep-model-base64');
    const saved = await loadCliModel(model);
    expect(saved.metadata?.settings).toEqual({ hidden: [16, 8], activation: 'relu', learningRate: 0.003, batchSize: 32, epochs: 30 });
    saved.dispose();
  });

  it('predicts one value per row, as a CSV headed by the target, near the truth', async () => {
    const { status, out, err } = await run('predict', model, fixture('houses.csv'));
    expect([status, err]).toEqual([0, '']);
    const [header, ...rows] = csvRows(out);
    expect(header).toBe('y');
    expect(rows).toHaveLength(60);
    const truth = (await readTable(fixture('houses.csv'))).column('y') as number[];
    const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
    // Measured: MAE 1.31 over the 60 rows, where the mean has 3.76.
    expect(mae(rows.map(Number), truth)).toBeLessThan(mae(truth.map(() => mean), truth) / 2);

    const written = await run('predict', model, fixture('houses.csv'), '--out', tmp('predictions.csv'));
    expect([written.status, written.out, written.err]).toEqual([0, '', '']);
    expect(readFileSync(tmp('predictions.csv'), 'utf8')).toBe(out);
  });

  it('writes an HTML report with the loss plot', async () => {
    const { status } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('r.json'), '--epochs', '30', '--report', tmp('r.html'));
    expect(status).toBe(0);
    const html = readFileSync(tmp('r.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h2>Validation</h2>');
    expect(html).toMatch(/<svg [^>]*aria-label="loss per epoch">.*<path d="M/);
  });

  it('searches 3 settings, then trains the best', async () => {
    const started = performance.now();
    const { status, out } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('s.json'), '--search', '3', '--seed', '1', '--report', tmp('s.html'));
    expect(status).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000); // about 0.3 s
    const best = JSON.parse(/search: 3 trials; best (\{.*\}) \(score/.exec(out)![1]);
    expect(best.epochs).toBeGreaterThanOrEqual(30);
    expect(best.epochs).toBeLessThanOrEqual(200);
    expect(tableRow(out, 'model')[2]).toBeGreaterThan(0.85); // measured R² 0.90
    expect(readFileSync(tmp('s.html'), 'utf8').match(/<tr><td>\d<\/td>/g)).toHaveLength(3); // the trials table
  });
});

describe('simdeep train and predict, classification', () => {
  it('trains on JSON records with a text target and predicts the training classes', async () => {
    const model = tmp('flowers.json');
    const trained = await run('train', fixture('flowers.json'), '--target', 'species', '--out', model, '--epochs', '30', '--lr', '0.03', '--seed', '1');
    expect(trained.status).toBe(0);
    expect(trained.out).toContain('target species (classification)');
    // 12 validation rows: all right, where the majority class of the training rows gets 3.
    expect(tableRow(trained.out, 'model')).toEqual([1]);
    expect(tableRow(trained.out, 'majority class (virginica)')).toEqual([0.25]);

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
    expect(out).toContain('search: 2 trials; best');
    // Measured: model R² 0.819 and MAE 0.388; the mean (1.537) −0.0003 and 0.925.
    const [modelMae, , modelR2] = tableRow(out, 'model'), [meanMae, , meanR2] = tableRow(out, 'mean (1.537)');
    expect(modelR2).toBeGreaterThan(0.75);
    expect(Math.abs(meanR2)).toBeLessThan(0.01);
    expect(modelMae).toBeLessThan(meanMae / 2);
    expect(existsSync(tmp('quakes.json'))).toBe(true);
  });
});

describe('simdeep errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing target column', ['train', fixture('houses.csv'), '--target', 'price'], /^simdeep: train: the target column "price" is not in the data \(columns: area, rooms, city, age, y\)$/],
    ['a missing file', ['train', fixture('nope.csv'), '--target', 'y'], /^simdeep: readTable: cannot read ".*nope\.csv": no such file$/],
    ['an empty file', ['train', fixture('empty.csv'), '--target', 'y'], /^simdeep: readTable: ".*empty\.csv" is empty$/],
    ['a malformed file', ['train', fixture('malformed.csv'), '--target', 'y'], /malformed\.csv" row 2 \(counting from 0 after the header\) has 4 fields but the header has 3/],
    // Row 3 has no target, so the row numbers of the file and of the rows trained on differ from there.
    ['a text value in a numeric column', ['train', fixture('text-in-number.csv'), '--target', 'y'], /^simdeep: train: column "height" row 12 is "seven", not a number/],
    ['an unknown --drop column', ['train', fixture('houses.csv'), '--target', 'y', '--drop', 'city,colour'], /^simdeep: train: --drop names columns not in the data: colour$/],
    ['a bad --epochs value', ['train', fixture('houses.csv'), '--target', 'y', '--epochs', 'ten'], /^simdeep: option '--epochs <n>' argument 'ten' is invalid\. --epochs must be an integer >= 1, got ten$/],
    ['a fractional --epochs value', ['train', fixture('houses.csv'), '--target', 'y', '--epochs', '2.5'], /--epochs must be an integer >= 1, got 2\.5$/],
    ['a missing --target', ['train', fixture('houses.csv')], /^simdeep: required option '--target <column>' not specified$/],
    ['a missing model file', ['predict', tmp('none.json'), fixture('houses.csv')], /^simdeep: the model file .*none\.json does not exist$/],
  ];
  it.each(cases)('%s: status 1 and one line on stderr', async (_, argv, message) => {
    const { status, out, err } = await run(...argv, '--out', tmp('never.json'));
    expect(status).toBe(1);
    expect(out).toBe('');
    expect(err.endsWith('\n') && err.split('\n')).toHaveLength(2);
    expect(err.trimEnd()).toMatch(message);
    expect(existsSync(tmp('never.json'))).toBe(false);
  });

  it('reports a diverging training in one line, keeping no tensors', async () => {
    const { status, err } = await run('train', fixture('houses.csv'), '--target', 'y', '--out', tmp('d.json'), '--lr', '1e30', '--epochs', '5');
    expect(status).toBe(1);
    expect(err).toMatch(/^simdeep: fit: the loss or its gradient became NaN or Infinity in epoch 1, batch \d+;[^\n]*\n$/);
    expect(existsSync(tmp('d.json'))).toBe(false);
  });

  it('names the row and column of a text value in a numeric column of the rows to predict', async () => {
    const model = tmp('p.json');
    expect((await run('train', fixture('houses.csv'), '--target', 'y', '--out', model, '--epochs', '5')).status).toBe(0);
    writeFileSync(tmp('new.csv'), 'area,rooms,city,age\n80,2,north,10\n95,many,south,3\n');
    const { status, err } = await run('predict', model, tmp('new.csv'));
    expect(status).toBe(1);
    expect(err).toBe('simdeep: column "rooms" row 1 is "many", not a number\n');
  });
});

describe('simdeep --help', () => {
  it.each([[[]], [['train']], [['predict']], [['demo']]])('%j --help prints the usage and exits 0', async (command) => {
    const { status, out, err } = await run(...command, '--help');
    expect([status, err]).toEqual([0, '']);
    expect(out).toContain(`Usage: simdeep ${command.length ? `${command[0]} ` : ''}[options]`);
    if (command[0] === 'train') expect(out).toMatch(/--target <column>[\s\S]*--epochs <n>[\s\S]*--search <trials>/);
    if (command[0] === 'predict') expect(out).toContain('--out <file.csv>');
  });
});
