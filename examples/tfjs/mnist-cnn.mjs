// The convolutional network of TensorFlow.js's tutorial "Handwritten digit recognition with CNNs" (two conv2d +
// maxPooling2d blocks, flatten, dense softmax; adam, categoricalCrossentropy, batch size 512, validationData,
// shuffle), written as the tutorial writes it; the accuracy is computed from predict().argMax(-1) against the labels,
// as its doPrediction does. Only the data source differs: run() takes digits as arrays (the tutorial fetches a
// sprite), and the sizes are smaller so that it runs in seconds. The tfjs-vis charts are left out.
// With simdeep, change the import line to `import * as tf from 'simdeep';` and nothing else.
import * as tf from '@tensorflow/tfjs';

function getModel() {
  const model = tf.sequential();

  const IMAGE_WIDTH = 28;
  const IMAGE_HEIGHT = 28;
  const IMAGE_CHANNELS = 1;

  // In the first layer of our convolutional neural network we have
  // to specify the input shape. Then we specify some parameters for
  // the convolution operation that takes place in this layer.
  model.add(tf.layers.conv2d({
    inputShape: [IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_CHANNELS],
    kernelSize: 5,
    filters: 8,
    strides: 1,
    activation: 'relu',
    kernelInitializer: 'varianceScaling'
  }));

  // The MaxPooling layer acts as a sort of downsampling using max values
  // in a region instead of averaging.
  model.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: [2, 2]}));

  // Repeat another conv2d + maxPooling stack.
  // Note that we have more filters in the convolution.
  model.add(tf.layers.conv2d({
    kernelSize: 5,
    filters: 16,
    strides: 1,
    activation: 'relu',
    kernelInitializer: 'varianceScaling'
  }));
  model.add(tf.layers.maxPooling2d({poolSize: [2, 2], strides: [2, 2]}));

  // Now we flatten the output from the 2D filters into a 1D vector to prepare
  // it for input into our last layer. This is common practice when feeding
  // higher dimensional data to a final classification output layer.
  model.add(tf.layers.flatten());

  // Our last layer is a dense layer which has 10 output units, one for each
  // output class (i.e. 0, 1, 2, 3, 4, 5, 6, 7, 8, 9).
  const NUM_OUTPUT_CLASSES = 10;
  model.add(tf.layers.dense({
    units: NUM_OUTPUT_CLASSES,
    kernelInitializer: 'varianceScaling',
    activation: 'softmax'
  }));

  // Choose an optimizer, loss function and accuracy metric,
  // then compile and return the model
  const optimizer = tf.train.adam();
  model.compile({
    optimizer: optimizer,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });

  return model;
}

/** The tutorial's MnistData.nextTrainBatch / nextTestBatch, over arrays: 784-pixel rows and one-hot labels. */
function nextBatch(images, labels, size) {
  const ys = new Float32Array(size * 10);
  for (let i = 0; i < size; i++) ys[i * 10 + labels[i]] = 1;
  return {xs: tf.tensor2d(images.subarray(0, size * 784), [size, 784]), labels: tf.tensor2d(ys, [size, 10])};
}

async function train(model, data, {trainDataSize, testDataSize, epochs}) {
  const BATCH_SIZE = 512;
  const TRAIN_DATA_SIZE = trainDataSize;
  const TEST_DATA_SIZE = testDataSize;

  const [trainXs, trainYs] = tf.tidy(() => {
    const d = nextBatch(data.trainImages, data.trainLabels, TRAIN_DATA_SIZE);
    return [
      d.xs.reshape([TRAIN_DATA_SIZE, 28, 28, 1]),
      d.labels
    ];
  });

  const [testXs, testYs] = tf.tidy(() => {
    const d = nextBatch(data.testImages, data.testLabels, TEST_DATA_SIZE);
    return [
      d.xs.reshape([TEST_DATA_SIZE, 28, 28, 1]),
      d.labels
    ];
  });

  const history = await model.fit(trainXs, trainYs, {
    batchSize: BATCH_SIZE,
    validationData: [testXs, testYs],
    epochs,
    shuffle: true,
    callbacks: [{onEpochEnd: (epoch, logs) => console.log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}`)}],
  });
  tf.dispose([trainXs, trainYs]);
  return {history, testXs, testYs};
}

function doPrediction(model, testXs, testYs) {
  const labels = testYs.argMax(-1);
  const preds = tf.tidy(() => model.predict(testXs).argMax(-1));
  return [preds, labels];
}

/** digits: { trainImages, trainLabels, testImages, testLabels } (pixels in [0, 1], 784 per digit; class indices). */
export async function run(digits, {trainDataSize = 1500, testDataSize = 500, epochs = 6} = {}) {
  const model = getModel();
  model.summary();
  const {testXs, testYs} = await train(model, digits, {trainDataSize, testDataSize, epochs});
  const [preds, labels] = doPrediction(model, testXs, testYs);
  const accuracy = tf.tidy(() => preds.equal(labels).mean().dataSync()[0]);
  console.log(`mnist-cnn: test accuracy ${(accuracy * 100).toFixed(1)}%`);
  tf.dispose([preds, labels, testXs, testYs]);
  model.dispose();
  return {accuracy};
}
