// A model called on concrete tensors (Model.apply): its outputs for those rows and, when a gradient tape records the
// call, one tape entry per output whose backward runs the model's backward in wasm (assembly/train.ts: forwardRows
// keeps what the backward needs, backwardRows goes from the outputs' gradients to every trainable weight's and every
// input's). The plans ('apply', 'applyTraining') are kept per row count with the model (batches.ts). A plan holds
// the forward of its last call: a recorded call whose plan ran another forward since (the same model applied twice
// under one tape, as a GAN's discriminator on real and generated samples) runs its own forward again in its backward,
// with the same dropout masks and without updating batch normalization's moving statistics a second time.
import { f32View } from '../runtime/heap';
import { DisposedError } from '../tensor/errors';
import { record, recording } from '../tensor/tape';
import { zerosLike } from '../tensor/create';
import { copyOf, empty, type Tensor } from '../tensor/tensor';
import { planFor, predictInto } from './batches';
import { trainableOf } from './graph';
import type { ModelState, Plan } from './plan';

/**
 * The outputs of the model for the rows of checked inputs xs (one tensor per output, [rows, ...dims]): with
 * `training`, dropout on and batch normalization on the batch's statistics, updating its moving ones (as TF.js's
 * apply and a fit step); under a gradient tape, recorded as one entry per output with inputs [...xs, ...trainable
 * weights] (see the file's header).
 */
export function applyModel(model: ModelState, xs: readonly Tensor[], training: boolean, op: string): Tensor[] {
  const graph = model.graph, rows = xs[0].shape[0], taped = recording();
  const outs: Tensor[] = [];
  let forward: { plan: Plan; uses: number; drops: Uint8Array | null } | null = null;
  try {
    for (const i of graph.outputs) outs.push(empty([rows, ...graph.nodes[i].dims], op));
    if (rows > 0 && !training && !taped) predictInto(model, xs, outs, rows, op);
    else if (rows > 0) forward = runForward(model, training, xs, outs.map((t) => t.ptr), rows, null, op);
  } catch (error) {
    outs.forEach((t) => t.dispose());
    throw error;
  }
  if (!taped) return outs;
  const weights = trainableOf(graph), inputs = [...xs, ...weights];
  const kind = training ? 'applyTraining' : 'apply';
  outs.forEach((out, o) => {
    record('model.apply', out, inputs, (dy, needs) => {
      if (rows === 0) return inputs.map((t, j) => (needs[j] ? zerosLike(t) : null));
      model.check(op);
      let plan = planFor(model, kind, rows, op).plan;
      if (plan !== forward!.plan || plan.uses !== forward!.uses) {
        // Another forward ran on this plan since (or the plan was built again): this call's forward again.
        xs.forEach((x, j) => { if (x.disposed) throw new DisposedError(`${op}: input ${j} was disposed before the gradient was taken`); });
        forward = runForward(model, training, xs, xs.map(() => 0), rows, forward!.drops, op, true);
        plan = forward.plan;
      }
      graph.outputs.forEach((node, k) => {
        const delta = f32View(plan.outputDeltas[k], rows * graph.nodes[node].width);
        if (k === o) delta.set(f32View(dy.ptr, dy.size));
        else delta.fill(0);
      });
      const deltas = plan.backwardRows(rows, xs.map((_, j) => needs[j]));
      return inputs.map((t, j) => {
        if (!needs[j]) return null;
        return copyOf(j < xs.length ? deltas[j] : plan.weightGrads[j - xs.length], t.shape, op);
      });
    });
  });
  return outs;
}

/**
 * Runs the forward of the model's apply plan for `rows` rows of xs into `outs` (0: not copied). `again`: a recorded
 * call's forward run again for its backward, from `drops`, the dropout generator state its first run started from
 * (the same masks), leaving batch normalization's moving statistics as they are. Returns the plan, its forward count
 * and the generator state the forward started from.
 */
function runForward(model: ModelState, training: boolean, xs: readonly Tensor[], outs: readonly number[], rows: number,
  drops: Uint8Array | null, op: string, again = false): { plan: Plan; uses: number; drops: Uint8Array | null } {
  const plan = planFor(model, training ? 'applyTraining' : 'apply', rows, op).plan, state = plan.dropState;
  const bytes = (): Uint8Array => new Uint8Array(f32View(state, 4).buffer, state, 16);
  const started = state === 0 ? null : bytes().slice();
  if (drops !== null && state !== 0) bytes().set(drops);
  try {
    plan.forwardRows(xs.map((t) => t.ptr), outs, rows, again);
  } finally {
    if (drops !== null && started !== null) bytes().set(started);
  }
  return { plan, uses: plan.uses, drops: drops ?? started };
}
