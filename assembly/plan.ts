// Reading and writing plan records (word offsets in layout.ts), and the product every layer kernel runs: gemm in this
// instance, or through the host (the thread pool, or the relaxed build) from the plan's PLAN_HOST_FLOPS.
import { gemm, packWeights } from './gemm';
import {
  PLAN_ALPHA, PLAN_HOST_FLOPS, PLAN_WORK, PLAN_NODE_TABLE, PLAN_INPUT_TABLE, PLAN_OUTPUT_TABLE, PLAN_PARAM_TABLE,
  NODE_EDGES, NODE_PARAMS, NODE_PACKED, NODE_PACKED_VERSION, NODE_WORDS, EDGE_NODE, EDGE_WORDS, INPUT_WORDS, OUTPUT_WORDS, PARAM_WORDS, PARAM_HOME, PARAM_CURRENT,
} from './layout';

@external("env", "gemmHost")
declare function gemmHost(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32, flags: i32,
  bias: usize, act: i32, alpha: f32, packed: usize): void;

// Counts changes of any model's weights (a training step, setWeights): a packed kernel older than it is packed again.
let weightsVersion: i32 = 1;

// Notes that weights changed (the host calls it after writing weights): packed kernels are packed again before use.
export function weightsChanged(): void {
  weightsVersion++;
}

// @ts-ignore: decorator
@inline export function word(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function ptr(p: usize, i: i32): usize { return <usize>load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function real(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function setWord(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
// @ts-ignore: decorator
@inline export function setPtr(p: usize, i: i32, v: usize): void { store<i32>(p + (<usize>i << 2), <i32>v); }
// Address of f64 slot i of a block of sums.
// @ts-ignore: decorator
@inline export function slot(p: usize, i: i32): usize { return p + (<usize>i << 3); }

// Record i of the table whose address is at header word `table`, of `words` words each.
// @ts-ignore: decorator
@inline function record(plan: usize, table: i32, words: i32, i: i32): usize { return ptr(plan, table) + (<usize>(i * words) << 2); }
// @ts-ignore: decorator
@inline export function nodeAt(plan: usize, i: i32): usize { return record(plan, PLAN_NODE_TABLE, NODE_WORDS, i); }
// @ts-ignore: decorator
@inline export function inputAt(plan: usize, i: i32): usize { return record(plan, PLAN_INPUT_TABLE, INPUT_WORDS, i); }
// @ts-ignore: decorator
@inline export function outputAt(plan: usize, i: i32): usize { return record(plan, PLAN_OUTPUT_TABLE, OUTPUT_WORDS, i); }
// @ts-ignore: decorator
@inline export function paramAt(plan: usize, i: i32): usize { return record(plan, PLAN_PARAM_TABLE, PARAM_WORDS, i); }
// Edge record i of node N.
// @ts-ignore: decorator
@inline export function edgeAt(N: usize, i: i32): usize { return ptr(N, NODE_EDGES) + (<usize>(i * EDGE_WORDS) << 2); }
// The node that produces argument i of node N.
// @ts-ignore: decorator
@inline export function argument(N: usize, i: i32): usize { return ptr(edgeAt(N, i), EDGE_NODE); }
// Parameter record i of node N's layer (weight order; NODE_PARAMS).
// @ts-ignore: decorator
@inline export function paramOf(N: usize, i: i32): usize { return ptr(ptr(N, NODE_PARAMS), i); }
// The current weights of parameter record P (0 for none).
// @ts-ignore: decorator
@inline export function weights(P: usize): usize { return P == 0 ? 0 : ptr(P, PARAM_HOME + word(P, PARAM_CURRENT)); }

// Node N's kernel w [k×n] packed whole for gemm (its NODE_PACKED buffer, packed again if any weights changed since it
// was packed), or 0 if the plan keeps no packed copy for N.
export function packedKernel(N: usize, w: usize, k: i32, n: i32): usize {
  const packed = ptr(N, NODE_PACKED);
  if (packed != 0 && word(N, NODE_PACKED_VERSION) != weightsVersion) {
    packWeights(w, n, 0, k, n, packed);
    setWord(N, NODE_PACKED_VERSION, weightsVersion);
  }
  return packed;
}

// C = op(A)·op(B) (+ bias, activation `act`; see gemm; `packed`: op(B) packed whole, or 0): through the host (the thread pool, or the relaxed build) from
// the plan's PLAN_HOST_FLOPS, or always with `host` (the forward of prediction and evaluation, so that its bits are
// those of the tensor ops' products at any batch size); else in this instance.
// @ts-ignore: decorator
@inline export function product(plan: usize, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32,
  flags: i32, bias: usize, act: i32, host: bool = false, packed: usize = 0): void {
  const alpha = real(plan, PLAN_ALPHA);
  // A plan without a workspace of its own (prediction, evaluation) runs every product on the host.
  if (host || ptr(plan, PLAN_WORK) == 0 || <f64>2 * <f64>m * <f64>k * <f64>n >= <f64>word(plan, PLAN_HOST_FLOPS)) gemmHost(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, packed);
  else gemm(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, packed, ptr(plan, PLAN_WORK), 0, m);
}

// dst[i] = v[i] (add false) or dst[i] += v[i] (add true), n floats.
export function putOrAdd(dst: usize, v: usize, n: i32, add: bool): void {
  if (!add) { memory.copy(dst, v, <usize>n << 2); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(v + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(v + o));
  }
}
