// Types of examples/earthquake.mjs, for the tests that run it.
import type { MinMaxScaler, Tensor } from '../src/index';
export interface EarthquakeOptions {
  /** Random-search trials (default 16). */
  trials?: number;
  /** Seed of the test split, the search and the initial weights (default 7). */
  seed?: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
}

/** Test mean absolute error (magnitude units) and coefficient of determination. */
export interface Scores { mae: number; r2: number }

export interface EarthquakeResult {
  /** The searched network, least-squares linear regression, and the training mean, on the test events. */
  network: Scores;
  linear: Scores;
  mean: Scores;
  /** The hyperparameters of the best trial. */
  best: { layers: number; units: number; activation: 'relu' | 'tanh'; learningRate: number; batchSize: number; epochs: number };
  /** Trials the search ran. */
  trials: number;
}

export const FEATURES: string[];
export function earthquakesPath(): string;
export function linearRegression(x: number[][], y: number[]): (row: number[]) => number;
export function scores(predicted: number[], truth: number[]): Scores;
export function main(options?: EarthquakeOptions): Promise<EarthquakeResult>;

/** The prepared events: fit, validation and test tensors, the target scaler; dispose `tensors` when done. */
export interface PreparedEarthquakes {
  data: { xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor };
  xAll: Tensor;
  xTest: Tensor;
  yTrainRaw: Tensor;
  yTestRaw: Tensor;
  yScaler: MinMaxScaler;
  tensors: Tensor[];
}
export function prepareEarthquakes(options?: { seed?: number; log?: (line: string) => void }): PreparedEarthquakes;
