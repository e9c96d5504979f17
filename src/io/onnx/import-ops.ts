// ONNX operators read as simdeep layers: dense (Gemm, MatMul + Add, with the activation after it), activations
// (import-activations.ts), merges, shapes (Reshape, Flatten, Transpose, Unsqueeze + Tile),
// Cast + Gather (an embedding), LayerNormalization and Softmax. Convolutions, pooling and spatial ops: import-conv.ts.
import { dense } from '../../nn/layers/dense';
import { Embedding } from '../../nn/layers/embedding';
import { Merge } from '../../nn/layers/merge';
import { LayerNormalization } from '../../nn/layers/normalization';
import { Permute, RepeatVector } from '../../nn/layers/permute';
import { Flatten, Reshape } from '../../nn/layers/reshape';
import { transposed } from './builder';
import { toChannelsFirst, toChannelsLast } from './export-layers';
import { ACTIVATION_OPS, fusedActivation } from './import-activations';
import { attributes, integersOf, onnxDims, weightOf, where, type Constant, type ImportContext } from './import-context';
import { INT32, INT64, type OnnxNode } from './proto';

/** Reads one node (or a pattern starting at it) into the context. */
export type OpReader = (ctx: ImportContext, node: OnnxNode) => void;

/** Dense from Gemm (transB 0 or 1, C a vector) or MatMul by a constant (and the Add of a bias after it). */
function denseOf(ctx: ImportContext, node: OnnxNode, kernel: Constant, transpose: boolean, bias: Constant | undefined, output: OnnxNode): void {
  const w = weightOf(kernel, node, 'weight', ctx.fail);
  if (w.dims.length !== 2) ctx.fail(`${where(node)}: the weight must be a matrix, got [${w.dims.join(', ')}]`);
  const [values, dims] = transpose ? transposed(w.values, w.dims, [1, 0]) : [w.values, w.dims];
  const weights = [{ dims, values }];
  if (bias) {
    const b = weightOf(bias, node, 'bias', ctx.fail);
    if (b.values.length !== dims[1] || b.dims.some((d, i) => d !== 1 && i !== b.dims.length - 1)) ctx.fail(`${where(node)}: the bias must be [${dims[1]}], got [${b.dims.join(', ')}]`);
    weights.push({ dims: [dims[1]], values: b.values });
  }
  const x = ctx.tensor(node, 0), fused = fusedActivation(ctx, output, false, x.dims.length + 1);
  const layer = () => dense({ units: dims[1], activation: fused.act, useBias: bias !== undefined, kernelInitializer: 'zeros', name: ctx.layerName(output.name) });
  ctx.put(fused.output, ctx.layer(node, layer, [x], weights));
}

const gemm: OpReader = (ctx, node) => {
  const attrs = attributes(node, { alpha: 'float', beta: 'float', transA: 'int', transB: 'int' }, ctx.fail);
  if ((attrs.get('alpha')?.f ?? 1) !== 1 || (attrs.get('beta')?.f ?? 1) !== 1 || (attrs.get('transA')?.i ?? 0) !== 0) {
    ctx.fail(`${where(node)}: only alpha 1, beta 1 and transA 0 are supported`);
  }
  if (ctx.tensor(node, 0).dims.length !== 1) ctx.fail(`${where(node)}: A must be [batch, features]`);
  denseOf(ctx, node, ctx.constant(node, 1, 'B'), (attrs.get('transB')?.i ?? 0) === 1, node.inputs[2] ? ctx.constant(node, 2, 'C') : undefined, node);
};

const matmul: OpReader = (ctx, node) => {
  attributes(node, {}, ctx.fail);
  const next = ctx.soleConsumer(node);
  const other = next?.opType === 'Add' ? next.inputs.find((i) => i !== node.outputs[0]) : undefined;
  const bias = other === undefined ? undefined : ctx.values.get(other);
  if (next && bias?.kind === 'const') {
    ctx.taken.add(next);
    return denseOf(ctx, node, ctx.constant(node, 1, 'B'), false, bias, next);
  }
  denseOf(ctx, node, ctx.constant(node, 1, 'B'), false, undefined, node);
};

/** Add, Mul, Mean, Sum of computed tensors: a merge layer (channels-first views stay so when all inputs are). */
function merge(className: 'Add' | 'Multiply' | 'Average'): OpReader {
  return (ctx, node) => {
    attributes(node, {}, ctx.fail);
    if (node.inputs.length < 2) return ctx.put(node, ctx.tensor(node, 0));
    const values = node.inputs.map((name) => ctx.value(node, name));
    if (values.some((v) => v.kind !== 'tensor')) ctx.fail(`${where(node)}: ${node.opType} with a constant is supported only as a dense layer's bias (MatMul + Add)`);
    const cf = values.every((v) => v.kind === 'tensor' && v.channelsFirst);
    const args = values.map((v, i) => (cf && v.kind === 'tensor' ? v.t : ctx.tensor(node, i)));
    ctx.put(node, ctx.layer(node, () => new Merge(className, { name: ctx.layerName(node.name) }), args, []), cf);
  };
}

const concat: OpReader = (ctx, node) => {
  const axis = attributes(node, { axis: 'int' }, ctx.fail).get('axis')?.i;
  const values = node.inputs.map((name) => ctx.value(node, name));
  if (values.some((v) => v.kind !== 'tensor')) ctx.fail(`${where(node)}: Concat of constants is not supported`);
  const cf = values.every((v) => v.kind === 'tensor' && v.channelsFirst), rank = values[0].kind === 'tensor' ? onnxDims(values[0]).length + 1 : 0;
  if (axis !== (cf ? 1 : rank - 1) && !(axis === -1 && !cf) && !(cf && axis === 1 - rank)) ctx.fail(`${where(node)}: only the channels/features axis can be joined, got axis ${axis}`);
  const args = values.map((v, i) => (cf && v.kind === 'tensor' ? v.t : ctx.tensor(node, i)));
  ctx.put(node, args.length === 1 ? args[0] : ctx.layer(node, () => new Merge('Concatenate', { name: ctx.layerName(node.name) }), args, []), cf);
};

/** Reshape to [batch, ...] (0 copies an axis, one −1 is inferred) or Flatten(axis 1). */
const reshape: OpReader = (ctx, node) => {
  const attrs = attributes(node, node.opType === 'Flatten' ? { axis: 'int' } : { allowzero: 'int' }, ctx.fail);
  const x = ctx.tensor(node, 0), name = ctx.layerName(node.name);
  if (node.opType === 'Flatten') {
    if ((attrs.get('axis')?.i ?? 1) !== 1) ctx.fail(`${where(node)}: only axis 1 is supported (the batch stays)`);
    return ctx.put(node, ctx.layer(node, () => new Flatten({ name }), [x], []));
  }
  const shape = integersOf(ctx.constant(node, 1, 'shape'), node, 'shape', ctx.fail), dims = [NaN, ...x.dims];
  const target = shape.map((d, i) => (d === 0 ? dims[i] : d)).slice(1);
  if (shape.length < 2 || !(shape[0] === -1 || shape[0] === 0 || (shape[0] > 0 && !target.includes(-1)))) ctx.fail(`${where(node)}: the shape [${shape.join(', ')}] must keep the batch first`);
  const width = x.width, known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const full = target.map((d) => (d === -1 ? width / known : d));
  if (target.filter((d) => d === -1).length > 1 || full.some((d) => !Number.isInteger(d) || d < 1)) ctx.fail(`${where(node)}: cannot reshape samples [${x.dims.join(', ')}] to [${target.join(', ')}]`);
  ctx.put(node, ctx.layer(node, () => (full.length === 1 ? new Flatten({ name }) : new Reshape({ targetShape: full, name })), [x], []));
};

const transpose: OpReader = (ctx, node) => {
  const perm = attributes(node, { perm: 'ints' }, ctx.fail).get('perm')?.ints;
  const v = ctx.value(node, node.inputs[0]);
  if (v.kind !== 'tensor' || v.indices) return ctx.fail(`${where(node)}: Transpose of a constant is not supported`);
  const rank = v.t.dims.length + 1, same = (p: number[]): boolean => perm !== undefined && p.join() === perm.join();
  if (!perm || perm.length !== rank || perm[0] !== 0) return ctx.fail(`${where(node)}: perm must keep the batch axis first, got ${JSON.stringify(perm)}`);
  // The Transposes around channels-first operators only change which view of the same values the graph holds.
  if (!v.channelsFirst && rank > 2 && same(toChannelsFirst(rank))) return ctx.put(node, v.t, true);
  if (v.channelsFirst && same(toChannelsLast(rank))) return ctx.put(node, v.t);
  ctx.put(node, ctx.layer(node, () => new Permute({ dims: perm.slice(1), name: ctx.layerName(node.name) }), [ctx.tensor(node, 0)], []));
};

const cast: OpReader = (ctx, node) => {
  const to = attributes(node, { to: 'int', saturate: 'int' }, ctx.fail).get('to')?.i;
  if (to !== INT64 && to !== INT32) ctx.fail(`${where(node)}: only casts to INT64 or INT32 (an embedding's indices) are supported, got type ${to}`);
  ctx.put(node, ctx.tensor(node, 0), false, true);
};

const gather: OpReader = (ctx, node) => {
  if ((attributes(node, { axis: 'int' }, ctx.fail).get('axis')?.i ?? 0) !== 0) ctx.fail(`${where(node)}: only axis 0 (an embedding table's rows) is supported`);
  const table = weightOf(ctx.constant(node, 0, 'table'), node, 'table', ctx.fail), v = ctx.value(node, node.inputs[1]);
  if (v.kind !== 'tensor' || !v.indices) return ctx.fail(`${where(node)}: the indices must be an integer model input or a Cast of one`);
  if (table.dims.length !== 2) ctx.fail(`${where(node)}: the table must be [rows, width], got [${table.dims.join(', ')}]`);
  const layer = () => new Embedding({ inputDim: table.dims[0], outputDim: table.dims[1], embeddingsInitializer: 'zeros', name: ctx.layerName(node.name) });
  ctx.put(node, ctx.layer(node, layer, [v.t], [table]));
};

/** Unsqueeze at axis 1 then Tile [1, n, 1]: RepeatVector. */
const unsqueeze: OpReader = (ctx, node) => {
  attributes(node, { axes: 'ints' }, ctx.fail);
  const axes = node.attributes[0]?.ints ?? integersOf(ctx.constant(node, 1, 'axes'), node, 'axes', ctx.fail), tile = ctx.soleConsumer(node);
  const repeats = tile?.opType === 'Tile' ? ctx.value(tile, tile.inputs[1]) : undefined, x = ctx.tensor(node, 0);
  const n = repeats?.kind === 'const' && !repeats.float && repeats.data.length === 3 && repeats.data[0] === 1 && repeats.data[2] === 1 ? repeats.data[1] : undefined;
  if (!tile || axes.join() !== '1' || x.dims.length !== 1 || n === undefined) return ctx.fail(`${where(node)}: Unsqueeze is read only as RepeatVector (Unsqueeze axis 1, then Tile [1, n, 1])`);
  ctx.taken.add(tile);
  ctx.put(tile, ctx.layer(node, () => new RepeatVector({ n, name: ctx.layerName(tile.name) }), [x], []));
};

const layerNormalization: OpReader = (ctx, node) => {
  const attrs = attributes(node, { axis: 'int', epsilon: 'float', stash_type: 'int' }, ctx.fail), x = ctx.tensor(node, 0);
  const axis = attrs.get('axis')?.i ?? -1;
  if (axis !== -1 && axis !== x.dims.length) ctx.fail(`${where(node)}: only the last axis is normalized, got axis ${axis}`);
  const weights = [weightOf(ctx.constant(node, 1, 'scale'), node, 'scale', ctx.fail), ...(node.inputs[2] ? [weightOf(ctx.constant(node, 2, 'bias'), node, 'bias', ctx.fail)] : [])];
  const layer = () => new LayerNormalization({ epsilon: attrs.get('epsilon')?.f ?? 1e-5, center: weights.length === 2, name: ctx.layerName(node.name) });
  ctx.put(node, ctx.layer(node, layer, [x], weights));
};

/** The readers of the operators this file handles. */
export const OPS: ReadonlyMap<string, OpReader> = new Map<string, OpReader>([
  ['Identity', (ctx, node) => { attributes(node, {}, ctx.fail); ctx.values.set(node.outputs[0], ctx.value(node, node.inputs[0])); }],
  ['Dropout', (ctx, node) => { attributes(node, { seed: 'int', ratio: 'float' }, ctx.fail); ctx.values.set(node.outputs[0], ctx.value(node, node.inputs[0])); }],
  ['Gemm', gemm], ['MatMul', matmul],
  ...ACTIVATION_OPS,
  ['Add', merge('Add')], ['Sum', merge('Add')], ['Mul', merge('Multiply')], ['Mean', merge('Average')], ['Concat', concat],
  ['Reshape', reshape], ['Flatten', reshape], ['Transpose', transpose], ['Cast', cast], ['Gather', gather], ['Unsqueeze', unsqueeze],
  ['LayerNormalization', layerNormalization],
]);
