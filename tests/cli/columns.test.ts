// `simdeep train` and `predict` on files whose column names are Object.prototype members, and on files in other
// text encodings (--encoding).
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadCliModel } from '../../src/cli/files';
import { failOnLeaks } from '../reference';
import { csvRows, run, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();

describe('simdeep train and predict, column names and encodings', () => {
  const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', '__defineGetter__', 'isPrototypeOf'];

  it('uses columns named like Object.prototype members as inputs, from CSV and JSON', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i, i % 7, (3 * i) % 11, i % 5, (7 * i) % 13, i % 3, i % 4]);
    writeFileSync(tmp('proto.csv'), `${[...NAMES, 'y'].join(',')}\n${rows.map((r) => [...r, r[0] + r[4]].join(',')).join('\n')}\n`);
    writeFileSync(tmp('proto.json'), JSON.stringify(rows.map((r) => Object.fromEntries([...NAMES.map((name, c) => [name, r[c]]), ['y', r[0] + r[4]]]))));
    for (const data of [tmp('proto.csv'), tmp('proto.json')]) {
      const model = tmp('proto-model.json');
      const { status, out, err } = await run('train', data, '--target', 'y', '--out', model, '--epochs', '2');
      expect([status, err]).toEqual([0, '']);
      expect(out).toContain(`40 rows; target y (regression); 7 inputs from ${NAMES.join(', ')}\n`);
      expect(out).not.toContain('left out');
      const saved = await loadCliModel(model);
      const preparation = saved.metadata?.preparation as { features: { name: string; kind: string }[]; dropped: object };
      saved.dispose();
      expect(preparation.features.map((f) => [f.name, f.kind])).toEqual(NAMES.map((name) => [name, 'numeric']));
      expect(Object.keys(preparation.dropped)).toEqual([]);
      const predicted = await run('predict', model, data);
      expect([predicted.status, csvRows(predicted.out).length, csvRows(predicted.out)[0]]).toEqual([0, 41, 'y']);
    }
    const dropped = await run('train', tmp('proto.csv'), '--target', 'y', '--out', tmp('proto-drop.json'), '--epochs', '2', '--drop', '__proto__,constructor');
    expect(dropped.out).toContain('5 inputs from toString, valueOf, hasOwnProperty, __defineGetter__, isPrototypeOf\n');
    expect(dropped.out).toContain('\n  left out by request: __proto__, constructor\n');
  });

  it('--encoding reads a latin1 file in train and predict; without it the error names the line', async () => {
    const cities = ['Bonn', 'K\u00f6ln', 'M\u00fcnchen', 'D\u00fcsseldorf'];
    const text = `city,area,y\n${Array.from({ length: 40 }, (_, i) => `${cities[i % 4]},${i},${2 * i + (i % 4)}`).join('\n')}\n`;
    writeFileSync(tmp('cities.csv'), Buffer.from(text, 'latin1'));
    const model = tmp('cities.json');
    const failed = await run('train', tmp('cities.csv'), '--target', 'y', '--out', model);
    expect([failed.status, failed.err]).toEqual([1, `simdeep: readTable: ${JSON.stringify(tmp('cities.csv'))} line 3 is not valid utf-8; ` +
      "if the file is in another encoding, pass it as the encoding option (simdeep: --encoding), such as 'windows-1252' or 'utf-16le'\n"]);
    const trained = await run('train', tmp('cities.csv'), '--target', 'y', '--out', model, '--epochs', '2', '--encoding', 'latin1');
    expect([trained.status, trained.err]).toEqual([0, '']);
    const saved = await loadCliModel(model);
    const features = (saved.metadata?.preparation as { features: { name: string; categories?: string[] }[] }).features;
    saved.dispose();
    expect(features[0]).toEqual({ name: 'city', kind: 'categorical', categories: [...cities].sort() });
    expect((await run('predict', model, tmp('cities.csv'))).err).toContain('line 3 is not valid utf-8');
    const predicted = await run('predict', model, tmp('cities.csv'), '--encoding', 'windows-1252');
    expect([predicted.status, predicted.err, csvRows(predicted.out).length]).toEqual([0, '', 41]);
    expect((await run('train', tmp('cities.csv'), '--target', 'y', '--encoding', 'latin-9x')).err).toBe(
      'simdeep: readTable: encoding "latin-9x" is not an encoding TextDecoder knows; use a label such as \'utf-8\', \'latin1\', \'windows-1252\' or \'utf-16le\'\n');
  });
});
