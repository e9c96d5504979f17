// Compile settings: the optimizer, the loss of each output (with its weight) and the metrics, checked against the
// model's outputs.
import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { toOptimizer, type Optimizer, type OptimizerConfig } from '../optim/optimizers';
import type { Graph } from './graph';
import { Activation } from './layers/activation';
import { ACTIVATION_CODES, type ActivationName } from './layers/dense';
import type { Layer } from './layers/layer';
import { toLoss, type Loss, type LossFunction, type LossName } from './losses';
import { logLayout, metricSpecs, type LogLayout, type MetricSpec } from './metric-specs';
import { toMetrics, type Metric, type MetricClass, type MetricConfig, type MetricName } from './metrics';

/**
 * A loss `compile` takes: a name ('mse' and 'mae' are short for 'meanSquaredError' and 'meanAbsoluteError'), or a
 * function (yTrue, yPred) => loss written in ops (see LossFunction).
 */
export type LossOption = LossName | 'mse' | 'mae' | LossFunction;

/**
 * Options of `compile`.
 * @example
 * const options: CompileOptions = { optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] };
 * const model = sequential([dense({ units: 1, inputShape: [2] })]);
 * model.compile(options);
 * model.metrics; // ['mae']
 */
export interface CompileOptions {
  /** An optimizer (`adam({...})`), its saved config, or its name with default settings (default 'adam'). */
  optimizer?: Optimizer | OptimizerConfig | 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
  /**
   * The loss to minimise: one for every output, or one per output (an array in output order, or an object by output
   * layer name). The model minimises the sum of the outputs' losses, each times its weight. A function
   * `(yTrue, yPred) => Tensor` written in ops is a custom loss (a non-scalar result is averaged); metrics then treat
   * the outputs as values (as for mse), and a saved model leaves the compile settings out (a file cannot hold a
   * function, as in TF.js: compile the loaded model again).
   */
  loss: LossOption | readonly LossOption[] | Readonly<Record<string, LossOption>>;
  /** The weight of each output's loss (default 1 each): an array in output order, or an object by output layer name. */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /**
   * Metrics reported besides the loss, for every output: names (see MetricName, such as 'accuracy', 'auc',
   * 'mean_squared_error') or metrics with options (`metrics.auc({ curve: 'PR' })`, see Metric), or the
   * `{ className, config }` a model file holds of one; or an object of such lists by output layer name (an output
   * it leaves out reports no metrics), as Keras takes them.
   */
  metrics?: MetricList | Readonly<Record<string, MetricList>>;
}

/**
 * A list of metrics for `compile`: names, metrics made with options, or their `{ className, config }`.
 * @example
 * const list: MetricList = ['accuracy', metrics.auc({ curve: 'PR' })];
 */
export type MetricList = readonly (MetricName | Metric | { className: MetricClass; config: MetricConfig })[];

/** What compile needs to know of an output: its layer's name and activation, its width, whether other layers use it. */
export interface OutputInfo {
  readonly name: string;
  readonly activation: ActivationName;
  readonly width: number;
  /** The rank of its samples (1 when not given: a file's compile section describes [null, width] outputs). */
  readonly rank?: number;
  readonly consumed: boolean;
}

/** The settings of one output. */
export interface OutputSettings {
  readonly name: string;
  readonly loss: Loss;
  readonly weight: number;
  /** Its metrics, resolved against it. */
  readonly metrics: readonly MetricSpec[];
}

/** Checked compile settings. */
export interface Compiled {
  readonly outputs: readonly OutputSettings[];
  readonly optimizer: Optimizer;
  /** The metrics as compile took them: one list for every output, or lists by output name. */
  readonly metrics: readonly Metric[] | Readonly<Record<string, readonly Metric[]>>;
  /** Where the losses and metrics land in a block of logs. */
  readonly logs: LogLayout;
}

/**
 * The settings `options` give for a model with these outputs and `softmaxHidden` (names of softmax layers that feed
 * other layers), checked as `compile` checks them (loadModel checks a file's compile section with it before
 * allocating). Allocates nothing.
 */
export function compileSettings(outputs: readonly OutputInfo[], softmaxHidden: readonly string[], options: CompileOptions, op: string): Compiled {
  if (outputs.length === 0) throw new RangeError(`${op}: the model has no layers`);
  if (softmaxHidden.length > 0) {
    throw new RangeError(`${op}: softmax is supported on output layers only, and ${softmaxHidden[0]} feeds other layers; use it as an output, or another activation`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object such as { loss: 'meanSquaredError' }, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['optimizer', 'loss', 'lossWeights', 'metrics']);
  const names = perOutput(options.loss, outputs, op, 'loss');
  const weights = options.lossWeights === undefined ? outputs.map(() => 1) : perOutput(options.lossWeights, outputs, op, 'lossWeights', true);
  const metrics = metricsOf(options.metrics ?? [], outputs, op);
  const listOf = (name: string): readonly Metric[] => (Array.isArray(metrics) ? metrics : (metrics as Record<string, readonly Metric[]>)[name] ?? []);
  const settings = outputs.map((out, i): OutputSettings => {
    const arg = outputs.length > 1 ? `loss of output ${out.name}` : 'loss';
    const loss = toLoss(names[i], out.activation, op, out.consumed, arg);
    if (loss.name.endsWith('ategoricalCrossentropy') && (out.rank ?? 1) !== 1) {
      throw new RangeError(`${op}: ${loss.name} needs an output of shape [null, classes], got an output of rank ${out.rank! + 1} (${out.name}); flatten it first`);
    }
    if (loss.name.endsWith('ategoricalCrossentropy') && out.width < 2) {
      throw new RangeError(`${op}: ${loss.name} needs an output layer of at least 2 units (one per class), got ${out.width} (${out.name}); ` +
        'use binaryCrossentropy with a sigmoid unit');
    }
    const weight = weights[i];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`${op}: lossWeights for output ${out.name} must be a finite number >= 0, got ${showValue(weight)}`);
    }
    return { name: out.name, loss, weight, metrics: metricSpecs(listOf(out.name), out, loss, op) };
  });
  const logs = logLayout(settings.map((o) => o.name), settings.map((o) => o.metrics));
  return { outputs: settings, optimizer: toOptimizer(options.optimizer ?? 'adam', op), metrics, logs };
}

/** The metrics option: one list for every output, or lists by output name (checked against the outputs). */
function metricsOf(value: unknown, outputs: readonly OutputInfo[], op: string): readonly Metric[] | Record<string, readonly Metric[]> {
  if (Array.isArray(value) || typeof value !== 'object' || value === null) return toMetrics(value, op);
  const names = outputs.map((o) => o.name), byOutput: Record<string, readonly Metric[]> = Object.create(null) as Record<string, readonly Metric[]>;
  for (const [key, list] of Object.entries(value)) {
    if (!names.includes(key)) throw new RangeError(`${op}: metrics names ${JSON.stringify(key)}, which is not an output (outputs: ${names.join(', ')})`);
    byOutput[key] = toMetrics(list, `${op}: metrics.${key}`);
  }
  return byOutput;
}

/**
 * One value per output from `value`: the value itself (not for weights), an array in output order, or an object by
 * output name. Errors name the option and the outputs.
 */
function perOutput<T>(value: T | readonly T[] | Readonly<Record<string, T>>, outputs: readonly OutputInfo[], op: string, arg: string, listOnly = false): T[] {
  const names = outputs.map((o) => o.name);
  if (Array.isArray(value)) {
    if (value.length !== outputs.length) {
      const what = outputs.length === 1 ? 'the model has one output' : `the model has ${outputs.length} outputs (${names.join(', ')})`;
      throw new RangeError(`${op}: ${arg} lists ${value.length} values but ${what}`);
    }
    return [...value];
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Readonly<Record<string, T>>;
    const unknown = Object.keys(record).find((key) => !names.includes(key));
    if (unknown !== undefined) throw new RangeError(`${op}: ${arg} names ${JSON.stringify(unknown)}, which is not an output (outputs: ${names.join(', ')})`);
    const missing = names.find((name) => !Object.hasOwn(record, name));
    if (missing !== undefined && !listOnly) throw new RangeError(`${op}: ${arg} gives nothing for the output ${missing}`);
    return names.map((name) => (Object.hasOwn(record, name) ? record[name] : (1 as T)));
  }
  if (listOnly) throw new TypeError(`${op}: ${arg} must be an array or an object by output name, got ${showValue(value)}`);
  return outputs.map(() => value as T);
}

/** The activation of a layer as a loss sees it: the `activation` of a layer that has one (dense, activation, conv), else linear. */
function activationOf(layer: Layer): ActivationName {
  const act = (layer as { activation?: unknown }).activation;
  return typeof act === 'string' && Object.hasOwn(ACTIVATION_CODES, act) ? (act as ActivationName) : 'linear';
}

/** What compileSettings needs of a graph: its outputs, and the softmax layers that feed other layers. */
export function outputsOf(graph: Graph): { outputs: OutputInfo[]; softmaxHidden: string[] } {
  return {
    outputs: graph.outputs.map((i) => ({ name: graph.nodes[i].layer.label, activation: activationOf(graph.nodes[i].layer),
      width: graph.nodes[i].width, rank: graph.nodes[i].dims.length, consumed: graph.nodes[i].consumers.length > 0 })),
    // Only an activation layer's backward has a softmax (a dense or conv layer's has not).
    softmaxHidden: graph.nodes.filter((n) => n.consumers.length > 0 && !(n.layer instanceof Activation) && activationOf(n.layer) === 'softmax')
      .map((n) => n.layer.label),
  };
}
