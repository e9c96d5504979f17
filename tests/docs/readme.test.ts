// Every JavaScript example in README.md runs as written on the packed library, and repeats bit for bit: each runs
// twice, in two fresh Node processes (so a generator seeded from the clock or from process state would show), and
// both runs must print the same digest of everything the example computes. A later example in a section continues
// the earlier ones (the search runs on the data the data example prepared), so it runs after them. The digest is an epilogue appended to
// each example (below, keyed by the README section the example stands in); an example in a section without one
// fails the test, so a new example cannot go untested.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { packedTarball, root, run } from '../package/tarball';
import { startRedis, type RedisServer } from '../search/redis-server';

/** Prints the float32 bits of tensors (and arrays of them) as hex, so equal digests mean equal bits. */
const BITS = `
const bits = (...ts) => ts.flat().map((t) => Buffer.from(new Float32Array(t.dataSync()).buffer).toString('hex')).join(' ');
`;

/** What each README section's example computes, printed after it runs. */
const DIGESTS: Record<string, string> = {
  'Example': '',  // prints its values itself
  'Neural networks': `${BITS}
console.log(JSON.stringify(history.history));
console.log(bits(model.getWeights()));
console.log(bits(model.predict(tensor([[0, 0, 1], [1, 1, 1]]))));`,
  'Training controls and evaluation': `${BITS}
import { readFileSync } from 'node:fs';
console.log(JSON.stringify(history.history));
console.log(bits(model.getWeights(), best.getWeights()));
console.log(readFileSync('training.csv', 'utf8'));
console.log(JSON.stringify(LabelEncoder.fromModel(model).classes));`,
  'Models as graphs': `${BITS}
console.log(JSON.stringify(history.history));
console.log(bits(net.getWeights()));
console.log(bits(net.predict(x)));`,
  'Convolutions, pooling, embeddings and normalization': `${BITS}
console.log(JSON.stringify(history.history));
console.log(bits(model.getWeights()));
console.log(bits(model.predict(x)));`,
  'Autograd: custom losses, layers and training loops': `${BITS}
console.log(JSON.stringify(history.history));
console.log(bits(w, b, model.getWeights(), model.predict(x)));`,
  'Formats: TF.js, Keras, ONNX, PyTorch': `${BITS}
console.log(bits(copies.map((copy) => copy.predict(x)), model.predict(x), same.predict(x)));`,
  'Data, search and the command line#0': `${BITS}
console.log(table.columns.join(','), table.numRows ?? '');
console.log(bits(xFit, xHeldOut, yTrain, yTest));
console.log(JSON.stringify(folds));`,
  'Data, search and the command line#1': `
console.log(JSON.stringify([best.params, best.score, best.seed]));
console.log(JSON.stringify(trials.map((t) => [t.params, t.score ?? t.value, t.error?.message])));`,
  // The second run finds the study's trials finished in Redis and reads them back: the same digest shows the resume.
  'Scaling out: searches on a job queue': `
console.log(JSON.stringify([best.params, best.score, best.seed]));
console.log(JSON.stringify(trials.map((t) => [t.index, t.params, t.status, t.score, t.reports.length])));`,
};

/** A small houses.csv for the data example: prices from area, rooms and city, with empty cells. */
function housesCsv(): string {
  const cities = ['east', 'north', 'west'];
  const lines = ['price,area,rooms,city'];
  for (let i = 0; i < 60; i++) {
    const area = 40 + ((i * 37) % 120), rooms = 1 + (i % 5), city = cities[i % 3];
    const price = 1000 * area + 5000 * rooms + 20000 * (i % 3);
    lines.push([i % 17 === 5 ? '' : price, i % 11 === 3 ? '' : area, i % 13 === 7 ? '' : rooms, city].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The ```js blocks of README.md, each named by its section (and its index within the section). */
function examples(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = [];
  const counts = new Map<string, number>();
  const before = new Map<string, string>();
  let section = '';
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const part of readme.split(/^(## .*|```js\n[\s\S]*?^```)$/m)) {
    if (part.startsWith('## ')) section = part.slice(3).trim();
    else if (part.startsWith('```js')) {
      const index = counts.get(section) ?? 0;
      counts.set(section, index + 1);
      const code = part.slice(6, -3);
      found.push({ name: index === 0 && !((`${section}#0`) in DIGESTS) ? section : `${section}#${index}`, code: (before.get(section) ?? '') + code });
      before.set(section, (before.get(section) ?? '') + code);
    }
  }
  return found;
}

describe('README examples', () => {
  let dir = '';
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis(); // for the queue search's example (REDIS_URL)
    dir = mkdtempSync(join(tmpdir(), 'simdeep-readme-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', packedTarball()], dir);
    writeFileSync(join(dir, 'houses.csv'), housesCsv());
  }, 300_000);
  afterAll(() => redis.stop());

  test.each(examples())('$name runs as written and repeats bit for bit', ({ name, code }) => {
    expect(Object.keys(DIGESTS), `no digest for the README example in "${name}"`).toContain(name);
    const file = join(dir, `${name.replace(/\W+/g, '-')}.mjs`);
    writeFileSync(file, `${code}\n${DIGESTS[name]}\n`);
    const first = run('node', [file], dir, { REDIS_URL: redis.url });
    const second = run('node', [file], dir, { REDIS_URL: redis.url });
    expect(first.trim().length).toBeGreaterThan(0);
    expect(second).toBe(first);
  }, 120_000);
});
