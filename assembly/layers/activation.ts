// Activation as a layer: outputs = act(inputs), element by element, or softmax over the last axis of each sample.

// The length of the last axis of node N's samples, softmax's groups (its geometry record's GEOM_IN_C; the whole row
// without one).
function lastAxis(N: usize, width: i32): i32 {
  const G = ptr(N, NODE_GEOM);
  const last = G != 0 ? geom(G, GEOM_IN_C) : 0;
  return last > 0 ? last : width;
}
import { activation, activationBackward, activationBackwardFromInput, needsInput, softmax, softmaxBackward } from '../activation';
import { ACT_NONE, ACT_SOFTMAX, GEOM_IN_C, PLAN_ALPHA, NODE_ACT, NODE_DELTA, NODE_DELTA_IS_DZ, NODE_GEOM, NODE_LOGITS, NODE_OUT, NODE_WIDTH, EDGE_ADD } from '../layout';
import { geom } from '../window';
import { argument, edgeAt, ptr, putOrAdd, real, word } from '../plan';

// Node N's outputs for `rows` rows of its argument; with `logits` and NODE_LOGITS (a fused loss follows), its argument
// unchanged (the loss applies the activation).
export function activationForward(plan: usize, N: usize, rows: i32, logits: bool): void {
  const x = ptr(argument(N, 0), NODE_OUT), out = ptr(N, NODE_OUT), width = word(N, NODE_WIDTH), act = word(N, NODE_ACT), n = rows * width;
  if (act == ACT_NONE || (logits && word(N, NODE_LOGITS) != 0)) memory.copy(out, x, <usize>n << 2);
  else if (act == ACT_SOFTMAX) {
    const last = lastAxis(N, width);
    if (rows > 0 && last > 0) softmax(x, out, rows * (width / last), last, 1);
  }
  else activation(act, x, out, n, real(plan, PLAN_ALPHA));
}

// Backward of activationForward. Saved by the forward: its outputs A (its argument's X for gelu and swish). NODE_DELTA
// holds dLoss/dA, made dLoss/dX here
// (act'(x), or for softmax A ⊙ (dA − Σ_row dA ⊙ A)) unless NODE_DELTA_IS_DZ; then written or added (EDGE_ADD) to the
// argument's gradient.
export function activationBackwardLayer(plan: usize, N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX == 0) return;
  const delta = ptr(N, NODE_DELTA), out = ptr(N, NODE_OUT), width = word(N, NODE_WIDTH), act = word(N, NODE_ACT), n = rows * width;
  if (word(N, NODE_DELTA_IS_DZ) == 0 && act == ACT_SOFTMAX) {
    const last = lastAxis(N, width);
    if (last > 0) softmaxBackward(out, delta, delta, rows * (width / last), last);
  } else if (word(N, NODE_DELTA_IS_DZ) == 0 && act != ACT_NONE) {
    if (needsInput(act)) activationBackwardFromInput(act, ptr(argument(N, 0), NODE_OUT), delta, delta, n);
    else activationBackward(act, out, delta, delta, n, real(plan, PLAN_ALPHA));
  }
  putOrAdd(dX, delta, n, word(edgeAt(N, 0), EDGE_ADD) != 0);
}
