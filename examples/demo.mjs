// The tensor tour (`npm run example:tensors`): tensors, broadcasting, matrix algebra and reductions, then forward
// propagation through the classic 3-4-1 sigmoid network, by hand and then trained as a model, all on wasm kernels.
import {
  tensor, randn, randomUniform, zeros, matmul, sigmoid, tidy, memory, seed, sequential, dense, initializers, sgd,
} from 'simdeep';

seed(1);
console.log('simdeep demo\n');

const a = tensor([[1, 2, 3], [4, 5, 6]]);
console.log(`a =\n${a}`);
console.log(`a + [10, 20, 30] (broadcast) =\n${a.add(tensor([10, 20, 30]))}`);
console.log(`a · aᵀ =\n${matmul(a, a, { transposeB: true })}`);
console.log(`column sums = ${a.sum(0)}, row means = ${a.mean(1)}`);
console.log(`softmax over each row =\n${a.softmax()}\n`);

// The classic example: four samples of three inputs; the target is the first input.
const inputs = tensor([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]);
const targets = tensor([[0], [1], [1], [0]]);

// Forward propagation by hand through an untrained 3-4-1 network: weighted_sum = inputs · W + bias, then sigmoid.
const w1 = randomUniform([3, 4], -1, 1);      // input → hidden weights, uniform in [-1, 1)
const w2 = randn([4, 1], { std: 0.1 });        // hidden → output weights, normal with small deviation
const untrained = tidy(() => sigmoid(sigmoid(inputs.matmul(w1).add(zeros([4]))).matmul(w2)));
console.log(`forward propagation, untrained:\n${untrained}`);

// The same network as a model, trained by backpropagation and gradient descent.
const model = sequential([
  dense({ units: 4, activation: 'sigmoid', inputShape: [3], kernelInitializer: initializers.randomUniform({ seed: 1 }) }),
  dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.randomUniform({ seed: 2 }) }),
]);
model.compile({ optimizer: sgd({ learningRate: 2 }), loss: 'meanSquaredError', metrics: ['accuracy'] });
model.summary(); // prints the table (and returns it)
const history = await model.fit(inputs, targets, { epochs: 2000, batchSize: 4, seed: 1 });
const losses = history.history.loss;
console.log(`\nloss after 1, 500, 1000 and 2000 epochs: ${[0, 499, 999, 1999].map((e) => losses[e].toFixed(4)).join(', ')}`);
console.log(`trained prediction:\n${model.predict(inputs)}`);
console.log(`targets:\n${targets}`);
console.log(`\nlive tensors: ${memory().numTensors}, wasm bytes held: ${memory().numBytes}`);
