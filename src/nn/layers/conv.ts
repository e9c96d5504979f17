// Convolution layers, channels-last as Keras: what they share (ConvLayer: window options, activation, geometry record,
// weights) and Conv1D and Conv2D (one kind: a 1-D convolution is a 2-D one of height 1). Kernels:
// assembly/layers/conv.ts.
import { GEOM_CHUNK, KIND_CONV, NODE_BUF0, NODE_BUF1, NODE_Z } from '../../../assembly/layout';
import { geometryWords, type Geometry } from '../../ops/pool';
import { columnChunk, pointwise, windowGeometry, type Padding, type WindowTerms } from '../../ops/window';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { checkInteger } from '../../tensor/shape';
import type { Tensor } from '../../tensor/tensor';
import { toInitializer, type Initializer } from '../initializers';
import { ACTIVATION_CODES, NEEDS_INPUT, type ActivationName } from './dense';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions, type NodeBuffer, type NodeFields, type PlanPurpose } from './layer';
import { layerWeight } from './weight';
import { KERNEL_AND_BIAS, ruleKeys, takeRules, type ActivityRegularizerOptions, type BiasRuleOptions, type KernelRuleOptions, type RuleTargets } from './regularization';
import type { Variable } from '../../tensor/variable';
import { ACT_SOFTMAX } from '../../../assembly/layout';

/**
 * The largest im2col columns of a batch a training plan keeps for the backward's filter gradient. Larger ones are made
 * again there, chunk by chunk: read back from memory they cost more than making them (the wide CNN: 0.98× with
 * its 8.9 MB kept, 1.02× with only the first layer's 1.5 MB; the small CNN 1.13–1.16× keeping both).
 */
const KEPT_COLUMN_BYTES = 4 * 2 ** 20;

/** Options of every convolution layer. */
export interface ConvBaseOptions extends LayerOptions, BiasRuleOptions, ActivityRegularizerOptions {
  /** The window: one size for every spatial axis, or one per axis ([height, width] for 2-D). */
  kernelSize: number | readonly number[];
  /** How far the window moves (default 1): one size, or one per axis. */
  strides?: number | readonly number[];
  /** 'valid' (windows inside the input, the default) or 'same' (ceil(size / stride) outputs, zeros around). */
  padding?: 'valid' | 'same';
  /** 'channelsLast' (the only layout; accepted for Keras configs). */
  dataFormat?: 'channelsLast';
  /** Activation of the outputs, as dense's (default 'linear'). */
  activation?: ActivationName;
  /** Whether the layer adds a bias (default true). */
  useBias?: boolean;
  /** Initial bias: an initializer or its name (default 'zeros'). */
  biasInitializer?: string | Initializer;
  /** The shape of one input sample ([height, width, channels] for 2-D, [steps, channels] for 1-D), for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/** The geometry errors of layers name the layer's input and its padding option. */
const LAYER_TERMS: WindowTerms = { input: 'the input', pad: 'padding' };

/** A size per spatial axis of a `rank`-D layer (one number for all, or `rank` of them), each an integer in [1, 2^16]. */
function sizes(value: unknown, rank: number, op: string, arg: string): number[] {
  const list = typeof value === 'number' ? new Array<number>(rank).fill(value) : value;
  if (!Array.isArray(list) || list.length !== rank) {
    throw new RangeError(`${op}: ${arg} must be a positive integer or an array of ${rank}, got ${showValue(value)}`);
  }
  return list.map((v, i) => checkInteger(v, op, `${arg}[${i}]`, 1, 1 << 16));
}

/**
 * What the convolution layers share: the window options (as 2-D sizes; a 1-D layer has height 1), the activation
 * and bias, the geometry record of their calls, and their weights. @internal
 */
export abstract class ConvLayer extends Layer {
  /** Spatial axes: 1 (steps) or 2 (height, width). */
  protected readonly rank: 1 | 2;
  /** The window [height, width] (height 1 for 1-D). */
  protected readonly window: [number, number];
  protected readonly step: [number, number];
  protected readonly dilation: [number, number];
  /** Padding: 'valid' or 'same'. */
  readonly padding: 'valid' | 'same';
  /** The activation applied to the outputs. */
  readonly activation: ActivationName;
  /** Whether the layer adds a bias. */
  readonly useBias: boolean;
  /** The initializer of the bias. */
  readonly biasInitializer: Initializer;
  /** The weights in Keras' order, once built (empty before). */
  protected tensors: Variable[] = [];

  protected constructor(options: ConvBaseOptions, op: string, rank: 1 | 2, keys: readonly string[], dilations = true, targets: RuleTargets = KERNEL_AND_BIAS) {
    checkOptionKeys(op, options, ['name', 'kernelSize', 'strides', 'padding', 'dataFormat', 'activation', 'useBias', 'biasInitializer',
      ...INPUT_SHAPE_KEYS, ...(dilations ? ['dilationRate'] : []), ...keys, ...ruleKeys(targets)]);
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object such as { kernelSize: 3 }, got ${showValue(options)}`);
    super(options, op);
    this.rank = rank;
    const pair = (v: number[]): [number, number] => (rank === 1 ? [1, v[0]] : [v[0], v[1]]);
    if (options.kernelSize === undefined) throw new RangeError(`${op}: kernelSize is required (the window: a size or an array of ${rank})`);
    this.window = pair(sizes(options.kernelSize, rank, op, 'kernelSize'));
    this.step = pair(sizes(options.strides ?? 1, rank, op, 'strides'));
    const dilationRate = (options as { dilationRate?: unknown }).dilationRate;
    this.dilation = pair(sizes(dilationRate ?? 1, rank, op, 'dilationRate'));
    if (this.step.some((s) => s > 1) && this.dilation.some((d) => d > 1)) {
      throw new RangeError(`${op}: strides ${showValue(options.strides)} and dilationRate ${showValue(dilationRate)} are both above 1; dilations above 1 need stride 1`);
    }
    this.padding = options.padding ?? 'valid';
    if (this.padding !== 'valid' && this.padding !== 'same') throw new RangeError(`${op}: padding must be 'valid' or 'same', got ${showValue(options.padding)}`);
    if (options.dataFormat !== undefined && options.dataFormat !== 'channelsLast') {
      throw new RangeError(`${op}: dataFormat must be 'channelsLast' (samples are channels-last), got ${showValue(options.dataFormat)}`);
    }
    this.activation = options.activation ?? 'linear';
    if (typeof this.activation !== 'string' || !Object.hasOwn(ACTIVATION_CODES, this.activation)) {
      throw new RangeError(`${op}: activation must be one of ${Object.keys(ACTIVATION_CODES).join(', ')}, got ${showValue(options.activation)}`);
    }
    this.useBias = options.useBias ?? true;
    if (typeof this.useBias !== 'boolean') throw new TypeError(`${op}: useBias must be true or false, got ${showValue(options.useBias)}`);
    this.biasInitializer = toInitializer(options.biasInitializer ?? 'zeros', op, 'biasInitializer');
    this.takeInputShape(options, op, rank + 1);
    this.rules = takeRules(options, op, targets, this.useBias ? {} : { bias: 'useBias is false' });
  }

  /** The sample shape [height, width, channels] of a sample of `dims` (1-D: height 1); a ShapeError for other ranks. */
  protected sample(dims: readonly number[], op: string): [number, number, number] {
    if (dims.length !== this.rank + 1) {
      const want = this.rank === 2 ? '[height, width, channels]' : '[steps, channels]';
      throw this.shapeError(op, `takes samples of shape ${want}, got [${dims.join(', ')}]`);
    }
    return this.rank === 2 ? [dims[0], dims[1], dims[2]] : [1, dims[0], dims[1]];
  }

  /** The window over samples of these sizes, with `outC` outputs and multiplier `mult`; ShapeErrors name the layer. */
  protected windowOver(h: number, w: number, c: number, op: string, outC: number, mult = 1): Geometry {
    const who = this.name ? `${this.name} (${this.className})` : this.className;
    return windowGeometry(`${op}: ${who}`, h, w, c, this.window[0], this.window[1], this.step, this.dilation, this.padding as Padding,
      outC, mult, LAYER_TERMS);
  }

  /** The geometry of a call on samples of `dims` (the kernels' record). */
  protected abstract geometry(dims: readonly number[], op: string): Geometry;

  /** The output shape of the geometry `g`: [outH, outW, channels] (1-D: [outW, channels]). */
  protected shapeOf(h: number, w: number, c: number): number[] {
    return this.rank === 2 ? [h, w, c] : [w, c];
  }

  /** The sizes as the config shows them: one per spatial axis. */
  protected configSizes(pair: readonly [number, number]): number[] {
    return this.rank === 2 ? [...pair] : [pair[1]];
  }

  /** The options every convolution's config holds. */
  protected baseConfig(): Record<string, unknown> {
    return { name: this.name, kernelSize: this.configSizes(this.window), strides: this.configSizes(this.step), padding: this.padding,
      dataFormat: 'channelsLast', activation: this.activation, useBias: this.useBias, biasInitializer: this.biasInitializer.config,
      ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}), ...this.rules.config() };
  }

  /** The weights, once built. */
  override get weights(): Variable[] {
    return [...this.tensors];
  }

  /** @internal */
  override nodeFields(): NodeFields {
    const act = this.activation === 'softmax' ? ACT_SOFTMAX : ACTIVATION_CODES[this.activation];
    const dims = this.inputDims?.[0];
    return dims ? { act, geom: geometryWords(this.geometry(dims, 'plan')) } : { act };
  }

  /** @internal */
  override get trainingBuffers(): readonly number[] {
    return NEEDS_INPUT.has(ACTIVATION_CODES[this.activation]) ? [NODE_Z] : [];
  }

  /** @internal */
  override get detail(): string {
    return this.activation;
  }

  /**
   * Replaces the weights (disposing the old ones) with variables of these Keras names (`kernel`, `bias`, …) made
   * from the values given (null: a weight the layer has not, such as a bias without useBias).
   */
  protected setWeights(weights: [string, Tensor | null][]): void {
    this.tensors.forEach((t) => t.dispose());
    this.tensors = [];
    for (const [name, values] of weights) if (values) this.tensors.push(layerWeight(this, name, values));
  }

  /** @internal */
  override dispose(): void {
    this.setWeights([]);
    super.dispose();
  }
}

/**
 * Options of `layers.conv2d` and `layers.conv1d`.
 * @example
 * const options: ConvOptions = { filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] };
 * sequential([layers.conv2d(options)]).outputs[0].shape; // [null, 26, 26, 8]
 */
export interface ConvOptions extends ConvBaseOptions, KernelRuleOptions {
  /** Output channels, an integer in [1, 2^16]. */
  filters: number;
  /** Spacing of the window's taps (default 1): one size, or one per axis; above 1 only with strides 1. */
  dilationRate?: number | readonly number[];
  /** Initial kernel: an initializer or its name (default 'glorotUniform', fans kh·kw·inChannels and kh·kw·filters). */
  kernelInitializer?: string | Initializer;
}

/**
 * A convolution layer, as Keras' Conv2D and Conv1D: outputs = activation(conv(inputs, kernel) + bias), with a kernel
 * [kernelHeight, kernelWidth, inChannels, filters] ([kernelWidth, inChannels, filters] for 1-D). Runs as im2col and the
 * GEMM (threaded for large batches) with the bias and activation fused. Create one with `layers.conv2d({...})` or
 * `layers.conv1d({...})`.
 * @example
 * const layer = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', inputShape: [8, 8, 2] });
 * sequential([layer]);
 * layer instanceof Conv; // true
 * layer.weights.map((w) => w.shape); // [[3, 3, 2, 4], [4]]
 */
export class Conv extends ConvLayer {
  /**
   * 'Conv2D' or 'Conv1D'.
   * @example
   * layers.conv1d({ filters: 2, kernelSize: 3 }).className; // 'Conv1D'
   */
  declare readonly className: 'Conv1D' | 'Conv2D';
  /** @internal */
  override readonly kind = KIND_CONV;
  /**
   * Output channels.
   * @example
   * layers.conv2d({ filters: 6, kernelSize: 3 }).filters; // 6
   */
  readonly filters: number;
  /**
   * The initializer of the kernel.
   * @example
   * layers.conv2d({ filters: 6, kernelSize: 3 }).kernelInitializer.config.name; // 'glorotUniform'
   */
  readonly kernelInitializer: Initializer;

  /**
   * A 2-D (rank 2) or 1-D (rank 1) convolution layer with `options`; throws a TypeError unless options is an object,
   * a RangeError for an unknown option or a bad value, naming it.
   * @example
   * new Conv({ filters: 2, kernelSize: [3, 1] }, 2).filters; // 2
   */
  constructor(options: ConvOptions, rank: 1 | 2 = 2) {
    const op = rank === 2 ? 'conv2d' : 'conv1d';
    super(options, op, rank, ['filters', 'kernelInitializer']);
    this.className = rank === 2 ? 'Conv2D' : 'Conv1D';
    this.filters = checkInteger(options.filters, op, 'filters', 1, 1 << 16);
    this.kernelInitializer = toInitializer(options.kernelInitializer ?? 'glorotUniform', op, 'kernelInitializer');
  }

  /**
   * The spacing of the window's taps, one per spatial axis.
   * @example
   * layers.conv2d({ filters: 1, kernelSize: 3, dilationRate: 2 }).dilationRate; // [2, 2]
   */
  get dilationRate(): number[] {
    return this.configSizes(this.dilation);
  }

  /** @internal */
  protected geometry(dims: readonly number[], op: string): Geometry {
    const [h, w, c] = this.sample(dims, op);
    return this.windowOver(h, w, c, op, this.filters);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const g = this.geometry(shapes[0], op);
    return this.shapeOf(g.outH, g.outW, this.filters);
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const c = shapes[0].at(-1)!, kernel = [...(this.rank === 2 ? this.window : [this.window[1]]), c, this.filters];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    const [kernel, bias] = this.weightShapes(shapes), taps = this.window[0] * this.window[1];
    const fanIn = taps * shapes[0].at(-1)!, fanOut = taps * this.filters;
    this.setWeights([['kernel', this.kernelInitializer.init(kernel, fanIn, fanOut, seedOf(0))], ['bias', bias ? this.biasInitializer.init(bias, fanIn, fanOut, seedOf(1)) : null]]);
  }

  /** @internal */
  override nodeFields(): NodeFields {
    const fields = super.nodeFields(), dims = this.inputDims?.[0];
    if (!fields.geom || !dims) return fields;
    const geom = [...fields.geom];
    geom[GEOM_CHUNK] = columnChunk(this.geometry(dims, 'plan'));
    return { ...fields, geom };
  }

  /** @internal */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    const g = this.geometry(shapes[0], 'plan');
    if (pointwise(g)) return [];
    const perSample = g.outH * g.outW * g.kH * g.kW * g.inC;
    const scratch = { field: NODE_BUF0, floats: Math.min(rows, columnChunk(g)) * perSample, scratch: true };
    // A training step keeps the batch's columns for the backward's filter gradient, up to KEPT_COLUMN_BYTES.
    return purpose === 'train' && rows * perSample * 4 <= KEPT_COLUMN_BYTES ? [scratch, { field: NODE_BUF1, floats: rows * perSample }] : [scratch];
  }

  /** @internal */
  override get packsKernel(): boolean {
    return true;
  }

  /**
   * The options that rebuild the layer, as model files save them.
   * @example
   * layers.conv2d({ filters: 2, kernelSize: 3 }).getConfig().kernelSize; // [3, 3]
   */
  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), filters: this.filters, dilationRate: this.dilationRate, kernelInitializer: this.kernelInitializer.config };
  }
}

/**
 * A 2-D convolution layer (`layers.conv2d`), as Keras' Conv2D: samples [height, width, channels], kernel
 * [kernelHeight, kernelWidth, channels, filters]. Throws as the Conv constructor does.
 * @example
 * const model = sequential([layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] })]);
 * model.predict(ones([2, 6, 6, 1])).shape; // [2, 4, 4, 4]
 */
export function conv2d(options: ConvOptions): Conv {
  return new Conv(options, 2);
}

/**
 * A 1-D convolution layer (`layers.conv1d`), as Keras' Conv1D: samples [steps, channels], kernel [kernelSize,
 * channels, filters]. Throws as the Conv constructor does.
 * @example
 * const model = sequential([layers.conv1d({ filters: 3, kernelSize: 2, strides: 2, inputShape: [8, 4] })]);
 * model.predict(ones([1, 8, 4])).shape; // [1, 4, 3]
 */
export function conv1d(options: ConvOptions): Conv {
  return new Conv(options, 1);
}
