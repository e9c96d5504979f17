// Convolutions, channels-last, with TensorFlow.js's signatures: conv2d and conv1d run im2col (assembly/conv.ts) and
// the packed GEMM of matmul (threaded, the same bits for any thread count); conv2dTranspose is conv2d's input gradient
// (x·Wᵀ into columns, then col2imAdd); depthwiseConv2d has its own kernel; separableConv2d composes the two.
// Gradients: a convolution y = x ⊛ f is bilinear, and so are its two gradients, dx = dy ⊛ᵀ f and df = x ⋆ dy; each of
// the three products records itself with the other two as its backward (`convProduct`), so gradients of any order work.
import { ACT_NONE, GEMM_ACCUMULATE, GEMM_TRANS_A, GEMM_TRANS_B } from '../../assembly/layout';
import { allocBytes, f32View, freeBytes } from '../runtime/heap';
import { gemm } from '../runtime/threads';
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { checkShape, MAX_SIZE } from '../tensor/shape';
import { record, recording } from '../tensor/tape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { positivePair as checkPair, withGeometry, type Geometry } from './pool';
import { checkPadding, checkStridesDilations, columnChunk, pointwise, windowAxis, windowGeometry, type Padding } from './window';

/** Throws unless `format` is the channels-last name; the channels-first one gets its own message. */
function checkFormat(op: string, format: unknown, last: string, first: string): void {
  if (format === last) return;
  if (format === first) throw new RangeError(`${op}: dataFormat '${first}' is not supported; only '${last}' (channels last)`);
  throw new RangeError(`${op}: dataFormat must be '${last}', got ${showValue(format)}`);
}

/** x as [samples, height, width, channels] (a rank-3 x is one sample); a ShapeError for other ranks. */
function samples(op: string, x: Tensor): [number, number, number, number] {
  if (x.rank === 4) return [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
  if (x.rank === 3) return [1, x.shape[0], x.shape[1], x.shape[2]];
  throw new ShapeError(`${op}: x must have rank 3 ([height, width, channels]) or 4 ([batch, height, width, channels]), got shape ${showShape(x.shape)}`);
}

/** Checks that `filter` is a live rank-4 tensor with no empty window axis. */
function checkFilter(op: string, filter: unknown, arg: string, layout: string): Tensor {
  const f = checkTensor(filter, op, arg);
  if (f.rank !== 4) throw new ShapeError(`${op}: ${arg} must have rank 4 (${layout}), got shape ${showShape(f.shape)}`);
  if (f.shape[0] === 0 || f.shape[1] === 0) throw new ShapeError(`${op}: ${arg} has shape ${showShape(f.shape)}; its window must not be empty`);
  return f;
}

/** Runs `fn(first, count, cols)` over the samples in chunks of columnChunk(g) samples (`floats` column floats each). */
function inChunks(op: string, g: Geometry, rows: number, floats: number, fn: (first: number, count: number, cols: number) => void): void {
  const per = columnChunk(g);
  const cols = allocBytes(Math.min(per, rows) * floats * 4, op);
  try {
    for (let first = 0; first < rows; first += per) fn(first, Math.min(per, rows - first), cols);
  } finally {
    freeBytes(cols);
  }
}

/**
 * out [rows·outH·outW, outC] = im2col(x)·filter (filter [kh·kw·inC, outC]): the convolution of `rows` samples x
 * [rows, inH, inW, inC]; pointers into wasm memory. @internal
 */
export function convolve(op: string, x: number, filter: number, g: Geometry, rows: number, out: number): void {
  const pixels = g.outH * g.outW, k = g.kH * g.kW * g.inC;
  if (k === 0 || pointwise(g)) {
    gemm(x, g.inC, filter, g.outC, out, g.outC, rows * pixels, k, g.outC, 0, 0, ACT_NONE, 0, 0);
    return;
  }
  withGeometry(g, op, (geom) => inChunks(op, g, rows, pixels * k, (first, count, cols) => {
    kernels().im2col(x + 4 * first * g.inH * g.inW * g.inC, geom, count, cols);
    gemm(cols, k, filter, g.outC, out + 4 * first * pixels * g.outC, g.outC, count * pixels, k, g.outC, 0, 0, ACT_NONE, 0, 0);
  }));
}

/**
 * dx [rows, inH, inW, inC] = col2im(dy·filterᵀ): the input gradient of `convolve` for dy [rows·outH·outW, outC];
 * pointers into wasm memory. @internal
 */
export function convolveBackwardInput(op: string, dy: number, filter: number, g: Geometry, rows: number, dx: number): void {
  const pixels = g.outH * g.outW, k = g.kH * g.kW * g.inC;
  if (k === 0) return;
  if (pointwise(g)) {
    gemm(dy, g.outC, filter, g.outC, dx, g.inC, rows * pixels, g.outC, k, GEMM_TRANS_B, 0, ACT_NONE, 0, 0);
    return;
  }
  withGeometry(g, op, (geom) => inChunks(op, g, rows, pixels * k, (first, count, cols) => {
    gemm(dy + 4 * first * pixels * g.outC, g.outC, filter, g.outC, cols, k, count * pixels, g.outC, k, GEMM_TRANS_B, 0, ACT_NONE, 0, 0);
    kernels().col2imAdd(cols, geom, count, dx + 4 * first * g.inH * g.inW * g.inC, false);
  }));
}

/**
 * dFilter [kh·kw·inC, outC] = im2col(x)ᵀ·dy: the filter gradient of `convolve` for x [rows, inH, inW, inC] and dy
 * [rows·outH·outW, outC] (one product per chunk of samples, the later ones added); pointers into wasm memory.
 * @internal
 */
export function convolveBackwardFilter(op: string, x: number, dy: number, g: Geometry, rows: number, dFilter: number): void {
  const pixels = g.outH * g.outW, k = g.kH * g.kW * g.inC;
  if (pointwise(g)) {
    gemm(x, g.inC, dy, g.outC, dFilter, g.outC, k, rows * pixels, g.outC, GEMM_TRANS_A, 0, ACT_NONE, 0, 0);
    return;
  }
  withGeometry(g, op, (geom) => inChunks(op, g, rows, pixels * k, (first, count, cols) => {
    kernels().im2col(x + 4 * first * g.inH * g.inW * g.inC, geom, count, cols);
    gemm(cols, k, dy + 4 * first * pixels * g.outC, g.outC, dFilter, g.outC, k, count * pixels, g.outC,
      GEMM_TRANS_A | (first > 0 ? GEMM_ACCUMULATE : 0), 0, ACT_NONE, 0, 0);
  }));
}

/** The three products of a convolution: y = x ⊛ f, dx = dy ⊛ᵀ f, df = x ⋆ dy, each writing its whole output. */
type Role = 'forward' | 'input' | 'filter';
type Product = (op: string, a: number, b: number, g: Geometry, rows: number, out: number) => void;

/** A kind of convolution: its products on pointers (each role's two operands in order), named as TensorFlow names them. */
interface ConvKind {
  names: Record<Role, string>;
  products: Record<Role, Product>;
}

const DENSE: ConvKind = {
  names: { forward: 'conv2d', input: 'conv2dBackpropInput', filter: 'conv2dBackpropFilter' },
  products: { forward: convolve, input: convolveBackwardInput, filter: convolveBackwardFilter },
};

const DEPTHWISE: ConvKind = {
  names: { forward: 'depthwiseConv2d', input: 'depthwiseConv2dBackpropInput', filter: 'depthwiseConv2dBackpropFilter' },
  products: {
    forward: (op, x, f, g, rows, y) => withGeometry(g, op, (geom) => kernels().depthwiseConvForward(x, f, geom, rows, y)),
    input: (op, dy, f, g, rows, dx) => withGeometry(g, op, (geom) => kernels().depthwiseConvBackwardInput(dy, f, geom, rows, dx, false)),
    filter: (op, x, dy, g, rows, df) => withGeometry(g, op, (geom) => kernels().depthwiseConvBackwardFilter(x, dy, geom, rows, df, false)),
  },
};

/** One convolution: its kind, geometry, samples, and the shapes of x, the filter and y as the caller sees them. */
interface Conv {
  kind: ConvKind;
  g: Geometry;
  rows: number;
  shapes: Record<'x' | 'filter' | 'y', readonly number[]>;
}

const RESULT: Record<Role, 'x' | 'filter' | 'y'> = { forward: 'y', input: 'x', filter: 'filter' };

/**
 * The product `role` of conv c on tensors a and b (forward: x, filter; input: dy, filter; filter: x, dy), recorded
 * with its gradients, which are the other two products: each is bilinear, so gradients of every order follow.
 */
function convProduct(op: string, role: Role, a: Tensor, b: Tensor, c: Conv): Tensor {
  const out = empty(c.shapes[RESULT[role]], op);
  try {
    if (out.size > 0 && (a.size === 0 || b.size === 0)) f32View(out.ptr, out.size).fill(0);
    else if (out.size > 0) c.kind.products[role](op, a.ptr, b.ptr, c.g, c.rows, out.ptr);
  } catch (error) {
    out.dispose();
    throw error;
  }
  const product = (r: Role, p: Tensor, q: Tensor): Tensor => convProduct(c.kind.names[r], r, p, q, c);
  return record(op, out, [a, b], (dy, needs) => {
    if (role === 'forward') return [needs[0] ? product('input', dy, b) : null, needs[1] ? product('filter', a, dy) : null];
    if (role === 'input') return [needs[0] ? product('forward', dy, b) : null, needs[1] ? product('filter', dy, a) : null];
    return [needs[0] ? product('input', b, dy) : null, needs[1] ? product('forward', a, dy) : null];
  });
}

/** [batch, ...shape] for a batched x (rank `batchedRank`), else `shape`. */
const batched = (x: Tensor, batchedRank: number, batch: number, shape: readonly number[]): number[] =>
  (x.rank === batchedRank ? [batch, ...shape] : [...shape]);

/**
 * 2-D convolution (cross-correlation, as TensorFlow's) of channels-last x [batch, height, width, inChannels] (or one
 * sample [height, width, inChannels]) with filter [filterHeight, filterWidth, inChannels, outChannels]: output
 * [batch, outHeight, outWidth, outChannels]. `strides` and `dilations` are a number for both axes or [height, width];
 * `pad` is 'valid', 'same' or a number of zeros on each side (see {@link Padding}). Runs on the threaded GEMM of
 * matmul over the im2col columns of x (a 1×1 window with stride 1 multiplies x directly): each output is a float32
 * sum of filterHeight·filterWidth·inChannels products, with matmul's error bound. Differentiable with respect to x
 * and filter, to any order: dx is the transposed convolution of dy (dy·filterᵀ into pixels, col2im) and dfilter the
 * product of x's im2col columns with dy (colsᵀ·dy on the GEMM), each itself recorded with the other two as gradients.
 * @throws ShapeError for ranks other than these, a filter whose inChannels differ from x's, or a window larger than
 * the padded input (or an empty height or width); RangeError for strides or dilations that are not positive integers,
 * both above 1, a bad pad, or dataFormat 'NCHW' (only 'NHWC'); TypeError or DisposedError unless x and filter are
 * live Tensors.
 * @example
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
 * conv2d(x, ones([2, 2, 1, 1]), 1, 'valid').toArray();    // [[[[12], [16]], [[24], [28]]]]
 * conv2d(x, ones([3, 3, 1, 4]), 2, 'same').shape;         // [1, 2, 2, 4]
 * conv2d(x, ones([2, 2, 1, 1]), 1, 'valid', 'NHWC', 2).toArray(); // [[[[20]]]]
 * grad((f) => conv2d(x, f, 1, 'valid').sum())(ones([2, 2, 1, 1])).toArray(); // [[[[12]], [[16]]], [[[24]], [[28]]]]
 */
export function conv2d(x: Tensor, filter: Tensor, strides: number | [number, number], pad: Padding,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: number | [number, number] = 1): Tensor {
  const op = 'conv2d';
  checkTensor(x, op, 'x');
  const f = checkFilter(op, filter, 'filter', '[filterHeight, filterWidth, inChannels, outChannels]');
  checkFormat(op, dataFormat, 'NHWC', 'NCHW');
  const [batch, h, w, c] = samples(op, x);
  if (f.shape[2] !== c) throw new ShapeError(`${op}: filter has shape ${showShape(f.shape)} but x has ${c} channels (shape ${showShape(x.shape)})`);
  const s = checkPair(strides, op, 'strides'), d = checkPair(dilations, op, 'dilations');
  checkStridesDilations(op, s, d, [strides, dilations]);
  const g = windowGeometry(op, h, w, c, f.shape[0], f.shape[1], s, d, checkPadding(pad, op), f.shape[3]);
  const shapes = { x: x.shape, filter: f.shape, y: batched(x, 4, batch, [g.outH, g.outW, g.outC]) };
  return convProduct(op, 'forward', x, f, { kind: DENSE, g, rows: batch, shapes });
}

/**
 * 1-D convolution of channels-last x [batch, width, inChannels] (or one sample [width, inChannels]) with filter
 * [filterWidth, inChannels, outChannels]: output [batch, outWidth, outChannels]; conv2d over a height of 1. `pad` is
 * 'valid', 'same' or a number of zeros at each end. Differentiable with respect to x and filter, as {@link conv2d}.
 * @throws ShapeError for ranks other than these, a filter whose inChannels differ from x's, or a window wider than
 * the padded input; RangeError for a stride or dilation that is not a positive integer, both above 1, a bad pad, or
 * dataFormat 'NCW' (only 'NWC'); TypeError or DisposedError unless x and filter are live Tensors.
 * @example
 * conv1d(tensor([1, 2, 4, 8], [4, 1]), tensor([1, -1], [2, 1, 1]), 1, 'valid').toArray(); // [[-1], [-2], [-4]]
 * conv1d(ones([2, 9, 3]), ones([3, 3, 5]), 2, 'same').shape;                              // [2, 5, 5]
 */
export function conv1d(x: Tensor, filter: Tensor, stride: number, pad: Padding, dataFormat: 'NWC' | 'NCW' = 'NWC', dilation = 1): Tensor {
  const op = 'conv1d';
  checkTensor(x, op, 'x');
  const f = checkTensor(filter, op, 'filter');
  if (f.rank !== 3) throw new ShapeError(`${op}: filter must have rank 3 ([filterWidth, inChannels, outChannels]), got shape ${showShape(f.shape)}`);
  checkFormat(op, dataFormat, 'NWC', 'NCW');
  if (x.rank !== 2 && x.rank !== 3) {
    throw new ShapeError(`${op}: x must have rank 2 ([width, channels]) or 3 ([batch, width, channels]), got shape ${showShape(x.shape)}`);
  }
  const [batch, w, c] = x.rank === 3 ? x.shape : [1, x.shape[0], x.shape[1]];
  if (f.shape[0] === 0) throw new ShapeError(`${op}: filter has shape ${showShape(f.shape)}; its window must not be empty`);
  if (f.shape[1] !== c) throw new ShapeError(`${op}: filter has shape ${showShape(f.shape)} but x has ${c} channels (shape ${showShape(x.shape)})`);
  const [s] = checkPair(stride, op, 'stride'), [d] = checkPair(dilation, op, 'dilation');
  checkStridesDilations(op, [s], [d], [stride, dilation], ['stride', 'dilation']);
  const along = windowAxis(op, 'width', w, f.shape[0], s, d, checkPadding(pad, op));
  const g: Geometry = { inH: 1, inW: w, inC: c, outH: 1, outW: along.out, outC: f.shape[2], kH: 1, kW: f.shape[0], sH: 1, sW: s,
    dH: 1, dW: d, padTop: 0, padLeft: along.before, mult: 1 };
  const shapes = { x: x.shape, filter: f.shape, y: batched(x, 3, batch, [g.outW, g.outC]) };
  return convProduct(op, 'forward', x, f, { kind: DENSE, g, rows: batch, shapes });
}

/**
 * Transposed 2-D convolution (the gradient of conv2d with respect to its input), as TensorFlow.js's: x [batch,
 * height, width, inDepth] (or one sample), filter [filterHeight, filterWidth, outDepth, inDepth], and the output's
 * shape `outputShape` [batch, outHeight, outWidth, outDepth] (or [outHeight, outWidth, outDepth]), which a conv2d with
 * these strides and pad must take to x's height and width. Runs as x·filterᵀ on the threaded GEMM, scattered back
 * into the output's pixels (col2im). Differentiable with respect to x and filter, as {@link conv2d}: dx is conv2d of
 * dy with the filter, dfilter the product of dy's im2col columns with x.
 * @throws ShapeError for ranks other than these, an outputShape that does not match x's batch, the filter's outDepth
 * or, through conv2d, x's height and width, or a filter whose inDepth differs from x's channels; RangeError for bad
 * strides or pad; TypeError or DisposedError unless x and filter are live Tensors.
 * @example
 * const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
 * conv2dTranspose(x, ones([2, 2, 1, 1]), [1, 3, 3, 1], 1, 'valid').toArray();
 * // [[[[1], [3], [2]], [[4], [10], [6]], [[3], [7], [4]]]]
 * conv2dTranspose(ones([2, 4, 4, 8]), ones([3, 3, 5, 8]), [2, 8, 8, 5], 2, 'same').shape; // [2, 8, 8, 5]
 */
export function conv2dTranspose(x: Tensor, filter: Tensor, outputShape: readonly number[], strides: number | [number, number],
  pad: Padding): Tensor {
  const op = 'conv2dTranspose';
  checkTensor(x, op, 'x');
  const f = checkFilter(op, filter, 'filter', '[filterHeight, filterWidth, outDepth, inDepth]');
  const [batch, h, w, c] = samples(op, x);
  if (f.shape[3] !== c) throw new ShapeError(`${op}: filter has shape ${showShape(f.shape)} but x has ${c} channels (shape ${showShape(x.shape)}); the filter's last axis is x's depth`);
  const shape = checkShape(outputShape, op, 'outputShape');
  if (shape.length !== x.rank) throw new ShapeError(`${op}: outputShape ${showShape(shape)} must have x's rank ${x.rank} (x ${showShape(x.shape)})`);
  const [ob, oh, ow, oc] = x.rank === 4 ? shape : [batch, ...shape];
  if (ob !== batch || oc !== f.shape[2]) {
    throw new ShapeError(`${op}: outputShape ${showShape(shape)} must have x's batch ${batch} and the filter's outDepth ${f.shape[2]} (filter ${showShape(f.shape)})`);
  }
  const s = checkPair(strides, op, 'strides');
  const g = windowGeometry(op, oh, ow, oc, f.shape[0], f.shape[1], s, [1, 1], checkPadding(pad, op), c);
  if (g.outH !== h || g.outW !== w) {
    throw new ShapeError(`${op}: x is ${showShape(x.shape)}, but conv2d of outputShape ${showShape(shape)} with strides ${showValue(strides)} and pad ${showValue(pad)} gives height ${g.outH} and width ${g.outW}`);
  }
  const shapes = { x: batched(x, 4, batch, [oh, ow, oc]), filter: f.shape, y: x.shape };
  return convProduct(op, 'input', x, f, { kind: DENSE, g, rows: batch, shapes });
}

/** Checks a depthwise filter [filterHeight, filterWidth, inChannels, multiplier] against x's channels. */
function checkDepthwise(op: string, filter: unknown, c: number, xShape: readonly number[]): Tensor {
  const f = checkFilter(op, filter, op === 'depthwiseConv2d' ? 'filter' : 'depthwiseFilter', '[filterHeight, filterWidth, inChannels, channelMultiplier]');
  if (f.shape[2] !== c) throw new ShapeError(`${op}: ${op === 'depthwiseConv2d' ? 'filter' : 'depthwiseFilter'} has shape ${showShape(f.shape)} but x has ${c} channels (shape ${showShape(xShape)})`);
  return f;
}

/**
 * Depthwise 2-D convolution, as TensorFlow.js's: each channel of x [batch, height, width, inChannels] (or one sample)
 * is convolved with its own filters, filter [filterHeight, filterWidth, inChannels, channelMultiplier], giving output
 * channel c·channelMultiplier + m from input channel c and filter m. Strides, pad and dilations as in
 * {@link conv2d}; each output is a float32 sum of filterHeight·filterWidth products in window order. Differentiable
 * with respect to x and filter, to any order (the depthwise backward kernels, each recorded as conv2d's are).
 * @throws ShapeError for ranks other than these, a filter whose inChannels differ from x's, or a window larger than
 * the padded input; RangeError for bad strides or dilations (or both above 1), a bad pad, or dataFormat 'NCHW';
 * TypeError or DisposedError unless x and filter are live Tensors.
 * @example
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
 * depthwiseConv2d(x, ones([2, 2, 2, 1]), 1, 'valid').toArray(); // [[[[16, 20]]]]
 * depthwiseConv2d(x, ones([3, 3, 2, 3]), 1, 'same').shape;      // [1, 2, 2, 6]
 */
export function depthwiseConv2d(x: Tensor, filter: Tensor, strides: number | [number, number], pad: Padding,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: number | [number, number] = 1): Tensor {
  const op = 'depthwiseConv2d';
  checkTensor(x, op, 'x');
  return depthwise(op, x, filter, depthwiseGeometry(op, x, filter, strides, pad, dataFormat, dilations));
}

/** The depthwise convolution of checked x and filter under geometry g (errors name `op`). */
function depthwise(op: string, x: Tensor, filter: Tensor, g: Geometry): Tensor {
  const [batch] = samples(op, x);
  const shapes = { x: x.shape, filter: filter.shape, y: batched(x, 4, batch, [g.outH, g.outW, g.outC]) };
  return convProduct(op, 'forward', x, filter, { kind: DEPTHWISE, g, rows: batch, shapes });
}

/** The checked geometry of a depthwise convolution of x with filter. */
function depthwiseGeometry(op: string, x: Tensor, filter: unknown, strides: unknown, pad: unknown, dataFormat: unknown, dilations: unknown): Geometry {
  const [, h, w, c] = samples(op, x);
  const f = checkDepthwise(op, filter, c, x.shape);
  checkFormat(op, dataFormat, 'NHWC', 'NCHW');
  const names = ['strides', op === 'depthwiseConv2d' ? 'dilations' : 'dilation'];
  const s = checkPair(strides, op, names[0]), d = checkPair(dilations, op, names[1]);
  checkStridesDilations(op, s, d, [strides, dilations], names);
  const mult = f.shape[3];
  return windowGeometry(op, h, w, c, f.shape[0], f.shape[1], s, d, checkPadding(pad, op), c * mult, mult);
}

/**
 * Depthwise-separable 2-D convolution, as TensorFlow.js's: depthwiseConv2d of x with depthwiseFilter [filterHeight,
 * filterWidth, inChannels, channelMultiplier], then a 1×1 conv2d with pointwiseFilter [1, 1, inChannels·
 * channelMultiplier, outChannels]. Strides, pad and dilation apply to the depthwise step. Differentiable with respect
 * to x and both filters, through its two recorded steps (under a gradient tape the depthwise output is kept for the
 * pointwise filter's gradient until the gradient call ends).
 * @throws ShapeError for ranks other than these, filters that do not fit x or each other, or a window larger than
 * the padded input; RangeError for bad strides or dilation, a bad pad, or dataFormat 'NCHW'; TypeError or
 * DisposedError unless x and the filters are live Tensors.
 * @example
 * const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
 * separableConv2d(x, ones([2, 2, 2, 1]), tensor([1, 0.5], [1, 1, 2, 1]), 1, 'valid').toArray(); // [[[[26]]]]
 */
export function separableConv2d(x: Tensor, depthwiseFilter: Tensor, pointwiseFilter: Tensor, strides: number | [number, number],
  pad: Padding, dilation: number | [number, number] = 1, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor {
  const op = 'separableConv2d';
  checkTensor(x, op, 'x');
  const g = depthwiseGeometry(op, x, depthwiseFilter, strides, pad, dataFormat, dilation);
  const p = checkFilter(op, pointwiseFilter, 'pointwiseFilter', '[1, 1, inChannels·channelMultiplier, outChannels]');
  if (p.shape[0] !== 1 || p.shape[1] !== 1 || p.shape[2] !== g.outC) {
    throw new ShapeError(`${op}: pointwiseFilter has shape ${showShape(p.shape)}, expected [1, 1, ${g.outC}, outChannels] after depthwiseFilter ${showShape(depthwiseFilter.shape)}`);
  }
  const [batch] = samples(op, x), filters = p.shape[3];
  if (batch * g.outH * g.outW * filters > MAX_SIZE) {
    throw new RangeError(`${op}: result shape ${showShape([batch, g.outH, g.outW, filters])} has ${batch * g.outH * g.outW * filters} elements; the limit is ${MAX_SIZE}`);
  }
  const mid = depthwise(op, x, depthwiseFilter, g);
  try {
    // The 1×1 convolution with stride 1: the product of the depthwise outputs with the pointwise filter.
    const pg: Geometry = { ...g, inH: g.outH, inW: g.outW, inC: g.outC, outC: filters, kH: 1, kW: 1, sH: 1, sW: 1, dH: 1, dW: 1, padTop: 0, padLeft: 0, mult: 1 };
    const shapes = { x: mid.shape, filter: p.shape, y: batched(x, 4, batch, [g.outH, g.outW, filters]) };
    return convProduct(op, 'forward', mid, p, { kind: DENSE, g: pg, rows: batch, shapes });
  } finally {
    // Under a tape the pointwise product's filter gradient needs mid: the gradient call's scope frees it.
    if (!recording()) mid.dispose();
  }
}
