// The values that example comments show (`expr; // [4, 6]`): parsed from a small, safe subset of JavaScript literals
// (JSON, plus single quotes, unquoted keys, NaN, Infinity and undefined), and compared with what the code gives.

/** A comment's expected value: exact (to float32 precision), or with `≈` rounded to the digits shown. */
export interface Expected {
  value: unknown;
  approx: boolean;
}

const NOT_A_VALUE = Symbol('not a value');

/** Parses a literal; returns NOT_A_VALUE unless all of `text` is one. */
function parseLiteral(text: string): unknown {
  let at = 0;
  const space = (): void => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  const fail = (): never => {
    throw NOT_A_VALUE;
  };
  const word = (): string => /^[A-Za-z_$][\w$]*/.exec(text.slice(at))?.[0] ?? '';
  const string = (): string => {
    const quote = text[at++];
    let out = '';
    while (at < text.length && text[at] !== quote) {
      if (text[at] === '\\') {
        const next = text[++at];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      } else out += text[at];
      at++;
    }
    if (text[at++] !== quote) fail();
    return out;
  };
  const value = (): unknown => {
    space();
    const c = text[at];
    if (c === '[') {
      at++;
      const items: unknown[] = [];
      for (space(); text[at] !== ']'; space()) {
        items.push(value());
        space();
        if (text[at] === ',') at++;
        else if (text[at] !== ']') fail();
      }
      at++;
      return items;
    }
    if (c === '{') {
      at++;
      const object: Record<string, unknown> = {};
      for (space(); text[at] !== '}'; space()) {
        let key = '';
        if (text[at] === '"' || text[at] === "'") key = string();
        else {
          key = word() || fail();
          at += key.length;
        }
        space();
        if (text[at++] !== ':') fail();
        object[key] = value();
        space();
        if (text[at] === ',') at++;
        else if (text[at] !== '}') fail();
      }
      at++;
      return object;
    }
    if (c === '"' || c === "'") return string();
    const number = /^-?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i.exec(text.slice(at))?.[0];
    if (number) {
      at += number.length;
      return Number(number);
    }
    const name = word();
    const constants: Record<string, unknown> = { true: true, false: false, null: null, undefined, NaN };
    if (!Object.hasOwn(constants, name)) fail();
    at += name.length;
    return constants[name];
  };
  try {
    const result = value();
    space();
    return at === text.length ? result : NOT_A_VALUE;
  } catch (error) {
    if (error === NOT_A_VALUE || error instanceof RangeError) return NOT_A_VALUE;
    throw error;
  }
}

/**
 * The value a comment states: `4`, `[1, 2]`, `{ a: 'x' }`, `≈ 0.33`, optionally followed by a remark in parentheses
 * (`// 2 (where workers run)`). Undefined for prose.
 */
export function parseExpected(comment: string): Expected | undefined {
  let text = comment.trim();
  const approx = text.startsWith('≈');
  if (approx) text = text.slice(1).trim();
  const remark = /^(.*?)\s+\([^()]*\)$/.exec(text);
  for (const candidate of remark ? [text, remark[1]] : [text]) {
    const value = parseLiteral(candidate);
    if (value !== NOT_A_VALUE) return { value, approx };
  }
  return undefined;
}

/** Whether a comment starts like a value (so prose must not: a typo in a value would go unchecked). */
export function looksLikeValue(comment: string): boolean {
  return /^(?:≈|[[{'"\d-]|(?:true|false|null|undefined|NaN|Infinity)\b)/.test(comment.trim());
}

/** Half a unit in the last decimal `expected` shows: the tolerance of an `≈` value. */
function halfLastDigit(expected: number): number {
  const [mantissa, exponent = '0'] = String(expected).split('e');
  const decimals = (mantissa.split('.')[1] ?? '').length - Number(exponent);
  return 0.5 * 10 ** -decimals;
}

function numbersMatch(actual: number, expected: number, approx: boolean): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (actual === expected) return true;
  const tolerance = approx ? halfLastDigit(expected) * (1 + 1e-9) : 1e-6 * Math.max(Math.abs(actual), Math.abs(expected));
  return Math.abs(actual - expected) <= tolerance;
}

/** Whether `actual` (numbers as float32 results) equals the comment's value. */
export function matches(actual: unknown, { value, approx }: Expected): boolean {
  const walk = (a: unknown, e: unknown): boolean => {
    if (typeof e === 'number') return typeof a === 'number' && numbersMatch(a, e, approx);
    if (Array.isArray(e)) {
      const list = ArrayBuffer.isView(a) ? Array.from(a as Float32Array) : a;
      return Array.isArray(list) && list.length === e.length && e.every((item, i) => walk(list[i], item));
    }
    if (typeof e === 'object' && e !== null) {
      if (typeof a !== 'object' || a === null || Array.isArray(a)) return false;
      const keys = (o: object): string[] => Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined).sort();
      const [ka, ke] = [keys(a), keys(e)];
      return ka.length === ke.length && ka.every((k, i) => k === ke[i]) &&
        ke.every((k) => walk((a as Record<string, unknown>)[k], (e as Record<string, unknown>)[k]));
    }
    return Object.is(a, e);
  };
  return walk(actual, value);
}

/** A value for failure messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
