// Embedding: each index of its argument replaced by that row of a table [inputDim, outputDim]. The indices are a
// model input's values (floats that must be integers), checked when fit, evaluate or predict get the data
// (checkArgument). Kernels: assembly/layers/embedding.ts (on assembly/embedding.ts).
import { KIND_EMBEDDING } from '../../../assembly/layout';
import { firstBadIndex, MAX_F32_INDEX_RANGE, showPosition } from '../../ops/gather';
import { f32View } from '../../runtime/heap';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { checkInteger } from '../../tensor/shape';
import type { Tensor } from '../../tensor/tensor';
import { toInitializer, type Initializer } from '../initializers';
import { Layer, type LayerOptions, type NodeFields } from './layer';
import { layerWeight } from './weight';
import { takeRules, type ActivityRegularizerOptions } from './regularization';
import type { ConstraintIdentifier } from '../constraints';
import type { RegularizerIdentifier } from '../regularizers';

/** The embedding's one regularized weight, its table. */
const TABLE = { embeddings: 'embeddings' };
import type { Variable } from '../../tensor/variable';

const EMBEDDING_KEYS = ['inputDim', 'outputDim', 'embeddingsInitializer', 'maskZero', 'inputLength', 'inputShape', 'batchInputShape', 'name',
  'embeddingsRegularizer', 'embeddingsConstraint', 'activityRegularizer'];

/**
 * Options of `layers.embedding`.
 * @example
 * const options: EmbeddingOptions = { inputDim: 1000, outputDim: 16, inputLength: 20 };
 * layers.embedding(options).outputDim; // 16
 */
export interface EmbeddingOptions extends LayerOptions, ActivityRegularizerOptions {
  /** Size of the vocabulary: indices are integers in [0, inputDim), inputDim in [1, 2^24]. */
  inputDim: number;
  /** Length of each index's vector, an integer in [1, 2^24]. */
  outputDim: number;
  /** Initial table: an initializer or its name (default: uniform in [-0.05, 0.05), as Keras). */
  embeddingsInitializer?: string | Initializer;
  /** A penalty on the table: a regularizer or a name ('l1', 'l2', 'l1l2'). */
  embeddingsRegularizer?: RegularizerIdentifier;
  /** A constraint applied to the table after each update: a constraint or a name ('maxNorm', 'nonNeg', 'unitNorm'). */
  embeddingsConstraint?: ConstraintIdentifier;
  /**
   * Index 0 is padding (default false): its output is a zero vector and its row of the table takes no gradient
   * (so it keeps its initial values, never read). Keras' maskZero instead keeps that row and hands later layers a
   * mask that makes them skip those steps; simdeep has no masks, so later layers see the zero vectors (a
   * globalAveragePooling1d averages over every step, padding included). inputDim counts index 0, as in Keras.
   */
  maskZero?: boolean;
  /** Indices per sample, for the first layer of a Sequential (inputShape [inputLength]). */
  inputLength?: number;
  /** The shape of one input sample (indices per sample), for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, inputLength]. */
  batchInputShape?: readonly (number | null)[];
}

/**
 * Turns integer indices into dense vectors, as Keras' Embedding: a sample of indices [T] becomes [T, outputDim], each
 * index i replaced by row i of a trained table [inputDim, outputDim]. Give it the indices as a float tensor whose
 * values are integers in [0, inputDim); fit, evaluate and predict check them first, naming the sample and position
 * of one that is not. (An embedding that takes another layer's outputs rather than a model input cannot check them
 * beforehand: there an index out of range reads the nearest row, NaN row 0, and a fraction is truncated.) Create it
 * with `layers.embedding({ inputDim, outputDim })`.
 * @example
 * const model = sequential([layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }), layers.flatten(), dense({ units: 1 })]);
 * model.predict(tensor([[1, 2, 9]])).shape; // [1, 1]
 * model.layers[0] instanceof Embedding; // true
 */
export class Embedding extends Layer {
  /**
   * 'Embedding'.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2 }).className; // 'Embedding'
   */
  override readonly className = 'Embedding';
  /** @internal */
  override readonly kind = KIND_EMBEDDING;
  /**
   * Size of the vocabulary.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2 }).inputDim; // 5
   */
  readonly inputDim: number;
  /**
   * Length of each vector.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2 }).outputDim; // 2
   */
  readonly outputDim: number;
  /**
   * Whether index 0 is padding (a zero vector that takes no gradient; see EmbeddingOptions.maskZero).
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }).maskZero; // true
   */
  readonly maskZero: boolean;
  /**
   * Initial values of the table.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2 }).embeddingsInitializer.config; // { name: 'randomUniform', min: -0.05, max: 0.05, seed: undefined }
   */
  readonly embeddingsInitializer: Initializer;
  /**
   * The table [inputDim, outputDim] (null until a model builds it).
   * @example
   * sequential([layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 1 })]).layers[0].weights[0].shape; // [5, 2]
   */
  embeddings: Variable | null = null;

  /**
   * An embedding layer of `options`; throws a TypeError unless options is an object, a RangeError for an unknown
   * option or one out of range (each named).
   * @example
   * new Embedding({ inputDim: 100, outputDim: 8 }).inputDim; // 100
   */
  constructor(options: EmbeddingOptions) {
    const op = 'embedding';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be { inputDim, outputDim }, got ${showValue(options)}`);
    checkOptionKeys(op, options, EMBEDDING_KEYS);
    super(options, op);
    this.inputDim = checkInteger(options.inputDim, op, 'inputDim', 1, MAX_F32_INDEX_RANGE);
    this.outputDim = checkInteger(options.outputDim, op, 'outputDim', 1, MAX_F32_INDEX_RANGE);
    this.maskZero = options.maskZero ?? false;
    if (typeof this.maskZero !== 'boolean') throw new TypeError(`${op}: maskZero must be true or false, got ${showValue(options.maskZero)}`);
    this.embeddingsInitializer = toInitializer(options.embeddingsInitializer ?? { name: 'randomUniform', min: -0.05, max: 0.05 }, op, 'embeddingsInitializer');
    // inputDim is the vocabulary size here, as in Keras: the sample shape comes from inputShape or batchInputShape.
    this.takeInputShape({ inputShape: options.inputShape, batchInputShape: options.batchInputShape }, op);
    if (options.inputLength !== undefined) {
      const length = checkInteger(options.inputLength, op, 'inputLength', 1, 1 << 24);
      if (this.inputShape && this.inputShape.join() !== String(length)) {
        throw new RangeError(`${op}: inputLength ${length} disagrees with inputShape ${showValue(options.inputShape)}`);
      }
      this.inputShape = [length];
    }
    this.rules = takeRules(options, op, TABLE);
  }

  /** [...indices] → [...indices, outputDim]. @internal */
  override outputShape(shapes: readonly (readonly number[])[]): number[] {
    return [...shapes[0], this.outputDim];
  }

  /** @internal */
  override build(shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined = () => undefined): void {
    void shapes;
    this.embeddings?.dispose();
    this.embeddings = layerWeight(this, 'embeddings', this.embeddingsInitializer.init([this.inputDim, this.outputDim], this.inputDim, this.outputDim, seedOf(0)));
  }

  /**
   * The table, once built.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2 }).weights.length; // 0
   */
  override get weights(): Variable[] {
    return this.embeddings ? [this.embeddings] : [];
  }

  /** @internal */
  override weightShapes(): number[][] {
    return [[this.inputDim, this.outputDim]];
  }

  /**
   * inputDim · outputDim, built or not.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2 }).parameterCount; // 10
   */
  override get parameterCount(): number {
    return this.inputDim * this.outputDim;
  }

  /**
   * Checks that a model input this layer takes holds indices: integers in [0, inputDim). The error names the
   * sample and position (`fit: x[3, 17] is 10000, not an index in [0, 10000) of embedding_1`). An embedding that takes
   * another layer's outputs cannot be checked before the run; its kernel reads an index out of range as the nearest
   * row (NaN as 0).
   * @internal
   */
  override checkArgument(values: Tensor, op: string, arg: string): void {
    const data = f32View(values.ptr, values.size); // read in place: the scan allocates nothing, so the view stays valid
    const t = firstBadIndex(data, 0, this.inputDim - 1);
    if (t >= 0) {
      throw new RangeError(`${op}: ${arg}${showPosition(t, values.shape)} is ${data[t]}, not an index in [0, ${this.inputDim}) of ${this.label}`);
    }
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.embedding({ inputDim: 5, outputDim: 2, embeddingsInitializer: 'zeros' }).getConfig();
   * // { name: undefined, inputDim: 5, outputDim: 2, embeddingsInitializer: { name: 'zeros' }, maskZero: false }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, inputDim: this.inputDim, outputDim: this.outputDim, embeddingsInitializer: this.embeddingsInitializer.config,
      maskZero: this.maskZero, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}), ...this.rules.config() };
  }

  /** maskZero as the node's rate word (1: index 0 is padding). @internal */
  override nodeFields(): NodeFields {
    return { rate: this.maskZero ? 1 : 0 };
  }

  /** @internal */
  override get detail(): string {
    return `${this.inputDim} → ${this.outputDim}${this.maskZero ? ', maskZero' : ''}`;
  }

  /**
   * Frees the table.
   * @internal
   */
  override dispose(): void {
    this.embeddings?.dispose();
    this.embeddings = null;
    super.dispose();
  }
}

/**
 * An embedding layer (`layers.embedding`): see Embedding. Throws as its constructor does.
 * @example
 * const x = input({ shape: [4] });
 * layers.embedding({ inputDim: 50, outputDim: 8 }).apply(x).shape; // [null, 4, 8]
 */
export function embedding(options: EmbeddingOptions): Embedding {
  return new Embedding(options);
}
