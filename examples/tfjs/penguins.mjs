// The classifier of tfjs-examples/iris (data.js's getIrisData: a stratified shuffled split through tf.util.shuffle,
// tf.tensor2d, tf.oneHot and tf.concat; index.js's model: dense 10 sigmoid, dense softmax, adam, categoricalCrossentropy,
// fit with validationData and an onEpochEnd callback), on the Palmer penguins (vega-datasets' penguins.json: beak
// length and depth, flipper length and body mass → species) instead of the iris table. The features are standardized
// with tf.moments (body masses are in grams), and the labels made with tensor1d(..., 'int32') where the old example
// used the since-removed toInt(). run() takes the records so that the program runs offline.
// With simdeep, change the import line to `import * as tf from 'simdeep';` and nothing else.
import * as tf from '@tensorflow/tfjs';

const CLASSES = ['Adelie', 'Chinstrap', 'Gentoo'];
const NUM_CLASSES = CLASSES.length;
const FEATURES = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

function convertToTensors(data, targets, testSplit) {
  const numExamples = data.length;
  if (numExamples !== targets.length) {
    throw new Error('data and split have different numbers of examples');
  }

  // Randomly shuffle `data` and `targets`.
  const indices = [];
  for (let i = 0; i < numExamples; ++i) {
    indices.push(i);
  }
  tf.util.shuffle(indices);

  const shuffledData = [];
  const shuffledTargets = [];
  for (let i = 0; i < numExamples; ++i) {
    shuffledData.push(data[indices[i]]);
    shuffledTargets.push(targets[indices[i]]);
  }

  // Split the data into a training set and a tet set, based on `testSplit`.
  const numTestExamples = Math.round(numExamples * testSplit);
  const numTrainExamples = numExamples - numTestExamples;

  const xDims = shuffledData[0].length;

  // Create a 2D `tf.Tensor` to hold the feature data.
  const xs = tf.tensor2d(shuffledData, [numExamples, xDims]);

  // Create a 1D `tf.Tensor` to hold the labels, and convert the number label
  // from the set {0, 1, 2} into one-hot encoding (.e.g., 0 --> [1, 0, 0]).
  const ys = tf.oneHot(tf.tensor1d(shuffledTargets, 'int32'), NUM_CLASSES);

  // Split the data into training and test sets, using `slice`.
  const xTrain = xs.slice([0, 0], [numTrainExamples, xDims]);
  const xTest = xs.slice([numTrainExamples, 0], [numTestExamples, xDims]);
  const yTrain = ys.slice([0, 0], [numTrainExamples, NUM_CLASSES]);
  const yTest = ys.slice([numTrainExamples, 0], [numTestExamples, NUM_CLASSES]);
  return [xTrain, yTrain, xTest, yTest];
}

function getPenguinData(records, testSplit) {
  return tf.tidy(() => {
    const dataByClass = [];
    const targetsByClass = [];
    for (let i = 0; i < CLASSES.length; ++i) {
      dataByClass.push([]);
      targetsByClass.push([]);
    }
    for (const record of records) {
      const features = FEATURES.map(name => record[name]);
      if (features.some(value => value == null)) continue;
      const target = CLASSES.indexOf(record.Species);
      dataByClass[target].push(features);
      targetsByClass[target].push(target);
    }

    const xTrains = [];
    const yTrains = [];
    const xTests = [];
    const yTests = [];
    for (let i = 0; i < CLASSES.length; ++i) {
      const [xTrain, yTrain, xTest, yTest] =
          convertToTensors(dataByClass[i], targetsByClass[i], testSplit);
      xTrains.push(xTrain);
      yTrains.push(yTrain);
      xTests.push(xTest);
      yTests.push(yTest);
    }

    const concatAxis = 0;
    const xTrain = tf.concat(xTrains, concatAxis);
    const xTest = tf.concat(xTests, concatAxis);
    // Standardize with the training set's mean and variance.
    const {mean, variance} = tf.moments(xTrain, 0);
    const std = variance.sqrt();
    return [
      xTrain.sub(mean).div(std), tf.concat(yTrains, concatAxis),
      xTest.sub(mean).div(std), tf.concat(yTests, concatAxis)
    ];
  });
}

async function trainModel(xTrain, yTrain, xTest, yTest, params) {
  // Define the topology of the model: two dense layers.
  const model = tf.sequential();
  model.add(tf.layers.dense(
      {units: 10, activation: 'sigmoid', inputShape: [xTrain.shape[1]]}));
  model.add(tf.layers.dense({units: 3, activation: 'softmax'}));
  model.summary();

  const optimizer = tf.train.adam(params.learningRate);
  model.compile({
    optimizer: optimizer,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });

  const trainLogs = [];
  // Call `model.fit` to train the model.
  await model.fit(xTrain, yTrain, {
    epochs: params.epochs,
    validationData: [xTest, yTest],
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        trainLogs.push(logs);
      },
    }
  });
  return {model, trainLogs};
}

/** Trains on `records` (penguins.json) and returns the test loss and accuracy. */
export async function run(records, {epochs = 40, learningRate = 0.01} = {}) {
  const [xTrain, yTrain, xTest, yTest] = getPenguinData(records, 0.15);
  const {model, trainLogs} = await trainModel(xTrain, yTrain, xTest, yTest, {epochs, learningRate});
  const [loss, accuracy] = model.evaluate(xTest, yTest);
  const result = {loss: loss.dataSync()[0], accuracy: accuracy.dataSync()[0], epochs: trainLogs.length};
  console.log(`penguins: test loss ${result.loss.toFixed(4)}, accuracy ${result.accuracy.toFixed(3)}`);
  tf.dispose([xTrain, yTrain, xTest, yTest, loss, accuracy]);
  model.dispose();
  return result;
}
