// Gradients of functions of tensors, with TF.js's signatures: f runs once with a tape recording the ops that
// depend on the watched tensors (src/tensor/tape.ts), then the tape is walked back from f's result, each op's
// backward (beside its forward in src/ops/) turning its output's gradient into its inputs'.
import { DisposedError, ShapeError, showShape, showValue } from '../tensor/errors';
import { record, Tape, recording, withTape, withoutTapes } from '../tensor/tape';
import { checkTensor, Tensor } from '../tensor/tensor';
import { runScoped } from '../tensor/storage';
import { zerosLike } from '../tensor/create';
import { add } from '../ops/elementwise';
import { reshape } from '../ops/shape';
import { liveVariables, type Variable } from '../tensor/variable';

/**
 * Runs f with `xs` watched and returns its result and the gradients of `dy · result` with respect to each x (zeros
 * for an x the result does not depend on). At the top level every tensor made on the way is freed except the
 * result and the gradients; inside another gradient call nothing is freed, so that call can differentiate this one.
 */
function gradients(op: string, f: () => unknown, xs: readonly Tensor[], dy: Tensor | undefined): { value: Tensor; grads: (Tensor | null)[] } {
  xs.forEach((x, i) => checkTensor(x, op, xs.length === 1 ? 'x' : `xs[${i}]`));
  if (dy !== undefined) checkTensor(dy, op, 'dy');
  const run = (): { value: Tensor; grads: (Tensor | null)[] } => {
    const tape = new Tape(xs);
    const value = withTape(tape, f);
    if (!(value instanceof Tensor)) throw new TypeError(`${op}: f must return a Tensor, got ${showValue(value)}`);
    if (value.disposed) throw new DisposedError(`${op}: f returned a disposed tensor`);
    if (dy === undefined && value.rank !== 0) {
      throw new ShapeError(`${op}: f returned shape ${showShape(value.shape)}; without dy it must return a scalar (pass dy of that shape, or reduce with sum or mean)`);
    }
    if (dy !== undefined && dy.shape.join() !== value.shape.join()) {
      throw new ShapeError(`${op}: dy has shape ${showShape(dy.shape)}; f returned shape ${showShape(value.shape)}`);
    }
    return { value, grads: backpropagate(op, tape, value, dy, xs) };
  };
  return recording() ? run() : runScoped(run);
}

/** Walks the tape back from `y` (gradient dy, or 1) and returns the gradients of xs (null where y does not reach). */
function backpropagate(op: string, tape: Tape, y: Tensor, dy: Tensor | undefined, xs: readonly Tensor[]): (Tensor | null)[] {
  const nested = recording();
  const grads = new Map<Tensor, Tensor>();
  // How many entries of `grads` hold each tensor (a backward may pass dy through as an input's gradient).
  const holders = new Map<Tensor, number>();
  const hold = (x: Tensor, g: Tensor): void => {
    grads.set(x, g);
    holders.set(g, (holders.get(g) ?? 0) + 1);
  };
  const release = (x: Tensor): void => {
    const g = grads.get(x);
    grads.delete(x);
    if (g === undefined) return;
    const left = (holders.get(g) ?? 1) - 1;
    holders.set(g, left);
    if (left === 0 && !nested && g !== dy) g.dispose();
  };
  hold(y, dy ?? withoutTapes(() => zerosLike(y).add(1)));
  const wanted = new Set(xs);
  for (let e = tape.entries.length - 1; e >= 0; e--) {
    const entry = tape.entries[e];
    const g = grads.get(entry.output);
    if (g === undefined) continue;
    const needs = entry.inputs.map((x) => x !== null && tape.tracked.has(x));
    let results: readonly (Tensor | null | undefined)[];
    try {
      results = entry.backward(g, needs);
    } catch (error) {
      if (error instanceof DisposedError) {
        throw new DisposedError(`${op}: the gradient of ${entry.op} needs a tensor that was disposed before the gradient was taken (${error.message})`);
      }
      throw error;
    }
    entry.inputs.forEach((x, i) => {
      const r = results[i];
      if (x === null || !needs[i] || r === null || r === undefined) return;
      if (r.shape.join() !== x.shape.join()) {
        throw new ShapeError(`${op}: the gradient of ${entry.op}'s input ${i} has shape ${showShape(r.shape)}, not the input's ${showShape(x.shape)}`);
      }
      const prev = grads.get(x);
      if (prev === undefined) return hold(x, r);
      const sum = add(prev, r);
      release(x);
      if (!nested && r !== g && !holders.get(r) && r !== dy) r.dispose();
      hold(x, sum);
    });
    if (!wanted.has(entry.output)) release(entry.output);
  }
  const given = new Set<Tensor>();
  return xs.map((x) => {
    const g = grads.get(x);
    if (g === undefined) return null;
    // A tensor listed twice, or a gradient shared with another x or equal to dy, is given as a copy.
    if (given.has(g) || (holders.get(g) ?? 0) > 1 || g === dy) {
      holders.set(g, (holders.get(g) ?? 1) - 1);
      return g.clone();
    }
    given.add(g);
    return g;
  });
}

/** The gradients, zeros where f's result does not depend on the x (as TF.js). */
function filled(xs: readonly Tensor[], gs: readonly (Tensor | null)[]): Tensor[] {
  return gs.map((g, i) => g ?? withoutTapes(() => zerosLike(xs[i])));
}

function checkFunction(f: unknown, op: string): void {
  if (typeof f !== 'function') throw new TypeError(`${op}: f must be a function, got ${showValue(f)}`);
  // A class is a function that cannot be called: refused here, not when f is first called inside the gradient.
  if (Function.prototype.toString.call(f).startsWith('class')) throw new TypeError(`${op}: f must be a function, got the class ${f.name}`);
}

function checkList(xs: unknown, op: string): readonly Tensor[] {
  if (!Array.isArray(xs)) throw new TypeError(`${op}: xs must be an array of Tensors, got ${showValue(xs)}`);
  if (xs.length === 0) throw new RangeError(`${op}: xs is empty; give the tensors to differentiate with respect to`);
  return xs as readonly Tensor[];
}

/**
 * The gradient function of `f`, a function of one tensor: `grad(f)(x, dy?)` is d(f(x))/dx, a tensor of x's shape.
 * Without `dy`, f must return a scalar; with it, the gradient of Σ dy · f(x) (dy of f's shape), as TF.js's grad.
 * Tensors made on the way are freed; the gradient is zeros where f does not depend on x. Nested calls give higher
 * derivatives.
 * @throws TypeError unless f is a function returning a Tensor and x (and dy) Tensors; ShapeError if f returns a
 * non-scalar without dy, or dy's shape differs from f's result; DisposedError for a disposed x or dy, or a tensor
 * the gradient needs that was disposed inside f.
 * @example
 * const g = grad((x) => x.square().sum()); // d/dx Σ x² = 2x
 * g(tensor([1, -3])).toArray(); // [2, -6]
 * grad((x) => x.mul(x).mul(x))(scalar(2)).item(); // 12
 * grad(grad((x) => x.mul(x).mul(x)))(scalar(2)).item(); // 12 (the second derivative, 6x)
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  checkFunction(f, 'grad');
  return (x, dy) => {
    const { value, grads: gs } = gradients('grad', () => f(x), [x], dy);
    if (!recording()) value.dispose();
    return filled([x], gs)[0];
  };
}

/**
 * The gradient function of `f`, a function of several tensors: `grads(f)([a, b], dy?)` is [∂f/∂a, ∂f/∂b], as
 * TF.js's grads; see {@link grad}.
 * @throws as grad does, and TypeError unless xs is an array, RangeError if it is empty.
 * @example
 * const [da, db] = grads((a, b) => a.mul(b).sum())([tensor([1, 2]), tensor([3, 4])]);
 * [da.toArray(), db.toArray()]; // [[3, 4], [1, 2]]
 */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: readonly Tensor[], dy?: Tensor) => Tensor[] {
  checkFunction(f, 'grads');
  return (xs, dy) => {
    const list = checkList(xs, 'grads');
    const { value, grads: gs } = gradients('grads', () => f(...list), list, dy);
    if (!recording()) value.dispose();
    return filled(list, gs);
  };
}

/**
 * Like {@link grad}, but also returns f's value: `valueAndGrad(f)(x)` is `{ value, grad }`.
 * @throws as grad does.
 * @example
 * const { value, grad: g } = valueAndGrad((x) => x.square().sum())(tensor([3]));
 * [value.item(), g.toArray()]; // [9, [6]]
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  checkFunction(f, 'valueAndGrad');
  return (x, dy) => {
    const { value, grads: gs } = gradients('valueAndGrad', () => f(x), [x], dy);
    return { value, grad: filled([x], gs)[0] };
  };
}

/**
 * Like {@link grads}, but also returns f's value: `valueAndGrads(f)(xs)` is `{ value, grads }`.
 * @throws as grads does.
 * @example
 * const { value, grads: [da, db] } = valueAndGrads((a, b) => a.mul(b).sum())([tensor([2]), tensor([5])]);
 * [value.item(), da.item(), db.item()]; // [10, 5, 2]
 */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: readonly Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  checkFunction(f, 'valueAndGrads');
  return (xs, dy) => {
    const list = checkList(xs, 'valueAndGrads');
    const { value, grads: gs } = gradients('valueAndGrads', () => f(...list), list, dy);
    return { value, grads: filled(list, gs) };
  };
}

/**
 * The value of f (a function of no arguments returning a scalar) and its gradients with respect to `varList`
 * (default: every live trainable variable), by variable name, as TF.js's variableGrads. Only variables f depends on
 * get a gradient; non-trainable variables in varList are left out.
 * @throws TypeError unless f is a function returning a scalar Tensor and varList an array of Variables; RangeError
 * if no trainable variable is listed or f depends on none of them; DisposedError as grad does.
 * @example
 * const w = variable(tensor([1, 2]), { name: 'w2' });
 * const { value, grads: g } = variableGrads(() => w.square().sum(), [w]);
 * [value.item(), g.w2.toArray()]; // [5, [2, 4]]
 */
export function variableGrads(f: () => Tensor, varList?: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const op = 'variableGrads';
  checkFunction(f, op);
  if (varList !== undefined && !Array.isArray(varList)) throw new TypeError(`${op}: varList must be an array of Variables, got ${showValue(varList)}`);
  const list = (varList ?? liveVariables()).filter((v, i) => {
    if (!(v instanceof Tensor) || !('trainable' in v)) throw new TypeError(`${op}: varList[${i}] must be a Variable, got ${showValue(v)}`);
    return v.trainable;
  });
  if (list.length === 0) throw new RangeError(`${op}: there is no trainable variable to differentiate with respect to`);
  const { value, grads: gs } = gradients(op, f, list, undefined);
  const named: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  list.forEach((v, i) => {
    const g = gs[i];
    if (g !== null) named[v.name] = g;
  });
  if (Object.keys(named).length === 0) {
    value.dispose();
    throw new RangeError(`${op}: f does not depend on any of the variables; make sure the ops that use them run inside f`);
  }
  return { value, grads: named };
}

/**
 * What `customGrad` takes: a function of the input tensors and, last, `save` (keep tensors for gradFunc), returning
 * the value and the function from its gradient to the inputs' (TF.js's CustomGradientFunc).
 * @example
 * const f: CustomGradientFunc = (x: Tensor) => ({ value: x.mul(2), gradFunc: (dy: Tensor) => dy.mul(2) });
 * customGrad(f)(tensor([1])).toArray(); // [2]
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the inputs, then save: typed by the caller, as in TF.js
export type CustomGradientFunc = (...args: any[]) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] };

/**
 * A function with a gradient of your own, as TF.js's customGrad: `f(...inputs, save)` returns `{ value, gradFunc }`,
 * and `gradFunc(dy, saved)` returns the gradient of each input (one tensor, or an array in input order) from the
 * gradient of value; `save(tensors)` keeps tensors for it. The forward inside f is not recorded.
 * @throws TypeError unless f is a function; when called, TypeError unless the inputs are Tensors and f returns
 * { value: Tensor, gradFunc: function }; RangeError if gradFunc returns the wrong number of gradients.
 * @example
 * // The gradient of x² taken as 10·dy instead of 2x·dy.
 * const square = customGrad((x, save) => ({ value: x.square(), gradFunc: (dy) => dy.mul(10) }));
 * grad((x) => square(x).sum())(tensor([1, 2])).toArray(); // [10, 10]
 */
export function customGrad(f: CustomGradientFunc): (...inputs: Tensor[]) => Tensor {
  const op = 'customGrad';
  checkFunction(f, op);
  return (...inputs) => {
    inputs.forEach((x, i) => checkTensor(x, op, `inputs[${i}]`));
    let saved: Tensor[] = [];
    const save = (tensors: Tensor[]): void => {
      if (!Array.isArray(tensors)) throw new TypeError(`${op}: save takes an array of Tensors, got ${showValue(tensors)}`);
      tensors.forEach((t, i) => checkTensor(t, op, `saved[${i}]`));
      saved = tensors;
    };
    const result = withoutTapes(() => (f as (...args: unknown[]) => unknown)(...inputs, save)) as { value?: unknown; gradFunc?: unknown } | null;
    const value = result?.value, gradFunc = result?.gradFunc;
    if (!(value instanceof Tensor) || typeof gradFunc !== 'function') {
      throw new TypeError(`${op}: f must return { value: Tensor, gradFunc: function }, got ${showValue(result)}`);
    }
    return record(op, value, inputs, (dy) => {
      const r: unknown = gradFunc(dy, saved);
      const list = Array.isArray(r) ? r : [r];
      if (list.length !== inputs.length || !list.every((t) => t instanceof Tensor)) {
        throw new RangeError(`${op}: gradFunc must return ${inputs.length} Tensor${inputs.length === 1 ? '' : 's'} (one per input), got ${showValue(r)}`);
      }
      // A gradient that is one of the caller's tensors is given as a copy: the walk frees the gradients it holds.
      return (list as Tensor[]).map((t) => (inputs.includes(t) || saved.includes(t) ? t.clone() : t));
    });
  };
}

/**
 * x itself (sharing its values, as `reshape` does), but a constant to gradients: nothing flows back through it.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * grad((x) => x.mul(stopGradient(x)).sum())(tensor([3])).toArray(); // [3] (not 6)
 */
export function stopGradient(x: Tensor): Tensor {
  checkTensor(x, 'stopGradient');
  return withoutTapes(() => reshape(x, x.shape));
}
