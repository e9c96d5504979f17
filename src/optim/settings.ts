// What every optimizer's options share: the checks of their numbers and flags, the learning rate (a number or a
// schedule) and gradient clipping (optimizers.ts makes the optimizers).
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { LearningRateSchedule } from './schedule';
import { scheduleFromConfig } from './schedules';

const CLIP_KEYS = ['clipNorm', 'globalClipNorm', 'clipValue'] as const;

/**
 * Checks an optimizer's options: an object of learningRate, the clipping options and the keys of `ranges` (and
 * `nesterov` where `flags` lists it), an unknown key naming the nearest valid one, each number of `ranges` finite and
 * in its range (learningRate and clipping are checked by optimizerOf).
 */
export function checkOptions(op: string, options: unknown, ranges: Record<string, [number, number]>, flags: readonly string[] = []): void {
  checkOptionKeys(op, options, ['learningRate', ...Object.keys(ranges), ...flags, ...CLIP_KEYS]);
  for (const [key, value] of Object.entries(options as object)) {
    if (key === 'learningRate' || (CLIP_KEYS as readonly string[]).includes(key)) continue;
    if (flags.includes(key)) {
      if (typeof value !== 'boolean') throw new TypeError(`${op}: ${key} must be a boolean, got ${showValue(value)}`);
      continue;
    }
    const range = ranges[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= range[0] && value <= range[1])) {
      const upper = range[1] === Infinity ? 'Infinity)' : `${range[1]}]`;
      throw new RangeError(`${op}: ${key} must be a finite number in [${range[0]}, ${upper}, got ${showValue(value)}`);
    }
  }
}

export const RATE: [number, number] = [0, Infinity];
export const FRACTION: [number, number] = [0, 1];

/** A learning rate: a finite number >= 0 or a schedule (or a schedule's config, from a model file or compile). */
export function checkRate(op: string, value: unknown): number | LearningRateSchedule {
  if (value instanceof LearningRateSchedule) return value;
  if (typeof value === 'object' && value !== null && 'className' in value) return scheduleFromConfig(value, op);
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new RangeError(`${op}: learningRate must be a finite number >= 0 or a schedule (such as cosineDecay({...})), got ${showValue(value)}`);
}

/**
 * The clipping options given (null counts as not given, as Keras's None): at most one of them, as Keras 3, and
 * each a finite number > 0.
 */
export function checkClip(op: string, options: Record<string, unknown>): Partial<Record<(typeof CLIP_KEYS)[number], number>> {
  const given = CLIP_KEYS.filter((key) => options[key] != null);
  if (given.length > 1) {
    throw new RangeError(`${op}: only one of clipNorm, globalClipNorm and clipValue can be set, got ${given.map((key) => `${key} ${showValue(options[key])}`).join(' and ')}`);
  }
  for (const key of given) {
    const value = options[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new RangeError(`${op}: ${key} must be a finite number > 0, got ${showValue(value)}`);
  }
  return Object.fromEntries(given.map((key) => [key, options[key]]));
}

/**
 * Gradient clipping, an option of every optimizer (at most one of the three, as Keras 3). Clipping acts on each
 * step's gradient before weightDecay is added to it, in the update kernels: fit's and applyGradients' (which leaves
 * the caller's gradient tensors as they are).
 * @inline
 */
export interface ClipOptions {
  /** Scale each weight's gradient g by clipNorm/‖g‖ where its norm is above clipNorm, > 0 (default: none). */
  clipNorm?: number;
  /** Scale all gradients together by globalClipNorm/‖(g₁, g₂, …)‖ where that norm is above it, > 0 (default: none). */
  globalClipNorm?: number;
  /** Clamp each gradient element into [−clipValue, clipValue], > 0 (default: none). */
  clipValue?: number;
}

