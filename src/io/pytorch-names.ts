// Which name and layout each simdeep weight takes in a state_dict-style file. simdeep's layers are channels-last and
// keep Keras's layouts (a dense kernel [in, out], a convolution's [kh, kw, in, out]); PyTorch's modules keep
// [out, in] and [out, in, kh, kw]. A weight's PyTorch layout is an axis permutation of simdeep's, then a reshape (a
// depthwise kernel [kh, kw, C, m] becomes [C·m, 1, kh, kw], a grouped convolution's weight).
import { showValue } from '../tensor/errors';
import type { Layer } from '../nn/layers/layer';
import { weightNameOf } from '../nn/layers/weight';
import type { BatchNormalization, LayerNormalization } from '../nn/layers/normalization';

/**
 * How weights are named in a safetensors file:
 * - 'pytorch': as an `nn.Sequential` names them: each simdeep layer other than inputs takes the next index, weight-less
 *   ones included (so Dense, ReLU, Dense gives `0.weight`, `0.bias`, `2.weight`, `2.bias`), in PyTorch's layouts;
 * - an object `{ dense_1: 'fc1', ... }` or a function `(layerName, index) => 'fc1'`: a module path per layer with
 *   weights (`fc1.weight`), in PyTorch's layouts;
 * - 'keras': simdeep's own names and layouts (`dense_1/kernel`, `[in, out]`).
 * @example
 * const names: WeightNames = { dense_1: 'fc1', dense_2: 'fc2' };
 */
export type WeightNames = 'pytorch' | 'keras' | Readonly<Record<string, string>> | ((layerName: string, index: number) => string);

/** One weight of a model as a file holds it. */
export interface WeightSlot {
  /** The layer, the index of the weight among its weights, and its name in the layer (`kernel`, `moving_mean`). */
  layer: Layer;
  index: number;
  weight: string;
  /** The layer's module path (`0`, `fc1`; its name with names 'keras'), and the weight's name in the file. */
  path: string;
  name: string;
  /** The weight's shape in simdeep, and in the file. */
  shape: number[];
  fileShape: number[];
  /** The file's axes as simdeep's axes (the file's values are simdeep's transposed by it, then reshaped), or null. */
  perm: number[] | null;
  /** The shape `perm` reads simdeep's values as (`shape`, or a dense kernel after a Flatten as [...dims, C, units]). */
  view: number[];
}

/**
 * The order of the features a Dense layer reads from a Flatten of samples of rank 2 or more, in the file: PyTorch's
 * convolutions and pooling keep channels first, so nn.Flatten after them gives (C, H, W) where simdeep's gives
 * (H, W, C); 'channelsLast' keeps simdeep's (a PyTorch model that flattens channels-last features, such as an
 * Embedding's [T, D] output).
 * @example
 * const order: FlattenOrder = 'channelsLast';
 */
export type FlattenOrder = 'channelsFirst' | 'channelsLast';

/** The sample shape a Flatten gave a dense layer's argument (through dropout and activations), or undefined. */
function flattenedDims(layer: Layer): number[] | undefined {
  let made = layer.calls[0]?.args[0]?.call;
  while (made && (made.layer.className === 'Dropout' || made.layer.className === 'Activation')) made = made.args[0]?.call;
  const dims = made?.layer.className === 'Flatten' ? made.args[0].shape.slice(1) as number[] : undefined;
  return dims && dims.length >= 2 ? dims : undefined;
}

/** A PyTorch weight: its name after the module's path, and the permutation from simdeep's layout. */
type Torch = [suffix: string, perm: number[] | null];
const KERNEL_2D: number[] = [3, 2, 0, 1]; // [kh, kw, in, out] → [out, in, kh, kw]; a transpose's [kh, kw, out, in] → [in, out, kh, kw]
const DEPTHWISE: number[] = [2, 3, 0, 1]; // [kh, kw, C, m] → [C, m, kh, kw], read as [C·m, 1, kh, kw]

/** Each weight's Keras name and PyTorch counterpart, in the layer's weight order; undefined for an unknown layer. */
function weightsOf(layer: Layer): { keras: string[]; torch: Torch[] } | undefined {
  const bias = (layer as { useBias?: boolean }).useBias !== false;
  const withBias = (keras: string[], torch: Torch[]) => ({ keras: bias ? [...keras, 'bias'] : keras, torch: bias ? [...torch, ['bias', null] as Torch] : torch });
  switch (layer.className) {
    case 'Dense': return withBias(['kernel'], [['weight', [1, 0]]]);
    case 'Conv1D': return withBias(['kernel'], [['weight', [2, 1, 0]]]);
    case 'Conv2D': case 'Conv2DTranspose': return withBias(['kernel'], [['weight', KERNEL_2D]]);
    case 'DepthwiseConv2D': return withBias(['depthwise_kernel'], [['weight', DEPTHWISE]]);
    case 'SeparableConv2D': {
      const { keras, torch } = withBias(['depthwise_kernel', 'pointwise_kernel'], [['depthwise.weight', DEPTHWISE], ['pointwise.weight', KERNEL_2D]]);
      return { keras, torch: torch.map(([suffix, perm]) => [suffix === 'bias' ? 'pointwise.bias' : suffix, perm]) };
    }
    case 'Embedding': return { keras: ['embeddings'], torch: [['weight', null]] };
    case 'BatchNormalization': case 'LayerNormalization': {
      const norm = layer as BatchNormalization | LayerNormalization;
      const keras = [...(norm.scale ? ['gamma'] : []), ...(norm.center ? ['beta'] : [])];
      if (layer.className === 'BatchNormalization') keras.push('moving_mean', 'moving_variance');
      const torch = { gamma: 'weight', beta: 'bias', moving_mean: 'running_mean', moving_variance: 'running_var' } as Record<string, string>;
      return { keras, torch: keras.map((k): Torch => [torch[k], null]) };
    }
    default: {
      if (!layer.isCustom) return undefined;
      // A custom layer's weights keep their layout, named as addWeight named them.
      const keras = layer.weights.map((w) => weightNameOf(w) ?? w.name);
      return { keras, torch: keras.map((k): Torch => [k, null]) };
    }
  }
}

/** The shapes of the layer's weights, from the sample shapes of its first call (built or not). */
function shapesOf(layer: Layer): number[][] {
  const call = layer.calls[0];
  return call ? layer.weightShapes(call.args.map((a) => a.shape.slice(1) as number[])) : [];
}

/** The module path of each layer with weights, as `names` asks, checked. */
function prefixes(layers: readonly Layer[], names: Exclude<WeightNames, 'keras'>, op: string): (string | null)[] {
  if (typeof names === 'object' && names !== null) {
    const known = new Set(layers.map((l) => l.name));
    const stray = Object.keys(names).find((key) => !known.has(key));
    if (stray !== undefined) throw new RangeError(`${op}: names has the key ${JSON.stringify(stray)}, which is not a layer of the model (${[...known].join(', ')})`);
  }
  return layers.map((layer, i) => {
    if (shapesOf(layer).length === 0) return null;
    const path = names === 'pytorch' ? String(i) : typeof names === 'function' ? names(layer.label, i)
      : Object.hasOwn(names, layer.label) ? names[layer.label] : undefined;
    if (path === undefined) throw new RangeError(`${op}: names has no module path for layer ${layer.label} (${layer.className}), which has weights`);
    if (typeof path !== 'string' || !/^[\w-]+(\.[\w-]+)*$/.test(path)) {
      throw new RangeError(`${op}: names gives layer ${layer.label} the module path ${showValue(path)}; expected dotted names such as 'fc1' or 'features.0'`);
    }
    return path;
  });
}

/**
 * Every weight of these layers (a model's, in order) with its name and layout in the file, as `names` asks; a
 * RangeError naming `op` for a bad `names`, a layer whose PyTorch layout is not known, or two weights of one name.
 */
export function weightSlots(layers: readonly Layer[], names: WeightNames, op: string, flatten: FlattenOrder = 'channelsFirst'): WeightSlot[] {
  if (flatten !== 'channelsFirst' && flatten !== 'channelsLast') throw new RangeError(`${op}: flatten must be 'channelsFirst' or 'channelsLast', got ${showValue(flatten)}`);
  const valid = names === 'pytorch' || names === 'keras' || typeof names === 'function' ||
    (typeof names === 'object' && names !== null && !Array.isArray(names));
  if (!valid) throw new RangeError(`${op}: names must be 'pytorch', 'keras', an object of module paths by layer name, or a function, got ${showValue(names)}`);
  const paths = names === 'keras' ? layers.map((l) => l.label) : prefixes(layers, names, op);
  const slots: WeightSlot[] = [];
  layers.forEach((layer, i) => {
    const shapes = shapesOf(layer);
    if (shapes.length === 0) return;
    const map = weightsOf(layer);
    if (!map || map.keras.length !== shapes.length) throw new RangeError(`${op}: layer ${layer.label} (${layer.className}) has weights whose file names and layout are not known`);
    shapes.forEach((shape, index) => {
      if (names === 'keras') {
        slots.push({ layer, index, weight: map.keras[index], path: paths[i]!, name: `${paths[i]}/${map.keras[index]}`, shape, fileShape: shape, perm: null, view: shape });
        return;
      }
      let [suffix, perm] = map.torch[index], view = shape;
      let fileShape = perm ? perm.map((axis) => shape[axis]) : shape;
      if (perm === DEPTHWISE) fileShape = [fileShape[0] * fileShape[1], 1, fileShape[2], fileShape[3]];
      const dims = layer.className === 'Dense' && index === 0 && flatten === 'channelsFirst' ? flattenedDims(layer) : undefined;
      if (dims) {
        // The kernel's rows [...spatial, C] become the weight's columns [C, ...spatial]: [units, C, ...spatial].
        view = [...dims, shape[1]];
        perm = [dims.length, dims.length - 1, ...dims.slice(0, -1).map((_, k) => k)];
      }
      slots.push({ layer, index, weight: map.keras[index], path: paths[i]!, name: `${paths[i]}.${suffix}`, shape, fileShape, perm, view });
    });
  });
  const seen = new Map<string, Layer>();
  for (const slot of slots) {
    const other = seen.get(slot.name);
    if (other) throw new RangeError(`${op}: layers ${other.label} and ${slot.layer.label} would both write the weight ${JSON.stringify(slot.name)}`);
    seen.set(slot.name, slot.layer);
  }
  return slots;
}

/** The strides of a row-major shape. */
function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

/**
 * Values of simdeep's `shape` with their axes permuted to the file's (out axis k is axis perm[k]); with `inverse`,
 * the file's values (of the permuted shape) back in simdeep's order.
 */
export function permuteAxes(values: Float32Array, shape: readonly number[], perm: readonly number[], inverse = false): Float32Array {
  const from = inverse ? perm.map((axis) => shape[axis]) : [...shape];
  const order = inverse ? shape.map((_, axis) => perm.indexOf(axis)) : [...perm];
  // Walk the output in row-major order, reading the input at the permuted strides.
  const inStrides = stridesOf(from), outShape = order.map((axis) => from[axis]);
  const step = order.map((axis) => inStrides[axis]), index = new Array<number>(outShape.length).fill(0);
  const out = new Float32Array(values.length);
  let source = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[source];
    for (let k = outShape.length - 1; k >= 0; k--) {
      source += step[k];
      if (++index[k] < outShape[k]) break;
      source -= step[k] * outShape[k];
      index[k] = 0;
    }
  }
  return out;
}
