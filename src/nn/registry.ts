// The layer kinds a model file can hold: class name → how to rebuild the layer from its saved config. A new layer
// kind adds its entry here (see ARCHITECTURE.md, "Adding a layer").
import { Activation, type ActivationOptions } from './layers/activation';
import { dense, type DenseOptions } from './layers/dense';
import { dropout, type DropoutOptions } from './layers/dropout';
import { InputLayer, type InputOptions } from './layers/input';
import { Layer } from './layers/layer';
import { showValue } from '../tensor/errors';
import { userClasses, type LayerClass } from './custom-classes';
import { Merge, type MergeOptions } from './layers/merge';
import { BatchNormalization, LayerNormalization, type BatchNormalizationOptions, type LayerNormalizationOptions } from './layers/normalization';
import { Flatten, Reshape, type FlattenOptions, type ReshapeOptions } from './layers/reshape';
import { Conv, type ConvOptions } from './layers/conv';
import { DepthwiseConv2D, SeparableConv2D, type DepthwiseConvOptions, type SeparableConvOptions } from './layers/depthwise';
import { Conv2DTranspose, type ConvTransposeOptions } from './layers/convTranspose';
import { Embedding, type EmbeddingOptions } from './layers/embedding';
import { Permute, RepeatVector, type PermuteOptions, type RepeatVectorOptions } from './layers/permute';
import { GlobalPooling, Pooling, type GlobalPoolingClass, type GlobalPoolingOptions, type PoolingClass, type Pooling2DOptions } from './layers/pooling';
import { Cropping2D, UpSampling2D, ZeroPadding2D, type Cropping2DOptions, type UpSampling2DOptions, type ZeroPadding2DOptions } from './layers/spatial';

/** Rebuilds a layer from the config its getConfig gave (checked as its options are: errors name the option). */
type FromConfig = (config: Record<string, unknown>) => Layer;

const registry = new Map<string, FromConfig>([
  ['InputLayer', (c) => new InputLayer(c as unknown as InputOptions)],
  ['Dense', (c) => dense(c as unknown as DenseOptions)],
  ['Dropout', (c) => dropout(c as unknown as DropoutOptions)],
  ['Activation', (c) => new Activation(c as unknown as ActivationOptions)],
  ['Add', (c) => new Merge('Add', c as MergeOptions)],
  ['Multiply', (c) => new Merge('Multiply', c as MergeOptions)],
  ['Average', (c) => new Merge('Average', c as MergeOptions)],
  ['Concatenate', (c) => new Merge('Concatenate', c as MergeOptions)],
  ['Flatten', (c) => new Flatten(c as FlattenOptions)],
  ['Reshape', (c) => new Reshape(c as unknown as ReshapeOptions)],
  ['Conv1D', (c) => new Conv(c as unknown as ConvOptions, 1)],
  ['Conv2D', (c) => new Conv(c as unknown as ConvOptions, 2)],
  ['DepthwiseConv2D', (c) => new DepthwiseConv2D(c as unknown as DepthwiseConvOptions)],
  ['SeparableConv2D', (c) => new SeparableConv2D(c as unknown as SeparableConvOptions)],
  ['Conv2DTranspose', (c) => new Conv2DTranspose(c as unknown as ConvTransposeOptions)],
  ['Embedding', (c) => new Embedding(c as unknown as EmbeddingOptions)],
  ['Permute', (c) => new Permute(c as unknown as PermuteOptions)],
  ['RepeatVector', (c) => new RepeatVector(c as unknown as RepeatVectorOptions)],
  ...(['MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D'] as PoolingClass[])
    .map((name): [string, FromConfig] => [name, (c) => new Pooling(name, c as Pooling2DOptions)]),
  ...(['GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D'] as GlobalPoolingClass[])
    .map((name): [string, FromConfig] => [name, (c) => new GlobalPooling(name, c as GlobalPoolingOptions)]),
  ['ZeroPadding2D', (c) => new ZeroPadding2D(c as ZeroPadding2DOptions)],
  ['Cropping2D', (c) => new Cropping2D(c as Cropping2DOptions)],
  ['UpSampling2D', (c) => new UpSampling2D(c as UpSampling2DOptions)],
  ['BatchNormalization', (c) => new BatchNormalization(c as BatchNormalizationOptions)],
  ['LayerNormalization', (c) => new LayerNormalization(c as LayerNormalizationOptions)],
]);

/** The class names a model file may hold (registered custom classes too). */
export function layerClassNames(): string[] {
  return [...registry.keys(), ...userClasses.keys()];
}

/** The name a class registers and saves under: its static `className`, else the class's own name. */
const classNameOf = (cls: LayerClass): string => (typeof cls.className === 'string' && cls.className !== '' ? cls.className : cls.name);

/**
 * Registers a custom layer class (a subclass of Layer defining `call`) under its static `className` (else its name),
 * as TF.js's `serialization.registerClass`: a model holding such a layer then saves (simdeep's format and TF.js's
 * layers format, with its weights) and loads, rebuilt with `new cls(config)` from its `getConfig()` (or the class's
 * static `fromConfig(cls, config)`). Registering a class again under the same name replaces it. Returns the class.
 * @throws TypeError for anything but a subclass of Layer; RangeError for the name of a built-in layer class.
 * @example
 * class Doubler extends Layer {
 *   static className = 'Doubler';
 *   override call(inputs: Tensor | Tensor[]): Tensor { return (inputs as Tensor).mul(2); }
 * }
 * serialization.registerClass(Doubler);
 * const net = sequential([new Doubler({ inputShape: [2] })]);
 * const copy = await loadModel(await net.save());
 * (copy.predict(tensor([[1, 2]])) as Tensor).toArray(); // [[2, 4]]
 */
export function registerClass<T extends LayerClass>(cls: T): T {
  const op = 'serialization.registerClass';
  if (typeof cls !== 'function' || !(cls.prototype instanceof Layer)) {
    throw new TypeError(`${op}: cls must be a subclass of Layer, got ${showValue(cls)}`);
  }
  const name = classNameOf(cls);
  if (registry.has(name)) throw new RangeError(`${op}: ${JSON.stringify(name)} is a built-in layer class; give the custom class another static className`);
  userClasses.set(name, cls);
  return cls;
}


/**
 * A layer of `className` from its config; a RangeError for a class no entry has, or for a config its options check
 * refuses.
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, op: string): Layer {
  const make = registry.get(className);
  const { name, ...rest } = config;
  const options = name === undefined ? rest : { ...rest, name };
  if (make) return make(options);
  const cls = userClasses.get(className);
  if (!cls) {
    throw new RangeError(`${op}: unknown layer class ${JSON.stringify(className)}: a custom layer class must be registered with ` +
      `serialization.registerClass(${/^[A-Za-z_$][\w$]*$/.test(className) ? className : 'TheClass'}) before loading (known: ${layerClassNames().join(', ')})`);
  }
  const layer = typeof cls.fromConfig === 'function' ? cls.fromConfig(cls, options) : new (cls as unknown as new (c: unknown) => Layer)(options);
  if (!(layer instanceof Layer)) throw new RangeError(`${op}: ${className}.fromConfig returned ${showValue(layer)}, not a layer`);
  return layer;
}
