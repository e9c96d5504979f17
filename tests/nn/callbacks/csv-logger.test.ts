// csvLogger (src/nn/callbacks/csv-logger.ts): the file Keras's CSVLogger writes, against the history.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvLogger, dense, memory, sequential, sgd, tensor, type History } from '../../../src/index';
import { pythonRepr } from '../../../src/nn/callbacks/python-format';
import { failOnLeaks } from '../../reference';

failOnLeaks();
const dir = mkdtempSync(join(tmpdir(), 'simdeep-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(callbacks: ReturnType<typeof csvLogger>, options: { epochs: number; validationSplit?: number }): Promise<History> {
  const model = sequential([dense({ units: 2, activation: 'softmax', inputShape: [2] })], { seed: 1 });
  model.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'categoricalCrossentropy', metrics: ['accuracy', 'mse'] });
  const x = tensor([[0, 1], [1, 0], [1, 1], [0, 0]]), y = tensor([[1, 0], [0, 1], [0, 1], [1, 0]]);
  const history = await model.fit(x, y, { batchSize: 2, seed: 1, callbacks, ...options });
  x.dispose();
  y.dispose();
  model.dispose();
  return history;
}

/** The rows Keras writes for these epochs of a history: epoch, then each key's value (`NA` if absent). */
function rows(history: History, keys: string[], from = 0): string[] {
  return history.epoch.map((e, i) => [String(e), ...keys.map((k) => (k in history.history ? pythonRepr(history.history[k][i]) : 'NA'))].join(','))
    .slice(from);
}

describe('csvLogger', () => {
  it('writes the header Keras writes (sorted keys) and a row per epoch in full precision, val_ logs included', async () => {
    const path = join(dir, 'val.csv');
    const history = await train(csvLogger({ path }), { epochs: 4, validationSplit: 0.5 });
    const keys = ['accuracy', 'loss', 'mse', 'val_accuracy', 'val_loss', 'val_mse'];
    expect(readFileSync(path, 'utf8')).toBe([`epoch,${keys.join(',')}`, ...rows(history, keys), ''].join('\r\n'));
    const values = readFileSync(path, 'utf8').split('\r\n')[1].split(',').slice(1).map(Number);
    expect(values).toEqual(keys.map((k) => history.history[k][0])); // the numbers read back exactly
  });

  it('without validation adds the val_ columns as NA, as Keras', async () => {
    const path = join(dir, 'plain.csv');
    const history = await train(csvLogger({ path }), { epochs: 2 });
    const keys = ['accuracy', 'loss', 'mse', 'val_accuracy', 'val_loss', 'val_mse'];
    expect(readFileSync(path, 'utf8').split('\r\n')).toEqual([`epoch,${keys.join(',')}`, ...rows(history, keys), '']);
    expect(readFileSync(path, 'utf8')).toContain(',NA,NA,NA\r\n');
  });

  it('overwrites by default; append continues the file without a second header, and writes one to an empty file', async () => {
    const path = join(dir, 'append.csv');
    writeFileSync(path, 'old\r\n');
    const first = await train(csvLogger({ path }), { epochs: 2 });
    const second = await train(csvLogger({ path, append: true }), { epochs: 3 });
    const keys = ['accuracy', 'loss', 'mse', 'val_accuracy', 'val_loss', 'val_mse'];
    expect(readFileSync(path, 'utf8').split('\r\n')).toEqual([`epoch,${keys.join(',')}`, ...rows(first, keys), ...rows(second, keys), '']);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await train(csvLogger({ path: empty, append: true }), { epochs: 1 });
    expect(readFileSync(empty, 'utf8').startsWith('epoch,accuracy')).toBe(true);
  });

  it('a separator; fields holding it are quoted as Python\'s csv quotes them', async () => {
    const path = join(dir, 'sep.csv');
    const history = await train(csvLogger({ path, separator: '_' }), { epochs: 1, validationSplit: 0.5 });
    const lines = readFileSync(path, 'utf8').split('\r\n');
    expect(lines[0]).toBe('epoch_accuracy_loss_mse_"val_accuracy"_"val_loss"_"val_mse"');
    expect(lines[1]).toBe(['0', ...['accuracy', 'loss', 'mse', 'val_accuracy', 'val_loss', 'val_mse'].map((k) => pythonRepr(history.history[k][0]))].join('_'));
  });

  it('bad options and a missing directory are errors when made, naming them', () => {
    const before = memory();
    const missing = join(dir, 'nowhere', 'log.csv');
    expect(() => csvLogger({ path: missing })).toThrow(new Error(`csvLogger: path ${JSON.stringify(missing)}: the directory ${JSON.stringify(join(dir, 'nowhere'))} does not exist`));
    expect(() => csvLogger({ path: join(dir, 'a.csv'), separator: ';;' })).toThrow(/csvLogger: separator must be one character other than a quote or a line break, got ";;"/);
    expect(() => csvLogger({ path: join(dir, 'a.csv'), separator: '"' })).toThrow(/separator must be one character/);
    expect(() => csvLogger({ path: '' })).toThrow(new TypeError('csvLogger: path must be a file path, got ""'));
    expect(() => csvLogger({ path: join(dir, 'a.csv'), appendd: true } as never)).toThrow(/unknown option "appendd".*did you mean "append"/);
    expect(() => csvLogger({ path: join(dir, 'a.csv'), append: 1 as never })).toThrow(new TypeError('csvLogger: append must be true or false, got 1'));
    expect(memory()).toEqual(before);
  });
});
