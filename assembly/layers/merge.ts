// Merge layers over NODE_EDGE_COUNT arguments of one shape (concatenate: of one row count), element by element in
// argument order: add (Σ), multiply (Π), average (Σ / count), concatenate (rows joined along the features).
import { KIND_ADD, KIND_AVERAGE, KIND_MULTIPLY, NODE_DELTA, NODE_EDGE_COUNT, NODE_OUT, NODE_WIDTH, EDGE_ADD } from '../layout';
import { argument, edgeAt, ptr, putOrAdd, word } from '../plan';

// Node N's outputs for `rows` rows: the sum, product or mean (by `kind`) of its arguments.
export function mergeForward(N: usize, rows: i32, kind: i32): void {
  const count = word(N, NODE_EDGE_COUNT), n = rows * word(N, NODE_WIDTH), out = ptr(N, NODE_OUT);
  memory.copy(out, ptr(argument(N, 0), NODE_OUT), <usize>n << 2);
  for (let a = 1; a < count; a++) {
    const x = ptr(argument(N, a), NODE_OUT);
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, kind == KIND_MULTIPLY ? load<f32>(out + o) * load<f32>(x + o) : load<f32>(out + o) + load<f32>(x + o));
    }
  }
  if (kind != KIND_AVERAGE) return;
  const c = <f32>count;
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), load<f32>(out + (<usize>i << 2)) / c);
}

// Backward of mergeForward. Saved by the forward: the arguments' outputs (multiply only). Argument a's gradient is
// dOut (add), dOut / count (average) or dOut · Π of the other arguments (multiply), written or added (EDGE_ADD).
export function mergeBackward(N: usize, rows: i32, kind: i32): void {
  const count = word(N, NODE_EDGE_COUNT), n = rows * word(N, NODE_WIDTH), delta = ptr(N, NODE_DELTA);
  for (let a = 0; a < count; a++) {
    const dX = ptr(argument(N, a), NODE_DELTA);
    if (dX == 0) continue;
    const add = word(edgeAt(N, a), EDGE_ADD) != 0;
    if (kind == KIND_ADD) { putOrAdd(dX, delta, n, add); continue; }
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      let g = load<f32>(delta + o);
      if (kind == KIND_AVERAGE) g /= <f32>count;
      else for (let b = 0; b < count; b++) if (b != a) g *= load<f32>(ptr(argument(N, b), NODE_OUT) + o);
      store<f32>(dX + o, add ? load<f32>(dX + o) + g : g);
    }
  }
}

// Node N's outputs for `rows` rows: each row the arguments' rows side by side, in argument order.
export function concatenateForward(N: usize, rows: i32): void {
  const count = word(N, NODE_EDGE_COUNT), width = word(N, NODE_WIDTH), out = ptr(N, NODE_OUT);
  let offset = 0;
  for (let a = 0; a < count; a++) {
    const P = argument(N, a), w = word(P, NODE_WIDTH), x = ptr(P, NODE_OUT);
    for (let r = 0; r < rows; r++) memory.copy(out + (<usize>(r * width + offset) << 2), x + (<usize>(r * w) << 2), <usize>w << 2);
    offset += w;
  }
}

// Backward of concatenateForward. Saved: nothing. Argument a's gradient is its columns of dOut, written or added.
export function concatenateBackward(N: usize, rows: i32): void {
  const count = word(N, NODE_EDGE_COUNT), width = word(N, NODE_WIDTH), delta = ptr(N, NODE_DELTA);
  let offset = 0;
  for (let a = 0; a < count; a++) {
    const P = argument(N, a), w = word(P, NODE_WIDTH), dX = ptr(P, NODE_DELTA), add = word(edgeAt(N, a), EDGE_ADD) != 0;
    if (dX != 0) for (let r = 0; r < rows; r++) putOrAdd(dX + (<usize>(r * w) << 2), delta + (<usize>(r * width + offset) << 2), w, add);
    offset += w;
  }
}
