// Types of smoke.mjs, for the TypeScript tests and configs that run it.
export interface SmokeResult {
  /** FNV-1a of the float32 bits of every result, as 8 hex digits. */
  digest: string;
  /** Named checks that must all be true. */
  checks: Record<string, boolean>;
  /** threads() while the product ran on the requested threads. */
  threads: { active: number; requested: number; reason: string; relaxedSimd: boolean };
}

/** Runs the smoke checks with `sd` (the simdeep namespace) on `threads` threads where workers exist. */
export function smoke(sd: object, options?: { threads?: number }): Promise<SmokeResult>;
