import { kernels } from '../runtime/wasm';
import { f32View } from '../runtime/heap';
import { ShapeError, showShape, showValue } from './errors';
import { checkOptionKeys } from './options';
import { allocStorage, keepOwner } from './storage';
import { checkTensor, CREATE, Tensor } from './tensor';

// Live variables by name (weakly: a variable nobody holds is collected and its name freed).
const registry = new Map<string, WeakRef<Variable>>();
let unnamed = 0;

/**
 * A tensor whose values can be overwritten in place with `assign`: model weights and the parameters of a custom
 * training loop. `variableGrads` and `optimizer.minimize` differentiate with respect to the live trainable
 * variables. Create one with {@link variable}. A variable outlives `tidy` (dispose it when done, or leave it to the
 * garbage collector); its name is unique among live variables.
 * @example
 * const w = variable(tensor([1, 2]), { name: 'w' });
 * w.assign(tensor([3, 4]));
 * w.toArray(); // [3, 4]
 */
export class Variable extends Tensor {
  /**
   * Whether gradients are taken with respect to it (by `variableGrads` without a list, and optimizers).
   * @example
   * variable(zeros([2]), { trainable: false }).trainable; // false
   */
  trainable: boolean;
  /**
   * Its name: given, or `variable_<n>`; a model's weights are named `<layer>/<weight>`.
   * @example
   * variable(zeros([2]), { name: 'bias' }).name; // 'bias'
   */
  readonly name: string;

  /**
   * A variable holding a copy of value, or with `adopt` its storage (a layer's weight takes over its initializer's
   * new tensor, which the layer then disposes).
   * @internal
   */
  constructor(token: symbol, value: Tensor, trainable: boolean, name: string, adopt = false) {
    const storage = adopt ? value.storage('variable', 'value') : allocStorage(value.size, 'variable');
    super(token, storage, value.shape);
    if (!adopt) f32View(storage.ptr, value.size).set(f32View(value.ptr, value.size));
    keepOwner(this);
    this.trainable = trainable;
    this.name = name;
    registry.set(name, new WeakRef(this));
  }

  /**
   * Overwrites the values with those of `value` (same shape), in place: everything that holds this variable sees
   * them, including models whose weight it is. Returns nothing, as TF.js's assign.
   * @throws ShapeError for another shape; TypeError unless value is a Tensor; DisposedError if either was disposed.
   * @example
   * const v = variable(zeros([2]));
   * v.assign(tensor([5, 6]));
   * v.toArray(); // [5, 6]
   */
  assign(value: Tensor): void {
    const op = 'assign';
    const target = this.storage(op, 'variable');
    checkTensor(value, op, 'value');
    if (value.shape.join() !== this.shape.join()) {
      throw new ShapeError(`assign: value has shape ${showShape(value.shape)}; variable ${this.name} has shape ${showShape(this.shape)}`);
    }
    if (value.size > 0) f32View(target.ptr, this.size).set(f32View(value.ptr, value.size));
    kernels().weightsChanged(); // plans that keep this weight packed pack it again
  }

  /**
   * Frees the values and the name (calling it again does nothing).
   * @example
   * const v = variable(zeros([2]), { name: 'temporary' });
   * v.dispose();
   * variable(zeros([2]), { name: 'temporary' }).name; // 'temporary'
   */
  override dispose(): void {
    if (registry.get(this.name)?.deref() === this) registry.delete(this.name);
    super.dispose();
  }
}

/**
 * Options of `variable`.
 * @example
 * const options: VariableOptions = { trainable: false, name: 'step' };
 * variable(scalar(0), options).trainable; // false
 */
export interface VariableOptions {
  /** Whether gradients are taken with respect to it (default true). */
  trainable?: boolean;
  /** A name no live variable has (default `variable_<n>`). */
  name?: string;
}

/**
 * A new variable holding a copy of `initialValue`, as tf.variable: `variable(x, { trainable, name })`, or TF.js's
 * positional `variable(x, trainable, name)`.
 * @throws TypeError unless initialValue is a Tensor, trainable a boolean and name a non-empty string; RangeError for
 * unknown option keys or a name a live variable has; DisposedError if initialValue was disposed.
 * @example
 * const w = variable(tensor([[1, 2]]), { name: 'weights' });
 * [w.name, w.trainable, w.shape]; // ['weights', true, [1, 2]]
 */
export function variable(initialValue: Tensor, options?: VariableOptions | boolean, name?: string): Variable {
  const op = 'variable';
  checkTensor(initialValue, op, 'initialValue');
  let trainable: unknown = true, given: unknown = name;
  if (typeof options === 'boolean' || options === undefined) {
    trainable = options ?? true;
  } else {
    checkOptionKeys(op, options, ['trainable', 'name']);
    trainable = options.trainable ?? true;
    given = options.name;
  }
  if (typeof trainable !== 'boolean') throw new TypeError(`${op}: trainable must be a boolean, got ${showValue(trainable)}`);
  if (given !== undefined && (typeof given !== 'string' || given === '')) throw new TypeError(`${op}: name must be a non-empty string, got ${showValue(given)}`);
  const chosen = (given as string | undefined) ?? uniqueName('variable');
  if (findVariable(chosen)) throw new RangeError(`${op}: a live variable is already named '${chosen}'`);
  return new Variable(CREATE, initialValue, trainable, chosen);
}

/** `base_<n>` for the next n that no live variable has. */
function uniqueName(base: string): string {
  let name: string;
  do name = `${base}_${++unnamed}`; while (findVariable(name));
  return name;
}

/** `name` if no live variable has it, else `name_<k>` for the first k >= 1 that none has (a layer's weight names). */
export function availableName(name: string): string {
  if (!findVariable(name)) return name;
  let k = 1;
  while (findVariable(`${name}_${k}`)) k++;
  return `${name}_${k}`;
}

/** The live variable named `name`, or undefined. */
export function findVariable(name: string): Variable | undefined {
  const v = registry.get(name)?.deref();
  return v && !v.disposed ? v : undefined;
}

/** The live variables, in the order they were made. */
export function liveVariables(): Variable[] {
  const live: Variable[] = [];
  for (const [name, ref] of registry) {
    const v = ref.deref();
    if (v && !v.disposed) live.push(v);
    else registry.delete(name);
  }
  return live;
}
