// Per-sample weights of fit, evaluate, trainOnBatch and validation data (Keras's sample_weight and class_weight),
// checked before anything is allocated and combined into one f32 weight per row of the data, which the plan's loss
// and metric kernels read (PLAN_SAMPLE_WEIGHTS; assembly/train.ts gathers each batch's).
import { allocBytes, f32View, freeBytes } from '../runtime/heap';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { checkTensor, Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import type { Graph } from './graph';

/**
 * Weights of the samples, as Keras's `sample_weight`: a Tensor of shape [samples] or [samples, 1], or an array of
 * one number per sample; finite and >= 0. One array weighs every output's loss and metrics.
 * @example
 * const weights: SampleWeight = [1, 1, 3];
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })]);
 * model.compile({ loss: 'meanSquaredError' });
 * model.evaluate(tensor([[0], [0], [0]]), tensor([[1], [1], [2]]), { sampleWeight: weights }).loss; // ≈ 4.667
 */
export type SampleWeight = Tensor | readonly number[];

/**
 * Weights of the classes, as Keras's `class_weight`: class index → weight (finite, >= 0). A sample weighs its target's
 * class's weight (the argmax of a one-hot row, the index of sparse targets, round(y) for one binary column); a class
 * the record leaves out weighs 1, as in Keras.
 * @example
 * const weights: ClassWeight = { 0: 1, 1: 5 };
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [1], kernelInitializer: 'zeros' })]);
 * model.compile({ loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 * // The hit (class 0) weighs 1, the miss (class 1) 5:
 * model.evaluate(tensor([[1], [1]]), tensor([[0], [1]]), { classWeight: weights }).accuracy; // ≈ 0.1667
 */
export type ClassWeight = Readonly<Record<number, number>>;

/**
 * The weight options of `evaluate` and `trainOnBatch` (fit takes them too): `sampleWeight` and `classWeight`, which
 * multiply when both are given.
 * @example
 * const options: WeightOptions = { classWeight: { 0: 1, 1: 3 } };
 * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [1], kernelInitializer: 'zeros' })]);
 * model.compile({ loss: 'binaryCrossentropy' });
 * // log 2 · (1 + 3) / 2:
 * model.evaluate(tensor([[1], [1]]), tensor([[0], [1]]), options).loss; // ≈ 1.386
 */
export interface WeightOptions {
  /** A weight per sample (see SampleWeight). */
  sampleWeight?: SampleWeight;
  /** A weight per class of a one-output model (see ClassWeight). */
  classWeight?: ClassWeight;
}

/** How a call names its weight options in errors, and which leading rows take class weights. */
export interface WeightArgs {
  readonly op: string;
  /** The option's name in errors: 'sampleWeight', or 'validationData[2]'. */
  readonly sampleArg: string;
  /** Rows [0, classRows) take the class weights (fit: the training rows, not those validationSplit holds out). */
  readonly classRows: number;
  /** Row ranges whose weights must not sum to 0, with what errors call them. */
  readonly ranges: readonly (readonly [number, number, string])[];
}

/**
 * One f32 weight per row of the data, sampleWeight times classWeight (Keras 3 refuses both together; Keras 2 and
 * simdeep multiply them), or null when neither is given. Checks, allocating nothing in wasm memory: the weights'
 * shape and values, the class weights' keys against the classes the targets can have, and that no range of `ranges`
 * weighs 0 in all.
 */
export function checkWeights(graph: Graph, compiled: Compiled, ys: readonly Tensor[], total: number, sampleWeight: unknown,
  classWeight: unknown, args: WeightArgs): Float32Array | null {
  const { op } = args;
  if (sampleWeight == null && classWeight === undefined) return null;
  const weights = sampleWeight == null ? new Float32Array(total).fill(1) : sampleWeights(sampleWeight, total, op, args.sampleArg, graph.outputs.length);
  if (classWeight !== undefined) {
    const table = classTable(graph, compiled, ys[0], classWeight, op);
    const classes = classesOf(ys[0], compiled.outputs[0].loss.sparse);
    for (let i = 0; i < args.classRows; i++) {
      const w = weights[i] * (table.get(classes[i]) ?? 1);
      if (!Number.isFinite(Math.fround(w))) throw new RangeError(`${op}: sample ${i} weighs ${w} (sampleWeight × classWeight), beyond float32`);
      weights[i] = w;
    }
  }
  for (const [from, to, what] of args.ranges) {
    let sum = 0;
    for (let i = from; i < to; i++) sum += weights[i];
    if (to > from && sum === 0) throw new RangeError(`${op}: the sample weights sum to 0 over ${what}: every sample weighs 0`);
  }
  return weights;
}

/** The checked values of a sampleWeight option for `total` samples. */
function sampleWeights(value: unknown, total: number, op: string, arg: string, outputs: number): Float32Array {
  const perOutput = (Array.isArray(value) && value.some((v) => v instanceof Tensor || Array.isArray(v)))
    || (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Tensor));
  if (perOutput && outputs > 1) {
    throw new TypeError(`${op}: ${arg} per output is not supported; give one weight per sample (a Tensor [samples] or an array of numbers), which weighs every output`);
  }
  let values: ArrayLike<number>;
  if (value instanceof Tensor) {
    const t = checkTensor(value, op, arg);
    if (!(t.rank === 1 || (t.rank === 2 && t.shape[1] === 1))) {
      throw new ShapeError(`${op}: ${arg} has shape ${showShape(t.shape)}; it takes one weight per sample: [${total}] or [${total}, 1]`);
    }
    values = t.dataSync();
  } else if (Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new TypeError(`${op}: ${arg}[${bad}] is ${showValue(value[bad])}; sample weights are numbers`);
    values = value as number[];
  } else {
    throw new TypeError(`${op}: ${arg} must be a Tensor [samples] or an array of numbers, one weight per sample, got ${showValue(value)}`);
  }
  if (values.length !== total) {
    throw new ShapeError(`${op}: ${arg} has ${values.length} weights but the data has ${total} samples; give one weight per sample`);
  }
  const out = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    const w = values[i];
    if (!(w >= 0) || !Number.isFinite(Math.fround(w))) {
      throw new RangeError(`${op}: ${arg}[${i}] is ${w}; sample weights must be finite (in float32) and >= 0`);
    }
    out[i] = w;
  }
  return out;
}

/** The checked classWeight record as class → weight. */
function classTable(graph: Graph, compiled: Compiled, y: Tensor, value: unknown, op: string): Map<number, number> {
  if (graph.outputs.length !== 1) {
    throw new RangeError(`${op}: classWeight takes a model of one output; this one has ${graph.outputs.length} (${compiled.outputs.map((o) => o.name).join(', ')}): give sampleWeight instead`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Tensor) {
    throw new TypeError(`${op}: classWeight must be a record of class index → weight such as { 0: 1, 1: 5 }, got ${showValue(value)}`);
  }
  const { dims, width } = graph.nodes[graph.outputs[0]], { loss } = compiled.outputs[0];
  if (dims.length > 1) throw new RangeError(`${op}: classWeight takes one class per sample; the output has sample shape ${showShape(dims)}`);
  // The classes the targets can have: one per column, or for one column its rounded values (0 and 1 for binary ones).
  let top = width - 1;
  if (width === 1 && !loss.sparse) {
    top = loss.name === 'binaryCrossentropy' ? 1 : 0;
    for (const c of classesOf(y, false)) top = Math.max(top, c);
  }
  const table = new Map<number, number>();
  for (const [key, w] of Object.entries(value as Record<string, unknown>)) {
    if (!/^(0|[1-9]\d*)$/.test(key)) throw new RangeError(`${op}: classWeight has key ${JSON.stringify(key)}, which is not a class index (0, 1, …)`);
    const c = Number(key);
    if (c > top) throw new RangeError(`${op}: classWeight names class ${c}, which the targets do not have (classes 0–${top})`);
    if (typeof w !== 'number' || !(w >= 0) || !Number.isFinite(Math.fround(w))) {
      throw new RangeError(`${op}: classWeight[${c}] is ${showValue(w)}; class weights must be finite numbers >= 0`);
    }
    table.set(c, w);
  }
  return table;
}

/**
 * The class of each row of targets y, as Keras's class_weight_to_sample_weights: the first largest column of a row of
 * several, else the value rounded half to even (numpy's round).
 */
function classesOf(y: Tensor, sparse: boolean): Int32Array {
  const rows = y.shape[0], cols = sparse ? 1 : y.size / Math.max(rows, 1), values = f32View(y.ptr, y.size);
  const classes = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    if (cols === 1) {
      classes[r] = roundHalfEven(values[r]);
      continue;
    }
    let best = 0;
    for (let j = 1; j < cols; j++) if (values[r * cols + j] > values[r * cols + best]) best = j;
    classes[r] = best;
  }
  return classes;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v), d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** The weights in wasm memory (null: 0, nothing allocated); the caller frees a nonzero address with freeBytes. */
export function weightsInMemory(weights: Float32Array | null, op: string): number {
  if (!weights) return 0;
  const ptr = allocBytes(Math.max(4, weights.length * 4), op);
  f32View(ptr, weights.length).set(weights);
  return ptr;
}

/** Frees what weightsInMemory allocated (0: nothing). */
export function freeWeights(ptr: number): void {
  if (ptr !== 0) freeBytes(ptr);
}
