// The layer factories, as `layers.dense(...)` in the style of TensorFlow.js (the merge, flatten and reshape layers
// only here: `add` and `reshape` at the top level are tensor ops).
export { dense } from './layers/dense';
export { dropout } from './layers/dropout';
export { activation } from './layers/activation';
export { input } from './layers/input';
export { add, multiply, average, concatenate } from './layers/merge';
export { flatten, reshape } from './layers/reshape';
