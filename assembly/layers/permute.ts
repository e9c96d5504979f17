// Permute and RepeatVector: each sample's values moved (permuted axes) or copied (repeated), and their gradients
// moved back or summed.
import { permuteRows, repeatRows, repeatRowsBackward } from '../copy';
import {
  EDGE_ADD, GEOM_IN_C, GEOM_IN_H, GEOM_IN_W, GEOM_MULT, GEOM_OUT_C, GEOM_OUT_H, GEOM_OUT_W, NODE_DELTA, NODE_GEOM, NODE_OUT, NODE_WIDTH,
} from '../layout';
import { argument, edgeAt, ptr, word } from '../plan';

// Axis a of the permutation `code` (GEOM_MULT of a permute: 16·p0 + 4·p1 + p2, output axis d is input axis p_d, over
// samples padded to three axes with leading 1s).
// @ts-ignore: decorator
@inline function axisOf(code: i32, d: i32): i32 { return (code >> (2 * (2 - d))) & 3; }

// Stride in elements of axis a of a sample [d0, d1, d2].
// @ts-ignore: decorator
@inline function strideOf(d1: i32, d2: i32, a: i32): i32 { return a == 0 ? d1 * d2 : a == 1 ? d2 : 1; }

// Node N's outputs: each sample [IN_H, IN_W, IN_C] with its axes permuted into [OUT_H, OUT_W, OUT_C].
export function permuteForward(N: usize, rows: i32): void {
  const G = ptr(N, NODE_GEOM), code = word(G, GEOM_MULT), w = word(G, GEOM_IN_W), c = word(G, GEOM_IN_C);
  permuteRows(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_OUT), rows, word(G, GEOM_OUT_H), word(G, GEOM_OUT_W), word(G, GEOM_OUT_C),
    strideOf(w, c, axisOf(code, 0)), strideOf(w, c, axisOf(code, 1)), strideOf(w, c, axisOf(code, 2)), false);
}

// Backward of permuteForward (saves nothing): dX is dOut under the inverse permutation (input axis p_d is output axis
// d), written or added (EDGE_ADD) to the argument's gradient.
export function permuteBackward(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX == 0) return;
  const G = ptr(N, NODE_GEOM), code = word(G, GEOM_MULT), w = word(G, GEOM_OUT_W), c = word(G, GEOM_OUT_C);
  let s0 = 0, s1 = 0, s2 = 0;
  for (let d = 0; d < 3; d++) {
    const a = axisOf(code, d), s = strideOf(w, c, d);
    if (a == 0) s0 = s; else if (a == 1) s1 = s; else s2 = s;
  }
  permuteRows(ptr(N, NODE_DELTA), dX, rows, word(G, GEOM_IN_H), word(G, GEOM_IN_W), word(G, GEOM_IN_C), s0, s1, s2,
    word(edgeAt(N, 0), EDGE_ADD) != 0);
}

// Node N's outputs [rows, n, f]: each sample [f] of its argument n times (n = NODE_WIDTH / f).
export function repeatVectorForward(N: usize, rows: i32): void {
  const X = argument(N, 0), f = word(X, NODE_WIDTH);
  repeatRows(ptr(X, NODE_OUT), ptr(N, NODE_OUT), rows, word(N, NODE_WIDTH) / f, f);
}

// Backward of repeatVectorForward (saves nothing): dX = Σ of dOut's n copies, written or added (EDGE_ADD).
export function repeatVectorBackward(N: usize, rows: i32): void {
  const X = argument(N, 0), dX = ptr(X, NODE_DELTA), f = word(X, NODE_WIDTH);
  if (dX != 0) repeatRowsBackward(ptr(N, NODE_DELTA), dX, rows, word(N, NODE_WIDTH) / f, f, word(edgeAt(N, 0), EDGE_ADD) != 0);
}
