import { kernels } from '../runtime/wasm';
import { checkAxis, checkNumber, sizeOf } from '../tensor/shape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { record, recording } from '../tensor/tape';
import { Activation } from './codes';
import { add, div, equal, exp, greater, less, mul, square, sub, where } from './elementwise';
import { sum } from './reduce';

// Each activation's gradient is one wasm kernel (assembly/activation.ts), taken from the forward output y, except
// swish, gelu and softplus (from the input x: their derivatives need it, or are more accurate from it) and leakyRelu
// (x, so that a negative alpha works: the kernel's y > 0 ? 1 : alpha read on x is the derivative for any alpha).
// Inside another gradient call (an outer tape records) the same gradient is written in recorded ops instead
// (`gradientInOps`, the kernels' conventions at the kinks), so that call can differentiate it: gradients of gradients.
type ActivationName = keyof typeof Activation;
const FROM_INPUT: ReadonlySet<ActivationName> = new Set(['swish', 'gelu', 'softplus']);

function activationGradient(op: ActivationName, x: Tensor, y: Tensor, dy: Tensor, alpha: number): Tensor {
  const dx = empty(x.shape, op);
  if (dx.size === 0) return dx;
  if (FROM_INPUT.has(op)) kernels().activationBackwardFromInput(Activation[op], x.ptr, dy.ptr, dx.ptr, dx.size);
  else kernels().activationBackward(Activation[op], op === 'leakyRelu' ? x.ptr : y.ptr, dy.ptr, dx.ptr, dx.size, alpha);
  return dx;
}

const SELU_SCALE = 1.0507009873554805, SELU_SCALE_ALPHA = 1.7580993408473766; // as assembly/activation.ts
const INV_SQRT_2PI = 0.3989422804014327;

/** dy·act'(x) in recorded ops, from x and the forward's output y, with the kernels' values at the kinks. */
function gradientInOps(op: ActivationName, x: Tensor, y: Tensor, dy: Tensor, alpha: number): Tensor {
  switch (op) {
    case 'sigmoid': return mul(dy, mul(y, sub(1, y)));
    case 'tanh': return mul(dy, sub(1, square(y)));
    case 'relu': return where(greater(y, 0), dy, 0);
    case 'leakyRelu': return where(greater(x, 0), dy, mul(dy, alpha));
    case 'elu': return where(greater(y, 0), dy, mul(dy, add(y, 1)));
    case 'selu': return where(greater(y, 0), mul(dy, SELU_SCALE), mul(dy, add(y, SELU_SCALE_ALPHA)));
    case 'relu6': return where(greater(y, 0), where(less(y, 6), dy, 0), 0);
    case 'hardSigmoid': return where(greater(y, 0), where(less(y, 1), mul(dy, 0.2), 0), 0);
    case 'softplus': return mul(dy, sigmoid(x));
    case 'swish': {
      const s = sigmoid(x);
      return mul(dy, mul(s, add(mul(x, sub(1, s)), 1)));
    }
    default: { // gelu: Φ(x) + x·φ(x), with Φ(x) = y / x (½ at 0, where x is replaced by 1 so that nothing divides by 0)
      const zero = equal(x, 0);
      const phi = where(zero, 0.5, div(y, where(zero, 1, x)));
      return mul(dy, add(phi, mul(x, mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI))));
    }
  }
}

function activate(op: ActivationName, x: Tensor, alpha = 0, name: string = op): Tensor {
  checkTensor(x, name);
  const out = empty(x.shape, name);
  if (out.size > 0) kernels().activation(Activation[op], x.ptr, out.ptr, out.size, alpha);
  return record(name, out, [x], (dy) => [recording() ? gradientInOps(op, x, out, dy, alpha) : activationGradient(op, x, out, dy, alpha)]);
}

/**
 * The logistic function 1 / (1 + e^-x), element-wise: a new tensor of x's shape, in [0, 1]; max error 2 ULP.
 * Its gradient dy·y·(1 − y) is one kernel; inside another gradient call it is
 * written in recorded ops, so gradients of gradients work.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * sigmoid(tensor([0, 100, -100])).toArray(); // [0.5, 1, 3.783506e-44]
 */
export function sigmoid(x: Tensor): Tensor { return activate('sigmoid', x); }

/**
 * max(x, 0), element-wise (NaN stays NaN).
 * Its gradient is dy where x > 0, else 0 (0 at x = 0, as TF.js); one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 */
export function relu(x: Tensor): Tensor { return activate('relu', x); }

/**
 * x where x > 0, e^x − 1 elsewhere (the exponential linear unit with alpha 1, as tf.elu), element-wise; absolute
 * error below 2^-24 for x ≤ 0, exact above.
 * Its gradient is dy where x > 0, dy·(y + 1) elsewhere (1 at x = 0, as TF.js); one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * elu(tensor([-1, 2])).toArray(); // [-0.63212055, 2]
 */
export function elu(x: Tensor): Tensor { return activate('elu', x); }

/**
 * The scaled exponential linear unit, as tf.selu: 1.0507·x where x > 0, 1.0507·1.6733·(e^x − 1) elsewhere,
 * element-wise.
 * Its gradient is dy·1.0507 where x > 0, dy·(y + 1.0507·1.6733) elsewhere (as TF.js at 0); one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * selu(tensor([-1, 2])).toArray(); // [-1.1113307, 2.101402]
 */
export function selu(x: Tensor): Tensor { return activate('selu', x); }

/**
 * min(max(x, 0), 6), element-wise, as tf.relu6 (NaN stays NaN).
 * Its gradient is dy strictly between 0 and 6, else 0 (TF.js gives dy at x = 6); one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * relu6(tensor([-1, 2, 8])).toArray(); // [0, 2, 6]
 */
export function relu6(x: Tensor): Tensor { return activate('relu6', x); }

/**
 * min(max(0.2·x + 0.5, 0), 1), element-wise: the hard sigmoid of TF.js and Keras 2.
 * Its gradient is 0.2·dy strictly inside (−2.5, 2.5), else 0 (0 at the corners); one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * hardSigmoid(tensor([-3, 0, 1])).toArray(); // [0, 0.5, 0.7]
 */
export function hardSigmoid(x: Tensor): Tensor { return activate('hardSigmoid', x); }

/**
 * x·sigmoid(x), element-wise: Keras's swish (also called silu); sigmoid's error (2 ULP) and one rounding of the product.
 * Its gradient dy·(s + x·s·(1 − s)), s = sigmoid(x), is one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * swish(tensor([0, 1])).toArray(); // [0, 0.7310586]
 */
export function swish(x: Tensor): Tensor { return activate('swish', x); }

/**
 * x·sigmoid(x), element-wise: another name of {@link swish}, as Keras's silu.
 * Its gradient is swish's.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * silu(tensor([1])).toArray(); // [0.7310586]
 */
export function silu(x: Tensor): Tensor { return activate('swish', x, 0, 'silu'); }

/**
 * x where x > 0, alpha·x elsewhere (alpha defaults to 0.2, as in TensorFlow.js), element-wise.
 * Its gradient is dy where x > 0, alpha·dy elsewhere (alpha at x = 0, as TF.js); one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor and alpha a number (not NaN); DisposedError if x was disposed.
 * @example
 * leakyRelu(tensor([-1, 2]), 0.1).toArray(); // [-0.1, 2]
 */
export function leakyRelu(x: Tensor, alpha = 0.2): Tensor {
  checkNumber(alpha, 'leakyRelu', 'alpha', false);
  return activate('leakyRelu', x, alpha);
}

/**
 * Hyperbolic tangent, element-wise, in [-1, 1] (exactly ±1 from |x| ≈ 9.01 on); max error 1 ULP.
 * Its gradient dy·(1 − y²) is one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * tanh(tensor([0])).toArray(); // [0]
 */
export function tanh(x: Tensor): Tensor { return activate('tanh', x); }

/**
 * log(1 + e^x), element-wise, as tf.softplus: a smooth relu, x itself from about 16.6 on; max error 2 ULP.
 * Its gradient dy·sigmoid(x) is one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * softplus(tensor([0, 100, -100])).toArray(); // [0.6931472, 100, 3.783506e-44]
 */
export function softplus(x: Tensor): Tensor { return activate('softplus', x); }

/**
 * The Gaussian error linear unit x·Φ(x) = x·(1 + erf(x/√2))/2, element-wise: Keras's gelu in its exact form
 * (approximate=false; the tanh approximation is not offered); max error 4 ULP.
 * Its gradient dy·(Φ(x) + x·φ(x)) is one kernel (recorded ops inside another gradient call: gradients of gradients work).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * gelu(tensor([0, 1, -1])).toArray(); // [0, 0.8413447, -0.15865526]
 */
export function gelu(x: Tensor): Tensor { return activate('gelu', x); }

// x's layout around `axis` for the softmax kernels: [outer, r, inner].
function softmaxLayout(x: Tensor, axis: number, op: string): [number, number, number] {
  checkTensor(x, op);
  const a = checkAxis(axis, x.rank, op);
  return [sizeOf(x.shape.slice(0, a)), x.shape[a], sizeOf(x.shape.slice(a + 1))];
}

/**
 * exp(x) / Σ exp(x) along `axis` (default -1, the last), computed stably (the maximum is subtracted first): each
 * slice along that axis sums to 1. Its gradient, y·(dy − Σ dy·y) along the axis, is made of recorded ops, so it can
 * be differentiated again.
 * @throws TypeError unless x is a Tensor and axis an integer; RangeError if axis is out of range; DisposedError.
 * @example
 * softmax(tensor([[1, 1]])).toArray(); // [[0.5, 0.5]]
 * softmax(tensor([[0], [Math.log(3)]]), 0).toArray(); // [[0.25], [0.75]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const op = 'softmax';
  const [outer, r, inner] = softmaxLayout(x, axis, op);
  const y = empty(x.shape, op);
  if (y.size > 0) kernels().softmax(x.ptr, y.ptr, outer, r, inner);
  return record(op, y, [x], (dy) => [mul(y, sub(dy, sum(mul(dy, y), axis, true)))]);
}

/**
 * log(softmax(x)) along `axis` (default -1, the last), as TF.js's logSoftmax, computed stably in one pass:
 * (x − max) − log Σ exp(x − max), so large or very negative logits give finite values where log(softmax(x)) would
 * give -Infinity. Its gradient, dy − softmax(x)·Σ dy along the axis, is made of recorded ops.
 * @throws TypeError unless x is a Tensor and axis an integer; RangeError if axis is out of range; DisposedError.
 * @example
 * logSoftmax(tensor([0, 0])).toArray(); // [-0.6931472, -0.6931472]
 * logSoftmax(tensor([[0, -200]])).toArray(); // [[0, -200]]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const op = 'logSoftmax';
  const [outer, r, inner] = softmaxLayout(x, axis, op);
  const y = empty(x.shape, op);
  if (y.size > 0) kernels().logSoftmax(x.ptr, y.ptr, outer, r, inner);
  return record(op, y, [x], (dy) => [sub(dy, mul(softmax(x, axis), sum(dy, axis, true)))]);
}
