// The check the model API's error tests share: an error of the given class and message, and memory as before.
import { expect } from 'vitest';
import { memory } from '../../src/index';
import { heapStats } from '../../src/runtime/heap';

/** Live tensors, bytes and wasm memory (memory()) with the heap's block count and end (heapStats()). */
const counts = (): Record<string, number> => ({ ...memory(), ...heapStats() });

/**
 * Runs `run` (sync or async), expects it to fail with `type` and a message that is `pattern` (a string), matches it
 * (a RegExp), or contains or matches each of a list of fragments, and memory() and the heap to be unchanged.
 */
export async function expectFailsClean(run: () => unknown, type: abstract new (...args: never[]) => Error,
  pattern: RegExp | string | readonly (string | RegExp)[]): Promise<Error> {
  const before = counts();
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  const shown = Array.isArray(pattern) ? pattern.join(' … ') : String(pattern);
  expect(caught, `expected a ${type.name} matching ${shown}`).toBeInstanceOf(type);
  const message = (caught as Error).message;
  if (typeof pattern === 'string') expect(message).toBe(pattern);
  else if (pattern instanceof RegExp) expect(message).toMatch(pattern);
  else for (const f of pattern) (typeof f === 'string' ? expect(message).toContain(f) : expect(message).toMatch(f));
  expect(counts(), `memory and heap after: ${message}`).toEqual(before);
  return caught as Error;
}
