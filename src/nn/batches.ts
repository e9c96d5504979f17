// Training one batch at a time (Sequential.trainOnBatch). The training plan of each batch size is built on first use
// and kept with the model, then re-pointed at each call's x and y: a steady-state step allocates nothing and runs the
// same wasm step as fit (assembly/train.ts). The plans are freed when the model is compiled, its weights are set, a
// layer is added, a fit starts (fit builds its own plan) and when the model is disposed; a plan that no longer
// matches the model's optimizer, loss, metrics or weights (planStillFits) is rebuilt before it runs.
import { allocBytes, freeBytes } from '../runtime/heap';
import { kernels } from '../runtime/wasm';
import { DivergedError } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import { checkIdle, checkTrainingData, runSeed } from './fit';
import { metricSlots } from './metrics';
import { planStillFits, seedDropout, TrainingPlan } from './plan';
import type { Sequential } from './sequential';

/** Batch sizes whose plans are kept at a time; the least recently used is freed beyond it. */
const MAX_PLANS = 4;

/** The plans a model keeps for trainOnBatch. */
interface BatchPlans {
  /** Plans by batch rows, least recently used first. */
  readonly plans: Map<number, TrainingPlan>;
  /**
   * The generator state every plan's dropout draws from, seeded as a fit at this step would seed it: the masks of
   * successive trainOnBatch calls follow one stream, as the batches of one fit do, whatever their sizes.
   */
  readonly dropState: number;
  /** Whether the model still has what the plans point to. */
  readonly current: () => boolean;
}

const cache = new WeakMap<Sequential, BatchPlans>();

/** Frees the plans `model` keeps for trainOnBatch, if any. */
export function freeBatchPlans(model: Sequential): void {
  const entry = cache.get(model);
  if (!entry) return;
  cache.delete(model);
  entry.plans.forEach((plan) => plan.free());
  freeBytes(entry.dropState);
}

/** One optimizer step on exactly the rows of x and y (see Sequential.trainOnBatch); returns the loss and metrics. */
export function trainBatch(model: Sequential, x: Tensor, y: Tensor): number | number[] {
  const op = 'trainOnBatch';
  model.checkUsable(op);
  checkIdle(model, op);
  const { input, target, total } = checkTrainingData(model, x, y, op);
  const plan = planFor(model, input, target, total);
  plan.pointAt(input.ptr, target.ptr, model.step);
  let failed: boolean;
  try {
    plan.run(1, 1, kernels().trainEpochs);
    failed = plan.failedBatch >= 0;
  } finally {
    plan.pointAt(0, 0, model.step); // the plan keeps no pointer to the caller's tensors
  }
  if (failed) throw new DivergedError(1, 1, op);
  const means = plan.batchMeans();
  const values = metricSlots(model.metrics).map(([, slot]) => means[slot]);
  return values.length === 1 ? values[0] : values;
}

/** The model's plan for batches of `rows` rows: kept, or built now (allocating only then). */
function planFor(model: Sequential, x: Tensor, y: Tensor, rows: number): TrainingPlan {
  let entry = cache.get(model);
  if (entry && !entry.current()) {
    freeBatchPlans(model);
    entry = undefined;
  }
  if (!entry) {
    model.optimizerState(); // allocated (once per compile) before the model's state is noted
    const dropState = allocBytes(16, 'trainOnBatch');
    seedDropout(dropState, runSeed(model));
    entry = { plans: new Map(), dropState, current: planStillFits(model) };
    cache.set(model, entry);
  }
  const plans = entry.plans;
  let plan = plans.get(rows);
  if (plan) {
    plans.delete(rows); // re-inserted below: the most recently used
  } else {
    if (plans.size >= MAX_PLANS) {
      const [oldest, old] = plans.entries().next().value as [number, TrainingPlan];
      plans.delete(oldest);
      old.free();
    }
    plan = new TrainingPlan(model, x, y, { samples: rows, batchSize: rows, shuffle: false, seed: 0, checkFinite: true, epochsPerCall: 1,
      dropState: entry.dropState, op: 'trainOnBatch' });
  }
  plans.set(rows, plan);
  return plan;
}
