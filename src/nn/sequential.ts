import { allocBytes, freeBytes, f32View } from '../runtime/heap';
import { gemm } from '../runtime/threads';
import { kernels } from '../runtime/wasm';
import { DisposedError, ShapeError, showShape, showValue } from '../tensor/errors';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import { clone } from '../ops/shape';
import type { Optimizer } from '../optim/optimizers';
import { ACT_NONE } from '../../assembly/layout';
import { ACTIVATION_CODES, Dense, LEAKY_ALPHA } from './dense';
import { Dropout } from './dropout';
import type { Loss } from './losses';
import { SLOTS, toLogs, type MetricName } from './metrics';
import { compileSettings, type CompileOptions } from './compile';
import { freeBatchPlans, trainBatch } from './batches';
import { evaluateRows, runFit, type FitOptions, type History } from './fit';
import { saveToFile } from './model-file';
import { modelToJSON, serialize, type ModelJSON } from './save';
import { deriveSeed, SEED_STREAMS } from './seeds';
import { checkTargetValues } from './targets';

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

/** Options of `predict` and `evaluate`. */
export interface BatchOptions {
  /**
   * Rows computed at a time (default: predict all at once, evaluate 4096). predict gives the same bits at any batch
   * size; evaluate sums its means in float64 chunk by chunk, so they may differ in the last bits between sizes.
   */
  batchSize?: number;
}

/**
 * A stack of dense layers trained end to end, as Keras' Sequential: build it with `sequential([...])` (or `new
 * Sequential` and `add`), `compile` it, then `fit`, `predict`, `evaluate` and `save`. Its weights live in wasm
 * memory until `dispose()`.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'relu', inputShape: [2] }), dense({ units: 1 })]);
 * model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
 * await model.fit(tensor([[0, 1], [1, 0]]), tensor([[1], [-1]]), { epochs: 10 });
 * model.predict(tensor([[0, 1]])).shape; // [1, 1]
 * model.dispose();
 */
export class Sequential {
  /**
   * The dense layers, in order. A dropout layer is not listed: it sets the `dropout` of the layer before it.
   * @example
   * sequential([dense({ units: 4, inputShape: [3] }), dropout({ rate: 0.5 }), dense({ units: 1 })]).layers.map((l) => l.units); // [4, 1]
   */
  readonly layers: Dense[] = [];
  /**
   * The optimizer `compile` set (null before).
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2] })]);
   * model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
   * model.optimizer?.config.learningRate; // 0.01
   */
  optimizer: Optimizer | null = null;
  /**
   * The loss `compile` set, resolved against the output activation (null before).
   * @internal
   */
  loss: Loss | null = null;
  /**
   * The metrics `compile` set, besides the loss ('acc' is listed as 'accuracy').
   * @example
   * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
   * model.compile({ loss: 'binaryCrossentropy', metrics: ['acc'] });
   * model.metrics; // ['accuracy']
   */
  metrics: MetricName[] = [];
  private changedSinceCompile = false;
  /**
   * Optimizer steps taken so far (Adam's t); `compile` resets it to 0.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [1] })]);
   * model.compile({ loss: 'meanSquaredError' });
   * await model.fit(tensor([[1], [2], [3], [4]]), tensor([[2], [4], [6], [8]]), { epochs: 3, batchSize: 2 });
   * model.step; // 6
   */
  step = 0;
  /**
   * Optimizer state per parameter array (kernel, bias of each layer), allocated on first fit.
   * @internal
   */
  state: number[][] = [];
  /**
   * The model's seed (see SequentialOptions), or undefined.
   * @example
   * sequential([dense({ units: 1, inputShape: [2] })], { seed: 7 }).seed; // 7
   */
  readonly seed: number | undefined;
  private disposed = false;
  /**
   * JSON saved with the model and restored by loadModel, such as the scaler and columns its inputs need
   * (`{ scaler: scaler.toJSON(), features: [...] }`).
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2] })]);
   * model.metadata = { features: ['area', 'rooms'] };
   * (await loadModel(await model.save())).metadata; // { features: ['area', 'rooms'] }
   */
  metadata: Record<string, unknown> | undefined = undefined;

  /**
   * A model of `layers` (default none), added in order with `add`, and `options` (see SequentialOptions);
   * `sequential(layers, options)` does the same. Throws as `add` does, and a RangeError or TypeError for bad options.
   * @example
   * const model = new Sequential([dense({ units: 2, inputShape: [3] })], { seed: 1 });
   * model.outputDim; // 2
   */
  constructor(layers: readonly (Dense | Dropout)[] = [], options: SequentialOptions = {}) {
    checkOptionKeys('sequential', options, ['seed']);
    this.seed = options.seed === undefined ? undefined : checkInteger(options.seed, 'sequential', 'seed', 0, Number.MAX_SAFE_INTEGER);
    const unbuilt = layers.filter((layer) => layer instanceof Dense && layer.kernel === null) as Dense[];
    try {
      for (const layer of layers) this.add(layer);
    } catch (error) {
      for (const layer of unbuilt) layer.dispose(); // the weights this call built; the error leaves nothing behind
      throw error;
    }
  }

  /**
   * Appends a layer and returns the model. A dense layer's weights are created here: its input size is the previous
   * layer's units, or its `inputShape` if it is the first (initializers without a seed use the model's, if any).
   * A dropout layer acts on the previous layer's outputs. Throws a RangeError if the first layer has no inputShape
   * or is a dropout layer, or if the layer is already in this model or another one (a layer instance is used
   * once: create another `dense({...})`), a TypeError for anything that is not a layer, a DisposedError once the
   * model is disposed. A compiled model is no longer compiled after `add` (its loss and optimizer state were made
   * for the old layers): compile it again before training.
   * @example
   * const model = sequential([dense({ units: 8, activation: 'relu', inputShape: [4] })]);
   * model.add(dense({ units: 3, activation: 'softmax' }));
   * model.outputDim; // 3
   */
  add(layer: Dense | Dropout): this {
    if (this.disposed) throw new DisposedError('add: the model was disposed');
    freeBatchPlans(this);
    const previous = this.layers[this.layers.length - 1];
    if (layer instanceof Dropout) {
      if (!previous) throw new RangeError('add: a dropout layer needs a dense layer before it');
      previous.dropout = 1 - (1 - previous.dropout) * (1 - layer.rate);
      this.uncompile();
      return this;
    }
    if (!(layer instanceof Dense)) throw new TypeError(`add: layer must be a layer such as dense({...}), got ${showValue(layer)}`);
    const at = this.layers.length, twin = this.layers.indexOf(layer);
    if (twin >= 0) {
      throw new RangeError(`add: layer ${at} (dense_${at + 1}) is the same instance as layer ${twin} (dense_${twin + 1}); a layer can be used ` +
        'once (shared layers are not supported): create another dense({...})');
    }
    if (layer.kernel !== null) {
      throw new RangeError(`add: layer ${at} (dense_${at + 1}, ${layer.units} units) is already in another model; a layer can be used once: ` +
        'create another dense({...})');
    }
    const seeds = this.seed === undefined ? undefined
      : [deriveSeed(this.seed, SEED_STREAMS.weights, at, 0), deriveSeed(this.seed, SEED_STREAMS.weights, at, 1)] as const;
    if (previous) layer.build(previous.units, seeds);
    else if (layer.inputDim !== undefined) layer.build(layer.inputDim, seeds);
    else throw new RangeError('add: the first layer needs inputShape, e.g. dense({ units: 4, inputShape: [3] })');
    this.layers.push(layer);
    this.uncompile();
    return this;
  }

  /** Drops the compile settings and optimizer state, which were made for the layers before a change. */
  private uncompile(): void {
    if (!this.loss) return;
    [this.loss, this.optimizer, this.metrics, this.changedSinceCompile] = [null, null, [], true];
    this.freeState();
  }

  /**
   * Sets the optimizer, the loss and the metrics, and resets the optimizer state and `step`. binaryCrossentropy on a
   * sigmoid output, and the categorical losses (which need a softmax output of at least 2 units), work on the
   * weighted sums, numerically stable. Throws a RangeError for an unknown option (such as `optimiser`), a model
   * without layers, softmax on a hidden layer, dropout after the output layer, an unknown loss, optimizer or metric,
   * or a loss that does not fit the output activation; a DisposedError once the model is disposed.
   * @example
   * const model = sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
   * model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
   * model.toJSON().compile?.loss; // 'sparseCategoricalCrossentropy'
   */
  compile(options: CompileOptions): void {
    if (this.disposed) throw new DisposedError('compile: the model was disposed');
    const { loss, optimizer, metrics } = compileSettings(this.layers, options, 'compile');
    this.loss = loss;
    this.optimizer = optimizer;
    this.metrics = metrics;
    this.changedSinceCompile = false;
    this.freeState();
    freeBatchPlans(this);
    this.step = 0;
  }

  /**
   * Input features the model takes (0 without layers).
   * @example
   * sequential([dense({ units: 4, inputShape: [3] })]).inputDim; // 3
   */
  get inputDim(): number {
    return this.layers[0]?.inputDim ?? 0;
  }

  /**
   * Output values per sample: the last layer's units (0 without layers).
   * @example
   * sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 2 })]).outputDim; // 2
   */
  get outputDim(): number {
    return this.layers[this.layers.length - 1]?.units ?? 0;
  }

  /**
   * Checks x against the model's input: [samples, features].
   * @internal
   */
  checkInput(x: unknown, op: string, arg = 'x'): Tensor {
    this.checkUsable(op);
    const t = checkTensor(x, op, arg);
    if (t.rank !== 2 || t.shape[1] !== this.inputDim) {
      throw new ShapeError(`${op}: ${arg} has shape ${showShape(t.shape)}; the model takes [samples, ${this.inputDim}]`);
    }
    return t;
  }

  /**
   * Runs the layers forward (no dropout) on rows of x already in wasm memory; returns the output pointer in `outputs`.
   * @internal
   */
  forwardRows(x: number, rows: number, outputs: readonly number[], logits: boolean): number {
    let input = x;
    this.layers.forEach((layer, l) => {
      const last = l === this.layers.length - 1;
      const code = last && logits ? ACT_NONE : ACTIVATION_CODES[layer.activation];
      gemm(input, layer.inputDim ?? 0, layer.kernel?.ptr ?? 0, layer.units, outputs[l], layer.units, rows, layer.inputDim ?? 0,
        layer.units, 0, layer.bias?.ptr ?? 0, code, LEAKY_ALPHA);
      if (layer.activation === 'softmax' && !logits && rows > 0) kernels().softmax(outputs[l], outputs[l], rows, layer.units, 1);
      input = outputs[l];
    });
    return input;
  }

  /**
   * The outputs for each row of x: [samples, features] in, a new [samples, outputDim] tensor out. Dropout is off.
   * `options.batchSize` bounds the rows computed at a time (and so the scratch memory). Throws a ShapeError if x is
   * not [samples, inputDim], a RangeError for a model without layers or bad options, a DisposedError once x or the
   * model is disposed.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * model.predict(tensor([[1, 2], [3, 4]])).toArray(); // [[3], [7]]
   * model.predict(tensor([[1, 2], [3, 4]]), { batchSize: 1 }).toArray(); // [[3], [7]]
   */
  predict(x: Tensor, options: BatchOptions = {}): Tensor {
    const op = 'predict';
    const input = this.checkInput(x, op);
    return this.outputsOf(input, batchRows(options, op, Math.max(input.shape[0], 1)), op);
  }

  /**
   * The outputs for the rows of x computed in one pass, as Keras' predict_on_batch: the same values as `predict`
   * (dropout off), in a new [samples, outputDim] tensor. Throws as `predict` does, naming predictOnBatch.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * model.predictOnBatch(tensor([[1, 2], [3, 4]])).toArray(); // [[3], [7]]
   */
  predictOnBatch(x: Tensor): Tensor {
    const op = 'predictOnBatch';
    const input = this.checkInput(x, op);
    return this.outputsOf(input, Math.max(input.shape[0], 1), op);
  }

  /** The outputs for the rows of a checked input, `chunk` rows at a time. */
  private outputsOf(input: Tensor, chunk: number, op: string): Tensor {
    const rows = input.shape[0];
    const hidden: number[] = [];
    try {
      for (const layer of this.layers.slice(0, -1)) hidden.push(allocBytes(Math.min(chunk, rows) * layer.units * 4, op));
      const out = empty([rows, this.outputDim], op);
      for (let start = 0; start < rows; start += chunk) {
        const n = Math.min(chunk, rows - start);
        this.forwardRows(input.ptr + 4 * start * this.inputDim, n, [...hidden, out.ptr + 4 * start * this.outputDim], false);
      }
      return out;
    } finally {
      hidden.forEach(freeBytes);
    }
  }

  /**
   * The mean loss and metrics over the rows of x and y, as `fit` reports them (dropout off; NaN for no rows),
   * computed `options.batchSize` rows at a time (default 4096). Throws a RangeError before `compile`, for class
   * indices out of range, binaryCrossentropy targets outside [0, 1] or negative categorical ones (naming the row and
   * column), or bad options; a ShapeError for shapes that do not fit the model and loss, a DisposedError once the
   * model or a tensor is disposed.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
   * model.evaluate(tensor([[1, 2]]), tensor([[1]])); // { loss: 4, mae: 2 }
   */
  evaluate(x: Tensor, y: Tensor, options: BatchOptions = {}): Record<string, number> {
    const op = 'evaluate';
    this.checkUsable(op);
    this.requireCompiled(op);
    const input = this.checkInput(x, op);
    const target = this.checkTarget(y, input.shape[0], op);
    const rows = input.shape[0];
    const chunk = Math.min(rows, batchRows(options, op, 4096));
    if (rows === 0) return toLogs(this.metrics, [NaN, NaN, NaN, NaN]);
    const buffers: number[] = [];
    try {
      for (const layer of this.layers) buffers.push(allocBytes(chunk * layer.units * 4, op));
      buffers.push(allocBytes(SLOTS * 8, op));
      return evaluateRows(this, input, target, 0, rows, buffers.slice(0, -1), chunk, buffers[buffers.length - 1]);
    } finally {
      buffers.forEach(freeBytes);
    }
  }

  /**
   * Checks y against the loss: [samples, outputs], or [samples] / [samples, 1] class indices when sparse.
   * @internal
   */
  checkTarget(y: unknown, samples: number, op: string, arg = 'y'): Tensor {
    const t = checkTensor(y, op, arg);
    const loss = this.requireCompiled(op);
    const expected = loss.sparse ? [samples] : [samples, this.outputDim];
    const ok = loss.sparse ? t.size === samples && t.shape[0] === samples && t.rank <= 2 : t.rank === 2 && t.shape[0] === samples && t.shape[1] === this.outputDim;
    if (!ok) throw new ShapeError(`${op}: ${arg} has shape ${showShape(t.shape)}; ${loss.name} needs ${showShape(expected)}`);
    if (loss.sparse) {
      const labels = t.dataSync();
      const bad = labels.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= this.outputDim);
      if (bad >= 0) throw new RangeError(`${op}: ${arg}[${bad}] is ${labels[bad]}, not a class index in [0, ${this.outputDim})`);
    }
    checkTargetValues(t, loss.name, op, arg);
    return t;
  }

  /**
   * The compiled loss, or an error naming the op.
   * @internal
   */
  requireCompiled(op: string): Loss {
    if (!this.loss || !this.optimizer) {
      const again = this.changedSinceCompile ? ' again: layers were added since the last compile' : ' first';
      throw new RangeError(`${op}: call compile({ optimizer, loss })${again}`);
    }
    return this.loss;
  }

  /**
   * Trains on x [samples, inputDim] and y (targets [samples, outputDim], or class indices [samples] for
   * sparseCategoricalCrossentropy) with the compiled optimizer; resolves to the History of each epoch's loss and
   * metrics (and their `val_` versions with validation). Callbacks may be async and are awaited (see Callbacks).
   * Rejects with a RangeError before `compile`, for x without rows, for NaN or ±Infinity in the data or targets the
   * loss cannot take (naming the row and column), a RangeError or TypeError for bad or unknown options, a ShapeError
   * for shapes that do not fit, a DivergedError when a step's loss or gradient stops being finite (see FitOptions),
   * and with the error of a callback that throws or rejects (the weights are then those of the last finished step).
   * One fit at a time: a second `fit` while one runs rejects at once with a RangeError ("fit: the model is already
   * training; await the first fit"); `predict`, `evaluate`, `getWeights` and `save` called meanwhile (in a
   * callback) see the weights of the last finished step.
   * @example
   * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = tensor([[0], [1], [1], [1]]); // logical or
   * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2], kernelInitializer: initializers.glorotUniform({ seed: 1 }) })]);
   * model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
   * const history = await model.fit(x, y, { epochs: 200, batchSize: 4, seed: 1 });
   * history.history.accuracy.at(-1); // 1
   * history.epoch.length; // 200
   */
  fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    freeBatchPlans(this); // fit builds its own plan; trainOnBatch builds its plans again after it
    return runFit(this, x, y, options);
  }

  /**
   * One optimizer step on exactly the rows of x and y (shapes and targets as `fit` takes them), as Keras' and
   * TensorFlow.js's trainOnBatch: the same step fit takes on that batch (dropout on; `step` advances by one), so
   * trainOnBatch over the batches of an epoch gives the weights of fit with `shuffle: false` and that batch size.
   * Resolves to the batch's loss, or [loss, ...metrics] in compile order when metrics were compiled (of the outputs
   * before the step, as fit's batch logs). The step runs
   * before this returns; its plan is kept for the next batch of the same size, so steady-state calls allocate
   * nothing (the kept plans are freed by compile, setWeights, add, fit and dispose). Rejects as fit does for bad
   * data (naming trainOnBatch), with a DivergedError when the loss or a gradient is not finite (the step is then
   * not taken), and with a RangeError while a fit of this model runs.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })]);
   * model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError', metrics: ['mae'] });
   * // The loss and mae of the outputs before the step (all 0 here), as fit's batch logs give them:
   * await model.trainOnBatch(tensor([[1], [2]]), tensor([[2], [4]])); // [10, 3]
   * model.step; // 1
   * model.predict(tensor([[1]])).toArray(); // [[1.6]]
   */
  trainOnBatch(x: Tensor, y: Tensor): Promise<number | number[]> {
    try {
      return Promise.resolve(trainBatch(this, x, y));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Optimizer state arrays of each parameter, allocated (zeroed) on first use.
   * @internal
   */
  optimizerState(): number[][] {
    const optimizer = this.optimizer;
    if (!optimizer) return [];
    if (this.state.length === 0) {
      this.state = this.parameters().map(({ size }) => Array.from({ length: optimizer.stateArrays }, () => {
        const ptr = allocBytes(size * 4, 'fit');
        f32View(ptr, size).fill(0);
        return ptr;
      }));
    }
    return this.state;
  }

  private freeState(): void {
    this.state.flat().forEach(freeBytes);
    this.state = [];
  }

  /**
   * Trainable tensors in order: kernel, bias of each layer (the model's own, not copies).
   * @internal
   */
  parameters(): Tensor[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias].filter((t): t is Tensor => t !== null));
  }

  /**
   * Copies of the weights: the kernel [inputs, units] and the bias [units] (if the layer has one) of each layer in
   * order. Dispose them when done. Throws a DisposedError once the model is disposed.
   * @example
   * const model = sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 1 })]);
   * model.getWeights().map((w) => w.shape); // [[3, 4], [4], [4, 1], [1]]
   */
  getWeights(): Tensor[] {
    if (this.disposed) throw new DisposedError('getWeights: the model was disposed');
    this.checkLayers('getWeights');
    return this.parameters().map((t) => clone(t));
  }

  /**
   * Overwrites the weights with the values of `weights`, in the order and shapes `getWeights` gives (they are
   * copied; the optimizer state is kept). Throws a RangeError for the wrong number of tensors, a ShapeError for a
   * wrong shape, a DisposedError once the model or a tensor is disposed.
   * @example
   * const source = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * const model = sequential([dense({ units: 1, inputShape: [2] })]);
   * model.setWeights(source.getWeights());
   * model.predict(tensor([[1, 2]])).toArray(); // [[3]]
   */
  setWeights(weights: readonly Tensor[]): void {
    if (this.disposed) throw new DisposedError('setWeights: the model was disposed');
    const op = 'setWeights';
    this.checkLayers(op);
    const params = this.parameters();
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new RangeError(`${op}: expected ${params.length} tensors, got ${Array.isArray(weights) ? weights.length : showValue(weights)}`);
    }
    weights.forEach((w, i) => {
      checkTensor(w, op, `weights[${i}]`);
      if (w.shape.join() !== params[i].shape.join()) throw new ShapeError(`${op}: weights[${i}] has shape ${showShape(w.shape)}, expected ${showShape(params[i].shape)}`);
    });
    freeBatchPlans(this);
    weights.forEach((w, i) => f32View(params[i].ptr, w.size).set(f32View(w.ptr, w.size)));
  }

  /**
   * A text table of the layers (with activation and dropout), their output shapes and parameter counts, and the
   * total, as Keras prints it.
   * @example
   * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
   * console.log(model.summary());
   * // _________________________________________________
   * // Layer (type)               Output shape   Param #
   * // =================================================
   * // dense_1 (Dense, sigmoid)   [null, 4]      16
   * // dense_2 (Dense, sigmoid)   [null, 1]      5
   * // =================================================
   * // Total params: 21
   */
  summary(): string {
    const rows = this.layers.map((layer, i) => [`dense_${i + 1} (Dense, ${layer.activation}${layer.dropout ? `, dropout ${layer.dropout}` : ''})`,
      `[null, ${layer.units}]`, String(layer.parameterCount)]);
    const total = this.layers.reduce((sum, layer) => sum + layer.parameterCount, 0);
    const table = [['Layer (type)', 'Output shape', 'Param #'], ...rows];
    const widths = [0, 1, 2].map((c) => Math.max(...table.map((r) => r[c].length)));
    const line = (r: string[]): string => r.map((cell, c) => cell.padEnd(widths[c])).join('   ');
    const rule = '_'.repeat(widths.reduce((a, b) => a + b + 3, -3));
    return [rule, line(table[0]), '='.repeat(rule.length), ...rows.map(line), '='.repeat(rule.length), `Total params: ${total}`].join('\n');
  }

  /**
   * The architecture, compile settings and metadata as JSON: the header of the model file (without the weights).
   * @example
   * const model = sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 1 })]);
   * model.toJSON().layers.map((l) => l.units); // [4, 1]
   */
  toJSON(): ModelJSON {
    return modelToJSON(this);
  }

  /**
   * Resolves to the model file (architecture JSON and float32 weights in one blob) as an ArrayBuffer; with a path,
   * in Node, also writes it there atomically (a temporary file, then a rename). `loadModel` reads it back and
   * predicts bit-identically. Rejects with a DisposedError once the model is disposed, a RangeError for a model
   * without layers (no file can hold it), a TypeError for a path that is not a string, and an Error naming the path
   * and the file system's reason if writing fails (such as a missing directory). Saving during `fit` (in a
   * callback) saves the weights of the last finished step.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * await model.save('model.sdpm');   // Node: a file
   * const bytes = await model.save(); // anywhere: an ArrayBuffer
   * const copy = await loadModel('model.sdpm');
   * copy.predict(tensor([[1, 2]])).toArray(); // [[3]]
   */
  save(path?: string): Promise<ArrayBuffer> {
    if (this.disposed) return Promise.reject(new DisposedError('save: the model was disposed'));
    if (typeof path !== 'string' && path !== undefined) return Promise.reject(new TypeError(`save: path must be a string, got ${showValue(path)}`));
    if (path !== undefined) return saveToFile(this, path);
    try {
      return Promise.resolve(serialize(this, 'save')); // serialize refuses a model without layers
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The model file (as `save()` gives it) in a Blob of type application/octet-stream, for a download link or
   * IndexedDB in browsers; `loadModel(blob)` reads it back. Throws a DisposedError once the model is disposed, a
   * RangeError for a model without layers.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * const blob = model.toBlob();
   * const url = URL.createObjectURL(blob); // e.g. the href of a download link
   * (await loadModel(blob)).predict(tensor([[1, 2]])).toArray(); // [[3]]
   */
  toBlob(): Blob {
    if (this.disposed) throw new DisposedError('toBlob: the model was disposed');
    return new Blob([serialize(this, 'toBlob')], { type: 'application/octet-stream' });
  }

  /**
   * Throws unless the model has layers and is not disposed.
   * @internal
   */
  checkUsable(op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: the model was disposed`);
    if (this.layers.length === 0) throw new RangeError(`${op}: the model has no layers`);
    this.checkLayers(op);
  }

  /**
   * Throws unless every layer holds live weights shaped for the layer before it (a layer disposed, or rebuilt by
   * adding it to another model, would be read at a stale address).
   */
  private checkLayers(op: string): void {
    this.layers.forEach((layer, i) => {
      const { kernel, bias } = layer;
      if (!kernel || kernel.disposed || (layer.useBias && (!bias || bias.disposed))) {
        throw new DisposedError(`${op}: layer ${i} (dense_${i + 1}) was disposed`);
      }
      const inputs = i === 0 ? this.inputDim : this.layers[i - 1].units;
      if (kernel.shape[0] !== inputs) {
        throw new ShapeError(`${op}: layer ${i} (dense_${i + 1}) has weights for ${kernel.shape[0]} inputs but the layer before it gives ${inputs}; ` +
          'was it added to another model?');
      }
    });
  }

  /**
   * Frees the weights and the optimizer state (calling it again does nothing). Using the model afterwards throws a
   * DisposedError. Dispose models you are done with: unlike tensors, the optimizer state is not freed by the
   * garbage collector.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2] })]);
   * model.dispose();
   * try {
   *   model.predict(tensor([[1, 2]]));
   * } catch (e) {
   *   console.log(e instanceof DisposedError); // true
   * }
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    freeBatchPlans(this);
    this.layers.forEach((layer) => layer.dispose());
    this.freeState();
  }
}

/**
 * A Sequential model of `layers` (default none) applied in order; the first needs `inputShape`. `options.seed`
 * makes the model repeatable: the initial weights of layers without a seeded initializer, and the shuffle and dropout
 * of fits without a seed (see SequentialOptions). Throws a TypeError unless layers is an array, a RangeError or
 * TypeError for bad options, and as `Sequential.add` does.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
 * model.compile({ optimizer: sgd({ learningRate: 1 }), loss: 'meanSquaredError' });
 * model.predict(tensor([[0, 0, 1]])).shape; // [1, 1]
 * // With a seed, the same weights (and fits) on every run:
 * const a = sequential([dense({ units: 3, inputShape: [2] })], { seed: 1 }), b = sequential([dense({ units: 3, inputShape: [2] })], { seed: 1 });
 * equal(a.getWeights()[0], b.getWeights()[0]).sum().item(); // 6
 */
export function sequential(layers: readonly (Dense | Dropout)[] = [], options: SequentialOptions = {}): Sequential {
  if (!Array.isArray(layers)) throw new TypeError(`sequential: layers must be an array, got ${showValue(layers)}`);
  return new Sequential(layers, options);
}

/** The rows per chunk `options.batchSize` asks for (default `fallback`), checked. */
function batchRows(options: BatchOptions, op: string, fallback: number): number {
  checkOptionKeys(op, options, ['batchSize']);
  return options.batchSize === undefined ? fallback : checkInteger(options.batchSize, op, 'batchSize', 1, 1 << 30);
}
