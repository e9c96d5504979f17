// The subset of Python's str.format that Keras users write in checkpoint paths and that Keras's progress bar prints
// with: `{name}`, `{name:spec}` with spec [0][width][.precision][d|f|e], and `{{`/`}}` for braces.

/** A format spec parsed: zero padding, minimum width, precision, and the presentation type ('' for str()). */
export interface FormatSpec {
  zero: boolean;
  width: number;
  precision: number | undefined;
  type: '' | 'd' | 'f' | 'e';
}

/** A path template parsed: literal text and placeholders, in order. */
export type TemplatePiece = string | { name: string; spec: FormatSpec; text: string };

const SPEC = /^(0)?(\d+)?(?:\.(\d+))?([dfe])?$/;

/** Parses a spec such as `02d` or `.4f`; undefined for one outside the subset. */
export function parseSpec(spec: string): FormatSpec | undefined {
  const m = SPEC.exec(spec);
  if (!m || (m[3] !== undefined && (m[4] === undefined || m[4] === 'd' || Number(m[3]) > 20))) return undefined; // Python's general format: outside
  return { zero: m[1] !== undefined, width: m[2] === undefined ? 0 : Number(m[2]), precision: m[3] === undefined ? undefined : Number(m[3]),
    type: (m[4] ?? '') as FormatSpec['type'] };
}

/**
 * Python's repr of a float: the shortest digits that read back to it, in positional notation for exponents in
 * [-4, 16) (`0.0001`, `12.0`), else scientific with a signed two-digit exponent (`1e-05`, `1.5e+16`); `nan`, `inf`.
 */
export function pythonRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return `${value.toFixed(0)}.0`;
  const [mantissa, exp] = value.toExponential().split('e');
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(value);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/**
 * Whether |x| lies exactly halfway between two multiples of 10^-f (then JS's toFixed and toExponential round away
 * from zero where Python rounds to even). x = M·2^E exactly, so 2·x·10^f = M·5^f·2^(f+E+1) for f ≥ 0: an odd integer
 * just when f + E + 1 plus the trailing zero bits of M is 0. For f < 0 only an integer can be halfway.
 */
function halfway(x: number, f: number): boolean {
  if (x === 0 || !Number.isFinite(x)) return false;
  if (f < 0) {
    if (!Number.isInteger(x) || Math.abs(x) > Number.MAX_SAFE_INTEGER) return false;
    const unit = 10n ** BigInt(-f);
    return (BigInt(Math.abs(x)) % unit) * 2n === unit;
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const high = view.getUint32(0), low = view.getUint32(4), biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(low), exponent = biased - 1075;
  if (biased === 0) exponent = -1074; else mantissa |= 1n << 52n;
  let zeros = 0;
  while ((mantissa & 1n) === 0n) { mantissa >>= 1n; zeros++; }
  return f + exponent + 1 + zeros === 0;
}

/** |value| rounded to `digits` decimals (fixed) or significant digits after the first (exponent), ties to even, as Python. */
function rounded(value: number, digits: number, fixed: boolean): string {
  const abs = Math.abs(value);
  const up = fixed ? abs.toFixed(digits) : abs.toExponential(digits);
  const e = fixed ? 0 : Number(abs.toExponential(digits + 1).split('e')[1]);
  if (!halfway(abs, fixed ? digits : digits - e)) return up;
  // The exact value has one more digit, a 5: dropping it gives the neighbour below; keep whichever ends even.
  const exact = fixed ? abs.toFixed(digits + 1) : abs.toExponential(digits + 1);
  const [m, x] = exact.split('e');
  const down = m.slice(0, -1).replace(/\.$/, '');
  if (Number(down.at(-1)) % 2 !== 0) return up;
  return x === undefined ? down : `${down}e${x}`;
}

/** `value` formatted as Python's format(value, spec) does for the subset (an int for 'd', a float otherwise). */
export function formatValue(value: number, spec: FormatSpec): string {
  let text: string;
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (!Number.isFinite(value)) text = Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  else if (spec.type === 'd') text = Math.trunc(value).toFixed(0);
  else if (spec.type === 'f') text = sign + rounded(value, spec.precision ?? 6, true);
  else if (spec.type === 'e') {
    const [mantissa, exp] = rounded(value, spec.precision ?? 6, false).split('e');
    const e = Number(exp);
    text = `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else text = pythonRepr(value);
  if (text.length >= spec.width) return text;
  // Python pads numbers on the left: with zeros after the sign (nan and inf too), else with spaces.
  if (spec.zero) {
    const lead = text.startsWith('-') ? '-' : '';
    return lead + text.slice(lead.length).padStart(spec.width - lead.length, '0');
  }
  return text.padStart(spec.width, ' ');
}

/**
 * Parses a template such as `model-{epoch:02d}-{val_loss:.2f}.sdm`; throws a RangeError starting with `op` for an
 * unmatched brace or a spec outside the subset.
 */
export function parseTemplate(template: string, op: string, option: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '}') {
      throw new RangeError(`${op}: ${option} ${JSON.stringify(template)} has a '}' without its '{' (write '}}' for a brace)`);
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new RangeError(`${op}: ${option} ${JSON.stringify(template)} has a '{' without its '}' (write '{{' for a brace)`);
      const inside = template.slice(i + 1, end), colon = inside.indexOf(':');
      const name = colon < 0 ? inside : inside.slice(0, colon), spec = parseSpec(colon < 0 ? '' : inside.slice(colon + 1));
      if (name === '' || !spec) {
        throw new RangeError(`${op}: ${option} placeholder {${inside}} must be {name} or {name:spec}, spec [0][width]d or [0][width][.precision] then f or e (such as {epoch:02d}, {val_loss:.4f})`);
      }
      if (text) pieces.push(text);
      text = '';
      pieces.push({ name, spec, text: `{${inside}}` });
      i = end;
    } else text += c;
  }
  if (text) pieces.push(text);
  return pieces;
}

/** The template filled from `values` (every placeholder's name must be there). */
export function fillTemplate(pieces: readonly TemplatePiece[], values: Readonly<Record<string, number>>): string {
  return pieces.map((p) => (typeof p === 'string' ? p : formatValue(values[p.name], p.spec))).join('');
}
