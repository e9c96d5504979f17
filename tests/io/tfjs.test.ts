// The TF.js layers format (src/io/tfjs.ts, handlers.ts) against the real tfjs-layers: simdeep models of every layer
// kind load in TF.js and predict the same within 1e-6 relative, models built and trained in TF.js load in simdeep
// likewise, and the manifests TF.js files may hold (shards, quantized weights, Keras 3 names) read as TF.js reads them.
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, dropout, io, layers, memory, sequential, tensor, type ModelArtifacts, type Tensor } from '../../src/index';
import { loadTfjs, modelFromTfjsArtifacts, saveTfjs, toTfjsArtifacts } from '../../src/formats';
import { failOnLeaks } from '../reference';
import { CASES, expectNear, simdeepPredict, tf, tfjsArtifacts, tfjsPredict, tfl, tfReady, trained, type Case } from './tfjs-peer';

beforeAll(tfReady);
failOnLeaks();

describe('simdeep models in TF.js', () => {
  for (const c of CASES) {
    it(`${c.name}: tf.loadLayersModel predicts as simdeep`, async () => {
      const net = await trained(c);
      const peer = await tfl.loadLayersModel(tf.io.fromMemory(toTfjsArtifacts(net) as tf.io.ModelArtifacts));
      expectNear(tfjsPredict(peer, c), simdeepPredict(net, c), c.name);
      peer.dispose();
      net.dispose();
    });
  }
});

/** The case's model made in TF.js from simdeep's topology, then trained there (its own optimizer and loop). */
async function trainedInTfjs(c: Case): Promise<tfl.LayersModel> {
  const source = c.build();
  const peer = await tfl.loadLayersModel(tf.io.fromMemory(toTfjsArtifacts(source) as tf.io.ModelArtifacts));
  source.dispose();
  return fitInTfjs(peer, c);
}

async function fitInTfjs(peer: tfl.LayersModel, c: Case): Promise<tfl.LayersModel> {
  if (c.untrainableInTfjs) {
    peer.setWeights(peer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', i + 1)));
    return peer;
  }
  peer.compile({ loss: 'meanSquaredError', optimizer: tf.train.adam(0.01) });
  const xs = c.inputs.map((s, i) => tf.tensor(Array.from({ length: 16 * s.shape.reduce((a, b) => a * b, 1) }, (_, k) => (s.vocab ? (k * 5 + i) % s.vocab : Math.sin(k + i))), [16, ...s.shape]));
  const y = tf.tensor(Array.from({ length: 16 * c.outputs }, (_, k) => Math.cos(k)), [16, c.outputs]);
  await peer.fit(xs.length === 1 ? xs[0] : xs, y, { epochs: 3, batchSize: 4, verbose: 0 });
  tf.dispose([...xs, y]);
  return peer;
}

describe('TF.js models in simdeep', () => {
  for (const c of CASES) {
    it(`${c.name}: trained in TF.js, saved with withSaveHandler, loaded by loadTfjs`, async () => {
      const peer = await trainedInTfjs(c);
      const net = await loadTfjs(await tfjsArtifacts(peer));
      expectNear(simdeepPredict(net, c), tfjsPredict(peer, c), c.name);
      peer.dispose();
      net.dispose();
    });
  }

  it('reads models written with tfjs-layers\' own API: its names, standalone activation layers, dropout', async () => {
    const peer = tfl.sequential();
    peer.add(tfl.layers.dense({ units: 6, inputShape: [4], activation: 'relu6' }));
    peer.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
    peer.add(tfl.layers.dropout({ rate: 0.3 }));
    peer.add(tfl.layers.dense({ units: 5, kernelInitializer: 'heNormal' }));
    peer.add(tfl.layers.reLU({}));
    peer.add(tfl.layers.dense({ units: 5 }));
    peer.add(tfl.layers.elu({}));
    peer.add(tfl.layers.dense({ units: 3 }));
    peer.add(tfl.layers.softmax({}));
    const c: Case = { name: 'tfjs sequential', inputs: [{ shape: [4] }], outputs: 3, build: () => { throw new Error('unused'); } };
    await fitInTfjs(peer, c);
    const net = await loadTfjs(tf.io.fromMemory(await tfjsArtifacts(peer)));
    expect(net.layers.map((l) => l.className)).toEqual(['Dense', 'Activation', 'Dropout', 'Dense', 'Activation', 'Dense', 'Activation', 'Dense', 'Activation']);
    expect(net.layers[0].name).toBe(peer.layers[0].name);
    expectNear(simdeepPredict(net, c), tfjsPredict(peer, c), c.name);
    peer.dispose();
    net.dispose();
  });
});

describe('weights manifests', () => {
  const topology = (): ModelArtifacts => {
    const source = sequential([dense({ units: 3, inputShape: [2], activation: 'linear' })]);
    const artifacts = toTfjsArtifacts(source);
    source.dispose();
    return artifacts;
  };
  const kernel = [0.5, -1.25, 3, 0.0625, 2, -7.5], bias = [1, -2, 0.25];
  const x = [[1, 2]];
  /** The float64 reference of x · kernel + bias with the dequantized values. */
  const expected = (k: number[], b: number[]): number[] => [0, 1, 2].map((j) => x[0][0] * k[j] + x[0][1] * k[3 + j] + b[j]);
  const predict = (artifacts: ModelArtifacts): number[] => {
    const net = modelFromTfjsArtifacts(artifacts);
    const input = tensor(x);
    const out = net.predict(input) as Tensor;
    const values = Array.from(out.dataSync());
    [input, out].forEach((t) => t.dispose());
    net.dispose();
    return values;
  };

  it('dequantizes float16, uint8 and uint16 weights as TF.js does, checked against a float64 reference', () => {
    const half = new Uint8Array(new Uint16Array([0x3800, 0xbd00, 0x4200, 0x2c00, 0x4000, 0xc780]).buffer); // 0.5 -1.25 3 0.0625 2 -7.5
    const kernelSpec = { name: 'dense_1/kernel', shape: [2, 3], dtype: 'float32', quantization: { dtype: 'float16' as const } };
    const codes8 = [0, 255, 128], codes16 = [0, 65535, 40000];
    const data8 = new Uint8Array([...half, ...codes8]);
    const data16 = new Uint8Array([...half, ...new Uint8Array(new Uint16Array(codes16).buffer)]);
    const with8 = { ...topology(), weightData: data8.buffer, weightSpecs: [kernelSpec,
      { name: 'dense_1/bias', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8' as const, scale: 0.01, min: -1.5 } }] };
    expectNear(predict(with8), expected(kernel, codes8.map((q) => q * 0.01 - 1.5)), 'float16 and uint8');
    const with16 = { ...topology(), weightData: data16.buffer, weightSpecs: [kernelSpec,
      { name: 'dense_1/bias', shape: [3], dtype: 'float32', quantization: { dtype: 'uint16' as const, scale: 1e-4, min: -3 } }] };
    expectNear(predict(with16), expected(kernel, codes16.map((q) => q * 1e-4 - 3)), 'uint16');
  });

  it('writes float16, uint8 and uint16 weights that TF.js and simdeep read alike, within half a step of the weights', async () => {
    const net = sequential([dense({ units: 5, activation: 'tanh', inputShape: [4] }), dense({ units: 2 })], { seed: 9 });
    const exact = net.getWeights().map((w) => { const v = Float64Array.from(w.dataSync()); w.dispose(); return v; });
    const c: Case = { name: 'quantized', inputs: [{ shape: [4] }], outputs: 2, build: () => net };
    for (const quantization of ['float16', 'uint8', 'uint16'] as const) {
      const artifacts = toTfjsArtifacts(net, { quantization });
      const copy = modelFromTfjsArtifacts(artifacts);
      copy.getWeights().forEach((w, k) => {
        const q = artifacts.weightSpecs![k].quantization!;
        const step = q.dtype === 'float16' ? 0 : q.scale! / 2 + 1e-7;
        Array.from(w.dataSync()).forEach((v, i) => expect(Math.abs(v - exact[k][i]), `${quantization} ${k}[${i}]`).toBeLessThanOrEqual(step || Math.abs(exact[k][i]) * 2 ** -11 + 2 ** -25));
        w.dispose();
      });
      const peer = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
      expectNear(tfjsPredict(peer, c), simdeepPredict(copy, c), quantization);
      peer.dispose();
      copy.dispose();
    }
    expect(() => toTfjsArtifacts(net, { quantization: 'int4' as 'uint8' })).toThrow(/quantization must be 'float16', 'uint8' or 'uint16', got "int4"/);
    net.dispose();
  });

  it('reads weight data split over several buffers, int32 weights, and Keras 3 prefixed names with batch_shape', () => {
    const base = topology();
    const specs = [{ name: 'sequential/dense_1/kernel', shape: [2, 3], dtype: 'float32' as const }, { name: 'sequential/dense_1/bias', shape: [3], dtype: 'int32' as const }];
    const k = new Float32Array(kernel), b = new Int32Array([1, -2, 3]);
    const layer = (base.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[0].config;
    const { batch_input_shape: shape, ...rest } = layer;
    const keras3 = { ...base, modelTopology: { class_name: 'Sequential', config: { name: 'sequential', layers: [
      { class_name: 'InputLayer', config: { batch_shape: shape, dtype: 'float32', sparse: false, name: 'input_layer' } },
      { module: 'keras.layers', class_name: 'Dense', config: { ...rest, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } } } },
    ] } }, weightSpecs: specs, weightData: [k.buffer.slice(0, 8), k.buffer.slice(8), b.buffer] };
    expectNear(predict(keras3), expected(kernel, [1, -2, 3]), 'Keras 3');
  });

  it('round-trips through io.fromMemory and io.withSaveHandler with the model\'s metadata, allocating nothing after', async () => {
    const net = sequential([dense({ units: 2, inputShape: [3] })]);
    net.metadata = { classes: ['a', 'b'] };
    let saved: ModelArtifacts | undefined;
    await saveTfjs(net, io.withSaveHandler(async (a) => { saved = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; }));
    const copy = await loadTfjs(io.fromMemory(saved!));
    expect(copy.metadata).toEqual({ classes: ['a', 'b'] });
    expect(copy.getLayer('dense_1')).toBeDefined();
    copy.dispose();
    net.dispose();
    expect(memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});

describe('what TF.js cannot express', () => {
  it('is an error naming the layer and its class, and the converter\'s model_config form reads', () => {
    const cases: [() => ReturnType<typeof sequential>, RegExp][] = [
      [() => sequential([layers.embedding({ inputDim: 4, outputDim: 2, maskZero: true, inputShape: [3] })]), /layer "embedding_1" \(Embedding\) has maskZero/],
      [() => sequential([layers.depthwiseConv2d({ kernelSize: 2, dilationRate: 2, inputShape: [4, 4, 1] })]), /layer "depthwise_conv2d_1" \(DepthwiseConv2D\) has dilationRate above 1/],
      [() => sequential([layers.globalMaxPooling1d({ keepDims: true, inputShape: [3, 2] })]), /layer "global_max_pooling1d_1" \(GlobalMaxPooling1D\) has keepDims/],
    ];
    for (const [build, pattern] of cases) {
      const net = build();
      expect(() => toTfjsArtifacts(net)).toThrow(pattern);
      net.dispose();
    }
    const net = sequential([dense({ units: 2, inputShape: [3] })]);
    const artifacts = toTfjsArtifacts(net);
    const copy = modelFromTfjsArtifacts({ ...artifacts, modelTopology: { keras_version: '2.2.4', backend: 'tensorflow', model_config: artifacts.modelTopology } });
    expect(copy.layers[0].name).toBe('dense_1');
    [copy, net].forEach((m) => m.dispose());
  });
});

describe('dropout alone', () => {
  it('saves a model whose only hidden layer is dropout', async () => {
    const net = sequential([dense({ units: 2, inputShape: [2] }), dropout({ rate: 0.5 })]);
    const peer = await tfl.loadLayersModel(tf.io.fromMemory(toTfjsArtifacts(net) as tf.io.ModelArtifacts));
    expect(peer.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout']);
    peer.dispose();
    net.dispose();
  });
});
