// simdeep: tensors and neural networks on SIMD WebAssembly kernels over one shared memory.
export { Tensor, type Operand, type NestedArray } from './tensor/tensor';
export { ShapeError, DisposedError } from './tensor/errors';
export { tensor, scalar, zeros, ones, full, eye, arange, linspace, zerosLike, onesLike, type TensorValues } from './tensor/create';
export { seed, rand, randn, randomUniform, type RandomOptions, type NormalOptions } from './tensor/random';
export { memory, tidy, keep, dispose, type MemoryInfo } from './memory';
export { add, sub, mul, div, pow, maximum, minimum, greater, less, equal, neg, abs, exp, log, sqrt, square } from './ops/elementwise';
export { sigmoid, relu, leakyRelu, tanh, softmax } from './ops/activation';
export { sum, mean, max, min, argmax, argmin } from './ops/reduce';
export { matmul, dot, outer, type MatmulOptions } from './ops/matmul';
export { clone, reshape, transpose, squeeze, expandDims, slice, indexAxis, gather, concat, stack } from './ops/shape';
export { setThreads, threads, type ThreadsInfo } from './runtime/threads';
export { preferRelaxedSimd } from './runtime/wasm';
