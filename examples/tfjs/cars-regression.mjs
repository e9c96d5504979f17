// TensorFlow.js's tutorial "Making predictions from 2D data": a linear regression of miles per gallon on horsepower,
// written as the tutorial writes it. Only the data source differs: the tutorial fetches carsData.json; run() takes
// the same records (vega-datasets' cars.json) so that the program runs offline. The tfjs-vis charts are left out.
// With simdeep, change the import line to `import * as tf from 'simdeep';` and nothing else.
import * as tf from '@tensorflow/tfjs';

function getData(carsData) {
  const cleaned = carsData.map(car => ({
    mpg: car.Miles_per_Gallon,
    horsepower: car.Horsepower,
  }))
  .filter(car => (car.mpg != null && car.horsepower != null));
  return cleaned;
}

function createModel() {
  // Create a sequential model
  const model = tf.sequential();
  // Add a single input layer
  model.add(tf.layers.dense({inputShape: [1], units: 1, useBias: true}));
  // Add an output layer
  model.add(tf.layers.dense({units: 1, useBias: true}));
  return model;
}

/**
 * Convert the input data to tensors that we can use for machine
 * learning. We will also do the important best practices of _shuffling_
 * the data and _normalizing_ the data
 * MPG on the y-axis.
 */
function convertToTensor(data) {
  // Wrapping these calculations in a tidy will dispose any
  // intermediate tensors.
  return tf.tidy(() => {
    // Step 1. Shuffle the data
    tf.util.shuffle(data);

    // Step 2. Convert data to Tensor
    const inputs = data.map(d => d.horsepower)
    const labels = data.map(d => d.mpg);

    const inputTensor = tf.tensor2d(inputs, [inputs.length, 1]);
    const labelTensor = tf.tensor2d(labels, [labels.length, 1]);

    //Step 3. Normalize the data to the range 0 - 1 using min-max scaling
    const inputMax = inputTensor.max();
    const inputMin = inputTensor.min();
    const labelMax = labelTensor.max();
    const labelMin = labelTensor.min();

    const normalizedInputs = inputTensor.sub(inputMin).div(inputMax.sub(inputMin));
    const normalizedLabels = labelTensor.sub(labelMin).div(labelMax.sub(labelMin));

    return {
      inputs: normalizedInputs,
      labels: normalizedLabels,
      // Return the min/max bounds so we can use them later.
      inputMax,
      inputMin,
      labelMax,
      labelMin,
    }
  });
}

async function trainModel(model, inputs, labels, epochs, log) {
  // Prepare the model for training.
  model.compile({
    optimizer: tf.train.adam(),
    loss: tf.losses.meanSquaredError,
    metrics: ['mse'],
  });

  const batchSize = 32;

  return await model.fit(inputs, labels, {
    batchSize,
    epochs,
    shuffle: true,
    callbacks: {
      onEpochEnd: (epoch, logs) => log.push(logs.loss),
    },
  });
}

function testModel(model, inputData, normalizationData) {
  const {inputMax, inputMin, labelMin, labelMax} = normalizationData;

  // Generate predictions for a uniform range of numbers between 0 and 1;
  // We un-normalize the data by doing the inverse of the min-max scaling
  // that we did earlier.
  const [xs, preds] = tf.tidy(() => {
    const xsNorm = tf.linspace(0, 1, 100);
    const predictions = model.predict(xsNorm.reshape([100, 1]));

    const unNormXs = xsNorm
      .mul(inputMax.sub(inputMin))
      .add(inputMin);

    const unNormPreds = predictions
      .mul(labelMax.sub(labelMin))
      .add(labelMin);

    // Un-normalize the data
    return [unNormXs.dataSync(), unNormPreds.dataSync()];
  });

  return Array.from(xs).map((val, i) => ({x: val, y: preds[i]}));
}

/** Trains on `carsData` for `epochs` (the tutorial's 50) and returns the final training loss and the fitted line. */
export async function run(carsData, {epochs = 50} = {}) {
  const data = getData(carsData);
  const model = createModel();
  model.summary();
  const tensorData = convertToTensor(data);
  const {inputs, labels} = tensorData;
  const losses = [];
  await trainModel(model, inputs, labels, epochs, losses);
  const predicted = testModel(model, data, tensorData);
  const result = model.evaluate(inputs, labels);
  const mse = (await result[0].data())[0];
  console.log(`cars: final mse ${mse.toFixed(4)}`);
  tf.dispose([inputs, labels, tensorData.inputMax, tensorData.inputMin, tensorData.labelMax, tensorData.labelMin, result]);
  model.dispose();
  return {mse, losses, predicted};
}
