// The safetensors format (src/io/safetensors.ts): round trips, the dtypes torch wrote, and hostile files (every
// truncation, random byte changes, hand-made headers): each a RangeError naming the problem, with memory unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispose, memory, tensor, type Tensor } from '../../src/index';
import { inspectSafetensors, loadSafetensors, modelFromSafetensors, readSafetensors, writeSafetensors } from '../../src/formats';
import { dense, layers, sequential } from '../../src/index';
import { modelToSafetensors } from '../../src/formats';
import { failOnLeaks } from '../reference';

failOnLeaks();
const dir = fileURLToPath(new URL('../fixtures/safetensors/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
const sizes = () => { const m = memory(); return [m.numTensors, m.numBytes, m.wasmBytes]; };

/** A file of this header (an object, or raw JSON text) and these data bytes, with the header length given or its own. */
function file(header: object | string, data: number | Uint8Array = 0, length?: number | bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + text.length + bytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? text.length), true);
  out.set(text, 8);
  out.set(bytes, 8 + text.length);
  return out;
}
const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

/** Reads bytes: the tensors (then disposed), or the error, which must be a RangeError from readSafetensors. */
function attempt(bytes: Uint8Array): RangeError | undefined {
  try {
    dispose(Object.values(readSafetensors(bytes)));
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/^readSafetensors: /);
    return error as RangeError;
  }
}

describe('round trips', () => {
  it('writes and reads tensors of any rank (scalars and empty ones too) and metadata, from any view', () => {
    const tensors = { scalar: tensor(2.5), empty: tensor([], [0, 3]), cube: tensor(Array.from({ length: 24 }, (_, i) => i / 7 - 1), [2, 3, 4]) };
    const bytes = writeSafetensors(tensors, { note: 'ünïcode', format: 'pt' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const pooled = new Uint8Array(bytes.length + 3);
    pooled.set(bytes, 3); // not 4-byte aligned
    for (const source of [bytes, bytes.slice().buffer, pooled.subarray(3)]) {
      const back = readSafetensors(source);
      expect(Object.keys(back)).toEqual(['scalar', 'empty', 'cube']);
      for (const [name, t] of Object.entries(tensors)) {
        expect(back[name].shape).toEqual(t.shape);
        expect(back[name].toArray()).toEqual(t.toArray());
      }
      dispose(Object.values(back));
    }
    expect(inspectSafetensors(bytes).metadata).toEqual(Object.assign(Object.create(null), { note: 'ünïcode', format: 'pt' }));
    dispose(Object.values(tensors));
  });

  it('reads the F16, BF16, F64, I32 and I64 tensors torch wrote as float32, and refuses U8 naming it', () => {
    const expected = JSON.parse(readFileSync(join(dir, 'dtypes.json'), 'utf8')) as Record<string, unknown>;
    const back = readSafetensors(read('dtypes.safetensors'));
    expect(Object.fromEntries(Object.entries(back).map(([k, t]) => [k, t.toArray()]))).toEqual(expected);
    expect(inspectSafetensors(read('dtypes.safetensors')).tensors.bf16.dtype).toBe('BF16');
    dispose(Object.values(back));
    expect(() => readSafetensors(read('u8.safetensors'))).toThrow('readSafetensors: tensor "u8" has dtype U8, which is not read (float32 tensors from F32, F16, BF16, F64, I64, I32)');
  });

  it('refuses bad arguments to the writer', () => {
    const t = tensor([1]), gone = tensor([1]);
    gone.dispose();
    expect(() => writeSafetensors({ __metadata__: t })).toThrow(/^writeSafetensors: "__metadata__" cannot name a tensor/);
    expect(() => writeSafetensors({ a: t }, { n: 1 as unknown as string })).toThrow(/^writeSafetensors: metadata.n is 1/);
    expect(() => writeSafetensors({ a: gone })).toThrow(/^writeSafetensors: tensors\["a"\] was disposed/);
    expect(() => writeSafetensors({ a: [1] as unknown as Tensor })).toThrow(TypeError);
    expect(() => writeSafetensors({ a: { dtype: 'I64', shape: [1], values: [0.5] } })).toThrow(/holds 0.5 at 0, not an I64 integer/);
    expect(() => writeSafetensors({ a: { dtype: 'F32', shape: [2, 2], values: [1, 2, 3] } })).toThrow('writeSafetensors: tensor "a" has shape [2,2] and 3 values');
    expect(() => writeSafetensors({ a: { dtype: 'F16' as 'F32', shape: [1], values: [1] } })).toThrow('writeSafetensors: tensor "a" has dtype "F16"; the writer takes F32 and I64');
    expect(() => readSafetensors('x' as unknown as Uint8Array)).toThrow(/^readSafetensors: bytes must be a Uint8Array or an ArrayBuffer/);
    t.dispose();
  });
});

describe('hostile files', () => {
  const good = () => read('mlp.safetensors');

  it('rejects a truncation at every byte offset, allocating nothing', () => {
    const bytes = good(), before = sizes();
    for (let end = 0; end < bytes.length; end++) expect(attempt(bytes.subarray(0, end))).toBeInstanceOf(RangeError);
    expect(sizes()).toEqual(before);
  });

  it('random byte changes (fast-check): a RangeError, or tensors that read', () => {
    const bytes = good(), before = sizes();
    let refused = 0;
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }), (changes) => {
      const changed = bytes.slice();
      for (const [at, mask] of changes) changed[at] ^= mask;
      if (attempt(changed)) refused++;
    }), { numRuns: 1500, seed: 17 });
    expect(refused).toBeGreaterThan(100);
    expect(sizes()).toEqual(before);
  });

  it('every single-bit flip of the header is refused or reads', () => {
    const bytes = good(), before = sizes(), end = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    for (let i = 0; i < end * 8; i++) {
      const changed = bytes.slice();
      changed[i >> 3] ^= 1 << (i & 7);
      attempt(changed);
    }
    expect(sizes()).toEqual(before);
  });

  const big = 2 ** 26 + 1;
  const cases: [string, Uint8Array, RegExp | string][] = [
    ['a header length above 100 MB', file({}, 0, 100_000_001), 'the header length is 100000001 bytes; at most 100000000 (100 MB)'],
    ['a header length of 2^40', file({}, 0, 2n ** 40n), 'the header length is 1099511627776 bytes'],
    ['a header length beyond the file', file({}, 0, 3), 'the header length is 3 bytes but the file has 2 after the length'],
    ['JSON that does not parse', file('{"a": '), /the JSON header is corrupt: SyntaxError/],
    ['invalid UTF-8', file('{"ab":{}}').map((b, i) => (i === 10 ? 0xff : b)), /the JSON header is corrupt: TypeError/],
    ['a JSON array', file('[1, 2]'), 'the JSON header is [1,2], not an object'],
    ['a header not starting with {', file(' {}'), 'the JSON header starts with " ", not {'],
    ['a name given twice', file(`{"a":${JSON.stringify(f32([1], 0, 4))},"a":${JSON.stringify(f32([1], 4, 8))}}`, 8), 'the header names "a" twice'],
    ['a __proto__ name', file(`{"__proto__":${JSON.stringify(f32([1], 0, 4))}}`, 4), 'the header has the key "__proto__"'],
    ['an unknown entry key', file({ a: { ...f32([1], 0, 4), offsets: 1 } }, 4), 'tensor "a" has the unknown key "offsets"'],
    ['an unknown dtype', file({ a: { ...f32([1], 0, 4), dtype: 'F128' } }, 4), 'tensor "a" has dtype "F128", not one of'],
    ['a negative size', file({ a: f32([-1], 0, 4) }, 4), 'tensor "a".shape[0] is -1, not a non-negative integer'],
    ['a fractional size', file({ a: f32([1.5], 0, 6) }, 6), 'tensor "a".shape[0] is 1.5'],
    ['a huge shape', file({ a: f32([2 ** 20, 2 ** 20], 0, 4) }, 4), 'tensor "a".shape [1048576, 1048576] declares 1099511627776 values; a file holds at most 134217728'],
    ['shapes beyond the limit together', file({ a: f32([big], 0, 4 * big), b: f32([big], 4 * big, 8 * big) }, 8), 'the tensors hold more than 134217728 values in all'],
    ['bytes that do not fit the shape', file({ a: f32([2], 0, 4) }, 4), 'tensor "a" has data_offsets [0, 4] (4 bytes) but its shape [2] of F32 needs 8 bytes'],
    ['offsets that overlap', file({ a: f32([2], 0, 8), b: f32([1], 4, 8) }, 8), /data_offsets \[4, 8\] but the data before it ends at 8: the offsets overlap/],
    ['offsets with a gap', file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12), 'the offsets leave a gap'],
    ['offsets beyond the file', file({ a: f32([2], 0, 8) }, 4), "the tensors' data ends at byte 8 but the file has 4 bytes of data"],
    ['bytes after the data', file({ a: f32([1], 0, 4) }, 5), "the tensors' data ends at byte 4 but the file has 5 bytes of data"],
    ['offsets that are not integers', file({ a: { ...f32([1], 0, 4), data_offsets: ['0', 4] } }, 4), 'has data_offsets ["0",4], not [begin, end] in bytes'],
    ['metadata that is not strings', file({ __metadata__: { a: 1 } }), '__metadata__.a is 1, not a string'],
    ['a prototype key in metadata', file('{"__metadata__":{"constructor":"x"}}'), '__metadata__ has the key "constructor"'],
    ['an I64 float32 cannot hold', file({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array([1, 0, 0, 1, 0, 0, 0, 0])), 'tensor "a" holds the I64 value 16777217 at 0'],
  ];
  for (const [what, bytes, message] of cases) {
    it(`${what}: a RangeError saying so, nothing allocated`, () => {
      const before = sizes();
      const error = attempt(bytes);
      if (typeof message === 'string') expect(error?.message).toContain(message);
      else expect(error?.message).toMatch(message);
      expect(sizes()).toEqual(before);
    });
  }

  it('modelFromSafetensors: every truncation and random byte changes of a whole model are RangeErrors or models', () => {
    const source = sequential([layers.conv2d({ filters: 2, kernelSize: 2, inputShape: [3, 3, 1] }), layers.batchNormalization(), layers.flatten(), dense({ units: 1 })]);
    const bytes = modelToSafetensors(source);
    source.dispose();
    const before = sizes();
    const attemptModel = (changed: Uint8Array): void => {
      try {
        modelFromSafetensors(changed).dispose();
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        expect((error as Error).message).toMatch(/^modelFromSafetensors: /);
      }
    };
    for (let end = 0; end < bytes.length; end++) attemptModel(bytes.subarray(0, end));
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 2 }), (changes) => {
      const changed = bytes.slice();
      for (const [at, mask] of changes) changed[at] ^= mask;
      attemptModel(changed);
    }), { numRuns: 500, seed: 17 });
    expect(sizes()).toEqual(before);
  });

  it('loadSafetensors and modelFromSafetensors refuse them under their own names, leaving the model as it was', () => {
    const model = sequential([dense({ units: 1, inputShape: [2] })]);
    const kernel = Array.from(model.weights[0].dataSync()), before = sizes();
    const nan = file({ '0.weight': f32([1, 2], 0, 8), '0.bias': f32([1], 8, 12) }, new Uint8Array(new Float32Array([1, NaN, 0]).buffer));
    expect(() => loadSafetensors(model, nan)).toThrow('loadSafetensors: tensor "0.weight" holds NaN at 1; weights must be finite');
    expect(() => loadSafetensors(model, file('[]'))).toThrow(/^loadSafetensors: the JSON header is \[\]/);
    expect(() => modelFromSafetensors(file({}, 0, 9))).toThrow(/^modelFromSafetensors: the header length is 9 bytes/);
    const badModel = file({ __metadata__: { 'simdeep.model': '{"format":"simdeep-model","version":2,"className":"Model","layers":[]}', 'simdeep.names': 'keras' } });
    expect(() => modelFromSafetensors(badModel)).toThrow('modelFromSafetensors: the architecture in __metadata__ is invalid: layers is []; the model has no layers');
    expect(() => modelFromSafetensors(file({ __metadata__: { 'simdeep.model': '{' } }))).toThrow(/^modelFromSafetensors: the architecture in __metadata__ is corrupt/);
    expect(sizes()).toEqual(before);
    expect(Array.from(model.weights[0].dataSync())).toEqual(kernel);
    model.dispose();
  });
});
