// Other formats in browsers: a model saved in each format to bytes, read back from a Blob (and TF.js's format from an
// http URL whose model.json and shards a fetch function serves), predicts as the original.
import { expect, it } from 'vitest';
import { dense, io, layers, loadModel, sequential, tensor, type Model, type ModelArtifacts, type Tensor } from '../../src/index';

function net(): Model {
  return sequential([layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [5, 5, 1] }), layers.flatten(),
    dense({ units: 3, activation: 'softmax' })], { seed: 4 });
}

function predictions(model: Model): number[] {
  const x = tensor(Array.from({ length: 50 }, (_, i) => Math.cos(i)), [2, 5, 5, 1]), y = model.predict(x) as Tensor;
  const values = Array.from(y.dataSync());
  [x, y].forEach((t) => t.dispose());
  return values;
}

it.each(['simdeep', 'keras', 'onnx', 'safetensors'] as const)('%s: saved to bytes, loaded from a Blob, the same predictions', async (format) => {
  const model = net();
  const copy = await loadModel(new Blob([await model.save(undefined, { format })]));
  expect(predictions(copy)).toEqual(predictions(model));
  [model, copy].forEach((m) => m.dispose());
});

it('TF.js: saved through a handler, loaded from an http URL (model.json, then its shard relative to it)', async () => {
  const model = net();
  let saved: ModelArtifacts | undefined;
  await model.save(io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const files = new Map<string, BodyInit>([
    ['https://models.test/cnn/model.json', JSON.stringify({ modelTopology: saved!.modelTopology, format: 'layers-model',
      weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }] })],
    ['https://models.test/cnn/weights.bin', saved!.weightData as ArrayBuffer],
  ]);
  const asked: string[] = [];
  const fetchFunc = (async (url: string) => {
    asked.push(String(url));
    return files.has(String(url)) ? new Response(files.get(String(url))) : new Response('missing', { status: 404 });
  }) as typeof fetch;
  const copy = await loadModel(io.http('https://models.test/cnn/model.json', { fetchFunc }));
  expect(asked).toEqual(['https://models.test/cnn/model.json', 'https://models.test/cnn/weights.bin']);
  expect(predictions(copy)).toEqual(predictions(model));
  [model, copy].forEach((m) => m.dispose());
});
