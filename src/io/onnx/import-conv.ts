// ONNX's channels-first operators read as simdeep's channels-last layers: Conv (plain, depthwise, and depthwise then
// 1×1 as a separable convolution), ConvTranspose, pooling (windowed, global, ReduceMean/ReduceMax over the spatial
// axes), BatchNormalization, Pad, Slice and Resize. Their output is a channels-first view of the layer's output
// (import-context.ts), so the Transposes around them in simdeep's own files cost nothing.
import { Conv } from '../../nn/layers/conv';
import { Conv2DTranspose } from '../../nn/layers/convTranspose';
import { DepthwiseConv2D, SeparableConv2D } from '../../nn/layers/depthwise';
import { BatchNormalization } from '../../nn/layers/normalization';
import { GlobalPooling, Pooling, type GlobalPoolingClass, type Pooling2DOptions, type PoolingClass } from '../../nn/layers/pooling';
import { Cropping2D, UpSampling2D, ZeroPadding2D } from '../../nn/layers/spatial';
import type { SymbolicTensor } from '../../nn/symbolic';
import { transposed } from './builder';
import { attributes, integersOf, weightOf, where, type ImportContext, type Weight } from './import-context';
import { fusedActivation } from './import-activations';
import type { OpReader } from './import-ops';
import type { OnnxAttribute, OnnxNode } from './proto';

const WINDOW = { kernel_shape: 'ints', strides: 'ints', dilations: 'ints', pads: 'ints', auto_pad: 'string' } as const;

/** Keras's 'same' padding of one axis: [before, after]. */
function samePads(size: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max((Math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** The window of a node on samples of spatial `sizes`: its options, and 'valid', 'same' or the explicit pads. */
function windowOf(ctx: ImportContext, node: OnnxNode, attrs: Map<string, OnnxAttribute>, sizes: number[], kernel: number[]) {
  const rank = sizes.length, ones = new Array<number>(rank).fill(1);
  const given = attrs.get('kernel_shape')?.ints;
  if (given && given.join() !== kernel.join()) ctx.fail(`${where(node)}: kernel_shape [${given.join(', ')}] is not the weight's [${kernel.join(', ')}]`);
  const strides = attrs.get('strides')?.ints ?? ones, dilations = attrs.get('dilations')?.ints ?? ones;
  let pads = attrs.get('pads')?.ints ?? new Array<number>(2 * rank).fill(0);
  if (strides.length !== rank || dilations.length !== rank || pads.length !== 2 * rank) ctx.fail(`${where(node)}: strides, dilations and pads must have ${rank}, ${rank} and ${2 * rank} values`);
  const same = sizes.map((n, i) => samePads(n, kernel[i], strides[i], dilations[i]));
  const auto = attrs.get('auto_pad')?.s ?? 'NOTSET';
  if (auto === 'VALID') pads = pads.map(() => 0);
  else if (auto === 'SAME_UPPER') pads = [...same.map((p) => p[0]), ...same.map((p) => p[1])];
  else if (auto !== 'NOTSET') ctx.fail(`${where(node)}: auto_pad ${JSON.stringify(auto)} is not supported`);
  if (pads.some((p) => p < 0)) ctx.fail(`${where(node)}: negative pads [${pads.join(', ')}]`);
  const padding = pads.every((p) => p === 0) ? 'valid' as const : same.every((p, i) => p[0] === pads[i] && p[1] === pads[i + rank]) ? 'same' as const : null;
  return { strides, dilations, pads, padding, rank };
}

const conv: OpReader = (ctx, node) => {
  const attrs = attributes(node, { ...WINDOW, group: 'int' }, ctx.fail);
  const w = weightOf(ctx.constant(node, 1, 'W'), node, 'W', ctx.fail), rank = w.dims.length - 2;
  if (rank !== 1 && rank !== 2) ctx.fail(`${where(node)}: only 1-D and 2-D convolutions are supported, W is [${w.dims.join(', ')}]`);
  let x = ctx.channelsLast(node, 0);
  const channels = x.dims.at(-1)!, filters = w.dims[0], kernel = w.dims.slice(2), group = attrs.get('group')?.i ?? 1;
  if (x.dims.length !== rank + 1) ctx.fail(`${where(node)}: a ${rank}-D convolution takes [batch, channels, ...${rank} axes]`);
  const win = windowOf(ctx, node, attrs, x.dims.slice(0, -1), kernel);
  let padding: 'valid' | 'same';
  if (win.padding) padding = win.padding;
  else if (rank === 2) {
    const [t, l, b, r] = win.pads;
    x = ctx.layer(node, () => new ZeroPadding2D({ padding: [[t, b], [l, r]] }), [x], []);
    padding = 'valid';
  } else return ctx.fail(`${where(node)}: pads [${win.pads.join(', ')}] are neither 'valid' nor 'same'`);
  const bias: Weight[] = node.inputs[2] ? [weightOf(ctx.constant(node, 2, 'B'), node, 'B', ctx.fail)] : [];
  const options = { kernelSize: kernel, strides: win.strides, dilationRate: win.dilations, padding, useBias: bias.length > 0 };
  if (group === 1) {
    const [values, dims] = transposed(w.values, w.dims, rank === 1 ? [2, 1, 0] : [2, 3, 1, 0]);
    const fused = fusedActivation(ctx, node, true, rank + 2);
    const layer = () => new Conv({ ...options, filters, activation: fused.act, kernelInitializer: 'zeros', name: ctx.layerName(node.name) }, rank === 1 ? 1 : 2);
    return ctx.put(fused.output, ctx.layer(node, layer, [x], [{ dims, values }, ...bias]), fused.channelsFirst);
  }
  if (group !== channels || w.dims[1] !== 1 || rank !== 2 || filters % channels !== 0) ctx.fail(`${where(node)}: group ${group} is supported only as a depthwise convolution (group = channels)`);
  const mult = filters / channels, [values, dims] = transposed(w.values, [channels, mult, ...kernel], [2, 3, 0, 1]);
  const depthwise = { dims, values }, next = ctx.soleConsumer(node);
  const pointwise = next?.opType === 'Conv' && bias.length === 0 ? ctx.values.get(next.inputs[1]) : undefined;
  const plain = (n: OnnxNode): boolean => n.attributes.every((a) => (a.name === 'group' ? a.i === 1 : a.name === 'pads' ? a.ints.every((v) => v === 0)
    : ['kernel_shape', 'strides', 'dilations'].includes(a.name) ? a.ints.every((v) => v === 1) : a.name === 'auto_pad' && (a.s === 'NOTSET' || a.s === 'VALID')));
  if (next && pointwise?.kind === 'const' && pointwise.dims.length === 4 && pointwise.dims[2] === 1 && pointwise.dims[3] === 1 && pointwise.dims[1] === filters && plain(next)) {
    ctx.taken.add(next);
    const pw = weightOf(pointwise, next, 'W', ctx.fail), [pValues, pDims] = transposed(pw.values, pw.dims, [2, 3, 1, 0]);
    const pBias: Weight[] = next.inputs[2] ? [weightOf(ctx.constant(next, 2, 'B'), next, 'B', ctx.fail)] : [];
    const fused = fusedActivation(ctx, next, true, 4);
    const layer = () => new SeparableConv2D({ ...options, filters: pw.dims[0], depthMultiplier: mult, activation: fused.act, useBias: pBias.length > 0, name: ctx.layerName(next.name) });
    return ctx.put(fused.output, ctx.layer(node, layer, [x], [depthwise, { dims: pDims, values: pValues }, ...pBias]), fused.channelsFirst);
  }
  const fused = fusedActivation(ctx, node, true, 4);
  const layer = () => new DepthwiseConv2D({ ...options, depthMultiplier: mult, activation: fused.act, name: ctx.layerName(node.name) });
  ctx.put(fused.output, ctx.layer(node, layer, [x], [depthwise, ...bias]), fused.channelsFirst);
};

/** ConvTranspose whose pads and output_padding are those simdeep's Conv2DTranspose has with 'valid' or 'same'. */
const convTranspose: OpReader = (ctx, node) => {
  const attrs = attributes(node, { ...WINDOW, group: 'int', output_padding: 'ints' }, ctx.fail);
  const w = weightOf(ctx.constant(node, 1, 'W'), node, 'W', ctx.fail), x = ctx.channelsLast(node, 0);
  if (w.dims.length !== 4 || x.dims.length !== 3 || (attrs.get('group')?.i ?? 1) !== 1) ctx.fail(`${where(node)}: only 2-D ConvTranspose with group 1 is supported`);
  if ((attrs.get('dilations')?.ints ?? [1, 1]).some((d) => d !== 1)) ctx.fail(`${where(node)}: dilations are not supported`);
  const kernel = w.dims.slice(2), strides = attrs.get('strides')?.ints ?? [1, 1], pads = attrs.get('pads')?.ints ?? [0, 0, 0, 0];
  const outputPadding = attrs.get('output_padding')?.ints ?? [0, 0];
  if ((attrs.get('auto_pad')?.s ?? 'NOTSET') !== 'NOTSET') ctx.fail(`${where(node)}: auto_pad is not supported; give pads`);
  const bias: Weight[] = node.inputs[2] ? [weightOf(ctx.constant(node, 2, 'B'), node, 'B', ctx.fail)] : [];
  const axis = (h: number, k: number, s: number, padding: string): number[] => {
    const out = padding === 'same' ? h * s : h * s + Math.max(k - s, 0);
    const before = padding === 'same' ? samePads(out, k, s, 1)[0] : 0, span = (h - 1) * s + k;
    const end = Math.max(0, span - out - before);
    return [before, end, out - (span - before - end)];
  };
  const padding = (['valid', 'same'] as const).find((p) => {
    const [h, wd] = [axis(x.dims[0], kernel[0], strides[0], p), axis(x.dims[1], kernel[1], strides[1], p)];
    return [h[0], wd[0], h[1], wd[1]].join() === pads.join() && [h[2], wd[2]].join() === outputPadding.join();
  });
  if (!padding) ctx.fail(`${where(node)}: pads [${pads.join(', ')}] with output_padding [${outputPadding.join(', ')}] are neither 'valid' nor 'same'`);
  const [values, dims] = transposed(w.values, w.dims, [2, 3, 1, 0]);
  const fused = fusedActivation(ctx, node, true, 4);
  const layer = () => new Conv2DTranspose({ filters: w.dims[1], kernelSize: kernel, strides, padding, activation: fused.act, useBias: bias.length > 0, kernelInitializer: 'zeros', name: ctx.layerName(node.name) });
  ctx.put(fused.output, ctx.layer(node, layer, [x], [{ dims, values }, ...bias]), fused.channelsFirst);
};

function pool(max: boolean): OpReader {
  return (ctx, node) => {
    const attrs = attributes(node, { ...WINDOW, ceil_mode: 'int', count_include_pad: 'int', storage_order: 'int' }, ctx.fail);
    const x = ctx.channelsLast(node, 0), kernel = attrs.get('kernel_shape')?.ints ?? [], rank = x.dims.length - 1;
    if ((rank !== 1 && rank !== 2) || kernel.length !== rank) ctx.fail(`${where(node)}: a 1-D or 2-D pool needs kernel_shape of its spatial axes`);
    if ((attrs.get('ceil_mode')?.i ?? 0) !== 0 || (attrs.get('storage_order')?.i ?? 0) !== 0) ctx.fail(`${where(node)}: ceil_mode and storage_order must be 0`);
    const win = windowOf(ctx, node, attrs, x.dims.slice(0, -1), kernel);
    if (win.dilations.some((d) => d !== 1)) ctx.fail(`${where(node)}: dilations are not supported`);
    const padding = win.padding ?? ctx.fail(`${where(node)}: pads [${win.pads.join(', ')}] are neither 'valid' nor 'same'`);
    if (!max && padding === 'same' && (attrs.get('count_include_pad')?.i ?? 0) !== 0) ctx.fail(`${where(node)}: count_include_pad 1 is not simdeep's (padding is not counted)`);
    const className = `${max ? 'Max' : 'Average'}Pooling${rank}D` as PoolingClass;
    const options = { poolSize: kernel, strides: win.strides, padding, name: ctx.layerName(node.name) } as unknown as Pooling2DOptions;
    const layer = () => new Pooling(className, options);
    ctx.put(node, ctx.layer(node, layer, [x], []), true);
  };
}

/** GlobalAveragePool / GlobalMaxPool (channels-first), or ReduceMean / ReduceMax over every spatial axis. */
function globalPool(max: boolean): OpReader {
  return (ctx, node) => {
    const reduce = node.opType.startsWith('Reduce');
    const attrs = attributes(node, reduce ? { axes: 'ints', keepdims: 'int' } : {}, ctx.fail);
    const v = ctx.value(node, node.inputs[0]);
    if (v.kind !== 'tensor' || v.indices) return ctx.fail(`${where(node)}: takes a computed tensor`);
    const rank = v.t.dims.length + 1, keep = (attrs.get('keepdims')?.i ?? 1) === 1;
    const axes = (attrs.get('axes')?.ints ?? (node.inputs[1] ? integersOf(ctx.constant(node, 1, 'axes'), node, 'axes', ctx.fail) : [])).map((a) => (a < 0 ? a + rank : a));
    const spatial = Array.from({ length: rank - 2 }, (_, i) => i + (reduce && !v.channelsFirst ? 1 : 2));
    if (reduce && axes.slice().sort().join() !== spatial.join()) ctx.fail(`${where(node)}: only a reduction over every spatial axis (a global pooling) is supported, got axes [${axes.join(', ')}]`);
    const x = reduce && !v.channelsFirst ? v.t : ctx.channelsLast(node, 0);
    if (rank !== 3 && rank !== 4) ctx.fail(`${where(node)}: global pooling takes 1-D or 2-D samples`);
    const className = `Global${max ? 'Max' : 'Average'}Pooling${rank - 2}D` as GlobalPoolingClass;
    const y = ctx.layer(node, () => new GlobalPooling(className, { keepDims: keep, name: ctx.layerName(node.name) }), [x], []);
    ctx.put(node, y, keep && (!reduce || v.channelsFirst));
  };
}

const batchNormalization: OpReader = (ctx, node) => {
  const attrs = attributes(node, { epsilon: 'float', momentum: 'float', training_mode: 'int', spatial: 'int' }, ctx.fail);
  if ((attrs.get('training_mode')?.i ?? 0) !== 0 || node.outputs.filter((o) => o !== '').length > 1) ctx.fail(`${where(node)}: only inference (training_mode 0, one output) is supported`);
  const v = ctx.value(node, node.inputs[0]), rank2 = v.kind === 'tensor' && !v.channelsFirst && v.t.dims.length === 1;
  const x = rank2 ? ctx.tensor(node, 0) : ctx.channelsLast(node, 0);
  const weights = [1, 2, 3, 4].map((i) => weightOf(ctx.constant(node, i, ['scale', 'B', 'mean', 'var'][i - 1]), node, 'statistics', ctx.fail));
  const layer = () => new BatchNormalization({ epsilon: attrs.get('epsilon')?.f ?? 1e-5, name: ctx.layerName(node.name) });
  ctx.put(node, ctx.layer(node, layer, [x], weights), !rank2);
};

/** The spatial axes of a 4-D value as ONNX numbers them: [1, 2] channels-last, [2, 3] channels-first. */
function spatialInput(ctx: ImportContext, node: OnnxNode): { x: SymbolicTensor; cf: boolean; axes: number[] } {
  const v = ctx.value(node, node.inputs[0]);
  if (v.kind !== 'tensor' || v.indices || v.t.dims.length !== 3) ctx.fail(`${where(node)}: takes a computed 4-D tensor`);
  return { x: v.t, cf: v.channelsFirst, axes: v.channelsFirst ? [2, 3] : [1, 2] };
}

const pad: OpReader = (ctx, node) => {
  const mode = attributes(node, { mode: 'string' }, ctx.fail).get('mode')?.s ?? 'constant';
  const { x, cf, axes } = spatialInput(ctx, node), pads = integersOf(ctx.constant(node, 1, 'pads'), node, 'pads', ctx.fail);
  const value = node.inputs[2] ? ctx.constant(node, 2, 'constant_value').data[0] : 0;
  const others = [0, 1, 2, 3].filter((a) => !axes.includes(a));
  if (mode !== 'constant' || value !== 0 || pads.length !== 8 || node.inputs[3] || others.some((a) => pads[a] !== 0 || pads[a + 4] !== 0) || pads.some((p) => p < 0)) {
    ctx.fail(`${where(node)}: only zero padding of the two spatial axes is supported, got pads [${pads.join(', ')}] (${mode}, value ${value})`);
  }
  // PyTorch writes a Pad of zeros before some pooling: nothing to do.
  if (pads.every((p) => p === 0)) {
    ctx.values.set(node.outputs[0], ctx.value(node, node.inputs[0]));
    return;
  }
  const padding: [[number, number], [number, number]] = [[pads[axes[0]], pads[axes[0] + 4]], [pads[axes[1]], pads[axes[1] + 4]]];
  ctx.put(node, ctx.layer(node, () => new ZeroPadding2D({ padding, name: ctx.layerName(node.name) }), [x], []), cf);
};

const slice: OpReader = (ctx, node) => {
  attributes(node, {}, ctx.fail);
  const { x, cf, axes } = spatialInput(ctx, node), ints = (i: number, what: string): number[] => integersOf(ctx.constant(node, i, what), node, what, ctx.fail);
  const starts = ints(1, 'starts'), ends = ints(2, 'ends'), given = node.inputs[3] ? ints(3, 'axes') : [0, 1, 2, 3].slice(0, starts.length);
  const steps = node.inputs[4] ? ints(4, 'steps') : starts.map(() => 1), sizes = [x.dims[0], x.dims[1]];
  const cropping: [[number, number], [number, number]] = [[0, 0], [0, 0]];
  given.forEach((a, i) => {
    const k = axes.indexOf(a < 0 ? a + 4 : a), size = sizes[k];
    if (k < 0 || steps[i] !== 1 || starts[i] < 0 || ends[i] < starts[i]) ctx.fail(`${where(node)}: only a crop of the spatial axes (step 1) is supported`);
    cropping[k] = [starts[i], size - Math.min(ends[i], size)];
  });
  ctx.put(node, ctx.layer(node, () => new Cropping2D({ cropping, name: ctx.layerName(node.name) }), [x], []), cf);
};

const resize: OpReader = (ctx, node) => {
  const attrs = attributes(node, { mode: 'string', coordinate_transformation_mode: 'string', nearest_mode: 'string', cubic_coeff_a: 'float', exclude_outside: 'int' }, ctx.fail);
  const { x, cf, axes } = spatialInput(ctx, node), mode = attrs.get('mode')?.s ?? 'nearest';
  const scales = node.inputs[2] ? ctx.constant(node, 2, 'scales').data : [];
  const sizes = node.inputs[3] ? integersOf(ctx.constant(node, 3, 'sizes'), node, 'sizes', ctx.fail) : [];
  const onnxIn = cf ? [1, x.dims[2], x.dims[0], x.dims[1]] : [1, ...x.dims];
  const factors = scales.length === 4 ? [...scales] : sizes.length === 4 ? sizes.map((s, i) => s / onnxIn[i]) : [];
  const coordinates = attrs.get('coordinate_transformation_mode')?.s ?? 'half_pixel', nearestMode = attrs.get('nearest_mode')?.s ?? 'round_prefer_floor';
  const ok = factors.length === 4 && factors.every((f, i) => Number.isInteger(f) && f >= 1 && (axes.includes(i) || f === 1)) && coordinates === 'asymmetric'
    && (mode === 'linear' || (mode === 'nearest' && nearestMode === 'floor'));
  if (!ok) ctx.fail(`${where(node)}: only integer up-sampling of the spatial axes, asymmetric, nearest (floor) or linear, is supported`);
  const layer = () => new UpSampling2D({ size: [factors[axes[0]], factors[axes[1]]], interpolation: mode === 'linear' ? 'bilinear' : 'nearest', name: ctx.layerName(node.name) });
  ctx.put(node, ctx.layer(node, layer, [x], []), cf);
};

/** The readers of the operators this file handles. */
export const CONV_OPS: ReadonlyMap<string, OpReader> = new Map<string, OpReader>([
  ['Conv', conv], ['ConvTranspose', convTranspose], ['MaxPool', pool(true)], ['AveragePool', pool(false)],
  ['GlobalMaxPool', globalPool(true)], ['GlobalAveragePool', globalPool(false)], ['ReduceMax', globalPool(true)], ['ReduceMean', globalPool(false)],
  ['BatchNormalization', batchNormalization], ['Pad', pad], ['Slice', slice], ['Resize', resize],
]);
