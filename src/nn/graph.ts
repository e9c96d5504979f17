// A model's graph: the layer calls from its inputs to its outputs, checked and put in topological order. The plan
// (plan.ts) lowers it; model files (save.ts) store it as node lists.
import { InputLayer } from './layers/input';
import type { Layer } from './layers/layer';
import type { Variable } from '../tensor/variable';
import { SymbolicTensor, type LayerCall } from './symbolic';

/** One layer call in a graph. */
export interface GraphNode {
  readonly call: LayerCall;
  readonly layer: Layer;
  /** The nodes of its arguments (indices into Graph.nodes), in order. */
  readonly args: readonly number[];
  /** Values per sample of its output (the product of dims). */
  readonly width: number;
  /** The shape of one sample of its output. */
  readonly dims: readonly number[];
  /** The nodes that take its output (once per argument). */
  readonly consumers: number[];
}

/** A checked graph: nodes in topological order (inputs first, in the order given). */
export interface Graph {
  readonly nodes: readonly GraphNode[];
  /** The input nodes, in the model's order. */
  readonly inputs: readonly number[];
  /** The output nodes, in the model's order. */
  readonly outputs: readonly number[];
  /** The layers other than inputs, each once, in the order of their first call. */
  readonly layers: readonly Layer[];
}

/**
 * Ids 0..count-1 in an order where every id comes after its arguments, depth first from `roots` (each root's
 * arguments in order); only ids reached from the roots. A RangeError names the ids of a cycle.
 */
export function topologicalOrder(count: number, roots: readonly number[], argsOf: (id: number) => readonly number[], nameOf: (id: number) => string,
  op: string): number[] {
  const state = new Uint8Array(count); // 0 unseen, 1 on the path, 2 done
  const order: number[] = [];
  for (const root of roots) {
    if (state[root] === 2) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const args = argsOf(top[0]);
      if (top[1] === args.length) {
        stack.pop();
        state[top[0]] = 2;
        order.push(top[0]);
        continue;
      }
      const next = args[top[1]++];
      if (state[next] === 1) {
        const path = stack.slice(stack.findIndex(([id]) => id === next)).map(([id]) => nameOf(id));
        throw new RangeError(`${op}: the graph has a cycle: ${[...path, nameOf(next)].join(' → ')}`);
      }
      if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  return order;
}

/** A symbolic tensor for messages: `dense_1 [null, 4]`. */
const show = (t: SymbolicTensor): string => `${t.label} ${showDims(t.dims)}`;

/**
 * The graph from `inputs` to `outputs`, checked before anything is built: symbolic tensors only; inputs made by
 * `input()`, each listed once and used by some output; outputs made by layers, each listed once; every input an
 * output depends on listed. Errors name the tensors and layers involved.
 */
export function graphOf(inputs: readonly unknown[], outputs: readonly unknown[], op: string): Graph {
  inputs.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) throw new TypeError(`${op}: inputs[${i}] must be a symbolic tensor from input({ shape }), got ${describe(t)}`);
    if (!(t.call.layer instanceof InputLayer)) throw new TypeError(`${op}: inputs[${i}] is the output of ${show(t)}, not a model input made by input({ shape })`);
    const first = inputs.indexOf(t);
    if (first < i) throw new RangeError(`${op}: inputs[${i}] is inputs[${first}] again (${show(t)}); list each input once`);
  });
  outputs.forEach((t, i) => {
    if (!(t instanceof SymbolicTensor)) throw new TypeError(`${op}: outputs[${i}] must be a symbolic tensor (a layer's apply), got ${describe(t)}`);
    if (t.call.layer instanceof InputLayer) throw new RangeError(`${op}: outputs[${i}] is the model input ${show(t)}; an output must be made by a layer`);
    const first = outputs.indexOf(t);
    if (first < i) throw new RangeError(`${op}: outputs[${i}] is outputs[${first}] again (${show(t)}); list each output once`);
  });
  if (inputs.length === 0) throw new RangeError(`${op}: inputs is empty; a model needs at least one input({ shape })`);
  if (outputs.length === 0) throw new RangeError(`${op}: outputs is empty; a model needs at least one output`);
  const ins = inputs as readonly SymbolicTensor[], outs = outputs as readonly SymbolicTensor[];
  // Every call reachable from the outputs, numbered as found.
  const calls: LayerCall[] = [], ids = new Map<LayerCall, number>();
  const idOf = (call: LayerCall): number => {
    let id = ids.get(call);
    if (id === undefined) {
      id = calls.push(call) - 1;
      ids.set(call, id);
    }
    return id;
  };
  const roots = outs.map((t) => idOf(t.call));
  const argIds: number[][] = [];
  for (let id = 0; id < calls.length; id++) argIds.push(calls[id].args.map((a) => idOf(a.call)));
  const order = topologicalOrder(calls.length, [...ins.filter((t) => ids.has(t.call)).map((t) => ids.get(t.call)!), ...roots],
    (id) => argIds[id], (id) => calls[id].output.label, op);
  ins.forEach((t, i) => {
    if (!ids.has(t.call)) throw new RangeError(`${op}: inputs[${i}] (${show(t)}) is used by no output; remove it or use it`);
  });
  for (const id of order) {
    const call = calls[id];
    if (call.layer instanceof InputLayer && !ins.includes(call.output)) {
      const user = outs.findIndex((t) => dependsOn(t.call, call));
      throw new RangeError(`${op}: outputs[${user}] (${show(outs[user])}) depends on the input ${show(call.output)}, which is not in inputs ` +
        '(a symbolic tensor of another model?); list it in inputs');
    }
  }
  // Inputs first, in the model's order, then the other calls in topological order.
  const sorted = [...ins.map((t) => ids.get(t.call)!), ...order.filter((id) => !(calls[id].layer instanceof InputLayer))];
  const position = new Map(sorted.map((id, i) => [id, i]));
  const nodes: GraphNode[] = sorted.map((id) => ({
    call: calls[id], layer: calls[id].layer, args: argIds[id].map((a) => position.get(a)!), width: calls[id].output.width,
    dims: calls[id].output.dims, consumers: [],
  }));
  nodes.forEach((node, i) => node.args.forEach((a) => nodes[a].consumers.push(i)));
  const layers = [...new Set(nodes.filter((n) => !(n.layer instanceof InputLayer)).map((n) => n.layer))];
  return { nodes, inputs: ins.map((_, i) => i), outputs: roots.map((id) => position.get(id)!), layers };
}

/** Whether `call` depends on `target` (or is it). */
function dependsOn(call: LayerCall, target: LayerCall): boolean {
  const stack = [call], seen = new Set<LayerCall>();
  for (let c = stack.pop(); c; c = stack.pop()) {
    if (c === target) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    for (const a of c.args) stack.push(a.call);
  }
  return false;
}

function describe(value: unknown): string {
  if (value && typeof value === 'object' && 'shape' in value) return `a tensor of shape [${String((value as { shape: unknown }).shape)}] (data, not a symbolic tensor)`;
  return String(value);
}

/** Gives unnamed layers `<class in snake case>_<n>` names and checks that names are unique. */
export function nameLayers(layers: readonly Layer[], op: string): void {
  const taken = new Map<string, Layer>();
  for (const layer of layers) {
    if (layer.name === undefined) continue;
    const other = taken.get(layer.name);
    if (other && other !== layer) throw new RangeError(`${op}: two layers are named ${JSON.stringify(layer.name)}; names must be unique in a model`);
    taken.set(layer.name, layer);
  }
  const counts = new Map<string, number>();
  for (const layer of layers) {
    if (layer.name !== undefined) continue;
    // As Keras' to_snake_case: MaxPooling2D → max_pooling2d, Conv2DTranspose → conv2d_transpose.
    const base = layer.className === 'InputLayer' ? 'input'
      : layer.className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    let n = counts.get(base) ?? 0, name: string;
    do name = `${base}_${++n}`; while (taken.has(name));
    counts.set(base, n);
    layer.name = name;
    taken.set(name, layer);
  }
}

/** The sample shapes of a node's arguments. */
export function argDims(graph: Graph, node: GraphNode): (readonly number[])[] {
  return node.args.map((a) => graph.nodes[a].dims);
}

/** A symbolic shape for messages: [null, 28, 28, 1]. */
export function showDims(dims: readonly number[]): string {
  return `[${['null', ...dims].join(', ')}]`;
}

/** The trainable weights of a graph's layers, each once, in node order (the order of a plan's trainable parameter records). */
export function trainableOf(graph: Graph): Variable[] {
  return [...new Set(graph.nodes.flatMap((n) => n.layer.trainableWeights))];
}
