import { kernels } from '../runtime/wasm';
import { checkAxis, checkNumber, sizeOf } from '../tensor/shape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { Activation, Unary } from './codes';

function activate(op: keyof typeof Activation, x: Tensor, alpha = 0): Tensor {
  checkTensor(x, op);
  const out = empty(x.shape, op);
  if (out.size > 0) kernels().activation(Activation[op], x.ptr, out.ptr, out.size, alpha);
  return out;
}

/**
 * The logistic function 1 / (1 + e^-x), element-wise: a new tensor of x's shape, in [0, 1]; max error 2 ULP.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * sigmoid(tensor([0, 100, -100])).toArray(); // [0.5, 1, 3.783506e-44]
 */
export function sigmoid(x: Tensor): Tensor { return activate('sigmoid', x); }

/**
 * max(x, 0), element-wise (NaN stays NaN).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * relu(tensor([-1, 2])).toArray(); // [0, 2]
 */
export function relu(x: Tensor): Tensor { return activate('relu', x); }

/**
 * x where x > 0, alpha·x elsewhere (alpha defaults to 0.2, as in TensorFlow.js), element-wise.
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
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * tanh(tensor([0])).toArray(); // [0]
 */
export function tanh(x: Tensor): Tensor { return activate('tanh', x); }

function unaryActivation(op: 'softplus' | 'gelu', x: Tensor): Tensor {
  checkTensor(x, op);
  const out = empty(x.shape, op);
  if (out.size > 0) kernels().unary(Unary[op], x.ptr, out.ptr, out.size);
  return out;
}

/**
 * log(1 + e^x), element-wise, as tf.softplus: a smooth relu, x itself from about 16.6 on; max error 2 ULP.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * softplus(tensor([0, 100, -100])).toArray(); // [0.6931472, 100, 3.783506e-44]
 */
export function softplus(x: Tensor): Tensor { return unaryActivation('softplus', x); }

/**
 * The Gaussian error linear unit x·Φ(x) = x·(1 + erf(x/√2))/2, element-wise: Keras's gelu in its exact form
 * (approximate=false; the tanh approximation is not offered); max error 4 ULP.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * gelu(tensor([0, 1, -1])).toArray(); // [0, 0.8413447, -0.15865526]
 */
export function gelu(x: Tensor): Tensor { return unaryActivation('gelu', x); }

/**
 * exp(x) / Σ exp(x) along `axis` (default -1, the last), computed stably (the maximum is subtracted first): each
 * slice along that axis sums to 1.
 * @throws TypeError unless x is a Tensor and axis an integer; RangeError if axis is out of range; DisposedError.
 * @example
 * softmax(tensor([[1, 1]])).toArray(); // [[0.5, 0.5]]
 * softmax(tensor([[0], [Math.log(3)]]), 0).toArray(); // [[0.25], [0.75]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const op = 'softmax';
  checkTensor(x, op);
  const a = checkAxis(axis, x.rank, op);
  const out = empty(x.shape, op);
  if (out.size === 0) return out;
  const outer = sizeOf(x.shape.slice(0, a));
  const inner = sizeOf(x.shape.slice(a + 1));
  kernels().softmax(x.ptr, out.ptr, outer, x.shape[a], inner);
  return out;
}
