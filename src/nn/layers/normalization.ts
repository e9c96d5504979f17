// Batch and layer normalization over the last axis of each sample (channels-last), as Keras and TF.js: x̂ = (x − μ)/√(σ² + ε),
// then x̂·γ + β. Batch normalization takes μ and σ² per channel over the batch (and every position of a sample) while
// training, updating moving averages of them, and uses those moving statistics otherwise; layer normalization takes
// them per position over its channels, always. Kernels: assembly/layers/norm.ts (over assembly/norm.ts).
import {
  GEOM_DECAY, GEOM_IN_C, GEOM_IN_H, GEOM_NORM_FLAGS, GEOM_OUT_C, GEOM_WORDS, KIND_BATCH_NORM, KIND_LAYER_NORM, NODE_BUF0, NODE_BUF1, NODE_BUF2,
  NORM_CENTER, NORM_SCALE,
} from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import type { Tensor } from '../../tensor/tensor';
import { toInitializer, type Initializer } from '../initializers';
import { ruleKeys, takeRules, type ActivityRegularizerOptions } from './regularization';
import type { ConstraintIdentifier } from '../constraints';
import type { RegularizerIdentifier } from '../regularizers';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions, type NodeBuffer, type NodeFields, type PlanPurpose } from './layer';
import { layerWeight } from './weight';
import type { Variable } from '../../tensor/variable';

/**
 * Options of `layerNormalization` (and, with more, of `batchNormalization`).
 * @example
 * const options: LayerNormalizationOptions = { epsilon: 1e-5, center: false };
 * layers.layerNormalization(options).epsilon; // 0.00001
 */
export interface LayerNormalizationOptions extends LayerOptions, ActivityRegularizerOptions {
  /** The axis normalized: -1 (the default), or the index of the last axis of a sample, counting the batch as 0. */
  axis?: number;
  /** Added to the variance before its square root (default 1e-3, as Keras); a positive number (read as a float32). */
  epsilon?: number;
  /** Whether the layer adds a learned offset β (default true). */
  center?: boolean;
  /** Whether the layer multiplies by a learned scale γ (default true). */
  scale?: boolean;
  /** Initial β: an initializer or its name (default 'zeros'). */
  betaInitializer?: string | Initializer;
  /** Initial γ: an initializer or its name (default 'ones'). */
  gammaInitializer?: string | Initializer;
  /** A penalty on β: a regularizer or a name ('l1', 'l2', 'l1l2'). */
  betaRegularizer?: RegularizerIdentifier;
  /** A penalty on γ. */
  gammaRegularizer?: RegularizerIdentifier;
  /** A constraint applied to β after each update: a constraint or a name ('maxNorm', 'nonNeg', 'unitNorm'). */
  betaConstraint?: ConstraintIdentifier;
  /** A constraint applied to γ after each update. */
  gammaConstraint?: ConstraintIdentifier;
  /** The shape of one input sample, for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * Options of `batchNormalization`.
 * @example
 * const options: BatchNormalizationOptions = { momentum: 0.9 };
 * layers.batchNormalization(options).momentum; // 0.9
 */
export interface BatchNormalizationOptions extends LayerNormalizationOptions {
  /** Weight of the old value in each update of the moving statistics, in [0, 1] (default 0.99, as Keras). */
  momentum?: number;
  /** Initial moving mean (default 'zeros'). */
  movingMeanInitializer?: string | Initializer;
  /** Initial moving variance (default 'ones'). */
  movingVarianceInitializer?: string | Initializer;
}

/** γ and β take a regularizer and a constraint each (gammaRegularizer, betaConstraint, …). */
const SCALE_AND_OFFSET = { gamma: 'gamma', beta: 'beta' };
const LAYER_KEYS = ['name', 'axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', ...INPUT_SHAPE_KEYS, ...ruleKeys(SCALE_AND_OFFSET)];
const BATCH_KEYS = [...LAYER_KEYS, 'momentum', 'movingMeanInitializer', 'movingVarianceInitializer'];

/** The bits of an f32, as an i32 word of a geometry record. */
function f32Bits(value: number): number {
  return new Int32Array(Float32Array.of(value).buffer)[0];
}

/** What the two normalization layers share: options, γ and β, the last-axis check, node fields. */
abstract class Normalization extends Layer {
  /**
   * The axis normalized as given (-1: the last).
   * @example
   * layers.layerNormalization().axis; // -1
   */
  readonly axis: number;
  /**
   * Added to the variance before its square root.
   * @example
   * layers.batchNormalization().epsilon; // 0.001
   */
  readonly epsilon: number;
  /**
   * Whether the layer adds a learned offset β.
   * @example
   * layers.layerNormalization({ center: false }).center; // false
   */
  readonly center: boolean;
  /**
   * Whether the layer multiplies by a learned scale γ.
   * @example
   * layers.layerNormalization().scale; // true
   */
  readonly scale: boolean;
  /**
   * Initial β.
   * @example
   * layers.layerNormalization().betaInitializer.config; // { name: 'zeros' }
   */
  readonly betaInitializer: Initializer;
  /**
   * Initial γ.
   * @example
   * layers.layerNormalization().gammaInitializer.config; // { name: 'ones' }
   */
  readonly gammaInitializer: Initializer;
  /** γ and β once built (null when the layer has none). */
  protected gamma: Variable | null = null;
  protected beta: Variable | null = null;

  protected constructor(options: LayerNormalizationOptions, op: string, keys: readonly string[]) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, keys);
    super(options, op);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis) || !(axis === -1 || axis >= 1)) {
      throw new RangeError(`${op}: axis must be -1 or the index of the last axis (channels-last; only the last axis is normalized), got ${showValue(options.axis)}`);
    }
    this.axis = axis;
    const epsilon = options.epsilon ?? 1e-3;
    // NOTE: the kernels read ε as a float32, so it must stay positive and finite there.
    if (typeof epsilon !== 'number' || !(Math.fround(epsilon) > 0 && Math.fround(epsilon) < Infinity)) {
      throw new RangeError(`${op}: epsilon must be a positive number (from 1.4e-45 to 3.4e38, a float32), got ${showValue(options.epsilon)}`);
    }
    this.epsilon = epsilon;
    const flag = (key: 'center' | 'scale'): boolean => {
      const value = options[key] ?? true;
      if (typeof value !== 'boolean') throw new TypeError(`${op}: ${key} must be true or false, got ${showValue(options[key])}`);
      return value;
    };
    this.center = flag('center');
    this.scale = flag('scale');
    this.betaInitializer = toInitializer(options.betaInitializer ?? 'zeros', op, 'betaInitializer');
    this.gammaInitializer = toInitializer(options.gammaInitializer ?? 'ones', op, 'gammaInitializer');
    this.takeInputShape(options, op);
    this.rules = takeRules(options, op, SCALE_AND_OFFSET, {
      ...(this.scale ? {} : { gamma: 'scale is false' }), ...(this.center ? {} : { beta: 'center is false' }) });
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const dims = shapes[0];
    if (this.axis !== -1 && this.axis !== dims.length) {
      throw this.shapeError(op, `normalizes the last axis only; axis ${this.axis} of [${['null', ...dims].join(', ')}] is not the last (${dims.length}, or -1)`);
    }
    return [...dims];
  }

  /** Channels: the size of the last axis of a sample. */
  protected channels(shapes: readonly (readonly number[])[]): number {
    return shapes[0].at(-1) ?? 1;
  }

  /** γ and β for `channels`, initialized with seeds 0 and 1 of `seedOf` (Keras order: gamma, beta). */
  protected buildAffine(channels: number, seedOf: (weight: number) => number | undefined): void {
    this.gamma?.dispose();
    this.beta?.dispose();
    this.gamma = this.scale ? layerWeight(this, 'gamma', this.gammaInitializer.init([channels], channels, channels, seedOf(0))) : null;
    this.beta = this.center ? layerWeight(this, 'beta', this.betaInitializer.init([channels], channels, channels, seedOf(this.scale ? 1 : 0))) : null;
  }

  /** The geometry record: channels, positions per sample, which of γ and β there are, and `decay`. */
  protected geometry(decay: number): number[] {
    const dims = this.inputDims?.[0] ?? [1];
    const geom = new Array<number>(GEOM_WORDS).fill(0);
    geom[GEOM_IN_H] = dims.slice(0, -1).reduce((a, b) => a * b, 1);
    geom[GEOM_IN_C] = geom[GEOM_OUT_C] = dims.at(-1)!;
    geom[GEOM_NORM_FLAGS] = (this.scale ? NORM_SCALE : 0) | (this.center ? NORM_CENTER : 0);
    geom[GEOM_DECAY] = f32Bits(decay);
    return geom;
  }

  /** The options both layers save. */
  protected baseConfig(): Record<string, unknown> {
    return { name: this.name, axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale,
      betaInitializer: this.betaInitializer.config, gammaInitializer: this.gammaInitializer.config, ...this.rules.config() };
  }

  protected shapeConfig(): Record<string, unknown> {
    return this.inputShape ? { inputShape: [...this.inputShape] } : {};
  }

  /** @internal */
  override dispose(): void {
    this.gamma?.dispose();
    this.beta?.dispose();
    this.gamma = this.beta = null;
    super.dispose();
  }
}

/**
 * Batch normalization over the last axis (channels), as Keras' BatchNormalization with axis −1: while training (`fit`,
 * `trainOnBatch`) each channel is normalized by the mean and (biased) variance of the batch over every sample and
 * position, and moving averages of them are updated (m ← m·momentum + s·(1 − momentum), as TF.js: the biased batch
 * variance); `predict`, `evaluate` and validation normalize by the moving statistics. Weights, in Keras order: gamma,
 * beta (if scale, center), moving_mean, moving_variance (the last two not trainable). A step refused as diverged
 * (DivergedError) has already updated the moving statistics with its batch. Create it with
 * `layers.batchNormalization()`.
 * @example
 * const model = sequential([layers.batchNormalization({ inputShape: [2] })]);
 * model.layers[0].weights.length; // 4
 * model.layers[0].nonTrainableWeights.length; // 2
 * model.predict(tensor([[1, 2]])).toArray(); // [[0.9995004, 1.9990008]]
 */
export class BatchNormalization extends Normalization {
  /**
   * 'BatchNormalization'.
   * @example
   * layers.batchNormalization().className; // 'BatchNormalization'
   */
  override readonly className = 'BatchNormalization';
  /** @internal */
  override readonly kind = KIND_BATCH_NORM;
  /**
   * Weight of the old value in each update of the moving statistics.
   * @example
   * layers.batchNormalization().momentum; // 0.99
   */
  readonly momentum: number;
  /**
   * Initial moving mean.
   * @example
   * layers.batchNormalization().movingMeanInitializer.config; // { name: 'zeros' }
   */
  readonly movingMeanInitializer: Initializer;
  /**
   * Initial moving variance.
   * @example
   * layers.batchNormalization().movingVarianceInitializer.config; // { name: 'ones' }
   */
  readonly movingVarianceInitializer: Initializer;
  private movingMean: Variable | null = null;
  private movingVariance: Variable | null = null;

  /**
   * A batch normalization layer; throws a RangeError for an unknown option, an axis other than the last, a momentum
   * outside [0, 1], an epsilon that is not positive or an unknown initializer, a TypeError for a center or scale
   * that is not a boolean.
   * @example
   * new BatchNormalization({ momentum: 0.9, epsilon: 1e-5 }).epsilon; // 0.00001
   */
  constructor(options: BatchNormalizationOptions = {}) {
    const op = 'batchNormalization';
    super(options, op, BATCH_KEYS);
    const momentum = options.momentum ?? 0.99;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw new RangeError(`${op}: momentum must be in [0, 1], got ${showValue(options.momentum)}`);
    this.momentum = momentum;
    this.movingMeanInitializer = toInitializer(options.movingMeanInitializer ?? 'zeros', op, 'movingMeanInitializer');
    this.movingVarianceInitializer = toInitializer(options.movingVarianceInitializer ?? 'ones', op, 'movingVarianceInitializer');
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    const channels = this.channels(shapes), first = (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    this.buildAffine(channels, seedOf);
    this.movingMean?.dispose();
    this.movingVariance?.dispose();
    this.movingMean = layerWeight(this, 'moving_mean', this.movingMeanInitializer.init([channels], channels, channels, seedOf(first)), false);
    this.movingVariance = layerWeight(this, 'moving_variance', this.movingVarianceInitializer.init([channels], channels, channels, seedOf(first + 1)), false);
  }

  /**
   * gamma, beta (those the layer has), moving_mean, moving_variance, each [channels].
   * @example
   * sequential([layers.batchNormalization({ inputShape: [3], center: false })]).layers[0].weights.length; // 3
   */
  override get weights(): Variable[] {
    return [this.gamma, this.beta, this.movingMean, this.movingVariance].filter((t): t is Variable => t !== null);
  }

  /**
   * The moving mean and variance: updated by training steps, never by the optimizer.
   * @example
   * sequential([layers.batchNormalization({ inputShape: [3] })]).layers[0].nonTrainableWeights.length; // 2
   */
  override get nonTrainableWeights(): Variable[] {
    return [this.movingMean, this.movingVariance].filter((t): t is Variable => t !== null);
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const count = 2 + (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    return Array.from({ length: count }, () => [this.channels(shapes)]);
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.batchNormalization({ momentum: 0.9 }).getConfig().momentum; // 0.9
   */
  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), momentum: this.momentum, movingMeanInitializer: this.movingMeanInitializer.config,
      movingVarianceInitializer: this.movingVarianceInitializer.config, ...this.shapeConfig() };
  }

  /** @internal */
  override nodeFields(): NodeFields {
    return { rate: this.epsilon, geom: this.geometry(1 - this.momentum) };
  }

  /**
   * Training: the batch's mean and 1/√(σ² + ε) per channel, kept for the backward, and f64 sums (scratch);
   * otherwise 1/√(σ² + ε) of the moving variance (scratch).
   * @internal
   */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    void rows;
    const channels = this.channels(shapes);
    if (purpose !== 'train') return [{ field: NODE_BUF1, floats: channels, scratch: true }];
    return [{ field: NODE_BUF0, floats: channels }, { field: NODE_BUF1, floats: channels }, { field: NODE_BUF2, floats: 4 * channels, scratch: true }];
  }

  /** @internal */
  override dispose(): void {
    this.movingMean?.dispose();
    this.movingVariance?.dispose();
    this.movingMean = this.movingVariance = null;
    super.dispose();
  }
}

/**
 * Layer normalization over the last axis, as Keras' LayerNormalization with axis −1: each position of each sample is
 * normalized by the mean and (biased) variance of its channels, in training and prediction alike, then scaled by γ
 * and offset by β (weights gamma, beta, each [channels]). Create it with `layers.layerNormalization()`.
 * @example
 * const model = sequential([layers.layerNormalization({ inputShape: [2] })]);
 * model.predict(tensor([[1, 3]])).toArray(); // [[-0.9995004, 0.9995004]]
 */
export class LayerNormalization extends Normalization {
  /**
   * 'LayerNormalization'.
   * @example
   * layers.layerNormalization().className; // 'LayerNormalization'
   */
  override readonly className = 'LayerNormalization';
  /** @internal */
  override readonly kind = KIND_LAYER_NORM;

  /**
   * A layer normalization layer; throws as the BatchNormalization constructor does for the options they share.
   * @example
   * new LayerNormalization({ scale: false }).scale; // false
   */
  constructor(options: LayerNormalizationOptions = {}) {
    super(options, 'layerNormalization', LAYER_KEYS);
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    this.buildAffine(this.channels(shapes), seedOf);
  }

  /**
   * gamma and beta (those the layer has), each [channels].
   * @example
   * sequential([layers.layerNormalization({ inputShape: [3] })]).layers[0].weights.length; // 2
   */
  override get weights(): Variable[] {
    return [this.gamma, this.beta].filter((t): t is Variable => t !== null);
  }

  /** @internal */
  override weightShapes(shapes: readonly (readonly number[])[]): number[][] {
    const count = (this.scale ? 1 : 0) + (this.center ? 1 : 0);
    return Array.from({ length: count }, () => [this.channels(shapes)]);
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.layerNormalization({ epsilon: 1e-6 }).getConfig().epsilon; // 0.000001
   */
  override getConfig(): Record<string, unknown> {
    return { ...this.baseConfig(), ...this.shapeConfig() };
  }

  /** @internal */
  override nodeFields(): NodeFields {
    return { rate: this.epsilon, geom: this.geometry(0) };
  }

  /**
   * Training: the mean and 1/√(σ² + ε) of each position, kept for the backward, and f64 sums (scratch); nothing
   * otherwise.
   * @internal
   */
  override nodeBuffers(shapes: readonly (readonly number[])[], rows: number, purpose: PlanPurpose): NodeBuffer[] {
    if (purpose !== 'train') return [];
    const channels = this.channels(shapes), positions = rows * (shapes[0].reduce((a, b) => a * b, 1) / channels);
    return [{ field: NODE_BUF0, floats: positions }, { field: NODE_BUF1, floats: positions }, { field: NODE_BUF2, floats: 4 * channels, scratch: true }];
  }
}

/**
 * A batch normalization layer (`layers.batchNormalization`): Keras' defaults (momentum 0.99, epsilon 1e-3, center and
 * scale). Throws as the BatchNormalization constructor does.
 * @example
 * const model = sequential([dense({ units: 4, inputShape: [3] }), layers.batchNormalization(), dense({ units: 1 })]);
 * model.layers[1].weights.map((w) => w.shape); // [[4], [4], [4], [4]]
 */
export function batchNormalization(options: BatchNormalizationOptions = {}): BatchNormalization {
  return new BatchNormalization(options);
}

/**
 * A layer normalization layer (`layers.layerNormalization`): Keras' defaults (epsilon 1e-3, center and scale). Throws
 * as the LayerNormalization constructor does.
 * @example
 * const model = sequential([layers.layerNormalization({ inputShape: [4] })]);
 * model.predict(tensor([[2, 2, 2, 2]])).toArray(); // [[0, 0, 0, 0]]
 */
export function layerNormalization(options: LayerNormalizationOptions = {}): LayerNormalization {
  return new LayerNormalization(options);
}
