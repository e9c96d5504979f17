// The training plan assembly/train.ts runs: a header, one record per layer and one per parameter array, in wasm
// memory, with the batch buffers, activations, deltas and gradients it points to. Word offsets mirror train.ts.
import { allocBytes, freeBytes, i32View } from '../runtime/heap';
import { gemmWorkBytes, wasmMemory } from '../runtime/wasm';
import { PARALLEL_FLOPS } from '../runtime/threads';
import { writeState } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { ACTIVATION_CODES, LEAKY_ALPHA } from './dense';
import { metricMask, SLOTS } from './metrics';
import type { Sequential } from './sequential';

const LAYERS = 0, TOTAL = 1, SAMPLES = 2, BATCH = 3, X = 4, Y = 5, YCOLS = 6, ORDER = 7, XB = 8, YB = 9, LOSS = 10,
  METRICS = 11, OPTIMIZER = 12, LR = 13, P1 = 14, P2 = 15, EPS = 16, WD = 17, STEP = 18, HOST_FLOPS = 19, WORK = 20,
  SHUFFLE = 21, DROP_STATE = 22, PARAMS = 23, FAILED = 24, CHECK_FINITE = 25, CURSOR = 26, SUMS = 27, HISTORY = 28,
  ALPHA = 29, HEADER = 32;
const LAYER_WORDS = 12, PARAM_WORDS = 10;
/** Activation code of a softmax layer in a plan. */
const SOFTMAX = 4;
const OPTIMIZER_CODES = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3 } as const;

/** Activation code of a layer as train.ts takes it (softmax included). */
export function planActivation(activation: keyof typeof ACTIVATION_CODES): number {
  return activation === 'softmax' ? SOFTMAX : ACTIVATION_CODES[activation];
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
    const op = 'fit';
    const loss = model.requireCompiled(op), optimizer = model.optimizer!;
    const layers = model.layers, params = model.parameters(), state = model.optimizerState();
    const take = (bytes: number): number => {
      const ptr = allocBytes(Math.max(16, bytes), op);
      this.buffers.push(ptr);
      return ptr;
    };
    try {
      const rows = Math.min(options.batchSize, Math.max(options.samples, 1));
      const words = HEADER + layers.length * LAYER_WORDS + params.length * PARAM_WORDS;
      this.ptr = take(words * 4);
      this.sums = take(3 * SLOTS * 8); // the epoch's running sums, the last batch's means, validation sums
      this.history = take(options.epochsPerCall * SLOTS * 8);
      const I = i32View(this.ptr, words);
      const F = new Float32Array(I.buffer, I.byteOffset, words);
      I.fill(0);
      const order = take(options.samples * 4);
      i32View(order, options.samples).forEach((_, i, a) => { a[i] = i; });
      const config = optimizer.config;
      I.set([layers.length, x.shape[0], options.samples, options.batchSize, x.ptr, y.ptr, loss.sparse ? 1 : model.outputDim, order,
        take(rows * model.inputDim * 4), take(rows * model.outputDim * 4), loss.code, metricMask(model.metrics),
        OPTIMIZER_CODES[config.name]], 0);
      F[LR] = config.learningRate;
      F[P1] = Number(config.momentum ?? config.beta1 ?? config.rho ?? 0);
      F[P2] = Number(config.name === 'sgd' ? (config.nesterov ? 1 : 0) : config.beta2 ?? 0);
      F[EPS] = Number(config.epsilon ?? 0);
      F[WD] = Number(config.weightDecay ?? 0);
      F[ALPHA] = LEAKY_ALPHA;
      I[STEP] = model.step;
      I[HOST_FLOPS] = PARALLEL_FLOPS;
      I[WORK] = take(gemmWorkBytes());
      if (options.shuffle) writeState((I[SHUFFLE] = take(16)), options.seed);
      if (layers.some((layer) => layer.dropout > 0)) writeState((I[DROP_STATE] = take(16)), options.seed ^ 0x5bd1e995);
      I[PARAMS] = params.length;
      I[FAILED] = -1;
      I[CHECK_FINITE] = options.checkFinite ? 1 : 0;
      I[SUMS] = this.sums;
      I[HISTORY] = this.history;
      layers.forEach((layer, l) => {
        const at = HEADER + l * LAYER_WORDS, n = rows * layer.units * 4;
        const kernel = layer.kernel!, bias = layer.bias;
        const index = params.indexOf(kernel);
        this.outputs.push(take(n));
        I.set([layer.inputDim ?? 0, layer.units, planActivation(layer.activation), kernel.ptr, bias?.ptr ?? 0, this.outputs[l], take(n),
          take(kernel.size * 4), bias ? take(bias.size * 4) : 0], at);
        F[at + 9] = layer.dropout;
        if (layer.dropout > 0) I.set([take(n), take(n)], at + 10);
        const gradients = [I[at + 7], I[at + 8]];
        [kernel, bias].forEach((p, j) => {
          if (!p) return;
          const pat = HEADER + layers.length * LAYER_WORDS + (index + j) * PARAM_WORDS;
          const s = state[index + j];
          // Spares for steps that commit only finite weights (train.ts); none when steps run in place.
          const spare = (home: number | undefined): number => (home && options.checkFinite ? take(p.size * 4) : home ?? 0);
          I.set([p.ptr, spare(p.ptr), gradients[j], p.size, s[0] ?? 0, spare(s[0]), s[1] ?? 0, spare(s[1]), 0,
            this.ptr + 4 * (at + 3 + j)], pat);
        });
      });
    } catch (e) {
      this.free();
      throw e;
    }
  }

  /** Runs until `epochs` epochs end or `maxBatches` batches ran; returns the epochs that ended. */
  run(epochs: number, maxBatches: number, train: (plan: number, epochs: number, maxBatches: number) => number): number {
    const ended = train(this.ptr, epochs, maxBatches);
    this.model.step = i32View(this.ptr, HEADER)[STEP];
    return ended;
  }

  /** Index in its epoch of the batch that failed the finite check, or -1. */
  get failedBatch(): number {
    return i32View(this.ptr, HEADER)[FAILED];
  }

  /** Index in its epoch of the next batch. */
  get cursor(): number {
    return i32View(this.ptr, HEADER)[CURSOR];
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
