/**
 * Thrown when shapes do not fit an op: they do not broadcast, multiply, concatenate or reshape. The message names
 * the op, the arguments and their shapes.
 * @example
 * try {
 *   add(zeros([2, 3]), zeros([4]));
 * } catch (e) {
 *   if (e instanceof ShapeError) console.log(e.message); // 'add: shapes [2,3] and [4] do not broadcast (axis -1: 3 vs 4)'
 * }
 */
export class ShapeError extends Error {
  /**
   * The error's name, shown in stack traces.
   * @example
   * new ShapeError('a message').name; // 'ShapeError'
   */
  override name = 'ShapeError';
}

/**
 * Thrown when a disposed tensor (or model) is used. The message names the op and the argument.
 * @example
 * const t = zeros([2]);
 * t.dispose();
 * try {
 *   t.sum();
 * } catch (e) {
 *   if (e instanceof DisposedError) console.log(e.message); // 'sum: x was disposed'
 * }
 */
export class DisposedError extends Error {
  /**
   * The error's name, shown in stack traces.
   * @example
   * new DisposedError('a message').name; // 'DisposedError'
   */
  override name = 'DisposedError';
}

/**
 * Thrown (as a rejection) by `fit` and `trainOnBatch` when a batch's loss or gradient becomes NaN or ±Infinity; the
 * weights are those from before that step. A RangeError. Pass `terminateOnNaN: false` to `fit` to train on instead.
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'ones' })]);
 * model.compile({ optimizer: sgd(), loss: 'meanSquaredError' });
 * try {
 *   await model.fit(tensor([[1e30]]), tensor([[0]]), { epochs: 5 }); // the squared error overflows float32
 * } catch (e) {
 *   if (e instanceof DivergedError) console.log([e.epoch, e.batch]); // [1, 1]
 * }
 */
export class DivergedError extends RangeError {
  /**
   * The error's name, shown in stack traces.
   * @example
   * new DivergedError(1, 1).name; // 'DivergedError'
   */
  override name = 'DivergedError';
  /**
   * An error for the step of batch `batch` in epoch `epoch` (both counted from 1) of `op` (default 'fit'; for
   * 'trainOnBatch', its one batch: 1 and 1), with a message that says what to try.
   * @example
   * new DivergedError(3, 7).message.startsWith('fit: the loss or its gradient became NaN or Infinity in epoch 3, batch 7'); // true
   * new DivergedError(1, 1, 'trainOnBatch').message.startsWith('trainOnBatch: the loss or its gradient became NaN or Infinity;'); // true
   */
  constructor(
    /**
     * The epoch of the step that diverged, counted from 1.
     * @example
     * new DivergedError(3, 7).epoch; // 3
     */
    readonly epoch: number,
    /**
     * The batch of that epoch whose step diverged, counted from 1.
     * @example
     * new DivergedError(3, 7).batch; // 7
     */
    readonly batch: number,
    op = 'fit',
  ) {
    super(op === 'fit'
      ? `fit: the loss or its gradient became NaN or Infinity in epoch ${epoch}, batch ${batch}; training stopped with the weights ` +
        'from before that step (lower the learning rate, scale the inputs, or pass terminateOnNaN: false to train on)'
      : `${op}: the loss or its gradient became NaN or Infinity; the step was not taken and the weights are those from before ` +
        'it (lower the learning rate or scale the inputs)');
  }
}

/** Formats a shape for messages: [2,3]. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Formats any value for messages, briefly (arrays nested deeper than three levels by their length only). */
export function showValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) {
    if (value.length > 8 || depth >= 3) return `an array of length ${value.length}`;
    return `[${value.map((v) => showValue(v, depth + 1)).join(',')}]`;
  }
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return withArticle(typeof name === 'string' && name !== '' ? name : 'object');
}

/** "an Object", "an ArrayBuffer", "a Float32Array", "a Uint8Array" (the article goes by the sound of the name). */
function withArticle(name: string): string {
  return `${/^[AEIOaeio]/.test(name) ? 'an' : 'a'} ${name}`;
}
