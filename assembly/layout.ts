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
export const BINARY_GREATER_EQUAL = 10;
export const BINARY_LESS_EQUAL = 11;
export const BINARY_NOT_EQUAL = 12;

// Element-wise unary ops (elementwise.ts `unary`; softplus and gelu are activations, ACT_ below).
export const UNARY_NEG = 0;
export const UNARY_ABS = 1;
export const UNARY_EXP = 2;
export const UNARY_LOG = 3;
export const UNARY_SQRT = 4;
export const UNARY_SQUARE = 5;
export const UNARY_SIGN = 6;

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
export const ACT_ELU = 5;
export const ACT_SELU = 6;
export const ACT_RELU6 = 7;
export const ACT_HARD_SIGMOID = 8;
export const ACT_SOFTPLUS = 9;
export const ACT_SWISH = 10;
export const ACT_GELU = 11;

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
// A loss function written in ops (compile({ loss: (yTrue, yPred) => … })): train.ts calls the host (lossHost).
export const LOSS_CUSTOM = 6;

// Optimizers (the plan's PLAN_OPTIMIZER).
export const OPT_SGD = 0;
export const OPT_ADAM = 1;
export const OPT_RMSPROP = 2;
export const OPT_ADAGRAD = 3;

// Gradient clipping (the plan's PLAN_CLIP; an optimizer's clipNorm, globalClipNorm or clipValue): none, each weight's
// gradient scaled to a norm of at most the bound, all gradients scaled together likewise, each element clamped.
export const CLIP_NONE = 0;
export const CLIP_NORM = 1;
export const CLIP_GLOBAL_NORM = 2;
export const CLIP_VALUE = 3;

// Learning-rate schedules (a schedule record's SCHEDULE_KIND; schedule.ts learningRateAt), as Keras names them.
export const DECAY_EXPONENTIAL = 1;
export const DECAY_PIECEWISE_CONSTANT = 2;
export const DECAY_POLYNOMIAL = 3;
export const DECAY_INVERSE_TIME = 4;
export const DECAY_COSINE = 5;
export const DECAY_COSINE_RESTARTS = 6;

// Schedule record (src/optim/schedules.ts writes it, schedule.ts reads it): the kind (DECAY_), a flag (staircase,
// cycle, or a cosine decay's warm-up), the piecewise boundaries' count and the address of their table (COUNT f64
// boundaries, then COUNT + 1 f64 values), then f64 parameters (two words each, 8-byte aligned): the initial rate,
// the decay steps (first decay steps), and P1..P3: exponential and inverse time: decay rate; polynomial: end rate,
// power; cosine: alpha, warm-up target, warm-up steps; restarts: alpha, t_mul, m_mul.
export const SCHEDULE_KIND = 0;
export const SCHEDULE_FLAG = 1;
export const SCHEDULE_COUNT = 2;
export const SCHEDULE_TABLE = 3;
export const SCHEDULE_INITIAL = 4;
export const SCHEDULE_STEPS = 6;
export const SCHEDULE_P1 = 8;
export const SCHEDULE_P2 = 10;
export const SCHEDULE_P3 = 12;
export const SCHEDULE_WORDS = 14;

// Metric kinds (a metric record's METRIC_KIND; assembly/metrics.ts): accuracies (binary, categorical: argmax against
// the label, top-k: the label among the k largest), confusion counts (precision, recall, F1, AUC), errors (squared,
// absolute, R²) and cross-entropies of probabilities (binary; categorical, sparse or not).
export const SCORE_BINARY_ACCURACY = 0;
export const SCORE_CATEGORICAL_ACCURACY = 1;
export const SCORE_TOP_K = 2;
export const SCORE_PRECISION = 3;
export const SCORE_RECALL = 4;
export const SCORE_F1 = 5;
export const SCORE_AUC = 6;
export const SCORE_MSE = 7;
export const SCORE_MAE = 8;
export const SCORE_R2 = 9;
export const SCORE_BCE = 10;
export const SCORE_CCE = 11;
// An AUC's curve (METRIC_CURVE) and an F1 score's averaging over classes (METRIC_AVERAGE), as Keras names them.
export const CURVE_ROC = 0;
export const CURVE_PR = 1;
export const AVERAGE_NONE = 0;
export const AVERAGE_MICRO = 1;
export const AVERAGE_MACRO = 2;
export const AVERAGE_WEIGHTED = 3;

// Layer kinds: the NODE_KIND of a node record; each kind's forward and backward kernels are in assembly/layers/.
export const KIND_INPUT = 0;
export const KIND_DENSE = 1;
export const KIND_DROPOUT = 2;
export const KIND_ADD = 3;
export const KIND_MULTIPLY = 4;
export const KIND_AVERAGE = 5;
export const KIND_CONCATENATE = 6;
export const KIND_ACTIVATION = 7;
export const KIND_FLATTEN = 8;
export const KIND_RESHAPE = 9;
export const KIND_PERMUTE = 10;
export const KIND_REPEAT_VECTOR = 11;
export const KIND_CONV = 12;
export const KIND_DEPTHWISE_CONV = 13;
export const KIND_SEPARABLE_CONV = 14;
export const KIND_CONV_TRANSPOSE = 15;
export const KIND_MAX_POOL = 16;
export const KIND_AVG_POOL = 17;
export const KIND_GLOBAL_MAX_POOL = 18;
export const KIND_GLOBAL_AVG_POOL = 19;
export const KIND_UP_SAMPLING = 20;
export const KIND_ZERO_PADDING = 21;
export const KIND_CROPPING = 22;
export const KIND_EMBEDDING = 24;
export const KIND_BATCH_NORM = 25;
export const KIND_LAYER_NORM = 26;
// A user's Layer subclass written in ops: its forward and backward run on the host (layers/custom.ts, layerHost).
export const KIND_CUSTOM = 27;

// The plan, lowered from a model graph (src/nn/plan.ts writes it, train.ts and assembly/layers/ read it): a header of
// PLAN_HEADER_WORDS words, then its tables, each a run of records: nodes (one per layer call, in topological order),
// inputs, outputs, parameter arrays, and edges (each node's arguments). Words are i32 (pointers are byte addresses)
// unless marked f32.
// Header: each table's record count and address; rows of the data, samples trained on, batch size, the sample order,
// optimizer, learning rate (f32), optimizer
// parameters P1 and P2 (f32: momentum, beta1 or rho; nesterov or beta2), epsilon (f32), weight decay (f32), step,
// FLOPs from which a product runs through the host, GEMM workspace, shuffle and dropout generators (0: none), failed
// batch (-1: none), check-finite flag, next batch, sums (3 blocks of PLAN_SLOTS f64: the epoch's loss sums, the
// running logs, evaluation), history (PLAN_SLOTS f64 per epoch), leakyRelu slope (f32), f64 per block of logs (slot 0
// the total loss, then each output's loss (OUTPUT_LOSS_SLOT; with one output, slot 0 too) and metric values
// (METRIC_VALUE)). PLAN_SCHEDULE: the
// learning rate's schedule record (0: the constant PLAN_LR); PLAN_CLIP: gradient clipping (CLIP_) with its bound
// PLAN_CLIP_BOUND (f32).
export const PLAN_NODES = 0;
export const PLAN_NODE_TABLE = 1;
export const PLAN_INPUTS = 2;
export const PLAN_INPUT_TABLE = 3;
export const PLAN_OUTPUTS = 4;
export const PLAN_OUTPUT_TABLE = 5;
export const PLAN_PARAMS = 6;
export const PLAN_PARAM_TABLE = 7;
export const PLAN_TOTAL = 8;
export const PLAN_SAMPLES = 9;
export const PLAN_BATCH = 10;
export const PLAN_ORDER = 11;
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
export const PLAN_FAILED = 23;
export const PLAN_CHECK_FINITE = 24;
export const PLAN_CURSOR = 25;
export const PLAN_SUMS = 26;
export const PLAN_HISTORY = 27;
export const PLAN_ALPHA = 28;
export const PLAN_SLOTS = 29;
// Forwards that keep what a backward needs (train.ts forwardRows, for a model's apply under a gradient tape): 1 runs
// dropout off and batch normalization on its moving statistics (apply with training false); PLAN_FROZEN_STATS 1 uses
// the batch statistics without updating the moving ones (a forward run again for its backward).
export const PLAN_INFERENCE = 30;
export const PLAN_FROZEN_STATS = 31;
// Per-sample weights (fit's sampleWeight times classWeight; evaluate's): PLAN_SAMPLE_WEIGHTS, f32 per row of the data
// [PLAN_TOTAL] (0: unweighted); PLAN_ROW_WEIGHTS, f32 per row of the current batch, which the losses and metrics
// weight their rows by (0: every row weighs 1). Training gathers each batch's weights into it; evaluation points it
// at the data's rows.
export const PLAN_ROW_WEIGHTS = 32;
export const PLAN_SAMPLE_WEIGHTS = 33;
export const PLAN_SCHEDULE = 34;
export const PLAN_CLIP = 35;
export const PLAN_CLIP_BOUND = 36;
// Regularization: the first PLAN_REGULARIZED parameter records (the trainable ones; 0 when no layer has a weight
// regularizer or constraint) have their penalty summed into the loss and its gradient added, and are constrained after
// each update; PLAN_ACTIVITY 1 when some node's outputs are penalized (NODE_ACTIVITY_L1, NODE_ACTIVITY_L2).
export const PLAN_REGULARIZED = 37;
export const PLAN_ACTIVITY = 38;
// Metrics (assembly/metrics.ts): the base of the training metrics' state (reset at each epoch's start) and of the
// evaluation's, the bytes of each, a scratch of 3 rows of the widest output's width (f64: a row's probabilities,
// targets, marks), and the rows trained on so far in the current epoch (the running logs divide by it).
export const PLAN_STATE = 39;
export const PLAN_EVAL_STATE = 40;
export const PLAN_STATE_BYTES = 41;
export const PLAN_METRIC_ROW = 42;
export const PLAN_ROWS_DONE = 43;
export const PLAN_HEADER_WORDS = 44;

// Node record (one call of a layer): kind, output features per row, outputs [rows, NODE_WIDTH], gradient of the loss
// with respect to the outputs (0: none flows here), its edges (address and count), activation code, kernel and bias
// parameter records (0: none), whether this call adds its weight gradients to those of an earlier-run backward of the
// same layer (a shared layer), dropout rate (f32), dropout mask, a scratch row of NODE_WIDTH floats (a shared bias's
// sums), whether NODE_DELTA receives dLoss/dZ from a fused or activation-aware loss (the backward then skips the
// activation's), whether the forward of a training or evaluation step leaves the weighted sums (a fused loss), and,
// in prediction and evaluation plans, the kernel packed whole for gemm (0: none) and the weights version it was
// packed at (plan.ts packedKernel); in training, the weighted sums Z [rows, NODE_WIDTH] of a dense node whose
// activation's derivative needs them (gelu, swish; 0 otherwise); the node's geometry record (GEOM_ below; 0: none),
// the address of its layer's parameter records in weight order (one word each, trainable or not; 0: no weights), and
// up to four buffers its kind asks for (Layer.nodeBuffers: per-row saves such as pooling's argmax, or scratch that one
// forward or backward uses and all nodes share, such as a convolution's im2col columns).
export const NODE_KIND = 0;
export const NODE_WIDTH = 1;
export const NODE_OUT = 2;
export const NODE_DELTA = 3;
export const NODE_EDGES = 4;
export const NODE_EDGE_COUNT = 5;
export const NODE_ACT = 6;
export const NODE_KERNEL = 7;
export const NODE_BIAS = 8;
export const NODE_ADD_GRADS = 9;
export const NODE_RATE = 10;
export const NODE_MASK = 11;
export const NODE_SCRATCH = 12;
export const NODE_DELTA_IS_DZ = 13;
export const NODE_LOGITS = 14;
export const NODE_PACKED = 15;
export const NODE_PACKED_VERSION = 16;
export const NODE_Z = 17;
export const NODE_GEOM = 18;
export const NODE_PARAMS = 19;
export const NODE_BUF0 = 20;
export const NODE_BUF1 = 21;
export const NODE_BUF2 = 22;
export const NODE_BUF3 = 23;
// Activity regularization of the node's outputs (f32 factors, 0: none): the loss adds (l1·Σ|a| + l2·Σa²) / rows.
export const NODE_ACTIVITY_L1 = 24;
export const NODE_ACTIVITY_L2 = 25;
export const NODE_WORDS = 26;

// Geometry record of a windowed layer or op (convolution, pooling, padding, cropping, up-sampling), channels-last:
// each row (sample) of the input is [IN_H, IN_W, IN_C], of the output [OUT_H, OUT_W, OUT_C] (1-D layers: H = 1); the
// window KH×KW, strides SH and SW, dilations DH and DW, the padding before the first row and column (PAD_TOP,
// PAD_LEFT; the padding after them follows from the sizes), the depth multiplier of a depthwise convolution, and the
// samples a convolution layer's im2col columns are made for at a time (CHUNK: the scratch holds that many samples').
export const GEOM_IN_H = 0;
export const GEOM_IN_W = 1;
export const GEOM_IN_C = 2;
export const GEOM_OUT_H = 3;
export const GEOM_OUT_W = 4;
export const GEOM_OUT_C = 5;
export const GEOM_KH = 6;
export const GEOM_KW = 7;
export const GEOM_SH = 8;
export const GEOM_SW = 9;
export const GEOM_DH = 10;
export const GEOM_DW = 11;
export const GEOM_PAD_TOP = 12;
export const GEOM_PAD_LEFT = 13;
export const GEOM_MULT = 14;
// (A permute's GEOM_MULT is its permutation instead, 16·p0 + 4·p1 + p2: see assembly/layers/permute.ts.)
// A normalization over the last axis (batch or layer normalization) reads IN_C (channels) and IN_H (positions per
// sample) and its settings: NORM_FLAGS, which of γ and β the layer has (NORM_ bits below), and DECAY, 1 − momentum of
// batch normalization's moving statistics (the f32's bits); its ε is the node's NODE_RATE.
export const GEOM_NORM_FLAGS = 15;
export const GEOM_DECAY = 16;
export const GEOM_CHUNK = 17;
export const GEOM_WORDS = 20;

// Bits of a normalization's GEOM_NORM_FLAGS: the layer scales by γ, centers on β (Keras's scale and center).
export const NORM_SCALE = 1;
export const NORM_CENTER = 2;

// Edge record (one argument of a node): the address of the node that produces it, and whether the backward adds to
// that node's NODE_DELTA (1) or overwrites it (0: the first to write it in backward order).
export const EDGE_NODE = 0;
export const EDGE_ADD = 1;
export const EDGE_WORDS = 2;

// Input record: its node (KIND_INPUT, whose NODE_OUT the batch is gathered into), the data [PLAN_TOTAL, INPUT_COLS].
export const INPUT_NODE = 0;
export const INPUT_X = 1;
export const INPUT_COLS = 2;
export const INPUT_WORDS = 4;

// Output record: its node, loss code, loss weight (f32), targets [PLAN_TOTAL, OUTPUT_Y_COLS] (for prediction, the
// output tensor [rows, NODE_WIDTH]), the batch's targets, their columns, its metric records (OUTPUT_METRIC_COUNT of
// them, METRIC_WORDS each; 0: none), the activation the loss differentiates through (ACT_NONE when the node's own
// backward applies it, because other nodes use its outputs too), and the f64 slot of its loss in a block of logs.
export const OUTPUT_NODE = 0;
export const OUTPUT_LOSS = 1;
export const OUTPUT_WEIGHT = 2;
export const OUTPUT_Y = 3;
export const OUTPUT_YB = 4;
export const OUTPUT_Y_COLS = 5;
export const OUTPUT_METRICS = 6;
export const OUTPUT_ACT = 7;
export const OUTPUT_METRIC_COUNT = 8;
export const OUTPUT_LOSS_SLOT = 9;
export const OUTPUT_WORDS = 10;

// Metric record (one metric of one output; assembly/metrics.ts): its kind (SCORE_), the byte offset of its f64 state
// from a state block's base (PLAN_STATE or PLAN_EVAL_STATE), the f64 slot of its first value in a block of logs, the
// one class it reads (-1: all), the k of a top-k (0: none), its threshold (f32), an AUC's thresholds, curve and
// whether it keeps one curve per class, and an F1 score's averaging.
export const METRIC_KIND = 0;
export const METRIC_STATE = 1;
export const METRIC_VALUE = 2;
export const METRIC_CLASS = 3;
export const METRIC_TOP_K = 4;
export const METRIC_THRESHOLD = 5;
export const METRIC_BUCKETS = 6;
export const METRIC_CURVE = 7;
export const METRIC_MULTI_LABEL = 8;
export const METRIC_AVERAGE = 9;
export const METRIC_WORDS = 10;

// Parameter record: the weights (the model's buffer and a spare), gradient, size in floats, two optimizer state
// arrays (each with a spare), and which of each pair is current (0: the model's). With PLAN_CHECK_FINITE a step
// writes into the spares, and they become current only when every new weight is finite; without it, steps run in
// place. Nodes read a parameter's current weights through its record (a shared layer's calls point to one record).
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
// Regularization of a trainable parameter (regularize.ts): the penalty l1·Σ|w| + l2·Σw² (f32 factors, 0: none) and a
// constraint applied after each update (CONSTRAINT_ code; MAX_VALUE, an f32, is MaxNorm's bound). The norms of
// MaxNorm and UnitNorm run over the weights viewed as [NORM_OUTER, NORM_LENGTH, size / (NORM_OUTER · NORM_LENGTH)]:
// one norm per (outer, inner) pair, over the middle axis (the constraint's axes, which are contiguous).
export const PARAM_L1 = 10;
export const PARAM_L2 = 11;
export const PARAM_CONSTRAINT = 12;
export const PARAM_MAX_VALUE = 13;
export const PARAM_NORM_OUTER = 14;
export const PARAM_NORM_LENGTH = 15;
export const PARAM_WORDS = 16;

// Weight constraints (a parameter's PARAM_CONSTRAINT).
export const CONSTRAINT_NONE = 0;
export const CONSTRAINT_MAX_NORM = 1;
export const CONSTRAINT_NON_NEG = 2;
export const CONSTRAINT_UNIT_NORM = 3;
