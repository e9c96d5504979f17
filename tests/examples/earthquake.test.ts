// examples/earthquake.mjs with a 4-trial search: one week of USGS earthquakes, magnitude from how each was recorded.
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/earthquake.mjs';
import { memory } from '../../src/memory';

describe('examples/earthquake.mjs', () => {
  it('predicts magnitudes far better than the mean, as the linear regression does, after 4 trials', async () => {
    // Measured (342 test events): network MAE 0.405, R² 0.815; linear 0.424, 0.799; mean 0.950, −0.002; in about 1 s.
    const lines: string[] = [];
    const before = memory().numTensors;
    const result = await main({ trials: 4, log: (line) => lines.push(line) });
    expect(memory().numTensors).toBe(before);
    expect(result.trials).toBe(4);
    expect(Math.abs(result.mean.r2)).toBeLessThan(0.01); // the training mean explains nothing of the test events
    for (const predictor of [result.network, result.linear]) {
      expect(predictor.r2).toBeGreaterThan(result.mean.r2 + 0.75);
      expect(predictor.mae).toBeLessThan(0.5 * result.mean.mae);
    }
    expect(lines.join('\n')).toMatch(/random search: 4 trials in [\d.]+ s; best \{"layers":\d/);
    expect(lines.at(-1)).toMatch(/^simdeep network \(searched\)\s+0\.\d{3}\s+0\.\d{3}$/);
  }, 20_000);
});
