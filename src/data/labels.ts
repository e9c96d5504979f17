import { tensor } from '../tensor/create';
import { ShapeError, showValue } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import { checkIndices, compareLabels, kindOf, readLabels, rowClasses, type Label } from './classValues';
import { checkJSONType } from './scaling';

export type { Label } from './classValues';

/**
 * A LabelEncoder as JSON: its classes in index order (null before fit).
 * @example
 * const json: LabelEncoderJSON = { type: 'LabelEncoder', classes: ['no', 'yes'] };
 * LabelEncoder.fromJSON(json).transform(['yes']).toArray(); // [1]
 */
export interface LabelEncoderJSON {
  /** Always 'LabelEncoder'. */
  type: 'LabelEncoder';
  /** The classes in index order, or null when not fitted. */
  classes: Label[] | null;
}

/** The metadata key `attachTo` and `fromModel` use unless told another. */
const METADATA_KEY = 'labelEncoder';

/** What `attachTo` and `fromModel` need of a model: its metadata, and its outputs' widths to check against. */
interface ModelLike {
  metadata: Record<string, unknown> | undefined;
  readonly outputs: readonly unknown[];
  readonly outputDim: number;
}

/**
 * Encodes class labels (text, numbers or booleans) as class indices 0 … k−1 and back, as scikit-learn's
 * LabelEncoder: fitted on the training rows, its `classes` sorted (numbers ascending, strings by code point). The
 * indices are the sparse targets `sparseCategoricalCrossentropy` takes; `attachTo(model)` saves the classes in the
 * model's metadata, which every model format keeps, and `LabelEncoder.fromModel` reads them back.
 * @example
 * const encoder = new LabelEncoder();
 * encoder.fitTransform(['dog', 'cat', 'dog']).toArray(); // [1, 0, 1]
 * encoder.inverseTransform([0, 1]); // ['cat', 'dog']
 */
export class LabelEncoder {
  #classes: Label[] | null = null;
  #index = new Map<Label, number>();

  /**
   * Whether `fit` was called (or the encoder was loaded fitted).
   * @example
   * new LabelEncoder().fitted; // false
   */
  get fitted(): boolean {
    return this.#classes !== null;
  }

  /**
   * The classes in index order (a copy; undefined before fit).
   * @example
   * new LabelEncoder().fit([3, 1, 3]).classes; // [1, 3]
   */
  get classes(): Label[] | undefined {
    return this.#classes?.slice();
  }

  /**
   * The number of classes (0 before fit).
   * @example
   * new LabelEncoder().fit(['a', 'b', 'a']).numClasses; // 2
   */
  get numClasses(): number {
    return this.#classes?.length ?? 0;
  }

  /**
   * Learns the classes from training labels (an array, or a tensor of numbers [n] or [n, 1]); returns the encoder.
   * @throws TypeError for a label that is missing or not a string, finite number or boolean, or labels of two kinds
   * (naming the rows); RangeError for no labels.
   * @example
   * new LabelEncoder().fit(['b', 'a', '', 'b']).classes; // ['', 'a', 'b']
   */
  fit(values: readonly Label[] | Tensor): this {
    const op = 'LabelEncoder.fit';
    const labels = readLabels(values, op);
    if (labels.length === 0) throw new RangeError(`${op}: values is empty; fitting needs at least one label`);
    const other = labels.findIndex((label) => kindOf(label) !== kindOf(labels[0]));
    if (other >= 0) {
      throw new TypeError(`${op}: labels must all be strings, all numbers or all booleans; row 0 is ${showValue(labels[0])} and row ${other} is ${showValue(labels[other])}`);
    }
    this.#set([...new Set(labels)].sort(compareLabels));
    return this;
  }

  /**
   * The class index of each label, as a tensor [n] (the targets `sparseCategoricalCrossentropy` takes).
   * @throws RangeError before fit, or for a label the encoder was not fitted on (naming its row and value);
   * TypeError as `fit` for a label that is not one.
   * @example
   * new LabelEncoder().fit(['low', 'high']).transform(['low', 'low', 'high']).toArray(); // [1, 1, 0]
   */
  transform(values: readonly Label[] | Tensor): Tensor {
    const op = 'LabelEncoder.transform';
    const classes = this.#fitted(op), labels = readLabels(values, op);
    const indices = new Float32Array(labels.length);
    labels.forEach((label, row) => {
      const index = this.#index.get(label);
      if (index === undefined) {
        const shown = classes.length > 10 ? `${classes.slice(0, 10).map((c) => showValue(c)).join(', ')}, … (${classes.length} classes)` : classes.map((c) => showValue(c)).join(', ');
        throw new RangeError(`${op}: row ${row} is ${showValue(label)}, a label the encoder was not fitted on (classes: ${shown})`);
      }
      indices[row] = index;
    });
    return tensor(indices, [labels.length]);
  }

  /**
   * Fits on the labels, then encodes them; throws as `fit` does.
   * @example
   * new LabelEncoder().fitTransform([true, false, true]).toArray(); // [1, 0, 1]
   */
  fitTransform(values: readonly Label[] | Tensor): Tensor {
    return this.fit(values).transform(values);
  }

  /**
   * The labels of class indices (an array, or a tensor [n] or [n, 1]), or of each row's largest score in a tensor
   * [n, classes] of probabilities. A model with one sigmoid unit gives [n, 1] scores for two classes: round them
   * (`.greater(0.5)`) first.
   * @throws RangeError before fit, or for a value that is not a class index of the encoder (naming its place);
   * ShapeError for scores whose width is not the class count.
   * @example
   * const encoder = new LabelEncoder().fit(['cat', 'dog', 'emu']);
   * encoder.inverseTransform(tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])); // ['dog', 'cat']
   */
  inverseTransform(indices: readonly number[] | Tensor): Label[] {
    const op = 'LabelEncoder.inverseTransform';
    const classes = this.#fitted(op);
    const { indices: rows, width } = rowClasses(indices, op, 'indices');
    if (width !== null && width !== classes.length) {
      throw new ShapeError(`${op}: indices holds scores of ${width} classes per row, but the encoder has ${classes.length} classes`);
    }
    checkIndices({ shape: [rows.length], values: rows }, op, 'indices', classes.length, `the class count ${classes.length}`);
    return Array.from(rows, (i) => classes[i]);
  }

  /**
   * The encoder as JSON (see `LabelEncoder.fromJSON`).
   * @example
   * new LabelEncoder().fit(['b', 'a']).toJSON(); // { type: 'LabelEncoder', classes: ['a', 'b'] }
   */
  toJSON(): LabelEncoderJSON {
    return { type: 'LabelEncoder', classes: this.classes ?? null };
  }

  /**
   * An encoder from `toJSON()` output. Its classes keep their order (the order a model's outputs were trained in).
   * @throws TypeError for another type or classes that are not an array of labels of one kind; RangeError for an
   * empty list or a class listed twice.
   * @example
   * LabelEncoder.fromJSON({ type: 'LabelEncoder', classes: ['no', 'yes'] }).inverseTransform([1]); // ['yes']
   */
  static fromJSON(json: LabelEncoderJSON): LabelEncoder {
    return LabelEncoder.#read(json, 'LabelEncoder.fromJSON', 'json');
  }

  /**
   * Saves the classes in `model.metadata` under `key` (default 'labelEncoder'), keeping its other entries; every
   * model format simdeep writes keeps the metadata. Returns the model.
   * @throws RangeError before fit, or when the model's one output has neither a unit per class nor (two classes) one
   * unit; TypeError if `model` is not a model or `key` not a non-empty string.
   * @example
   * const model = sequential([dense({ units: 2, activation: 'softmax', inputShape: [3] })]);
   * new LabelEncoder().fit(['spam', 'ham']).attachTo(model);
   * LabelEncoder.fromModel(await loadModel(await model.save())).classes; // ['ham', 'spam']
   */
  attachTo<M extends ModelLike>(model: M, key = METADATA_KEY): M {
    const op = 'LabelEncoder.attachTo';
    const classes = this.#fitted(op);
    checkModel(model, key, op);
    const units = model.outputs.length === 1 ? model.outputDim : 0;
    if (units > 0 && units !== classes.length && !(units === 1 && classes.length === 2)) {
      throw new RangeError(`${op}: the encoder has ${classes.length} classes, but the model's output has ${units} units`);
    }
    model.metadata = { ...model.metadata, [key]: this.toJSON() };
    return model;
  }

  /**
   * The encoder `attachTo` saved in a model's metadata under `key` (default 'labelEncoder'), checked as `fromJSON`.
   * @throws RangeError if the metadata has no such entry; TypeError and RangeError as `fromJSON` for a bad one.
   * @example
   * const model = sequential([dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
   * new LabelEncoder().fit(['b', 'c', 'a']).attachTo(model);
   * LabelEncoder.fromModel(model).classes; // ['a', 'b', 'c']
   */
  static fromModel(model: ModelLike, key = METADATA_KEY): LabelEncoder {
    const op = 'LabelEncoder.fromModel';
    checkModel(model, key, op);
    const metadata = model.metadata;
    if (!metadata || !Object.hasOwn(metadata, key)) {
      throw new RangeError(`${op}: the model's metadata has no ${JSON.stringify(key)} entry (its keys: ${Object.keys(metadata ?? {}).map((k) => JSON.stringify(k)).join(', ') || 'none'}); save one with encoder.attachTo(model)`);
    }
    return LabelEncoder.#read(metadata[key], op, `metadata[${JSON.stringify(key)}]`);
  }

  static #read(json: unknown, op: string, where: string): LabelEncoder {
    const saved = checkJSONType(json, 'LabelEncoder', op, ['classes']);
    const encoder = new LabelEncoder();
    if (saved.classes === null || saved.classes === undefined) return encoder;
    const classes = saved.classes;
    if (!Array.isArray(classes)) throw new TypeError(`${op}: ${where}.classes must be an array of labels (or null when not fitted), got ${showValue(classes)}`);
    classes.forEach((c, i) => {
      const valid = typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
      if (!valid || kindOf(c) !== kindOf(classes[0])) {
        throw new TypeError(`${op}: ${where}.classes[${i}] is ${showValue(c)}; classes must all be strings, all finite numbers or all booleans`);
      }
    });
    if (classes.length === 0) throw new RangeError(`${op}: ${where}.classes is empty; a fitted encoder has at least one class`);
    const first = new Map<unknown, number>();
    classes.forEach((c, i) => {
      if (first.has(c)) throw new RangeError(`${op}: ${where}.classes lists ${showValue(c)} twice (at ${first.get(c)} and ${i})`);
      first.set(c, i);
    });
    encoder.#set(classes as Label[]);
    return encoder;
  }

  #set(classes: Label[]): void {
    this.#classes = classes;
    this.#index = new Map(classes.map((c, i) => [c, i]));
  }

  #fitted(op: string): Label[] {
    if (!this.#classes) throw new RangeError(`${op}: the encoder is not fitted; call fit(labels) first`);
    return this.#classes;
  }
}

function checkModel(model: unknown, key: unknown, op: string): void {
  if (typeof model !== 'object' || model === null || !('outputs' in model) || !('metadata' in model)) {
    throw new TypeError(`${op}: model must be a Model, got ${showValue(model)}`);
  }
  if (typeof key !== 'string' || key === '') throw new TypeError(`${op}: key must be a non-empty string, got ${showValue(key)}`);
}
