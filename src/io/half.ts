// float16 (IEEE half precision), as TF.js's quantized weights and safetensors' F16 tensors store values.

/** float16 bits as a number (IEEE half: 1 sign, 5 exponent, 10 fraction bits). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1, exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
