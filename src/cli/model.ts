// The model the command line trains: dense hidden layers, then a linear output for regression or softmax over the
// classes, fitted with Adam and early stopping on the validation rows.
import { dense } from '../nn/layers/dense';
import { earlyStopping } from '../nn/callbacks/index';
import type { Callbacks, History } from '../nn/fit';
import * as initializers from '../nn/initializers';
import { sequential, type Sequential } from '../nn/sequential';
import type { CompileOptions } from '../nn/compile';
import { adam } from '../optim/optimizers';
import type { Tensor } from '../tensor/tensor';

/** Settings of one model: what --hidden, --activation, --lr, --batch-size and --epochs set, or a search trial. */
export interface ModelSettings {
  hidden: number[];
  activation: 'relu' | 'tanh' | 'sigmoid' | 'leakyRelu';
  learningRate: number;
  batchSize: number;
  epochs: number;
}

export interface Split { xTrain: Tensor; yTrain: Tensor; xVal: Tensor; yVal: Tensor }

/** What a training run adds to its settings: more metrics, class weights, callbacks, and the model's metadata. */
export interface TrainExtras {
  /** Metrics logged beside accuracy (classification) or mae (regression), by Keras's names (--metrics). */
  metrics?: readonly string[];
  /** Each class index's weight in the loss (--class-weight). */
  classWeight?: Record<number, number>;
  callbacks?: Callbacks[];
  /** Set on the model before training, so that checkpoints carry it. */
  metadata?: Record<string, unknown>;
}

type MetricNames = NonNullable<CompileOptions['metrics']>;

/** Builds and trains a model; resolves to it and its history. */
export async function trainModel(settings: ModelSettings, data: Split, classes: number, seed: number, extras: TrainExtras = {}): Promise<{ model: Sequential; history: History }> {
  const inputs = data.xTrain.shape[1];
  const layers = settings.hidden.map((units, i) => dense({
    units, activation: settings.activation, ...(i === 0 ? { inputShape: [inputs] } : {}),
    kernelInitializer: initializers.glorotUniform({ seed: seed + i }),
  }));
  const output = dense({
    units: classes > 0 ? classes : 1, activation: classes > 0 ? 'softmax' : 'linear', ...(layers.length ? {} : { inputShape: [inputs] }),
    kernelInitializer: initializers.glorotUniform({ seed: seed + 99 }),
  });
  const model = sequential([...layers, output]);
  model.metadata = extras.metadata;
  try {
    const metrics = [...new Set([classes > 0 ? 'accuracy' : 'mae', ...(extras.metrics ?? [])])] as MetricNames;
    model.compile({ optimizer: adam({ learningRate: settings.learningRate }), loss: classes > 0 ? 'sparseCategoricalCrossentropy' : 'meanSquaredError', metrics });
    const history = await model.fit(data.xTrain, data.yTrain, {
      epochs: settings.epochs, batchSize: settings.batchSize, seed, validationData: [data.xVal, data.yVal],
      ...(extras.classWeight ? { classWeight: extras.classWeight } : {}),
      callbacks: [earlyStopping({ monitor: 'val_loss', patience: 15, restoreBestWeights: true }), ...(extras.callbacks ?? [])],
    });
    return { model, history };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
