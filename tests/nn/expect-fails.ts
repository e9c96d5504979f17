// The check the model API's error tests share: an error of the given class and message, and memory as before.
import { expect } from 'vitest';
import { memory } from '../../src/index';

/**
 * Runs `run` (sync or async), expects it to fail with `type` and a message matching `pattern` (a string: exactly
 * that message), and memory() to be unchanged.
 */
export async function expectFailsClean(run: () => unknown, type: abstract new (...args: never[]) => Error, pattern: RegExp | string): Promise<Error> {
  const before = memory();
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a ${type.name} matching ${pattern}`).toBeInstanceOf(type);
  if (typeof pattern === 'string') expect((caught as Error).message).toBe(pattern);
  else expect((caught as Error).message).toMatch(pattern);
  expect(memory(), `memory after: ${pattern}`).toEqual(before);
  return caught as Error;
}
