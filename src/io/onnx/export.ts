// ONNX export: a simdeep model as a ModelProto (IR version 8, opset 17, the first with LayerNormalization). The graph
// is walked from the model's outputs; each layer call becomes the operators export-layers.ts writes, its output
// named after the layer, and the weights become FLOAT initializers (raw_data) named as simdeep names them.
import { InputLayer } from '../../nn/layers/input';
import type { Model } from '../../nn/model';
import type { SymbolicTensor } from '../../nn/symbolic';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { GraphBuilder } from './builder';
import { LAYER_WRITERS } from './export-layers';
import { FLOAT, METADATA_KEY, writeModel, type OnnxValueInfo } from './proto';

/** The IR version and opset written. */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

/**
 * Options of `modelToOnnx`.
 * @example
 * const options: OnnxExportOptions = { batchDimension: 'N' };
 * modelToOnnx(sequential([dense({ units: 1, inputShape: [2] })]), options) instanceof Uint8Array; // true
 */
export interface OnnxExportOptions {
  /** The symbolic name of the batch dimension of inputs and outputs (default 'batch_size', as PyTorch's examples name it). */
  batchDimension?: string;
}

/** The symbolic tensors of the model's graph in topological order (arguments first), from its outputs. */
function callsInOrder(outputs: readonly SymbolicTensor[]): SymbolicTensor[] {
  const order: SymbolicTensor[] = [], seen = new Set<SymbolicTensor>();
  const stack: [SymbolicTensor, number][] = outputs.map((t): [SymbolicTensor, number] => [t, 0]).reverse();
  while (stack.length > 0) {
    const top = stack[stack.length - 1], args = top[0].call.args;
    if (seen.has(top[0])) { stack.pop(); continue; }
    if (top[1] < args.length) { stack.push([args[top[1]++], 0]); continue; }
    stack.pop();
    seen.add(top[0]);
    order.push(top[0]);
  }
  return order;
}

/**
 * The model as ONNX bytes (a ModelProto: IR version 8, opset 17, producer 'simdeep'), to run in onnxruntime or any
 * ONNX runtime. Inputs are `float[batch_size, ...sample shape]` named after the input layers, outputs are named after
 * the output layers, and the weights are FLOAT initializers named as simdeep names them (`dense_1/kernel`). The graph
 * stays channels-last: convolutions and pooling run between Transposes to NCHW and back. Dense is Gemm (MatMul + Add
 * on samples of more than one axis), Dropout is dropped (Identity), an Embedding casts its indices to int64 for Gather.
 * @throws RangeError for a model without layers, a custom layer (naming it and its class: ONNX cannot hold its
 * code), or an unknown option; TypeError for options that are not an object.
 * @example
 * const net = sequential([dense({ units: 2, activation: 'relu', inputShape: [3] })]);
 * const bytes = modelToOnnx(net);
 * bytes instanceof Uint8Array; // true
 * modelFromOnnx(bytes).outputs[0].shape; // [null, 2]
 */
export function modelToOnnx(model: Model, options: OnnxExportOptions = {}): Uint8Array {
  const op = 'modelToOnnx';
  checkOptionKeys(op, options, ['batchDimension']);
  const batch = options.batchDimension ?? 'batch_size';
  if (typeof batch !== 'string' || !/^[A-Za-z_][\w]*$/.test(batch)) throw new RangeError(`${op}: options.batchDimension must be a name (letters, digits, _), got ${showValue(batch)}`);
  if (model.layers.length === 0) throw new RangeError(`${op}: the model has no layers`);
  const custom = model.layers.find((layer) => !LAYER_WRITERS.has(layer.className) || layer.isCustom);
  if (custom) throw new RangeError(`${op}: layer ${custom.label} (class ${custom.className}) is a custom layer; ONNX cannot hold its code (write it as built-in layers)`);
  const b = new GraphBuilder(), names = new Map<SymbolicTensor, string>(), inputs: OnnxValueInfo[] = [];
  // Output values are named after the layers first, so that their names stay exactly the layers'.
  for (const t of model.outputs) names.set(t, b.keep(t.label.replace(' (call ', '_call').replace(')', '')));
  for (const t of callsInOrder(model.outputs)) {
    const { layer, args } = t.call;
    if (layer instanceof InputLayer) {
      if (names.has(t)) throw new RangeError(`${op}: input ${layer.label} is also an output; ONNX outputs are computed values`);
      const name = b.fresh(layer.label);
      inputs.push({ name, elemType: FLOAT, dims: [batch, ...t.dims] });
      names.set(t, name);
      continue;
    }
    const out = names.get(t) ?? t.label.replace(' (call ', '_call').replace(')', '');
    const made = LAYER_WRITERS.get(layer.className)!(b, { layer, xs: args.map((a) => names.get(a)!), dims: args.map((a) => a.dims), outDims: t.dims, out });
    names.set(t, made);
  }
  const outputs = model.outputs.map((t): OnnxValueInfo => ({ name: names.get(t)!, elemType: FLOAT, dims: [batch, ...t.dims] }));
  const graph = { name: 'simdeep', nodes: b.nodes, initializers: b.initializers, inputs, outputs };
  const metadata = model.metadata ? new Map([[METADATA_KEY, JSON.stringify(model.metadata)]]) : undefined;
  return writeModel({ irVersion: ONNX_IR_VERSION, producerName: 'simdeep', opsets: [{ domain: '', version: ONNX_OPSET }], graph, metadata });
}
