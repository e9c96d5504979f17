// Fuzz: the gradient functions (grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, stopGradient)
// with junk functions, inputs and dy, and random chains of differentiable ops on random shapes and special values:
// a valid call gives one gradient of each input's shape; anything else is a documented error naming the function or
// the op inside f, and nothing leaks either way.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAny, arbShape, arbTensorSpec, check, countCases, fuzzCall } from './harness';

countCases('autograd');

type Unary = (x: sd.Tensor) => sd.Tensor;

/** Differentiable steps of a chain, each defined for any input shape. */
const STEPS: Record<string, Unary> = {
  square: (x) => x.square(), tanh: (x) => x.tanh(), sigmoid: (x) => x.sigmoid(), relu: (x) => x.relu(), neg: (x) => x.neg(),
  abs: (x) => x.abs(), exp: (x) => x.exp(), mulSelf: (x) => x.mul(x), addHalf: (x) => x.add(0.5), softplus: (x) => x.softplus(),
  transpose: (x) => x.transpose(), flatten: (x) => x.flatten(), softmax: (x) => (x.rank > 0 ? x.softmax() : x),
  logSoftmax: (x) => (x.rank > 0 ? sd.logSoftmax(x) : x), maximumZero: (x) => sd.maximum(x, 0), clip: (x) => sd.clipByValue(x, -1, 1),
  sumKeep: (x) => (x.rank > 0 ? x.sum(-1, true) : x), gelu: (x) => x.gelu(),
};
const OPS = ['grad', 'grads', 'valueAndGrad', 'valueAndGrads', 'sum', 'mean', 'onesLike', ...Object.keys(STEPS), 'square', 'mul', 'add', 'softmax',
  'logSoftmax', 'transpose', 'reshape', 'maximum', 'clipByValue'];

const arbChain = fc.array(fc.constantFrom(...Object.keys(STEPS)), { maxLength: 5 });
const chainOf = (names: readonly string[]): Unary => (x) => names.reduce((t, name) => STEPS[name](t), x);

describe('fuzz: autograd', () => {
  test('random op chains: each gradient has its input\'s shape, values included specials', () => check(fc.property(
    fc.constantFrom('grad', 'valueAndGrad'), arbChain, arbTensorSpec(arbShape(4), 0.05), fc.boolean(),
    (name, steps, x, withDy) => {
      const chain = chainOf(steps);
      fuzzCall(OPS, [x], (t) => {
        // With dy: the gradient of Σ dy·chain(x); without: of the sum, a scalar.
        const dy = withDy ? sd.tidy(() => sd.onesLike(chain(t as sd.Tensor))) : undefined;
        try {
          const f = withDy ? chain : (v: sd.Tensor) => chain(v).sum();
          return name === 'grad' ? sd.grad(f)(t as sd.Tensor, dy) : sd.valueAndGrad(f)(t as sd.Tensor, dy);
        } finally {
          dy?.dispose();
        }
      }, (out, [t]) => {
        const g = out instanceof sd.Tensor ? out : (out as { grad: sd.Tensor }).grad;
        expect([...g.shape]).toEqual([...(t as sd.Tensor).shape]);
      });
    }), 2));

  test('junk functions, inputs and dy', () => check(fc.property(
    fc.constantFrom('grad', 'grads', 'valueAndGrad', 'valueAndGrads'),
    fc.oneof(fc.constant((x: sd.Tensor) => x.sum()), fc.constant((x: sd.Tensor) => x.mul(2)), fc.constant(() => 3), arbAny),
    fc.oneof(arbTensorSpec(arbShape(3), 0.2), fc.array(arbTensorSpec(arbShape(3), 0.2), { maxLength: 3 }), arbAny),
    fc.oneof(fc.constant(undefined), arbTensorSpec(arbShape(3), 0.2), arbAny),
    (name, f, xs, dy) => fuzzCall(OPS, [f, xs, dy], (fn, x, d) => {
      const api = sd as unknown as Record<string, (f: unknown) => (x: unknown, dy: unknown) => unknown>;
      return api[name](fn)(x, d);
    })), 2));

  test('variableGrads, customGrad and stopGradient with junk', () => check(fc.property(
    fc.constantFrom('variableGrads', 'customGrad', 'stopGradient'), arbAny, arbAny,
    (name, a, b) => fuzzCall([name, 'variable', 'sum'], [a, b], (x, y) => {
      if (name === 'stopGradient') return sd.stopGradient(x as sd.Tensor);
      if (name === 'customGrad') return sd.customGrad(x as sd.CustomGradientFunc)(y as sd.Tensor);
      return sd.variableGrads(x as () => sd.Tensor, y as sd.Variable[]);
    })), 2));
});
