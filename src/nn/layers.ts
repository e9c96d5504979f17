// The layer factories, as `layers.dense(...)` in the style of TensorFlow.js.
export { dense } from './dense';
export { dropout } from './dropout';
