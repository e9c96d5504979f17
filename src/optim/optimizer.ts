// What every optimizer does with its settings (optimizers.ts): keep a state per weight (getSlots), and step variables
// in place with the training loop's own kernel (assembly/optim.ts applyStep, the update fit runs), so that a custom
// loop with applyGradients and fit take identical steps.
import { CLIP_GLOBAL_NORM, CLIP_NONE, CLIP_NORM, CLIP_VALUE, OPT_ADAGRAD, OPT_ADAM, OPT_RMSPROP, OPT_SGD } from '../../assembly/layout';
import { variableGrads } from '../autograd/gradients';
import { kernels } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { zeros } from '../tensor/create';
import { keepOwner } from '../tensor/storage';
import { checkTensor, Tensor } from '../tensor/tensor';
import { findVariable, type Variable } from '../tensor/variable';
import type { NamedTensor, Optimizer, OptimizerConfig } from './optimizers';
import type { LearningRateSchedule } from './schedule';

const OPTIMIZER_CODES = { sgd: OPT_SGD, adam: OPT_ADAM, rmsprop: OPT_RMSPROP, adagrad: OPT_ADAGRAD } as const;

/**
 * The words of a step of `config` as the kernels take them (a plan's PLAN_OPTIMIZER, PLAN_LR, PLAN_P1, PLAN_P2,
 * PLAN_EPS, PLAN_WD, PLAN_CLIP, PLAN_CLIP_BOUND; applyStep's arguments): p1 is momentum, beta1 or rho; p2 nesterov
 * (1 or 0) or beta2; lr 0 when the rate follows a schedule; clip the CLIP_ code and bound its clipNorm,
 * globalClipNorm or clipValue.
 */
export function stepSettings(config: OptimizerConfig): { code: number; lr: number; p1: number; p2: number; eps: number; wd: number; clip: number; bound: number } {
  const clip = config.clipNorm !== undefined ? CLIP_NORM : config.globalClipNorm !== undefined ? CLIP_GLOBAL_NORM
    : config.clipValue !== undefined ? CLIP_VALUE : CLIP_NONE;
  return {
    code: OPTIMIZER_CODES[config.name],
    lr: typeof config.learningRate === 'number' ? config.learningRate : 0,
    p1: Number(config.momentum ?? config.beta1 ?? config.rho ?? 0),
    p2: Number(config.name === 'sgd' ? (config.nesterov ? 1 : 0) : config.beta2 ?? 0),
    eps: Number(config.epsilon ?? 0),
    wd: Number(config.weightDecay ?? 0),
    clip,
    bound: Number(config.clipNorm ?? config.globalClipNorm ?? config.clipValue ?? 0),
  };
}

/** An optimizer of `config` that owns a state of `stateArrays` tensors per weight. */
export class SlotOptimizer implements Optimizer {
  iterations = 0;
  private readonly slots = new Map<Tensor, Tensor[]>();

  constructor(readonly config: OptimizerConfig, readonly stateArrays: number, readonly schedule: LearningRateSchedule | null = null) {}

  get learningRate(): number {
    return this.schedule ? this.schedule.rate(this.iterations) : this.config.learningRate as number;
  }

  set learningRate(value: number) {
    if (this.schedule) {
      throw new RangeError(`learningRate: this optimizer's learning rate follows a schedule (${this.schedule.config.className}) and cannot be set; `
        + 'make the optimizer with a number as its learningRate to set it');
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`learningRate: must be a finite number >= 0, got ${showValue(value)}`);
    }
    this.config.learningRate = value;
  }

  getSlots(weight: Tensor): Tensor[] {
    let state = this.slots.get(weight);
    if (!state) {
      state = Array.from({ length: this.stateArrays }, () => zeros(weight.shape));
      state.forEach(keepOwner); // the optimizer frees them, whatever tidy scope first stepped the weight
      this.slots.set(weight, state);
    }
    return state;
  }

  minimize(f: () => Tensor, returnCost = false, varList?: readonly Variable[]): Tensor | null {
    if (typeof returnCost !== 'boolean') throw new TypeError(`minimize: returnCost must be a boolean, got ${showValue(returnCost)}`);
    const { value, grads } = variableGrads(f, varList);
    try {
      this.applyGradients(grads);
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      for (const name in grads) grads[name].dispose();
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  computeGradients(f: () => Tensor, varList?: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    return variableGrads(f, varList);
  }

  applyGradients(grads: Record<string, Tensor> | readonly NamedTensor[]): void {
    const steps = checkGradients(grads).filter(([variable]) => variable.trainable);
    const states = steps.map(([variable]) => this.getSlots(variable));
    const { code, lr: constant, p1, p2, eps, wd, clip, bound } = stepSettings(this.config), t = this.iterations + 1;
    const lr = this.schedule ? this.schedule.rate(this.iterations) : constant;
    const k = kernels();
    // Clipping as the training loop's update does it (train.ts), through the same kernels: a norm's scale, or clipValue's bound.
    const limit = clip === CLIP_VALUE ? bound : Infinity;
    let scale = clip === CLIP_GLOBAL_NORM ? k.normScale(steps.reduce((sum, [, g]) => sum + k.sumOfSquares(g.ptr, g.size), 0), bound) : 1;
    steps.forEach(([variable, g], i) => {
      const [s0, s1] = states[i];
      if (clip === CLIP_NORM) scale = k.normScale(k.sumOfSquares(g.ptr, g.size), bound);
      k.applyStep(code, variable.ptr, g.ptr, s0?.ptr ?? 0, s1?.ptr ?? 0, variable.size, lr, p1, p2, eps, t, wd, scale, limit);
    });
    this.iterations = t;
    k.weightsChanged(); // plans that keep a weight packed pack it again
  }

  dispose(): void {
    this.slots.forEach((state) => state.forEach((s) => s.dispose()));
    this.slots.clear();
    this.iterations = 0;
  }
}

/** Sets the step count of an optimizer `compile` made (a model's step, which its training plans advance). */
export function setIterations(optimizer: Optimizer, value: number): void {
  (optimizer as SlotOptimizer).iterations = value;
}

/**
 * The variable and gradient of each entry of applyGradients' `grads` (a record by variable name, or TF.js's
 * NamedTensor list), all checked before any step: each name that of a live variable, listed once, each gradient a
 * live tensor of its variable's shape.
 */
function checkGradients(grads: unknown): [Variable, Tensor][] {
  const op = 'applyGradients';
  let entries: [string, unknown, string][];
  if (Array.isArray(grads)) {
    entries = grads.map((entry: unknown, i) => {
      if (typeof entry !== 'object' || entry === null || typeof (entry as NamedTensor).name !== 'string' || !('tensor' in entry)) {
        throw new TypeError(`${op}: grads[${i}] must be { name, tensor } (a variable name and its gradient), got ${showValue(entry)}`);
      }
      const { name, tensor } = entry as NamedTensor;
      return [name, tensor, `grads[${i}].tensor`];
    });
  } else if (typeof grads === 'object' && grads !== null && !(grads instanceof Tensor)) {
    entries = Object.entries(grads).map(([name, tensor]) => [name, tensor, `the gradient of ${name}`]);
  } else {
    throw new TypeError(`${op}: grads must be { [variableName]: gradient } or an array of { name, tensor }, got ${showValue(grads)}`);
  }
  const seen = new Set<string>();
  return entries.map(([name, tensor, arg]) => {
    if (seen.has(name)) throw new RangeError(`${op}: variable '${name}' is listed twice`);
    seen.add(name);
    const variable = findVariable(name);
    if (!variable) throw new RangeError(`${op}: no live variable is named '${name}' (was it disposed?)`);
    const g = checkTensor(tensor, op, arg);
    if (g.shape.join() !== variable.shape.join()) {
      throw new ShapeError(`${op}: the gradient of ${name} has shape ${showShape(g.shape)}; the variable has shape ${showShape(variable.shape)}`);
    }
    return [variable, g];
  });
}
