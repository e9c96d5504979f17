// examples/classic.mjs: the 3-4-1 sigmoid network trained by fit and by the NumPy listing on tensor ops.
import { describe, expect, it } from 'vitest';
import { main, trainWithFit } from '../../examples/classic.mjs';

const TARGETS = [0, 1, 1, 0];
const largestError = (predictions: number[]): number => Math.max(...predictions.map((p, i) => Math.abs(p - TARGETS[i])));

describe('examples/classic.mjs', () => {
  it('trains both ways to the same outputs, within 0.01 of the targets after 20,000 steps', async () => {
    // 20,000 steps keep the tensor-op loop near 1 s; the largest error there is 0.0073 (0.0040 after 60,000).
    const lines: string[] = [];
    const result = await main({ steps: 20_000, log: (line) => lines.push(line) });
    expect(largestError(result.fit.predictions)).toBeLessThan(0.01);
    expect(largestError(result.tensorOps.predictions)).toBeLessThan(0.01);
    // Same initial weights, same float32 updates: the two trainings agree to rounding.
    result.fit.predictions.forEach((p, i) => expect(Math.abs(p - result.tensorOps.predictions[i])).toBeLessThan(1e-5));
    // tidy() and the disposal of the old weights leave the loop's memory flat.
    expect(result.tensorOps.memoryAfter.numTensors).toBe(result.tensorOps.memoryBefore.numTensors);
    expect(result.tensorOps.memoryAfter.numBytes).toBe(result.tensorOps.memoryBefore.numBytes);
    expect(lines.join('\n')).toContain('(b) tensor ops');
  });

  it('fit lands within 0.005 of the targets after the full 60,000 steps', async () => {
    expect(largestError(await trainWithFit(60_000))).toBeLessThan(0.005);
  });
});
