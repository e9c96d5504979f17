// model.save and loadModel across formats: the target's extension or the format option picks the writer, and
// loadModel recognises every format by content (paths, bytes, Blobs, directories, handlers).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, input, io, layers, loadModel, model, sequential, tensor, type Model, type Tensor } from '../../src/index';
import { failOnLeaks } from '../reference';

failOnLeaks();

const dir = mkdtempSync(join(tmpdir(), 'simdeep-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small CNN with every common kind: convolution, pooling, normalization, dense. */
function net(): Model {
  const x = input({ shape: [6, 6, 2] });
  let h = layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', padding: 'same' }).apply(x);
  h = layers.maxPooling2d({ poolSize: 2 }).apply(h);
  h = layers.batchNormalization().apply(h);
  h = layers.flatten().apply(h);
  const y = dense({ units: 4, activation: 'softmax' }).apply(h);
  return model({ inputs: x, outputs: y as never, seed: 3 });
}

const x = (): Tensor => tensor(Array.from({ length: 2 * 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 2]);

/** Predictions of both models on the same rows, as arrays. */
function predictions(a: Model, b: Model): [number[], number[]] {
  const xs = x(), pa = a.predict(xs) as Tensor, pb = b.predict(xs) as Tensor;
  const out: [number[], number[]] = [Array.from(pa.dataSync()), Array.from(pb.dataSync())];
  [xs, pa, pb].forEach((t) => t.dispose());
  return out;
}

function expectSame(a: Model, b: Model, tol: number): void {
  const [pa, pb] = predictions(a, b);
  pa.forEach((v, i) => expect(Math.abs(v - pb[i]), `output ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v))));
}

describe('model.save and loadModel across formats', () => {
  it.each([
    ['model.sdpm', 0], ['model.onnx', 1e-6], ['model.keras', 0], ['model.safetensors', 0], ['tfjs/model.json', 0],
  ] as const)('%s: saved by extension, loaded by content from the path, bytes and a Blob', async (file, tol) => {
    const original = net(), path = join(dir, file.replace('/', '-dir/'));
    if (file.includes('/')) await original.save(`file://${join(dir, 'tfjs-dir')}`);
    else await original.save(path);
    const fromPath = await loadModel(file.includes('/') ? join(dir, 'tfjs-dir') : path);
    expectSame(original, fromPath, tol);
    if (!file.includes('/')) {
      const bytes = await original.save(undefined, { format: ({ sdpm: 'simdeep', onnx: 'onnx', keras: 'keras', safetensors: 'safetensors' } as const)[file.split('.')[1] as 'sdpm'] });
      const fromBytes = await loadModel(bytes), fromBlob = await loadModel(new Blob([bytes]));
      expectSame(original, fromBytes, tol);
      expectSame(original, fromBlob, tol);
      [fromBytes, fromBlob].forEach((m) => m.dispose());
    }
    [original, fromPath].forEach((m) => m.dispose());
  });

  it('TF.js: a directory, its model.json, file:// URLs and IO handlers', async () => {
    const original = net(), target = join(dir, 'handlers');
    const result = await original.save(`file://${target}`);
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);
    expect(readdirSync(target).sort()).toEqual(['model.json', 'weights.bin']);
    let saved: Parameters<Parameters<typeof io.withSaveHandler>[0]>[0] | undefined;
    await original.save(io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    for (const source of [join(target, 'model.json'), `file://${target}/model.json`, io.fromMemory(saved!), saved!]) {
      const copy = await loadModel(source);
      expectSame(original, copy, 0);
      copy.dispose();
    }
    original.dispose();
  });

  it('bad targets, formats and files are errors naming them, and nothing is written', async () => {
    const m = sequential([dense({ units: 1, inputShape: [2] })]);
    try {
      await expect(m.save(join(dir, 'x.h5'))).rejects.toThrow(/save: legacy Keras \.h5 files are read only; save '\.keras'/);
      await expect(m.save(undefined, { format: 'pickle' as never })).rejects.toThrow(/save: format must be one of simdeep, tfjs, keras, onnx, safetensors, got "pickle"/);
      await expect(m.save(undefined, { format: 'tfjs' })).rejects.toThrow(/save: TF\.js's format is a model\.json and weight files/);
      await expect(m.save(undefined, { fromat: 'onnx' } as never)).rejects.toThrow(/save: unknown option "fromat"/);
      await expect(m.save(42 as never)).rejects.toThrow(/save: the target must be a path/);
      await expect(m.save(join(dir, 'missing', 'm.onnx'))).rejects.toThrow(/directory does not exist/);
      expect(readdirSync(dir).some((f) => f.startsWith('x.h5'))).toBe(false);
      const junk = join(dir, 'junk.bin');
      writeFileSync(junk, 'not a model at all');
      await expect(loadModel(junk)).rejects.toThrow(/loadModel: the bytes are no model file of a format simdeep reads .* they start 6e 6f 74 20/);
      await expect(loadModel(new TextEncoder().encode('{"modelTopology": {}}'))).rejects.toThrow(/loadModel: this JSON is a TF\.js model\.json without its weights/);
      await expect(loadModel(42 as never)).rejects.toThrow(/loadModel: the source must be/);
    } finally {
      m.dispose();
    }
  });
});

describe('metadata in every format', () => {
  it.each(['model.onnx', 'model.keras', 'model.safetensors', 'file://meta-tfjs', 'model.sdpm'])('%s keeps the model\'s metadata', async (file) => {
    const m = sequential([dense({ units: 1, inputShape: [2] })]);
    m.metadata = { preparation: { target: 'price', features: [{ name: 'area', mean: 3.5 }] } };
    const path = file.startsWith('file://') ? `file://${join(dir, file.slice(7))}` : join(dir, `meta-${file}`);
    await m.save(path);
    const copy = await loadModel(path);
    expect(copy.metadata).toEqual(m.metadata);
    [m, copy].forEach((x) => x.dispose());
  });
});
