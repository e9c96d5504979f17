// Models as Blobs in browsers (Sequential.toBlob, loadModel(blob)): the loaded copy predicts bit-identically.
import { describe, it } from 'vitest';
import { loadModel } from '../../src/index';
import { expectRoundTrip } from '../nn/save-fixture';

describe('toBlob and loadModel', () => {
  it('round-trips through a Blob, predicting bit-identically, with compile settings', async () => {
    await expectRoundTrip(async (model) => loadModel(model.toBlob()));
  });
});
