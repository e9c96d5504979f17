// Sequential: a model whose graph is a chain, each layer applied to the one before, as Keras' Sequential.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import type { Tensor } from '../tensor/tensor';
import { graphOf } from './graph';
import { input } from './layers/input';
import { Layer } from './layers/layer';
import { checkSeed, Model } from './model';
import type { SymbolicTensor } from './symbolic';

/**
 * Options of `sequential`.
 * @example
 * const options: SequentialOptions = { seed: 42 };
 * const a = sequential([dense({ units: 2, inputShape: [3] })], options);
 * const b = sequential([dense({ units: 2, inputShape: [3] })], options);
 * equal(a.getWeights()[0], b.getWeights()[0]).sum().item(); // 6
 */
export interface SequentialOptions {
  /**
   * Seed of the model, an integer in [0, 2^53): the initial weights of layers whose initializers have no seed of
   * their own (each layer and weight gets its own stream derived from it, whatever the global generator did
   * before), and the shuffle and dropout masks of each `fit` that gives no seed (derived from it and the step
   * count, so a sequence of fits repeats too). Not saved in model files.
   */
  seed?: number;
}

/**
 * A stack of layers trained end to end, as Keras' Sequential: build it with `sequential([...])` (or `new
 * Sequential` and `add`), `compile` it, then `fit`, `predict`, `evaluate` and `save`. It is a Model whose graph is a
 * chain. Its weights live in wasm memory until `dispose()`.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'relu', inputShape: [2] }), dense({ units: 1 })]);
 * model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
 * await model.fit(tensor([[0, 1], [1, 0]]), tensor([[1], [-1]]), { epochs: 10 });
 * model.predict(tensor([[0, 1]])).shape; // [1, 1]
 * model.dispose();
 */
export class Sequential extends Model<Tensor> {
  /** The chain's last output (null without layers). */
  private last: SymbolicTensor | null = null;

  /**
   * A model of `layers` (default none), added in order with `add`, and `options` (see SequentialOptions);
   * `sequential(layers, options)` does the same. Throws as `add` does, and a RangeError or TypeError for bad options.
   * @example
   * const model = new Sequential([dense({ units: 2, inputShape: [3] })], { seed: 1 });
   * model.outputDim; // 2
   */
  constructor(layers: readonly Layer[] = [], options: SequentialOptions = {}) {
    checkOptionKeys('sequential', options, ['seed']);
    super(null, 'sequential', checkSeed(options.seed, 'sequential'));
    try {
      for (const layer of layers) this.add(layer);
    } catch (error) {
      this.dispose(); // the weights this call built: the error leaves nothing behind
      throw error;
    }
  }

  /**
   * Appends a layer and returns the model. Weights are created here: a dense layer's input size is the previous
   * layer's width, or its `inputShape` if it is the first (initializers without a seed use the model's, if any).
   * A layer that is already in this model or another one shares its weights, as in Keras (its input width must
   * match; the model that built them frees them). Throws a RangeError if the first layer has no inputShape or the
   * layer takes several arguments (a merge: use `model`), a TypeError for anything that is not a layer, a
   * ShapeError for a shared layer of another width, a DisposedError once the model is disposed. A compiled model is
   * no longer compiled after `add` (its loss and optimizer state were made for the old layers): compile it again
   * before training.
   * @example
   * const model = sequential([dense({ units: 8, activation: 'relu', inputShape: [4] })]);
   * model.add(dense({ units: 3, activation: 'softmax' }));
   * model.outputDim; // 3
   */
  add(layer: Layer): this {
    const op = 'add';
    if (!(layer instanceof Layer)) throw new TypeError(`${op}: layer must be a layer such as dense({...}), got ${showValue(layer)}`);
    if (layer.arity !== 1) throw new RangeError(`${op}: ${layer.label} (${layer.className}) takes two or more inputs; build the model with model({ inputs, outputs })`);
    let from = this.last;
    if (!from) {
      const shape = layer.inputShape;
      if (shape === undefined) throw new RangeError(`${op}: the first layer needs inputShape, e.g. dense({ units: 4, inputShape: [3] })`);
      from = input({ shape });
    }
    const calls = layer.calls.length;
    const output = layer.callOn(from, op);
    try {
      this.setGraph(graphOf([this.inputs[0] ?? from], [output], op), op);
    } catch (error) {
      layer.calls.splice(calls); // the call belongs to a chain that was not made
      throw error;
    }
    this.last = output;
    return this;
  }

  /** @internal */
  protected override get isSequential(): boolean {
    return true;
  }
}

/**
 * A Sequential model of `layers` (default none) applied in order; the first needs `inputShape`. `options.seed`
 * makes the model repeatable: the initial weights of layers without a seeded initializer, and the shuffle and dropout
 * of fits without a seed (see SequentialOptions). TensorFlow.js's `sequential({ layers })` is taken too. Throws a
 * TypeError unless layers is an array or such an object, a RangeError or
 * TypeError for bad options, and as `Sequential.add` does.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
 * model.compile({ optimizer: sgd({ learningRate: 1 }), loss: 'meanSquaredError' });
 * model.predict(tensor([[0, 0, 1]])).shape; // [1, 1]
 * // With a seed, the same weights (and fits) on every run:
 * const a = sequential([dense({ units: 3, inputShape: [2] })], { seed: 1 }), b = sequential([dense({ units: 3, inputShape: [2] })], { seed: 1 });
 * equal(a.getWeights()[0], b.getWeights()[0]).sum().item(); // 6
 * // TensorFlow.js's form, the layers in an object:
 * sequential({ layers: [dense({ units: 2, inputShape: [3] })] }).outputDim; // 2
 */
export function sequential(layers: readonly Layer[] | SequentialConfig = [], options: SequentialOptions = {}): Sequential {
  if (!Array.isArray(layers)) {
    // TensorFlow.js's form: sequential({ layers: [...] }), the seed beside them.
    if (typeof layers !== 'object' || layers === null) throw new TypeError(`sequential: layers must be an array or { layers }, got ${showValue(layers)}`);
    checkOptionKeys('sequential', layers, ['layers', 'seed'], 'config');
    const { layers: list = [], ...rest } = layers as SequentialConfig;
    if (!Array.isArray(list)) throw new TypeError(`sequential: config.layers must be an array, got ${showValue(list)}`);
    return new Sequential(list, { ...rest, ...options });
  }
  return new Sequential(layers, options);
}

/**
 * TensorFlow.js's argument of `sequential`: the layers in an object, with simdeep's options beside them.
 * @example
 * const config: SequentialConfig = { layers: [dense({ units: 1, inputShape: [2] })], seed: 3 };
 * sequential(config).seed; // 3
 */
export interface SequentialConfig extends SequentialOptions {
  /** The layers, applied in order (default none). */
  layers?: readonly Layer[];
}
