// The layer factories, as `layers.dense(...)` in the style of TensorFlow.js (the merge layers only here: `add` at
// the top level is the element-wise op).
export { dense } from './layers/dense';
export { dropout } from './layers/dropout';
export { activation } from './layers/activation';
export { input } from './layers/input';
export { add, multiply, average, concatenate } from './layers/merge';
