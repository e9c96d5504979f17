// The training loop of a dense network, batch after batch in one call, from a plan the TypeScript layer writes
// (src/nn/plan.ts mirrors the layout): shuffle, gather, forward (gemm with bias and activation fused), loss and
// its gradient, metrics, backward deltas through Wᵀ, weight gradients, then the optimizer updates in place.
import { gemm } from './gemm';
import { gather } from './copy';
import { activationBackward, softmax } from './activation';
import { reduce, SUM } from './reduce';
import { next } from './random';
import { meanSquaredError, meanAbsoluteError, binaryCrossentropy, sigmoidCrossEntropy, softmaxCrossEntropy } from './loss';
import { sgdStep, adamStep, rmspropStep, adagradStep } from './optim';

// A product of at least the plan's HOST_FLOPS runs through the host (the thread pool, or the relaxed build).
@external("env", "gemmHost")
declare function gemmHost(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32, flags: i32,
  bias: usize, act: i32, alpha: f32): void;

// Plan header words (i32; f32 where noted).
const LAYERS = 0, TOTAL = 1, SAMPLES = 2, BATCH = 3, X = 4, Y = 5, YCOLS = 6, ORDER = 7, XB = 8, YB = 9, LOSS = 10,
  METRICS = 11, OPTIMIZER = 12, LR = 13, P1 = 14, P2 = 15, EPS = 16, WD = 17, STEP = 18, HOST_FLOPS = 19, WORK = 20,
  SHUFFLE = 21, DROP_STATE = 22, PARAMS = 23, FAILED = 24, CHECK_FINITE = 25, CURSOR = 26, SUMS = 27, HISTORY = 28,
  ALPHA = 29, HEADER = 32;
// Layer words: input width, units, activation code, kernel, bias (0: none), outputs, deltas, dW, db, dropout rate
// (f32) applied to the outputs, its mask and the dropped outputs.
const IN = 0, UNITS = 1, ACT = 2, KERNEL = 3, BIAS = 4, OUT = 5, DELTA = 6, DW = 7, DB = 8, RATE = 9, MASK = 10,
  DROPPED = 11, LAYER_WORDS = 12;
// Parameter words: the weights (the model's buffer and a spare), gradient, size, two optimizer state arrays (each
// with a spare), which of each pair is current (0: the model's), and the byte address of the layer word (KERNEL or
// BIAS) that points at the current weights. With CHECK_FINITE a step writes into the spares, and they become current
// only when every new weight is finite; without it, steps run in place.
const HOME = 0, SPARE = 1, G = 2, SIZE = 3, S0 = 4, S0_SPARE = 5, S1 = 6, S1_SPARE = 7, CUR = 8, REF = 9, PARAM_WORDS = 10;

// Loss codes; the fused ones take the last layer's weighted sums.
export const MSE = 0, MAE = 1, BCE = 2, SIGMOID_CE = 3, SOFTMAX_CE = 4, SPARSE_SOFTMAX_CE = 5;
// Metric bits, and the f64 slots of their sums (slot 0 is the loss).
export const ACCURACY = 1, MEAN_ABS = 2, MEAN_SQ = 4, SLOTS = 4;
const SOFTMAX = 4; // activation code of a softmax layer in a plan (activation.ts codes 0..3, -1 linear)
const SGD = 0, ADAM = 1, RMSPROP = 2;

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

// gemm in this instance, or through the host at HOST_FLOPS and above.
function product(plan: usize, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, m: i32, k: i32, n: i32,
  flags: i32, bias: usize, act: i32): void {
  const alpha = real(plan, ALPHA);
  if (<f64>2 * <f64>m * <f64>k * <f64>n >= <f64>word(plan, HOST_FLOPS)) gemmHost(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha);
  else gemm(a, lda, b, ldb, c, ldc, m, k, n, flags, bias, act, alpha, ptr(plan, WORK), 0, m);
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
    case SOFTMAX_CE: return softmaxCrossEntropy(out, target, grad, rows, cols, false);
    case SPARSE_SOFTMAX_CE: return softmaxCrossEntropy(out, target, grad, rows, cols, true);
    case SIGMOID_CE: return sigmoidCrossEntropy(out, target, grad, n);
    case MSE: value = meanSquaredError(out, target, grad, n); break;
    case MAE: value = meanAbsoluteError(out, target, grad, n); break;
    default: value = binaryCrossentropy(out, target, grad, n, 1e-7);
  }
  if (grad != 0 && act >= 0 && act != SOFTMAX) activationBackward(act, out, grad, grad, n, alpha);
  return value;
}

// Adds the per-sample sums of the metrics in `metrics` (bits) over `rows` samples to sums[1..3] (f64 running sums,
// ≤ rows·2^-53 relative error, as the epoch sums in trainEpochs): accuracy
// (argmax against the label for the softmax losses, else outputs and targets on the same side of 0.5, averaged
// over the columns), absolute and squared error (averaged over the columns) of the probabilities.
export function addMetrics(loss: i32, metrics: i32, out: usize, target: usize, rows: i32, cols: i32, sums: usize): void {
  const classes = loss == SOFTMAX_CE || loss == SPARSE_SOFTMAX_CE, sparse = loss == SPARSE_SOFTMAX_CE;
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
      const p = classes ? Math.exp(z - <f64>m) / s : loss == SIGMOID_CE ? 1 / (1 + Math.exp(-z)) : z;
      const tj = sparse ? (j == label ? 1.0 : 0.0) : <f64>load<f32>(t + (<usize>j << 2));
      if (!classes && (p > 0.5) == (tj > 0.5)) rowHits += 1;
      rowAbs += Math.abs(p - tj);
      rowSq += (p - tj) * (p - tj);
    }
    hits += classes ? (top == label ? 1.0 : 0.0) : rowHits / <f64>cols;
    abs += rowAbs / <f64>cols;
    sq += rowSq / <f64>cols;
  }
  if (metrics & ACCURACY) store<f64>(slot(sums, 1), load<f64>(slot(sums, 1)) + hits);
  if (metrics & MEAN_ABS) store<f64>(slot(sums, 2), load<f64>(slot(sums, 2)) + abs);
  if (metrics & MEAN_SQ) store<f64>(slot(sums, 3), load<f64>(slot(sums, 3)) + sq);
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
  const layers = word(plan, LAYERS);
  let input = ptr(plan, XB);
  for (let l = 0; l < layers; l++) {
    const L = plan + (<usize>(HEADER + l * LAYER_WORDS) << 2);
    const units = word(L, UNITS), act = word(L, ACT), out = ptr(L, OUT);
    const last = l == layers - 1;
    const code = (last && fusedLoss) || act == SOFTMAX ? -1 : act;
    product(plan, input, word(L, IN), ptr(L, KERNEL), units, out, units, rows, word(L, IN), units, 0, ptr(L, BIAS), code);
    if (act == SOFTMAX && !fusedLoss) softmax(out, out, rows, units, 1);
    input = out;
    if (real(L, RATE) > 0) {
      dropout(ptr(plan, DROP_STATE), real(L, RATE), out, ptr(L, MASK), ptr(L, DROPPED), rows * units);
      input = ptr(L, DROPPED);
    }
  }
  return input;
}

// Gradients of the batch from dLoss/dZ of the last layer in its DELTA.
function backward(plan: usize, rows: i32): void {
  for (let l = word(plan, LAYERS) - 1; l >= 0; l--) {
    const L = plan + (<usize>(HEADER + l * LAYER_WORDS) << 2);
    const P = L - (<usize>LAYER_WORDS << 2);
    const inDim = word(L, IN), units = word(L, UNITS), delta = ptr(L, DELTA);
    const input = l == 0 ? ptr(plan, XB) : real(P, RATE) > 0 ? ptr(P, DROPPED) : ptr(P, OUT);
    if (ptr(L, BIAS) != 0) reduce(SUM, delta, ptr(L, DB), 1, rows, units); // db = Σ rows of dZ
    product(plan, input, inDim, delta, units, ptr(L, DW), units, inDim, rows, units, 1, 0, -1); // dW = Xᵀ·dZ
    if (l == 0) break;
    const dA = ptr(P, DELTA);
    product(plan, delta, units, ptr(L, KERNEL), units, dA, inDim, rows, units, inDim, 2, 0, -1); // dA = dZ·Wᵀ
    if (real(P, RATE) > 0) {
      const mask = ptr(P, MASK);
      for (let i = 0; i < rows * inDim; i++) {
        const o = <usize>i << 2;
        store<f32>(dA + o, load<f32>(dA + o) * load<f32>(mask + o));
      }
    }
    if (word(P, ACT) >= 0) activationBackward(word(P, ACT), ptr(P, OUT), dA, dA, rows * inDim, real(plan, ALPHA));
  }
}

// @ts-ignore: decorator
@inline function paramAt(plan: usize, i: i32): usize {
  return plan + (<usize>(HEADER + word(plan, LAYERS) * LAYER_WORDS + i * PARAM_WORDS) << 2);
}

// One optimizer step on every parameter; false (and nothing committed) when a new weight is not finite.
function update(plan: usize): bool {
  const t = word(plan, STEP) + 1;
  const check = word(plan, CHECK_FINITE) != 0;
  const lr = real(plan, LR), p1 = real(plan, P1), p2 = real(plan, P2), eps = real(plan, EPS), wd = real(plan, WD);
  let finite = true;
  for (let i = 0; i < word(plan, PARAMS); i++) {
    const P = paramAt(plan, i);
    const cur = word(P, CUR), next = check ? 1 - cur : cur, n = word(P, SIZE), g = ptr(P, G);
    const w = ptr(P, HOME + cur), wOut = ptr(P, HOME + next);
    const s0 = ptr(P, S0 + cur), s0Out = ptr(P, S0 + next), s1 = ptr(P, S1 + cur), s1Out = ptr(P, S1 + next);
    switch (word(plan, OPTIMIZER)) {
      case SGD: finite = sgdStep(w, g, s0, n, lr, p1, p2 != 0, wd, wOut, s0Out) && finite; break;
      case ADAM: finite = adamStep(w, g, s0, s1, n, lr, p1, p2, eps, t, wd, wOut, s0Out, s1Out) && finite; break;
      case RMSPROP: finite = rmspropStep(w, g, s0, n, lr, p1, eps, wd, wOut, s0Out) && finite; break;
      default: finite = adagradStep(w, g, s0, n, lr, eps, wd, wOut, s0Out) && finite;
    }
  }
  if (check && !finite) return false;
  setWord(plan, STEP, t);
  for (let i = 0; i < word(plan, PARAMS) && check; i++) {
    const P = paramAt(plan, i);
    const next = 1 - word(P, CUR);
    setWord(P, CUR, next);
    store<i32>(ptr(P, REF), word(P, HOME + next));
  }
  return true;
}

// Copies current spares back into the model's buffers, so the model holds the latest weights and state.
function settle(plan: usize): void {
  for (let i = 0; i < word(plan, PARAMS); i++) {
    const P = paramAt(plan, i);
    if (word(P, CUR) == 0) continue;
    const bytes = <usize>word(P, SIZE) << 2;
    memory.copy(ptr(P, HOME), ptr(P, SPARE), bytes);
    if (ptr(P, S0) != 0) memory.copy(ptr(P, S0), ptr(P, S0_SPARE), bytes);
    if (ptr(P, S1) != 0) memory.copy(ptr(P, S1), ptr(P, S1_SPARE), bytes);
    setWord(P, CUR, 0);
    store<i32>(ptr(P, REF), word(P, HOME));
  }
}

// False when the batch's loss or any gradient is NaN or ±Infinity.
function finiteStep(plan: usize, loss: f64): bool {
  if (!isFinite(loss)) return false;
  for (let i = 0; i < word(plan, PARAMS); i++) {
    const P = paramAt(plan, i);
    if (firstNonFinite(ptr(P, G), word(P, SIZE)) >= 0) return false;
  }
  return true;
}

// Trains from the plan's CURSOR (the next batch of the current epoch) until `epochs` epochs end or `maxBatches`
// batches ran; returns the epochs that ended. SUMS holds the running sums of the epoch (slots 0..3: loss and
// metrics, weighted by rows; f64, so ≤ samples·2^-53 relative error: below f32 rounding for any dataset that fits
// memory, hence no pairwise scheme) and the last batch's means (slots 4..7); each ended epoch's means go to HISTORY
// (4 slots per epoch). With CHECK_FINITE, a batch whose loss or gradient is not finite stops training before its
// update, with FAILED set to its index in the epoch; so does a step that would make a weight non-finite. On return
// the model's buffers hold the weights and optimizer state of the last committed step.
export function trainEpochs(plan: usize, epochs: i32, maxBatches: i32): i32 {
  const samples = word(plan, SAMPLES), batch = word(plan, BATCH), loss = word(plan, LOSS), metrics = word(plan, METRICS);
  const fused = loss == SIGMOID_CE || loss >= SOFTMAX_CE;
  const yCols = word(plan, YCOLS), sums = ptr(plan, SUMS), order = ptr(plan, ORDER);
  const last = plan + (<usize>(HEADER + (word(plan, LAYERS) - 1) * LAYER_WORDS) << 2);
  const cols = word(last, UNITS), inDim = word(plan + (<usize>HEADER << 2), IN);
  let ended = 0;
  for (let b = 0; b < maxBatches && ended < epochs; b++) {
    const start = word(plan, CURSOR) * batch;
    if (start == 0) {
      for (let s = 0; s < SLOTS; s++) store<f64>(slot(sums, s), 0);
      if (ptr(plan, SHUFFLE) != 0) shuffle(ptr(plan, SHUFFLE), order, samples);
    }
    const rows = min(batch, samples - start);
    if (rows > 0) {
      gather(ptr(plan, X), ptr(plan, XB), order + (<usize>start << 2), rows, 1, word(plan, TOTAL), inDim);
      gather(ptr(plan, Y), ptr(plan, YB), order + (<usize>start << 2), rows, 1, word(plan, TOTAL), yCols);
      const out = forward(plan, rows, fused);
      const value = lossOf(loss, word(last, ACT), out, ptr(plan, YB), ptr(last, DELTA), rows, cols, real(plan, ALPHA));
      for (let s = 1; s < SLOTS; s++) store<f64>(slot(sums, SLOTS + s), 0);
      if (metrics != 0) addMetrics(loss, metrics, out, ptr(plan, YB), rows, cols, slot(sums, SLOTS));
      store<f64>(slot(sums, SLOTS), value * <f64>rows);
      for (let s = 0; s < SLOTS; s++) {
        const batchSum = load<f64>(slot(sums, SLOTS + s));
        store<f64>(slot(sums, s), load<f64>(slot(sums, s)) + batchSum);
        store<f64>(slot(sums, SLOTS + s), batchSum / <f64>rows);
      }
      backward(plan, rows);
      if ((word(plan, CHECK_FINITE) != 0 && !finiteStep(plan, value)) || !update(plan)) {
        setWord(plan, FAILED, word(plan, CURSOR));
        settle(plan);
        return ended;
      }
    }
    if (start + rows >= samples) {
      const history = ptr(plan, HISTORY) + (<usize>(ended * SLOTS) << 3);
      for (let s = 0; s < SLOTS; s++) store<f64>(slot(history, s), load<f64>(slot(sums, s)) / <f64>samples);
      setWord(plan, CURSOR, 0);
      ended++;
    } else {
      setWord(plan, CURSOR, word(plan, CURSOR) + 1);
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
