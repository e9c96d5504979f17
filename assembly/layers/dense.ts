// Dense: outputs = activation(inputs · kernel + bias), the product with bias and activation fused (gemm's epilogue).
import { activation, activationBackward, activationBackwardFromInput, softmax } from '../activation';
import { reduce } from '../reduce';
import { ACT_NONE, ACT_SOFTMAX, GEMM_ACCUMULATE, GEMM_TRANS_A, GEMM_TRANS_B, REDUCE_SUM, PLAN_ALPHA,
  NODE_ACT, NODE_ADD_GRADS, NODE_BIAS, NODE_DELTA, NODE_DELTA_IS_DZ, NODE_KERNEL, NODE_LOGITS, NODE_OUT, NODE_SCRATCH, NODE_WIDTH, NODE_Z,
  EDGE_ADD, PARAM_GRAD, NODE_GEOM, GEOM_IN_C, GEOM_IN_H, GEOM_OUT_C } from '../layout';
import { argument, edgeAt, packedKernel, product, ptr, putOrAdd, real, weights, word } from '../plan';

// The product's shape for `rows` samples: [rows·lead, inDim]·[inDim, units], where each sample of a dense node on
// [..., features] (a geometry record) is `lead` rows.
// @ts-ignore: decorator
@inline function leadOf(N: usize): i32 { const g = ptr(N, NODE_GEOM); return g == 0 ? 1 : word(g, GEOM_IN_H); }
// @ts-ignore: decorator
@inline function inDimOf(N: usize, P: usize): i32 { const g = ptr(N, NODE_GEOM); return g == 0 ? word(P, NODE_WIDTH) : word(g, GEOM_IN_C); }
// @ts-ignore: decorator
@inline function unitsOf(N: usize): i32 { const g = ptr(N, NODE_GEOM); return g == 0 ? word(N, NODE_WIDTH) : word(g, GEOM_OUT_C); }

// Node N's outputs for `rows` rows of its argument. With `logits` and NODE_LOGITS (a fused loss follows), the weighted
// sums Z, else the activations A (softmax over each row). Outside `training` the product runs on the host (see product),
// with the kernel the plan keeps packed (packedKernel).
// @ts-ignore: decorator
@inline export function denseForward(plan: usize, N: usize, samples: i32, logits: bool, training: bool): void {
  const P = argument(N, 0), inDim = inDimOf(N, P), units = unitsOf(N), rows = samples * leadOf(N), act = word(N, NODE_ACT), out = ptr(N, NODE_OUT);
  const sums = logits && word(N, NODE_LOGITS) != 0;
  const code = sums || act == ACT_SOFTMAX ? ACT_NONE : act;
  const kernel = weights(ptr(N, NODE_KERNEL)), packed: usize = training ? 0 : packedKernel(N, kernel, inDim, units);
  const z = training ? ptr(N, NODE_Z) : 0; // kept for a backward that needs the weighted sums (gelu, swish)
  if (z != 0 && !sums) {
    product(plan, ptr(P, NODE_OUT), inDim, kernel, units, z, units, rows, inDim, units, 0, weights(ptr(N, NODE_BIAS)), ACT_NONE);
    activation(code, z, out, rows * units, real(plan, PLAN_ALPHA));
    return;
  }
  product(plan, ptr(P, NODE_OUT), inDim, kernel, units, out, units, rows, inDim, units, 0, weights(ptr(N, NODE_BIAS)), code, !training, packed);
  if (act == ACT_SOFTMAX && !sums && rows > 0) softmax(out, out, rows, units, 1);
}

// Backward of denseForward. Saved by the forward: its argument's outputs X, its own activations A and, for gelu and
// swish, the weighted sums Z (NODE_Z). NODE_DELTA holds
// dLoss/dA (made dZ here through the activation, unless NODE_DELTA_IS_DZ); writes db = Σ rows of dZ, dW = Xᵀ·dZ (added
// to the parameter's gradient with NODE_ADD_GRADS: a shared layer's later call) and, if the argument takes a
// gradient, dX = dZ·Wᵀ (added with its edge's EDGE_ADD).
// @ts-ignore: decorator
@inline export function denseBackward(plan: usize, N: usize, samples: i32): void {
  const P = argument(N, 0), inDim = inDimOf(N, P), units = unitsOf(N), rows = samples * leadOf(N), act = word(N, NODE_ACT), delta = ptr(N, NODE_DELTA);
  if (word(N, NODE_DELTA_IS_DZ) == 0 && act != ACT_NONE) {
    const z = ptr(N, NODE_Z);
    if (z != 0) activationBackwardFromInput(act, z, delta, delta, rows * units);
    else activationBackward(act, ptr(N, NODE_OUT), delta, delta, rows * units, real(plan, PLAN_ALPHA));
  }
  const add = word(N, NODE_ADD_GRADS) != 0, kernel = ptr(N, NODE_KERNEL), bias = ptr(N, NODE_BIAS);
  if (bias != 0) {
    if (add) {
      reduce(REDUCE_SUM, delta, ptr(N, NODE_SCRATCH), 1, rows, units);
      putOrAdd(ptr(bias, PARAM_GRAD), ptr(N, NODE_SCRATCH), units, true);
    } else {
      reduce(REDUCE_SUM, delta, ptr(bias, PARAM_GRAD), 1, rows, units); // db = Σ rows of dZ
    }
  }
  product(plan, ptr(P, NODE_OUT), inDim, delta, units, ptr(kernel, PARAM_GRAD), units, inDim, rows, units,
    GEMM_TRANS_A | (add ? GEMM_ACCUMULATE : 0), 0, ACT_NONE); // dW = Xᵀ·dZ
  const dX = ptr(P, NODE_DELTA);
  if (dX == 0) return;
  product(plan, delta, units, weights(kernel), units, dX, inDim, rows, units, inDim,
    GEMM_TRANS_B | (word(edgeAt(N, 0), EDGE_ADD) != 0 ? GEMM_ACCUMULATE : 0), 0, ACT_NONE); // dX = dZ·Wᵀ
}
