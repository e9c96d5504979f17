// Types of examples/mnist-cnn.mjs, for the tests that run it.
import type { Sequential } from '../src/index';
import type { MnistOptions, MnistResult } from './mnist.mjs';

/**
 * The options of examples/mnist.mjs: `epochs` (default 3) are passes at learning rate 0.001, and one more at 0.0001
 * follows; `batchSize` defaults to 32.
 */
export type MnistCnnOptions = MnistOptions;

export interface MnistCnnResult extends MnistResult {
  /** Training images per second. */
  samplesPerSecond: number;
}

/** The network, not compiled: conv2d(16) → pool → conv2d(32) → pool → flatten → dense(64) → dense(10). */
export function cnn(seed?: number): Sequential;
export function main(options?: MnistCnnOptions): Promise<MnistCnnResult>;
