// Zero padding, cropping and up-sampling layers on the kernels of assembly/spatial.ts, with the node's geometry record
// (NODE_GEOM): cropping is a padding by minus the rows and columns cropped; up-sampling reads a window of GEOM_KH ×
// GEOM_KW taps: 1 × 1 nearest, 2 × 2 bilinear.
import { EDGE_ADD, GEOM_KH, NODE_DELTA, NODE_GEOM, NODE_OUT } from '../layout';
import { argument, edgeAt, ptr, word } from '../plan';
import { pad2d, pad2dBackward, upSample2d, upSample2dBackward, upSampleBilinear2d, upSampleBilinear2dBackward } from '../spatial';

// Node N's outputs for `rows` rows: its argument padded with zeros or cropped.
export function padForward(N: usize, rows: i32): void {
  pad2d(ptr(argument(N, 0), NODE_OUT), ptr(N, NODE_OUT), ptr(N, NODE_GEOM), rows);
}

// Backward of padForward (saves nothing): dX is the part of dOut over the argument, written or added (EDGE_ADD).
export function padBackward(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA);
  if (dX != 0) pad2dBackward(ptr(N, NODE_DELTA), dX, ptr(N, NODE_GEOM), rows, word(edgeAt(N, 0), EDGE_ADD));
}

// Node N's outputs for `rows` rows: its argument up-sampled, nearest or bilinear.
export function upSampleForward(N: usize, rows: i32): void {
  const x = ptr(argument(N, 0), NODE_OUT), y = ptr(N, NODE_OUT), g = ptr(N, NODE_GEOM);
  if (word(g, GEOM_KH) == 2) upSampleBilinear2d(x, y, g, rows);
  else upSample2d(x, y, g, rows);
}

// Backward of upSampleForward (saves nothing): the adjoint of the up-sampling, written or added (EDGE_ADD).
export function upSampleBackward(N: usize, rows: i32): void {
  const dX = ptr(argument(N, 0), NODE_DELTA), dY = ptr(N, NODE_DELTA), g = ptr(N, NODE_GEOM);
  if (dX == 0) return;
  const add = word(edgeAt(N, 0), EDGE_ADD);
  if (word(g, GEOM_KH) == 2) upSampleBilinear2dBackward(dY, dX, g, rows, add);
  else upSample2dBackward(dY, dX, g, rows, add);
}
