// layers.flatten and layers.reshape, and a dense layer on [..., features] samples (it maps the last axis): forward
// against float64 loops, the gradient of a training step against float64 central differences, file round trips.
import { describe, expect, it } from 'vitest';
import { dense, dispose, layers, model, sequential, ShapeError, tensor } from '../../../src/index';
import { failOnLeaks, seededValues } from '../../reference';
import { expectForward, expectRoundTrip, expectStepIsGradient } from './check';

failOnLeaks();

/** Each of `lead` rows of x [lead, d] · w [d, n] + b, then tanh (tanh true) or not, float64. */
function denseRows(x: Float64Array, w: Float64Array, b: Float64Array, lead: number, d: number, n: number, tanh: boolean): Float64Array {
  const z = new Float64Array(lead * n);
  for (let r = 0; r < lead; r++) for (let j = 0; j < n; j++) {
    let s = b[j];
    for (let p = 0; p < d; p++) s += x[r * d + p] * w[p * n + j];
    z[r * n + j] = tanh ? Math.tanh(s) : s;
  }
  return z;
}

const ROWS = 5;

describe('layers.flatten, layers.reshape and dense on [..., features]', () => {
  // x [rows, 6] → reshape [3, 2] → dense(4, tanh) on each of 3 rows → flatten [12] → dense(2)
  const build = (): ReturnType<typeof sequential> => sequential([layers.reshape({ targetShape: [3, -1], inputShape: [6] }),
    dense({ units: 4, activation: 'tanh' }), layers.flatten(), dense({ units: 2 })], { seed: 7 });
  const ref = (w: readonly Float64Array[], x: Float64Array): Float64Array => {
    const rows = x.length / 6, out = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const h = denseRows(x.subarray(r * 6, r * 6 + 6), w[0], w[1], 3, 2, 4, true);
      out.set(denseRows(h, w[2], w[3], 1, 12, 2, false), r * 2);
    }
    return out;
  };

  it('shapes: reshape infers -1, dense maps the last axis, flatten multiplies the dims', () => {
    const net = build();
    expect(net.summary()).toContain('[null, 3, 4]');
    const w = net.getWeights();
    expect(w.map((t) => t.shape)).toEqual([[2, 4], [4], [12, 2], [2]]);
    dispose(w);
    net.dispose();
  });

  it('predict matches the float64 forward; a training step applies the float64 central-difference gradient', async () => {
    const x = tensor(seededValues(ROWS * 6, 1, 2), [ROWS, 6]), y = tensor(seededValues(ROWS * 2, 2), [ROWS, 2]);
    const net = build();
    // float32 sums of ≤ 12 terms of magnitude ≤ 2·2: well below 1e-5 relative
    expectForward(net, x, ref, 1e-5);
    await expectStepIsGradient(net, x, y, ref);
    await expectRoundTrip(net, x);
    dispose([x, y]);
    net.dispose();
  });

  it('flatten of a multi-axis input in a graph model; reshape refuses sizes that do not divide, naming the layer', () => {
    const x = layers.input({ shape: [2, 3, 2] });
    const net = model({ inputs: x, outputs: layers.flatten().apply(x) });
    const data = tensor(seededValues(2 * 12, 3), [2, 2, 3, 2]);
    const out = net.predict(data);
    expect(out.shape).toEqual([2, 12]);
    expect(Array.from(out.dataSync())).toEqual(Array.from(data.dataSync()));
    expect(() => layers.reshape({ targetShape: [5, -1], name: 'r' }).apply(x)).toThrow(new ShapeError('r.apply: r (Reshape) cannot give samples of 12 values (shape [2, 3, 2]) the shape [5, -1]'));
    expect(() => layers.reshape({ targetShape: [2, -1, -1] })).toThrow(/targetShape must be an array of sizes >= 1 \(one may be -1\)/);
    expect(() => layers.flatten({ dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow(/dataFormat must be 'channelsLast'/);
    const flat = tensor(seededValues(12, 3), [1, 12]);
    expect(() => net.predict(flat)).toThrow('predict: x has shape [1,12]; the model takes [samples, 2, 3, 2]');
    dispose([data, out, flat]);
    net.dispose();
  });
});
