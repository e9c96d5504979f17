import { CREATE, type Tensor } from '../../tensor/tensor';
import { availableName, Variable } from '../../tensor/variable';
import type { Layer } from './layer';

/**
 * A weight of `layer` made of `values` (an initializer's new tensor: the variable takes over its storage, and it is
 * disposed): a variable named `<layer>/<weightName>` (Keras' name: `dense_1/kernel`,
 * `batch_normalization_1/moving_mean`), with a suffix while a live variable has that name.
 */
export function layerWeight(layer: Layer, weightName: string, values: Tensor, trainable = true): Variable {
  try {
    return new Variable(CREATE, values, trainable, availableName(`${layer.label}/${weightName}`), true);
  } finally {
    values.dispose();
  }
}
