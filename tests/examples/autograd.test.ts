// examples/autograd.mjs: the 3-4-1 sigmoid network trained by fit and by a hand-written loop with grads.
import { describe, expect, it } from 'vitest';
import { main } from '../../examples/autograd.mjs';

const TARGETS = [0, 1, 1, 0];
const largestError = (predictions: number[]): number => Math.max(...predictions.map((p, i) => Math.abs(p - TARGETS[i])));

describe('examples/autograd.mjs', () => {
  it('trains both ways to the same outputs, within 0.01 of the targets after 20,000 steps', async () => {
    const lines: string[] = [];
    const result = await main({ steps: 20_000, log: (line) => lines.push(line) });
    expect(largestError(result.fit.predictions)).toBeLessThan(0.01);
    expect(largestError(result.grad.predictions)).toBeLessThan(0.01);
    // Same initial weights, same float32 steps: the two trainings agree to rounding (as examples/classic.mjs).
    result.fit.predictions.forEach((p, i) => expect(Math.abs(p - result.grad.predictions[i])).toBeLessThan(1e-5));
    // The gradient calls free what they make: the loop's memory is flat.
    expect(result.grad.memoryAfter.numTensors).toBe(result.grad.memoryBefore.numTensors);
    expect(result.grad.memoryAfter.numBytes).toBe(result.grad.memoryBefore.numBytes);
    expect(lines.join('\n')).toContain('(b) a loop with grads and assign');
  });
});
