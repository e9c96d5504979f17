// A Worker that trains a small network on XOR inside each request and answers with its predictions: simdeep's
// workerd entry runs the kernels on one thread from .wasm modules the runtime compiled before the Worker started.
import { adam, dense, initializers, sequential, tensor, threads } from 'simdeep';

/** What GET /xor answers. */
export interface XorAnswer {
  inputs: number[][];
  predictions: number[];
  firstLoss: number;
  lastLoss: number;
  epochs: number;
}

async function trainXor(epochs: number): Promise<XorAnswer> {
  const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const x = tensor(inputs);
  const y = tensor([[0], [1], [1], [0]]);
  const model = sequential([
    dense({ units: 8, activation: 'tanh', inputShape: [2], kernelInitializer: initializers.glorotUniform({ seed: 11 }) }),
    dense({ units: 1, activation: 'sigmoid', kernelInitializer: initializers.glorotUniform({ seed: 12 }) }),
  ]);
  try {
    model.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    const { history } = await model.fit(x, y, { epochs, batchSize: 4, seed: 13 });
    const predicted = model.predict(x);
    const predictions = predicted.toArray().flat();
    predicted.dispose();
    return { inputs, predictions, firstLoss: history.loss[0], lastLoss: history.loss.at(-1)!, epochs };
  } finally {
    [x, y].forEach((t) => t.dispose());
    model.dispose();
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/xor') {
      const epochs = Number(url.searchParams.get('epochs') ?? 300);
      if (!Number.isInteger(epochs) || epochs < 1 || epochs > 5000) return new Response('epochs must be an integer in [1, 5000]', { status: 400 });
      return Response.json(await trainXor(epochs));
    }
    if (url.pathname === '/threads') return Response.json(threads());
    return new Response('GET /xor?epochs=300 or /threads', { status: 404 });
  },
};
