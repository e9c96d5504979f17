// examples/earthquake-quantiles.mjs: 10th, 50th and 90th percentiles of earthquake magnitudes by a pinball loss in ops.
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/earthquake-quantiles.mjs';
import { memory } from '../../src/memory';

describe('examples/earthquake-quantiles.mjs', () => {
  it('predicts intervals much narrower than the constant one, near 80 % coverage once calibrated', async () => {
    // Measured (342 test events): constant 81.0 % inside, width 3.10, q50 MAE 0.932; network 72.8 %, 1.10, 0.391;
    // calibrated 78.4 %, 1.25; 56 epochs (early stopping) in about 0.5 s.
    const lines: string[] = [];
    const before = memory().numTensors;
    const result = await main({ log: (line) => lines.push(line) });
    expect(memory().numTensors).toBe(before);
    expect(result.constant.coverage).toBeGreaterThan(0.75); // the training percentiles hold on the test events
    // The network's interval follows the features: less than half as wide, its median far closer than the constant.
    expect(result.network.width).toBeLessThan(0.5 * result.constant.width);
    expect(result.network.mae).toBeLessThan(0.5 * result.constant.mae);
    // Trained on about 1,100 events it covers too little out of sample; the calibration widens it towards 80 %.
    expect(result.calibrated.coverage).toBeGreaterThan(result.network.coverage);
    expect(result.calibrated.coverage).toBeGreaterThan(0.74);
    expect(result.calibrated.width).toBeLessThan(0.5 * result.constant.width);
    expect(result.network.crossed).toBeLessThan(0.05);
    expect(lines.join('\n')).toMatch(/network, calibrated \(\+0\.\d\d each end\)\s+\d\d\.\d %/);
  }, 20_000);
});
