// Hostile TF.js artifacts: mutated topologies, specs and weight data (fast-check), huge shapes, wrong dtypes, missing
// and extra weights, truncations. Each is a model or a RangeError starting with the function's name, and wasm memory
// is as before either way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dense, io, layers, memory, model, sequential, type ModelArtifacts } from '../../src/index';
import { loadTfjs, modelFromTfjsArtifacts, saveTfjs, toTfjsArtifacts } from '../../src/formats';
import { failOnLeaks } from '../reference';

failOnLeaks();

/** A small functional model of several kinds, as artifacts. */
function realArtifacts(): ModelArtifacts {
  const x = layers.input({ shape: [6, 6, 1] });
  let h = layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }).apply(x);
  h = layers.batchNormalization().apply(layers.maxPooling2d().apply(h));
  const out = dense({ units: 2, activation: 'softmax' }).apply(layers.flatten().apply(h));
  const net = model({ inputs: x, outputs: out, seed: 1 });
  const artifacts = toTfjsArtifacts(net);
  net.dispose();
  return artifacts;
}

const BASE = realArtifacts();
const OP = 'modelFromTfjsArtifacts: ';

/** Loads artifacts: a model (disposed) or a RangeError naming the function; memory as before. */
function expectModelOrRangeError(artifacts: unknown, context: string): string | undefined {
  const before = memory();
  let message: string | undefined;
  try {
    modelFromTfjsArtifacts(artifacts as ModelArtifacts).dispose();
  } catch (error) {
    if (!(error instanceof RangeError) || !error.message.startsWith(OP)) throw new Error(`${context}: ${String(error)}`, { cause: error });
    message = error.message;
  }
  const after = memory();
  expect([after.numTensors, after.numBytes], context).toEqual([before.numTensors, before.numBytes]);
  return message;
}

/** Every path (a list of keys) to a value in a JSON tree. */
function pathsOf(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  return out;
}

/** A copy of `root` with the value at `path` replaced (or deleted, for undefined). */
function mutated(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(root)) as Record<string | number, unknown>;
  if (path.length === 0) return value;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (value === undefined && Array.isArray(node)) node.splice(path.at(-1) as number, 1); // JSON has no holes
  else if (value === undefined) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

const hostileValue = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.integer({ min: -3, max: 9 }), fc.constantFrom(2 ** 31, 1e9, 2 ** 53, -1, 0.5, 1e300),
  fc.constantFrom('relu', 'same', 'causal', 'channels_first', '', 'Lambda', 'Dense', 'dense_1', 'float16', 'bool', 'string'),
  fc.string({ maxLength: 6 }), fc.array(fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 2 ** 20 })), { maxLength: 5 }),
  fc.constant({}), fc.constant([]), fc.constant({ class_name: 'L1L2', config: { l1: 0.01 } }),
);

describe('hostile TF.js artifacts', () => {
  it('mutated topologies load or fail with a RangeError naming the function (fast-check)', () => {
    const paths = pathsOf(BASE.modelTopology);
    fc.assert(fc.property(fc.nat(), hostileValue, (pick, value) => {
      const path = paths[pick % paths.length];
      expectModelOrRangeError({ ...BASE, modelTopology: mutated(BASE.modelTopology, path, value) }, `modelTopology.${path.join('.')} = ${JSON.stringify(value)}`);
    }), { numRuns: 300, seed: 17 });
  });

  it('mutated weight specs load or fail likewise (fast-check)', () => {
    const paths = pathsOf(BASE.weightSpecs).filter((p) => p.length > 0);
    fc.assert(fc.property(fc.nat(), hostileValue, (pick, value) => {
      const path = paths[pick % paths.length];
      expectModelOrRangeError({ ...BASE, weightSpecs: mutated(BASE.weightSpecs, path, value) }, `weightSpecs.${path.join('.')} = ${JSON.stringify(value)}`);
    }), { numRuns: 200, seed: 18 });
  });

  it('truncated or bit-flipped weight data fails or loads, never traps (fast-check)', () => {
    const bytes = new Uint8Array(BASE.weightData as ArrayBuffer);
    fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), fc.nat({ max: 7 }), fc.boolean(), (at, bit, truncate) => {
      const data = truncate ? bytes.slice(0, at) : bytes.slice();
      if (!truncate) data[at] ^= 1 << bit;
      const message = expectModelOrRangeError({ ...BASE, weightData: data.buffer }, `byte ${at} bit ${bit} ${truncate ? 'truncated' : 'flipped'}`);
      if (truncate) expect(message).toMatch(/the weight data holds \d+ bytes but the weight specs declare \d+ \(truncated\?\)/);
    }), { numRuns: 200, seed: 19 });
  });

  it('names the field for huge shapes, wrong dtypes, missing, extra and wrong-shaped weights and extra bytes', () => {
    const specs = BASE.weightSpecs!;
    const cases: [unknown, RegExp][] = [
      [{ ...BASE, weightSpecs: [{ ...specs[0], shape: [2 ** 20, 2 ** 20] }, ...specs.slice(1)] }, /weightSpecs\[0\] \("conv2d_1\/kernel"\) .shape \[1048576, 1048576\] holds 1099511627776 values/],
      [{ ...BASE, weightSpecs: [{ ...specs[0], dtype: 'complex64' }, ...specs.slice(1)] }, /weightSpecs\[0\] \("conv2d_1\/kernel"\) .dtype is "complex64"; simdeep reads float32 and int32 weights/],
      [{ ...BASE, weightSpecs: specs.slice(1) }, /no weight "conv2d_1\/kernel" \(shape \[3, 3, 1, 2\]\), which the model needs/],
      [{ ...BASE, weightSpecs: [...specs, { name: 'extra/kernel', shape: [1], dtype: 'float32' }] }, /"extra\/kernel", a weight the model does not have/],
      [{ ...BASE, weightSpecs: [{ ...specs[0], shape: [3, 3, 2, 1] }, ...specs.slice(1)] }, /"conv2d_1\/kernel" has shape \[3, 3, 2, 1\] but the model's conv2d_1\/kernel has shape \[3, 3, 1, 2\]/],
      [{ ...BASE, weightSpecs: [specs[0], specs[0], ...specs.slice(1)] }, /is a second value for weight "conv2d_1\/kernel"/],
      [{ ...BASE, weightData: new Uint8Array([...new Uint8Array(BASE.weightData as ArrayBuffer), 0, 0, 0, 0]).buffer }, /holds \d+ bytes but the weight specs declare/],
      [{ ...BASE, weightSpecs: [{ ...specs[0], quantization: { dtype: 'uint8', scale: 1 } }, ...specs.slice(1)] }, /quantization.min is undefined; uint8 codes need a finite scale and min/],
      [{ ...BASE, format: 'graph-model' }, /format is "graph-model"; simdeep reads TF.js layers models/],
      [{ ...BASE, modelTopology: { ...(BASE.modelTopology as object), ['__proto__' as string]: 1 } }, /the key "__proto__"/],
    ];
    for (const [artifacts, pattern] of cases) expect(expectModelOrRangeError(artifacts, String(pattern))).toMatch(pattern);
  });

  it('names what it cannot take as a source or target', async () => {
    await expect(loadTfjs('localstorage://my-model')).rejects.toThrow(/^loadTfjs: "localstorage:\/\/my-model" has the scheme localstorage:\/\/; simdeep takes http\(s\):\/\/ and file:\/\//);
    await expect(loadTfjs(42 as unknown as string)).rejects.toThrow(/^loadTfjs: expected a URL/);
    expect(() => io.http('https://example.com/model.json', { weightPathPrefix: '/w' } as never)).toThrow(/io.http: unknown option "weightPathPrefix"/);
    const net = sequential([dense({ units: 1, inputShape: [1] })]);
    await expect(saveTfjs(net, io.fromMemory({}))).rejects.toThrow(/^saveTfjs: the handler has no save method/);
    net.dispose();
  });

  it('refuses huge layers from the topology before allocating anything', () => {
    const net = sequential([dense({ units: 4, inputShape: [3] })]);
    const artifacts = toTfjsArtifacts(net);
    net.dispose();
    const layer = (artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers[0];
    layer.config.units = 2 ** 24;
    layer.config.batch_input_shape = [null, 2 ** 24];
    expect(expectModelOrRangeError(artifacts, 'huge')).toMatch(/the layers declare 281474993487872 parameters; a model holds at most 134217728/);
  });
});
