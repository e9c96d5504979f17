// Which format a save target or a file is in, without loading any format's code: model.save and loadModel ask here
// first and import the other formats (src/io/formats.ts) only for a file that is not simdeep's own.
import { MAGIC } from '../nn/save';

/** The formats `model.save` writes and `loadModel` reads. */
export type ModelFormat = 'simdeep' | 'tfjs' | 'keras' | 'onnx' | 'safetensors';
/** Every format, in the order errors list them. */
export const MODEL_FORMATS: readonly ModelFormat[] = ['simdeep', 'tfjs', 'keras', 'onnx', 'safetensors'];

/**
 * The format a save target names: 'file://…', a directory path ending in '/' or a '….json' file is TF.js's,
 * '.keras', '.onnx', '.safetensors' theirs, '.h5' legacy Keras (read only); anything else is simdeep's own.
 */
export function formatOfPath(path: string): ModelFormat | 'keras-h5' {
  if (/^file:\/\//i.test(path) || /\.json$/i.test(path) || /[\\/]$/.test(path)) return 'tfjs';
  if (/\.keras$/i.test(path)) return 'keras';
  if (/\.h5$/i.test(path)) return 'keras-h5';
  if (/\.onnx$/i.test(path)) return 'onnx';
  if (/\.safetensors$/i.test(path)) return 'safetensors';
  return 'simdeep';
}

/** The format of a file's first bytes; 'json' for a JSON document (a TF.js model.json or artifacts), or undefined. */
export function formatOfBytes(bytes: Uint8Array): ModelFormat | 'keras-h5' | 'json' | undefined {
  const at = (i: number): number | undefined => bytes[i];
  if (bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) === MAGIC) return 'simdeep';
  if (at(0) === 0x50 && at(1) === 0x4b && at(2) === 0x03 && at(3) === 0x04) return 'keras'; // a zip: "PK\3\4"
  if ([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => at(i) === b)) return 'keras-h5'; // "\x89HDF\r\n\x1a\n"
  // safetensors: a u64 header length below 2^40, then the header's JSON object.
  if (bytes.length >= 9 && at(8) === 0x7b && at(5) === 0 && at(6) === 0 && at(7) === 0) return 'safetensors';
  let i = at(0) === 0xef && at(1) === 0xbb && at(2) === 0xbf ? 3 : 0; // a UTF-8 byte order mark
  while (at(i) === 0x20 || at(i) === 0x0a || at(i) === 0x0d || at(i) === 0x09) i++;
  if (at(i) === 0x7b) return 'json';
  if (at(0) === 0x08) return 'onnx'; // a ModelProto starts with field 1, ir_version, a varint: tag 0x08
  return undefined;
}
