// Keras files (src/io/keras.ts): the fixtures tests/fixtures/keras/make.py writes as Keras 3 and tf.keras 2.x do
// (.keras archives and legacy .h5) load and predict as the generator's float64 numpy forward does; saved .keras
// files load back with the same predictions; what cannot be read is a RangeError naming the problem.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor, type Model } from '../../src/index';
import { loadKeras, saveKeras } from '../../src/formats';
import { failOnLeaks } from '../reference';

const DIR = new URL('../fixtures/keras/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, DIR)));
const reference = JSON.parse(readFileSync(new URL('reference.json', DIR), 'utf8')) as Record<string, { x: number[][]; y: number[][] }>;

/** The model's predictions on x, as nested arrays. */
function predict(net: Model, x: unknown): number[][] {
  const t = tensor(x as number[][]);
  const y = net.predict(t);
  const out = (Array.isArray(y) ? y[0] : y).toArray() as number[][];
  t.dispose();
  (Array.isArray(y) ? y : [y]).forEach((v) => v.dispose());
  return out;
}

/** Every value within 1e-5 relative (1e-7 absolute near zero) of the reference. */
function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.flat(4).forEach((v, i) => {
    const w = (want.flat(4) as number[])[i];
    expect(Math.abs(v - w), `value ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(1e-5 * Math.abs(w) + 1e-7);
  });
}

describe('loadKeras', () => {
  failOnLeaks();

  for (const [file, key] of [['mlp.keras', 'mlp'], ['functional.keras', 'functional'], ['cnn.keras', 'cnn'], ['embedding.keras', 'embedding'],
    ['mlp.h5', 'mlp'], ['cnn.h5', 'cnn'], ['mlp-chunked.h5', 'mlp']] as const) {
    it(`reads ${file} and predicts as Keras does`, async () => {
      const net = await loadKeras(fixture(file));
      expectClose(predict(net, reference[key].x), reference[key].y);
      net.dispose();
    });
  }

  it('reads a path in Node', async () => {
    const net = await loadKeras(new URL('mlp.keras', DIR).pathname);
    expect(net.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'dense_1']);
    net.dispose();
  });
});

describe('saveKeras', () => {
  failOnLeaks();

  for (const file of ['mlp.keras', 'functional.keras', 'cnn.keras', 'mlp.h5']) {
    it(`saves ${file}'s model as .keras, which loads back with the same predictions`, async () => {
      const key = file.replace(/\..*/, '');
      const net = await loadKeras(fixture(file));
      const copy = await loadKeras(await saveKeras(net));
      expect(predict(copy, reference[key].x)).toEqual(predict(net, reference[key].x));
      net.dispose();
      copy.dispose();
    });
  }
});

describe('saveKeras and h5py', () => {
  failOnLeaks();

  it('writes model.weights.h5 that h5py reads: layers/<snake_case class>/vars/<i>, float32, the model\'s values', async () => {
    const net = await loadKeras(fixture('cnn.keras'));
    const bytes = await saveKeras(net);
    const script = `import sys, io, json, zipfile, h5py
z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))
f = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
out = {}
f.visititems(lambda name, d: out.__setitem__(name, [d.dtype.str, list(d.shape), float(d[()].astype("float64").sum())]) if isinstance(d, h5py.Dataset) else None)
print(json.dumps({"names": z.namelist(), "weights": out, "config": json.loads(z.read("config.json"))["class_name"]}))`;
    const seen = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: bytes }).toString()) as
      { names: string[]; weights: Record<string, [string, number[], number]>; config: string };
    expect(seen.names).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    expect(seen.config).toBe('Sequential');
    const paths = ['layers/conv2d/vars/0', 'layers/conv2d/vars/1', 'layers/batch_normalization/vars/0', 'layers/batch_normalization/vars/1',
      'layers/batch_normalization/vars/2', 'layers/batch_normalization/vars/3', 'layers/dense/vars/0', 'layers/dense/vars/1'];
    expect(Object.keys(seen.weights).sort()).toEqual([...paths].sort());
    net.weights.forEach((w, i) => {
      const [dtype, shape, total] = seen.weights[paths[i]];
      expect([dtype, shape]).toEqual(['<f4', w.shape]);
      expect(total).toBeCloseTo((w.toArray() as number[]).flat(4).reduce((a: number, b) => a + (b as number), 0), 4);
    });
    net.dispose();
  });
});
