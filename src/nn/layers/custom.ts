// Custom layers: a user's subclass of Layer written in ops, TF.js style (build(inputShape) with addWeight, call,
// computeOutputShape). The plan runs such a layer as a KIND_CUSTOM node whose forward and backward call into
// JavaScript (src/nn/custom-host.ts); here are the pieces of the Layer contract that differ for them: TF.js's
// symbolic shapes ([null, ...dims]), building with the model's seeds, and the weights addWeight makes.
import { showValue } from '../../tensor/errors';
import { checkInteger } from '../../tensor/shape';
import type { Variable } from '../../tensor/variable';
import { glorotUniform, toInitializer, type Initializer } from '../initializers';
import { type Layer } from './layer';
import { layerWeight } from './weight';
import { NO_RULES } from './regularization';
import { toRegularizer } from '../regularizers';
import { toConstraint } from '../constraints';

/**
 * A shape as TF.js gives it to a custom layer's `build` and `computeOutputShape`: null for the batch, then the
 * sizes of one sample (`[null, 28, 28, 1]`).
 * @example
 * const shape: SymbolicShape = [null, 4];
 */
export type SymbolicShape = (number | null)[];

/** TF.js's input shape for arguments of these sample shapes: [null, ...dims], or an array of them for several. */
function symbolic(shapes: readonly (readonly number[])[]): SymbolicShape | SymbolicShape[] {
  const list = shapes.map((d): SymbolicShape => [null, ...d]);
  return list.length === 1 ? list[0] : list;
}

/** Builds custom layer `layer` for arguments of these sample shapes, its addWeight calls seeded by `seedOf`. */
export function buildCustomLayer(layer: Layer, shapes: readonly (readonly number[])[], seedOf: (weight: number) => number | undefined): void {
  layer.seedOfWeight = seedOf;
  layer.rules = NO_RULES; // addWeight gives them again
  try {
    layer.build(symbolic(shapes));
  } catch (error) {
    layer.addedWeights.splice(0).forEach((w) => w.dispose());
    throw error;
  } finally {
    layer.seedOfWeight = undefined;
  }
}

/** A custom layer's sample shape for arguments of these sample shapes: its computeOutputShape's, else its first argument's. */
export function customOutputShape(layer: Layer, shapes: readonly (readonly number[])[], op: string): number[] {
  if (typeof layer.computeOutputShape !== 'function') return [...shapes[0]];
  const out: unknown = layer.computeOutputShape(symbolic(shapes));
  const ok = Array.isArray(out) && out.length >= 2 && (out[0] === null || out[0] === undefined || out[0] === -1) &&
    out.slice(1).every((v) => Number.isInteger(v) && v >= 1 && v <= 1 << 24);
  if (!ok) throw layer.shapeError(op, `computeOutputShape must return [null, ...sizes] (sizes: integers >= 1), got ${showValue(out)}`);
  return (out as number[]).slice(1);
}

/** Fan-in and fan-out of a weight of `shape`, as Keras computes them (receptive field times channels for rank > 2). */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const field = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape.at(-2)! * field, shape.at(-1)! * field];
}

/** Layer.addWeight: a Variable `<layer>/<name>` owned by `layer` (see there). */
export function addLayerWeight(layer: Layer, name: unknown, shape: unknown, dtype: unknown, initializer: unknown, regularizer: unknown,
  trainable: unknown, constraint?: unknown): Variable {
  const op = `${layer.label}.addWeight`;
  if (typeof name !== 'string' || name === '') throw new TypeError(`${op}: name must be a non-empty string, got ${showValue(name)}`);
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of sizes, got ${showValue(shape)}`);
  const dims = shape.map((v: unknown, i) => checkInteger(v, op, `shape[${i}]`, 0, 1 << 30));
  if (dtype !== undefined && dtype !== null && dtype !== 'float32') throw new RangeError(`${op}: dtype must be 'float32', got ${showValue(dtype)}`);
  if (typeof trainable !== 'boolean') throw new TypeError(`${op}: trainable must be true or false, got ${showValue(trainable)}`);
  const rule = { option: name, weight: name, regularizer: toRegularizer(regularizer, op, 'regularizer'), constraint: toConstraint(constraint, op, 'constraint') };
  if (rule.constraint && rule.constraint.className !== 'NonNeg') rule.constraint.axesOf(dims.length, `${op}: constraint (${rule.constraint.className}) of a weight of shape [${dims.join(', ')}]`);
  const init = initializer === undefined || initializer === null ? glorotUniform()
    : toInitializer(initializer as Initializer | string, op, 'initializer');
  const [fanIn, fanOut] = fans(dims);
  const value = init.init(dims, fanIn, fanOut, layer.seedOfWeight?.(layer.addedWeights.length));
  const w = layerWeight(layer, name, value, trainable);
  layer.addedWeights.push(w);
  if (rule.regularizer || rule.constraint) layer.rules = layer.rules.with(rule);
  return w;
}
