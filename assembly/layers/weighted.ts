// What layers whose outputs are activation(weighted sums + bias) share (dense, the convolutions): the sums from a
// product with bias and activation fused (gemm's epilogue), or from the caller's own kernel then bias and activation;
// where the sums go (NODE_Z when the backward needs them, NODE_OUT with a fused loss's logits); and on the way back
// dZ through the activation, the bias gradient and the kernel gradient of a product.
import { activation, activationBackward, activationBackwardFromInput, softmax, softmaxBackward } from '../activation';
import { reduce } from '../reduce';
import { ACT_NONE, ACT_SOFTMAX, GEMM_ACCUMULATE, GEMM_TRANS_A, REDUCE_SUM, PLAN_ALPHA,
  NODE_ACT, NODE_ADD_GRADS, NODE_DELTA, NODE_DELTA_IS_DZ, NODE_LOGITS, NODE_OUT, NODE_SCRATCH, NODE_Z, PARAM_GRAD } from '../layout';
import { packedKernel, product, ptr, putOrAdd, real, weights, word } from '../plan';

// Whether node N leaves its weighted sums in NODE_OUT (a fused loss follows and takes them: `logits` and NODE_LOGITS).
// @ts-ignore: decorator
@inline function leavesSums(N: usize, logits: bool): bool { return logits && word(N, NODE_LOGITS) != 0; }

// Node N's outputs [rows, units] from row `first` on = activation(a [rows, inDim] · kernel + bias) (parameter records K
// and B; B 0: no bias), the bias and activation fused in the product. With `logits` and NODE_LOGITS, the weighted sums Z; else the
// activations A (softmax over each row); in training, Z also in NODE_Z where the backward needs them (gelu, swish).
// Outside `training` the product runs on the host with the kernel the plan keeps packed (packedKernel).
// @ts-ignore: decorator
@inline export function productForward(plan: usize, N: usize, K: usize, B: usize, a: usize, rows: i32, inDim: i32, units: i32, logits: bool,
  training: bool, first: i32 = 0): void {
  const act = word(N, NODE_ACT), skip = <usize>(first * units) << 2, out = ptr(N, NODE_OUT) + skip, sums = leavesSums(N, logits);
  const code = sums || act == ACT_SOFTMAX ? ACT_NONE : act;
  const kernel = weights(K), packed: usize = training ? 0 : packedKernel(N, kernel, inDim, units);
  const z = training && ptr(N, NODE_Z) != 0 ? ptr(N, NODE_Z) + skip : 0; // kept for a backward that needs the sums (gelu, swish)
  if (z != 0 && !sums) {
    product(plan, a, inDim, kernel, units, z, units, rows, inDim, units, 0, weights(B), ACT_NONE);
    activation(code, z, out, rows * units, real(plan, PLAN_ALPHA));
    return;
  }
  product(plan, a, inDim, kernel, units, out, units, rows, inDim, units, 0, weights(B), code, !training, packed);
  if (act == ACT_SOFTMAX && !sums && rows > 0) softmax(out, out, rows, units, 1);
}

// Where a node whose own kernel computes its weighted sums writes them: NODE_Z if it keeps them, else NODE_OUT
// (finishSums then works in place).
// @ts-ignore: decorator
@inline export function sumsTarget(N: usize, logits: bool, training: bool): usize {
  const z = training ? ptr(N, NODE_Z) : 0;
  return z != 0 && !leavesSums(N, logits) ? z : ptr(N, NODE_OUT);
}

// Node N's outputs [rows, units] from the weighted sums its kernel wrote to sumsTarget: + bias (record B, 0: none),
// then as productForward leaves them (the sums for a fused loss, else the activations).
export function finishSums(plan: usize, N: usize, B: usize, sums: usize, rows: i32, units: i32, logits: bool): void {
  const bias = weights(B), out = ptr(N, NODE_OUT), act = word(N, NODE_ACT);
  if (bias != 0) for (let r = 0; r < rows; r++) putOrAdd(sums + (<usize>(r * units) << 2), bias, units, true);
  if (leavesSums(N, logits)) return;
  if (act == ACT_SOFTMAX) {
    if (rows > 0) softmax(sums, out, rows, units, 1);
  } else if (act != ACT_NONE) { // (without an activation, sumsTarget gave NODE_OUT)
    activation(act, sums, out, rows * units, real(plan, PLAN_ALPHA));
  }
}

// Backward of the activation and bias of node N's weighted sums Z [rows, units]; the forward saved its activations
// A (NODE_OUT) or, for gelu and swish, Z (NODE_Z). NODE_DELTA holds dLoss/dA, made dZ in place (unless
// NODE_DELTA_IS_DZ); writes db = Σ rows of dZ to bias record B's gradient (added with NODE_ADD_GRADS: a shared layer's
// later call). Returns dZ.
// @ts-ignore: decorator
@inline export function sumsBackward(plan: usize, N: usize, B: usize, rows: i32, units: i32): usize {
  const act = word(N, NODE_ACT), delta = ptr(N, NODE_DELTA);
  if (word(N, NODE_DELTA_IS_DZ) == 0 && act != ACT_NONE) {
    const z = ptr(N, NODE_Z);
    if (act == ACT_SOFTMAX) softmaxBackward(ptr(N, NODE_OUT), delta, delta, rows, units); // an output given dLoss/dA (apply)
    else if (z != 0) activationBackwardFromInput(act, z, delta, delta, rows * units);
    else activationBackward(act, ptr(N, NODE_OUT), delta, delta, rows * units, real(plan, PLAN_ALPHA));
  }
  if (B == 0) return delta;
  if (word(N, NODE_ADD_GRADS) != 0) {
    reduce(REDUCE_SUM, delta, ptr(N, NODE_SCRATCH), 1, rows, units);
    putOrAdd(ptr(B, PARAM_GRAD), ptr(N, NODE_SCRATCH), units, true);
  } else {
    reduce(REDUCE_SUM, delta, ptr(B, PARAM_GRAD), 1, rows, units); // db = Σ rows of dZ
  }
  return delta;
}

// dW = aᵀ·dZ for the product of productForward (a [rows, inDim], dZ [rows, units]) into kernel record K's gradient,
// added with NODE_ADD_GRADS or `accumulate` (a later chunk of rows).
// @ts-ignore: decorator
@inline export function kernelGradient(plan: usize, N: usize, K: usize, a: usize, dZ: usize, rows: i32, inDim: i32, units: i32,
  accumulate: bool = false): void {
  product(plan, a, inDim, dZ, units, ptr(K, PARAM_GRAD), units, inDim, rows, units,
    GEMM_TRANS_A | (accumulate || word(N, NODE_ADD_GRADS) != 0 ? GEMM_ACCUMULATE : 0), 0, ACT_NONE);
}
