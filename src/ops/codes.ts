// The kernels' op codes by op name, built from assembly/layout.ts (the one source both compilers read).
import {
  ACT_ELU, ACT_GELU, ACT_HARD_SIGMOID, ACT_LEAKY_RELU, ACT_RELU, ACT_RELU6, ACT_SELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_SWISH, ACT_TANH, ARG_MAX, ARG_MIN, BINARY_ADD, BINARY_DIV, BINARY_EQUAL, BINARY_GREATER,
  BINARY_LESS, BINARY_GREATER_EQUAL, BINARY_LESS_EQUAL, BINARY_NOT_EQUAL, BINARY_MAXIMUM, BINARY_MINIMUM, BINARY_MUL, BINARY_POW, BINARY_SUB, REDUCE_MAX, REDUCE_MEAN, REDUCE_MIN,
  REDUCE_SUM, UNARY_ABS, UNARY_EXP, UNARY_LOG, UNARY_NEG, UNARY_SIGN, UNARY_SQRT, UNARY_SQUARE,
} from '../../assembly/layout';

export const Binary = {
  add: BINARY_ADD, sub: BINARY_SUB, mul: BINARY_MUL, div: BINARY_DIV, pow: BINARY_POW, maximum: BINARY_MAXIMUM,
  minimum: BINARY_MINIMUM, greater: BINARY_GREATER, less: BINARY_LESS, equal: BINARY_EQUAL,
  greaterEqual: BINARY_GREATER_EQUAL, lessEqual: BINARY_LESS_EQUAL, notEqual: BINARY_NOT_EQUAL,
} as const;
export const Unary = {
  neg: UNARY_NEG, abs: UNARY_ABS, exp: UNARY_EXP, log: UNARY_LOG, sqrt: UNARY_SQRT, square: UNARY_SQUARE, sign: UNARY_SIGN,
} as const;
export const Activation = {
  sigmoid: ACT_SIGMOID, relu: ACT_RELU, leakyRelu: ACT_LEAKY_RELU, tanh: ACT_TANH, elu: ACT_ELU, selu: ACT_SELU, relu6: ACT_RELU6,
  hardSigmoid: ACT_HARD_SIGMOID, softplus: ACT_SOFTPLUS, gelu: ACT_GELU, swish: ACT_SWISH,
} as const;
export const Reduce = { sum: REDUCE_SUM, mean: REDUCE_MEAN, max: REDUCE_MAX, min: REDUCE_MIN } as const;
export const ArgReduce = { argmax: ARG_MAX, argmin: ARG_MIN } as const;
