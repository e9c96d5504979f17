// Pooling layers (max, average, global max, global average; 1-D layers as 2-D with a height of 1) on the kernels of
// assembly/pool.ts, with the node's geometry record (NODE_GEOM). A global max pooling is a max pooling whose window
// is the whole input.
import { EDGE_ADD, NODE_BUF0, NODE_DELTA, NODE_GEOM, NODE_OUT } from '../layout';
import { argument, edgeAt, ptr, word } from '../plan';
import { avgPool, avgPoolBackward, globalAvgPool, globalAvgPoolBackward, maxPool, maxPoolBackward } from '../pool';

// Node N's outputs for `rows` rows: the largest tap of each window; in training plans, also the index of each
// maximum in NODE_BUF0 (0 elsewhere: not kept).
export function maxPoolForward(N: usize, rows: i32): void {
  maxPool(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_OUT), ptr(N, NODE_BUF0), ptr(N, NODE_GEOM), rows);
}

// Backward of maxPoolForward, which saved the index of each maximum in NODE_BUF0: dX gets dOut at those indexes,
// written or added (EDGE_ADD).
export function maxPoolBackwardLayer(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX != 0) maxPoolBackward(ptr(N, NODE_DELTA), ptr(N, NODE_BUF0), dX, ptr(N, NODE_GEOM), rows, word(edgeAt(N, 0), EDGE_ADD));
}

// Node N's outputs for `rows` rows: the mean of each window's taps inside the input.
export function avgPoolForward(N: usize, rows: i32): void {
  avgPool(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_OUT), ptr(N, NODE_GEOM), rows);
}

// Backward of avgPoolForward (saves nothing): each window's dOut shared among its taps, written or added (EDGE_ADD).
export function avgPoolBackwardLayer(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX != 0) avgPoolBackward(ptr(N, NODE_DELTA), dX, ptr(N, NODE_GEOM), rows, word(edgeAt(N, 0), EDGE_ADD));
}

// Node N's outputs for `rows` rows: each channel's mean over the whole input.
export function globalAvgPoolForward(N: usize, rows: i32): void {
  globalAvgPool(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_OUT), ptr(N, NODE_GEOM), rows);
}

// Backward of globalAvgPoolForward (saves nothing): dOut / (height·width) at every position, written or added.
export function globalAvgPoolBackwardLayer(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX != 0) globalAvgPoolBackward(ptr(N, NODE_DELTA), dX, ptr(N, NODE_GEOM), rows, word(edgeAt(N, 0), EDGE_ADD));
}
