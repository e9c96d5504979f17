// Plans kept with a model between calls: trainOnBatch's training plans, and the evaluation and prediction plans of
// evaluate, predict and predictOnBatch. Each is built on first use for its number of rows and kept (up to MAX_PLANS
// per kind, least recently used freed first; plans over KEEP_BYTES of buffers are freed after their call), so
// steady-state calls allocate nothing. They are freed when the model is compiled, its weights are set, a layer is
// added, a fit starts (training plans: fit builds its own) and when it is disposed; a plan built before the model's
// version changed is never run. Plans of a model call under a gradient tape (apply.ts) are kept the same way, whatever
// their size.
import { allocBytes, freeBytes } from '../runtime/heap';
import { DivergedError } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import type { Compiled } from './compile';
import { checkIdle, checkTrainingData, runSeed } from './fit';
import { checkOptionKeys } from '../tensor/options';
import { checkWeights, type WeightOptions } from './sample-weights';
import { Plan, seedDropout, type ModelState, type PlanKind } from './plan';

/** Mixed into the seed of the dropout stream of applyTraining plans, so that it differs from fit's and trainOnBatch's. */
const APPLY_STREAM = 0x6a09e667;

/** Plans kept per kind. */
const MAX_PLANS = 4;
/** Plans whose buffers hold more are not kept (a prediction of many rows at once). */
const KEEP_BYTES = 8 << 20;

/** The plans a model keeps. */
interface Kept {
  /** The model's version they were built for. */
  readonly version: number;
  /** Plans by kind, then by rows, least recently used first. */
  readonly plans: Map<PlanKind, Map<number, Plan>>;
  /**
   * The generator state every training plan's dropout draws from, seeded as a fit at this step would seed it: the
   * masks of successive trainOnBatch calls follow one stream, as the batches of one fit do, whatever their sizes.
   */
  dropState: number;
  /** The generator state the dropout masks of applyTraining plans draw from (one stream over all of them), or 0. */
  applyDropState: number;
}

const cache = new WeakMap<ModelState, Kept>();

/** Frees the plans `model` keeps (of `kind` only, if given). */
export function freePlans(model: ModelState, kind?: PlanKind): void {
  const kept = cache.get(model);
  if (!kept) return;
  for (const [k, plans] of kept.plans) {
    if (kind && k !== kind) continue;
    plans.forEach((plan) => plan.free());
    kept.plans.delete(k);
  }
  if (!kind || kind === 'train') {
    if (kept.dropState) freeBytes(kept.dropState);
    kept.dropState = 0;
  }
  if (!kind || kind === 'applyTraining') {
    if (kept.applyDropState) freeBytes(kept.applyDropState);
    kept.applyDropState = 0;
  }
}

/** What a kept plan's user does when done with it: nothing. */
const KEPT = (): void => undefined;

/** A plan for one call, and what to do when the call is done with it (free it, unless kept). */
export interface PlanUse {
  readonly plan: Plan;
  done(): void;
}

/** The model's plan of `kind` for `rows` rows: kept, or built now (allocating only then). */
export function planFor(model: ModelState, kind: PlanKind, rows: number, op: string): PlanUse {
  let kept = cache.get(model);
  if (kept && kept.version !== model.version) {
    freePlans(model);
    kept = undefined;
  }
  if (!kept) {
    kept = { version: model.version, plans: new Map(), dropState: 0, applyDropState: 0 };
    cache.set(model, kept);
  }
  let plans = kept.plans.get(kind);
  if (!plans) kept.plans.set(kind, (plans = new Map()));
  let plan = plans.get(rows);
  if (plan) {
    if (plans.size > 1) {
      plans.delete(rows); // re-inserted: the most recently used
      plans.set(rows, plan);
    }
    return { plan, done: KEPT };
  }
  if (kind === 'train' && !kept.dropState) {
    const state = allocBytes(16, op);
    seedDropout(state, runSeed(model));
    kept.dropState = state;
  }
  if (kind === 'applyTraining' && !kept.applyDropState) {
    const state = allocBytes(16, op);
    seedDropout(state, runSeed(model) ^ APPLY_STREAM);
    kept.applyDropState = state;
  }
  const dropState = (kind === 'applyTraining' ? kept.applyDropState : kept.dropState) || undefined;
  plan = new Plan(model, { kind, rows, samples: rows, total: rows, shuffle: false, checkFinite: true, epochsPerCall: 1, dropState, op });
  const widths = model.graph.nodes.reduce((sum, n) => sum + n.width, 0);
  // A model call under a gradient tape keeps its plan whatever its size: the backward needs its forward, and a
  // custom training loop calls again with the same rows.
  if (rows * widths * 4 > KEEP_BYTES && kind !== 'apply' && kind !== 'applyTraining') {
    const once = plan;
    return { plan, done: () => once.free() };
  }
  if (plans.size >= MAX_PLANS) {
    const [oldest, old] = plans.entries().next().value as [number, Plan];
    old.free();
    plans.delete(oldest);
  }
  plans.set(rows, plan);
  return { plan, done: KEPT };
}

/** Each output's values for the rows of checked inputs into `outs`, `chunk` rows at a time. */
export function predictInto(model: ModelState, xs: readonly Tensor[], outs: readonly Tensor[], chunk: number, op: string): void {
  const use = planFor(model, 'predict', chunk, op);
  try {
    use.plan.predict(xs.map((t) => t.ptr), outs.map((t) => t.ptr), 0, xs[0].shape[0]);
  } finally {
    use.done();
  }
}

/** One optimizer step on exactly the rows of x and y (see Model.trainOnBatch); returns the loss and metrics. */
export function trainBatch(model: ModelState, compiled: Compiled, x: unknown, y: unknown, options: WeightOptions): number | number[] {
  const op = 'trainOnBatch';
  checkIdle(model, op);
  checkOptionKeys(op, options, ['sampleWeight', 'classWeight']);
  const { xs, ys, total } = checkTrainingData(model, compiled, x, y, op);
  const weights = checkWeights(model.graph, compiled, ys, total, options.sampleWeight, options.classWeight,
    { op, sampleArg: 'sampleWeight', classRows: total, ranges: [[0, total, 'the batch']] });
  const use = planFor(model, 'train', total, op), plan = use.plan;
  try {
    plan.pointAt(xs.map((t) => t.ptr), ys.map((t) => t.ptr), total);
    let failed: boolean;
    try {
      plan.setBatchWeights(weights);
      plan.run(1, 1);
      failed = plan.failedBatch >= 0;
    } finally {
      plan.pointAt(xs.map(() => 0), ys.map(() => 0), total); // the plan keeps no pointer to the caller's tensors
      plan.setBatchWeights(null);
    }
    if (failed) throw new DivergedError(1, 1, op);
    // One call is one epoch of the plan's rows: its logs are the batch's, the metrics' state reset before it (Keras's
    // reset_metrics).
    const logs = plan.epochMeans(1);
    const values = compiled.logs.names.map(([, slot]) => logs[slot]);
    return values.length === 1 ? values[0] : values;
  } finally {
    use.done(); // a plan too large to keep is freed
  }
}
