// modelFromOnnx on hostile bytes: truncations and bit flips of real files, huge declared dims, wrong data types,
// external data, unknown operators and attributes. Each is a RangeError starting 'modelFromOnnx:' (or, for a flip that
// leaves a well-formed model, a model), with no wasm memory kept and no hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory, sequential, dense, layers, type Model } from '../../../src/index';
import { modelToOnnx } from '../../../src/io/onnx/export';
import { modelFromOnnx } from '../../../src/io/onnx/import';
import { ATTR_INT, FLOAT, INT64, writeModel, type OnnxModel, type OnnxTensor } from '../../../src/io/onnx/proto';
import { readModel } from '../../../src/io/onnx/proto-read';
import { failOnLeaks } from '../../reference';

/** A small real export: a convolution, pooling, flatten and dense. */
function realFile(): Uint8Array {
  const net = sequential([layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [4, 4, 1] }), layers.maxPooling2d(), layers.flatten(), dense({ units: 2, activation: 'relu' })]);
  const bytes = modelToOnnx(net);
  net.dispose();
  return bytes;
}

const decoded = (bytes: Uint8Array): OnnxModel => readModel(bytes, (m) => { throw new Error(m); });

/** modelFromOnnx of `bytes`: the error message, or '' for a model (disposed), with memory checked unchanged. */
function outcome(bytes: Uint8Array): string {
  const before = memory();
  let net: Model | undefined;
  try {
    net = modelFromOnnx(bytes);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/^modelFromOnnx: /);
    return (error as Error).message;
  } finally {
    net?.dispose();
    const after = memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
  }
}

describe('modelFromOnnx on hostile bytes', () => {
  failOnLeaks();
  const good = realFile();

  it('reads the unmodified file', () => {
    expect(outcome(good)).toBe('');
  });

  it('every truncation is a clear error', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: good.length - 1 }), (n) => {
      expect(outcome(good.slice(0, n))).not.toBe('');
    }), { numRuns: 300 });
  });

  for (const [name, file] of [['simdeep\'s export', good], ['PyTorch\'s cnn.onnx', new Uint8Array(readFileSync(join(__dirname, '../../fixtures/onnx/cnn.onnx')))]] as const) {
    it(`bit flips of ${name} give a model or a clear error, never a trap, a hang or a leak`, () => {
      fc.assert(fc.property(fc.array(fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const bytes = file.slice();
        for (const [at, bit] of flips) bytes[at] ^= 1 << bit;
        outcome(bytes);
      }), { numRuns: 300 });
    });
  }

  it('refuses a layer whose samples would outgrow 2^24 values: a Resize scale of 3.7e19 once hung the import', () => {
    // Two bit flips of cnn.onnx: one turns the Resize node's height scale 2 into 0x60000000 as a float (3.7e19).
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../../fixtures/onnx/cnn.onnx')));
    bytes[2580] ^= 1 << 1;
    bytes[1403] ^= 1 << 5;
    expect(outcome(bytes)).toMatch(/^modelFromOnnx: node "\/up\/Resize" \(Resize\): .* would give samples of shape \[73786976294838210000, 4, 6\], .* values; at most 2\^24 per sample$/);
  });

  /** `good` with its first initializer changed by `edit`. */
  const withTensor = (edit: (t: OnnxTensor) => void): Uint8Array => {
    const model = decoded(good);
    edit(model.graph.initializers[0]);
    return writeModel(model);
  };

  it('names what is wrong in a tensor: huge dims, wrong data type, wrong byte count, external data', () => {
    expect(outcome(withTensor((t) => { t.dims = [1 << 20, 1 << 20]; }))).toMatch(/initializer\[0\] \(".*"\) has dims \[1048576, 1048576\]: more than 134217728 values/);
    expect(outcome(withTensor((t) => { t.dims = [-1, 4]; }))).toMatch(/has the dimension -1/);
    expect(outcome(withTensor((t) => { t.dataType = 11; }))).toMatch(/has data_type 11; simdeep reads FLOAT \(1\)/);
    expect(outcome(withTensor((t) => { t.raw = t.raw!.subarray(4); }))).toMatch(/holds \d+ bytes of raw_data; dims \[.*\] need \d+ bytes/);
    expect(outcome(withTensor((t) => { t.dataType = INT64; }))).toMatch(/raw_data; dims/);
    expect(outcome(withTensor((t) => { t.external = true; t.raw = null; }))).toMatch(/keeps its data in an external file/);
  });

  it('reads float_data and int64_data as raw_data', () => {
    const model = decoded(good);
    for (const t of model.graph.initializers) {
      const view = new DataView(t.raw!.buffer, t.raw!.byteOffset, t.raw!.length);
      t.numbers = t.dataType === FLOAT ? Array.from({ length: t.raw!.length / 4 }, (_, i) => view.getFloat32(4 * i, true))
        : Array.from({ length: t.raw!.length / 8 }, (_, i) => Number(view.getBigInt64(8 * i, true)));
      t.raw = null;
    }
    const a = modelFromOnnx(good), b = modelFromOnnx(writeModel(model));
    const [wa, wb] = [a.getWeights(), b.getWeights()];
    wb.forEach((w, i) => expect(w.dataSync()).toEqual(wa[i].dataSync()));
    [...wa, ...wb].forEach((w) => w.dispose());
    a.dispose();
    b.dispose();
  });

  it('reads thousands of nodes of one name in linear time', () => {
    const model = decoded(good), x = model.graph.inputs[0].name;
    model.graph.nodes = Array.from({ length: 3000 }, (_, i) => ({ name: 'same', opType: 'Relu', domain: '', inputs: [i === 0 ? x : `v${i - 1}`], outputs: [`v${i}`], attributes: [] }));
    model.graph.initializers = [];
    model.graph.outputs[0].name = 'v2999';
    model.graph.outputs[0].dims = model.graph.inputs[0].dims;
    const started = performance.now();
    const net = modelFromOnnx(writeModel(model));
    expect(net.layers.length).toBe(3000);
    expect(net.layers[2999].name).toBe('same_3000');
    net.dispose();
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('names unknown operators, attributes and bad structure', () => {
    const model = decoded(good);
    model.graph.nodes[1].opType = 'Frobnicate';
    expect(outcome(writeModel(model))).toMatch(/node ".*" \(Frobnicate\): the operator Frobnicate is not supported/);
    const attr = decoded(good);
    attr.graph.nodes[1].attributes.push({ name: 'bogus', type: ATTR_INT, f: 0, i: 1, s: '', t: null, floats: [], ints: [] });
    expect(outcome(writeModel(attr))).toMatch(/has the attribute "bogus", which simdeep does not support/);
    const input = decoded(good);
    input.graph.inputs[0].elemType = FLOAT + 10;
    expect(outcome(writeModel(input))).toMatch(/graph.input\[0\] .* has elem_type 11/);
    const opset = decoded(good);
    opset.opsets[0].version = 99;
    expect(outcome(writeModel(opset))).toMatch(/opset 99/);
    expect(outcome(Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))).toMatch(/longer than 10 bytes/);
    expect(outcome(Uint8Array.of(0x3a, 0x7f, 0x01))).toMatch(/a length of 127 bytes runs past the end/);
    expect(outcome(new Uint8Array(0))).toMatch(/empty/);
    expect(() => modelFromOnnx('x' as never)).toThrow(TypeError);
  });
});
