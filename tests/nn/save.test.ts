// Model files (src/nn/save.ts). Files on disk: save-file.test.ts (Node).
import { describe, expect, it } from 'vitest';
import { dispose, loadModel, memory, tensor } from '../../src/index';
import { build, expectRoundTrip, x } from './save-fixture';

describe('save and loadModel', () => {
  it('round-trips through bytes, predicting bit-identically, with compile settings', async () => {
    await expectRoundTrip(async (model) => loadModel(await model.save()));
  });

  it('rejects truncated, corrupt and hostile files with a clear error and no leak', async () => {
    const model = build();
    const good = new Uint8Array(await model.save());
    model.dispose();
    const before = memory();
    const header = (json: object): Uint8Array => {
      const text = new TextEncoder().encode(JSON.stringify(json));
      const out = new Uint8Array(8 + text.length + ((4 - (text.length % 4)) % 4));
      new DataView(out.buffer).setUint32(0, 0x4d504453, true);
      new DataView(out.buffer).setUint32(4, text.length, true);
      out.set(text, 8);
      return out;
    };
    const layer = { className: 'Dense', units: 2, activation: 'relu', useBias: true, inputDim: 3 };
    const cases: [Uint8Array, RegExp][] = [
      [good.slice(0, good.length - 4), /need 32 weights/],
      [good.slice(0, 6), /not a simdeep model/],
      [new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), /the bytes are no model file of a format simdeep reads/],
      [header({ format: 'simdeep-model', version: 99, layers: [layer] }), /version 99 is not supported/],
      [header({ format: 'simdeep-model', version: 1, layers: [{ ...layer, units: 1e12 }] }), /units is 1000000000000/],
      [header({ format: 'simdeep-model', version: 1, layers: [{ ...layer, className: '__proto__' }] }), /className must be 'Dense'/],
      [header({ format: 'simdeep-model', version: 1, layers: [{ ...layer, activation: 'eval' }] }), /activation is "eval"/],
      [header({ format: 'simdeep-model', version: 1, layers: [layer] }), /need 8 weights/],
    ];
    for (const [bytes, message] of cases) await expect(loadModel(bytes)).rejects.toThrow(message);
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(nan.length - 4, NaN, true);
    await expect(loadModel(nan)).rejects.toThrow(/weight 31 is NaN/);
    expect(memory()).toEqual(before);
  });
});
