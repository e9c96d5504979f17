// The model: a graph of layer calls from inputs to outputs (graph.ts) and its public API: compile, fit, evaluate,
// predict, the batch methods, weights, summary and files. Training and evaluation run plans lowered from the graph
// (plan.ts) through the loop (fit.ts) and the plan cache (batches.ts); the model hands them its ModelState.
import { DisposedError, ShapeError, showShape, showValue } from '../tensor/errors';
import { checkTensor, empty, type Tensor } from '../tensor/tensor';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger } from '../tensor/shape';
import { clone } from '../ops/shape';
import type { Optimizer } from '../optim/optimizers';
import { setIterations } from '../optim/optimizer';
import type { Variable } from '../tensor/variable';
import { freePlans, planFor, predictInto, trainBatch } from './batches';
import { checkWeights, freeWeights, weightsInMemory, type WeightOptions } from './sample-weights';
import { compileSettings, outputsOf, type Compiled, type CompileOptions } from './compile';
import { checkInputs, checkTargets, type TensorList } from './data';
import { runFit, type FitOptions, type History } from './fit';
import { argDims, graphOf, nameLayers, trainableOf, type Graph } from './graph';
import { showShapes, type Layer } from './layers/layer';
import type { LossName } from './losses';
import { toLogs } from './metric-specs';
import type { Metric, MetricName } from './metrics';
import { summaryOf } from './summary';
import { saveToFile } from './model-file';
import { registeredClass } from './custom-classes';
import type { ModelState } from './plan';
import { modelToJSON, serialize, type ModelJSON } from './save';
import { deriveSeed, SEED_STREAMS } from './seeds';
import { SymbolicTensor } from './symbolic';
import { applyModel } from './apply';
import { formatOfPath, MODEL_FORMATS } from '../io/sniff';
import type { SaveOptions } from '../io/formats';
import type { IOHandler, SaveResult } from '../io/handlers';
import { toEvaluation, type Evaluation } from './evaluation';

/**
 * Options of `model`.
 * @example
 * const x = input({ shape: [2] });
 * const options: ModelOptions = { inputs: x, outputs: dense({ units: 1 }).apply(x), seed: 1 };
 * model(options).outputDim; // 1
 */
export interface ModelOptions {
  /** The model's inputs: symbolic tensors from `input({ shape })`, one or an array (their order is the data's). */
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's outputs: symbolic tensors from layers' `apply`, one or an array (their order is the targets'). */
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  /**
   * Seed of the model, an integer in [0, 2^53): the initial weights of layers whose initializers have no seed of
   * their own (each layer with weights and each weight gets its own stream derived from it), and the shuffle and
   * dropout masks of each `fit` that gives no seed (derived from it and the step count). Not saved in model files.
   */
  seed?: number;
}

/**
 * Options of `apply`.
 * @example
 * const options: ApplyOptions = { training: true };
 * sequential([dense({ units: 2, inputShape: [2] }), dropout({ rate: 0.5 })]).apply(ones([1, 2]), options).shape; // [1, 2]
 */
export interface ApplyOptions {
  /** Dropout on, and batch normalization by the batch's statistics (updating its moving ones), as in training (default false). */
  training?: boolean;
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
 * Options of `evaluate`: the rows computed at a time and the weights of the samples (their weighted mean loss,
 * Σ w·loss / samples as Keras, and metrics, Σ w·m / Σ w).
 * @example
 * const options: EvaluateOptions = { batchSize: 2, sampleWeight: [1, 0] };
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })]);
 * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
 * model.evaluate(tensor([[0], [0]]), tensor([[2], [4]]), options); // { loss: 2, mae: 2 }
 */
export interface EvaluateOptions extends BatchOptions, WeightOptions {}

/**
 * A model: layers called on symbolic tensors from its inputs to its outputs, as Keras' functional Model. Make one
 * with `model({ inputs, outputs })` (or `sequential([...])` for a stack), `compile` it, then `fit`, `predict`,
 * `evaluate` and `save`. Several inputs and outputs take arrays of tensors, in the order given. Its weights live in
 * wasm memory until `dispose()`.
 * @example
 * const x = input({ shape: [4] });
 * const h = dense({ units: 8, activation: 'relu' }).apply(x);
 * const y = dense({ units: 4 }).apply(layers.add().apply([x, dense({ units: 4 }).apply(h)])); // a residual block
 * const net = model({ inputs: x, outputs: y, seed: 1 });
 * net.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
 * await net.fit(ones([8, 4]), zeros([8, 4]), { epochs: 2 });
 * net.predict(ones([1, 4])).shape; // [1, 4]
 * net.dispose();
 */
export class Model<Output extends Tensor | Tensor[] = Tensor | Tensor[]> {
  /**
   * The model's seed (see ModelOptions), or undefined.
   * @example
   * sequential([dense({ units: 1, inputShape: [2] })], { seed: 7 }).seed; // 7
   */
  readonly seed: number | undefined;
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
   * Set to true (in a callback) to stop the running fit at the end of the current epoch, as Keras's and TF.js's
   * `model.stopTraining`; fit sets it to false when it starts.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [1] })]);
   * model.compile({ loss: 'meanSquaredError' });
   * const history = await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 10,
   *   callbacks: { onEpochEnd: (epoch) => { if (epoch === 2) model.stopTraining = true; } } });
   * history.epoch; // [0, 1, 2]
   */
  stopTraining = false;
  /**
   * The history of the latest fit (the object it resolves to, filled as its epochs end), or undefined before any.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [1] })]);
   * model.compile({ loss: 'meanSquaredError' });
   * const history = await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 2 });
   * model.history === history; // true
   */
  history: History | undefined = undefined;
  /** The graph (null for a sequential model without layers). */
  private graphOrNull: Graph | null = null;
  private compiled: Compiled | null = null;
  private changedSinceCompile = false;
  private disposed = false;
  /** What plans and the training loop read; see ModelState. */
  private readonly state: ModelState;
  private version = 0;
  /** Each layer with weights and the shapes its calls need (checked before every use: see checkUsable). */
  private weightShapes: [Layer, number[][]][] = [];

  /**
   * A model from `options` (see ModelOptions); `model(options)` does the same. The graph is checked before any
   * weight is made: a TypeError for inputs or outputs that are not symbolic tensors, a RangeError for an input no
   * output uses, an output that depends on an input not listed (a symbolic tensor of another model), an input or
   * output listed twice, or two layers of one name. A layer that another model built shares its weights with it
   * (the model that built them frees them).
   * @example
   * const a = input({ shape: [2] }), b = input({ shape: [3] });
   * const joined = layers.concatenate().apply([a, b]);
   * model({ inputs: [a, b], outputs: dense({ units: 1 }).apply(joined) }).summary().includes('concatenate_1'); // true
   */
  constructor(options: ModelOptions | null, op = 'model', seed: number | undefined = undefined) {
    const self = this; // the state object's getters read this model
    this.state = {
      get graph() { return self.graph(op); },
      get compiled() { return self.compiled; },
      get step() { return self.step; },
      set step(value: number) { if (self.compiled) setIterations(self.compiled.optimizer, value); },
      get version() { return self.version; },
      get seed() { return self.seed; },
      check: (name: string) => self.checkUsable(name),
    };
    if (options === null) {
      this.seed = seed;
      return;
    }
    if (typeof options !== 'object') throw new TypeError(`${op}: options must be { inputs, outputs }, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['inputs', 'outputs', 'seed']);
    this.seed = checkSeed(options.seed, op);
    const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
    this.setGraph(graphOf(list(options.inputs), list(options.outputs), op), op);
  }

  /** The graph, or a RangeError naming `op` for a model without layers. */
  private graph(op: string): Graph {
    if (!this.graphOrNull) throw new RangeError(`${op}: the model has no layers`);
    return this.graphOrNull;
  }

  /**
   * Makes `graph` the model's: names its layers, checks that none is in another model, builds the weights of the
   * layers not built yet (seeded from the model's seed), and drops the compile settings. On error nothing changes.
   * @internal
   */
  protected setGraph(graph: Graph, op: string): void {
    if (this.disposed) throw new DisposedError(`${op}: the model was disposed`);
    nameLayers([...graph.inputs.map((i) => graph.nodes[i].layer), ...graph.layers], op);
    const built: Layer[] = [];
    let weighted = 0;
    try {
      for (const layer of graph.layers) {
        const node = graph.nodes.find((n) => n.layer === layer)!;
        const dims = argDims(graph, node);
        // A custom layer's weights are known once built: it takes a seed stream whether it makes any or not.
        const shapes = layer.weightShapes(dims), index = shapes.length > 0 || (layer.isCustom && layer.owner === null) ? weighted++ : -1;
        if (layer.owner !== null) {
          // Built by this model, or by another one whose weights this one shares (they must fit these calls).
          const bad = layer.weights.findIndex((w, i) => w.shape.join() !== shapes[i]?.join());
          if (layer.weights.length !== shapes.length || bad >= 0) {
            throw new ShapeError(`${op}: layer ${layer.label} has weights of shape ${showShape(layer.weights[Math.max(bad, 0)]?.shape ?? [])} but is called on ` +
              `${showShapes(dims)} here`);
          }
          continue;
        }
        const seed = this.seed;
        const seedOf = (j: number): number | undefined => (seed === undefined || index < 0 ? undefined : deriveSeed(seed, SEED_STREAMS.weights, index, j));
        if (layer.isCustom) layer.buildCustom(dims, seedOf);
        else layer.build(dims, seedOf);
        layer.owner = this;
        built.push(layer);
        layer.rules.check(layer.weights, layer.label, op);
      }
    } catch (error) {
      built.forEach((layer) => layer.dispose());
      throw error;
    }
    this.graphOrNull = graph;
    this.weightShapes = graph.layers.map((layer): [Layer, number[][]] =>
      [layer, layer.weightShapes(argDims(graph, graph.nodes.find((n) => n.layer === layer)!))]).filter(([, shapes]) => shapes.length > 0);
    this.uncompile();
    this.changed();
  }

  /** Notes that what plans point to changed: kept plans are freed. */
  private changed(): void {
    this.version++;
    freePlans(this.state);
  }

  /** Drops the compile settings and optimizer state, which were made for the layers before a change. */
  private uncompile(): void {
    if (!this.compiled) return;
    this.compiled.optimizer.dispose();
    this.compiled = null;
    this.changedSinceCompile = true;
  }

  /**
   * The layers other than inputs, each once, in the order of their first call.
   * @example
   * sequential([dense({ units: 4, inputShape: [3] }), dropout({ rate: 0.5 }), dense({ units: 1 })]).layers.map((l) => l.className); // ['Dense', 'Dropout', 'Dense']
   */
  get layers(): Layer[] {
    return [...(this.graphOrNull?.layers ?? [])];
  }

  /**
   * The layer called `name`, or undefined.
   * @example
   * sequential([dense({ units: 2, inputShape: [3], name: 'hidden' })]).getLayer('hidden')?.className; // 'Dense'
   */
  getLayer(name: string): Layer | undefined {
    const graph = this.graphOrNull;
    return graph?.nodes.map((n) => n.layer).find((layer) => layer.name === name);
  }

  /**
   * The symbolic tensors of the model's inputs, in order.
   * @example
   * const x = input({ shape: [3] });
   * model({ inputs: x, outputs: dense({ units: 1 }).apply(x) }).inputs[0] === x; // true
   */
  get inputs(): SymbolicTensor[] {
    const graph = this.graphOrNull;
    return graph ? graph.inputs.map((i) => graph.nodes[i].call.output) : [];
  }

  /**
   * The symbolic tensors of the model's outputs, in order.
   * @example
   * const x = input({ shape: [3] }), y = dense({ units: 1 }).apply(x);
   * model({ inputs: x, outputs: y }).outputs[0] === y; // true
   */
  get outputs(): SymbolicTensor[] {
    const graph = this.graphOrNull;
    return graph ? graph.outputs.map((i) => graph.nodes[i].call.output) : [];
  }

  /**
   * Input features of the first input (0 without layers).
   * @example
   * sequential([dense({ units: 4, inputShape: [3] })]).inputDim; // 3
   */
  get inputDim(): number {
    const graph = this.graphOrNull;
    return graph ? graph.nodes[graph.inputs[0]].width : 0;
  }

  /**
   * Output values per sample of the first output (0 without layers).
   * @example
   * sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 2 })]).outputDim; // 2
   */
  get outputDim(): number {
    const graph = this.graphOrNull;
    return graph ? graph.nodes[graph.outputs[0]].width : 0;
  }

  /**
   * The optimizer `compile` set (null before); it owns its state (getSlots).
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2] })]);
   * model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
   * model.optimizer?.config.learningRate; // 0.01
   */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /**
   * The metrics `compile` set, besides the loss: names as given ('acc' is listed as 'accuracy'), and metrics made
   * with options (see Metric).
   * @example
   * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
   * model.compile({ loss: 'binaryCrossentropy', metrics: ['acc'] });
   * model.metrics; // ['accuracy']
   */
  get metrics(): (MetricName | Metric)[] | Record<string, (MetricName | Metric)[]> {
    const given = (list: readonly Metric[]): (MetricName | Metric)[] => list.map((m) => m.source ?? m);
    const metrics = this.compiled?.metrics ?? [];
    return Array.isArray(metrics) ? given(metrics) : Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, given(v)]));
  }

  /**
   * Optimizer steps taken so far (Adam's t): the `iterations` of the model's optimizer, which `compile` makes anew
   * (0 before compile). Steps applied with `model.optimizer.applyGradients` count too.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [1] })]);
   * model.compile({ loss: 'meanSquaredError' });
   * await model.fit(tensor([[1], [2], [3], [4]]), tensor([[2], [4], [6], [8]]), { epochs: 3, batchSize: 2 });
   * model.step; // 6
   */
  get step(): number {
    return this.compiled?.optimizer.iterations ?? 0;
  }

  /**
   * Sets the optimizer, the loss of each output (and its weight) and the metrics, and resets the optimizer state and
   * `step`. binaryCrossentropy on a sigmoid output, and the categorical losses (which need a softmax output of at
   * least 2 units), work on the weighted sums, numerically stable. Throws a RangeError for an unknown option (such as
   * `optimiser`), a model without layers, softmax on a layer that feeds others, an unknown loss, optimizer or
   * metric, a loss that does not fit its output's activation, or a number of losses or weights other than the
   * outputs'; a DisposedError once the model is disposed.
   * @example
   * const model = sequential([dense({ units: 3, activation: 'softmax', inputShape: [4] })]);
   * model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
   * model.toJSON().compile?.loss; // 'sparseCategoricalCrossentropy'
   */
  compile(options: CompileOptions): void {
    const op = 'compile';
    if (this.disposed) throw new DisposedError(`${op}: the model was disposed`);
    const { outputs, softmaxHidden } = outputsOf(this.graph(op));
    const compiled = compileSettings(outputs, softmaxHidden, options, op);
    this.compiled?.optimizer.dispose();
    this.compiled = compiled;
    this.changedSinceCompile = false;
    this.changed();
  }

  /** The compile settings, or an error naming the op. */
  private requireCompiled(op: string): Compiled {
    if (!this.compiled) {
      const again = this.changedSinceCompile ? ' again: layers were added since the last compile' : ' first';
      throw new RangeError(`${op}: call compile({ optimizer, loss })${again}`);
    }
    return this.compiled;
  }

  /**
   * The outputs for each row of x (one tensor per input: [samples, features]): a new [samples, width] tensor per
   * output (one tensor for one output, else an array in output order; `model()` types it from its outputs). Dropout is off. `options.batchSize` bounds
   * the rows computed at a time (and so the scratch memory). Throws a ShapeError if x does not fit the inputs, a
   * RangeError for a model without layers or bad options, a DisposedError once x or the model is disposed.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * model.predict(tensor([[1, 2], [3, 4]])).toArray(); // [[3], [7]]
   * model.predict(tensor([[1, 2], [3, 4]]), { batchSize: 1 }).toArray(); // [[3], [7]]
   */
  predict(x: TensorList, options: BatchOptions = {}): Output {
    const op = 'predict';
    this.checkUsable(op);
    const xs = checkInputs(this.graph(op), x, op);
    return this.outputsOf(xs, batchRows(options, op, Math.max(xs[0].shape[0], 1)), op);
  }

  /**
   * The outputs for the rows of x (one tensor per input: [samples, ...shape]), as TF.js's `model.apply(x, { training })`
   * on tensors: a new [samples, ...dims] tensor per output (one tensor for one output, else an array in output order),
   * the values `predict` gives (the same bits) when `training` is false, the default. With `training: true` dropout is
   * on and batch normalization normalizes by the batch's statistics and updates its moving ones, as TF.js's apply and
   * a fit step do. Differentiable: inside `grad`, `grads`, `variableGrads`, `optimizer.minimize` and the like, the call
   * is one step of the tape whose backward runs the model's backward in wasm, giving the gradients of the inputs and of
   * `trainableWeights` (first order only: no gradient of that gradient flows through it). Symbolic tensors (a model
   * nested in another) are not taken: call its layers' apply.
   * @throws TypeError for a symbolic tensor, or a `training` that is not a boolean; RangeError for an unknown option or
   * a model without layers; ShapeError if x does not fit the inputs; DisposedError once x or the model is disposed.
   * @example
   * const net = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * net.apply(tensor([[1, 2]])).toArray(); // [[3]]
   * grad((x) => net.apply(x).sum())(tensor([[1, 2]])).toArray(); // [[1, 1]]
   * const { grads: [dKernel, dBias] } = valueAndGrads(() => net.apply(tensor([[1, 2]])).sum())(net.trainableWeights);
   * [dKernel.toArray(), dBias.toArray()]; // [[[1], [2]], [1]]
   */
  apply(x: TensorList, options: ApplyOptions = {}): Output {
    const op = 'apply';
    const symbolic = (Array.isArray(x) ? x : [x]).some((t) => t instanceof SymbolicTensor);
    if (symbolic) throw new TypeError(`${op}: x holds symbolic tensors; a model is not nested in another: call its layers' apply on them instead`);
    this.checkUsable(op);
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, ['training']);
    const training = options.training ?? false;
    if (typeof training !== 'boolean') throw new TypeError(`${op}: training must be true or false, got ${showValue(options.training)}`);
    const xs = checkInputs(this.graph(op), x, op);
    const outs = applyModel(this.state, xs, training, op);
    return (outs.length === 1 ? outs[0] : outs) as Output;
  }

  /**
   * The weights the optimizer updates, each once, in node order: every layer's `trainableWeights`, the model's own
   * variables (`weights` without the non-trainable ones), to differentiate with respect to in a training loop of
   * your own; the order of the weight gradients of `apply`.
   * @example
   * const net = sequential([dense({ units: 4, inputShape: [3] }), layers.batchNormalization(), dense({ units: 1 })]);
   * net.trainableWeights.map((w) => w.shape); // [[3, 4], [4], [4], [4], [4, 1], [1]]
   * const model = sequential([dense({ units: 1, inputShape: [2], name: 'linear' })]);
   * const x = tensor([[1, 2]]);
   * const [kernel, bias] = model.trainableWeights;
   * const { grads } = variableGrads(() => { const y = x.matmul(kernel).add(bias); return y.mul(y).sum(); }, model.trainableWeights);
   * Object.keys(grads); // ['linear/kernel', 'linear/bias']
   */
  get trainableWeights(): Variable[] {
    return this.graphOrNull ? trainableOf(this.graphOrNull) : [];
  }

  /**
   * The outputs for the rows of x computed in one pass, as Keras' predict_on_batch: the same values as `predict`
   * (dropout off). Throws as `predict` does, naming predictOnBatch.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * model.predictOnBatch(tensor([[1, 2], [3, 4]])).toArray(); // [[3], [7]]
   */
  predictOnBatch(x: TensorList): Output {
    const op = 'predictOnBatch';
    this.checkUsable(op);
    const xs = checkInputs(this.graph(op), x, op);
    return this.outputsOf(xs, Math.max(xs[0].shape[0], 1), op);
  }

  /** The outputs for the rows of checked inputs, `chunk` rows at a time. */
  private outputsOf(xs: readonly Tensor[], chunk: number, op: string): Output {
    const graph = this.graph(op), rows = xs[0].shape[0];
    const outs: Tensor[] = [];
    try {
      for (const i of graph.outputs) outs.push(empty([rows, ...graph.nodes[i].dims], op));
      if (rows > 0) predictInto(this.state, xs, outs, Math.min(chunk, rows), op);
    } catch (error) {
      outs.forEach((t) => t.dispose());
      throw error;
    }
    return (outs.length === 1 ? outs[0] : outs) as Output;
  }

  /**
   * The mean loss and metrics over the rows of x and y, as `fit` reports them (dropout off; NaN for no rows),
   * computed `options.batchSize` rows at a time (default 4096). Throws a RangeError before `compile`, for class
   * indices out of range, binaryCrossentropy targets outside [0, 1] or negative categorical ones (naming the row and
   * column), or bad options; a ShapeError for shapes that do not fit the model and loss, a DisposedError once the
   * model or a tensor is disposed. With `sampleWeight` or `classWeight` (as fit takes them), the loss is
   * Σ w·loss / samples and each metric Σ w·m / Σ w, as Keras's; bad weights are errors naming them, as in fit.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
   * model.evaluate(tensor([[1, 2]]), tensor([[1]])); // { loss: 4, mae: 2 }
   * model.evaluate(tensor([[1, 2], [0, 0]]), tensor([[1], [0]]), { sampleWeight: [3, 1] }); // { loss: 6, mae: 1.5 }
   * // The result also reads as TensorFlow.js's (see Evaluation): [loss, ...metrics] as scalars.
   * const [loss, mae] = model.evaluate(tensor([[1, 2]]), tensor([[1]]));
   * loss.item(); // 4
   */
  evaluate(x: TensorList, y: TensorList, options: EvaluateOptions = {}): Evaluation {
    const op = 'evaluate';
    this.checkUsable(op);
    const compiled = this.requireCompiled(op), graph = this.graph(op);
    checkOptionKeys(op, options, ['batchSize', 'sampleWeight', 'classWeight']);
    const xs = checkInputs(graph, x, op);
    const rows = xs[0].shape[0];
    const ys = checkTargets(graph, compiled, y, rows, op);
    const chunk = Math.min(rows, batchRows({ batchSize: options.batchSize }, op, 4096));
    const weights = checkWeights(graph, compiled, ys, rows, options.sampleWeight, options.classWeight,
      { op, sampleArg: 'sampleWeight', classRows: rows, ranges: [[0, rows, 'the samples']] });
    if (rows === 0) return toEvaluation(toLogs(compiled.logs, new Float64Array(compiled.logs.slots).fill(NaN)));
    const plan = planFor(this.state, 'evaluate', chunk, op);
    let w = 0;
    try {
      w = weightsInMemory(weights, op);
      return toEvaluation(toLogs(compiled.logs, plan.plan.evaluate(xs.map((t) => t.ptr), ys.map((t) => t.ptr), 0, rows, w)));
    } finally {
      freeWeights(w);
      plan.done();
    }
  }

  /**
   * Trains on x (one tensor per input: [samples, features]) and y (one per output: targets [samples, width], or
   * class indices [samples] for sparseCategoricalCrossentropy) with the compiled optimizer; resolves to the History
   * of each epoch's loss and metrics (and their `val_` versions with validation). Callbacks may be async and are
   * awaited (see Callbacks). Rejects with a RangeError before `compile`, for x without rows, for NaN or ±Infinity in
   * the data or targets the loss cannot take (naming the row and column), a RangeError or TypeError for bad or
   * unknown options, a ShapeError for shapes that do not fit, a DivergedError when a step's loss or gradient stops
   * being finite (see FitOptions), and with the error of a callback that throws or rejects (the weights are then
   * those of the last finished step). One fit at a time: a second `fit` while one runs rejects at once with a
   * RangeError ("fit: the model is already training; await the first fit"); `predict`, `evaluate`, `getWeights` and
   * `save` called meanwhile (in a callback) see the weights of the last finished step.
   * @example
   * const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y = tensor([[0], [1], [1], [1]]); // logical or
   * const model = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2], kernelInitializer: initializers.glorotUniform({ seed: 1 }) })]);
   * model.compile({ optimizer: adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
   * const history = await model.fit(x, y, { epochs: 200, batchSize: 4, seed: 1 });
   * history.history.accuracy.at(-1); // 1
   * history.epoch.length; // 200
   */
  fit(x: TensorList, y: TensorList, options: FitOptions = {}): Promise<History> {
    try {
      const op = 'fit';
      this.checkUsable(op);
      const compiled = this.requireCompiled(op);
      freePlans(this.state, 'train'); // fit builds its own plan; trainOnBatch builds its plans again after it
      return runFit(this, this.state, compiled, x, y, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * One optimizer step on exactly the rows of x and y (shapes and targets as `fit` takes them), as Keras' and
   * TensorFlow.js's trainOnBatch: the same step fit takes on that batch (dropout on; `step` advances by one), so
   * trainOnBatch over the batches of an epoch gives the weights of fit with `shuffle: false` and that batch size.
   * Resolves to the batch's loss, or [loss, ...metrics] in compile order when metrics were compiled (of the outputs
   * before the step, as fit's batch logs; with several outputs, the total loss then each output's loss and metrics).
   * The step runs before this returns; its plan is kept for the next batch of the same size, so steady-state calls
   * allocate nothing (the kept plans are freed by compile, setWeights, add, fit and dispose). Rejects as fit does
   * for bad data (naming trainOnBatch), with a DivergedError when the loss or a gradient is not finite (the step is
   * then not taken), and with a RangeError while a fit of this model runs. `sampleWeight` and `classWeight` weigh the
   * batch's rows as fit's options do.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })]);
   * model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError', metrics: ['mae'] });
   * // The loss and mae of the outputs before the step (all 0 here), as fit's batch logs give them:
   * await model.trainOnBatch(tensor([[1], [2]]), tensor([[2], [4]])); // [10, 3]
   * model.step; // 1
   * model.predict(tensor([[1]])).toArray(); // [[1.6]]
   */
  trainOnBatch(x: TensorList, y: TensorList, options: WeightOptions = {}): Promise<number | number[]> {
    try {
      const op = 'trainOnBatch';
      this.checkUsable(op);
      return Promise.resolve(trainBatch(this.state, this.requireCompiled(op), x, y, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The weights of every layer, in layer order (a shared layer's once): the model's own variables, named
   * `<layer>/<weight>` as Keras names them (`dense_1/kernel`, `dense_1/bias`; with a suffix while another live
   * variable has that name). Reading and assigning them reads and changes the model; use `getWeights` for copies.
   * Empty once the model is disposed.
   * @example
   * const model = sequential([dense({ units: 2, inputShape: [3], name: 'hidden' }), layers.batchNormalization()]);
   * model.weights.map((w) => w.name); // ['hidden/kernel', 'hidden/bias', 'batch_normalization_1/gamma', 'batch_normalization_1/beta', 'batch_normalization_1/moving_mean', 'batch_normalization_1/moving_variance']
   */
  get weights(): Variable[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  /**
   * The weights only the layers' own kernels change (a batch normalization's moving statistics).
   * @example
   * const model = sequential([layers.batchNormalization({ inputShape: [2] })]);
   * model.nonTrainableWeights.map((w) => [w.name, w.trainable]); // [['batch_normalization_1/moving_mean', false], ['batch_normalization_1/moving_variance', false]]
   */
  get nonTrainableWeights(): Variable[] {
    return this.layers.flatMap((layer) => layer.nonTrainableWeights);
  }

  /**
   * Copies of the weights: each layer's in order (a dense layer's kernel [inputs, units] and bias [units]). Dispose
   * them when done. Throws a DisposedError once the model is disposed.
   * @example
   * const model = sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 1 })]);
   * model.getWeights().map((w) => w.shape); // [[3, 4], [4], [4, 1], [1]]
   */
  getWeights(): Tensor[] {
    this.checkUsable('getWeights', true);
    return this.weights.map((t) => clone(t));
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
    const op = 'setWeights';
    this.checkUsable(op, true);
    const params = this.weights;
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new RangeError(`${op}: expected ${params.length} tensors, got ${Array.isArray(weights) ? weights.length : showValue(weights)}`);
    }
    weights.forEach((w, i) => {
      checkTensor(w, op, `weights[${i}]`);
      if (w.shape.join() !== params[i].shape.join()) throw new ShapeError(`${op}: weights[${i}] has shape ${showShape(w.shape)}, expected ${showShape(params[i].shape)}`);
    });
    freePlans(this.state);
    // assign also tells plans that keep a weight packed (other models sharing these layers) to pack it again.
    weights.forEach((w, i) => params[i].assign(w));
  }

  /**
   * A text table of the layers (with their activation or rate), their output shapes and parameter counts, and the
   * total, as Keras prints it; a model with merges or several inputs also lists what each layer is connected to.
   * Prints it line by line with `printFn` (default console.log), as TensorFlow.js's `summary(lineLength?, positions?,
   * printFn?)` does (lineLength and positions are taken and ignored: the columns fit their contents), and returns it.
   * @throws TypeError if printFn is not a function.
   * @example
   * const model = sequential([dense({ units: 4, activation: 'sigmoid', inputShape: [3] }), dense({ units: 1, activation: 'sigmoid' })]);
   * model.summary(); // logs:
   * // _________________________________________________
   * // Layer (type)               Output shape   Param #
   * // =================================================
   * // dense_1 (Dense, sigmoid)   [null, 4]      16
   * // dense_2 (Dense, sigmoid)   [null, 1]      5
   * // =================================================
   * // Total params: 21
   */
  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = console.log): string {
    const text = summaryOf(this.graphOrNull);
    if (typeof printFn !== 'function') throw new TypeError(`summary: printFn must be a function, got ${showValue(printFn)}`);
    // NOTE: lineLength and positions are TF.js's column layout; the table sizes its columns to their contents.
    void lineLength, void positions;
    for (const line of text.split('\n')) printFn(line);
    return text;
  }

  /**
   * The architecture, compile settings and metadata as JSON: the header of the model file (without the weights).
   * @example
   * const model = sequential([dense({ units: 4, inputShape: [3] }), dense({ units: 1 })]);
   * model.toJSON().layers.map((l) => l.className); // ['InputLayer', 'Dense', 'Dense']
   */
  toJSON(): ModelJSON {
    const op = 'toJSON';
    this.checkUsable(op, true);
    return modelToJSON(this.graph(op), this.compileJSON(), this.metadata, this.isSequential);
  }

  /** Whether the model is a Sequential (saved as one). */
  protected get isSequential(): boolean {
    return false;
  }

  /** The compile section of the model file. */
  private compileJSON(): ModelJSON['compile'] {
    const c = this.compiled;
    // A file cannot hold a loss function: a model compiled with one is saved uncompiled (as TF.js saves the topology).
    if (!c || c.outputs.some((o) => o.loss.fn)) return undefined;
    const single = c.outputs.length === 1;
    return { loss: single ? c.outputs[0].loss.name as LossName : c.outputs.map((o) => o.loss.name as LossName), optimizer: c.optimizer.config, metrics: metricsJSON(c.metrics),
      ...(c.outputs.some((o) => o.weight !== 1) ? { lossWeights: c.outputs.map((o) => o.weight) } : {}) };
  }

  /**
   * Saves the model. With no target, resolves to simdeep's model file (architecture JSON and float32 weights in one
   * blob) as an ArrayBuffer; with a path, in Node, also writes it there atomically (a temporary file, then a rename).
   * `loadModel` reads it back and predicts bit-identically. Other formats, picked by `options.format` or by the
   * target: 'file://dir', a path ending in '.json' or '/', or an IOHandler (such as `io.withSaveHandler(fn)` or
   * TF.js's own) write TF.js's layers format (model.json and weights.bin, which `tf.loadLayersModel` reads; resolves
   * to TF.js's SaveResult); '.keras' Keras 3's zip; '.onnx' ONNX (opset 17); '.safetensors' the weights in PyTorch's names
   * and layouts with the architecture in its metadata (`modelToSafetensors` takes other names). With no target and such a format,
   * resolves to the file's bytes. Rejects with a DisposedError once the model is disposed, a RangeError for a model
   * without layers, for a custom layer whose class is not registered (`serialization.registerClass`), for a layer
   * the format cannot express (naming it), for an unknown format or option, a TypeError for a target that is
   * neither a string nor an IOHandler, and an Error naming the path and the file system's reason if writing fails
   * (such as a missing directory). Saving during `fit` (in a callback) saves the weights of the last finished step.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * await model.save('model.sdpm');   // Node: a file
   * const bytes = await model.save(); // anywhere: an ArrayBuffer
   * const copy = await loadModel('model.sdpm');
   * (copy.predict(tensor([[1, 2]])) as Tensor).toArray(); // [[3]]
   * await model.save('file://tfjs-model');          // TF.js: tfjs-model/model.json and weights.bin
   * const onnx = await model.save(undefined, { format: 'onnx' });
   * ((await loadModel(onnx)).predict(tensor([[1, 2]])) as Tensor).toArray(); // [[3]]
   */
  save(target: IOHandler | `file://${string}` | `${string}.json` | `${string}/`, options?: SaveOptions): Promise<SaveResult>;
  save(target: string, options: SaveOptions & { format: 'tfjs' }): Promise<SaveResult>;
  save(target?: string, options?: SaveOptions): Promise<ArrayBuffer>;
  save(target?: string | IOHandler, options: SaveOptions = {}): Promise<ArrayBuffer | SaveResult> {
    if (this.disposed) return Promise.reject(new DisposedError('save: the model was disposed'));
    try {
      checkOptionKeys('save', options, ['format']);
      const format = options.format;
      if (format !== undefined && !MODEL_FORMATS.includes(format)) throw new RangeError(`save: format must be one of ${MODEL_FORMATS.join(', ')}, got ${showValue(format)}`);
      if (typeof target !== 'string' && target !== undefined && (typeof target !== 'object' || target === null)) {
        throw new TypeError(`save: the target must be a path, a 'file://' URL or an IOHandler, got ${showValue(target)}`);
      }
      const own = format === 'simdeep' || (format === undefined && (target === undefined || (typeof target === 'string' && formatOfPath(target) === 'simdeep')));
      if (!own) {
        this.fileBytes('save', true); // the model's own checks first, with its errors
        return import('../io/formats').then((formats) => formats.saveModel(this, target, format));
      }
      const bytes = this.fileBytes('save');
      return target === undefined ? Promise.resolve(bytes) : saveToFile(bytes, target as string);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The model file's bytes; a RangeError for a model without layers. */
  private fileBytes(op: string, checkOnly: true): undefined;
  private fileBytes(op: string): ArrayBuffer;
  private fileBytes(op: string, checkOnly = false): ArrayBuffer | undefined {
    if (!this.graphOrNull) throw new RangeError(`${op}: the model has no layers; add layers before saving it`);
    this.checkUsable(op, true);
    const custom = this.graphOrNull.layers.find((layer) => layer.isCustom && registeredClass(layer.className) === undefined);
    if (custom) {
      throw new RangeError(`${op}: layer ${custom.label} is a custom layer of class ${custom.className}, which is not registered; call ` +
        `serialization.registerClass(${custom.className}) so that the file can name its class and loadModel rebuild it`);
    }
    if (checkOnly) return undefined;
    return serialize(modelToJSON(this.graphOrNull, this.compileJSON(), this.metadata, this.isSequential), this.weights);
  }

  /**
   * The model file (as `save()` gives it) in a Blob of type application/octet-stream, for a download link or
   * IndexedDB in browsers; `loadModel(blob)` reads it back. Throws a DisposedError once the model is disposed, a
   * RangeError for a model without layers or with a custom layer whose class is not registered.
   * @example
   * const model = sequential([dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })]);
   * const blob = model.toBlob();
   * const url = URL.createObjectURL(blob); // e.g. the href of a download link
   * ((await loadModel(blob)).predict(tensor([[1, 2]])) as Tensor).toArray(); // [[3]]
   */
  toBlob(): Blob {
    if (this.disposed) throw new DisposedError('toBlob: the model was disposed');
    return new Blob([this.fileBytes('toBlob')], { type: 'application/octet-stream' });
  }

  /**
   * Throws unless the model is not disposed, has layers (unless `emptyOk`) and every layer holds live weights of the
   * shapes its calls need (a weight disposed, or a layer rebuilt elsewhere, would be read at a stale address).
   */
  private checkUsable(op: string, emptyOk = false): void {
    if (this.disposed) throw new DisposedError(`${op}: the model was disposed`);
    const graph = this.graphOrNull;
    if (!graph) {
      if (emptyOk) return;
      throw new RangeError(`${op}: the model has no layers`);
    }
    // NOTE: plain loops: this runs on every call (predict of one row included), where closures cost.
    for (const [layer, shapes] of this.weightShapes) {
      const weights = layer.weights;
      if (layer.owner === null || weights.length !== shapes.length) throw new DisposedError(`${op}: layer ${layer.label} was disposed`);
      for (let i = 0; i < weights.length; i++) {
        if (weights[i].disposed) throw new DisposedError(`${op}: layer ${layer.label} was disposed`);
        if (!sameShape(weights[i].shape, shapes[i])) {
          throw new ShapeError(`${op}: layer ${layer.label} has weights of shape ${showShape(weights[i].shape)} but its inputs need ${showShape(shapes[i])}; ` +
            'was it added to another model?');
        }
      }
    }
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
    this.changed();
    this.disposed = true;
    for (const layer of this.layers) if (layer.owner === this) layer.dispose();
    this.compiled?.optimizer.dispose();
  }
}

/**
 * A model of the layer calls from `inputs` to `outputs` (also `new Model(options)`): see Model and ModelOptions.
 * Throws as the Model constructor does.
 * @example
 * const a = input({ shape: [3] }), b = input({ shape: [3] });
 * const shared = dense({ units: 2 }); // one layer called on both inputs: one set of weights
 * const net = model({ inputs: [a, b], outputs: layers.average().apply([shared.apply(a), shared.apply(b)]) });
 * net.getWeights().length; // 2
 * net.predict([ones([1, 3]), ones([1, 3])]).shape; // [1, 2]
 */
export function model(options: ModelOptions & { outputs: SymbolicTensor | readonly [SymbolicTensor] }): Model<Tensor>;
export function model(options: ModelOptions & { outputs: readonly [SymbolicTensor, SymbolicTensor, ...SymbolicTensor[]] }): Model<Tensor[]>;
export function model(options: ModelOptions): Model;
export function model(options: ModelOptions): Model {
  return new Model(options);
}

/** The seed option, checked. */
export function checkSeed(seed: unknown, op: string): number | undefined {
  return seed === undefined ? undefined : checkInteger(seed, op, 'seed', 0, Number.MAX_SAFE_INTEGER);
}

/** The rows per chunk `options.batchSize` asks for (default `fallback`), checked. */
function batchRows(options: BatchOptions, op: string, fallback: number): number {
  checkOptionKeys(op, options, ['batchSize']);
  return options.batchSize === undefined ? fallback : checkInteger(options.batchSize, op, 'batchSize', 1, 1 << 30);
}

/** Whether two shapes are equal. */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** The metrics of a compile section: names as given, others as { className, config }; a list, or lists by output. */
function metricsJSON(metrics: Compiled['metrics']): NonNullable<ModelJSON['compile']>['metrics'] {
  const json = (list: readonly Metric[]) => list.map((m) => m.toJSON());
  return Array.isArray(metrics) ? json(metrics) : Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, json(v)]));
}
