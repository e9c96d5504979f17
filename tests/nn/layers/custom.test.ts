// Custom layers: Layer subclasses written in ops (build with addWeight, call, computeOutputShape) run as KIND_CUSTOM
// nodes of the wasm plan. Their forward against float64, their training step against central differences (one and
// two weights, several inputs, a shared layer, arguments that take a gradient), trainOnBatch, evaluate, predict and
// validation, errors, memory.
import { describe, expect, it } from 'vitest';
import {
  dense, dispose, initializers, input, Layer, memory, model, sequential, sgd, tensor, ShapeError,
  type Model, type SymbolicShape, type Tensor, type Variable,
} from '../../../src/index';
import { failOnLeaks, seededValues } from '../../reference';
import { denseRef, expectForward, expectStepIsGradient, weightsOf } from './check';

failOnLeaks();

/** A learned element-wise scale: inputs · w, w of the last axis's size. */
class Scale extends Layer {
  static className = 'Scale';
  w!: Variable;
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.w = this.addWeight('w', [(inputShape as SymbolicShape).at(-1)!], 'float32', initializers.randomUniform({ min: 0.5, max: 1.5, seed: 11 }));
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return (inputs as Tensor).mul(this.w);
  }
}

/** Two weights: a dense product written in ops, inputs · kernel + bias, to `units`. */
class Affine extends Layer {
  static className = 'Affine';
  kernel!: Variable;
  bias!: Variable;
  constructor(readonly units: number, config: { name?: string; inputShape?: number[] } = {}) {
    super(config);
  }
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const d = (inputShape as SymbolicShape)[1]!;
    this.kernel = this.addWeight('kernel', [d, this.units], 'float32', initializers.glorotUniform({ seed: 12 }));
    this.bias = this.addWeight('bias', [this.units], 'float32', initializers.randomUniform({ seed: 13 }));
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return (inputs as Tensor).matmul(this.kernel).add(this.bias);
  }
  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [(inputShape as SymbolicShape)[0], this.units];
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }
}

/** Two inputs: a · w + b (a learned gate on the first, added to the second). */
class GatedSum extends Layer {
  w!: Variable;
  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.w = this.addWeight('w', [(inputShape as SymbolicShape[])[0][1]!], 'float32', initializers.randomUniform({ min: -1, max: 1, seed: 14 }));
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const [a, b] = inputs as Tensor[];
    return a.mul(this.w).add(b);
  }
}

const x = (): Tensor => tensor(seededValues(12, 1), [4, 3]);
const y = (cols: number): Tensor => tensor(seededValues(4 * cols, 2), [4, cols]);

describe('custom layers', () => {
  it('a learned scale after a dense layer: forward against float64, and its step (and the dense one\'s) is the gradient', async () => {
    const net = sequential([dense({ units: 2, activation: 'tanh', inputShape: [3], kernelInitializer: initializers.glorotUniform({ seed: 1 }),
      biasInitializer: initializers.randomUniform({ seed: 2 }) }), new Scale()]);
    expect(net.layers[1].className).toBe('Scale');
    expect(net.layers[1].weights.map((w) => w.shape)).toEqual([[2]]);
    const ref = (w: readonly Float64Array[], xv: Float64Array): Float64Array =>
      denseRef(xv, w[0], w[1], 3, 2, true).map((v, i) => v * w[2][i % 2]);
    const [xs, ys] = [x(), y(2)];
    expectForward(net, xs, ref, 1e-6);
    await expectStepIsGradient(net, xs, ys, ref);
    dispose([xs, ys]);
    net.dispose();
  });

  it('two weights (a dense product in ops) as the first layer, and before a dense layer', async () => {
    const net = sequential([new Affine(2, { inputShape: [3] }), dense({ units: 2, activation: 'tanh', kernelInitializer: initializers.glorotUniform({ seed: 3 }) })]);
    expect(net.layers[0].weights.map((w) => w.shape)).toEqual([[3, 2], [2]]);
    const ref = (w: readonly Float64Array[], xv: Float64Array): Float64Array =>
      denseRef(denseRef(xv, w[0], w[1], 3, 2, false), w[2], w[3], 2, 2, true);
    const [xs, ys] = [x(), y(2)];
    expectForward(net, xs, ref, 1e-6);
    await expectStepIsGradient(net, xs, ys, ref);
    dispose([xs, ys]);
    net.dispose();
  });

  it('two inputs (an array for call), and a shared layer called twice (its weight gradients add)', async () => {
    const a = input({ shape: [3] }), b = input({ shape: [3] });
    const pre = dense({ units: 3, activation: 'tanh', kernelInitializer: initializers.glorotUniform({ seed: 4 }), useBias: false });
    const shared = new Scale();
    const gated = new GatedSum().apply([shared.apply(pre.apply(a)), shared.apply(b)]);
    const net = model({ inputs: [a, b], outputs: gated });
    // Weights: pre's kernel, the shared scale's w, the gate's w.
    const ref = (w: readonly Float64Array[], xv: Float64Array): Float64Array => {
      const h = denseRef(xv.subarray(0, 12), w[0], new Float64Array(3), 3, 3, true);
      return h.map((v, i) => v * w[1][i % 3] * w[2][i % 3] + xv[12 + i] * w[1][i % 3]);
    };
    const [xa, xb, ys] = [x(), tensor(seededValues(12, 5), [4, 3]), y(3)];
    expectForward(net, [xa, xb], ref, 1e-6);
    await expectStepIsGradient(net, [xa, xb], ys, ref);
    dispose([xa, xb, ys]);
    net.dispose();
  });

  it('trains in fit with validation; trainOnBatch, evaluate and predict run it; a non-trainable weight stays', async () => {
    class Offset extends Layer {
      shift!: Variable;
      fixed!: Variable;
      override build(inputShape: SymbolicShape | SymbolicShape[]): void {
        this.shift = this.addWeight('shift', [(inputShape as SymbolicShape)[1]!], 'float32', 'zeros');
        this.fixed = this.addWeight('fixed', [], 'float32', 'ones', undefined, false);
      }
      override call(inputs: Tensor | Tensor[]): Tensor {
        return (inputs as Tensor).add(this.shift).mul(this.fixed);
      }
    }
    const net = sequential([new Scale({ inputShape: [3] }), new Offset(), dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: 6 }) })]);
    expect(net.layers[1].nonTrainableWeights.length).toBe(1);
    net.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const xs = tensor(seededValues(60, 7), [20, 3]), sums = xs.sum(-1, true), ys = sums.mul(0.5);
    const [xv, yv] = [xs.slice([16, 0], [4, 3]), ys.slice([16, 0], [4, 1])];
    const history = await net.fit(xs, ys, { epochs: 30, batchSize: 5, validationSplit: 0.2, seed: 3 });
    expect(history.history.loss.at(-1)!).toBeLessThan(history.history.loss[0] / 4);
    expect(history.history.val_loss.at(-1)).toBeCloseTo(net.evaluate(xv, yv).loss, 6);
    expect(Array.from(net.layers[1].weights[1].dataSync())).toEqual([1]);
    const loss = await net.trainOnBatch(xs, ys) as number;
    expect(loss).toBeCloseTo(history.history.loss.at(-1)!, 1);
    const [p1, p4] = [net.predict(xs) as Tensor, net.predict(xs, { batchSize: 4 }) as Tensor];
    expect(Array.from(p4.dataSync())).toEqual(Array.from(p1.dataSync()));
    dispose([xs, sums, ys, xv, yv, p1, p4]);
    net.dispose();
  });

  it('errors: call of the wrong shape or throwing, a bad computeOutputShape, saving, addWeight options', async () => {
    class Wrong extends Layer {
      override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).sum(-1); }
    }
    class Throws extends Layer {
      override call(): Tensor { throw new RangeError('broken'); }
    }
    const xs = x(), ys = y(3);
    for (const [layer, kind, message] of [
      [new Wrong(), ShapeError, /^predict: layer wrong_\d+: call returned shape \[4\]; its output shape is \[4,3\]/],
      [new Throws(), RangeError, /^predict: layer throws_\d+: broken$/],
    ] as const) {
      const net = sequential([dense({ units: 3, inputShape: [3] }), layer]);
      expect(() => net.predict(xs)).toThrow(kind);
      expect(() => net.predict(xs)).toThrow(message);
      net.compile({ loss: 'mse' });
      await expect(net.fit(xs, ys)).rejects.toThrow(kind);
      net.dispose();
    }
    class BadShape extends Layer {
      override call(inputs: Tensor | Tensor[]): Tensor { return inputs as Tensor; }
      override computeOutputShape(): SymbolicShape { return [null, 0]; }
    }
    expect(() => new BadShape().apply(input({ shape: [2] }))).toThrow(/computeOutputShape must return \[null, \.\.\.sizes\]/);
    const net = sequential([new Scale({ inputShape: [3] })]);
    await expect(net.save()).rejects.toThrow(/^save: layer scale_\d+ is a custom layer of class Scale, which is not registered; call serialization.registerClass\(Scale\)/);
    net.dispose();
    class BadWeight extends Layer {
      constructor(readonly what: 'dtype' | 'regularizer') { super(); }
      override build(): void {
        if (this.what === 'dtype') this.addWeight('w', [2], 'int32' as 'float32');
        else this.addWeight('w', [2], 'float32', 'zeros', 'l3' as never);
      }
      override call(inputs: Tensor | Tensor[]): Tensor { return inputs as Tensor; }
    }
    const i = input({ shape: [2] });
    expect(() => model({ inputs: i, outputs: new BadWeight('dtype').apply(i) })).toThrow(/^bad_weight_\d+\.addWeight: dtype must be 'float32', got "int32"/);
    expect(() => model({ inputs: i, outputs: new BadWeight('regularizer').apply(i) })).toThrow(/^bad_weight_\d+\.addWeight: regularizer must be a regularizer .*got "l3"/);
    dispose([xs, ys]);
  });

  it('memory stays flat over many epochs', async () => {
    const net = sequential([new Affine(4, { inputShape: [3] }), new Scale(), dense({ units: 3 })]);
    net.compile({ optimizer: sgd({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const xs = x(), ys = y(3);
    await net.fit(xs, ys, { epochs: 2, batchSize: 3 });
    const before = memory();
    await net.fit(xs, ys, { epochs: 40, batchSize: 3, validationData: [xs, ys] });
    (net.predict(xs) as Tensor).dispose();
    net.evaluate(xs, ys);
    const after = memory();
    expect([after.numTensors, after.numBytes, after.wasmBytes]).toEqual([before.numTensors, before.numBytes, before.wasmBytes]);
    const w = weightsOf(net);
    expect(w.every((v) => v.every(Number.isFinite))).toBe(true);
    dispose([xs, ys]);
    net.dispose();
  });
});
