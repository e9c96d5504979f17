// Checking a safetensors file's header (the format is described in safetensors.ts) before anything is allocated, as
// the format's Rust crate checks it (header ≤ 100 MB, offsets contiguous from 0 to the end of the file, byte lengths
// that fit the shapes) and more (no duplicate or prototype names, at most MAX_PARAMETERS values in all).
import { isRecord, MAX_PARAMETERS, show } from '../nn/parse';

/** The Rust crate's limit on the JSON header (MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;
export const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const ENTRY_KEYS = new Set(['dtype', 'shape', 'data_offsets']);

/** Bytes per value of each dtype the format defines (sub-byte float types are not read). */
export const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};
/** The dtypes read into float32 tensors. */
export const READ_DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I64', 'I32'];

/**
 * A tensor entry of a safetensors header, checked: its dtype, shape, and where its bytes are in the file.
 * @example
 * const entry: SafetensorsEntry = inspectSafetensors(writeSafetensors({ b: tensor([1, 2]) })).tensors.b;
 * entry.end - entry.begin; // 8
 */
export interface SafetensorsEntry {
  /** The dtype as the format names it ('F32', 'F16', 'BF16', 'F64', 'I64', 'I32', ...). */
  dtype: string;
  /** The shape (non-negative integers; [] for a scalar). */
  shape: number[];
  /** Byte offsets of its data in the file (the header included). */
  begin: number;
  end: number;
}

/**
 * A safetensors file's header, checked: its tensors by name, in file order, and its `__metadata__`.
 * @example
 * const header: SafetensorsHeader = inspectSafetensors(writeSafetensors({ a: tensor([1]) }, { format: 'pt' }));
 * Object.keys(header.tensors); // ['a']
 */
export interface SafetensorsHeader {
  /** The tensor entries, by name (a null-prototype record, in the order of their data). */
  tensors: Record<string, SafetensorsEntry>;
  /** The `__metadata__` strings (a null-prototype record; empty when the file has none). */
  metadata: Record<string, string>;
}

// parse.ts's, for the io modules that import them from here.
export { isRecord, show };

/**
 * Whether bytes look like a safetensors file (for a loader that recognises files by content): a header length
 * within the file and the 100 MB limit, and a header that starts with `{`. It checks nothing else.
 */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  return view.getUint32(4, true) === 0 && length <= MAX_HEADER_BYTES && 8 + length <= bytes.length && bytes[8] === 0x7b;
}

/** The file's bytes as a Uint8Array, or a TypeError naming `op`. */
export function bytesOf(bytes: unknown, op: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new TypeError(`${op}: bytes must be a Uint8Array or an ArrayBuffer, got ${show(bytes)}`);
}

/**
 * The top-level keys of a JSON object text, in order, so that a key given twice is seen (JSON.parse keeps the last).
 * Only called on text JSON.parse accepted as an object, so strings and nesting are well formed.
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0, expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

/** A shape entry checked: non-negative safe integers; returns it and its element count (capped checks first). */
function checkShape(value: unknown, at: string, fail: (m: string) => never): { shape: number[]; count: number } {
  if (!Array.isArray(value)) fail(`${at}.shape is ${show(value)}, not an array of sizes`);
  let count = 1;
  for (const [i, n] of value.entries()) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(`${at}.shape[${i}] is ${show(n)}, not a non-negative integer`);
    count *= n;
  }
  if (value.includes(0)) count = 0;
  else if (count > MAX_PARAMETERS) fail(`${at}.shape [${value.join(', ')}] declares ${count} values; a file holds at most ${MAX_PARAMETERS}`);
  return { shape: value as number[], count };
}

/**
 * Reads and checks a safetensors file's header, allocating no wasm memory: the header length (8 bytes, at most
 * 100 MB and within the file), the JSON (UTF-8, an object, no duplicate or prototype keys), each entry (a known
 * dtype, a shape of non-negative integers, data_offsets whose length is the shape's count times the dtype's size),
 * the offsets (contiguous from 0 to the end of the file: no gap, no overlap), at most MAX_PARAMETERS values in all,
 * and `__metadata__` (strings only).
 * @throws RangeError starting with `op` and naming the problem; TypeError unless bytes is a Uint8Array or ArrayBuffer.
 * @example
 * const file = writeSafetensors({ w: tensor([1, 2, 3]) }, { note: 'hi' });
 * const header = inspectSafetensors(file);
 * header.tensors.w.shape; // [3]
 * header.metadata.note; // 'hi'
 */
export function inspectSafetensors(bytes: Uint8Array | ArrayBuffer, op = 'inspectSafetensors'): SafetensorsHeader {
  const fail: (message: string) => never = (message) => {
    throw new RangeError(`${op}: ${message}`);
  };
  const data = bytesOf(bytes, op);
  if (data.length < 8) fail(`the file has ${data.length} bytes; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const high = view.getUint32(4, true), length = view.getUint32(0, true);
  if (high !== 0 || length > MAX_HEADER_BYTES) fail(`the header length is ${high * 2 ** 32 + length} bytes; at most ${MAX_HEADER_BYTES} (100 MB)`);
  if (8 + length > data.length) fail(`the header length is ${length} bytes but the file has ${data.length - 8} after the length`);
  let text = '', json: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(8, 8 + length));
    json = JSON.parse(text);
  } catch (error) {
    fail(`the JSON header is corrupt: ${String(error)}`);
  }
  if (!isRecord(json)) fail(`the JSON header is ${show(json)}, not an object`);
  if (text[0] !== '{') fail(`the JSON header starts with ${show(text[0])}, not { (the format asks for no leading space)`);
  const names = topLevelKeys(text), seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) fail(`the header names ${show(name)} twice`);
    seen.add(name);
  }
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: [string, SafetensorsEntry][] = [];
  for (const name of names) {
    if (FORBIDDEN_NAMES.has(name)) fail(`the header has the key ${show(name)}, which no tensor may be named`);
    const value = json[name], at = `tensor ${show(name)}`;
    if (name === '__metadata__') {
      if (!isRecord(value)) fail(`__metadata__ is ${show(value)}, not an object of strings`);
      for (const [key, string] of Object.entries(value)) {
        if (FORBIDDEN_NAMES.has(key)) fail(`__metadata__ has the key ${show(key)}`);
        if (typeof string !== 'string') fail(`__metadata__.${key} is ${show(string)}, not a string`);
        metadata[key] = string;
      }
      continue;
    }
    if (!isRecord(value)) fail(`${at} is ${show(value)}, not an object with dtype, shape and data_offsets`);
    const unknown = Object.keys(value).find((key) => !ENTRY_KEYS.has(key));
    if (unknown !== undefined) fail(`${at} has the unknown key ${show(unknown)} (expected dtype, shape, data_offsets)`);
    const { dtype, data_offsets: offsets } = value;
    if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) fail(`${at} has dtype ${show(dtype)}, not one of ${Object.keys(DTYPE_BYTES).join(', ')}`);
    const { shape, count } = checkShape(value.shape, at, fail);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      fail(`${at} has data_offsets ${show(offsets)}, not [begin, end] in bytes`);
    }
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * DTYPE_BYTES[dtype]) {
      fail(`${at} has data_offsets [${begin}, ${end}] (${end - begin} bytes) but its shape [${shape.join(', ')}] of ${dtype} needs ${count * DTYPE_BYTES[dtype]} bytes`);
    }
    entries.push([name, { dtype, shape: [...shape], begin: 8 + length + begin, end: 8 + length + end }]);
  }
  entries.sort((a, b) => a[1].begin - b[1].begin || a[1].end - b[1].end);
  let at = 8 + length, total = 0;
  const tensors: Record<string, SafetensorsEntry> = Object.create(null) as Record<string, SafetensorsEntry>;
  for (const [name, entry] of entries) {
    const where = `tensor ${show(name)} has data_offsets [${entry.begin - 8 - length}, ${entry.end - 8 - length}]`;
    if (entry.begin !== at) fail(`${where} but the data before it ends at ${at - 8 - length}: the offsets ${entry.begin < at ? 'overlap' : 'leave a gap'}`);
    total += entry.shape.includes(0) ? 0 : entry.shape.reduce((a, b) => a * b, 1);
    if (total > MAX_PARAMETERS) fail(`the tensors hold more than ${MAX_PARAMETERS} values in all`);
    tensors[name] = entry;
    at = entry.end;
  }
  if (at !== data.length) fail(`the tensors' data ends at byte ${at - 8 - length} but the file has ${data.length - 8 - length} bytes of data`);
  return { tensors, metadata };
}
