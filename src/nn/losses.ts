import { kernels } from '../runtime/wasm';
import { showValue } from '../tensor/errors';
import { ACTIVATION_CODES, LEAKY_ALPHA, type ActivationName } from './dense';

/** Losses `compile` takes. */
export type LossName = 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';
const ALIASES: Record<string, LossName> = {
  meanSquaredError: 'meanSquaredError', mse: 'meanSquaredError', meanAbsoluteError: 'meanAbsoluteError', mae: 'meanAbsoluteError',
  binaryCrossentropy: 'binaryCrossentropy', categoricalCrossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
};

/** Keras' probability clip for cross-entropy on probabilities. */
const EPSILON = 1e-7;

/** The loss of a compiled model: whether it works on the output layer's weighted sums (fused) or its outputs. */
export interface Loss {
  readonly name: LossName;
  /** True when the loss takes the last layer's weighted sums (softmax or sigmoid folded in, numerically stable). */
  readonly fused: boolean;
  readonly sparse: boolean;
  /**
   * Mean loss of `rows` samples; with grad ≠ 0 also writes dLoss/dZ of the last layer (its weighted sums) there.
   * `out` holds the weighted sums when fused, else the activations.
   */
  compute(out: number, target: number, grad: number, rows: number, cols: number): number;
}

/** Resolves a loss name against the output layer's activation. */
export function toLoss(value: unknown, activation: ActivationName, op: string): Loss {
  const name = typeof value === 'string' && Object.hasOwn(ALIASES, value) ? ALIASES[value] : undefined;
  if (!name) throw new RangeError(`${op}: loss must be one of ${Object.keys(ALIASES).join(', ')}, got ${showValue(value)}`);
  const k = kernels();
  if (name === 'categoricalCrossentropy' || name === 'sparseCategoricalCrossentropy') {
    if (activation !== 'softmax') throw new RangeError(`${op}: ${name} needs a softmax output layer, got '${activation}'`);
    const sparse = name === 'sparseCategoricalCrossentropy';
    return { name, fused: true, sparse, compute: (out, t, g, rows, cols) => k.softmaxCrossEntropy(out, t, g, rows, cols, sparse ? 1 : 0) };
  }
  if (activation === 'softmax') throw new RangeError(`${op}: a softmax output layer needs categoricalCrossentropy or sparseCategoricalCrossentropy, got ${name}`);
  if (name === 'binaryCrossentropy' && activation === 'sigmoid') {
    return { name, fused: true, sparse: false, compute: (out, t, g, rows, cols) => k.sigmoidCrossEntropy(out, t, g, rows * cols) };
  }
  const code = ACTIVATION_CODES[activation];
  const mean = name === 'meanSquaredError' ? k.meanSquaredError.bind(k) : name === 'meanAbsoluteError' ? k.meanAbsoluteError.bind(k)
    : (p: number, t: number, g: number, n: number) => k.binaryCrossentropy(p, t, g, n, EPSILON);
  return {
    name, fused: false, sparse: false,
    compute: (out, t, g, rows, cols) => {
      const loss = mean(out, t, g, rows * cols);
      if (g !== 0 && code >= 0) k.activationBackward(code, out, g, g, rows * cols, LEAKY_ALPHA);
      return loss;
    },
  };
}
