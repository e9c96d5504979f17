// TF.js weight specs and weight data: checking a manifest against the weights a model needs (names matched exactly,
// or by their last `<layer>/<weight>` segments for Keras 3's prefixed names; shapes, dtypes, quantization and the byte
// count all checked before anything is allocated), and decoding the bytes to float32 (int32, and float16 / uint8 /
// uint16 quantized weights dequantized as TF.js's decodeWeights does).
import { MAX_PARAMETERS } from '../nn/parse';
import { isRecord, show } from './keras-config';
import { halfToFloat } from './half';

/**
 * One weight of a TF.js weights manifest: its name, shape and dtype, and how it is quantized if it is.
 * @example
 * const spec: WeightSpec = { name: 'dense_1/kernel', shape: [3, 2], dtype: 'float32', quantization: { dtype: 'float16' } };
 */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** 'float32' or 'int32' (TF.js's other dtypes are refused when read). */
  dtype: 'float32' | 'int32' | string;
  /** Stored as float16, or as uint8 / uint16 codes q standing for q·scale + min. */
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number; original_dtype?: string };
}

/**
 * One group of a TF.js `weightsManifest`: the shard files holding its weights' bytes (concatenated in order) and the
 * weights they hold.
 * @example
 * const group: WeightsManifestGroup = { paths: ['weights.bin'], weights: [{ name: 'dense_1/bias', shape: [2], dtype: 'float32' }] };
 */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** Where each weight the model needs is in the weight data, and how to decode it. */
export interface WeightPlan {
  /** Per model weight (model.weights order): the spec, its byte offset and byte length. */
  slots: { spec: WeightSpec; offset: number; bytes: number }[];
  /** The bytes the specs declare in all. */
  totalBytes: number;
}

const QUANT_BYTES: Record<string, number> = { float16: 2, uint8: 1, uint16: 2 };

/** Checks one spec (the object itself, its shape, dtype and quantization); returns its byte length. */
function checkSpec(spec: unknown, at: string, op: string): number {
  const fail = (m: string): never => { throw new RangeError(`${op}: ${at} ${m}`); };
  if (!isRecord(spec)) fail(`is ${show(spec)}, not { name, shape, dtype }`);
  const s = spec as Record<string, unknown>;
  if (typeof s.name !== 'string') fail(`.name is ${show(s.name)}, not a string`);
  const where = `${at} (${JSON.stringify(s.name)})`;
  const bad = (m: string): never => { throw new RangeError(`${op}: ${where} ${m}`); };
  if (!Array.isArray(s.shape) || s.shape.length > 8 || !s.shape.every((v) => Number.isInteger(v) && v >= 0 && v <= MAX_PARAMETERS)) {
    bad(`.shape is ${show(s.shape)}; expected at most 8 sizes, integers in [0, 2^27]`);
  }
  const size = (s.shape as number[]).reduce((a, b) => a * b, 1);
  if (size > MAX_PARAMETERS) bad(`.shape [${(s.shape as number[]).join(', ')}] holds ${size} values; at most ${MAX_PARAMETERS}`);
  if (s.dtype !== 'float32' && s.dtype !== 'int32') bad(`.dtype is ${show(s.dtype)}; simdeep reads float32 and int32 weights`);
  const known = new Set(['name', 'shape', 'dtype', 'quantization', 'group']);
  const extra = Object.keys(s).find((k) => !known.has(k));
  if (extra !== undefined) bad(`has the key ${show(extra)}, which a weight spec does not have`);
  const q = s.quantization;
  if (q === undefined) return 4 * size;
  if (!isRecord(q) || typeof q.dtype !== 'string' || !Object.hasOwn(QUANT_BYTES, q.dtype)) bad(`.quantization is ${show(q)}; expected { dtype: 'float16' | 'uint8' | 'uint16', ... }`);
  const quant = q as Record<string, unknown>;
  if (quant.dtype === 'float16') {
    if (s.dtype !== 'float32') bad(`is quantized to float16 but its dtype is ${s.dtype}; float16 holds float32 weights only`);
  } else {
    for (const key of ['scale', 'min']) {
      if (typeof quant[key] !== 'number' || !Number.isFinite(quant[key])) bad(`.quantization.${key} is ${show(quant[key])}; ${quant.dtype} codes need a finite scale and min`);
    }
  }
  return QUANT_BYTES[quant.dtype as string] * size;
}

/**
 * Matches specs to the weights a model needs (`expected`, in model.weights order) and lays them out in the weight
 * data (specs' bytes concatenated in order). A RangeError, allocating nothing, names a missing, extra, twice-matched
 * or wrong-shaped weight (with both shapes) or a bad spec.
 */
export function planWeights(specs: unknown, expected: readonly { name: string; shape: readonly number[] }[], op: string): WeightPlan {
  if (!Array.isArray(specs)) throw new RangeError(`${op}: weightSpecs is ${show(specs)}, not a list of { name, shape, dtype }`);
  if (specs.length > 1 << 20) throw new RangeError(`${op}: weightSpecs has ${specs.length} entries; at most 2^20`);
  const index = new Map(expected.map((w, i) => [w.name, i]));
  const slots: (WeightPlan['slots'][number] | undefined)[] = new Array(expected.length);
  let offset = 0, values = 0;
  specs.forEach((spec: unknown, i) => {
    const bytes = checkSpec(spec, `weightSpecs[${i}]`, op);
    const s = spec as WeightSpec;
    values += s.shape.reduce((a, b) => a * b, 1);
    if (values > MAX_PARAMETERS) throw new RangeError(`${op}: the weight specs declare more than ${MAX_PARAMETERS} values in all`);
    // Keras 3 prefixes names with the model's (sequential/dense/kernel): drop leading segments until one matches.
    const parts = s.name.split('/');
    let k = 0;
    while (k < parts.length - 1 && !index.has(parts.slice(k).join('/'))) k++;
    const target = index.get(parts.slice(k).join('/'));
    if (target === undefined) {
      throw new RangeError(`${op}: weightSpecs[${i}] is ${JSON.stringify(s.name)}, a weight the model does not have (its weights: ${show(expected.map((w) => w.name).join(', '))})`);
    }
    const want = expected[target];
    if (slots[target]) throw new RangeError(`${op}: weightSpecs[${i}] ${JSON.stringify(s.name)} is a second value for weight ${JSON.stringify(want.name)}`);
    if (s.shape.join() !== want.shape.join()) {
      throw new RangeError(`${op}: weight ${JSON.stringify(s.name)} has shape [${s.shape.join(', ')}] but the model's ${want.name} has shape [${want.shape.join(', ')}]`);
    }
    slots[target] = { spec: s, offset, bytes };
    offset += bytes;
  });
  const missing = slots.findIndex((slot) => slot === undefined);
  if (missing >= 0 || slots.length < expected.length) {
    const w = expected[missing >= 0 ? missing : slots.length];
    throw new RangeError(`${op}: the weight specs have no weight ${JSON.stringify(w.name)} (shape [${w.shape.join(', ')}]), which the model needs`);
  }
  return { slots: slots as WeightPlan['slots'], totalBytes: offset };
}

/**
 * The float32 values of each planned weight from `data` (the specs' bytes concatenated), dequantized; a RangeError
 * for data of another length than the specs declare, or for a value that is not finite (naming the weight).
 */
export function decodeWeights(plan: WeightPlan, data: Uint8Array, op: string): Float32Array[] {
  if (data.byteLength !== plan.totalBytes) {
    throw new RangeError(`${op}: the weight data holds ${data.byteLength} bytes but the weight specs declare ${plan.totalBytes}${
      data.byteLength < plan.totalBytes ? ' (truncated?)' : ''}`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return plan.slots.map(({ spec, offset, bytes }) => {
    const q = spec.quantization;
    const n = bytes / (q ? QUANT_BYTES[q.dtype] : 4);
    // float32 weights at an aligned offset are a copy (the platforms simdeep runs on are little-endian, as wasm).
    const aligned = !q && spec.dtype === 'float32' && (data.byteOffset + offset) % 4 === 0;
    const out = aligned ? new Float32Array(data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + bytes)) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (aligned) {
        if (!Number.isFinite(out[i])) throw new RangeError(`${op}: weight ${JSON.stringify(spec.name)} holds ${out[i]} at index ${i}; simdeep reads finite weights only`);
        continue;
      }
      let v: number;
      if (!q) v = spec.dtype === 'int32' ? view.getInt32(offset + 4 * i, true) : view.getFloat32(offset + 4 * i, true);
      else if (q.dtype === 'float16') v = halfToFloat(view.getUint16(offset + 2 * i, true));
      else {
        v = (q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true)) * q.scale! + q.min!;
        if (spec.dtype === 'int32') v = Math.round(v);
      }
      out[i] = v;
      if (!Number.isFinite(out[i])) throw new RangeError(`${op}: weight ${JSON.stringify(spec.name)} holds ${out[i]} at index ${i}; simdeep reads finite weights only`);
    }
    return out;
  });
}

/** The specs of a `weightsManifest` (its groups' weights in order) and the shard paths in order; checked shapes only. */
export function manifestSpecs(manifest: unknown, op: string): { specs: unknown[]; paths: string[] } {
  if (!Array.isArray(manifest)) throw new RangeError(`${op}: weightsManifest is ${show(manifest)}, not a list of { paths, weights }`);
  const specs: unknown[] = [], paths: string[] = [];
  manifest.forEach((group: unknown, i) => {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new RangeError(`${op}: weightsManifest[${i}] is ${show(group)}, not { paths, weights }`);
    }
    group.paths.forEach((p: unknown, k) => {
      if (typeof p !== 'string' || p === '' || p.length > 4096) throw new RangeError(`${op}: weightsManifest[${i}].paths[${k}] is ${show(p)}, not a path`);
      paths.push(p);
    });
    for (const spec of group.weights as unknown[]) specs.push(spec);
  });
  return { specs, paths };
}

/** x rounded to the nearest integer, ties to even (IEEE's rounding). */
const roundEven = (x: number): number => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** The float16 bits nearest to v (ties to even); v must be finite and below 65520 in magnitude. */
function floatToHalf(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a < 2 ** -14) return sign | roundEven(a * 2 ** 24); // subnormal (2^-14 itself, if reached, is the first normal's bits)
  let e = Math.floor(Math.log2(a));
  if (a / 2 ** e >= 2) e++;
  else if (a / 2 ** e < 1) e--;
  const fraction = roundEven((a / 2 ** e - 1) * 1024);
  return sign | (fraction === 1024 ? (e + 16) << 10 : ((e + 15) << 10) | fraction);
}

/**
 * Quantized encodings simdeep can write: float16, or uint8 / uint16 codes of an affine map per weight.
 * @example
 * const q: Quantization = 'uint8';
 */
export type Quantization = 'float16' | 'uint8' | 'uint16';

/**
 * Weights as `dtype` codes with their specs' quantization: float16 (a RangeError naming a weight beyond its range),
 * or uint8 / uint16 codes q of min + q·scale spanning each weight's [min, max], as TF.js's decodeWeights reads them.
 */
export function encodeWeights(values: readonly Float32Array[], specs: WeightSpec[], dtype: Quantization, op: string): ArrayBuffer {
  const size = QUANT_BYTES[dtype];
  const out = new Uint8Array(values.reduce((sum, v) => sum + size * v.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  values.forEach((v, k) => {
    if (dtype === 'float16') {
      specs[k].quantization = { dtype };
      for (let i = 0; i < v.length; i++, at += 2) {
        if (!(Math.abs(v[i]) < 65520)) throw new RangeError(`${op}: weight ${JSON.stringify(specs[k].name)} holds ${v[i]} at index ${i}, beyond float16's range`);
        view.setUint16(at, floatToHalf(v[i]), true);
      }
      return;
    }
    let min = Infinity, max = -Infinity;
    for (const x of v) [min, max] = [Math.min(min, x), Math.max(max, x)];
    const levels = dtype === 'uint8' ? 255 : 65535;
    const scale = max > min ? (max - min) / levels : 1;
    specs[k].quantization = { dtype, scale, min: v.length > 0 ? min : 0 };
    for (let i = 0; i < v.length; i++, at += size) {
      const q = Math.round((v[i] - min) / scale);
      if (dtype === 'uint8') view.setUint8(at, q);
      else view.setUint16(at, q, true);
    }
  });
  return out.buffer;
}
