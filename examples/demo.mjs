// simdeep demo: tensors, broadcasting, matrix algebra and reductions, then forward propagation through the
// classic 3-4-1 sigmoid network (weighted_sum = inputs · W + bias, then the activation), all on wasm kernels.
import {
  tensor, randn, randomUniform, zeros, matmul, sigmoid, tidy, memory, seed,
} from 'simdeep';

seed(1);
console.log('simdeep demo\n');

const a = tensor([[1, 2, 3], [4, 5, 6]]);
console.log(`a =\n${a}`);
console.log(`a + [10, 20, 30] (broadcast) =\n${a.add(tensor([10, 20, 30]))}`);
console.log(`a · aᵀ =\n${matmul(a, a, { transposeB: true })}`);
console.log(`column sums = ${a.sum(0)}, row means = ${a.mean(1)}`);
console.log(`softmax over each row =\n${a.softmax()}\n`);

// The four samples and targets of the classic example: the output is the first input.
const inputs = tensor([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]);
const w1 = randomUniform([3, 4], -1, 1);      // input → hidden weights, uniform in [-1, 1)
const b1 = zeros([4]);
const w2 = randn([4, 1], { std: 0.1 });        // hidden → output weights, normal with small deviation
const b2 = zeros([1]);

const output = tidy(() => {
  const hidden = sigmoid(inputs.matmul(w1).add(b1)); // weighted sums of the hidden layer, then sigmoid
  return sigmoid(hidden.matmul(w2).add(b2));         // the network's prediction for each sample
});
console.log('forward propagation through an untrained 3-4-1 network:');
console.log(`prediction =\n${output}`);
console.log(`targets =\n${tensor([[0], [1], [1], [0]])}`);
console.log('\nlive tensors:', memory().numTensors, ' wasm bytes held:', memory().numBytes);
