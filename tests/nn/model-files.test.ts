// Model files (src/nn/save.ts) against damage and hostility: every truncation and every bit flip of a small file,
// random byte changes, hand-made hostile headers, atomic saves in Node, and memory over many save/load cycles.
// A bad file must give a RangeError that starts with "loadModel:" (never a wasm trap) and allocate nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dense, dispose, initializers, loadModel, memory, sequential, Sequential, tensor, type Dropout } from '../../src/index';
import { build, x } from './save-fixture';

const sizes = () => { const m = memory(); return [m.numTensors, m.numBytes, m.wasmBytes]; };

/** The file of a model with metadata; the fixture's model is tanh 3→5, sigmoid 5→2, compiled with SGD. */
async function goodFile(): Promise<Uint8Array> {
  const model = build();
  model.metadata = { features: ['a', 'b', 'c'], scaler: { min: [0, 1, 2] } };
  const bytes = new Uint8Array(await model.save());
  model.dispose();
  return bytes;
}

/** Loads bytes: the model, or the error, which must be a RangeError from loadModel. */
async function attempt(bytes: Uint8Array): Promise<Sequential | RangeError> {
  const result = await loadModel(bytes).catch((error: unknown) => error);
  if (result instanceof Sequential) return result;
  expect(result).toBeInstanceOf(RangeError);
  expect((result as RangeError).message).toMatch(/^loadModel: /);
  return result as RangeError;
}

/** A model that loaded from damaged bytes must predict finite values; then it is disposed. */
function expectFinite(model: Sequential): void {
  const input = x();
  const p = model.predict(input);
  expect(Array.from(p.dataSync()).every(Number.isFinite)).toBe(true);
  dispose([input, p]);
  model.dispose();
}

/** A model file with this header (an object, or raw JSON text) and these float32 weights. */
function file(header: object | string, weights: number | readonly number[] = 0, padding = 0): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const floats = typeof weights === 'number' ? new Array<number>(weights).fill(0.5) : weights;
  const head = 8 + text.length + ((4 - (text.length % 4)) % 4);
  const out = new Uint8Array(head + 4 * floats.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x4d504453, true);
  view.setUint32(4, text.length, true);
  out.set(text, 8);
  if (head > 8 + text.length) out[head - 1] = padding;
  floats.forEach((v, i) => view.setFloat32(head + 4 * i, v, true));
  return out;
}

const layer = (units: number, inputDim: number, more: object = {}) => ({ className: 'Dense', units, activation: 'relu', useBias: true, inputDim, ...more });
const model = (layers: unknown, more: object = {}) => ({ format: 'simdeep-model', version: 1, layers, ...more });
const compile = (more: object) => ({ loss: 'meanSquaredError', optimizer: { name: 'adam', learningRate: 0.01 }, metrics: [], ...more });
const withKey = (key: string, value: unknown): object => Object.defineProperty({}, key, { value, enumerable: true });

describe('damaged files', () => {
  it('rejects a truncation at every byte offset, allocating nothing', async () => {
    const good = await goodFile();
    const before = sizes();
    for (let end = 0; end < good.length; end++) expect(await attempt(good.subarray(0, end))).toBeInstanceOf(RangeError);
    expect(sizes()).toEqual(before);
  });

  it('rejects every single-bit flip or loads a model that predicts finite values', async () => {
    const good = await goodFile();
    const before = sizes();
    let loaded = 0;
    for (let i = 0; i < good.length * 8; i++) {
      const bytes = good.slice();
      bytes[i >> 3] ^= 1 << (i & 7);
      const result = await attempt(bytes);
      if (result instanceof Sequential) {
        loaded++;
        expectFinite(result);
      }
    }
    expect(loaded).toBeGreaterThan(0); // flips in weights and in free-form metadata load
    expect(sizes()).toEqual(before);
  });

  it('random byte changes (fast-check): a clear error, or a model that predicts finite values', async () => {
    const good = await goodFile();
    const before = sizes();
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), async (changes) => {
      const bytes = good.slice();
      for (const [at, mask] of changes) bytes[at] ^= mask;
      const result = await attempt(bytes);
      if (result instanceof Sequential) expectFinite(result);
    }), { numRuns: 2000, seed: 1 });
    expect(sizes()).toEqual(before);
  });

  it('loads a Node Buffer that is a view into a larger pool', async () => {
    const good = await goodFile();
    const pooled = Buffer.from(good);
    expect(pooled.buffer.byteLength).toBeGreaterThan(good.length); // small Buffers share one pool
    const result = await attempt(pooled);
    expect(result).toBeInstanceOf(Sequential);
    expectFinite(result as Sequential);
  });
});

describe('hostile headers', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['__proto__ in metadata', file(model([layer(2, 3)], { metadata: withKey('__proto__', { admin: true }) }), 8), /key "__proto__" \(at metadata.__proto__\)/],
    ['__proto__ at the top', file(`{"__proto__":{"x":1},"format":"simdeep-model","version":1,"layers":[]}`), /key "__proto__" \(at __proto__\)/],
    ['__proto__ in a layer', file(model([layer(2, 3, withKey('__proto__', { units: 1 }))]), 8), /key "__proto__" \(at layers\[0\].__proto__\)/],
    ['constructor deep in metadata', file(model([layer(2, 3)], { metadata: { a: [{ b: withKey('constructor', 1) }] } }), 8), /key "constructor" \(at metadata.a\[0\].b.constructor\)/],
    ['prototype in the optimizer', file(model([layer(2, 3)], { compile: compile({ optimizer: { name: 'sgd', ...withKey('prototype', {}) } }) }), 8), /key "prototype"/],
    ['huge declared shapes', file(model([layer(4096, 4096)]), 256), /layers\[0\] declares 4096×4096 weights and 4096 biases \(67.1 MB\) and 1,024 bytes are left/],
    ['huge shapes in a later layer', file(model([layer(4, 2), layer(1 << 24, 4)]), 12), /need 83,886,092 weights \(336 MB\) but the file holds 48 bytes of weights: layers\[1\] declares 4×16777216 weights and 16777216 biases \(336 MB\) and 0 bytes are left/],
    ['beyond the parameter limit', file(model([layer(1 << 24, 1 << 24)])), /declare 281,474,993,487,872 parameters .* at most 134,217,728/],
    ['units above the limit', file(model([layer(2 ** 24 + 1, 3)])), /layers\[0\].units is 16777217, not an integer in \[1, 16777216\]/],
    ['negative units', file(model([layer(-2, 3)])), /layers\[0\].units is -2/],
    ['fractional units', file(model([layer(2.5, 3)])), /layers\[0\].units is 2.5/],
    ['units as text', file(model([layer(2, 3, { units: '2' })])), /layers\[0\].units is "2"/],
    ['fractional inputDim', file(model([layer(2, 0.5)])), /layers\[0\].inputDim is 0.5/],
    ['shapes that disagree', file(model([layer(5, 3), layer(2, 4)]), 32), /layers\[1\].inputDim is 4 but layers\[0\] has 5 units/],
    ['an unknown activation', file(model([layer(2, 3, { activation: 'eval' })]), 8), /layers\[0\].activation is "eval"/],
    ['a long string, cut short', file(model([layer(2, 3, { activation: 'x'.repeat(1e5) })]), 8), /activation is "x{50,60}\.\.\., not one/],
    ['useBias as text', file(model([layer(2, 3, { useBias: 'yes' })]), 8), /layers\[0\].useBias is "yes", not a boolean/],
    ['an unknown layer class', file(model([layer(2, 3, { className: 'Conv2D' })]), 8), /className must be 'Dense', got "Conv2D"/],
    ['an unknown layer key', file(model([layer(2, 3, { kernel: [1, 2] })]), 8), /layers\[0\] has the unknown key "kernel"/],
    ['a dropout rate of 1', file(model([layer(2, 3, { dropout: 1 })]), 8), /layers\[0\].dropout is 1/],
    ['a layer that is a number', file(model([7])), /layers\[0\] is 7, not an object/],
    ['no layers', file(model([])), /the model has no layers/],
    ['layers as an object', file(model({ 0: layer(2, 3) })), /layers is an Object/],
    ['a JSON array', file('[1,2]'), /the JSON header is \[1,2\], not an object/],
    ['JSON null', file('null'), /the JSON header is null/],
    ['another format', file({ format: 'keras', version: 1, layers: [] }), /format is "keras"/],
    ['the version as text', file(model([layer(2, 3)], { version: '1' }), 8), /format version "1" is not supported/],
    ['an unknown top-level key', file(model([layer(2, 3)], { weights: [] }), 8), /the JSON header has the unknown key "weights"/],
    ['a number JSON cannot hold', file(`{"format":"simdeep-model","version":1,"layers":[],"metadata":{"x":1e999}}`), /metadata.x is Infinity/],
    ['metadata as an array', file(model([layer(2, 3)], { metadata: [1] }), 8), /metadata is \[1\], not an object/],
    ['malformed JSON', file('{"format":'), /the JSON header is corrupt/],
    ['invalid UTF-8', file('{"format":"\udc00"}'.replace('\udc00', 'ÿ')).map((b, i, all) => (b === 0xc3 && all[i + 1] === 0xbf ? 0xff : b)), /the JSON header is corrupt/],
    ['padding that is not zero', file(model([layer(2, 3)]), 8, 7), /the padding after the JSON header is not zero/],
    ['a JSON length beyond the file', (() => { const f = file(model([layer(2, 3)]), 8); new DataView(f.buffer).setUint32(4, 1e9, true); return f; })(), /claims 1,000,000,000 bytes/],
    ['extra trailing bytes', new Uint8Array([...file(model([layer(2, 3)]), 8), 0, 0, 0, 0]), /need 8 weights \(32 bytes\) but the file holds 36 bytes of weights: 4 bytes too many/],
    ['one extra byte', new Uint8Array([...file(model([layer(2, 3)]), 8), 0]), /holds 33 bytes of weights: 1 byte too many/],
    ['a NaN weight', file(model([layer(2, 3)]), [1, 2, 3, 4, 5, 6, NaN, 8]), /weight 6 is NaN/],
    ['an infinite weight', file(model([layer(2, 3)]), [1, 2, 3, 4, 5, 6, 7, -Infinity]), /weight 7 is -Infinity/],
    ['an unknown optimizer', file(model([layer(2, 3)], { compile: compile({ optimizer: { name: 'nadam', learningRate: 0.01 } }) }), 8), /compile section is invalid: compile: optimizer must be one of sgd, adam, rmsprop, adagrad/],
    ['a negative learning rate', file(model([layer(2, 3)], { compile: compile({ optimizer: { name: 'adam', learningRate: -1 } }) }), 8), /compile section is invalid: adam: learningRate must be a finite number >= 0 or a schedule \(such as cosineDecay\(\{...\}\)\), got -1/],
    ['an optimizer in disguise', file(model([layer(2, 3)], { compile: compile({ optimizer: { name: 'adam', config: { name: 'sgd' }, stateArrays: 9 } }) }), 8), /compile.optimizer is an Object, not an optimizer's config/],
    ['the optimizer as a name', file(model([layer(2, 3)], { compile: compile({ optimizer: 'adam' }) }), 8), /compile.optimizer is "adam"/],
    ['an unknown loss', file(model([layer(2, 3)], { compile: compile({ loss: 'hinge' }) }), 8), /loss must be one of .* got "hinge"/],
    ['a loss that does not fit the output', file(model([layer(2, 3)], { compile: compile({ loss: 'categoricalCrossentropy' }) }), 8), /needs a softmax output layer/],
    ['an unknown metric', file(model([layer(2, 3)], { compile: compile({ metrics: ['f1'] }) }), 8), /metrics\[0\] is "f1", not a metric \(metrics: accuracy, acc, /],
    ['metrics as text', file(model([layer(2, 3)], { compile: compile({ metrics: 'mae' }) }), 8), /compile.metrics is "mae", not an array/],
    ['an unknown compile key', file(model([layer(2, 3)], { compile: compile({ run: 'x' }) }), 8), /compile has the unknown key "run"/],
  ];

  it.each(cases)('%s: a clear error, nothing allocated, at once', async (_, bytes, message) => {
    const before = sizes();
    const start = performance.now();
    const error = await attempt(bytes);
    expect(performance.now() - start).toBeLessThan(200);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(message);
    expect(sizes()).toEqual(before);
  });

  it('JSON.parse leaves prototypes alone: a rejected __proto__ key polluted nothing', () => {
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('loads a hand-made valid file, so the cases above fail for the reason they name', async () => {
    const result = await attempt(file(model([layer(2, 3, { dropout: 0.5 }), layer(1, 2, { activation: 'linear' })], { compile: compile({}), metadata: { deep: [[{ a: null }]] } }), 11));
    expect(result).toBeInstanceOf(Sequential);
    const loaded = result as Sequential;
    expect([(loaded.layers[1] as Dropout).rate, loaded.optimizer?.config.learningRate, loaded.metadata]).toEqual([0.5, 0.01, { deep: [[{ a: null }]] }]);
    expectFinite(loaded);
  });
});

describe('atomic saves (Node)', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'simdeep-atomic-'));

  it('overwrites an existing file through a renamed temporary file', async () => {
    const at = dir(), path = join(at, 'model.sdpm');
    writeFileSync(path, 'old');
    const m = build();
    const bytes = new Uint8Array(await m.save(path));
    expect(readdirSync(at)).toEqual(['model.sdpm']);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    m.dispose();
  });

  it('leaves the target and no temporary file when the rename fails (the target is a directory)', async () => {
    const at = dir(), path = join(at, 'model.sdpm');
    mkdirSync(path);
    writeFileSync(join(path, 'keep.txt'), 'kept');
    const m = build();
    await expect(m.save(path)).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readdirSync(at)).toEqual(['model.sdpm']);
    expect(readFileSync(join(path, 'keep.txt'), 'utf8')).toBe('kept');
    m.dispose();
  });

  it('creates nothing when the write fails (the directory is missing)', async () => {
    const at = dir();
    const m = build();
    await expect(m.save(join(at, 'missing', 'model.sdpm'))).rejects.toThrow(/ENOENT/);
    expect(readdirSync(at)).toEqual([]);
    m.dispose();
  });

  it('concurrent saves to one path leave one whole file', async () => {
    const at = dir(), path = join(at, 'model.sdpm');
    const models = [build(), build()];
    models[1].metadata = { second: true };
    const saved = await Promise.all(models.map((m) => m.save(path)));
    const written = new Uint8Array(readFileSync(path));
    expect(saved.some((b) => Buffer.from(b).equals(written))).toBe(true);
    expect(readdirSync(at)).toEqual(['model.sdpm']);
    (await loadModel(path)).dispose();
    models.forEach((m) => m.dispose());
  });
});

it('1,000 saves, loads and disposals of a 64 KB model return memory to baseline', async () => {
  const m = sequential([
    dense({ units: 64, activation: 'relu', inputShape: [200], kernelInitializer: initializers.heNormal({ seed: 1 }) }),
    dense({ units: 50, activation: 'tanh' }),
  ]);
  m.compile({ loss: 'meanSquaredError' });
  const path = join(mkdtempSync(join(tmpdir(), 'simdeep-cycles-')), 'model.sdpm');
  await m.save(path);
  (await loadModel(path)).dispose(); // warm up the file path and the allocator
  const before = sizes();
  for (let i = 0; i < 1000; i++) {
    const copy = await loadModel(i % 100 === 0 ? await m.save(path).then(() => path) : await m.save());
    copy.dispose();
  }
  expect(sizes()).toEqual(before); // a leak of 1,000 × 64 KB would have grown the wasm memory
  m.dispose();
}, 30_000);

describe('files saved before model graphs (format version 1)', () => {
  it('load as the Sequential they describe, dropout a layer of its own, and predict, evaluate and train on', async () => {
    const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
    const expected = JSON.parse(readFileSync(join(dir, 'v1-dense-dropout.json'), 'utf8')) as { x: number[]; predictions: number[]; evaluate: Record<string, number> };
    const loaded = await loadModel(join(dir, 'v1-dense-dropout.sdpm'));
    expect(loaded).toBeInstanceOf(Sequential);
    const m = loaded as Sequential;
    expect(m.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense']);
    expect((m.layers[1] as Dropout).rate).toBe(0.25);
    expect([m.optimizer?.config.name, m.metrics, m.metadata]).toEqual(['adam', ['accuracy'], { note: 'saved by simdeep 0.1.0 before model graphs' }]);
    const x = tensor(expected.x, [5, 4]), labels = tensor([0, 1, 2, 1, 0]);
    const p = m.predict(x);
    // Saved by the earlier version's build on this engine: the same products, up to the last bit of a fused multiply-add.
    Array.from(p.dataSync()).forEach((v, i) => expect(Math.abs(v - expected.predictions[i])).toBeLessThanOrEqual(4e-7));
    const logs = m.evaluate(x, labels);
    expect(Math.abs(logs.loss - expected.evaluate.loss)).toBeLessThanOrEqual(1e-6);
    expect(logs.accuracy).toBe(expected.evaluate.accuracy);
    await m.fit(x, labels, { epochs: 2, seed: 1 });
    const resaved = await loadModel(await m.save());
    expect(resaved.toJSON().version).toBe(2);
    dispose([x, labels, p]);
    m.dispose();
    resaved.dispose();
  });
});
