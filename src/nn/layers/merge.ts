// Merge layers: add, multiply, average (arguments of one shape) and concatenate (along the features). No weights;
// their kernels are in assembly/layers/merge.ts.
import { KIND_ADD, KIND_AVERAGE, KIND_CONCATENATE, KIND_MULTIPLY } from '../../../assembly/layout';
import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { Layer, showShapes, type LayerOptions } from './layer';

/** Options of the merge layers. */
export interface MergeOptions extends LayerOptions {
  /** concatenate only: the axis to join along; -1 or 1 (the features, the only one there is). */
  axis?: number;
}

/** The merge kinds by class name. */
const KINDS = { Add: KIND_ADD, Multiply: KIND_MULTIPLY, Average: KIND_AVERAGE, Concatenate: KIND_CONCATENATE } as const;

/**
 * A layer that combines two or more arguments: element by element (Add, Multiply, Average; one shape) or side by
 * side (Concatenate). Make one with `add()`, `multiply()`, `average()` or `concatenate()`.
 * @example
 * const a = input({ shape: [2] }), b = input({ shape: [3] });
 * layers.concatenate().apply([a, b]).shape; // [null, 5]
 */
export class Merge extends Layer {
  /** @internal */
  override readonly arity = 'many';
  /** @internal */
  declare readonly kind: number;

  /**
   * A merge layer of class `className` ('Add', 'Multiply', 'Average' or 'Concatenate').
   * @example
   * new Merge('Add').className; // 'Add'
   */
  constructor(
    /**
     * 'Add', 'Multiply', 'Average' or 'Concatenate'.
     * @example
     * layers.concatenate().className; // 'Concatenate'
     */
    override readonly className: keyof typeof KINDS,
    options: MergeOptions = {},
  ) {
    const op = className.toLowerCase();
    if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object, got ${showValue(options)}`);
    checkOptionKeys(op, options, className === 'Concatenate' ? ['name', 'axis'] : ['name']);
    if (options.axis !== undefined && options.axis !== -1 && options.axis !== 1) {
      throw new RangeError(`${op}: axis must be -1 or 1 (the features), got ${showValue(options.axis)}`);
    }
    super(options, op);
    this.kind = KINDS[className];
  }

  /** @internal */
  override outputShape(shapes: readonly (readonly number[])[], op: string): number[] {
    if (this.className === 'Concatenate') {
      if (shapes.some((d) => d.length !== 1)) throw this.shapeError(op, `joins [null, features] arguments (flatten others first), got ${showShapes(shapes)}`);
      return [shapes.reduce((a, d) => a + d[0], 0)];
    }
    if (shapes.some((d) => d.join() !== shapes[0].join())) throw this.shapeError(op, `needs arguments of one shape, got ${showShapes(shapes)}`);
    return [...shapes[0]];
  }

  /**
   * The options that rebuild it.
   * @example
   * layers.add({ name: 'skip' }).getConfig(); // { name: 'skip' }
   */
  override getConfig(): Record<string, unknown> {
    return { name: this.name };
  }
}

/**
 * A layer adding its arguments element by element (`layers.add`; the top-level `add` is the element-wise op), as in a residual connection.
 * @example
 * const x = input({ shape: [4] });
 * const y = layers.add().apply([x, dense({ units: 4 }).apply(x)]);
 * y.shape; // [null, 4]
 */
export function add(options: MergeOptions = {}): Merge {
  return new Merge('Add', options);
}

/**
 * A layer multiplying its arguments element by element (`layers.multiply`).
 * @example
 * const a = input({ shape: [3] }), b = input({ shape: [3] });
 * layers.multiply().apply([a, b]).shape; // [null, 3]
 */
export function multiply(options: MergeOptions = {}): Merge {
  return new Merge('Multiply', options);
}

/**
 * A layer averaging its arguments element by element (`layers.average`).
 * @example
 * const a = input({ shape: [3] }), b = input({ shape: [3] });
 * layers.average().apply([a, b]).shape; // [null, 3]
 */
export function average(options: MergeOptions = {}): Merge {
  return new Merge('Average', options);
}

/**
 * A layer joining its arguments' features side by side, in order (`layers.concatenate`).
 * @example
 * const a = input({ shape: [3] }), b = input({ shape: [2] });
 * layers.concatenate().apply([a, b]).shape; // [null, 5]
 */
export function concatenate(options: MergeOptions = {}): Merge {
  return new Merge('Concatenate', options);
}
