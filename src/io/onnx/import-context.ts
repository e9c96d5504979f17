// What the ONNX import's operator handlers share: the values made so far (symbolic tensors, or constants from
// initializers and Constant nodes), each node's consumers (for fused patterns such as MatMul + Add), the layers made
// with the weights they will take, and the checks every handler uses. Nothing here allocates wasm memory: the model
// is built (import.ts) only once every node has been read.
import { InputLayer } from '../../nn/layers/input';
import type { Layer } from '../../nn/layers/layer';
import { Permute } from '../../nn/layers/permute';
import { MAX_PARAMETERS } from '../../nn/parse';
import type { SymbolicTensor } from '../../nn/symbolic';
import { ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_STRING, type OnnxAttribute, type OnnxNode } from './proto';
import { toChannelsFirst, toChannelsLast } from './export-layers';

/** A constant: an initializer or a Constant node's value (floats, or integers of an INT64/INT32 tensor). */
export interface Constant { kind: 'const'; dims: number[]; data: Float32Array | number[]; float: boolean }
/**
 * A tensor the graph computes, as a symbolic tensor `t`. With `channelsFirst`, the ONNX value is `t` transposed to
 * NCHW (t is channels-last, as simdeep's layers take it); with `indices`, it is `t` cast to integers.
 */
export interface Computed { kind: 'tensor'; t: SymbolicTensor; channelsFirst: boolean; indices: boolean }
export type Value = Constant | Computed;

/** A weight as read: row-major floats of `dims`. */
export interface Weight { dims: number[]; values: Float32Array }

const ATTRIBUTE_TYPES: Record<number, string> = { [ATTR_FLOAT]: 'float', [ATTR_INT]: 'int', [ATTR_STRING]: 'string', [ATTR_FLOATS]: 'floats', [ATTR_INTS]: 'ints' };

/** The state of one import. */
export class ImportContext {
  readonly values = new Map<string, Value>();
  readonly consumers = new Map<string, OnnxNode[]>();
  /** Nodes a handler has already taken into a fused layer. */
  readonly taken = new Set<OnnxNode>();
  /** Each layer made, with the weights it takes (in its weights' order). */
  readonly weights = new Map<Layer, Weight[]>();
  private readonly names = new Set<string>();
  private readonly counts = new Map<string, number>();
  /** The graph's output names (a fused pattern must not swallow one). */
  readonly graphOutputs = new Set<string>();

  constructor(readonly fail: (message: string) => never) {}

  /**
   * A layer name from an ONNX node name (letters, digits, _ . -), unique; undefined to let the model name it. Of a
   * path, simdeep's `conv2d_1/z/conv` names layer conv2d_1, PyTorch's `/fc1/Gemm` module fc1.
   */
  layerName(onnxName: string): string | undefined {
    const parts = onnxName.split('/').filter((p) => p !== '');
    const pytorch = onnxName.startsWith('/') && parts.length > 1;
    const base = (pytorch ? parts.slice(0, -1).join('_') : parts[0] ?? '').replace(/[^\w.-]/g, '_').replace(/^[^A-Za-z_]+/, '').slice(0, 100);
    if (base === '') return undefined;
    let name = base;
    // A count per base name, so that thousands of nodes of one name cost no more than as many lookups.
    for (let i = this.counts.get(base) ?? 2; this.names.has(name); i++) {
      name = `${base}_${i}`;
      this.counts.set(base, i + 1);
    }
    this.names.add(name);
    return name;
  }

  /** The value named `name` that `node` takes. */
  value(node: OnnxNode, name: string | undefined): Value {
    const value = name === undefined || name === '' ? undefined : this.values.get(name);
    if (!value) this.fail(`${where(node)} takes ${JSON.stringify(name ?? '')}, which no initializer, input or earlier node makes`);
    return value;
  }

  /** A constant input of `node`. */
  constant(node: OnnxNode, i: number, what: string): Constant {
    const v = this.value(node, node.inputs[i]);
    if (v.kind !== 'const') this.fail(`${where(node)}: its ${what} (input ${i}) must be a constant (an initializer), not computed`);
    return v;
  }

  /** A computed input of `node`, channels-last (a channels-first view gets a Permute back to ONNX's order). */
  tensor(node: OnnxNode, i: number): SymbolicTensor {
    const v = this.value(node, node.inputs[i]);
    if (v.kind !== 'tensor' || v.indices) this.fail(`${where(node)}: input ${i} must be a computed float tensor`);
    if (!v.channelsFirst) return v.t;
    return this.layer(node, () => new Permute({ dims: toChannelsFirst(v.t.dims.length + 1).slice(1) }), [v.t], []);
  }

  /** A computed input of `node` as simdeep's channels-last layers take it (an ONNX-order tensor gets a Permute). */
  channelsLast(node: OnnxNode, i: number): SymbolicTensor {
    const v = this.value(node, node.inputs[i]);
    if (v.kind !== 'tensor' || v.indices) this.fail(`${where(node)}: input ${i} must be a computed float tensor`);
    if (v.channelsFirst) return v.t;
    if (v.t.dims.length < 2) this.fail(`${where(node)}: takes [batch, channels, ...spatial] tensors, got [batch, ${v.t.dims.join(', ')}]`);
    return this.layer(node, () => new Permute({ dims: toChannelsLast(v.t.dims.length + 1).slice(1) }), [v.t], []);
  }

  /** Makes a layer and calls it on `args` (errors of either name the node), recording its weights. */
  layer(node: OnnxNode, make: () => Layer, args: SymbolicTensor[], weights: Weight[]): SymbolicTensor {
    try {
      const layer = make();
      const out = layer.apply(args.length === 1 && layer.arity === 1 ? args[0] : args);
      const wanted = layer.weightShapes(args.map((a) => a.dims));
      if (wanted.length !== weights.length) this.fail(`${where(node)}: ${layer.className} takes ${wanted.length} weights, the node gives ${weights.length}`);
      wanted.forEach((shape, k) => {
        if (shape.join() !== weights[k].dims.join()) this.fail(`${where(node)}: weight ${k} of ${layer.className} must be [${shape.join(', ')}], got [${weights[k].dims.join(', ')}]`);
      });
      if (weights.length > 0) this.weights.set(layer, weights);
      return out;
    } catch (error) {
      if (error instanceof RangeError && error.message.startsWith('modelFromOnnx')) throw error;
      return this.fail(`${where(node)}: ${(error as Error).message}`);
    }
  }

  /** Sets the node's first output to `t`. */
  put(node: OnnxNode, t: SymbolicTensor, channelsFirst = false, indices = false): void {
    this.values.set(node.outputs[0], { kind: 'tensor', t, channelsFirst, indices });
  }

  /** The one node that takes `node`'s first output, if exactly one does (and the output is not a graph output). */
  soleConsumer(node: OnnxNode): OnnxNode | undefined {
    const list = this.consumers.get(node.outputs[0]) ?? [];
    return list.length === 1 && !this.graphOutputs.has(node.outputs[0]) ? list[0] : undefined;
  }

  /** A checked model input: `[batch, ...dims]` with positive integer sizes. */
  input(name: string, dims: readonly (number | string)[], at: string): SymbolicTensor {
    const sample = dims.slice(1);
    if (dims.length < 2) this.fail(`${at} has shape [${dims.join(', ')}]; inputs are [batch, ...sample]`);
    sample.forEach((d, i) => {
      if (typeof d !== 'number' || d < 1 || d > MAX_PARAMETERS) this.fail(`${at} has dimension ${i + 1} of ${JSON.stringify(d)}; sample sizes must be positive integers`);
    });
    if ((sample as number[]).reduce((a, b) => a * b, 1) > MAX_PARAMETERS) this.fail(`${at} has samples of more than ${MAX_PARAMETERS} values`);
    return new InputLayer({ shape: sample as number[], name: this.layerName(name) }).calls[0].output;
  }
}

/** The floats of a FLOAT constant as a weight. */
export function weightOf(c: Constant, node: OnnxNode, what: string, fail: (m: string) => never): Weight {
  if (!c.float) fail(`${where(node)}: its ${what} must be FLOAT`);
  return { dims: [...c.dims], values: c.data as Float32Array };
}

/** The integers of an INT64/INT32 constant. */
export function integersOf(c: Constant, node: OnnxNode, what: string, fail: (m: string) => never): number[] {
  if (c.float) fail(`${where(node)}: its ${what} must be integers (INT64), got FLOAT`);
  return c.data as number[];
}

/** A computed value's sample shape in ONNX's order (a channels-first view: [channels, ...spatial]). */
export const onnxDims = (v: Computed): number[] => (v.channelsFirst ? [v.t.dims.at(-1)!, ...v.t.dims.slice(0, -1)] : [...v.t.dims]);

/** How errors name a node: `node "conv_1" (Conv)`. */
export const where = (node: OnnxNode): string => `node ${JSON.stringify(node.name || node.outputs[0] || '')} (${node.opType})`;

/** The attributes of `node`, checked: only `known` names (each of its type), none twice. */
export function attributes(node: OnnxNode, known: Record<string, 'int' | 'float' | 'ints' | 'floats' | 'string'>, fail: (m: string) => never): Map<string, OnnxAttribute> {
  const found = new Map<string, OnnxAttribute>();
  for (const a of node.attributes) {
    const type = Object.hasOwn(known, a.name) ? known[a.name] : undefined;
    if (!type) fail(`${where(node)} has the attribute ${JSON.stringify(a.name)}, which simdeep does not support (known: ${Object.keys(known).join(', ') || 'none'})`);
    if (ATTRIBUTE_TYPES[a.type] !== type) fail(`${where(node)}: attribute ${a.name} must be of type ${type}, got type ${a.type}`);
    if (found.has(a.name)) fail(`${where(node)} has the attribute ${a.name} twice`);
    found.set(a.name, a);
  }
  return found;
}
