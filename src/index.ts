// simdeep: tensors and neural networks on SIMD WebAssembly kernels over one shared memory.
export { Tensor, type Operand, type NestedArray } from './tensor/tensor';
export { ShapeError, DisposedError, DivergedError } from './tensor/errors';
export { tensor, scalar, zeros, ones, full, eye, arange, linspace, zerosLike, onesLike, type TensorValues } from './tensor/create';
export { seed, rand, randn, randomUniform, type RandomOptions, type NormalOptions } from './tensor/random';
export { memory, tidy, keep, dispose, type MemoryInfo } from './memory';
export { variable, Variable, type VariableOptions } from './tensor/variable';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, stopGradient, type CustomGradientFunc } from './autograd/gradients';
export { add, sub, mul, div, pow, maximum, minimum, greater, less, equal, neg, abs, exp, log, sqrt, square } from './ops/elementwise';
export { greaterEqual, lessEqual, notEqual, sign, where, clipByValue } from './ops/elementwise';
export { sigmoid, relu, leakyRelu, tanh, softplus, gelu, elu, selu, relu6, hardSigmoid, swish, silu, softmax } from './ops/activation';
export { logSoftmax } from './ops/activation';
export { sum, mean, max, min, argmax, argmin } from './ops/reduce';
export { moments, batchNorm } from './ops/norm';
export { matmul, dot, outer, type MatmulOptions } from './ops/matmul';
export { conv2d, conv1d, depthwiseConv2d, separableConv2d, conv2dTranspose } from './ops/conv';
export type { Padding } from './ops/window';
export { clone, reshape, broadcastTo, transpose, squeeze, expandDims, slice, pad, indexAxis, concat, stack } from './ops/shape';
export { gather, unsortedSegmentSum } from './ops/gather';
export { maxPool, avgPool, maxPoolWithArgmax, type PoolPadding, type ExplicitPadding, type DimRoundingMode } from './ops/pool';
export { setThreads, threads, type ThreadsInfo } from './runtime/threads';
export { preferRelaxedSimd } from './runtime/wasm';
export { sequential, Sequential, type SequentialOptions, type SequentialConfig } from './nn/sequential';
export { model, Model, type ModelOptions, type BatchOptions, type EvaluateOptions, type ApplyOptions } from './nn/model';
export type { SampleWeight, ClassWeight, WeightOptions } from './nn/sample-weights';
export { ScalarValue, type Evaluation, type EvaluationTensors } from './nn/evaluation';
export { input, InputLayer, type InputOptions } from './nn/layers/input';
export { Layer, type LayerOptions, type LayerArgs, type InputShapeOptions } from './nn/layers/layer';
export type { SymbolicShape } from './nn/layers/custom';
export { Merge, type MergeOptions } from './nn/layers/merge';
export { Activation, type ActivationOptions } from './nn/layers/activation';
export { Flatten, Reshape, type FlattenOptions, type ReshapeOptions } from './nn/layers/reshape';
export { Embedding, type EmbeddingOptions } from './nn/layers/embedding';
export { Permute, RepeatVector, type PermuteOptions, type RepeatVectorOptions } from './nn/layers/permute';
export {
  Pooling, GlobalPooling, type Pooling1DOptions, type Pooling2DOptions, type PoolingClass, type GlobalPoolingOptions, type GlobalPoolingClass,
} from './nn/layers/pooling';
export {
  ZeroPadding2D, Cropping2D, UpSampling2D, type ZeroPadding2DOptions, type Cropping2DOptions, type UpSampling2DOptions, type SidesOption,
} from './nn/layers/spatial';
export { SymbolicTensor } from './nn/symbolic';
export type { CompileOptions, LossOption, MetricList } from './nn/compile';
export type { TensorList } from './nn/data';
export { dense, Dense, type DenseOptions, type ActivationName } from './nn/layers/dense';
export type { ActivityRegularizerOptions, BiasRuleOptions, KernelRuleOptions } from './nn/layers/regularization';
export type { FitOptions, FitParams, History, Callbacks, Logs } from './nn/fit';
export type { LossName, LossFunction } from './nn/losses';
export { Metric, type MetricName, type MetricClass, type MetricConfig, type MetricOptions, type AucOptions, type ConfusionOptions, type F1Options, type TopKOptions } from './nn/metrics';
export { sgd, adam, rmsprop, adagrad, type Optimizer, type OptimizerConfig, type NamedTensor, type SgdOptions, type AdamOptions, type RmspropOptions, type AdagradOptions,
  type ClipOptions } from './optim/optimizers';
export { LearningRateSchedule, type ScheduleConfig } from './optim/schedule';
export {
  exponentialDecay, piecewiseConstantDecay, polynomialDecay, inverseTimeDecay, cosineDecay, cosineDecayRestarts, type ExponentialDecayOptions,
  type PiecewiseConstantDecayOptions, type PolynomialDecayOptions, type InverseTimeDecayOptions, type CosineDecayOptions, type CosineDecayRestartsOptions,
} from './optim/schedules';
/**
 * Initializers of a dense layer's weights, as in Keras: pass one as `kernelInitializer` or `biasInitializer` of
 * `dense`, or give its name ('heNormal'). The random ones take a `seed` for repeatable weights; without one they
 * draw from the global generator (see `seed`).
 * @example
 * const layer = dense({ units: 8, activation: 'relu', inputShape: [4], kernelInitializer: initializers.heNormal({ seed: 1 }) });
 * layer.kernelInitializer.config; // { name: 'heNormal', seed: 1 }
 */
export * as initializers from './nn/initializers';
/**
 * Weight and activity regularizers, as TF.js's `tf.regularizers` and Keras's: `l1`, `l2`, `l1l2`, the penalty
 * l1·Σ|w| + l2·Σw² added to the training loss (and to evaluate's). Pass one as a layer's `kernelRegularizer`,
 * `biasRegularizer` or `activityRegularizer` (…), or Keras's name ('l1', 'l2', 'l1l2': factor 0.01).
 * @example
 * const layer = dense({ units: 4, inputShape: [3], kernelRegularizer: regularizers.l2({ l2: 1e-4 }) });
 * layer.getConfig().kernelRegularizer; // { className: 'L1L2', config: { l1: 0, l2: 0.0001 } }
 */
export * as regularizers from './nn/regularizers';
/**
 * Weight constraints, as TF.js's `tf.constraints` and Keras's: `maxNorm`, `nonNeg`, `unitNorm`, applied to a weight
 * after each optimizer update. Pass one as a layer's `kernelConstraint` or `biasConstraint` (…), or Keras's name.
 * @example
 * const layer = dense({ units: 4, inputShape: [3], kernelConstraint: constraints.maxNorm({ maxValue: 2 }) });
 * layer.getConfig().kernelConstraint; // { className: 'MaxNorm', config: { maxValue: 2, axis: 0 } }
 */
export * as constraints from './nn/constraints';
/**
 * The layer factories under one name, as in TensorFlow.js: `layers.dense` is `dense`, `layers.dropout` is
 * `dropout`, `layers.input` is `input`; the merge layers (`layers.add`, `layers.concatenate`, `layers.multiply`,
 * `layers.average`) and `layers.flatten` and `layers.reshape` are here only, since `add` and `reshape` are tensor ops.
 * @example
 * const model = sequential([layers.dense({ units: 4, inputShape: [2] }), layers.dropout({ rate: 0.1 }), layers.dense({ units: 1 })]);
 * model.layers.length; // 3
 * const x = layers.input({ shape: [2] });
 * layers.add().apply([x, layers.dense({ units: 2 }).apply(x)]).shape; // [null, 2]
 */
export * as layers from './nn/layers';
export {
  earlyStopping, type EarlyStoppingOptions, modelCheckpoint, type ModelCheckpointOptions, csvLogger, type CsvLoggerOptions, terminateOnNaN,
  learningRateScheduler, reduceLROnPlateau, type ReduceLROnPlateauOptions,
} from './nn/callbacks/index';
export { loadModel } from './nn/load';
export type { ModelJSON } from './nn/save';
export { dropout, Dropout, type DropoutOptions } from './nn/layers/dropout';
export { BatchNormalization, LayerNormalization, type BatchNormalizationOptions, type LayerNormalizationOptions } from './nn/layers/normalization';
export { Conv, type ConvOptions, type ConvBaseOptions } from './nn/layers/conv';
export { DepthwiseConv2D, SeparableConv2D, type DepthwiseConvOptions, type SeparableConvOptions } from './nn/layers/depthwise';
export { Conv2DTranspose, type ConvTransposeOptions } from './nn/layers/convTranspose';
export { Table, type Cell, type FillOptions, type FillStrategy, type OneHotOptions, type FeatureCollection, type Feature } from './data/table';
export { parseCsv, readCsv, parseJson, readJson, readTable, type CsvOptions, type ReadOptions } from './data/read';
export { trainTestSplit, kFold, type SplitOptions, type Split, type KFoldOptions, type Fold } from './data/split';
export { MinMaxScaler, StandardScaler, scalerFromJSON, type Scaler, type ScalerJSON, type MinMaxScalerJSON, type MinMaxScalerOptions, type StandardScalerJSON, type StandardScalerOptions } from './data/scalers';
export { LabelEncoder, type LabelEncoderJSON } from './data/labels';
export type { Label } from './data/classValues';
export { toCategorical } from './data/toCategorical';
export { confusionMatrix, type ConfusionMatrixOptions, type ClassValues } from './evaluation/confusionMatrix';
export { classificationReport, type ClassificationReport, type ClassificationReportOptions, type ClassificationScores, type ClassScores } from './evaluation/classificationReport';
export { uniform, logUniform, int, choice, type Distribution, type DistributionJSON, type Choice } from './search/distributions';
export { randomSearch, gridSearch, type RandomSearchOptions, type GridSearchOptions, type SearchOptions, type SearchResult, type Trial, type TrialContext, type TrialReport, type Objective, type ObjectiveModule, type Space, type GridSpace, type ParamsOf, type GridParamsOf } from './search/search';
export { asha, hyperband, prunerFromJSON, memoryRungs, type Pruner, type PrunerJSON, type RungStore, type RungPruner, type AshaOptions, type HyperbandOptions } from './search/pruners';
export { reportEpochs, type ReportEpochsOptions } from './search/report-epochs';
export { halton, sobol, type QuasiRandom, type QuasiRandomOptions, type SamplerName } from './search/samplers';
export { queue, type QueueOptions, type SearchExecutor } from './search/queue';
export { runWorker, type RunWorkerOptions } from './search/queue-worker';
export type { RedisConnection } from './search/redis';
/**
 * TF.js's `serialization` namespace: `serialization.registerClass(cls)` registers a custom Layer subclass by its
 * static `className`, so that models holding it save and load (simdeep's format and TF.js's layers format).
 * @example
 * class Halve extends Layer {
 *   static className = 'Halve';
 *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).div(2); }
 * }
 * serialization.registerClass(Halve) === Halve; // true
 */
export * as serialization from './nn/serialization';
/**
 * TF.js-style IO handlers (`tf.io`), for saveTfjs and loadTfjs (TF.js's own handlers work there too):
 * `io.fromMemory(artifacts)`, `io.withSaveHandler(fn)`, `io.http(url)` (a model.json and its shards over http(s)),
 * `io.fileSystem(path)` (Node: dir/model.json and dir/weights.bin).
 * @example
 * const net = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
 * const copy = await loadTfjs(io.fromMemory(toTfjsArtifacts(net)));
 * (copy.predict(tensor([[1, 1]])) as Tensor).toArray(); // [[2]]
 */
export * as io from './io/io';
export type { IOHandler, SaveResult } from './io/handlers';
export type { ModelArtifacts, WeightSpec, WeightsManifestGroup } from './io/tfjs';
// The TensorFlow.js drop-in (src/compat/): TF.js's names and positional forms over simdeep's API.
export { tensor1d, tensor2d, tensor3d, tensor4d, randomNormal, oneHot, argMax, argMin, cast, type DataType } from './compat/tensors';
export { ready, getBackend, setBackend, nextFrame } from './compat/backend';
export { loadLayersModel, type LoadLayersOptions } from './compat/load';
export { Reduction, type ReductionValue } from './compat/losses';
/**
 * TensorFlow.js's optimizer factories with positional arguments (`train.sgd(0.1)`, `train.adam(lr, beta1, beta2,
 * epsilon)`, `train.rmsprop`, `train.adagrad`, `train.momentum`), so that `tf.train.*` runs unchanged.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: train.sgd(0.1), loss: 'meanSquaredError' });
 * model.optimizer?.config.learningRate; // 0.1
 */
export * as train from './compat/train';
/**
 * TensorFlow.js's `tf.losses.*`: (labels, predictions, weights?, reduction?) to a loss tensor, in recorded ops, so
 * each also serves as a custom loss in `compile`.
 * @example
 * losses.meanSquaredError(tensor([[1], [2]]), tensor([[1], [4]])).item(); // 2
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ optimizer: 'sgd', loss: losses.absoluteDifference });
 * model.evaluate(tensor([[1]]), tensor([[3]])).loss; // 2
 */
export * as losses from './compat/losses';
/**
 * TensorFlow.js's `tf.metrics.*`: per-sample metrics (binaryAccuracy, categoricalAccuracy, meanSquaredError, …) and
 * scalar ones (precision, recall, r2Score); and the metrics with options that `compile` takes (Keras's): `auc`,
 * `precision`, `recall` and `r2Score` called without tensors, `f1Score`, `topKCategoricalAccuracy`,
 * `sparseTopKCategoricalAccuracy`.
 * @example
 * metrics.categoricalAccuracy(tensor([[0, 1]]), tensor([[0.1, 0.9]])).toArray(); // [1]
 */
export * as metrics from './compat/metrics';
/**
 * TensorFlow.js's `tf.util` helpers that tutorials use: `shuffle`, `shuffleCombo`, `sizeFromShape`, `assert`.
 * @example
 * const rows = [{ x: 1 }, { x: 2 }];
 * util.shuffle(rows);
 * rows.length; // 2
 */
export * as util from './compat/util';
