// Activations in ONNX graphs: each operator (or pattern: swish as Mul(x, Sigmoid(x)), gelu's exact erf form, relu6 as
// Clip(0, 6)) checked to compute simdeep's function, read as an Activation layer, or fused into the dense or
// convolution layer before it when that layer's output goes only there (through the Transpose back to channels-last
// that simdeep writes after a convolution).
import { Activation } from '../../nn/layers/activation';
import { LEAKY_ALPHA, type ActivationName } from '../../nn/layers/dense';
import { SELU_ALPHA, SELU_GAMMA, toChannelsLast } from './export-layers';
import { attributes, onnxDims, where, type Constant, type ImportContext } from './import-context';
import type { OpReader } from './import-ops';
import type { OnnxNode } from './proto';

/** An activation found: simdeep's name, the nodes it spans, and the last (whose output is its result). */
interface Match { act: ActivationName; nodes: OnnxNode[]; last: OnnxNode }

const scalarOf = (c: Constant | undefined): number | undefined => (c?.float && c.data.length === 1 ? c.data[0] : undefined);
const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b);
/** ONNX's defaults of the attributes simdeep's constants are checked against. */
const FIXED: Record<string, [ActivationName, Record<string, number | undefined>]> = {
  Relu: ['relu', {}], Tanh: ['tanh', {}], Softplus: ['softplus', {}], Elu: ['elu', { alpha: 1 }],
  LeakyRelu: ['leakyRelu', { alpha: 0.01 }], Selu: ['selu', { alpha: 1.67326319217681884765625, gamma: 1.05070102214813232421875 }],
  HardSigmoid: ['hardSigmoid', { alpha: 0.2, beta: 0.5 }],
};
const SIMDEEP: Record<string, Record<string, number>> = { leakyRelu: { alpha: LEAKY_ALPHA }, elu: { alpha: 1 }, selu: { alpha: SELU_ALPHA, gamma: SELU_GAMMA }, hardSigmoid: { alpha: 0.2, beta: 0.5 } };

/** The constant scalar input of `n` other than `other`. */
function constantBeside(ctx: ImportContext, n: OnnxNode, other: string): number | undefined {
  const name = n.inputs.find((i) => i !== other), v = name === undefined ? undefined : ctx.values.get(name);
  return v?.kind === 'const' ? scalarOf(v) : undefined;
}

/** gelu's exact form as simdeep and PyTorch write it: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5). */
function gelu(ctx: ImportContext, node: OnnxNode): Match {
  const chain: OnnxNode[] = [];
  let at: OnnxNode | undefined = node;
  for (const op of ['Erf', 'Add', 'Mul', 'Mul']) {
    at = at && ctx.soleConsumer(at);
    if (at?.opType !== op) return ctx.fail(`${where(node)}: Div is read only as the start of gelu (x·(1 + erf(x/√2))/2)`);
    chain.push(at);
  }
  const [erf, add, mul, half] = chain, x = node.inputs[0];
  const sqrt2 = constantBeside(ctx, node, x);
  if (sqrt2 === undefined || !near(sqrt2, Math.SQRT2) || constantBeside(ctx, add, erf.outputs[0]) !== 1 || constantBeside(ctx, half, mul.outputs[0]) !== 0.5 || !mul.inputs.includes(x)) {
    ctx.fail(`${where(node)}: Div is read only as the start of gelu (x·(1 + erf(x/√2))/2), and these constants are not gelu's`);
  }
  return { act: 'gelu', nodes: [node, ...chain], last: half };
}

/**
 * The activation starting at `node` (undefined if its operator is none), `rank` the rank of its input where known;
 * throws, naming the node, for attributes that are not simdeep's function.
 */
function activationAt(ctx: ImportContext, node: OnnxNode, rank?: number): Match | undefined {
  const one = (act: ActivationName): Match => ({ act, nodes: [node], last: node });
  const fixed = Object.hasOwn(FIXED, node.opType) ? FIXED[node.opType] : undefined;
  if (fixed) {
    const [act, defaults] = fixed, attrs = attributes(node, Object.fromEntries(Object.keys(defaults).map((k) => [k, 'float'])), ctx.fail);
    for (const [name, want] of Object.entries(SIMDEEP[act] ?? {})) {
      const got = attrs.get(name)?.f ?? defaults[name]!;
      if (!near(got, want)) ctx.fail(`${where(node)}: ${name} ${got} is not simdeep's ${act} (${name} ${want})`);
    }
    return one(act);
  }
  switch (node.opType) {
    case 'Sigmoid': {
      attributes(node, {}, ctx.fail);
      const next = ctx.soleConsumer(node);
      const swish = next?.opType === 'Mul' && next.inputs.length === 2 && next.inputs.includes(node.inputs[0]) && next.inputs.includes(node.outputs[0]);
      return swish ? { act: 'swish', nodes: [node, next], last: next } : one('sigmoid');
    }
    case 'Div': return gelu(ctx, node);
    case 'Clip': {
      const attrs = attributes(node, { min: 'float', max: 'float' }, ctx.fail);
      const bound = (i: number, name: string): number | undefined => attrs.get(name)?.f ?? (node.inputs[i] ? scalarOf(ctx.constant(node, i, name)) : undefined);
      if (bound(1, 'min') !== 0 || bound(2, 'max') !== 6) ctx.fail(`${where(node)}: only Clip(0, 6) (relu6) is supported`);
      return one('relu6');
    }
    case 'Softmax': {
      const axis = attributes(node, { axis: 'int' }, ctx.fail).get('axis')?.i ?? -1;
      if (axis !== -1 && (rank === undefined || axis !== rank - 1)) ctx.fail(`${where(node)}: only the last axis is supported, got axis ${axis}`);
      return one('softmax');
    }
    default: return undefined;
  }
}

/**
 * The activation to fuse into the layer that computes `node`'s output (`channelsFirst`: as a channels-first view;
 * `rank`: of the output), and the node whose output is then the layer's. 'linear' and `node` itself when none follows
 * alone; the nodes fused are marked taken.
 */
export function fusedActivation(ctx: ImportContext, node: OnnxNode, channelsFirst: boolean, rank: number): { act: ActivationName; output: OnnxNode; channelsFirst: boolean } {
  const none = { act: 'linear' as const, output: node, channelsFirst };
  // The nodes that take a node's output (none for a graph output): swish and gelu take it twice.
  const after = (n: OnnxNode): OnnxNode[] => (ctx.graphOutputs.has(n.outputs[0]) ? [] : ctx.consumers.get(n.outputs[0]) ?? []);
  let next = after(node), back: OnnxNode | undefined, cf = channelsFirst;
  const perm = next.length === 1 && next[0].opType === 'Transpose' ? next[0].attributes.find((a) => a.name === 'perm')?.ints : undefined;
  if (cf && perm?.join() === toChannelsLast(rank).join() && next[0].attributes.length === 1) {
    back = next[0];
    cf = false;
    next = after(back);
  }
  // Without an activation after it, the Transpose back is still the layer's (its output carries the layer's name).
  const linear = back ? (ctx.taken.add(back), { act: 'linear' as const, output: back, channelsFirst: false }) : none;
  if (next.length === 0) return linear;
  let match: Match | undefined;
  try {
    match = activationAt(ctx, next[0], rank);
  } catch {
    return linear; // the activation's own reader names what is wrong
  }
  if (!match || (match.act === 'softmax' && cf) || next.some((n) => !match.nodes.includes(n))) return linear;
  for (const n of [...(back ? [back] : []), ...match.nodes]) ctx.taken.add(n);
  return { act: match.act, output: match.last, channelsFirst: cf };
}

/** An activation layer on input 0, keeping a channels-first view as it is (element-wise; softmax takes the last axis). */
const readActivation: OpReader = (ctx, node) => {
  const v = ctx.value(node, node.inputs[0]), rank = v.kind === 'tensor' ? onnxDims(v).length + 1 : undefined;
  const match = activationAt(ctx, node, rank)!;
  match.nodes.forEach((n) => ctx.taken.add(n));
  const cf = v.kind === 'tensor' && v.channelsFirst && match.act !== 'softmax';
  const x = cf && v.kind === 'tensor' ? v.t : ctx.tensor(node, 0);
  ctx.put(match.last, ctx.layer(node, () => new Activation({ activation: match.act, name: ctx.layerName(match.last.name) }), [x], []), cf);
};

/** The activation operators, each read by readActivation. */
export const ACTIVATION_OPS: [string, OpReader][] = [...Object.keys(FIXED), 'Sigmoid', 'Div', 'Clip', 'Softmax'].map((op) => [op, readActivation]);
