import { scalarPtr } from '../runtime/heap';
import { kernels } from '../runtime/wasm';
import { showValue } from '../tensor/errors';
import { Binary } from '../ops/codes';
import { writeMeta } from '../ops/strided';

/** Dropout: while training, zeroes each output of the previous layer with probability `rate` and scales the rest by 1/(1−rate). */
export class Dropout {
  constructor(readonly rate: number) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`dropout: rate must be in [0, 1), got ${showValue(rate)}`);
  }
}

/**
 * A dropout layer (active in `fit` only; `predict` and `evaluate` pass values through).
 * @example
 * sequential([dense({ units: 64, activation: 'relu', inputShape: [8] }), dropout({ rate: 0.2 }), dense({ units: 1 })]);
 */
export function dropout(options: { rate: number }): Dropout {
  if (typeof options !== 'object' || options === null) throw new TypeError(`dropout: options must be { rate }, got ${showValue(options)}`);
  return new Dropout(options.rate);
}

/** mask = (u ≥ rate)/(1 − rate) for fresh uniform u from the generator `state`; out = x · mask (n floats). */
export function applyDropout(state: number, rate: number, x: number, mask: number, out: number, n: number): void {
  const k = kernels();
  k.randomUniform(state, mask, n, 0, 1);
  k.binary(Binary.greater, mask, scalarPtr(1, rate), mask, 1, writeMeta([n], [[1], [0]], 'fit'));
  k.binary(Binary.mul, mask, scalarPtr(1, 1 / (1 - rate)), mask, 1, writeMeta([n], [[1], [0]], 'fit'));
  k.binary(Binary.mul, x, mask, out, 1, writeMeta([n], [[1], [1]], 'fit'));
}

/** dx = dx · mask, in place (n floats). */
export function dropoutBackward(mask: number, dx: number, n: number): void {
  kernels().binary(Binary.mul, dx, mask, dx, 1, writeMeta([n], [[1], [1]], 'fit'));
}
