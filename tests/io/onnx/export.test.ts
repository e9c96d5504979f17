// modelToOnnx (src/io/onnx/export.ts): every layer kind runs in onnxruntime-web as simdeep predicts it, and
// onnx.checker accepts each file.
import { afterAll, describe, expect, it } from 'vitest';
import { dispose, layers, Layer, sequential, dense, type Tensor } from '../../../src/index';
import { modelToOnnx } from '../../../src/io/onnx/export';
import { failOnLeaks } from '../../reference';
import { batchFor, everyLayerModels } from './models';
import { checkModels, maxError, onnxChecker, runOnnx } from './peers';

describe('modelToOnnx', () => {
  failOnLeaks();
  const cases = everyLayerModels();
  const files = cases.map(({ net }) => modelToOnnx(net));
  afterAll(() => cases.forEach(({ net }) => net.dispose()));

  for (const [i, { name, net, indices }] of cases.entries()) {
    it(`${name}: onnxruntime predicts as simdeep (within 1e-5)`, async () => {
      const xs = batchFor(net, 3, 7 + i, indices);
      const expected = net.predict(xs.length === 1 ? xs[0] : xs);
      const ys = Array.isArray(expected) ? expected : [expected as Tensor];
      const outs = await runOnnx(files[i], xs);
      expect(outs.length).toBe(ys.length);
      outs.forEach((out, k) => {
        expect(out.dims).toEqual(ys[k].shape);
        expect(maxError(out.data, ys[k].dataSync())).toBeLessThan(1e-5);
      });
      dispose([...xs, ...ys]);
    });
  }

  it.skipIf(!onnxChecker.available)(`onnx.checker accepts every file${onnxChecker.available ? '' : ` (skipped: ${onnxChecker.why})`}`, () => {
    checkModels(files);
  });

  it('names inputs, outputs and weights as simdeep does, with a symbolic batch dimension', async () => {
    const { net } = cases[0];
    const text = new TextDecoder('latin1').decode(files[0]);
    for (const w of net.weights) expect(text).toContain(w.name);
    expect(text).toContain('batch_size');
    expect(text).toContain('simdeep');
  });

  it('refuses a custom layer, naming it and its class, and unknown options', () => {
    class Twice extends Layer {
      static className = 'Twice';
      override call(x: Tensor | Tensor[]): Tensor { return (x as Tensor).mul(2); }
    }
    const net = sequential([dense({ units: 2, inputShape: [2] }), new Twice({ name: 'twice' })]);
    expect(() => modelToOnnx(net)).toThrow(/modelToOnnx: layer twice \(class Twice\) is a custom layer/);
    expect(() => modelToOnnx(net, { batch: 'n' } as never)).toThrow(/modelToOnnx: unknown option "batch"/);
    expect(() => modelToOnnx(net, { batchDimension: '1 x' })).toThrow(/batchDimension must be a name/);
    net.dispose();
    void layers;
  });
});
