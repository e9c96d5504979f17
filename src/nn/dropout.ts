import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';

/**
 * Dropout: while training, zeroes each output of the previous layer with probability `rate` and scales the rest by
 * 1/(1−rate). Create it with `dropout({ rate })`; in a model it sets the `dropout` of the dense layer before it.
 * @example
 * const layer = dropout({ rate: 0.5 });
 * layer instanceof Dropout; // true
 */
export class Dropout {
  /**
   * A dropout layer of `rate`; throws a RangeError unless rate is in [0, 1).
   * @example
   * new Dropout(0.2).rate; // 0.2
   */
  constructor(
    /**
     * The probability, in [0, 1), that each output is zeroed while training.
     * @example
     * dropout({ rate: 0.3 }).rate; // 0.3
     */
    readonly rate: number,
  ) {
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`dropout: rate must be in [0, 1), got ${showValue(rate)}`);
  }
}

/**
 * A dropout layer (also `layers.dropout`), to put after a dense layer: active in `fit` only; `predict` and
 * `evaluate` pass values through. Throws a TypeError unless options is an object, a RangeError for an unknown option
 * or unless rate is in [0, 1).
 * @example
 * const model = sequential([dense({ units: 64, activation: 'relu', inputShape: [8] }), dropout({ rate: 0.2 }), dense({ units: 1 })]);
 * model.layers[0].dropout; // 0.2
 */
export function dropout(options: { rate: number }): Dropout {
  if (typeof options !== 'object' || options === null) throw new TypeError(`dropout: options must be { rate }, got ${showValue(options)}`);
  checkOptionKeys('dropout', options, ['rate']);
  return new Dropout(options.rate);
}
