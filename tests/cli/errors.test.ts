// What a user meets on the command line: every error is one line on stderr with status 1, naming the file and,
// for a bad value, its line; options are checked as they are parsed (unknown ones too); --help shows each
// command's real defaults, --version the package's.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failOnLeaks } from '../reference';
import { fixture, run, temporaryFiles } from './run';

failOnLeaks();

const tmp = temporaryFiles();
const houses = fixture('houses.csv');

describe('simdeep errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['a missing target column', ['train', houses, '--target', 'price'], /^simdeep: train: .*houses\.csv: the target column "price" is not in the data \(columns: area, rooms, city, age, y\)$/],
    ['a missing file', ['train', fixture('nope.csv'), '--target', 'y'], /^simdeep: readTable: cannot read ".*nope\.csv": no such file$/],
    ['an empty file', ['train', fixture('empty.csv'), '--target', 'y'], /^simdeep: readTable: ".*empty\.csv" is empty$/],
    // The header is line 1; "3,c,5,9" is line 4.
    ['a malformed file', ['train', fixture('malformed.csv'), '--target', 'y'], /^simdeep: readTable: ".*malformed\.csv" line 4 has 4 fields but the header has 3/],
    // "13,seven,31" is line 14; line 5 has no target, so the rows trained on are counted apart from the file's.
    ['a text value in a numeric column', ['train', fixture('text-in-number.csv'), '--target', 'y'],
      /^simdeep: train: .*text-in-number\.csv line 14: column "height" is "seven", not a number \(the column's other values are numbers\); fix the value, or --drop height$/],
    ['an unknown --drop column', ['train', houses, '--target', 'y', '--drop', 'city,colour'], /^simdeep: train: .*houses\.csv: --drop names columns not in the data: colour$/],
    ['an unknown --features column', ['train', houses, '--target', 'y', '--features', 'area,colour'], /^simdeep: train: .*houses\.csv: --features names columns not in the data: colour$/],
    ['a bad --epochs value', ['train', houses, '--target', 'y', '--epochs', 'ten'], /^simdeep: option '--epochs <n>' argument 'ten' is invalid\. --epochs must be an integer >= 1, got ten$/],
    ['a fractional --epochs value', ['train', houses, '--target', 'y', '--epochs', '2.5'], /--epochs must be an integer >= 1, got 2\.5$/],
    ['a missing file to train on', ['train'], /^simdeep: missing required argument 'file'$/],
    ['a missing file, with --target given', ['train', '--target', 'y'], /^simdeep: missing required argument 'file'$/],
    ['a missing --target', ['train', houses], /^simdeep: train: --target <column> is missing: name the column to predict$/],
    ['a --validation of rows, not a fraction', ['train', houses, '--target', 'y', '--validation', '12'], /--validation must be a fraction between 0 and 1 \(exclusive\), got 12$/],
    ['a --validation of 1', ['train', houses, '--target', 'y', '--validation', '1'], /--validation must be a fraction between 0 and 1 \(exclusive\), got 1$/],
    ['a --test of 0', ['train', houses, '--target', 'y', '--test', '0'], /--test must be a fraction between 0 and 1 \(exclusive\), got 0$/],
    ['a --test leaving one row for training and validation', ['train', houses, '--target', 'y', '--test', '0.98'],
      /^simdeep: train: --test 0\.98 and --validation 0\.2 of 60 rows: trainTestSplit: testSize 0\.2 of 1 rows leaves 1 to test and 0 to train; each side needs at least one$/],
    ['an empty --hidden size', ['train', houses, '--target', 'y', '--hidden', '16,,8'], /--hidden must be layer sizes \(integers >= 1\) separated by commas, got 16,,8$/],
    ['a --hidden size of 0', ['train', houses, '--target', 'y', '--hidden', '16,0'], /--hidden must be layer sizes \(integers >= 1\) separated by commas, got 16,0$/],
    ['a fractional --hidden size', ['train', houses, '--target', 'y', '--hidden', '1.5'], /--hidden must be layer sizes \(integers >= 1\) separated by commas, got 1\.5$/],
    ['an unknown option', ['train', houses, '--target', 'y', '--epoch', '5'], /^simdeep: unknown option '--epoch'\n?\(Did you mean --epochs\?\)$/],
    ['an unknown predict option', ['predict', tmp('m.json'), houses, '--probe'], /^simdeep: unknown option '--probe'\n?\(Did you mean --proba\?\)$/],
    ['an unknown command', ['trian', houses], /^simdeep: unknown command 'trian'\n?\(Did you mean train\?\)$/],
    ['a missing model file', ['predict', tmp('none.json'), houses], /^simdeep: the model file .*none\.json does not exist$/],
    // Read whole, these would never end (/dev/zero) or fail only after reading.
    ['a device as the model file', ['predict', '/dev/zero', houses], /^simdeep: cannot read \/dev\/zero: it is not a regular file \(a device, FIFO or socket\)$/],
    ['a directory as the model file', ['predict', fixture(''), houses], /^simdeep: loadModel: cannot read ".*fixtures\/?": it is a directory, and no TF\.js model's \(it has no model\.json\)$/],
  ];
  it.each(cases)('%s: status 1 and one message on stderr', async (_, argv, message) => {
    const { status, out, err } = await run(...argv, '--out', tmp('never.json'));
    expect(status).toBe(1);
    expect(out).toBe('');
    expect(err.endsWith('\n')).toBe(true);
    expect(err.trimEnd()).toMatch(message);
    expect(existsSync(tmp('never.json'))).toBe(false);
  });

  it('reports a diverging training in one line, keeping no tensors', async () => {
    const { status, err } = await run('train', houses, '--target', 'y', '--out', tmp('d.json'), '--lr', '1e30', '--epochs', '5');
    expect(status).toBe(1);
    expect(err).toMatch(/^simdeep: fit: the loss or its gradient became NaN or Infinity in epoch 1, batch \d+;[^\n]*\n$/);
    expect(existsSync(tmp('d.json'))).toBe(false);
  });
});

describe('simdeep --help and --version', () => {
  it.each([[[]], [['train']], [['predict']], [['demo']]])('%j --help prints the usage and exits 0', async (command) => {
    const { status, out, err } = await run(...command, '--help');
    expect([status, err]).toEqual([0, '']);
    expect(out).toContain(`Usage: simdeep ${command.length ? `${command[0]} ` : ''}[options]`);
    if (command[0] === 'train') expect(out).toMatch(/--target <column>[\s\S]*--epochs <n>[\s\S]*--search <trials>[\s\S]*--test <fraction>/);
    if (command[0] === 'predict') expect(out).toMatch(/--out <file\.csv>[\s\S]*--keep <columns>[\s\S]*--proba/);
  });

  it("shows each command's real defaults: demo searches 12 settings on the earthquake features", async () => {
    const flat = async (command: string): Promise<string> => (await run(command, '--help')).out.replace(/\s+/g, ' ');
    const demo = await flat('demo'), train = await flat('train');
    expect(demo).toMatch(/--search <trials> .*\(default: 12\)/);
    expect(demo).toContain('(default: depth,latitude,longitude,nst,gap,dmin,rms,net,magType)');
    expect(demo).toContain('(default: "earthquake-model.json")');
    expect(train).toMatch(/--search <trials> .*\(default: 0\)/);
    expect(train).toContain('--hidden <units> hidden layer sizes, comma-separated (default: 16,8)');
    expect(train).toContain('--validation <fraction> fraction of the other rows held out for early stopping and the search (default: 0.2)');
  });

  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    const { status, out, err } = await run(flag);
    expect([status, err]).toEqual([0, '']);
    expect(out).toBe(`${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`);
  });
});
