// The training loop of a dense network, batch after batch in one call, from a plan the TypeScript layer writes
// (word offsets and codes in layout.ts): shuffle, gather, forward (gemm with bias and activation fused), loss and
// its gradient, metrics, backward deltas through Wᵀ, weight gradients, then the optimizer updates in place.
import { gemm } from './gemm';
import { gather } from './copy';
import { activationBackward, softmax } from './activation';
import { reduce } from './reduce';
import { next } from './random';
import { meanSquaredError, meanAbsoluteError, binaryCrossentropy, sigmoidCrossEntropy, softmaxCrossEntropy } from './loss';
import { sgdStep, adamStep, rmspropStep, adagradStep } from './optim';
import {
  ACT_NONE, ACT_SOFTMAX, GEMM_TRANS_A, GEMM_TRANS_B, LOSS_MSE, LOSS_MAE, LOSS_SIGMOID_CE, LOSS_SOFTMAX_CE, LOSS_SPARSE_SOFTMAX_CE, OPT_SGD, OPT_ADAM, OPT_RMSPROP,
  METRIC_ACCURACY, METRIC_MAE, METRIC_MSE, SLOT_LOSS, SLOT_ACCURACY, SLOT_MAE, SLOT_MSE,
  SLOTS, REDUCE_SUM,
  PLAN_LAYERS, PLAN_TOTAL, PLAN_SAMPLES, PLAN_BATCH, PLAN_X, PLAN_Y, PLAN_Y_COLS, PLAN_ORDER, PLAN_XB, PLAN_YB, PLAN_LOSS,
  PLAN_METRICS, PLAN_OPTIMIZER, PLAN_LR, PLAN_P1, PLAN_P2, PLAN_EPS, PLAN_WD, PLAN_STEP, PLAN_HOST_FLOPS, PLAN_WORK,
  PLAN_SHUFFLE, PLAN_DROP_STATE, PLAN_PARAMS, PLAN_FAILED, PLAN_CHECK_FINITE, PLAN_CURSOR, PLAN_SUMS, PLAN_HISTORY,
  PLAN_ALPHA, PLAN_HEADER_WORDS,
  LAYER_IN, LAYER_UNITS, LAYER_ACT, LAYER_KERNEL, LAYER_BIAS, LAYER_OUT, LAYER_DELTA, LAYER_DW, LAYER_DB, LAYER_DROPOUT,
  LAYER_MASK, LAYER_DROPPED, LAYER_WORDS,
  PARAM_HOME, PARAM_SPARE, PARAM_GRAD, PARAM_SIZE, PARAM_S0, PARAM_S0_SPARE, PARAM_S1, PARAM_S1_SPARE, PARAM_CURRENT,
  PARAM_REF, PARAM_WORDS,
} from './layout';

// A product of at least the plan's PLAN_HOST_FLOPS runs through the host (the thread pool, or the relaxed build).
@external("env", "gemmHost")
declare function gemmHost(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32, flags: i32,
  bias: usize, act: i32, alpha: f32): void;

// @ts-ignore: decorator
@inline function word(p: usize, i: i32): i32 { return load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function ptr(p: usize, i: i32): usize { return <usize>load<i32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function real(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setWord(p: usize, i: i32, v: i32): void { store<i32>(p + (<usize>i << 2), v); }
// @ts-ignore: decorator
@inline function slot(p: usize, i: i32): usize { return p + (<usize>i << 3); }

// gemm in this instance, or through the host at PLAN_HOST_FLOPS and above.
function product(plan: usize, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32,
  flags: i32, bias: usize, act: i32): void {
  const alpha = real(plan, PLAN_ALPHA);
  if (<f64>2 * <f64>m * <f64>k * <f64>n >= <f64>word(plan, PLAN_HOST_FLOPS)) gemmHost(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha);
  else gemm(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, ptr(plan, PLAN_WORK), 0, m);
}

// out = x·mask with mask = (u > rate)/(1 − rate) for fresh uniform u from the generator `state`, n floats.
function dropout(state: usize, rate: f32, x: usize, mask: usize, out: usize, n: i32): void {
  const scale: f32 = 1 / (1 - rate);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const m: f32 = <f32>(next(state) >>> 8) * 5.9604644775390625e-8 > rate ? scale : 0;
    store<f32>(mask + o, m);
    store<f32>(out + o, load<f32>(x + o) * m);
  }
}

// Mean loss of `rows` samples (NaN for none) with, when grad != 0, dLoss/dZ of the last layer written there; `out`
// holds the weighted sums for the fused losses, else the outputs of activation `act`.
export function lossOf(loss: i32, act: i32, out: usize, target: usize, grad: usize, rows: i32, cols: i32, alpha: f32): f64 {
  const n = rows * cols;
  let value: f64;
  switch (loss) {
    case LOSS_SOFTMAX_CE: return softmaxCrossEntropy(out, target, grad, rows, cols, false);
    case LOSS_SPARSE_SOFTMAX_CE: return softmaxCrossEntropy(out, target, grad, rows, cols, true);
    case LOSS_SIGMOID_CE: return sigmoidCrossEntropy(out, target, grad, n);
    case LOSS_MSE: value = meanSquaredError(out, target, grad, n); break;
    case LOSS_MAE: value = meanAbsoluteError(out, target, grad, n); break;
    default: value = binaryCrossentropy(out, target, grad, n, 1e-7);
  }
  if (grad != 0 && act != ACT_NONE && act != ACT_SOFTMAX) activationBackward(act, out, grad, grad, n, alpha);
  return value;
}

// Adds the per-sample sums of the metrics in `metrics` (bits) over `rows` samples to sums[1..3] (f64 running sums,
// ≤ rows·2^-53 relative error, as the epoch sums in trainEpochs): accuracy
// (argmax against the label for the softmax losses, else outputs and targets on the same side of 0.5, averaged
// over the columns), absolute and squared error (averaged over the columns) of the probabilities.
export function addMetrics(loss: i32, metrics: i32, out: usize, target: usize, rows: i32, cols: i32, sums: usize): void {
  const classes = loss == LOSS_SOFTMAX_CE || loss == LOSS_SPARSE_SOFTMAX_CE, sparse = loss == LOSS_SPARSE_SOFTMAX_CE;
  let hits = 0.0, abs = 0.0, sq = 0.0;
  for (let r = 0; r < rows; r++) {
    const x = out + (<usize>(r * cols) << 2), t = target + (<usize>(r * (sparse ? 1 : cols)) << 2);
    let top = 0, label = sparse ? <i32>load<f32>(t) : 0, m = load<f32>(x);
    for (let j = 1; j < cols; j++) {
      const v = load<f32>(x + (<usize>j << 2));
      if (v > m) { m = v; top = j; }
      if (!sparse && load<f32>(t + (<usize>j << 2)) > load<f32>(t + (<usize>label << 2))) label = j;
    }
    let s = 0.0;
    if (classes) for (let j = 0; j < cols; j++) s += Math.exp(<f64>load<f32>(x + (<usize>j << 2)) - <f64>m);
    let rowHits = 0.0, rowAbs = 0.0, rowSq = 0.0;
    for (let j = 0; j < cols; j++) {
      const z = <f64>load<f32>(x + (<usize>j << 2));
      const p = classes ? Math.exp(z - <f64>m) / s : loss == LOSS_SIGMOID_CE ? 1 / (1 + Math.exp(-z)) : z;
      const tj = sparse ? (j == label ? 1.0 : 0.0) : <f64>load<f32>(t + (<usize>j << 2));
      if (!classes && (p > 0.5) == (tj > 0.5)) rowHits += 1;
      rowAbs += Math.abs(p - tj);
      rowSq += (p - tj) * (p - tj);
    }
    hits += classes ? (top == label ? 1.0 : 0.0) : rowHits / <f64>cols;
    abs += rowAbs / <f64>cols;
    sq += rowSq / <f64>cols;
  }
  if (metrics & METRIC_ACCURACY) store<f64>(slot(sums, SLOT_ACCURACY), load<f64>(slot(sums, SLOT_ACCURACY)) + hits);
  if (metrics & METRIC_MAE) store<f64>(slot(sums, SLOT_MAE), load<f64>(slot(sums, SLOT_MAE)) + abs);
  if (metrics & METRIC_MSE) store<f64>(slot(sums, SLOT_MSE), load<f64>(slot(sums, SLOT_MSE)) + sq);
}

// Fisher–Yates over the first n i32 of order, from the generator `state`.
function shuffle(state: usize, order: usize, n: i32): void {
  for (let i = n - 1; i > 0; i--) {
    const j = <i32>(<u64>next(state) * <u64>(i + 1) >> 32);
    const a = order + (<usize>i << 2), b = order + (<usize>j << 2);
    const t = load<i32>(a);
    store<i32>(a, load<i32>(b));
    store<i32>(b, t);
  }
}

function forward(plan: usize, rows: i32, fusedLoss: bool): usize {
  const layers = word(plan, PLAN_LAYERS);
  let input = ptr(plan, PLAN_XB);
  for (let l = 0; l < layers; l++) {
    const L = plan + (<usize>(PLAN_HEADER_WORDS + l * LAYER_WORDS) << 2);
    const units = word(L, LAYER_UNITS), act = word(L, LAYER_ACT), out = ptr(L, LAYER_OUT);
    const last = l == layers - 1;
    const code = (last && fusedLoss) || act == ACT_SOFTMAX ? ACT_NONE : act;
    product(plan, input, word(L, LAYER_IN), ptr(L, LAYER_KERNEL), units, out, units, rows, word(L, LAYER_IN), units, 0, ptr(L, LAYER_BIAS), code);
    if (act == ACT_SOFTMAX && !fusedLoss) softmax(out, out, rows, units, 1);
    input = out;
    if (real(L, LAYER_DROPOUT) > 0) {
      dropout(ptr(plan, PLAN_DROP_STATE), real(L, LAYER_DROPOUT), out, ptr(L, LAYER_MASK), ptr(L, LAYER_DROPPED), rows * units);
      input = ptr(L, LAYER_DROPPED);
    }
  }
  return input;
}

// Gradients of the batch from dLoss/dZ of the last layer in its LAYER_DELTA.
function backward(plan: usize, rows: i32): void {
  for (let l = word(plan, PLAN_LAYERS) - 1; l >= 0; l--) {
    const L = plan + (<usize>(PLAN_HEADER_WORDS + l * LAYER_WORDS) << 2);
    const P = L - (<usize>LAYER_WORDS << 2);
    const inDim = word(L, LAYER_IN), units = word(L, LAYER_UNITS), delta = ptr(L, LAYER_DELTA);
    const input = l == 0 ? ptr(plan, PLAN_XB) : real(P, LAYER_DROPOUT) > 0 ? ptr(P, LAYER_DROPPED) : ptr(P, LAYER_OUT);
    if (ptr(L, LAYER_BIAS) != 0) reduce(REDUCE_SUM, delta, ptr(L, LAYER_DB), 1, rows, units); // db = Σ rows of dZ
    product(plan, input, inDim, delta, units, ptr(L, LAYER_DW), units, inDim, rows, units, GEMM_TRANS_A, 0, ACT_NONE); // dW = Xᵀ·dZ
    if (l == 0) break;
    const dA = ptr(P, LAYER_DELTA);
    product(plan, delta, units, ptr(L, LAYER_KERNEL), units, dA, inDim, rows, units, inDim, GEMM_TRANS_B, 0, ACT_NONE); // dA = dZ·Wᵀ
    if (real(P, LAYER_DROPOUT) > 0) {
      const mask = ptr(P, LAYER_MASK);
      for (let i = 0; i < rows * inDim; i++) {
        const o = <usize>i << 2;
        store<f32>(dA + o, load<f32>(dA + o) * load<f32>(mask + o));
      }
    }
    if (word(P, LAYER_ACT) != ACT_NONE) activationBackward(word(P, LAYER_ACT), ptr(P, LAYER_OUT), dA, dA, rows * inDim, real(plan, PLAN_ALPHA));
  }
}

// @ts-ignore: decorator
@inline function paramAt(plan: usize, i: i32): usize {
  return plan + (<usize>(PLAN_HEADER_WORDS + word(plan, PLAN_LAYERS) * LAYER_WORDS + i * PARAM_WORDS) << 2);
}

// One optimizer step on every parameter; false (and nothing committed) when a new weight is not finite.
function update(plan: usize): bool {
  const t = word(plan, PLAN_STEP) + 1;
  const check = word(plan, PLAN_CHECK_FINITE) != 0;
  const lr = real(plan, PLAN_LR), p1 = real(plan, PLAN_P1), p2 = real(plan, PLAN_P2), eps = real(plan, PLAN_EPS), wd = real(plan, PLAN_WD);
  let finite = true;
  for (let i = 0; i < word(plan, PLAN_PARAMS); i++) {
    const P = paramAt(plan, i);
    const cur = word(P, PARAM_CURRENT), next = check ? 1 - cur : cur, n = word(P, PARAM_SIZE), g = ptr(P, PARAM_GRAD);
    const w = ptr(P, PARAM_HOME + cur), wOut = ptr(P, PARAM_HOME + next);
    const s0 = ptr(P, PARAM_S0 + cur), s0Out = ptr(P, PARAM_S0 + next), s1 = ptr(P, PARAM_S1 + cur), s1Out = ptr(P, PARAM_S1 + next);
    switch (word(plan, PLAN_OPTIMIZER)) {
      case OPT_SGD: finite = sgdStep(w, g, s0, n, lr, p1, p2 != 0, wd, wOut, s0Out) && finite; break;
      case OPT_ADAM: finite = adamStep(w, g, s0, s1, n, lr, p1, p2, eps, t, wd, wOut, s0Out, s1Out) && finite; break;
      case OPT_RMSPROP: finite = rmspropStep(w, g, s0, n, lr, p1, eps, wd, wOut, s0Out) && finite; break;
      default: finite = adagradStep(w, g, s0, n, lr, eps, wd, wOut, s0Out) && finite;
    }
  }
  if (check && !finite) return false;
  setWord(plan, PLAN_STEP, t);
  for (let i = 0; i < word(plan, PLAN_PARAMS) && check; i++) {
    const P = paramAt(plan, i);
    const next = 1 - word(P, PARAM_CURRENT);
    setWord(P, PARAM_CURRENT, next);
    store<i32>(ptr(P, PARAM_REF), word(P, PARAM_HOME + next));
  }
  return true;
}

// Copies current spares back into the model's buffers, so the model holds the latest weights and state.
function settle(plan: usize): void {
  for (let i = 0; i < word(plan, PLAN_PARAMS); i++) {
    const P = paramAt(plan, i);
    if (word(P, PARAM_CURRENT) == 0) continue;
    const bytes = <usize>word(P, PARAM_SIZE) << 2;
    memory.copy(ptr(P, PARAM_HOME), ptr(P, PARAM_SPARE), bytes);
    if (ptr(P, PARAM_S0) != 0) memory.copy(ptr(P, PARAM_S0), ptr(P, PARAM_S0_SPARE), bytes);
    if (ptr(P, PARAM_S1) != 0) memory.copy(ptr(P, PARAM_S1), ptr(P, PARAM_S1_SPARE), bytes);
    setWord(P, PARAM_CURRENT, 0);
    store<i32>(ptr(P, PARAM_REF), word(P, PARAM_HOME));
  }
}

// False when the batch's loss or any gradient is NaN or ±Infinity.
function finiteStep(plan: usize, loss: f64): bool {
  if (!isFinite(loss)) return false;
  for (let i = 0; i < word(plan, PLAN_PARAMS); i++) {
    const P = paramAt(plan, i);
    if (firstNonFinite(ptr(P, PARAM_GRAD), word(P, PARAM_SIZE)) >= 0) return false;
  }
  return true;
}

// Trains from the plan's PLAN_CURSOR (the next batch of the current epoch) until `epochs` epochs end or `maxBatches`
// batches ran; returns the epochs that ended. PLAN_SUMS holds the running sums of the epoch (slots 0..3: loss and
// metrics, weighted by rows; f64, so ≤ samples·2^-53 relative error: below f32 rounding for any dataset that fits
// memory, hence no pairwise scheme) and the last batch's means (slots 4..7); each ended epoch's means go to PLAN_HISTORY
// (4 slots per epoch). With PLAN_CHECK_FINITE, a batch whose loss or gradient is not finite stops training before its
// update, with PLAN_FAILED set to its index in the epoch; so does a step that would make a weight non-finite. On return
// the model's buffers hold the weights and optimizer state of the last committed step.
export function trainEpochs(plan: usize, epochs: i32, maxBatches: i32): i32 {
  const samples = word(plan, PLAN_SAMPLES), batch = word(plan, PLAN_BATCH), loss = word(plan, PLAN_LOSS), metrics = word(plan, PLAN_METRICS);
  const fused = loss == LOSS_SIGMOID_CE || loss == LOSS_SOFTMAX_CE || loss == LOSS_SPARSE_SOFTMAX_CE;
  const yCols = word(plan, PLAN_Y_COLS), sums = ptr(plan, PLAN_SUMS), order = ptr(plan, PLAN_ORDER);
  const last = plan + (<usize>(PLAN_HEADER_WORDS + (word(plan, PLAN_LAYERS) - 1) * LAYER_WORDS) << 2);
  const cols = word(last, LAYER_UNITS), inDim = word(plan + (<usize>PLAN_HEADER_WORDS << 2), LAYER_IN);
  let ended = 0;
  for (let b = 0; b < maxBatches && ended < epochs; b++) {
    const start = word(plan, PLAN_CURSOR) * batch;
    if (start == 0) {
      for (let s = 0; s < SLOTS; s++) store<f64>(slot(sums, s), 0);
      if (ptr(plan, PLAN_SHUFFLE) != 0) shuffle(ptr(plan, PLAN_SHUFFLE), order, samples);
    }
    const rows = min(batch, samples - start);
    if (rows > 0) {
      gather(ptr(plan, PLAN_X), ptr(plan, PLAN_XB), order + (<usize>start << 2), rows, 1, word(plan, PLAN_TOTAL), inDim);
      gather(ptr(plan, PLAN_Y), ptr(plan, PLAN_YB), order + (<usize>start << 2), rows, 1, word(plan, PLAN_TOTAL), yCols);
      const out = forward(plan, rows, fused);
      const value = lossOf(loss, word(last, LAYER_ACT), out, ptr(plan, PLAN_YB), ptr(last, LAYER_DELTA), rows, cols, real(plan, PLAN_ALPHA));
      for (let s = 1; s < SLOTS; s++) store<f64>(slot(sums, SLOTS + s), 0);
      if (metrics != 0) addMetrics(loss, metrics, out, ptr(plan, PLAN_YB), rows, cols, slot(sums, SLOTS));
      store<f64>(slot(sums, SLOTS + SLOT_LOSS), value * <f64>rows);
      for (let s = 0; s < SLOTS; s++) {
        const batchSum = load<f64>(slot(sums, SLOTS + s));
        store<f64>(slot(sums, s), load<f64>(slot(sums, s)) + batchSum);
        store<f64>(slot(sums, SLOTS + s), batchSum / <f64>rows);
      }
      backward(plan, rows);
      if ((word(plan, PLAN_CHECK_FINITE) != 0 && !finiteStep(plan, value)) || !update(plan)) {
        setWord(plan, PLAN_FAILED, word(plan, PLAN_CURSOR));
        settle(plan);
        return ended;
      }
    }
    if (start + rows >= samples) {
      const history = ptr(plan, PLAN_HISTORY) + (<usize>(ended * SLOTS) << 3);
      for (let s = 0; s < SLOTS; s++) store<f64>(slot(history, s), load<f64>(slot(sums, s)) / <f64>samples);
      setWord(plan, PLAN_CURSOR, 0);
      ended++;
    } else {
      setWord(plan, PLAN_CURSOR, word(plan, PLAN_CURSOR) + 1);
    }
  }
  settle(plan);
  return ended;
}

// Index of the first NaN or ±Infinity among n floats, or -1.
export function firstNonFinite(p: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    if (v128.any_true(f32x4.ne(f32x4.sub(v, v), zero))) break;
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}
