// The convolution layers over channels-last samples, shaped by each node's geometry record (GEOM_ in layout.ts):
// conv1d and conv2d (KIND_CONV: im2col into the scratch all nodes share, then the plan's product with bias and
// activation fused), depthwiseConv2d, separableConv2d (depthwise, then a 1×1 product) and conv2dTranspose (the input
// gradient of a convolution: x·Wᵀ into columns, col2imAdd). The weighted sums' bias, activation and fused loss are
// those of dense (weighted.ts).
import { col2imAdd, depthwiseConvBackwardFilter, depthwiseConvBackwardInput, depthwiseConvForward, im2col } from '../conv';
import { ACT_NONE, GEMM_ACCUMULATE, GEMM_TRANS_A, GEMM_TRANS_B, GEOM_CHUNK, GEOM_IN_C, GEOM_IN_H, GEOM_IN_W, GEOM_KH, GEOM_KW, GEOM_OUT_C, GEOM_OUT_H,
  GEOM_OUT_W, GEOM_PAD_LEFT, GEOM_PAD_TOP, GEOM_SH, GEOM_SW, NODE_ADD_GRADS, NODE_BIAS, NODE_BUF0, NODE_BUF1, NODE_DELTA, NODE_GEOM, NODE_KERNEL,
  NODE_OUT, NODE_WIDTH, EDGE_ADD, PARAM_GRAD } from '../layout';
import { argument, edgeAt, paramOf, product, ptr, weights, word } from '../plan';
import { finishSums, kernelGradient, productForward, sumsBackward, sumsTarget } from './weighted';

// @ts-ignore: decorator
@inline function geo(N: usize, field: i32): i32 { return word(ptr(N, NODE_GEOM), field); }
// Output pixels per sample and values per window (KH·KW·IN_C) of node N's geometry.
// @ts-ignore: decorator
@inline function pixels(N: usize): i32 { return geo(N, GEOM_OUT_H) * geo(N, GEOM_OUT_W); }
// @ts-ignore: decorator
@inline function windowSize(N: usize): i32 { return geo(N, GEOM_KH) * geo(N, GEOM_KW) * geo(N, GEOM_IN_C); }
// Whether the window is one pixel moving by one without padding: the im2col columns are the image itself.
// @ts-ignore: decorator
@inline function pointwise(N: usize): bool {
  return geo(N, GEOM_KH) == 1 && geo(N, GEOM_KW) == 1 && geo(N, GEOM_SH) == 1 && geo(N, GEOM_SW) == 1 && geo(N, GEOM_PAD_TOP) == 0 &&
    geo(N, GEOM_PAD_LEFT) == 0;
}
// The im2col columns [samples·OUT_H·OUT_W, KH·KW·IN_C] of `image` under node N's geometry: in the scratch (NODE_BUF0),
// or the image itself for a pointwise window.
// @ts-ignore: decorator
@inline function columns(N: usize, image: usize, samples: i32): usize {
  if (pointwise(N)) return image;
  const cols = ptr(N, NODE_BUF0);
  im2col(image, ptr(N, NODE_GEOM), samples, cols);
  return cols;
}
// The flags that add a product into its argument's gradient when edge 0 says so.
// @ts-ignore: decorator
@inline function addTo(N: usize): i32 { return word(edgeAt(N, 0), EDGE_ADD) != 0 ? GEMM_ACCUMULATE : 0; }

// Node N's outputs for `samples` rows: im2col of its argument times the kernel [KH·KW·IN_C, OUT_C], bias and
// activation fused (productForward), GEOM_CHUNK samples at a time: their columns, made into the scratch, are still in
// the cache when the product reads them (the whole batch's would not be).
export function convForward(plan: usize, N: usize, samples: i32, logits: bool, training: bool): void {
  const x = ptr(argument(N, 0), NODE_OUT), px = pixels(N), k = windowSize(N), units = geo(N, GEOM_OUT_C), kernel = ptr(N, NODE_KERNEL), bias = ptr(N, NODE_BIAS);
  if (pointwise(N)) {
    productForward(plan, N, kernel, bias, x, samples * px, k, units, logits, training);
    return;
  }
  const chunk = geo(N, GEOM_CHUNK), image = <usize>(geo(N, GEOM_IN_H) * geo(N, GEOM_IN_W) * geo(N, GEOM_IN_C)) << 2;
  const kept = training ? ptr(N, NODE_BUF1) : 0; // a training step keeps the batch's columns for the backward
  for (let s = 0; s < samples; s += chunk) {
    const count = min(chunk, samples - s);
    let cols: usize;
    if (kept != 0) im2col(x + <usize>s * image, ptr(N, NODE_GEOM), count, (cols = kept + (<usize>(s * px * k) << 2)));
    else cols = columns(N, x + <usize>s * image, count);
    productForward(plan, N, kernel, bias, cols, count * px, k, units, logits, training, s * px);
  }
}

// Backward of convForward. Saved by the forward: its argument's outputs X and, when the plan keeps them (NODE_BUF1), the
// batch's columns (else they are made again into the scratch, chunk by chunk), its activations (or weighted sums, NODE_Z). dZ and db (sumsBackward); per chunk,
// dW += colsᵀ·dZ and, if the argument takes a gradient, dCols = dZ·Wᵀ into the scratch, scattered into it by
// col2imAdd (EDGE_ADD: added).
export function convBackward(plan: usize, N: usize, samples: i32): void {
  const P = argument(N, 0), x = ptr(P, NODE_OUT), dX = ptr(P, NODE_DELTA), px = pixels(N), rows = samples * px, k = windowSize(N);
  const units = geo(N, GEOM_OUT_C), kernel = ptr(N, NODE_KERNEL);
  const delta = sumsBackward(plan, N, ptr(N, NODE_BIAS), rows, units);
  if (pointwise(N)) {
    kernelGradient(plan, N, kernel, x, delta, rows, k, units); // dW = Xᵀ·dZ
    if (dX != 0) product(plan, delta, units, weights(kernel), units, dX, k, rows, units, k, GEMM_TRANS_B | addTo(N), 0, ACT_NONE);
    return;
  }
  const chunk = geo(N, GEOM_CHUNK), image = geo(N, GEOM_IN_H) * geo(N, GEOM_IN_W) * geo(N, GEOM_IN_C), add = word(edgeAt(N, 0), EDGE_ADD) != 0;
  const kept = ptr(N, NODE_BUF1);
  for (let s = 0; s < samples; s += chunk) {
    const count = min(chunk, samples - s), dZ = delta + (<usize>(s * px * units) << 2);
    const cols = kept != 0 ? kept + (<usize>(s * px * k) << 2) : columns(N, x + (<usize>(s * image) << 2), count);
    kernelGradient(plan, N, kernel, cols, dZ, count * px, k, units, s > 0); // dW += colsᵀ·dZ
    if (dX == 0) continue;
    const dCols = ptr(N, NODE_BUF0); // the scratch (over the columns when they were made again)
    product(plan, dZ, units, weights(kernel), units, dCols, k, count * px, units, k, GEMM_TRANS_B, 0, ACT_NONE); // dCols = dZ·Wᵀ
    col2imAdd(dCols, ptr(N, NODE_GEOM), count, dX + (<usize>(s * image) << 2), add);
  }
}

// Node N's outputs for `samples` rows: the depthwise convolution of its argument with its kernel [KH, KW, IN_C,
// MULT], then bias and activation (finishSums).
export function depthwiseForward(plan: usize, N: usize, samples: i32, logits: bool, training: bool): void {
  const sums = sumsTarget(N, logits, training);
  depthwiseConvForward(ptr(argument(N, 0), NODE_OUT), weights(ptr(N, NODE_KERNEL)), ptr(N, NODE_GEOM), samples, sums);
  finishSums(plan, N, ptr(N, NODE_BIAS), sums, samples * pixels(N), geo(N, GEOM_OUT_C), logits);
}

// Backward of depthwiseForward. Saved by the forward: its argument's outputs X and its activations (or weighted
// sums). dZ and db (sumsBackward), the kernel's gradient and, if the argument takes one, its gradient (EDGE_ADD: added).
export function depthwiseBackward(plan: usize, N: usize, samples: i32): void {
  const P = argument(N, 0), geom = ptr(N, NODE_GEOM), kernel = ptr(N, NODE_KERNEL);
  const delta = sumsBackward(plan, N, ptr(N, NODE_BIAS), samples * pixels(N), geo(N, GEOM_OUT_C));
  depthwiseConvBackwardFilter(ptr(P, NODE_OUT), delta, geom, samples, ptr(kernel, PARAM_GRAD), word(N, NODE_ADD_GRADS) != 0);
  const dX = ptr(P, NODE_DELTA);
  if (dX != 0) depthwiseConvBackwardInput(delta, weights(kernel), geom, samples, dX, word(edgeAt(N, 0), EDGE_ADD) != 0);
}

// Node N's outputs for `samples` rows: the depthwise convolution with weight 0 (the geometry's OUT_C = IN_C·MULT
// channels) into NODE_BUF1, then times the pointwise kernel [IN_C·MULT, filters] (NODE_KERNEL), bias and activation
// fused.
export function separableForward(plan: usize, N: usize, samples: i32, logits: bool, training: bool): void {
  const mid = ptr(N, NODE_BUF1), rows = samples * pixels(N), cm = geo(N, GEOM_OUT_C), filters = word(N, NODE_WIDTH) / pixels(N);
  depthwiseConvForward(ptr(argument(N, 0), NODE_OUT), weights(paramOf(N, 0)), ptr(N, NODE_GEOM), samples, mid);
  productForward(plan, N, ptr(N, NODE_KERNEL), ptr(N, NODE_BIAS), mid, rows, cm, filters, logits, training);
}

// Backward of separableForward. Saved by the forward: its argument's outputs X, the depthwise outputs (NODE_BUF1) and
// its activations (or weighted sums). dZ and db (sumsBackward), the pointwise kernel's gradient (midᵀ·dZ), dMid =
// dZ·Wᵀ into the scratch, then the depthwise kernel's gradient and, if the argument takes one, its gradient.
export function separableBackward(plan: usize, N: usize, samples: i32): void {
  const P = argument(N, 0), geom = ptr(N, NODE_GEOM), rows = samples * pixels(N), cm = geo(N, GEOM_OUT_C), filters = word(N, NODE_WIDTH) / pixels(N);
  const pointwiseKernel = ptr(N, NODE_KERNEL), depthwiseKernel = paramOf(N, 0), dMid = ptr(N, NODE_BUF0);
  const delta = sumsBackward(plan, N, ptr(N, NODE_BIAS), rows, filters);
  kernelGradient(plan, N, pointwiseKernel, ptr(N, NODE_BUF1), delta, rows, cm, filters);
  product(plan, delta, filters, weights(pointwiseKernel), filters, dMid, cm, rows, filters, cm, GEMM_TRANS_B, 0, ACT_NONE);
  depthwiseConvBackwardFilter(ptr(P, NODE_OUT), dMid, geom, samples, ptr(depthwiseKernel, PARAM_GRAD), word(N, NODE_ADD_GRADS) != 0);
  const dX = ptr(P, NODE_DELTA);
  if (dX != 0) depthwiseConvBackwardInput(dMid, weights(depthwiseKernel), geom, samples, dX, word(edgeAt(N, 0), EDGE_ADD) != 0);
}

// A transposed convolution's geometry is that of the convolution whose input gradient it computes: its outputs
// [OUT…] are that convolution's input (GEOM_IN_H, GEOM_IN_W, GEOM_IN_C: the filters), its argument [rows, in…] that
// convolution's output (GEOM_OUT_H, GEOM_OUT_W, GEOM_OUT_C: the argument's channels).

// Node N's outputs for `samples` rows: x [samples·OUT_H·OUT_W, OUT_C]·Wᵀ (kernel [KH·KW·IN_C, OUT_C]) into columns in the
// scratch, scattered into the outputs by col2imAdd (the product itself for a pointwise window), then bias and
// activation (finishSums).
export function convTransposeForward(plan: usize, N: usize, samples: i32, logits: bool, training: bool): void {
  const x = ptr(argument(N, 0), NODE_OUT), rows = samples * pixels(N), k = windowSize(N), c = geo(N, GEOM_OUT_C), filters = geo(N, GEOM_IN_C);
  const sums = sumsTarget(N, logits, training), kernel = weights(ptr(N, NODE_KERNEL));
  if (pointwise(N)) {
    product(plan, x, c, kernel, c, sums, k, rows, c, k, GEMM_TRANS_B, 0, ACT_NONE, !training);
  } else {
    const cols = ptr(N, NODE_BUF0);
    product(plan, x, c, kernel, c, cols, k, rows, c, k, GEMM_TRANS_B, 0, ACT_NONE, !training);
    col2imAdd(cols, ptr(N, NODE_GEOM), samples, sums, false);
  }
  finishSums(plan, N, ptr(N, NODE_BIAS), sums, samples * geo(N, GEOM_IN_H) * geo(N, GEOM_IN_W), filters, logits);
}

// Backward of convTransposeForward. Saved by the forward: its argument's outputs X and its activations (or weighted
// sums). dZ and db (sumsBackward); the columns C of dZ (im2col into the scratch); dW = Cᵀ·X and, if the argument takes
// a gradient, dX = C·W (EDGE_ADD: added).
export function convTransposeBackward(plan: usize, N: usize, samples: i32): void {
  const P = argument(N, 0), x = ptr(P, NODE_OUT), rows = samples * pixels(N), k = windowSize(N), c = geo(N, GEOM_OUT_C);
  const kernel = ptr(N, NODE_KERNEL), filters = geo(N, GEOM_IN_C);
  const delta = sumsBackward(plan, N, ptr(N, NODE_BIAS), samples * geo(N, GEOM_IN_H) * geo(N, GEOM_IN_W), filters);
  const cols = columns(N, delta, samples);
  product(plan, cols, k, x, c, ptr(kernel, PARAM_GRAD), c, k, rows, c,
    GEMM_TRANS_A | (word(N, NODE_ADD_GRADS) != 0 ? GEMM_ACCUMULATE : 0), 0, ACT_NONE); // dW = Cᵀ·X
  const dX = ptr(P, NODE_DELTA);
  if (dX != 0) product(plan, cols, k, weights(kernel), c, dX, c, rows, k, c, addTo(N), 0, ACT_NONE); // dX = C·W
}
