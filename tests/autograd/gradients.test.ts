// The gradient functions' semantics (TF.js's grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad)
// and the tape's memory: what is freed, what is kept, errors before any work.
import { describe, expect, it } from 'vitest';
import {
  add, customGrad, DisposedError, grad, grads, matmul, memory, mul, scalar, ShapeError, stopGradient, sum, tensor, tidy,
  Tensor, valueAndGrad, valueAndGrads, variable, variableGrads, type CustomGradientFunc,
} from '../../src/index';
import { failOnLeaks } from '../reference';

failOnLeaks();

const values = (t: Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};

describe('grad and grads', () => {
  it('differentiate a scalar function of one or several tensors', () => {
    const x = tensor([1, -3]);
    expect(values(grad((v) => v.mul(v).sum())(x))).toEqual([2, -6]);
    const [a, b] = [tensor([1, 2]), tensor([3, 4])];
    const [da, db] = grads((p, q) => p.mul(q).sum())([a, b]);
    expect([values(da), values(db)]).toEqual([[3, 4], [1, 2]]);
    x.dispose(); a.dispose(); b.dispose();
  });

  it('take dy for a non-scalar result: the gradient of Σ dy·f(x)', () => {
    const x = tensor([[1, 2], [3, 4]]), dy = tensor([[1, 0], [2, 3]]);
    expect(values(grad((v) => v.mul(v))(x, dy))).toEqual([2, 0, 12, 24]);
    x.dispose(); dy.dispose();
  });

  it('accumulate the gradients of every use of a tensor', () => {
    const x = tensor([2, 5]);
    // f = Σ (x·x + x + x): 2x + 2
    expect(values(grad((v) => add(mul(v, v), add(v, v)).sum())(x))).toEqual([6, 12]);
    // The same tensor as both arguments of grads gets the same gradient twice, as separate tensors.
    const [g1, g2] = grads((p, q) => add(p, q).sum())([x, x]);
    expect(g1).not.toBe(g2);
    expect([values(g1), values(g2)]).toEqual([[2, 2], [2, 2]]);
    x.dispose();
  });

  it('give zeros for an input the result does not depend on (as TF.js)', () => {
    const x = tensor([1, 2, 3]), y = tensor([4]);
    expect(values(grad(() => y.sum())(x))).toEqual([0, 0, 0]);
    const [da, db] = grads((p) => p.sum())([x, y]);
    expect([values(da), values(db)]).toEqual([[1, 1, 1], [0]]);
    x.dispose(); y.dispose();
  });

  it('nest: the gradient of a gradient', () => {
    const x = scalar(2);
    const cube = (v: Tensor): Tensor => v.mul(v).mul(v);
    expect(values(grad(cube)(x))).toEqual([12]);
    expect(values(grad(grad(cube))(x))).toEqual([12]); // 6x
    expect(values(grad(grad(grad(cube)))(x))).toEqual([6]);
    x.dispose();
  });

  it('differentiate matmul with both operands watched, through transposes', () => {
    const a = tensor([[1, 2], [3, 4]]), b = tensor([[5, 6, 7], [8, 9, 10]]);
    const [da, db] = grads((p, q) => matmul(p, q).sum())([a, b]);
    expect([values(da), values(db)]).toEqual([[18, 27, 18, 27], [4, 4, 4, 6, 6, 6]]);
    a.dispose(); b.dispose();
  });
});

describe('valueAndGrad and valueAndGrads', () => {
  it('return the value with the gradients', () => {
    const x = tensor([3]);
    const { value, grad: g } = valueAndGrad((v) => v.mul(v).sum())(x);
    expect([values(value), values(g)]).toEqual([[9], [6]]);
    const [a, b] = [tensor([2]), tensor([5])];
    const r = valueAndGrads((p, q) => p.mul(q).sum())([a, b]);
    expect([values(r.value), ...r.grads.map(values)]).toEqual([[10], [5], [2]]);
    x.dispose(); a.dispose(); b.dispose();
  });
});

describe('memory', () => {
  it('frees every intermediate: only the value and gradients remain', () => {
    const x = tensor([1, 2, 3]), w = tensor([[1], [2], [3]]);
    const before = memory();
    const { value, grads: [gx, gw] } = valueAndGrads((p, q) => matmul(p.reshape([1, 3]), q).mul(2).add(1).sum())([x, w]);
    expect(memory().numTensors - before.numTensors).toBe(3);
    expect([values(value), values(gx), values(gw)]).toEqual([[29], [2, 4, 6], [2, 4, 6]]);
    x.dispose(); w.dispose();
  });

  it('works inside tidy, which frees the gradients too', () => {
    const x = tensor([1, 2]);
    const before = memory().numTensors;
    const s = tidy(() => grad((v) => v.mul(v).sum())(x).sum().item());
    expect(s).toBe(6);
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('leaves memory flat over 10,000 steps of a custom loop', () => {
    const w = tidy(() => variable(tensor([[0.5], [-0.25]])));
    const x = tensor([[1, 2], [3, 4], [5, 6]]), y = tensor([[1], [2], [3]]);
    const step = (): void => {
      const { value, grads: g } = variableGrads(() => matmul(x, w).sub(y).mul(matmul(x, w).sub(y)).mean(), [w]);
      tidy(() => w.assign(w.sub(g[w.name].mul(0.01))));
      value.dispose();
      g[w.name].dispose();
    };
    for (let i = 0; i < 100; i++) step();
    const before = memory();
    for (let i = 0; i < 10_000; i++) step();
    const after = memory();
    expect([after.numTensors, after.numBytes, after.wasmBytes]).toEqual([before.numTensors, before.numBytes, before.wasmBytes]);
    dispose3(w, x, y);
  });
});

function dispose3(...ts: Tensor[]): void {
  for (const t of ts) t.dispose();
}

describe('errors, before any work', () => {
  it('refuses a non-scalar result without dy, naming the shape', () => {
    const x = tensor([1, 2]);
    const before = memory().numTensors;
    expect(() => grad((v) => v.mul(2))(x)).toThrow(new ShapeError('grad: f returned shape [2]; without dy it must return a scalar (pass dy of that shape, or reduce with sum or mean)'));
    expect(memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses a dy of another shape than the result', () => {
    const x = tensor([1, 2]), dy = tensor([1, 2, 3]);
    expect(() => grad((v) => v.mul(2))(x, dy)).toThrow(new ShapeError('grad: dy has shape [3]; f returned shape [2]'));
    x.dispose(); dy.dispose();
  });

  it('refuses a disposed input and a function that returns no tensor', () => {
    const x = tensor([1]);
    x.dispose();
    expect(() => grad((v) => v.sum())(x)).toThrow(new DisposedError('grad: x was disposed'));
    const y = tensor([1]);
    expect(() => grad(() => 3 as unknown as Tensor)(y)).toThrow(TypeError);
    expect(() => grads((v) => v.sum())(y as unknown as Tensor[])).toThrow(/grads: xs must be an array of Tensors/);
    expect(() => grads((v) => v.sum())([])).toThrow(new RangeError('grads: xs is empty; give the tensors to differentiate with respect to'));
    expect(() => grad(5 as unknown as (x: Tensor) => Tensor)).toThrow(/grad: f must be a function/);
    // A class is a function that cannot be called (found by the fuzzer: customGrad(Tensor)(y) threw V8's own error).
    expect(() => grad(Tensor as unknown as (x: Tensor) => Tensor)).toThrow(new TypeError('grad: f must be a function, got the class Tensor'));
    expect(() => customGrad(Tensor as unknown as CustomGradientFunc)).toThrow(new TypeError('customGrad: f must be a function, got the class Tensor'));
    y.dispose();
  });

  it('says which op needed a tensor disposed inside f', () => {
    const x = tensor([1, 2]);
    expect(() => grad((v) => {
      const sq = v.mul(v);
      const s = sq.mul(sq).sum();
      sq.dispose();
      return s;
    })(x)).toThrow(/grad: the gradient of mul needs a tensor that was disposed before the gradient was taken/);
    x.dispose();
  });
});

describe('customGrad and stopGradient', () => {
  it('customGrad uses the given backward and not the forward ops', () => {
    const square = customGrad((x, save) => {
      save([x]);
      return { value: x.mul(x), gradFunc: (dy, [saved]) => dy.mul(saved).mul(10) };
    });
    const x = tensor([1, 2]);
    expect(values(square(x))).toEqual([1, 4]);
    expect(values(grad((v) => square(v).sum())(x))).toEqual([10, 20]);
    x.dispose();
  });

  it('customGrad with several inputs and a wrong gradFunc', () => {
    const f = customGrad((a, b) => ({ value: add(a, b), gradFunc: (dy) => [dy.mul(2), dy.mul(3)] }));
    const [a, b] = [tensor([1]), tensor([2])];
    const [da, db] = grads((p, q) => f(p, q).sum())([a, b]);
    expect([values(da), values(db)]).toEqual([[2], [3]]);
    const bad = customGrad((p) => ({ value: p.mul(1), gradFunc: (dy) => [dy, dy] }));
    expect(() => grad((p) => bad(p).sum())(a)).toThrow(/customGrad: gradFunc must return 1 Tensor \(one per input\)/);
    a.dispose(); b.dispose();
  });

  it('customGrad may return an input or a saved tensor as a gradient: it is copied, not freed', () => {
    const x = tensor([2, 3]), w = tensor([5, 7]);
    const f = customGrad((a, save) => {
      save([w]);
      return { value: a.mul(w), gradFunc: (_dy, [saved]) => saved };
    });
    // x is used twice, so the walk adds the two gradients and frees what it added: never w itself.
    expect(values(grad((v) => f(v).add(f(v)).sum())(x))).toEqual([10, 14]);
    const identity = customGrad((a) => ({ value: a.mul(1), gradFunc: () => a }));
    expect(values(grad((v) => identity(v).sum())(x))).toEqual([2, 3]);
    expect([x.disposed, w.disposed, Array.from(w.dataSync())]).toEqual([false, false, [5, 7]]);
    x.dispose(); w.dispose();
  });

  it('stopGradient passes values and stops gradients', () => {
    const x = tensor([3, 4]);
    expect(values(grad((v) => v.mul(stopGradient(v)).sum())(x))).toEqual([3, 4]);
    expect(values(grad((v) => stopGradient(v).sum())(x))).toEqual([0, 0]);
    x.dispose();
  });
});

describe('variableGrads', () => {
  it('differentiates with respect to the trainable variables f uses, by name', () => {
    const w = tidy(() => variable(tensor([1, 2]), { name: 'vg-w' }));
    const b = tidy(() => variable(tensor([5]), { name: 'vg-b' }));
    const frozen = tidy(() => variable(tensor([7]), { name: 'vg-frozen', trainable: false }));
    const unused = tidy(() => variable(tensor([0]), { name: 'vg-unused' }));
    const { value, grads: g } = variableGrads(() => sum(w.mul(w)).add(b.mul(frozen)).sum());
    expect(values(value)).toEqual([40]);
    expect(Object.keys(g).filter((k) => k.startsWith('vg-')).sort()).toEqual(['vg-b', 'vg-w']);
    expect([values(g['vg-w']), values(g['vg-b'])]).toEqual([[2, 4], [7]]);
    for (const [k, t] of Object.entries(g)) if (!k.startsWith('vg-')) t.dispose();
    expect(() => variableGrads(() => unused.sum().mul(0).add(1).sub(unused.sum().mul(0)), [frozen])).toThrow(/no trainable variable/);
    expect(() => variableGrads(() => scalar(1).add(0), [unused])).toThrow(/f does not depend on any of the variables/);
    for (const v of [w, b, frozen, unused]) v.dispose();
  });
});
