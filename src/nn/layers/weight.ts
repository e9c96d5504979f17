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
    const weight = new Variable(CREATE, values, trainable, availableName(`${layer.label}/${weightName}`), true);
    kerasNames.set(weight, `${layer.label}/${weightName}`);
    return weight;
  } finally {
    values.dispose();
  }
}

/** Each layer weight's Keras name, `<layer>/<weight>`, without the suffix its variable's name may have. */
const kerasNames = new WeakMap<Variable, string>();

/** The Keras name of a layer's weight (`dense_1/kernel` even while another live variable has that name). */
export function kerasName(weight: Variable): string {
  return kerasNames.get(weight) ?? weight.name;
}
