// Activation as a layer: outputs = act(inputs). Kernels: assembly/layers/activation.ts.
import { ACT_SOFTMAX, GEOM_IN_C, GEOM_WORDS, KIND_ACTIVATION } from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { ACTIVATION_CODES, type ActivationName } from './dense';
import { Layer, type LayerOptions, type NodeFields } from './layer';

/**
 * Options of `layers.activation`.
 * @example
 * const options: ActivationOptions = { activation: 'relu' };
 * layers.activation(options).activation; // 'relu'
 */
export interface ActivationOptions extends LayerOptions {
  /** The activation: one of dense's (see ActivationName), 'softmax' over each row. */
  activation: ActivationName;
}

/**
 * A layer applying an activation to its argument, as Keras' Activation: element by element, or softmax over each
 * row. As a model's output it fuses with the loss as a dense layer's activation does (softmax with the categorical
 * cross-entropies, sigmoid with binaryCrossentropy). Make one with `layers.activation({ activation })`.
 * @example
 * const x = input({ shape: [3] });
 * const y = layers.activation({ activation: 'softmax' }).apply(dense({ units: 3 }).apply(x));
 * model({ inputs: x, outputs: y }).predict(ones([1, 3])).sum().item(); // ≈ 1
 */
export class Activation extends Layer {
  /**
   * 'Activation'.
   * @example
   * layers.activation({ activation: 'tanh' }).className; // 'Activation'
   */
  override readonly className = 'Activation';
  /** @internal */
  override readonly kind = KIND_ACTIVATION;
  /**
   * The activation applied.
   * @example
   * layers.activation({ activation: 'sigmoid' }).activation; // 'sigmoid'
   */
  readonly activation: ActivationName;

  /**
   * An activation layer of `options`; throws a TypeError unless options is an object, a RangeError for an unknown
   * option or activation.
   * @example
   * new Activation({ activation: 'relu' }).activation; // 'relu'
   */
  constructor(options: ActivationOptions) {
    const op = 'activation';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be { activation }, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['activation', 'name']);
    super(options, op);
    const activation = options.activation;
    if (typeof activation !== 'string' || !Object.hasOwn(ACTIVATION_CODES, activation)) {
      throw new RangeError(`${op}: activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')}, got ${showValue(activation)}`);
    }
    this.activation = activation;
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.activation({ activation: 'tanh' }).getConfig(); // { name: undefined, activation: 'tanh' }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, activation: this.activation };
  }

  /** @internal */
  override nodeFields(): NodeFields {
    if (this.activation !== 'softmax') return { act: ACTIVATION_CODES[this.activation] };
    // Softmax runs over the last axis (as Keras's): the geometry record holds its length.
    const dims = this.inputDims?.[0], geom = new Array<number>(GEOM_WORDS).fill(0);
    geom[GEOM_IN_C] = dims && dims.length > 0 ? dims[dims.length - 1] : 0;
    return { act: ACT_SOFTMAX, geom };
  }

  /** @internal */
  override get detail(): string {
    return this.activation;
  }
}

/**
 * An activation layer (`layers.activation`): see Activation. Throws as its constructor does.
 * @example
 * sequential([dense({ units: 4, inputShape: [2] }), layers.activation({ activation: 'relu' })]).layers[1].className; // 'Activation'
 */
export function activation(options: ActivationOptions): Activation {
  return new Activation(options);
}
