import { showValue } from '../tensor/errors';
import { checkInteger } from '../tensor/shape';
import type { Tensor } from '../tensor/tensor';
import { toInitializer, type Initializer } from './initializers';

/** Activations a dense layer applies to its weighted sums. */
export type ActivationName = 'linear' | 'sigmoid' | 'relu' | 'leakyRelu' | 'tanh' | 'softmax';

/** Kernel codes of the activations (assembly/activation.ts); -1 is none, softmax runs as its own kernel. */
export const ACTIVATION_CODES: Record<ActivationName, number> = { linear: -1, sigmoid: 0, relu: 1, leakyRelu: 2, tanh: 3, softmax: -1 };
/** Negative slope of leakyRelu layers (TensorFlow.js' default). */
export const LEAKY_ALPHA = 0.2;

/** Options of `dense`. */
export interface DenseOptions {
  /** Output size. */
  units: number;
  /** Activation of the weighted sums (default 'linear'). */
  activation?: ActivationName;
  /** Whether the layer adds a bias (default true). */
  useBias?: boolean;
  /** Initial weights (default glorotUniform). */
  kernelInitializer?: string | Initializer;
  /** Initial bias (default zeros). */
  biasInitializer?: string | Initializer;
  /** Input shape [features] of the first layer. */
  inputShape?: readonly number[];
}

/** A fully connected layer: outputs = activation(inputs · kernel + bias). */
export class Dense {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  inputDim: number | undefined;
  /** [inputDim × units] weights, once built. */
  kernel: Tensor | null = null;
  /** [units] bias, once built (null without bias). */
  bias: Tensor | null = null;
  /** Dropout rate applied to this layer's outputs while training (set by a following dropout layer). */
  dropout = 0;

  constructor(options: DenseOptions) {
    const op = 'dense';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    this.units = checkInteger(options.units, op, 'units', 1, 1 << 24);
    this.activation = options.activation ?? 'linear';
    if (!Object.hasOwn(ACTIVATION_CODES, this.activation)) {
      throw new RangeError(`${op}: activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')}, got ${showValue(options.activation)}`);
    }
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = toInitializer(options.kernelInitializer ?? 'glorotUniform', op, 'kernelInitializer');
    this.biasInitializer = toInitializer(options.biasInitializer ?? 'zeros', op, 'biasInitializer');
    if (options.inputShape !== undefined) {
      if (!Array.isArray(options.inputShape) || options.inputShape.length !== 1) {
        throw new RangeError(`${op}: inputShape must be [features], got ${showValue(options.inputShape)}`);
      }
      this.inputDim = checkInteger(options.inputShape[0], op, 'inputShape[0]', 1, 1 << 24);
    }
  }

  /** Creates the weights for `inputDim` input features. */
  build(inputDim: number): void {
    this.inputDim = inputDim;
    this.kernel?.dispose();
    this.bias?.dispose();
    this.kernel = this.kernelInitializer.init([inputDim, this.units], inputDim, this.units);
    this.bias = this.useBias ? this.biasInitializer.init([this.units], inputDim, this.units) : null;
  }

  /** Number of trainable values. */
  get parameterCount(): number {
    return (this.inputDim ?? 0) * this.units + (this.useBias ? this.units : 0);
  }

  /** Saved form. */
  get config(): Record<string, unknown> {
    return { className: 'Dense', units: this.units, activation: this.activation, useBias: this.useBias, inputDim: this.inputDim, dropout: this.dropout,
      kernelInitializer: this.kernelInitializer.config, biasInitializer: this.biasInitializer.config };
  }

  dispose(): void {
    this.kernel?.dispose();
    this.bias?.dispose();
    this.kernel = this.bias = null;
  }
}

/**
 * A dense layer: weighted_sum = inputs · W + bias, then the activation.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
 */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}
