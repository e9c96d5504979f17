// Each simdeep layer kind as ONNX operators (opset 17). The graph stays channels-last as simdeep's: a convolution or
// pooling runs between Transposes NHWC→NCHW and back (ONNX's are channels-first), so Flatten keeps simdeep's order.
// Activations compute simdeep's definitions (assembly/activation.ts): leakyRelu's alpha 0.2, elu's alpha 1, Keras's
// hardSigmoid (0.2·x + 0.5), relu6 as Clip(0, 6), swish x·σ(x), gelu's exact erf form.
import {
  GEOM_DH, GEOM_DW, GEOM_IN_H, GEOM_IN_W, GEOM_KH, GEOM_KW, GEOM_OUT_H, GEOM_OUT_W, GEOM_PAD_LEFT, GEOM_PAD_TOP, GEOM_SH, GEOM_SW,
} from '../../../assembly/layout';
import { LEAKY_ALPHA, type ActivationName } from '../../nn/layers/dense';
import type { Layer } from '../../nn/layers/layer';
import { float, ints, int, string, transposed, type GraphBuilder } from './builder';
import { INT64 } from './proto';

/** SELU's constants (assembly/activation.ts). */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_GAMMA = 1.0507009873554805;

/** A layer call to write: its layer, its arguments' value names and sample shapes, its output's sample shape and name. */
export interface LayerCallToWrite { layer: Layer; xs: string[]; dims: (readonly number[])[]; outDims: readonly number[]; out: string }

/** The permutation NHWC → NCHW of a tensor of rank r (batch included), and back. */
export const toChannelsFirst = (r: number): number[] => [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
export const toChannelsLast = (r: number): number[] => [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];

const config = (layer: Layer): Record<string, unknown> => layer.getConfig();
const weight = (layer: Layer, i: number): [Float32Array, number[]] => [layer.weights[i].dataSync(), [...layer.weights[i].shape]];
const weightName = (layer: Layer, i: number): string => layer.weights[i].name;

/** `x` through `act`, the result named `out`. */
export function activate(b: GraphBuilder, x: string, act: ActivationName, out: string): string {
  switch (act) {
    case 'linear': return b.node('Identity', [x], out);
    case 'relu': return b.node('Relu', [x], out);
    case 'sigmoid': return b.node('Sigmoid', [x], out);
    case 'tanh': return b.node('Tanh', [x], out);
    case 'softmax': return b.node('Softmax', [x], out, [int('axis', -1)]);
    case 'leakyRelu': return b.node('LeakyRelu', [x], out, [float('alpha', LEAKY_ALPHA)]);
    case 'elu': return b.node('Elu', [x], out, [float('alpha', 1)]);
    case 'selu': return b.node('Selu', [x], out, [float('alpha', SELU_ALPHA), float('gamma', SELU_GAMMA)]);
    case 'softplus': return b.node('Softplus', [x], out);
    case 'hardSigmoid': return b.node('HardSigmoid', [x], out, [float('alpha', 0.2), float('beta', 0.5)]);
    case 'relu6': return b.node('Clip', [x, b.scalar(`${out}/min`, 0), b.scalar(`${out}/max`, 6)], out);
    case 'swish': return b.node('Mul', [x, b.node('Sigmoid', [x], `${out}/sigmoid`)], out);
    case 'gelu': {
      const erf = b.node('Erf', [b.node('Div', [x, b.scalar(`${out}/sqrt2`, Math.SQRT2)], `${out}/scaled`)], `${out}/erf`);
      const cdf = b.node('Add', [erf, b.scalar(`${out}/one`, 1)], `${out}/cdf`);
      return b.node('Mul', [b.node('Mul', [x, cdf], `${out}/xcdf`), b.scalar(`${out}/half`, 0.5)], out);
    }
  }
}

/** `make(z)` gives the pre-activation; the activation `act` follows (none for linear: `make` names its result `out`). */
function thenActivate(b: GraphBuilder, act: ActivationName, out: string, make: (name: string) => string): string {
  return act === 'linear' ? make(out) : activate(b, make(`${out}/z`), act, out);
}

/** `inner(xChannelsFirst, name)` between Transposes NHWC → NCHW and back; the result is named `out`. */
function channelsFirst(b: GraphBuilder, x: string, rank: number, out: string, inner: (xt: string) => string): string {
  const xt = b.node('Transpose', [x], `${out}/nchw`, [ints('perm', toChannelsFirst(rank))]);
  return b.node('Transpose', [inner(xt)], out, [ints('perm', toChannelsLast(rank))]);
}

/** The window attributes of a windowed layer's geometry (1-D: width only): kernel, strides, dilations, pads. */
function window(layer: Layer, oneD: boolean, transposedConv = false): { kernel: number[]; strides: number[]; dilations: number[]; pads: number[]; outputPadding: number[] } {
  const g = layer.nodeFields().geom!;
  const axis = (inAt: number, outAt: number, k: number, s: number, d: number, pad: number): [number, number, number] => {
    // A transposed convolution is the input gradient of the convolution `g` describes (its input is the layer's output).
    const span = (g[outAt] - 1) * g[s] + (g[k] - 1) * g[d] + 1;
    const end = Math.max(0, span - g[inAt] - g[pad]);
    return [g[pad], end, transposedConv ? g[inAt] - (span - g[pad] - end) : 0];
  };
  const h = axis(GEOM_IN_H, GEOM_OUT_H, GEOM_KH, GEOM_SH, GEOM_DH, GEOM_PAD_TOP), w = axis(GEOM_IN_W, GEOM_OUT_W, GEOM_KW, GEOM_SW, GEOM_DW, GEOM_PAD_LEFT);
  const pick = (hv: number, wv: number): number[] => (oneD ? [wv] : [hv, wv]);
  return { kernel: pick(g[GEOM_KH], g[GEOM_KW]), strides: pick(g[GEOM_SH], g[GEOM_SW]), dilations: pick(g[GEOM_DH], g[GEOM_DW]),
    pads: [...pick(h[0], w[0]), ...pick(h[1], w[1])], outputPadding: pick(h[2], w[2]) };
}

/** A convolution's kernel [..window, in, out] as ONNX's [out, in, ..window], written as an initializer. */
function convKernel(b: GraphBuilder, layer: Layer, i: number, perm: number[], dims?: number[]): string {
  const [values, shape] = weight(layer, i);
  const [t, tDims] = transposed(values, shape, perm);
  return b.floats(weightName(layer, i), dims ?? tDims, t);
}

function conv(b: GraphBuilder, { layer, xs, dims, out }: LayerCallToWrite): string {
  const c = config(layer), oneD = dims[0].length === 2, w = window(layer, oneD), rank = dims[0].length + 1;
  const attrs = [ints('kernel_shape', w.kernel), ints('strides', w.strides), ints('dilations', w.dilations), ints('pads', w.pads)];
  const bias = c.useBias ? [b.floats(weightName(layer, layer.weights.length - 1), [layer.weights.at(-1)!.size], layer.weights.at(-1)!.dataSync())] : [];
  return thenActivate(b, c.activation as ActivationName, out, (name) => channelsFirst(b, xs[0], rank, name, (xt) => {
    if (layer.className === 'Conv2D' || layer.className === 'Conv1D') {
      return b.node('Conv', [xt, convKernel(b, layer, 0, oneD ? [2, 1, 0] : [3, 2, 0, 1]), ...bias], `${name}/conv`, [...attrs, int('group', 1)]);
    }
    const [kh, kw, channels, mult] = layer.weights[0].shape;
    const depthwise = convKernel(b, layer, 0, [2, 3, 0, 1], [channels * mult, 1, kh, kw]);
    const group = int('group', channels);
    if (layer.className === 'DepthwiseConv2D') return b.node('Conv', [xt, depthwise, ...bias], `${name}/conv`, [...attrs, group]);
    const d = b.node('Conv', [xt, depthwise], `${name}/depthwise`, [...attrs, group]);
    return b.node('Conv', [d, convKernel(b, layer, 1, [3, 2, 0, 1]), ...bias], `${name}/pointwise`, [ints('kernel_shape', [1, 1])]);
  }));
}

function convTranspose(b: GraphBuilder, { layer, xs, out }: LayerCallToWrite): string {
  const c = config(layer), w = window(layer, false, true);
  const bias = c.useBias ? [b.floats(weightName(layer, 1), [layer.weights[1].size], layer.weights[1].dataSync())] : [];
  const attrs = [ints('kernel_shape', w.kernel), ints('strides', w.strides), ints('pads', w.pads), ints('output_padding', w.outputPadding)];
  return thenActivate(b, c.activation as ActivationName, out, (name) => channelsFirst(b, xs[0], 4, name, (xt) =>
    b.node('ConvTranspose', [xt, convKernel(b, layer, 0, [3, 2, 0, 1]), ...bias], `${name}/conv`, attrs)));
}

function pooling(b: GraphBuilder, { layer, xs, dims, out }: LayerCallToWrite): string {
  const oneD = dims[0].length === 2, w = window(layer, oneD), max = layer.className.startsWith('Max');
  const attrs = [ints('kernel_shape', w.kernel), ints('strides', w.strides), ints('pads', w.pads), ...(max ? [] : [int('count_include_pad', 0)])];
  return channelsFirst(b, xs[0], dims[0].length + 1, out, (xt) => b.node(max ? 'MaxPool' : 'AveragePool', [xt], `${out}/pool`, attrs));
}

function dense(b: GraphBuilder, { layer, xs, dims, out }: LayerCallToWrite): string {
  const c = config(layer), [k, kDims] = weight(layer, 0), kernel = b.floats(weightName(layer, 0), kDims, k);
  const bias = c.useBias ? b.floats(weightName(layer, 1), [layer.weights[1].size], layer.weights[1].dataSync()) : undefined;
  return thenActivate(b, c.activation as ActivationName, out, (name) => {
    if (dims[0].length === 1) return b.node('Gemm', [xs[0], kernel, ...(bias ? [bias] : [])], name);
    const product = b.node('MatMul', [xs[0], kernel], bias ? `${name}/matmul` : name);
    return bias ? b.node('Add', [product, bias], name) : product;
  });
}

function normalization(b: GraphBuilder, { layer, xs, dims, out }: LayerCallToWrite): string {
  const c = config(layer), channels = dims[0].at(-1)!;
  let at = 0;
  const take = (present: unknown, fill: number, what: string): string => {
    if (present) return b.floats(weightName(layer, at), [channels], layer.weights[at++].dataSync());
    return b.floats(`${layer.name}/${what}`, [channels], new Float32Array(channels).fill(fill));
  };
  const gamma = take(c.scale, 1, 'gamma'), epsilon = float('epsilon', c.epsilon as number);
  // LayerNormalization's bias is optional: without center there is none (BatchNormalization needs one: zeros).
  if (layer.className === 'LayerNormalization') return b.node('LayerNormalization', [xs[0], gamma, ...(c.center ? [take(true, 0, 'beta')] : [])], out, [int('axis', -1), epsilon]);
  const beta = take(c.center, 0, 'beta');
  const stats = [take(true, 0, 'moving_mean'), take(true, 1, 'moving_variance')];
  const rank = dims[0].length + 1;
  if (rank === 2) return b.node('BatchNormalization', [xs[0], gamma, beta, ...stats], out, [epsilon]);
  return channelsFirst(b, xs[0], rank, out, (xt) => b.node('BatchNormalization', [xt, gamma, beta, ...stats], `${out}/bn`, [epsilon]));
}

function embedding(b: GraphBuilder, { layer, xs, out }: LayerCallToWrite): string {
  const c = config(layer), [table, tDims] = weight(layer, 0);
  // maskZero: index 0 gives a zero vector; its row is never read, so the table written has zeros there.
  if (c.maskZero) table.fill(0, 0, tDims[1]);
  const indices = b.node('Cast', [xs[0]], `${out}/indices`, [int('to', INT64)]);
  return b.node('Gather', [b.floats(weightName(layer, 0), tDims, table), indices], out, [int('axis', 0)]);
}

function spatial(b: GraphBuilder, { layer, xs, dims, out }: LayerCallToWrite): string {
  const c = config(layer), [h, w] = dims[0];
  if (layer.className === 'ZeroPadding2D') {
    const [[t, bottom], [l, r]] = c.padding as number[][];
    return b.node('Pad', [xs[0], b.int64s(`${out}/pads`, [0, t, l, 0, 0, bottom, r, 0])], out, [string('mode', 'constant')]);
  }
  if (layer.className === 'Cropping2D') {
    const [[t, bottom], [l, r]] = c.cropping as number[][];
    return b.node('Slice', [xs[0], b.int64s(`${out}/starts`, [t, l]), b.int64s(`${out}/ends`, [h - bottom, w - r]), b.int64s(`${out}/axes`, [1, 2])], out);
  }
  const [sh, sw] = c.size as number[], nearest = c.interpolation === 'nearest';
  return channelsFirst(b, xs[0], 4, out, (xt) => b.node('Resize', [xt, '', b.floats(`${out}/scales`, [4], Float32Array.of(1, 1, sh, sw))], `${out}/resize`, [
    string('mode', nearest ? 'nearest' : 'linear'), string('coordinate_transformation_mode', 'asymmetric'), ...(nearest ? [string('nearest_mode', 'floor')] : [])]));
}

function merge(b: GraphBuilder, { layer, xs, out }: LayerCallToWrite): string {
  switch (layer.className) {
    case 'Add': return b.node(xs.length === 2 ? 'Add' : 'Sum', xs, out);
    case 'Average': return b.node('Mean', xs, out);
    case 'Concatenate': return b.node('Concat', xs, out, [int('axis', -1)]);
    default: return xs.slice(1).reduce((acc, x, i) => b.node('Mul', [acc, x], i === xs.length - 2 ? out : `${out}/mul`), xs[0]);
  }
}

/** The writer of each built-in layer class. */
export const LAYER_WRITERS: ReadonlyMap<string, (b: GraphBuilder, call: LayerCallToWrite) => string> = new Map([
  ['Dense', dense],
  ['Dropout', (b, { xs, out }) => b.node('Identity', xs, out)],
  ['Activation', (b, { layer, xs, out }) => activate(b, xs[0], config(layer).activation as ActivationName, out)],
  ['Flatten', (b, { xs, outDims, out }) => b.node('Reshape', [xs[0], b.int64s(`${out}/shape`, [-1, ...outDims])], out)],
  ['Reshape', (b, { xs, outDims, out }) => b.node('Reshape', [xs[0], b.int64s(`${out}/shape`, [-1, ...outDims])], out)],
  ['Permute', (b, { layer, xs, out }) => b.node('Transpose', xs, out, [ints('perm', [0, ...(config(layer).dims as number[])])])],
  ['RepeatVector', (b, { layer, xs, out }) => b.node('Tile', [b.node('Unsqueeze', [xs[0], b.int64s(`${out}/axes`, [1])], `${out}/unsqueezed`),
    b.int64s(`${out}/repeats`, [1, config(layer).n as number, 1])], out)],
  ['Embedding', embedding],
  ['BatchNormalization', normalization], ['LayerNormalization', normalization],
  ...['Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D'].map((name): [string, typeof conv] => [name, conv]),
  ['Conv2DTranspose', convTranspose],
  ...['MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D'].map((name): [string, typeof conv] => [name, pooling]),
  ...['GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D'].map((name): [string, typeof conv] => [name, (b, { layer, xs, dims, out }) =>
    b.node(name.startsWith('GlobalMax') ? 'ReduceMax' : 'ReduceMean', xs, out, [ints('axes', dims[0].slice(0, -1).map((_, i) => i + 1)),
      int('keepdims', config(layer).keepDims ? 1 : 0)])]),
  ...['ZeroPadding2D', 'Cropping2D', 'UpSampling2D'].map((name): [string, typeof conv] => [name, spatial]),
  ...['Add', 'Multiply', 'Average', 'Concatenate'].map((name): [string, typeof conv] => [name, merge]),
]);
