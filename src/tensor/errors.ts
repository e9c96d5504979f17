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
