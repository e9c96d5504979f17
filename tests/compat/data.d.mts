// Types of tests/compat/data.mjs.
/** Digits as the MNIST programs take them: pixels in [0, 1], 784 per digit, and class indices. */
export interface Digits {
  trainImages: Float32Array;
  trainLabels: number[];
  testImages: Float32Array;
  testLabels: number[];
}
export function cars(): unknown[];
export function penguins(): unknown[];
export function mnistDigits(train: number, test: number, seed?: number): Digits;
export function seededRandom(seed: number): () => number;
