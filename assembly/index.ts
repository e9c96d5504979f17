// The kernel export list: every function the TypeScript layer calls, nothing else.
// Pointers are byte offsets into the one shared memory; sizes are in f32 elements unless named bytes.
export { alloc, free } from './memory';
export { binary, unary, select, clip } from './elementwise';
export { activation, activationBackward, activationBackwardFromInput, softmax, logSoftmax } from './activation';
export { reduce, argReduce } from './reduce';
export { gemm, gemmPeak, gemmTile, gemmWorkBytes, packWeights, packedWeightsFloats } from './gemm';
export { copy, gather } from './copy';
export { im2col, col2imAdd, depthwiseConvForward, depthwiseConvBackwardInput, depthwiseConvBackwardFilter } from './conv';
export { embedding, embeddingBackward } from './embedding';
export { randomUniform, randomNormal } from './random';
export { trainEpochs, evaluateRows, predictRows, forwardRows, backwardRows, lossOf, runningLogs, firstNonFinite, settlePlan, restorePointers } from './train';
export { updateMetrics } from './metrics';
export { metricValues } from './metric-values';
export { weightsChanged } from './plan';
export { applyStep } from './optim';
export { sumOfSquares, normScale } from './clip';
export { learningRateAt } from './schedule';
export { maxPool, maxPoolBackward, avgPool, avgPoolBackward, globalAvgPool, globalAvgPoolBackward } from './pool';
export { pad2d, pad2dBackward, upSample2d, upSample2dBackward, upSampleBilinear2d, upSampleBilinear2dBackward } from './spatial';
export { moments, batchNormTrain, batchNorm, batchNormBackward, layerNorm, layerNormBackward } from './norm';
