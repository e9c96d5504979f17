// Types of examples/mnist.mjs, for the tests that run it.
import type { Callbacks } from '../src/index';

export interface MnistOptions {
  /** Training digits (default 8,000), each also used shifted one pixel in 4 directions. */
  train?: number;
  /** Test digits, different from the training ones (default 2,000). */
  test?: number;
  /** Passes over the training images (default 8). */
  epochs?: number;
  /** Images per Adam step (default 64). */
  batchSize?: number;
  /** Seed of the digit order, the initial weights and the shuffling (default 1). */
  seed?: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
}

export interface MnistResult {
  epochs: number;
  /** Mean training loss and accuracy of each epoch. */
  loss: number[];
  accuracy: number[];
  /** Fraction of the test digits classified right after training. */
  testAccuracy: number;
  /** Training time. */
  seconds: number;
}

export interface DigitSet {
  /** samples × 784 pixels in [0, 1]. */
  pixels: Float32Array;
  /** The digit 0-9 of each sample. */
  labels: Float32Array;
}

export function loadDigits(train: number, test: number, seed?: number): { train: DigitSet; test: DigitSet };
export function withShiftedCopies(digits: DigitSet): DigitSet;
export function epochLines(log: (line: string) => void, start: number, before?: number): Callbacks;
export function main(options?: MnistOptions): Promise<MnistResult>;
