/**
 * Thrown when shapes do not fit an op: they do not broadcast, multiply, concatenate or reshape.
 * @example
 * try { add(zeros([2, 3]), zeros([4])); } catch (e) { console.log(e instanceof ShapeError); } // true
 */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/**
 * Thrown when a disposed tensor is used.
 * @example
 * const t = zeros([2]); t.dispose();
 * try { t.sum(); } catch (e) { console.log(e instanceof DisposedError); } // true
 */
export class DisposedError extends Error {
  override name = 'DisposedError';
}

/**
 * Thrown by `fit` when a batch's loss or gradient becomes NaN or ±Infinity; the weights are those from before that
 * step. `epoch` and `batch` count from 1.
 * @example
 * try { await model.fit(x, y, { epochs: 10 }); } catch (e) { if (e instanceof DivergedError) console.log(e.epoch, e.batch); }
 */
export class DivergedError extends RangeError {
  override name = 'DivergedError';
  constructor(readonly epoch: number, readonly batch: number) {
    super(`fit: the loss or its gradient became NaN or Infinity in epoch ${epoch}, batch ${batch}; training stopped with the weights ` +
      'from before that step (lower the learning rate, scale the inputs, or pass terminateOnNaN: false to train on)');
  }
}

/** Formats a shape for messages: [2,3]. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Formats any value for messages, briefly. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (Array.isArray(value)) return value.length > 8 ? `an array of length ${value.length}` : `[${value.map(showValue).join(',')}]`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? `a ${value.constructor?.name ?? 'object'}` : typeof value;
}
