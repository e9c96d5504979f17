// Model files on disk (src/nn/save.ts, Node): written atomically, loaded back bit-identically.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dense, loadModel, memory, sequential } from '../../src/index';
import { build, expectRoundTrip } from './save-fixture';

describe('save and loadModel with a path', () => {
  it('round-trips through a file, predicting bit-identically, with compile settings', async () => {
    await expectRoundTrip(async (model) => {
      const dir = mkdtempSync(join(tmpdir(), 'simdeep-save-'));
      await model.save(join(dir, 'model.sdpm'));
      expect(readdirSync(dir)).toEqual(['model.sdpm']); // the temporary file was renamed
      return loadModel(join(dir, 'model.sdpm'));
    });
  });

  it('a file that cannot be read rejects naming loadModel and the path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'simdeep-save-')), 'missing.sdpm');
    await expect(loadModel(path)).rejects.toThrow(`loadModel: cannot read ${JSON.stringify(path)}: ENOENT`);
  });

  it('into a missing directory rejects with save: naming the path, not the temporary file, and leaves nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdeep-save-'));
    const path = join(dir, 'missing', 'model.sdpm');
    const model = build();
    const error = await model.save(path).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(`save: cannot write ${JSON.stringify(path)}: its directory does not exist (ENOENT)`);
    expect((error as Error).message).not.toMatch(/\.tmp/);
    expect(readdirSync(dir)).toEqual([]);
    // Writing over a directory names the path too.
    const over = await model.save(dir).catch((e: unknown) => e as Error);
    expect((over as Error).message).toMatch(new RegExp(`^save: cannot write ${JSON.stringify(dir).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: E`));
    expect((over as Error).message).not.toMatch(/\.tmp/);
    expect(readdirSync(dir)).toEqual([]);
    model.dispose();
  });

  it('of a model without layers is refused by save and toBlob, as loadModel would refuse the bytes', async () => {
    const empty = sequential([]);
    const before = memory();
    await expect(empty.save()).rejects.toThrow(new RangeError('save: the model has no layers; add layers before saving it'));
    const dir = mkdtempSync(join(tmpdir(), 'simdeep-save-'));
    await expect(empty.save(join(dir, 'empty.sdpm'))).rejects.toThrow(new RangeError('save: the model has no layers; add layers before saving it'));
    expect(readdirSync(dir)).toEqual([]);
    expect(() => empty.toBlob()).toThrow(new RangeError('toBlob: the model has no layers; add layers before saving it'));
    expect(memory()).toEqual(before);
    // Once it has layers, it saves and loads.
    empty.add(dense({ units: 1, inputShape: [2] }));
    const copy = await loadModel(await empty.save());
    expect(copy.outputDim).toBe(1);
    copy.dispose();
    empty.dispose();
  });

  it('loadModel refuses a device, a FIFO and a directory at once, without reading them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdeep-load-'));
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const device = 'not a regular file (a device, FIFO or socket)';
    await expect(loadModel('/dev/zero')).rejects.toThrow(new RangeError(`loadModel: cannot read "/dev/zero": it is ${device}`));
    await expect(loadModel(fifo)).rejects.toThrow(new RangeError(`loadModel: cannot read ${JSON.stringify(fifo)}: it is ${device}`));
    await expect(loadModel(dir)).rejects.toThrow(new RangeError(`loadModel: cannot read ${JSON.stringify(dir)}: it is a directory, and no TF.js model's (it has no model.json)`));
  }, 5000);

  it('loadModel reads no more than the header declares: a small model with 2 GB after it is refused unread', async () => {
    const model = build();
    const bytes = new Uint8Array(await model.save());
    model.dispose();
    const path = join(mkdtempSync(join(tmpdir(), 'simdeep-load-')), 'huge.sdpm');
    const fd = openSync(path, 'w');
    writeSync(fd, bytes);
    ftruncateSync(fd, 2 ** 31); // 2 GB, sparse: reading it all would take seconds and 2 GB of memory
    closeSync(fd);
    const before = memory();
    await expect(loadModel(path)).rejects.toThrow(/^loadModel: the layers need 32 weights \(128 bytes\) but the file holds 2150 MB of weights: 2150 MB too many$/);
    expect(memory()).toEqual(before);
    // The same bytes without the tail load.
    const again = openSync(path, 'r+');
    ftruncateSync(again, bytes.length);
    closeSync(again);
    (await loadModel(path)).dispose();
  });
});
