// Lowering: a model graph → one plan in wasm memory (records of assembly/layout.ts) that assembly/train.ts runs: nodes
// in topological order, each argument an edge to its producer, buffers sized for `rows` rows and, where a buffer's
// life ends before another's begins, shared (liveness). Kinds: a training plan (outputs kept for the backward,
// gradients, the optimizer), an evaluation plan (forward, losses, metrics), a prediction plan (forward only), and the
// plans of a model call under a gradient tape (apply.ts: 'apply' and 'applyTraining', a forward that keeps what the
// backward needs, then a backward from the outputs' gradients to every trainable weight's and every input's).
// Every field is written by name (I[at + NODE_WIDTH] = …).
import {
  ACT_NONE, ACT_SOFTMAX, EDGE_ADD, EDGE_NODE, EDGE_WORDS, INPUT_COLS, INPUT_NODE, INPUT_WORDS, INPUT_X, NODE_ACT, NODE_ADD_GRADS, NODE_BIAS,
  GEOM_WORDS, NODE_DELTA, NODE_DELTA_IS_DZ, NODE_EDGES, NODE_GEOM, NODE_PARAMS, NODE_EDGE_COUNT, NODE_KERNEL, NODE_KIND, NODE_LOGITS, NODE_MASK, NODE_OUT, NODE_PACKED, NODE_RATE,
  NODE_SCRATCH, NODE_WIDTH, NODE_WORDS, OUTPUT_ACT, OUTPUT_LOSS, OUTPUT_LOSS_SLOT, OUTPUT_METRICS, OUTPUT_METRIC_COUNT, OUTPUT_NODE,
  OUTPUT_WEIGHT, OUTPUT_WORDS, OUTPUT_Y, OUTPUT_YB, OUTPUT_Y_COLS, PARAM_GRAD, PARAM_HOME, PARAM_S0, PARAM_S0_SPARE, PARAM_S1,
  PARAM_S1_SPARE, PARAM_SIZE, PARAM_SPARE, PARAM_WORDS, PLAN_ALPHA, PLAN_BATCH, PLAN_CHECK_FINITE, PLAN_CURSOR, PLAN_DROP_STATE,
  PLAN_EPS, PLAN_FAILED, PLAN_HEADER_WORDS, PLAN_HISTORY, PLAN_HOST_FLOPS, PLAN_INPUTS, PLAN_INPUT_TABLE, PLAN_LR, PLAN_NODES,
  PLAN_NODE_TABLE, PLAN_OPTIMIZER, PLAN_ORDER, PLAN_OUTPUTS, PLAN_OUTPUT_TABLE, PLAN_P1, PLAN_P2, PLAN_PARAMS, PLAN_PARAM_TABLE,
  PLAN_SAMPLES, PLAN_SHUFFLE, PLAN_SLOTS, PLAN_STEP, PLAN_SUMS, PLAN_TOTAL, PLAN_WD, PLAN_WORK, PLAN_INFERENCE, PLAN_FROZEN_STATS,
  PLAN_STATE, PLAN_EVAL_STATE, PLAN_STATE_BYTES, PLAN_METRIC_ROW, PLAN_ROWS_DONE, METRIC_AVERAGE, METRIC_BUCKETS, METRIC_CLASS, METRIC_CURVE,
  METRIC_KIND, METRIC_MULTI_LABEL, METRIC_STATE, METRIC_THRESHOLD, METRIC_TOP_K, METRIC_VALUE, METRIC_WORDS,
  PLAN_ROW_WEIGHTS, PLAN_SAMPLE_WEIGHTS, PLAN_SCHEDULE, PLAN_CLIP, PLAN_CLIP_BOUND,
  PLAN_ACTIVITY, PLAN_REGULARIZED, NODE_ACTIVITY_L1, NODE_ACTIVITY_L2,
} from '../../assembly/layout';
import { writeParamRules } from './layers/regularization';
import { allocBytes, f32View, freeBytes, i32View } from '../runtime/heap';
import { gemmWorkBytes, kernels, wasmMemory } from '../runtime/wasm';
import { PARALLEL_FLOPS } from '../runtime/threads';
import { writeState } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { trainableOf, type Graph } from './graph';
import { LEAKY_ALPHA, NEEDS_INPUT } from './layers/dense';
import { hostLayer, hostLoss, unhost } from './custom-host';
import { toLogs, type LogLayout, type OutputLogs } from './metric-specs';
import { stepSettings } from '../optim/optimizer';

/**
 * What a plan reads from a model: its graph, compile settings and step count, and a version that changes whenever
 * something a plan points to may change (compile, new weights, layers, dispose). The model owns it; plans and the
 * training loop read it.
 */
export interface ModelState {
  readonly graph: Graph;
  readonly compiled: Compiled | null;
  step: number;
  readonly version: number;
  readonly seed: number | undefined;
  /** Throws, naming `op`, unless the model and its weights are usable. */
  check(op: string): void;
}

/**
 * What a plan is for: fit's training, evaluation, prediction, or a model call a gradient tape records (apply.ts), with
 * dropout off and batch normalization on its moving statistics ('apply') or as in training ('applyTraining').
 */
export type PlanKind = 'train' | 'evaluate' | 'predict' | 'apply' | 'applyTraining';

/** Options of a plan. */
export interface PlanOptions {
  kind: PlanKind;
  /** Rows a batch (or an evaluation or prediction chunk) holds at most. */
  rows: number;
  /** Rows of the data (training). */
  total?: number;
  /** Samples trained on: the first `samples` rows (training). */
  samples?: number;
  shuffle?: boolean;
  seed?: number;
  checkFinite?: boolean;
  /** Epochs the history buffer holds per call. */
  epochsPerCall?: number;
  /** A generator state (seedDropout) the dropout masks draw from, owned by the caller; else the plan's own, from `seed`. */
  dropState?: number;
  /** The op that names allocation errors. */
  op: string;
}

/** Seeds the 16-byte generator state at `ptr` that dropout masks draw from, for a training run of `seed`. */
export function seedDropout(ptr: number, seed: number): void {
  writeState(ptr, seed ^ 0x5bd1e995);
}

/** Writes the metric records (METRIC_WORDS words each, from `at`) of one output's metrics. */
export function writeMetricRecords(at: number, output: OutputLogs): void {
  const I = i32View(at, METRIC_WORDS * output.metrics.length), F = new Float32Array(I.buffer, I.byteOffset, I.length);
  output.metrics.forEach(({ spec, valueSlot, stateOffset }, m) => {
    const r = m * METRIC_WORDS;
    I[r + METRIC_KIND] = spec.kind;
    I[r + METRIC_STATE] = stateOffset;
    I[r + METRIC_VALUE] = valueSlot;
    I[r + METRIC_CLASS] = spec.classId;
    I[r + METRIC_TOP_K] = spec.topK;
    F[r + METRIC_THRESHOLD] = spec.threshold;
    I[r + METRIC_BUCKETS] = spec.buckets;
    I[r + METRIC_CURVE] = spec.curve;
    I[r + METRIC_MULTI_LABEL] = spec.multiLabel ? 1 : 0;
    I[r + METRIC_AVERAGE] = spec.average;
  });
}

/**
 * Assigns buffers to lifetimes [first, last] (steps, inclusive) so that buffers whose lifetimes overlap never share:
 * returns each lifetime's pool index and each pool's size in bytes.
 */
export function shareByLiveness(lives: readonly { first: number; last: number; bytes: number }[]): { pool: number[]; sizes: number[] } {
  const order = lives.map((_, i) => i).sort((a, b) => lives[a].first - lives[b].first || a - b);
  const pool = new Array<number>(lives.length), sizes: number[] = [], freeAfter: number[] = [];
  for (const i of order) {
    let best = -1;
    for (let p = 0; p < sizes.length; p++) {
      if (freeAfter[p] < lives[i].first && (best < 0 || Math.abs(sizes[p] - lives[i].bytes) < Math.abs(sizes[best] - lives[i].bytes))) best = p;
    }
    if (best < 0) best = sizes.push(0) - 1;
    pool[i] = best;
    sizes[best] = Math.max(sizes[best], lives[i].bytes);
    freeAfter[best] = lives[i].last;
  }
  return { pool, sizes };
}

/** A plan in wasm memory and everything it owns; `free` releases it all. */
export class Plan {
  readonly ptr: number;
  private readonly buffers: number[] = [];
  /** Addresses of the output and node records whose custom losses and layers run on the host (custom-host.ts). */
  private readonly hosted: number[] = [];
  private readonly sums: number;
  private readonly history: number;
  private readonly keep: number;
  private readonly slots: number;
  /** Training plans: the f32 row weights of a batch (PLAN_ROW_WEIGHTS while the plan has sample weights). */
  private readonly rowWeights: number = 0;
  /** Where the losses and metrics land in a block of logs (null: a plan without compile settings). */
  private readonly logs: LogLayout | null;
  /** Words of the plan's records, and where its input and output tables start (word offsets). */
  private readonly words: number = 0;
  private readonly inputAt: number = 0;
  private readonly outputAt: number = 0;
  /** Apply plans: the word of each input node's NODE_DELTA and its buffer, each output's gradient, each trainable weight's. */
  private readonly inputDeltaWords: number[] = [];
  private readonly inputDeltas: number[] = [];
  /** @internal */
  readonly outputDeltas: number[] = [];
  /** @internal */
  readonly weightGrads: number[] = [];
  /** Whether free ran. */
  freed = false;
  /** Forwards run (apply plans: a recorded call's backward runs its forward again if another ran since). */
  uses = 0;

  constructor(readonly model: ModelState, options: PlanOptions) {
    const { graph } = model, op = options.op, kind = options.kind, train = kind === 'train';
    const apply = kind === 'apply' || kind === 'applyTraining', backward = train || apply;
    const compiled = kind === 'predict' || apply ? null : model.compiled;
    if (kind !== 'predict' && !apply && !compiled) throw new RangeError(`${op}: call compile({ optimizer, loss }) first`);
    const take = (bytes: number): number => {
      const ptr = allocBytes(Math.max(16, bytes), op);
      this.buffers.push(ptr);
      return ptr;
    };
    const nodes = graph.nodes, rows = options.rows;
    // Parameter records: the weights the optimizer updates first (the update walks PLAN_PARAMS of them), then the others.
    const trainable = trainableOf(graph);
    const params = [...trainable, ...new Set(nodes.flatMap((n) => n.layer.nonTrainableWeights))];
    const edges = nodes.reduce((sum, n) => sum + n.args.length, 0);
    const outputs = graph.outputs.length;
    this.logs = compiled?.logs ?? null;
    this.slots = this.logs?.slots ?? 1;
    // The optimizer's state first (kept from plan to plan), so that it lies below the plan's buffers, which are freed.
    const state = train && compiled ? trainable.map((p) => compiled.optimizer.getSlots(p).map((t) => t.ptr)) : [];
    try {
      const nodeAt = PLAN_HEADER_WORDS, inputAt = nodeAt + nodes.length * NODE_WORDS, outputAt = inputAt + graph.inputs.length * INPUT_WORDS;
      const paramAt = outputAt + outputs * OUTPUT_WORDS, edgeAt = paramAt + params.length * PARAM_WORDS, words = edgeAt + edges * EDGE_WORDS;
      this.ptr = take(words * 4);
      [this.words, this.inputAt, this.outputAt] = [words, inputAt, outputAt];
      this.sums = take(3 * this.slots * 8); // the epoch's running sums, the last batch's means, evaluation sums
      this.history = take((options.epochsPerCall ?? 1) * this.slots * 8);
      this.keep = take(8 * (graph.inputs.length + outputs + 1));
      if (train) this.rowWeights = take(rows * 4);
      // The metrics' state (training, evaluation; the kernels reset each before use) and 3 rows of scratch.
      const stateBytes = this.logs?.stateBytes ?? 0;
      const [metricState, evalState] = stateBytes > 0 ? [take(stateBytes), take(stateBytes)] : [0, 0];
      if (metricState) new Float64Array(wasmMemory().buffer, metricState, stateBytes / 8).fill(0); // running logs may read it first
      const metricRow = stateBytes > 0 ? take(3 * 8 * Math.max(...graph.outputs.map((node) => nodes[node].width))) : 0;
      const I = i32View(this.ptr, words), F = new Float32Array(I.buffer, I.byteOffset, words);
      I.fill(0);
      const address = (word: number): number => this.ptr + 4 * word;
      I[PLAN_NODES] = nodes.length;
      I[PLAN_NODE_TABLE] = address(nodeAt);
      I[PLAN_INPUTS] = graph.inputs.length;
      I[PLAN_INPUT_TABLE] = address(inputAt);
      I[PLAN_OUTPUTS] = outputs;
      I[PLAN_OUTPUT_TABLE] = address(outputAt);
      I[PLAN_PARAMS] = train ? trainable.length : 0; // the update walks the table: only a training plan has one
      I[PLAN_PARAM_TABLE] = address(paramAt);
      I[PLAN_BATCH] = rows;
      I[PLAN_SLOTS] = this.slots;
      F[PLAN_ALPHA] = LEAKY_ALPHA;
      // The forward of prediction and evaluation runs every product on the host's gemm, as the tensor ops do (the
      // same kernel at any batch size: predict gives the same bits for any batchSize); only training plans need a
      // workspace of their own.
      I[PLAN_HOST_FLOPS] = PARALLEL_FLOPS;
      I[PLAN_WORK] = train ? take(gemmWorkBytes()) : 0; // (apply plans run on the host too: apply gives predict's bits)
      I[PLAN_INFERENCE] = kind === 'apply' ? 1 : 0;
      I[PLAN_SUMS] = this.sums;
      I[PLAN_HISTORY] = this.history;
      [I[PLAN_STATE], I[PLAN_EVAL_STATE], I[PLAN_STATE_BYTES], I[PLAN_METRIC_ROW]] = [metricState, evalState, stateBytes, metricRow];
      I[PLAN_FAILED] = -1;
      I[PLAN_STEP] = model.step;

      // Which nodes take a gradient: those with weights, and those whose arguments take one (training only).
      const needsGrad = nodes.map(() => false);
      if (train) nodes.forEach((n, i) => { needsGrad[i] = n.layer.trainableWeights.length > 0 || n.args.some((a) => needsGrad[a]); });
      if (apply) needsGrad.fill(true); // the inputs too: their gradient is wanted when a tape tracks them
      const lossAt = new Map(graph.outputs.map((node, o) => [node, o]));

      // Buffers: node outputs (kept whole in training, for the backward; shared by liveness otherwise) and gradients
      // (shared by liveness: a gradient lives from the backward of its last consumer, or the loss, to its own).
      const steps = nodes.length;
      const outLives: { first: number; last: number; bytes: number }[] = [], outOwners: number[] = [];
      const deltaLives: { first: number; last: number; bytes: number }[] = [], deltaOwners: number[] = [];
      nodes.forEach((n, i) => {
        const bytes = rows * n.width * 4, isInput = graph.inputs.includes(i), isOutput = lossAt.has(i);
        if (backward || (!isInput && !(kind === 'predict' && isOutput))) {
          const last = backward || isOutput ? steps : Math.max(i, ...n.consumers);
          outLives.push({ first: backward ? 0 : i, last, bytes });
          outOwners.push(i);
        }
        if (needsGrad[i]) {
          const lastUse = lossAt.has(i) ? steps : Math.max(...n.consumers);
          deltaLives.push({ first: steps - lastUse, last: steps - i, bytes });
          deltaOwners.push(i);
        }
      });
      const place = (lives: typeof outLives, owners: number[], field: number): void => {
        const { pool, sizes } = shareByLiveness(lives);
        const pools = sizes.map((bytes) => take(bytes));
        owners.forEach((node, j) => { I[nodeAt + node * NODE_WORDS + field] = pools[pool[j]]; });
      };
      place(outLives, outOwners, NODE_OUT);
      place(deltaLives, deltaOwners, NODE_DELTA);

      // Parameter records: the weights, and for training their gradient, optimizer state and spares.
      const optimizer = compiled?.optimizer;
      if (train && optimizer) {
        const step = stepSettings(optimizer.config);
        I[PLAN_OPTIMIZER] = step.code;
        F[PLAN_LR] = step.lr;
        F[PLAN_P1] = step.p1;
        F[PLAN_P2] = step.p2;
        F[PLAN_EPS] = step.eps;
        F[PLAN_WD] = step.wd;
        I[PLAN_CLIP] = step.clip;
        F[PLAN_CLIP_BOUND] = step.bound;
        // A schedule is fixed for the optimizer's life (its record is written once); a number is read at each run.
        const schedule = optimizer.schedule;
        if (schedule) schedule.writeRecord((I[PLAN_SCHEDULE] = take(schedule.recordBytes)));
      }
      // Regularization (not in apply plans: a gradient tape sees the model's outputs alone): each trainable weight's
      // penalty and constraint, and each node's activity penalty.
      const rules = new Map(nodes.flatMap((n) => n.layer.trainableWeights.map((w) => [w as Tensor, n.layer.rules.of(w)] as const)));
      const regularized = !apply && kind !== 'predict' && [...rules.values()].some((r) => r !== undefined);
      I[PLAN_REGULARIZED] = regularized ? trainable.length : 0;
      const activity = !apply && kind !== 'predict' && nodes.some((n) => n.layer.rules.activity);
      I[PLAN_ACTIVITY] = activity ? 1 : 0;
      const paramRecord = new Map<Tensor, number>();
      params.forEach((p, j) => {
        const at = paramAt + j * PARAM_WORDS;
        paramRecord.set(p, address(at));
        I[at + PARAM_HOME] = p.ptr;
        I[at + PARAM_SIZE] = p.size;
        if (apply && j < trainable.length) this.weightGrads.push((I[at + PARAM_GRAD] = take(p.size * 4)));
        if (regularized && j < trainable.length) writeParamRules(I, F, at, p, rules.get(p));
        if (!train || !optimizer || j >= trainable.length) return;
        const slots = state[j];
        // Spares for steps that commit only finite weights (train.ts); none when steps run in place.
        const spare = (home: number | undefined): number => (home && options.checkFinite ? take(p.size * 4) : home ?? 0);
        I[at + PARAM_SPARE] = spare(p.ptr);
        I[at + PARAM_GRAD] = take(p.size * 4);
        I[at + PARAM_S0] = slots[0] ?? 0;
        I[at + PARAM_S0_SPARE] = spare(slots[0]);
        I[at + PARAM_S1] = slots[1] ?? 0;
        I[at + PARAM_S1_SPARE] = spare(slots[1]);
      });

      // Node records and edges. In backward order (last node first), the first backward to write a producer's
      // gradient overwrites it and later ones add; a loss writes first. So for a layer's weight gradients.
      const written = nodes.map((_, i) => lossAt.has(i));
      const gradsWritten = new Set<Tensor>();
      let scratchFloats = 0;
      const scratchUsers: number[] = [];
      const edgeOf: number[] = [];
      let edge = edgeAt;
      nodes.forEach((n) => { edgeOf.push(edge); edge += n.args.length * EDGE_WORDS; });
      for (let i = nodes.length - 1; i >= 0; i--) {
        const n = nodes[i], at = nodeAt + i * NODE_WORDS, layer = n.layer, fields = layer.nodeFields();
        I[at + NODE_KIND] = layer.kind;
        I[at + NODE_WIDTH] = n.width;
        I[at + NODE_EDGES] = address(edgeOf[i]);
        I[at + NODE_EDGE_COUNT] = n.args.length;
        I[at + NODE_ACT] = fields.act ?? ACT_NONE;
        F[at + NODE_RATE] = fields.rate ?? 0;
        if (activity && layer.rules.activity) [F[at + NODE_ACTIVITY_L1], F[at + NODE_ACTIVITY_L2]] = [layer.rules.activity.l1, layer.rules.activity.l2];
        const [kernel, bias] = layer.kernelAndBias;
        I[at + NODE_KERNEL] = kernel ? paramRecord.get(kernel)! : 0;
        I[at + NODE_BIAS] = bias ? paramRecord.get(bias)! : 0;
        if (layer.weights.length > 0) {
          const list = take(4 * layer.weights.length);
          i32View(list, layer.weights.length).set(layer.weights.map((w) => paramRecord.get(w)!));
          I[at + NODE_PARAMS] = list;
        }
        if (fields.geom) {
          I[at + NODE_GEOM] = take(4 * GEOM_WORDS);
          i32View(I[at + NODE_GEOM], GEOM_WORDS).set(fields.geom);
        }
        for (const buffer of layer.nodeBuffers(n.args.map((a) => nodes[a].dims), rows, apply ? 'train' : kind)) {
          if (buffer.scratch) {
            scratchFloats = Math.max(scratchFloats, buffer.floats);
            scratchUsers.push(at + buffer.field);
          } else {
            I[at + buffer.field] = take(4 * buffer.floats);
          }
        }
        if (layer.isCustom) {
          hostLayer(address(at), { layer, argDims: n.args.map((a) => nodes[a].dims), dims: n.dims, op });
          this.hosted.push(address(at));
        }
        if (backward) {
          for (const field of layer.trainingBuffers) if (kind !== 'apply' || field !== NODE_MASK) I[at + field] = take(rows * n.width * 4);
          const shared = layer.weights.some((w) => gradsWritten.has(w));
          I[at + NODE_ADD_GRADS] = shared ? 1 : 0;
          if (shared && bias) I[at + NODE_SCRATCH] = take(n.width * 4);
          layer.weights.forEach((w) => gradsWritten.add(w));
        } else if (layer.packsKernel && kernel) {
          // The kernel packed for the forward's GEMM, packed on first use (the version word is 0, never current).
          // A kernel of any rank multiplies as [values / last axis, last axis] (a convolution's [kh·kw·inC, filters]).
          const units = kernel.shape[kernel.rank - 1];
          I[at + NODE_PACKED] = take(4 * kernels().packedWeightsFloats(kernel.size / units, units));
        }
        n.args.forEach((a, k) => {
          I[edgeOf[i] + k * EDGE_WORDS + EDGE_NODE] = address(nodeAt + a * NODE_WORDS);
          I[edgeOf[i] + k * EDGE_WORDS + EDGE_ADD] = written[a] ? 1 : 0;
          if (needsGrad[a]) written[a] = true;
        });
      }

      if (scratchUsers.length > 0) {
        const scratch = take(4 * scratchFloats);
        for (const word of scratchUsers) I[word] = scratch;
      }

      graph.inputs.forEach((node, j) => {
        const at = inputAt + j * INPUT_WORDS;
        I[at + INPUT_NODE] = address(nodeAt + node * NODE_WORDS);
        I[at + INPUT_COLS] = nodes[node].width;
        if (!apply) return;
        this.inputDeltaWords.push(nodeAt + node * NODE_WORDS + NODE_DELTA);
        this.inputDeltas.push(I[nodeAt + node * NODE_WORDS + NODE_DELTA]);
      });
      graph.outputs.forEach((node, o) => {
        const at = outputAt + o * OUTPUT_WORDS, n = nodes[node], nat = nodeAt + node * NODE_WORDS;
        I[at + OUTPUT_NODE] = address(nat);
        if (apply) this.outputDeltas.push(I[nat + NODE_DELTA]);
        const settings = compiled?.outputs[o];
        if (!settings) return;
        // Alone and with an activation whose derivative comes from its output, the loss differentiates through it (a
        // softmax only over whole rows: one over the last of several axes runs its own backward).
        // An activity penalty takes dLoss/dA in NODE_DELTA (the node's own backward then applies the activation), or
        // with a fused loss (which needs the weighted sums) its gradient through the softmax or sigmoid (regularize.ts).
        const { loss, weight } = settings, alone = n.consumers.length === 0 && !NEEDS_INPUT.has(I[nat + NODE_ACT])
          && !(activity && n.layer.rules.activity && !loss.fused)
          && !(I[nat + NODE_ACT] === ACT_SOFTMAX && n.dims.length > 0 && n.dims[n.dims.length - 1] !== n.width);
        I[at + OUTPUT_LOSS] = loss.code;
        if (loss.fn) {
          hostLoss(address(at), { fn: loss.fn, output: settings.name, dims: n.dims, op });
          this.hosted.push(address(at));
        }
        F[at + OUTPUT_WEIGHT] = weight;
        I[at + OUTPUT_Y_COLS] = loss.sparse ? 1 : n.width;
        writeMetricRecords(I[at + OUTPUT_METRICS] = take(4 * METRIC_WORDS * settings.metrics.length), this.logs!.outputs[o]);
        I[at + OUTPUT_METRIC_COUNT] = settings.metrics.length;
        I[at + OUTPUT_LOSS_SLOT] = this.logs!.outputs[o].lossSlot;
        // Alone, the loss gives dLoss/dZ through the node's activation; used by other nodes too, it gives dLoss/dA
        // and the node's backward applies the activation to the sum.
        I[at + OUTPUT_ACT] = alone ? I[nat + NODE_ACT] : ACT_NONE;
        I[nat + NODE_DELTA_IS_DZ] = alone ? 1 : 0;
        I[nat + NODE_LOGITS] = loss.fused && alone ? 1 : 0;
        if (train) I[at + OUTPUT_YB] = take(rows * I[at + OUTPUT_Y_COLS] * 4);
      });

      if (train) {
        const samples = options.samples ?? rows;
        I[PLAN_SAMPLES] = samples;
        const order = take(samples * 4);
        i32View(order, samples).forEach((_, i, a) => { a[i] = i; });
        I[PLAN_ORDER] = order;
        I[PLAN_CHECK_FINITE] = options.checkFinite ? 1 : 0;
        if (options.shuffle) writeState((I[PLAN_SHUFFLE] = take(16)), options.seed ?? 0);
      }
      if ((train || kind === 'applyTraining') && nodes.some((n) => n.layer.trainingBuffers.includes(NODE_MASK))) { // dropout masks draw from it
        I[PLAN_DROP_STATE] = options.dropState ?? take(16);
        if (options.dropState === undefined) seedDropout(I[PLAN_DROP_STATE], options.seed ?? 0);
      }
    } catch (e) {
      this.free();
      throw e;
    }
  }

  /**
   * Points the plan at data of the shapes it was built for (each input [rows, width], each target as its loss needs
   * it; 0 for none), at `total` rows of it, and at the model's step count; clears the failure mark.
   */
  pointAt(xs: readonly number[], ys: readonly number[], total: number): void {
    this.setData(xs, ys);
    const I = i32View(this.ptr, PLAN_HEADER_WORDS);
    I[PLAN_TOTAL] = total;
    I[PLAN_STEP] = this.model.step;
    I[PLAN_FAILED] = -1;
  }

  /**
   * Weighs the rows of the data by the f32 per row at `weights` (PLAN_TOTAL of them; 0: unweighted), in training
   * and in `evaluate` called without weights of its own.
   */
  setSampleWeights(weights: number): void {
    const I = i32View(this.ptr, PLAN_HEADER_WORDS);
    I[PLAN_SAMPLE_WEIGHTS] = weights;
    I[PLAN_ROW_WEIGHTS] = weights !== 0 ? this.rowWeights : 0;
  }

  /**
   * Weighs the rows of an unshuffled training plan whose data are its own rows (trainOnBatch) by `weights` (one per
   * row; null: unweighted), written into the plan's row-weight buffer, which the batch then reads in place: no call
   * allocates.
   */
  setBatchWeights(weights: Float32Array | null): void {
    if (weights) f32View(this.rowWeights, weights.length).set(weights);
    this.setSampleWeights(weights ? this.rowWeights : 0);
  }

  /**
   * Runs until `epochs` epochs end or `maxBatches` batches ran; returns the epochs that ended. The optimizer's
   * learning rate is read now, so that a change between calls (a callback's) takes effect.
   */
  run(epochs: number, maxBatches: number): number {
    const optimizer = this.model.compiled?.optimizer;
    if (optimizer && !optimizer.schedule) new Float32Array(wasmMemory().buffer, this.ptr, PLAN_HEADER_WORDS)[PLAN_LR] = optimizer.learningRate;
    try {
      return kernels().trainEpochs(this.ptr, epochs, maxBatches);
    } catch (error) {
      // A custom loss or layer threw inside the loop: the model keeps the weights of the last committed step.
      kernels().settlePlan(this.ptr);
      throw error;
    } finally {
      this.model.step = i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_STEP];
    }
  }

  /** Index in its epoch of the batch that failed the finite check, or -1. */
  get failedBatch(): number {
    return i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_FAILED];
  }

  /** Index in its epoch of the next batch. */
  get cursor(): number {
    return i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_CURSOR];
  }

  /** f64 per block of logs (see logLayout). */
  get slotCount(): number {
    return this.slots;
  }

  /** Batches of the current epoch run so far (all of them when an epoch just ended). */
  get batchesDone(): number {
    const I = i32View(this.ptr, PLAN_HEADER_WORDS);
    return I[PLAN_CURSOR] === 0 && I[PLAN_ROWS_DONE] > 0 ? Math.ceil(I[PLAN_SAMPLES] / I[PLAN_BATCH]) : I[PLAN_CURSOR];
  }

  /** Logs of the `epochs` epochs ended by the last run (slotCount f64 per epoch: see logLayout), copied. */
  epochMeans(epochs: number): Float64Array {
    return new Float64Array(wasmMemory().buffer, this.history, epochs * this.slots).slice();
  }

  /**
   * The running logs of the current epoch, as Keras's progress bar shows them: the mean losses over the rows trained
   * on in it so far and the metrics over those rows (the whole epoch's when it just ended).
   */
  runningLogs(): Record<string, number> {
    const block = this.sums + this.slots * 8;
    kernels().runningLogs(this.ptr, block);
    return toLogs(this.logs!, new Float64Array(wasmMemory().buffer, block, this.slots));
  }

  /**
   * The mean losses and metrics (slotCount f64) over rows [from, to) of the data at `xs` and `ys`, dropout off, the
   * plan's rows at a time, each row weighted by its f32 at `weights` (indexed as the data's rows; 0: unweighted); the
   * plan keeps pointing at its own data and weights.
   */
  evaluate(xs: readonly number[], ys: readonly number[], from: number, to: number, weights = 0): Float64Array {
    const saved = this.dataPointers();
    const I = i32View(this.ptr, PLAN_HEADER_WORDS), ownWeights = I[PLAN_SAMPLE_WEIGHTS];
    this.setData(xs, ys);
    I[PLAN_SAMPLE_WEIGHTS] = weights;
    const sums = this.sums + 2 * this.slots * 8;
    try {
      kernels().evaluateRows(this.ptr, from, to, sums, this.keep);
    } catch (error) {
      kernels().restorePointers(this.ptr, this.keep); // a custom loss or layer threw
      throw error;
    } finally {
      this.setData(...saved);
      i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_SAMPLE_WEIGHTS] = ownWeights;
    }
    return new Float64Array(wasmMemory().buffer, sums, this.slots).slice();
  }

  /** Each output's values for rows [from, to) of the inputs at `xs`, into the same rows of the tensors at `outs`. */
  predict(xs: readonly number[], outs: readonly number[], from: number, to: number): void {
    this.setData(xs, outs);
    try {
      kernels().predictRows(this.ptr, from, to, this.keep);
    } catch (error) {
      kernels().restorePointers(this.ptr, this.keep); // a custom layer threw
      throw error;
    } finally {
      this.setData(xs, outs, true);
    }
  }

  /**
   * Apply plans: runs the forward on `rows` rows of the inputs at `xs` (copied into the plan) and copies each output to
   * `outs` (0: not copied); with `frozenStats`, batch normalization leaves its moving statistics as they are.
   */
  forwardRows(xs: readonly number[], outs: readonly number[], rows: number, frozenStats = false): void {
    const I = i32View(this.ptr, this.words);
    this.setData(xs, outs);
    I[PLAN_FROZEN_STATS] = frozenStats ? 1 : 0;
    try {
      kernels().forwardRows(this.ptr, rows);
    } finally {
      this.setData(xs, outs, true);
      I[PLAN_FROZEN_STATS] = 0;
    }
    this.uses++;
  }

  /**
   * Apply plans: the backward of the last forward from the gradients in `outputDeltas`, into `weightGrads` and, for the
   * inputs `wanted` says, into their nodes' gradients (returned: each input's buffer, or 0).
   */
  backwardRows(rows: number, wanted: readonly boolean[]): number[] {
    const I = i32View(this.ptr, this.words);
    const deltas = this.inputDeltas.map((d, j) => (wanted[j] ? d : 0));
    this.inputDeltaWords.forEach((w, j) => { I[w] = deltas[j]; });
    kernels().backwardRows(this.ptr, rows);
    return deltas;
  }

  /** The address of the plan's dropout generator state (0: none). */
  get dropState(): number {
    return i32View(this.ptr, PLAN_HEADER_WORDS)[PLAN_DROP_STATE];
  }

  /** The plan's input and output data pointers. */
  private dataPointers(): [number[], number[]] {
    const I = i32View(this.ptr, this.words);
    return [Array.from({ length: I[PLAN_INPUTS] }, (_, j) => I[this.inputAt + j * INPUT_WORDS + INPUT_X]),
      Array.from({ length: I[PLAN_OUTPUTS] }, (_, o) => I[this.outputAt + o * OUTPUT_WORDS + OUTPUT_Y])];
  }

  /** Points the input and output records at `xs` and `ys` (or at nothing, with `clear`). */
  private setData(xs: readonly number[], ys: readonly number[], clear = false): void {
    const I = i32View(this.ptr, this.words);
    for (let j = 0; j < xs.length; j++) I[this.inputAt + j * INPUT_WORDS + INPUT_X] = clear ? 0 : xs[j];
    for (let o = 0; o < ys.length; o++) I[this.outputAt + o * OUTPUT_WORDS + OUTPUT_Y] = clear ? 0 : ys[o];
  }

  /** Releases everything the plan allocated. */
  free(): void {
    unhost(this.hosted.splice(0));
    this.freed = true;
    this.buffers.splice(0).forEach(freeBytes);
  }
}
