// Messages between the page (main.ts) and the training worker (worker.ts), and the settings a run is made of.
export type DatasetName = 'xor' | 'circles' | 'spiral' | 'gaussians' | 'classic' | 'csv';
export type HiddenActivation = 'sigmoid' | 'relu' | 'tanh';
export type OutputActivation = 'sigmoid' | 'softmax';
export type LossChoice = 'binaryCrossentropy' | 'categoricalCrossentropy' | 'meanSquaredError';
export type OptimizerChoice = 'sgd' | 'adam' | 'rmsprop' | 'adagrad';

/** Everything a run depends on: the same settings give the same data, initial weights, batches and numbers. */
export interface Settings {
  dataset: DatasetName;
  /** Points of a 2-D toy set. */
  samples: number;
  /** Noise of a 2-D toy set, in [0, 0.5]. */
  noise: number;
  /** Share of the rows trained on; the rest are the test (validation) rows. */
  trainRatio: number;
  /** The dropped CSV file's text and its target column (dataset 'csv'). */
  csv?: { text: string; target: string };
  hidden: { units: number; activation: HiddenActivation }[];
  output: OutputActivation;
  loss: LossChoice;
  optimizer: OptimizerChoice;
  learningRate: number;
  batchSize: number;
  seed: number;
  /** Pause once this many steps have run (0: never). */
  stopAt: number;
}

/** The data of a run as the page draws it: features by row, and each row's class (or target in [0, 1]). */
export interface DataView {
  features: string[];
  /** Class names; one name means a regression target scaled to [0, 1]. */
  classes: string[];
  xTrain: number[][];
  yTrain: number[];
  xTest: number[][];
  yTest: number[];
  /** For 2-D data: the square [-extent, extent]² the heatmap covers. */
  extent: number;
  /** What the page should say about the data (scaling, rows left out). */
  note: string;
}

/** One layer of the forward pass of one sample: X[1×in]·W[in×out] + b[out] = Z[1×out], A = activation(Z). */
export interface ForwardLayer {
  activation: string;
  input: number[];
  kernel: number[][];
  bias: number[];
  sums: number[];
  outputs: number[];
}

export interface Snapshot {
  step: number;
  epoch: number;
  running: boolean;
  /** Each layer's kernel [in][out] and bias [out], from getWeights. */
  weights: { kernel: number[][]; bias: number[] }[];
  /** Loss on the training and test rows, recorded at steps `steps`. */
  history: { steps: number[]; loss: number[]; valLoss: number[] };
  trainAccuracy: number;
  testAccuracy: number;
  /** Model outputs over a grid × grid lattice of the 2-D input square, row by row from the top, `outputs` per point. */
  heatmap: { grid: number; outputs: number; values: Float32Array } | null;
  forward: { split: 'train' | 'test'; index: number; layers: ForwardLayer[] } | null;
}

export type ToWorker =
  | { type: 'reset'; settings: Settings }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'forward'; split: 'train' | 'test'; index: number };

export type FromWorker =
  | { type: 'ready'; threads: string; isolated: boolean }
  | { type: 'data'; data: DataView; layers: { units: number; activation: string }[] }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'error'; message: string };
