// Types of examples/earthquake-quantiles.mjs, for the tests that run it.
import type { Tensor } from '../src/index';

/** How often the truth falls inside [q10, q90], the interval's mean width, the median's MAE, and out-of-order rows. */
export interface IntervalScores { coverage: number; width: number; mae: number; crossed: number }

export interface QuantileOptions {
  /** Most epochs of training (early stopping may end it sooner; default 300). */
  epochs?: number;
  /** Seed of the split and the initial weights (default 7). */
  seed?: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
}

export interface QuantileResult {
  /** The network's 10–90 % interval and median on the test events. */
  network: IntervalScores;
  /** The same, both ends widened by the conformal margin from the validation events. */
  calibrated: IntervalScores;
  /** The training magnitudes' own percentiles, the same for every event. */
  constant: IntervalScores;
  /** Epochs trained. */
  epochs: number;
}

export const QUANTILES: number[];
export function pinballLoss(quantiles: number[]): (yTrue: Tensor, yPred: Tensor) => Tensor;
export function intervalScores(low: number[], mid: number[], high: number[], truth: number[]): IntervalScores;
export function main(options?: QuantileOptions): Promise<QuantileResult>;
