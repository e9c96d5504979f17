import { f32View } from '../runtime/heap';
import type { Tensor } from '../tensor/tensor';
import type { LossName } from './losses';

/**
 * Throws a RangeError naming the row and column of the first target the loss cannot take: binaryCrossentropy
 * targets outside [0, 1], negative categoricalCrossentropy targets (both would give negative losses). NaN and
 * ±Infinity are left to the finite check, which names them as missing values. Reads y in place; allocates nothing.
 */
export function checkTargetValues(y: Tensor, loss: LossName | 'custom', op: string, arg: string): void {
  const binary = loss === 'binaryCrossentropy';
  if (!binary && loss !== 'categoricalCrossentropy') return;
  const values = f32View(y.ptr, y.size);
  const bad = values.findIndex((v) => Number.isFinite(v) && (v < 0 || (binary && v > 1)));
  if (bad < 0) return;
  const cols = y.rank > 1 ? y.size / y.shape[0] : 1;
  const need = binary ? 'targets in [0, 1]' : 'targets >= 0 (one-hot or class probabilities)';
  throw new RangeError(`${op}: ${arg} holds ${values[bad]} at row ${Math.floor(bad / cols)}, column ${bad % cols}; ${loss} needs ${need}`);
}
