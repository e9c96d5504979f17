// Numbers and padding as Python's str.format prints them, so that text reports match scikit-learn's character for
// character.

/**
 * `format(x, '.{digits}f')`: fixed-point with round-half-even on the exact binary value. NOTE: toFixed rounds an exact
 * tie away from zero (0.125 → '0.13') where Python gives '0.12'; a double's exact decimal expansion ends within 100
 * digits for every value this can tie on (its digit after `digits` is 5), so toFixed(100) shows whether it is one.
 */
export function pythonFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const rounded = x.toFixed(digits);
  if (Math.abs(x) >= 1e21) return rounded;
  const exact = Math.abs(x).toFixed(100), point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + digits);
  if (rest[0] !== '5' || !/^50*$/.test(rest)) return rounded;
  const truncated = exact.slice(0, digits === 0 ? point : point + 1 + digits);
  const lastDigit = Number(truncated[truncated.length - 1]);
  if (lastDigit % 2 !== 0) return rounded; // half-even rounds up to even, as toFixed did
  return `${x < 0 ? '-' : ''}${truncated}`;
}

/** `repr(x)` of a float: the shortest round-trip digits, fixed between 1e-4 and 1e16 (with '.0' if integral). */
export function pythonRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = String(x); // JavaScript prints fixed notation from 1e-6 to 1e21
  return text.includes('.') ? text : `${text}.0`;
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
