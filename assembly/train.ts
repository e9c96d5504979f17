// The training loop over a plan lowered from a model graph (src/nn/plan.ts; word offsets and codes in layout.ts),
// batch after batch in one call: shuffle, gather each input and target, the nodes forward in topological order (each
// kind's kernels in layers/, dispatched by layers/index.ts), each output's loss and its gradient, its metrics
// (metrics.ts, values read by metric-values.ts), the nodes backward in reverse order (activity penalties join there),
// the weight penalties (regularize.ts), then the optimizer updates in place and the weight constraints. evaluateRows
// and predictRows run the same forward without training.
import { gather } from './copy';
import { activationBackward, softmaxBackward } from './activation';
import { next } from './random';
import { meanSquaredError, meanAbsoluteError, binaryCrossentropy, sigmoidCrossEntropy, softmaxCrossEntropy } from './loss';
import { optimizerStep } from './optim';
import { normScale, sumOfSquares } from './clip';
import { learningRateAt } from './schedule';
import { activityPenalty, constrain, weightPenalties } from './regularize';
import { updateMetrics } from './metrics';
import { metricValues } from './metric-values';
import { nodeBackward, nodeForward } from './layers/index';
import { inputAt, nodeAt, outputAt, paramAt, ptr, real, setPtr, setWord, slot, weightsChanged, word } from './plan';
import {
  ACT_NONE, ACT_SOFTMAX, LOSS_CUSTOM, LOSS_MSE, LOSS_MAE, LOSS_SIGMOID_CE, LOSS_SOFTMAX_CE, LOSS_SPARSE_SOFTMAX_CE,
  PLAN_ROW_WEIGHTS, PLAN_SAMPLE_WEIGHTS,
  PLAN_NODES, PLAN_INPUTS, PLAN_OUTPUTS, PLAN_PARAMS, PLAN_TOTAL, PLAN_SAMPLES, PLAN_BATCH, PLAN_ORDER, PLAN_OPTIMIZER, PLAN_LR,
  PLAN_P1, PLAN_P2, PLAN_EPS, PLAN_WD, PLAN_STEP, PLAN_SHUFFLE, PLAN_FAILED, PLAN_CHECK_FINITE, PLAN_CURSOR, PLAN_SUMS,
  PLAN_HISTORY, PLAN_ALPHA, PLAN_SLOTS, PLAN_SCHEDULE, PLAN_CLIP, PLAN_CLIP_BOUND, CLIP_NORM, CLIP_GLOBAL_NORM, CLIP_VALUE,
  PLAN_ACTIVITY, PLAN_REGULARIZED,
  PLAN_STATE, PLAN_EVAL_STATE, PLAN_STATE_BYTES, PLAN_METRIC_ROW, PLAN_ROWS_DONE,
  NODE_WIDTH, NODE_OUT, NODE_DELTA, INPUT_NODE, INPUT_X, INPUT_COLS,
  OUTPUT_NODE, OUTPUT_LOSS, OUTPUT_WEIGHT, OUTPUT_Y, OUTPUT_YB, OUTPUT_Y_COLS, OUTPUT_METRIC_COUNT, OUTPUT_LOSS_SLOT, OUTPUT_ACT,
  PARAM_HOME, PARAM_SPARE, PARAM_GRAD, PARAM_SIZE, PARAM_S0, PARAM_S0_SPARE, PARAM_S1, PARAM_S1_SPARE, PARAM_CURRENT,
} from './layout';

// Mean loss of `rows` samples (NaN for none) with, when grad != 0, dLoss/dZ of the last layer written there; `out`
// holds the weighted sums for the fused losses, else the outputs of activation `act`. With `weights` (f32 per row; 0:
// unweighted), Σ w·loss / rows and each row's gradient times its weight (loss.ts).
export function lossOf(loss: i32, act: i32, out: usize, target: usize, grad: usize, rows: i32, cols: i32, alpha: f32, weights: usize): f64 {
  const n = rows * cols;
  let value: f64;
  switch (loss) {
    case LOSS_SOFTMAX_CE: return softmaxCrossEntropy(out, target, grad, rows, cols, false, weights);
    case LOSS_SPARSE_SOFTMAX_CE: return softmaxCrossEntropy(out, target, grad, rows, cols, true, weights);
    case LOSS_SIGMOID_CE: return sigmoidCrossEntropy(out, target, grad, n, weights, cols);
    case LOSS_MSE: value = meanSquaredError(out, target, grad, n, weights, cols); break;
    case LOSS_MAE: value = meanAbsoluteError(out, target, grad, n, weights, cols); break;
    default: value = binaryCrossentropy(out, target, grad, n, 1e-7, weights, cols);
  }
  if (grad != 0 && act != ACT_NONE && act != ACT_SOFTMAX) activationBackward(act, out, grad, grad, n, alpha);
  return value;
}

// The mean loss of a loss function written in ops (LOSS_CUSTOM) for output record R, on the host: its outputs `out`
// and targets `target` ([rows, the output's width] each), its rows weighted by `weights` (f32 per row; 0: unweighted);
// when grad != 0, dLoss/dOutputs written there. An error the function throws passes through (the host settles the
// plan).
@external("env", "lossHost")
declare function lossHost(R: usize, out: usize, target: usize, grad: usize, rows: i32, weights: usize): f64;

// lossHost, then (with grad != 0) the gradient taken through the activation `act` the output record says the loss
// differentiates through (softmax from its outputs, as the activation layer's backward does).
function customLoss(R: usize, act: i32, out: usize, target: usize, grad: usize, rows: i32, cols: i32, alpha: f32, weights: usize): f64 {
  const value = lossHost(R, out, target, grad, rows, weights);
  if (grad != 0 && act == ACT_SOFTMAX) softmaxBackward(out, grad, grad, rows, cols);
  else if (grad != 0 && act != ACT_NONE) activationBackward(act, out, grad, grad, rows * cols, alpha);
  return value;
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

// Every node's outputs for `rows` rows of the inputs' NODE_OUT, in topological order; dropout masks when
// `training`; the weighted sums of nodes a fused loss follows when `logits`. In evaluation (not training, with
// logits), returns the nodes' activity penalties, each taken as soon as its node ran (evaluation plans share output
// buffers); else 0.
function forward(plan: usize, rows: i32, training: bool, logits: bool): f64 {
  const activity = !training && logits && word(plan, PLAN_ACTIVITY) != 0;
  let penalties = 0.0;
  // Input nodes come first and have nothing to do.
  for (let i = word(plan, PLAN_INPUTS), n = word(plan, PLAN_NODES); i < n; i++) {
    nodeForward(plan, nodeAt(plan, i), rows, training, logits);
    if (activity) penalties += activityPenalty(nodeAt(plan, i), rows, false);
  }
  return penalties;
}

// Gradients of the batch, in reverse topological order, from each output's loss gradient in its NODE_DELTA; a node's
// activity penalty adds its gradient to NODE_DELTA before the node's backward runs. Returns the activity penalties.
function backward(plan: usize, rows: i32): f64 {
  const activity = word(plan, PLAN_ACTIVITY) != 0;
  let penalties = 0.0;
  for (let i = word(plan, PLAN_NODES) - 1, inputs = word(plan, PLAN_INPUTS); i >= inputs; i--) {
    const N = nodeAt(plan, i);
    if (activity) penalties += activityPenalty(N, rows, true);
    if (ptr(N, NODE_DELTA) != 0) nodeBackward(plan, N, rows);
  }
  return penalties;
}

// The losses and metrics of `rows` rows whose outputs the forward left and whose targets are at each OUTPUT_YB: each
// output's loss added (as a sum over the rows) at its OUTPUT_LOSS_SLOT of the block of PLAN_SLOTS f64 at `sums`, with
// several outputs also the total (Σ weight · loss) at slot 0; its metrics added to their state in block `state`. With
// `gradients`, each output's NODE_DELTA gets the gradient of weight · its loss. Returns the total loss (the mean over
// the rows).
function losses(plan: usize, rows: i32, sums: usize, state: usize, gradients: bool): f64 {
  let total = 0.0;
  const outputs = word(plan, PLAN_OUTPUTS), weights = ptr(plan, PLAN_ROW_WEIGHTS);
  for (let o = 0; o < outputs; o++) {
    const R = outputAt(plan, o), N = ptr(R, OUTPUT_NODE), loss = word(R, OUTPUT_LOSS), cols = word(N, NODE_WIDTH);
    const out = ptr(N, NODE_OUT), target = ptr(R, OUTPUT_YB), grad = gradients ? ptr(N, NODE_DELTA) : 0, weight = real(R, OUTPUT_WEIGHT);
    const value = loss == LOSS_CUSTOM ? customLoss(R, word(R, OUTPUT_ACT), out, target, grad, rows, cols, real(plan, PLAN_ALPHA), weights)
      : lossOf(loss, word(R, OUTPUT_ACT), out, target, grad, rows, cols, real(plan, PLAN_ALPHA), weights);
    if (grad != 0 && weight != 1) for (let i = 0; i < rows * cols; i++) store<f32>(grad + (<usize>i << 2), load<f32>(grad + (<usize>i << 2)) * weight);
    const at = slot(sums, word(R, OUTPUT_LOSS_SLOT));
    store<f64>(at, load<f64>(at) + value * <f64>rows);
    if (word(R, OUTPUT_METRIC_COUNT) != 0) updateMetrics(R, state, loss, out, target, rows, cols, weights, ptr(plan, PLAN_METRIC_ROW));
    total += weight == 1 ? value : <f64>weight * value;
  }
  if (outputs > 1) store<f64>(sums, load<f64>(sums) + total * <f64>rows);
  return total;
}

// The logs of `rows` rows into `logs` (PLAN_SLOTS f64; may be `sums`): each loss sum in `sums` over the rows, and
// each output's metric values from their state in block `state`.
function logsOf(plan: usize, sums: usize, state: usize, rows: i32, logs: usize): void {
  for (let s = 0, slots = word(plan, PLAN_SLOTS); s < slots; s++) store<f64>(slot(logs, s), load<f64>(slot(sums, s)) / <f64>rows);
  for (let o = 0; o < word(plan, PLAN_OUTPUTS); o++) {
    const R = outputAt(plan, o);
    if (word(R, OUTPUT_METRIC_COUNT) != 0) metricValues(R, state, logs, word(ptr(R, OUTPUT_NODE), NODE_WIDTH));
  }
}

// The running logs of the current epoch (what a progress bar shows) into `logs` (PLAN_SLOTS f64): the mean losses
// over the rows trained on so far in it and the metrics over them; those of the whole epoch when it just ended.
export function runningLogs(plan: usize, logs: usize): void {
  logsOf(plan, ptr(plan, PLAN_SUMS), ptr(plan, PLAN_STATE), word(plan, PLAN_ROWS_DONE), logs);
}

// Row weights of a training batch: the sample weights of the rows `picks` names, into PLAN_ROW_WEIGHTS.
function gatherWeights(plan: usize, picks: usize, rows: i32): void {
  const from = ptr(plan, PLAN_SAMPLE_WEIGHTS), to = ptr(plan, PLAN_ROW_WEIGHTS);
  for (let r = 0; r < rows; r++) {
    store<f32>(to + (<usize>r << 2), load<f32>(from + (<usize>load<i32>(picks + (<usize>r << 2)) << 2)));
  }
}

// One optimizer step on every parameter; false (and nothing committed) when a new weight is not finite. The rate is
// PLAN_LR, or the schedule's at the step count before this step; clipping by norm scales each gradient (or all
// together) to PLAN_CLIP_BOUND, by value clamps each element to it, both as the step reads the gradient. A norm
// that is not finite (a gradient element NaN or ±Infinity) fails the step under PLAN_CHECK_FINITE, before any write.
function update(plan: usize): bool {
  const t = word(plan, PLAN_STEP) + 1;
  const check = word(plan, PLAN_CHECK_FINITE) != 0;
  const schedule = ptr(plan, PLAN_SCHEDULE);
  const lr = schedule != 0 ? learningRateAt(schedule, <f64>(t - 1)) : real(plan, PLAN_LR);
  const p1 = real(plan, PLAN_P1), p2 = real(plan, PLAN_P2), eps = real(plan, PLAN_EPS), wd = real(plan, PLAN_WD);
  const clip = word(plan, PLAN_CLIP), clipBound = real(plan, PLAN_CLIP_BOUND);
  const bound: f32 = clip == CLIP_VALUE ? clipBound : Infinity;
  let scale: f32 = 1;
  if (clip == CLIP_GLOBAL_NORM) {
    let squares: f64 = 0;
    for (let i = 0; i < word(plan, PLAN_PARAMS); i++) squares += sumOfSquares(ptr(paramAt(plan, i), PARAM_GRAD), word(paramAt(plan, i), PARAM_SIZE));
    scale = normScale(squares, clipBound);
    if (check && !isFinite(scale)) return false;
  }
  let finite = true;
  weightsChanged();
  for (let i = 0; i < word(plan, PLAN_PARAMS); i++) {
    const P = paramAt(plan, i);
    const cur = word(P, PARAM_CURRENT), next = check ? 1 - cur : cur, n = word(P, PARAM_SIZE), g = ptr(P, PARAM_GRAD);
    if (clip == CLIP_NORM) {
      scale = normScale(sumOfSquares(g, n), clipBound);
      if (check && !isFinite(scale)) return false; // nothing committed: the steps so far wrote spares only
    }
    const w = ptr(P, PARAM_HOME + cur), wOut = ptr(P, PARAM_HOME + next);
    const s0 = ptr(P, PARAM_S0 + cur), s0Out = ptr(P, PARAM_S0 + next), s1 = ptr(P, PARAM_S1 + cur), s1Out = ptr(P, PARAM_S1 + next);
    finite = optimizerStep(word(plan, PLAN_OPTIMIZER), w, g, s0, s1, n, lr, p1, p2, eps, t, wd, scale, bound, wOut, s0Out, s1Out) && finite;
  }
  if (check && !finite) return false;
  setWord(plan, PLAN_STEP, t);
  for (let i = 0; i < word(plan, PLAN_PARAMS) && check; i++) {
    const P = paramAt(plan, i);
    setWord(P, PARAM_CURRENT, 1 - word(P, PARAM_CURRENT));
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
  }
}

// settle, for the host: after a call into the plan stopped on an error a host import threw (a custom loss or layer),
// the model's buffers get the weights and optimizer state of the last committed step.
export function settlePlan(plan: usize): void {
  settle(plan);
}

// False when the batch's loss or any gradient is NaN or ±Infinity. Clipping by norm checks the gradients in update
// (their squared norms are not finite exactly when an element is not), so that they are read once.
function finiteStep(plan: usize, loss: f64): bool {
  if (!isFinite(loss)) return false;
  const clip = word(plan, PLAN_CLIP);
  if (clip == CLIP_NORM || clip == CLIP_GLOBAL_NORM) return true;
  for (let i = 0; i < word(plan, PLAN_PARAMS); i++) {
    const P = paramAt(plan, i);
    if (firstNonFinite(ptr(P, PARAM_GRAD), word(P, PARAM_SIZE)) >= 0) return false;
  }
  return true;
}

// Trains from the plan's PLAN_CURSOR (the next batch of the current epoch) until `epochs` epochs end or `maxBatches`
// batches ran; returns the epochs that ended. PLAN_SUMS holds the running loss sums of the epoch (PLAN_SLOTS f64:
// weighted by rows; f64, so ≤ samples·2^-53 relative error: below f32 rounding for any dataset that fits memory, hence
// no pairwise scheme) and PLAN_STATE its metrics' state, both reset as an epoch starts; each ended epoch's logs go to
// PLAN_HISTORY (PLAN_SLOTS f64 per epoch). With PLAN_CHECK_FINITE, a batch whose loss or gradient is not finite stops
// training before its update, with PLAN_FAILED set to its index in the epoch; so does a step that would make a weight
// non-finite. On return the model's buffers hold the weights and optimizer state of the last committed step.
export function trainEpochs(plan: usize, epochs: i32, maxBatches: i32): i32 {
  const samples = word(plan, PLAN_SAMPLES), batch = word(plan, PLAN_BATCH), total = word(plan, PLAN_TOTAL), slots = word(plan, PLAN_SLOTS);
  const sums = ptr(plan, PLAN_SUMS), state = ptr(plan, PLAN_STATE), order = ptr(plan, PLAN_ORDER);
  let ended = 0;
  for (let b = 0; b < maxBatches && ended < epochs; b++) {
    const start = word(plan, PLAN_CURSOR) * batch;
    if (start == 0) {
      for (let s = 0; s < slots; s++) store<f64>(slot(sums, s), 0);
      // NOTE: only when there is state: an empty memory.fill still cost about 150 ns per epoch here (Node 20), which
      // made the 60,000 one-batch epochs of a 3-4-1 fit 30 % slower.
      if (word(plan, PLAN_STATE_BYTES) != 0) memory.fill(state, 0, <usize>word(plan, PLAN_STATE_BYTES));
      setWord(plan, PLAN_ROWS_DONE, 0);
      if (ptr(plan, PLAN_SHUFFLE) != 0) shuffle(ptr(plan, PLAN_SHUFFLE), order, samples);
    }
    const rows = min(batch, samples - start);
    if (rows > 0) {
      const picks = order + (<usize>start << 2);
      for (let i = 0; i < word(plan, PLAN_INPUTS); i++) {
        const R = inputAt(plan, i);
        gather(ptr(R, INPUT_X), ptr(ptr(R, INPUT_NODE), NODE_OUT), picks, rows, 1, total, word(R, INPUT_COLS));
      }
      for (let o = 0; o < word(plan, PLAN_OUTPUTS); o++) {
        const R = outputAt(plan, o);
        gather(ptr(R, OUTPUT_Y), ptr(R, OUTPUT_YB), picks, rows, 1, total, word(R, OUTPUT_Y_COLS));
      }
      if (ptr(plan, PLAN_SAMPLE_WEIGHTS) != 0) gatherWeights(plan, picks, rows);
      forward(plan, rows, true, true);
      let value = losses(plan, rows, sums, state, true);
      setWord(plan, PLAN_ROWS_DONE, word(plan, PLAN_ROWS_DONE) + rows);
      // The penalties join the batch's total loss (slot 0; Keras adds its regularization losses to `loss`).
      const penalties = backward(plan, rows) + (word(plan, PLAN_REGULARIZED) != 0 ? weightPenalties(plan, true) : 0);
      if (penalties != 0) {
        value += penalties;
        store<f64>(sums, load<f64>(sums) + penalties * <f64>rows);
      }
      if ((word(plan, PLAN_CHECK_FINITE) != 0 && !finiteStep(plan, value)) || !update(plan)) {
        setWord(plan, PLAN_FAILED, word(plan, PLAN_CURSOR));
        settle(plan);
        return ended;
      }
      if (word(plan, PLAN_REGULARIZED) != 0) constrain(plan);
    }
    if (start + rows >= samples) {
      logsOf(plan, sums, state, samples, ptr(plan, PLAN_HISTORY) + (<usize>(ended * slots) << 3));
      setWord(plan, PLAN_CURSOR, 0);
      ended++;
    } else {
      setWord(plan, PLAN_CURSOR, word(plan, PLAN_CURSOR) + 1);
    }
  }
  settle(plan);
  return ended;
}

// Points each input node at rows [start, …) of its data, and each output at rows of its targets (as OUTPUT_YB) or,
// when `into`, makes those rows of OUTPUT_Y its node's outputs (prediction).
function pointAtRows(plan: usize, start: i32, into: bool): void {
  const weights = ptr(plan, PLAN_SAMPLE_WEIGHTS);
  setPtr(plan, PLAN_ROW_WEIGHTS, weights == 0 || into ? 0 : weights + (<usize>start << 2));
  for (let i = 0; i < word(plan, PLAN_INPUTS); i++) {
    const R = inputAt(plan, i);
    setPtr(ptr(R, INPUT_NODE), NODE_OUT, ptr(R, INPUT_X) + (<usize>(start * word(R, INPUT_COLS)) << 2));
  }
  for (let o = 0; o < word(plan, PLAN_OUTPUTS); o++) {
    const R = outputAt(plan, o), N = ptr(R, OUTPUT_NODE);
    if (into) setPtr(N, NODE_OUT, ptr(R, OUTPUT_Y) + (<usize>(start * word(N, NODE_WIDTH)) << 2));
    else setPtr(R, OUTPUT_YB, ptr(R, OUTPUT_Y) + (<usize>(start * word(R, OUTPUT_Y_COLS)) << 2));
  }
}

// Keeps (save) or puts back (restore) the input nodes' NODE_OUT, the outputs' OUTPUT_YB and NODE_OUT and the plan's
// PLAN_ROW_WEIGHTS in `keep` (2 words per input, 2 per output, then 2), so that evaluation and prediction leave a
// training plan as it was.
function keepPointers(plan: usize, keep: usize, restore: bool): void {
  let at = keep;
  for (let i = 0; i < word(plan, PLAN_INPUTS); i++, at += 8) {
    const N = ptr(inputAt(plan, i), INPUT_NODE);
    if (restore) setPtr(N, NODE_OUT, load<i32>(at)); else store<i32>(at, word(N, NODE_OUT));
  }
  for (let o = 0; o < word(plan, PLAN_OUTPUTS); o++, at += 8) {
    const R = outputAt(plan, o), N = ptr(R, OUTPUT_NODE);
    if (restore) { setPtr(R, OUTPUT_YB, load<i32>(at)); setPtr(N, NODE_OUT, load<i32>(at + 4)); }
    else { store<i32>(at, word(R, OUTPUT_YB)); store<i32>(at + 4, word(N, NODE_OUT)); }
  }
  if (restore) setWord(plan, PLAN_ROW_WEIGHTS, load<i32>(at)); else store<i32>(at, word(plan, PLAN_ROW_WEIGHTS));
}

// Puts back the pointers keepPointers kept, for the host, after evaluateRows or predictRows stopped on an error a host
// import threw.
export function restorePointers(plan: usize, keep: usize): void {
  keepPointers(plan, keep, true);
}

// The mean losses and metrics (PLAN_SLOTS f64 into `sums`) over rows [from, to) of the data, PLAN_BATCH rows at a
// time, dropout off: the forward of training, read straight from the data (no gather), rows weighted by their
// PLAN_SAMPLE_WEIGHTS when it is set, the metrics' state in PLAN_EVAL_STATE. `keep` holds 2 · (inputs + outputs + 1)
// words of scratch. Returns the total loss.
export function evaluateRows(plan: usize, from: i32, to: i32, sums: usize, keep: usize): f64 {
  const slots = word(plan, PLAN_SLOTS), chunk = word(plan, PLAN_BATCH), state = ptr(plan, PLAN_EVAL_STATE);
  for (let s = 0; s < slots; s++) store<f64>(slot(sums, s), 0);
  memory.fill(state, 0, <usize>word(plan, PLAN_STATE_BYTES));
  keepPointers(plan, keep, false);
  for (let start = from; start < to; start += chunk) {
    const rows = min(chunk, to - start);
    pointAtRows(plan, start, false);
    const activity = forward(plan, rows, false, true);
    losses(plan, rows, sums, state, false);
    if (activity != 0) store<f64>(sums, load<f64>(sums) + activity * <f64>rows);
  }
  keepPointers(plan, keep, true);
  // The weights' penalties join the loss of every row, as they join each batch's in Keras's evaluation.
  const penalties = word(plan, PLAN_REGULARIZED) != 0 ? weightPenalties(plan, false) : 0;
  if (penalties != 0) store<f64>(sums, load<f64>(sums) + penalties * <f64>(to - from));
  logsOf(plan, sums, state, to - from, sums);
  return load<f64>(sums);
}

// Each output's values for rows [from, to) of the inputs' data into the same rows of its OUTPUT_Y, PLAN_BATCH rows at
// a time, dropout off: the forward of training. `keep` as for evaluateRows.
export function predictRows(plan: usize, from: i32, to: i32, keep: usize): void {
  const chunk = word(plan, PLAN_BATCH);
  keepPointers(plan, keep, false);
  for (let start = from; start < to; start += chunk) {
    pointAtRows(plan, start, true);
    forward(plan, min(chunk, to - start), false, false);
  }
  keepPointers(plan, keep, true);
}

// A model call for a gradient tape (src/nn/apply.ts): each input's `rows` rows copied from its INPUT_X into its node,
// every node forward keeping what the backward needs (dropout and batch statistics unless PLAN_INFERENCE), and each
// output's values copied to its OUTPUT_Y (0: not copied). The plan then holds the forward for backwardRows.
export function forwardRows(plan: usize, rows: i32): void {
  for (let i = 0; i < word(plan, PLAN_INPUTS); i++) {
    const R = inputAt(plan, i), x = ptr(R, INPUT_X);
    if (x != 0) memory.copy(ptr(ptr(R, INPUT_NODE), NODE_OUT), x, <usize>(rows * word(R, INPUT_COLS)) << 2);
  }
  forward(plan, rows, true, false);
  for (let o = 0; o < word(plan, PLAN_OUTPUTS); o++) {
    const R = outputAt(plan, o), N = ptr(R, OUTPUT_NODE), y = ptr(R, OUTPUT_Y);
    if (y != 0) memory.copy(y, ptr(N, NODE_OUT), <usize>(rows * word(N, NODE_WIDTH)) << 2);
  }
}

// The backward of the forward forwardRows left, from each output's NODE_DELTA (dLoss/dA, filled by the caller): every
// parameter's gradient into its PARAM_GRAD and each input's into its node's NODE_DELTA (0: not wanted). No update.
export function backwardRows(plan: usize, rows: i32): void {
  backward(plan, rows); // (apply plans have no activity penalties)
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
