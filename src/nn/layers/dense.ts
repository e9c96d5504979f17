// Dense: outputs = activation(inputs · kernel + bias). Kernels: assembly/layers/dense.ts.
import {
  ACT_ELU, ACT_GELU, ACT_HARD_SIGMOID, ACT_LEAKY_RELU, ACT_NONE, ACT_RELU, ACT_RELU6, ACT_SELU, ACT_SIGMOID, ACT_SOFTMAX, ACT_SOFTPLUS, ACT_SWISH,
  ACT_TANH, GEOM_IN_C, GEOM_IN_H, GEOM_OUT_C, GEOM_WORDS, KIND_DENSE, NODE_Z,
} from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { checkInteger } from '../../tensor/shape';
import type { Tensor } from '../../tensor/tensor';
import { toInitializer, type Initializer } from '../initializers';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions, type NodeFields } from './layer';
import { layerWeight } from './weight';
import { KERNEL_AND_BIAS, ruleKeys, takeRules, type ActivityRegularizerOptions, type BiasRuleOptions, type KernelRuleOptions } from './regularization';
import type { Variable } from '../../tensor/variable';

/**
 * Activations a dense layer applies to its weighted sums: 'linear' (none), 'sigmoid', 'relu', 'leakyRelu' (slope
 * 0.2 below 0), 'tanh', 'elu', 'selu', 'relu6', 'hardSigmoid' (0.2·x + 0.5 clipped to [0, 1], as TF.js),
 * 'softplus', 'gelu' (exact erf form), 'swish' (x·sigmoid(x), also called silu), and 'softmax' (output layer only).
 * @example
 * const activation: ActivationName = 'relu';
 * dense({ units: 8, activation }).activation; // 'relu'
 */
export type ActivationName = 'linear' | 'sigmoid' | 'relu' | 'leakyRelu' | 'tanh' | 'elu' | 'selu' | 'relu6' | 'hardSigmoid' | 'softplus'
  | 'gelu' | 'swish' | 'softmax';

/** Kernel codes of the activations (assembly/layout.ts); linear is none, and so is softmax: it runs as its own kernel. */
export const ACTIVATION_CODES: Record<ActivationName, number> = {
  linear: ACT_NONE, sigmoid: ACT_SIGMOID, relu: ACT_RELU, leakyRelu: ACT_LEAKY_RELU, tanh: ACT_TANH, elu: ACT_ELU, selu: ACT_SELU,
  relu6: ACT_RELU6, hardSigmoid: ACT_HARD_SIGMOID, softplus: ACT_SOFTPLUS, gelu: ACT_GELU, swish: ACT_SWISH, softmax: ACT_NONE,
};
/** Activations whose derivative needs the weighted sums, not the outputs: a training step keeps those sums (NODE_Z). */
export const NEEDS_INPUT: ReadonlySet<number> = new Set([ACT_GELU, ACT_SWISH]);
/** Negative slope of leakyRelu layers (TensorFlow.js' default). */
export const LEAKY_ALPHA = 0.2;
const DENSE_KEYS = ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', ...INPUT_SHAPE_KEYS, 'name', ...ruleKeys(KERNEL_AND_BIAS)];

/**
 * Options of `dense`.
 * @example
 * const options: DenseOptions = { units: 8, activation: 'relu', kernelInitializer: 'heNormal', inputShape: [4] };
 * sequential([dense(options)]).getWeights()[0].shape; // [4, 8]
 */
export interface DenseOptions extends LayerOptions, KernelRuleOptions, BiasRuleOptions, ActivityRegularizerOptions {
  /** Output size: the number of units, an integer in [1, 2^24]. */
  units: number;
  /** Activation of the weighted sums (default 'linear'). */
  activation?: ActivationName;
  /** Whether the layer adds a bias (default true). */
  useBias?: boolean;
  /**
   * Initial weights: an initializer (`initializers.heNormal({ seed: 1 })`) or its name (default 'glorotUniform').
   */
  kernelInitializer?: string | Initializer;
  /** Initial bias: an initializer or its name (default 'zeros'). */
  biasInitializer?: string | Initializer;
  /**
   * The shape of one input sample ([features], or [..., features]: the layer then maps the last axis); the first
   * layer of a Sequential needs it, the others take their predecessor's output.
   */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * A fully connected layer: outputs = activation(inputs · kernel + bias). Create it with `dense({...})`; its weights
 * are created when it is added to a model.
 * @example
 * const layer = dense({ units: 3, activation: 'tanh', inputShape: [2] });
 * layer instanceof Dense; // true
 * sequential([layer]);
 * layer.kernel?.shape; // [2, 3]
 */
export class Dense extends Layer {
  /**
   * 'Dense'.
   * @example
   * dense({ units: 2 }).className; // 'Dense'
   */
  override readonly className = 'Dense';
  /** @internal */
  override readonly kind = KIND_DENSE;
  /**
   * Output size (the number of units).
   * @example
   * dense({ units: 3 }).units; // 3
   */
  readonly units: number;
  /**
   * The activation applied to the weighted sums.
   * @example
   * dense({ units: 3 }).activation; // 'linear'
   */
  readonly activation: ActivationName;
  /**
   * Whether the layer adds a bias.
   * @example
   * dense({ units: 3, useBias: false }).useBias; // false
   */
  readonly useBias: boolean;
  /**
   * The initializer of the kernel.
   * @example
   * dense({ units: 3 }).kernelInitializer.config.name; // 'glorotUniform'
   */
  readonly kernelInitializer: Initializer;
  /**
   * The initializer of the bias.
   * @example
   * dense({ units: 3 }).biasInitializer.config.name; // 'zeros'
   */
  readonly biasInitializer: Initializer;
  /**
   * Input features (the last axis of its input): from `inputShape`, or the previous layer's output once the layer is
   * added to a model (undefined until then).
   * @example
   * const model = sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 2 })]);
   * (model.layers[1] as Dense).inputDim; // 4
   */
  inputDim: number | undefined;
  /**
   * The [inputDim, units] weights, once the layer is in a model (null before): the model's own variable (named
   * `<layer>/kernel`). Read it, assign to it, differentiate with respect to it, or use the model's getWeights and
   * setWeights.
   * @example
   * const layer = dense({ units: 2, inputShape: [3] });
   * layer.kernel; // null
   * sequential([layer]);
   * layer.kernel?.shape; // [3, 2]
   */
  kernel: Variable | null = null;
  /**
   * The [units] bias, once the layer is in a model (null before, and without bias).
   * @example
   * const model = sequential([dense({ units: 2, inputShape: [3] })]);
   * (model.layers[0] as Dense).bias?.toArray(); // [0, 0]
   */
  bias: Variable | null = null;

  /**
   * A layer with `options` (see DenseOptions); `dense(options)` does the same. Throws a TypeError unless options is
   * an object, a RangeError for an unknown option (such as `activaton`), a RangeError or TypeError for bad units,
   * activation, initializer or inputShape.
   * @example
   * new Dense({ units: 2, activation: 'relu' }).units; // 2
   */
  constructor(options: DenseOptions) {
    const op = 'dense';
    checkOptionKeys(op, options, DENSE_KEYS);
    if (options === undefined) throw new TypeError(`${op}: options must be an object such as { units: 4 }, got undefined`);
    super(options, op);
    this.units = checkInteger(options.units, op, 'units', 1, 1 << 24);
    this.activation = options.activation ?? 'linear';
    if (typeof this.activation !== 'string' || !Object.hasOwn(ACTIVATION_CODES, this.activation)) {
      throw new RangeError(`${op}: activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')}, got ${showValue(options.activation)}`);
    }
    this.useBias = options.useBias ?? true;
    if (typeof this.useBias !== 'boolean') throw new TypeError(`${op}: useBias must be true or false, got ${showValue(options.useBias)}`);
    this.kernelInitializer = toInitializer(options.kernelInitializer ?? 'glorotUniform', op, 'kernelInitializer');
    this.biasInitializer = toInitializer(options.biasInitializer ?? 'zeros', op, 'biasInitializer');
    this.takeInputShape(options, op);
    this.inputDim = this.inputShape?.at(-1);
    this.rules = takeRules(options, op, KERNEL_AND_BIAS, this.useBias ? {} : { bias: 'useBias is false' });
  }

  /** A dense layer maps the last axis: [..., features] → [..., units]. @internal */
  override outputShape(shapes: readonly (readonly number[])[]): number[] {
    return [...shapes[0].slice(0, -1), this.units];
  }

  /**
   * Creates the weights for `widths[0]` input features; `seedOf(0)`, `seedOf(1)` seed the kernel and bias
   * initializers that have no seed of their own (the model's seed, see `sequential`).
   * @internal
   */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    const inputDim = shapes[0].at(-1)!;
    this.inputDim = inputDim;
    this.kernel?.dispose();
    this.bias?.dispose();
    this.kernel = layerWeight(this, 'kernel', this.kernelInitializer.init([inputDim, this.units], inputDim, this.units, seedOf(0)));
    this.bias = this.useBias ? layerWeight(this, 'bias', this.biasInitializer.init([this.units], inputDim, this.units, seedOf(1))) : null;
  }

  /**
   * The kernel and (with useBias) the bias, once built.
   * @example
   * sequential([dense({ units: 2, inputShape: [3] })]).layers[0].weights.map((w) => w.shape); // [[3, 2], [2]]
   */
  override get weights(): Variable[] {
    return [this.kernel, this.bias].filter((t): t is Variable => t !== null);
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const inputDim = shapes[0].at(-1)!;
    return this.useBias ? [[inputDim, this.units], [this.units]] : [[inputDim, this.units]];
  }

  /**
   * Number of trainable values: inputDim · units, plus units with a bias (0 until the input size is known).
   * @example
   * dense({ units: 4, inputShape: [3] }).parameterCount; // 16
   */
  override get parameterCount(): number {
    return (this.inputDim ?? 0) * this.units + (this.useBias ? this.units : 0);
  }

  /**
   * The options that rebuild the layer, as model files save them.
   * @example
   * dense({ units: 2, activation: 'relu' }).getConfig().activation; // 'relu'
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, units: this.units, activation: this.activation, useBias: this.useBias,
      kernelInitializer: this.kernelInitializer.config, biasInitializer: this.biasInitializer.config,
      ...(this.inputShape ? { inputShape: [...this.inputShape] } : this.inputDim !== undefined ? { inputShape: [this.inputDim] } : {}),
      ...this.rules.config() };
  }

  /** @internal */
  override nodeFields(): NodeFields {
    const act = this.activation === 'softmax' ? ACT_SOFTMAX : ACTIVATION_CODES[this.activation];
    const dims = this.inputDims?.[0];
    if (!dims || dims.length === 1) return { act };
    // On [..., features], each sample is `lead` rows of the product.
    const geom = new Array<number>(GEOM_WORDS).fill(0);
    geom[GEOM_IN_H] = dims.slice(0, -1).reduce((a, b) => a * b, 1);
    geom[GEOM_IN_C] = dims.at(-1)!;
    geom[GEOM_OUT_C] = this.units;
    return { act, geom };
  }

  /** @internal */
  override get trainingBuffers(): readonly number[] {
    return NEEDS_INPUT.has(ACTIVATION_CODES[this.activation]) ? [NODE_Z] : [];
  }

  /** @internal */
  override get packsKernel(): boolean {
    return true;
  }

  /** @internal */
  override get detail(): string {
    return this.activation;
  }

  /**
   * Frees the kernel and bias; the owning model's dispose calls it.
   * @internal
   */
  override dispose(): void {
    this.kernel?.dispose();
    this.bias?.dispose();
    this.kernel = this.bias = null;
    super.dispose();
  }
}

/**
 * A dense layer (also `layers.dense`): weighted_sum = inputs · W + bias, then the activation. Throws as the Dense
 * constructor does.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
 * model.getWeights().map((w) => w.shape); // [[3, 4], [4], [4, 1], [1]]
 */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}
