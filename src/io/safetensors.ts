// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
// `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {string: string}}` (padded with spaces), then the
// tensors' raw little-endian bytes, offsets counted from the end of the header. Everything is checked as the Rust
// crate checks it (header ≤ 100 MB, offsets contiguous from 0 to the end of the file, byte lengths that fit the
// shapes) and more (no duplicate or prototype names, at most MAX_PARAMETERS values) before anything is allocated.
import { showValue } from '../tensor/errors';
import { tensor } from '../tensor/create';
import type { Tensor } from '../tensor/tensor';
import { checkTensor } from '../tensor/tensor';
import { MAX_PARAMETERS } from '../nn/parse';

/** The Rust crate's limit on the JSON header (MAX_HEADER_SIZE). */
const MAX_HEADER_BYTES = 100_000_000;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const ENTRY_KEYS = new Set(['dtype', 'shape', 'data_offsets']);

/** Bytes per value of each dtype the format defines (sub-byte float types are not read). */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};
/** The dtypes read into float32 tensors. */
const READ_DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I64', 'I32'];

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

const show = (value: unknown): string => {
  const text = showValue(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** The file's bytes as a Uint8Array, or a RangeError naming `op`. */
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
  const names = topLevelKeys(text);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) fail(`the header names ${show(twice)} twice`);
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

/**
 * The values of one checked entry as float32 (integers must be exact in float32: at most 2^24 in size).
 * @throws RangeError starting with `op` for a dtype that is not read, or an integer float32 cannot hold.
 */
export function entryValues(data: Uint8Array, name: string, entry: SafetensorsEntry, op: string): Float32Array {
  const { dtype, begin, end } = entry;
  if (!READ_DTYPES.includes(dtype)) {
    throw new RangeError(`${op}: tensor ${show(name)} has dtype ${dtype}, which is not read (float32 tensors from ${READ_DTYPES.join(', ')})`);
  }
  const view = new DataView(data.buffer, data.byteOffset + begin, end - begin);
  const size = DTYPE_BYTES[dtype], out = new Float32Array((end - begin) / size);
  const f16 = (h: number): number => {
    const e = (h >> 10) & 31, m = h & 1023, s = h >> 15 ? -1 : 1;
    return e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1024 + m) * 2 ** (e - 25);
  };
  const bf16 = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < out.length; i++) {
    const o = i * size;
    if (dtype === 'F32') out[i] = view.getFloat32(o, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(o, true);
    else if (dtype === 'F16') out[i] = f16(view.getUint16(o, true));
    else if (dtype === 'BF16') {
      bf16.setUint32(0, view.getUint16(o, true) << 16);
      out[i] = bf16.getFloat32(0);
    } else {
      const v = dtype === 'I32' ? view.getInt32(o, true) : Number(view.getBigInt64(o, true));
      if (Math.abs(v) > 2 ** 24) throw new RangeError(`${op}: tensor ${show(name)} holds the ${dtype} value ${v} at ${i}, which float32 cannot hold exactly`);
      out[i] = v;
    }
  }
  return out;
}

/**
 * Reads a safetensors file into float32 tensors by name (a null-prototype record, in the file's order). F32, F16,
 * BF16 and F64 values are converted to float32; I32 and I64 values too when float32 holds them exactly (at most
 * 2^24). The whole file is checked first (see inspectSafetensors), so a hostile file allocates nothing. Dispose the
 * tensors when done.
 * @throws RangeError starting with 'readSafetensors' naming the problem (a corrupt header, offsets that overlap or
 * leave gaps, a shape that does not fit its bytes, a dtype that is not read such as BOOL or U8); TypeError for bytes
 * that are not a Uint8Array or ArrayBuffer.
 * @example
 * const file = writeSafetensors({ 'fc.weight': tensor([[1, 2], [3, 4]]) });
 * const read = readSafetensors(file);
 * read['fc.weight'].toArray(); // [[1, 2], [3, 4]]
 * dispose(Object.values(read));
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const op = 'readSafetensors';
  const data = bytesOf(bytes, op);
  const { tensors } = inspectSafetensors(data, op);
  const values = Object.entries(tensors).map(([name, entry]) => [name, entryValues(data, name, entry, op), entry.shape] as const);
  const out: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const [name, v, shape] of values) out[name] = tensor(v, shape);
  return out;
}

/**
 * One tensor to write: a Tensor (float32), or values of a dtype the writer takes.
 * @example
 * const steps: SafetensorsValue = { dtype: 'I64', shape: [], values: [0] };
 * inspectSafetensors(writeSafetensors({ steps })).tensors.steps.dtype; // 'I64'
 */
export type SafetensorsValue = Tensor | { dtype: 'F32' | 'I64'; shape: readonly number[]; values: ArrayLike<number> };

/**
 * Writes tensors (by name, in the record's order) and `metadata` strings as a safetensors file: an 8-byte
 * little-endian header length, the JSON header padded with spaces to 8 bytes, then each tensor's float32
 * little-endian values (an entry `{ dtype: 'I64', shape, values }` writes int64 values, as PyTorch's
 * `num_batches_tracked`).
 * @throws RangeError starting with 'writeSafetensors' for a name that is empty, `__metadata__` or a prototype key,
 * metadata that is not strings, or an I64 value that is not an integer; TypeError for a value that is not a Tensor
 * or entry; DisposedError for a disposed tensor.
 * @example
 * const file = writeSafetensors({ bias: tensor([0.5, -1]) }, { format: 'pt' });
 * new DataView(file.buffer).getUint32(0, true) % 8; // 0
 * inspectSafetensors(file).tensors.bias.dtype; // 'F32'
 */
export function writeSafetensors(tensors: Record<string, SafetensorsValue>, metadata?: Record<string, string>): Uint8Array {
  const op = 'writeSafetensors';
  if (!isRecord(tensors) && !(typeof tensors === 'object' && tensors !== null && Object.getPrototypeOf(tensors) === null)) {
    throw new TypeError(`${op}: tensors must be an object of tensors by name, got ${show(tensors)}`);
  }
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new TypeError(`${op}: metadata must be an object of strings, got ${show(metadata)}`);
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string' || FORBIDDEN_NAMES.has(key)) throw new RangeError(`${op}: metadata.${key} is ${show(value)}; metadata holds strings under plain keys`);
    }
    header.__metadata__ = { ...metadata };
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(tensors)) {
    if (name === '' || name === '__metadata__' || FORBIDDEN_NAMES.has(name)) throw new RangeError(`${op}: ${show(name)} cannot name a tensor`);
    let part: Uint8Array, dtype: string, shape: readonly number[];
    if (value !== null && typeof value === 'object' && 'dtype' in value && !('dataSync' in value)) {
      ({ dtype, shape } = value);
      const int64 = dtype === 'I64';
      if (!int64 && dtype !== 'F32') throw new RangeError(`${op}: tensor ${show(name)} has dtype ${show(dtype)}; the writer takes F32 and I64`);
      part = new Uint8Array(value.values.length * (int64 ? 8 : 4));
      const view = new DataView(part.buffer);
      Array.from(value.values).forEach((v, i) => {
        if (int64 && !Number.isSafeInteger(v)) throw new RangeError(`${op}: tensor ${show(name)} holds ${v} at ${i}, not an I64 integer`);
        if (int64) view.setBigInt64(8 * i, BigInt(v), true); else view.setFloat32(4 * i, v, true);
      });
    } else {
      checkTensor(value, op, `tensors[${JSON.stringify(name)}]`);
      dtype = 'F32';
      shape = value.shape;
      part = new Uint8Array(value.dataSync().buffer.slice(0)); // little-endian, as wasm memory
    }
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + part.length] };
    parts.push(part);
    offset += part.length;
  }
  // Spaces pad the header to 8 bytes, as the Rust crate writes it, so that 8-byte values start aligned.
  const text = new TextEncoder().encode(JSON.stringify(header));
  const json = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(0x20);
  json.set(text);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
