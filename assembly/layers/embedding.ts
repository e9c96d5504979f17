// Embedding: each index of the argument (f32 values, checked in TypeScript to be integers in [0, inputDim)) replaced
// by its row of the table, the layer's one weight [inputDim, outputDim]; with maskZero (NODE_RATE 1), index 0 gives
// a zero row and takes no gradient.
import { embedding, embeddingBackward } from '../embedding';
import { EDGE_ADD, NODE_ADD_GRADS, NODE_DELTA, NODE_OUT, NODE_RATE, NODE_WIDTH, PARAM_GRAD, PARAM_SIZE } from '../layout';
import { argument, edgeAt, paramOf, ptr, real, weights, word } from '../plan';

// Node N's outputs [rows, indices per row, outputDim] for `rows` rows of indices.
export function embeddingForward(N: usize, rows: i32): void {
  const X = argument(N, 0), P = paramOf(N, 0), perRow = word(X, NODE_WIDTH);
  const outputDim = word(N, NODE_WIDTH) / perRow;
  embedding(weights(P), ptr(X, NODE_OUT), ptr(N, NODE_OUT), rows * perRow, word(P, PARAM_SIZE) / outputDim, outputDim, real(N, NODE_RATE) != 0);
}

// Backward of embeddingForward. Saved by the forward: nothing (the indices are its argument's outputs). The table's
// gradient is the scatter-add of dOut's rows (added to it with NODE_ADD_GRADS, a shared layer's later call); indices
// take no gradient, so an argument's gradient, if it has one, gets zeros.
export function embeddingBackwardLayer(N: usize, rows: i32): void {
  const X = argument(N, 0), P = paramOf(N, 0), perRow = word(X, NODE_WIDTH);
  const outputDim = word(N, NODE_WIDTH) / perRow;
  embeddingBackward(ptr(X, NODE_OUT), ptr(N, NODE_DELTA), ptr(P, PARAM_GRAD), rows * perRow, word(P, PARAM_SIZE) / outputDim, outputDim,
    real(N, NODE_RATE) != 0, word(N, NODE_ADD_GRADS) != 0);
  const dX = ptr(X, NODE_DELTA);
  if (dX != 0 && word(edgeAt(N, 0), EDGE_ADD) == 0) memory.fill(dX, 0, <usize>(rows * perRow) << 2);
}
