// Hostile Keras files (src/io/keras.ts): truncations and bit flips of the fixtures (fast-check), zip bombs, huge
// declared shapes, wrong datatypes, weights that do not fit. Each is a RangeError starting with loadKeras and naming
// the problem, never another error, a hang or a huge allocation; memory() is the same after it.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { memory } from '../../src/index';
import { loadKeras } from '../../src/formats';
import { writeZip } from '../../src/io/zip';
import { failOnLeaks } from '../reference';

const DIR = new URL('../fixtures/keras/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, DIR)));

/** Loads `bytes`: the model (disposed) or the RangeError, with memory() checked unchanged after an error. */
async function attempt(bytes: Uint8Array): Promise<RangeError | undefined> {
  const before = memory();
  try {
    (await loadKeras(bytes)).dispose();
    return undefined;
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/^loadKeras: /);
    const after = memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    return error as RangeError;
  }
}

/** The entries of a stored .keras fixture, to alter one and zip them again (with valid CRCs). */
function entries(name: string): Map<string, Uint8Array> {
  const bytes = fixture(name), view = new DataView(bytes.buffer, bytes.byteOffset);
  const out = new Map<string, Uint8Array>();
  for (let at = 0; view.getUint32(at, true) === 0x04034b50;) {
    const size = view.getUint32(at + 18, true), nameLength = view.getUint16(at + 26, true), start = at + 30 + nameLength + view.getUint16(at + 28, true);
    out.set(new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength)), bytes.slice(start, start + size));
    at = start + size;
  }
  return out;
}
const rezip = (map: Map<string, Uint8Array>): Uint8Array => writeZip([...map]);

describe('loadKeras on hostile files', () => {
  failOnLeaks();

  it('refuses truncations of every fixture', async () => {
    for (const name of ['mlp.keras', 'functional.keras', 'mlp.h5', 'cnn.h5']) {
      const bytes = fixture(name);
      await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: bytes.length - 1 }), async (n) => {
        expect(await attempt(bytes.slice(0, n))).toBeDefined();
      }), { numRuns: 25, seed: 17 });
    }
  });

  it('survives bit flips anywhere in an archive, in the HDF5 inside it, and in a legacy .h5', async () => {
    const inner = entries('cnn.keras');
    const h5 = inner.get('model.weights.h5')!;
    const cases: [string, Uint8Array, (b: Uint8Array) => Uint8Array][] = [
      ['cnn.keras', fixture('cnn.keras'), (b) => b],
      ['model.weights.h5 of cnn.keras', h5, (b) => rezip(new Map([...inner, ['model.weights.h5', b]]))],
      ['cnn.h5', fixture('cnn.h5'), (b) => b],
    ];
    for (const [, bytes, wrap] of cases) {
      await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), async (flips) => {
        const altered = bytes.slice();
        for (const [at, bit] of flips) altered[at] ^= 1 << bit;
        await attempt(wrap(altered)); // loads (a flip in padding or a weight's value) or is a RangeError
      }), { numRuns: 60, seed: 17 });
    }
  });

  it('refuses an entry declaring more than it may hold, before inflating it', async () => {
    const bytes = fixture('mlp.keras');
    const view = new DataView(bytes.buffer.slice(0), 0);
    // The central directory's size fields of model.weights.h5 (the last entry) declare 2 GB.
    const altered = new Uint8Array(view.buffer);
    const end = altered.length - 22, dir = view.getUint32(end + 16, true);
    let at = dir;
    for (let i = 0; i < 2; i++) at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    view.setUint32(at + 24, 2 ** 31, true);
    expect((await attempt(altered))?.message).toMatch(/model\.weights\.h5 declares 2147483648 bytes; at most \d+ are read/);
  });

  it('refuses a zip bomb: a deflated entry declaring more than deflate can expand to, or inflating past its size', async () => {
    const zeros = deflateSync(new Uint8Array(1 << 22)); // 4 MB of zeros in about 4 KB
    const bomb = withDeflated('config.json', zeros, 1 << 22, 1 << 25);
    expect((await attempt(bomb))?.message).toMatch(/config\.json declares 33554432 bytes from \d+ compressed, more than deflate can expand \(a zip bomb\)/);
    const liar = withDeflated('config.json', zeros, 1 << 22, 100);
    expect((await attempt(liar))?.message).toMatch(/config\.json('s CRC-32 does not match| inflates to| does not inflate)/);
  });

  it('names the weight and both shapes when they differ', async () => {
    expect((await attempt(fixture('hostile/wrong-shape.keras')))?.message)
      .toBe('loadKeras: layer "dense": the weight kernel has shape [4, 7] in the file (variable 0), but the layer needs [4, 8]');
    expect((await attempt(fixture('hostile/missing-weight.keras')))?.message).toBe('loadKeras: layer "dense_1": the weight bias [3] is missing from the file');
    expect((await attempt(fixture('hostile/extra-weight.keras')))?.message).toMatch(/^loadKeras: layer "dense_1": the file holds 3 weights for it, and the layer has 2/);
  });

  it('refuses datatypes other than float32 and float64, and shapes beyond MAX_PARAMETERS, before reading values', async () => {
    expect((await attempt(fixture('hostile/float16.keras')))?.message).toMatch(/layer "dense" \(Dense\): variable 0: layers\/dense\/vars\/0 has the datatype "<f2"; float32 or float64/);
    expect((await attempt(fixture('hostile/int32.h5')))?.message).toMatch(/weight dense\/kernel:0: .* has the datatype "<i4"/);
    expect((await attempt(fixture('hostile/huge-shape.h5')))?.message).toMatch(/has shape \[1048576, 1024\], beyond the 134217728 parameters/);
  });

  it('refuses JSON keys that reach a prototype, and files that are not Keras files', async () => {
    expect((await attempt(fixture('hostile/proto.keras')))?.message).toMatch(/config\.json has the key "__proto__"/);
    expect((await attempt(new TextEncoder().encode('{"format": "layers-model"}')))?.message).toMatch(/neither a \.keras archive/);
    const noWeights = entries('mlp.keras');
    noWeights.delete('model.weights.h5');
    expect((await attempt(rezip(noWeights)))?.message).toMatch(/the zip has no model\.weights\.h5/);
  });
});

/** mlp.keras with `name` replaced by a deflated entry of `data` whose central record declares `declared` bytes. */
function withDeflated(name: string, data: Uint8Array, realSize: number, declared: number): Uint8Array {
  const zipped = rezip(new Map([...entries('mlp.keras'), [name, data]]));
  // Mark the entry deflated with the declared size, in both headers (its CRC stays that of the compressed bytes).
  const view = new DataView(zipped.buffer);
  for (let at = 0; at < zipped.length - 4; at++) {
    const sig = view.getUint32(at, true);
    const off = sig === 0x04034b50 ? 0 : sig === 0x02014b50 ? 2 : -1;
    if (off < 0) continue;
    const nameLength = view.getUint16(at + 26 + off, true);
    const base = off === 0 ? 30 : 46;
    if (new TextDecoder().decode(zipped.subarray(at + base, at + base + nameLength)) !== name) continue;
    view.setUint16(at + 8 + off, 8, true);
    view.setUint32(at + 22 + off, declared, true);
  }
  expect(realSize).toBeGreaterThan(0);
  return zipped;
}
