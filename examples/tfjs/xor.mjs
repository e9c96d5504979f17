// XOR, the classic first network of TensorFlow.js tutorials: two inputs, a tanh hidden layer, a sigmoid output.
// With simdeep, change the import line to `import * as tf from 'simdeep';` and nothing else.
import * as tf from '@tensorflow/tfjs';

/**
 * Trains the XOR network for `epochs` and returns its loss and accuracy on the four cases. With `saveUrl` (such as
 * 'file:///tmp/xor' in Node or 'localstorage://xor' in a page), it also saves the model there, loads it back with
 * tf.loadLayersModel and returns the reloaded model's outputs (`reloadedOutputs`).
 */
export async function run({epochs = 300, saveUrl} = {}) {
  const xs = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const ys = tf.tensor2d([[0], [1], [1], [0]]);

  const model = tf.sequential({
    layers: [
      tf.layers.dense({inputDim: 2, units: 8, activation: 'tanh'}),
      tf.layers.dense({units: 1, activation: 'sigmoid'}),
    ],
  });
  model.compile({optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy']});

  await model.fit(xs, ys, {epochs, batchSize: 4, verbose: 0});

  const [loss, accuracy] = model.evaluate(xs, ys);
  const prediction = model.predict(xs);
  prediction.print();
  const result = {loss: loss.dataSync()[0], accuracy: accuracy.dataSync()[0], outputs: prediction.arraySync()};
  console.log(`xor: loss ${result.loss.toFixed(4)}, accuracy ${result.accuracy}`);
  if (saveUrl) {
    await model.save(saveUrl);
    const loaded = await tf.loadLayersModel(saveUrl.startsWith('file://') ? `${saveUrl}/model.json` : saveUrl);
    const reloaded = loaded.predict(xs);
    result.reloadedOutputs = reloaded.arraySync();
    tf.dispose([reloaded]);
    loaded.dispose();
  }
  tf.dispose([xs, ys, loss, accuracy, prediction]);
  model.dispose();
  return result;
}
