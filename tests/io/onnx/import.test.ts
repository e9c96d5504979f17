// modelFromOnnx (src/io/onnx/import.ts): simdeep's own exports read back with the same layers, weights and
// predictions.
import { afterAll, describe, expect, it } from 'vitest';
import { dispose, type Tensor } from '../../../src/index';
import { modelToOnnx } from '../../../src/io/onnx/export';
import { modelFromOnnx } from '../../../src/io/onnx/import';
import { failOnLeaks } from '../../reference';
import { batchFor, everyLayerModels } from './models';
import { maxError } from './peers';

const list = (y: Tensor | Tensor[]): Tensor[] => (Array.isArray(y) ? y : [y]);

describe('modelFromOnnx of modelToOnnx', () => {
  failOnLeaks();
  const cases = everyLayerModels();
  afterAll(() => cases.forEach(({ net }) => net.dispose()));

  for (const [i, { name, net, indices }] of cases.entries()) {
    it(`${name}: the same weights and predictions`, () => {
      const copy = modelFromOnnx(modelToOnnx(net));
      const xs = batchFor(net, 3, 11 + i, indices);
      const want = list(net.predict(xs.length === 1 ? xs[0] : xs)), got = list(copy.predict(xs.length === 1 ? xs[0] : xs));
      expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
      got.forEach((t, k) => expect(maxError(t.dataSync(), want[k].dataSync())).toBeLessThan(1e-6));
      const a = net.getWeights(), b = copy.getWeights();
      expect(b.map((t) => t.shape)).toEqual(a.map((t) => t.shape));
      // An embedding with maskZero is written with row 0 zeroed (never read): the rest of its table is the same.
      const skip = (k: number): number => (net.weights[k].name.endsWith('embeddings') ? a[k].shape[1] : 0);
      b.forEach((t, k) => expect(t.dataSync().slice(skip(k))).toEqual(a[k].dataSync().slice(skip(k))));
      expect(copy.inputs.map((t) => t.shape)).toEqual(net.inputs.map((t) => t.shape));
      // The same layers, activations included (Dropout and a linear Activation are identities, dropped at export).
      const kinds = (m: typeof net): string[] => m.layers.map((l) => `${l.name} ${l.className} ${String(l.getConfig().activation ?? '')}`)
        .filter((k) => !k.includes(' Dropout') && !k.endsWith('Activation linear'));
      expect(kinds(copy)).toEqual(kinds(net));
      dispose([...xs, ...want, ...got, ...a, ...b]);
      copy.dispose();
    });
  }
});
