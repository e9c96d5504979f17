import {
  LOSS_BCE, LOSS_CUSTOM, LOSS_MAE, LOSS_MSE, LOSS_SIGMOID_CE, LOSS_SOFTMAX_CE, LOSS_SPARSE_SOFTMAX_CE,
} from '../../assembly/layout';
import { showValue } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import type { ActivationName } from './layers/dense';

/**
 * A loss written in ops, as Keras and TF.js take one: the targets and the outputs of a batch ([rows, ...output dims]
 * each) to the loss, a scalar or one value per sample ([rows] or [rows, ...]: averaged, as TF.js does). `fit`
 * differentiates it with respect to yPred; the built-in parts of the model stay in wasm.
 * @example
 * const meanSquared: LossFunction = (yTrue, yPred) => yPred.sub(yTrue).mul(yPred.sub(yTrue)).sum().div(yTrue.size);
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ loss: meanSquared });
 * model.evaluate(tensor([[1], [2]]), tensor([[0], [0]])).loss; // 2.5
 */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * Losses `compile` takes: 'meanSquaredError' and 'meanAbsoluteError' (averaged over the outputs); 'binaryCrossentropy'
 * (targets in [0, 1]; fused with a sigmoid output layer, numerically stable); 'categoricalCrossentropy' (one-hot
 * targets) and 'sparseCategoricalCrossentropy' (class indices), which need a softmax output layer and are fused
 * with it.
 * @example
 * const loss: LossName = 'sparseCategoricalCrossentropy';
 * const model = sequential([dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
 * model.compile({ loss });
 * model.evaluate(tensor([[0, 0]]), tensor([2])).loss; // ≈ 1.0986 (ln 3: all three outputs are 1/3)
 */
export type LossName = 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';
const ALIASES: Record<string, LossName> = {
  meanSquaredError: 'meanSquaredError', mse: 'meanSquaredError', meanAbsoluteError: 'meanAbsoluteError', mae: 'meanAbsoluteError',
  binaryCrossentropy: 'binaryCrossentropy', categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
};

/** Loss codes of assembly/train.ts (assembly/layout.ts). */
const CODES = {
  meanSquaredError: LOSS_MSE, meanAbsoluteError: LOSS_MAE, binaryCrossentropy: LOSS_BCE, sigmoidCrossentropy: LOSS_SIGMOID_CE,
  categoricalCrossentropy: LOSS_SOFTMAX_CE, sparseCategoricalCrossentropy: LOSS_SPARSE_SOFTMAX_CE,
};

/** The loss of a compiled model: whether it works on the output layer's weighted sums (fused) or its outputs. */
export interface Loss {
  /** The loss's name; 'custom' for a function. */
  readonly name: LossName | 'custom';
  /** A custom loss's function (LOSS_CUSTOM). */
  readonly fn?: LossFunction;
  /** The kernel's loss code. */
  readonly code: number;
  /** True when the loss takes the last layer's weighted sums (softmax or sigmoid folded in, numerically stable). */
  readonly fused: boolean;
  readonly sparse: boolean;
}

/**
 * Resolves a loss name against the output layer's activation; `consumed` (other layers use the output too) keeps
 * binaryCrossentropy on the probabilities rather than fused with the sigmoid, which would leave the weighted sums.
 */
export function toLoss(value: unknown, activation: ActivationName, op: string, consumed = false, arg = 'loss'): Loss {
  // A function differentiates through any activation, softmax included (train.ts customLoss).
  if (typeof value === 'function') return { name: 'custom', code: LOSS_CUSTOM, fused: false, sparse: false, fn: value as LossFunction };
  const name = typeof value === 'string' && Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined;
  if (!name) throw new RangeError(`${op}: ${arg} must be one of ${Object.keys(ALIASES).join(', ')} or a function (yTrue, yPred) => loss, got ${showValue(value)}`);
  const categorical = name === 'categoricalCrossentropy' || name === 'sparseCategoricalCrossentropy';
  if (categorical && activation !== 'softmax') throw new RangeError(`${op}: ${name} needs a softmax output layer, got '${activation}'`);
  if (!categorical && activation === 'softmax') {
    throw new RangeError(`${op}: a softmax output layer needs categoricalCrossentropy or sparseCategoricalCrossentropy, got ${name}`);
  }
  if (categorical && consumed) {
    throw new RangeError(`${op}: ${name} on an output that other layers also use is not supported (it works on the weighted sums); ` +
      'give those layers the output of a layer before the softmax');
  }
  const sigmoidFused = name === 'binaryCrossentropy' && activation === 'sigmoid' && !consumed;
  const code = sigmoidFused ? CODES.sigmoidCrossentropy : CODES[name];
  return {
    name, code, fused: categorical || sigmoidFused, sparse: name === 'sparseCategoricalCrossentropy',
  };
}
