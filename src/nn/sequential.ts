import { allocBytes, freeBytes, f32View } from '../runtime/heap';
import { gemm } from '../runtime/threads';
import { kernels } from '../runtime/wasm';
import { DisposedError, ShapeError, showShape, showValue } from '../tensor/errors';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { clone } from '../ops/shape';
import { toOptimizer, type Optimizer, type OptimizerConfig } from '../optim/optimizers';
import { ACTIVATION_CODES, Dense, LEAKY_ALPHA } from './dense';
import { Dropout } from './dropout';
import { toLoss, type Loss, type LossName } from './losses';
import { SLOTS, toLogs, toMetrics, type MetricName } from './metrics';
import { evaluateRows, runFit, type FitOptions, type History } from './fit';
import { modelToJSON, saveToFile, serialize, type ModelJSON } from './save';

/** Options of `compile`. */
export interface CompileOptions {
  /** An optimizer object or name (default 'adam'). */
  optimizer?: Optimizer | OptimizerConfig | 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
  loss: LossName | 'mse' | 'mae';
  /** Metrics reported per epoch besides the loss: 'accuracy' (or 'acc'), 'mae', 'mse'. */
  metrics?: readonly MetricName[];
}

/** A stack of layers trained end to end, as Keras' Sequential. */
export class Sequential {
  readonly layers: Dense[] = [];
  optimizer: Optimizer | null = null;
  loss: Loss | null = null;
  metrics: MetricName[] = [];
  /** Optimizer steps taken so far (Adam's t). */
  step = 0;
  // Optimizer state per parameter array (kernel, bias of each layer), allocated on first fit.
  state: number[][] = [];
  private disposed = false;
  /**
   * JSON saved with the model and restored by loadModel, such as the scaler and columns its inputs need
   * (`{ scaler: scaler.toJSON(), features: [...] }`).
   */
  metadata: Record<string, unknown> | undefined = undefined;

  constructor(layers: readonly (Dense | Dropout)[] = []) {
    for (const layer of layers) this.add(layer);
  }

  /** Appends a layer; its input size comes from the previous layer. A dropout layer acts on the previous layer's outputs. */
  add(layer: Dense | Dropout): this {
    if (this.disposed) throw new DisposedError('add: the model was disposed');
    const previous = this.layers[this.layers.length - 1];
    if (layer instanceof Dropout) {
      if (!previous) throw new RangeError('add: a dropout layer needs a dense layer before it');
      previous.dropout = 1 - (1 - previous.dropout) * (1 - layer.rate);
      return this;
    }
    if (!(layer instanceof Dense)) throw new TypeError(`add: layer must be a layer such as dense({...}), got ${showValue(layer)}`);
    if (previous) layer.build(previous.units);
    else if (layer.inputDim !== undefined) layer.build(layer.inputDim);
    else throw new RangeError('add: the first layer needs inputShape, e.g. dense({ units: 4, inputShape: [3] })');
    this.layers.push(layer);
    return this;
  }

  /** Sets the optimizer, the loss and the metrics. */
  compile(options: CompileOptions): void {
    if (this.disposed) throw new DisposedError('compile: the model was disposed');
    const op = 'compile';
    const last = this.layers[this.layers.length - 1];
    if (!last) throw new RangeError(`${op}: the model has no layers`);
    this.layers.slice(0, -1).forEach((layer, i) => {
      if (layer.activation === 'softmax') throw new RangeError(`${op}: softmax is supported on the output layer only (layer ${i})`);
    });
    if (last.dropout > 0) throw new RangeError(`${op}: dropout after the output layer is not supported; put it between dense layers`);
    this.loss = toLoss(options?.loss, last.activation, op);
    if (this.loss.name.endsWith('ategoricalCrossentropy') && last.units < 2) {
      throw new RangeError(`${op}: ${this.loss.name} needs an output layer of at least 2 units (one per class), got ${last.units}; use binaryCrossentropy with a sigmoid unit`);
    }
    this.optimizer = toOptimizer(options.optimizer ?? 'adam', op);
    this.metrics = toMetrics(options.metrics ?? [], op);
    this.freeState();
    this.step = 0;
  }

  /** Input features the model takes. */
  get inputDim(): number {
    return this.layers[0]?.inputDim ?? 0;
  }

  /** Output values per sample. */
  get outputDim(): number {
    return this.layers[this.layers.length - 1]?.units ?? 0;
  }

  /** Checks x against the model's input: [samples, features]. */
  checkInput(x: unknown, op: string, arg = 'x'): Tensor {
    this.checkUsable(op);
    const t = checkTensor(x, op, arg);
    if (t.rank !== 2 || t.shape[1] !== this.inputDim) {
      throw new ShapeError(`${op}: ${arg} has shape ${showShape(t.shape)}; the model takes [samples, ${this.inputDim}]`);
    }
    return t;
  }

  /** Runs the layers forward (no dropout) on rows of x already in wasm memory; returns the output pointer in `outputs`. */
  forwardRows(x: number, rows: number, outputs: readonly number[], logits: boolean): number {
    let input = x;
    this.layers.forEach((layer, l) => {
      const last = l === this.layers.length - 1;
      const code = last && logits ? -1 : ACTIVATION_CODES[layer.activation];
      gemm(input, layer.inputDim ?? 0, layer.kernel?.ptr ?? 0, layer.units, outputs[l], layer.units, rows, layer.inputDim ?? 0,
        layer.units, 0, layer.bias?.ptr ?? 0, code, LEAKY_ALPHA);
      if (layer.activation === 'softmax' && !logits && rows > 0) kernels().softmax(outputs[l], outputs[l], rows, layer.units, 1);
      input = outputs[l];
    });
    return input;
  }

  /**
   * Outputs for each row of x ([samples, features] → [samples, units of the last layer]).
   * @example
   * model.predict(tensor([[0, 0, 1]])).toArray(); // [[0.03…]]
   */
  predict(x: Tensor): Tensor {
    const op = 'predict';
    const input = this.checkInput(x, op);
    const rows = input.shape[0];
    const hidden: number[] = [];
    try {
      for (const layer of this.layers.slice(0, -1)) hidden.push(allocBytes(rows * layer.units * 4, op));
      const out = empty([rows, this.outputDim], op);
      this.forwardRows(input.ptr, rows, [...hidden, out.ptr], false);
      return out;
    } finally {
      hidden.forEach(freeBytes);
    }
  }

  /**
   * Loss and metrics on x and y, computed in batches like `fit` reports them.
   * @example
   * model.evaluate(x, y); // { loss: 0.01, accuracy: 1 }
   */
  evaluate(x: Tensor, y: Tensor): Record<string, number> {
    const op = 'evaluate';
    this.checkUsable(op);
    const loss = this.requireCompiled(op);
    const input = this.checkInput(x, op);
    const target = this.checkTarget(y, input.shape[0], op);
    const rows = input.shape[0];
    if (rows === 0) return toLogs(this.metrics, [NaN, NaN, NaN, NaN]);
    const chunk = Math.min(rows, 4096);
    const buffers: number[] = [];
    try {
      for (const layer of this.layers) buffers.push(allocBytes(chunk * layer.units * 4, op));
      buffers.push(allocBytes(SLOTS * 8, op));
      return evaluateRows(this, input, target, 0, rows, buffers.slice(0, -1), chunk, buffers[buffers.length - 1]);
    } finally {
      buffers.forEach(freeBytes);
    }
  }

  /** Checks y against the loss: [samples, outputs], or [samples] / [samples, 1] class indices when sparse. */
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
    return t;
  }

  /** The compiled loss, or an error naming the op. */
  requireCompiled(op: string): Loss {
    if (!this.loss || !this.optimizer) throw new RangeError(`${op}: call compile({ optimizer, loss }) first`);
    return this.loss;
  }

  /**
   * Trains on x and y; resolves to the loss and metrics of each epoch.
   * @example
   * const history = await model.fit(x, y, { epochs: 100, batchSize: 4 });
   * history.history.loss.at(-1); // the last epoch's mean loss
   */
  fit(x: Tensor, y: Tensor, options: FitOptions = {}): Promise<History> {
    return runFit(this, x, y, options);
  }

  /** Optimizer state arrays of each parameter, allocated (zeroed) on first use. */
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

  /** Trainable tensors in order: kernel, bias of each layer. */
  parameters(): Tensor[] {
    return this.layers.flatMap((layer) => [layer.kernel, layer.bias].filter((t): t is Tensor => t !== null));
  }

  /**
   * Copies of the weights: [kernel, bias] of each layer in order.
   * @example
   * model.getWeights().map((w) => w.shape); // [[3, 4], [4], [4, 1], [1]]
   */
  getWeights(): Tensor[] {
    if (this.disposed) throw new DisposedError('getWeights: the model was disposed');
    return this.parameters().map((t) => clone(t));
  }

  /**
   * Replaces the weights with copies of `weights` (same order and shapes as getWeights).
   * @example
   * model.setWeights(other.getWeights());
   */
  setWeights(weights: readonly Tensor[]): void {
    if (this.disposed) throw new DisposedError('setWeights: the model was disposed');
    const op = 'setWeights';
    const params = this.parameters();
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new RangeError(`${op}: expected ${params.length} tensors, got ${Array.isArray(weights) ? weights.length : showValue(weights)}`);
    }
    weights.forEach((w, i) => {
      checkTensor(w, op, `weights[${i}]`);
      if (w.shape.join() !== params[i].shape.join()) throw new ShapeError(`${op}: weights[${i}] has shape ${showShape(w.shape)}, expected ${showShape(params[i].shape)}`);
    });
    weights.forEach((w, i) => f32View(params[i].ptr, w.size).set(f32View(w.ptr, w.size)));
  }

  /**
   * A table of the layers, their output shapes and parameter counts.
   * @example
   * console.log(model.summary());
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
   * The architecture and compile settings as JSON.
   * @example
   * model.toJSON().layers.map((l) => l.units); // [4, 1]
   */
  toJSON(): ModelJSON {
    return modelToJSON(this);
  }

  /**
   * The model file (architecture JSON and float32 weights in one blob); with a path, in Node, also writes it
   * atomically. `loadModel` reads it back and predicts bit-identically.
   * @example
   * await model.save('model.sdpm');           // Node
   * const bytes = await model.save();         // anywhere: an ArrayBuffer
   */
  save(path?: string): Promise<ArrayBuffer> {
    if (this.disposed) return Promise.reject(new DisposedError('save: the model was disposed'));
    if (path === undefined) return Promise.resolve(serialize(this));
    if (typeof path !== 'string') return Promise.reject(new TypeError(`save: path must be a string, got ${showValue(path)}`));
    return saveToFile(this, path);
  }

  /**
   * The model file as a Blob (type application/octet-stream), for a download link or IndexedDB in browsers;
   * `loadModel(blob)` reads it back.
   * @example
   * const url = URL.createObjectURL(model.toBlob());
   */
  toBlob(): Blob {
    if (this.disposed) throw new DisposedError('toBlob: the model was disposed');
    return new Blob([serialize(this)], { type: 'application/octet-stream' });
  }

  /** Throws unless the model has layers and is not disposed. */
  checkUsable(op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: the model was disposed`);
    if (this.layers.length === 0) throw new RangeError(`${op}: the model has no layers`);
  }

  /** Frees the weights and optimizer state; using the model afterwards throws a DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.layers.forEach((layer) => layer.dispose());
    this.freeState();
  }
}

/**
 * A model of layers applied in order.
 * @example
 * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
 * model.compile({ optimizer: sgd({ learningRate: 1 }), loss: 'meanSquaredError' });
 */
export function sequential(layers: readonly (Dense | Dropout)[] = []): Sequential {
  if (!Array.isArray(layers)) throw new TypeError(`sequential: layers must be an array, got ${showValue(layers)}`);
  return new Sequential(layers);
}

