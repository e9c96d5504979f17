// The check the pooling and spatial layer suites share: x → dense on the last axis (weights before the layer, so that
// its backward carries their gradient) → the layer → flatten → dense(2), against a float64 forward through the
// layer's taps (tests/ops/windowed.ts): predictions, a training step's gradient by central differences, and a
// save/load round trip.
import { dense, dispose, layers, sequential, tensor, type Layer } from '../../../src/index';
import { seededValues } from '../../reference';
import { forward64, type Taps } from '../../ops/windowed';
import { expectForward, expectRoundTrip, expectStepIsGradient, type RefPredict } from './check';

/** Each of `lead` rows of x [lead, d] · w [d, n] + b, float64. */
export function denseRows(x: Float64Array, w: Float64Array, b: Float64Array, lead: number, d: number, n: number): Float64Array {
  const z = new Float64Array(lead * n);
  for (let r = 0; r < lead; r++) for (let j = 0; j < n; j++) {
    let s = b[j];
    for (let p = 0; p < d; p++) s += x[r * d + p] * w[p * n + j];
    z[r * n + j] = s;
  }
  return z;
}

const CIN = 3;
const ROWS = 3;

/**
 * `layer` on samples of shape `sample` (channels last) whose outputs are `taps` of its input (each the largest of
 * them with `max`, else their weighted sum), checked in a model as the header says.
 */
export async function expectLayerInModel(layer: Layer, sample: readonly number[], taps: Taps, max: boolean): Promise<void> {
  const channels = sample[sample.length - 1], positions = sample.slice(0, -1).reduce((a, b) => a * b, 1);
  const net = sequential([dense({ units: channels, inputShape: [...sample.slice(0, -1), CIN] }), layer, layers.flatten(), dense({ units: 2 })], { seed: 3 });
  const ref: RefPredict = (w, x) => {
    const rows = x.length / (positions * CIN);
    const h = denseRows(x, w[0], w[1], rows * positions, CIN, channels);
    return denseRows(forward64(taps, h, rows, positions * channels, max ? 'max' : 'sum').y, w[2], w[3], rows, taps.length, 2);
  };
  const x = tensor(seededValues(ROWS * positions * CIN, 11, 2), [ROWS, ...sample.slice(0, -1), CIN]);
  const y = tensor(seededValues(ROWS * 2, 12), [ROWS, 2]);
  try {
    // float32 sums of ≤ 36 terms of magnitude ≤ 4 (dense, pool or interpolation, dense): well below 1e-5 relative
    expectForward(net, x, ref, 1e-5);
    await expectStepIsGradient(net, x, y, ref);
    await expectRoundTrip(net, x);
  } finally {
    dispose([x, y]);
    net.dispose();
  }
}
