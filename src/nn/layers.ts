// The layer factories, as `layers.dense(...)` in the style of TensorFlow.js (the merge, flatten, reshape and
// convolution layers only here: `add`, `reshape` and `conv2d` at the top level are tensor ops).
export { dense } from './layers/dense';
export { dropout } from './layers/dropout';
export { activation } from './layers/activation';
export { input } from './layers/input';
export { add, multiply, average, concatenate } from './layers/merge';
export { flatten, reshape } from './layers/reshape';
export { conv1d, conv2d } from './layers/conv';
export { depthwiseConv2d, separableConv2d } from './layers/depthwise';
export { conv2dTranspose } from './layers/convTranspose';
export { embedding } from './layers/embedding';
export { permute, repeatVector } from './layers/permute';
export {
  maxPooling1d, maxPooling2d, averagePooling1d, averagePooling2d, globalAveragePooling1d, globalAveragePooling2d, globalMaxPooling1d,
  globalMaxPooling2d,
} from './layers/pooling';
export { zeroPadding2d, cropping2d, upSampling2d } from './layers/spatial';
export { batchNormalization, layerNormalization } from './layers/normalization';
