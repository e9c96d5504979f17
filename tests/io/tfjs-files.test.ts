// The TF.js format's handlers and custom layers: file:// saves and loads (sharded weights beside model.json), http(s)
// from a server on 127.0.0.1, and a registered custom layer class in TF.js's format, simdeep's own, and TF.js itself.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dense, initializers, io, Layer, loadModel, sequential, serialization, type LayerArgs, type Model, type SymbolicShape, type Tensor, type Variable } from '../../src/index';
import { loadTfjs, saveTfjs, toTfjsArtifacts } from '../../src/formats';
import { failOnLeaks } from '../reference';
import { expectNear, simdeepPredict, tf, tfjsArtifacts, tfjsPredict, tfl, tfReady, type Case } from './tfjs-peer';

let dir = '';
beforeAll(async () => {
  await tfReady();
  dir = await mkdtemp(join(tmpdir(), 'simdeep-tfjs-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
failOnLeaks();

const CASE: Case = { name: 'dense', inputs: [{ shape: [3] }], outputs: 2, build: () => sequential([dense({ units: 4, activation: 'tanh', inputShape: [3] }), dense({ units: 2 })], { seed: 3 }) };
const same = (a: Model, b: Model): void => expect(Array.from(simdeepPredict(a, CASE))).toEqual(Array.from(simdeepPredict(b, CASE)));

describe('file://', () => {
  it('saves dir/model.json and dir/weights.bin that load back from the file or the directory, and in TF.js', async () => {
    const net = CASE.build();
    const at = join(dir, 'saved');
    await saveTfjs(net, `file://${at}`);
    expect((await readdir(at)).sort()).toEqual(['model.json', 'weights.bin']);
    for (const source of [`file://${at}/model.json`, at]) {
      const copy = await loadTfjs(source);
      same(copy, net);
      copy.dispose();
    }
    const json = JSON.parse(await readFile(join(at, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const peer = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
      weightData: new Uint8Array(await readFile(join(at, 'weights.bin'))).buffer }));
    expectNear(tfjsPredict(peer, CASE), simdeepPredict(net, CASE), 'TF.js from files');
    peer.dispose();
    net.dispose();
  });

  it('reads weights sharded over several files and groups, in manifest order', async () => {
    const net = CASE.build();
    const artifacts = toTfjsArtifacts(net);
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer), specs = artifacts.weightSpecs!;
    const at = join(dir, 'sharded');
    await saveTfjs(net, at);
    // The first two weights (kernel 12 floats, bias 4) in one group of three shards, the rest in a second group.
    await writeFile(join(at, 'a1.bin'), bytes.slice(0, 20));
    await writeFile(join(at, 'a2.bin'), bytes.slice(20, 50));
    await writeFile(join(at, 'a3.bin'), bytes.slice(50, 64));
    await writeFile(join(at, 'b1.bin'), bytes.slice(64));
    await writeFile(join(at, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, format: 'layers-model',
      weightsManifest: [{ paths: ['a1.bin', 'a2.bin', './a3.bin'], weights: specs.slice(0, 2) }, { paths: ['b1.bin'], weights: specs.slice(2) }] }));
    const copy = await loadTfjs(`file://${at}`);
    same(copy, net);
    copy.dispose();
    net.dispose();
  });
});

describe('http://', () => {
  let server: Server, base = '', posted: FormData | undefined;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        void (async () => {
          if (request.method === 'POST') {
            posted = await new Request(base, { method: 'POST', headers: request.headers as Record<string, string>, body: Buffer.concat(chunks) }).formData();
            response.end('{}');
            return;
          }
          try {
            response.end(await readFile(join(dir, 'saved', request.url!.replace(/^\/models\/a\//, ''))));
          } catch {
            response.statusCode = 404;
            response.end();
          }
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loads a model.json and fetches its weights relative to its URL; a missing one names the URL and status', async () => {
    const net = CASE.build();
    await saveTfjs(net, join(dir, 'saved'));
    const copy = await loadTfjs(`${base}/models/a/model.json`);
    same(copy, net);
    copy.dispose();
    await expect(loadTfjs(`${base}/models/a/nothing.json`)).rejects.toThrow(/nothing\.json answered 404/);
    net.dispose();
  });

  it('saves as TF.js\'s http handler does: a multipart POST of model.json and model.weights.bin', async () => {
    const net = CASE.build();
    await saveTfjs(net, `${base}/upload`);
    const json = JSON.parse(await (posted!.get('model.json') as Blob).text()) as { modelTopology: object; weightsManifest: { paths: string[]; weights: [] }[] };
    expect(json.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
    const copy = await loadTfjs(io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
      weightData: await (posted!.get('model.weights.bin') as Blob).arrayBuffer() }));
    same(copy, net);
    copy.dispose();
    net.dispose();
  });
});

/** A layer of TF.js's custom-layer style: x · scale · factor, with a trained weight and a setting of its own. */
class Scale extends Layer {
  static className = 'Scale';
  readonly factor: number;
  scale!: Variable;
  constructor(config: LayerArgs & { factor?: number } = {}) {
    super(config);
    this.factor = config.factor ?? 2;
  }
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.scale = this.addWeight('scale', [(inputShape as SymbolicShape).at(-1)!], 'float32', initializers.ones());
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return (inputs as Tensor).mul(this.scale).mul(this.factor);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }
}

/** The same layer for tfjs-layers. */
class TfScale extends tfl.layers.Layer {
  static className = 'Scale';
  factor: number;
  scale!: tfl.LayerVariable;
  constructor(config: { factor?: number; name?: string }) {
    super(config);
    this.factor = config.factor ?? 2;
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    this.scale = this.addWeight('scale', [(inputShape as tfl.Shape).at(-1)!], 'float32', tfl.initializers.ones());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.scale.read()), this.factor));
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

describe('custom layers', () => {
  const custom: Case = { name: 'custom', inputs: [{ shape: [3] }], outputs: 2, build: () => sequential([dense({ units: 2, inputShape: [3] }), new Scale({ factor: 3 })], { seed: 4 }) };

  it('an unregistered class cannot be saved in either format, and the error says how to register it', async () => {
    const net = sequential([new (class Unknown extends Scale { static override className = 'Unknown'; })({ inputShape: [3] })]);
    expect(() => toTfjsArtifacts(net)).toThrow(/class Unknown, which is not registered; call serialization.registerClass\(Unknown\)/);
    await expect(net.save()).rejects.toThrow(/serialization.registerClass\(Unknown\)/);
    net.dispose();
  });

  it('a registered class saves with its weights and settings in simdeep\'s format, TF.js\'s, and loads in TF.js', async () => {
    serialization.registerClass(Scale);
    tf.serialization.registerClass(TfScale);
    const net = custom.build();
    const initial = net.getWeights(), shifted = initial.map((w, i) => w.add(0.25 * (i + 1)));
    net.setWeights(shifted);
    [...initial, ...shifted].forEach((t) => t.dispose());
    const own = await loadModel(await net.save());
    expect((own.layers[1] as Scale).factor).toBe(3);
    same(own, net);
    const copy = await loadTfjs(io.fromMemory(toTfjsArtifacts(net)));
    same(copy, net);
    const peer = await tfl.loadLayersModel(tf.io.fromMemory(toTfjsArtifacts(net) as tf.io.ModelArtifacts));
    expectNear(tfjsPredict(peer, custom), simdeepPredict(net, custom), 'custom in TF.js');
    const back = await loadTfjs(await tfjsArtifacts(peer));
    same(back, net);
    [own, copy, back, net].forEach((m) => m.dispose());
    peer.dispose();
  });
});
