// The text the kernels are inlined as (src/runtime/wasmText.ts): every byte value and random bytes round-trip, the
// kernel modules round-trip and compile, and a minifier writes the text unchanged (no escapes), which is what makes
// it gzip smaller than base64.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeWasmText, encodeWasmText } from '../../src/runtime/wasmText';

const build = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../build/${name}.wasm`, import.meta.url)));
const gzip = (text: string): number => gzipSync(text, { level: 9 }).length;

describe('wasmText', () => {
  test('every byte value round-trips: 0–87 as one character, 88–255 as two', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = encodeWasmText(all);
    expect(text).toHaveLength(88 + 2 * 168);
    expect(decodeWasmText(text)).toEqual(all);
    expect(encodeWasmText(new Uint8Array(0))).toBe('');
    expect(decodeWasmText('')).toEqual(new Uint8Array(0));
  });

  test('the text is printable ASCII without quotes, backslash or <', () => {
    const text = encodeWasmText(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect(new Set(text).size).toBe(90);
    expect(text).toMatch(/^[\x20-\x7e]*$/);
    expect(text).not.toMatch(/["'`\\<]/);
  });

  test('random bytes round-trip (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(decodeWasmText(encodeWasmText(bytes))).toEqual(bytes);
    }), { numRuns: 300 });
  });

  test.each(['kernels', 'relaxed'])('%s.wasm round-trips and validates', (name) => {
    const bytes = build(name);
    const decoded = decodeWasmText(encodeWasmText(bytes));
    expect(decoded).toEqual(bytes);
    if (name === 'kernels') expect(WebAssembly.validate(decoded)).toBe(true);
  });

  test('a minifier keeps the text as it is, and it gzips smaller than base64', () => {
    const bytes = build('kernels');
    const text = encodeWasmText(bytes);
    const minified = transformSync(`export default ${JSON.stringify(text)};`, { minify: true, format: 'esm' }).code;
    expect(minified.includes(`"${text}"`)).toBe(true);
    expect(gzip(text)).toBeLessThan(gzip(Buffer.from(bytes).toString('base64')) * 0.85);
  });
});
