// `simdeep predict`: class probabilities (--proba), columns passed through (--keep), a file that lacks the model's
// inputs, and model files whose preparation was tampered with: each refused in one line naming the file, never
// NaN predictions with status 0.
import { existsSync, writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCliModel, saveCliModel } from '../../src/cli/files';
import { readTable } from '../../src/data/read';
import { failOnLeaks } from '../reference';
import { csvRows, fixture, run, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();
const houses = tmp('houses.json'), flowers = tmp('flowers.json');

beforeAll(async () => {
  expect((await run('train', fixture('houses.csv'), '--target', 'y', '--out', houses, '--epochs', '5')).status).toBe(0);
  expect((await run('train', fixture('flowers.json'), '--target', 'species', '--out', flowers, '--hidden', '16', '--epochs', '200', '--lr', '0.01')).status).toBe(0);
});

describe('simdeep predict --proba and --keep', () => {
  it('writes the kept columns, the class and each class probability; the probabilities sum to 1 and the class is the likeliest', async () => {
    const { status, out, err } = await run('predict', flowers, fixture('flowers.json'), '--proba', '--keep', 'colour,petal');
    expect([status, err]).toEqual([0, '']);
    const [header, ...rows] = csvRows(out);
    expect(header).toBe('colour,petal,species,p(species=setosa),p(species=versicolor),p(species=virginica)');
    const table = await readTable(fixture('flowers.json'));
    expect(rows).toHaveLength(60);
    rows.forEach((line, i) => {
      const [colour, petal, species, ...p] = line.split(',');
      expect([colour, Number(petal)]).toEqual([table.column('colour')[i], table.column('petal')[i]]);
      const probabilities = p.map(Number);
      expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6); // float32 softmax
      expect(species).toBe(['setosa', 'versicolor', 'virginica'][probabilities.indexOf(Math.max(...probabilities))]);
    });
  });

  it('takes --keep repeated or comma-separated alike', async () => {
    const repeated = await run('predict', houses, fixture('houses.csv'), '--keep', 'city', '--keep', 'area');
    expect(repeated.status).toBe(0);
    expect(csvRows(repeated.out)[0]).toBe('city,area,y');
    expect((await run('predict', houses, fixture('houses.csv'), '--keep', 'city,area')).out).toBe(repeated.out);
  });

  it('copies kept columns as written: ids such as 007 and 1e5 stay text, empty cells stay empty', async () => {
    writeFileSync(tmp('ids.csv'), 'id,area,rooms,city,age\n007,50,2,east,10\n1e5,70,3,west,5\n,60,2,east,7\n');
    const { status, out, err } = await run('predict', houses, tmp('ids.csv'), '--keep', 'id,city');
    expect([status, err]).toEqual([0, '']);
    expect(csvRows(out).map((line) => line.split(',').slice(0, 2).join(','))).toEqual(['id,city', '007,east', '1e5,west', ',east']);
  });

  const refusals: [string, string[], (file: string) => RegExp][] = [
    ['--proba of a regression model', ['--proba'], () => /^simdeep: predict: --proba needs a classification model; .*houses\.json predicts y by regression\n$/],
    ['--keep of a column the file lacks', ['--keep', 'id,city'], (file) => new RegExp(`^simdeep: predict: --keep names columns not in ${file}: id \\(its columns: area, rooms, city, age, y\\)\\n$`)],
  ];
  it.each(refusals)('refuses %s in one line', async (_, flags, message) => {
    const { status, out, err } = await run('predict', houses, fixture('houses.csv'), ...flags);
    expect([status, out]).toEqual([1, '']);
    expect(err).toMatch(message(fixture('houses.csv')));
  });

  it('refuses a file that lacks the columns the model needs, naming them all', async () => {
    writeFileSync(tmp('partial.csv'), 'rooms,age\n2,10\n3,5\n');
    const { status, err } = await run('predict', houses, tmp('partial.csv'));
    expect(status).toBe(1);
    expect(err).toBe(`simdeep: predict: ${tmp('partial.csv')} lacks the columns area, city, which the model ${houses} needs (its columns: rooms, age)\n`);
  });

  it('names the file and line of a text value in a numeric column', async () => {
    writeFileSync(tmp('new.csv'), 'area,rooms,city,age\n80,2,north,10\n\n95,many,south,3\n');
    const { status, err } = await run('predict', houses, tmp('new.csv'));
    expect(status).toBe(1);
    expect(err).toBe(`simdeep: predict: ${tmp('new.csv')} line 4: column "rooms" is "many", not a number\n`);
  });
});

describe('simdeep predict checks the preparation in the model file', () => {
  /** Saves a copy of `source` whose metadata.preparation `tamper` changed; returns its path. */
  async function tampered(source: string, name: string, tamper: (preparation: Record<string, any>) => void): Promise<string> {
    const model = await loadCliModel(source);
    const preparation = structuredClone(model.metadata!.preparation) as Record<string, any>;
    tamper(preparation);
    model.metadata = { ...model.metadata, preparation };
    await saveCliModel(model, tmp(name));
    model.dispose();
    return tmp(name);
  }

  const cases: [string, 'houses' | 'flowers', (p: Record<string, any>) => void, string][] = [
    ['a fill value that is not a number', 'houses', (p) => (p.features[1].fill = 'abc'), 'features[1].fill is "abc", not a finite number'],
    ['a fill value of null (NaN in JSON)', 'houses', (p) => (p.features[0].fill = null), 'features[0].fill is null, not a finite number'],
    ['categories that are not an array', 'houses', (p) => (p.features[2].categories = 'east'), 'features[2].categories is "east", not an array'],
    ['a category that is not a string', 'houses', (p) => (p.features[2].categories[1] = 7), 'features[2].categories[1] is 7, not a string'],
    ['an unknown feature kind', 'houses', (p) => (p.features[0].kind = 'date'), 'features[0].kind is "date", not "numeric" or "categorical"'],
    ['an unknown task', 'houses', (p) => (p.task = 'ranking'), 'task is "ranking", not "regression" or "classification"'],
    ['a target range upside down', 'houses', (p) => (p.targetRange = [30, 5]), 'targetRange is [30, 5]: its low end is above its high end'],
    ['a target range of one number', 'houses', (p) => (p.targetRange = [5]), 'targetRange is [5], not [low, high]'],
    ['a scaler of another width', 'houses', (p) => (p.scaler.dataMin.pop(), p.scaler.dataMax.pop()), 'scaler has 5 features, but the features encode to 6 inputs'],
    ['a scaler with a minimum above its maximum', 'houses', (p) => (p.scaler.dataMin[0] = 1e9), 'scaler: feature 0: dataMin 1000000000 is above dataMax 147'],
    ['a feature more than the network takes', 'houses', (p) => p.features.push({ name: 'extra', kind: 'numeric', fill: 0 }), 'scaler has 6 features, but the features encode to 7 inputs'],
    ['a classification without classes', 'flowers', (p) => delete p.classes, 'classes is undefined, not an array'],
    ['classes that are not strings', 'flowers', (p) => (p.classes = [1, 2, 3]), 'classes[0] is 1, not a string'],
    ['classes other than the network outputs', 'flowers', (p) => p.classes.pop(), 'the classification needs 2 network outputs, but the network has 3'],
    ['a regression model turned classification', 'houses', (p) => (p.task = 'classification', p.classes = ['a', 'b']), 'the classification needs 2 network outputs, but the network has 1'],
    ['a preparation that is not an object', 'houses', (p) => Object.keys(p).forEach((k) => delete p[k]), 'target is undefined, not a non-empty string'],
  ];
  it.each(cases)('%s: one line naming the file and the field, status 1', async (_, source, tamper, detail) => {
    const file = await tampered(source === 'houses' ? houses : flowers, `t-${Math.random().toString(36).slice(2)}.json`, tamper);
    const data = fixture(source === 'houses' ? 'houses.csv' : 'flowers.json');
    const { status, out, err } = await run('predict', file, data, '--out', tmp('never.csv'));
    expect([status, out]).toEqual([1, '']);
    expect(err).toBe(`simdeep: ${file}: the preparation in its metadata is invalid: ${detail}\n`);
    expect(existsSync(tmp('never.csv'))).toBe(false);
  });
});
