// A Worker that trains a small network on XOR inside each request and answers with its predictions: simdeep's
// workerd entry runs the kernels on one thread from .wasm modules the runtime compiled before the Worker started.
import { adam, dense, initializers, io, layers, loadModel, sequential, tensor, threads, type ModelArtifacts } from 'simdeep';

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

/** What GET /formats answers: each format's predictions of the same rows after a save and a load from bytes. */
export interface FormatsAnswer {
  original: number[];
  loaded: Record<string, number[]>;
}

/** A small CNN saved in every format to bytes (or TF.js's artifacts) and loaded back, inside the request. */
async function formats(): Promise<FormatsAnswer> {
  const model = sequential([
    layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu', inputShape: [5, 5, 1], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
    layers.flatten(),
    dense({ units: 2, activation: 'softmax', kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
  ]);
  const x = tensor(Array.from({ length: 50 }, (_, i) => Math.sin(i)), [2, 5, 5, 1]);
  const predictions = (m: typeof model): number[] => {
    const y = m.predict(x);
    const values = Array.from(y.dataSync());
    y.dispose();
    return values;
  };
  try {
    const loaded: Record<string, number[]> = {};
    for (const format of ['simdeep', 'keras', 'onnx', 'safetensors'] as const) {
      const copy = await loadModel(await model.save(undefined, { format }));
      loaded[format] = predictions(copy);
      copy.dispose();
    }
    let artifacts: ModelArtifacts | undefined;
    await model.save(io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const copy = await loadModel(artifacts!);
    loaded.tfjs = predictions(copy);
    copy.dispose();
    return { original: predictions(model), loaded };
  } finally {
    x.dispose();
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
    if (url.pathname === '/formats') return Response.json(await formats());
    return new Response('GET /xor?epochs=300, /threads or /formats', { status: 404 });
  },
};
