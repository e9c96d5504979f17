// The training plan assembly/train.ts runs: a header, one record per layer and one per parameter array, in wasm
// memory, with the batch buffers, activations, deltas and gradients it points to. Word offsets and codes come from
// assembly/layout.ts, which train.ts reads too.
import {
  ACT_SOFTMAX, LAYER_ACT, LAYER_BIAS, LAYER_DB, LAYER_DELTA, LAYER_DROPOUT, LAYER_DROPPED, LAYER_DW, LAYER_IN, LAYER_KERNEL,
  LAYER_MASK, LAYER_OUT, LAYER_UNITS, LAYER_WORDS, OPT_ADAGRAD, OPT_ADAM, OPT_RMSPROP, OPT_SGD, PARAM_CURRENT, PARAM_GRAD,
  PARAM_HOME, PARAM_REF, PARAM_S0, PARAM_S0_SPARE, PARAM_S1, PARAM_S1_SPARE, PARAM_SIZE, PARAM_SPARE, PARAM_WORDS,
  PLAN_ALPHA, PLAN_BATCH, PLAN_CHECK_FINITE, PLAN_CURSOR, PLAN_DROP_STATE, PLAN_EPS, PLAN_FAILED, PLAN_HEADER_WORDS,
  PLAN_HISTORY, PLAN_HOST_FLOPS, PLAN_LAYERS, PLAN_LOSS, PLAN_LR, PLAN_METRICS, PLAN_OPTIMIZER, PLAN_ORDER, PLAN_P1,
  PLAN_P2, PLAN_PARAMS, PLAN_SAMPLES, PLAN_SHUFFLE, PLAN_STEP, PLAN_SUMS, PLAN_TOTAL, PLAN_WD, PLAN_WORK, PLAN_X,
  PLAN_XB, PLAN_Y, PLAN_Y_COLS, PLAN_YB,
} from '../../assembly/layout';
import { allocBytes, freeBytes, i32View } from '../runtime/heap';
import { gemmWorkBytes, wasmMemory } from '../runtime/wasm';
import { PARALLEL_FLOPS } from '../runtime/threads';
import { writeState } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { ACTIVATION_CODES, LEAKY_ALPHA } from './dense';
import { metricMask, SLOTS } from './metrics';
import type { Sequential } from './sequential';

const OPTIMIZER_CODES = { sgd: OPT_SGD, adam: OPT_ADAM, rmsprop: OPT_RMSPROP, adagrad: OPT_ADAGRAD } as const;

/** Activation code of a layer as train.ts takes it (softmax included). */
export function planActivation(activation: keyof typeof ACTIVATION_CODES): number {
  return activation === 'softmax' ? ACT_SOFTMAX : ACTIVATION_CODES[activation];
}

/** Options of a plan. */
export interface PlanOptions {
  samples: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  checkFinite: boolean;
  /** Epochs the history buffer holds per call. */
  epochsPerCall: number;
  /** A generator state (seedDropout) the dropout masks draw from, owned by the caller; else the plan's own, from `seed`. */
  dropState?: number;
  /** The op that names allocation errors (default 'fit'). */
  op?: string;
}

/** Seeds the 16-byte generator state at `ptr` that dropout masks draw from, for a training run of `seed`. */
export function seedDropout(ptr: number, seed: number): void {
  writeState(ptr, seed ^ 0x5bd1e995);
}

/**
 * A test that the model still has what a plan built now points to: the same optimizer, loss, metrics, optimizer
 * state and weight tensors (compile or a rebuilt layer replaces them).
 */
export function planStillFits(model: Sequential): () => boolean {
  const { optimizer, loss, metrics, state } = model, params = model.parameters();
  return () => model.optimizer === optimizer && model.loss === loss && model.metrics === metrics && model.state === state &&
    model.parameters().every((p, i) => p === params[i]);
}

/** A plan in wasm memory and everything it owns; `free` releases it all. */
export class TrainingPlan {
  readonly ptr: number;
  private readonly buffers: number[] = [];
  private readonly sums: number;
  private readonly history: number;
  /** The layers' output buffers (batch rows each), reused by validation passes. */
  readonly outputs: number[] = [];

  constructor(readonly model: Sequential, x: Tensor, y: Tensor, options: PlanOptions) {
    const op = options.op ?? 'fit';
    const loss = model.requireCompiled(op), optimizer = model.optimizer!;
    const layers = model.layers, params = model.parameters(), state = model.optimizerState();
    const take = (bytes: number): number => {
      const ptr = allocBytes(Math.max(16, bytes), op);
      this.buffers.push(ptr);
      return ptr;
    };
    try {
      const rows = Math.min(options.batchSize, Math.max(options.samples, 1));
      const words = PLAN_HEADER_WORDS + layers.length * LAYER_WORDS + params.length * PARAM_WORDS;
      this.ptr = take(words * 4);
      this.sums = take(3 * SLOTS * 8); // the epoch's running sums, the last batch's means, validation sums
      this.history = take(options.epochsPerCall * SLOTS * 8);
      const I = i32View(this.ptr, words);
      const F = new Float32Array(I.buffer, I.byteOffset, words);
      I.fill(0);
      const order = take(options.samples * 4);
      i32View(order, options.samples).forEach((_, i, a) => { a[i] = i; });
      const config = optimizer.config;
      I[PLAN_LAYERS] = layers.length;
      I[PLAN_TOTAL] = x.shape[0];
      I[PLAN_SAMPLES] = options.samples;
      I[PLAN_BATCH] = options.batchSize;
      I[PLAN_X] = x.ptr;
      I[PLAN_Y] = y.ptr;
      I[PLAN_Y_COLS] = loss.sparse ? 1 : model.outputDim;
      I[PLAN_ORDER] = order;
      I[PLAN_XB] = take(rows * model.inputDim * 4);
      I[PLAN_YB] = take(rows * model.outputDim * 4);
      I[PLAN_LOSS] = loss.code;
      I[PLAN_METRICS] = metricMask(model.metrics);
      I[PLAN_OPTIMIZER] = OPTIMIZER_CODES[config.name];
      F[PLAN_LR] = config.learningRate;
      F[PLAN_P1] = Number(config.momentum ?? config.beta1 ?? config.rho ?? 0);
      F[PLAN_P2] = Number(config.name === 'sgd' ? (config.nesterov ? 1 : 0) : config.beta2 ?? 0);
      F[PLAN_EPS] = Number(config.epsilon ?? 0);
      F[PLAN_WD] = Number(config.weightDecay ?? 0);
      F[PLAN_ALPHA] = LEAKY_ALPHA;
      I[PLAN_STEP] = model.step;
      I[PLAN_HOST_FLOPS] = PARALLEL_FLOPS;
      I[PLAN_WORK] = take(gemmWorkBytes());
      if (options.shuffle) writeState((I[PLAN_SHUFFLE] = take(16)), options.seed);
      if (layers.some((layer) => layer.dropout > 0)) {
        I[PLAN_DROP_STATE] = options.dropState ?? take(16);
        if (options.dropState === undefined) seedDropout(I[PLAN_DROP_STATE], options.seed);
      }
      I[PLAN_PARAMS] = params.length;
      I[PLAN_FAILED] = -1;
      I[PLAN_CHECK_FINITE] = options.checkFinite ? 1 : 0;
      I[PLAN_SUMS] = this.sums;
      I[PLAN_HISTORY] = this.history;
      layers.forEach((layer, l) => {
        const at = PLAN_HEADER_WORDS + l * LAYER_WORDS, n = rows * layer.units * 4;
        const kernel = layer.kernel!, bias = layer.bias;
        const index = params.indexOf(kernel);
        this.outputs.push(take(n));
        I[at + LAYER_IN] = layer.inputDim ?? 0;
        I[at + LAYER_UNITS] = layer.units;
        I[at + LAYER_ACT] = planActivation(layer.activation);
        I[at + LAYER_KERNEL] = kernel.ptr;
        I[at + LAYER_BIAS] = bias?.ptr ?? 0;
        I[at + LAYER_OUT] = this.outputs[l];
        I[at + LAYER_DELTA] = take(n);
        I[at + LAYER_DW] = take(kernel.size * 4);
        I[at + LAYER_DB] = bias ? take(bias.size * 4) : 0;
        F[at + LAYER_DROPOUT] = layer.dropout;
        if (layer.dropout > 0) {
          I[at + LAYER_MASK] = take(n);
          I[at + LAYER_DROPPED] = take(n);
        }
        // [word of the layer that points at the current weights, the gradient] of the kernel and the bias.
        const fields = [[LAYER_KERNEL, LAYER_DW], [LAYER_BIAS, LAYER_DB]];
        [kernel, bias].forEach((p, j) => {
          if (!p) return;
          const pat = PLAN_HEADER_WORDS + layers.length * LAYER_WORDS + (index + j) * PARAM_WORDS;
          const s = state[index + j], [ref, gradient] = fields[j];
          // Spares for steps that commit only finite weights (train.ts); none when steps run in place.
          const spare = (home: number | undefined): number => (home && options.checkFinite ? take(p.size * 4) : home ?? 0);
          I[pat + PARAM_HOME] = p.ptr;
          I[pat + PARAM_SPARE] = spare(p.ptr);
          I[pat + PARAM_GRAD] = I[at + gradient];
          I[pat + PARAM_SIZE] = p.size;
          I[pat + PARAM_S0] = s[0] ?? 0;
          I[pat + PARAM_S0_SPARE] = spare(s[0]);
          I[pat + PARAM_S1] = s[1] ?? 0;
          I[pat + PARAM_S1_SPARE] = spare(s[1]);
          I[pat + PARAM_CURRENT] = 0;
          I[pat + PARAM_REF] = this.ptr + 4 * (at + ref);
        });
      });
    } catch (e) {
      this.free();
      throw e;
    }
  }

  /**
   * Points the plan at other data of the shape it was built for (x [total, inputDim], y as the loss needs it; 0 for
   * none) and at the model's step count, and clears the failure mark, for a plan that runs again.
   */
  pointAt(x: number, y: number, step: number): void {
    const I = i32View(this.ptr, PLAN_HEADER_WORDS);
    I[PLAN_X] = x;
    I[PLAN_Y] = y;
    I[PLAN_STEP] = step;
    I[PLAN_FAILED] = -1;
  }

  /** Runs until `epochs` epochs end or `maxBatches` batches ran; returns the epochs that ended. */
  run(epochs: number, maxBatches: number, train: (plan: number, epochs: number, maxBatches: number) => number): number {
    const ended = train(this.ptr, epochs, maxBatches);
    this.model.step = i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_STEP];
    return ended;
  }

  /** Index in its epoch of the batch that failed the finite check, or -1. */
  get failedBatch(): number {
    return i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_FAILED];
  }

  /** Index in its epoch of the next batch. */
  get cursor(): number {
    return i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_CURSOR];
  }

  /** Means of the loss and metrics (SLOTS per epoch) of the `epochs` epochs ended by the last run. */
  epochMeans(epochs: number): Float64Array {
    return new Float64Array(wasmMemory().buffer, this.history, epochs * SLOTS);
  }

  /** SLOTS f64 sums for validation passes. */
  get validationSums(): number {
    return this.sums + 2 * SLOTS * 8;
  }

  /** Means of the loss and metrics of the last batch. */
  batchMeans(): Float64Array {
    return new Float64Array(wasmMemory().buffer, this.sums + SLOTS * 8, SLOTS);
  }

  /** Releases everything the plan allocated. */
  free(): void {
    this.buffers.splice(0).forEach(freeBytes);
  }
}
