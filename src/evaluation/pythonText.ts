// Numbers and padding as Python's str.format prints them, so that text reports match scikit-learn's character for
// character. The numbers are the callbacks' Python format subset (nn/callbacks/python-format.ts), one implementation.

import { formatValue, pythonRepr } from '../nn/callbacks/python-format';

export { pythonRepr };

/** `format(x, '.{digits}f')`: fixed-point with round-half-even on the exact binary value, as Python (0.125 → '0.12'). */
export function pythonFixed(x: number, digits: number): string {
  return formatValue(x, { zero: false, width: 0, precision: digits, type: 'f' });
}

/** Python's length of a string: its code points (padding counts them, not UTF-16 units). */
const codePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/** `format(text, '>{width}')`. */
export function padLeft(text: string, width: number): string {
  const n = codePoints(text);
  return n >= width ? text : ' '.repeat(width - n) + text;
}

/** The widest of the texts, in code points. */
export function widest(texts: readonly string[]): number {
  return texts.reduce((w, t) => Math.max(w, codePoints(t)), 0);
}
