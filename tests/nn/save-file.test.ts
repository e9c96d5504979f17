// Model files on disk (src/nn/save.ts, Node): written atomically, loaded back bit-identically.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/index';
import { expectRoundTrip } from './save-fixture';

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
});
