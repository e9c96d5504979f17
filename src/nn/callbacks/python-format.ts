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
  if (!m || (m[3] !== undefined && m[4] === undefined) || (m[3] !== undefined && m[4] === 'd')) return undefined; // Python's general format: outside
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

/** `value` formatted as Python's format(value, spec) does for the subset (an int for 'd', a float otherwise). */
export function formatValue(value: number, spec: FormatSpec): string {
  let text: string;
  if (!Number.isFinite(value)) text = Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  else if (spec.type === 'd') text = Math.trunc(value).toFixed(0);
  else if (spec.type === 'f') text = value.toFixed(spec.precision ?? 6);
  else if (spec.type === 'e') {
    const [mantissa, exp] = value.toExponential(spec.precision ?? 6).split('e');
    const e = Number(exp);
    text = `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  } else text = pythonRepr(value);
  if (text.length >= spec.width) return text;
  // Python pads numbers on the left: with zeros after the sign, else with spaces (nan and inf take spaces).
  if (spec.zero && Number.isFinite(value)) {
    const sign = text.startsWith('-') ? '-' : '';
    return sign + text.slice(sign.length).padStart(spec.width - sign.length, '0');
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
