// Compile settings: the optimizer, loss and metrics of a model, checked against its layers.
import { checkOptionKeys } from '../tensor/options';
import { toOptimizer, type Optimizer, type OptimizerConfig } from '../optim/optimizers';
import type { Dense } from './dense';
import { toLoss, type Loss, type LossName } from './losses';
import { toMetrics, type MetricName } from './metrics';

/**
 * Options of `Sequential.compile`.
 * @example
 * const options: CompileOptions = { optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] };
 * const model = sequential([dense({ units: 1, inputShape: [2] })]);
 * model.compile(options);
 * model.metrics; // ['mae']
 */
export interface CompileOptions {
  /** An optimizer (`adam({...})`), its saved config, or its name with default settings (default 'adam'). */
  optimizer?: Optimizer | OptimizerConfig | 'sgd' | 'adam' | 'rmsprop' | 'adagrad';
  /** The loss to minimise; 'mse' and 'mae' are short for 'meanSquaredError' and 'meanAbsoluteError'. */
  loss: LossName | 'mse' | 'mae';
  /** Metrics reported per epoch besides the loss: 'accuracy' (or 'acc'), 'mae', 'mse'. */
  metrics?: readonly MetricName[];
}

/**
 * The loss, optimizer and metrics `options` give for layers with these activations, units and dropout rates, checked
 * as `compile` checks them (loadModel checks a file's compile section with it before allocating). Allocates nothing.
 * @internal
 */
export function compileSettings(layers: readonly Pick<Dense, 'activation' | 'units' | 'dropout'>[], options: CompileOptions, op: string):
  { loss: Loss; optimizer: Optimizer; metrics: MetricName[] } {
  const last = layers[layers.length - 1];
  if (!last) throw new RangeError(`${op}: the model has no layers`);
  layers.slice(0, -1).forEach((layer, i) => {
    if (layer.activation === 'softmax') throw new RangeError(`${op}: softmax is supported on the output layer only (layer ${i})`);
  });
  if (last.dropout > 0) throw new RangeError(`${op}: dropout after the output layer is not supported; put it between dense layers`);
  checkOptionKeys(op, options, ['optimizer', 'loss', 'metrics']);
  const loss = toLoss(options?.loss, last.activation, op);
  if (loss.name.endsWith('ategoricalCrossentropy') && last.units < 2) {
    throw new RangeError(`${op}: ${loss.name} needs an output layer of at least 2 units (one per class), got ${last.units}; use binaryCrossentropy with a sigmoid unit`);
  }
  return { loss, optimizer: toOptimizer(options.optimizer ?? 'adam', op), metrics: toMetrics(options.metrics ?? [], op) };
}
