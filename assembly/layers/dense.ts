// Dense: outputs = activation(inputs · kernel + bias), the product with bias and activation fused (gemm's epilogue).
import { ACT_NONE, GEMM_ACCUMULATE, GEMM_TRANS_B, NODE_BIAS, NODE_DELTA, NODE_KERNEL, NODE_OUT, NODE_WIDTH, EDGE_ADD, NODE_GEOM, GEOM_IN_C,
  GEOM_IN_H, GEOM_OUT_C } from '../layout';
import { argument, edgeAt, product, ptr, weights, word } from '../plan';
import { kernelGradient, productForward, sumsBackward } from './weighted';

// The product's shape for `rows` samples: [rows·lead, inDim]·[inDim, units], where each sample of a dense node on
// [..., features] (a geometry record) is `lead` rows.
// @ts-ignore: decorator
@inline function leadOf(N: usize): i32 { const g = ptr(N, NODE_GEOM); return g == 0 ? 1 : word(g, GEOM_IN_H); }
// @ts-ignore: decorator
@inline function inDimOf(N: usize, P: usize): i32 { const g = ptr(N, NODE_GEOM); return g == 0 ? word(P, NODE_WIDTH) : word(g, GEOM_IN_C); }
// @ts-ignore: decorator
@inline function unitsOf(N: usize): i32 { const g = ptr(N, NODE_GEOM); return g == 0 ? word(N, NODE_WIDTH) : word(g, GEOM_OUT_C); }

// Node N's outputs for `samples` rows of its argument (productForward: the weighted sums for a fused loss, else the
// activations).
// @ts-ignore: decorator
@inline export function denseForward(plan: usize, N: usize, samples: i32, logits: bool, training: bool): void {
  const P = argument(N, 0);
  productForward(plan, N, ptr(N, NODE_KERNEL), ptr(N, NODE_BIAS), ptr(P, NODE_OUT), samples * leadOf(N), inDimOf(N, P), unitsOf(N), logits, training);
}

// Backward of denseForward. Saved by the forward: its argument's outputs X, its own activations A and, for gelu and
// swish, the weighted sums Z (NODE_Z). From NODE_DELTA (dLoss/dA): db and dZ (sumsBackward), dW = Xᵀ·dZ (added to the
// parameter's gradient with NODE_ADD_GRADS: a shared layer's later call) and, if the argument takes a gradient,
// dX = dZ·Wᵀ (added with its edge's EDGE_ADD).
// @ts-ignore: decorator
@inline export function denseBackward(plan: usize, N: usize, samples: i32): void {
  const P = argument(N, 0), inDim = inDimOf(N, P), units = unitsOf(N), rows = samples * leadOf(N), kernel = ptr(N, NODE_KERNEL);
  const delta = sumsBackward(plan, N, ptr(N, NODE_BIAS), rows, units);
  kernelGradient(plan, N, kernel, ptr(P, NODE_OUT), delta, rows, inDim, units); // dW = Xᵀ·dZ
  const dX = ptr(P, NODE_DELTA);
  if (dX == 0) return;
  product(plan, delta, units, weights(kernel), units, dX, inDim, rows, units, inDim,
    GEMM_TRANS_B | (word(edgeAt(N, 0), EDGE_ADD) != 0 ? GEMM_ACCUMULATE : 0), 0, ACT_NONE); // dX = dZ·Wᵀ
}
