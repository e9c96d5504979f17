// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
// `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {string: string}}` (padded with spaces), then the
// tensors' raw little-endian bytes, offsets counted from the end of the header. Reading checks the whole header first
// (safetensors-header.ts), so a hostile file allocates nothing; values of other dtypes are converted to float32.
import { tensor } from '../tensor/create';
import { checkTensor, type Tensor } from '../tensor/tensor';
import { bytesOf, DTYPE_BYTES, FORBIDDEN_NAMES, inspectSafetensors, isRecord, READ_DTYPES, show, type SafetensorsEntry } from './safetensors-header';
import { halfToFloat } from './half';

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
  if (dtype === 'F32' && (data.byteOffset + begin) % 4 === 0) {
    out.set(new Float32Array(data.buffer, data.byteOffset + begin, out.length)); // little-endian, as every engine that runs wasm
    return out;
  }
  const bf16 = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < out.length; i++) {
    const o = i * size;
    if (dtype === 'F32') out[i] = view.getFloat32(o, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(o, true);
    else if (dtype === 'F16') out[i] = halfToFloat(view.getUint16(o, true));
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
  try {
    for (const [name, v, shape] of values) out[name] = tensor(v, shape);
  } catch (error) {
    Object.values(out).forEach((t) => t.dispose()); // out of memory midway: nothing kept
    throw error;
  }
  return out;
}

/**
 * One tensor to write: a Tensor (float32), or values of a dtype the writer takes.
 * @example
 * const steps: SafetensorsValue = { dtype: 'I64', shape: [], values: [0] };
 * inspectSafetensors(writeSafetensors({ steps })).tensors.steps.dtype; // 'I64'
 */
export type SafetensorsValue = Tensor | { dtype: 'F32' | 'I64'; shape: readonly number[]; values: ArrayLike<number> };

/** A value to write as its dtype, shape and little-endian bytes, checked. */
function entryBytes(name: string, value: SafetensorsValue, op: string): { dtype: string; shape: readonly number[]; part: Uint8Array } {
  if (!isRecord(value)) {
    checkTensor(value, op, `tensors[${JSON.stringify(name)}]`);
    return { dtype: 'F32', shape: value.shape, part: new Uint8Array(value.dataSync().buffer) }; // little-endian, as wasm memory
  }
  const { dtype, shape, values } = value as Exclude<SafetensorsValue, Tensor>, at = `tensor ${show(name)}`;
  if (dtype !== 'I64' && dtype !== 'F32') throw new RangeError(`${op}: ${at} has dtype ${show(dtype)}; the writer takes F32 and I64`);
  const sizes = Array.isArray(shape) && shape.every((n) => Number.isSafeInteger(n) && n >= 0);
  if (!sizes || typeof values?.length !== 'number' || shape.reduce((a, b) => a * b, 1) !== values.length) {
    throw new RangeError(`${op}: ${at} has shape ${show(shape)} and ${show(values?.length)} values; the shape must be sizes whose product is the count`);
  }
  if (dtype === 'F32') return { dtype, shape, part: new Uint8Array(Float32Array.from(values).buffer) };
  const part = new Uint8Array(values.length * 8), view = new DataView(part.buffer);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isSafeInteger(values[i])) throw new RangeError(`${op}: ${at} holds ${values[i]} at ${i}, not an I64 integer`);
    view.setBigInt64(8 * i, BigInt(values[i]), true);
  }
  return { dtype, shape, part };
}

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
    const { dtype, shape, part } = entryBytes(name, value, op);
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
