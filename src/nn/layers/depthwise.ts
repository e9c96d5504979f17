// Depthwise and separable convolution layers, as Keras' DepthwiseConv2D and SeparableConv2D. Kernels:
// assembly/layers/conv.ts.
import { KIND_DEPTHWISE_CONV, KIND_SEPARABLE_CONV, NODE_BUF0, NODE_BUF1 } from '../../../assembly/layout';
import type { Geometry } from '../../ops/pool';
import { checkInteger } from '../../tensor/shape';
import type { Tensor } from '../../tensor/tensor';
import { toInitializer, type Initializer } from '../initializers';
import { ConvLayer, type ConvBaseOptions } from './conv';
import type { NodeBuffer, PlanPurpose } from './layer';
import type { ConstraintIdentifier } from '../constraints';
import type { RegularizerIdentifier } from '../regularizers';

/**
 * Options of `layers.depthwiseConv2d`.
 * @example
 * const options: DepthwiseConvOptions = { kernelSize: 3, depthMultiplier: 2, inputShape: [8, 8, 3] };
 * sequential([layers.depthwiseConv2d(options)]).outputs[0].shape; // [null, 6, 6, 6]
 */
export interface DepthwiseConvOptions extends ConvBaseOptions {
  /** Filters per input channel (default 1): output channel c·depthMultiplier + m comes from input channel c. */
  depthMultiplier?: number;
  /** Spacing of the window's taps (default 1): one size, or [height, width]; above 1 only with strides 1. */
  dilationRate?: number | readonly number[];
  /** Initial depthwise kernel: an initializer or its name (default 'glorotUniform'). */
  depthwiseInitializer?: string | Initializer;
  /** A penalty on the depthwise kernel: a regularizer or a name ('l1', 'l2', 'l1l2'). */
  depthwiseRegularizer?: RegularizerIdentifier;
  /** A constraint applied to the depthwise kernel after each update: a constraint or a name ('maxNorm', 'nonNeg', 'unitNorm'). */
  depthwiseConstraint?: ConstraintIdentifier;
}

/** What both depthwise kinds share: the multiplier, the depthwise kernel's initializer, and their geometry. */
abstract class DepthwiseLayer extends ConvLayer {
  /** Filters per input channel. */
  readonly depthMultiplier: number;
  /** The initializer of the depthwise kernel. */
  readonly depthwiseInitializer: Initializer;

  protected constructor(options: DepthwiseConvOptions, op: string, keys: readonly string[], targets: Readonly<Record<string, string>>) {
    super(options, op, 2, ['depthMultiplier', 'depthwiseInitializer', ...keys], true, targets);
    this.depthMultiplier = checkInteger(options.depthMultiplier ?? 1, op, 'depthMultiplier', 1, 1 << 16);
    this.depthwiseInitializer = toInitializer(options.depthwiseInitializer ?? 'glorotUniform', op, 'depthwiseInitializer');
  }

  /** @internal */
  protected geometry(dims: readonly number[], op: string): Geometry {
    const [h, w, c] = this.sample(dims, op);
    return this.windowOver(h, w, c, op, c * this.depthMultiplier, this.depthMultiplier);
  }

  /** The depthwise kernel [kh, kw, channels, depthMultiplier] for samples of `dims`, and its fans (Keras's). */
  protected depthwiseShape(dims: readonly number[]): { shape: number[]; fanIn: number; fanOut: number } {
    const c = dims.at(-1)!, taps = this.window[0] * this.window[1];
    return { shape: [...this.window, c, this.depthMultiplier], fanIn: taps * c, fanOut: taps * this.depthMultiplier };
  }

  /** The options both configs hold. */
  protected depthwiseConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), depthMultiplier: this.depthMultiplier, dilationRate: [...this.dilation],
      depthwiseInitializer: this.depthwiseInitializer.config };
  }
}

/**
 * A depthwise convolution layer, as Keras' DepthwiseConv2D: each input channel convolved with its own
 * depthMultiplier filters (kernel [kernelHeight, kernelWidth, channels, depthMultiplier]), then bias and activation.
 * Create one with `layers.depthwiseConv2d({...})`.
 * @example
 * const layer = layers.depthwiseConv2d({ kernelSize: 3, inputShape: [5, 5, 4] });
 * sequential([layer]);
 * layer instanceof DepthwiseConv2D; // true
 * layer.weights.map((w) => w.shape); // [[3, 3, 4, 1], [4]]
 */
export class DepthwiseConv2D extends DepthwiseLayer {
  /**
   * 'DepthwiseConv2D'.
   * @example
   * layers.depthwiseConv2d({ kernelSize: 3 }).className; // 'DepthwiseConv2D'
   */
  override readonly className = 'DepthwiseConv2D';
  /** @internal */
  override readonly kind = KIND_DEPTHWISE_CONV;

  /**
   * A depthwise convolution layer with `options`; throws a TypeError unless options is an object, a RangeError for an
   * unknown option or a bad value, naming it.
   * @example
   * new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 }).depthMultiplier; // 2
   */
  constructor(options: DepthwiseConvOptions) {
    super(options, 'depthwiseConv2d', [], { depthwise: 'depthwise_kernel', bias: 'bias' });
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    return [g.outH, g.outW, g.outC];
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const { shape } = this.depthwiseShape(shapes[0]);
    return this.useBias ? [shape, [shape[2] * this.depthMultiplier]] : [shape];
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    const { shape, fanIn, fanOut } = this.depthwiseShape(shapes[0]), bias = this.weightShapes(shapes)[1];
    this.setWeights([['depthwise_kernel', this.depthwiseInitializer.init(shape, fanIn, fanOut, seedOf(0))], ['bias', bias ? this.biasInitializer.init(bias, fanIn, fanOut, seedOf(1)) : null]]);
  }

  /**
   * The options that rebuild the layer, as model files save them.
   * @example
   * layers.depthwiseConv2d({ kernelSize: 3 }).getConfig().depthMultiplier; // 1
   */
  override getConfig(): Record<string, unknown> {
    return this.depthwiseConfig();
  }
}

/**
 * Options of `layers.separableConv2d`.
 * @example
 * const options: SeparableConvOptions = { filters: 8, kernelSize: 3, padding: 'same', inputShape: [8, 8, 3] };
 * sequential([layers.separableConv2d(options)]).outputs[0].shape; // [null, 8, 8, 8]
 */
export interface SeparableConvOptions extends DepthwiseConvOptions {
  /** Output channels, an integer in [1, 2^16]. */
  filters: number;
  /** Initial pointwise kernel: an initializer or its name (default 'glorotUniform'). */
  pointwiseInitializer?: string | Initializer;
  /** A penalty on the pointwise kernel. */
  pointwiseRegularizer?: RegularizerIdentifier;
  /** A constraint applied to the pointwise kernel after each update. */
  pointwiseConstraint?: ConstraintIdentifier;
}

/**
 * A depthwise-separable convolution layer, as Keras' SeparableConv2D: a depthwise convolution (kernel [kernelHeight,
 * kernelWidth, channels, depthMultiplier]), then a 1×1 convolution to `filters` channels (kernel [1, 1,
 * channels·depthMultiplier, filters]) with bias and activation; weights in Keras's order (depthwise, pointwise, bias).
 * Create one with `layers.separableConv2d({...})`.
 * @example
 * const layer = layers.separableConv2d({ filters: 5, kernelSize: 3, inputShape: [6, 6, 2] });
 * sequential([layer]);
 * layer instanceof SeparableConv2D; // true
 * layer.weights.map((w) => w.shape); // [[3, 3, 2, 1], [1, 1, 2, 5], [5]]
 */
export class SeparableConv2D extends DepthwiseLayer {
  /**
   * 'SeparableConv2D'.
   * @example
   * layers.separableConv2d({ filters: 2, kernelSize: 3 }).className; // 'SeparableConv2D'
   */
  override readonly className = 'SeparableConv2D';
  /** @internal */
  override readonly kind = KIND_SEPARABLE_CONV;
  /**
   * Output channels.
   * @example
   * layers.separableConv2d({ filters: 2, kernelSize: 3 }).filters; // 2
   */
  readonly filters: number;
  /**
   * The initializer of the pointwise kernel.
   * @example
   * layers.separableConv2d({ filters: 2, kernelSize: 3 }).pointwiseInitializer.config.name; // 'glorotUniform'
   */
  readonly pointwiseInitializer: Initializer;

  /**
   * A separable convolution layer with `options`; throws a TypeError unless options is an object, a RangeError for an
   * unknown option or a bad value, naming it.
   * @example
   * new SeparableConv2D({ filters: 4, kernelSize: 3 }).filters; // 4
   */
  constructor(options: SeparableConvOptions) {
    const op = 'separableConv2d';
    super(options, op, ['filters', 'pointwiseInitializer'], { depthwise: 'depthwise_kernel', pointwise: 'pointwise_kernel', bias: 'bias' });
    this.filters = checkInteger(options.filters, op, 'filters', 1, 1 << 16);
    this.pointwiseInitializer = toInitializer(options.pointwiseInitializer ?? 'glorotUniform', op, 'pointwiseInitializer');
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    return [g.outH, g.outW, this.filters];
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const { shape } = this.depthwiseShape(shapes[0]), mid = shape[2] * this.depthMultiplier;
    return [shape, [1, 1, mid, this.filters], ...(this.useBias ? [[this.filters]] : [])];
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    const { shape, fanIn, fanOut } = this.depthwiseShape(shapes[0]), [, pointwise, bias] = this.weightShapes(shapes);
    this.setWeights([['depthwise_kernel', this.depthwiseInitializer.init(shape, fanIn, fanOut, seedOf(0))],
      ['pointwise_kernel', this.pointwiseInitializer.init(pointwise, pointwise[2], this.filters, seedOf(1))],
      ['bias', bias ? this.biasInitializer.init(bias, pointwise[2], this.filters, seedOf(2)) : null]]);
  }

  /** The pointwise kernel and the bias: the product the forward fuses. @internal */
  override get kernelAndBias(): [Tensor | undefined, Tensor | undefined] {
    return [this.tensors[1], this.tensors[2]];
  }

  /** @internal */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    const g = this.geometry(shapes[0], 'plan'), mid = rows * g.outH * g.outW * g.outC;
    // The depthwise outputs (the pointwise product's input, kept for the backward); their gradient in training.
    return [{ field: NODE_BUF1, floats: mid }, ...(purpose === 'train' ? [{ field: NODE_BUF0, floats: mid, scratch: true }] : [])];
  }

  /** @internal */
  override get packsKernel(): boolean {
    return true;
  }

  /**
   * The options that rebuild the layer, as model files save them.
   * @example
   * layers.separableConv2d({ filters: 2, kernelSize: 3 }).getConfig().filters; // 2
   */
  override getConfig(): Record<string, unknown> {
    return { ...this.depthwiseConfig(), filters: this.filters, pointwiseInitializer: this.pointwiseInitializer.config };
  }
}

/**
 * A depthwise convolution layer (`layers.depthwiseConv2d`), as Keras' DepthwiseConv2D. Throws as the
 * DepthwiseConv2D constructor does.
 * @example
 * const model = sequential([layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, inputShape: [5, 5, 3] })]);
 * model.predict(ones([1, 5, 5, 3])).shape; // [1, 3, 3, 6]
 */
export function depthwiseConv2d(options: DepthwiseConvOptions): DepthwiseConv2D {
  return new DepthwiseConv2D(options);
}

/**
 * A separable convolution layer (`layers.separableConv2d`), as Keras' SeparableConv2D. Throws as the SeparableConv2D
 * constructor does.
 * @example
 * const model = sequential([layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [5, 5, 3] })]);
 * model.predict(ones([1, 5, 5, 3])).shape; // [1, 5, 5, 4]
 */
export function separableConv2d(options: SeparableConvOptions): SeparableConv2D {
  return new SeparableConv2D(options);
}
