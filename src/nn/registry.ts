// The layer kinds a model file can hold: class name → how to rebuild the layer from its saved config. A new layer
// kind adds its entry here (see ARCHITECTURE.md, "Adding a layer").
import { Activation, type ActivationOptions } from './layers/activation';
import { dense, type DenseOptions } from './layers/dense';
import { dropout, type DropoutOptions } from './layers/dropout';
import { InputLayer, type InputOptions } from './layers/input';
import type { Layer } from './layers/layer';
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

/** The class names a model file may hold. */
export function layerClassNames(): string[] {
  return [...registry.keys()];
}

/**
 * A layer of `className` from its config; a RangeError for a class no entry has, or for a config its options check
 * refuses.
 */
export function layerFromConfig(className: string, config: Record<string, unknown>, op: string): Layer {
  const make = registry.get(className);
  if (!make) throw new RangeError(`${op}: unknown layer class ${JSON.stringify(className)} (known: ${layerClassNames().join(', ')})`);
  const { name, ...rest } = config;
  return make(name === undefined ? rest : { ...rest, name });
}
