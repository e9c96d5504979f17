// Op codes of the kernels; they mirror the constants in assembly/elementwise.ts, activation.ts and reduce.ts.
export const Binary = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, greater: 7, less: 8, equal: 9 } as const;
export const Unary = { neg: 0, abs: 1, exp: 2, log: 3, sqrt: 4, square: 5 } as const;
export const Activation = { sigmoid: 0, relu: 1, leakyRelu: 2, tanh: 3 } as const;
export const Reduce = { sum: 0, mean: 1, max: 2, min: 3 } as const;
export const ArgReduce = { argmax: 0, argmin: 1 } as const;
