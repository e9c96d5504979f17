// Model weights in safetensors files (src/io/safetensors-model.ts, pytorch-names.ts) against real PyTorch: state_dicts
// torch wrote (tests/fixtures/safetensors/make.py) load into the equivalent simdeep models and predict as torch did;
// simdeep's files hold the transposed layouts a float64 reference computes, load into torch's modules and predict
// as simdeep does; a whole model comes back from its file; and bad names, shapes and options are clear errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, dispose, Layer, layers, matmul, type SymbolicShape, type Variable, memory, sequential, tensor, type Model, type Sequential, type Tensor } from '../../src/index';
import { inspectSafetensors, loadSafetensors, modelFromSafetensors, modelToSafetensors, readSafetensors, type SafetensorsSaveOptions, type WeightNames } from '../../src/formats';
import { expectClose, failOnLeaks } from '../reference';

failOnLeaks();
const dir = fileURLToPath(new URL('../fixtures/safetensors/', import.meta.url));
const fixture = (name: string) => ({
  bytes: new Uint8Array(readFileSync(join(dir, `${name}.safetensors`))),
  io: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { inputs: number[][] | number[][][][]; outputs: number[][] },
});
const TOLERANCE = { abs: 1e-5, rel: 1e-5 };

/** The simdeep models equivalent to make.py's, with the names option that maps them to the PyTorch modules. */
const models: Record<string, () => { model: Sequential; names: WeightNames }> = {
  mlp: () => ({ model: sequential([dense({ units: 8, inputShape: [4] }), layers.activation({ activation: 'relu' }), dense({ units: 3 })]), names: 'pytorch' }),
  cnn: () => ({
    model: sequential([
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [6, 6, 3], name: 'conv' }),
      layers.batchNormalization({ epsilon: 1e-5, name: 'bn' }), // PyTorch's default epsilon, not Keras's 1e-3
      layers.activation({ activation: 'relu' }),
      layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }),
      layers.separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', name: 'sep' }),
      layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, name: 'up' }),
      layers.globalAveragePooling2d(),
      dense({ units: 2, name: 'fc' }),
    ]),
    names: (name: string) => name,
  }),
  flat: () => ({
    model: sequential([
      layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 6, 2] }), layers.activation({ activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(), layers.dropout({ rate: 0.5 }), dense({ units: 4 }),
    ]),
    names: 'pytorch',
  }),
  text: () => ({
    model: sequential([
      layers.embedding({ inputDim: 10, outputDim: 6, inputLength: 4, name: 'emb' }),
      layers.layerNormalization({ epsilon: 1e-5, name: 'ln' }),
      layers.conv1d({ filters: 5, kernelSize: 2, name: 'c1' }),
      layers.globalAveragePooling1d(),
      dense({ units: 3, name: 'out' }),
    ]),
    names: { emb: 'embedding', ln: 'norm', c1: 'conv', out: 'head' },
  }),
};

/** NCHW images (PyTorch's) as NHWC samples (simdeep's). */
const channelsLast = (x: number[][][][]) => x.map((c) => c[0].map((_, h) => c[0][0].map((_, w) => c.map((plane) => plane[h][w]))));
const inputOf = (name: string, inputs: unknown) => tensor(name === 'cnn' || name === 'flat' ? channelsLast(inputs as number[][][][]) : inputs as number[][]);

function predict(model: Model, x: Tensor): number[] {
  const y = model.predict(x) as Tensor;
  const values = Array.from(y.dataSync());
  dispose([x, y]);
  return values;
}

describe('state_dicts written by PyTorch', () => {
  for (const name of Object.keys(models)) {
    it(`${name}: loads and predicts within 1e-5 of torch`, () => {
      const { bytes, io } = fixture(name);
      const { model, names } = models[name]();
      loadSafetensors(model, bytes, { names });
      expectClose(predict(model, inputOf(name, io.inputs)), io.outputs.flat(), TOLERANCE, name);
      model.dispose();
    });
  }

  it('a file of weights only cannot rebuild a model', () => {
    expect(() => modelFromSafetensors(fixture('mlp').bytes)).toThrow(/^modelFromSafetensors: the file holds weights only .* pass it to loadSafetensors$/);
  });
});

/** Float64 reference: element [i0, i1, ...] of the file's tensor from simdeep's weight, by the documented layouts. */
const layouts: Record<string, (w: number[], s: number[]) => { shape: number[]; at: (i: number[]) => number }> = {
  linear: (w, [i, o]) => ({ shape: [o, i], at: ([a, b]) => w[b * o + a] }),
  conv2d: (w, [kh, kw, i, o]) => ({ shape: [o, i, kh, kw], at: ([a, b, y, x]) => w[((y * kw + x) * i + b) * o + a] }),
  depthwise: (w, [kh, kw, c, m]) => ({ shape: [c * m, 1, kh, kw], at: ([a, , y, x]) => w[((y * kw + x) * c + Math.floor(a / m)) * m + (a % m)] }),
  transpose: (w, [kh, kw, o, i]) => ({ shape: [i, o, kh, kw], at: ([a, b, y, x]) => w[((y * kw + x) * o + b) * i + a] }),
  conv1d: (w, [k, i, o]) => ({ shape: [o, i, k], at: ([a, b, x]) => w[(x * i + b) * o + a] }),
  same: (w, s) => ({ shape: s, at: (i) => w[i.reduce((flat, v, k) => flat * s[k] + v, 0)] }),
};

function expectLayout(file: Record<string, Tensor>, name: string, weight: Tensor, layout: string): void {
  const ref = layouts[layout](Array.from(weight.dataSync()), [...weight.shape]);
  expect(file[name].shape, name).toEqual(ref.shape);
  const got = file[name].dataSync(), index = ref.shape.map(() => 0);
  for (let flat = 0; flat < got.length; flat++) {
    expect(got[flat], `${name} at [${index.join(', ')}]`).toBe(ref.at(index));
    for (let k = index.length - 1; k >= 0 && ++index[k] === ref.shape[k]; k--) index[k] = 0;
  }
}

describe('simdeep → safetensors', () => {
  it('writes PyTorch names and layouts, checked against a float64 reference', () => {
    const { model, names } = models.cnn();
    const file = readSafetensors(modelToSafetensors(model, { names }));
    const w = (layer: string, i: number) => model.getLayer(layer)!.weights[i];
    expect(Object.keys(file)).toEqual(['conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked',
      'dw.weight', 'dw.bias', 'sep.depthwise.weight', 'sep.pointwise.weight', 'sep.pointwise.bias', 'up.weight', 'up.bias', 'fc.weight', 'fc.bias']);
    expectLayout(file, 'conv.weight', w('conv', 0), 'conv2d');
    expectLayout(file, 'bn.running_var', w('bn', 3), 'same');
    expectLayout(file, 'dw.weight', w('dw', 0), 'depthwise');
    expectLayout(file, 'sep.depthwise.weight', w('sep', 0), 'depthwise');
    expectLayout(file, 'sep.pointwise.weight', w('sep', 1), 'conv2d');
    expectLayout(file, 'up.weight', w('up', 0), 'transpose');
    expectLayout(file, 'fc.weight', w('fc', 0), 'linear');
    expect(file['bn.num_batches_tracked'].toArray()).toBe(0);
    dispose(Object.values(file));
    model.dispose();
  });

  it('writes conv1d, embedding and layer normalization weights in PyTorch layouts', () => {
    const { model, names } = models.text();
    const file = readSafetensors(modelToSafetensors(model, { names }));
    expectLayout(file, 'conv.weight', model.getLayer('c1')!.weights[0], 'conv1d');
    expectLayout(file, 'embedding.weight', model.getLayer('emb')!.weights[0], 'same');
    expectLayout(file, 'norm.weight', model.getLayer('ln')!.weights[0], 'same');
    dispose(Object.values(file));
    model.dispose();
  });

  it('a Dense after a Flatten of images reads channels-first features, unless flatten is channelsLast', () => {
    const { model } = models.flat();
    const kernel = model.layers[5].weights[0], values = Array.from(kernel.dataSync());
    for (const flatten of ['channelsFirst', 'channelsLast'] as const) {
      const file = readSafetensors(modelToSafetensors(model, { flatten }));
      const weight = file['5.weight'].dataSync();
      expect(file['5.weight'].shape).toEqual([4, 12]);
      // simdeep's row (h, w, c) of [2, 2, 3] is PyTorch's column (c, h, w), or the same (h, w, c) with channelsLast.
      for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) for (let c = 0; c < 3; c++) for (let o = 0; o < 4; o++) {
        const column = flatten === 'channelsFirst' ? (c * 2 + h) * 2 + w : (h * 2 + w) * 3 + c;
        expect(weight[o * 12 + column]).toBe(values[((h * 2 + w) * 3 + c) * 4 + o]);
      }
      dispose(Object.values(file));
    }
    model.dispose();
  });

  it("a custom layer's weights keep their layout, named as addWeight named them", () => {
    class Scale extends Layer {
      static className = 'Scale';
      w!: Variable;
      override build(shape: SymbolicShape | SymbolicShape[]): void {
        this.w = this.addWeight('w', [(shape as SymbolicShape).at(-1)!, 2], 'float32', 'glorotUniform');
      }
      override call(x: Tensor | Tensor[]): Tensor { return matmul(x as Tensor, this.w); }
      override computeOutputShape(): SymbolicShape { return [null, 2]; }
    }
    const make = () => sequential([dense({ units: 3, inputShape: [2] }), new Scale()]);
    const [source, target] = [make(), make()];
    const bytes = modelToSafetensors(source);
    expect(Object.keys(inspectSafetensors(bytes).tensors)).toEqual(['0.weight', '0.bias', '1.w']);
    loadSafetensors(target, bytes);
    expect(target.getLayer('scale_1')!.weights[0].toArray()).toEqual(source.getLayer('scale_1')!.weights[0].toArray());
    [source, target].forEach((m) => m.dispose());
  });

  it("names 'keras' keeps simdeep's names and layouts", () => {
    const { model } = models.mlp();
    const header = inspectSafetensors(modelToSafetensors(model, { names: 'keras' }));
    expect(Object.keys(header.tensors)).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    expect(header.tensors['dense_1/kernel'].shape).toEqual([4, 8]);
    expect(header.metadata.format).toBe('simdeep');
    model.dispose();
  });

  it('modelFromSafetensors rebuilds the whole model (architecture, compile settings, weights)', () => {
    const cases: [string, SafetensorsSaveOptions][] = [['cnn', {}], ['text', { names: 'keras' }], ['flat', { flatten: 'channelsLast' }], ['flat', {}]];
    for (const [name, options] of cases) {
      const { model } = models[name]();
      model.compile({ loss: 'meanSquaredError', optimizer: 'sgd' });
      const copy = modelFromSafetensors(modelToSafetensors(model, options));
      const { io } = fixture(name);
      expect(predict(copy, inputOf(name, io.inputs))).toEqual(predict(model, inputOf(name, io.inputs)));
      expect(copy.toJSON()).toEqual(model.toJSON());
      [model, copy].forEach((m) => m.dispose());
    }
  });
});

const torchRuns = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'simdeep-safetensors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!torchRuns)('safetensors → PyTorch (skipped: /usr/bin/python3 cannot import torch)', () => {
  it("torch loads simdeep's files (load_state_dict, strict) and predicts as simdeep, within 1e-5", () => {
    const jobs = Object.keys(models).map((name) => {
      const { model, names } = models[name]();
      // Moving statistics of their own, so that torch's eval-mode batch normalization reads them.
      if (name === 'cnn') {
        model.getLayer('bn')!.weights.slice(2).forEach((w, i) => {
          const stats = tensor([0.1, -0.2, 0.3, 0.05].map((v) => v + i * 1.5));
          w.assign(stats);
          stats.dispose();
        });
      }
      const file = join(work, `${name}.safetensors`), { io } = fixture(name);
      writeFileSync(file, modelToSafetensors(model, { names }));
      const expected = predict(model, inputOf(name, io.inputs));
      model.dispose();
      return { job: { model: name, file, inputs: io.inputs }, expected };
    });
    writeFileSync(join(work, 'jobs.json'), JSON.stringify(jobs.map((j) => j.job)));
    const out = JSON.parse(execFileSync('/usr/bin/python3', [join(dir, 'make.py'), 'check', join(work, 'jobs.json')], { encoding: 'utf8' })) as number[][][];
    jobs.forEach(({ job, expected }, i) => expectClose(expected, out[i].flat(), TOLERANCE, job.model));
  }, 60_000); // importing torch takes seconds on a busy machine
});

describe('errors name the weight and both shapes, before anything is written', () => {
  const before = () => [memory().numTensors, memory().numBytes];

  it('wrong shapes, missing and extra tensors, bad options', () => {
    const { model } = models.mlp();
    const other = sequential([dense({ units: 5, inputShape: [4] }), layers.activation({ activation: 'relu' }), dense({ units: 3 })]);
    const kernel = Array.from(model.layers[0].weights[0].dataSync());
    const bigger = sequential([dense({ units: 8, inputShape: [4] }), layers.activation({ activation: 'relu' })]);
    const mlp = fixture('mlp').bytes, m = before();
    expect(() => loadSafetensors(other, mlp)).toThrow(/^loadSafetensors: tensor "0.weight" has shape \[8,4\] in the file but dense_1\/kernel \[4,5\] \(Dense\) needs \[5,4\]$/);
    expect(() => loadSafetensors(model, mlp, { names: { dense_1: 'fc1', dense_2: 'fc2' } }))
      .toThrow(/^loadSafetensors: the file has no tensor "fc1.weight" \[8,4\] \(dense_1\/kernel \[4,8\] \(Dense\)\), "fc1.bias" \[8\]/);
    expect(() => loadSafetensors(model, mlp, { flatten: 'first' as 'channelsFirst' })).toThrow(/flatten must be 'channelsFirst' or 'channelsLast', got "first"/);
    expect(() => loadSafetensors(model, mlp, { names: { dense_1: 'a' } })).toThrow(/names has no module path for layer dense_2 \(Dense\)/);
    expect(() => loadSafetensors(model, mlp, { names: { dense_9: 'a' } })).toThrow(/names has the key "dense_9", which is not a layer/);
    expect(() => loadSafetensors(model, mlp, { names: () => 'x y' })).toThrow(/module path "x y"/);
    expect(() => loadSafetensors(model, mlp, { names: () => 'same' })).toThrow(/layers dense_1 and dense_2 would both write the weight "same.weight"/);
    expect(() => loadSafetensors(model, mlp, { strict: 1 as unknown as boolean })).toThrow(/strict must be a boolean/);
    expect(() => loadSafetensors(model, mlp, { stric: false } as object)).toThrow(/unknown option "stric"/);
    expect(() => loadSafetensors(bigger, mlp)).toThrow(/^loadSafetensors: the file has tensors the model has no weight for: \["2.weight","2.bias"\] \(pass strict: false/);
    loadSafetensors(bigger, mlp, { strict: false });
    expect(Array.from(model.layers[0].weights[0].dataSync())).toEqual(kernel); // untouched by the failed loads
    expect(before()).toEqual(m);
    [model, other, bigger].forEach((m) => m.dispose());
    expect(() => loadSafetensors(model, mlp)).toThrow("loadSafetensors: the model was disposed");
    expect(() => modelToSafetensors(model)).toThrow("modelToSafetensors: the model was disposed");
  });
});
