// Seeds a model derives from its own seed: one per layer weight for the initializers, one per fit for the shuffle
// and dropout masks. Integer math only, so the same seed gives the same numbers on every engine.

/** Murmur3's 32-bit finalizer: every input bit affects every output bit. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A seed in [0, 2^32) for the stream at `path` under `seed` (for example [layer, weight]): different paths give
 * unrelated seeds, the same seed and path always the same one.
 */
export function deriveSeed(seed: number, ...path: readonly number[]): number {
  let h = mix((seed >>> 0) ^ mix(Math.floor(seed / 2 ** 32) + 0x9e3779b9));
  for (const part of path) h = mix(h ^ mix((part >>> 0) + 0x7f4a7c15));
  return h;
}

/** Stream tags under a model's seed. */
export const SEED_STREAMS = { weights: 1, fit: 2 } as const;
