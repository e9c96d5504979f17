import { showValue } from '../tensor/errors';

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
