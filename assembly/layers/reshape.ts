// Flatten and reshape: each sample's values unchanged, in the same order; only the shape the graph gives them changes.
import { NODE_DELTA, NODE_OUT, NODE_WIDTH, EDGE_ADD } from '../layout';
import { argument, edgeAt, ptr, putOrAdd, word } from '../plan';

// Node N's outputs for `rows` rows: its argument's values.
export function reshapeForward(N: usize, rows: i32): void {
  const x = ptr(argument(N, 0), NODE_OUT), out = ptr(N, NODE_OUT);
  if (out != x) memory.copy(out, x, <usize>(rows * word(N, NODE_WIDTH)) << 2);
}

// Backward of reshapeForward (saves nothing): dX = dOut, written or added (EDGE_ADD) to the argument's gradient.
export function reshapeBackward(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX != 0) putOrAdd(dX, ptr(N, NODE_DELTA), rows * word(N, NODE_WIDTH), word(edgeAt(N, 0), EDGE_ADD) != 0);
}
