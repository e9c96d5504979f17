import { kernels } from '../runtime/wasm';
import { checkAxis, checkNumber, sizeOf } from '../tensor/shape';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { Activation } from './codes';

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
 * x where x > 0, e^x − 1 elsewhere (the exponential linear unit with alpha 1, as tf.elu), element-wise; absolute
 * error below 2^-24 for x ≤ 0, exact above.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * elu(tensor([-1, 2])).toArray(); // [-0.63212055, 2]
 */
export function elu(x: Tensor): Tensor { return activate('elu', x); }

/**
 * The scaled exponential linear unit, as tf.selu: 1.0507·x where x > 0, 1.0507·1.6733·(e^x − 1) elsewhere,
 * element-wise.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * selu(tensor([-1, 2])).toArray(); // [-1.1113307, 2.101402]
 */
export function selu(x: Tensor): Tensor { return activate('selu', x); }

/**
 * min(max(x, 0), 6), element-wise, as tf.relu6 (NaN stays NaN).
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * relu6(tensor([-1, 2, 8])).toArray(); // [0, 2, 6]
 */
export function relu6(x: Tensor): Tensor { return activate('relu6', x); }

/**
 * min(max(0.2·x + 0.5, 0), 1), element-wise: the hard sigmoid of TF.js and Keras 2.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * hardSigmoid(tensor([-3, 0, 1])).toArray(); // [0, 0.5, 0.7]
 */
export function hardSigmoid(x: Tensor): Tensor { return activate('hardSigmoid', x); }

/**
 * x·sigmoid(x), element-wise: Keras's swish (also called silu); sigmoid's error (2 ULP) and one rounding of the product.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * swish(tensor([0, 1])).toArray(); // [0, 0.7310586]
 */
export function swish(x: Tensor): Tensor { return activate('swish', x); }

/**
 * x·sigmoid(x), element-wise: another name of {@link swish}, as Keras's silu.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * silu(tensor([1])).toArray(); // [0.7310586]
 */
export function silu(x: Tensor): Tensor { return activate('swish', x); }

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

/**
 * log(1 + e^x), element-wise, as tf.softplus: a smooth relu, x itself from about 16.6 on; max error 2 ULP.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * softplus(tensor([0, 100, -100])).toArray(); // [0.6931472, 100, 3.783506e-44]
 */
export function softplus(x: Tensor): Tensor { return activate('softplus', x); }

/**
 * The Gaussian error linear unit x·Φ(x) = x·(1 + erf(x/√2))/2, element-wise: Keras's gelu in its exact form
 * (approximate=false; the tanh approximation is not offered); max error 4 ULP.
 * @throws TypeError unless x is a Tensor; DisposedError if it was disposed.
 * @example
 * gelu(tensor([0, 1, -1])).toArray(); // [0, 0.8413447, -0.15865526]
 */
export function gelu(x: Tensor): Tensor { return activate('gelu', x); }

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
