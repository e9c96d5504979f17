// Permute and RepeatVector: each sample's values rearranged (its axes permuted) or repeated. Kernels:
// assembly/layers/permute.ts (on assembly/copy.ts).
import {
  GEOM_IN_C, GEOM_IN_H, GEOM_IN_W, GEOM_MULT, GEOM_OUT_C, GEOM_OUT_H, GEOM_OUT_W, GEOM_WORDS, KIND_PERMUTE, KIND_REPEAT_VECTOR,
} from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { checkInteger } from '../../tensor/shape';
import { INPUT_SHAPE_KEYS, Layer, type LayerOptions, type NodeFields } from './layer';

/**
 * Options of `layers.permute`.
 * @example
 * const options: PermuteOptions = { dims: [2, 1] };
 * layers.permute(options).apply(input({ shape: [3, 4] })).shape; // [null, 4, 3]
 */
export interface PermuteOptions extends LayerOptions {
  /** The new order of a sample's axes, numbered from 1 as in Keras (the sample axis is not counted): [2, 1] swaps two. */
  dims: readonly number[];
  /** The shape of one input sample, for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * Permutes the axes of each sample, as Keras' Permute: with dims [2, 1], [null, 3, 4] → [null, 4, 3]; output axis i
 * is input axis dims[i] (from 1). Samples of one to three axes. Create it with `layers.permute({ dims })`.
 * @example
 * const x = input({ shape: [2, 3] });
 * const net = model({ inputs: x, outputs: layers.permute({ dims: [2, 1] }).apply(x) });
 * net.predict(tensor([[[1, 2, 3], [4, 5, 6]]])).toArray(); // [[[1, 4], [2, 5], [3, 6]]]
 */
export class Permute extends Layer {
  /**
   * 'Permute'.
   * @example
   * layers.permute({ dims: [1] }).className; // 'Permute'
   */
  override readonly className = 'Permute';
  /** @internal */
  override readonly kind = KIND_PERMUTE;
  /**
   * The order of the axes (from 1).
   * @example
   * layers.permute({ dims: [3, 1, 2] }).dims; // [3, 1, 2]
   */
  readonly dims: readonly number[];

  /**
   * A permute layer; throws a RangeError unless dims lists each of 1..k once (k ≤ 3), or for an unknown option.
   * @example
   * new Permute({ dims: [2, 1] }).dims; // [2, 1]
   */
  constructor(options: PermuteOptions) {
    const op = 'permute';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be { dims }, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['dims', ...INPUT_SHAPE_KEYS, 'name']);
    super(options, op);
    const dims = options.dims;
    const ok = Array.isArray(dims) && dims.length >= 1 && dims.length <= 3 &&
      [...dims].sort().every((d, i) => d === i + 1);
    if (!ok) throw new RangeError(`${op}: dims must list each of the axes 1..k of a sample once (k from 1 to 3), got ${showValue(dims)}`);
    this.dims = [...dims];
    this.takeInputShape(options, op, dims.length);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const dims = shapes[0];
    if (dims.length !== this.dims.length) {
      throw this.shapeError(op, `with dims [${this.dims.join(', ')}] takes samples of ${this.dims.length} axes, got [${dims.join(', ')}]`);
    }
    return this.dims.map((d) => dims[d - 1]);
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.permute({ dims: [2, 1] }).getConfig(); // { name: undefined, dims: [2, 1] }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dims: [...this.dims], ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }

  /**
   * The geometry record: input and output samples padded to three axes with leading 1s, and the permutation over
   * those axes in GEOM_MULT (16·p0 + 4·p1 + p2).
   * @internal
   */
  override nodeFields(): NodeFields {
    const dims = this.inputDims?.[0];
    if (!dims) return {};
    const pad = 3 - dims.length;
    const perm = [0, 1, 2].map((d) => (d < pad ? d : pad + this.dims[d - pad] - 1));
    const input = [...new Array<number>(pad).fill(1), ...dims];
    const geom = new Array<number>(GEOM_WORDS).fill(0);
    [geom[GEOM_IN_H], geom[GEOM_IN_W], geom[GEOM_IN_C]] = input;
    [geom[GEOM_OUT_H], geom[GEOM_OUT_W], geom[GEOM_OUT_C]] = perm.map((p) => input[p]);
    geom[GEOM_MULT] = 16 * perm[0] + 4 * perm[1] + perm[2];
    return { geom };
  }

  /** @internal */
  override get detail(): string {
    return `[${this.dims.join(', ')}]`;
  }
}

/**
 * Options of `layers.repeatVector`.
 * @example
 * const options: RepeatVectorOptions = { n: 3 };
 * layers.repeatVector(options).n; // 3
 */
export interface RepeatVectorOptions extends LayerOptions {
  /** How many times to repeat each sample, an integer in [1, 2^24]. */
  n: number;
  /** The shape of one input sample ([features]), for the first layer of a Sequential. */
  inputShape?: readonly number[];
  /** TensorFlow.js's form of inputShape with the batch size first, [null, ...inputShape] (the batch size is not kept). */
  batchInputShape?: readonly (number | null)[];
  /** TensorFlow.js's form of a 1-D inputShape: inputDim n is inputShape [n]. */
  inputDim?: number;
}

/**
 * Repeats each sample n times along a new axis, as Keras' RepeatVector: [null, features] → [null, n, features]. Its
 * gradient sums the copies'. Create it with `layers.repeatVector({ n })`.
 * @example
 * const net = sequential([layers.repeatVector({ n: 2, inputShape: [3] })]);
 * net.predict(tensor([[1, 2, 3]])).toArray(); // [[[1, 2, 3], [1, 2, 3]]]
 */
export class RepeatVector extends Layer {
  /**
   * 'RepeatVector'.
   * @example
   * layers.repeatVector({ n: 2 }).className; // 'RepeatVector'
   */
  override readonly className = 'RepeatVector';
  /** @internal */
  override readonly kind = KIND_REPEAT_VECTOR;
  /**
   * The number of copies.
   * @example
   * layers.repeatVector({ n: 4 }).n; // 4
   */
  readonly n: number;

  /**
   * A repeat-vector layer; throws a RangeError for an n that is not an integer in [1, 2^24] or an unknown option.
   * @example
   * new RepeatVector({ n: 2 }).n; // 2
   */
  constructor(options: RepeatVectorOptions) {
    const op = 'repeatVector';
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be { n }, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['n', ...INPUT_SHAPE_KEYS, 'name']);
    super(options, op);
    this.n = checkInteger(options.n, op, 'n', 1, 1 << 24);
    this.takeInputShape(options, op, 1);
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    const dims = shapes[0];
    if (dims.length !== 1) throw this.shapeError(op, `takes samples of one axis ([null, features]), got [null, ${dims.join(', ')}]`);
    return [this.n, dims[0]];
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.repeatVector({ n: 3 }).getConfig(); // { name: undefined, n: 3 }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name, n: this.n, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }

  /** @internal */
  override get detail(): string {
    return `n ${this.n}`;
  }
}

/**
 * A permute layer (`layers.permute`): see Permute. Throws as its constructor does.
 * @example
 * layers.permute({ dims: [2, 1] }).apply(input({ shape: [5, 7] })).shape; // [null, 7, 5]
 */
export function permute(options: PermuteOptions): Permute {
  return new Permute(options);
}

/**
 * A repeat-vector layer (`layers.repeatVector`): see RepeatVector. Throws as its constructor does.
 * @example
 * layers.repeatVector({ n: 3 }).apply(input({ shape: [4] })).shape; // [null, 3, 4]
 */
export function repeatVector(options: RepeatVectorOptions): RepeatVector {
  return new RepeatVector(options);
}
