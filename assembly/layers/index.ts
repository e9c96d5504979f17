// The kernel side of the layer registry: each layer kind's forward and backward (their files in this folder), by its
// NODE_KIND code (layout.ts). A new layer kind adds its two lines here.
import {
  KIND_CONV, KIND_DEPTHWISE_CONV, KIND_SEPARABLE_CONV, KIND_CONV_TRANSPOSE,
  KIND_ACTIVATION, KIND_ADD, KIND_AVERAGE, KIND_CONCATENATE, KIND_DENSE, KIND_DROPOUT, KIND_EMBEDDING, KIND_FLATTEN, KIND_MULTIPLY, KIND_PERMUTE,
  KIND_REPEAT_VECTOR, KIND_RESHAPE, NODE_KIND,
  KIND_MAX_POOL, KIND_GLOBAL_MAX_POOL, KIND_AVG_POOL, KIND_GLOBAL_AVG_POOL, KIND_ZERO_PADDING, KIND_CROPPING, KIND_UP_SAMPLING,
  KIND_BATCH_NORM, KIND_LAYER_NORM, KIND_CUSTOM, PLAN_FROZEN_STATS, PLAN_INFERENCE,
} from '../layout';
import { word } from '../plan';
import { activationBackwardLayer, activationForward } from './activation';
import { denseBackward, denseForward } from './dense';
import { dropoutBackward, dropoutForward } from './dropout';
import { convBackward, convForward, convTransposeBackward, convTransposeForward, depthwiseBackward, depthwiseForward, separableBackward,
  separableForward } from './conv';
import { concatenateBackward, concatenateForward, mergeBackward, mergeForward } from './merge';
import { batchNormBackwardLayer, batchNormForward, layerNormBackwardLayer, layerNormForward } from './norm';
import { reshapeBackward, reshapeForward } from './reshape';
import { embeddingBackwardLayer, embeddingForward } from './embedding';
import { permuteBackward, permuteForward, repeatVectorBackward, repeatVectorForward } from './permute';
import {
  avgPoolBackwardLayer, avgPoolForward, globalAvgPoolBackwardLayer, globalAvgPoolForward, maxPoolBackwardLayer, maxPoolForward,
} from './pool';
import { padBackward, padForward, upSampleBackward, upSampleForward } from './spatial';
import { customBackward, customForward } from './custom';

// Node N's outputs for `rows` rows (its arguments' outputs are ready): with `training`, what the backward needs kept
// and (unless PLAN_INFERENCE) dropout masks and batch statistics; the weighted sums of nodes a fused loss follows when
// `logits`. Input nodes have nothing to do.
// @ts-ignore: decorator
@inline export function nodeForward(plan: usize, N: usize, rows: i32, training: bool, logits: bool): void {
  const kind = word(N, NODE_KIND);
  if (kind == KIND_DENSE) denseForward(plan, N, rows, logits, training);
  else if (kind == KIND_DROPOUT) dropoutForward(plan, N, rows, training && word(plan, PLAN_INFERENCE) == 0);
  else if (kind == KIND_ACTIVATION) activationForward(plan, N, rows, logits);
  else if (kind == KIND_CONCATENATE) concatenateForward(N, rows);
  else if (kind == KIND_ADD || kind == KIND_MULTIPLY || kind == KIND_AVERAGE) mergeForward(N, rows, kind);
  else if (kind == KIND_FLATTEN || kind == KIND_RESHAPE) reshapeForward(N, rows);
  else if (kind == KIND_CONV) convForward(plan, N, rows, logits, training);
  else if (kind == KIND_DEPTHWISE_CONV) depthwiseForward(plan, N, rows, logits, training);
  else if (kind == KIND_SEPARABLE_CONV) separableForward(plan, N, rows, logits, training);
  else if (kind == KIND_CONV_TRANSPOSE) convTransposeForward(plan, N, rows, logits, training);
  else if (kind == KIND_EMBEDDING) embeddingForward(N, rows);
  else if (kind == KIND_PERMUTE) permuteForward(N, rows);
  else if (kind == KIND_REPEAT_VECTOR) repeatVectorForward(N, rows);
  else if (kind == KIND_MAX_POOL || kind == KIND_GLOBAL_MAX_POOL) maxPoolForward(N, rows);
  else if (kind == KIND_AVG_POOL) avgPoolForward(N, rows);
  else if (kind == KIND_GLOBAL_AVG_POOL) globalAvgPoolForward(N, rows);
  else if (kind == KIND_ZERO_PADDING || kind == KIND_CROPPING) padForward(N, rows);
  else if (kind == KIND_UP_SAMPLING) upSampleForward(N, rows);
  else if (kind == KIND_BATCH_NORM) batchNormForward(N, rows, training && word(plan, PLAN_INFERENCE) == 0, word(plan, PLAN_FROZEN_STATS) != 0);
  else if (kind == KIND_LAYER_NORM) layerNormForward(N, rows, training);
  else if (kind == KIND_CUSTOM) customForward(N, rows, training);
}

// Node N's backward for `rows` rows: from the gradient in its NODE_DELTA, its weights' gradients and its arguments'.
// @ts-ignore: decorator
@inline export function nodeBackward(plan: usize, N: usize, rows: i32): void {
  const kind = word(N, NODE_KIND);
  if (kind == KIND_DENSE) denseBackward(plan, N, rows);
  else if (kind == KIND_DROPOUT) dropoutBackward(N, rows, word(plan, PLAN_INFERENCE) != 0);
  else if (kind == KIND_ACTIVATION) activationBackwardLayer(plan, N, rows);
  else if (kind == KIND_CONCATENATE) concatenateBackward(N, rows);
  else if (kind == KIND_ADD || kind == KIND_MULTIPLY || kind == KIND_AVERAGE) mergeBackward(N, rows, kind);
  else if (kind == KIND_FLATTEN || kind == KIND_RESHAPE) reshapeBackward(N, rows);
  else if (kind == KIND_CONV) convBackward(plan, N, rows);
  else if (kind == KIND_DEPTHWISE_CONV) depthwiseBackward(plan, N, rows);
  else if (kind == KIND_SEPARABLE_CONV) separableBackward(plan, N, rows);
  else if (kind == KIND_CONV_TRANSPOSE) convTransposeBackward(plan, N, rows);
  else if (kind == KIND_EMBEDDING) embeddingBackwardLayer(N, rows);
  else if (kind == KIND_PERMUTE) permuteBackward(N, rows);
  else if (kind == KIND_REPEAT_VECTOR) repeatVectorBackward(N, rows);
  else if (kind == KIND_MAX_POOL || kind == KIND_GLOBAL_MAX_POOL) maxPoolBackwardLayer(N, rows);
  else if (kind == KIND_AVG_POOL) avgPoolBackwardLayer(N, rows);
  else if (kind == KIND_GLOBAL_AVG_POOL) globalAvgPoolBackwardLayer(N, rows);
  else if (kind == KIND_ZERO_PADDING || kind == KIND_CROPPING) padBackward(N, rows);
  else if (kind == KIND_UP_SAMPLING) upSampleBackward(N, rows);
  else if (kind == KIND_BATCH_NORM) batchNormBackwardLayer(N, rows, word(plan, PLAN_INFERENCE) != 0);
  else if (kind == KIND_LAYER_NORM) layerNormBackwardLayer(N, rows);
  else if (kind == KIND_CUSTOM) customBackward(N, rows);
}
