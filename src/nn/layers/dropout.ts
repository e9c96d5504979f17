// Dropout: while training, each output of its argument zeroed with probability `rate` and the rest scaled by
// 1/(1−rate); otherwise its argument unchanged. Kernels: assembly/layers/dropout.ts.
import { KIND_DROPOUT, NODE_MASK } from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { Layer, type LayerOptions, type NodeFields } from './layer';

/**
 * Options of `dropout`.
 * @example
 * const options: DropoutOptions = { rate: 0.2 };
 * dropout(options).rate; // 0.2
 */
export interface DropoutOptions extends LayerOptions {
  /** The probability, in [0, 1), that each value is zeroed while training. */
  rate: number;
}

/**
 * Dropout: while training (`fit`, `trainOnBatch`), zeroes each value of its argument with probability `rate` and
 * scales the rest by 1/(1−rate); `predict` and `evaluate` pass values through. Create it with `dropout({ rate })`.
 * @example
 * const layer = dropout({ rate: 0.5 });
 * layer instanceof Dropout; // true
 */
export class Dropout extends Layer {
  /**
   * 'Dropout'.
   * @example
   * dropout({ rate: 0.1 }).className; // 'Dropout'
   */
  override readonly className = 'Dropout';
  /** @internal */
  override readonly kind = KIND_DROPOUT;
  /**
   * The probability, in [0, 1), that each value is zeroed while training.
   * @example
   * dropout({ rate: 0.3 }).rate; // 0.3
   */
  readonly rate: number;

  /**
   * A dropout layer of `rate` (a number, or the options); throws a RangeError unless rate is in [0, 1).
   * @example
   * new Dropout(0.2).rate; // 0.2
   */
  constructor(options: number | DropoutOptions) {
    const op = 'dropout';
    const settings = typeof options === 'number' ? { rate: options } : options;
    super(settings, op);
    const rate = settings.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`${op}: rate must be in [0, 1), got ${showValue(rate)}`);
    this.rate = rate;
  }

  /**
   * The options that rebuild it.
   * @example
   * dropout({ rate: 0.5 }).getConfig(); // { name: undefined, rate: 0.5 }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate };
  }

  /** @internal */
  override nodeFields(): NodeFields {
    return { rate: this.rate };
  }

  /** @internal */
  override get trainingBuffers(): readonly number[] {
    return [NODE_MASK];
  }

  /** @internal */
  override get detail(): string {
    return `rate ${this.rate}`;
  }
}

/**
 * A dropout layer (also `layers.dropout`): active in `fit` and `trainOnBatch` only; `predict` and `evaluate` pass
 * values through. Throws a TypeError unless options is an object, a RangeError for an unknown option or unless rate
 * is in [0, 1).
 * @example
 * const model = sequential([dense({ units: 64, activation: 'relu', inputShape: [8] }), dropout({ rate: 0.2 }), dense({ units: 1 })]);
 * model.layers[1].className; // 'Dropout'
 */
export function dropout(options: DropoutOptions): Dropout {
  if (typeof options !== 'object' || options === null) throw new TypeError(`dropout: options must be { rate }, got ${showValue(options)}`);
  checkOptionKeys('dropout', options, ['rate', 'name']);
  return new Dropout(options);
}
