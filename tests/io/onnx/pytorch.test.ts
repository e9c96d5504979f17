// modelFromOnnx of files torch.onnx.export wrote (tests/fixtures/onnx/make.py: an MLP with Gemm transB 1, gelu,
// silu and leaky ReLU; an NCHW CNN with batch normalization, a depthwise convolution, pooling, relu6, up-sampling
// and Flatten; an embedding with int64 indices; a sequence through Conv1d, LayerNorm, ConvTranspose2d and a slice): simdeep predicts PyTorch's outputs within 1e-5.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispose, tensor, type NestedArray, type Tensor } from '../../../src/index';
import { modelFromOnnx } from '../../../src/io/onnx/import';
import { failOnLeaks } from '../../reference';
import { modelToOnnx } from '../../../src/io/onnx/export';
import { checkModels, maxError, onnxChecker, runOnnx } from './peers';

const FIXTURES = join(__dirname, '../../fixtures/onnx');

describe('modelFromOnnx of PyTorch exports', () => {
  failOnLeaks();
  const exported: Uint8Array[] = [];
  for (const [name, classes] of [
    ['mlp', ['Dense gelu', 'Dense swish', 'Dense leakyRelu', 'Dense softmax']],
    ['cnn', ['Permute', 'Conv2D relu', 'BatchNormalization', 'DepthwiseConv2D tanh', 'MaxPooling2D', 'ZeroPadding2D', 'Conv2D relu', 'Activation relu6',
      'UpSampling2D', 'AveragePooling2D', 'Permute', 'Flatten', 'Dense linear']],
    ['embedding', ['Embedding', 'Flatten', 'Dense sigmoid']],
    ['sequence', ['Permute', 'Conv1D relu', 'MaxPooling1D', 'GlobalAveragePooling1D', 'Permute', 'Flatten', 'LayerNormalization', 'Reshape', 'Permute',
      'Conv2DTranspose sigmoid', 'Cropping2D', 'Permute', 'Flatten', 'Dense linear']],
  ] as const) {
    it(`${name}.onnx predicts as PyTorch, and again in onnxruntime once exported back`, async () => {
      const net = modelFromOnnx(readFileSync(join(FIXTURES, `${name}.onnx`)));
      const reference = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as { input: NestedArray; output: NestedArray };
      expect(net.layers.map((l) => `${l.className} ${String(l.getConfig().activation ?? '')}`.trim())).toEqual(classes);
      const x = tensor(reference.input), want = tensor(reference.output);
      const y = net.predict(x) as Tensor;
      expect(y.shape).toEqual(want.shape);
      expect(maxError(y.dataSync(), want.dataSync())).toBeLessThan(1e-5);
      const bytes = modelToOnnx(net);
      exported.push(bytes);
      const [again] = await runOnnx(bytes, [x]);
      expect(maxError(again.data, want.dataSync())).toBeLessThan(1e-5);
      dispose([x, y, want]);
      net.dispose();
    });
  }

  it.skipIf(!onnxChecker.available)(`onnx.checker accepts them exported again${onnxChecker.available ? '' : ` (skipped: ${onnxChecker.why})`}`, () => {
    expect(exported.length).toBe(4);
    checkModels(exported);
  });
});
