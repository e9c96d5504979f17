// The data a model takes, checked against its graph and compile settings before anything is allocated: one
// [samples, width] tensor per input, one target tensor per output as its loss needs it, finite values.
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { checkTensor, Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import type { Graph } from './graph';
import { checkTargetValues } from './targets';

/**
 * The data of a model's inputs or outputs: one tensor (one input or output), an array of one tensor per input or
 * output in order, or an object of one tensor per input or output layer name (`{ features: x, extra: e }`).
 * @example
 * const a = input({ shape: [2], name: 'a' }), b = input({ shape: [1], name: 'b' });
 * const net = model({ inputs: [a, b], outputs: dense({ units: 1 }).apply(layers.concatenate().apply([a, b])) });
 * const x: TensorList = { b: ones([3, 1]), a: ones([3, 2]) };
 * net.predict(x).shape; // [3, 1]
 */
export type TensorList = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/**
 * The tensors of `value` for `count` inputs or outputs named `namesOf()`: a tensor (one), an array of `count`, or an
 * object by name; and how errors name each (`x`, `x[1]`, `x.extra`).
 */
function listOf(value: unknown, count: number, namesOf: () => readonly string[], op: string, arg: string,
  what: 'input' | 'output'): { items: unknown[]; label: (i: number) => string } {
  const all = (): string => namesOf().join(', ');
  // An array of tensors is a list; any other array (such as a nested JS array) is one value, refused as not a tensor.
  if (Array.isArray(value) && value.every((t) => t instanceof Tensor)) {
    if (value.length !== count) {
      throw new RangeError(`${op}: ${arg} is an array of ${value.length} tensors but the model has ${count === 1 ? `one ${what}` : `${count} ${what}s (${all()})`}`);
    }
    return { items: value, label: (i) => `${arg}[${i}]` };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Tensor)) {
    const names = namesOf(), record = value as Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => !names.includes(key));
    if (unknown !== undefined) throw new RangeError(`${op}: ${arg} names ${JSON.stringify(unknown)}, which is not an ${what} of the model (${what}s: ${all()})`);
    const missing = names.find((name) => !Object.hasOwn(record, name));
    if (missing !== undefined) throw new RangeError(`${op}: ${arg} gives no tensor for the ${what} ${missing}`);
    return { items: names.map((name) => record[name]), label: (i) => `${arg}.${names[i]}` };
  }
  if (count !== 1) {
    throw new TypeError(`${op}: ${arg} must be an array of ${count} tensors, one per ${what} (${all()}), or an object of them by name, got ${showValue(value)}`);
  }
  return { items: [value], label: () => arg };
}

/** Each input's tensor, checked: [samples, ...the input's sample shape], one sample count for all. */
export function checkInputs(graph: Graph, x: unknown, op: string, arg = 'x'): Tensor[] {
  const { items: list, label } = listOf(x, graph.inputs.length, () => graph.inputs.map((i) => graph.nodes[i].layer.label), op, arg, 'input');
  const tensors = list.map((t, j) => {
    const name = label(j);
    const tensor = checkTensor(t, op, name);
    const dims = graph.nodes[graph.inputs[j]].dims;
    if (tensor.rank !== dims.length + 1 || dims.some((d, i) => tensor.shape[i + 1] !== d)) {
      const which = list.length > 1 ? ` for input ${graph.nodes[graph.inputs[j]].layer.label}` : '';
      throw new ShapeError(`${op}: ${name} has shape ${showShape(tensor.shape)}; the model takes [samples, ${dims.join(', ')}]${which}`);
    }
    return tensor;
  });
  const rows = tensors[0].shape[0];
  tensors.forEach((t, j) => {
    if (t.shape[0] !== rows) throw new ShapeError(`${op}: ${label(j)} has ${t.shape[0]} samples but ${label(0)} has ${rows}; every input needs one row per sample`);
  });
  // Layers that read an input's values as more than numbers (an embedding's indices) check them now.
  tensors.forEach((t, j) => {
    const node = graph.inputs[j];
    const users = graph.nodes[node].consumers;
    users.forEach((user, k) => { if (users.indexOf(user) === k) graph.nodes[user].layer.checkArgument(t, op, label(j)); });
  });
  return tensors;
}

/**
 * Each output's targets, checked against its loss: [samples, width], or [samples] / [samples, 1] class indices for
 * sparseCategoricalCrossentropy (integers in range), values the loss can take.
 */
export function checkTargets(graph: Graph, compiled: Compiled, y: unknown, samples: number, op: string, arg = 'y'): Tensor[] {
  const { items: list, label } = listOf(y, graph.outputs.length, () => compiled.outputs.map((o) => o.name), op, arg, 'output');
  return list.map((t, o) => {
    const name = label(o);
    const tensor = checkTensor(t, op, name);
    const { loss } = compiled.outputs[o], { width, dims } = graph.nodes[graph.outputs[o]];
    const expected = loss.sparse ? [samples] : [samples, ...dims];
    const ok = loss.sparse ? tensor.size === samples && tensor.shape[0] === samples && tensor.rank <= 2
      : tensor.shape.join() === expected.join();
    if (!ok) throw new ShapeError(`${op}: ${name} has shape ${showShape(tensor.shape)}; ${loss.name === 'custom' ? 'the custom loss' : loss.name} needs ${showShape(expected)}`);
    if (loss.sparse) {
      const labels = tensor.dataSync();
      const bad = labels.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= width);
      if (bad >= 0) throw new RangeError(`${op}: ${name}[${bad}] is ${labels[bad]}, not a class index in [0, ${width})`);
    }
    checkTargetValues(tensor, loss.name, op, name);
    return tensor;
  });
}

/** Throws a RangeError naming the row and column of the first NaN or ±Infinity in a [rows, cols] tensor. */
export function checkFinite(t: Tensor, op: string, arg: string): void {
  const i = kernels().firstNonFinite(t.ptr, t.size);
  if (i < 0) return;
  const cols = t.rank > 1 ? t.size / t.shape[0] : 1;
  const at = t.rank > 1 ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `row ${i}`;
  throw new RangeError(`${op}: ${arg} holds ${t.dataSync()[i]} at ${at}; clean or fill missing values first`);
}
