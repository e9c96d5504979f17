// What `evaluate` returns: simdeep's record of numbers ({ loss, accuracy }), which also reads as TensorFlow.js's
// result, so that TF.js programs run unchanged: a Scalar (data(), dataSync(), print(), ...) when there is only the
// loss, else [loss, ...metrics] as scalars by index and by iteration (`const [loss, acc] = model.evaluate(...)`).
// The TF.js views are non-enumerable, so the record stays plain for Object.keys, JSON and equality; the scalars are
// ScalarValues (TF.js's Scalar reading methods, no wasm memory): comparing or iterating a result allocates no tensor
// (vitest's toEqual iterates iterables), and a program that never disposes them leaks nothing.
import { scalar } from '../tensor/create';
import type { Tensor } from '../tensor/tensor';

/**
 * The result of `evaluate`: the mean loss and metrics by name (`{ loss: 0.2, accuracy: 0.9 }`), which also reads as
 * TensorFlow.js's result: with only the loss, a Scalar (`data()`, `dataSync()`, `array()`, `arraySync()`,
 * `print()`); in every case `result[i]`, `length` and iteration give the values in TF.js's order ([loss, per-output
 * losses, metrics]) as ScalarValues, which read as TF.js's scalars. These TF.js views are not enumerable.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
 * const result: Evaluation = model.evaluate(tensor([[1]]), tensor([[3]]));
 * result.loss; // 4
 * const [loss, mae] = result; // TF.js's form: scalars
 * mae.dataSync(); // [2]
 */
export type Evaluation = Record<string, number> & EvaluationTensors;

/**
 * TensorFlow.js's views of an {@link Evaluation}.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'meanSquaredError' });
 * const views: EvaluationTensors = model.evaluate(tensor([[1]]), tensor([[3]]));
 * views.dataSync(); // [4]
 */
export interface EvaluationTensors extends Iterable<ScalarValue> {
  /** The loss and metrics as TF.js's scalars, in TF.js's order. */
  readonly [index: number]: ScalarValue;
  /** How many values (1 + metrics, with several outputs also each output's loss). */
  readonly length: number;
  /** The loss as a Float32Array of one value (only without metrics, where TF.js gives a Scalar). */
  dataSync(): Float32Array;
  /** The loss as a Float32Array of one value, asynchronously. */
  data(): Promise<Float32Array>;
  /** The loss as a number. */
  arraySync(): number;
  /** The loss as a number, asynchronously. */
  array(): Promise<number>;
  /** Logs the loss as TF.js's `print` does. */
  print(verbose?: boolean): void;
  /** Does nothing: the values are numbers. */
  dispose(): void;
}

/**
 * One value of an {@link Evaluation} read as TensorFlow.js's Scalar: its reading methods, without wasm memory (so
 * an Evaluation compared, iterated or dropped leaks nothing); `toTensor()` gives a real scalar tensor.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
 * const [loss, mae]: ScalarValue[] = [...model.evaluate(tensor([[1]]), tensor([[3]]))];
 * mae.dataSync(); // [2]
 */
export class ScalarValue {
  /**
   * The value as a number.
   * @example
   * new ScalarValue(0.5).value; // 0.5
   */
  readonly value: number;
  /**
   * A scalar value (rounded to float32, as a tensor holds it).
   * @example
   * new ScalarValue(2).arraySync(); // 2
   */
  constructor(value: number) {
    this.value = Math.fround(value);
  }
  /**
   * Its shape, [] (TF.js's Scalar).
   * @example
   * new ScalarValue(1).shape; // []
   */
  get shape(): number[] { return []; }
  /**
   * Its rank, 0.
   * @example
   * new ScalarValue(1).rank; // 0
   */
  get rank(): number { return 0; }
  /**
   * Its size, 1.
   * @example
   * new ScalarValue(1).size; // 1
   */
  get size(): number { return 1; }
  /**
   * Its dtype, 'float32'.
   * @example
   * new ScalarValue(1).dtype; // 'float32'
   */
  get dtype(): 'float32' { return 'float32'; }
  /**
   * The value in a Float32Array.
   * @example
   * new ScalarValue(3).dataSync(); // [3]
   */
  dataSync(): Float32Array { return Float32Array.of(this.value); }
  /**
   * The value in a Float32Array, asynchronously.
   * @example
   * await new ScalarValue(3).data(); // [3]
   */
  data(): Promise<Float32Array> { return Promise.resolve(this.dataSync()); }
  /**
   * The value.
   * @example
   * new ScalarValue(3).arraySync(); // 3
   */
  arraySync(): number { return this.value; }
  /**
   * The value, asynchronously.
   * @example
   * await new ScalarValue(3).array(); // 3
   */
  array(): Promise<number> { return Promise.resolve(this.value); }
  /**
   * The value.
   * @example
   * new ScalarValue(3).item(); // 3
   */
  item(): number { return this.value; }
  /**
   * Logs the value as TF.js's print does.
   * @example
   * new ScalarValue(3).print(); // logs 'Tensor\n    3'
   */
  print(verbose = false): void {
    const t = this.toTensor();
    try {
      t.print(verbose);
    } finally {
      t.dispose();
    }
  }
  /**
   * A scalar tensor of the value (the caller disposes it).
   * @example
   * new ScalarValue(3).toTensor().shape; // []
   */
  toTensor(): Tensor { return scalar(this.value); }
  /**
   * Does nothing (no memory is held), as disposing a TF.js scalar.
   * @example
   * new ScalarValue(3).dispose(); // undefined
   */
  dispose(): void {}
}

const VALUES = Symbol('values');

type Holder = { [VALUES]: number[] };

function onlyLoss(result: Holder, op: string): ScalarValue {
  const values = result[VALUES];
  if (values.length !== 1) {
    throw new TypeError(`evaluate: ${op} reads the loss of a model compiled without metrics (TF.js returns a Scalar then); ` +
      `this result holds ${values.length} values: read result.loss, or result[i] as TF.js's array`);
  }
  return new ScalarValue(values[0]);
}

const PROTOTYPE: ThisType<Holder> & Record<string | symbol, unknown> = {
  *[Symbol.iterator](): Generator<ScalarValue> {
    for (const value of this[VALUES]) yield new ScalarValue(value);
  },
  dataSync(): Float32Array { return onlyLoss(this, 'dataSync').dataSync(); },
  data(): Promise<Float32Array> {
    try {
      return onlyLoss(this, 'data').data();
    } catch (error) {
      return Promise.reject(error);
    }
  },
  arraySync(): number { return onlyLoss(this, 'arraySync').arraySync(); },
  array(): Promise<number> {
    try {
      return onlyLoss(this, 'array').array();
    } catch (error) {
      return Promise.reject(error);
    }
  },
  print(verbose = false): void { onlyLoss(this, 'print').print(verbose); },
  dispose(): void {},
};
for (const key of Reflect.ownKeys(PROTOTYPE)) Object.defineProperty(PROTOTYPE, key, { enumerable: false });

/** `logs` (loss first) as an Evaluation; TF.js's order puts each output's loss before the metrics. */
export function toEvaluation(logs: Record<string, number>): Evaluation {
  const result = Object.assign(Object.create(PROTOTYPE) as object, logs);
  const keys = Object.keys(logs);
  const ordered = [...keys.filter((k) => k === 'loss' || k.endsWith('_loss')), ...keys.filter((k) => k !== 'loss' && !k.endsWith('_loss'))];
  const values = ordered.map((k) => logs[k]);
  Object.defineProperty(result, VALUES, { value: values });
  Object.defineProperty(result, 'length', { value: values.length });
  values.forEach((value, i) => Object.defineProperty(result, i, { get: () => new ScalarValue(value) }));
  return result as Evaluation;
}
