// `simdeep export`: a trained model written as TF.js, Keras, ONNX and safetensors files, each of which `simdeep
// predict` reads with the preparation the export carried, predicting what the original predicts.
import { beforeAll, describe, expect, it } from 'vitest';
import { failOnLeaks } from '../reference';
import { csvRows, fixture, run, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();
const flowers = tmp('flowers.json');

beforeAll(async () => {
  expect((await run('train', fixture('flowers.json'), '--target', 'species', '--out', flowers, '--hidden', '8', '--epochs', '30')).status).toBe(0);
});

/** The probability columns of a predict run, as numbers. */
const probabilities = (out: string): number[][] => csvRows(out).slice(1).map((line) => line.split(',').slice(1).map(Number));

describe('simdeep export', () => {
  it.each([['tfjs', 'flowers-tfjs'], ['keras', 'flowers.keras'], ['onnx', 'flowers.onnx'], ['safetensors', 'flowers.safetensors']])('--to %s: predict reads the file and gives the same classes and probabilities', async (to, file) => {
    const exported = await run('export', flowers, tmp(file), '--to', to);
    expect([exported.status, exported.err, exported.out]).toEqual([0, '', `exported ${flowers} as ${to} to ${tmp(file)}\n`]);
    const original = await run('predict', flowers, fixture('flowers.json'), '--proba');
    const copy = await run('predict', tmp(file), fixture('flowers.json'), '--proba');
    expect([copy.status, copy.err]).toEqual([0, '']);
    expect(csvRows(copy.out).map((line) => line.split(',')[0])).toEqual(csvRows(original.out).map((line) => line.split(',')[0]));
    const want = probabilities(original.out);
    probabilities(copy.out).forEach((row, i) => row.forEach((p, j) => expect(Math.abs(p - want[i][j]), `row ${i}, class ${j}`).toBeLessThanOrEqual(1e-6)));
  });

  it('refuses an unknown --to and a model that does not exist, in one line', async () => {
    expect(await run('export', flowers, tmp('x.bin'), '--to', 'pickle')).toEqual({ status: 1, out: '', err: 'simdeep: --to must be one of tfjs, keras, onnx, safetensors, got pickle\n' });
    const missing = await run('export', tmp('none.json'), tmp('x.onnx'), '--to', 'onnx');
    expect([missing.status, missing.err]).toEqual([1, `simdeep: the model file ${tmp('none.json')} does not exist\n`]);
  });
});
