import { checkInteger } from '../tensor/shape';

/** Checks a seed (an integer in [0, 2^53 - 1]), or draws one at random when it is undefined. */
export function seedOrRandom(seed: unknown, op: string): number {
  if (seed === undefined) return Math.floor(Math.random() * 2 ** 32);
  return checkInteger(seed, op, 'seed', 0, Number.MAX_SAFE_INTEGER);
}

/**
 * A mulberry32 generator of uniform numbers in [0, 1): integer math only, so a seed gives the same sequence on every
 * engine. Seeds above 2^32 fold their high bits in.
 */
export function seededRandom(seed: number): () => number {
  let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let z = Math.imul(state ^ (state >>> 15), state | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Shuffles `items` in place (Fisher–Yates) with `random`, and returns them. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
