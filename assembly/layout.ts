// The one source of every code and record field the kernels and the TypeScript layer share: op codes, activation,
// loss, optimizer and metric codes, GEMM flags, and the word offsets of the training plan (src/nn/plan.ts writes it,
// train.ts reads it). Compiled by both AssemblyScript (`import { … } from './layout'`) and TypeScript
// (`from '../../assembly/layout'`), so it holds only `export const NAME = <integer>;`: no AssemblyScript types or
// builtins. tests/runtime/layout.test.ts compiles it with asc and holds both sides and the records' shapes to it.
// A new code or field: add it here with its family's prefix, use it by name on both sides, run that test.

// Element-wise binary ops (elementwise.ts `binary`).
export const BINARY_ADD = 0;
export const BINARY_SUB = 1;
export const BINARY_MUL = 2;
export const BINARY_DIV = 3;
export const BINARY_POW = 4;
export const BINARY_MAXIMUM = 5;
export const BINARY_MINIMUM = 6;
export const BINARY_GREATER = 7;
export const BINARY_LESS = 8;
export const BINARY_EQUAL = 9;

// Element-wise unary ops (elementwise.ts `unary`).
export const UNARY_NEG = 0;
export const UNARY_ABS = 1;
export const UNARY_EXP = 2;
export const UNARY_LOG = 3;
export const UNARY_SQRT = 4;
export const UNARY_SQUARE = 5;

// Reductions (reduce.ts `reduce`) and index reductions (`argReduce`).
export const REDUCE_SUM = 0;
export const REDUCE_MEAN = 1;
export const REDUCE_MAX = 2;
export const REDUCE_MIN = 3;
export const ARG_MAX = 0;
export const ARG_MIN = 1;

// Activations (activation.ts; the `act` of gemm's epilogue). ACT_NONE: no activation. ACT_SOFTMAX only marks a
// softmax layer in a plan: softmax runs over rows as its own kernel, never through `activation`.
export const ACT_NONE = -1;
export const ACT_SIGMOID = 0;
export const ACT_RELU = 1;
export const ACT_LEAKY_RELU = 2;
export const ACT_TANH = 3;
export const ACT_SOFTMAX = 4;

// GEMM flags (bits of gemm's `flags`): Aᵀ, Bᵀ, add to C instead of overwriting it.
export const GEMM_TRANS_A = 1;
export const GEMM_TRANS_B = 2;
export const GEMM_ACCUMULATE = 4;

// Losses (train.ts `lossOf`). SIGMOID_CE and the two SOFTMAX_CE take the last layer's weighted sums (fused).
export const LOSS_MSE = 0;
export const LOSS_MAE = 1;
export const LOSS_BCE = 2;
export const LOSS_SIGMOID_CE = 3;
export const LOSS_SOFTMAX_CE = 4;
export const LOSS_SPARSE_SOFTMAX_CE = 5;

// Optimizers (the plan's PLAN_OPTIMIZER).
export const OPT_SGD = 0;
export const OPT_ADAM = 1;
export const OPT_RMSPROP = 2;
export const OPT_ADAGRAD = 3;

// Metrics: bits of the plan's PLAN_METRICS mask, and the f64 slot of each sum; SLOTS f64 per block of sums.
export const METRIC_ACCURACY = 1;
export const METRIC_MAE = 2;
export const METRIC_MSE = 4;
export const SLOT_LOSS = 0;
export const SLOT_ACCURACY = 1;
export const SLOT_MAE = 2;
export const SLOT_MSE = 3;
export const SLOTS = 4;

// The plan: a header of PLAN_HEADER_WORDS words, then LAYER_WORDS per layer, then PARAM_WORDS per parameter array.
// Words are i32 (pointers are byte addresses) unless marked f32.
// Header: layer count, rows of x and y, samples trained on, batch size, x, y, y's columns, the sample order, the
// batch's x and y, loss, metric mask, optimizer, learning rate (f32), optimizer parameters P1 and P2 (f32: momentum,
// beta1 or rho; nesterov or beta2), epsilon (f32), weight decay (f32), step, FLOPs from which a product runs
// through the host, GEMM workspace, shuffle and dropout generators (0: none), parameter count, failed batch (-1:
// none), check-finite flag, next batch, sums (3 blocks of SLOTS f64: epoch, last batch, validation), history
// (SLOTS f64 per epoch), leakyRelu slope (f32).
export const PLAN_LAYERS = 0;
export const PLAN_TOTAL = 1;
export const PLAN_SAMPLES = 2;
export const PLAN_BATCH = 3;
export const PLAN_X = 4;
export const PLAN_Y = 5;
export const PLAN_Y_COLS = 6;
export const PLAN_ORDER = 7;
export const PLAN_XB = 8;
export const PLAN_YB = 9;
export const PLAN_LOSS = 10;
export const PLAN_METRICS = 11;
export const PLAN_OPTIMIZER = 12;
export const PLAN_LR = 13;
export const PLAN_P1 = 14;
export const PLAN_P2 = 15;
export const PLAN_EPS = 16;
export const PLAN_WD = 17;
export const PLAN_STEP = 18;
export const PLAN_HOST_FLOPS = 19;
export const PLAN_WORK = 20;
export const PLAN_SHUFFLE = 21;
export const PLAN_DROP_STATE = 22;
export const PLAN_PARAMS = 23;
export const PLAN_FAILED = 24;
export const PLAN_CHECK_FINITE = 25;
export const PLAN_CURSOR = 26;
export const PLAN_SUMS = 27;
export const PLAN_HISTORY = 28;
export const PLAN_ALPHA = 29;
export const PLAN_HEADER_WORDS = 32;

// Layer record: input width, units, activation code, kernel and bias (0: none) as the step reads them, outputs,
// deltas, dW, db, dropout rate (f32) applied to the outputs, its mask and the dropped outputs.
// NOTE: LAYER_BIAS = LAYER_KERNEL + 1: parameter j of a layer (kernel, bias) is at LAYER_KERNEL + j.
export const LAYER_IN = 0;
export const LAYER_UNITS = 1;
export const LAYER_ACT = 2;
export const LAYER_KERNEL = 3;
export const LAYER_BIAS = 4;
export const LAYER_OUT = 5;
export const LAYER_DELTA = 6;
export const LAYER_DW = 7;
export const LAYER_DB = 8;
export const LAYER_DROPOUT = 9;
export const LAYER_MASK = 10;
export const LAYER_DROPPED = 11;
export const LAYER_WORDS = 12;

// Parameter record: the weights (the model's buffer and a spare), gradient, size in floats, two optimizer state
// arrays (each with a spare), which of each pair is current (0: the model's), and the byte address of the layer word
// (LAYER_KERNEL or LAYER_BIAS) that points at the current weights. With PLAN_CHECK_FINITE a step writes into the
// spares, and they become current only when every new weight is finite; without it, steps run in place.
// NOTE: each spare follows its buffer (PARAM_SPARE = PARAM_HOME + 1, …): the current one is at buffer + PARAM_CURRENT.
export const PARAM_HOME = 0;
export const PARAM_SPARE = 1;
export const PARAM_GRAD = 2;
export const PARAM_SIZE = 3;
export const PARAM_S0 = 4;
export const PARAM_S0_SPARE = 5;
export const PARAM_S1 = 6;
export const PARAM_S1_SPARE = 7;
export const PARAM_CURRENT = 8;
export const PARAM_REF = 9;
export const PARAM_WORDS = 10;
