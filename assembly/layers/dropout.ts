// Dropout: while training, outputs = inputs · mask with mask = (u > rate)/(1 − rate) for fresh uniform u; otherwise
// outputs = inputs.
import { next } from '../random';
import { PLAN_DROP_STATE, NODE_DELTA, NODE_MASK, NODE_OUT, NODE_RATE, NODE_WIDTH, EDGE_ADD } from '../layout';
import { argument, edgeAt, ptr, putOrAdd, real, word } from '../plan';

// Node N's outputs for `rows` rows: masked from the plan's dropout generator when `training`, else a copy.
export function dropoutForward(plan: usize, N: usize, rows: i32, training: bool): void {
  const x = ptr(argument(N, 0), NODE_OUT), out = ptr(N, NODE_OUT), n = rows * word(N, NODE_WIDTH);
  if (!training) {
    if (out != x) memory.copy(out, x, <usize>n << 2);
    return;
  }
  const state = ptr(plan, PLAN_DROP_STATE), mask = ptr(N, NODE_MASK), rate = real(N, NODE_RATE);
  const scale: f32 = 1 / (1 - rate);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const m: f32 = <f32>(next(state) >>> 8) * 5.9604644775390625e-8 > rate ? scale : 0;
    store<f32>(mask + o, m);
    store<f32>(out + o, load<f32>(x + o) * m);
  }
}

// Backward of dropoutForward. Saved by the forward: the mask (training). dX = dOut · mask, or with `inference` (a
// forward without dropout) dOut, written or added (EDGE_ADD) to the argument's gradient, if it takes one.
export function dropoutBackward(N: usize, rows: i32, inference: bool = false): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX == 0) return;
  const delta = ptr(N, NODE_DELTA), mask = ptr(N, NODE_MASK), n = rows * word(N, NODE_WIDTH), add = word(edgeAt(N, 0), EDGE_ADD) != 0;
  if (inference) {
    putOrAdd(dX, delta, n, add);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(delta + o) * load<f32>(mask + o);
    store<f32>(dX + o, add ? load<f32>(dX + o) + g : g);
  }
}
