// Transposed convolution layer, as Keras' Conv2DTranspose. Kernels: assembly/layers/conv.ts.
import { KIND_CONV_TRANSPOSE, NODE_BUF0 } from '../../../assembly/layout';
import type { Geometry } from '../../ops/pool';
import { pointwise } from '../../ops/window';
import { checkInteger } from '../../tensor/shape';
import { toInitializer, type Initializer } from '../initializers';
import { ConvLayer, type ConvBaseOptions } from './conv';
import type { KernelRuleOptions } from './regularization';
import type { NodeBuffer, PlanPurpose } from './layer';

/**
 * Options of `layers.conv2dTranspose`.
 * @example
 * const options: ConvTransposeOptions = { filters: 3, kernelSize: 2, strides: 2, inputShape: [4, 4, 8] };
 * sequential([layers.conv2dTranspose(options)]).outputs[0].shape; // [null, 8, 8, 3]
 */
export interface ConvTransposeOptions extends ConvBaseOptions, KernelRuleOptions {
  /** Output channels, an integer in [1, 2^16]. */
  filters: number;
  /** Initial kernel: an initializer or its name (default 'glorotUniform'). */
  kernelInitializer?: string | Initializer;
}

/**
 * A transposed convolution layer, as Keras' Conv2DTranspose: the input gradient of a convolution, so that strides
 * enlarge its samples. Output size per axis: size·stride with 'same', size·stride + max(kernel − stride, 0) with
 * 'valid'. Kernel [kernelHeight, kernelWidth, filters, inChannels], then bias and activation. Create one with
 * `layers.conv2dTranspose({...})`.
 * @example
 * const layer = layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', inputShape: [4, 4, 5] });
 * sequential([layer]).outputs[0].shape; // [null, 8, 8, 2]
 * layer instanceof Conv2DTranspose; // true
 * layer.weights.map((w) => w.shape); // [[3, 3, 2, 5], [2]]
 */
export class Conv2DTranspose extends ConvLayer {
  /**
   * 'Conv2DTranspose'.
   * @example
   * layers.conv2dTranspose({ filters: 2, kernelSize: 3 }).className; // 'Conv2DTranspose'
   */
  override readonly className = 'Conv2DTranspose';
  /** @internal */
  override readonly kind = KIND_CONV_TRANSPOSE;
  /**
   * Output channels.
   * @example
   * layers.conv2dTranspose({ filters: 2, kernelSize: 3 }).filters; // 2
   */
  readonly filters: number;
  /**
   * The initializer of the kernel.
   * @example
   * layers.conv2dTranspose({ filters: 2, kernelSize: 3 }).kernelInitializer.config.name; // 'glorotUniform'
   */
  readonly kernelInitializer: Initializer;

  /**
   * A transposed convolution layer with `options`; throws a TypeError unless options is an object, a RangeError for an
   * unknown option (dilationRate among them) or a bad value, naming it.
   * @example
   * new Conv2DTranspose({ filters: 4, kernelSize: 2 }).filters; // 4
   */
  constructor(options: ConvTransposeOptions) {
    const op = 'conv2dTranspose';
    super(options, op, 2, ['filters', 'kernelInitializer'], false);
    this.filters = checkInteger(options.filters, op, 'filters', 1, 1 << 16);
    this.kernelInitializer = toInitializer(options.kernelInitializer ?? 'glorotUniform', op, 'kernelInitializer');
  }

  /** The output size along an axis of `size` for a window of k moving by s. */
  private outputSize(size: number, k: number, s: number): number {
    return this.padding === 'same' ? size * s : size * s + Math.max(k - s, 0);
  }

  /**
   * The geometry of the convolution whose input gradient this layer computes: its input is this layer's output, its
   * output this layer's input (see assembly/layers/conv.ts). @internal
   */
  protected geometry(dims: readonly number[], op: string): Geometry {
    const [h, w, c] = this.sample(dims, op);
    const outH = this.outputSize(h, this.window[0], this.step[0]), outW = this.outputSize(w, this.window[1], this.step[1]);
    return this.windowOver(outH, outW, this.filters, op, c);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    return [g.inH, g.inW, this.filters];
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const kernel = [...this.window, this.filters, shapes[0].at(-1)!];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    const [kernel, bias] = this.weightShapes(shapes), taps = this.window[0] * this.window[1];
    // Keras' fans of a kernel [kh, kw, filters, inChannels]: its last two axes times the window.
    const fanIn = taps * this.filters, fanOut = taps * shapes[0].at(-1)!;
    this.setWeights([['kernel', this.kernelInitializer.init(kernel, fanIn, fanOut, seedOf(0))], ['bias', bias ? this.biasInitializer.init(bias, fanIn, fanOut, seedOf(1)) : null]]);
  }

  /** @internal */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    void purpose;
    const g = this.geometry(shapes[0], 'plan');
    if (pointwise(g)) return [];
    return [{ field: NODE_BUF0, floats: rows * g.outH * g.outW * g.kH * g.kW * g.inC, scratch: true }];
  }

  /**
   * The options that rebuild the layer, as model files save them.
   * @example
   * layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 }).getConfig().strides; // [2, 2]
   */
  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), filters: this.filters, kernelInitializer: this.kernelInitializer.config };
  }
}

/**
 * A transposed convolution layer (`layers.conv2dTranspose`), as Keras' Conv2DTranspose. Throws as the
 * Conv2DTranspose constructor does.
 * @example
 * const model = sequential([layers.conv2dTranspose({ filters: 1, kernelSize: 2, strides: 2, inputShape: [3, 3, 4] })]);
 * model.predict(ones([1, 3, 3, 4])).shape; // [1, 6, 6, 1]
 */
export function conv2dTranspose(options: ConvTransposeOptions): Conv2DTranspose {
  return new Conv2DTranspose(options);
}
