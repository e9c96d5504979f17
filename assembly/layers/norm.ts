// Batch and layer normalization as layers: each node's rows of samples seen as [n, C] (n = rows × positions per
// sample, C channels, from its geometry record), over the kernels of ../norm.ts. Weights in Keras order: gamma, beta
// (those GEOM_NORM_FLAGS says the layer has), then batch normalization's moving mean and variance.
import { batchNorm, batchNormBackward, batchNormInferenceBackward, batchNormTrain, layerNorm, layerNormBackward } from '../norm';
import {
  GEOM_DECAY, GEOM_IN_C, GEOM_NORM_FLAGS, NORM_CENTER, NORM_SCALE, NODE_ADD_GRADS, NODE_BUF0, NODE_BUF1, NODE_BUF2, NODE_DELTA, NODE_GEOM,
  NODE_OUT, NODE_RATE, NODE_WIDTH, EDGE_ADD, PARAM_GRAD,
} from '../layout';
import { argument, edgeAt, paramOf, ptr, putOrAdd, real, weights, word } from '../plan';

// Node N's channels C.
// @ts-ignore: decorator
@inline function channelsOf(N: usize): i32 { return word(ptr(N, NODE_GEOM), GEOM_IN_C); }
// Node N's GEOM_NORM_FLAGS.
// @ts-ignore: decorator
@inline function flagsOf(N: usize): i32 { return word(ptr(N, NODE_GEOM), GEOM_NORM_FLAGS); }
// The parameter record of node N's γ (0: none).
// @ts-ignore: decorator
@inline function gammaOf(N: usize): usize { return (flagsOf(N) & NORM_SCALE) != 0 ? paramOf(N, 0) : 0; }
// The parameter record of node N's β (0: none).
// @ts-ignore: decorator
@inline function betaOf(N: usize): usize {
  const flags = flagsOf(N);
  return (flags & NORM_CENTER) != 0 ? paramOf(N, (flags & NORM_SCALE) != 0 ? 1 : 0) : 0;
}
// Weight index of the moving mean: after γ and β.
// @ts-ignore: decorator
@inline function movingOf(N: usize): i32 { return popcnt<i32>(flagsOf(N) & (NORM_SCALE | NORM_CENTER)); }
// The gradient buffer of parameter record P (0: none).
// @ts-ignore: decorator
@inline function gradOf(P: usize): usize { return P == 0 ? 0 : ptr(P, PARAM_GRAD); }

// Node N's outputs for `rows` rows: in `training`, normalized by the batch's statistics (saving its mean and
// 1/√(σ² + ε) in NODE_BUF0 and NODE_BUF1 for the backward) and the moving statistics updated (unless `frozen`: a
// forward run again for its backward); otherwise by the moving statistics (1/√(σ² + ε) in NODE_BUF1, scratch outside
// plans with a backward).
export function batchNormForward(N: usize, rows: i32, training: bool, frozen: bool = false): void {
  const C = channelsOf(N), n = rows * (word(N, NODE_WIDTH) / C), k = movingOf(N);
  const x = ptr(argument(N, 0), NODE_OUT), y = ptr(N, NODE_OUT), gamma = weights(gammaOf(N)), beta = weights(betaOf(N));
  const movingMean = weights(paramOf(N, k)), movingVariance = weights(paramOf(N, k + 1)), epsilon = <f64>real(N, NODE_RATE);
  if (training) {
    const decay = <f64>real(ptr(N, NODE_GEOM), GEOM_DECAY);
    batchNormTrain(x, y, gamma, beta, ptr(N, NODE_BUF0), ptr(N, NODE_BUF1), frozen ? 0 : movingMean, movingVariance, n, C, epsilon, decay,
      ptr(N, NODE_BUF2));
  } else {
    batchNorm(x, y, movingMean, movingVariance, beta, gamma, ptr(N, NODE_BUF1), n, C, epsilon);
  }
}

// dX of a normalization's backward: written into the argument's gradient, or (EDGE_ADD) computed in place over the
// node's own gradient and added there after; 0 if the argument takes none.
// @ts-ignore: decorator
@inline function dxTarget(N: usize): usize {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  return dX == 0 ? 0 : word(edgeAt(N, 0), EDGE_ADD) != 0 ? ptr(N, NODE_DELTA) : dX;
}
// @ts-ignore: decorator
@inline function addDx(N: usize, count: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX != 0 && word(edgeAt(N, 0), EDGE_ADD) != 0) putOrAdd(dX, ptr(N, NODE_DELTA), count, true);
}

// Backward of batchNormForward. Saved by the forward: its argument's outputs X, the batch mean and 1/√(σ² + ε)
// (NODE_BUF0, NODE_BUF1), or with `inference` (a forward on the moving statistics) 1/√(σ² + ε) of those (NODE_BUF1).
// Writes dγ and dβ (added with NODE_ADD_GRADS) and dX (added with EDGE_ADD).
export function batchNormBackwardLayer(N: usize, rows: i32, inference: bool = false): void {
  const C = channelsOf(N), n = rows * (word(N, NODE_WIDTH) / C), gamma = gammaOf(N), x = ptr(argument(N, 0), NODE_OUT), dy = ptr(N, NODE_DELTA);
  const add = word(N, NODE_ADD_GRADS) != 0;
  if (inference) {
    batchNormInferenceBackward(x, dy, dxTarget(N), weights(gamma), weights(paramOf(N, movingOf(N))), ptr(N, NODE_BUF1), gradOf(gamma),
      gradOf(betaOf(N)), n, C, add, ptr(N, NODE_BUF2));
  } else {
    batchNormBackward(x, dy, dxTarget(N), weights(gamma), ptr(N, NODE_BUF0), ptr(N, NODE_BUF1), gradOf(gamma), gradOf(betaOf(N)), n, C, add,
      ptr(N, NODE_BUF2));
  }
  addDx(N, n * C);
}

// Node N's outputs for `rows` rows, each position normalized over its channels; in `training` the mean and
// 1/√(σ² + ε) of each position kept (NODE_BUF0, NODE_BUF1) for the backward.
export function layerNormForward(N: usize, rows: i32, training: bool): void {
  const C = channelsOf(N), n = rows * (word(N, NODE_WIDTH) / C);
  layerNorm(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_OUT), weights(gammaOf(N)), weights(betaOf(N)), training ? ptr(N, NODE_BUF0) : 0,
    training ? ptr(N, NODE_BUF1) : 0, n, C, <f64>real(N, NODE_RATE));
}

// Backward of layerNormForward in training. Saved by the forward: its argument's outputs X, each position's mean and
// 1/√(σ² + ε) (NODE_BUF0, NODE_BUF1). Writes dγ and dβ (added with NODE_ADD_GRADS) and dX (added with EDGE_ADD).
export function layerNormBackwardLayer(N: usize, rows: i32): void {
  const C = channelsOf(N), n = rows * (word(N, NODE_WIDTH) / C), gamma = gammaOf(N);
  layerNormBackward(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_DELTA), dxTarget(N), weights(gamma), ptr(N, NODE_BUF0), ptr(N, NODE_BUF1),
    gradOf(gamma), gradOf(betaOf(N)), n, C, word(N, NODE_ADD_GRADS) != 0, ptr(N, NODE_BUF2));
  addDx(N, n * C);
}
